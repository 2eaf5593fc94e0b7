//! Micro-apps through the real `kapsel` binary: the developer's path (keygen, package, sign),
//! the reviewer's (`kapsel audit`), and the employee's (install, open, act, remove), with the
//! session agent in between; documents and notifications under the tenant's DLP rules.

use kapsel_tests::apps::{package, policy_with, publisher, write};
use kapsel_tests::{Env, PASSWORD, policy_text};

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
    // The reviewer, before any container exists: valid signature, trust unknown.
    let r = env.run(&["--json", "audit", &hello]);
    r.ok();
    let v = r.json();
    assert_eq!(v["signature"]["valid"], true);
    assert_eq!(v["verdict"], "approve");
    assert!(
        v["imports"]
            .as_array()
            .unwrap()
            .iter()
            .any(|i| i["import"]["name"] == "kapsel:app/storage@0.1.0")
    );
    assert_eq!(v["wasi_sealed"], true);

    env.enroll_text(&policy_with(
        &dev,
        1,
        "[apps.hello]\nstorage_quota_bytes = 100000\n",
    ));
    // Against the container's policy the publisher is trusted.
    let t = env.run(&["audit", &hello]);
    t.ok();
    assert!(
        t.stdout.contains("trusted by the tenant as \"Agency IT\"") && t.stdout.contains("APPROVE"),
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
    let liar = package(
        &env,
        &dev,
        "liar",
        "storage = { quota_bytes = 100 }",
        "hostile-manifest-liar",
    );
    let r = env.run(&["--json", "audit", &liar]);
    assert_eq!(r.code, 6, "{}", r.stdout);
    let v = r.json();
    assert_eq!(v["verdict"], "reject");
    assert!(v["mismatches"].as_array().unwrap().iter().any(|m| {
        m.as_str()
            .unwrap()
            .contains("imports http without declaring it")
    }));
    let sockets = package(&env, &dev, "sockets", "", "hostile-sockets");
    let r = env.run(&["audit", &sockets]);
    r.fails(6, "reject");
    assert!(r.stdout.contains("NO  wasi:sockets/"), "{}", r.stdout);
    // Over-asking is worth a look, not a refusal.
    let greedy = package(
        &env,
        &dev,
        "greedy",
        "storage = { quota_bytes = 100 }\nnotify = true",
        "kapsel-hello",
    );
    let v = env.run(&["--json", "audit", &greedy]).json();
    assert_eq!(v["verdict"], "review");
    // Tampered and unsigned packages.
    let mut bytes = std::fs::read(&greedy).unwrap();
    let at = bytes.len() - 200;
    bytes[at] ^= 0xff;
    let tampered = write(&env, "tampered.kapp", &bytes);
    env.run(&["audit", &tampered])
        .fails(6, "altered after signing");
    // A tenant policy reviewed on its own.
    let policy = write(
        &env,
        "tenant.toml",
        policy_with(&dev, 1, "[apps.news]\nhttp_origins = [\"https://*.intranet.example\"]\nhttp_private_origins = [\"https://*.intranet.example\"]\nhttp_credentials = { \"https://*.intranet.example\" = \"basic\" }\n")
            .replace("superuser = \"off\"", "superuser = \"off\"\ntracer = \"off\"")
            .as_bytes(),
    );
    let r = env.run(&["--json", "audit", "--policy", &policy]);
    r.ok();
    let v = r.json();
    assert_eq!(v["verdict"], "reject", "an unsigned policy: {v}");
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
    let v = env
        .run(&["--json", "audit", "--policy", signed.to_str().unwrap()])
        .json();
    assert_eq!(v["verdict"], "review");
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
    let file = write(
        &env,
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
    let (dir, key) = kapsel_tests::builtin_apps();
    let em = kapsel_tests::servers::emulator("tok-cli");
    let origin = format!("https://localhost:{}", em.port);
    let ca =
        std::fs::read_to_string(kapsel_tests::servers::test_servers().get("TEST_CA_FILE")).unwrap();
    let grants = format!(
        "[[publishers]]\nname = \"Kapsel\"\nkey = \"{key}\"\nbuiltin = true\n\n[apps.viewer]\npreinstall = true\ndocuments = true\nlog = true\n\n\
         [apps.documents]\npreinstall = true\ndocuments = true\nlog = true\nhttp_origins = [\"{origin}\"]\n\
         http_private_origins = [\"{origin}\"]\nhttp_credentials = {{ \"{origin}\" = \"bearer\" }}\n\n\
         [apps.documents.settings]\n\"library:Intranet\" = \"sharepoint:{origin}/sites/team\"\n\n\
         [tls]\ntrust_anchors = [\"\"\"\n{ca}\"\"\"]\n\n[integrity]"
    );
    let p = env.tenant.policy_file(
        "open.toml",
        &policy_text(1, "").replace("[integrity]", &grants),
    );
    env.try_enroll(
        p.to_str().unwrap(),
        &env.tenant.public_key(),
        &["--apps", dir.to_str().unwrap()],
        &format!("{PASSWORD}\n"),
    )
    .ok();
    env.unlock().ok();
    env.run_stdin(&["credential", "set", &origin], "tok-cli\n")
        .ok();
    assert!(
        env.run(&["credential", "list"])
            .ok()
            .stdout
            .contains(&origin)
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
    let _ = &em.root;
}
