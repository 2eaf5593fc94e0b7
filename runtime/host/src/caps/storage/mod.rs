//! `kapsel:app/storage`: the app's namespace in the vault (`app:<id>`), with a quota of
//! min(manifest, policy). Declaration, grant and report lines here; the per-call behaviour
//! (writes held aside until the call returns) in `host.rs`.

mod host;

use serde::{Deserialize, Serialize};

pub use host::{CallState, Failure};

use super::PolicyLines;
use kapsel_core::error::Result;
use kapsel_core::policy::AppGrant;
use kapsel_i18n::{current as cat, t};

/// `storage = { quota_bytes = N }` in the manifest.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Declared {
    pub quota_bytes: u64,
}

#[derive(Debug, Clone, Serialize, serde::Deserialize)]
pub struct Granted {
    /// min(manifest, policy), in bytes of keys and values stored.
    pub quota: u64,
}

pub fn validate(d: &Declared) -> Result<()> {
    if d.quota_bytes == 0 {
        return Err(crate::manifest::manifest_problem(t!(
            cat(),
            "host-manifest-storage-quota"
        )));
    }
    Ok(())
}

pub fn grant(d: &Declared, g: &AppGrant) -> Option<Granted> {
    match g.storage_quota_bytes {
        Some(quota) if quota > 0 => Some(Granted {
            quota: d.quota_bytes.min(quota),
        }),
        _ => None,
    }
}

pub fn describe_declared(d: &Declared) -> String {
    t!(
        cat(),
        "host-storage-quota",
        bytes = d.quota_bytes.to_string()
    )
}

pub fn describe_granted(g: &Granted) -> String {
    t!(cat(), "host-storage-quota", bytes = g.quota.to_string())
}

pub fn policy_lines(g: &AppGrant) -> PolicyLines {
    let mut out = PolicyLines::default();
    if let Some(q) = g.storage_quota_bytes {
        out.grants
            .push(t!(cat(), "host-policy-storage", bytes = q.to_string()));
        if q > 1 << 30 {
            out.findings.push((
                "storage-above-1gib",
                t!(cat(), "host-finding-storage", bytes = q.to_string()),
            ));
        }
    }
    out
}
