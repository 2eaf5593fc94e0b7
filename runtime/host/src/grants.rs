//! Two parties must agree: what an app's manifest declares and what the tenant's policy
//! grants. This module assembles the effective grants (each capability computes its own part,
//! see `caps/`) with the limits of every call, and decides a component's real imports against
//! them. Enforcement happens in each capability, per call.

use std::collections::BTreeMap;
use std::time::Duration;

use serde::{Deserialize, Serialize};

use crate::caps::{self, Capability};
use crate::imports::Import;
use crate::manifest::Manifest;
use kapsel_core::error::{Error, Result};
use kapsel_core::policy::{AppGrant, Policy};
use kapsel_i18n::{current as cat, t};

pub const DEFAULT_CALL_TIMEOUT: Duration = Duration::from_secs(5);
pub const DEFAULT_MEMORY: u64 = 64 * 1024 * 1024;

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Grants {
    pub app_id: String,
    /// What the app gets of each capability.
    pub caps: caps::Granted,
    #[serde(with = "crate::millis")]
    pub call_timeout: Duration,
    pub memory_limit: u64,
    /// The tenant's settings for this app (`kapsel:app/config`).
    #[serde(skip)]
    pub settings: BTreeMap<String, String>,
}

impl Grants {
    /// The intersection of manifest and policy. An app without a policy entry gets nothing.
    pub fn effective(manifest: &Manifest, policy: &Policy) -> Grants {
        let none = AppGrant::default();
        let grant = policy.apps.get(&manifest.id).unwrap_or(&none);
        Grants {
            app_id: manifest.id.clone(),
            caps: caps::Granted::compute(&manifest.capabilities, grant, policy),
            call_timeout: grant
                .call_timeout_ms
                .map_or(DEFAULT_CALL_TIMEOUT, Duration::from_millis),
            memory_limit: grant.memory_limit_bytes.unwrap_or(DEFAULT_MEMORY),
            settings: grant.settings.clone(),
        }
    }

    pub fn allows(&self, cap: Capability) -> bool {
        cap.granted(self).is_some()
    }

    #[cfg(test)]
    pub fn for_test(app_id: &str, caps: caps::Granted) -> Grants {
        Grants {
            app_id: app_id.into(),
            caps,
            call_timeout: DEFAULT_CALL_TIMEOUT,
            memory_limit: DEFAULT_MEMORY,
            settings: BTreeMap::new(),
        }
    }
}

/// One line of the install decision, for the reviewer's report.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ImportDecision {
    pub import: Import,
    pub declared: Option<bool>,
    /// `None` where no tenant policy was given to judge the grant.
    pub granted: Option<bool>,
    pub allowed: bool,
    pub reason: String,
}

/// The key of the policy's `[apps.<id>]` table that grants a capability, for messages that
/// tell the developer and the admin what would allow it.
pub fn policy_key(cap: Capability) -> &'static str {
    match cap {
        Capability::Storage => "storage_quota_bytes",
        Capability::Http => "http_origins",
        Capability::Notify => "notify = true",
        Capability::Log => "log = true",
        Capability::Documents => "documents = true",
    }
}

/// Decide every import. With `grants: None` (a reviewer without a tenant policy) a declared
/// capability is judged on the declaration alone, and the reason says so.
pub fn decide(
    imports: &[Import],
    manifest: &Manifest,
    grants: Option<&Grants>,
) -> Vec<ImportDecision> {
    imports
        .iter()
        .map(|import| match import {
            Import::Capability { capability, name } => {
                let declared = manifest.declares(*capability);
                let granted = grants.map(|g| g.allows(*capability));
                let reason = match (declared, granted) {
                    (false, _) => t!(
                        cat(),
                        "host-import-undeclared",
                        name = name.as_str(),
                        capability = capability.interface()
                    ),
                    (true, Some(true)) => t!(cat(), "host-import-granted"),
                    (true, Some(false)) => t!(
                        cat(),
                        "host-import-not-granted",
                        capability = capability.interface(),
                        app = manifest.id.as_str(),
                        key = policy_key(*capability)
                    ),
                    (true, None) => t!(cat(), "host-import-no-policy"),
                };
                ImportDecision {
                    import: import.clone(),
                    declared: Some(declared),
                    granted,
                    allowed: declared && granted != Some(false),
                    reason,
                }
            }
            Import::Types { .. } => ImportDecision {
                import: import.clone(),
                declared: None,
                granted: None,
                allowed: true,
                reason: t!(cat(), "host-import-types"),
            },
            Import::SealedWasi { note, .. } => ImportDecision {
                import: import.clone(),
                declared: None,
                granted: None,
                allowed: true,
                reason: t!(cat(), "host-import-sealed", note = note.as_str()),
            },
            Import::Refused { reason, .. } => ImportDecision {
                import: import.clone(),
                declared: None,
                granted: None,
                allowed: false,
                reason: reason.clone(),
            },
        })
        .collect()
}

/// What `kapsel app package` checks before it writes a package: the API version the binary
/// records and each real import against the manifest (decoded as `audit` and install decode
/// them, judged without a policy). A component that uses what its manifest does not declare,
/// or an interface Kapsel never links, is refused with every such import named.
pub fn check_declared(component: &[u8], manifest: &Manifest) -> Result<()> {
    crate::imports::check_api_version(component, manifest)?;
    let imports: Vec<Import> = crate::imports::component_imports(component)?
        .iter()
        .map(|n| crate::imports::classify(n))
        .collect();
    let refused: Vec<String> = decide(&imports, manifest, None)
        .into_iter()
        .filter(|d| !d.allowed)
        .map(|d| match &d.import {
            Import::Capability { capability, .. } => t!(
                cat(),
                "host-package-undeclared",
                reason = d.reason.as_str(),
                declaration = manifest_key(*capability)
            ),
            _ => t!(
                cat(),
                "host-package-never-linked",
                name = d.import.name(),
                reason = d.reason.as_str()
            ),
        })
        .collect();
    if refused.is_empty() {
        return Ok(());
    }
    Err(Error::invalid(t!(
        cat(),
        "host-package-refused",
        id = manifest.id.as_str(),
        problems = refused.join("; ")
    )))
}

/// How a manifest declares a capability (its `[capabilities]` line).
fn manifest_key(cap: Capability) -> &'static str {
    match cap {
        Capability::Storage => "storage = { quota_bytes = 65536 }",
        Capability::Http => "http = { origins = [\"https://…\"] }",
        Capability::Notify => "notify = true",
        Capability::Log => "log = true",
        Capability::Documents => "documents = true",
    }
}

/// `Err` names the first refused import.
pub fn enforce(decisions: &[ImportDecision]) -> Result<()> {
    match decisions.iter().find(|d| !d.allowed) {
        Some(d) => Err(Error::Policy(t!(
            cat(),
            "host-refused-import",
            name = d.import.name(),
            reason = d.reason.as_str()
        ))),
        None => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::imports::classify;

    fn manifest(caps: &str) -> Manifest {
        Manifest::parse(&format!(
            "id = \"a\"\nname = \"A\"\nversion = \"1\"\npublisher = \"P\"\napi = \"0.1\"\n[capabilities]\n{caps}\n"
        ))
        .unwrap()
    }

    fn policy(apps: &str) -> Policy {
        Policy::parse(&format!(
            "serial = 1\n[tenant]\nid = \"t\"\nname = \"T\"\n[apps.a]\n{apps}\n"
        ))
        .unwrap()
    }

    #[test]
    fn an_import_needs_declaration_and_grant() {
        let imports = [classify("kapsel:app/storage@0.1.0")];
        let m = manifest("storage = { quota_bytes = 10 }");
        let granted = Grants::effective(&m, &policy("storage_quota_bytes = 10"));
        let refused = Grants::effective(&m, &policy(""));
        assert!(enforce(&decide(&imports, &m, Some(&granted))).is_ok());
        let e = enforce(&decide(&imports, &m, Some(&refused))).unwrap_err();
        assert!(e.to_string().contains("does not grant storage"), "{e}");
        let undeclared = manifest("");
        let e = enforce(&decide(&imports, &undeclared, Some(&granted))).unwrap_err();
        assert!(e.to_string().contains("does not declare storage"), "{e}");
        // Without a policy: declared is allowed, but never called granted.
        let d = decide(&imports, &m, None);
        assert!(d[0].allowed && d[0].granted.is_none());
        assert!(!d[0].reason.contains("granted"), "{}", d[0].reason);
    }

    #[test]
    fn refused_interfaces_stay_refused_whatever_the_grants() {
        let m = manifest("storage = { quota_bytes = 10 }");
        let g = Grants::effective(&m, &policy("storage_quota_bytes = 10"));
        for name in [
            "wasi:sockets/tcp@0.2.6",
            "wasi:http/outgoing-handler@0.2.6",
            "kapsel:app/clipboard@0.1.0",
        ] {
            let d = decide(&[classify(name)], &m, Some(&g));
            assert!(!d[0].allowed, "{name}");
            let d = decide(&[classify(name)], &m, None);
            assert!(!d[0].allowed, "{name} without a policy");
        }
    }
}
