//! The one error type of the runtime.
//!
//! Every message is written for the person at the terminal: it says what happened and, where
//! there is one, what to do next. The exit code each kind maps to belongs to the binary
//! (`kapsel/src/exit.rs`).

use std::path::PathBuf;
use std::time::Duration;

pub type Result<T, E = Error> = std::result::Result<T, E>;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("no container at {0}: run `kapsel enroll` first")]
    NotEnrolled(PathBuf),
    #[error("a container already exists at {0}: run `kapsel wipe` first if you mean to start over")]
    AlreadyEnrolled(PathBuf),
    #[error("the container is locked: run `kapsel unlock` first")]
    Locked,
    #[error(
        "wrong password ({failures} failed attempt(s); {remaining} left before the container is {on_limit})"
    )]
    WrongPassword {
        failures: u32,
        remaining: u32,
        on_limit: String,
    },
    #[error("too many failed unlocks: try again in {:.1} s", retry_after.as_secs_f64().max(0.1))]
    BackOff { retry_after: Duration },
    #[error("the container was wiped after {0} failed unlocks; enrol again to continue")]
    Wiped(u32),
    #[error("integrity error: {0} (the container's data was altered or damaged)")]
    Tampered(String),
    #[error("policy refused: {0}")]
    Policy(String),
    #[error("device check failed: {0}")]
    Device(String),
    #[error("{0}")]
    Invalid(String),
    #[error("not found: {0}")]
    NotFound(String),
    #[error("session agent: {0}")]
    Agent(String),
    /// A server could not be reached, refused us, or broke its protocol (mail, directory, …).
    #[error("{0}")]
    Network(String),
    /// The TLS check failed (handshake, certificate, pin): never healed by waiting, never
    /// retried silently.
    #[error("{0}")]
    Tls(String),
    /// An error the session agent reported, with the exit code it maps to there.
    #[error("{message}")]
    Remote {
        kind: String,
        message: String,
        code: i32,
    },
    /// A failure whose details the command already printed (e.g. a report with a failing
    /// verdict): only the exit code and a one-line message remain.
    #[error("{message}")]
    Reported { message: String, code: i32 },
    #[error("storage error: {0}")]
    Storage(rusqlite::Error),
    #[error("{context}: {source}")]
    Io {
        context: String,
        source: std::io::Error,
    },
}

/// A database file SQLite finds damaged is an integrity error (exit 8), not a passing
/// storage failure: the user must learn that data may be gone.
impl From<rusqlite::Error> for Error {
    fn from(e: rusqlite::Error) -> Error {
        use rusqlite::ErrorCode::{DatabaseCorrupt, NotADatabase};
        match e.sqlite_error_code() {
            Some(DatabaseCorrupt | NotADatabase) => {
                Error::Tampered(format!("the container's database file is damaged ({e})"))
            }
            _ => Error::Storage(e),
        }
    }
}

impl Error {
    pub fn io(context: impl Into<String>) -> impl FnOnce(std::io::Error) -> Error {
        let context = context.into();
        move |source| Error::Io { context, source }
    }

    pub fn invalid(msg: impl Into<String>) -> Error {
        Error::Invalid(msg.into())
    }

    /// A short stable name for `--json` output and the session protocol.
    pub fn kind(&self) -> &'static str {
        match self {
            Error::NotEnrolled(_) => "not-enrolled",
            Error::AlreadyEnrolled(_) => "already-enrolled",
            Error::Locked => "locked",
            Error::WrongPassword { .. } => "wrong-password",
            Error::BackOff { .. } => "back-off",
            Error::Wiped(_) => "wiped",
            Error::Tampered(_) => "tampered",
            Error::Policy(_) => "policy",
            Error::Device(_) => "device",
            Error::Invalid(_) => "invalid",
            Error::NotFound(_) => "not-found",
            Error::Agent(_) => "agent",
            Error::Network(_) => "network",
            Error::Tls(_) => "tls",
            Error::Remote { .. } => "remote",
            Error::Reported { .. } => "reported",
            Error::Storage(_) => "storage",
            Error::Io { .. } => "io",
        }
    }
}
