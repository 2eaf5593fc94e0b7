//! CLI commands for micro-apps, documents, notifications and the reviewer's audit. Local
//! tools (package, sign, audit) run here; everything that touches the container goes through
//! the session agent.

use std::path::{Path, PathBuf};

use serde_json::{Value, json};

use super::render::{self, Out, items};
use super::{AppCommand, CredentialCommand, DocCommand, open_checked, tenant};
use crate::session::{self, Request};
use kapsel_core::container::Container;
use kapsel_core::error::{Error, Result};
use kapsel_core::policy::{NotificationDetail, signing};
use kapsel_host::{Package, report};

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

fn read_file(path: &Path, what: &str) -> Result<Vec<u8>> {
    std::fs::read(path).map_err(|e| match e.kind() {
        std::io::ErrorKind::NotFound => {
            Error::invalid(format!("{what} {} does not exist", path.display()))
        }
        _ => Error::io(format!("cannot read {what} {}", path.display()))(e),
    })
}

fn secret_key(path: &Path) -> Result<signing::SigningKey> {
    signing::parse_secret_key(&tenant::read_text(path, "the secret key file")?)
}

pub fn run(root: &Path, cmd: AppCommand, out: Out) -> Result<()> {
    match cmd {
        AppCommand::Keygen { out: prefix } => {
            let (secret, public, key) = tenant::keygen(&prefix)?;
            out.done(
                &format!("Publisher secret key: {} (keep it safe)\nPublisher public key: {} = {key}\nThe tenant lists it under [[publishers]].", secret.display(), public.display()),
                json!({ "secret_key_file": secret, "public_key_file": public, "public_key": key }),
            );
            Ok(())
        }
        AppCommand::Package {
            manifest,
            component,
            out: target,
            key,
        } => {
            let text = tenant::read_text(&manifest, "the manifest")?;
            let mut package = Package::new(&text, read_file(&component, "the component")?)?;
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
                json!({ "package": target, "id": package.manifest.id, "signed": package.signature.is_some(), "sha256": kapsel_host::sha256_hex(&bytes) }),
            );
            Ok(())
        }
        AppCommand::Sign { key, package } => {
            let mut p = Package::parse(&read_file(&package, "the package")?)?;
            p.sign(&secret_key(&key)?);
            std::fs::write(&package, p.to_bytes())
                .map_err(Error::io(format!("cannot write {}", package.display())))?;
            out.done(
                &format!("Signed {}.", package.display()),
                json!({ "signed": package }),
            );
            Ok(())
        }
        AppCommand::Install { package } => {
            open_checked(root)?;
            let path = absolute(&package)?;
            let v = session::call(root, &Request::AppInstall { path })?;
            let text = format!(
                "Installed {} ({}) {} — compiled in {:.0} ms.\n",
                v["name"].as_str().unwrap_or("?"),
                v["id"].as_str().unwrap_or("?"),
                v["version"].as_str().unwrap_or("?"),
                v["compile_ms"].as_f64().unwrap_or(0.0)
            );
            out.value(&v, |_| String::new());
            if !out.json {
                print!("{text}");
            }
            Ok(())
        }
        AppCommand::List => {
            open_checked(root)?;
            let v = session::call(root, &Request::AppList)?;
            out.value(&v, |v| {
                let mut s = String::new();
                for a in items(v) {
                    s.push_str(&format!(
                        "{:<16} {:<28} {:<10} {}\n",
                        a["id"].as_str().unwrap_or(""),
                        a["name"].as_str().unwrap_or(""),
                        a["version"].as_str().unwrap_or(""),
                        a["publisher"].as_str().unwrap_or("")
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
            let v = session::call(root, &Request::AppRemove { id: id.clone() })?;
            out.done(&format!("Removed {id} and its data."), v);
            Ok(())
        }
        AppCommand::Open { id, route, doc } => {
            open_checked(root)?;
            let v = session::call(
                root,
                &Request::AppCall {
                    id,
                    route: Some(route),
                    action: None,
                    form: Vec::new(),
                    document: doc,
                },
            )?;
            show_outcome(root, v, out);
            Ok(())
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
            let v = session::call(
                root,
                &Request::AppCall {
                    id,
                    route: None,
                    action: Some(action),
                    form,
                    document: doc,
                },
            )?;
            show_outcome(root, v, out);
            Ok(())
        }
        AppCommand::Log { id } => {
            open_checked(root)?;
            let v = session::call(root, &Request::AppLog { id })?;
            out.value(&v, |v| {
                items(v)
                    .iter()
                    .map(|l| {
                        format!(
                            "{:<6} {}\n",
                            l["level"].as_str().unwrap_or(""),
                            l["message"].as_str().unwrap_or("")
                        )
                    })
                    .collect()
            });
            Ok(())
        }
    }
}

/// Show what an app returned; documents it asked to open are handed to the viewer app
/// right away (inside the container, as everything else).
pub(crate) fn show_outcome(root: &Path, mut v: Value, out: Out) {
    let from_viewer = v["app"] == "viewer";
    let mut opened = Vec::new();
    for id in items(&v["open_requests"])
        .iter()
        .filter_map(|i| i.as_str())
        .take(4)
    {
        if from_viewer {
            break;
        }
        let call = Request::AppCall {
            id: "viewer".into(),
            route: Some(String::new()),
            action: None,
            form: Vec::new(),
            document: Some(id.to_string()),
        };
        match session::call(root, &call) {
            Ok(o) => opened.push(o),
            Err(e) => opened.push(json!({ "error": e.to_string(), "document": id })),
        }
    }
    if out.json {
        v["opened"] = Value::Array(opened);
        out.value(&v, |_| String::new());
        return;
    }
    print!("{}", render_outcome(&v));
    for o in opened {
        match o.get("error").and_then(Value::as_str) {
            Some(e) => println!("\n(the viewer could not open it: {e})"),
            None => print!("\n{}", render_outcome(&o)),
        }
    }
}

fn render_outcome(v: &Value) -> String {
    let view: kapsel_host::View = match serde_json::from_value(v["view"].clone()) {
        Ok(view) => view,
        Err(_) => return "(the app returned no view)\n".into(),
    };
    let mut s = view.render_text();
    for n in items(&v["notifications"]) {
        s.push_str(&format!(
            "\n(notification) {}: {}\n",
            n["title"].as_str().unwrap_or(""),
            n["body"].as_str().unwrap_or("")
        ));
    }
    for d in items(&v["saved_documents"]) {
        s.push_str(&format!(
            "\n(saved in the container) {} — document {}\n",
            d["name"].as_str().unwrap_or(""),
            d["id"].as_str().unwrap_or("")
        ));
    }

    for d in items(&v["denials"]) {
        s.push_str(&format!("\n(denied) {}\n", d.as_str().unwrap_or("")));
    }
    s
}

pub fn doc(root: &Path, cmd: DocCommand, out: Out) -> Result<()> {
    open_checked(root)?;
    match cmd {
        DocCommand::Import { file, media_type } => {
            let path = absolute(&file)?;
            let v = session::call(root, &Request::DocImport { path, media_type })?;
            out.done(
                &format!(
                    "Imported {} as document {} ({} bytes, {}).",
                    v["name"].as_str().unwrap_or(""),
                    v["id"].as_str().unwrap_or(""),
                    v["size"],
                    v["media_type"].as_str().unwrap_or("")
                ),
                v,
            );
        }
        DocCommand::List => {
            let v = session::call(root, &Request::DocList)?;
            out.value(&v, |v| {
                let mut s = String::new();
                for d in items(v) {
                    s.push_str(&format!(
                        "{}  {:>10}  {:<40} {:<12} {}\n",
                        d["id"].as_str().unwrap_or(""),
                        d["size"],
                        d["name"].as_str().unwrap_or(""),
                        d["source"].as_str().unwrap_or(""),
                        render::format_ts(d["created_ms"].as_u64().unwrap_or(0))
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
    match session::call(root, &Request::Notifications) {
        Ok(v) => {
            let count = v["count"].as_u64().unwrap_or(0);
            if dlp.notifications_unlocked == NotificationDetail::SenderSubject {
                out.value(&v, |v| {
                    let mut s = String::new();
                    for n in items(&v["notifications"]) {
                        s.push_str(&format!(
                            "{}  [{}] {}: {}\n",
                            render::format_ts(n["ts_ms"].as_u64().unwrap_or(0)),
                            n["app"].as_str().unwrap_or(""),
                            n["title"].as_str().unwrap_or(""),
                            n["body"].as_str().unwrap_or("")
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
                    json!({ "count": count }),
                );
            }
            Ok(())
        }
        Err(Error::Locked) => {
            // Locked: the tenant decides between nothing and a bare count; never content.
            match dlp.notifications_locked {
                NotificationDetail::None => {
                    out.done("The container is locked.", json!({ "locked": true }))
                }
                _ => {
                    let count = kapsel_core::notifications::count(c.vault())?;
                    out.done(
                        &format!("{count} notification(s) — unlock to read them."),
                        json!({ "locked": true, "count": count }),
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
            let text = tenant::read_text(path, "the policy")?;
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
            let bytes = read_file(&path, "the package")?;
            let r = report::audit_package(&bytes, policy.as_ref())?;
            out.value(&r, render_package_report);
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
            out.value(&r, render_policy_report);
            Ok(())
        }
    }
}

fn render_package_report(v: &Value) -> String {
    let s = |x: &Value| x.as_str().unwrap_or("-").to_string();
    let mut o = String::new();
    o.push_str(&format!(
        "App          {} ({}) {} by {} — kapsel:app {}\n",
        s(&v["name"]),
        s(&v["id"]),
        s(&v["version"]),
        s(&v["publisher"]),
        s(&v["api"])
    ));
    if let Some(d) = v["description"].as_str().filter(|d| !d.is_empty()) {
        o.push_str(&format!("             {d}\n"));
    }
    o.push_str(&format!(
        "Package      sha256 {}\n",
        s(&v["package_sha256"])
    ));
    o.push_str(&format!(
        "Manifest     sha256 {}\n",
        s(&v["manifest_sha256"])
    ));
    o.push_str(&format!(
        "Component    sha256 {} ({} bytes)\n",
        s(&v["component_sha256"]),
        v["component_bytes"]
    ));
    let sig = &v["signature"];
    let sig_text = if sig["valid"] == true {
        let trust = match sig["trusted"].as_bool() {
            Some(true) => format!("trusted by the tenant as {:?}", s(&sig["publisher_name"])),
            Some(false) => "NOT a publisher this tenant trusts".into(),
            None => "trust unknown (no tenant policy given)".into(),
        };
        format!("valid, key {}, {trust}", s(&sig["publisher_key"]))
    } else {
        format!("INVALID: {}", s(&sig["problem"]))
    };
    o.push_str(&format!("Signature    {sig_text}\n"));
    o.push_str("Declared capabilities\n");
    for d in items(&v["declared"]) {
        o.push_str(&format!(
            "  {:<10} {}\n",
            s(&d["capability"]),
            s(&d["scope"])
        ));
    }
    o.push_str("Imports (decoded from the component binary)\n");
    for i in items(&v["imports"]) {
        let mark = if i["allowed"] == true { "ok " } else { "NO " };
        o.push_str(&format!(
            "  {mark} {:<44} {}\n",
            s(&i["import"]["name"]),
            s(&i["reason"])
        ));
    }
    o.push_str(&format!(
        "WASI         {}\n",
        if v["wasi_sealed"] == true {
            "sealed: no preopened directories, no sockets, empty environment"
        } else {
            "asks for WASI that Kapsel never provides"
        }
    ));
    let mm = items(&v["mismatches"]);
    if !mm.is_empty() {
        o.push_str("Mismatches\n");
        for m in mm {
            o.push_str(&format!("  - {}\n", s(m)));
        }
    }
    o.push_str(&format!(
        "Verdict      {}\n",
        s(&v["verdict"]).to_uppercase()
    ));
    for r in items(&v["reasons"]) {
        o.push_str(&format!("  - {}\n", s(r)));
    }
    o
}

fn render_policy_report(v: &Value) -> String {
    let s = |x: &Value| x.as_str().unwrap_or("-").to_string();
    let mut o = format!("Tenant       {} serial {}\n", s(&v["tenant"]), v["serial"]);
    o.push_str(&format!(
        "Signed by    {}\n",
        v["signed_by"].as_str().unwrap_or("NOT SIGNED")
    ));
    o.push_str("Publishers\n");
    for p in items(&v["publishers"]) {
        o.push_str(&format!("  {}\n", s(p)));
    }
    o.push_str("Apps\n");
    for a in items(&v["apps"]) {
        let grants: Vec<String> = items(&a["grants"]).iter().map(s).collect();
        o.push_str(&format!(
            "  {}{}: {}\n",
            s(&a["id"]),
            if a["preinstall"] == true {
                " (preinstalled)"
            } else {
                ""
            },
            grants.join("; ")
        ));
        for f in items(&a["findings"]) {
            o.push_str(&format!("      ! {}\n", s(f)));
        }
    }
    let integrity: Vec<String> = items(&v["integrity"]).iter().map(s).collect();
    o.push_str(&format!("Integrity    {}\n", integrity.join(", ")));
    for f in items(&v["findings"]) {
        o.push_str(&format!("  ! {}\n", s(f)));
    }
    o.push_str(&format!(
        "Verdict      {}\n",
        s(&v["verdict"]).to_uppercase()
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
            let v = session::call(
                root,
                &Request::CredentialSet {
                    origin,
                    token: Some(token.to_string()),
                },
            )?;
            out.done(
                &format!("Token stored for {}.", v["origin"].as_str().unwrap_or("")),
                v,
            );
        }
        CredentialCommand::Remove { origin } => {
            let v = session::call(
                root,
                &Request::CredentialSet {
                    origin,
                    token: None,
                },
            )?;
            out.done(
                &format!("Token for {} removed.", v["origin"].as_str().unwrap_or("")),
                v,
            );
        }
        CredentialCommand::List => {
            let v = session::call(root, &Request::CredentialList)?;
            out.value(&v, |v| {
                items(v)
                    .iter()
                    .map(|o| format!("{}\n", o.as_str().unwrap_or("")))
                    .collect()
            });
        }
    }
    Ok(())
}
