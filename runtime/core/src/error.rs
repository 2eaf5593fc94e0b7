//! The one error type of the runtime.
//!
//! Every message is written for the person at the terminal: it says what happened and, where
//! there is one, what to do next. The exit code each kind maps to belongs to the binary
//! (`kapsel/src/exit.rs`).

use std::path::PathBuf;
use std::time::Duration;

pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Each variant's words live in the catalogue (`core-error-*` in kapsel-i18n's
/// `locales/*/core.ftl`), in the language this process chose; the detail strings are
/// written by the module that raised the error, through the same catalogues.
#[derive(Debug)]
pub enum Error {
    NotEnrolled(PathBuf),
    AlreadyEnrolled(PathBuf),
    Locked,
    WrongPassword {
        failures: u32,
        remaining: u32,
        /// What happens at the limit, already in the user's words ("wiped", "locked for …").
        on_limit: String,
    },
    BackOff {
        retry_after: Duration,
    },
    Wiped(u32),
    Tampered(String),
    Policy(String),
    Device(String),
    Invalid(String),
    NotFound(String),
    Agent(String),
    /// A server could not be reached, refused us, or broke its protocol (mail, directory, …).
    Network(String),
    /// The TLS check failed (handshake, certificate, pin): never healed by waiting, never
    /// retried silently.
    Tls(String),
    /// An error the session agent reported, with the exit code it maps to there; the agent
    /// already wrote the message in the session's language.
    Remote {
        kind: String,
        message: String,
        code: i32,
    },
    /// A failure whose details the command already printed (e.g. a report with a failing
    /// verdict): only the exit code and a one-line message remain.
    Reported {
        message: String,
        code: i32,
    },
    Storage(rusqlite::Error),
    Io {
        context: String,
        source: std::io::Error,
    },
}

impl std::fmt::Display for Error {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        use kapsel_i18n::t;
        let cat = kapsel_i18n::current();
        let text = match self {
            Error::NotEnrolled(p) => {
                t!(
                    cat,
                    "core-error-not-enrolled",
                    path = p.display().to_string()
                )
            }
            Error::AlreadyEnrolled(p) => {
                t!(
                    cat,
                    "core-error-already-enrolled",
                    path = p.display().to_string()
                )
            }
            Error::Locked => t!(cat, "core-error-locked"),
            Error::WrongPassword {
                failures,
                remaining,
                on_limit,
            } => t!(
                cat,
                "core-error-wrong-password",
                failures = *failures,
                remaining = *remaining,
                on_limit = on_limit.as_str()
            ),
            Error::BackOff { retry_after } => {
                let seconds = cat.formats().decimal(retry_after.as_secs_f64().max(0.1), 1);
                t!(cat, "core-error-back-off", seconds = seconds)
            }
            Error::Wiped(n) => t!(cat, "core-error-wiped", count = *n),
            Error::Tampered(d) => t!(cat, "core-error-tampered", detail = d.as_str()),
            Error::Policy(d) => t!(cat, "core-error-policy", detail = d.as_str()),
            Error::Device(d) => t!(cat, "core-error-device", detail = d.as_str()),
            Error::NotFound(d) => t!(cat, "core-error-not-found", detail = d.as_str()),
            Error::Agent(d) => t!(cat, "core-error-agent", detail = d.as_str()),
            Error::Storage(e) => t!(cat, "core-error-storage", detail = e.to_string()),
            Error::Invalid(d) | Error::Network(d) | Error::Tls(d) => d.clone(),
            Error::Remote { message, .. } | Error::Reported { message, .. } => message.clone(),
            Error::Io { context, source } => format!("{context}: {source}"),
        };
        f.write_str(&text)
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Storage(e) => Some(e),
            Error::Io { source, .. } => Some(source),
            _ => None,
        }
    }
}

/// A database file SQLite finds damaged is an integrity error (exit 8), not a passing
/// storage failure: the user must learn that data may be gone.
impl From<rusqlite::Error> for Error {
    fn from(e: rusqlite::Error) -> Error {
        use rusqlite::ErrorCode::{DatabaseCorrupt, NotADatabase};
        match e.sqlite_error_code() {
            Some(DatabaseCorrupt | NotADatabase) => Error::Tampered(kapsel_i18n::t!(
                kapsel_i18n::current(),
                "core-database-damaged",
                error = e.to_string()
            )),
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
