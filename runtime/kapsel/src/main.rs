//! The `kapsel` binary: the command line (`shell`), the session agent that holds the unlocked
//! container (`session`), exit codes (`exit`) and `kapsel bench` (`bench`). Everything the
//! container does lives in the library crates; this crate talks to the person and the socket.

mod bench;
mod exit;
mod session;
mod shell;

fn main() {
    std::process::exit(shell::main());
}
