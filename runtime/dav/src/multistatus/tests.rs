//! Transcript tests: answers recorded from Radicale and Xandikos (transcripts/), and hostile
//! answers a server could send.

use super::*;

fn t(name: &str) -> &'static str {
    match name {
        "radicale-home" => include_str!("../../transcripts/radicale-home.xml"),
        "radicale-collections" => include_str!("../../transcripts/radicale-collections.xml"),
        "radicale-sync" => include_str!("../../transcripts/radicale-sync.xml"),
        "xandikos-principal" => include_str!("../../transcripts/xandikos-principal.xml"),
        "xandikos-home" => include_str!("../../transcripts/xandikos-home.xml"),
        "xandikos-collections" => include_str!("../../transcripts/xandikos-collections.xml"),
        _ => unreachable!(),
    }
}

#[test]
fn discovery_on_both_servers_despite_their_different_prefixes() {
    // Xandikos prefixes every element (ns0:), Radicale uses a default namespace.
    let p = parse(t("xandikos-principal")).unwrap();
    assert_eq!(
        p.responses[0].props.current_user_principal.as_deref(),
        Some("/alice/")
    );
    let home = parse(t("xandikos-home")).unwrap();
    assert_eq!(
        home.responses[0].props.calendar_home_set,
        ["/alice/calendars/"]
    );
    assert_eq!(
        home.responses[0].props.addressbook_home_set,
        ["/alice/contacts/"]
    );
    // Radicale: one home for both, and a displayname it does not have comes with 404 — not
    // an empty name.
    let home = parse(t("radicale-home")).unwrap();
    let r = &home.responses[0];
    assert_eq!(r.props.calendar_home_set, ["/alice%40corp.test/"]);
    assert_eq!(r.props.addressbook_home_set, ["/alice%40corp.test/"]);
    assert_eq!(r.props.display_name, None);
}

#[test]
fn collections_are_told_apart_by_resource_type() {
    let ms = parse(t("radicale-collections")).unwrap();
    let cols = Collection::from_responses(&ms);
    assert!(
        cols.iter()
            .any(|c| c.kind == Kind::AddressBook && c.name == "Kontakte")
    );
    let cal = cols
        .iter()
        .find(|c| c.kind == Kind::Calendar)
        .expect("a calendar");
    assert_eq!(cal.components, ["VEVENT", "VTODO"]);
    assert!(cal.writable);
    assert!(
        cal.sync_token
            .as_deref()
            .unwrap()
            .starts_with("http://radicale.org/ns/sync/")
    );
    assert!(cal.ctag.is_some());
    // The home itself (principal + collection) is not a calendar.
    assert!(cols.iter().all(|c| c.href != "/alice%40corp.test/"));

    let ms = parse(t("xandikos-collections")).unwrap();
    let cols = Collection::from_responses(&ms);
    assert!(!cols.is_empty());
    assert!(cols.iter().all(|c| c.kind == Kind::Calendar && c.writable));
}

#[test]
fn a_sync_collection_answer_gives_the_new_token_and_the_etags() {
    let ms = parse(t("radicale-sync")).unwrap();
    assert!(
        ms.sync_token
            .as_deref()
            .unwrap()
            .starts_with("http://radicale.org/ns/sync/")
    );
    assert_eq!(ms.responses.len(), 2);
    assert!(
        ms.responses
            .iter()
            .all(|r| r.props.etag.is_some() && r.status.is_none())
    );
    // A member removed since the token: a response with a 404 status and no propstat
    // (RFC 6578 §3.5.2).
    let gone = parse(
        r#"<d:multistatus xmlns:d="DAV:"><d:response><d:href>/cal/x.ics</d:href><d:status>HTTP/1.1 404 Not Found</d:status></d:response><d:sync-token>t2</d:sync-token></d:multistatus>"#,
    )
    .unwrap();
    assert_eq!(gone.responses[0].status, Some(404));
    assert_eq!(gone.sync_token.as_deref(), Some("t2"));
}

#[test]
fn multiget_data_in_cdata_or_escaped_text_and_the_size_bound() {
    let body = r#"<multistatus xmlns="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav"><response><href>/c/a.ics</href><propstat><prop><getetag>"1"</getetag><C:calendar-data><![CDATA[BEGIN:VCALENDAR
END:VCALENDAR
]]></C:calendar-data></prop><status>HTTP/1.1 200 OK</status></propstat></response><response><href>/c/b.ics</href><propstat><prop><C:calendar-data>SUMMARY:Tom &amp; Jerry</C:calendar-data></prop><status>HTTP/1.1 200 OK</status></propstat></response></multistatus>"#;
    let ms = parse(body).unwrap();
    assert!(
        ms.responses[0]
            .props
            .calendar_data
            .as_deref()
            .unwrap()
            .starts_with("BEGIN:VCALENDAR")
    );
    assert_eq!(
        ms.responses[1].props.calendar_data.as_deref(),
        Some("SUMMARY:Tom & Jerry")
    );

    let big = format!(
        r#"<multistatus xmlns="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav"><response><href>/c/big.ics</href><propstat><prop><C:calendar-data>{}</C:calendar-data></prop><status>HTTP/1.1 200 OK</status></propstat></response></multistatus>"#,
        "X".repeat(MAX_OBJECT + 1)
    );
    let ms = parse(&big).unwrap();
    assert_eq!(ms.responses[0].props.calendar_data, None);
    assert!(
        ms.responses[0]
            .refused
            .as_deref()
            .unwrap()
            .contains("/c/big.ics")
    );
}

#[test]
fn hostile_answers_are_errors_with_a_reason_not_panics() {
    let laughs = r#"<?xml version="1.0"?><!DOCTYPE m [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]><multistatus xmlns="DAV:"><response><href>&b;</href></response></multistatus>"#;
    let cases = [
        ("", "not well-formed"),
        (
            "<html><body>Login</body></html>",
            "where a DAV multistatus belongs",
        ),
        (laughs, "not well-formed"),
        (
            r#"<multistatus xmlns="DAV:"><response><propstat/></response></multistatus>"#,
            "no href",
        ),
        (
            "<multistatus xmlns=\"DAV:\"><response><href>",
            "not well-formed",
        ),
        (
            "\u{feff}<x:multistatus xmlns:x=\"urn:not-dav\"/>",
            "where a DAV multistatus",
        ),
    ];
    for (body, needle) in cases {
        let e = parse(body).unwrap_err().to_string();
        assert!(e.contains(needle), "{body:?}: {e}");
    }
    let long_href = format!(
        r#"<multistatus xmlns="DAV:"><response><href>{}</href></response></multistatus>"#,
        "a".repeat(MAX_SHORT + 1)
    );
    assert!(parse(&long_href).unwrap_err().to_string().contains("href"));
    // Odd but harmless: unknown properties, statuses without a code, elements in the text.
    let odd = r#"<multistatus xmlns="DAV:"><response><href> /x/ </href><propstat><prop><getetag>"e"</getetag><unknown/></prop><status>garbage</status></propstat><propstat><prop><displayname>A<b>B</b></displayname></prop><status>HTTP/1.1 200 OK</status></propstat></response></multistatus>"#;
    let ms = parse(odd).unwrap();
    assert_eq!(ms.responses[0].href, "/x/");
    assert_eq!(ms.responses[0].props.etag, None, "no 2xx status, not kept");
    assert_eq!(ms.responses[0].props.display_name.as_deref(), Some("AB"));
}

#[test]
fn random_bytes_never_panic() {
    let mut seed = 0x2545_f491_4f6c_dd1du64;
    let samples = [
        t("radicale-collections"),
        t("xandikos-collections"),
        t("radicale-sync"),
    ];
    for round in 0..2000 {
        let mut bytes = samples[round % samples.len()].as_bytes().to_vec();
        for _ in 0..8 {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            let i = (seed as usize) % bytes.len();
            bytes[i] = (seed >> 32) as u8;
        }
        let _ = parse(&String::from_utf8_lossy(&bytes));
    }
}
