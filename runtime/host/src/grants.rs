//! Two parties must agree: what an app's manifest declares and what the tenant's policy
//! grants. This module computes the intersection (the effective grants) and checks a
//! component's real imports against it. Enforcement happens in each capability, per call.

use std::time::Duration;

use serde::Serialize;

use super::imports::Import;
use super::manifest::{Capability, Manifest};
use kapsel_core::error::{Error, Result};
use kapsel_core::net::origin::{HostPattern, Origin, Target};
use kapsel_core::policy::{AppGrant, CredentialKind, Policy};

pub const DEFAULT_CALL_TIMEOUT: Duration = Duration::from_secs(5);
pub const DEFAULT_MEMORY: u64 = 64 * 1024 * 1024;
pub const DEFAULT_HTTP_MAX: u64 = 8 * 1024 * 1024;
pub const DEFAULT_HTTP_TIMEOUT: Duration = Duration::from_secs(15);

#[derive(Debug, Clone, Serialize)]
pub struct Grants {
    pub app_id: String,
    pub storage_quota: Option<u64>,
    #[serde(serialize_with = "origins_as_text")]
    pub http_origins: Vec<Origin>,
    #[serde(serialize_with = "origins_as_text")]
    pub http_private: Vec<Origin>,
    #[serde(skip)]
    pub http_credentials: Vec<(Origin, CredentialKind)>,
    pub http_max_response: u64,
    pub http_timeout: Duration,
    pub notify: bool,
    pub documents: bool,
    pub log: bool,
    pub call_timeout: Duration,
    pub memory_limit: u64,
    #[serde(skip)]
    pub settings: std::collections::BTreeMap<String, String>,
}

fn origins_as_text<S: serde::Serializer>(
    o: &[Origin],
    s: S,
) -> std::result::Result<S::Ok, S::Error> {
    s.collect_seq(o.iter().map(|o| o.to_string()))
}

/// Is every target `declared` allows also allowed by `granted`?
fn covered(declared: &Origin, granted: &Origin) -> bool {
    if declared == granted {
        return true;
    }
    if declared.scheme != granted.scheme || declared.port != granted.port {
        return false;
    }
    match (&declared.host, &granted.host) {
        (HostPattern::Exact(h), HostPattern::Subdomains(s)) => {
            h.ends_with(s.as_str()) && h.len() > s.len()
        }
        (HostPattern::Subdomains(d), HostPattern::Subdomains(g)) => d.ends_with(g.as_str()),
        _ => false,
    }
}

fn parse_all(list: &[String], what: &str) -> Result<Vec<Origin>> {
    list.iter()
        .map(|o| Origin::parse(o).map_err(|e| Error::Policy(format!("{what}: {e}"))))
        .collect()
}

impl Grants {
    /// The intersection of manifest and policy. An app without a policy entry gets nothing.
    pub fn effective(manifest: &Manifest, policy: &Policy) -> Result<Grants> {
        let none = AppGrant::default();
        let grant = policy.apps.get(&manifest.id).unwrap_or(&none);
        let granted = parse_all(
            &grant.http_origins,
            &format!("apps.{}.http_origins", manifest.id),
        )?;
        let private = parse_all(
            &grant.http_private_origins,
            &format!("apps.{}.http_private_origins", manifest.id),
        )?;
        let declared = match &manifest.capabilities.http {
            Some(h) if h.tenant_configured() => granted.clone(),
            Some(h) => parse_all(&h.origins, "manifest http.origins")?,
            None => Vec::new(),
        };
        let http_origins: Vec<Origin> = declared
            .iter()
            .filter(|d| granted.iter().any(|g| covered(d, g)))
            .cloned()
            .collect();
        let http_private: Vec<Origin> = http_origins
            .iter()
            .filter(|d| private.iter().any(|g| covered(d, g)))
            .cloned()
            .collect();
        let mut http_credentials = Vec::new();
        for (origin, kind) in &grant.http_credentials {
            let o = Origin::parse(origin).map_err(|e| {
                Error::Policy(format!("apps.{}.http_credentials: {e}", manifest.id))
            })?;
            // Credentials go over plain http only to a host the tenant explicitly allows
            // plain text for (a legacy intranet share); never otherwise.
            let plaintext_ok = matches!(&o.host, HostPattern::Exact(h) if policy.tls.plaintext_hosts.iter().any(|p| p.eq_ignore_ascii_case(h)));
            if o.scheme != "https" && !plaintext_ok {
                return Err(Error::Policy(format!(
                    "apps.{}.http_credentials: credentials are never sent over plain http ({origin})",
                    manifest.id
                )));
            }
            http_credentials.push((o, *kind));
        }
        let storage_quota = match (&manifest.capabilities.storage, grant.storage_quota_bytes) {
            (Some(decl), Some(quota)) if quota > 0 => Some(decl.quota_bytes.min(quota)),
            _ => None,
        };
        let caps = &manifest.capabilities;
        Ok(Grants {
            app_id: manifest.id.clone(),
            storage_quota,
            http_origins,
            http_private,
            http_credentials,
            http_max_response: grant.http_max_response_bytes.unwrap_or(DEFAULT_HTTP_MAX),
            http_timeout: grant
                .http_timeout_ms
                .map_or(DEFAULT_HTTP_TIMEOUT, Duration::from_millis),
            notify: caps.notify && grant.notify,
            documents: caps.documents && grant.documents,
            log: caps.log && grant.log,
            call_timeout: grant
                .call_timeout_ms
                .map_or(DEFAULT_CALL_TIMEOUT, Duration::from_millis),
            memory_limit: grant.memory_limit_bytes.unwrap_or(DEFAULT_MEMORY),
            settings: grant.settings.clone(),
        })
    }

    pub fn allows(&self, cap: Capability) -> bool {
        match cap {
            Capability::Storage => self.storage_quota.is_some(),
            Capability::Http => !self.http_origins.is_empty(),
            Capability::Notify => self.notify,
            Capability::Log => self.log,
            Capability::Documents => self.documents,
        }
    }

    pub fn origin_for(&self, target: &Target) -> Option<&Origin> {
        self.http_origins.iter().find(|o| o.matches(target))
    }

    pub fn private_allowed(&self, target: &Target) -> bool {
        self.http_private.iter().any(|o| o.matches(target))
    }

    pub fn credential_for(&self, target: &Target) -> Option<CredentialKind> {
        self.http_credentials
            .iter()
            .find(|(o, _)| o.matches(target))
            .map(|(_, k)| *k)
    }
}

/// One line of the install decision, for the reviewer's report.
#[derive(Debug, Clone, Serialize)]
pub struct ImportDecision {
    pub import: Import,
    pub declared: Option<bool>,
    pub granted: Option<bool>,
    pub allowed: bool,
    pub reason: String,
}

/// Decide every import; `Err` names the first refused one.
pub fn decide(imports: &[Import], manifest: &Manifest, grants: &Grants) -> Vec<ImportDecision> {
    imports
        .iter()
        .map(|import| match import {
            Import::Capability { capability, name } => {
                let declared = manifest.declares(*capability);
                let granted = grants.allows(*capability);
                let reason = match (declared, granted) {
                    (true, true) => "declared and granted".to_string(),
                    (false, _) => format!(
                        "imports {name} but the manifest does not declare {}",
                        capability.interface()
                    ),
                    (true, false) => format!(
                        "the tenant policy does not grant {} to {}",
                        capability.interface(),
                        manifest.id
                    ),
                };
                ImportDecision {
                    import: import.clone(),
                    declared: Some(declared),
                    granted: Some(granted),
                    allowed: declared && granted,
                    reason,
                }
            }
            Import::Types { .. } => ImportDecision {
                import: import.clone(),
                declared: None,
                granted: None,
                allowed: true,
                reason: "always available (view types, the tenant's settings for this app)".into(),
            },
            Import::SealedWasi { note, .. } => ImportDecision {
                import: import.clone(),
                declared: None,
                granted: None,
                allowed: true,
                reason: format!("sealed: {note}"),
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

pub fn enforce(decisions: &[ImportDecision]) -> Result<()> {
    match decisions.iter().find(|d| !d.allowed) {
        Some(d) => Err(Error::Policy(format!(
            "refused: {} ({})",
            d.import.name(),
            d.reason
        ))),
        None => Ok(()),
    }
}
