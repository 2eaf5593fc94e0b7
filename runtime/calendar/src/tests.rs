//! Unit tests without a server: the merge, recurrence across DST, bounded expansion,
//! contact search, what Kapsel writes, and the client's refusals (plain HTTP not allowed
//! by the tenant, another origin named by a server).

use chrono::{TimeZone, Utc};

use crate::contacts;
use crate::edit::merge;
use crate::ical::{self, Moment};

const BASE: &str = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nBEGIN:VEVENT\r\nUID:m1\r\nDTSTAMP:20260101T000000Z\r\nDTSTART:20261207T090000Z\r\nSUMMARY:Alt\r\nLOCATION:Raum 1\r\nBEGIN:VALARM\r\nACTION:DISPLAY\r\nTRIGGER:-PT10M\r\nEND:VALARM\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n";

#[test]
fn a_merge_takes_each_sides_changed_fields_and_refuses_a_field_both_changed() {
    let ours = BASE
        .replace("SUMMARY:Alt", "SUMMARY:Neu")
        .replace("DTSTAMP:20260101T000000Z", "DTSTAMP:20260202T000000Z");
    let theirs = BASE.replace("Raum 1", "Raum 2");
    let merged = merge(BASE, &ours, &theirs).expect("different fields merge");
    assert!(
        merged.contains("SUMMARY:Neu") && merged.contains("LOCATION:Raum 2"),
        "{merged}"
    );
    assert!(
        merged.contains("TRIGGER:-PT10M"),
        "nested alarms survive: {merged}"
    );
    assert!(ical::parse(&merged).is_ok());
    let theirs = BASE.replace("SUMMARY:Alt", "SUMMARY:Anders");
    assert!(merge(BASE, &ours, &theirs).is_none());
    // Not an object at all: no merge, never a panic.
    assert!(merge("BEGIN", "x", "BEGIN:VEVENT\r\nBEGIN\r\nEND").is_none());
}

#[test]
fn a_weekly_series_keeps_its_local_time_across_the_end_of_dst() {
    let berlin = chrono_tz::Europe::Berlin;
    let text = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nBEGIN:VEVENT\r\nUID:s\r\nDTSTAMP:20260101T000000Z\r\nDTSTART;TZID=Europe/Berlin:20261021T100000\r\nDURATION:PT1H\r\nRRULE:FREQ=WEEKLY;COUNT=2\r\nSUMMARY:x\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n";
    let cal = ical::parse(text).unwrap();
    let from = Utc.with_ymd_and_hms(2026, 10, 1, 0, 0, 0).unwrap();
    let to = Utc.with_ymd_and_hms(2026, 11, 1, 0, 0, 0).unwrap();
    let (occ, truncated) = ical::occurrences(&cal, berlin, from, to);
    assert!(!truncated);
    assert!(occ.iter().all(|o| o.recurring));
    // A single event with a VTIMEZONE (whose STANDARD/DAYLIGHT have rules) is no series.
    let single = format!(
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\n{}BEGIN:VEVENT\r\nUID:o\r\nDTSTART;TZID=Europe/Berlin:20261021T100000\r\nSUMMARY:x\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n",
        "BEGIN:VTIMEZONE\r\nTZID:Europe/Berlin\r\nBEGIN:STANDARD\r\nDTSTART:19701025T030000\r\nRRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU\r\nTZOFFSETFROM:+0200\r\nTZOFFSETTO:+0100\r\nEND:STANDARD\r\nEND:VTIMEZONE\r\n"
    );
    let (one, _) = ical::occurrences(&ical::parse(&single).unwrap(), berlin, from, to);
    assert_eq!(one.len(), 1);
    assert!(!one[0].recurring);
    let starts: Vec<String> = occ.iter().map(|o| o.start.to_rfc3339()).collect();
    assert_eq!(
        starts,
        ["2026-10-21T10:00:00+02:00", "2026-10-28T10:00:00+01:00"]
    );
}

#[test]
fn an_unbounded_rule_stops_at_the_bound_and_says_so() {
    let text = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nBEGIN:VEVENT\r\nUID:u\r\nDTSTART:20260101T000000Z\r\nRRULE:FREQ=MINUTELY\r\nSUMMARY:x\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n";
    let cal = ical::parse(text).unwrap();
    let from = Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap();
    let (occ, truncated) = ical::occurrences(
        &cal,
        chrono_tz::UTC,
        from,
        from + chrono::TimeDelta::days(3650),
    );
    assert!(truncated);
    assert_eq!(occ.len(), ical::MAX_OCCURRENCES);
    assert_eq!(ical::span(&cal, chrono_tz::UTC).last_ms, None, "open-ended");
}

#[test]
fn too_large_or_empty_objects_are_refused_with_a_reason() {
    let big = format!(
        "BEGIN:VCALENDAR\r\nX:{}\r\nEND:VCALENDAR\r\n",
        "a".repeat(ical::MAX_OBJECT)
    );
    assert!(ical::parse(&big).unwrap_err().contains("bytes"));
    assert!(ical::parse("").is_err());
    assert!(
        ical::parse("BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n")
            .unwrap_err()
            .contains("no event")
    );
    assert!(contacts::parse(&"x".repeat(contacts::MAX_CARD + 1)).is_err());
}

#[test]
fn times_are_read_in_the_users_zone_and_a_dst_gap_is_refused() {
    let berlin = chrono_tz::Europe::Berlin;
    assert_eq!(
        Moment::parse("2026-12-02", berlin),
        Ok(Moment::Date(
            chrono::NaiveDate::from_ymd_opt(2026, 12, 2).unwrap()
        ))
    );
    assert_eq!(
        Moment::parse("2026-07-01 10:00", berlin),
        Ok(Moment::At(
            Utc.with_ymd_and_hms(2026, 7, 1, 8, 0, 0).unwrap()
        ))
    );
    assert!(
        Moment::parse("2026-03-29 02:30", berlin)
            .unwrap_err()
            .contains("DST")
    );
    assert!(Moment::parse("morgen", berlin).is_err());
    let mut line = String::new();
    ical::moment_line(
        &mut line,
        "DTSTART",
        &Moment::At(Utc.with_ymd_and_hms(2026, 7, 1, 8, 0, 0).unwrap()),
        berlin,
    );
    assert_eq!(line, "DTSTART;TZID=Europe/Berlin:20260701T100000\r\n");
}

#[test]
fn written_text_is_escaped_and_folded() {
    assert_eq!(
        ical::escape("a;b,c\\d\ne\u{1b}[31m"),
        "a\\;b\\,c\\\\d\\ne[31m"
    );
    let mut out = String::new();
    ical::prop_line(&mut out, "SUMMARY", &"ä".repeat(60));
    assert!(out.lines().all(|l| l.len() <= 75), "{out}");
    // An address from an invitation is not TEXT and is not escaped: a line break in it must
    // not start a property of its own in what Kapsel sends back.
    let mut reply = String::new();
    ical::prop_line(
        &mut reply,
        "ORGANIZER",
        "mailto:boss@corp.test\r\nATTENDEE;PARTSTAT=ACCEPTED:mailto:x@evil.test",
    );
    assert_eq!(
        reply.replace("\r\n ", ""),
        "ORGANIZER:mailto:boss@corp.testATTENDEE;PARTSTAT=ACCEPTED:mailto:x@evil.test\r\n"
    );
    let card = contacts::build(&contacts::Contact {
        uid: "u1".into(),
        name: "Anna Müller; Dr.".into(),
        emails: vec!["anna@example.org".into()],
        phones: vec!["+49 30 1".into()],
        organization: Some("Amt, Referat 2".into()),
        title: None,
        version: "4.0".into(),
    });
    let parsed = contacts::contact(&contacts::parse(&card).unwrap());
    assert_eq!(parsed.name, "Anna Müller; Dr.");
    assert_eq!(parsed.organization.as_deref(), Some("Amt, Referat 2"));
    assert_eq!(parsed.phones, ["+49 30 1"]);
}

#[test]
fn contact_search_matches_every_word_across_fields_and_phone_digits() {
    let c = contacts::Contact {
        name: "Petra Schulz".into(),
        emails: vec!["p.schulz@senfin.berlin.de".into()],
        phones: vec!["+49 (30) 9020-1234".into()],
        organization: Some("Senatsverwaltung für Finanzen".into()),
        ..Default::default()
    };
    assert!(c.matches("petra finanzen"));
    assert!(c.matches("schulz 90201234"));
    assert!(c.matches("030/9020-1234") || c.matches("9020-1234"));
    assert!(!c.matches("petra innen"));
    assert!(!c.matches("  "));
    assert!(!c.matches("12"), "two digits are not a phone search");
}

#[test]
fn the_client_refuses_plain_http_the_tenant_did_not_allow_and_other_origins() {
    let mut policy =
        kapsel_core::policy::Policy::parse("serial = 1\n[tenant]\nid = \"t\"\nname = \"T\"\n")
            .expect("a minimal policy");
    let err = crate::client::Client::new("http://127.0.0.1:9/", &policy, None)
        .err()
        .expect("refused");
    assert!(err.to_string().contains("plain"), "{err}");
    policy.tls.plaintext_hosts.push("127.0.0.1".into());
    let client =
        crate::client::Client::new("http://127.0.0.1:9/dav/", &policy, None).expect("allowed");
    assert!(client.resolve("/dav/cal/").is_ok());
    for elsewhere in [
        "https://attacker.example/dav/",
        "//attacker.example/x",
        "http://127.0.0.1:10/dav/",
    ] {
        let err = client
            .resolve(elsewhere)
            .expect_err("another origin is refused");
        assert!(
            err.to_string().contains("another server"),
            "{elsewhere}: {err}"
        );
    }
}

/// A groupware worker retired by a policy update holds the old policy's servers: a sync it
/// starts after retiring contacts none of them (queued edits would otherwise be replayed
/// there).
#[test]
fn a_sync_that_is_no_longer_current_contacts_no_server() {
    use std::net::TcpListener;
    let old_server = TcpListener::bind("127.0.0.1:0").unwrap();
    old_server.set_nonblocking(true).unwrap();
    let url = format!(
        "http://127.0.0.1:{}/dav/",
        old_server.local_addr().unwrap().port()
    );
    let mut policy =
        kapsel_core::policy::Policy::parse("serial = 1\n[tenant]\nid = \"t\"\nname = \"T\"\n")
            .expect("a minimal policy");
    policy.tls.plaintext_hosts.push("127.0.0.1".into());
    let dir = std::env::temp_dir().join(format!("kapsel-cal-retired-{}", std::process::id()));
    let vault =
        kapsel_core::vault::Vault::create(&dir, "Test-Password-1", kapsel_core::vault::MIN_PARAMS)
            .unwrap();
    let account = crate::Account {
        caldav: Some(url.clone()),
        carddav: Some(url),
        login: None,
    };
    let report = crate::sync_account(&vault, &policy, &account, &|| false).unwrap();
    assert!(
        report.collections.is_empty() && report.errors.is_empty(),
        "{report:?}"
    );
    std::thread::sleep(std::time::Duration::from_millis(100));
    assert!(old_server.accept().is_err(), "a retired sync connected");
    // While current, the same sync does reach the server (which hangs up at once).
    old_server.set_nonblocking(false).unwrap();
    let hang_up = std::thread::spawn(move || old_server.accept().is_ok());
    let _ = crate::sync_account(&vault, &policy, &account, &|| true);
    assert!(hang_up.join().unwrap(), "a current sync never connected");
    drop(vault);
    let _ = std::fs::remove_dir_all(&dir);
}
