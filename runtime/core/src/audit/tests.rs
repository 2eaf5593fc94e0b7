//! Audit chain tests: every kind of alteration is named by `verify`.

use super::*;
use crate::vault::{MIN_PARAMS, OnLimit, UnlockRules, Vault};

const PW: &str = "Correct-Horse-9";

fn vault_with(n: usize) -> (tempfile::TempDir, Vault) {
    let tmp = tempfile::tempdir().unwrap();
    let v = Vault::create(&tmp.path().join("c"), PW, MIN_PARAMS).unwrap();
    for i in 0..n {
        append(&v, "test", serde_json::json!({ "i": i })).unwrap();
    }
    (tmp, v)
}

fn problems(v: &Vault) -> Vec<String> {
    let r = verify(v).unwrap();
    assert_eq!(r.ok, r.problems.is_empty());
    r.problems
}

#[test]
fn intact_log_verifies() {
    let (_t, v) = vault_with(10);
    let r = verify(&v).unwrap();
    assert!(r.ok, "{:?}", r.problems);
    assert_eq!((r.entries, r.sealed, r.pending), (10, 10, 0));
    assert_eq!(
        entries(&v, 3)
            .unwrap()
            .iter()
            .map(|e| e.seq)
            .collect::<Vec<_>>(),
        vec![8, 9, 10]
    );
}

#[test]
fn altered_detail_is_found() {
    let (_t, v) = vault_with(5);
    v.conn()
        .execute("UPDATE audit SET detail = '{\"i\":99}' WHERE seq = 3", [])
        .unwrap();
    let p = problems(&v);
    assert!(p.iter().any(|p| p.contains("entry 3 was altered")), "{p:?}");
}

#[test]
fn altered_and_rehashed_entry_is_found_by_its_mac() {
    let (_t, v) = vault_with(5);
    let (prev, ts): (Vec<u8>, i64) = v
        .conn()
        .query_row("SELECT prev, ts_ms FROM audit WHERE seq = 5", [], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })
        .unwrap();
    let forged = entry_hash(&prev, 5, ts as u64, "test", "{\"i\":42}");
    v.conn()
        .execute(
            "UPDATE audit SET detail = '{\"i\":42}', hash = ?1 WHERE seq = 5",
            [&forged[..]],
        )
        .unwrap();
    let p = problems(&v);
    assert!(p.iter().any(|p| p.contains("MAC")), "{p:?}");
}

#[test]
fn removed_middle_entry_is_found() {
    let (_t, v) = vault_with(6);
    v.conn()
        .execute("DELETE FROM audit WHERE seq = 3", [])
        .unwrap();
    let p = problems(&v);
    assert!(p.iter().any(|p| p.contains("missing")), "{p:?}");
}

#[test]
fn removed_tail_is_found() {
    let (_t, v) = vault_with(6);
    v.conn()
        .execute("DELETE FROM audit WHERE seq >= 5", [])
        .unwrap();
    let p = problems(&v);
    assert!(p.iter().any(|p| p.contains("removed")), "{p:?}");
}

#[test]
fn entries_written_while_locked_are_sealed_at_unlock() {
    let (t, v) = vault_with(2);
    drop(v);
    let root = t.path().join("c");
    let mut v = Vault::open(&root).unwrap();
    append(&v, "unlock-failed", serde_json::json!({})).unwrap();
    append(&v, "unlock-failed", serde_json::json!({})).unwrap();
    let rules = UnlockRules {
        max_failed: 10,
        on_limit: OnLimit::Wipe,
        backoff_base: std::time::Duration::ZERO,
        backoff_max: std::time::Duration::ZERO,
    };
    v.unlock(PW, &rules).unwrap();
    let before = verify(&v).unwrap();
    assert!(before.ok, "{:?}", before.problems);
    assert_eq!(before.pending, 2);
    assert_eq!(seal_pending(&v).unwrap(), 2);
    let after = verify(&v).unwrap();
    assert!(
        after.ok && after.pending == 0 && after.sealed == 4,
        "{after:?}"
    );
}
