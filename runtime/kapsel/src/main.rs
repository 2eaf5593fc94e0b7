//! The `kapsel` binary: the full-screen shell when started without arguments (kapsel-shell),
//! the command line (`cli`), the session agent that holds the unlocked container
//! (`session`) and `kapsel bench` (`bench`). Everything the container does lives in the
//! library crates; this crate talks to the person and the socket.

mod bench;
mod cli;
mod session;

use kapsel_session::exit;

fn main() {
    std::process::exit(cli::main());
}
