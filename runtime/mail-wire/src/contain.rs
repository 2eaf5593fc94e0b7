//! Third-party parsers run on bytes a server or a sender controls, and some panic on them
//! (imap-proto 0.17 unwraps `INTERNALDATE NIL`; mail-parser 0.11 trips a `debug_assert!` on a
//! crafted multipart). Every call into one goes through [`contained`], which turns a panic
//! into `None`. The process's panic hooks (the agent's crash record, the shell's terminal
//! restore) ask [`is_containing`] first: a panic contained here is a refused input, not a
//! crash to report to the user and the audit log, and must not tear down the screen.

use std::cell::Cell;
use std::panic::{AssertUnwindSafe, catch_unwind};

thread_local! {
    static DEPTH: Cell<u32> = const { Cell::new(0) };
}

/// Run `parse`; `None` if it panicked.
pub fn contained<T>(parse: impl FnOnce() -> T) -> Option<T> {
    DEPTH.with(|d| d.set(d.get() + 1));
    let result = catch_unwind(AssertUnwindSafe(parse));
    DEPTH.with(|d| d.set(d.get() - 1));
    result.ok()
}

/// Is this thread inside [`contained`]? For panic hooks.
pub fn is_containing() -> bool {
    DEPTH.with(|d| d.get() > 0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_panic_inside_is_none_and_only_inside_counts_as_contained() {
        assert!(!is_containing());
        let seen = contained(|| {
            assert!(is_containing());
            contained(|| panic!("a parser's bug"))
        });
        assert_eq!(seen, Some(None));
        assert!(!is_containing(), "left set after a panic");
        assert_eq!(contained(|| 7), Some(7));
        // Another thread is not inside this one's call.
        contained(|| {
            let other = std::thread::spawn(is_containing).join();
            assert!(matches!(other, Ok(false)));
        });
    }
}
