//! Reports for the security reviewer: `kapsel audit <package>` (what an app is, who signed
//! it, what it declares, what its binary really imports, what it effectively gets under a
//! tenant policy, and a verdict), `kapsel audit --policy <file>` (what a tenant's policy
//! allows, and what deserves a look) and `kapsel audit --diff OLD NEW` (what an update
//! changes). Every finding carries a stable code beside its prose, for tools; the JSON's
//! shape is `docs/audit.schema.json`, versioned by [`SCHEMA_VERSION`].

use std::collections::BTreeSet;

use rustls::pki_types::CertificateDer;
use rustls::pki_types::pem::PemObject;
use serde::Serialize;

use crate::caps::Capability;
use crate::grants::{self, Grants, ImportDecision};
use crate::imports::{Import, classify, component_imports};
use crate::manifest::Manifest;
use crate::package::{Package, sha256_hex};
use kapsel_core::error::Result;
use kapsel_core::policy::{
    AppGrant, CheckMode, CredentialKind, NotificationDetail, Policy, UnknownDevice, signing,
};
use kapsel_i18n::{current as cat, t};

/// The version of the reports' JSON shape: raised whenever a field changes meaning or goes.
pub const SCHEMA_VERSION: u32 = 1;

#[derive(Debug, Serialize, PartialEq, Eq, PartialOrd, Ord, Clone, Copy)]
#[serde(rename_all = "lowercase")]
pub enum Verdict {
    /// Nothing found that needs a decision.
    Approve,
    /// Installable, but a human should look at the listed points.
    Review,
    /// Would be refused at install, or the report cannot be trusted.
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

/// How much one finding weighs: the verdict is the heaviest of them.
#[derive(Debug, Serialize, PartialEq, Eq, PartialOrd, Ord, Clone, Copy)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Worth knowing; no decision needed.
    Info,
    Review,
    Reject,
}

/// One point of a report: a stable code for tools, the prose for people.
#[derive(Debug, Serialize, Clone, PartialEq, Eq)]
pub struct Finding {
    pub code: &'static str,
    pub severity: Severity,
    pub text: String,
}

impl Finding {
    pub fn new(code: &'static str, severity: Severity, text: String) -> Finding {
        Finding {
            code,
            severity,
            text,
        }
    }

    fn info(code: &'static str, text: String) -> Finding {
        Finding::new(code, Severity::Info, text)
    }
}

fn verdict_of(findings: &[Finding]) -> Verdict {
    match findings.iter().map(|f| f.severity).max() {
        Some(Severity::Reject) => Verdict::Reject,
        Some(Severity::Review) => Verdict::Review,
        _ => Verdict::Approve,
    }
}

/// Where the policy a package is judged against came from.
#[derive(Debug, Serialize, Clone, Copy, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum PolicySource {
    /// `--policy FILE`.
    File,
    /// The container's installed policy (verified against its pinned tenant key).
    Container,
}

/// How far a policy document can be believed.
#[derive(Debug, Serialize, Clone, Copy, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum PolicyState {
    /// Its signature matches its content.
    Signed,
    /// No signature block: a draft, nobody vouches for it.
    Unsigned,
    /// A signature block whose signature does not match the content (or cannot be read).
    Altered,
    /// Signed, but not by the tenant key of the container at hand: nobody here vouches for it.
    Foreign,
}

/// A tenant policy as the reviewer handed it over, with its authenticity.
#[derive(Debug, Clone)]
pub struct JudgedPolicy {
    pub policy: Policy,
    pub source: PolicySource,
    pub state: PolicyState,
    /// The signer's key when the signature matches.
    pub signed_by: Option<String>,
    /// Why it is not signed or was found altered (the words `kapsel tenant verify` uses).
    pub problem: Option<String>,
}

impl JudgedPolicy {
    /// A policy whose signature was checked (the container's, or a verified file).
    pub fn signed(policy: Policy, source: PolicySource, signer: String) -> JudgedPolicy {
        JudgedPolicy {
            policy,
            source,
            state: PolicyState::Signed,
            signed_by: Some(signer),
            problem: None,
        }
    }

    fn authentic(&self) -> bool {
        self.state == PolicyState::Signed
    }
}

/// The policy a package report was judged against, for the report itself.
#[derive(Debug, Serialize)]
pub struct PolicyUsed {
    pub source: PolicySource,
    pub state: PolicyState,
    pub signed_by: Option<String>,
    pub problem: Option<String>,
    pub tenant_id: String,
    pub tenant_name: String,
    pub serial: u64,
}

impl PolicyUsed {
    fn of(j: &JudgedPolicy) -> PolicyUsed {
        PolicyUsed {
            source: j.source,
            state: j.state,
            signed_by: j.signed_by.clone(),
            problem: j.problem.clone(),
            tenant_id: j.policy.tenant.id.clone(),
            tenant_name: j.policy.tenant.name.clone(),
            serial: j.policy.serial,
        }
    }
}

#[derive(Debug, Serialize)]
pub struct Signature {
    pub present: bool,
    pub valid: bool,
    pub publisher_key: Option<String>,
    /// `None` unless a signed tenant policy was given to judge trust: an unsigned or altered
    /// policy vouches for nobody.
    pub trusted: Option<bool>,
    /// The name the signed policy lists the key under (only when `trusted`).
    pub publisher_name: Option<String>,
    /// The name an unsigned or altered policy lists the key under: a claim, not trust.
    pub listed_as: Option<String>,
    pub problem: Option<String>,
}

#[derive(Debug, Serialize)]
pub struct Declared {
    pub capability: Capability,
    /// In the reviewer's words.
    pub scope: String,
    pub quota_bytes: Option<u64>,
    /// As the manifest writes them (`tenant-configured` included).
    pub origins: Vec<String>,
}

/// One origin the app may call under the policy.
#[derive(Debug, Serialize)]
pub struct OriginRight {
    pub origin: String,
    /// May resolve to loopback or private addresses (`http_private_origins`).
    pub private_addresses: bool,
    /// The user's credentials the host adds to requests there, if any.
    pub credentials: Option<CredentialKind>,
    /// Path prefixes the credentials are limited to; empty: every path.
    pub credential_paths: Vec<String>,
}

#[derive(Debug, Serialize)]
pub struct StorageRight {
    /// The quota that applies: min(manifest, policy).
    pub quota_bytes: u64,
    pub declared_bytes: u64,
    pub policy_bytes: u64,
}

#[derive(Debug, Serialize)]
pub struct Setting {
    pub key: String,
    pub value: String,
}

/// The limits of every call, as numbers (durations in milliseconds).
#[derive(Debug, Serialize)]
pub struct Limits {
    pub call_time_ms: u64,
    pub memory_bytes: u64,
    pub http_response_bytes: Option<u64>,
    pub http_timeout_ms: Option<u64>,
    pub notifications_per_call: Option<u64>,
    /// What the locked container shows of notifications (`[dlp] notifications_locked`).
    pub notifications_while_locked: Option<NotificationDetail>,
    pub log_lines: Option<u64>,
    pub documents_quota_bytes: Option<u64>,
}

/// A certificate the tenant's `[tls]` trusts beyond the public roots, used for the app's HTTPS.
#[derive(Debug, Serialize)]
pub struct Anchor {
    /// SHA-256 of the certificate (DER), as `openssl x509 -fingerprint -sha256` shows it.
    pub sha256: String,
    /// `sha256/<base64>` of its public key, as `[tls] pins` write it.
    pub pin: Option<String>,
}

/// What the app really gets: manifest and policy together, with the host's limits.
#[derive(Debug, Serialize)]
pub struct Effective {
    pub capabilities: Vec<Capability>,
    pub storage: Option<StorageRight>,
    pub origins: Vec<OriginRight>,
    /// The tenant's settings the app reads through `kapsel:app/config`.
    pub settings: Vec<Setting>,
    pub limits: Limits,
    pub trust_anchors: Vec<Anchor>,
    /// The public roots are not trusted at all (`[tls] only_anchors`).
    pub only_anchors: bool,
    /// What the app cannot do, whatever it tries.
    pub cannot: Vec<Finding>,
    /// What it can do with what it reads.
    pub can_with_data: Vec<Finding>,
}

#[derive(Debug, Serialize)]
pub struct PackageReport {
    pub schema_version: u32,
    pub report: &'static str,
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
    /// `None`: no policy given, so nothing can be said about grants or trust.
    pub policy: Option<PolicyUsed>,
    pub declared: Vec<Declared>,
    pub imports: Vec<ImportDecision>,
    pub wasi_sealed: bool,
    /// `None` without a policy.
    pub effective: Option<Effective>,
    pub mismatches: Vec<Finding>,
    pub verdict: Verdict,
    pub findings: Vec<Finding>,
}

impl PackageReport {
    /// The findings that made the verdict what it is (its reasons, for a one-line summary).
    pub fn decisive(&self) -> Vec<&Finding> {
        let weight = match self.verdict {
            Verdict::Approve => Severity::Info,
            Verdict::Review => Severity::Review,
            Verdict::Reject => Severity::Reject,
        };
        self.findings
            .iter()
            .filter(|f| f.severity == weight)
            .collect()
    }
}

fn declared_list(m: &Manifest) -> Vec<Declared> {
    Capability::ALL
        .into_iter()
        .filter_map(|capability| {
            capability.declared(&m.capabilities).map(|scope| Declared {
                capability,
                scope,
                quota_bytes: match capability {
                    Capability::Storage => m.capabilities.storage.as_ref().map(|s| s.quota_bytes),
                    _ => None,
                },
                origins: match capability {
                    Capability::Http => crate::changes::declared_origins(m),
                    _ => Vec::new(),
                },
            })
        })
        .collect()
}

/// Audit a package file's bytes, optionally against a tenant policy taken as signed (the
/// container's). See [`audit_package_under`] for a policy file of any standing.
pub fn audit_package(bytes: &[u8], policy: Option<&Policy>) -> Result<PackageReport> {
    let judged = policy.map(|p| JudgedPolicy {
        policy: p.clone(),
        source: PolicySource::Container,
        state: PolicyState::Signed,
        signed_by: None,
        problem: None,
    });
    audit_package_under(bytes, judged.as_ref())
}

fn signature_of(package: &Package, policy: Option<&JudgedPolicy>) -> Signature {
    match (&package.signature, package.verify_signature()) {
        (None, _) => Signature {
            present: false,
            valid: false,
            publisher_key: None,
            trusted: None,
            publisher_name: None,
            listed_as: None,
            problem: Some(t!(cat(), "host-report-not-signed")),
        },
        (Some((key, _)), Err(e)) => Signature {
            present: true,
            valid: false,
            publisher_key: Some(signing::encode_public_key(key)),
            trusted: None,
            publisher_name: None,
            listed_as: None,
            problem: Some(e.to_string()),
        },
        (Some((key, _)), Ok(_)) => {
            let name = policy.and_then(|p| super::AppHost::trusted_publisher(&p.policy, key));
            let authentic = policy.filter(|p| p.authentic());
            Signature {
                present: true,
                valid: true,
                publisher_key: Some(signing::encode_public_key(key)),
                trusted: authentic.map(|_| name.is_some()),
                publisher_name: authentic.and(name.clone()),
                listed_as: if authentic.is_none() { name } else { None },
                problem: None,
            }
        }
    }
}

/// Audit a package file's bytes, optionally against a tenant policy of known standing.
/// Without a policy, or with one nobody signed, nothing is called granted or trusted and the
/// verdict is at best REVIEW.
pub fn audit_package_under(bytes: &[u8], policy: Option<&JudgedPolicy>) -> Result<PackageReport> {
    let package = Package::parse(bytes)?;
    let m = &package.manifest;
    let mut findings: Vec<Finding> = Vec::new();
    let mut add = |code, severity, text| findings.push(Finding::new(code, severity, text));

    match policy {
        None => add("no-policy", Severity::Review, t!(cat(), "audit-no-policy")),
        Some(j) => match j.state {
            PolicyState::Signed => {}
            PolicyState::Unsigned => add(
                "policy-unsigned",
                Severity::Review,
                t!(cat(), "audit-policy-draft"),
            ),
            PolicyState::Altered => add(
                "policy-altered",
                Severity::Reject,
                t!(
                    cat(),
                    "audit-policy-altered-package",
                    problem = j.problem.clone().unwrap_or_default()
                ),
            ),
            PolicyState::Foreign => add(
                "policy-foreign-key",
                Severity::Review,
                t!(
                    cat(),
                    "audit-policy-foreign",
                    problem = j.problem.clone().unwrap_or_default()
                ),
            ),
        },
    }

    let signature = signature_of(&package, policy);
    if !signature.valid {
        let code = if signature.present {
            "signature-invalid"
        } else {
            "signature-missing"
        };
        add(
            code,
            Severity::Reject,
            t!(
                cat(),
                "host-report-signature",
                problem = signature.problem.clone().unwrap_or_default()
            ),
        );
    } else if signature.trusted == Some(false) {
        add(
            "publisher-untrusted",
            Severity::Reject,
            t!(cat(), "host-report-untrusted"),
        );
    }

    // Who may publish this id, under the given policy.
    if let (Some(p), Some((key, _))) = (policy, &package.signature)
        && let Some(signer) = crate::identity::publisher_of(&p.policy, key)
        && let Err(e) = crate::identity::check(&p.policy, &m.id, signer, &m.version, None)
    {
        add("publisher-identity", Severity::Reject, e.to_string());
    }
    for (field, chars, control) in m.deceptive_text() {
        add(
            if control {
                "deceptive-control"
            } else {
                "deceptive-bidi"
            },
            if control {
                Severity::Reject
            } else {
                Severity::Review
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
        );
    }
    let names = component_imports(&package.component)?;
    let imports: Vec<Import> = names.iter().map(|n| classify(n)).collect();
    // Without a policy the grant is unknown: imports are judged on the manifest alone.
    let grants = policy.map(|p| Grants::effective(m, &p.policy));
    let mut decisions = grants::decide(&imports, m, grants.as_ref());
    if policy.is_some_and(|p| !p.authentic()) {
        // A draft's grant is nobody's word: never "declared and granted".
        for d in decisions.iter_mut().filter(|d| d.granted == Some(true)) {
            d.reason = t!(cat(), "audit-import-granted-by-draft");
        }
    }
    for d in decisions.iter().filter(|d| !d.allowed) {
        let code = match (&d.import, d.declared) {
            (Import::Capability { .. }, Some(false)) => "import-undeclared",
            (Import::Capability { .. }, _) => "import-not-granted",
            _ => "import-never-linked",
        };
        add(
            code,
            Severity::Reject,
            format!("{}: {}", d.import.name(), d.reason),
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
            mismatches.push(Finding::info(
                "undeclared",
                t!(
                    cat(),
                    "host-mismatch-undeclared",
                    capability = cap.interface()
                ),
            ));
        }
        if declared && !uses {
            mismatches.push(Finding::info(
                "unused",
                t!(cat(), "host-mismatch-unused", capability = cap.interface()),
            ));
            add(
                "over-asking",
                Severity::Review,
                t!(
                    cat(),
                    "host-report-over-asking",
                    capability = cap.interface()
                ),
            );
        }
        if declared && grants.as_ref().is_some_and(|g| !g.allows(cap)) {
            mismatches.push(Finding::info(
                "not-granted",
                t!(
                    cat(),
                    "host-mismatch-not-granted",
                    capability = cap.interface()
                ),
            ));
        }
    }
    for cap in Capability::ALL {
        for concern in cap.concerns(&m.capabilities) {
            let severity = if concern.review {
                Severity::Review
            } else {
                Severity::Info
            };
            add(concern.code, severity, concern.text);
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
                mismatches.push(Finding::info(
                    "origin-not-granted",
                    t!(cat(), "host-mismatch-origin", origin = o.to_string()),
                ));
            }
        }
    }
    let wasi_sealed = imports
        .iter()
        .all(|i| !matches!(i, Import::Refused { name, .. } if name.starts_with("wasi:")));
    let effective = match (policy, &grants) {
        (Some(p), Some(g)) => Some(effective(m, &p.policy, g)),
        _ => None,
    };
    if findings.iter().all(|f| f.severity == Severity::Info) {
        findings.push(Finding::info("all-good", t!(cat(), "host-report-all-good")));
    }
    let verdict = verdict_of(&findings);
    Ok(PackageReport {
        schema_version: SCHEMA_VERSION,
        report: "package",
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
        policy: policy.map(PolicyUsed::of),
        declared: declared_list(m),
        imports: decisions,
        wasi_sealed,
        effective,
        mismatches,
        verdict,
        findings,
    })
}

/// Every certificate of the tenant's trust anchors (a PEM entry may hold several).
fn anchors(policy: &Policy) -> Vec<Anchor> {
    policy
        .tls
        .trust_anchors
        .iter()
        .flat_map(|pem| CertificateDer::pem_slice_iter(pem.as_bytes()))
        .filter_map(std::result::Result::ok)
        .map(|der| Anchor {
            sha256: sha256_hex(&der),
            pin: kapsel_core::net::tls::pin_of(&der),
        })
        .collect()
}

/// Manifest, policy and the host's limits together: what the app gets, cannot do, and can do
/// with what it reads.
fn effective(m: &Manifest, policy: &Policy, g: &Grants) -> Effective {
    let none = AppGrant::default();
    let grant = policy.apps.get(&m.id).unwrap_or(&none);
    let caps = &g.caps;
    let storage = match (&caps.storage, &m.capabilities.storage) {
        (Some(s), Some(d)) => Some(StorageRight {
            quota_bytes: s.quota,
            declared_bytes: d.quota_bytes,
            policy_bytes: grant.storage_quota_bytes.unwrap_or(s.quota),
        }),
        _ => None,
    };
    let origins: Vec<OriginRight> = caps
        .http
        .as_ref()
        .map(|h| {
            h.origins
                .iter()
                .map(|o| {
                    let credential = grant
                        .http_credentials
                        .iter()
                        .find(|(c, _)| o.covered_by(c) || c.covered_by(o))
                        .map(|(_, c)| c);
                    OriginRight {
                        origin: o.to_string(),
                        private_addresses: h.private.contains(o),
                        credentials: credential.map(|c| c.kind),
                        credential_paths: credential.map(|c| c.paths.clone()).unwrap_or_default(),
                    }
                })
                .collect()
        })
        .unwrap_or_default();
    let limits = Limits {
        call_time_ms: g.call_timeout.as_millis() as u64,
        memory_bytes: g.memory_limit,
        http_response_bytes: caps.http.as_ref().map(|h| h.max_response),
        http_timeout_ms: caps.http.as_ref().map(|h| h.timeout.as_millis() as u64),
        notifications_per_call: caps.notify.as_ref().map(|n| n.per_call as u64),
        notifications_while_locked: caps
            .notify
            .as_ref()
            .map(|_| policy.dlp.notifications_locked),
        log_lines: caps.log.as_ref().map(|l| l.kept_lines as u64),
        documents_quota_bytes: caps.documents.as_ref().map(|d| d.quota),
    };
    let granted: Vec<Capability> = Capability::ALL
        .into_iter()
        .filter(|c| g.allows(*c))
        .collect();
    let mut cannot = vec![
        Finding::info("no-clipboard", t!(cat(), "audit-cannot-clipboard")),
        Finding::info("no-device-files", t!(cat(), "audit-cannot-files")),
        Finding::info("no-other-apps-data", t!(cat(), "audit-cannot-other-apps")),
        Finding::info("no-sockets", t!(cat(), "audit-cannot-sockets")),
        Finding::info("no-environment", t!(cat(), "audit-cannot-environment")),
    ];
    if caps.http.is_none() {
        cannot.push(Finding::info(
            "no-network",
            t!(cat(), "audit-cannot-network"),
        ));
    } else if origins.iter().all(|o| o.credentials.is_none()) {
        cannot.push(Finding::info(
            "no-credentials",
            t!(cat(), "audit-cannot-credentials"),
        ));
    }
    if caps.storage.is_none() {
        cannot.push(Finding::info(
            "no-storage",
            t!(cat(), "audit-cannot-storage"),
        ));
    }
    if caps.documents.is_none() {
        cannot.push(Finding::info(
            "no-documents",
            t!(cat(), "audit-cannot-documents"),
        ));
    }
    if caps.notify.is_none() {
        cannot.push(Finding::info("no-notify", t!(cat(), "audit-cannot-notify")));
    }
    let mut flows = Vec::new();
    let all = origins
        .iter()
        .map(|o| o.origin.as_str())
        .collect::<Vec<_>>()
        .join(", ");
    if origins.is_empty() {
        flows.push(Finding::info(
            "stays-inside",
            t!(cat(), "audit-flow-inside"),
        ));
    } else {
        flows.push(Finding::info(
            "send-input",
            t!(cat(), "audit-flow-input", origins = all.as_str()),
        ));
        if caps.storage.is_some() {
            flows.push(Finding::info(
                "send-stored-data",
                t!(cat(), "audit-flow-storage", origins = all.as_str()),
            ));
        }
        if caps.documents.is_some() {
            flows.push(Finding::info(
                "send-documents",
                t!(cat(), "audit-flow-documents", origins = all.as_str()),
            ));
        }
        if !grant.settings.is_empty() {
            flows.push(Finding::info(
                "send-settings",
                t!(cat(), "audit-flow-settings", origins = all.as_str()),
            ));
        }
        for from in origins.iter().filter(|o| o.credentials.is_some()) {
            let others: Vec<&str> = origins
                .iter()
                .filter(|o| o.origin != from.origin)
                .map(|o| o.origin.as_str())
                .collect();
            if !others.is_empty() {
                flows.push(Finding::info(
                    "carry-credentialed-data",
                    t!(
                        cat(),
                        "audit-flow-credentialed",
                        from = from.origin.as_str(),
                        to = others.join(", ")
                    ),
                ));
            }
        }
        if origins.len() > 1 {
            flows.push(Finding::info(
                "carry-between-origins",
                t!(cat(), "audit-flow-between", origins = all.as_str()),
            ));
        }
    }
    if caps.storage.is_some() {
        flows.push(Finding::info(
            "keep-in-storage",
            t!(cat(), "audit-flow-keep"),
        ));
    }
    if caps.notify.is_some() {
        let locked = match policy.dlp.notifications_locked {
            NotificationDetail::None => t!(cat(), "audit-locked-nothing"),
            NotificationDetail::Count => t!(cat(), "audit-locked-count"),
            NotificationDetail::SenderSubject => t!(cat(), "audit-locked-content"),
        };
        flows.push(Finding::info(
            "show-in-notifications",
            t!(cat(), "audit-flow-notify", locked = locked),
        ));
    }
    Effective {
        capabilities: granted,
        storage,
        trust_anchors: if origins.is_empty() {
            Vec::new()
        } else {
            anchors(policy)
        },
        only_anchors: policy.tls.only_anchors,
        origins,
        settings: grant
            .settings
            .iter()
            .map(|(key, value)| Setting {
                key: key.clone(),
                value: value.clone(),
            })
            .collect(),
        limits,
        cannot,
        can_with_data: flows,
    }
}

/// The origins of one app's grant in the policy report.
#[derive(Debug, Serialize)]
pub struct PolicyOrigin {
    pub origin: String,
    pub private_addresses: bool,
    pub credentials: Option<CredentialKind>,
    pub credential_paths: Vec<String>,
}

#[derive(Debug, Serialize)]
pub struct AppGrantReport {
    pub id: String,
    pub preinstall: bool,
    /// In the reviewer's words.
    pub grants: Vec<String>,
    pub storage_quota_bytes: Option<u64>,
    pub origins: Vec<PolicyOrigin>,
    pub notify: bool,
    pub log: bool,
    pub documents: bool,
    pub documents_quota_bytes: Option<u64>,
    pub call_time_ms: u64,
    pub memory_bytes: u64,
    pub http_response_bytes: u64,
    pub http_timeout_ms: u64,
    pub settings: Vec<Setting>,
    pub findings: Vec<Finding>,
}

#[derive(Debug, Serialize)]
pub struct IntegrityCheck {
    pub check: &'static str,
    pub mode: CheckMode,
}

#[derive(Debug, Serialize)]
pub struct PolicyReport {
    pub schema_version: u32,
    pub report: &'static str,
    pub tenant_id: String,
    pub tenant_name: String,
    pub serial: u64,
    pub state: PolicyState,
    pub signed_by: Option<String>,
    /// Why it is unsigned or altered.
    pub problem: Option<String>,
    pub publishers: Vec<String>,
    pub apps: Vec<AppGrantReport>,
    pub integrity: Vec<IntegrityCheck>,
    pub findings: Vec<Finding>,
    pub verdict: Verdict,
}

fn app_grant_report(id: &str, g: &AppGrant) -> AppGrantReport {
    let mut grants = Vec::new();
    let mut findings = Vec::new();
    for cap in Capability::ALL {
        let lines = cap.policy_lines(g);
        grants.extend(lines.grants);
        findings.extend(
            lines
                .findings
                .into_iter()
                .map(|(code, text)| Finding::new(code, Severity::Review, text)),
        );
    }
    AppGrantReport {
        id: id.to_string(),
        preinstall: g.preinstall,
        grants,
        storage_quota_bytes: g.storage_quota_bytes,
        origins: g
            .http_origins
            .iter()
            .map(|o| {
                let credential = g
                    .http_credentials
                    .iter()
                    .find(|(c, _)| o.covered_by(c) || c.covered_by(o))
                    .map(|(_, c)| c);
                PolicyOrigin {
                    origin: o.to_string(),
                    private_addresses: g.http_private_origins.iter().any(|p| o.covered_by(p)),
                    credentials: credential.map(|c| c.kind),
                    credential_paths: credential.map(|c| c.paths.clone()).unwrap_or_default(),
                }
            })
            .collect(),
        notify: g.notify,
        log: g.log,
        documents: g.documents,
        documents_quota_bytes: g.documents.then(|| {
            g.documents_quota_bytes
                .unwrap_or(crate::caps::documents::DEFAULT_QUOTA)
        }),
        call_time_ms: g
            .call_timeout_ms
            .unwrap_or(grants::DEFAULT_CALL_TIMEOUT.as_millis() as u64),
        memory_bytes: g.memory_limit_bytes.unwrap_or(grants::DEFAULT_MEMORY),
        http_response_bytes: g
            .http_max_response_bytes
            .unwrap_or(crate::caps::http::DEFAULT_MAX_RESPONSE),
        http_timeout_ms: g
            .http_timeout_ms
            .unwrap_or(crate::caps::http::DEFAULT_TIMEOUT.as_millis() as u64),
        settings: g
            .settings
            .iter()
            .map(|(key, value)| Setting {
                key: key.clone(),
                value: value.clone(),
            })
            .collect(),
        findings,
    }
}

/// What a tenant's policy allows, with findings for the reviewer. An unsigned or altered
/// policy is rejected: a container refuses it.
pub fn audit_policy(judged: &JudgedPolicy) -> PolicyReport {
    let policy = &judged.policy;
    let mut findings = Vec::new();
    match judged.state {
        PolicyState::Signed => {}
        PolicyState::Unsigned => findings.push(Finding::new(
            "policy-unsigned",
            Severity::Reject,
            t!(cat(), "host-policy-unsigned"),
        )),
        PolicyState::Altered => findings.push(Finding::new(
            "policy-altered",
            Severity::Reject,
            t!(
                cat(),
                "audit-policy-altered",
                problem = judged.problem.clone().unwrap_or_default()
            ),
        )),
        PolicyState::Foreign => findings.push(Finding::new(
            "policy-foreign-key",
            Severity::Reject,
            t!(
                cat(),
                "audit-policy-foreign",
                problem = judged.problem.clone().unwrap_or_default()
            ),
        )),
    }
    let apps: Vec<AppGrantReport> = policy
        .apps
        .iter()
        .map(|(id, g)| app_grant_report(id, g))
        .collect();
    let i = &policy.integrity;
    let mut integrity = Vec::new();
    for (check, mode) in [
        ("tracer", i.tracer),
        ("preload", i.preload),
        ("permissions", i.permissions),
        ("binary", i.binary),
        ("superuser", i.superuser),
    ] {
        integrity.push(IntegrityCheck { check, mode });
        if mode == CheckMode::Off {
            findings.push(Finding::new(
                "integrity-off",
                Severity::Review,
                t!(cat(), "host-finding-integrity-off", name = check),
            ));
        }
    }
    if !policy.tls.plaintext_hosts.is_empty() {
        findings.push(Finding::new(
            "plaintext-hosts",
            Severity::Review,
            t!(
                cat(),
                "host-finding-plaintext",
                hosts = policy.tls.plaintext_hosts.join(", ")
            ),
        ));
    }
    if policy.lock.idle_minutes > 60 {
        findings.push(Finding::new(
            "idle-lock",
            Severity::Review,
            t!(
                cat(),
                "host-finding-idle-lock",
                minutes = policy.lock.idle_minutes.to_string()
            ),
        ));
    }
    if policy.dlp.notifications_locked == NotificationDetail::SenderSubject {
        findings.push(Finding::new(
            "locked-notification-content",
            Severity::Review,
            t!(cat(), "audit-finding-locked-content"),
        ));
    }
    if policy
        .management
        .as_ref()
        .is_some_and(|m| m.unknown_device == UnknownDevice::Allow)
    {
        findings.push(Finding::new(
            "unknown-devices-open",
            Severity::Review,
            t!(cat(), "audit-finding-unknown-device"),
        ));
    }
    let app_weight = apps
        .iter()
        .flat_map(|a| a.findings.iter().map(|f| f.severity))
        .max();
    let verdict = verdict_of(&findings).max(match app_weight {
        Some(Severity::Reject) => Verdict::Reject,
        Some(Severity::Review) => Verdict::Review,
        _ => Verdict::Approve,
    });
    PolicyReport {
        schema_version: SCHEMA_VERSION,
        report: "policy",
        tenant_id: policy.tenant.id.clone(),
        tenant_name: policy.tenant.name.clone(),
        serial: policy.serial,
        state: judged.state,
        signed_by: judged.signed_by.clone(),
        problem: judged.problem.clone(),
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

/// Added and removed entries between two versions.
#[derive(Debug, Serialize)]
pub struct Changes<T> {
    pub added: Vec<T>,
    pub removed: Vec<T>,
}

impl<T: Ord + Clone> Changes<T> {
    fn between(old: &[T], new: &[T]) -> Changes<T> {
        let (o, n): (BTreeSet<&T>, BTreeSet<&T>) = (old.iter().collect(), new.iter().collect());
        Changes {
            added: n.difference(&o).map(|x| (*x).clone()).collect(),
            removed: o.difference(&n).map(|x| (*x).clone()).collect(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.added.is_empty() && self.removed.is_empty()
    }
}

/// One capability whose scope changed (a quota, the origins).
#[derive(Debug, Serialize)]
pub struct ScopeChange {
    pub capability: Capability,
    pub old: String,
    pub new: String,
}

/// `kapsel audit --diff OLD NEW`: an update review as a diff, with the new version's report.
#[derive(Debug, Serialize)]
pub struct DiffReport {
    pub schema_version: u32,
    pub report: &'static str,
    pub old: PackageReport,
    pub new: PackageReport,
    pub capabilities: Changes<Capability>,
    pub scopes: Vec<ScopeChange>,
    pub origins: Changes<String>,
    pub imports: Changes<String>,
    /// Under the policy: capabilities and origins the app effectively gains or loses.
    pub effective_capabilities: Option<Changes<Capability>>,
    pub effective_origins: Option<Changes<String>>,
    pub findings: Vec<Finding>,
    /// The new version's verdict, raised where the diff itself needs a look.
    pub verdict: Verdict,
}

/// Compare two versions of an app (each audited as usual).
pub fn diff_packages(old: &[u8], new: &[u8], policy: Option<&JudgedPolicy>) -> Result<DiffReport> {
    let old = audit_package_under(old, policy)?;
    let new = audit_package_under(new, policy)?;
    let caps = |r: &PackageReport| r.declared.iter().map(|d| d.capability).collect::<Vec<_>>();
    let origins = |r: &PackageReport| {
        r.declared
            .iter()
            .flat_map(|d| d.origins.iter().cloned())
            .collect::<Vec<_>>()
    };
    let imports = |r: &PackageReport| {
        r.imports
            .iter()
            .map(|i| i.import.name().to_string())
            .collect::<Vec<_>>()
    };
    let scopes = new
        .declared
        .iter()
        .filter_map(|n| {
            let o = old.declared.iter().find(|o| o.capability == n.capability)?;
            (o.scope != n.scope).then(|| ScopeChange {
                capability: n.capability,
                old: o.scope.clone(),
                new: n.scope.clone(),
            })
        })
        .collect();
    let effective = |r: &PackageReport| {
        r.effective.as_ref().map(|e| {
            (
                e.capabilities.clone(),
                e.origins
                    .iter()
                    .map(|o| o.origin.clone())
                    .collect::<Vec<_>>(),
            )
        })
    };
    let (effective_capabilities, effective_origins) = match (effective(&old), effective(&new)) {
        (Some((oc, oo)), Some((nc, no))) => (
            Some(Changes::between(&oc, &nc)),
            Some(Changes::between(&oo, &no)),
        ),
        _ => (None, None),
    };
    let mut findings = Vec::new();
    if old.id != new.id {
        findings.push(Finding::new(
            "other-app",
            Severity::Reject,
            t!(
                cat(),
                "audit-diff-other-app",
                old = old.id.as_str(),
                new = new.id.as_str()
            ),
        ));
    }
    if old.signature.publisher_key != new.signature.publisher_key {
        findings.push(Finding::new(
            "signer-changed",
            Severity::Review,
            t!(
                cat(),
                "audit-diff-signer",
                old = old.signature.publisher_key.clone().unwrap_or_default(),
                new = new.signature.publisher_key.clone().unwrap_or_default()
            ),
        ));
    }
    let capabilities = Changes::between(&caps(&old), &caps(&new));
    let origins = Changes::between(&origins(&old), &origins(&new));
    if !capabilities.added.is_empty() || !origins.added.is_empty() {
        findings.push(Finding::new(
            "asks-for-more",
            Severity::Review,
            t!(cat(), "audit-diff-more"),
        ));
    }
    let verdict = new.verdict.max(verdict_of(&findings));
    Ok(DiffReport {
        schema_version: SCHEMA_VERSION,
        report: "diff",
        capabilities,
        scopes,
        origins,
        imports: Changes::between(&imports(&old), &imports(&new)),
        effective_capabilities,
        effective_origins,
        findings,
        verdict,
        old,
        new,
    })
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
        assert_eq!(r.verdict, Verdict::Review);
        assert_eq!(r.decisive()[0].code, "no-policy");
        assert!(r.effective.is_none() && r.policy.is_none());
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
        assert_eq!(r.verdict, Verdict::Approve, "{:?}", r.findings);
        assert_eq!(r.signature.publisher_name.as_deref(), Some("Agency IT"));
    }

    #[test]
    fn undeclared_imports_and_refused_interfaces_reject() {
        let key = signing::generate_key();
        let r = audit_package(&package("", &[STORAGE], &key), None).unwrap();
        assert_eq!(r.verdict, Verdict::Reject);
        assert!(
            r.mismatches
                .iter()
                .any(|m| m.code == "undeclared" && m.text.contains("without declaring"))
        );
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
            r.findings
                .iter()
                .any(|m| m.code == "over-asking" && m.text.contains("notify")),
            "{:?}",
            r.findings
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
        assert!(r.findings.iter().any(|m| m.code == "wildcard-origin"));
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
        assert!(
            r.mismatches
                .iter()
                .any(|m| m.code == "not-granted" && m.text.contains("does not grant"))
        );
    }

    #[test]
    fn the_embedded_api_version_is_read_from_the_binary() {
        let embedded = crate::imports::api_version_of(&component(&[])).unwrap();
        let v01 = crate::wit::ApiVersion { major: 0, minor: 1 };
        assert_eq!(embedded.section, Some(v01));
        assert_eq!(embedded.export, Some(v01));
    }

    fn judged(p: Policy, state: PolicyState) -> JudgedPolicy {
        JudgedPolicy {
            policy: p,
            source: PolicySource::File,
            state,
            signed_by: None,
            problem: (state != PolicyState::Signed).then(|| "altered after signing".into()),
        }
    }

    #[test]
    fn an_unsigned_policy_vouches_for_nobody_and_an_altered_one_rejects() {
        let key = signing::generate_key();
        let bytes = package("storage = { quota_bytes = 100 }", &[STORAGE], &key);
        let p = policy(&key, "storage_quota_bytes = 1000");
        let r =
            audit_package_under(&bytes, Some(&judged(p.clone(), PolicyState::Unsigned))).unwrap();
        assert_eq!(r.signature.trusted, None);
        assert_eq!(r.signature.publisher_name, None);
        assert_eq!(r.signature.listed_as.as_deref(), Some("Agency IT"));
        assert_eq!(r.verdict, Verdict::Review);
        assert_eq!(r.decisive()[0].code, "policy-unsigned");
        // The draft's rights are still shown, as a draft's.
        assert_eq!(
            r.effective
                .as_ref()
                .unwrap()
                .storage
                .as_ref()
                .unwrap()
                .quota_bytes,
            100
        );
        let r = audit_package_under(&bytes, Some(&judged(p, PolicyState::Altered))).unwrap();
        assert_eq!(r.verdict, Verdict::Reject);
        assert_eq!(r.signature.trusted, None);
        assert!(
            r.findings
                .iter()
                .any(|f| f.code == "policy-altered" && f.text.contains("altered after signing"))
        );
    }

    #[test]
    fn effective_rights_are_what_manifest_and_policy_give_together() {
        let key = signing::generate_key();
        let p = policy(
            &key,
            "storage_quota_bytes = 100000\nnotify = true\ncall_timeout_ms = 2000\n\
             http_origins = [\"https://menu.example\", \"https://intra.example\"]\n\
             http_private_origins = [\"https://intra.example\"]\n\
             http_credentials = { \"https://intra.example\" = { kind = \"basic\", paths = [\"/dav/\"] } }\n\
             [apps.canteen.settings]\nmenu = \"https://menu.example/today.json\"\n",
        );
        let r = audit_package(
            &package(
                "storage = { quota_bytes = 65536 }\nnotify = true\nhttp = { origins = [\"https://menu.example\", \"https://intra.example\"] }",
                &[STORAGE, "kapsel:app/notify@0.1.0", "kapsel:app/http@0.1.0"],
                &key,
            ),
            Some(&p),
        )
        .unwrap();
        assert_eq!(r.verdict, Verdict::Approve, "{:?}", r.findings);
        let e = r.effective.unwrap();
        let s = e.storage.unwrap();
        assert_eq!(
            (s.quota_bytes, s.declared_bytes, s.policy_bytes),
            (65536, 65536, 100000)
        );
        let intra = e
            .origins
            .iter()
            .find(|o| o.origin == "https://intra.example")
            .unwrap();
        assert!(intra.private_addresses);
        assert_eq!(intra.credentials, Some(CredentialKind::Basic));
        assert_eq!(intra.credential_paths, ["/dav/"]);
        let menu = e
            .origins
            .iter()
            .find(|o| o.origin == "https://menu.example")
            .unwrap();
        assert!(!menu.private_addresses && menu.credentials.is_none());
        assert_eq!(e.limits.call_time_ms, 2000);
        assert_eq!(e.limits.memory_bytes, grants::DEFAULT_MEMORY);
        assert_eq!(e.limits.http_timeout_ms, Some(15_000));
        assert_eq!(e.limits.notifications_per_call, Some(20));
        assert_eq!(
            e.limits.notifications_while_locked,
            Some(NotificationDetail::Count)
        );
        assert_eq!(e.settings[0].value, "https://menu.example/today.json");
        let codes = |v: &[Finding]| v.iter().map(|f| f.code).collect::<Vec<_>>();
        for code in [
            "no-clipboard",
            "no-device-files",
            "no-other-apps-data",
            "no-sockets",
            "no-documents",
        ] {
            assert!(codes(&e.cannot).contains(&code), "{code}");
        }
        assert!(!codes(&e.cannot).contains(&"no-network"));
        for code in [
            "send-stored-data",
            "send-settings",
            "carry-credentialed-data",
            "show-in-notifications",
        ] {
            assert!(codes(&e.can_with_data).contains(&code), "{code}");
        }
        let stored = e
            .can_with_data
            .iter()
            .find(|f| f.code == "send-stored-data")
            .unwrap();
        assert!(
            stored.text.contains("https://menu.example"),
            "{}",
            stored.text
        );
    }

    #[test]
    fn the_policy_report_lists_risky_settings_and_rejects_what_a_container_would() {
        let key = signing::generate_key();
        let p = Policy::parse(&format!(
            "serial = 1\n[tenant]\nid = \"t\"\nname = \"T\"\n[[publishers]]\nname = \"A\"\nkey = \"{}\"\n\
             [apps.canteen]\nhttp_origins = [\"https://intra.example\"]\nhttp_private_origins = [\"https://intra.example\"]\n\
             http_credentials = {{ \"https://intra.example\" = \"basic\" }}\n[integrity]\nsuperuser = \"off\"\n",
            signing::encode_public_key(&key.verifying_key())
        ))
        .unwrap();
        let r = audit_policy(&judged(p.clone(), PolicyState::Signed));
        assert_eq!(r.verdict, Verdict::Review);
        assert!(
            r.findings
                .iter()
                .any(|f| f.code == "integrity-off" && f.text.contains("superuser"))
        );
        let app = &r.apps[0];
        let codes: Vec<_> = app.findings.iter().map(|f| f.code).collect();
        assert!(
            codes.contains(&"credentials-basic") && codes.contains(&"private-origin"),
            "{codes:?}"
        );
        assert!(app.origins[0].private_addresses);
        assert_eq!(app.origins[0].credentials, Some(CredentialKind::Basic));
        assert_eq!(app.http_timeout_ms, 15_000);
        for state in [
            PolicyState::Unsigned,
            PolicyState::Altered,
            PolicyState::Foreign,
        ] {
            let r = audit_policy(&judged(p.clone(), state));
            assert_eq!(r.verdict, Verdict::Reject, "{state:?}");
        }
        let r = audit_policy(&judged(p, PolicyState::Altered));
        assert_eq!(r.findings[0].code, "policy-altered");
    }

    #[test]
    fn a_diff_lists_what_an_update_adds_and_drops() {
        let key = signing::generate_key();
        let old = package("storage = { quota_bytes = 100 }", &[STORAGE], &key);
        let new = package(
            "storage = { quota_bytes = 200 }\nhttp = { origins = [\"https://menu.example\"] }",
            &["kapsel:app/http@0.1.0", STORAGE],
            &key,
        );
        let p = policy(
            &key,
            "storage_quota_bytes = 1000\nhttp_origins = [\"https://menu.example\"]",
        );
        let d = diff_packages(&old, &new, Some(&judged(p, PolicyState::Signed))).unwrap();
        assert_eq!(d.capabilities.added, [Capability::Http]);
        assert!(d.capabilities.removed.is_empty());
        assert_eq!(d.origins.added, ["https://menu.example"]);
        assert_eq!(d.imports.added, ["kapsel:app/http@0.1.0"]);
        assert_eq!(d.scopes[0].capability, Capability::Storage);
        assert_eq!(d.effective_origins.unwrap().added, ["https://menu.example"]);
        assert_eq!(d.verdict, Verdict::Review);
        assert!(d.findings.iter().any(|f| f.code == "asks-for-more"));
        let back = diff_packages(&new, &old, None).unwrap();
        assert_eq!(back.capabilities.removed, [Capability::Http]);
        assert_eq!(back.imports.removed, ["kapsel:app/http@0.1.0"]);
        assert!(back.effective_origins.is_none());
    }
}
