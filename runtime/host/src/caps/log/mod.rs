//! `kapsel:app/log`: the app's log lines, kept inside the container with the call's captured
//! stdout and stderr. Without the grant, lines are dropped.

mod host;

use serde::Serialize;

pub use host::{CallState, KEPT_LINES, LogLine};

use super::PolicyLines;
use kapsel_core::policy::AppGrant;
use kapsel_i18n::{current as cat, t};

#[derive(Debug, Clone, Serialize, serde::Deserialize)]
pub struct Granted {
    pub kept_lines: usize,
}

pub fn grant(declared: bool, g: &AppGrant) -> Option<Granted> {
    (declared && g.log).then_some(Granted {
        kept_lines: KEPT_LINES,
    })
}

pub fn describe_declared() -> String {
    t!(cat(), "host-log-declared")
}

pub fn describe_granted(g: &Granted) -> String {
    t!(cat(), "host-log-granted", lines = g.kept_lines)
}

pub fn policy_lines(g: &AppGrant) -> PolicyLines {
    PolicyLines {
        grants: if g.log { vec!["log".into()] } else { vec![] },
        findings: vec![],
    }
}
