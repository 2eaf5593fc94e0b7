//! The findings of the outside attack on the sandbox and the container (issue 10), each
//! proved fixed here through the real binary or the real host: app identity, credential
//! reflection, agent crashes, terminal injection, quotas, documents of stopped calls, links,
//! and server names used as paths.

use std::io::{BufRead, BufReader, Write};
use std::os::unix::net::UnixStream;

use kapsel_tests::Env;

/// Send one raw request line to the agent; the reply line.
fn raw_request(env: &Env, line: &str) -> String {
    let mut s = UnixStream::connect(env.root.join("run/agent.sock")).expect("the agent socket");
    s.write_all(line.as_bytes()).unwrap();
    s.write_all(b"\n").unwrap();
    let mut reply = String::new();
    BufReader::new(s).read_line(&mut reply).unwrap();
    reply
}

#[test]
fn a_panic_in_the_agent_is_recorded_reported_and_does_not_end_the_session() {
    let env = Env::new();
    // The raw requests come from this test process, not from a kapsel binary.
    env.enroll("binary = \"off\"\n");
    env.unlock().ok();
    let reply = raw_request(&env, r#"{"op":"debug-panic"}"#);
    assert!(reply.contains("internal error"), "{reply}");
    // The session goes on.
    assert_eq!(env.status()["unlocked"], true);
    // The next command said so (status above took the record); the audit log keeps it.
    let log = env.run(&["--json", "audit-log"]).json();
    let kinds: Vec<&str> = log["entries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["kind"].as_str().unwrap())
        .collect();
    assert!(kinds.contains(&"agent-crashed"), "{kinds:?}");
    assert!(!env.root.join("crash.json").exists());
    // A second panic is reported by the very next command, in words.
    raw_request(&env, r#"{"op":"debug-panic"}"#);
    let r = env.run(&["status"]);
    r.ok();
    assert!(
        r.stderr.contains("the session agent failed at"),
        "{}",
        r.stderr
    );
    assert!(r.stderr.contains("agent.rs"), "{}", r.stderr);
}

#[test]
fn the_agent_serves_only_clients_started_from_an_accepted_kapsel_binary() {
    let env = Env::new();
    env.enroll("");
    env.unlock().ok();
    // Another process of the same user (this test) is not the kapsel binary pinned at
    // enrolment: refused before anything is served.
    let reply = raw_request(&env, r#"{"op":"doc-list"}"#);
    assert!(reply.contains("refuses to serve it"), "{reply}");
    assert!(reply.contains("\"exit_code\":5"), "{reply}");
    // The kapsel binary itself is served.
    env.run(&["doc", "list"]).ok();
}

/// Every byte a terminal would obey, or a fake line, in what the CLI printed.
fn terminal_violations(output: &str) -> Vec<String> {
    let mut found = Vec::new();
    for (i, c) in output.chars().enumerate() {
        let bad = (c.is_control() && c != '\n' && c != '\t')
            || matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}');
        if bad {
            let from = i.saturating_sub(30);
            let context: String = output.chars().skip(from).take(60).collect();
            found.push(format!("U+{:04X} in {context:?}", c as u32));
        }
    }
    for line in output.lines() {
        if line.trim_start().starts_with("Bcc:") || line.starts_with("kapsel: everything is fine") {
            found.push(format!("a faked line: {line:?}"));
        }
    }
    found
}

#[test]
fn hostile_text_never_reaches_the_terminal_as_control_sequences() {
    use kapsel_tests::apps::{package, package_named, publisher};
    use kapsel_tests::mail::{lmtp_deliver, mail_env, unique, unlock};

    let servers = kapsel_tests::servers::test_servers();
    let _ = servers;
    let probe = Env::new();
    let dev = publisher(&probe);
    let grants = format!(
        "\n[[publishers]]\nname = \"Agency IT\"\nkey = \"{}\"\n\n[apps.tricks]\nnotify = true\nlog = true\ndocuments = true\n",
        dev.public
    );
    let env = mail_env("carol@corp.test", &grants);
    let mut output = String::new();
    let mut run = |args: &[&str]| {
        let r = env.run(args);
        output.push_str(&r.stdout);
        output.push_str(&r.stderr);
        r
    };
    // A manifest whose name hides text with escape sequences: the reviewer sees it flagged,
    // the install refuses it.
    let sneaky = package_named(
        &probe,
        &dev,
        "tricks",
        "Tricks\\u001b[8m hidden \\u202e",
        "notify = true\nlog = true\ndocuments = true",
        "hostile-terminal-tricks",
    );
    let r = run(&["audit", &sneaky]);
    assert_eq!(r.code, 11, "REJECT: {}", r.stdout);
    assert!(
        r.stdout.contains("characters a terminal would obey"),
        "{}",
        r.stdout
    );
    unlock(&env).ok();
    run(&["app", "install", &sneaky]).fails(6, "characters a terminal would obey");
    let pkg = package(
        &probe,
        &dev,
        "tricks",
        "notify = true\nlog = true\ndocuments = true",
        "hostile-terminal-tricks",
    );
    run(&["app", "install", &pkg]).ok();
    let shown = run(&["app", "open", "tricks"]);
    shown.ok();
    assert!(
        shown.stdout.contains("a link was removed"),
        "{}",
        shown.stdout
    );
    assert!(
        shown.stdout.contains("https://ok.example/page"),
        "{}",
        shown.stdout
    );
    for bad in ["javascript:", "file:///etc/passwd", "data:text"] {
        assert!(
            !shown.stdout.contains(&format!("<{bad}")),
            "{bad} was shown as a link"
        );
    }
    run(&["app", "act", "tricks", "go"]);
    run(&["app", "list"]).ok();
    run(&["app", "log", "tricks"]).ok();
    run(&["doc", "list"]).ok();
    run(&["notifications"]).ok();

    // A mail whose subject, sender and attachment name carry the same tricks.
    let marker = unique("tricky");
    let subject_b64 = base64_encode(
        format!("Rechnung {marker}\u{1b}]52;c;ZXZpbA==\u{7}\r\nBcc: attacker@evil.test").as_bytes(),
    );
    let message = format!(
        "From: =?UTF-8?B?{}?= <evil@evil.test>\r\nTo: carol@corp.test\r\nSubject: =?UTF-8?B?{subject_b64}?=\r\n\
         Date: Fri, 27 Nov 2026 09:00:00 +0000\r\nMessage-ID: <{marker}@evil.test>\r\nMIME-Version: 1.0\r\n\
         Content-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n\
         Hello \u{1b}[2J\u{1b}]0;pwned\u{7} there\r\n--b\r\nContent-Type: application/octet-stream\r\n\
         Content-Disposition: attachment; filename*=UTF-8''invoice_%E2%80%AEtxt.exe\r\n\r\nMZ\r\n--b--\r\n",
        base64_encode("Evil\u{1b}[2J Corp".as_bytes())
    );
    lmtp_deliver("evil@evil.test", "carol@corp.test", message.as_bytes());
    run(&["sync", "now"]).ok();
    let listed = run(&["--json", "mail", "search", &marker]);
    let id = listed.json()["hits"][0]["id"]
        .as_i64()
        .expect("the tricky mail arrived");
    run(&["mail", "list"]).ok();
    run(&["mail", "search", &marker]).ok();
    let read = run(&["mail", "read", &id.to_string()]);
    read.ok();
    assert!(
        read.stdout.contains("invoice_⟨U+202E⟩txt.exe"),
        "{}",
        read.stdout
    );
    run(&["notifications"]).ok();
    let violations = terminal_violations(&output);
    assert!(violations.is_empty(), "{violations:#?}");
    assert!(
        output.contains('\u{241B}'),
        "escape characters are shown visibly"
    );
}

fn base64_encode(bytes: &[u8]) -> String {
    const T: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for c in bytes.chunks(3) {
        let n = (u32::from(c[0]) << 16)
            | (u32::from(*c.get(1).unwrap_or(&0)) << 8)
            | u32::from(*c.get(2).unwrap_or(&0));
        for i in 0..4 {
            if i <= c.len() {
                out.push(T[((n >> (18 - 6 * i)) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

fn host(apps: &str) -> kapsel_tests::host::TestHost {
    kapsel_tests::host::TestHost::builder().apps(apps).build()
}

#[test]
fn many_small_keys_cannot_exceed_the_storage_quota() {
    use kapsel_tests::host::manifest;
    let mut h = host("[apps.quota-overflow]\nstorage_quota_bytes = 4096\n");
    h.install(
        &manifest("quota-overflow", "storage = { quota_bytes = 4096 }"),
        "hostile-quota-overflow",
    )
    .unwrap();
    let t = h.text("quota-overflow", "keys");
    let written: usize = t
        .split("written=")
        .nth(1)
        .and_then(|r| r.split_whitespace().next())
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("{t}"));
    // 250-byte keys with 1-byte values: 16 fit in 4,096 bytes, not 906.
    assert!(
        written <= 16,
        "{written} keys of 250 bytes under a 4,096-byte quota: {t}"
    );
    assert!(t.contains("quota=4096"), "{t}");
    let used: u64 = t
        .split("used=")
        .nth(1)
        .and_then(|r| r.split_whitespace().next())
        .and_then(|n| n.parse().ok())
        .unwrap();
    assert!(
        used > 3500 && used <= 4096,
        "usage counts what is stored: {t}"
    );
    // Across calls, too: what was committed counts at the next call.
    let again = h.text("quota-overflow", "keys");
    assert!(again.contains("quota=4096"), "{again}");
    assert!(
        h.vault.usage("app:quota-overflow").unwrap() <= 4096,
        "committed usage stays under the quota"
    );
}

#[test]
fn documents_saved_by_a_stopped_call_are_discarded_and_bounded() {
    use kapsel_core::documents;
    use kapsel_tests::host::manifest;
    let mut h = host(
        "[apps.doc-flood]\ndocuments = true\ndocuments_quota_bytes = 4194304\ncall_timeout_ms = 4000\n",
    );
    h.install(
        &manifest("doc-flood", "documents = true"),
        "hostile-doc-flood",
    )
    .unwrap();
    for route in ["trap", "spin"] {
        let e = h.view("doc-flood", route).unwrap_err().to_string();
        assert!(e.contains("discarded"), "{route}: {e}");
        assert!(
            documents::list(&h.vault).unwrap().is_empty(),
            "{route}: documents of a stopped call stayed"
        );
    }
    // No blobs of theirs are left either.
    assert_eq!(
        h.vault.usage("appdocs:doc-flood").unwrap(),
        0,
        "orphaned blobs"
    );
    // A call that returns keeps its documents, up to the tenant's quota (4 MiB).
    let t = h.text("doc-flood", "");
    assert!(t.contains("saved=4"), "{t}");
    assert!(t.contains("quota"), "{t}");
    assert_eq!(documents::list(&h.vault).unwrap().len(), 4);
}

#[test]
fn notifications_are_bounded_across_calls() {
    use kapsel_tests::host::manifest;
    let mut h = host("[apps.notify-spam]\nnotify = true\n");
    h.install(
        &manifest("notify-spam", "notify = true"),
        "hostile-notify-spam",
    )
    .unwrap();
    for _ in 0..15 {
        h.view("notify-spam", "").unwrap();
    }
    let stored = kapsel_core::notifications::count(&h.vault).unwrap();
    assert_eq!(
        stored,
        kapsel_core::notifications::MAX_PER_SOURCE,
        "300 posted over 15 calls"
    );
    // The newest are kept.
    let list = kapsel_core::notifications::list(&h.vault).unwrap();
    assert_eq!(list.last().unwrap().title, "spam 19");
}

fn manifest_v(id: &str, version: &str, publisher_claim: &str) -> String {
    format!(
        "id = \"{id}\"\nname = \"{id}\"\nversion = \"{version}\"\npublisher = \"{publisher_claim}\"\napi = \"0.2\"\n\n[capabilities]\nstorage = {{ quota_bytes = 65536 }}\n"
    )
}

#[test]
fn an_app_id_belongs_to_its_publisher() {
    let apps = "[apps.hello]\npublisher = \"Agency IT\"\nstorage_quota_bytes = 100000\n\
                [apps.notes]\nstorage_quota_bytes = 100000\n\
                [apps.news]\nstorage_quota_bytes = 100000\n";
    let mut h = kapsel_tests::host::TestHost::builder()
        .publisher("Agency IT", false)
        .publisher("Other Dept", false)
        .apps(apps)
        .build();
    let hello = manifest_v("hello", "1.0.0", "Agency IT");
    h.install_as("Agency IT", &hello, "kapsel-hello").unwrap();
    h.view("hello", "").unwrap();
    // Another trusted publisher cannot take the id the tenant bound to Agency IT.
    let e = h
        .install_as(
            "Other Dept",
            &manifest_v("hello", "9.0.0", "Agency IT"),
            "kapsel-hello",
        )
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("binds the app id \"hello\" to the publisher \"Agency IT\""),
        "{e}"
    );
    // Without a binding, the first signer owns the id: another cannot replace it.
    h.install_as(
        "Agency IT",
        &manifest_v("notes", "1.0.0", "x"),
        "kapsel-hello",
    )
    .unwrap();
    let e = h
        .install_as(
            "Other Dept",
            &manifest_v("notes", "2.0.0", "x"),
            "kapsel-hello",
        )
        .unwrap_err()
        .to_string();
    assert!(e.contains("is installed from \"Agency IT\""), "{e}");
    // Built-in ids are reserved for the built-in publisher.
    let e = h
        .install_as(
            "Agency IT",
            &manifest_v("news", "1.0.0", "Kapsel"),
            "kapsel-hello",
        )
        .unwrap_err()
        .to_string();
    assert!(e.contains("reserved for Kapsel's built-in apps"), "{e}");
    // The stored data stayed with the real app.
    assert!(
        h.host
            .native_storage_get("hello", "visits")
            .unwrap()
            .is_some()
    );
    // No downgrade, unless the tenant allows one.
    h.install_as(
        "Agency IT",
        &manifest_v("hello", "1.2.0", "Agency IT"),
        "kapsel-hello",
    )
    .unwrap();
    let e = h
        .install_as(
            "Agency IT",
            &manifest_v("hello", "1.1.0", "Agency IT"),
            "kapsel-hello",
        )
        .unwrap_err()
        .to_string();
    assert!(e.contains("downgrade"), "{e}");
    // The list shows who signed, not what the manifest claims.
    h.install_as(
        "Agency IT",
        &manifest_v("notes", "1.1.0", "Bundesamt (official)"),
        "kapsel-hello",
    )
    .unwrap();
    let notes = h
        .host
        .list()
        .unwrap()
        .into_iter()
        .find(|a| a.id == "notes")
        .unwrap();
    assert_eq!(notes.publisher, "Agency IT");
    assert_eq!(notes.publisher_claim, "Bundesamt (official)");
}

#[test]
fn a_tenant_can_allow_a_rollback_to_a_minimum_version() {
    let mut h = kapsel_tests::host::TestHost::builder()
        .publisher("Agency IT", false)
        .apps("[apps.hello]\nstorage_quota_bytes = 100000\nmin_version = \"1.1.0\"\n")
        .build();
    h.install_as(
        "Agency IT",
        &manifest_v("hello", "1.3.0", "a"),
        "kapsel-hello",
    )
    .unwrap();
    h.install_as(
        "Agency IT",
        &manifest_v("hello", "1.1.0", "a"),
        "kapsel-hello",
    )
    .unwrap();
    assert!(
        h.install_as(
            "Agency IT",
            &manifest_v("hello", "1.0.0", "a"),
            "kapsel-hello"
        )
        .is_err()
    );
}

#[test]
fn injected_credentials_never_come_back_to_the_app() {
    use kapsel_tests::host::{TestHost, manifest};
    use kapsel_tests::https::{self, Received, Reply, TestCa};
    // An endpoint that echoes the request headers in its body and a response header, and a
    // redirect that carries them in the URL.
    fn echo(r: &Received) -> Reply {
        let auth = r.header("authorization").unwrap_or("none").to_string();
        match r.path.as_str() {
            "/echo" | "/dav/echo" | "/public/echo" => Reply::Full {
                status: 200,
                headers: vec![("X-Echo".into(), auth.clone())],
                body: format!(
                    "{{\"Authorization\": \"{auth}\", \"path\": \"{}\"}}",
                    r.path
                )
                .into_bytes(),
            },
            _ => Reply::Full {
                status: 404,
                headers: vec![],
                body: b"no".to_vec(),
            },
        }
    }
    let ca = TestCa::new();
    let server = https::serve(&ca, echo);
    let origin = server.origin();
    let password = "Geheim/Passwort+2026";
    let mut h = TestHost::builder()
        .trust(&ca.pem)
        .credentials("alice@corp.test", password)
        .apps(&format!(
            "[apps.fetcher]\nhttp_origins = [\"{origin}\"]\nhttp_private_origins = [\"{origin}\"]\n\
             http_credentials = {{ \"{origin}\" = {{ kind = \"basic\", paths = [\"/dav/\", \"/echo\"] }} }}\n"
        ))
        .build();
    h.install(
        &manifest("fetcher", &format!("http = {{ origins = [\"{origin}\"] }}")),
        "hostile-fetcher",
    )
    .unwrap();
    let basic = base64_encode(format!("alice@corp.test:{password}").as_bytes());
    for path in ["/echo", "/dav/echo"] {
        let t = h.text("fetcher", &format!("SHOW {origin}{path}"));
        assert!(t.contains("[redacted by Kapsel]"), "{path}: {t}");
        assert!(
            !t.contains(&basic),
            "{path}: the Basic token reached the app: {t}"
        );
        assert!(
            !t.contains("Geheim"),
            "{path}: the password reached the app: {t}"
        );
    }
    // Outside the tenant's path prefixes the host adds nothing.
    let t = h.text("fetcher", &format!("SHOW {origin}/public/echo"));
    assert!(t.contains("\"Authorization\": \"none\""), "{t}");
}

/// Paths a hostile SharePoint was asked for (the handler is a plain fn, so a static).
static EVIL_REQUESTS: std::sync::Mutex<Vec<String>> = std::sync::Mutex::new(Vec::new());

fn evil_sharepoint(r: &kapsel_tests::https::Received) -> kapsel_tests::https::Reply {
    use kapsel_tests::https::Reply;
    EVIL_REQUESTS.lock().unwrap().push(r.path.clone());
    let json = |body: &str| Reply::Full {
        status: 200,
        headers: vec![("Content-Type".into(), "application/json".into())],
        body: body.as_bytes().to_vec(),
    };
    if r.path.contains("/Folders") {
        return json(
            r#"{"value":[{"Name":"..","ServerRelativeUrl":"/sites/evil","ItemCount":1},
               {"Name":"Projekte","ServerRelativeUrl":"/sites/evil/Shared Documents/Projekte","ItemCount":0}]}"#,
        );
    }
    if r.path.contains("/Files") {
        return json(
            r#"{"value":[
              {"Name":"../../../../home/user/.bashrc","ServerRelativeUrl":"/sites/evil/Shared Documents/../../../../home/user/.bashrc","Length":"5"},
              {"Name":"harmlos.txt","ServerRelativeUrl":"/sites/other/secret.txt","Length":"5"},
              {"Name":"a\\b.txt","ServerRelativeUrl":"/sites/evil/Shared Documents/a\\b.txt","Length":"5"},
              {"Name":"Bericht.txt","ServerRelativeUrl":"/sites/evil/Shared Documents/Bericht.txt","Length":"5"}]}"#,
        );
    }
    if r.path.contains("$value") {
        return Reply::ok("hello");
    }
    Reply::Full {
        status: 404,
        headers: vec![],
        body: b"{}".to_vec(),
    }
}

#[test]
fn names_from_a_server_are_data_not_paths() {
    use kapsel_tests::https::{self, TestCa};
    let ca = TestCa::new();
    let server = https::serve(&ca, evil_sharepoint);
    let origin = server.origin();
    let mut h = kapsel_tests::host::TestHost::builder()
        .trust(&ca.pem)
        .apps(&format!(
            "[apps.viewer]\ndocuments = true\nlog = true\n[apps.documents]\ndocuments = true\nlog = true\n\
             http_origins = [\"{origin}\"]\nhttp_private_origins = [\"{origin}\"]\n\
             http_credentials = {{ \"{origin}\" = \"bearer\" }}\n\
             [apps.documents.settings]\n\"library:Evil\" = \"sharepoint:{origin}/sites/evil\"\n"
        ))
        .build();
    h.vault.put("credentials", &origin, b"tok-evil").unwrap();
    h.install_builtin("viewer");
    h.install_builtin("documents");
    let o = h
        .act(
            "documents",
            "sp:Evil:root:/sites/evil/Shared Documents",
            &[],
        )
        .unwrap();
    let t = o.view.render_text();
    assert!(t.contains("not plain file names"), "{t}");
    for name in [
        "../../../../home/user/.bashrc",
        "harmlos.txt",
        "a\\b.txt",
        "..",
    ] {
        let item = o.view.blocks.iter().find_map(|b| match b {
            kapsel_host::Block::Item {
                title,
                action,
                subtitle,
                ..
            } if title.trim_end_matches('/') == name => Some((action.clone(), subtitle.clone())),
            _ => None,
        });
        let (action, subtitle) = item.unwrap_or_else(|| panic!("{name} is not listed: {t}"));
        assert!(action.is_none(), "{name} can be followed: {action:?}");
        assert!(
            subtitle.unwrap_or_default().contains("not opened"),
            "{name}"
        );
    }
    // The plain one opens, at the path the app built from the folder and the name.
    let bericht = kapsel_tests::action_for(&o, "Bericht.txt");
    h.act("documents", &bericht, &[]).unwrap();
    let asked = EVIL_REQUESTS.lock().unwrap().clone();
    assert!(
        asked.iter().all(|p| !p.contains("..")
            && !p.contains("%2E%2E")
            && !p.contains("home")
            && !p.contains("other")),
        "a request left the folder: {asked:#?}"
    );
    assert!(
        asked.iter().any(|p| p.contains("Bericht.txt")),
        "{asked:#?}"
    );
}
