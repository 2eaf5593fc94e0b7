//! The directory module against the real slapd of tests/servers (AD attribute names, a size
//! limit of 1,000 like AD's MaxPageSize, thousands of generated people), through the binary:
//! paging returns every match, input cannot widen a filter, nothing of a result stays in the
//! container, a wrong password or an untrusted certificate say what is wrong, and `mail
//! compose --to NAME` finds the address there.

use std::time::Duration;

use kapsel_tests::Env;
use kapsel_tests::https::TestCa;
use kapsel_tests::mail::{mail_policy, sink_messages, unique, unlocked_env, wait_for};
use kapsel_tests::policy_text;
use kapsel_tests::servers::{TestServers, test_servers};

const USER: &str = "alice@corp.test";

/// A container for alice whose tenant names the test directory at `url`, trusting `ca`.
fn dir_env(url: &str, ca: &str, directory: &str) -> Env {
    let extra = format!(
        r#"[servers]
ldap = "{url}"
ldap_base_dn = "dc=corp,dc=test"

[tls]
trust_anchors = ['''{ca}''']
only_anchors = true

[directory]
{directory}
"#
    );
    unlocked_env(USER, &policy_text(1, &extra))
}

fn test_ca(s: &TestServers) -> String {
    std::fs::read_to_string(s.get("TEST_CA_FILE")).unwrap()
}

fn search(env: &Env, args: &[&str]) -> serde_json::Value {
    let r = env.run(&[&["--json", "dir", "search"], args].concat());
    r.ok();
    r.json()
}

fn names(found: &serde_json::Value) -> Vec<String> {
    found["people"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["dn"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn a_search_beyond_the_servers_size_limit_pages_and_returns_every_match() {
    let s = test_servers();
    let env = dir_env(&s.get("TEST_LDAPS_URL"), &test_ca(&s), "max_results = 5000");
    let generated = s.get("TEST_LDAP_USER_COUNT").parse::<usize>().unwrap() - 3;
    // "Vorname1…" is in the display name of every generated person whose number starts with
    // those digits: take the shortest prefix that matches more than the server's size limit
    // (1,000) and no more than the tenant's bound (5,000).
    let count = |digits: &str| {
        (0..generated)
            .filter(|i| i.to_string().starts_with(digits))
            .count()
    };
    let digits = ["1", "12", "123"]
        .into_iter()
        .find(|d| count(d) <= 5000)
        .unwrap();
    let expected = count(digits);
    assert!(
        expected > 1000,
        "the test needs more matches than the server's size limit"
    );
    let name = format!("Vorname{digits}");
    let found = search(&env, &["--field", "name", &name]);
    assert_eq!(found["truncated"], false);
    let mut dns = names(&found);
    assert_eq!(dns.len(), expected);
    dns.sort();
    dns.dedup();
    assert_eq!(dns.len(), expected, "no entry twice");

    // The tenant's bound: more matches are reported, not returned.
    let env = dir_env(&s.get("TEST_LDAPS_URL"), &test_ca(&s), "max_results = 25");
    let found = search(&env, &["--field", "name", &name]);
    assert_eq!(names(&found).len(), 25);
    assert_eq!(found["truncated"], true);
    let text = env.run(&["dir", "search", "--field", "name", &name]);
    text.ok();
    assert!(
        text.stdout.contains("25 shown; more match"),
        "{}",
        text.stdout
    );
}

#[test]
fn input_is_a_literal_text_and_never_widens_the_filter() {
    let s = test_servers();
    // ldap:// is upgraded with StartTLS (no plain text: the host is not in plaintext_hosts).
    let env = dir_env(&s.get("TEST_LDAP_URL"), &test_ca(&s), "");
    let bob = search(&env, &["Berger"]);
    assert_eq!(names(&bob), ["cn=Bob Berger,ou=Users,dc=corp,dc=test"]);
    assert_eq!(bob["people"][0]["phone"], "+49 30 1000001");
    assert_eq!(bob["people"][0]["department"], "Einkauf");
    assert_eq!(bob["people"][0]["login"], "bob");
    // No entry contains these texts literally, so a literal search finds no one: were the
    // input pasted into the filter, each would match every entry.
    for hostile in [
        "*",
        "*)(mail=*",
        "bob)(|(objectClass=*",
        "*)(|(cn=*))(cn=*",
        r"\2a",
    ] {
        for field in ["any", "mail", "login", "name"] {
            let found = search(&env, &["--field", field, hostile]);
            assert_eq!(names(&found), Vec::<String>::new(), "{field} {hostile:?}");
        }
    }
    // Bad input is refused with a reason.
    env.run(&["dir", "search", "  "]).fails(2, "type a name");
    env.run(&["dir", "search", "--field", "everything", "x"])
        .fails(2, "everything");
}

#[test]
fn nothing_of_a_result_stays_in_the_container() {
    let s = test_servers();
    let env = dir_env(&s.get("TEST_LDAPS_URL"), &test_ca(&s), "");
    let found = search(&env, &["--field", "login", "carol"]);
    assert_eq!(found["people"][0]["display_name"], "Conrad, Carol");
    // The audit log says a search ran, not what was looked for or found.
    let log = env.run(&["--json", "audit-log"]);
    log.ok();
    assert!(log.stdout.contains("directory-search"), "{}", log.stdout);
    assert!(!log.stdout.contains("carol") && !log.stdout.contains("Conrad"));
    env.run(&["lock"]).ok();
    let mut files = 0;
    for entry in walk(&env.root) {
        let bytes = std::fs::read(&entry).unwrap();
        files += 1;
        for needle in ["Conrad", "carol@corp.test", "+49 30 1000002"] {
            assert!(
                !bytes.windows(needle.len()).any(|w| w == needle.as_bytes()),
                "{needle} in {}",
                entry.display()
            );
        }
    }
    assert!(files > 0);
}

fn walk(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap().flatten() {
        let p = e.path();
        if p.is_dir() {
            out.extend(walk(&p));
        } else {
            out.push(p);
        }
    }
    out
}

#[test]
fn a_wrong_password_and_an_untrusted_certificate_say_what_is_wrong() {
    let s = test_servers();
    let ldaps = s.get("TEST_LDAPS_URL");
    let service = format!(
        "bind = \"service\"\nservice_dn = \"{}\"",
        s.get("TEST_LDAP_BIND_DN")
    );
    let env = dir_env(&ldaps, &test_ca(&s), &service);
    env.run(&["dir", "search", "Berger"])
        .fails(2, "kapsel dir service-password");
    env.run_stdin(&["dir", "service-password", "--password-stdin"], "wrong\n")
        .ok();
    env.run(&["dir", "search", "Berger"])
        .fails(10, "refused the login: invalid credentials");
    env.run_stdin(
        &["dir", "service-password", "--password-stdin"],
        &format!("{}\n", s.get("TEST_LDAP_BIND_PASSWORD")),
    )
    .ok();
    assert_eq!(names(&search(&env, &["Berger"])).len(), 1);

    // A tenant that trusts another CA: the test server's certificate is refused.
    let other = TestCa::new();
    let env = dir_env(&ldaps, &other.pem, "");
    env.run(&["dir", "search", "Berger"])
        .fails(10, "certificate");
    // StartTLS gets the same check.
    let env = dir_env(&s.get("TEST_LDAP_URL"), &other.pem, "");
    env.run(&["dir", "search", "Berger"])
        .fails(10, "certificate");
}

#[test]
fn mail_compose_resolves_names_through_the_directory() {
    let s = test_servers();
    let ldap = format!(
        "[servers]\nldap = \"{}\"\nldap_base_dn = \"dc=corp,dc=test\"\n",
        s.get("TEST_LDAPS_URL")
    );
    let text = policy_text(1, &mail_policy(&s, "").replacen("[servers]\n", &ldap, 1));
    let env = unlocked_env(USER, &text);
    let subject = unique("dir-compose");
    let r = env.run(&[
        "mail",
        "compose",
        "--to",
        "Berger",
        "--subject",
        &subject,
        "--body",
        "Hallo Bob",
    ]);
    r.ok();
    assert!(
        r.stderr.contains("Berger → Berger, Bob <bob@corp.test>"),
        "{}",
        r.stderr
    );
    let got = wait_for(Duration::from_secs(15), || {
        let m = sink_messages(&subject);
        (!m.is_empty()).then_some(m)
    })
    .expect("the message reaches the sink");
    assert!(got[0].contains("bob@corp.test"), "{}", got[0]);

    // Several match: a script gets the candidates and nothing is sent.
    let ambiguous = unique("dir-ambiguous");
    env.run(&[
        "mail",
        "compose",
        "--to",
        "Nachname1",
        "--subject",
        &ambiguous,
        "--body",
        "x",
    ])
    .fails(2, "people match");
    // No one matches: said so, nothing sent.
    env.run(&[
        "mail",
        "compose",
        "--to",
        "Niemand Unbekannt",
        "--subject",
        &ambiguous,
        "--body",
        "x",
    ])
    .fails(2, "no one called");
    std::thread::sleep(Duration::from_secs(1));
    assert!(sink_messages(&ambiguous).is_empty());
}
