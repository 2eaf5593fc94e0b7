//! Calendars and tasks: round trips both ways on each server, recurrence across the end of
//! daylight saving time, a 412 conflict merged or kept twice, offline edits replayed, and
//! malformed objects read without a panic.

use kapsel_tests::Env;
use kapsel_tests::dav::{DavServer, event};
use kapsel_tests::mail::unique;

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
    events.iter().filter(|e| e["summary"].as_str().unwrap_or("").contains(title)).collect()
}

fn round_trip(server: DavServer) {
    let (cal, name) = server.new_calendar("kal");
    let env = server.env();
    let tag = unique("rt");
    // A second client creates an event; Kapsel's sync shows it.
    let theirs = format!("{tag}-theirs");
    let r = server.put(&format!("{cal}{tag}.ics"), &event(&format!("{tag}@test"), &theirs, "20261203T100000", "20261203T110000", ""), None);
    assert!(r.status == 201 || r.status == 204, "{r:?}");
    let report = sync(&env);
    assert!(report["groupware"]["errors"].as_array().is_none_or(|e| e.is_empty()), "{report}");
    let ev = days(&env, "2026-12-03", 1);
    let found = titled(&ev, &theirs);
    assert_eq!(found.len(), 1, "{ev:?}");
    assert_eq!(found[0]["start"], "2026-12-03T10:00:00+01:00");
    assert_eq!(found[0]["calendar"], name);
    // Kapsel creates one; the second client sees it.
    let ours = format!("{tag}-ours");
    let r = env.run(&["--json", "cal", "add", "--title", &ours, "--start", "2026-12-04 09:30", "--duration", "45", "--calendar", &name, "--location", "Raum 1; Haus \"B\""]);
    r.ok();
    let uid = r.json()["uid"].as_str().unwrap().to_string();
    let (href, _, data) = server.find(&cal, &ours).unwrap_or_else(|| panic!("{ours} not on {}: {}", server.name, r.stdout));
    assert!(data.contains("DTSTART:20261204T083000Z"), "{data}");
    assert!(data.contains("LOCATION:Raum 1\\; Haus \"B\""), "{data}");
    // The second client changes Kapsel's event; after a sync Kapsel shows the change.
    let changed = data.replace(&ours, &format!("{ours}-renamed"));
    let r = server.put(&href, &changed, None);
    assert!(r.status / 100 == 2, "{r:?}");
    sync(&env);
    assert_eq!(titled(&days(&env, "2026-12-04", 1), &format!("{ours}-renamed")).len(), 1);
    // Kapsel changes the second client's event; the server has it.
    let theirs_uid = format!("{tag}@test");
    env.run(&["cal", "edit", &theirs_uid, "--title", &format!("{theirs}-edited"), "--start", "2026-12-03 12:00"]).ok();
    let (_, _, data) = server.find(&cal, &theirs_uid).unwrap();
    assert!(data.contains(&format!("{theirs}-edited")), "{data}");
    // The length stayed one hour.
    let ev = days(&env, "2026-12-03", 1);
    let e = titled(&ev, &theirs)[0];
    assert_eq!((e["start"].as_str().unwrap(), e["end"].as_str().unwrap()), ("2026-12-03T12:00:00+01:00", "2026-12-03T13:00:00+01:00"));
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
