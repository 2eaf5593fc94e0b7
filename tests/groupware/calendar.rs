//! Calendars and tasks: round trips both ways on each server, recurrence across the end of
//! daylight saving time, a 412 conflict merged or kept twice, offline edits replayed, and
//! malformed objects read without a panic.

use kapsel_tests::Env;
use kapsel_tests::dav::{DavServer, PrivateRadicale, event};
use kapsel_tests::https::{Received, Reply, TestCa, serve};
use kapsel_tests::mail::{unique, unlocked_env};
use kapsel_tests::policy_text;
use kapsel_tests::servers::test_servers;

fn sync(env: &Env) -> serde_json::Value {
    let r = env.run(&["--json", "sync", "now"]);
    r.ok();
    r.json()
}

fn days(env: &Env, from: &str, n: u32) -> Vec<serde_json::Value> {
    let r = env.run(&["--json", "cal", "days", from, "--days", &n.to_string()]);
    r.ok();
    r.json()["events"].as_array().unwrap().clone()
}

fn titled<'a>(events: &'a [serde_json::Value], title: &str) -> Vec<&'a serde_json::Value> {
    events
        .iter()
        .filter(|e| e["summary"].as_str().unwrap_or("").contains(title))
        .collect()
}

fn round_trip(server: DavServer) {
    let (cal, name) = server.new_calendar("kal");
    let env = server.env();
    let tag = unique("rt");
    // A second client creates an event; Kapsel's sync shows it.
    let theirs = format!("{tag}-theirs");
    let r = server.put(
        &format!("{cal}{tag}.ics"),
        &event(
            &format!("{tag}@test"),
            &theirs,
            "20261203T100000",
            "20261203T110000",
            "",
        ),
        None,
    );
    assert!(r.status == 201 || r.status == 204, "{r:?}");
    let report = sync(&env);
    assert!(
        report["groupware"]["errors"]
            .as_array()
            .is_none_or(|e| e.is_empty()),
        "{report}"
    );
    let ev = days(&env, "2026-12-03", 1);
    let found = titled(&ev, &theirs);
    assert_eq!(found.len(), 1, "{ev:?}");
    assert_eq!(found[0]["start"], "2026-12-03T10:00:00+01:00");
    assert_eq!(found[0]["calendar"], name);
    // Kapsel creates one; the second client sees it.
    let ours = format!("{tag}-ours");
    let r = env.run(&[
        "--json",
        "cal",
        "add",
        "--title",
        &ours,
        "--start",
        "2026-12-04 09:30",
        "--duration",
        "45",
        "--calendar",
        &name,
        "--location",
        "Raum 1; Haus \"B\"",
    ]);
    r.ok();
    let uid = r.json()["uid"].as_str().unwrap().to_string();
    let (href, _, data) = server
        .find(&cal, &ours)
        .unwrap_or_else(|| panic!("{ours} not on {}: {}", server.name, r.stdout));
    // Local time with its zone, and the VTIMEZONE that defines it.
    assert!(
        data.contains("DTSTART;TZID=Europe/Berlin:20261204T093000"),
        "{data}"
    );
    assert!(data.contains("BEGIN:VTIMEZONE"), "{data}");
    assert!(data.contains("LOCATION:Raum 1\\; Haus \"B\""), "{data}");
    // The second client changes Kapsel's event; after a sync Kapsel shows the change.
    let changed = data.replace(&ours, &format!("{ours}-renamed"));
    let r = server.put(&href, &changed, None);
    assert!(r.status / 100 == 2, "{r:?}");
    sync(&env);
    assert_eq!(
        titled(&days(&env, "2026-12-04", 1), &format!("{ours}-renamed")).len(),
        1
    );
    // Kapsel changes the second client's event; the server has it.
    let theirs_uid = format!("{tag}@test");
    env.run(&[
        "cal",
        "edit",
        &theirs_uid,
        "--title",
        &format!("{theirs}-edited"),
        "--start",
        "2026-12-03 12:00",
    ])
    .ok();
    let (_, _, data) = server.find(&cal, &theirs_uid).unwrap();
    assert!(data.contains(&format!("{theirs}-edited")), "{data}");
    // The length stayed one hour.
    let ev = days(&env, "2026-12-03", 1);
    let e = titled(&ev, &theirs)[0];
    assert_eq!(
        (e["start"].as_str().unwrap(), e["end"].as_str().unwrap()),
        ("2026-12-03T12:00:00+01:00", "2026-12-03T13:00:00+01:00")
    );
    // Deleting on either side reaches the other.
    let r = server.request("DELETE", &href, &[], None);
    assert!(r.status / 100 == 2, "{r:?}");
    env.run(&["cal", "rm", &theirs_uid]).ok();
    assert!(server.find(&cal, &theirs_uid).is_none());
    sync(&env);
    assert!(titled(&days(&env, "2026-12-03", 2), &tag).is_empty());
    let _ = uid;
}

#[test]
fn events_round_trip_both_ways_on_radicale() {
    round_trip(DavServer::radicale());
}

#[test]
fn events_round_trip_both_ways_on_xandikos() {
    round_trip(DavServer::xandikos());
}

#[test]
fn events_round_trip_both_ways_on_xandikos_behind_nginx_with_tls_and_basic_auth() {
    round_trip(DavServer::xandikos_tls());
}

const BERLIN: &str = "BEGIN:VTIMEZONE\r\nTZID:Europe/Berlin\r\nBEGIN:DAYLIGHT\r\nTZOFFSETFROM:+0100\r\nTZOFFSETTO:+0200\r\nTZNAME:CEST\r\nDTSTART:19700329T020000\r\nRRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU\r\nEND:DAYLIGHT\r\nBEGIN:STANDARD\r\nTZOFFSETFROM:+0200\r\nTZOFFSETTO:+0100\r\nTZNAME:CET\r\nDTSTART:19701025T030000\r\nRRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU\r\nEND:STANDARD\r\nEND:VTIMEZONE\r\n";

fn series_on(server: DavServer) {
    let (cal, _) = server.new_calendar("kal");
    let tag = unique("jf");
    // A weekly Jour fixe at 10:00 Berlin time from 14 October 2026, six times: daylight
    // saving time ends on 25 October. The 21 October meeting moves to 14:00, the one on
    // 4 November is cancelled.
    let data = format!(
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//curl//EN\r\n{BERLIN}BEGIN:VEVENT\r\nUID:{tag}\r\nDTSTAMP:20260101T000000Z\r\nDTSTART;TZID=Europe/Berlin:20261014T100000\r\nDTEND;TZID=Europe/Berlin:20261014T110000\r\nRRULE:FREQ=WEEKLY;COUNT=6\r\nEXDATE;TZID=Europe/Berlin:20261104T100000\r\nSUMMARY:{tag} Jour fixe\r\nEND:VEVENT\r\nBEGIN:VEVENT\r\nUID:{tag}\r\nDTSTAMP:20260101T000000Z\r\nRECURRENCE-ID;TZID=Europe/Berlin:20261021T100000\r\nDTSTART;TZID=Europe/Berlin:20261021T140000\r\nDTEND;TZID=Europe/Berlin:20261021T150000\r\nSUMMARY:{tag} Jour fixe (verschoben)\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
    );
    let r = server.put(&format!("{cal}{tag}.ics"), &data, None);
    assert!(r.status / 100 == 2, "{r:?}");
    let env = server.env();
    sync(&env);
    let ev = days(&env, "2026-10-12", 42);
    let starts: Vec<&str> = titled(&ev, &tag)
        .iter()
        .map(|e| e["start"].as_str().unwrap())
        .collect();
    assert_eq!(
        starts,
        [
            "2026-10-14T10:00:00+02:00",
            "2026-10-21T14:00:00+02:00",
            "2026-10-28T10:00:00+01:00",
            "2026-11-11T10:00:00+01:00",
            "2026-11-18T10:00:00+01:00",
        ],
        "{ev:?}"
    );
    // A series Kapsel creates keeps its local time across the change too.
    let ours = format!("{tag}-ours");
    let (_, name) = server.new_calendar("kal");
    env.run(&["sync", "now"]).ok();
    env.run(&[
        "cal",
        "add",
        "--title",
        &ours,
        "--start",
        "2026-10-20 09:00",
        "--repeat",
        "FREQ=WEEKLY;COUNT=3",
        "--calendar",
        &name,
    ])
    .ok();
    let ev = days(&env, "2026-10-19", 21);
    let starts: Vec<&str> = titled(&ev, &ours)
        .iter()
        .map(|e| e["start"].as_str().unwrap())
        .collect();
    assert_eq!(
        starts,
        [
            "2026-10-20T09:00:00+02:00",
            "2026-10-27T09:00:00+01:00",
            "2026-11-03T09:00:00+01:00"
        ]
    );
    // "show" lists the series' occurrences.
    let r = env.run(&["--json", "cal", "show", &tag]);
    r.ok();
    assert_eq!(
        r.json()["events"].as_array().unwrap().len(),
        5,
        "{}",
        r.stdout
    );
}

#[test]
fn a_weekly_series_across_the_end_of_dst_with_one_moved_and_one_cancelled_on_radicale() {
    series_on(DavServer::radicale());
}

#[test]
fn a_weekly_series_across_the_end_of_dst_with_one_moved_and_one_cancelled_on_xandikos() {
    series_on(DavServer::xandikos());
}

#[test]
fn a_412_conflict_is_merged_field_by_field_or_both_versions_are_kept() {
    let server = DavServer::radicale();
    let (cal, name) = server.new_calendar("kal");
    let env = server.env();
    env.run(&["sync", "now"]).ok();
    let tag = unique("cf");
    let r = env.run(&[
        "--json",
        "cal",
        "add",
        "--title",
        &tag,
        "--start",
        "2026-12-07 10:00",
        "--calendar",
        &name,
        "--location",
        "Raum 1",
    ]);
    r.ok();
    let uid = r.json()["uid"].as_str().unwrap().to_string();
    // Someone else moves the meeting to another room meanwhile …
    let (href, etag, data) = server.find(&cal, &uid).unwrap();
    let r = server.put(&href, &data.replace("Raum 1", "Raum 2"), etag.as_deref());
    assert!(r.status / 100 == 2, "{r:?}");
    // … while Kapsel (which has not synced) renames it: 412, merged, both changes kept.
    let r = env.run(&["cal", "edit", &uid, "--title", &format!("{tag} neu")]);
    r.ok();
    assert!(r.stdout.contains("Merged"), "{}", r.stdout);
    let (_, _, data) = server.find(&cal, &uid).unwrap();
    assert!(
        data.contains(&format!("SUMMARY:{tag} neu")) && data.contains("LOCATION:Raum 2"),
        "{data}"
    );
    // Both change the title: the server's stays, Kapsel's becomes a marked copy.
    let (href, etag, data) = server.find(&cal, &uid).unwrap();
    server.put(
        &href,
        &data.replace(&format!("{tag} neu"), &format!("{tag} theirs")),
        etag.as_deref(),
    );
    let r = env.run(&["cal", "edit", &uid, "--title", &format!("{tag} ours")]);
    r.ok();
    assert!(r.stdout.contains("both versions are kept"), "{}", r.stdout);
    let objects = server.objects(&cal);
    assert!(
        objects
            .iter()
            .any(|(_, _, d)| d.contains(&format!("SUMMARY:{tag} theirs"))),
        "{objects:?}"
    );
    assert!(
        objects
            .iter()
            .any(|(_, _, d)| d.contains(&format!("{tag} ours (conflict copy)"))),
        "{objects:?}"
    );
    env.run(&["sync", "now"]).ok();
    let ev = days(&env, "2026-12-07", 1);
    assert_eq!(titled(&ev, &tag).len(), 2, "{ev:?}");
}

#[test]
fn edits_made_while_the_server_is_down_are_kept_sealed_and_replayed_in_order() {
    let mut radicale = PrivateRadicale::start();
    let server = radicale.server();
    let (cal, name) = server.new_calendar("kal");
    let env = server.env();
    env.run(&["sync", "now"]).ok();
    let tag = unique("off");
    radicale.stop();
    // Offline: the edits are accepted, shown, and wait in the queue.
    let r = env.run(&[
        "--json",
        "cal",
        "add",
        "--title",
        &format!("{tag} eins"),
        "--start",
        "2026-12-08 08:00",
        "--calendar",
        &name,
    ]);
    r.ok();
    let uid = r.json()["uid"].as_str().unwrap().to_string();
    assert!(r.json()["replay"]["offline"].is_string(), "{}", r.stdout);
    env.run(&["cal", "edit", &uid, "--title", &format!("{tag} zwei")])
        .ok();
    env.run(&[
        "cal",
        "add",
        "--title",
        &format!("{tag} drei"),
        "--start",
        "2026-12-08 12:00",
        "--calendar",
        &name,
    ])
    .ok();
    assert_eq!(titled(&days(&env, "2026-12-08", 1), &tag).len(), 2);
    let st = env.run(&["--json", "sync", "status"]);
    st.ok();
    assert_eq!(
        st.json()["groupware"]["queued"].as_array().unwrap().len(),
        3,
        "{}",
        st.stdout
    );
    // A sync while still down says so and loses nothing.
    let r = env.run(&["--json", "sync", "now"]);
    assert!(
        r.json()["groupware"]["errors"]
            .as_array()
            .is_some_and(|e| !e.is_empty()),
        "{} {}",
        r.stdout,
        r.stderr
    );
    // Back: the next sync replays them in order.
    radicale.resume();
    let r = env.run(&["--json", "sync", "now"]);
    r.ok();
    assert_eq!(r.json()["groupware"]["replay"]["sent"], 3, "{}", r.stdout);
    let objects = server.objects(&cal);
    assert!(
        objects
            .iter()
            .any(|(_, _, d)| d.contains(&format!("{tag} zwei"))),
        "{objects:?}"
    );
    assert!(
        objects
            .iter()
            .any(|(_, _, d)| d.contains(&format!("{tag} drei"))),
        "{objects:?}"
    );
    assert!(
        !objects
            .iter()
            .any(|(_, _, d)| d.contains(&format!("{tag} eins"))),
        "{objects:?}"
    );
    let st = env.run(&["--json", "sync", "status"]);
    assert_eq!(
        st.json()["groupware"]["queued"].as_array().unwrap().len(),
        0
    );
}

#[test]
fn tasks_round_trip_with_due_priority_status_and_the_overdue_list() {
    let server = DavServer::xandikos();
    let (cal, name) = server.new_calendar("kal");
    let tag = unique("task");
    let theirs = format!(
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//curl//EN\r\nBEGIN:VTODO\r\nUID:{tag}-theirs\r\nDTSTAMP:20260101T000000Z\r\nSUMMARY:{tag} Bericht\r\nDUE;VALUE=DATE:20200101\r\nPRIORITY:1\r\nCATEGORIES:Amt,Bericht\r\nSTATUS:IN-PROCESS\r\nPERCENT-COMPLETE:40\r\nEND:VTODO\r\nEND:VCALENDAR\r\n"
    );
    server.put(&format!("{cal}{tag}.ics"), &theirs, None);
    let env = server.env();
    env.run(&["sync", "now"]).ok();
    let r = env.run(&["--json", "tasks", "overdue"]);
    r.ok();
    let t = r.json();
    let mine: Vec<_> = t["tasks"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|x| x["summary"].as_str().unwrap().contains(&tag))
        .collect();
    assert_eq!(mine.len(), 1, "{t}");
    assert_eq!(
        (
            mine[0]["priority"].as_i64(),
            mine[0]["percent"].as_i64(),
            mine[0]["status"].as_str()
        ),
        (Some(1), Some(40), Some("IN-PROCESS"))
    );
    assert_eq!(mine[0]["categories"], serde_json::json!(["Amt", "Bericht"]));
    let r = env.run(&[
        "--json",
        "tasks",
        "add",
        &format!("{tag} Akte"),
        "--due",
        "2030-01-31",
        "--priority",
        "3",
        "--category",
        "Akte",
        "--list",
        &name,
    ]);
    r.ok();
    let uid = r.json()["uid"].as_str().unwrap().to_string();
    let (_, _, data) = server.find(&cal, &uid).unwrap();
    assert!(
        data.contains("BEGIN:VTODO")
            && data.contains("DUE;VALUE=DATE:20300131")
            && data.contains("PRIORITY:3"),
        "{data}"
    );
    env.run(&["tasks", "done", &format!("{tag}-theirs")]).ok();
    let (_, _, data) = server.find(&cal, &format!("{tag}-theirs")).unwrap();
    assert!(
        data.contains("STATUS:COMPLETED")
            && data.contains("PERCENT-COMPLETE:100")
            && data.contains("COMPLETED:"),
        "{data}"
    );
    let r = env.run(&["--json", "tasks"]);
    let open: Vec<String> = r.json()["tasks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x["summary"].as_str().unwrap().to_string())
        .filter(|s| s.contains(&tag))
        .collect();
    assert_eq!(open, [format!("{tag} Akte")]);
    env.run(&["tasks", "rm", &uid]).ok();
    assert!(server.find(&cal, &uid).is_none());
}

/// A hostile CalDAV/CardDAV server: discovery works, then every object it hands out is
/// malformed in another way.
fn hostile_dav(r: &Received) -> Reply {
    let ms = |inner: String| {
        Reply::Full {
        status: 207,
        headers: vec![("Content-Type".into(), "application/xml".into())],
        body: format!(r#"<?xml version="1.0"?><d:multistatus xmlns:d="DAV:" xmlns:c="urn:ietf:params:xml:ns:caldav" xmlns:a="urn:ietf:params:xml:ns:carddav">{inner}</d:multistatus>"#).into_bytes(),
    }
    };
    let ok = |href: &str, props: &str| {
        format!(
            "<d:response><d:href>{href}</d:href><d:propstat><d:prop>{props}</d:prop><d:status>HTTP/1.1 200 OK</d:status></d:propstat></d:response>"
        )
    };
    match (r.method.as_str(), r.path.as_str(), r.header("depth")) {
        ("PROPFIND", "/.well-known/caldav" | "/.well-known/carddav" | "/", _) => ms(ok(
            &r.path,
            "<d:current-user-principal><d:href>/p/</d:href></d:current-user-principal>",
        )),
        ("PROPFIND", "/p/", _) => ms(ok(
            "/p/",
            "<c:calendar-home-set><d:href>/h/</d:href></c:calendar-home-set><a:addressbook-home-set><d:href>/h/</d:href></a:addressbook-home-set>",
        )),
        ("PROPFIND", "/h/", Some("1")) => ms(ok(
            "/h/",
            "<d:resourcetype><d:collection/></d:resourcetype>",
        ) + &ok(
            "/h/cal/",
            "<d:resourcetype><d:collection/><c:calendar/></d:resourcetype><d:displayname>Hostile</d:displayname>",
        ) + &ok(
            "/h/book/",
            "<d:resourcetype><d:collection/><a:addressbook/></d:resourcetype><d:displayname>Hostile book</d:displayname>",
        )),
        // sync-collection (no Depth header): every object, with a token.
        ("REPORT", path @ ("/h/cal/" | "/h/book/"), None) => {
            let cards = path == "/h/book/";
            let ext = if cards { "vcf" } else { "ics" };
            let mut inner: String = (0..hostile_objects(cards).len())
                .map(|i| {
                    ok(
                        &format!("{path}{i}.{ext}"),
                        &format!("<d:getetag>\"{i}\"</d:getetag>"),
                    )
                })
                .collect();
            inner.push_str("<d:sync-token>http://hostile/sync/1</d:sync-token>");
            ms(inner)
        }
        // multiget (Depth: 1): the objects.
        ("REPORT", path @ ("/h/cal/" | "/h/book/"), Some(_)) => {
            let cards = path == "/h/book/";
            let (ext, prop) = if cards {
                ("vcf", "a:address-data")
            } else {
                ("ics", "c:calendar-data")
            };
            let inner: String = hostile_objects(cards)
                .iter()
                .enumerate()
                .map(|(i, data)| {
                    ok(
                        &format!("{path}{i}.{ext}"),
                        &format!(
                            "<d:getetag>\"{i}\"</d:getetag><{prop}>{}</{prop}>",
                            xml_escape(data)
                        ),
                    )
                })
                .collect();
            ms(inner)
        }
        _ => Reply::Full {
            status: 404,
            headers: vec![],
            body: vec![],
        },
    }
}

fn xml_escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// Ten malformed calendar objects and ten malformed vCards.
fn hostile_objects(cards: bool) -> Vec<String> {
    let ev = |body: &str| {
        format!(
            "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nBEGIN:VEVENT\r\nUID:h\r\n{body}END:VEVENT\r\nEND:VCALENDAR\r\n"
        )
    };
    if !cards {
        vec![
            String::new(),
            "this is not a calendar".into(),
            "BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nSUMMARY:never ends\r\n".into(),
            ev("DTSTART:notadate\r\nSUMMARY:bad date\r\n"),
            // Unbounded and fast: bounded expansion, a clear note.
            ev("DTSTART:20260101T000000Z\r\nRRULE:FREQ=SECONDLY\r\nSUMMARY:every second\r\n"),
            ev(
                "DTSTART:20200101T000000Z\r\nRRULE:FREQ=DAILY;COUNT=10000\r\nSUMMARY:ten thousand\r\n",
            ),
            // A rule that never produces a date.
            ev(
                "DTSTART:20260101T000000Z\r\nRRULE:FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=31\r\nSUMMARY:never\r\n",
            ),
            format!("BEGIN:VCALENDAR\r\n{}", "BEGIN:VEVENT\r\n".repeat(5000)),
            ev(&format!(
                "DTSTART:20261201T100000Z\r\nSUMMARY:{}\r\n",
                "x".repeat(300_000)
            )),
            // A 5 MB event: refused by size, named, not parsed.
            ev(&format!(
                "DTSTART:20261201T100000Z\r\nDESCRIPTION:{}\r\n",
                "y".repeat(5 * 1024 * 1024)
            )),
        ]
    } else {
        vec![
            String::new(),
            "BEGIN:VCARD\r\nVERSION:9.9\r\n".into(),
            "BEGIN:VCARD\r\nEND:VCALENDAR\r\n".into(),
            format!(
                "BEGIN:VCARD\r\nVERSION:4.0\r\nFN:many\r\n{}END:VCARD\r\n",
                "EMAIL:a@b\r\n".repeat(20_000)
            ),
            "BEGIN:VCARD\r\nVERSION:2.1\r\nFN;ENCODING=QUOTED-PRINTABLE:=E4=\r\nEND:VCARD\r\n"
                .into(),
            "BEGIN:VCARD\r\nVERSION:3.0\r\nN:;;;;;;;;;;;;;;;;;;;;;;;;;;;;;;;;\r\nEND:VCARD\r\n"
                .into(),
            "BEGIN:VCARD\r\nVERSION:4.0\r\nPHOTO;ENCODING=b:!!!notbase64!!!\r\nEND:VCARD\r\n"
                .into(),
            format!(
                "BEGIN:VCARD\r\nVERSION:4.0\r\nFN:{}\r\nEND:VCARD\r\n",
                "\u{202e}".repeat(1000)
            ),
            "BEGIN:VCARD\r\nVERSION:4.0\r\nTEL;VALUE=uri:tel:\r\nBDAY:99999999\r\nEND:VCARD\r\n"
                .into(),
            "BEGIN:VCARD\r\n\r\n\r\n:::\r\n;;;\r\nEND:VCARD".into(),
        ]
    }
}

#[test]
fn twenty_malformed_calendar_objects_and_vcards_are_read_without_a_panic_and_with_bounded_work() {
    let ca = TestCa::new();
    let server = serve(&ca, hostile_dav);
    let policy = policy_text(
        1,
        &format!(
            "[servers]\ncaldav = \"{o}/\"\ncarddav = \"{o}/\"\n\n[tls]\ntrust_anchors = ['''{ca}''']\n",
            o = server.origin(),
            ca = ca.pem
        ),
    );
    let env = unlocked_env("alice@corp.test", &policy);
    env.run(&["sync", "now"]).ok();
    // (The worker may have synced at unlock already: count what is stored.)
    let r = env.run(&["--json", "sync", "status"]);
    r.ok();
    let g = &r.json()["groupware"];
    let total: u64 = g["collections"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["objects"].as_u64().unwrap())
        .sum();
    assert_eq!(total, 20, "{}", r.stdout);
    for args in [
        &["cal", "week"][..],
        &["cal", "next"],
        &["cal", "days", "2020-01-01", "--days", "366"],
        &["tasks"],
        &["contacts", "list"],
        &["sync", "status"],
    ] {
        env.run(args).ok();
    }
    let r = env.run(&["--json", "cal", "days", "2026-01-01", "--days", "2"]);
    r.ok();
    let a = r.json();
    assert!(a["unreadable"].as_u64().unwrap() >= 3, "{a}");
    assert!(
        a["truncated"].as_array().is_some_and(|t| !t.is_empty()),
        "{a}"
    );
}

#[test]
fn a_reminder_becomes_a_notification_with_its_title_while_unlocked_and_a_count_while_locked() {
    let server = DavServer::radicale();
    let (_, name) = server.new_calendar("kal");
    let env = server.env();
    env.run(&["sync", "now"]).ok();
    let tag = unique("erinnerung");
    // Starts in 65 s, reminds a minute before: due in about 5 s.
    let start = rfc3339(chrono_now() + 65);
    let r = env.run(&[
        "--json",
        "cal",
        "add",
        "--title",
        &tag,
        "--start",
        &start,
        "--remind",
        "1",
        "--calendar",
        &name,
    ]);
    r.ok();
    std::thread::sleep(std::time::Duration::from_secs(7));
    let r = env.run(&["--json", "sync", "now"]);
    r.ok();
    assert!(
        r.json()["groupware"]["reminders"].as_u64().unwrap() >= 1,
        "{}",
        r.stdout
    );
    let r = env.run(&["notifications"]);
    assert!(r.ok().stdout.contains(&tag), "{}", r.stdout);
    env.run(&["lock"]).ok();
    let r = env.run(&["notifications"]);
    r.ok();
    assert!(
        r.stdout.contains("notification(s)") && !r.stdout.contains(&tag),
        "locked: only a count: {}",
        r.stdout
    );
}

fn chrono_now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64
}

/// Seconds since the epoch as RFC 3339 UTC (what `--start` also takes), by date(1).
fn rfc3339(secs: i64) -> String {
    let out = std::process::Command::new("date")
        .args(["-u", "-d", &format!("@{secs}"), "+%Y-%m-%dT%H:%M:%SZ"])
        .output()
        .expect("date runs");
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

#[test]
fn a_refused_login_and_an_untrusted_certificate_say_what_is_wrong() {
    let s = test_servers();
    // dave is not in Radicale's accounts: 401.
    let policy = DavServer::radicale().policy("");
    let env = unlocked_env("dave@corp.test", &policy);
    let r = env.run(&["--json", "sync", "now"]);
    r.ok();
    let errors = r.json()["groupware"]["errors"].to_string();
    assert!(errors.contains("refused the login (401)"), "{errors}");
    // nginx in front of Xandikos with a certificate from a CA the tenant does not trust.
    let text = policy_text(
        1,
        &format!(
            "[servers]\ncaldav = \"{}\"\n\n[tls]\nonly_anchors = true\ntrust_anchors = ['''{}''']\n",
            s.get("TEST_XANDIKOS_HTTPS_URL"),
            TestCa::new().pem
        ),
    );
    let env = unlocked_env("alice@corp.test", &text);
    let r = env.run(&["--json", "sync", "now"]);
    r.ok();
    let errors = r.json()["groupware"]["errors"].to_string();
    assert!(
        errors.contains("TLS") && errors.to_lowercase().contains("certificate"),
        "{errors}"
    );
}
