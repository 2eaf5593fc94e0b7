//! Mail against the real Dovecot started by tests/servers: sync both ways, expunge,
//! UIDVALIDITY reset, push, outbox across outages and kills, delegate and shared mailboxes,
//! send on behalf, attachments, search, notifications, out-of-office via the CLI, and the
//! error messages for a wrong password and an untrusted certificate. Tests share the
//! server's mailboxes, so they take turns.

use std::sync::Mutex;
use std::time::Duration;

use kapsel_tests::mail::{
    Relay, doveadm, imap_as, lmtp_deliver, mail_env, simple_message, sink_messages, unique, unlock,
    wait_for,
};
use kapsel_tests::servers::test_servers;
use serde_json::Value;

static TURN: Mutex<()> = Mutex::new(());

fn turn() -> std::sync::MutexGuard<'static, ()> {
    TURN.lock().unwrap_or_else(|p| p.into_inner())
}

fn find(list: &Value, subject: &str) -> Option<Value> {
    let rows = if list.get("hits").is_some() {
        &list["hits"]
    } else {
        list
    };
    rows.as_array()?
        .iter()
        .find(|m| m["subject"].as_str() == Some(subject))
        .cloned()
}

/// Enrolled and unlocked; the background worker does its first sync and then waits four
/// hours (no push), so the test's own `sync now` results are what it counts.
fn quiet_env(user: &str) -> kapsel_tests::Env {
    let env = mail_env(user, "");
    unlock(&env).ok();
    env.run(&["sync", "schedule", "--every", "240", "--push", "off"])
        .ok();
    env
}

fn list(env: &kapsel_tests::Env, folder: &str) -> Value {
    env.run(&["--json", "mail", "list", folder, "--limit", "100000"])
        .ok()
        .json()
}

#[test]
fn sync_round_trips_flags_expunges_and_uidvalidity_resets() {
    let _t = turn();
    let user = "alice@corp.test";
    let marker = unique("sync-");
    let folder = format!("T{marker}");
    let mut imap = imap_as(user);
    imap.create(&folder).unwrap();
    for i in 0..3 {
        let msg = simple_message(
            "Bob <bob@corp.test>",
            user,
            &format!("{marker} {i}"),
            "Hallo",
        );
        imap.append(&folder, &[], &msg).unwrap();
    }
    let env = quiet_env(user);
    env.run(&["--json", "sync", "now"]).ok();
    let l = list(&env, &folder);
    assert_eq!(l.as_array().unwrap().len(), 3, "{l}");
    let m0 = find(&l, &format!("{marker} 0")).unwrap();
    assert_eq!(m0["seen"], false);

    // Server → container: flag \Flagged on message 1, expunge message 2.
    imap.select(&folder, false, None).unwrap();
    let uids = imap.uid_search("ALL").unwrap();
    imap.uid_store(&uids[1].to_string(), true, &["\\Flagged"])
        .unwrap();
    imap.expunge_uids(&uids[2].to_string()).unwrap();
    let r = env.run(&["--json", "sync", "now"]).ok().json();
    assert!(r["expunged"].as_u64().unwrap() >= 1, "{r}");
    let l = list(&env, &folder);
    assert_eq!(l.as_array().unwrap().len(), 2, "{l}");
    assert_eq!(find(&l, &format!("{marker} 1")).unwrap()["flagged"], true);

    // Container → server: reading marks \Seen, pushed at the next sync.
    let id = m0["id"].as_i64().unwrap().to_string();
    let read = env.run(&["--json", "mail", "read", &id]).ok().json();
    assert!(read["text"].as_str().unwrap().contains("Hallo"));
    env.run(&["sync", "now"]).ok();
    let mut seen = Vec::new();
    imap.select(&folder, false, None).unwrap();
    imap.uid_fetch(&uids[0].to_string(), "UID FLAGS", &mut |f| {
        seen = f.flags.unwrap_or_default();
        Ok(())
    })
    .unwrap();
    assert!(seen.iter().any(|f| f == "\\Seen"), "{seen:?}");

    // UIDVALIDITY reset: the folder is fetched anew, nothing stale remains.
    doveadm(&[
        "mailbox",
        "update",
        "-u",
        user,
        "--uid-validity",
        "12345",
        &folder,
    ]);
    let r = env.run(&["--json", "sync", "now"]).ok().json();
    assert_eq!(r["uidvalidity_resets"], 1, "{r}");
    assert_eq!(list(&env, &folder).as_array().unwrap().len(), 2);
    imap.run(
        &format!(
            "DELETE {}",
            kapsel_runtime::mail::imap::quote(&folder).unwrap()
        ),
        &mut |_| Ok(()),
    )
    .unwrap();
    let r = env.run(&["--json", "sync", "now"]).ok().json();
    assert!(r["folders"].as_u64().unwrap() >= 1);
    env.run(&["mail", "list", &folder])
        .fails(7, "no mail folder");
}
