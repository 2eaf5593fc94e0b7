//! Notifications the user sees (`kapsel notifications`): filed by apps and by mail, sealed
//! per source in `notify:<source>`, newest last. While locked only their number is readable —
//! a namespace's record count needs no key.

use std::sync::{Mutex, OnceLock};

use serde::{Deserialize, Serialize};

use crate::error::Result;
use crate::vault::{Vault, time_ordered_key};

/// Where every notification lived before they were kept per source; still read.
pub const NS: &str = "notify";
const NS_PREFIX: &str = "notify:";
/// Notifications kept per source: an app that posts on every call cannot fill the container
/// (the oldest go first).
pub const MAX_PER_SOURCE: u64 = 200;

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
    let bytes = serde_json::to_vec(&record).map_err(|e| {
        crate::Error::Agent(kapsel_i18n::t!(
            kapsel_i18n::current(),
            "core-notification-encode",
            error = e.to_string()
        ))
    })?;
    let ns = format!("{NS_PREFIX}{source}");
    if vault.count_in(&ns)? >= MAX_PER_SOURCE {
        let keys = vault.keys_in(&ns)?;
        let excess = keys.len().saturating_sub(MAX_PER_SOURCE as usize - 1);
        for old in keys.iter().take(excess) {
            vault.delete(&ns, old)?;
        }
    }
    vault.put(&ns, &time_ordered_key(), &bytes)?;
    announce(&record);
    Ok(())
}

type Watcher = Box<dyn Fn(&Notification) + Send + Sync>;

/// Who hears of a notification the moment it is filed: the session agent forwards them to
/// subscribed clients (the shell) so nobody polls. Process-wide because notifications are
/// filed from the mail and calendar workers, the app host and requests alike — threading a
/// channel through all of them would make every layer know about the agent.
fn watchers() -> &'static Mutex<Vec<Watcher>> {
    static WATCHERS: OnceLock<Mutex<Vec<Watcher>>> = OnceLock::new();
    WATCHERS.get_or_init(|| Mutex::new(Vec::new()))
}

/// Call `watcher` with every notification filed from now on in this process.
pub fn watch(watcher: impl Fn(&Notification) + Send + Sync + 'static) {
    watchers()
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .push(Box::new(watcher));
}

fn announce(record: &Notification) {
    for watcher in watchers().lock().unwrap_or_else(|p| p.into_inner()).iter() {
        watcher(record);
    }
}

/// All notifications, oldest first; a record that does not read is skipped.
pub fn list(vault: &Vault) -> Result<Vec<Notification>> {
    let mut out: Vec<(String, Notification)> = Vec::new();
    let mut namespaces = vault.namespaces_with_prefix(NS_PREFIX)?;
    namespaces.push(NS.to_string());
    for ns in namespaces {
        for key in vault.keys_in(&ns)? {
            if let Some(raw) = vault.get(&ns, &key)?
                && let Ok(n) = serde_json::from_slice(&raw)
            {
                out.push((key, n));
            }
        }
    }
    // Keys are time-ordered: one order across sources.
    out.sort_by(|a, b| a.0.cmp(&b.0));
    Ok(out.into_iter().map(|(_, n)| n).collect())
}

/// How many are stored (no key needed: readable while locked).
pub fn count(vault: &Vault) -> Result<u64> {
    Ok(vault.count_with_prefix(NS_PREFIX)? + vault.count_in(NS)?)
}
