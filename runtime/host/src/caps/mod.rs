//! The capabilities of `kapsel:app`, one folder each. A folder owns everything about its
//! capability: the manifest's declaration (`Declared`), what the app gets from declaration and
//! policy together (`Granted`), its lines in the reviewer's reports, its per-call state
//! (`CallState`) and its `Host` implementation, which checks the grant again on every call.
//!
//! This file is the only place that lists them: [`Capability`] and the exhaustive matches
//! below. A capability added without one of its arms does not compile — nothing can be
//! rejected (or granted) silently by a forgotten `_ =>`. `config` and `ui` are not
//! capabilities: every app has them (see `imports.rs`).

pub(crate) mod config;
pub(crate) mod documents;
pub(crate) mod http;
pub(crate) mod log;
pub(crate) mod notify;
pub(crate) mod storage;

use serde::{Deserialize, Serialize};

use crate::grants::Grants;
use crate::state::HostState;
use crate::wit::latest::kapsel::app::ui;
use kapsel_core::error::Result;
use kapsel_core::policy::{AppGrant, Policy};

impl ui::Host for HostState {}

/// The capability interfaces of `kapsel:app`, as named in WIT.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Capability {
    Storage,
    Http,
    Notify,
    Log,
    Documents,
}

/// The manifest's `[capabilities]` table; each field's type belongs to its capability.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Capabilities {
    pub storage: Option<storage::Declared>,
    pub http: Option<http::Declared>,
    #[serde(default)]
    pub notify: bool,
    #[serde(default)]
    pub log: bool,
    #[serde(default)]
    pub documents: bool,
}

/// What the app gets of each capability (declared by its manifest *and* granted by the
/// tenant); `None` where it gets nothing.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Granted {
    pub storage: Option<storage::Granted>,
    pub http: Option<http::Granted>,
    pub notify: Option<notify::Granted>,
    pub log: Option<log::Granted>,
    pub documents: Option<documents::Granted>,
}

/// Everything one call produced, per capability; applied when the call returns normally,
/// discarded when it traps.
#[derive(Debug, Default)]
pub struct CallState {
    pub storage: storage::CallState,
    pub http: http::CallState,
    pub notify: notify::CallState,
    pub log: log::CallState,
    pub documents: documents::CallState,
}

/// A point for the security reviewer, and how much it weighs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Concern {
    /// Stable for tools (the report's JSON), beside the prose.
    pub code: &'static str,
    /// Installable, but a human should look (over-asking, wildcards, plain text).
    pub review: bool,
    pub text: String,
}

/// How the tenant's `[apps.<id>]` table reads for one capability, in the policy report.
#[derive(Debug, Default)]
pub struct PolicyLines {
    pub grants: Vec<String>,
    /// (stable code, prose): each deserves a look.
    pub findings: Vec<(&'static str, String)>,
}

impl Granted {
    /// The intersection of manifest and policy, capability by capability.
    pub fn compute(caps: &Capabilities, grant: &AppGrant, policy: &Policy) -> Granted {
        Granted {
            storage: caps.storage.as_ref().and_then(|d| storage::grant(d, grant)),
            http: caps
                .http
                .as_ref()
                .and_then(|d| http::grant(d, grant, policy)),
            notify: notify::grant(caps.notify, grant),
            log: log::grant(caps.log, grant),
            documents: documents::grant(caps.documents, grant),
        }
    }
}

impl Capability {
    pub const ALL: [Capability; 5] = [
        Capability::Storage,
        Capability::Http,
        Capability::Notify,
        Capability::Log,
        Capability::Documents,
    ];

    pub fn interface(self) -> &'static str {
        match self {
            Capability::Storage => "storage",
            Capability::Http => "http",
            Capability::Notify => "notify",
            Capability::Log => "log",
            Capability::Documents => "documents",
        }
    }

    pub fn from_interface(name: &str) -> Option<Capability> {
        Capability::ALL.into_iter().find(|c| c.interface() == name)
    }

    /// Check the manifest's declaration of this capability (scopes that make no sense).
    pub fn validate(self, caps: &Capabilities) -> Result<()> {
        match self {
            Capability::Storage => caps.storage.as_ref().map_or(Ok(()), storage::validate),
            Capability::Http => caps.http.as_ref().map_or(Ok(()), http::validate),
            Capability::Notify | Capability::Log | Capability::Documents => Ok(()),
        }
    }

    /// What the manifest asks for, in the reviewer's words; `None` if it does not declare it.
    pub fn declared(self, caps: &Capabilities) -> Option<String> {
        match self {
            Capability::Storage => caps.storage.as_ref().map(storage::describe_declared),
            Capability::Http => caps.http.as_ref().and_then(http::describe_declared),
            Capability::Notify => caps.notify.then(notify::describe_declared),
            Capability::Log => caps.log.then(log::describe_declared),
            Capability::Documents => caps.documents.then(documents::describe_declared),
        }
    }

    /// What the app gets, in the reviewer's words; `None` if it gets nothing.
    pub fn granted(self, grants: &Grants) -> Option<String> {
        let g = &grants.caps;
        match self {
            Capability::Storage => g.storage.as_ref().map(storage::describe_granted),
            Capability::Http => g.http.as_ref().map(http::describe_granted),
            Capability::Notify => g.notify.as_ref().map(notify::describe_granted),
            Capability::Log => g.log.as_ref().map(log::describe_granted),
            Capability::Documents => g.documents.as_ref().map(documents::describe_granted),
        }
    }

    /// Points in the declaration a reviewer should see (wildcards, plain text, …).
    pub fn concerns(self, caps: &Capabilities) -> Vec<Concern> {
        match self {
            Capability::Http => caps.http.as_ref().map(http::concerns).unwrap_or_default(),
            Capability::Storage | Capability::Notify | Capability::Log | Capability::Documents => {
                Vec::new()
            }
        }
    }

    /// This capability's part of a tenant's `[apps.<id>]` table, for the policy report.
    pub fn policy_lines(self, grant: &AppGrant) -> PolicyLines {
        match self {
            Capability::Storage => storage::policy_lines(grant),
            Capability::Http => http::policy_lines(grant),
            Capability::Notify => notify::policy_lines(grant),
            Capability::Log => log::policy_lines(grant),
            Capability::Documents => documents::policy_lines(grant),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn policy(apps: &str) -> Policy {
        Policy::parse(&format!(
            "serial = 1\n[tenant]\nid = \"t\"\nname = \"T\"\n[apps.a]\n{apps}\n"
        ))
        .unwrap()
    }

    fn caps(text: &str) -> Capabilities {
        toml::from_str(text).unwrap()
    }

    /// Every capability is granted only where both sides agree — checked for each one, so a
    /// new capability cannot slip through with a default of "granted".
    #[test]
    fn each_capability_needs_declaration_and_grant() {
        let everything = "storage = { quota_bytes = 1000 }\nhttp = { origins = [\"https://a.example\"] }\nnotify = true\nlog = true\ndocuments = true\n";
        let all_granted = "storage_quota_bytes = 5000\nhttp_origins = [\"https://a.example\"]\nnotify = true\nlog = true\ndocuments = true\n";
        let p = policy(all_granted);
        let full = Granted::compute(&caps(everything), &p.apps["a"], &p);
        let none_declared = Granted::compute(&caps(""), &p.apps["a"], &p);
        let empty = policy("");
        let none_granted = Granted::compute(&caps(everything), &empty.apps["a"], &empty);
        let grants = |g: Granted| Grants::for_test("a", g);
        let (full, none_declared, none_granted) =
            (grants(full), grants(none_declared), grants(none_granted));
        for cap in Capability::ALL {
            assert!(cap.granted(&full).is_some(), "{cap:?} declared and granted");
            assert!(
                cap.granted(&none_declared).is_none(),
                "{cap:?} granted but not declared"
            );
            assert!(
                cap.granted(&none_granted).is_none(),
                "{cap:?} declared but not granted"
            );
            assert!(cap.declared(&caps(everything)).is_some(), "{cap:?}");
            assert!(cap.declared(&caps("")).is_none(), "{cap:?}");
            assert_eq!(Capability::from_interface(cap.interface()), Some(cap));
        }
    }

    #[test]
    fn scopes_narrow_to_the_smaller_side() {
        let p = policy(
            "storage_quota_bytes = 500\nhttp_origins = [\"https://*.corp.example\"]\nhttp_private_origins = [\"https://intra.corp.example\"]\n",
        );
        let c = caps(
            "storage = { quota_bytes = 1000 }\nhttp = { origins = [\"https://intra.corp.example\", \"https://evil.example\"] }\n",
        );
        let g = Granted::compute(&c, &p.apps["a"], &p);
        assert_eq!(g.storage.unwrap().quota, 500);
        let http = g.http.unwrap();
        assert_eq!(
            http.origins
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>(),
            ["https://intra.corp.example"]
        );
        assert_eq!(http.private.len(), 1);
        // Tenant-configured apps get exactly the tenant's origins.
        let tc = caps("http = { origins = [\"tenant-configured\"] }\n");
        let g = Granted::compute(&tc, &p.apps["a"], &p).http.unwrap();
        assert_eq!(g.origins[0].to_string(), "https://*.corp.example");
    }
}
