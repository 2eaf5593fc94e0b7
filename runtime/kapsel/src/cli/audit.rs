//! `kapsel audit`: the reviewer's reports on the command line. Reads the package(s) and the
//! policy file, judges how far the policy can be believed (signed, unsigned, altered — the
//! words `kapsel tenant verify` uses), and renders what `kapsel_host::report` found: text for
//! people in their language, JSON for tools (shape: `docs/audit.schema.json`). REJECT exits
//! 11, REVIEW 12, for packages, policies and diffs alike.

use std::path::{Path, PathBuf};

use super::render::Out;
use super::tenant;
use kapsel_core::container::Container;
use kapsel_core::error::{Error, Result};
use kapsel_core::policy::{self, CredentialKind, NotificationDetail, Policy, signing};
use kapsel_core::terminal::line;
use kapsel_host::report::{
    self, DiffReport, Finding, JudgedPolicy, PackageReport, PolicyReport, PolicySource,
    PolicyState, Severity, Verdict,
};
use kapsel_i18n::{Catalog, t};

/// Exit code of a REJECT verdict (README, "Exit codes").
pub const EXIT_REJECT: i32 = 11;
/// Exit code of a REVIEW verdict: installable, but someone must look at the reasons given.
pub const EXIT_REVIEW: i32 = 12;

const SIGNATURE_BLOCK: &str = "-----BEGIN KAPSEL SIGNATURE-----";

/// A policy file as it stands: signed (the signature matches), unsigned (a draft), or
/// altered (a signature block that does not match), judged as `kapsel tenant verify` does.
fn judge_policy_file(path: &Path) -> Result<JudgedPolicy> {
    let text = tenant::read_policy(path)?;
    let judged = |policy, state, problem: String| JudgedPolicy {
        policy,
        source: PolicySource::File,
        state,
        signed_by: None,
        problem: Some(problem),
    };
    match signing::parse_document(&text) {
        Err(e) if !text.contains(SIGNATURE_BLOCK) => Ok(judged(
            Policy::parse(&text)?,
            PolicyState::Unsigned,
            e.to_string(),
        )),
        // A signature block that cannot even be read was tampered with as much as one that
        // does not match.
        Err(e) => {
            let body = text.rfind(SIGNATURE_BLOCK).map_or("", |at| {
                text[..at].rsplit_once('\n').map_or("", |(body, _)| body)
            });
            let policy = Policy::parse(body).map_err(|_| Error::Policy(e.to_string()))?;
            Ok(judged(policy, PolicyState::Altered, e.to_string()))
        }
        Ok(doc) => match policy::verify(&text, None) {
            Ok(v) => Ok(JudgedPolicy::signed(
                v.policy,
                PolicySource::File,
                signing::encode_public_key(&v.signer),
            )),
            Err(e) => {
                let matches = signing::verify_detached(
                    policy::Domain::Policy,
                    &doc.key,
                    doc.body.as_bytes(),
                    &doc.signature,
                )
                .is_ok();
                if matches {
                    // Signed, but not a usable policy: the same refusal as everywhere.
                    return Err(e);
                }
                let policy = Policy::parse(doc.body).map_err(|_| Error::Policy(e.to_string()))?;
                Ok(judged(policy, PolicyState::Altered, e.to_string()))
            }
        },
    }
}

/// The policy to judge against: a given file (of any standing), else the container's. A
/// signed file is checked against the tenant key of the container here, if there is one.
fn policy_to_judge(root: &Path, file: Option<&Path>) -> Result<Option<JudgedPolicy>> {
    match file {
        Some(path) => {
            let mut judged = judge_policy_file(path)?;
            // Best effort: a container that cannot be opened has no key to compare with.
            if judged.state == PolicyState::Signed
                && kapsel_core::vault::Vault::exists(root)
                && let Ok(c) = Container::open(root)
            {
                let tenant = signing::encode_public_key(&c.verified_policy().signer);
                let signer = judged.signed_by.clone().unwrap_or_default();
                if signer != tenant {
                    judged.state = PolicyState::Foreign;
                    judged.problem = Some(t!(
                        kapsel_i18n::current(),
                        "audit-foreign-key",
                        signer = signer,
                        tenant = tenant
                    ));
                }
            }
            Ok(Some(judged))
        }
        None if kapsel_core::vault::Vault::exists(root) => {
            let c = Container::open(root)?;
            Ok(Some(JudgedPolicy::signed(
                c.policy().clone(),
                PolicySource::Container,
                signing::encode_public_key(&c.verified_policy().signer),
            )))
        }
        None => Ok(None),
    }
}

fn read_package(path: &Path) -> Result<Vec<u8>> {
    kapsel_core::files::read_bounded(
        path,
        kapsel_host::MAX_PACKAGE as u64,
        &t!(kapsel_i18n::current(), "cli-app-what-package"),
    )
}

pub fn run(
    root: &Path,
    package: Option<PathBuf>,
    policy_file: Option<PathBuf>,
    diff: Option<Vec<PathBuf>>,
    out: Out,
) -> Result<()> {
    let cat = kapsel_i18n::current();
    let policy = policy_to_judge(root, policy_file.as_deref())?;
    if let Some(pair) = diff {
        let [old, new] = pair.as_slice() else {
            return Err(Error::invalid(t!(cat, "audit-diff-two")));
        };
        if package.is_some() {
            return Err(Error::invalid(t!(cat, "audit-diff-two")));
        }
        let r = report::diff_packages(&read_package(old)?, &read_package(new)?, policy.as_ref())?;
        out.show(&r, |r| render_diff(cat, r));
        let mut reasons: Vec<&Finding> = r.findings.iter().collect();
        reasons.extend(r.new.decisive());
        return verdict_exit(cat, &r.new.id, r.verdict, &reasons);
    }
    match package {
        Some(path) => {
            let r = report::audit_package_under(&read_package(&path)?, policy.as_ref())?;
            out.show(&r, |r| render_package_report(cat, r));
            verdict_exit(cat, &r.id, r.verdict, &r.decisive())
        }
        None => {
            let policy = policy.ok_or_else(|| Error::invalid(t!(cat, "audit-nothing-given")))?;
            let r = report::audit_policy(&policy);
            out.show(&r, |r| render_policy_report(cat, r));
            let mut reasons: Vec<&Finding> = r.findings.iter().collect();
            reasons.extend(r.apps.iter().flat_map(|a| a.findings.iter()));
            let weight = match r.verdict {
                Verdict::Reject => Severity::Reject,
                _ => Severity::Review,
            };
            reasons.retain(|f| f.severity == weight);
            verdict_exit(cat, &r.tenant_id, r.verdict, &reasons)
        }
    }
}

/// REJECT and REVIEW end the process non-zero, with the reasons on one line.
fn verdict_exit(
    cat: &Catalog,
    subject: &str,
    verdict: Verdict,
    reasons: &[&Finding],
) -> Result<()> {
    let code = match verdict {
        Verdict::Approve => return Ok(()),
        Verdict::Review => EXIT_REVIEW,
        Verdict::Reject => EXIT_REJECT,
    };
    let reasons: Vec<String> = reasons.iter().map(|f| line(&f.text)).collect();
    Err(Error::Reported {
        message: t!(
            cat,
            "audit-exit",
            subject = line(subject),
            verdict = verdict_word(cat, verdict),
            reasons = reasons.join("; ")
        ),
        code,
    })
}

/// The column the reports' values start in: the longest label (counted in characters, as
/// the terminal shows them) and a space, at least 13 columns.
fn label_width(labels: &[&str]) -> usize {
    labels
        .iter()
        .map(|l| l.chars().count())
        .max()
        .unwrap_or(0)
        .max(12)
}

fn verdict_word(cat: &Catalog, verdict: Verdict) -> String {
    match verdict {
        Verdict::Approve => t!(cat, "audit-verdict-approve"),
        Verdict::Review => t!(cat, "audit-verdict-review"),
        Verdict::Reject => t!(cat, "audit-verdict-reject"),
    }
}

fn credential_words(cat: &Catalog, kind: CredentialKind, paths: &[String]) -> String {
    let kind = match kind {
        CredentialKind::Basic => t!(cat, "audit-credentials-basic"),
        CredentialKind::Bearer => t!(cat, "audit-credentials-bearer"),
    };
    if paths.is_empty() {
        kind
    } else {
        t!(
            cat,
            "audit-credentials-below",
            kind = kind,
            paths = line(&paths.join(", "))
        )
    }
}

fn locked_words(cat: &Catalog, d: NotificationDetail) -> String {
    match d {
        NotificationDetail::None => t!(cat, "audit-locked-shows-nothing"),
        NotificationDetail::Count => t!(cat, "audit-locked-shows-count"),
        NotificationDetail::SenderSubject => t!(cat, "audit-locked-shows-content"),
    }
}

fn bullet(o: &mut String, f: &Finding) {
    let mark = match f.severity {
        Severity::Info => '-',
        Severity::Review | Severity::Reject => '!',
    };
    o.push_str(&format!("  {mark} {}\n", f.text));
}

fn policy_line(cat: &Catalog, v: &PackageReport) -> String {
    let Some(p) = &v.policy else {
        return t!(cat, "audit-policy-none");
    };
    let tenant = t!(
        cat,
        "audit-tenant-value",
        name = line(&p.tenant_name),
        id = line(&p.tenant_id),
        serial = p.serial.to_string()
    );
    let key = p.signed_by.as_deref().unwrap_or("-");
    match (p.state, p.source) {
        (PolicyState::Signed, PolicySource::Container) => {
            t!(cat, "audit-policy-container", tenant = tenant, key = key)
        }
        (PolicyState::Signed, PolicySource::File) => {
            t!(cat, "audit-policy-file-signed", tenant = tenant, key = key)
        }
        (PolicyState::Unsigned, _) => t!(cat, "audit-policy-file-unsigned", tenant = tenant),
        (PolicyState::Foreign, _) => t!(
            cat,
            "audit-policy-file-foreign",
            tenant = tenant,
            problem = line(p.problem.as_deref().unwrap_or("-"))
        ),
        (PolicyState::Altered, _) => t!(
            cat,
            "audit-policy-file-altered",
            tenant = tenant,
            problem = line(p.problem.as_deref().unwrap_or("-"))
        ),
    }
}

fn trust_words(cat: &Catalog, v: &PackageReport) -> String {
    let sig = &v.signature;
    let from_file = v
        .policy
        .as_ref()
        .is_some_and(|p| p.source == PolicySource::File);
    match (sig.trusted, &sig.listed_as) {
        (Some(true), _) if from_file => t!(
            cat,
            "audit-trusted-by-file",
            name = format!("{:?}", line(sig.publisher_name.as_deref().unwrap_or("-"))),
            key = v
                .policy
                .as_ref()
                .and_then(|p| p.signed_by.as_deref())
                .unwrap_or("-")
        ),
        (Some(true), _) => t!(
            cat,
            "audit-trusted",
            name = format!("{:?}", line(sig.publisher_name.as_deref().unwrap_or("-")))
        ),
        (Some(false), _) => t!(cat, "audit-untrusted"),
        (None, Some(name)) => t!(
            cat,
            "audit-listed-by-draft",
            name = format!("{:?}", line(name))
        ),
        (None, None) if v.policy.is_some() => t!(cat, "audit-trust-not-established"),
        (None, None) => t!(cat, "audit-trust-unknown"),
    }
}

fn render_package_report(cat: &Catalog, v: &PackageReport) -> String {
    let [
        app,
        package,
        manifest,
        component,
        signature,
        policy,
        wasi,
        verdict,
    ] = [
        t!(cat, "audit-label-app"),
        t!(cat, "audit-label-package"),
        t!(cat, "audit-label-manifest"),
        t!(cat, "audit-label-component"),
        t!(cat, "audit-label-signature"),
        t!(cat, "audit-label-policy"),
        t!(cat, "audit-label-wasi"),
        t!(cat, "audit-label-verdict"),
    ];
    let w = label_width(&[
        &app, &package, &manifest, &component, &signature, &policy, &wasi, &verdict,
    ]);
    let field = |label: &str, value: &str| format!("{label:<w$} {value}\n");
    let heading = |text: String| text + "\n";
    let mut o = String::new();
    let by = match (&v.signature.publisher_name, v.signature.trusted) {
        (Some(name), Some(true)) => line(name),
        _ => t!(
            cat,
            "audit-claimed",
            publisher = format!("{:?}", line(&v.publisher))
        ),
    };
    o.push_str(&field(
        &app,
        &t!(
            cat,
            "audit-app-value",
            name = line(&v.name),
            id = v.id.as_str(),
            version = line(&v.version),
            by = by,
            api = line(&v.api)
        ),
    ));
    if !v.description.is_empty() {
        o.push_str(&field("", &line(&v.description)));
    }
    o.push_str(&field(&package, &format!("sha256 {}", v.package_sha256)));
    o.push_str(&field(&manifest, &format!("sha256 {}", v.manifest_sha256)));
    o.push_str(&field(
        &component,
        &t!(
            cat,
            "audit-component-value",
            hash = v.component_sha256.as_str(),
            bytes = v.component_bytes.to_string()
        ),
    ));
    let sig = &v.signature;
    let sig_text = if sig.valid {
        t!(
            cat,
            "audit-signature-valid",
            key = sig.publisher_key.as_deref().unwrap_or("-"),
            trust = trust_words(cat, v)
        )
    } else {
        t!(
            cat,
            "audit-signature-invalid",
            problem = sig.problem.as_deref().unwrap_or("-")
        )
    };
    o.push_str(&field(&signature, &sig_text));
    o.push_str(&field(&policy, &policy_line(cat, v)));
    o.push_str(&heading(t!(cat, "audit-declared")));
    for d in &v.declared {
        o.push_str(&format!("  {:<10} {}\n", d.capability.interface(), d.scope));
    }
    o.push_str(&heading(t!(cat, "audit-imports")));
    let (yes, no) = (t!(cat, "audit-import-ok"), t!(cat, "audit-import-no"));
    let mw = yes.chars().count().max(no.chars().count()) + 1;
    for i in &v.imports {
        let mark = if i.allowed { &yes } else { &no };
        o.push_str(&format!(
            "  {mark:<mw$} {:<44} {}\n",
            i.import.name(),
            i.reason
        ));
    }
    let sealed = if v.wasi_sealed {
        t!(cat, "audit-wasi-sealed")
    } else {
        t!(cat, "audit-wasi-open")
    };
    o.push_str(&field(&wasi, &sealed));
    render_effective(cat, v, &mut o);
    if !v.mismatches.is_empty() {
        o.push_str(&heading(t!(cat, "audit-mismatches")));
        for m in &v.mismatches {
            o.push_str(&format!("  - {}\n", m.text));
        }
    }
    o.push_str(&field(&verdict, &verdict_word(cat, v.verdict)));
    for f in &v.findings {
        bullet(&mut o, f);
    }
    o
}

/// What the app gets under the policy, what it cannot do, and where what it reads can go.
fn render_effective(cat: &Catalog, v: &PackageReport, o: &mut String) {
    let Some(e) = &v.effective else {
        o.push_str(&t!(cat, "audit-effective-unknown"));
        o.push('\n');
        return;
    };
    let draft = v
        .policy
        .as_ref()
        .is_some_and(|p| p.state != PolicyState::Signed);
    o.push_str(&if draft {
        t!(cat, "audit-effective-draft")
    } else {
        t!(cat, "audit-effective")
    });
    o.push('\n');
    let row = |o: &mut String, label: &str, value: &str| {
        o.push_str(&format!("  {label:<10} {value}\n"));
    };
    if e.capabilities.is_empty() {
        row(o, "", &t!(cat, "audit-effective-nothing"));
    }
    if let Some(s) = &e.storage {
        row(
            o,
            "storage",
            &t!(
                cat,
                "audit-storage-value",
                bytes = s.quota_bytes.to_string(),
                declared = s.declared_bytes.to_string(),
                policy = s.policy_bytes.to_string()
            ),
        );
    }
    for (i, origin) in e.origins.iter().enumerate() {
        let addresses = if origin.private_addresses {
            t!(cat, "audit-origin-private")
        } else {
            t!(cat, "audit-origin-public")
        };
        let credentials = match origin.credentials {
            Some(kind) => credential_words(cat, kind, &origin.credential_paths),
            None => t!(cat, "audit-credentials-none"),
        };
        row(
            o,
            if i == 0 { "http" } else { "" },
            &t!(
                cat,
                "audit-origin-value",
                origin = line(&origin.origin),
                addresses = addresses,
                credentials = credentials
            ),
        );
    }
    let l = &e.limits;
    if let (Some(per_call), Some(locked)) = (l.notifications_per_call, l.notifications_while_locked)
    {
        row(
            o,
            "notify",
            &t!(
                cat,
                "audit-notify-value",
                count = per_call.to_string(),
                locked = locked_words(cat, locked)
            ),
        );
    }
    if let Some(bytes) = l.documents_quota_bytes {
        row(
            o,
            "documents",
            &t!(cat, "audit-documents-value", bytes = bytes.to_string()),
        );
    }
    if let Some(lines) = l.log_lines {
        row(
            o,
            "log",
            &t!(cat, "audit-log-value", lines = lines.to_string()),
        );
    }
    for (i, s) in e.settings.iter().enumerate() {
        row(
            o,
            if i == 0 { "config" } else { "" },
            &format!("{} = {}", line(&s.key), line(&s.value)),
        );
    }
    let mut limits = vec![
        t!(cat, "audit-limit-call", ms = l.call_time_ms.to_string()),
        t!(
            cat,
            "audit-limit-memory",
            bytes = l.memory_bytes.to_string()
        ),
    ];
    if let Some(bytes) = l.http_response_bytes {
        limits.push(t!(cat, "audit-limit-response", bytes = bytes.to_string()));
    }
    if let Some(ms) = l.http_timeout_ms {
        limits.push(t!(cat, "audit-limit-http-timeout", ms = ms.to_string()));
    }
    row(o, &t!(cat, "audit-label-limits"), &limits.join(", "));
    if !e.origins.is_empty() {
        let label = t!(cat, "audit-label-anchors");
        if e.trust_anchors.is_empty() {
            row(o, &label, &t!(cat, "audit-anchors-none"));
        }
        for (i, a) in e.trust_anchors.iter().enumerate() {
            row(
                o,
                if i == 0 { &label } else { "" },
                &format!("sha256 {} ({})", a.sha256, a.pin.as_deref().unwrap_or("-")),
            );
        }
        if e.only_anchors {
            row(o, "", &t!(cat, "audit-anchors-only"));
        }
    }
    o.push_str(&t!(cat, "audit-cannot"));
    o.push('\n');
    for f in &e.cannot {
        bullet(o, f);
    }
    o.push_str(&t!(cat, "audit-can-with-data"));
    o.push('\n');
    for f in &e.can_with_data {
        bullet(o, f);
    }
}

fn render_policy_report(cat: &Catalog, v: &PolicyReport) -> String {
    let [tenant, signed_by, integrity, verdict] = [
        t!(cat, "audit-label-tenant"),
        t!(cat, "audit-label-signed-by"),
        t!(cat, "audit-label-integrity"),
        t!(cat, "audit-label-verdict"),
    ];
    let w = label_width(&[&tenant, &signed_by, &integrity, &verdict]);
    let field = |label: &str, value: &str| format!("{label:<w$} {value}\n");
    let heading = |text: String| text + "\n";
    let mut o = field(
        &tenant,
        &t!(
            cat,
            "audit-tenant-value",
            name = line(&v.tenant_name),
            id = line(&v.tenant_id),
            serial = v.serial.to_string()
        ),
    );
    let signer = match (v.state, &v.signed_by) {
        (PolicyState::Signed, Some(s)) => s.clone(),
        (PolicyState::Altered, _) => t!(
            cat,
            "audit-altered",
            problem = line(v.problem.as_deref().unwrap_or("-"))
        ),
        (PolicyState::Foreign, _) => line(v.problem.as_deref().unwrap_or("-")),
        _ => t!(cat, "audit-not-signed"),
    };
    o.push_str(&field(&signed_by, &signer));
    o.push_str(&heading(t!(cat, "audit-publishers")));
    for p in &v.publishers {
        o.push_str(&format!("  {}\n", line(p)));
    }
    o.push_str(&heading(t!(cat, "audit-apps")));
    for a in &v.apps {
        let preinstalled = if a.preinstall {
            format!(" {}", t!(cat, "audit-preinstalled"))
        } else {
            String::new()
        };
        o.push_str(&format!(
            "  {}{preinstalled}: {}\n",
            line(&a.id),
            line(&a.grants.join("; "))
        ));
        o.push_str(&format!(
            "      {}\n",
            [
                t!(cat, "audit-limit-call", ms = a.call_time_ms.to_string()),
                t!(
                    cat,
                    "audit-limit-memory",
                    bytes = a.memory_bytes.to_string()
                ),
                t!(
                    cat,
                    "audit-limit-response",
                    bytes = a.http_response_bytes.to_string()
                ),
                t!(
                    cat,
                    "audit-limit-http-timeout",
                    ms = a.http_timeout_ms.to_string()
                ),
            ]
            .join(", ")
        ));
        for s in &a.settings {
            o.push_str(&format!("      {} = {}\n", line(&s.key), line(&s.value)));
        }
        for f in &a.findings {
            o.push_str(&format!("      ! {}\n", f.text));
        }
    }
    let checks: Vec<String> = v
        .integrity
        .iter()
        .map(|c| {
            format!(
                "{}: {}",
                c.check,
                match c.mode {
                    policy::CheckMode::Enforce => "enforce",
                    policy::CheckMode::Warn => "warn",
                    policy::CheckMode::Off => "off",
                }
            )
        })
        .collect();
    o.push_str(&field(&integrity, &checks.join(", ")));
    for f in &v.findings {
        o.push_str(&format!("  ! {}\n", f.text));
    }
    o.push_str(&field(&verdict, &verdict_word(cat, v.verdict)));
    o
}

fn changes_line<T>(added: &[T], removed: &[T], show: impl Fn(&T) -> String, none: &str) -> String {
    let mut parts: Vec<String> = added.iter().map(|x| format!("+ {}", show(x))).collect();
    parts.extend(removed.iter().map(|x| format!("- {}", show(x))));
    if parts.is_empty() {
        none.to_string()
    } else {
        parts.join(", ")
    }
}

fn render_diff(cat: &Catalog, v: &DiffReport) -> String {
    let [
        update,
        package,
        capabilities,
        origins,
        imports,
        effective,
        verdict,
    ] = [
        t!(cat, "audit-label-update"),
        t!(cat, "audit-label-package"),
        t!(cat, "audit-label-capabilities"),
        t!(cat, "audit-label-origins"),
        t!(cat, "audit-label-imports"),
        t!(cat, "audit-label-effective"),
        t!(cat, "audit-label-verdict"),
    ];
    let w = label_width(&[
        &update,
        &package,
        &capabilities,
        &origins,
        &imports,
        &effective,
        &verdict,
    ]);
    let field = |label: &str, value: &str| format!("{label:<w$} {value}\n");
    let none = t!(cat, "audit-diff-none");
    let cap = |c: &kapsel_host::Capability| c.interface().to_string();
    let text = |s: &String| line(s);
    let mut o = field(
        &update,
        &t!(
            cat,
            "audit-diff-update",
            id = v.new.id.as_str(),
            old = line(&v.old.version),
            new = line(&v.new.version)
        ),
    );
    o.push_str(&field(
        &package,
        &format!(
            "sha256 {} → sha256 {}",
            v.old.package_sha256, v.new.package_sha256
        ),
    ));
    o.push_str(&field(
        &capabilities,
        &changes_line(&v.capabilities.added, &v.capabilities.removed, cap, &none),
    ));
    for s in &v.scopes {
        o.push_str(&field(
            "",
            &format!("{}: {} → {}", s.capability.interface(), s.old, s.new),
        ));
    }
    o.push_str(&field(
        &origins,
        &changes_line(&v.origins.added, &v.origins.removed, text, &none),
    ));
    o.push_str(&field(
        &imports,
        &changes_line(&v.imports.added, &v.imports.removed, text, &none),
    ));
    match (&v.effective_capabilities, &v.effective_origins) {
        (Some(c), Some(or)) => {
            let caps = changes_line(&c.added, &c.removed, cap, "");
            let origins = changes_line(&or.added, &or.removed, text, "");
            let both: Vec<String> = [caps, origins]
                .into_iter()
                .filter(|s| !s.is_empty())
                .collect();
            o.push_str(&field(
                &effective,
                &if both.is_empty() {
                    none.clone()
                } else {
                    both.join(", ")
                },
            ));
        }
        _ => o.push_str(&field(&effective, &t!(cat, "audit-diff-no-policy"))),
    }
    o.push_str(&field(&verdict, &verdict_word(cat, v.verdict)));
    for f in v.findings.iter().chain(
        v.new
            .findings
            .iter()
            .filter(|f| f.severity != Severity::Info),
    ) {
        bullet(&mut o, f);
    }
    o
}

#[cfg(test)]
mod tests {
    use super::*;
    use kapsel_host::report::{
        AppGrantReport, Declared, Effective, IntegrityCheck, Limits, OriginRight, PolicyUsed,
        Signature, StorageRight,
    };
    use kapsel_host::{Capability, Import, ImportDecision};
    use kapsel_i18n::Lang;

    fn finding(code: &'static str, severity: Severity, text: &str) -> Finding {
        Finding::new(code, severity, text.into())
    }

    fn package_report(trusted: Option<bool>) -> PackageReport {
        let decision = |name: &str, allowed: bool, reason: &str| ImportDecision {
            import: Import::Types { name: name.into() },
            declared: None,
            granted: None,
            allowed,
            reason: reason.into(),
        };
        PackageReport {
            schema_version: report::SCHEMA_VERSION,
            report: "package",
            id: "hello".into(),
            name: "hello app".into(),
            version: "1.0.0".into(),
            publisher: "Agency IT".into(),
            api: "0.1".into(),
            description: "Says hello.".into(),
            package_sha256: "p1".into(),
            manifest_sha256: "m1".into(),
            component_sha256: "c1".into(),
            component_bytes: 65536,
            signature: Signature {
                present: true,
                valid: true,
                publisher_key: Some("ed25519:K".into()),
                trusted,
                publisher_name: trusted.and_then(|t| t.then(|| "Agency IT".into())),
                listed_as: None,
                problem: None,
            },
            policy: trusted.map(|_| PolicyUsed {
                source: PolicySource::Container,
                state: PolicyState::Signed,
                signed_by: Some("ed25519:T".into()),
                problem: None,
                tenant_id: "amt".into(),
                tenant_name: "Amt".into(),
                serial: 3,
            }),
            declared: vec![Declared {
                capability: Capability::Storage,
                scope: "1 MiB".into(),
                quota_bytes: Some(1 << 20),
                origins: vec![],
            }],
            imports: vec![
                decision("kapsel:app/ui", true, "types only"),
                decision("wasi:sockets/tcp", false, "never linked"),
            ],
            wasi_sealed: true,
            effective: trusted.map(|_| Effective {
                capabilities: vec![Capability::Storage, Capability::Http],
                storage: Some(StorageRight {
                    quota_bytes: 65536,
                    declared_bytes: 65536,
                    policy_bytes: 100000,
                }),
                origins: vec![OriginRight {
                    origin: "https://intra.example".into(),
                    private_addresses: true,
                    credentials: Some(CredentialKind::Basic),
                    credential_paths: vec!["/dav/".into()],
                }],
                settings: vec![],
                limits: Limits {
                    call_time_ms: 5000,
                    memory_bytes: 67108864,
                    http_response_bytes: Some(8388608),
                    http_timeout_ms: Some(15000),
                    notifications_per_call: None,
                    notifications_while_locked: None,
                    log_lines: None,
                    documents_quota_bytes: None,
                },
                trust_anchors: vec![],
                only_anchors: false,
                cannot: vec![finding("no-clipboard", Severity::Info, "use the clipboard")],
                can_with_data: vec![finding("send-stored-data", Severity::Info, "send X")],
            }),
            mismatches: vec![finding("unused", Severity::Info, "x")],
            verdict: Verdict::Approve,
            findings: vec![finding("all-good", Severity::Info, "fine")],
        }
    }

    #[test]
    fn the_package_report_shows_effective_rights_in_english() {
        let en = Catalog::new(Lang::En);
        assert_eq!(
            render_package_report(&en, &package_report(Some(true))),
            "App          hello app (hello) 1.0.0 by Agency IT — kapsel:app 0.1\n\
             \x20            Says hello.\n\
             Package      sha256 p1\n\
             Manifest     sha256 m1\n\
             Component    sha256 c1 (65536 bytes)\n\
             Signature    valid, key ed25519:K, trusted by the tenant as \"Agency IT\"\n\
             Policy       the container's: Amt (amt) serial 3, signed by ed25519:T\n\
             Declared capabilities\n\
             \x20 storage    1 MiB\n\
             Imports (decoded from the component binary)\n\
             \x20 ok  kapsel:app/ui                                types only\n\
             \x20 NO  wasi:sockets/tcp                             never linked\n\
             WASI         sealed: no preopened directories, no sockets, empty environment\n\
             Effective rights under this policy\n\
             \x20 storage    65536 bytes apply (the manifest asks for 65536, the policy allows 100000: the smaller applies)\n\
             \x20 http       https://intra.example — private addresses allowed; the user's credentials: Basic (the directory password) below /dav/\n\
             \x20 limits     call 5000 ms, memory 67108864 bytes, HTTP response 8388608 bytes, HTTP timeout 15000 ms\n\
             \x20 anchors    none added: the public web roots\n\
             The app cannot\n\
             \x20 - use the clipboard\n\
             With what it reads, the app can\n\
             \x20 - send X\n\
             Mismatches\n\
             \x20 - x\n\
             Verdict      APPROVE\n\
             \x20 - fine\n"
        );
        let unknown = render_package_report(&en, &package_report(None));
        assert!(
            unknown.starts_with(
                "App          hello app (hello) 1.0.0 by \"Agency IT\" (the manifest's claim, not verified) — "
            ) && unknown.contains("key ed25519:K, trust unknown (no tenant policy given)\n")
                && unknown.contains("\nPolicy       NONE given: ")
                && unknown.contains("\nEffective rights: unknown without a tenant policy"),
            "{unknown}"
        );
    }

    #[test]
    fn the_german_package_report_keeps_its_columns() {
        let de = Catalog::new(Lang::De);
        let text = render_package_report(&de, &package_report(Some(false)));
        for part in [
            "App          hello app (hello) 1.0.0 von \"Agency IT\" (Angabe des Manifests, nicht geprüft) — ",
            "\n             Says hello.\n",
            "\nKomponente   sha256 c1 (65536 Byte)\n",
            "\nSignatur     gültig, Schlüssel ed25519:K, KEIN Herausgeber, dem dieser Mandant vertraut\n",
            "\n  ok    kapsel:app/ui ",
            "\n  NEIN  wasi:sockets/tcp ",
            "\nTatsächliche Rechte unter dieser Richtlinie\n",
            "\n  storage    65536 Byte gelten (",
            "\nDie App kann nicht\n",
            "\nErgebnis     FREIGEBEN\n",
        ] {
            assert!(text.contains(part), "{part:?} not in\n{text}");
        }
    }

    #[test]
    fn the_policy_report_reads_in_both_languages() {
        let r = PolicyReport {
            schema_version: report::SCHEMA_VERSION,
            report: "policy",
            tenant_id: "amt".into(),
            tenant_name: "Amt".into(),
            serial: 12345,
            state: PolicyState::Unsigned,
            signed_by: None,
            problem: None,
            publishers: vec!["Agency IT".into()],
            apps: vec![AppGrantReport {
                id: "viewer".into(),
                preinstall: true,
                grants: vec!["documents".into(), "log".into()],
                storage_quota_bytes: None,
                origins: vec![],
                notify: false,
                log: true,
                documents: true,
                documents_quota_bytes: Some(1),
                call_time_ms: 5000,
                memory_bytes: 1024,
                http_response_bytes: 10,
                http_timeout_ms: 15000,
                settings: vec![],
                findings: vec![finding("broad", Severity::Review, "broad")],
            }],
            integrity: vec![IntegrityCheck {
                check: "superuser",
                mode: policy::CheckMode::Off,
            }],
            findings: vec![finding("policy-unsigned", Severity::Reject, "unsigned")],
            verdict: Verdict::Reject,
        };
        assert_eq!(
            render_policy_report(&Catalog::new(Lang::En), &r),
            "Tenant       Amt (amt) serial 12345\n\
             Signed by    NOT SIGNED\n\
             Publishers\n\
             \x20 Agency IT\n\
             Apps\n\
             \x20 viewer (preinstalled): documents; log\n\
             \x20     call 5000 ms, memory 1024 bytes, HTTP response 10 bytes, HTTP timeout 15000 ms\n\
             \x20     ! broad\n\
             Integrity    superuser: off\n\
             \x20 ! unsigned\n\
             Verdict      REJECT\n"
        );
        let german = render_policy_report(&Catalog::new(Lang::De), &r);
        assert!(
            german.starts_with(
                "Mandant      Amt (amt), Seriennummer 12345\nSigniert von NICHT SIGNIERT\n"
            ) && german.contains("  viewer (vorinstalliert): documents; log\n")
                && german.contains("Aufruf 5000 ms")
                && german.ends_with("Ergebnis     ABLEHNEN\n"),
            "{german}"
        );
        let altered = PolicyReport {
            state: PolicyState::Altered,
            problem: Some("changed".into()),
            ..r
        };
        assert!(
            render_policy_report(&Catalog::new(Lang::En), &altered)
                .contains("Signed by    ALTERED after signing: changed\n")
        );
    }
}
