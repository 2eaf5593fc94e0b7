//! The audit log: an append-only, hash-chained record of what happened to the container
//! (enrolment, unlocks and failed unlocks, policy updates, installs, grants, denials, wipes).
//!
//! Every entry's hash covers its sequence number, time, kind, detail and the previous hash.
//! Entries written while unlocked are also MACed with a key derived from the data key;
//! entries written while locked (failed unlocks) are chained only and get their MAC at the
//! next unlock. A MACed anchor in `meta` names the last sealed entry, so removing sealed
//! entries from the end is detected too. What an attacker with the container file can still
//! do: drop entries written while locked before they are sealed, or roll the whole file back
//! to an older copy — the latter needs a hardware counter and is noted in ARCHITECTURE.md.
//! Details are plain JSON and must never hold a secret.

use kapsel_i18n::t;
use rusqlite::{OptionalExtension, TransactionBehavior, params};
use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::error::Result;
use crate::vault::{Vault, crypto, now_ms};

#[derive(Debug, Clone, Serialize, serde::Deserialize)]
pub struct Entry {
    pub seq: u64,
    pub ts_ms: u64,
    pub kind: String,
    pub detail: serde_json::Value,
    pub sealed: bool,
}

#[derive(Debug, Clone, Serialize, serde::Deserialize)]
pub struct Verification {
    pub entries: u64,
    pub sealed: u64,
    /// Written while locked, chained but not yet MACed.
    pub pending: u64,
    pub ok: bool,
    pub problems: Vec<String>,
}

fn entry_hash(prev: &[u8], seq: u64, ts_ms: u64, kind: &str, detail: &str) -> [u8; 32] {
    let mut h = Sha256::new();
    h.update(b"kapsel-audit/v1");
    h.update(prev);
    h.update(seq.to_be_bytes());
    h.update(ts_ms.to_be_bytes());
    for part in [kind.as_bytes(), detail.as_bytes()] {
        h.update((part.len() as u32).to_be_bytes());
        h.update(part);
    }
    h.finalize().into()
}

fn anchor_mac(keys: &crypto::Keys, seq: u64, hash: &[u8]) -> [u8; 32] {
    let mut m = b"anchor".to_vec();
    m.extend_from_slice(&seq.to_be_bytes());
    m.extend_from_slice(hash);
    keys.audit_mac(&m)
}

#[derive(serde::Serialize, serde::Deserialize)]
struct Anchor {
    seq: u64,
    hash: String,
    mac: String,
}

/// MAC every entry written while locked and move the anchor to the end. Runs inside the
/// caller's transaction when there is one.
fn seal_pending_in(vault: &Vault, keys: &crypto::Keys) -> Result<usize> {
    let conn = vault.conn();
    let pending: Vec<(u64, Vec<u8>)> = {
        let mut stmt =
            conn.prepare_cached("SELECT seq, hash FROM audit WHERE mac IS NULL ORDER BY seq")?;
        let rows = stmt.query_map([], |r| {
            Ok((r.get::<_, i64>(0)? as u64, r.get::<_, Vec<u8>>(1)?))
        })?;
        rows.collect::<rusqlite::Result<_>>()?
    };
    for (seq, hash) in &pending {
        let mac = keys.audit_mac(hash);
        conn.execute(
            "UPDATE audit SET mac = ?1 WHERE seq = ?2",
            params![&mac[..], *seq as i64],
        )?;
        // Sealed entries are part of the vault's state: one removed from the end (with the
        // anchor rewritten) no longer adds up at the next unlock.
        track(vault, *seq, hash, &mac)?;
    }
    if let Some((seq, hash)) = pending.last() {
        write_anchor(conn, keys, *seq, hash)?;
    }
    Ok(pending.len())
}

fn write_anchor(
    conn: &rusqlite::Connection,
    keys: &crypto::Keys,
    seq: u64,
    hash: &[u8],
) -> Result<()> {
    let anchor = Anchor {
        seq,
        hash: hex::encode(hash),
        mac: hex::encode(anchor_mac(keys, seq, hash)),
    };
    conn.execute(
        "INSERT INTO meta(name, value) VALUES ('audit_anchor', ?1) ON CONFLICT(name) DO UPDATE SET value = excluded.value",
        [serde_json::to_vec(&anchor).expect("serialisable")],
    )?;
    Ok(())
}

fn track(vault: &Vault, seq: u64, hash: &[u8], mac: &[u8]) -> Result<()> {
    use crate::vault::state::RowKey;
    let e = vault.element("audit", RowKey::Int(seq as i64), &[hash, mac])?;
    vault.track("audit", RowKey::Int(seq as i64), Some(e))
}

/// Seal what was written while locked (called right after an unlock).
pub fn seal_pending(vault: &Vault) -> Result<usize> {
    let keys = vault.keys()?;
    vault.write_tx(|| seal_pending_in(vault, keys))
}

/// Append one entry; sealed at once when the vault is unlocked. One transaction.
pub fn append(vault: &Vault, kind: &str, detail: serde_json::Value) -> Result<u64> {
    let detail = detail.to_string();
    if vault.is_unlocked() {
        vault.write_tx(|| append_in(vault, kind, &detail))
    } else {
        // Locked: no state to update (the entry joins it when sealed at the next unlock).
        let tx =
            rusqlite::Transaction::new_unchecked(vault.conn(), TransactionBehavior::Immediate)?;
        let seq = append_in(vault, kind, &detail)?;
        tx.commit()?;
        Ok(seq)
    }
}

fn append_in(vault: &Vault, kind: &str, detail: &str) -> Result<u64> {
    let tx = vault.conn();
    let keys = vault.keys().ok();
    if let Some(keys) = keys {
        seal_pending_in(vault, keys)?;
    }
    let last: Option<(i64, Vec<u8>)> = tx
        .query_row(
            "SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?;
    let (seq, prev) = match last {
        Some((s, h)) => (s as u64 + 1, h),
        None => (1, vec![0u8; 32]),
    };
    let ts = now_ms();
    let hash = entry_hash(&prev, seq, ts, kind, detail);
    let mac = keys.map(|k| k.audit_mac(&hash).to_vec());
    tx.execute(
        "INSERT INTO audit(seq, ts_ms, kind, detail, prev, hash, mac) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        params![seq as i64, ts as i64, kind, detail, prev, &hash[..], mac],
    )?;
    if let (Some(keys), Some(mac)) = (keys, &mac) {
        write_anchor(tx, keys, seq, &hash)?;
        track(vault, seq, &hash, mac)?;
    }
    Ok(seq)
}

/// The newest `limit` entries, oldest first.
pub fn entries(vault: &Vault, limit: usize) -> Result<Vec<Entry>> {
    vault.keys()?;
    let mut stmt = vault.conn().prepare(
        "SELECT seq, ts_ms, kind, detail, mac IS NOT NULL FROM audit ORDER BY seq DESC LIMIT ?1",
    )?;
    let rows = stmt.query_map([limit as i64], |r| {
        Ok((
            r.get::<_, i64>(0)?,
            r.get::<_, i64>(1)?,
            r.get::<_, String>(2)?,
            r.get::<_, String>(3)?,
            r.get::<_, bool>(4)?,
        ))
    })?;
    let mut out = Vec::new();
    for row in rows {
        let (seq, ts, kind, detail, sealed) = row?;
        out.push(Entry {
            seq: seq as u64,
            ts_ms: ts as u64,
            kind,
            detail: serde_json::from_str(&detail).unwrap_or(serde_json::Value::String(detail)),
            sealed,
        });
    }
    out.reverse();
    Ok(out)
}

/// Walk the whole chain and report every problem found (not only the first).
pub fn verify(vault: &Vault) -> Result<Verification> {
    let keys = vault.keys()?;
    let conn = vault.conn();
    let cat = kapsel_i18n::current();
    let mut problems = Vec::new();
    let mut stmt =
        conn.prepare("SELECT seq, ts_ms, kind, detail, prev, hash, mac FROM audit ORDER BY seq")?;
    let mut rows = stmt.query([])?;
    let (mut expected_seq, mut prev_hash) = (1u64, vec![0u8; 32]);
    let (mut count, mut sealed, mut pending) = (0u64, 0u64, 0u64);
    let mut hashes = std::collections::BTreeMap::new();
    let mut seen_unsealed = false;
    while let Some(row) = rows.next()? {
        let seq = row.get::<_, i64>(0)? as u64;
        let ts = row.get::<_, i64>(1)? as u64;
        let kind: String = row.get(2)?;
        let detail: String = row.get(3)?;
        let prev: Vec<u8> = row.get(4)?;
        let hash: Vec<u8> = row.get(5)?;
        let mac: Option<Vec<u8>> = row.get(6)?;
        count += 1;
        if seq != expected_seq {
            problems.push(t!(
                cat,
                "core-audit-missing-entries",
                from = expected_seq.to_string(),
                to = (seq - 1).to_string()
            ));
        }
        if !crypto::ct_eq(&prev, &prev_hash) {
            problems.push(t!(cat, "core-audit-chain-broken", seq = seq.to_string()));
        }
        let computed = entry_hash(&prev, seq, ts, &kind, &detail);
        if !crypto::ct_eq(&computed, &hash) {
            problems.push(t!(cat, "core-audit-hash-mismatch", seq = seq.to_string()));
        }
        match mac {
            Some(m) => {
                sealed += 1;
                if seen_unsealed {
                    problems.push(t!(
                        cat,
                        "core-audit-sealed-after-unsealed",
                        seq = seq.to_string()
                    ));
                }
                if !crypto::ct_eq(&m, &keys.audit_mac(&hash)) {
                    problems.push(t!(cat, "core-audit-mac-mismatch", seq = seq.to_string()));
                }
            }
            None => {
                pending += 1;
                seen_unsealed = true;
            }
        }
        hashes.insert(seq, hash.clone());
        prev_hash = hash;
        expected_seq = seq + 1;
    }
    match vault.meta_get("audit_anchor")? {
        None if sealed > 0 => problems.push(t!(cat, "core-audit-anchor-missing")),
        None => {}
        Some(raw) => match serde_json::from_slice::<Anchor>(&raw) {
            Err(_) => problems.push(t!(cat, "core-audit-anchor-malformed")),
            Ok(a) => {
                let hash = hex::decode(&a.hash).unwrap_or_default();
                let mac = hex::decode(&a.mac).unwrap_or_default();
                if !crypto::ct_eq(&mac, &anchor_mac(keys, a.seq, &hash)) {
                    problems.push(t!(cat, "core-audit-anchor-altered"));
                } else {
                    match hashes.get(&a.seq) {
                        None => problems.push(t!(
                            cat,
                            "core-audit-entries-removed",
                            seq = a.seq.to_string(),
                            end = (expected_seq - 1).to_string()
                        )),
                        Some(h) if !crypto::ct_eq(h, &hash) => problems.push(t!(
                            cat,
                            "core-audit-anchor-differs",
                            seq = a.seq.to_string()
                        )),
                        Some(_) => {
                            if sealed != a.seq {
                                problems.push(t!(
                                    cat,
                                    "core-audit-anchor-count",
                                    sealed = sealed.to_string(),
                                    seq = a.seq.to_string()
                                ));
                            }
                        }
                    }
                }
            }
        },
    }
    Ok(Verification {
        entries: count,
        sealed,
        pending,
        ok: problems.is_empty(),
        problems,
    })
}

/// Raw row access for tests that tamper with the log on purpose.
#[doc(hidden)]
pub fn count(vault: &Vault) -> Result<u64> {
    Ok(vault
        .conn()
        .query_row("SELECT COUNT(*) FROM audit", [], |r| r.get::<_, i64>(0))? as u64)
}

#[cfg(test)]
mod tests;
