//! Invitations by mail (iTIP over iMIP) between two users' containers, through Dovecot's
//! submission and LMTP (the test relays what the sink received, as the agency's MTA would):
//! alice invites bob, bob accepts, alice's event shows his answer; alice cancels, bob's
//! calendar loses the meeting. Radicale has no CalDAV scheduling, so mail is the only way.

use std::time::Duration;

use kapsel_tests::Env;
use kapsel_tests::dav::DavServer;
use kapsel_tests::mail::{
    lmtp_deliver, mail_policy, sink_messages, unique, unlocked_env, wait_for,
};
use kapsel_tests::policy_text;
use kapsel_tests::servers::test_servers;

fn env_for(user: &str) -> Env {
    let s = test_servers();
    let servers = format!("[servers]\ncaldav = \"{}\"\n", s.get("TEST_RADICALE_URL"));
    let text = policy_text(
        1,
        &mail_policy(&s, "plaintext_hosts = [\"127.0.0.1\"]\n").replacen(
            "[servers]\n",
            &servers,
            1,
        ),
    );
    unlocked_env(user, &text)
}

/// Take the message with `needle` from the sink and deliver it to `rcpt`'s inbox.
fn relay(needle: &str, from: &str, rcpt: &str) {
    let msg = wait_for(Duration::from_secs(20), || {
        sink_messages(needle).into_iter().next()
    })
    .unwrap_or_else(|| panic!("no message with {needle:?} reached the sink"));
    lmtp_deliver(from, rcpt, msg.as_bytes());
}

#[test]
fn an_invitation_is_sent_answered_and_the_answer_shows_in_the_organisers_event() {
    let (_, alice_cal) = DavServer::radicale_as("alice@corp.test").new_calendar("kal");
    let bob_dav = DavServer::radicale_as("bob@corp.test");
    bob_dav.new_calendar("kal");
    let alice = env_for("alice@corp.test");
    let bob = env_for("bob@corp.test");
    alice.run(&["sync", "now"]).ok();
    bob.run(&["sync", "now"]).ok();
    let title = unique("Abstimmung");
    let r = alice.run(&[
        "--json",
        "cal",
        "add",
        "--title",
        &title,
        "--start",
        "2026-12-09 11:00",
        "--calendar",
        &alice_cal,
        "--attendee",
        "bob@corp.test",
    ]);
    r.ok();
    assert_eq!(r.json()["invited"], 1, "{}", r.stdout);
    let uid = r.json()["uid"].as_str().unwrap().to_string();
    relay(
        &format!("Invitation: {title}"),
        "alice@corp.test",
        "bob@corp.test",
    );

    // Bob sees the invitation and accepts.
    bob.run(&["sync", "now"]).ok();
    let r = bob.run(&["--json", "cal", "invitations"]);
    r.ok();
    let inv = r.json()["invitations"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["uid"] == uid.as_str())
        .cloned()
        .unwrap_or_else(|| panic!("{}", r.stdout));
    assert_eq!(
        (inv["method"].as_str(), inv["my_status"].as_str()),
        (Some("REQUEST"), Some("NEEDS-ACTION"))
    );
    assert_eq!(inv["organizer"], "alice@corp.test");
    let message = inv["message"].as_i64().unwrap().to_string();
    let r = bob.run(&["--json", "cal", "respond", &message, "accept"]);
    r.ok();
    assert_eq!(r.json()["responded"]["reply_queued"], true, "{}", r.stdout);
    // In bob's calendar on the server, with his answer.
    let (_, _, data) = bob_dav
        .find_in_any_calendar(&uid)
        .expect("the accepted meeting is in bob's calendar");
    assert!(
        data.contains("PARTSTAT=ACCEPTED") && !data.contains("METHOD:"),
        "{data}"
    );
    let r = bob.run(&["--json", "cal", "invitations"]);
    let inv = r.json()["invitations"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["uid"] == uid.as_str())
        .cloned()
        .unwrap();
    assert_eq!(inv["my_status"], "ACCEPTED");

    // The REPLY reaches alice; her event shows bob's answer, on the server too.
    relay(
        &format!("Accepted: {title}"),
        "bob@corp.test",
        "alice@corp.test",
    );
    let r = alice.run(&["--json", "sync", "now"]);
    r.ok();
    assert_eq!(
        r.json()["groupware"]["invitations_applied"],
        1,
        "{}",
        r.stdout
    );
    let r = alice.run(&["--json", "cal", "show", &uid]);
    r.ok();
    let attendees = r.json()["events"][0]["attendees"].clone();
    assert_eq!(attendees[0]["address"], "bob@corp.test", "{attendees}");
    assert_eq!(attendees[0]["partstat"], "ACCEPTED", "{attendees}");

    // Alice cancels: bob's calendar loses the meeting at his next sync.
    let r = alice.run(&["--json", "cal", "rm", &uid]);
    r.ok();
    assert_eq!(r.json()["invited"], 1, "{}", r.stdout);
    relay(
        &format!("Cancelled: {title}"),
        "alice@corp.test",
        "bob@corp.test",
    );
    bob.run(&["sync", "now"]).ok();
    bob.run(&["sync", "now"]).ok();
    assert!(
        bob_dav.find_in_any_calendar(&uid).is_none(),
        "the cancelled meeting is gone from bob's calendar"
    );
}
