//! Reports for the security reviewer: `kapsel audit <package>` (what an app is, who signed
//! it, what it declares, what its binary really imports, and a verdict) and
//! `kapsel audit --policy <file>` (what a tenant's policy allows, and what deserves a look).

use serde::Serialize;

use crate::caps::Capability;
use crate::grants::{self, Grants, ImportDecision};
use crate::imports::{Import, classify, component_imports};
use crate::package::{Package, sha256_hex};
use kapsel_core::error::Result;
use kapsel_core::policy::{CheckMode, Policy, signing};
use kapsel_i18n::{current as cat, t};

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

impl Verdict {
    pub fn word(self) -> &'static str {
        match self {
            Verdict::Approve => "approve",
            Verdict::Review => "review",
            Verdict::Reject => "reject",
        }
    }
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
    Capability::ALL
        .into_iter()
        .filter_map(|capability| {
            capability
                .declared(&p.manifest.capabilities)
                .map(|scope| Declared { capability, scope })
        })
        .collect()
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
            problem: Some(t!(cat(), "host-report-not-signed")),
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
            t!(
                cat(),
                "host-report-signature",
                problem = signature.problem.clone().unwrap_or_default()
            ),
            &mut reasons,
        );
    } else if signature.trusted == Some(false) {
        raise(
            Verdict::Reject,
            t!(cat(), "host-report-untrusted"),
            &mut reasons,
        );
    }

    // Who may publish this id, under the given policy.
    if let (Some(p), Some((key, _))) = (policy, &package.signature)
        && let Some(signer) = crate::identity::publisher_of(p, key)
        && let Err(e) = crate::identity::check(p, &m.id, signer, &m.version, None)
    {
        raise(Verdict::Reject, e.to_string(), &mut reasons);
    }
    for (field, chars, control) in m.deceptive_text() {
        raise(
            if control {
                Verdict::Reject
            } else {
                Verdict::Review
            },
            t!(
                cat(),
                "host-report-deceptive",
                field = field,
                chars = chars.join(", "),
                consequence = if control {
                    t!(cat(), "host-report-escape")
                } else {
                    t!(cat(), "host-report-bidi")
                }
            ),
            &mut reasons,
        );
    }
    let names = component_imports(&package.component)?;
    let imports: Vec<Import> = names.iter().map(|n| classify(n)).collect();
    // Without a policy the grant is unknown: imports are judged on the manifest alone.
    let grants = policy.map(|p| Grants::effective(m, p));
    let decisions = grants::decide(&imports, m, grants.as_ref());
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
            mismatches.push(t!(
                cat(),
                "host-mismatch-undeclared",
                capability = cap.interface()
            ));
        }
        if declared && !uses {
            mismatches.push(t!(
                cat(),
                "host-mismatch-unused",
                capability = cap.interface()
            ));
            raise(
                Verdict::Review,
                t!(
                    cat(),
                    "host-report-over-asking",
                    capability = cap.interface()
                ),
                &mut reasons,
            );
        }
        if declared && grants.as_ref().is_some_and(|g| !g.allows(cap)) {
            mismatches.push(t!(
                cat(),
                "host-mismatch-not-granted",
                capability = cap.interface()
            ));
        }
    }
    for cap in Capability::ALL {
        for concern in cap.concerns(&m.capabilities) {
            if concern.review {
                raise(Verdict::Review, concern.text, &mut reasons);
            } else {
                reasons.push(concern.text);
            }
        }
    }
    if let (Some(h), Some(g)) = (&m.capabilities.http, &grants) {
        let granted = g
            .caps
            .http
            .as_ref()
            .map(|h| h.origins.as_slice())
            .unwrap_or(&[]);
        for o in h.named() {
            if !granted.contains(o) {
                mismatches.push(t!(cat(), "host-mismatch-origin", origin = o.to_string()));
            }
        }
    }
    let wasi_sealed = imports
        .iter()
        .all(|i| !matches!(i, Import::Refused { name, .. } if name.starts_with("wasi:")));
    if reasons.is_empty() {
        reasons.push(t!(cat(), "host-report-all-good"));
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
        findings.push(t!(cat(), "host-policy-unsigned"));
        verdict = Verdict::Reject;
    }
    let mut apps = Vec::new();
    for (id, g) in &policy.apps {
        let mut grants = Vec::new();
        let mut app_findings = Vec::new();
        for cap in Capability::ALL {
            let lines = cap.policy_lines(g);
            grants.extend(lines.grants);
            app_findings.extend(lines.findings);
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
            findings.push(t!(cat(), "host-finding-integrity-off", name = name));
            verdict = verdict.max(Verdict::Review);
        }
    }
    if !policy.tls.plaintext_hosts.is_empty() {
        findings.push(t!(
            cat(),
            "host-finding-plaintext",
            hosts = policy.tls.plaintext_hosts.join(", ")
        ));
        verdict = verdict.max(Verdict::Review);
    }
    if policy.lock.idle_minutes > 60 {
        findings.push(t!(
            cat(),
            "host-finding-idle-lock",
            minutes = policy.lock.idle_minutes.to_string()
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

#[cfg(test)]
mod tests {
    use super::*;
    use wasm_encoder::{
        Component, ComponentExportKind, ComponentImportSection, ComponentTypeRef,
        ComponentTypeSection, CustomSection, InstanceType,
    };

    /// A component that imports `imports` (as empty instances), exports the first import as
    /// `kapsel:app/app@0.1.0` and carries the SDK's version section: enough for the report,
    /// which reads the binary and never runs it.
    fn component(imports: &[&str]) -> Vec<u8> {
        let mut c = Component::new();
        let mut types = ComponentTypeSection::new();
        types.instance(&InstanceType::new());
        c.section(&types);
        let mut section = ComponentImportSection::new();
        for name in imports.iter().copied().chain(["kapsel:app/ui@0.1.0"]) {
            section.import(name, ComponentTypeRef::Instance(0));
        }
        c.section(&section);
        let mut exports = wasm_encoder::ComponentExportSection::new();
        exports.export(
            "kapsel:app/app@0.1.0",
            ComponentExportKind::Instance,
            0,
            None,
        );
        c.section(&exports);
        c.section(&CustomSection {
            name: crate::wit::VERSION_SECTION.into(),
            data: b"0.1.0".as_slice().into(),
        });
        c.finish()
    }

    fn package(caps: &str, imports: &[&str], key: &signing::SigningKey) -> Vec<u8> {
        let manifest = format!(
            "id = \"canteen\"\nname = \"Canteen\"\nversion = \"1.0.0\"\npublisher = \"Agency\"\napi = \"0.1\"\n[capabilities]\n{caps}\n"
        );
        let mut p = Package::new(&manifest, component(imports)).unwrap();
        p.sign(key);
        p.to_bytes()
    }

    fn policy(key: &signing::SigningKey, apps: &str) -> Policy {
        Policy::parse(&format!(
            "serial = 1\n[tenant]\nid = \"t\"\nname = \"T\"\n[[publishers]]\nname = \"Agency IT\"\nkey = \"{}\"\n[apps.canteen]\n{apps}\n",
            signing::encode_public_key(&key.verifying_key())
        ))
        .unwrap()
    }

    const STORAGE: &str = "kapsel:app/storage@0.1.0";

    #[test]
    fn without_a_policy_nothing_is_called_granted() {
        let key = signing::generate_key();
        let r = audit_package(
            &package("storage = { quota_bytes = 100 }", &[STORAGE], &key),
            None,
        )
        .unwrap();
        assert_eq!(r.signature.trusted, None);
        let storage = r
            .imports
            .iter()
            .find(|d| d.import.name() == STORAGE)
            .unwrap();
        assert!(storage.allowed && storage.granted.is_none());
        assert!(!storage.reason.contains("granted"), "{}", storage.reason);
    }

    #[test]
    fn declared_and_granted_under_a_policy_approves() {
        let key = signing::generate_key();
        let p = policy(&key, "storage_quota_bytes = 1000");
        let r = audit_package(
            &package("storage = { quota_bytes = 100 }", &[STORAGE], &key),
            Some(&p),
        )
        .unwrap();
        assert_eq!(r.verdict, Verdict::Approve, "{:?}", r.reasons);
        assert_eq!(r.signature.publisher_name.as_deref(), Some("Agency IT"));
    }

    #[test]
    fn undeclared_imports_and_refused_interfaces_reject() {
        let key = signing::generate_key();
        let r = audit_package(&package("", &[STORAGE], &key), None).unwrap();
        assert_eq!(r.verdict, Verdict::Reject);
        assert!(r.mismatches.iter().any(|m| m.contains("without declaring")));
        for refused in ["wasi:sockets/tcp@0.2.6", "wasi:http/outgoing-handler@0.2.6"] {
            let r = audit_package(&package("", &[refused], &key), None).unwrap();
            assert_eq!(r.verdict, Verdict::Reject, "{refused}");
            assert!(
                !r.wasi_sealed || refused.starts_with("wasi:http"),
                "{refused}"
            );
        }
    }

    #[test]
    fn over_asking_and_wildcards_need_a_review() {
        let key = signing::generate_key();
        let r = audit_package(
            &package(
                "storage = { quota_bytes = 100 }\nnotify = true",
                &[STORAGE],
                &key,
            ),
            None,
        )
        .unwrap();
        assert_eq!(r.verdict, Verdict::Review);
        assert!(
            r.reasons.iter().any(|m| m.contains("notify")),
            "{:?}",
            r.reasons
        );
        let r = audit_package(
            &package(
                "http = { origins = [\"https://*.corp.example\"] }",
                &["kapsel:app/http@0.1.0"],
                &key,
            ),
            None,
        )
        .unwrap();
        assert_eq!(r.verdict, Verdict::Review);
        assert!(r.reasons.iter().any(|m| m.contains("wildcard")));
    }

    #[test]
    fn a_publisher_the_tenant_does_not_trust_rejects() {
        let key = signing::generate_key();
        let stranger = signing::generate_key();
        let p = policy(&key, "storage_quota_bytes = 1000");
        let r = audit_package(
            &package("storage = { quota_bytes = 100 }", &[STORAGE], &stranger),
            Some(&p),
        )
        .unwrap();
        assert_eq!(r.verdict, Verdict::Reject);
        assert_eq!(r.signature.trusted, Some(false));
    }

    #[test]
    fn declared_but_not_granted_is_a_mismatch_and_rejects() {
        let key = signing::generate_key();
        let p = policy(&key, "");
        let r = audit_package(
            &package("storage = { quota_bytes = 100 }", &[STORAGE], &key),
            Some(&p),
        )
        .unwrap();
        assert_eq!(r.verdict, Verdict::Reject);
        assert!(r.mismatches.iter().any(|m| m.contains("does not grant")));
    }

    #[test]
    fn the_embedded_api_version_is_read_from_the_binary() {
        let embedded = crate::imports::api_version_of(&component(&[])).unwrap();
        let v01 = crate::wit::ApiVersion { major: 0, minor: 1 };
        assert_eq!(embedded.section, Some(v01));
        assert_eq!(embedded.export, Some(v01));
    }
}
