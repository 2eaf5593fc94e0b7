//! `kapsel:app/documents`: the one document handed to a call, and new documents the app saves
//! into the container. There is no path, no listing of other documents, and no way out.

mod host;

use serde::Serialize;

pub use host::CallState;

use super::PolicyLines;
use kapsel_core::policy::AppGrant;

#[derive(Debug, Clone, Serialize, serde::Deserialize)]
pub struct Granted {}

pub fn grant(declared: bool, g: &AppGrant) -> Option<Granted> {
    (declared && g.documents).then_some(Granted {})
}

pub fn describe_declared() -> String {
    "the handed-over document; save new ones".into()
}

pub fn describe_granted(_: &Granted) -> String {
    "the handed-over document; save new ones into the container".into()
}

pub fn policy_lines(g: &AppGrant) -> PolicyLines {
    PolicyLines {
        grants: if g.documents {
            vec!["documents".into()]
        } else {
            vec![]
        },
        findings: vec![],
    }
}
