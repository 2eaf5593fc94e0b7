//! The `kapsel` CLI end to end: enrolment, the session agent, failed unlocks, password
//! change, signed policies, the audit log and bad input — each against real processes and
//! real files.

use std::time::{Duration, Instant};

#[path = "device.rs"]
mod device;

use kapsel_tests::{Env, PASSWORD, contains, files_under, policy_text};

fn now_ms() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_millis() as u64
}

#[test]
fn enrol_unlock_status_lock() {
    let env = Env::new();
    env.enroll("");
    let s = env.status();
    assert_eq!(s["unlocked"], false);
    assert_eq!(s["tenant_id"], "test-agency");
    assert_eq!(s["policy_serial"], 1);
    assert!(
        s.get("data_key_fingerprint").is_none(),
        "no key material while locked"
    );

    let r = env.unlock();
    r.ok();
    assert!(r.stdout.contains("unlocked"), "{}", r.stdout);
    let s = env.status();
    assert_eq!(s["unlocked"], true);
    let pid = s["agent_pid"].as_u64().unwrap();

    // The password is in neither the agent's arguments nor its environment.
    for what in ["cmdline", "environ"] {
        if let Ok(bytes) = std::fs::read(format!("/proc/{pid}/{what}")) {
            assert!(
                !contains(&bytes, PASSWORD.as_bytes()),
                "password visible in /proc/{pid}/{what}"
            );
        }
    }
    // The agent cannot be dumped or attached to by the user's other processes.
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
    assert!(status.contains("TracerPid:\t0"));

    // Socket and folder are private.
    use std::os::unix::fs::PermissionsExt;
    let sock = env.root.join("run/agent.sock");
    assert_eq!(
        std::fs::metadata(&sock).unwrap().permissions().mode() & 0o777,
        0o600
    );
    assert_eq!(
        std::fs::metadata(env.root.join("run"))
            .unwrap()
            .permissions()
            .mode()
            & 0o777,
        0o700
    );

    env.unlock().fails(2, "already unlocked");
    env.run(&["lock"]).ok();
    assert_eq!(env.status()["unlocked"], false);
    assert!(!sock.exists());
    env.run(&["lock"]).ok(); // locking a locked container is fine

    let log = env.unlock().ok().code;
    assert_eq!(log, 0);
    let r = env.run(&["--json", "audit-log", "--verify"]);
    r.ok();
    let v = r.json();
    let kinds: Vec<&str> = v["entries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["kind"].as_str().unwrap())
        .collect();
    // The device identity made at enrolment (kapsel-device) is recorded right after it.
    assert_eq!(
        kinds,
        ["enrol", "device-enrolled", "unlock", "lock", "unlock"]
    );
    assert_eq!(v["verification"]["ok"], true);
}

#[test]
fn the_session_locks_itself_when_idle() {
    let env = Env::new();
    env.enroll("");
    env.run_stdin(
        &["unlock", "--password-stdin", "--idle-seconds", "1"],
        &format!("{PASSWORD}\n"),
    )
    .ok();
    assert_eq!(env.status()["unlocked"], true);
    let start = Instant::now();
    while env.root.join("run/agent.sock").exists() {
        assert!(
            start.elapsed() < Duration::from_secs(15),
            "the agent did not lock on idle"
        );
        std::thread::sleep(Duration::from_millis(200));
    }
    assert_eq!(env.status()["unlocked"], false);
    env.run(&["audit-log"]).fails(3, "locked");
    env.unlock().ok();
    let v = env.run(&["--json", "audit-log"]).json();
    assert!(
        v["entries"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["kind"] == "lock" && e["detail"]["reason"] == "idle")
    );
}

#[test]
fn wrong_passwords_are_counted_back_off_grows_and_the_limit_wipes() {
    let env = Env::new();
    // A base wait long enough that the "immediate retry" below is immediate even on a
    // loaded machine; four failures wipe.
    env.enroll_text(
        &policy_text(1, "")
            .replace("max_failed_unlocks = 5", "max_failed_unlocks = 4")
            .replace("backoff_base_ms = 200", "backoff_base_ms = 1000"),
    );
    let wrong = |n: u32| {
        let r = env.run_stdin(&["unlock", "--password-stdin"], "Falsches-Passwort-1\n");
        r.fails(
            4,
            &format!("wrong password ({n} failed attempt(s); {} left", 4 - n),
        );
        let s = env.status();
        assert_eq!(s["failed_unlocks"]["count"], n);
        s["failed_unlocks"]["retry_after_ms"]
            .as_u64()
            .unwrap()
            .saturating_sub(now_ms())
    };
    let wait_out = || {
        let s = env.status();
        let until = s["failed_unlocks"]["retry_after_ms"].as_u64().unwrap();
        let now = now_ms();
        if until > now {
            std::thread::sleep(Duration::from_millis(until - now + 20));
        }
    };
    let w1 = wrong(1);
    // An immediate retry is refused without being counted, even with the right password.
    env.unlock().fails(4, "try again in");
    assert_eq!(env.status()["failed_unlocks"]["count"], 1);
    wait_out();
    let w2 = wrong(2);
    wait_out();
    let w3 = wrong(3);
    assert!(w1 < w2 && w2 < w3, "back-off grows: {w1} {w2} {w3} ms");
    // The right password resets the counter.
    wait_out();
    env.unlock().ok();
    env.run(&["lock"]).ok();
    assert_eq!(env.status()["failed_unlocks"]["count"], 0);
    let v = {
        env.unlock().ok();
        env.run(&["--json", "audit-log"]).json()
    };
    env.run(&["lock"]).ok();
    let failed = v["entries"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["kind"] == "unlock-failed")
        .count();
    assert_eq!(failed, 3, "every failure is in the audit log");
    // Four failures in a row wipe the container.
    for n in 1..=3 {
        wait_out();
        wrong(n);
    }
    wait_out();
    env.run_stdin(&["unlock", "--password-stdin"], "Falsches-Passwort-1\n")
        .fails(9, "wiped");
    assert!(!env.root.exists());
    env.run(&["status"]).fails(7, "no container");
}

#[test]
fn password_change_keeps_the_data_key() {
    let env = Env::new();
    env.enroll("");
    env.unlock().ok();
    let fp = env.status()["data_key_fingerprint"]
        .as_str()
        .unwrap()
        .to_string();
    env.run(&["lock"]).ok();
    let new = "Neues-Passwort-2027";
    // The new password must satisfy the tenant's rules.
    env.run_stdin(
        &["passwd", "--password-stdin"],
        &format!("{PASSWORD}\nshort\n"),
    )
    .fails(6, "at least 12");
    env.run_stdin(
        &["passwd", "--password-stdin"],
        &format!("{PASSWORD}\n{new}\n"),
    )
    .ok();
    env.unlock().fails(4, "wrong password");
    std::thread::sleep(Duration::from_millis(300));
    env.run_stdin(&["unlock", "--password-stdin"], &format!("{new}\n"))
        .ok();
    assert_eq!(env.status()["data_key_fingerprint"], fp.as_str());
    // Inside an unlocked session the current password is still required, and a wrong one
    // counts like any failed unlock.
    env.run_stdin(
        &["passwd", "--password-stdin"],
        &format!("{PASSWORD}\n{PASSWORD}x\n"),
    )
    .fails(4, "wrong password");
}

#[test]
fn tampered_unsigned_older_and_foreign_policies_are_refused() {
    let env = Env::new();
    let key = env.tenant.public_key();
    let good = env.tenant.sign(&policy_text(5, ""));
    let enroll_with = |text: &str| {
        let path = env.tmp.path().join("candidate.toml");
        std::fs::write(&path, text).unwrap();
        env.try_enroll(path.to_str().unwrap(), &key, &[], &format!("{PASSWORD}\n"))
    };
    // Any single changed byte, anywhere in the file, is refused.
    let bytes = good.as_bytes();
    for i in (0..bytes.len()).step_by(7) {
        let mut bad = bytes.to_vec();
        bad[i] = if bad[i] == b'x' { b'y' } else { b'x' };
        let Ok(text) = String::from_utf8(bad) else {
            continue;
        };
        if text == good {
            continue;
        }
        let r = enroll_with(&text);
        assert_ne!(r.code, 0, "byte {i} changed and still accepted");
        assert!(
            r.code == 6 || r.code == 2,
            "byte {i}: {} {}",
            r.code,
            r.stderr
        );
        assert!(
            !env.root.exists(),
            "nothing is created for a refused policy"
        );
    }
    enroll_with(&good.replacen("Test Agency", "Test Agencz", 1)).fails(6, "altered");
    enroll_with(&policy_text(5, "")).fails(6, "not signed");
    let stranger = kapsel_tests::Tenant::new(env.tmp.path());
    enroll_with(&stranger.sign(&policy_text(5, ""))).fails(6, "pinned to tenant key");
    enroll_with(&good).ok();

    // Updates: older, foreign and altered are refused; newer is installed.
    env.unlock().ok();
    let update = |text: &str| {
        let path = env.tmp.path().join("update.toml");
        std::fs::write(&path, text).unwrap();
        env.run(&["policy", "update", path.to_str().unwrap()])
    };
    update(&env.tenant.sign(&policy_text(4, ""))).fails(6, "older than the installed serial 5");
    update(&stranger.sign(&policy_text(6, ""))).fails(6, "pinned");
    update(
        &env.tenant
            .sign(&policy_text(6, ""))
            .replace("Test Agency", "Evil Agency"),
    )
    .fails(6, "altered");
    update(&env.tenant.sign(&policy_text(5, "[sync]\npush = false\n")))
        .fails(6, "raise the serial");
    update(&good).ok();
    update(&env.tenant.sign(&policy_text(6, "[lock]\nidle_minutes = 5\n").replace("[lock]\nidle_minutes = 15\nmax_failed_unlocks = 5\non_limit = \"wipe\"\nbackoff_base_ms = 200\nbackoff_max_seconds = 60\n", ""))).ok();
    assert_eq!(env.status()["policy_serial"], 6);
    let v = env.run(&["--json", "audit-log", "--verify"]).json();
    let kinds: Vec<&str> = v["entries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["kind"].as_str().unwrap())
        .collect();
    assert_eq!(kinds.iter().filter(|k| **k == "policy-refused").count(), 4);
    assert!(kinds.contains(&"policy-updated"));
}

#[test]
fn a_policy_swapped_inside_the_locked_container_is_caught() {
    let env = Env::new();
    env.enroll("");
    // An attacker with the file replaces the pinned key and the policy with their own.
    let attacker = kapsel_tests::Tenant::new(env.tmp.path());
    let conn = rusqlite::Connection::open(env.root.join("vault.db")).unwrap();
    conn.execute(
        "UPDATE meta SET value = ?1 WHERE name = 'tenant_key'",
        [attacker.public_key().as_bytes()],
    )
    .unwrap();
    conn.execute(
        "UPDATE meta SET value = ?1 WHERE name = 'policy'",
        [attacker.sign(&policy_text(9, "[lock]\nmax_failed_unlocks = 1000\n").replace("[lock]\nidle_minutes = 15\nmax_failed_unlocks = 5\non_limit = \"wipe\"\nbackoff_base_ms = 200\nbackoff_max_seconds = 60\n", "")).as_bytes()],
    )
    .unwrap();
    drop(conn);
    env.unlock()
        .fails(8, "replaced while the container was locked");
    // Only the installed policy edited in place: its signature no longer verifies.
    let env2 = Env::new();
    env2.enroll("");
    let conn = rusqlite::Connection::open(env2.root.join("vault.db")).unwrap();
    conn.execute("UPDATE meta SET value = replace(value, 'max_failed_unlocks = 5', 'max_failed_unlocks = 900') WHERE name = 'policy'", []).unwrap();
    drop(conn);
    env2.run(&["status"]).fails(8, "no longer verifies");
}

#[test]
fn tenant_tools_round_trip() {
    let env = Env::new();
    let prefix = env.tmp.path().join("admin");
    let r = env.run(&[
        "--json",
        "tenant",
        "keygen",
        "--out",
        prefix.to_str().unwrap(),
    ]);
    r.ok();
    let secret = env.tmp.path().join("admin.key");
    use std::os::unix::fs::PermissionsExt;
    assert_eq!(
        std::fs::metadata(&secret).unwrap().permissions().mode() & 0o777,
        0o600
    );
    // keygen never overwrites a key.
    env.run(&["tenant", "keygen", "--out", prefix.to_str().unwrap()])
        .fails(1, "must not exist");
    let policy = env.tmp.path().join("p.toml");
    std::fs::write(&policy, policy_text(1, "")).unwrap();
    let signed = env.tmp.path().join("p.signed.toml");
    env.run(&[
        "tenant",
        "sign",
        "--key",
        secret.to_str().unwrap(),
        policy.to_str().unwrap(),
        "--out",
        signed.to_str().unwrap(),
    ])
    .ok();
    let pubfile = env.tmp.path().join("admin.pub");
    env.run(&[
        "tenant",
        "verify",
        signed.to_str().unwrap(),
        "--key",
        pubfile.to_str().unwrap(),
    ])
    .ok();
    // Signing refuses a policy the container would refuse.
    std::fs::write(&policy, policy_text(1, "[dlp]\nclipboard = true\n")).unwrap();
    env.run(&[
        "tenant",
        "sign",
        "--key",
        secret.to_str().unwrap(),
        policy.to_str().unwrap(),
    ])
    .fails(6, "clipboard");
    // Enrolment with the files the tools wrote.
    env.try_enroll(
        signed.to_str().unwrap(),
        pubfile.to_str().unwrap(),
        &[],
        &format!("{PASSWORD}\n"),
    )
    .ok();
}

#[test]
fn bad_input_gets_a_clear_message_and_a_nonzero_exit() {
    let env = Env::new();
    env.run(&["--frobnicate"])
        .fails(2, "unknown option '--frobnicate'");
    env.run(&["unlock", "--no-such-flag"])
        .fails(2, "unknown option '--no-such-flag'");
    // clap finds the mistake; the catalogue says it, in German too.
    let mut cmd = env.command(&env.bin, &["mail", "compose", "--too", "x"]);
    cmd.env("LANG", "de_DE.UTF-8");
    let de = kapsel_tests::run_command(&mut cmd, None);
    de.fails(2, "unbekannte Option '--too'");
    assert!(de.stderr.contains("Meinten Sie '--to'?"), "{}", de.stderr);
    assert!(
        de.stderr.contains("Aufruf: kapsel mail compose"),
        "{}",
        de.stderr
    );
    env.run(&["status"]).fails(7, "no container");
    env.run(&["unlock", "--password-stdin"])
        .fails(7, "no container");
    env.run(&["audit-log"]).fails(7, "no container");
    let missing = env.tmp.path().join("nope.toml");
    env.try_enroll(
        missing.to_str().unwrap(),
        &env.tenant.public_key(),
        &[],
        "x\n",
    )
    .fails(2, "does not exist");
    let p = env.tenant.policy_file("p.toml", &policy_text(1, ""));
    env.try_enroll(p.to_str().unwrap(), "ed25519:AAAA", &[], "x\n")
        .fails(2, "32 bytes");
    // A weak password is refused by the tenant's rules; nothing is created.
    env.try_enroll(p.to_str().unwrap(), &env.tenant.public_key(), &[], "weak\n")
        .fails(6, "at least 12");
    assert!(!env.root.exists());
    // Standard input ends before the password.
    env.try_enroll(p.to_str().unwrap(), &env.tenant.public_key(), &[], "")
        .fails(2, "standard input ended");
    env.enroll("");
    env.enroll_again_fails();
    env.run(&["audit-log"]).fails(3, "locked");
    env.run(&["policy", "update", p.to_str().unwrap()])
        .fails(3, "locked");
    env.run(&["wipe"]).fails(2, "--yes");
    assert!(env.root.exists());
    let r = env.run(&["--json", "audit-log"]);
    assert_eq!(r.code, 3);
    assert_eq!(r.json()["error"]["kind"], "locked");
    // No terminal and no --password-stdin: a clear message, not a hang.
    env.run(&["unlock"]).fails(2, "--password-stdin");
}

trait EnrollAgain {
    fn enroll_again_fails(&self);
}

impl EnrollAgain for Env {
    fn enroll_again_fails(&self) {
        let p = self.tenant.policy_file("p2.toml", &policy_text(1, ""));
        self.try_enroll(
            p.to_str().unwrap(),
            &self.tenant.public_key(),
            &[],
            &format!("{PASSWORD}\n"),
        )
        .fails(7, "already exists");
    }
}

#[test]
fn audit_log_tampering_is_reported() {
    let env = Env::new();
    env.enroll("");
    env.unlock().ok();
    env.run(&["lock"]).ok();
    env.unlock().ok();
    env.run(&["audit-log", "--verify"]).ok();
    env.run(&["lock"]).ok();
    let conn = rusqlite::Connection::open(env.root.join("vault.db")).unwrap();
    conn.execute(
        "UPDATE audit SET detail = '{\"reason\":\"nothing to see\"}' WHERE kind = 'lock'",
        [],
    )
    .unwrap();
    drop(conn);
    env.unlock().ok();
    let r = env.run(&["audit-log", "--verify"]);
    r.fails(8, "does not verify");
    assert!(r.stdout.contains("was altered"), "{}", r.stdout);
    env.run(&["lock"]).ok();
    // Removing an entry is found as well.
    let env = Env::new();
    env.enroll("");
    for _ in 0..2 {
        env.unlock().ok();
        env.run(&["lock"]).ok();
    }
    let conn = rusqlite::Connection::open(env.root.join("vault.db")).unwrap();
    conn.execute("DELETE FROM audit WHERE seq = 2", []).unwrap();
    drop(conn);
    // Sealed entries are part of the vault's state: the removal is found at unlock.
    env.unlock()
        .fails(8, "audit record(s) of the recorded state are missing");
}

#[test]
fn wipe_destroys_an_unlocked_container() {
    let env = Env::new();
    env.enroll("");
    env.unlock().ok();
    env.run(&["wipe", "--yes"]).ok();
    assert!(!env.root.exists());
    env.run(&["status"]).fails(7, "no container");
}

#[test]
fn secrets_stay_sealed_in_a_live_container() {
    use kapsel_core::container::Container;
    let env = Env::new();
    env.enroll("");
    env.unlock().ok(); // the agent holds the database open too
    let marker = b"VS-NfD-Vermerk-83b1f0-Kapsel";
    {
        let mut c = Container::open(&env.root).unwrap();
        c.unlock(PASSWORD, false).unwrap();
        c.vault().put("mail", "vermerk", marker).unwrap();
        let mut w = c.vault().blob_writer("mail").unwrap();
        w.write_bytes(&marker.repeat(5000)).unwrap();
        w.finish().unwrap();
        let scan = |label: &str| {
            for f in files_under(&env.root) {
                let Ok(bytes) = std::fs::read(&f) else {
                    continue;
                };
                for needle in [&marker[..], PASSWORD.as_bytes()] {
                    assert!(
                        !contains(&bytes, needle),
                        "{label}: plaintext in {}",
                        f.display()
                    );
                }
            }
        };
        scan("unlocked");
        c.lock("test");
        scan("locked");
    }
    env.run(&["lock"]).ok();
    assert!(
        !env.root.join("run/agent.sock").exists(),
        "lock returns once the agent is gone"
    );
    for f in files_under(&env.root) {
        let bytes = std::fs::read(&f).unwrap();
        assert!(
            !contains(&bytes, marker),
            "after lock: plaintext in {}",
            f.display()
        );
    }
}
