//! The session socket's wire format: one JSON request line, one JSON reply line.
//! Later modules (mail, apps, sync) add request variants here.

use serde::{Deserialize, Serialize};

use kapsel_core::error::{Error, Result};

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(tag = "op", rename_all = "kebab-case")]
pub enum Request {
    Ping,
    Status,
    Lock,
    AuditLog {
        limit: usize,
        verify: bool,
    },
    PolicyUpdate {
        text: String,
    },
    /// Install the app package at `path` (read by the agent, same user).
    AppInstall {
        path: String,
    },
    AppList,
    AppRemove {
        id: String,
    },
    /// `route` for a view, or `action` (with `form`) for an act.
    AppCall {
        id: String,
        route: Option<String>,
        action: Option<String>,
        #[serde(default)]
        form: Vec<(String, String)>,
        document: Option<String>,
    },
    AppLog {
        id: String,
    },
    DocImport {
        path: String,
        media_type: Option<String>,
    },
    DocList,
    Notifications,
    /// Store (or with `token: None` remove) a bearer token for an origin.
    CredentialSet {
        origin: String,
        token: Option<String>,
    },
    CredentialList,
    /// Everything mail (see mail/service.rs).
    Mail {
        request: kapsel_mail::service::MailRequest,
    },
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct RemoteError {
    pub kind: String,
    pub message: String,
    pub exit_code: i32,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Reply {
    Ok(serde_json::Value),
    Error(RemoteError),
}

impl Reply {
    pub fn from_result(r: Result<serde_json::Value>) -> Reply {
        match r {
            Ok(v) => Reply::Ok(v),
            Err(e) => Reply::Error(RemoteError {
                kind: e.kind().to_string(),
                message: e.to_string(),
                exit_code: crate::exit::code(&e),
            }),
        }
    }

    pub fn into_result(self) -> Result<serde_json::Value> {
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
