//! CLI commands for micro-apps, documents, notifications and the reviewer's audit. Local
//! tools (package, sign, audit) run here; everything that touches the container goes through
//! the session agent.

use std::path::{Path, PathBuf};

use serde_json::json;

use super::render::{self, Out};
use super::{AppCommand, CredentialCommand, DocCommand, open_checked, tenant};
use crate::session::protocol::{CredentialChanged, Notifications, Removed};
use crate::session::{self, Request};
use kapsel_core::container::Container;
use kapsel_core::documents::DocumentInfo;
use kapsel_core::error::{Error, Result};
use kapsel_core::policy::{NotificationDetail, signing};
use kapsel_core::terminal::line;
use kapsel_host::report::{PackageReport, PolicyReport};
use kapsel_host::{CallOutcome, InstallReport, InstalledApp, LogLine, Opened, Package, report};

fn absolute(path: &Path) -> Result<String> {
    let p = std::fs::canonicalize(path).map_err(|e| match e.kind() {
        std::io::ErrorKind::NotFound => {
            Error::invalid(format!("{} does not exist", path.display()))
        }
        _ => Error::io(format!("cannot read {}", path.display()))(e),
    })?;
    p.to_str()
        .map(str::to_string)
        .ok_or_else(|| Error::invalid("the path is not UTF-8"))
}

fn read_file(path: &Path, max: usize, what: &str) -> Result<Vec<u8>> {
    kapsel_core::files::read_bounded(path, max as u64, what)
}

fn secret_key(path: &Path) -> Result<signing::SigningKey> {
    signing::parse_secret_key(&tenant::read_text(
        path,
        tenant::MAX_KEY_FILE,
        "the secret key file",
    )?)
}

pub fn run(root: &Path, cmd: AppCommand, out: Out) -> Result<()> {
    match cmd {
        AppCommand::Keygen { out: prefix } => {
            let (secret, public, key) = tenant::keygen(&prefix)?;
            out.done(
                &format!("Publisher secret key: {} (keep it safe)\nPublisher public key: {} = {key}\nThe tenant lists it under [[publishers]].", secret.display(), public.display()),
                &json!({ "secret_key_file": secret, "public_key_file": public, "public_key": key }),
            );
            Ok(())
        }
        AppCommand::Package {
            manifest,
            component,
            out: target,
            key,
        } => {
            let text =
                tenant::read_text(&manifest, kapsel_host::MAX_MANIFEST as u64, "the manifest")?;
            let mut package = Package::new(
                &text,
                read_file(&component, kapsel_host::MAX_COMPONENT, "the component")?,
            )?;
            if let Some(k) = key {
                package.sign(&secret_key(&k)?);
            }
            let bytes = package.to_bytes();
            std::fs::write(&target, &bytes)
                .map_err(Error::io(format!("cannot write {}", target.display())))?;
            out.done(
                &format!(
                    "Package {} {} written to {} ({} bytes, {}).",
                    package.manifest.id,
                    package.manifest.version,
                    target.display(),
                    bytes.len(),
                    if package.signature.is_some() { "signed" } else { "unsigned: sign it with `kapsel app sign`" }
                ),
                &json!({ "package": target, "id": package.manifest.id, "signed": package.signature.is_some(), "sha256": kapsel_host::sha256_hex(&bytes) }),
            );
            Ok(())
        }
        AppCommand::Sign { key, package } => {
            let mut p = Package::parse(&read_file(
                &package,
                kapsel_host::MAX_PACKAGE,
                "the package",
            )?)?;
            p.sign(&secret_key(&key)?);
            std::fs::write(&package, p.to_bytes())
                .map_err(Error::io(format!("cannot write {}", package.display())))?;
            out.done(
                &format!("Signed {}.", package.display()),
                &json!({ "signed": package }),
            );
            Ok(())
        }
        AppCommand::Install { package } => {
            open_checked(root)?;
            let path = absolute(&package)?;
            let v: InstallReport = session::ask(root, &Request::AppInstall { path })?;
            out.show(&v, |v| {
                format!(
                    "Installed {} ({}) {} — compiled in {:.0} ms.\n",
                    line(&v.name),
                    v.id,
                    line(&v.version),
                    v.compile_ms
                )
            });
            Ok(())
        }
        AppCommand::List => {
            open_checked(root)?;
            let v: Vec<InstalledApp> = session::ask(root, &Request::AppList)?;
            out.show(&v, |v| {
                let mut s = String::new();
                for a in v {
                    s.push_str(&format!(
                        "{:<16} {:<28} {:<10} {}\n",
                        a.id,
                        line(&a.name),
                        line(&a.version),
                        line(&a.publisher)
                    ));
                }
                if s.is_empty() {
                    s.push_str("No apps installed.\n");
                }
                s
            });
            Ok(())
        }
        AppCommand::Remove { id } => {
            open_checked(root)?;
            let v: Removed = session::ask(root, &Request::AppRemove { id: id.clone() })?;
            out.done(&format!("Removed {id} and its data."), &v);
            Ok(())
        }
        AppCommand::Open { id, route, doc } => {
            open_checked(root)?;
            let v: CallOutcome = session::ask(
                root,
                &Request::AppCall {
                    id,
                    route: Some(route),
                    action: None,
                    form: Vec::new(),
                    document: doc,
                },
            )?;
            show_outcome(v, out)
        }
        AppCommand::Act {
            id,
            action,
            fields,
            doc,
        } => {
            open_checked(root)?;
            let mut form = Vec::new();
            for f in fields {
                let (k, v) = f
                    .split_once('=')
                    .ok_or_else(|| Error::invalid(format!("--field {f:?} must be name=value")))?;
                form.push((k.to_string(), v.to_string()));
            }
            let v: CallOutcome = session::ask(
                root,
                &Request::AppCall {
                    id,
                    route: None,
                    action: Some(action),
                    form,
                    document: doc,
                },
            )?;
            show_outcome(v, out)
        }
        AppCommand::Log { id } => {
            open_checked(root)?;
            let v: Vec<LogLine> = session::ask(root, &Request::AppLog { id })?;
            out.show(&v, |v| {
                v.iter()
                    .map(|l| format!("{:<6} {}\n", line(&l.level), line(&l.message)))
                    .collect()
            });
            Ok(())
        }
    }
}

/// Show what an app returned, with the documents it asked to open as the viewer showed them
/// (the agent hands them to the viewer, inside the container). Damaged data met on the way
/// is an error after the view: the command exits with the tamper code.
pub(crate) fn show_outcome(outcome: CallOutcome, out: Out) -> Result<()> {
    out.show(&outcome, |o| {
        let mut text = render_outcome(o);
        for opened in &o.opened {
            match opened {
                Opened::Failed { error, .. } => {
                    text.push_str(&format!("\n(the viewer could not open it: {error})\n"))
                }
                Opened::Shown(o) => text.push_str(&format!("\n{}", render_outcome(o))),
            }
        }
        text
    });
    match outcome.integrity_error() {
        Some(damage) => Err(Error::Tampered(format!(
            "app {} met damaged data in the container (recorded in the audit log): {}",
            outcome.app,
            line(damage)
        ))),
        None => Ok(()),
    }
}

fn render_outcome(o: &CallOutcome) -> String {
    let mut s = o.view.render_text();
    for n in &o.notifications {
        s.push_str(&format!(
            "\n(notification) {}: {}\n",
            line(&n.title),
            line(&n.body)
        ));
    }
    for d in &o.saved_documents {
        s.push_str(&format!(
            "\n(saved in the container) {} — document {}\n",
            line(&d.name),
            d.id
        ));
    }
    for d in &o.denials {
        s.push_str(&format!("\n(denied) {}\n", line(d)));
    }
    s
}

pub fn doc(root: &Path, cmd: DocCommand, out: Out) -> Result<()> {
    open_checked(root)?;
    match cmd {
        DocCommand::Import { file, media_type } => {
            let path = absolute(&file)?;
            let v: DocumentInfo = session::ask(root, &Request::DocImport { path, media_type })?;
            out.done(
                &format!(
                    "Imported {} as document {} ({} bytes, {}).",
                    line(&v.name),
                    v.id,
                    v.size,
                    line(&v.media_type)
                ),
                &v,
            );
        }
        DocCommand::List => {
            let v: Vec<DocumentInfo> = session::ask(root, &Request::DocList)?;
            out.show(&v, |v| {
                let mut s = String::new();
                for d in v {
                    s.push_str(&format!(
                        "{}  {:>10}  {:<40} {:<12} {}\n",
                        d.id,
                        d.size,
                        line(&d.name),
                        line(&d.source),
                        render::format_ts(d.created_ms)
                    ));
                }
                if s.is_empty() {
                    s.push_str("No documents.\n");
                }
                s
            });
        }
    }
    Ok(())
}

pub fn notifications(root: &Path, out: Out) -> Result<()> {
    let c = open_checked(root)?;
    let dlp = c.policy().dlp.clone();
    match session::ask::<Notifications>(root, &Request::Notifications) {
        Ok(v) => {
            let count = v.count;
            if dlp.notifications_unlocked == NotificationDetail::SenderSubject {
                out.show(&v, |v| {
                    let mut s = String::new();
                    for n in &v.notifications {
                        s.push_str(&format!(
                            "{}  [{}] {}: {}\n",
                            render::format_ts(n.ts_ms),
                            line(&n.app),
                            line(&n.title),
                            line(&n.body)
                        ));
                    }
                    if s.is_empty() {
                        s.push_str("No notifications.\n");
                    }
                    s
                });
            } else {
                out.done(
                    &format!("{count} notification(s)."),
                    &json!({ "count": count }),
                );
            }
            Ok(())
        }
        Err(Error::Locked) => {
            // Locked: the tenant decides between nothing and a bare count; never content.
            match dlp.notifications_locked {
                NotificationDetail::None => {
                    out.done("The container is locked.", &json!({ "locked": true }))
                }
                _ => {
                    let count = kapsel_core::notifications::count(c.vault())?;
                    out.done(
                        &format!("{count} notification(s) — unlock to read them."),
                        &json!({ "locked": true, "count": count }),
                    );
                }
            }
            Ok(())
        }
        Err(e) => Err(e),
    }
}

pub fn audit(
    root: &Path,
    package: Option<PathBuf>,
    policy_file: Option<PathBuf>,
    out: Out,
) -> Result<()> {
    // The policy to judge against: a given file (signed or a draft), else the container's.
    let (policy, signed_by) = match &policy_file {
        Some(path) => {
            let text = tenant::read_policy(path)?;
            match kapsel_core::policy::verify(&text, None) {
                Ok(v) => (Some(v.policy), Some(signing::encode_public_key(&v.signer))),
                Err(_) => match signing::parse_document(&text) {
                    Ok(doc) => (Some(kapsel_core::policy::Policy::parse(doc.body)?), None),
                    Err(_) => (Some(kapsel_core::policy::Policy::parse(&text)?), None),
                },
            }
        }
        None if kapsel_core::vault::Vault::exists(root) => {
            let c = Container::open(root)?;
            (
                Some(c.policy().clone()),
                Some(signing::encode_public_key(&c.verified_policy().signer)),
            )
        }
        None => (None, None),
    };
    match package {
        Some(path) => {
            let bytes = read_file(&path, kapsel_host::MAX_PACKAGE, "the package")?;
            let r = report::audit_package(&bytes, policy.as_ref())?;
            out.show(&r, render_package_report);
            if r.verdict == report::Verdict::Reject {
                return Err(Error::Reported {
                    message: format!("verdict for {}: reject", r.id),
                    code: 6,
                });
            }
            Ok(())
        }
        None => {
            let policy = policy.ok_or_else(|| {
                Error::invalid(
                    "give a package to review, or --policy FILE (there is no container here)",
                )
            })?;
            let r = report::audit_policy(&policy, signed_by);
            out.show(&r, render_policy_report);
            Ok(())
        }
    }
}

fn render_package_report(v: &PackageReport) -> String {
    let mut o = String::new();
    let by = match (&v.signature.publisher_name, v.signature.trusted) {
        (Some(name), Some(true)) => line(name),
        _ => format!(
            "{:?} (the manifest's claim, not verified)",
            line(&v.publisher)
        ),
    };
    o.push_str(&format!(
        "App          {} ({}) {} by {by} — kapsel:app {}\n",
        line(&v.name),
        v.id,
        line(&v.version),
        line(&v.api)
    ));
    if !v.description.is_empty() {
        o.push_str(&format!("             {}\n", line(&v.description)));
    }
    o.push_str(&format!("Package      sha256 {}\n", v.package_sha256));
    o.push_str(&format!("Manifest     sha256 {}\n", v.manifest_sha256));
    o.push_str(&format!(
        "Component    sha256 {} ({} bytes)\n",
        v.component_sha256, v.component_bytes
    ));
    let sig = &v.signature;
    let key = sig.publisher_key.as_deref().unwrap_or("-");
    let sig_text = if sig.valid {
        let trust = match sig.trusted {
            Some(true) => format!(
                "trusted by the tenant as {:?}",
                sig.publisher_name.as_deref().unwrap_or("-")
            ),
            Some(false) => "NOT a publisher this tenant trusts".into(),
            None => "trust unknown (no tenant policy given)".into(),
        };
        format!("valid, key {key}, {trust}")
    } else {
        format!("INVALID: {}", sig.problem.as_deref().unwrap_or("-"))
    };
    o.push_str(&format!("Signature    {sig_text}\n"));
    o.push_str("Declared capabilities\n");
    for d in &v.declared {
        o.push_str(&format!("  {:<10} {}\n", d.capability.interface(), d.scope));
    }
    o.push_str("Imports (decoded from the component binary)\n");
    for i in &v.imports {
        let mark = if i.allowed { "ok " } else { "NO " };
        o.push_str(&format!("  {mark} {:<44} {}\n", i.import.name(), i.reason));
    }
    o.push_str(&format!(
        "WASI         {}\n",
        if v.wasi_sealed {
            "sealed: no preopened directories, no sockets, empty environment"
        } else {
            "asks for WASI that Kapsel never provides"
        }
    ));
    if !v.mismatches.is_empty() {
        o.push_str("Mismatches\n");
        for m in &v.mismatches {
            o.push_str(&format!("  - {m}\n"));
        }
    }
    o.push_str(&format!(
        "Verdict      {}\n",
        v.verdict.word().to_uppercase()
    ));
    for r in &v.reasons {
        o.push_str(&format!("  - {r}\n"));
    }
    o
}

fn render_policy_report(v: &PolicyReport) -> String {
    let mut o = format!("Tenant       {} serial {}\n", v.tenant, v.serial);
    o.push_str(&format!(
        "Signed by    {}\n",
        v.signed_by.as_deref().unwrap_or("NOT SIGNED")
    ));
    o.push_str("Publishers\n");
    for p in &v.publishers {
        o.push_str(&format!("  {p}\n"));
    }
    o.push_str("Apps\n");
    for a in &v.apps {
        o.push_str(&format!(
            "  {}{}: {}\n",
            a.id,
            if a.preinstall { " (preinstalled)" } else { "" },
            a.grants.join("; ")
        ));
        for f in &a.findings {
            o.push_str(&format!("      ! {f}\n"));
        }
    }
    o.push_str(&format!("Integrity    {}\n", v.integrity.join(", ")));
    for f in &v.findings {
        o.push_str(&format!("  ! {f}\n"));
    }
    o.push_str(&format!(
        "Verdict      {}\n",
        v.verdict.word().to_uppercase()
    ));
    o
}

pub fn credential(root: &Path, cmd: CredentialCommand, out: Out) -> Result<()> {
    open_checked(root)?;
    match cmd {
        CredentialCommand::Set { origin } => {
            let mut token = zeroize::Zeroizing::new(String::new());
            std::io::BufRead::read_line(&mut std::io::stdin().lock(), &mut token)
                .map_err(Error::io("cannot read the token from standard input"))?;
            let token = token.trim();
            if token.is_empty()
                || token.len() > 8192
                || token.chars().any(|c| c.is_control() || c == ' ')
            {
                return Err(Error::invalid(
                    "give the token on standard input, one line, no spaces",
                ));
            }
            let v: CredentialChanged = session::ask(
                root,
                &Request::CredentialSet {
                    origin,
                    token: Some(token.to_string()),
                },
            )?;
            out.done(&format!("Token stored for {}.", v.origin), &v);
        }
        CredentialCommand::Remove { origin } => {
            let v: CredentialChanged = session::ask(
                root,
                &Request::CredentialSet {
                    origin,
                    token: None,
                },
            )?;
            out.done(&format!("Token for {} removed.", v.origin), &v);
        }
        CredentialCommand::List => {
            let v: Vec<String> = session::ask(root, &Request::CredentialList)?;
            out.show(&v, |v| v.iter().map(|o| format!("{o}\n")).collect());
        }
    }
    Ok(())
}
