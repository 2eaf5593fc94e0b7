//! Out-of-office replies against the real Dovecot/Pigeonhole of tests/servers: the vacation
//! script goes in over ManageSieve (STARTTLS, test CA), mail comes in over LMTP, and the
//! replies Pigeonhole sends land in the SMTP sink's Maildir. Covers the date window, internal
//! versus external text, get/clear, keeping the user's own active script, and the refusals
//! (wrong password, untrusted certificate, no STARTTLS, not a ManageSieve server).
//!
//! Uses bob@corp.test with a fresh sender address per message: Pigeonhole answers each sender
//! once per `:days`, so a reused address would get no reply.

use std::io::{Read, Write};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use kapsel_core::Error;
use kapsel_core::net::stream::{Endpoint, Security};
use kapsel_mail::autoreply::{AutoReply, OutOfOffice, SCRIPT_NAME, SieveAutoReply};
use kapsel_mail::managesieve::SieveClient;
use kapsel_tests::mail::{day, lmtp_deliver, tls_config};
use kapsel_tests::servers::{TestServers, test_servers};

const USER: &str = "bob@corp.test";
/// A user script the test owns; removed at the end (and at the start, after a crashed run).
const USER_SCRIPT: &str = "kapsel-test-user-rules";
const TIMEOUT: Duration = Duration::from_secs(10);
/// How long a reply may take to reach the sink (LMTP → Sieve → submission → sink).
const REPLY_WAIT: Duration = Duration::from_secs(15);
/// How long to wait to be sure no reply comes.
const SILENCE: Duration = Duration::from_secs(3);

fn provider() -> Arc<rustls::crypto::CryptoProvider> {
    Arc::new(rustls::crypto::ring::default_provider())
}

fn endpoint(host: &str, port: &str) -> Endpoint {
    Endpoint::parse(
        &format!("sieve://{host}:{port}"),
        &[("sieve", 4190, Security::StartTls)],
    )
    .unwrap()
}

fn connect(servers: &TestServers, host: &str, password: &str) -> Result<SieveClient, Error> {
    SieveClient::connect(
        &endpoint(host, &servers.get("TEST_SIEVE_PORT")),
        &tls_config(servers),
        USER,
        password,
        TIMEOUT,
    )
}

fn session(servers: &TestServers) -> SieveClient {
    connect(
        servers,
        &servers.get("TEST_HOST"),
        &servers.get("TEST_PASSWORD"),
    )
    .unwrap_or_else(|e| panic!("ManageSieve login as {USER}: {e}"))
}

/// Unique per run and per process, so parallel or repeated runs never share a sender.
fn token() -> String {
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_nanos();
    format!(
        "{:x}{:06x}",
        nanos % 0xffff_ffff_ffff,
        rand::random::<u32>() & 0xff_ffff
    )
}

/// Deliver one message to USER through Dovecot's LMTP (which runs Sieve).
fn deliver(from: &str, subject: &str) {
    let id = token();
    let message = format!(
        "From: Sender <{from}>\r\nTo: Bob Berger <{USER}>\r\nSubject: {subject}\r\n\
         Message-ID: <{id}@kapsel.test>\r\nDate: Fri, 27 Nov 2026 10:00:00 +0000\r\n\r\n\
         Hello Bob,\r\nplease call me back.\r\n"
    );
    lmtp_deliver(from, USER, message.as_bytes());
}

/// A message in the sink: its header block and body, line ends as LF.
struct SinkMessage {
    headers: String,
    body: String,
}

impl SinkMessage {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers.lines().find_map(|l| {
            let (k, v) = l.split_once(':')?;
            k.eq_ignore_ascii_case(name).then(|| v.trim())
        })
    }
}

/// Messages in the sink whose envelope recipient (X-RcptTo) is `rcpt`.
fn sink_messages(servers: &TestServers, rcpt: &str) -> Vec<SinkMessage> {
    let maildir = PathBuf::from(servers.get("TEST_SMTP_SINK_MAILDIR"));
    let mut found = Vec::new();
    for sub in ["new", "cur"] {
        let Ok(entries) = std::fs::read_dir(maildir.join(sub)) else {
            continue;
        };
        for entry in entries.flatten() {
            let mut raw = Vec::new();
            if std::fs::File::open(entry.path())
                .and_then(|mut f| f.read_to_end(&mut raw))
                .is_err()
            {
                continue;
            }
            let text = String::from_utf8_lossy(&raw).replace("\r\n", "\n");
            let (headers, body) = text.split_once("\n\n").unwrap_or((&text, ""));
            let message = SinkMessage {
                headers: headers.to_string(),
                body: body.to_string(),
            };
            if message
                .header("X-RcptTo")
                .is_some_and(|r| r.eq_ignore_ascii_case(rcpt))
            {
                found.push(message);
            }
        }
    }
    found
}

/// Wait for a message to `rcpt`; returns it and how long it took.
fn wait_for(servers: &TestServers, rcpt: &str) -> (SinkMessage, Duration) {
    let start = Instant::now();
    loop {
        if let Some(m) = sink_messages(servers, rcpt).pop() {
            return (m, start.elapsed());
        }
        assert!(
            start.elapsed() < REPLY_WAIT,
            "no message to {rcpt} reached the SMTP sink within {REPLY_WAIT:?}"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

fn assert_silence(servers: &TestServers, rcpt: &str) {
    let start = Instant::now();
    while start.elapsed() < SILENCE {
        let got = sink_messages(servers, rcpt);
        assert!(
            got.is_empty(),
            "unexpected message to {rcpt}: {}",
            got[0].headers
        );
        std::thread::sleep(Duration::from_millis(100));
    }
}

fn lf(text: &str) -> String {
    text.replace("\r\n", "\n")
}

/// Puts USER's Sieve state back as the test found it, also when an assertion failed.
struct Restore<'a> {
    servers: &'a TestServers,
    active: Option<String>,
}

impl Drop for Restore<'_> {
    fn drop(&mut self) {
        let Ok(client) = connect(
            self.servers,
            &self.servers.get("TEST_HOST"),
            &self.servers.get("TEST_PASSWORD"),
        ) else {
            return;
        };
        let mut oof = SieveAutoReply::new(client, USER);
        let _ = oof.clear();
        let mut client = oof.into_client();
        let _ = client.set_active(self.active.as_deref().unwrap_or(""));
        let _ = client.delete_script(USER_SCRIPT);
        client.logout();
    }
}

#[test]
fn out_of_office_replies_through_sieve() {
    let servers = test_servers();
    let tok = token();
    let t = Instant::now();
    let mut client = session(&servers);
    eprintln!("connect + STARTTLS + login: {:?}", t.elapsed());
    for ext in ["vacation", "date", "relational", "include"] {
        assert!(
            client.extensions().iter().any(|e| e == ext),
            "{ext} missing from {:?}",
            client.extensions()
        );
    }
    let scripts = client.list_scripts().unwrap();
    let original = scripts
        .iter()
        .find(|(name, active)| *active && name != SCRIPT_NAME && name != USER_SCRIPT)
        .map(|(name, _)| name.clone());
    let _restore = Restore {
        servers: &servers,
        active: original.clone(),
    };
    // Start from "no script active, none of ours" whatever an earlier run left behind.
    client.set_active("").unwrap();
    for name in [SCRIPT_NAME, USER_SCRIPT] {
        match client.delete_script(name) {
            Ok(()) | Err(Error::NotFound(_)) => {}
            Err(e) => panic!("removing a leftover {name}: {e}"),
        }
    }
    assert_eq!(client.get_script(SCRIPT_NAME).unwrap(), None);
    let mut oof = SieveAutoReply::new(client, USER);
    assert_eq!(oof.get().unwrap(), None);

    // 1. A window around today: replies with the text for the sender's side.
    let now = OutOfOffice {
        start: day(-1),
        end: day(1),
        subject: format!("Out of office {tok}"),
        internal_text: "Ich bin nicht im Büro.\nVertretung: \"Carol\" \\ Raum 7".into(),
        external_text: "I am out of the office.\r\nPlease write to info@corp.test.".into(),
        internal_domains: vec!["corp.test".into()],
    };
    let t = Instant::now();
    oof.set(&now).unwrap();
    eprintln!("set: {:?}", t.elapsed());
    assert_eq!(oof.get().unwrap().as_ref(), Some(&now));

    let external = format!("ext-{tok}@partner.example");
    let t = Instant::now();
    deliver(&external, "Termin");
    let lmtp = t.elapsed();
    let (reply, waited) = wait_for(&servers, &external);
    eprintln!("external: LMTP {lmtp:?}, reply in the sink after {waited:?} more");
    assert_eq!(reply.header("Subject"), Some(now.subject.as_str()));
    assert!(
        reply
            .header("Auto-Submitted")
            .is_some_and(|v| v.starts_with("auto-replied"))
    );
    assert!(
        reply.body.contains(&lf(&now.external_text)),
        "{}",
        reply.body
    );
    assert!(!reply.body.contains("Büro"), "{}", reply.body);

    let internal = format!("int-{tok}@corp.test");
    deliver(&internal, "Rückruf");
    let (reply, waited) = wait_for(&servers, &internal);
    eprintln!("internal: reply after {waited:?}");
    assert!(
        reply.body.contains(&lf(&now.internal_text)),
        "{}",
        reply.body
    );
    assert!(!reply.body.contains("out of the office"), "{}", reply.body);

    // 2. A window in the future: stored and readable, but nobody gets a reply yet.
    let later = OutOfOffice {
        start: day(2),
        end: day(9),
        internal_domains: vec![],
        ..now.clone()
    };
    oof.set(&later).unwrap();
    assert_eq!(oof.get().unwrap().as_ref(), Some(&later));
    let future = format!("future-{tok}@partner.example");
    deliver(&future, "Termin");
    assert_silence(&servers, &future);

    // 3. clear removes it; no reply afterwards.
    oof.clear().unwrap();
    assert_eq!(oof.get().unwrap(), None);
    let mut client = oof.into_client();
    assert!(
        !client
            .list_scripts()
            .unwrap()
            .iter()
            .any(|(n, _)| n == SCRIPT_NAME)
    );
    let cleared = format!("cleared-{tok}@partner.example");
    let oof = SieveAutoReply::new(client, USER);
    deliver(&cleared, "Termin");
    assert_silence(&servers, &cleared);

    // 4. The user's own active script keeps running while away and is active again after.
    let rule_target = format!("rule-{tok}@archive.example");
    let rules = format!(
        "require [\"copy\"];\r\nif header :contains \"subject\" \"rule-check\" {{\r\n  redirect :copy \"{rule_target}\";\r\n}}\r\n"
    );
    let mut client = oof.into_client();
    client.put_script(USER_SCRIPT, &rules).unwrap();
    client.set_active(USER_SCRIPT).unwrap();
    let mut oof = SieveAutoReply::new(client, USER);
    oof.set(&now).unwrap();
    assert_eq!(oof.get().unwrap().as_ref(), Some(&now));
    let mut client = oof.into_client();
    let scripts = client.list_scripts().unwrap();
    assert!(
        scripts.contains(&(SCRIPT_NAME.to_string(), true)),
        "{scripts:?}"
    );
    assert!(
        scripts.contains(&(USER_SCRIPT.to_string(), false)),
        "{scripts:?}"
    );
    let ours = client.get_script(SCRIPT_NAME).unwrap().unwrap();
    assert!(
        ours.trim_end()
            .ends_with(&format!("include :personal :optional \"{USER_SCRIPT}\";")),
        "{ours}"
    );
    let with_rules = format!("rules-{tok}@partner.example");
    deliver(&with_rules, &format!("rule-check 1 {tok}"));
    let (reply, _) = wait_for(&servers, &with_rules);
    assert!(
        reply.body.contains(&lf(&now.external_text)),
        "{}",
        reply.body
    );
    let (copy, _) = wait_for(&servers, &rule_target);
    assert_eq!(
        copy.header("Subject"),
        Some(format!("rule-check 1 {tok}").as_str())
    );

    // Setting again while ours is active keeps the recorded include.
    let mut oof = SieveAutoReply::new(client, USER);
    let updated = OutOfOffice {
        subject: format!("Updated {tok}"),
        ..now.clone()
    };
    oof.set(&updated).unwrap();
    let mut client = oof.into_client();
    let ours = client.get_script(SCRIPT_NAME).unwrap().unwrap();
    assert!(
        ours.contains(&format!("include :personal :optional \"{USER_SCRIPT}\";")),
        "{ours}"
    );

    let mut oof = SieveAutoReply::new(client, USER);
    oof.clear().unwrap();
    assert_eq!(oof.get().unwrap(), None);
    let mut client = oof.into_client();
    let scripts = client.list_scripts().unwrap();
    assert!(
        scripts.contains(&(USER_SCRIPT.to_string(), true)),
        "{scripts:?}"
    );
    assert!(
        !scripts.iter().any(|(n, _)| n == SCRIPT_NAME),
        "{scripts:?}"
    );
    let after = format!("after-{tok}@partner.example");
    deliver(&after, &format!("rule-check 2 {tok}"));
    let start = Instant::now();
    loop {
        let copies = sink_messages(&servers, &rule_target);
        if copies
            .iter()
            .any(|m| m.header("Subject") == Some(format!("rule-check 2 {tok}").as_str()))
        {
            break;
        }
        assert!(
            start.elapsed() < REPLY_WAIT,
            "the user's rule did not run after clear"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    assert_silence(&servers, &after);

    // A script the server cannot compile is the user's mistake, with the server's reason.
    match client.put_script(USER_SCRIPT, "require [\"nonexistent-extension\"];\r\n") {
        Err(Error::Invalid(m)) => {
            eprintln!("compile error: {m}");
            assert!(
                m.contains(USER_SCRIPT) && m.contains("nonexistent-extension"),
                "{m}"
            );
        }
        other => panic!("broken script: {other:?}"),
    }
    client.logout();
}

#[test]
fn unreadable_out_of_office_script_is_a_clear_error() {
    // Uses carol so it cannot race with the scenario above.
    let servers = test_servers();
    let mut client = SieveClient::connect(
        &endpoint(&servers.get("TEST_HOST"), &servers.get("TEST_SIEVE_PORT")),
        &tls_config(&servers),
        "carol@corp.test",
        &servers.get("TEST_PASSWORD"),
        TIMEOUT,
    )
    .unwrap();
    let before = client
        .list_scripts()
        .unwrap()
        .into_iter()
        .find(|(_, a)| *a)
        .map(|(n, _)| n);
    client
        .put_script(SCRIPT_NAME, "# hand-written\r\nkeep;\r\n")
        .unwrap();
    client.set_active(SCRIPT_NAME).unwrap();
    let mut oof = SieveAutoReply::new(client, "carol@corp.test");
    let got = oof.get();
    let cleared = oof.clear();
    let mut client = oof.into_client();
    client.set_active(before.as_deref().unwrap_or("")).unwrap();
    let _ = client.delete_script(SCRIPT_NAME);
    client.logout();
    match got {
        Err(Error::Invalid(m)) => assert!(m.contains("changed outside Kapsel"), "{m}"),
        other => panic!("hand-written script: {other:?}"),
    }
    cleared.unwrap();
}

#[test]
fn wrong_password_is_named() {
    let servers = test_servers();
    let t = Instant::now();
    let Err(e) = connect(&servers, &servers.get("TEST_HOST"), "not-the-password") else {
        panic!("logged in with a wrong password");
    };
    eprintln!("wrong password refused after {:?}: {e}", t.elapsed());
    assert!(matches!(e, Error::Network(_)), "{e:?}");
    assert!(
        e.to_string()
            .starts_with(&format!("the Sieve server refused the login for {USER}: ")),
        "{e}"
    );
}

#[test]
fn strict_server_works_because_tls_comes_first() {
    // 127.0.0.2 refuses AUTH before STARTTLS; the client never tries it.
    let servers = test_servers();
    let mut client = connect(
        &servers,
        &servers.get("TEST_STRICT_HOST"),
        &servers.get("TEST_PASSWORD"),
    )
    .unwrap();
    client.list_scripts().unwrap();
    client.logout();
}

#[test]
fn untrusted_certificate_is_named() {
    let servers = test_servers();
    let no_roots = Arc::new(
        rustls::ClientConfig::builder_with_provider(provider())
            .with_safe_default_protocol_versions()
            .unwrap()
            .with_root_certificates(rustls::RootCertStore::empty())
            .with_no_client_auth(),
    );
    let Err(e) = SieveClient::connect(
        &endpoint(&servers.get("TEST_HOST"), &servers.get("TEST_SIEVE_PORT")),
        &no_roots,
        USER,
        &servers.get("TEST_PASSWORD"),
        TIMEOUT,
    ) else {
        panic!("accepted a certificate from an untrusted CA");
    };
    assert!(
        e.to_string()
            .contains("not issued by a CA the tenant trusts"),
        "{e}"
    );
}

#[test]
fn server_without_starttls_is_refused_before_the_password() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port().to_string();
    let fake = std::thread::spawn(move || {
        let (mut sock, _) = listener.accept().unwrap();
        sock.write_all(
            b"\"IMPLEMENTATION\" \"plain-only\"\r\n\"SASL\" \"PLAIN LOGIN\"\r\n\"SIEVE\" \"vacation\"\r\n\"VERSION\" \"1.0\"\r\nOK \"ready\"\r\n",
        )
        .unwrap();
        sock.set_read_timeout(Some(Duration::from_secs(2))).unwrap();
        let mut got = Vec::new();
        let _ = sock.read_to_end(&mut got);
        got
    });
    let servers = test_servers();
    let Err(e) = SieveClient::connect(
        &endpoint("127.0.0.1", &port),
        &tls_config(&servers),
        USER,
        "secret",
        TIMEOUT,
    ) else {
        panic!("logged in without TLS");
    };
    assert!(e.to_string().contains("does not offer STARTTLS"), "{e}");
    let got = fake.join().unwrap();
    assert!(got.is_empty(), "sent {:?}", String::from_utf8_lossy(&got));
}

#[test]
fn other_protocols_are_named_not_waited_for() {
    let servers = test_servers();
    for port in ["TEST_LMTP_PORT", "TEST_IMAP_PORT"] {
        let t = Instant::now();
        let Err(e) = SieveClient::connect(
            &endpoint(&servers.get("TEST_HOST"), &servers.get(port)),
            &tls_config(&servers),
            USER,
            "secret",
            TIMEOUT,
        ) else {
            panic!("{port} accepted as ManageSieve");
        };
        assert!(e.to_string().contains("does not speak ManageSieve"), "{e}");
        assert!(
            t.elapsed() < Duration::from_secs(2),
            "{port}: {:?}",
            t.elapsed()
        );
    }
}
