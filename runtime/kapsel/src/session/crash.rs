//! What happens when the agent panics. Its stderr goes to /dev/null (it is detached), so a
//! panic would leave no trace and the CLI could only say "the agent closed the connection".
//! A panic hook writes a small record into the container (`crash.json`: when, where, which
//! thread — never the panic's formatted text, which may carry data), and the next command
//! reports it plainly, files it in the audit log and removes it.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use kapsel_core::audit;
use kapsel_core::container::Container;

const FILE: &str = "crash.json";

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct CrashRecord {
    pub ts_ms: u64,
    /// `file:line` in Kapsel's source.
    pub location: String,
    pub thread: String,
    /// The panic's text when it is a literal from the code; formatted text is left out.
    pub message: Option<String>,
}

fn path(root: &Path) -> PathBuf {
    root.join(FILE)
}

/// Record every panic of this process in `root`, then run the default hook.
pub fn install_hook(root: &Path) {
    let file = path(root);
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        // A parser's panic on hostile bytes, already contained: the input was refused, nothing
        // crashed (a hostile IMAP server would otherwise make every sync "crash" the agent).
        if kapsel_mail_wire::contain::is_containing() {
            return;
        }
        let record = CrashRecord {
            ts_ms: kapsel_core::vault::now_ms(),
            location: info.location().map_or_else(
                || "unknown".into(),
                |l| format!("{}:{}", l.file(), l.line()),
            ),
            thread: std::thread::current()
                .name()
                .unwrap_or("unnamed")
                .to_string(),
            message: info
                .payload()
                .downcast_ref::<&'static str>()
                .map(|s| s.chars().take(200).collect()),
        };
        if let Ok(bytes) = serde_json::to_vec(&record) {
            // Best effort: a panic hook has no one to report a failure to.
            let _ = std::fs::write(&file, bytes);
        }
        previous(info);
    }));
}

/// A crash recorded since the last command: audited, removed, and returned for the user.
pub fn take(container: &Container) -> Option<CrashRecord> {
    let file = path(container.root());
    let bytes = std::fs::read(&file).ok()?;
    let _ = std::fs::remove_file(&file);
    let record: CrashRecord = serde_json::from_slice(&bytes).ok()?;
    let _ = audit::append(
        container.vault(),
        "agent-crashed",
        serde_json::json!({
            "ts_ms": record.ts_ms, "location": record.location, "thread": record.thread,
        }),
    );
    Some(record)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The process's default hook again when the test ends, however it ends: the hook is
    /// process-wide and other tests of this binary run beside this one.
    struct DefaultHook;

    impl Drop for DefaultHook {
        fn drop(&mut self) {
            let _ = std::panic::take_hook();
        }
    }

    #[test]
    fn a_contained_parser_panic_is_no_crash_and_a_real_one_is_recorded() {
        let tmp = tempfile::tempdir().expect("temp dir");
        let default = DefaultHook;
        install_hook(tmp.path());
        // imap-proto unwraps this; the wire layer contains it and the frame is unknown.
        let frame = b"* 1 FETCH (UID 5 INTERNALDATE NIL)\r\n";
        assert!(kapsel_mail_wire::imap::parse_response(frame).is_none());
        assert!(
            !path(tmp.path()).exists(),
            "a refused frame was recorded as a crash"
        );
        let _ = std::panic::catch_unwind(|| panic!("a bug of our own"));
        drop(default);
        let record: CrashRecord =
            serde_json::from_slice(&std::fs::read(path(tmp.path())).expect("the crash record"))
                .expect("a record");
        assert_eq!(record.message.as_deref(), Some("a bug of our own"));
        assert!(record.location.contains("crash.rs"), "{record:?}");
    }
}
