//! Vault integrity as a whole (issue 11), through the real binary on a container whose files
//! the test damages: a damaged WAL, deleted / moved / replayed records, a cut audit log, a
//! damaged key wrap, an older policy swapped in while locked, an oversized policy, a failed
//! enrolment, damaged document data, and record sizes that give nothing away.

use std::process::Command;

use kapsel_tests::{Env, PASSWORD, copy_dir, policy_text, run_command};

fn write(env: &Env, name: &str, bytes: &[u8]) -> String {
    let p = env.tmp.path().join(name);
    std::fs::write(&p, bytes).unwrap();
    p.to_str().unwrap().to_string()
}

fn db(env: &Env) -> rusqlite::Connection {
    rusqlite::Connection::open(env.root.join("vault.db")).unwrap()
}

fn import(env: &Env, name: &str, text: &str) -> String {
    let file = write(env, name, text.as_bytes());
    env.run(&["--json", "doc", "import", &file]).json()["id"]
        .as_str()
        .unwrap()
        .to_string()
}

fn doc_names(env: &Env) -> Vec<String> {
    env.run(&["--json", "doc", "list"])
        .json()
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["name"].as_str().unwrap().to_string())
        .collect()
}

/// End the agent the hard way, as a crash would: no lock, no checkpoint.
fn crash_agent(env: &Env) {
    let pid = env.status()["agent_pid"].as_u64().unwrap();
    unsafe { libc::kill(pid as i32, libc::SIGKILL) };
    for _ in 0..100 {
        if unsafe { libc::kill(pid as i32, 0) } != 0 {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    let _ = std::fs::remove_file(env.root.join("run/agent.sock"));
}

fn audit_kinds(env: &Env) -> Vec<String> {
    env.run(&["--json", "audit-log"]).json()["entries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["kind"].as_str().unwrap().to_string())
        .collect()
}

fn set_token(env: &Env, origin: &str, token: &str) {
    env.run_stdin(&["credential", "set", origin], &format!("{token}\n"))
        .ok();
}

/// The sealed credential row of `origin`'s namespace: (key id, sealed key, sealed value, size).
type Row = (Vec<u8>, Vec<u8>, Vec<u8>, i64);

fn credential_rows(env: &Env) -> Vec<Row> {
    let conn = db(env);
    let mut stmt = conn
        .prepare("SELECT key_id, key_sealed, value, size FROM kv WHERE ns = 'credentials'")
        .unwrap();
    stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))
        .unwrap()
        .map(Result::unwrap)
        .collect()
}

#[test]
fn a_locked_container_has_an_empty_wal_and_a_damaged_wal_never_loses_data_silently() {
    let env = Env::new();
    env.enroll("");
    env.unlock().ok();
    import(&env, "a.txt", "Aktenvermerk");
    env.run(&["lock"]).ok();
    let wal = std::fs::metadata(env.root.join("vault.db-wal")).map_or(0, |m| m.len());
    assert_eq!(wal, 0, "a locked container keeps WAL frames");
    // A crashed session leaves a WAL; damage in it must never be a silent loss.
    env.unlock().ok();
    for i in 0..6 {
        import(&env, &format!("b{i}.txt"), "Nachtrag");
    }
    crash_agent(&env);
    let saved = env.tmp.path().join("crashed");
    copy_dir(&env.root, &saved);
    let original = std::fs::read(saved.join("vault.db-wal")).unwrap();
    assert!(
        original.len() > 4096,
        "the crash left a WAL ({} bytes)",
        original.len()
    );
    let (mut intact, mut detected) = (0, 0);
    for k in 0..16u64 {
        copy_dir(&saved, &env.root);
        let _ = std::fs::remove_file(env.root.join("vault.db-shm"));
        let at = 32 + ((k * 7919 * 131) as usize) % (original.len() - 32);
        let mut damaged = original.clone();
        damaged[at] ^= 0x5a;
        std::fs::write(env.root.join("vault.db-wal"), &damaged).unwrap();
        let r = env.unlock();
        if r.code == 0 {
            let names = doc_names(&env);
            env.run(&["lock"]).ok();
            assert_eq!(
                names.len(),
                7,
                "flip at {at}: unlocked, but documents are missing: {names:?}"
            );
            intact += 1;
        } else {
            assert_eq!(r.code, 8, "flip at {at}: {}", r.stderr);
            detected += 1;
        }
    }
    assert!(
        detected > 0,
        "no flip was detected ({intact} left the data intact)"
    );
    // The undamaged crash state opens with everything in it.
    copy_dir(&saved, &env.root);
    env.unlock().ok();
    assert_eq!(doc_names(&env).len(), 7);
}

#[test]
fn a_deleted_moved_or_replayed_record_is_caught_at_unlock() {
    // Deleted.
    let env = Env::new();
    env.enroll("");
    env.unlock().ok();
    import(&env, "a.txt", "eins");
    import(&env, "b.txt", "zwei");
    env.run(&["lock"]).ok();
    let conn = db(&env);
    let rows: Vec<Vec<u8>> = conn
        .prepare("SELECT key_id FROM kv WHERE ns = 'documents'")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    assert_eq!(rows.len(), 2);
    conn.execute(
        "DELETE FROM kv WHERE ns = 'documents' AND key_id = ?1",
        [&rows[1]],
    )
    .unwrap();
    drop(conn);
    env.unlock().fails(8, "missing");
    assert!(!env.root.join("run/agent.sock").exists());

    // Moved to another namespace.
    let env = Env::new();
    env.enroll("");
    env.unlock().ok();
    import(&env, "a.txt", "eins");
    env.run(&["lock"]).ok();
    db(&env)
        .execute(
            "UPDATE kv SET ns = 'credentials' WHERE ns = 'documents'",
            [],
        )
        .unwrap();
    env.unlock().fails(8, "integrity error");

    // An older sealed copy put back (a token replaced, then the old one restored).
    let env = Env::new();
    env.enroll("");
    env.unlock().ok();
    set_token(&env, "https://intranet.example", "alt-token-1");
    let old = credential_rows(&env);
    set_token(&env, "https://intranet.example", "neu-token-2");
    env.run(&["lock"]).ok();
    let conn = db(&env);
    conn.execute(
        "UPDATE kv SET key_sealed = ?1, value = ?2 WHERE ns = 'credentials'",
        rusqlite::params![old[0].1, old[0].2],
    )
    .unwrap();
    drop(conn);
    env.unlock().fails(8, "integrity error");

    // A removed record put back.
    let env = Env::new();
    env.enroll("");
    env.unlock().ok();
    set_token(&env, "https://intranet.example", "alt-token-1");
    let old = credential_rows(&env);
    env.run(&["credential", "remove", "https://intranet.example"])
        .ok();
    env.run(&["lock"]).ok();
    let (id, key, value, size) = &old[0];
    db(&env)
        .execute(
            "INSERT INTO kv(ns, key_id, key_sealed, value, size) VALUES ('credentials', ?1, ?2, ?3, ?4)",
            rusqlite::params![id, key, value, size],
        )
        .unwrap();
    env.unlock().fails(8, "integrity error");
}

#[test]
fn the_audit_log_tail_cannot_be_cut() {
    for cut in [
        "DELETE FROM audit WHERE seq > (SELECT MAX(seq) - 3 FROM audit)",
        "DELETE FROM audit",
    ] {
        let env = Env::new();
        env.enroll("");
        for _ in 0..3 {
            env.unlock().ok();
            env.run(&["lock"]).ok();
        }
        let conn = db(&env);
        conn.execute(cut, []).unwrap();
        conn.execute("DELETE FROM meta WHERE name = 'audit_anchor'", [])
            .unwrap();
        drop(conn);
        let r = env.unlock();
        r.fails(8, "audit");
        assert!(!env.root.join("run/agent.sock").exists(), "{cut}");
    }
}

#[test]
fn a_damaged_key_wrap_is_reported_not_counted_and_never_wipes() {
    let env = Env::new();
    env.enroll("");
    // One character changed in each given field, the record still well-formed JSON.
    let damage = |name: &str, wrapped_copies: bool| {
        let conn = db(&env);
        let raw: Vec<u8> = conn
            .query_row(
                "SELECT CAST(value AS BLOB) FROM meta WHERE name = ?1",
                [name],
                |r| r.get(0),
            )
            .unwrap();
        let mut v: serde_json::Value = serde_json::from_slice(&raw).unwrap();
        let flip = |text: &str| -> String {
            let mut chars: Vec<char> = text.chars().collect();
            let i = chars.len() / 2;
            chars[i] = if chars[i] == 'A' { 'B' } else { 'A' };
            chars.into_iter().collect()
        };
        let ct = flip(v["ciphertext"].as_str().unwrap());
        v["ciphertext"] = ct.into();
        if wrapped_copies {
            let backup = flip(v["backup"][1].as_str().unwrap());
            v["backup"][1] = backup.into();
        }
        conn.execute(
            "UPDATE meta SET value = ?1 WHERE name = ?2",
            rusqlite::params![serde_json::to_vec(&v).unwrap(), name],
        )
        .unwrap();
    };
    // One copy damaged: the other opens, and the damaged one is written anew.
    damage("wrap", false);
    env.unlock().ok();
    env.run(&["lock"]).ok();
    let conn = db(&env);
    let copies: Vec<Vec<u8>> = ["wrap", "wrap.2"]
        .iter()
        .map(|n| {
            conn.query_row(
                "SELECT CAST(value AS BLOB) FROM meta WHERE name = ?1",
                [n],
                |r| r.get(0),
            )
            .unwrap()
        })
        .collect();
    assert_eq!(copies[0], copies[1], "the damaged copy was repaired");
    drop(conn);
    // Every copy damaged: the right password, six times, is never counted and never wipes.
    damage("wrap", true);
    damage("wrap.2", true);
    for _ in 0..6 {
        let r = env.unlock();
        r.fails(8, "key wrap");
    }
    assert!(
        env.root.join("vault.db").exists(),
        "the container was wiped"
    );
    assert_eq!(env.status()["failed_unlocks"]["count"], 0);
    // A wrong password is still a wrong password only where the wrap is intact.
    let env = Env::new();
    env.enroll("");
    env.run_stdin(&["unlock", "--password-stdin"], "Falsch-Passwort-1\n")
        .fails(4, "1 failed attempt");
}

#[test]
fn an_older_policy_swapped_in_while_locked_never_weakens_what_runs_before_the_password() {
    let env = Env::new();
    env.enroll("");
    // The tenant's current policy (serial 2); an older one they also signed was weaker.
    let current = env.tenant.policy_file("p2.toml", &policy_text(2, ""));
    env.unlock().ok();
    env.run(&["policy", "update", current.to_str().unwrap()])
        .ok();
    env.run(&["lock"]).ok();
    let weak = env.tenant.sign(
        &policy_text(1, "tracer = \"off\"\npreload = \"off\"\n")
            .replace("max_failed_unlocks = 5", "max_failed_unlocks = 1000")
            .replace("on_limit = \"wipe\"", "on_limit = \"lockout\"")
            .replace("backoff_base_ms = 200", "backoff_base_ms = 0")
            .replace("backoff_max_seconds = 60", "backoff_max_seconds = 1"),
    );
    db(&env)
        .execute(
            "UPDATE meta SET value = ?1 WHERE name = 'policy'",
            [weak.as_bytes()],
        )
        .unwrap();
    // The tracer check still refuses before the password is read.
    let mut cmd = Command::new("strace");
    cmd.args(["-f", "-o", "/dev/null"])
        .arg(&env.bin)
        .arg("--container")
        .arg(&env.root)
        .args(["unlock", "--password-stdin"]);
    run_command(&mut cmd, Some(&format!("{PASSWORD}\n"))).fails(5, "tracer");
    assert!(!env.root.join("run/agent.sock").exists());
    // So does an injected library.
    let mut cmd = env.command(&env.bin, &["passwd", "--password-stdin"]);
    cmd.env("LD_PRELOAD", "libm.so.6");
    run_command(&mut cmd, Some("x\ny\ny\n")).fails(5, "LD_PRELOAD");
    // The failed-attempt limit is the last verified policy's, not the swapped one's.
    let r = env.run_stdin(&["unlock", "--password-stdin"], "Falsch-Passwort-1\n");
    r.fails(4, "4 left before the container is wiped");
    // With the remembered rules removed too, the built-in ceiling still holds.
    db(&env)
        .execute("DELETE FROM meta WHERE name = 'unlock_floor'", [])
        .unwrap();
    std::thread::sleep(std::time::Duration::from_millis(1100));
    let r = env.run_stdin(&["unlock", "--password-stdin"], "Falsch-Passwort-1\n");
    r.fails(4, "8 left before the container is locked out");
    // The swap itself is caught once the key is there.
    std::thread::sleep(std::time::Duration::from_millis(1100));
    env.unlock()
        .fails(8, "replaced while the container was locked");
}

#[test]
fn oversized_policies_packages_and_manifests_are_refused_with_a_reason() {
    let env = Env::new();
    let padding = format!("# {}\n", "x".repeat(2 << 20));
    let big = env
        .tenant
        .policy_file("big.toml", &format!("{}{padding}", policy_text(1, "")));
    let r = env.try_enroll(
        big.to_str().unwrap(),
        &env.tenant.public_key(),
        &[],
        &format!("{PASSWORD}\n"),
    );
    r.fails(2, "too large");
    assert!(r.stderr.contains("the limit is 1 MiB"), "{}", r.stderr);
    assert!(!env.root.exists());
    env.enroll("");
    env.unlock().ok();
    let big2 = env
        .tenant
        .policy_file("big2.toml", &format!("{}{padding}", policy_text(2, "")));
    env.run(&["policy", "update", big2.to_str().unwrap()])
        .fails(2, "too large");
    // A sparse 200 MB "package": refused by its size, before it is read.
    let huge = env.tmp.path().join("huge.kapp");
    std::fs::File::create(&huge)
        .unwrap()
        .set_len(200 << 20)
        .unwrap();
    env.run(&["audit", huge.to_str().unwrap()])
        .fails(2, "too large");
    env.run(&["app", "install", huge.to_str().unwrap()])
        .fails(2, "too large");
    assert_eq!(env.status()["policy_serial"], 1);
}

#[test]
fn a_failed_enrolment_leaves_nothing_behind() {
    let env = Env::new();
    let apps = env.tmp.path().join("apps");
    std::fs::create_dir_all(&apps).unwrap();
    std::fs::write(apps.join("viewer.kapp"), b"KAPP\x01 not really a package").unwrap();
    let key = env.tenant.public_key();
    let policy = policy_text(1, "").replace(
        "[integrity]",
        &format!(
            "[[publishers]]\nname = \"Kapsel\"\nkey = \"{key}\"\nbuiltin = true\n\n\
             [apps.viewer]\npreinstall = true\ndocuments = true\n\n[integrity]"
        ),
    );
    let p = env.tenant.policy_file("p.toml", &policy);
    let r = env.try_enroll(
        p.to_str().unwrap(),
        &key,
        &["--apps", apps.to_str().unwrap()],
        &format!("{PASSWORD}\n"),
    );
    r.fails(2, "enrolment failed and was undone");
    assert!(!env.root.exists(), "a half-made container was left behind");
    // Nothing stands in the way of the next attempt.
    std::fs::remove_file(apps.join("viewer.kapp")).unwrap();
    env.try_enroll(
        p.to_str().unwrap(),
        &key,
        &["--apps", apps.to_str().unwrap()],
        &format!("{PASSWORD}\n"),
    )
    .ok();
}

#[test]
fn damaged_document_data_surfaces_as_an_integrity_error() {
    let env = Env::new();
    let (dir, key) = kapsel_tests::builtin_apps();
    let policy = policy_text(1, "").replace(
        "[integrity]",
        &format!(
            "[[publishers]]\nname = \"Kapsel\"\nkey = \"{key}\"\nbuiltin = true\n\n\
             [apps.viewer]\npreinstall = true\ndocuments = true\nlog = true\n\n[integrity]"
        ),
    );
    let p = env.tenant.policy_file("p.toml", &policy);
    env.try_enroll(
        p.to_str().unwrap(),
        &env.tenant.public_key(),
        &["--apps", dir.to_str().unwrap()],
        &format!("{PASSWORD}\n"),
    )
    .ok();
    env.unlock().ok();
    let text: String = (0..20_000).map(|i| format!("Zeile {i}\n")).collect();
    let id = import(&env, "lang.txt", &text);
    env.run(&["app", "open", "viewer", "--doc", &id]).ok();
    env.run(&["lock"]).ok();
    // One byte of the document's data damaged on disk.
    let blob: String = db(&env)
        .query_row("SELECT id FROM blobs WHERE ns = 'documents'", [], |r| {
            r.get(0)
        })
        .unwrap();
    let file = env.root.join("blobs").join(&blob);
    let mut bytes = std::fs::read(&file).unwrap();
    let at = bytes.len() - 100;
    bytes[at] ^= 0x01;
    std::fs::write(&file, &bytes).unwrap();
    env.unlock().ok();
    let r = env.run(&["app", "open", "viewer", "--doc", &id]);
    r.fails(8, "damaged data");
    assert!(audit_kinds(&env).iter().any(|k| k == "app-integrity-error"));
}

#[test]
fn sealed_record_sizes_give_nothing_away() {
    let env = Env::new();
    env.enroll("");
    env.unlock().ok();
    set_token(&env, "https://a.example", "kurz");
    set_token(&env, "https://b.example", &"l".repeat(50));
    let rows = credential_rows(&env);
    assert_eq!(rows.len(), 2);
    assert_eq!(
        rows[0].2.len(),
        rows[1].2.len(),
        "4- and 50-byte tokens give sealed values of one size"
    );
    assert_eq!(rows[0].3, rows[1].3, "the size column shows the class only");
    assert_eq!(rows[0].1.len(), rows[1].1.len());
}
