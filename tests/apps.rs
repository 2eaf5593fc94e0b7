//! Micro-apps through the real `kapsel` binary: the developer's path (keygen, package, sign),
//! the reviewer's (`kapsel audit`), and the employee's (install, open, act, remove), with the
//! session agent in between; documents and notifications under the tenant's DLP rules.

use kapsel_core::policy::AppEngine;
use kapsel_tests::apps::{package, package_unchecked, policy_with, publisher, write};
use kapsel_tests::{Env, PASSWORD, policy_text};

#[path = "audit/mod.rs"]
mod audit;

#[test]
fn develop_review_install_use_remove() {
    let env = Env::new();
    let dev = publisher(&env);
    let hello = package(
        &env,
        &dev,
        "hello",
        "storage = { quota_bytes = 65536 }",
        "kapsel-hello",
    );
    // The reviewer, before any container exists: valid signature, trust unknown, and without
    // a policy never APPROVE: REVIEW (exit 12), with its reason.
    let r = env.run(&["--json", "audit", &hello]);
    assert_eq!(r.code, 12, "{}", r.stderr);
    assert!(
        r.stderr
            .contains("verdict for hello: REVIEW — no tenant policy given"),
        "{}",
        r.stderr
    );
    let v = r.json();
    assert_eq!(v["signature"]["valid"], true);
    assert_eq!(v["signature"]["trusted"], serde_json::Value::Null);
    assert_eq!(v["verdict"], "review");
    assert_eq!(v["findings"][0]["code"], "no-policy");
    assert!(v["policy"].is_null() && v["effective"].is_null());
    assert!(!v["imports"].to_string().contains("declared and granted"));
    assert!(
        v["imports"]
            .as_array()
            .unwrap()
            .iter()
            .any(|i| i["import"]["name"] == "kapsel:app/storage@0.2.0")
    );
    assert_eq!(v["wasi_sealed"], true);

    env.enroll_text(&policy_with(
        &dev,
        1,
        "[apps.hello]\nstorage_quota_bytes = 100000\n",
    ));
    // Against the container's policy the publisher is trusted, and the quota that applies is
    // the smaller of manifest and policy.
    let t = env.run(&["audit", &hello]);
    t.ok();
    assert!(
        t.stdout.contains("trusted by the tenant as \"Agency IT\"")
            && t.stdout.contains("APPROVE")
            && t.stdout.contains(
                "65536 bytes apply (the manifest asks for 65536, the policy allows 100000"
            )
            && t.stdout.contains("read another app's data"),
        "{}",
        t.stdout
    );

    env.run(&["app", "install", &hello]).fails(3, "locked");
    env.unlock().ok();
    let r = env.run(&["app", "install", &hello]);
    r.ok();
    assert!(
        r.stdout.contains("Installed hello app (hello) 1.0.0"),
        "{}",
        r.stdout
    );
    assert!(env.run(&["app", "list"]).stdout.contains("hello"));
    let r = env.run(&["app", "open", "hello"]);
    assert!(
        r.ok().stdout.contains("You opened this app 1 time(s)."),
        "{}",
        r.stdout
    );
    env.run(&[
        "app",
        "act",
        "hello",
        "save",
        "--field",
        "note=Dienstreise Bonn",
    ])
    .ok();
    let v = env.run(&["--json", "app", "open", "hello"]).json();
    let blocks = v["view"]["blocks"].as_array().unwrap();
    assert!(
        blocks
            .iter()
            .any(|b| b["type"] == "field" && b["value"] == "Dienstreise Bonn"),
        "{v}"
    );
    // Bad input.
    env.run(&["app", "act", "hello", "save", "--field", "no-equals-sign"])
        .fails(2, "name=value");
    env.run(&["app", "act", "hello", "save"])
        .fails(1, "note is required");
    env.run(&["app", "open", "nope"]).fails(7, "not installed");
    env.run(&["app", "open", "../hello"])
        .fails(2, "not an app id");
    env.run(&["app", "install", "/no/such.kapp"])
        .fails(2, "does not exist");

    // The tenant revokes the storage grant: the app no longer starts.
    let p2 = env
        .tenant
        .policy_file("p2.toml", &policy_with(&dev, 2, "[apps.hello]\n"));
    env.run(&["policy", "update", p2.to_str().unwrap()]).ok();
    env.run(&["app", "open", "hello"])
        .fails(6, "does not grant storage");
    let p3 = env.tenant.policy_file(
        "p3.toml",
        &policy_with(&dev, 3, "[apps.hello]\nstorage_quota_bytes = 100000\n"),
    );
    env.run(&["policy", "update", p3.to_str().unwrap()]).ok();
    assert!(
        env.run(&["app", "open", "hello"])
            .ok()
            .stdout
            .contains("4 time(s)")
    );
    // A signed policy with a malformed origin is refused at update with a clear message
    // (it is parsed once, into types), and the installed apps keep working.
    let bad = env.tenant.policy_file(
        "p4-bad-origin.toml",
        &policy_with(
            &dev,
            4,
            "[apps.hello]\nstorage_quota_bytes = 100000\nhttp_origins = [\"intranet.example/path\"]\n",
        ),
    );
    env.run(&["policy", "update", bad.to_str().unwrap()])
        .fails(6, "intranet.example/path");
    assert!(env.run(&["app", "list"]).ok().stdout.contains("hello"));
    assert_eq!(env.run(&["--json", "status"]).json()["policy_serial"], 3);

    env.run(&["app", "remove", "hello"]).ok();
    assert!(
        env.run(&["app", "list"])
            .stdout
            .contains("No apps installed")
    );
    env.run(&["app", "open", "hello"]).fails(7, "not installed");
    let v = env.run(&["--json", "audit-log", "--verify"]).json();
    let kinds: Vec<&str> = v["entries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["kind"].as_str().unwrap())
        .collect();
    assert!(
        kinds.contains(&"app-installed") && kinds.contains(&"app-removed"),
        "{kinds:?}"
    );
    assert_eq!(v["verification"]["ok"], true);
}

#[test]
fn the_reviewer_sees_what_the_binary_really_imports() {
    let env = Env::new();
    let dev = publisher(&env);
    let liar = package_unchecked(
        &env,
        &dev,
        "liar",
        "storage = { quota_bytes = 100 }",
        "hostile-manifest-liar",
    );
    let r = env.run(&["--json", "audit", &liar]);
    assert_eq!(r.code, 11, "{}", r.stdout);
    let v = r.json();
    assert_eq!(v["verdict"], "reject");
    assert!(v["mismatches"].as_array().unwrap().iter().any(|m| {
        m["code"] == "undeclared"
            && m["text"]
                .as_str()
                .unwrap()
                .contains("imports http without declaring it")
    }));
    let sockets = package_unchecked(&env, &dev, "sockets", "", "hostile-sockets");
    let r = env.run(&["audit", &sockets]);
    r.fails(11, "verdict for sockets: REJECT");
    assert!(r.stdout.contains("NO  wasi:sockets/"), "{}", r.stdout);
    // Over-asking is worth a look, not a refusal.
    let greedy = package(
        &env,
        &dev,
        "greedy",
        "storage = { quota_bytes = 100 }\nnotify = true",
        "kapsel-hello",
    );
    let r = env.run(&["--json", "audit", &greedy]);
    assert_eq!(r.code, 12);
    let v = r.json();
    assert_eq!(v["verdict"], "review");
    assert!(
        v["findings"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["code"] == "over-asking")
    );
    // Tampered and unsigned packages.
    let mut bytes = std::fs::read(&greedy).unwrap();
    let at = bytes.len() - 200;
    bytes[at] ^= 0xff;
    let tampered = write(&env, "tampered.kapp", &bytes);
    env.run(&["audit", &tampered])
        .fails(11, "altered after signing");
    // A tenant policy reviewed on its own.
    let policy = write(
        &env,
        "tenant.toml",
        policy_with(&dev, 1, "[apps.news]\nhttp_origins = [\"https://*.intranet.example\"]\nhttp_private_origins = [\"https://*.intranet.example\"]\nhttp_credentials = { \"https://*.intranet.example\" = \"basic\" }\n")
            .replace("superuser = \"off\"", "superuser = \"off\"\ntracer = \"off\"")
            .as_bytes(),
    );
    let r = env.run(&["--json", "audit", "--policy", &policy]);
    assert_eq!(r.code, 11, "an unsigned policy is rejected like a package");
    let v = r.json();
    assert_eq!(v["verdict"], "reject", "an unsigned policy: {v}");
    assert_eq!(v["state"], "unsigned");
    let findings = v["apps"][0]["findings"].to_string();
    assert!(
        findings.contains("wildcard")
            && findings.contains("credentials")
            && findings.contains("private"),
        "{findings}"
    );
    assert!(v["findings"].to_string().contains("tracer is off"));
    let signed = env.tenant.policy_file(
        "tenant-signed.toml",
        &std::fs::read_to_string(&policy).unwrap(),
    );
    let r = env.run(&["--json", "audit", "--policy", signed.to_str().unwrap()]);
    assert_eq!(r.code, 12);
    let v = r.json();
    assert_eq!(v["verdict"], "review");
    assert_eq!(v["state"], "signed");
    // Risky settings are listed with stable codes: superuser off, Basic credentials, private
    // origins.
    let codes = |f: &serde_json::Value| -> Vec<String> {
        f.as_array()
            .unwrap()
            .iter()
            .map(|f| f["code"].as_str().unwrap().to_string())
            .collect()
    };
    let top = codes(&v["findings"]);
    let app = codes(&v["apps"][0]["findings"]);
    assert!(top.contains(&"integrity-off".to_string()), "{top:?}");
    assert!(v["findings"].to_string().contains("superuser is off"));
    for code in ["credentials-basic", "private-origin", "wildcard-origin"] {
        assert!(app.contains(&code.to_string()), "{code}: {app:?}");
    }
    assert_eq!(v["apps"][0]["origins"][0]["credentials"], "basic");
    assert_eq!(v["apps"][0]["origins"][0]["private_addresses"], true);
    env.run(&["audit"]).fails(2, "give a package");
}

#[test]
fn documents_and_notifications_follow_the_dlp_rules() {
    let env = Env::new();
    let dev = publisher(&env);
    let spam = package(
        &env,
        &dev,
        "notify-spam",
        "notify = true",
        "hostile-notify-spam",
    );
    env.enroll_text(&policy_with(&dev, 1, "[apps.notify-spam]\nnotify = true\n"));
    env.unlock().ok();
    env.run(&["app", "install", &spam]).ok();
    let r = env.run(&["app", "open", "notify-spam"]);
    assert!(
        r.ok().stdout.contains("(notification) spam 0: buy now"),
        "{}",
        r.stdout
    );
    let r = env.run(&["notifications"]);
    assert_eq!(r.ok().stdout.lines().count(), 20, "{}", r.stdout);
    env.run(&["lock"]).ok();
    let r = env.run(&["notifications"]);
    r.ok();
    assert!(
        r.stdout.contains("20 notification(s)") && !r.stdout.contains("spam"),
        "locked: only a count: {}",
        r.stdout
    );

    // Documents go into the container and never out.
    env.unlock().ok();
    let file = write(
        &env,
        "Bericht März.txt",
        "Vertraulich: Haushalt 2027".as_bytes(),
    );
    let v = env.run(&["--json", "doc", "import", &file]).json();
    assert_eq!(v["name"], "Bericht März.txt");
    assert_eq!(v["media_type"], "text/plain");
    let list = env.run(&["doc", "list"]);
    assert!(list.ok().stdout.contains("Bericht März.txt"));
    for f in kapsel_tests::files_under(&env.root) {
        let bytes = std::fs::read(&f).unwrap_or_default();
        assert!(
            !kapsel_tests::contains(&bytes, b"Vertraulich"),
            "plaintext in {}",
            f.display()
        );
    }
    let _ = PASSWORD;
}

#[test]
fn enrolment_preinstalls_the_built_in_apps_the_tenant_grants() {
    let env = Env::new();
    let (dir, key) = kapsel_tests::builtin_apps();
    let policy = policy_text(1, "").replace(
        "[integrity]",
        &format!(
            "[[publishers]]\nname = \"Kapsel\"\nkey = \"{key}\"\nbuiltin = true\n\n[apps.viewer]\npreinstall = true\ndocuments = true\nlog = true\n\n\
             [apps.news]\npreinstall = false\n\n[integrity]"
        ),
    );
    let p = env.tenant.policy_file("builtin.toml", &policy);
    let r = env.try_enroll(
        p.to_str().unwrap(),
        &env.tenant.public_key(),
        &["--apps", dir.to_str().unwrap()],
        &format!("{PASSWORD}\n"),
    );
    r.ok();
    assert!(
        r.stdout
            .contains("Installed the built-in apps the tenant grants: viewer."),
        "{}",
        r.stdout
    );
    env.unlock().ok();
    let list = env.run(&["app", "list"]);
    assert!(
        list.ok().stdout.contains("viewer") && !list.stdout.contains("news"),
        "{}",
        list.stdout
    );
    view_and_edit(&env);
    assert_eq!(
        env.run(&["--json", "doc", "list"])
            .json()
            .as_array()
            .unwrap()
            .len(),
        2
    );
}

#[test]
fn the_built_in_apps_pass_the_reviewers_audit() {
    let env = Env::new();
    let (dir, key) = kapsel_tests::builtin_apps();
    let policy = policy_text(1, "").replace(
        "[integrity]",
        &format!(
            "[[publishers]]\nname = \"Kapsel\"\nkey = \"{key}\"\nbuiltin = true\n\n\
             [apps.viewer]\ndocuments = true\nlog = true\n\n\
             [apps.news]\nstorage_quota_bytes = 16777216\nnotify = true\ndocuments = true\nlog = true\nhttp_origins = [\"https://intranet.example\"]\n\n\
             [apps.documents]\ndocuments = true\nlog = true\nhttp_origins = [\"https://intranet.example\"]\n\n[integrity]"
        ),
    );
    let signed = env.tenant.policy_file("builtin-audit.toml", &policy);
    for id in ["viewer", "news", "documents"] {
        let pkg = dir.join(format!("{id}.kapp"));
        let r = env.run(&[
            "--json",
            "audit",
            pkg.to_str().unwrap(),
            "--policy",
            signed.to_str().unwrap(),
        ]);
        r.ok();
        let v = r.json();
        assert_eq!(v["verdict"], "approve", "{id}: {v}");
        assert_eq!(v["signature"]["trusted"], true, "{id}");
        assert!(
            v["mismatches"].as_array().unwrap().is_empty(),
            "{id}: {}",
            v["mismatches"]
        );
    }
}

#[test]
fn a_document_an_app_downloads_is_shown_by_the_viewer() {
    let env = Env::new();
    let em = kapsel_tests::servers::emulator("tok-cli");
    let origin = format!("https://localhost:{}", em.port);
    let ca =
        std::fs::read_to_string(kapsel_tests::servers::test_servers().get("TEST_CA_FILE")).unwrap();
    enroll_builtin(
        &env,
        &builtin_policy(1, AppEngine::Native, &ca, &origin, None),
    );
    env.unlock().ok();
    download_and_view(&env, &origin);
    let _ = &em.root;
}

/// A signed policy for the built-in apps enrolled through the binary, `engine` running them:
/// the viewer, documents with a SharePoint library at `origin` and one on an origin the tenant
/// does not grant, and news (when a feed is given as (origin, URL)) reading one feed; `ca`
/// vouches for the servers.
fn builtin_policy(
    serial: u64,
    engine: AppEngine,
    ca: &str,
    origin: &str,
    feed: Option<(&str, &str)>,
) -> String {
    let (_, key) = kapsel_tests::builtin_apps();
    let news = match feed {
        Some((feed_origin, url)) => format!(
            "[apps.news]\npreinstall = true\nstorage_quota_bytes = 16777216\nnotify = true\ndocuments = true\nlog = true\n\
             http_origins = [\"{feed_origin}\"]\nhttp_private_origins = [\"{feed_origin}\"]\ncall_timeout_ms = 20000\n\
             [apps.news.settings]\n\"feed:Amt\" = \"{url}\"\n\n"
        ),
        None => String::new(),
    };
    let grants = format!(
        "[app_host]\nengine = \"{}\"\n\n\
         [[publishers]]\nname = \"Kapsel\"\nkey = \"{key}\"\nbuiltin = true\n\n[apps.viewer]\npreinstall = true\ndocuments = true\nlog = true\n\n\
         [apps.documents]\npreinstall = true\ndocuments = true\nlog = true\nhttp_origins = [\"{origin}\"]\n\
         http_private_origins = [\"{origin}\"]\nhttp_credentials = {{ \"{origin}\" = \"bearer\" }}\n\n\
         [apps.documents.settings]\n\"library:Intranet\" = \"sharepoint:{origin}/sites/team\"\n\
         \"library:Elsewhere\" = \"sharepoint:https://elsewhere.example/sites/team\"\n\n\
         {news}[tls]\ntrust_anchors = [\"\"\"\n{ca}\"\"\"]\n\n[integrity]",
        engine.as_str()
    );
    policy_text(serial, "").replace("[integrity]", &grants)
}

fn enroll_builtin(env: &Env, policy: &str) {
    let (dir, _) = kapsel_tests::builtin_apps();
    let p = env.tenant.policy_file("builtin-apps.toml", policy);
    env.try_enroll(
        p.to_str().unwrap(),
        &env.tenant.public_key(),
        &["--apps", dir.to_str().unwrap()],
        &format!("{PASSWORD}\n"),
    )
    .ok();
}

/// The documents app downloads from SharePoint into the container, and the viewer shows what
/// it downloaded.
fn download_and_view(env: &Env, origin: &str) {
    env.run_stdin(&["credential", "set", origin], "tok-cli\n")
        .ok();
    assert!(
        env.run(&["credential", "list"])
            .ok()
            .stdout
            .contains(origin)
    );
    let r = env.run(&[
        "app",
        "act",
        "documents",
        "sp:Intranet:file:/sites/team/Shared Documents/Nr. #7.txt",
    ]);
    r.ok();
    // The download and, right after it, the viewer showing the downloaded document.
    assert!(
        r.stdout.contains("Downloaded into the container")
            && r.stdout.contains("== Nr. #7.txt ==")
            && r.stdout.contains("sieben"),
        "{}",
        r.stdout
    );
    let v = env
        .run(&[
            "--json",
            "app",
            "act",
            "documents",
            "sp:Intranet:file:/sites/team/Shared Documents/100% sicher.txt",
        ])
        .json();
    assert_eq!(v["opened"][0]["app"], "viewer", "{v}");
}

/// The viewer shows an imported Markdown document and saves an edit as a new version.
fn view_and_edit(env: &Env) {
    let file = write(
        env,
        "notiz.md",
        "# Vermerk\n\nStraße gesperrt, siehe [Plan](https://intranet.example/plan).\n".as_bytes(),
    );
    let id = env.run(&["--json", "doc", "import", &file]).json()["id"]
        .as_str()
        .unwrap()
        .to_string();
    let r = env.run(&["app", "open", "viewer", "--doc", &id]);
    assert!(
        r.ok().stdout.contains("# Vermerk")
            && r.stdout.contains("Plan <https://intranet.example/plan>"),
        "{}",
        r.stdout
    );
    let r = env.run(&[
        "app",
        "act",
        "viewer",
        "save",
        "--doc",
        &id,
        "--field",
        "text=# Vermerk\n\nAufgehoben.",
    ]);
    assert!(
        r.ok().stdout.contains("Saved as a new version"),
        "{}",
        r.stdout
    );
}

const AMT_FEED: &str = "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>Amt</title>\
    <link>https://localhost/</link><description>d</description><item><title>Neue Öffnungszeiten</title>\
    <guid>a1</guid><description>Ab Dezember gelten neue Zeiten.</description></item></channel></rss>\n";

fn amt_feed(r: &kapsel_tests::https::Received) -> kapsel_tests::https::Reply {
    match r.path.as_str() {
        "/amt.xml" => kapsel_tests::https::Reply::ok(AMT_FEED),
        _ => kapsel_tests::https::Reply::Full {
            status: 404,
            headers: vec![],
            body: vec![],
        },
    }
}

/// The tenant switches a container whose built-in apps were compiled to native code over to
/// the Pulley interpreter: status says so, each app is recompiled from its sealed component
/// once (audited), and news, viewer and documents work as before, a request to an origin the
/// tenant did not grant still refused. Needs no test servers: the feed comes from an HTTPS
/// server in this process.
#[test]
fn the_built_in_apps_run_under_the_interpreter_after_a_policy_switch() {
    use kapsel_tests::https::{self, TestCa};
    let env = Env::new();
    let ca = TestCa::new();
    let server = https::serve(&ca, amt_feed);
    let feed_origin = server.origin();
    let feed = format!("{feed_origin}/amt.xml");
    // Documents' own library is granted but never reached in this test.
    let origin = "https://sharepoint.intranet.example";
    let policy = |serial, engine| {
        builtin_policy(
            serial,
            engine,
            &ca.pem,
            origin,
            Some((feed_origin.as_str(), feed.as_str())),
        )
    };
    enroll_builtin(&env, &policy(1, AppEngine::Native));
    env.unlock().ok();
    assert_eq!(
        env.run(&["--json", "status"]).json()["app_engine"],
        "native"
    );
    let r = env.run(&["app", "open", "news"]);
    assert!(
        r.ok().stdout.contains("Neue Öffnungszeiten"),
        "{}",
        r.stdout
    );

    let p2 = env
        .tenant
        .policy_file("interpreter.toml", &policy(2, AppEngine::Interpreter));
    env.run(&["policy", "update", p2.to_str().unwrap()]).ok();
    let status = env.run(&["status"]);
    assert!(
        status.ok().stdout.contains("Pulley interpreter"),
        "{}",
        status.stdout
    );
    assert_eq!(
        env.run(&["--json", "status"]).json()["app_engine"],
        "interpreter"
    );
    // The same apps, now interpreted.
    let r = env.run(&["app", "open", "news"]);
    assert!(
        r.ok().stdout.contains("Neue Öffnungszeiten"),
        "{}",
        r.stdout
    );
    view_and_edit(&env);
    let r = env.run(&["app", "open", "documents"]);
    assert!(
        r.ok().stdout.contains("Intranet") && r.stdout.contains("Elsewhere"),
        "{}",
        r.stdout
    );
    let r = env.run(&[
        "app",
        "act",
        "documents",
        "sp:Elsewhere:dir:/sites/team/Shared Documents",
    ]);
    assert!(
        format!("{}{}", r.stdout, r.stderr).contains("is not an origin granted"),
        "{} {}",
        r.stdout,
        r.stderr
    );

    // A new session loads the stored interpreter artifacts: no second compile.
    env.run(&["lock"]).ok();
    env.unlock().ok();
    let r = env.run(&["app", "open", "news"]);
    assert!(
        r.ok().stdout.contains("Neue Öffnungszeiten"),
        "{}",
        r.stdout
    );
    let v = env.run(&["--json", "audit-log"]).json();
    let mut recompiled: Vec<String> = v["entries"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["kind"] == "app-recompiled")
        .map(|e| {
            assert_eq!(e["detail"]["engine"], "interpreter", "{e}");
            e["detail"]["app"].as_str().unwrap_or("").to_string()
        })
        .collect();
    recompiled.sort();
    assert_eq!(recompiled, ["documents", "news", "viewer"]);
}

/// The SDK builds from its own copy of the contract (so a copied sdk/ or a git dependency
/// works); the copy must be the contract, byte for byte.
#[test]
fn the_sdk_carries_the_wit_it_is_checked_against() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let files = |dir: &std::path::Path| {
        let mut out = std::collections::BTreeMap::new();
        let mut stack = vec![dir.to_path_buf()];
        while let Some(d) = stack.pop() {
            for e in std::fs::read_dir(&d).unwrap() {
                let p = e.unwrap().path();
                if p.is_dir() {
                    stack.push(p);
                } else {
                    let rel = p.strip_prefix(dir).unwrap().to_path_buf();
                    out.insert(rel, std::fs::read(&p).unwrap());
                }
            }
        }
        out
    };
    let (wit, copy) = (files(&root.join("wit")), files(&root.join("sdk/wit")));
    assert!(!wit.is_empty());
    assert_eq!(
        wit.keys().collect::<Vec<_>>(),
        copy.keys().collect::<Vec<_>>(),
        "sdk/wit must hold the same files as wit/"
    );
    for (name, bytes) in &wit {
        assert!(
            copy[name] == *bytes,
            "sdk/wit/{} differs from wit/{0}: copy it over",
            name.display()
        );
    }
    let lib = std::fs::read_to_string(root.join("sdk/src/lib.rs")).unwrap();
    assert!(
        lib.contains("path: \"wit/since_v0.2.0\""),
        "the SDK binds its own copy"
    );
}

/// A manifest that does not declare what the component imports is caught by `kapsel app
/// package`; an update says what it changes and what the tenant does not grant.
#[test]
fn mistakes_are_named_at_packaging_and_updates_at_install() {
    let env = Env::new();
    let dev = publisher(&env);
    let wasm = write(&env, "hello.wasm", &kapsel_tests::component("kapsel-hello"));
    let manifest = |version: &str, caps: &str| {
        write(
            &env,
            &format!("hello-{version}.toml"),
            format!("id = \"hello\"\nname = \"Hello\"\nversion = \"{version}\"\npublisher = \"Agency IT\"\napi = \"0.2\"\n[capabilities]\n{caps}\n").as_bytes(),
        )
    };
    let pack = |manifest: &str, component: &str, out: &str| {
        let out = env.tmp.path().join(out);
        let r = env.run(&[
            "app",
            "package",
            "--manifest",
            manifest,
            "--component",
            component,
            "--out",
            out.to_str().unwrap(),
            "--key",
            &dev.key,
        ]);
        (r, out.to_str().unwrap().to_string())
    };
    let (r, out) = pack(
        &manifest("0.0.1", "notify = true"),
        &wasm,
        "undeclared.kapp",
    );
    r.fails(
        2,
        "not packaged: the component of hello uses what its manifest does not allow",
    );
    assert!(
        r.stderr.contains("imports kapsel:app/storage@0.2.0 but the manifest does not declare storage (add `storage = { quota_bytes = 65536 }` under [capabilities]"),
        "{}",
        r.stderr
    );
    assert!(!std::path::Path::new(&out).exists(), "nothing written");
    let sockets = write(
        &env,
        "sockets.wasm",
        &kapsel_tests::component("hostile-sockets"),
    );
    let (r, _) = pack(&manifest("0.0.2", ""), &sockets, "sockets.kapp");
    r.fails(2, "wasi:sockets/");
    assert!(r.stderr.contains("Kapsel never links it"), "{}", r.stderr);

    env.enroll_text(&policy_with(
        &dev,
        1,
        "[apps.hello]\nstorage_quota_bytes = 100000\nnotify = true\nhttp_origins = [\"https://a.example\"]\n",
    ));
    env.unlock().ok();
    let (r, v1) = pack(
        &manifest("0.1.0", "storage = { quota_bytes = 65536 }"),
        &wasm,
        "hello-1.kapp",
    );
    r.ok();
    let first = env.run(&["app", "install", &v1]);
    assert!(
        first.ok().stdout.contains("Installed Hello (hello) 0.1.0")
            && !first.stdout.contains("Update"),
        "{}",
        first.stdout
    );
    let (r, v2) = pack(
        &manifest(
            "0.2.0",
            "storage = { quota_bytes = 65536 }\nnotify = true\nhttp = { origins = [\"https://a.example\", \"https://b.example\"] }",
        ),
        &wasm,
        "hello-2.kapp",
    );
    r.ok();
    let update = env.run(&["app", "install", &v2]);
    assert!(
        update.ok().stdout.contains(
            "Update 0.1.0 → 0.2.0: adds http; adds notify; adds origin https://a.example; adds origin https://b.example\n"
        ) && update.stdout.contains(
            "Declared but not granted by the tenant (those calls will be denied): origin https://b.example\n"
        ),
        "{}",
        update.stdout
    );
    let v = env.run(&["--json", "app", "install", &v2]).json();
    assert_eq!(v["update"]["from_version"], "0.2.0");
    assert_eq!(v["not_granted"]["origins"][0], "https://b.example");
    let same = env.run(&["app", "install", &v2]);
    assert!(
        same.ok()
            .stdout
            .contains("Update 0.2.0 → 0.2.0: the same capabilities and origins."),
        "{}",
        same.stdout
    );
}

/// The README's marked blocks, in order, as one shell script: `sh run` blocks as written (a
/// command ending in "# asks for the password" gets it on standard input), `file=PATH`
/// blocks written to PATH by a quoted here-document.
fn readme_script(readme: &str, password: &str) -> (String, usize) {
    const ASKS: &str = "# asks for the password";
    let mut script = String::from("set -euxo pipefail\n");
    let mut blocks = 0;
    let mut lines = readme.lines();
    while let Some(l) = lines.next() {
        let Some(info) = l.strip_prefix("```") else {
            continue;
        };
        let info = info.trim();
        let body: Vec<&str> = lines
            .by_ref()
            .take_while(|l| !l.starts_with("```"))
            .collect();
        if info == "sh run" {
            blocks += 1;
            for l in body {
                match l.strip_suffix(ASKS) {
                    Some(cmd) => script.push_str(&format!(
                        "{} --password-stdin <<<'{password}'\n",
                        cmd.trim_end()
                    )),
                    None => {
                        script.push_str(l);
                        script.push('\n');
                    }
                }
            }
        } else if let Some(path) = info
            .split_whitespace()
            .find_map(|w| w.strip_prefix("file="))
        {
            blocks += 1;
            script.push_str(&format!("cat > '{path}' <<'KAPSEL_README_EOF'\n"));
            for l in body {
                script.push_str(l);
                script.push('\n');
            }
            script.push_str("KAPSEL_README_EOF\n");
        }
    }
    (script, blocks)
}

/// sdk/README.md, followed literally: a new project, the canteen app from the README, a
/// tenant key and a complete signed policy with a private intranet origin and the agency's
/// CA, enrolment, install, open — with the real binary and cargo, on a fresh container,
/// against an HTTPS server whose certificate only that CA vouches for.
#[test]
fn the_sdk_readme_works_as_written() {
    use kapsel_tests::https::{self, Received, Reply, TestCa};
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let readme = std::fs::read_to_string(root.join("sdk/README.md")).unwrap();
    let (script, blocks) = readme_script(&readme, PASSWORD);
    assert!(
        blocks >= 8,
        "the README's marked blocks were not found:\n{script}"
    );
    for step in [
        "kapsel app new",
        "cargo build",
        "kapsel tenant sign",
        "kapsel enroll",
        "kapsel app install",
        "kapsel app open",
    ] {
        assert!(
            script.contains(step),
            "{step} is not in the README's marked blocks"
        );
    }
    // Build the guests first (the shared target folder then holds the SDK's dependencies).
    let _ = kapsel_tests::component("kapsel-hello");
    let ca = TestCa::new();
    fn menu(r: &Received) -> Reply {
        match r.path.as_str() {
            "/canteen/menu.json" => Reply::ok(
                r#"[{"name": "Linsensuppe", "price": "3,20 €"}, {"name": "Kaiserschmarrn", "price": "4,10 €"}]"#,
            ),
            _ => Reply::Full {
                status: 404,
                headers: vec![],
                body: vec![],
            },
        }
    }
    let server = https::serve(&ca, menu);
    let tmp = tempfile::Builder::new()
        .prefix("kr")
        .tempdir_in("/tmp")
        .unwrap();
    let ca_file = tmp.path().join("agency-ca.pem");
    std::fs::write(&ca_file, &ca.pem).unwrap();
    std::fs::write(tmp.path().join("readme.sh"), &script).unwrap();
    let bin = kapsel_tests::kapsel_bin();
    let path = format!(
        "{}:{}",
        bin.parent().unwrap().display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let mut cmd = if std::process::Command::new("flock")
        .arg("-V")
        .output()
        .is_ok()
    {
        // Guest builds share target/wasm with scripts/build-apps: one at a time.
        let mut c = std::process::Command::new("flock");
        c.args(["/tmp/kapsel-wasm.lock", "bash", "readme.sh"]);
        c
    } else {
        let mut c = std::process::Command::new("bash");
        c.arg("readme.sh");
        c
    };
    cmd.current_dir(tmp.path())
        .env("PATH", path)
        .env("CARGO_TARGET_DIR", root.join("target/wasm"))
        .env("MENU_ORIGIN", server.origin())
        .env("AGENCY_CA", &ca_file)
        .env("LANG", "en_GB.UTF-8")
        .env_remove("KAPSEL_CONTAINER")
        .env_remove("LD_PRELOAD")
        .env_remove("LC_ALL")
        .env_remove("LC_MESSAGES");
    // cargo test's variables for this crate must not reach the app's build.
    for (name, _) in std::env::vars_os() {
        let name = name.to_string_lossy().into_owned();
        if name.starts_with("CARGO_") && name != "CARGO_HOME" {
            cmd.env_remove(&name);
        }
    }
    cmd.env("CARGO_TARGET_DIR", root.join("target/wasm"));
    let started = std::time::Instant::now();
    let out = kapsel_tests::run_command(&mut cmd, None);
    let elapsed = started.elapsed();
    let _ = std::process::Command::new(&bin)
        .arg("--container")
        .arg(tmp.path().join("dev-container"))
        .arg("lock")
        .output();
    assert_eq!(
        out.code, 0,
        "the README failed:\n{}\n{}",
        out.stdout, out.stderr
    );
    eprintln!(
        "README from `kapsel app new` to an opened app: {:.1} s",
        elapsed.as_secs_f64()
    );
    for shown in [
        "Canteen",
        "Linsensuppe",
        "Kaiserschmarrn",
        "(notification) On the menu today: Linsensuppe",
        "Installed Canteen (canteen) 0.1.0",
    ] {
        assert!(
            out.stdout.contains(shown),
            "{shown:?} not shown:\n{}",
            out.stdout
        );
    }
}
