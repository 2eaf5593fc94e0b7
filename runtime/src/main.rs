//! The `kapsel` binary: everything lives in the library; this only sets the exit code.

fn main() {
    std::process::exit(kapsel_runtime::shell::main());
}
