//! Mail against the real Dovecot started by tests/servers: sync both ways, expunge,
//! UIDVALIDITY reset, push, outbox across outages and kills, delegate and shared mailboxes,
//! send on behalf, attachments, search, notifications, out-of-office via the CLI, and the
//! error messages for a wrong password and an untrusted certificate. Tests share the
//! server's mailboxes, so they take turns.

use std::sync::Mutex;
use std::time::Duration;

use kapsel_tests::mail::{
    Relay, day, doveadm, imap_as, lmtp_deliver, mail_env, mail_env_with, simple_message,
    sink_messages, unique, unlock, wait_for,
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

/// Wait until the background worker waits in IDLE (after its first sync).
fn wait_for_push(env: &kapsel_tests::Env) {
    wait_for(Duration::from_secs(60), || {
        let v = env.run(&["--json", "sync", "status"]).ok().json();
        (v["sync"]["push_active"] == true).then_some(())
    })
    .expect("the worker never entered IDLE");
}

/// The messages at the SMTP sink containing `needle`, once there is at least one.
fn at_sink(needle: &str) -> Vec<String> {
    wait_for(Duration::from_secs(10), || {
        let m = sink_messages(needle);
        (!m.is_empty()).then_some(m)
    })
    .unwrap_or_else(|| panic!("nothing with {needle:?} reached the SMTP sink"))
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
    imap.delete(&folder).unwrap();
    let r = env.run(&["--json", "sync", "now"]).ok().json();
    assert!(r["folders"].as_u64().unwrap() >= 1);
    env.run(&["mail", "list", &folder])
        .fails(7, "no mail folder");
}

#[test]
fn push_delivers_new_mail_within_seconds_and_notifies_by_sender_and_subject() {
    let _t = turn();
    let user = "bob@corp.test";
    let env = mail_env(user, "");
    unlock(&env).ok();
    // Initial sync by the background worker, then it waits in IDLE on INBOX.
    wait_for_push(&env);
    let subject = unique("push-");
    let started = std::time::Instant::now();
    lmtp_deliver(
        "carol@corp.test",
        user,
        &simple_message("Carol Conrad <carol@corp.test>", user, &subject, "Neu!"),
    );
    let note = wait_for(Duration::from_secs(20), || {
        let v = env.run(&["--json", "notifications"]).ok().json();
        v["notifications"]
            .as_array()?
            .iter()
            .find(|n| n["body"].as_str() == Some(subject.as_str()))
            .cloned()
    })
    .expect("no notification for the new message within 20 s");
    let secs = started.elapsed().as_secs_f64();
    assert!(
        note["title"].as_str().unwrap().contains("Carol Conrad"),
        "{note}"
    );
    eprintln!("push: new mail visible after {secs:.2} s");
    assert!(find(&list(&env, "INBOX"), &subject).is_some());

    // Locked: only a count, never sender or subject.
    env.run(&["lock"]).ok();
    let locked = env.run(&["notifications"]);
    locked.ok();
    assert!(
        locked.stdout.contains("notification(s)"),
        "{}",
        locked.stdout
    );
    assert!(!locked.stdout.contains(&subject));
    assert!(!locked.stdout.contains("Carol"));
}

#[test]
fn outbox_survives_a_server_outage_and_a_killed_session_and_sends_exactly_once() {
    let _t = turn();
    let s = test_servers();
    let user = "carol@corp.test";
    // Submission goes through a relay this test can take down.
    let target = format!("{}:{}", s.get("TEST_HOST"), s.get("TEST_SUBMISSION_PORT"));
    let probe = Relay::start(0, target.clone());
    let port = probe.port;
    probe.stop();
    let extra = "";
    let env = mail_env(user, extra);
    // Point submission at the relay port (nothing listens yet: the server is "down").
    let policy = kapsel_tests::policy_text(
        2,
        &kapsel_tests::mail::mail_policy(&s, extra).replace(
            &format!(
                "submission://{}:{}",
                s.get("TEST_HOST"),
                s.get("TEST_SUBMISSION_PORT")
            ),
            &format!("submission://127.0.0.1:{port}"),
        ),
    );
    let file = env.tenant.policy_file("policy-2.toml", &policy);
    unlock(&env).ok();
    env.run(&["policy", "update", file.to_str().unwrap()]).ok();
    env.run(&["sync", "schedule", "--every", "240", "--push", "off"])
        .ok();
    let subject = unique("outbox-");
    let r = env
        .run(&[
            "--json",
            "mail",
            "compose",
            "--to",
            "dave@example.org",
            "--subject",
            &subject,
            "--body",
            "Bitte um Rückruf.",
        ])
        .ok()
        .json();
    assert_eq!(r["sent"], false, "{r}");
    let q = env.run(&["--json", "mail", "outbox"]).ok().json();
    assert_eq!(q.as_array().unwrap().len(), 1, "{q}");
    assert_eq!(q[0]["state"], "queued");
    assert!(
        q[0]["last_error"].as_str().unwrap().contains("refused"),
        "{q}"
    );

    // Kill the session hard; the queued message is in the vault, not in memory.
    let pid = env.status()["agent_pid"].as_u64().unwrap();
    unsafe { libc_kill(pid as i32) };
    std::thread::sleep(Duration::from_millis(500));
    unlock(&env).ok();
    assert!(sink_messages(&subject).is_empty());
    let relay = Relay::start(port, target);
    // This sync (or the background worker, whichever runs first) sends it.
    env.run(&["sync", "now"]).ok();
    let got = at_sink(&subject);
    env.run(&["sync", "now"]).ok();
    std::thread::sleep(Duration::from_secs(1));
    assert_eq!(sink_messages(&subject).len(), 1, "sent twice");
    assert!(got[0].contains("Bitte um R"), "{}", got[0]);
    assert_eq!(
        env.run(&["--json", "mail", "outbox"]).ok().json(),
        serde_json::json!([])
    );
    relay.stop();
}

/// The messages in `user`'s Sent folder on the server whose subject contains `subject`.
fn in_sent(user: &str, subject: &str) -> usize {
    let mut imap = imap_as(user);
    imap.select("Sent", true, None).unwrap();
    let n = imap
        .uid_search(&format!("HEADER Subject \"{subject}\""))
        .unwrap()
        .len();
    imap.logout();
    n
}

/// The mail policy with IMAP at `127.0.0.1:port` instead of the test server.
fn policy_with_imap_at(version: u64, port: u16) -> String {
    let s = test_servers();
    kapsel_tests::policy_text(
        version,
        &kapsel_tests::mail::mail_policy(&s, "").replace(
            &format!("imap://{}:{}", s.get("TEST_HOST"), s.get("TEST_IMAP_PORT")),
            &format!("imap://127.0.0.1:{port}"),
        ),
    )
}

#[test]
fn a_delivered_mails_sent_copy_survives_a_killed_session_and_is_filed_once() {
    let _t = turn();
    let s = test_servers();
    let user = "carol@corp.test";
    // IMAP goes through a relay this test can take down; submission stays up.
    let target = format!("{}:{}", s.get("TEST_HOST"), s.get("TEST_IMAP_PORT"));
    let relay = Relay::start(0, target.clone());
    let port = relay.port;
    let env = mail_env(user, "");
    let file = env
        .tenant
        .policy_file("policy-2.toml", &policy_with_imap_at(2, port));
    unlock(&env).ok();
    env.run(&["policy", "update", file.to_str().unwrap()]).ok();
    env.run(&["sync", "schedule", "--every", "240", "--push", "off"])
        .ok();
    env.run(&["sync", "now"]).ok();
    relay.stop();

    // Delivered while IMAP is down: the copy for Sent cannot be filed now.
    let subject = unique("sentcopy-");
    let r = env
        .run(&[
            "--json",
            "mail",
            "compose",
            "--to",
            "dave@example.org",
            "--subject",
            &subject,
            "--body",
            "Gesendet, Kopie folgt.",
        ])
        .ok()
        .json();
    assert_eq!(r["sent"], true, "{r}");
    assert_eq!(at_sink(&subject).len(), 1);
    assert_eq!(in_sent(user, &subject), 0);

    // The session dies before any later round; the owed copy is in the vault.
    let pid = env.status()["agent_pid"].as_u64().unwrap();
    unsafe { libc_kill(pid as i32) };
    std::thread::sleep(Duration::from_millis(500));
    let relay = Relay::start(port, target);
    unlock(&env).ok();
    env.run(&["sync", "now"]).ok();
    env.run(&["sync", "now"]).ok();
    assert_eq!(
        in_sent(user, &subject),
        1,
        "the Sent copy was lost or filed twice"
    );
    assert_eq!(sink_messages(&subject).len(), 1, "sent twice");
    relay.stop();
}

#[test]
fn sync_now_during_an_outage_fails_at_once_with_the_servers_error() {
    let _t = turn();
    // A server that takes the background worker's connection and never answers (the worker
    // holds the sync lock meanwhile), then goes away: further connections are refused.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let env = kapsel_tests::mail::unlocked_env("carol@corp.test", &policy_with_imap_at(1, port));
    listener.set_nonblocking(true).unwrap();
    let held = wait_for(Duration::from_secs(60), || listener.accept().ok())
        .expect("the background worker never connected");
    drop(listener);
    let started = std::time::Instant::now();
    env.run(&["sync", "now"]).fails(10, "refused");
    let took = started.elapsed();
    // Before, it waited for the stuck worker (its 30 s timeout) or said "a long sync is
    // running"; the probe answers with the server's own error.
    assert!(took < Duration::from_secs(15), "took {took:?}");
    drop(held);
}

#[test]
fn an_interrupted_first_sync_resumes_above_its_last_batch() {
    let _t = turn();
    let user = "bob@corp.test";
    let folder = unique("Resume");
    let env = quiet_env(user);
    kapsel_tests::mail::seed(user, &folder, 2500);
    let pid = env.status()["agent_pid"].as_u64().unwrap();
    let mut sync = env.command(&env.bin, &["sync", "now", "--folder", &folder]);
    let mut sync = sync
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    // Killed once a batch (1,000 messages) is committed.
    let (tx, rx) = std::sync::mpsc::channel();
    let stderr = sync.stderr.take().unwrap();
    std::thread::spawn(move || {
        use std::io::BufRead;
        for line in std::io::BufReader::new(stderr)
            .lines()
            .map_while(Result::ok)
        {
            let done = line
                .split_whitespace()
                .last()
                .and_then(|p| p.split_once('/'))
                .and_then(|(done, _)| done.parse::<u64>().ok());
            if done.is_some_and(|d| (1000..2500).contains(&d)) {
                let _ = tx.send(());
            }
        }
    });
    rx.recv_timeout(Duration::from_secs(120))
        .expect("the sync never reported a committed batch");
    unsafe { libc_kill(pid as i32) };
    let _ = sync.wait();
    std::thread::sleep(Duration::from_millis(300));

    // The next session (its background round and this sync) fetches only what is missing.
    unlock(&env).ok();
    env.run(&["sync", "now", "--folder", &folder]).ok();
    assert_eq!(list(&env, &folder).as_array().unwrap().len(), 2500);
    let log = env.run(&["audit-log", "--json"]).ok().json();
    let entries = log["entries"].as_array().expect("entries");
    let since_unlock = entries
        .iter()
        .rposition(|e| e["kind"] == "unlock")
        .expect("an unlock entry");
    let fetched: u64 = entries[since_unlock..]
        .iter()
        .filter(|e| e["kind"] == "mail-synced")
        .map(|e| e["detail"]["new"].as_u64().unwrap_or(0))
        .sum();
    eprintln!("fetched after the kill: {fetched} of 2500");
    assert!(
        fetched <= 1500 + 50,
        "the resumed sync fetched {fetched} messages again"
    );
    kapsel_tests::mail::doveadm(&["mailbox", "delete", "-u", user, "-s", &folder]);
}

unsafe extern "C" {
    #[link_name = "kill"]
    fn c_kill(pid: i32, sig: i32) -> i32;
}

unsafe fn libc_kill(pid: i32) {
    unsafe { c_kill(pid, 9) };
}

#[test]
fn delegate_and_function_mailboxes_are_opened_only_where_granted_and_send_on_behalf() {
    let _t = turn();
    // alice grants bob read access to a folder of hers.
    let folder = unique("Deleg");
    let subject = unique("deleg-");
    let mut alice = imap_as("alice@corp.test");
    alice.create(&folder).unwrap();
    alice
        .append(
            &folder,
            &[],
            &simple_message("x@corp.test", "alice@corp.test", &subject, "geteilt"),
        )
        .unwrap();
    alice.set_acl(&folder, "bob@corp.test", "lrs").unwrap();

    let bob = quiet_env("bob@corp.test");
    let boxes = bob.run(&["--json", "mail", "mailboxes"]).ok().json();
    let shared_name = format!("shared/alice@corp.test/{folder}");
    assert!(
        boxes
            .as_array()
            .unwrap()
            .iter()
            .any(|m| m["name"] == shared_name.as_str()),
        "{boxes}"
    );
    bob.run(&["mail", "mailboxes", "--open", &shared_name]).ok();
    let shared = find(&list(&bob, &shared_name), &subject).expect("the shared message");
    // "lrs": bob may mark it read but not flag it. The flag is refused here, naming the
    // rights, instead of being kept locally and never reaching the server.
    let id = shared["id"].as_i64().unwrap().to_string();
    bob.run(&["mail", "flag", &id, "flagged"]).fails(6, "lrs");
    assert_eq!(
        find(&list(&bob, &shared_name), &subject).unwrap()["flagged"],
        false
    );
    bob.run(&["mail", "flag", &id, "seen"]).ok();
    bob.run(&["mail", "mailboxes", "--open", "Public/poststelle"])
        .ok();
    assert!(
        find(
            &list(&bob, "Public/poststelle"),
            "Willkommen in der Poststelle"
        )
        .is_some()
    );

    // Send on behalf of the function mailbox: From: it, Sender: bob.
    let s2 = unique("behalf-");
    let r = bob
        .run(&[
            "--json",
            "mail",
            "compose",
            "--from",
            "poststelle@corp.test",
            "--to",
            "buerger@example.org",
            "--subject",
            &s2,
            "--body",
            "Ihr Antrag ist eingegangen.",
        ])
        .ok()
        .json();
    assert_eq!(r["sent"], true, "{r}");
    let got = at_sink(&s2);
    assert!(got[0].contains("poststelle@corp.test"), "{}", got[0]);
    assert!(
        got[0].contains("Sender: ") && got[0].contains("bob@corp.test"),
        "{}",
        got[0]
    );

    // carol: nothing granted — both refused with a clear message, nothing sent on behalf.
    let carol = quiet_env("carol@corp.test");
    carol
        .run(&["mail", "mailboxes", "--open", &shared_name])
        .fails(6, "no access");
    carol
        .run(&["mail", "mailboxes", "--open", "Public/poststelle"])
        .fails(6, "no access");
    carol
        .run(&[
            "mail",
            "compose",
            "--from",
            "poststelle@corp.test",
            "--to",
            "a@example.org",
            "--subject",
            "x",
            "--body",
            "y",
        ])
        .fails(6, "cannot send on behalf");
    // Revoked: bob's next open is refused too.
    alice.set_acl(&folder, "bob@corp.test", "").unwrap();
    bob.run(&["mail", "mailboxes", "--open", &shared_name])
        .fails(6, "no access");
    alice.delete(&folder).unwrap();
}

#[test]
fn wrong_password_and_untrusted_certificate_are_clear_errors() {
    let _t = turn();
    let s = test_servers();
    // A container whose password is not the directory password: the server refuses.
    let env = kapsel_tests::Env::new();
    let text = kapsel_tests::policy_text(1, &kapsel_tests::mail::mail_policy(&s, ""));
    let policy = env.tenant.policy_file("p.toml", &text);
    env.try_enroll(
        policy.to_str().unwrap(),
        &env.tenant.public_key(),
        &["--user", "alice@corp.test"],
        &format!("{}\n", kapsel_tests::PASSWORD),
    )
    .ok();
    env.unlock().ok();
    env.run(&["sync", "now"])
        .fails(10, "refused the login for alice@corp.test");

    // A tenant that trusts only another CA: the TLS check fails and says why.
    let other = kapsel_tests::https::TestCa::new();
    let text = kapsel_tests::policy_text(
        1,
        &kapsel_tests::mail::mail_policy(&s, "only_anchors = true"),
    )
    .replace(
        &std::fs::read_to_string(s.get("TEST_CA_FILE")).unwrap(),
        &other.pem,
    );
    let env2 = kapsel_tests::Env::new();
    let policy = env2.tenant.policy_file("p.toml", &text);
    env2.try_enroll(
        policy.to_str().unwrap(),
        &env2.tenant.public_key(),
        &["--user", "alice@corp.test"],
        &format!("{}\n", kapsel_tests::mail::MAIL_PASSWORD),
    )
    .ok();
    unlock(&env2).ok();
    env2.run(&["sync", "now"])
        .fails(10, "not issued by a CA the tenant trusts");
}

#[test]
fn attachments_open_in_the_viewer_an_edited_one_goes_out_with_the_reply_and_search_finds_mail() {
    let _t = turn();
    let user = "carol@corp.test";
    let (apps, key) = kapsel_tests::builtin_apps();
    let viewer = format!(
        "[[publishers]]\nname = \"Kapsel\"\nkey = \"{key}\"\nbuiltin = true\n\n[apps.viewer]\npreinstall = true\ndocuments = true\nlog = true\n"
    );
    let marker = unique("att");
    let folder = format!("Att{marker}");
    let mut imap = imap_as(user);
    imap.create(&folder).unwrap();
    let notes = kapsel_tests::mail_corpus::tricky_messages()
        .into_iter()
        .find(|t| t.raw.windows(9).any(|w| w == b"notes.txt"))
        .expect("the corpus has a notes.txt attachment");
    let raw =
        String::from_utf8_lossy(&notes.raw).replace("Subject: ", &format!("Subject: {marker} "));
    imap.append(&folder, &[], raw.as_bytes()).unwrap();
    // 25 MB attachment: synced as headers only, fetched on first read.
    let big = kapsel_tests::mail_corpus::big_attachment_message(25 * 1024 * 1024);
    imap.append(&folder, &[], &big).unwrap();

    let env = mail_env_with(user, &viewer, &["--apps", apps.to_str().unwrap()]);
    unlock(&env).ok();
    env.run(&["sync", "schedule", "--every", "240", "--push", "off"])
        .ok();
    env.run(&["sync", "now", "--folder", &folder]).ok();
    let l = list(&env, &folder);
    assert_eq!(l.as_array().unwrap().len(), 2, "{l}");
    let small = l
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["subject"].as_str().unwrap_or("").contains(&marker))
        .unwrap()
        .clone();
    let big_row = l
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["size"].as_u64().unwrap() > 20_000_000)
        .unwrap()
        .clone();

    // The big one: read fetches it; its attachment is kept in the container intact.
    let id = big_row["id"].as_i64().unwrap().to_string();
    let read = env.run(&["--json", "mail", "read", &id]).ok().json();
    assert_eq!(
        read["attachments"][0]["name"], "big.bin",
        "{}",
        read["attachments"]
    );
    let doc = env.run(&["--json", "mail", "attach", &id, "0"]).ok().json();
    assert_eq!(doc["size"].as_u64().unwrap(), 25 * 1024 * 1024);

    // notes.txt: opened in the viewer, edited there, the new version attached to a reply.
    let id = small["id"].as_i64().unwrap().to_string();
    let shown = env.run(&["mail", "attach", &id, "0"]);
    shown.ok();
    assert!(
        shown.stdout.contains("Haushaltsplan 2026"),
        "{}",
        shown.stdout
    );
    let doc = env.run(&["--json", "mail", "attach", &id, "0"]).ok().json();
    let doc_id = doc["id"].as_str().unwrap().to_string();
    let saved = env
        .run(&[
            "--json",
            "app",
            "act",
            "viewer",
            "save",
            "--doc",
            &doc_id,
            "--field",
            "text=Neue Fassung der Notizen",
        ])
        .ok()
        .json();
    let edited = saved["saved_documents"][0]["id"]
        .as_str()
        .unwrap()
        .to_string();
    let reply_marker = unique("reply-");
    let r = env
        .run(&[
            "--json",
            "mail",
            "reply",
            &id,
            "--body",
            &reply_marker,
            "--attach",
            &edited,
        ])
        .ok()
        .json();
    assert_eq!(r["sent"], true, "{r}");
    let got = at_sink(&reply_marker);
    let (info, bytes) = kapsel_mail::mime::attachment(got[0].as_bytes(), 0).unwrap();
    assert_eq!(info.name, "notes.txt");
    assert_eq!(String::from_utf8_lossy(&bytes), "Neue Fassung der Notizen");
    assert!(got[0].contains("Re: "), "{}", got[0]);

    // Search over sealed mail: body words, field filters, no false hits.
    let hits = env
        .run(&["--json", "mail", "search", &format!("subject:{marker}")])
        .ok()
        .json();
    assert!(
        find(&hits, small["subject"].as_str().unwrap()).is_some(),
        "{hits}"
    );
    let none = env
        .run(&["--json", "mail", "search", &format!("from:{marker}")])
        .ok()
        .json();
    assert_eq!(none["hits"].as_array().unwrap().len(), 0, "{none}");
    // The reply was filed in Sent; after a sync its text is searchable here.
    env.run(&["sync", "now"]).ok();
    let sent = env
        .run(&["--json", "mail", "search", &reply_marker])
        .ok()
        .json();
    assert_eq!(sent["hits"].as_array().unwrap().len(), 1, "{sent}");
    assert_eq!(sent["hits"][0]["folder"], "Sent");
    // Nothing of it was written outside the container.
    for f in kapsel_tests::files_under(env.tmp.path()) {
        if f.starts_with(&env.root) {
            continue;
        }
        let b = std::fs::read(&f).unwrap_or_default();
        assert!(
            !kapsel_tests::contains(&b, b"Haushaltsplan"),
            "{}",
            f.display()
        );
    }
    imap.delete(&folder).unwrap();
}

#[test]
fn search_finds_word_beginnings_and_words_spelt_without_umlauts_or_sharp_s() {
    let _t = turn();
    let user = "bob@corp.test";
    let marker = unique("such");
    let folder = format!("Such{marker}");
    let mut imap = imap_as(user);
    imap.create(&folder).unwrap();
    let raw = simple_message(
        "Jörg Müller <j.mueller@amt.example>",
        user,
        &format!("Haushaltsplan {marker}"),
        "Die Sitzung ist in der Schloßstraße, bitte die Größe der Räume prüfen.",
    );
    imap.append(&folder, &[], &raw).unwrap();
    let env = quiet_env(user);
    env.run(&["sync", "now", "--folder", &folder]).ok();
    // The marker is one more word every query must match: earlier runs' mail never counts.
    let hits = |q: &str| {
        let v = env
            .run(&["--json", "mail", "search", &format!("{q} {marker}")])
            .ok()
            .json();
        v["hits"].as_array().unwrap().len()
    };
    for q in [
        "Haush",
        "haushaltsplan",
        "subject:haus",
        "Mueller",
        "Müller",
        "Muller",
        "from:muel",
        "Joerg",
        "Schlossstrasse",
        "schloßstr",
        "Groesse",
        "Räume",
        "Raeume",
        "pruefen",
    ] {
        assert_eq!(hits(q), 1, "{q} should find the message");
    }
    for q in ["Hausmeister", "aushalt", "from:haus", "Mxller", "Strase"] {
        assert_eq!(hits(q), 0, "{q} should not find the message");
    }
    imap.delete(&folder).unwrap();
}

#[test]
fn out_of_office_is_set_shown_and_cleared_from_the_cli_and_replies_only_inside_its_window() {
    let _t = turn();
    let user = "alice@corp.test";
    let env = quiet_env(user);
    // A window in the future first: no reply.
    env.run(&[
        "mail",
        "oof",
        "--start",
        &day(10),
        "--end",
        &day(20),
        "--internal",
        "Bin weg (intern).",
        "--external",
        "Out of office (extern).",
    ])
    .ok();
    let sender = format!("{}@example.org", unique("ext"));
    lmtp_deliver(&sender, user, &simple_message(&sender, user, "Frage", "?"));
    std::thread::sleep(Duration::from_secs(2));
    assert!(
        sink_messages(&format!("X-RcptTo: {sender}")).is_empty(),
        "replied outside the window"
    );
    // Inside the window: the external text reaches the sender.
    env.run(&[
        "mail",
        "oof",
        "--start",
        &day(-1),
        "--end",
        &day(1),
        "--internal",
        "Bin weg (intern).",
        "--external",
        "Out of office (extern).",
    ])
    .ok();
    let shown = env.run(&["mail", "oof"]);
    shown.ok();
    assert!(
        shown.stdout.contains("Out of office (extern)."),
        "{}",
        shown.stdout
    );
    let sender = format!("{}@example.org", unique("ext"));
    lmtp_deliver(&sender, user, &simple_message(&sender, user, "Frage", "?"));
    let replies = at_sink(&sender);
    assert!(
        replies[0].contains("Out of office (extern)."),
        "{}",
        replies[0]
    );
    env.run(&["mail", "oof", "--clear"]).ok();
    let shown = env.run(&["mail", "oof"]);
    shown.ok();
    assert!(
        shown.stdout.contains("No out-of-office"),
        "{}",
        shown.stdout
    );
    env.run(&[
        "mail",
        "oof",
        "--start",
        "2026-02-30",
        "--end",
        "2026-03-01",
        "--internal",
        "x",
    ])
    .fails(2, "2026-02-30");
}

#[test]
fn drafts_forward_reply_all_and_move_go_through_the_server() {
    let _t = turn();
    let user = "bob@corp.test";
    let marker = unique("fw");
    let folder = format!("F{marker}");
    let mut imap = imap_as(user);
    imap.create(&folder).unwrap();
    let original = format!(
        "From: Carol Conrad <carol@corp.test>\r\nTo: bob@corp.test, alice@corp.test\r\nCc: dave@example.org\r\nSubject: {marker} Planung\r\nMessage-ID: <{marker}@corp.test>\r\nDate: Fri, 27 Nov 2026 08:00:00 +0000\r\n\r\nBitte um Rueckmeldung.\r\n"
    );
    imap.append(&folder, &[], original.as_bytes()).unwrap();
    let env = quiet_env(user);
    env.run(&["sync", "now", "--folder", &folder]).ok();
    let id = find(&list(&env, &folder), &format!("{marker} Planung")).unwrap()["id"]
        .as_i64()
        .unwrap()
        .to_string();

    // A sealed draft, sent later.
    let d = env
        .run(&[
            "--json",
            "mail",
            "compose",
            "--to",
            "erin@example.org",
            "--subject",
            &format!("{marker} Entwurf"),
            "--body",
            "spaeter",
            "--draft",
        ])
        .ok()
        .json();
    let draft = d["draft"].as_str().unwrap().to_string();
    assert!(sink_messages(&format!("{marker} Entwurf")).is_empty());
    let listed = env.run(&["--json", "mail", "drafts"]).ok().json();
    assert_eq!(listed.as_array().unwrap().len(), 1, "{listed}");
    env.run(&["mail", "drafts", "--send", &draft]).ok();
    assert_eq!(
        env.run(&["--json", "mail", "drafts"]).ok().json(),
        serde_json::json!([])
    );

    // Reply to all: Carol in To, Alice and Dave in Cc, not Bob himself; threaded.
    env.run(&[
        "mail",
        "reply",
        &id,
        "--all",
        "--body",
        &format!("{marker}-ra"),
    ])
    .ok();
    // Forward to Erin with the original text and a container document attached.
    let file = env.tmp.path().join("beschluss.txt");
    std::fs::write(&file, "Beschluss vom Freitag").unwrap();
    let doc = env
        .run(&["--json", "doc", "import", file.to_str().unwrap()])
        .ok()
        .json()["id"]
        .as_str()
        .unwrap()
        .to_string();
    env.run(&[
        "mail",
        "forward",
        &id,
        "--to",
        "erin@example.org",
        "--body",
        &format!("{marker}-fw"),
        "--attach",
        &doc,
    ])
    .ok();
    let (ra, fw, dr) = wait_for(Duration::from_secs(10), || {
        let ra = sink_messages(&format!("{marker}-ra"));
        let fw = sink_messages(&format!("{marker}-fw"));
        let dr = sink_messages(&format!("{marker} Entwurf"));
        (ra.len() == 1 && fw.len() == 1 && dr.len() == 1)
            .then(|| (ra[0].clone(), fw[0].clone(), dr[0].clone()))
    })
    .expect("draft, reply-all and forward at the sink, once each");
    assert!(dr.contains("erin@example.org"));
    assert!(
        ra.contains(&format!("In-Reply-To: <{marker}@corp.test>")),
        "{ra}"
    );
    let rcpts = ra
        .lines()
        .find_map(|l| l.strip_prefix("X-RcptTo: "))
        .expect("the sink records the envelope recipients");
    for rcpt in ["carol@corp.test", "alice@corp.test", "dave@example.org"] {
        assert!(rcpts.contains(rcpt), "{rcpt} missing: {rcpts}");
    }
    assert!(!rcpts.contains("bob@corp.test"), "{rcpts}");
    assert!(
        fw.contains("Bitte um Rueckmeldung.") && fw.contains("Fwd: "),
        "{fw}"
    );
    let (info, bytes) = kapsel_mail::mime::attachment(fw.as_bytes(), 0).unwrap();
    assert_eq!(info.name, "beschluss.txt");
    assert_eq!(bytes, b"Beschluss vom Freitag");

    // Move to Trash: gone here and there, present in Trash on the server.
    env.run(&["mail", "move", &id, "Trash"]).ok();
    assert!(find(&list(&env, &folder), &format!("{marker} Planung")).is_none());
    assert!(find(&list(&env, "Trash"), &format!("{marker} Planung")).is_some());
    imap.select(&folder, false, None).unwrap();
    assert!(imap.uid_search("ALL").unwrap().is_empty());
    imap.delete(&folder).unwrap();
}

#[test]
fn a_policy_that_switches_mail_off_retires_the_background_worker() {
    let _t = turn();
    let s = test_servers();
    let user = "carol@corp.test";
    let env = mail_env(user, "");
    unlock(&env).ok();
    wait_for_push(&env);
    let off = format!(
        "{}\n[modules]\nmail = false\n",
        kapsel_tests::mail::mail_policy(&s, "")
    );
    let file = env
        .tenant
        .policy_file("policy-2.toml", &kapsel_tests::policy_text(2, &off));
    env.run(&["policy", "update", file.to_str().unwrap()]).ok();
    std::thread::sleep(Duration::from_secs(2));
    let subject = unique("off-");
    lmtp_deliver(
        "bob@corp.test",
        user,
        &simple_message("bob@corp.test", user, &subject, "x"),
    );
    std::thread::sleep(Duration::from_secs(4));
    let v = env.run(&["--json", "notifications"]).ok().json();
    assert!(
        !v.to_string().contains(&subject),
        "the retired worker still synced: {v}"
    );
    env.run(&["sync", "now"]).fails(6, "has not enabled mail");
}
