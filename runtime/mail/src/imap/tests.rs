//! The IMAP client against scripted servers: each test is a transcript (greeting, then one
//! answer per command), delivered a few bytes at a time. No sockets.

use super::*;
use crate::transport::Script;

fn endpoint(tls: bool) -> Endpoint {
    let url = if tls {
        "imaps://server.test"
    } else {
        "imap://server.test"
    };
    Endpoint::parse(url, SCHEMES).unwrap()
}

fn tls() -> Arc<rustls::ClientConfig> {
    kapsel_core::net::tls::client_config(&kapsel_core::policy::Tls::default()).unwrap()
}

const GREETING: &[u8] = b"* OK [CAPABILITY IMAP4rev1 STARTTLS] ready\r\n";
const CAPS_PLAIN: &[u8] = b"* CAPABILITY IMAP4rev1 STARTTLS LOGINDISABLED\r\nk1 OK done\r\n";

/// A server that logs in over STARTTLS and then answers `rest` (one segment per command).
fn logged_in(rest: &[&[u8]]) -> Imap<Script> {
    let mut segments: Vec<&[u8]> = vec![
        GREETING,
        CAPS_PLAIN,
        b"k2 OK Begin TLS\r\n",
        b"* CAPABILITY IMAP4rev1 AUTH=PLAIN IDLE UIDPLUS\r\nk3 OK done\r\n",
        b"+ \r\n",
        b"k4 OK logged in\r\n",
        b"* CAPABILITY IMAP4rev1 IDLE UIDPLUS MOVE ACL\r\nk5 OK done\r\n",
    ];
    segments.extend_from_slice(rest);
    Imap::login_over(
        Script::new(&segments),
        &endpoint(false),
        &tls(),
        "alice@corp.test",
        "secret",
    )
    .unwrap()
}

#[test]
fn login_goes_through_starttls_and_relearns_capabilities() {
    let imap = logged_in(&[]);
    assert!(imap.io.tls);
    assert!(imap.has("MOVE") && imap.has("ACL") && !imap.has("AUTH=PLAIN"));
    let sent = imap.io.sent_text();
    let tls_at = sent.find("STARTTLS").unwrap();
    let auth_at = sent.find("AUTHENTICATE PLAIN").unwrap();
    assert!(tls_at < auth_at, "{sent}");
    // AGFsaWNlQGNvcnAudGVzdABzZWNyZXQ= is \0alice@corp.test\0secret
    assert!(
        sent.contains("AGFsaWNlQGNvcnAudGVzdABzZWNyZXQ=\r\n"),
        "{sent}"
    );
}

#[test]
fn a_server_without_starttls_never_sees_the_password() {
    let script = Script::new(&[
        b"* OK ready\r\n",
        b"* CAPABILITY IMAP4rev1 AUTH=PLAIN\r\nk1 OK done\r\n",
    ]);
    let Err(e) = Imap::login_over(script, &endpoint(false), &tls(), "alice", "secret") else {
        panic!("logged in without TLS");
    };
    assert!(e.to_string().contains("does not offer STARTTLS"), "{e}");
}

#[test]
fn bytes_injected_before_the_tls_handshake_are_refused() {
    // The answer to STARTTLS carries a forged capability line behind it.
    let script = Script::new(&[
        GREETING,
        CAPS_PLAIN,
        b"k2 OK Begin TLS\r\n* CAPABILITY IMAP4rev1 AUTH=PLAIN\r\n",
    ]);
    let Err(e) = Imap::login_over(script, &endpoint(false), &tls(), "alice", "secret") else {
        panic!("accepted injected bytes");
    };
    assert!(matches!(e, Error::Tls(_)), "{e:?}");
    assert!(e.to_string().contains("before the TLS handshake"), "{e}");
}

#[test]
fn a_refused_login_names_the_user() {
    let script = Script::new(&[
        GREETING,
        b"* CAPABILITY IMAP4rev1 AUTH=PLAIN\r\nk1 OK done\r\n",
        b"+ \r\n",
        b"k2 NO [AUTHENTICATIONFAILED] Authentication failed.\r\n",
    ])
    .over_tls();
    let e = Imap::login_over(script, &endpoint(true), &tls(), "alice", "wrong")
        .err()
        .unwrap();
    assert!(e.to_string().contains("refused the login for alice"), "{e}");
}

#[test]
fn select_reads_codes_and_refuses_a_mailbox_without_uidvalidity() {
    let mut imap = logged_in(&[
        b"* 3 EXISTS\r\n* OK [UIDVALIDITY 42] x\r\n* OK [UIDNEXT 9] x\r\nk6 OK [READ-WRITE] selected\r\n",
        b"* 3 EXISTS\r\nk7 OK selected\r\n",
    ]);
    let sel = imap.select("INBOX", false, None).unwrap();
    assert_eq!((sel.exists, sel.uid_validity, sel.uid_next), (3, 42, 9));
    let e = imap.select("Archiv", false, None).unwrap_err().to_string();
    assert!(e.contains("no UIDVALIDITY"), "{e}");
}

#[test]
fn a_search_without_results_is_an_error_not_an_empty_mailbox() {
    let mut imap = logged_in(&[b"* SEARCH 4 2 9\r\nk6 OK done\r\n", b"k7 OK done\r\n"]);
    assert_eq!(imap.uid_search("ALL").unwrap(), vec![2, 4, 9]);
    assert!(imap.uid_search("ALL").is_err());
}

#[test]
fn fetch_streams_messages_and_skips_what_cannot_be_parsed() {
    let mut imap = logged_in(
        &[b"* 1 FETCH (UID 7 FLAGS (\\Seen) BODY[] {5}\r\nHello)\r\n\
          * 2 FETCH (UID 8 INTERNALDATE NIL)\r\n\
          * 3 FETCH (UID 9 BODY[] {0}\r\n)\r\nk6 OK done\r\n"],
    );
    let mut got = Vec::new();
    imap.uid_fetch("1:*", "UID FLAGS BODY.PEEK[]", &mut |f| {
        got.push((f.uid, f.body.unwrap_or_default()));
        Ok(())
    })
    .unwrap();
    assert_eq!(got, vec![(7, b"Hello".to_vec()), (9, Vec::new())]);
}

#[test]
fn a_server_that_hangs_up_gives_a_clear_error() {
    let mut imap = logged_in(&[b"* 1 EXISTS\r\n"]);
    let e = imap.run("NOOP", &mut |_| Ok(())).unwrap_err().to_string();
    assert!(e.contains("closed the connection"), "{e}");
}

#[test]
fn append_sends_the_literal_and_reads_the_uid() {
    let mut imap = logged_in(&[
        b"+ go ahead\r\n",
        b"k6 OK [APPENDUID 38505 3955] APPEND completed\r\n",
    ]);
    let uid = imap
        .append("Sent", &["\\Seen"], b"Subject: x\r\n\r\nhi")
        .unwrap();
    assert_eq!(uid, Some(3955));
    assert!(
        imap.io
            .sent_text()
            .contains("k6 APPEND \"Sent\" (\\Seen) {16}\r\nSubject: x\r\n\r\nhi\r\n")
    );
}

#[test]
fn idle_reports_new_mail_and_ends_cleanly() {
    let mut imap = logged_in(&[b"+ idling\r\n* 4 EXISTS\r\n", b"k6 OK IDLE done\r\n"]);
    assert!(imap.idle(Duration::from_secs(5), &|| false).unwrap());
    assert!(imap.io.sent_text().ends_with("k6 IDLE\r\nDONE\r\n"));
}
