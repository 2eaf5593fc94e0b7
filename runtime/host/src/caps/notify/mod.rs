//! `kapsel:app/notify`: notifications, collected per call and filed in the container when the
//! call returns; the shell shows them by the tenant's DLP rules (a bare count while locked).

mod host;

use serde::Serialize;

pub use host::{CallState, MAX_PER_CALL, Notification};

use super::PolicyLines;
use kapsel_core::policy::AppGrant;
use kapsel_i18n::{current as cat, t};

#[derive(Debug, Clone, Serialize, serde::Deserialize)]
pub struct Granted {
    pub per_call: usize,
}

pub fn grant(declared: bool, g: &AppGrant) -> Option<Granted> {
    (declared && g.notify).then_some(Granted {
        per_call: MAX_PER_CALL,
    })
}

pub fn describe_declared() -> String {
    t!(cat(), "host-notify-declared")
}

pub fn describe_granted(g: &Granted) -> String {
    t!(cat(), "host-notify-granted", count = g.per_call)
}

pub fn policy_lines(g: &AppGrant) -> PolicyLines {
    PolicyLines {
        grants: if g.notify {
            vec!["notify".into()]
        } else {
            vec![]
        },
        findings: vec![],
    }
}
