//! Crash safety: a real writer process is killed with SIGKILL at random moments, 200 times;
//! after each kill the vault must open, pass SQLite's integrity check, and hold every write
//! the writer acknowledged — records and blobs — with the right content. And a session
//! killed at random moments of a real mail sync (whose fetched batches commit with
//! synchronous=NORMAL) leaves a vault that unlocks, verifies and finishes the sync.

use std::io::BufRead;
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use kapsel_core::vault::{MIN_PARAMS, OnLimit, UnlockRules, Vault};
use kapsel_tests::{PASSWORD, crash_value};
use rand::Rng;

const KILLS: usize = 200;

fn rules() -> UnlockRules {
    UnlockRules {
        max_failed: 100,
        on_limit: OnLimit::Lockout,
        backoff_base: Duration::ZERO,
        backoff_max: Duration::ZERO,
    }
}

fn check(root: &std::path::Path, from: u64, to: u64, sample_all: bool) {
    let mut v = Vault::open(root).expect("the vault opens after a kill");
    v.unlock(PASSWORD, &rules()).expect("unlock after a kill");
    let indices: Box<dyn Iterator<Item = u64>> = if sample_all {
        Box::new(0..to)
    } else {
        Box::new(from..to)
    };
    for i in indices {
        let got = v
            .get("crash", &format!("k{i}"))
            .expect("readable")
            .unwrap_or_else(|| panic!("acknowledged write k{i} is lost"));
        assert_eq!(
            got.as_slice(),
            &crash_value(i)[..],
            "k{i} has the wrong content"
        );
        if i % 5 == 0 {
            let id = v
                .get("crash-blobs", &format!("b{i}"))
                .unwrap()
                .unwrap_or_else(|| panic!("blob b{i} lost"));
            let id = String::from_utf8(id.to_vec()).unwrap();
            let data = v.blob_reader(&id).unwrap().read_all().expect("blob intact");
            assert_eq!(data.len(), 4 * crash_value(i).len());
        }
    }
}

#[test]
fn killed_writers_never_lose_an_acknowledged_write() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("c");
    drop(Vault::create(&root, PASSWORD, MIN_PARAMS).unwrap());
    let writer = env!("CARGO_BIN_EXE_crash-writer");
    let mut rng = rand::thread_rng();
    let mut acked: u64 = 0; // indices 0..acked are acknowledged
    let started = Instant::now();
    let mut kills_mid_write = 0;
    for round in 0..KILLS {
        let mut child = Command::new(writer)
            .arg(&root)
            .arg(PASSWORD)
            .arg(acked.to_string())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let stdout = child.stdout.take().unwrap();
        let (tx, rx) = mpsc::channel();
        let reader = std::thread::spawn(move || {
            for line in std::io::BufReader::new(stdout).lines() {
                let Ok(line) = line else { break };
                if let Ok(i) = line.trim().parse::<u64>() {
                    let _ = tx.send(i);
                }
            }
        });
        // Kill at a random moment: mostly after writing started, sometimes during unlock.
        let first = rx.recv_timeout(Duration::from_secs(20));
        if rng.gen_bool(0.9) {
            assert!(
                first.is_ok(),
                "round {round}: the writer never acknowledged a write"
            );
            std::thread::sleep(Duration::from_micros(rng.gen_range(0..30_000)));
            kills_mid_write += 1;
        }
        child.kill().unwrap(); // SIGKILL
        child.wait().unwrap();
        reader.join().unwrap();
        let mut last = first.ok();
        while let Ok(i) = rx.try_recv() {
            last = Some(i);
        }
        let before = acked;
        if let Some(i) = last {
            acked = i + 1;
        }
        check(&root, before, acked, false);
        let conn = rusqlite::Connection::open(root.join("vault.db")).unwrap();
        let ok: String = conn
            .query_row("PRAGMA integrity_check", [], |r| r.get(0))
            .unwrap();
        assert_eq!(ok, "ok", "round {round}");
    }
    check(&root, 0, acked, true);
    eprintln!(
        "{KILLS} kills ({kills_mid_write} mid-write), {acked} acknowledged writes all present, {:.1} s",
        started.elapsed().as_secs_f64()
    );
    assert!(
        acked > KILLS as u64,
        "the writer made progress between kills"
    );
}

/// Kills during mail sync: the fetched batches commit without an fsync of their own (see
/// ARCHITECTURE.md, "What waits for the disk"), so this checks that a session killed in the
/// middle of them leaves no trace the vault state or the audit chain would call damage, and
/// that the folder ends up exactly complete.
#[test]
fn sessions_killed_during_a_mail_sync_leave_a_whole_vault() {
    use kapsel_tests::mail::{mail_env, seed, unique, unlock};
    let user = "alice@corp.test";
    let folder = unique("Crash");
    let env = mail_env(user, "");
    unlock(&env).ok();
    env.run(&["sync", "schedule", "--every", "240", "--push", "off"])
        .ok();
    seed(user, &folder, 3000);
    let mut rng = rand::thread_rng();
    for round in 0..4 {
        let pid = env.status()["agent_pid"].as_u64().unwrap();
        let mut sync = env
            .command(&env.bin, &["sync", "now", "--folder", &folder])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(Duration::from_millis(rng.gen_range(300..2500)));
        let killed = Command::new("kill")
            .args(["-9", &pid.to_string()])
            .status()
            .unwrap();
        assert!(killed.success(), "round {round}: kill");
        let _ = sync.wait();
        // Unlock checks the vault state (a lost commit is exit 8) before anything is read.
        unlock(&env).ok();
        let v = env.run(&["audit-log", "--verify", "--json"]).json();
        assert_eq!(v["verification"]["ok"], true, "round {round}: {v}");
    }
    env.run(&["sync", "now", "--folder", &folder]).ok();
    let listed = env
        .run(&["--json", "mail", "list", &folder, "--limit", "100000"])
        .ok()
        .json();
    assert_eq!(listed.as_array().unwrap().len(), 3000);
    // The bodies came in packs (a fetch of 3,000): each reads back whole, also after most of
    // the folder is expunged and what is left of its packs moves into rows.
    let read_some = |listed: &serde_json::Value, what: &str| {
        let all = listed.as_array().unwrap();
        for m in all.iter().step_by((all.len() / 7).max(1)) {
            let id = m["id"].as_i64().unwrap().to_string();
            let read = env.run(&["--json", "mail", "read", &id]).ok().json();
            let text = read["text"].as_str().unwrap_or_default();
            assert!(text.contains("Lorem ipsum"), "{what}: message {id}: {read}");
        }
    };
    read_some(&listed, "after the kills");
    kapsel_tests::mail::doveadm(&["expunge", "-u", user, "mailbox", &folder, "uid", "1:2900"]);
    env.run(&["sync", "now", "--folder", &folder]).ok();
    let left = env
        .run(&["--json", "mail", "list", &folder, "--limit", "100000"])
        .ok()
        .json();
    assert_eq!(left.as_array().unwrap().len(), 100, "{left}");
    read_some(&left, "after the expunge");
    kapsel_tests::mail::doveadm(&["mailbox", "delete", "-u", user, "-s", &folder]);
}
