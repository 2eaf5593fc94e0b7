//! Notifications the user sees (`kapsel notifications`): filed by apps and by mail, sealed in
//! one vault namespace, newest last. While locked only their number is readable — the
//! namespace's record count needs no key.

use serde::{Deserialize, Serialize};

use crate::error::Result;
use crate::vault::{Vault, time_ordered_key};

pub const NS: &str = "notify";

/// One notification as stored and shown.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Notification {
    /// "mail" or an app id.
    pub app: String,
    pub title: String,
    pub body: String,
    pub ts_ms: u64,
    /// Where it points, if anywhere (a message id and its folder for mail).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub folder: Option<String>,
}

/// File one notification from `source` ("mail" or an app id), optionally about a message.
pub fn file(
    vault: &Vault,
    source: &str,
    title: &str,
    body: &str,
    about: Option<(i64, &str)>,
) -> Result<()> {
    let record = Notification {
        app: source.to_string(),
        title: title.to_string(),
        body: body.to_string(),
        ts_ms: crate::vault::now_ms(),
        message: about.map(|(m, _)| m),
        folder: about.map(|(_, f)| f.to_string()),
    };
    let bytes = serde_json::to_vec(&record)
        .map_err(|e| crate::Error::Agent(format!("cannot encode a notification: {e}")))?;
    vault.put(NS, &time_ordered_key(), &bytes)
}

/// All notifications, oldest first; a record that does not read is skipped.
pub fn list(vault: &Vault) -> Result<Vec<Notification>> {
    let mut out = Vec::new();
    for key in vault.keys_in(NS)? {
        if let Some(raw) = vault.get(NS, &key)?
            && let Ok(n) = serde_json::from_slice(&raw)
        {
            out.push(n);
        }
    }
    Ok(out)
}

pub fn count(vault: &Vault) -> Result<u64> {
    vault.count_in(NS)
}
