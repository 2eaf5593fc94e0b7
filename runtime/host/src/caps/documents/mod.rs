//! `kapsel:app/documents`: the one document handed to a call, and new documents the app saves
//! into the container. There is no path, no listing of other documents, and no way out.

mod host;

use serde::Serialize;

pub use host::{CallState, Writer};

use super::PolicyLines;
use kapsel_core::policy::AppGrant;
use kapsel_i18n::{current as cat, t};

/// Bytes of documents an app may save when the tenant sets no quota.
pub const DEFAULT_QUOTA: u64 = 256 * 1024 * 1024;

#[derive(Debug, Clone, Serialize, serde::Deserialize)]
pub struct Granted {
    /// Bytes of documents this app may keep saved in the container.
    pub quota: u64,
}

pub fn grant(declared: bool, g: &AppGrant) -> Option<Granted> {
    (declared && g.documents).then_some(Granted {
        quota: g.documents_quota_bytes.unwrap_or(DEFAULT_QUOTA),
    })
}

/// The blob namespace of the documents an app saved (what its quota counts).
pub fn blob_ns(app: &str) -> String {
    format!("appdocs:{app}")
}

pub fn describe_declared() -> String {
    t!(cat(), "host-documents-declared")
}

pub fn describe_granted(g: &Granted) -> String {
    t!(cat(), "host-documents-granted", bytes = g.quota.to_string())
}

pub fn policy_lines(g: &AppGrant) -> PolicyLines {
    PolicyLines {
        grants: if g.documents {
            vec![t!(
                cat(),
                "host-policy-documents",
                bytes = g.documents_quota_bytes.unwrap_or(DEFAULT_QUOTA).to_string()
            )]
        } else {
            vec![]
        },
        findings: vec![],
    }
}
