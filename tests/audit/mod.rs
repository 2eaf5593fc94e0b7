//! The reviewer's report through the real binary (part of the `apps` test binary): honest
//! trust (no policy, an unsigned draft, a signed policy altered afterwards), the effective
//! rights under a policy, the JSON against `docs/audit.schema.json`, an update review with
//! `--diff`, and the German report.

use kapsel_tests::Env;
use kapsel_tests::apps::{Dev, manifest_text, package_manifest, policy_with, publisher, write};
use serde_json::Value;

/// `kapsel app package` of `crate_name` as app `id` at `version`, into `file`.
fn package_version(
    env: &Env,
    dev: &Dev,
    (id, version, file): (&str, &str, &str),
    caps: &str,
    crate_name: &str,
) -> String {
    let manifest = manifest_text(id, "Canteen", version, caps);
    package_manifest(env, dev, file, &manifest, crate_name)
}

fn codes(findings: &Value) -> Vec<String> {
    findings
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["code"].as_str().unwrap().to_string())
        .collect()
}

fn schema() -> jsonschema::Validator {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../docs/audit.schema.json");
    let schema: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    jsonschema::validator_for(&schema).unwrap()
}

fn assert_valid(validator: &jsonschema::Validator, v: &Value, what: &str) {
    let errors: Vec<String> = validator
        .iter_errors(v)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "{what}: {errors:#?}\n{v:#}");
}

const HELLO_GRANT: &str = "[apps.hello]\nstorage_quota_bytes = 100000\n";

#[test]
fn trust_comes_only_from_a_signed_policy() {
    let env = Env::new();
    let dev = publisher(&env);
    let hello = kapsel_tests::apps::package(
        &env,
        &dev,
        "hello",
        "storage = { quota_bytes = 65536 }",
        "kapsel-hello",
    );
    let text = policy_with(&dev, 1, HELLO_GRANT);

    // An unsigned draft that lists the publisher: no trust, no grant, REVIEW with the reason.
    let draft = write(&env, "draft.toml", text.as_bytes());
    let r = env.run(&["--json", "audit", &hello, "--policy", &draft]);
    assert_eq!(r.code, 12, "{}", r.stderr);
    assert!(
        r.stderr.contains("REVIEW — the policy given is not signed"),
        "{}",
        r.stderr
    );
    let v = r.json();
    assert_eq!(v["policy"]["state"], "unsigned");
    assert_eq!(v["signature"]["trusted"], Value::Null);
    assert_eq!(v["signature"]["publisher_name"], Value::Null);
    assert_eq!(v["signature"]["listed_as"], "Agency IT");
    assert!(codes(&v["findings"]).contains(&"policy-unsigned".to_string()));
    assert!(!v["imports"].to_string().contains("declared and granted"));
    assert_eq!(v["effective"]["storage"]["quota_bytes"], 65536);
    let t = env.run(&["audit", &hello, "--policy", &draft]);
    assert!(
        !t.stdout.contains("trusted by the tenant")
            && t.stdout
                .contains("listed as \"Agency IT\" by a policy nobody vouches for: NOT trusted")
            && t.stdout.contains("NOT SIGNED (a draft")
            && !t.stdout.contains("APPROVE"),
        "{}",
        t.stdout
    );

    // Signed: trusted, by the key that signed it (the reviewer compares it with the tenant's).
    let signed = env.tenant.policy_file("signed.toml", &text);
    let r = env.run(&[
        "--json",
        "audit",
        &hello,
        "--policy",
        signed.to_str().unwrap(),
    ]);
    r.ok();
    let v = r.json();
    assert_eq!(v["verdict"], "approve");
    assert_eq!(v["signature"]["trusted"], true);
    assert_eq!(v["policy"]["state"], "signed");
    assert_eq!(v["policy"]["signed_by"], env.tenant.public_key().as_str());
    let t = env.run(&["audit", &hello, "--policy", signed.to_str().unwrap()]);
    assert!(
        t.stdout.contains(&format!(
            "trusted as \"Agency IT\" by the policy signed by {}",
            env.tenant.public_key()
        )),
        "{}",
        t.stdout
    );

    // The signed policy altered afterwards: reported as altered, in `tenant verify`'s words.
    let altered_text = std::fs::read_to_string(&signed).unwrap().replace(
        "storage_quota_bytes = 100000",
        "storage_quota_bytes = 900000",
    );
    let altered = write(&env, "altered.toml", altered_text.as_bytes());
    let verify = env.run(&[
        "tenant",
        "verify",
        &altered,
        "--key",
        &env.tenant.public_key(),
    ]);
    verify.fails(6, "altered after signing");
    let r = env.run(&["--json", "audit", &hello, "--policy", &altered]);
    assert_eq!(r.code, 11, "{}", r.stderr);
    let v = r.json();
    assert_eq!(v["policy"]["state"], "altered");
    assert!(
        verify
            .stderr
            .contains(v["policy"]["problem"].as_str().unwrap()),
        "{}",
        verify.stderr
    );
    assert_eq!(v["signature"]["trusted"], Value::Null);
    assert!(codes(&v["findings"]).contains(&"policy-altered".to_string()));
    let r = env.run(&["--json", "audit", "--policy", &altered]);
    assert_eq!(r.code, 11);
    assert_eq!(r.json()["state"], "altered");
    let t = env.run(&["audit", "--policy", &altered]);
    assert!(
        t.stdout.contains("Signed by    ALTERED after signing") && t.stderr.contains("REJECT"),
        "{}{}",
        t.stdout,
        t.stderr
    );
    // The same draft as a policy report: REJECT (a container refuses it), not "unsigned and
    // fine".
    let r = env.run(&["audit", "--policy", &draft]);
    r.fails(11, "REJECT");
    assert!(r.stdout.contains("Signed by    NOT SIGNED"), "{}", r.stdout);

    // Where a container is enrolled, a policy signed by any other key is not the tenant's.
    env.enroll_text(&text);
    let other = kapsel_tests::Tenant::new(env.tmp.path());
    let foreign = env.tmp.path().join("foreign.toml");
    std::fs::write(&foreign, other.sign(&text)).unwrap();
    let foreign = foreign.to_str().unwrap();
    let r = env.run(&["--json", "audit", &hello, "--policy", foreign]);
    assert_eq!(r.code, 12, "{}", r.stderr);
    let v = r.json();
    assert_eq!(v["policy"]["state"], "foreign");
    assert_eq!(v["signature"]["trusted"], Value::Null);
    assert_eq!(v["signature"]["listed_as"], "Agency IT");
    assert!(codes(&v["findings"]).contains(&"policy-foreign-key".to_string()));
    let r = env.run(&["audit", "--policy", foreign]);
    r.fails(11, "this container's tenant key is");
    let v = env
        .run(&[
            "--json",
            "audit",
            &hello,
            "--policy",
            signed.to_str().unwrap(),
        ])
        .json();
    assert_eq!(v["policy"]["state"], "signed");
    assert_eq!(v["signature"]["trusted"], true);
}

#[test]
fn effective_rights_under_a_policy_and_the_json_schema() {
    let env = Env::new();
    let dev = publisher(&env);
    let validator = schema();
    let canteen = package_version(
        &env,
        &dev,
        ("canteen", "1.0.0", "canteen-1"),
        "storage = { quota_bytes = 65536 }\nnotify = true\nhttp = { origins = [\"https://menu.example\", \"https://intra.example\"] }",
        "hostile-fetcher",
    );
    let ca = rcgen::generate_simple_self_signed(vec!["ca.agency.example".to_string()]).unwrap();
    let grant = format!(
        "[apps.canteen]\nstorage_quota_bytes = 100000\nnotify = true\n\
         http_origins = [\"https://menu.example\", \"https://intra.example\"]\n\
         http_private_origins = [\"https://intra.example\"]\n\
         http_credentials = {{ \"https://intra.example\" = {{ kind = \"basic\", paths = [\"/dav/\"] }} }}\n\
         [apps.canteen.settings]\nmenu = \"https://menu.example/today.json\"\n\n\
         [tls]\ntrust_anchors = [\"\"\"\n{}\"\"\"]\n",
        ca.cert.pem()
    );
    let signed = env
        .tenant
        .policy_file("canteen.toml", &policy_with(&dev, 1, &grant));
    let signed = signed.to_str().unwrap();
    let r = env.run(&["--json", "audit", &canteen, "--policy", signed]);
    let v = r.json();
    assert_valid(&validator, &v, "package report under a policy");
    let e = &v["effective"];
    assert_eq!(e["storage"]["quota_bytes"], 65536);
    assert_eq!(e["storage"]["policy_bytes"], 100000);
    let origins = e["origins"].as_array().unwrap();
    let intra = origins
        .iter()
        .find(|o| o["origin"] == "https://intra.example")
        .unwrap();
    assert_eq!(intra["private_addresses"], true);
    assert_eq!(intra["credentials"], "basic");
    assert_eq!(intra["credential_paths"][0], "/dav/");
    let menu = origins
        .iter()
        .find(|o| o["origin"] == "https://menu.example")
        .unwrap();
    assert_eq!(menu["private_addresses"], false);
    assert_eq!(menu["credentials"], Value::Null);
    assert_eq!(e["limits"]["call_time_ms"], 5000);
    assert_eq!(e["limits"]["memory_bytes"], 64 * 1024 * 1024);
    assert_eq!(e["limits"]["http_timeout_ms"], 15000);
    assert_eq!(e["limits"]["http_response_bytes"], 8 * 1024 * 1024);
    assert_eq!(e["limits"]["notifications_per_call"], 20);
    assert_eq!(e["limits"]["notifications_while_locked"], "count");
    assert_eq!(e["settings"][0]["value"], "https://menu.example/today.json");
    assert_eq!(
        e["trust_anchors"][0]["sha256"],
        kapsel_host::sha256_hex(ca.cert.der())
    );
    let cannot = codes(&e["cannot"]);
    for code in [
        "no-clipboard",
        "no-device-files",
        "no-other-apps-data",
        "no-sockets",
    ] {
        assert!(cannot.contains(&code.to_string()), "{code}: {cannot:?}");
    }
    let flows = codes(&e["can_with_data"]);
    for code in [
        "send-stored-data",
        "carry-credentialed-data",
        "show-in-notifications",
    ] {
        assert!(flows.contains(&code.to_string()), "{code}: {flows:?}");
    }
    let t = env.run(&["audit", &canteen, "--policy", signed]);
    for part in [
        "https://intra.example — private addresses allowed; the user's credentials: Basic (the directory password) below /dav/",
        "https://menu.example — public addresses only; no user credentials",
        "  config     menu = https://menu.example/today.json\n",
        "  limits     call 5000 ms, memory 67108864 bytes, HTTP response 8388608 bytes, HTTP timeout 15000 ms\n",
        "  notify     at most 20 per call; while locked: a count only\n",
        "use the clipboard",
        "send its stored data to https://menu.example, https://intra.example",
    ] {
        assert!(t.stdout.contains(part), "{part:?} not in\n{}", t.stdout);
    }

    // Every other report validates too, and the schema is strict enough to fail.
    let none = env.run(&["--json", "audit", &canteen]).json();
    assert_valid(&validator, &none, "package report without a policy");
    let policy = env.run(&["--json", "audit", "--policy", signed]).json();
    assert_valid(&validator, &policy, "policy report");
    assert_eq!(policy["apps"][0]["origins"][1]["credentials"], "basic");
    let draft = write(&env, "draft.toml", policy_with(&dev, 1, &grant).as_bytes());
    let draft_report = env.run(&["--json", "audit", "--policy", &draft]).json();
    assert_valid(&validator, &draft_report, "unsigned policy report");
    let diff = env
        .run(&[
            "--json", "audit", "--diff", &canteen, &canteen, "--policy", signed,
        ])
        .json();
    assert_valid(&validator, &diff, "diff report");
    let mut old_style = v.clone();
    old_style["effective"]["limits"]["call_time_ms"] = serde_json::json!({"secs": 5, "nanos": 0});
    assert!(!validator.is_valid(&old_style), "durations must be numbers");
    let mut no_code = v.clone();
    no_code["findings"][0]
        .as_object_mut()
        .unwrap()
        .remove("code");
    assert!(!validator.is_valid(&no_code), "findings carry codes");
}

#[test]
fn an_update_review_is_a_diff() {
    let env = Env::new();
    let dev = publisher(&env);
    let old = package_version(
        &env,
        &dev,
        ("canteen", "0.1.0", "canteen-0.1"),
        "storage = { quota_bytes = 65536 }",
        "kapsel-hello",
    );
    let new = package_version(
        &env,
        &dev,
        ("canteen", "0.2.0", "canteen-0.2"),
        "http = { origins = [\"https://menu.example\"] }",
        "hostile-fetcher",
    );
    let r = env.run(&["--json", "audit", "--diff", &old, &new]);
    assert_eq!(r.code, 12, "{}", r.stderr);
    let v = r.json();
    assert_eq!(v["capabilities"]["added"], serde_json::json!(["http"]));
    assert_eq!(v["capabilities"]["removed"], serde_json::json!(["storage"]));
    assert_eq!(
        v["origins"]["added"],
        serde_json::json!(["https://menu.example"])
    );
    assert_eq!(
        v["imports"]["added"],
        serde_json::json!(["kapsel:app/http@0.2.0"])
    );
    assert_eq!(
        v["imports"]["removed"],
        serde_json::json!(["kapsel:app/storage@0.2.0"])
    );
    assert!(codes(&v["findings"]).contains(&"asks-for-more".to_string()));
    assert_eq!(v["effective_origins"], Value::Null);
    let t = env.run(&["audit", "--diff", &old, &new]);
    for part in [
        "Update       canteen 0.1.0 → 0.2.0\n",
        "Capabilities + http, - storage\n",
        "Origins      + https://menu.example\n",
        "Imports      + kapsel:app/http@0.2.0, - kapsel:app/storage@0.2.0\n",
        "Effective    unknown without a tenant policy\n",
        "Verdict      REVIEW\n",
    ] {
        assert!(t.stdout.contains(part), "{part:?} not in\n{}", t.stdout);
    }
    // Under a policy that grants only storage, the update gains nothing it may use.
    let signed = env.tenant.policy_file(
        "p.toml",
        &policy_with(&dev, 1, "[apps.canteen]\nstorage_quota_bytes = 100000\n"),
    );
    let v = env
        .run(&[
            "--json",
            "audit",
            "--diff",
            &old,
            &new,
            "--policy",
            signed.to_str().unwrap(),
        ])
        .json();
    assert_eq!(
        v["effective_capabilities"]["removed"],
        serde_json::json!(["storage"])
    );
    assert_eq!(v["effective_origins"]["added"], serde_json::json!([]));
    // The reverse diff is a removal.
    let back = env.run(&["--json", "audit", "--diff", &new, &old]).json();
    assert_eq!(back["capabilities"]["removed"], serde_json::json!(["http"]));
    env.run(&["audit", "--diff", &old]).fails(2, "OLD");
}

#[test]
fn the_reports_speak_german() {
    let env = Env::new();
    let dev = publisher(&env);
    let hello = kapsel_tests::apps::package(
        &env,
        &dev,
        "hello",
        "storage = { quota_bytes = 65536 }",
        "kapsel-hello",
    );
    let signed = env
        .tenant
        .policy_file("p.toml", &policy_with(&dev, 1, HELLO_GRANT));
    let german = |args: &[&str]| {
        let mut cmd = env.command(&env.bin, args);
        cmd.env("LANG", "de_DE.UTF-8");
        kapsel_tests::run_command(&mut cmd, None)
    };
    let r = german(&["audit", &hello, "--policy", signed.to_str().unwrap()]);
    r.ok();
    for part in [
        "\nRichtlinie   Datei: Test Agency (test-agency), Seriennummer 1, signiert von ",
        "\nTatsächliche Rechte unter dieser Richtlinie\n",
        "  storage    65536 Byte gelten (das Manifest verlangt 65536, die Richtlinie erlaubt 100000: der kleinere Wert gilt)\n",
        "\nDie App kann nicht\n",
        "  - die Zwischenablage benutzen",
        "\nMit dem, was sie liest, kann die App\n",
        "\nErgebnis     FREIGEBEN\n",
    ] {
        assert!(r.stdout.contains(part), "{part:?} not in\n{}", r.stdout);
    }
    let r = german(&["audit", &hello]);
    assert_eq!(r.code, 12);
    assert!(
        r.stderr
            .contains("Ergebnis für hello: PRÜFEN — keine Richtlinie des Mandanten angegeben"),
        "{}",
        r.stderr
    );
    let r = german(&["audit", "--policy", signed.to_str().unwrap()]);
    assert_eq!(r.code, 12);
    assert!(
        r.stdout
            .starts_with("Mandant      Test Agency (test-agency), Seriennummer 1\n")
            && r.stdout
                .contains("die Integritätsprüfung superuser ist ausgeschaltet"),
        "{}",
        r.stdout
    );
}
