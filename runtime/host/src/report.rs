//! Reports for the security reviewer: `kapsel audit <package>` (what an app is, who signed
//! it, what it declares, what its binary really imports, and a verdict) and
//! `kapsel audit --policy <file>` (what a tenant's policy allows, and what deserves a look).

use serde::Serialize;

use super::grants::{self, Grants, ImportDecision};
use super::imports::{Import, classify, component_imports};
use super::manifest::Capability;
use super::package::{Package, sha256_hex};
use kapsel_core::error::Result;
use kapsel_core::net::origin::{HostPattern, Origin};
use kapsel_core::policy::{CheckMode, CredentialKind, Policy, signing};

#[derive(Debug, Serialize)]
pub struct Signature {
    pub present: bool,
    pub valid: bool,
    pub publisher_key: Option<String>,
    /// None when no tenant policy was given to judge trust.
    pub trusted: Option<bool>,
    pub publisher_name: Option<String>,
    pub problem: Option<String>,
}

#[derive(Debug, Serialize)]
pub struct Declared {
    pub capability: Capability,
    pub scope: String,
}

#[derive(Debug, Serialize, PartialEq, Eq, PartialOrd, Ord, Clone, Copy)]
#[serde(rename_all = "lowercase")]
pub enum Verdict {
    /// Nothing found that needs a decision.
    Approve,
    /// Installable, but a human should look at the listed points.
    Review,
    /// Would be refused at install.
    Reject,
}

#[derive(Debug, Serialize)]
pub struct PackageReport {
    pub id: String,
    pub name: String,
    pub version: String,
    pub publisher: String,
    pub api: String,
    pub description: String,
    pub package_sha256: String,
    pub manifest_sha256: String,
    pub component_sha256: String,
    pub component_bytes: usize,
    pub signature: Signature,
    pub declared: Vec<Declared>,
    pub imports: Vec<ImportDecision>,
    pub wasi_sealed: bool,
    pub mismatches: Vec<String>,
    pub verdict: Verdict,
    pub reasons: Vec<String>,
}

fn declared_list(p: &Package) -> Vec<Declared> {
    let c = &p.manifest.capabilities;
    let mut out = Vec::new();
    if let Some(s) = &c.storage {
        out.push(Declared {
            capability: Capability::Storage,
            scope: format!("quota {} bytes", s.quota_bytes),
        });
    }
    if let Some(h) = &c.http {
        out.push(Declared {
            capability: Capability::Http,
            scope: h.origins.join(", "),
        });
    }
    if c.notify {
        out.push(Declared {
            capability: Capability::Notify,
            scope: "notifications".into(),
        });
    }
    if c.log {
        out.push(Declared {
            capability: Capability::Log,
            scope: "app log in the container".into(),
        });
    }
    if c.documents {
        out.push(Declared {
            capability: Capability::Documents,
            scope: "the handed-over document; save new ones".into(),
        });
    }
    out
}

/// Audit a package file's bytes, optionally against a tenant policy.
pub fn audit_package(bytes: &[u8], policy: Option<&Policy>) -> Result<PackageReport> {
    let package = Package::parse(bytes)?;
    let m = &package.manifest;
    let mut reasons = Vec::new();
    let mut verdict = Verdict::Approve;
    let mut raise = |v: Verdict, why: String, reasons: &mut Vec<String>| {
        verdict = verdict.max(v);
        reasons.push(why);
    };

    let signature = match (&package.signature, package.verify_signature()) {
        (None, _) => Signature {
            present: false,
            valid: false,
            publisher_key: None,
            trusted: None,
            publisher_name: None,
            problem: Some("not signed".into()),
        },
        (Some((key, _)), Err(e)) => Signature {
            present: true,
            valid: false,
            publisher_key: Some(signing::encode_public_key(key)),
            trusted: None,
            publisher_name: None,
            problem: Some(e.to_string()),
        },
        (Some((key, _)), Ok(_)) => {
            let name = policy.and_then(|p| super::AppHost::trusted_publisher(p, key));
            Signature {
                present: true,
                valid: true,
                publisher_key: Some(signing::encode_public_key(key)),
                trusted: policy.map(|_| name.is_some()),
                publisher_name: name,
                problem: None,
            }
        }
    };
    if !signature.valid {
        raise(
            Verdict::Reject,
            format!(
                "signature: {}",
                signature.problem.clone().unwrap_or_default()
            ),
            &mut reasons,
        );
    } else if signature.trusted == Some(false) {
        raise(
            Verdict::Reject,
            "the publisher key is not trusted by this tenant".into(),
            &mut reasons,
        );
    }

    let names = component_imports(&package.component)?;
    let imports: Vec<Import> = names.iter().map(|n| classify(n)).collect();
    // Without a policy, judge against the manifest alone (as if everything declared were granted).
    let grants = match policy {
        Some(p) => Grants::effective(m, p)?,
        None => {
            let mut everything =
                Policy::parse("serial = 0\n[tenant]\nid = \"review\"\nname = \"review\"\n")?;
            let mut g = kapsel_core::policy::AppGrant {
                storage_quota_bytes: Some(u64::MAX),
                notify: true,
                documents: true,
                log: true,
                ..Default::default()
            };
            if let Some(h) = &m.capabilities.http {
                g.http_origins = h
                    .origins
                    .iter()
                    .filter(|o| *o != super::manifest::TENANT_CONFIGURED)
                    .cloned()
                    .collect();
                if h.tenant_configured() {
                    g.http_origins
                        .push("https://tenant-configured.invalid".into());
                }
            }
            everything.apps.insert(m.id.clone(), g);
            Grants::effective(m, &everything)?
        }
    };
    let decisions = grants::decide(&imports, m, &grants);
    for d in decisions.iter().filter(|d| !d.allowed) {
        raise(
            Verdict::Reject,
            format!("{}: {}", d.import.name(), d.reason),
            &mut reasons,
        );
    }
    let mut mismatches = Vec::new();
    let imported: Vec<Capability> = imports
        .iter()
        .filter_map(|i| match i {
            Import::Capability { capability, .. } => Some(*capability),
            _ => None,
        })
        .collect();
    for cap in Capability::ALL {
        let declared = m.declares(cap);
        let uses = imported.contains(&cap);
        if uses && !declared {
            mismatches.push(format!("imports {} without declaring it", cap.interface()));
        }
        if declared && !uses {
            mismatches.push(format!(
                "declares {} but its code never imports it",
                cap.interface()
            ));
            raise(
                Verdict::Review,
                format!(
                    "declares {} without using it (over-asking)",
                    cap.interface()
                ),
                &mut reasons,
            );
        }
        if declared && policy.is_some() && !grants.allows(cap) {
            mismatches.push(format!(
                "declares {} but the tenant does not grant it",
                cap.interface()
            ));
        }
    }
    if let Some(h) = &m.capabilities.http {
        if h.tenant_configured() {
            reasons.push("http origins are chosen by the tenant's grant, not by the app".into());
        }
        for o in &h.origins {
            if let Ok(origin) = Origin::parse(o) {
                if policy.is_some() && !grants.http_origins.contains(&origin) {
                    mismatches.push(format!("origin {o} is declared but not granted"));
                }
                if matches!(origin.host, HostPattern::Subdomains(_)) {
                    raise(
                        Verdict::Review,
                        format!("wildcard origin {o}"),
                        &mut reasons,
                    );
                }
                if origin.scheme == "http" {
                    raise(
                        Verdict::Review,
                        format!("plain-text origin {o}"),
                        &mut reasons,
                    );
                }
            }
        }
    }
    let wasi_sealed = imports
        .iter()
        .all(|i| !matches!(i, Import::Refused { name, .. } if name.starts_with("wasi:")));
    if reasons.is_empty() {
        reasons.push("signed, every import declared and granted, WASI sealed".into());
    }
    Ok(PackageReport {
        id: m.id.clone(),
        name: m.name.clone(),
        version: m.version.clone(),
        publisher: m.publisher.clone(),
        api: m.api.clone(),
        description: m.description.clone(),
        package_sha256: sha256_hex(bytes),
        manifest_sha256: sha256_hex(package.manifest_text.as_bytes()),
        component_sha256: sha256_hex(&package.component),
        component_bytes: package.component.len(),
        signature,
        declared: declared_list(&package),
        imports: decisions,
        wasi_sealed,
        mismatches,
        verdict,
        reasons,
    })
}

#[derive(Debug, Serialize)]
pub struct AppGrantReport {
    pub id: String,
    pub preinstall: bool,
    pub grants: Vec<String>,
    pub findings: Vec<String>,
}

#[derive(Debug, Serialize)]
pub struct PolicyReport {
    pub tenant: String,
    pub serial: u64,
    pub signed_by: Option<String>,
    pub publishers: Vec<String>,
    pub apps: Vec<AppGrantReport>,
    pub integrity: Vec<String>,
    pub findings: Vec<String>,
    pub verdict: Verdict,
}

/// What a tenant's policy allows, with findings for the reviewer.
pub fn audit_policy(policy: &Policy, signed_by: Option<String>) -> PolicyReport {
    let mut findings = Vec::new();
    let mut verdict = Verdict::Approve;
    if signed_by.is_none() {
        findings.push("the policy is not signed: a container will refuse it".into());
        verdict = Verdict::Reject;
    }
    let mut apps = Vec::new();
    for (id, g) in &policy.apps {
        let mut grants = Vec::new();
        let mut app_findings = Vec::new();
        if let Some(q) = g.storage_quota_bytes {
            grants.push(format!("storage {q} bytes"));
            if q > 1 << 30 {
                app_findings.push(format!("storage quota above 1 GiB ({q})"));
            }
        }
        for o in &g.http_origins {
            grants.push(format!("http {o}"));
            match Origin::parse(o) {
                Err(e) => app_findings.push(e.to_string()),
                Ok(origin) => {
                    if matches!(origin.host, HostPattern::Subdomains(_)) {
                        app_findings.push(format!("wildcard origin {o}"));
                    }
                    if origin.scheme == "http" {
                        app_findings.push(format!("plain-text origin {o}"));
                    }
                }
            }
        }
        for o in &g.http_private_origins {
            grants.push(format!("private network {o}"));
            app_findings.push(format!("may reach loopback/private addresses at {o}"));
        }
        for (o, kind) in &g.http_credentials {
            grants.push(format!(
                "credentials ({}) to {o}",
                match kind {
                    CredentialKind::Basic => "basic",
                    CredentialKind::Bearer => "bearer",
                }
            ));
            app_findings.push(format!("the user's credentials are sent to {o}"));
        }
        for (on, what) in [
            (g.notify, "notify"),
            (g.documents, "documents"),
            (g.log, "log"),
        ] {
            if on {
                grants.push(what.into());
            }
        }
        if !app_findings.is_empty() {
            verdict = verdict.max(Verdict::Review);
        }
        apps.push(AppGrantReport {
            id: id.clone(),
            preinstall: g.preinstall,
            grants,
            findings: app_findings,
        });
    }
    let i = &policy.integrity;
    let mut integrity = Vec::new();
    for (name, mode) in [
        ("tracer", i.tracer),
        ("preload", i.preload),
        ("permissions", i.permissions),
        ("binary", i.binary),
        ("superuser", i.superuser),
    ] {
        integrity.push(format!(
            "{name}: {}",
            match mode {
                CheckMode::Enforce => "enforce",
                CheckMode::Warn => "warn",
                CheckMode::Off => "off",
            }
        ));
        if mode == CheckMode::Off && name != "superuser" {
            findings.push(format!("integrity check {name} is off"));
            verdict = verdict.max(Verdict::Review);
        }
    }
    if !policy.tls.plaintext_hosts.is_empty() {
        findings.push(format!(
            "plain text allowed for {}",
            policy.tls.plaintext_hosts.join(", ")
        ));
        verdict = verdict.max(Verdict::Review);
    }
    if policy.lock.idle_minutes > 60 {
        findings.push(format!(
            "idle lock after {} minutes",
            policy.lock.idle_minutes
        ));
        verdict = verdict.max(Verdict::Review);
    }
    PolicyReport {
        tenant: format!("{} ({})", policy.tenant.name, policy.tenant.id),
        serial: policy.serial,
        signed_by,
        publishers: policy
            .publishers
            .iter()
            .map(|p| format!("{} {}", p.name, p.key))
            .collect(),
        apps,
        integrity,
        findings,
        verdict,
    }
}
