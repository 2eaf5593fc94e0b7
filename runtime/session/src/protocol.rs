//! The session socket's wire format: one JSON request line; then, for long requests,
//! `{"progress": …}` lines; then one reply line. Typed both ways: the agent answers with
//! the type each request names below, and clients read that type, never JSON by key.

use serde::{Deserialize, Serialize};

use kapsel_calendar::{GroupwareAnswer, GroupwareRequest};
use kapsel_core::audit;
use kapsel_core::container::Status;
use kapsel_core::documents::DocumentInfo;
use kapsel_core::error::{Error, Result};
use kapsel_core::notifications::Notification;
use kapsel_directory::{DirectoryAnswer, DirectoryRequest};
use kapsel_host::{CallOutcome, InstallReport, InstalledApp, LogLine};
use kapsel_mail::answers::MailAnswer;
use kapsel_mail::service::MailRequest;
use kapsel_mail::sync::Progress;

/// A request, and (in its doc comment) the answer it gets.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(tag = "op", rename_all = "kebab-case")]
pub enum Request {
    /// → `String` ("pong").
    Ping,
    /// → [`AgentStatus`].
    Status,
    /// → [`Locked`]; the agent then wipes its keys and exits. Served at once, even while
    /// another request holds the container.
    Lock,
    /// → `String` ("subscribed"), then one [`EventLine`] per event until the session ends.
    /// A subscription does not count as activity for the idle lock.
    Subscribe,
    /// → [`AuditLog`].
    AuditLog { limit: usize, verify: bool },
    /// → [`PolicyUpdated`].
    PolicyUpdate { text: String },
    /// Install the app package at `path` (read by the agent, same user). → [`InstallReport`].
    AppInstall { path: String },
    /// → `Vec<InstalledApp>`.
    AppList,
    /// → [`Removed`].
    AppRemove { id: String },
    /// `route` for a view, or `action` (with `form`) for an act. → [`CallOutcome`].
    AppCall {
        id: String,
        route: Option<String>,
        action: Option<String>,
        #[serde(default)]
        form: Vec<(String, String)>,
        document: Option<String>,
    },
    /// → `Vec<LogLine>`.
    AppLog { id: String },
    /// → [`DocumentInfo`].
    DocImport {
        path: String,
        media_type: Option<String>,
    },
    /// → `Vec<DocumentInfo>`.
    DocList,
    /// → [`Notifications`].
    Notifications,
    /// Store (or with `token: None` remove) a bearer token for an origin. → [`CredentialChanged`].
    CredentialSet {
        origin: String,
        token: Option<String>,
    },
    /// → `Vec<String>` (origins).
    CredentialList,
    /// Everything mail (see kapsel-mail's `service` and `answers`).
    Mail { request: MailRequest },
    /// Directory look-up (see kapsel-directory).
    Directory { request: DirectoryRequest },
    /// Calendar, tasks and personal contacts (see kapsel-calendar).
    Groupware { request: GroupwareRequest },
    /// Debug builds only: panic while serving, so the tests can prove a crash is recorded
    /// and reported. Never compiled into a release.
    #[cfg(debug_assertions)]
    DebugPanic,
    /// Debug builds only: hold the container for `ms` milliseconds, as a long request does,
    /// so the tests can prove that a lock does not wait for it.
    #[cfg(debug_assertions)]
    DebugHold { ms: u64 },
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct AgentStatus {
    #[serde(flatten)]
    pub container: Status,
    /// Seconds until the session locks itself if nothing happens.
    pub idle_lock_seconds: u64,
    pub agent_pid: u32,
    /// The standing with the tenant, when the policy has `[management]`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub device: Option<kapsel_device::device::Report>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Locked {
    pub locked: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct AuditLog {
    pub entries: Vec<audit::Entry>,
    pub verification: Option<audit::Verification>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct PolicyUpdated {
    pub updated: bool,
    pub serial: u64,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Removed {
    pub removed: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Notifications {
    pub count: usize,
    pub notifications: Vec<Notification>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct CredentialChanged {
    pub origin: String,
    pub changed: bool,
}

/// Whatever the agent answered; serialised as the answer itself.
#[derive(Debug, Clone, Serialize)]
#[serde(untagged)]
pub enum Answer {
    Text(String),
    Status(Box<AgentStatus>),
    Locked(Locked),
    AuditLog(AuditLog),
    PolicyUpdated(PolicyUpdated),
    Installed(Box<InstallReport>),
    Apps(Vec<InstalledApp>),
    Removed(Removed),
    Outcome(Box<CallOutcome>),
    Log(Vec<LogLine>),
    Document(DocumentInfo),
    Documents(Vec<DocumentInfo>),
    Notifications(Notifications),
    CredentialChanged(CredentialChanged),
    Origins(Vec<String>),
    Mail(Box<MailAnswer>),
    Directory(Box<DirectoryAnswer>),
    Groupware(Box<GroupwareAnswer>),
}

/// A progress line sent before the reply of a long request.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ProgressLine {
    pub progress: Progress,
}

/// Something the session tells its subscribers (the shell) the moment it happens.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum Event {
    /// A notification was filed (new mail, a reminder, an app's notice).
    Notification { notification: Notification },
    /// A sync someone asked for made progress.
    Sync { progress: Progress },
    /// The session is locking now: clear the screen.
    Locked { reason: String },
}

/// One event on a subscription.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct EventLine {
    pub event: Event,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct RemoteError {
    pub kind: String,
    pub message: String,
    pub exit_code: i32,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Reply<T> {
    Ok(T),
    Error(RemoteError),
}

impl Reply<Answer> {
    pub fn from_result(r: Result<Answer>) -> Reply<Answer> {
        match r {
            Ok(v) => Reply::Ok(v),
            Err(e) => Reply::Error(RemoteError {
                kind: e.kind().to_string(),
                message: e.to_string(),
                exit_code: crate::exit::code(&e),
            }),
        }
    }
}

impl<T> Reply<T> {
    pub fn into_result(self) -> Result<T> {
        match self {
            Reply::Ok(v) => Ok(v),
            Reply::Error(e) if e.kind == "locked" => Err(Error::Locked),
            Reply::Error(e) => Err(Error::Remote {
                kind: e.kind,
                message: e.message,
                code: e.exit_code,
            }),
        }
    }
}
