//! CLI commands for micro-apps, documents and notifications. Local tools (package, sign) run
//! here; everything that touches the container goes through the session agent. The reviewer's
//! `kapsel audit` is `audit.rs`.

use std::path::Path;

use serde_json::json;

use super::render::{self, Out};
use super::{AppCommand, CredentialCommand, DocCommand, open_checked, tenant};
use crate::session::protocol::{CredentialChanged, Notifications, Removed};
use crate::session::{self, Request};
use kapsel_core::documents::DocumentInfo;
use kapsel_core::error::{Error, Result};
use kapsel_core::policy::{NotificationDetail, signing};
use kapsel_core::terminal::line;
use kapsel_host::{CallOutcome, InstallReport, InstalledApp, LogLine, Opened, Package};
use kapsel_i18n::{Catalog, t};

fn absolute(path: &Path) -> Result<String> {
    let cat = kapsel_i18n::current();
    let shown = path.display().to_string();
    let p = std::fs::canonicalize(path).map_err(|e| match e.kind() {
        std::io::ErrorKind::NotFound => {
            Error::invalid(t!(cat, "cli-app-path-missing", path = shown.as_str()))
        }
        _ => Error::io(t!(cat, "cli-app-cannot-read", path = shown.as_str()))(e),
    })?;
    p.to_str()
        .map(str::to_string)
        .ok_or_else(|| Error::invalid(t!(cat, "cli-app-path-not-utf8")))
}

fn cannot_write(path: &Path) -> String {
    t!(
        kapsel_i18n::current(),
        "cli-app-cannot-write",
        path = path.display().to_string()
    )
}

fn read_file(path: &Path, max: usize, what: &str) -> Result<Vec<u8>> {
    kapsel_core::files::read_bounded(path, max as u64, what)
}

fn secret_key(path: &Path) -> Result<signing::SigningKey> {
    signing::parse_secret_key(&tenant::read_text(
        path,
        tenant::MAX_KEY_FILE,
        &t!(kapsel_i18n::current(), "cli-app-what-secret-key"),
    )?)
}

pub fn run(root: &Path, cmd: AppCommand, out: Out) -> Result<()> {
    let cat = kapsel_i18n::current();
    match cmd {
        AppCommand::New { name, sdk } => {
            let sdk = sdk.map_or(super::app_new::Sdk::Bundled, super::app_new::Sdk::Path);
            let c = super::app_new::create(Path::new("."), &name, sdk)?;
            let dir = c.dir.display().to_string();
            out.done(
                &t!(
                    cat,
                    "cli-app-new-created",
                    path = dir.as_str(),
                    wasm = c.wasm.as_str(),
                    key = c.publisher_key.as_str()
                ),
                &json!({ "project": c.dir, "component": c.wasm, "publisher_key": c.publisher_key }),
            );
            Ok(())
        }
        AppCommand::Keygen { out: prefix } => {
            let (secret, public, key) = tenant::keygen(&prefix)?;
            let text = [
                t!(
                    cat,
                    "cli-app-keygen-secret",
                    path = secret.display().to_string()
                ),
                t!(
                    cat,
                    "cli-app-keygen-public",
                    path = public.display().to_string(),
                    key = key.as_str()
                ),
                t!(cat, "cli-app-keygen-listed"),
            ]
            .join("\n");
            out.done(
                &text,
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
            let text = tenant::read_text(
                &manifest,
                kapsel_host::MAX_MANIFEST as u64,
                &t!(cat, "cli-app-what-manifest"),
            )?;
            let component = match component {
                Some(c) => c,
                None => super::app_new::default_component(Path::new("."))?,
            };
            let mut package = Package::new(
                &text,
                read_file(
                    &component,
                    kapsel_host::MAX_COMPONENT,
                    &t!(cat, "cli-app-what-component"),
                )?,
            )?;
            // Caught here, not at the employee's install: the same decoding of the binary's
            // imports as `kapsel audit`, against the manifest it is packaged with.
            kapsel_host::check_declared(&package.component, &package.manifest)?;
            if let Some(k) = key {
                package.sign(&secret_key(&k)?);
            }
            let bytes = package.to_bytes();
            std::fs::write(&target, &bytes).map_err(Error::io(cannot_write(&target)))?;
            let signature = if package.signature.is_some() {
                t!(cat, "cli-app-package-signed")
            } else {
                t!(cat, "cli-app-package-unsigned")
            };
            out.done(
                &t!(
                    cat,
                    "cli-app-package-written",
                    id = package.manifest.id.as_str(),
                    version = package.manifest.version.as_str(),
                    path = target.display().to_string(),
                    bytes = bytes.len().to_string(),
                    signature = signature
                ),
                &json!({ "package": target, "id": package.manifest.id, "signed": package.signature.is_some(), "sha256": kapsel_host::sha256_hex(&bytes) }),
            );
            Ok(())
        }
        AppCommand::Sign { key, package } => {
            let mut p = Package::parse(&read_file(
                &package,
                kapsel_host::MAX_PACKAGE,
                &t!(cat, "cli-app-what-package"),
            )?)?;
            p.sign(&secret_key(&key)?);
            std::fs::write(&package, p.to_bytes()).map_err(Error::io(cannot_write(&package)))?;
            out.done(
                &t!(cat, "cli-app-signed", path = package.display().to_string()),
                &json!({ "signed": package }),
            );
            Ok(())
        }
        AppCommand::Install { package } => {
            open_checked(root)?;
            let path = absolute(&package)?;
            let v: InstallReport = session::ask(root, &Request::AppInstall { path })?;
            out.show(&v, |v| render_install(cat, v));
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
                    s.push_str(&t!(cat, "cli-app-none-installed"));
                    s.push('\n');
                }
                s
            });
            Ok(())
        }
        AppCommand::Remove { id } => {
            open_checked(root)?;
            let v: Removed = session::ask(root, &Request::AppRemove { id: id.clone() })?;
            out.done(&t!(cat, "cli-app-removed", id = id.as_str()), &v);
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
                let (k, v) = f.split_once('=').ok_or_else(|| {
                    Error::invalid(t!(cat, "cli-app-field-syntax", field = format!("{f:?}")))
                })?;
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

/// The install line, then what an update changes and what the tenant does not grant: an
/// update that asks for more never installs silently.
fn render_install(cat: &Catalog, v: &InstallReport) -> String {
    let mut o = t!(
        cat,
        "cli-app-installed",
        name = line(&v.name),
        id = v.id.as_str(),
        version = line(&v.version),
        ms = format!("{:.0}", v.compile_ms)
    ) + "\n";
    if let Some(u) = &v.update {
        let (from, to) = (line(&u.from_version), line(&u.to_version));
        if u.same_rights() {
            o.push_str(&t!(cat, "cli-app-update-same", from = from, to = to));
        } else {
            let changes: Vec<String> = (u.added_capabilities.iter())
                .map(|c| t!(cat, "cli-app-adds-capability", capability = c.interface()))
                .chain((u.removed_capabilities.iter()).map(|c| {
                    t!(
                        cat,
                        "cli-app-removes-capability",
                        capability = c.interface()
                    )
                }))
                .chain(
                    (u.added_origins.iter())
                        .map(|o| t!(cat, "cli-app-adds-origin", origin = line(o))),
                )
                .chain(
                    (u.removed_origins.iter())
                        .map(|o| t!(cat, "cli-app-removes-origin", origin = line(o))),
                )
                .collect();
            o.push_str(&t!(
                cat,
                "cli-app-update",
                from = from,
                to = to,
                changes = changes.join("; ")
            ));
        }
        o.push('\n');
    }
    let n = &v.not_granted;
    if !n.is_empty() {
        let list: Vec<String> = (n.capabilities.iter())
            .map(|c| c.interface().to_string())
            .chain(
                n.origins
                    .iter()
                    .map(|o| t!(cat, "cli-app-not-granted-origin", origin = line(o))),
            )
            .collect();
        o.push_str(&t!(cat, "cli-app-not-granted", list = list.join("; ")));
        o.push('\n');
    }
    o
}

/// Show what an app returned, with the documents it asked to open as the viewer showed them
/// (the agent hands them to the viewer, inside the container). Damaged data met on the way
/// is an error after the view: the command exits with the tamper code.
pub(crate) fn show_outcome(outcome: CallOutcome, out: Out) -> Result<()> {
    let cat = kapsel_i18n::current();
    out.show(&outcome, |o| {
        let mut text = render_outcome(cat, o);
        for opened in &o.opened {
            match opened {
                Opened::Failed { error, .. } => text.push_str(&format!(
                    "\n{}\n",
                    t!(cat, "cli-app-viewer-failed", error = error.as_str())
                )),
                Opened::Shown(o) => text.push_str(&format!("\n{}", render_outcome(cat, o))),
            }
        }
        text
    });
    match outcome.integrity_error() {
        Some(damage) => Err(Error::Tampered(t!(
            cat,
            "cli-app-damaged-data",
            app = outcome.app.as_str(),
            damage = line(damage)
        ))),
        None => Ok(()),
    }
}

fn render_outcome(cat: &Catalog, o: &CallOutcome) -> String {
    let mut s = o.view.render_text();
    for n in &o.notifications {
        s.push_str(&format!(
            "\n{}\n",
            t!(
                cat,
                "cli-app-notification",
                title = line(&n.title),
                body = line(&n.body)
            )
        ));
    }
    for d in &o.saved_documents {
        s.push_str(&format!(
            "\n{}\n",
            t!(
                cat,
                "cli-app-saved-document",
                name = line(&d.name),
                id = d.id.to_string()
            )
        ));
    }
    for d in &o.denials {
        s.push_str(&format!(
            "\n{}\n",
            t!(cat, "cli-app-denied", reason = line(d))
        ));
    }
    s
}

pub fn doc(root: &Path, cmd: DocCommand, out: Out) -> Result<()> {
    let cat = kapsel_i18n::current();
    open_checked(root)?;
    match cmd {
        DocCommand::Import { file, media_type } => {
            let path = absolute(&file)?;
            let v: DocumentInfo = session::ask(root, &Request::DocImport { path, media_type })?;
            out.done(
                &t!(
                    cat,
                    "cli-app-doc-imported",
                    name = line(&v.name),
                    id = v.id.to_string(),
                    bytes = v.size.to_string(),
                    media_type = line(&v.media_type)
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
                    s.push_str(&t!(cat, "cli-app-no-documents"));
                    s.push('\n');
                }
                s
            });
        }
    }
    Ok(())
}

pub fn notifications(root: &Path, out: Out) -> Result<()> {
    let cat = kapsel_i18n::current();
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
                        s.push_str(&t!(cat, "cli-app-no-notifications"));
                        s.push('\n');
                    }
                    s
                });
            } else {
                out.done(
                    &t!(cat, "cli-app-notification-count", count = count),
                    &json!({ "count": count }),
                );
            }
            Ok(())
        }
        Err(Error::Locked) => {
            // Locked: the tenant decides between nothing and a bare count; never content.
            match dlp.notifications_locked {
                NotificationDetail::None => out.done(
                    &t!(cat, "cli-app-container-locked"),
                    &json!({ "locked": true }),
                ),
                _ => {
                    let count = kapsel_core::notifications::count(c.vault())?;
                    out.done(
                        &t!(cat, "cli-app-notification-count-locked", count = count),
                        &json!({ "locked": true, "count": count }),
                    );
                }
            }
            Ok(())
        }
        Err(e) => Err(e),
    }
}

pub fn credential(root: &Path, cmd: CredentialCommand, out: Out) -> Result<()> {
    let cat = kapsel_i18n::current();
    open_checked(root)?;
    match cmd {
        CredentialCommand::Set { origin } => {
            let mut token = zeroize::Zeroizing::new(String::new());
            std::io::BufRead::read_line(&mut std::io::stdin().lock(), &mut token)
                .map_err(Error::io(t!(cat, "cli-app-token-unreadable")))?;
            let token = token.trim();
            if token.is_empty()
                || token.len() > 8192
                || token.chars().any(|c| c.is_control() || c == ' ')
            {
                return Err(Error::invalid(t!(cat, "cli-app-token-syntax")));
            }
            let v: CredentialChanged = session::ask(
                root,
                &Request::CredentialSet {
                    origin,
                    token: Some(token.to_string()),
                },
            )?;
            out.done(
                &t!(cat, "cli-app-token-stored", origin = v.origin.as_str()),
                &v,
            );
        }
        CredentialCommand::Remove { origin } => {
            let v: CredentialChanged = session::ask(
                root,
                &Request::CredentialSet {
                    origin,
                    token: None,
                },
            )?;
            out.done(
                &t!(cat, "cli-app-token-removed", origin = v.origin.as_str()),
                &v,
            );
        }
        CredentialCommand::List => {
            let v: Vec<String> = session::ask(root, &Request::CredentialList)?;
            out.show(&v, |v| v.iter().map(|o| format!("{o}\n")).collect());
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use kapsel_i18n::Lang;

    #[test]
    fn counts_and_sizes_stay_as_scripts_read_them() {
        let en = Catalog::new(Lang::En);
        assert_eq!(
            t!(en, "cli-app-notification-count", count = 20),
            "20 notification(s)."
        );
        let de = Catalog::new(Lang::De);
        assert_eq!(
            t!(de, "cli-app-notification-count", count = 1),
            "1 Benachrichtigung."
        );
        assert_eq!(
            t!(de, "cli-app-notification-count-locked", count = 1200),
            "1.200 Benachrichtigungen — entsperren Sie den Container, um sie zu lesen."
        );
    }
}
