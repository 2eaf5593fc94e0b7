//! Notifications the user sees (`kapsel notifications`): filed by apps and by mail, sealed in
//! one vault namespace, newest last. While locked only their number is readable — the
//! namespace's record count needs no key.

use crate::error::Result;
use crate::vault::{Vault, time_ordered_key};

pub const NS: &str = "notify";

/// File one notification from `source` ("mail" or an app id); `extra` (an object) adds
/// fields such as the message it is about.
pub fn file(
    vault: &Vault,
    source: &str,
    title: &str,
    body: &str,
    extra: serde_json::Value,
) -> Result<()> {
    let mut record = serde_json::json!({
        "app": source, "title": title, "body": body, "ts_ms": crate::vault::now_ms(),
    });
    if let (Some(r), serde_json::Value::Object(more)) = (record.as_object_mut(), extra) {
        r.extend(more);
    }
    vault.put(NS, &time_ordered_key(), record.to_string().as_bytes())
}

/// All notifications, oldest first.
pub fn list(vault: &Vault) -> Result<Vec<serde_json::Value>> {
    let mut out = Vec::new();
    for key in vault.keys_in(NS)? {
        if let Some(raw) = vault.get(NS, &key)? {
            out.push(serde_json::from_slice(&raw).unwrap_or_default());
        }
    }
    Ok(out)
}

pub fn count(vault: &Vault) -> Result<u64> {
    vault.count_in(NS)
}
