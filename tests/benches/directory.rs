//! Directory benchmark against the local slapd (start it with `LDAP_USERS=50000
//! tests/servers/servers.sh start` for the 50,000 entries): the latency of
//! `kapsel dir search` end to end (process start, session agent, LDAPS, look-up of the
//! user's DN, bind, paged search) beside `ldapsearch` with the same filter, bind and paging
//! in the same run. Goal: p95 < 50 ms.

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use kapsel_core::policy::DirectoryAttributes;
use kapsel_directory::{Field, Query, filter_for};
use kapsel_tests::mail::{MAIL_PASSWORD, unlocked_env};
use kapsel_tests::policy_text;
use kapsel_tests::servers::test_servers;

const USER: &str = "alice@corp.test";
const USER_DN: &str = "cn=Alice Anders,ou=Users,dc=corp,dc=test";

fn percentile(xs: &mut [Duration], p: f64) -> Duration {
    xs.sort();
    let i = ((xs.len() as f64 - 1.0) * p).round() as usize;
    xs[i]
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn main() {
    let s = test_servers();
    let users: usize = s.get("TEST_LDAP_USER_COUNT").parse().unwrap_or(0);
    let ca = std::fs::read_to_string(s.get("TEST_CA_FILE")).unwrap();
    let url = s.get("TEST_LDAPS_URL");
    let extra = format!(
        "[servers]\nldap = \"{url}\"\nldap_base_dn = \"dc=corp,dc=test\"\n\n[tls]\ntrust_anchors = ['''{ca}''']\nonly_anchors = true\n"
    );
    let env = unlocked_env(USER, &policy_text(1, &extra));

    let generated = users.saturating_sub(3).max(1);
    let mut queries = Vec::new();
    for k in 0..40usize {
        let n = (k * 7919 + 13) % generated;
        queries.push(match k % 4 {
            0 => (Field::Login, format!("user{n:05}")),
            1 => (Field::Name, format!("Nachname{n}")),
            2 => (Field::Any, format!("Vorname{}", n % 1000)),
            _ => (Field::Mail, format!("user{:04}", n / 10)),
        });
    }
    let attrs = DirectoryAttributes::default();
    let attr_names: Vec<String> = attrs.fields().iter().map(|(_, a)| a.to_string()).collect();
    // Warm both paths once (agent start, slapd caches).
    let mut kapsel = Vec::new();
    let mut ldapsearch = Vec::new();
    let mut results = 0usize;
    for (round, (field, text)) in queries.iter().enumerate() {
        let field_name = format!("{field:?}").to_lowercase();
        let t = Instant::now();
        let r = env.run(&["--json", "dir", "search", "--field", &field_name, text]);
        let took = t.elapsed();
        r.ok();
        results += r.json()["people"].as_array().map_or(0, |a| a.len());

        let filter = filter_for(
            &Query {
                text: text.clone(),
                field: *field,
            },
            &attrs,
        )
        .unwrap();
        let t = Instant::now();
        let status = Command::new("ldapsearch")
            .args(["-x", "-H", &url, "-D", USER_DN, "-w", MAIL_PASSWORD])
            .args([
                "-b",
                "dc=corp,dc=test",
                "-E",
                "pr=500/noprompt",
                "-z",
                "201",
            ])
            .arg(&filter)
            .args(&attr_names)
            .env("LDAPTLS_CACERT", s.get("TEST_CA_FILE"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .expect("ldapsearch");
        let took_ldapsearch = t.elapsed();
        // rc 4: the -z bound was reached, as Kapsel's max_results is.
        assert!(
            matches!(status.code(), Some(0) | Some(4)),
            "ldapsearch {filter}: {status}"
        );
        if round > 0 {
            kapsel.push(took);
            ldapsearch.push(took_ldapsearch);
        }
    }
    // The floor of any command: process start, container checks, one agent round trip.
    let mut floor = Vec::new();
    for _ in 0..20 {
        let t = Instant::now();
        env.run(&["--json", "status"]).ok();
        floor.push(t.elapsed());
    }
    let (f50, f95) = (percentile(&mut floor, 0.5), percentile(&mut floor, 0.95));
    let (k50, k95) = (percentile(&mut kapsel, 0.5), percentile(&mut kapsel, 0.95));
    let (l50, l95) = (
        percentile(&mut ldapsearch, 0.5),
        percentile(&mut ldapsearch, 0.95),
    );
    println!(
        "directory search, {users} entries in slapd, {} searches ({results} people returned), LDAPS:",
        kapsel.len() + 1
    );
    println!(
        "  kapsel dir search (process + agent + look-up + bind + paged search)  median {:6.1} ms  p95 {:6.1} ms (goal p95 < 50 ms)",
        ms(k50),
        ms(k95)
    );
    println!(
        "  ldapsearch (process + bind + paged search, same filter)             median {:6.1} ms  p95 {:6.1} ms",
        ms(l50),
        ms(l95)
    );
    println!(
        "  kapsel status (process + checks + agent round trip, no LDAP)        median {:6.1} ms  p95 {:6.1} ms",
        ms(f50),
        ms(f95)
    );
    println!(
        "  ratio ldapsearch/kapsel: median {:.2}, p95 {:.2}",
        ms(l50) / ms(k50),
        ms(l95) / ms(k95)
    );
    if users < 50_000 {
        println!(
            "  note: only {users} entries; start the servers with LDAP_USERS=50000 for the issue's numbers"
        );
    }
}
