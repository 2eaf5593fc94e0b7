//! The state of the vault as a whole. Each record is sealed on its own (AES-GCM with an AAD
//! naming its place); what the seals cannot show is a record that is missing, moved, or an
//! older copy put back. So every tracked row has an element `e = HMAC(state key, table,
//! row key, the row's seal tags)` in `vstate`, and a sealed summary in `meta` holds the sum
//! of all elements (mod 2^256), their number and a commit counter — updated in the same
//! transaction as the rows. A keyed multiset hash: without the key nobody can compute an
//! element, so no change to the set keeps the sum right.
//!
//! Checked at unlock: the recorded elements add up, every row has its element and every
//! element its row, and the element of every row as it is now (recomputed from its seal
//! tags — records, blobs, audit entries, mail folders and message summaries) is the one
//! recorded, so an older sealed copy put back is found. Mail bodies and raw messages are
//! checked when read (reading them all would make unlock cost the mailbox's size). A small
//! file beside the database (`state`) repeats the commit counter after every commit, so a
//! database that lost committed transactions (a damaged WAL, a copy put back) is older than
//! it and is caught.
//!
//! What this cannot catch: the database *and* that file rolled back together to an older
//! copy of the whole container (that needs a counter outside the device: the tenant's
//! freshness document), and audit entries written while locked and dropped before the next
//! unlock (they have no element until then).

use kapsel_i18n::t;
use rusqlite::{OptionalExtension, params};

use super::Vault;
use super::crypto::{Keys, ct_eq};
use crate::error::{Error, Result};

/// The file beside the database that repeats the commit counter.
pub const STATE_FILE: &str = "state";
/// One MACed summary in the state file; the file holds two (see `note_commit`).
const SLOT: usize = 80;
const META_STATE: &str = "state";
/// Set by the schema migration that introduced the state; cleared once it is built.
const ADOPT_PENDING: &str = "state_adopt_pending";

/// A row's key in `vstate`: a text key (kv namespace, blob id) plus bytes (kv key id), or
/// an integer row id plus a part name (a mail message has one element per sealed column,
/// so changing its flags does not mean reading its body).
#[derive(Debug, Clone, Copy)]
pub enum RowKey<'a> {
    Text(&'a str, &'a [u8]),
    Int(i64),
    IntPart(i64, &'static str),
}

impl RowKey<'_> {
    fn encode(&self) -> Vec<u8> {
        match self {
            RowKey::Text(a, b) => {
                let mut v = vec![b't'];
                v.extend_from_slice(&(a.len() as u32).to_be_bytes());
                v.extend_from_slice(a.as_bytes());
                v.extend_from_slice(b);
                v
            }
            RowKey::Int(i) => {
                let mut v = vec![b'i'];
                v.extend_from_slice(&i.to_be_bytes());
                v
            }
            RowKey::IntPart(i, part) => {
                let mut v = vec![b'p'];
                v.extend_from_slice(&i.to_be_bytes());
                v.extend_from_slice(part.as_bytes());
                v
            }
        }
    }
}

/// The GCM tag of a sealed value (its last 16 bytes): commits to the ciphertext without
/// reading or opening it. Empty for a missing value.
pub fn tag(sealed: Option<&[u8]>) -> &[u8] {
    match sealed {
        Some(s) if s.len() >= 16 => &s[s.len() - 16..],
        Some(s) => s,
        None => &[],
    }
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
struct Summary {
    sum: [u64; 4],
    count: u64,
    commits: u64,
}

fn add(sum: &mut [u64; 4], e: &[u8; 32], sign: bool) {
    let limbs: [u64; 4] = std::array::from_fn(|i| {
        u64::from_le_bytes(e[i * 8..i * 8 + 8].try_into().expect("8 bytes"))
    });
    let mut carry = false;
    for i in 0..4 {
        if sign {
            let (v, c1) = sum[i].overflowing_add(limbs[i]);
            let (v, c2) = v.overflowing_add(u64::from(carry));
            sum[i] = v;
            carry = c1 || c2;
        } else {
            let (v, b1) = sum[i].overflowing_sub(limbs[i]);
            let (v, b2) = v.overflowing_sub(u64::from(carry));
            sum[i] = v;
            carry = b1 || b2;
        }
    }
}

impl Summary {
    fn encode(&self) -> Vec<u8> {
        let mut v = Vec::with_capacity(48);
        for l in self.sum {
            v.extend_from_slice(&l.to_le_bytes());
        }
        v.extend_from_slice(&self.count.to_be_bytes());
        v.extend_from_slice(&self.commits.to_be_bytes());
        v
    }

    fn decode(b: &[u8]) -> Option<Summary> {
        if b.len() != 48 {
            return None;
        }
        let u = |r: std::ops::Range<usize>| b.get(r).and_then(|s| s.try_into().ok());
        Some(Summary {
            sum: std::array::from_fn(|i| u64::from_le_bytes(u(i * 8..i * 8 + 8).unwrap_or([0; 8]))),
            count: u64::from_be_bytes(u(32..40)?),
            commits: u64::from_be_bytes(u(40..48)?),
        })
    }

    fn sealed(&self, keys: &Keys, what: &[u8]) -> Vec<u8> {
        let body = self.encode();
        let mac = keys.state_mac(&[what, &body]);
        [body.as_slice(), &mac].concat()
    }

    fn open(keys: &Keys, what: &[u8], stored: &[u8]) -> Option<Summary> {
        if stored.len() != 80 {
            return None;
        }
        let (body, mac) = stored.split_at(48);
        ct_eq(&keys.state_mac(&[what, body]), mac)
            .then(|| Summary::decode(body))
            .flatten()
    }
}

/// The tracked tables, how their rows map to `vstate`, and which rows count. `+col` on an
/// integer column strips its affinity, so `vstate`'s key index (column `a` has none) serves
/// the look-up instead of a scan per row.
struct Tracked {
    table: &'static str,
    /// SQL for "rows of `table` without an element" and "elements without a row".
    orphans: &'static str,
    missing: &'static str,
}

/// Four columns of a row as bytes (integers as decimal text), for recomputing elements.
type Row4 = (Vec<u8>, Vec<u8>, Vec<u8>, Vec<u8>);

/// Which rows' elements are recomputed: all (when the state is first built), or all but the
/// large mail columns (at unlock).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Scope {
    Everything,
    AtUnlock,
}

const TRACKED: &[Tracked] = &[
    Tracked {
        table: "kv",
        orphans: "SELECT COUNT(*) FROM kv WHERE NOT EXISTS
                  (SELECT 1 FROM vstate v WHERE v.tbl = 'kv' AND v.a = kv.ns AND v.b = kv.key_id)",
        missing: "SELECT COUNT(*) FROM vstate v WHERE v.tbl = 'kv' AND NOT EXISTS
                  (SELECT 1 FROM kv WHERE kv.ns = v.a AND kv.key_id = v.b)",
    },
    Tracked {
        table: "blobs",
        orphans: "SELECT COUNT(*) FROM blobs WHERE NOT EXISTS
                  (SELECT 1 FROM vstate v WHERE v.tbl = 'blobs' AND v.a = blobs.id AND v.b = x'')",
        missing: "SELECT COUNT(*) FROM vstate v WHERE v.tbl = 'blobs' AND NOT EXISTS
                  (SELECT 1 FROM blobs WHERE blobs.id = v.a)",
    },
    Tracked {
        table: "audit",
        orphans: "SELECT COUNT(*) FROM audit WHERE mac IS NOT NULL AND NOT EXISTS
                  (SELECT 1 FROM vstate v WHERE v.tbl = 'audit' AND v.a = +audit.seq AND v.b = x'')",
        missing: "SELECT COUNT(*) FROM vstate v WHERE v.tbl = 'audit' AND NOT EXISTS
                  (SELECT 1 FROM audit WHERE audit.seq = v.a AND audit.mac IS NOT NULL)",
    },
    Tracked {
        table: "mail_folder",
        orphans: "SELECT COUNT(*) FROM mail_folder f WHERE NOT EXISTS
                  (SELECT 1 FROM vstate v WHERE v.tbl = 'mail_folder' AND v.a = +f.id AND v.b = x'')",
        missing: "SELECT COUNT(*) FROM vstate v WHERE v.tbl = 'mail_folder' AND NOT EXISTS
                  (SELECT 1 FROM mail_folder f WHERE f.id = v.a)",
    },
    Tracked {
        table: "mail_msg",
        orphans: "SELECT COUNT(*) FROM mail_msg m WHERE NOT EXISTS
                  (SELECT 1 FROM vstate v WHERE v.tbl = 'mail_msg' AND v.a = +m.id AND v.b = CAST('summary' AS BLOB))",
        missing: "SELECT COUNT(*) FROM vstate v WHERE v.tbl = 'mail_msg' AND NOT EXISTS
                  (SELECT 1 FROM mail_msg m WHERE m.id = v.a)",
    },
];

fn split(key: RowKey<'_>) -> (rusqlite::types::Value, Vec<u8>) {
    use rusqlite::types::Value;
    match key {
        RowKey::Text(a, b) => (Value::Text(a.to_string()), b.to_vec()),
        RowKey::Int(i) => (Value::Integer(i), Vec::new()),
        RowKey::IntPart(i, part) => (Value::Integer(i), part.as_bytes().to_vec()),
    }
}

impl Vault {
    /// The element of a row of `table` with these seal tags (or other row fields).
    pub fn element(&self, table: &str, key: RowKey<'_>, parts: &[&[u8]]) -> Result<[u8; 32]> {
        let keys = self.keys()?;
        let k = key.encode();
        let mut all: Vec<&[u8]> = vec![b"row", table.as_bytes(), &k];
        all.extend_from_slice(parts);
        Ok(keys.state_mac(&all))
    }

    fn summary(&self, keys: &Keys) -> Result<Summary> {
        match self.meta_get(META_STATE)? {
            None => Err(Error::Tampered(t!(
                kapsel_i18n::current(),
                "core-state-missing"
            ))),
            Some(raw) => Summary::open(keys, META_STATE.as_bytes(), &raw).ok_or_else(|| {
                Error::Tampered(t!(kapsel_i18n::current(), "core-state-unauthentic"))
            }),
        }
    }

    fn store_summary(&self, keys: &Keys, s: &Summary) -> Result<()> {
        self.meta_put(META_STATE, &s.sealed(keys, META_STATE.as_bytes()))
    }

    /// Record that a row of `table` now has element `e` (`None`: the row is gone). Runs in
    /// the caller's transaction, or in one of its own.
    pub fn track(&self, table: &str, key: RowKey<'_>, e: Option<[u8; 32]>) -> Result<()> {
        self.track_many(table, &[(key, e)])
    }

    /// Several rows of one table at once: one update of the sealed summary.
    pub fn track_many(&self, table: &str, rows: &[(RowKey<'_>, Option<[u8; 32]>)]) -> Result<()> {
        if rows.is_empty() {
            return Ok(());
        }
        let keys = self.keys()?;
        self.write_tx(|| {
            let mut s = self.summary(keys)?;
            for (key, e) in rows {
                let (a, b) = split(*key);
                let old: Option<Vec<u8>> = self
                    .conn
                    .prepare_cached("SELECT e FROM vstate WHERE tbl = ?1 AND a = ?2 AND b = ?3")?
                    .query_row(params![table, a, b], |r| r.get(0))
                    .optional()?;
                if let Some(old) = &old {
                    let old: [u8; 32] = old.as_slice().try_into().map_err(|_| {
                        Error::Tampered(t!(kapsel_i18n::current(), "core-state-element-length"))
                    })?;
                    add(&mut s.sum, &old, false);
                    s.count = s.count.saturating_sub(1);
                }
                match e {
                    Some(e) => {
                        self.conn
                            .prepare_cached(
                                "INSERT INTO vstate(tbl, a, b, e) VALUES (?1, ?2, ?3, ?4)
                                 ON CONFLICT(tbl, a, b) DO UPDATE SET e = excluded.e",
                            )?
                            .execute(params![table, a, b, &e[..]])?;
                        add(&mut s.sum, e, true);
                        s.count += 1;
                    }
                    None if old.is_some() => {
                        self.conn
                            .prepare_cached(
                                "DELETE FROM vstate WHERE tbl = ?1 AND a = ?2 AND b = ?3",
                            )?
                            .execute(params![table, a, b])?;
                    }
                    None => {}
                }
            }
            s.commits += 1;
            self.store_summary(keys, &s)
        })
    }

    /// On read: the row's element must be the one recorded (an older copy of a record put
    /// back opens fine — its seal is genuine — but its tags differ).
    pub fn check_element(&self, table: &str, key: RowKey<'_>, parts: &[&[u8]]) -> Result<()> {
        let (a, b) = split(key);
        let have: Option<Vec<u8>> = self
            .conn
            .prepare_cached("SELECT e FROM vstate WHERE tbl = ?1 AND a = ?2 AND b = ?3")?
            .query_row(params![table, a, b], |r| r.get(0))
            .optional()?;
        self.compare_element(table, key, parts, have.as_deref())
    }

    /// Like `check_element`, with the recorded element already looked up (`None`: there is
    /// none).
    pub fn compare_element(
        &self,
        table: &str,
        key: RowKey<'_>,
        parts: &[&[u8]],
        recorded: Option<&[u8]>,
    ) -> Result<()> {
        let want = self.element(table, key, parts)?;
        match recorded {
            Some(h) if ct_eq(h, &want) => Ok(()),
            Some(_) => Err(Error::Tampered(t!(
                kapsel_i18n::current(),
                "core-state-stale-record",
                table = table
            ))),
            None => Err(Error::Tampered(t!(
                kapsel_i18n::current(),
                "core-state-unrecorded",
                table = table
            ))),
        }
    }

    /// After a commit: repeat the counter in the state file (not fsynced: it only has to be
    /// newer than what survived, never older; see the module comment).
    pub fn note_commit(&self) {
        let Ok(keys) = self.keys() else { return };
        let Ok(Some(raw)) = self.meta_get(META_STATE) else {
            return;
        };
        let Some(s) = Summary::open(keys, META_STATE.as_bytes(), &raw) else {
            return;
        };
        let bytes = s.sealed(keys, STATE_FILE.as_bytes());
        use cap_std::fs::OpenOptionsExt;
        // Two slots, written in turn in place: a write cut short (a kill, a power cut)
        // damages only the slot being written, and the other still holds the previous
        // counter. No truncate and no rename: replacing a file by rename makes the file
        // system flush it, which cost more than the commit itself.
        let mut opts = cap_std::fs::OpenOptions::new();
        opts.write(true).create(true).mode(0o600);
        if let Ok(f) = self.dir.open_with(STATE_FILE, &opts) {
            let slot = (s.commits % 2) * SLOT as u64;
            let _ = rustix::io::pwrite(&f, &bytes, slot);
        }
    }

    /// Build the state from the rows as they are (a new container, or one written before
    /// the vault tracked its state). Every row's seal is opened on the way, so the state
    /// starts from records that authenticate.
    pub(super) fn adopt_state(&self) -> Result<()> {
        let keys = self.keys()?;
        let tx = self.conn.unchecked_transaction()?;
        self.conn.execute("DELETE FROM vstate", [])?;
        let mut s = Summary::default();
        self.for_each_element(Scope::Everything, |table, key, e| {
            let (a, b) = split(key);
            self.conn.execute(
                "INSERT INTO vstate(tbl, a, b, e) VALUES (?1, ?2, ?3, ?4)",
                params![table, a, b, &e[..]],
            )?;
            add(&mut s.sum, &e, true);
            s.count += 1;
            Ok(())
        })?;
        s.commits = self
            .meta_get(META_STATE)?
            .and_then(|raw| Summary::open(keys, META_STATE.as_bytes(), &raw))
            .map_or(0, |old| old.commits + 1);
        self.store_summary(keys, &s)?;
        self.conn
            .execute("DELETE FROM meta WHERE name = ?1", [ADOPT_PENDING])?;
        tx.commit()?;
        self.note_commit();
        Ok(())
    }

    /// Recompute the element of every tracked row from the rows as they are now. At unlock
    /// the large mail columns (bodies, raw messages) are left to the check on read: reading
    /// every message would make unlock cost the size of the mailbox.
    fn for_each_element(
        &self,
        scope: Scope,
        mut f: impl FnMut(&str, RowKey<'_>, [u8; 32]) -> Result<()>,
    ) -> Result<()> {
        let mut put = |table: &str, key: RowKey<'_>, parts: &[&[u8]]| -> Result<()> {
            let e = self.element(table, key, parts)?;
            f(table, key, e)
        };
        for (ns, key_id, key_sealed, value) in
            self.rows4("SELECT ns, key_id, key_sealed, value FROM kv")?
        {
            let ns = String::from_utf8(ns).map_err(|_| {
                Error::Tampered(t!(kapsel_i18n::current(), "core-state-namespace-not-text"))
            })?;
            put(
                "kv",
                RowKey::Text(&ns, &key_id),
                &[tag(Some(&key_sealed)), tag(Some(&value))],
            )?;
        }
        for (id, ns, size, chunks) in
            self.rows4("SELECT id, ns, CAST(size AS BLOB), CAST(chunks AS BLOB) FROM blobs")?
        {
            let id = String::from_utf8(id).map_err(|_| {
                Error::Tampered(t!(kapsel_i18n::current(), "core-state-blob-id-not-text"))
            })?;
            put("blobs", RowKey::Text(&id, b""), &[&ns, &size, &chunks])?;
        }
        for (seq, hash, mac, _) in
            self.rows4("SELECT CAST(seq AS BLOB), hash, mac, x'' FROM audit WHERE mac IS NOT NULL")?
        {
            let seq: i64 = String::from_utf8_lossy(&seq).parse().unwrap_or(-1);
            put("audit", RowKey::Int(seq), &[&hash, &mac])?;
        }
        let tables_exist: bool = self.conn.query_row(
            "SELECT COUNT(*) FROM sqlite_master WHERE name = 'mail_msg'",
            [],
            |r| r.get::<_, i64>(0),
        )? > 0;
        if !tables_exist {
            return Ok(());
        }
        for (id, state, _, _) in
            self.rows4("SELECT CAST(id AS BLOB), state, x'', x'' FROM mail_folder")?
        {
            let id: i64 = String::from_utf8_lossy(&id).parse().unwrap_or(-1);
            put("mail_folder", RowKey::Int(id), &[tag(Some(&state))])?;
        }
        if scope == Scope::AtUnlock {
            let mut stmt = self.conn.prepare("SELECT id, summary FROM mail_msg")?;
            let rows =
                stmt.query_map([], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, Vec<u8>>(1)?)))?;
            for row in rows {
                let (id, summary) = row?;
                put(
                    "mail_msg",
                    RowKey::IntPart(id, "summary"),
                    &[tag(Some(&summary))],
                )?;
            }
            return Ok(());
        }
        let mut stmt = self
            .conn
            .prepare("SELECT id, summary, body, raw, raw_blob FROM mail_msg")?;
        let rows = stmt.query_map([], |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, Vec<u8>>(1)?,
                r.get::<_, Option<Vec<u8>>>(2)?,
                r.get::<_, Option<Vec<u8>>>(3)?,
                r.get::<_, Option<String>>(4)?,
            ))
        })?;
        for row in rows {
            let (id, summary, body, raw, raw_blob) = row?;
            put(
                "mail_msg",
                RowKey::IntPart(id, "summary"),
                &[tag(Some(&summary))],
            )?;
            put(
                "mail_msg",
                RowKey::IntPart(id, "body"),
                &[tag(body.as_deref())],
            )?;
            put(
                "mail_msg",
                RowKey::IntPart(id, "raw"),
                &[
                    tag(raw.as_deref()),
                    raw_blob.as_deref().unwrap_or("").as_bytes(),
                ],
            )?;
        }
        Ok(())
    }

    fn rows4(&self, sql: &str) -> Result<Vec<Row4>> {
        let mut stmt = self.conn.prepare(sql)?;
        let rows = stmt.query_map([], |r| {
            let blob = |i: usize| -> rusqlite::Result<Vec<u8>> {
                use rusqlite::types::ValueRef;
                Ok(match r.get_ref(i)? {
                    ValueRef::Blob(b) | ValueRef::Text(b) => b.to_vec(),
                    ValueRef::Integer(n) => n.to_string().into_bytes(),
                    ValueRef::Real(f) => f.to_string().into_bytes(),
                    ValueRef::Null => Vec::new(),
                })
            };
            Ok((blob(0)?, blob(1)?, blob(2)?, blob(3)?))
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// At unlock: the elements add up to the recorded sum and count, every tracked row has
    /// its element and every element its row, and the database is not older than the last
    /// commit it recorded. Each finding is named.
    pub(super) fn verify_state(&self) -> Result<()> {
        let keys = self.keys()?;
        let cat = kapsel_i18n::current();
        if self.meta_get(META_STATE)?.is_none() {
            // Written before the vault tracked its state: start tracking. Otherwise a missing
            // record was removed.
            if self.meta_get(ADOPT_PENDING)?.is_some() {
                return self.adopt_state();
            }
            return Err(Error::Tampered(t!(cat, "core-state-missing-altered")));
        }
        let s = self.summary(keys)?;
        let mut problems = Vec::new();
        let mut sum = [0u64; 4];
        let mut count = 0u64;
        {
            let mut stmt = self.conn.prepare("SELECT e FROM vstate")?;
            let rows = stmt.query_map([], |r| r.get::<_, Vec<u8>>(0))?;
            for e in rows {
                let e = e?;
                let e: [u8; 32] = e
                    .as_slice()
                    .try_into()
                    .map_err(|_| Error::Tampered(t!(cat, "core-state-element-length")))?;
                add(&mut sum, &e, true);
                count += 1;
            }
        }
        // The rows as they are now against the elements recorded for them: an older sealed
        // copy put back, or a row edited, changes its element.
        let mut now = [0u64; 4];
        self.for_each_element(Scope::AtUnlock, |_, _, e| {
            add(&mut now, &e, true);
            Ok(())
        })?;
        let mut recorded = [0u64; 4];
        {
            let mut stmt = self.conn.prepare(
                "SELECT e FROM vstate WHERE NOT (tbl = 'mail_msg' AND b IN (CAST('body' AS BLOB), CAST('raw' AS BLOB)))",
            )?;
            let rows = stmt.query_map([], |r| r.get::<_, Vec<u8>>(0))?;
            for e in rows {
                let e: [u8; 32] = e?
                    .as_slice()
                    .try_into()
                    .map_err(|_| Error::Tampered(t!(cat, "core-state-element-length")))?;
                add(&mut recorded, &e, true);
            }
        }
        if now != recorded {
            problems.push(t!(cat, "core-state-records-differ"));
        }
        if sum != s.sum || count != s.count {
            problems.push(t!(
                cat,
                "core-state-sum",
                count = count.to_string(),
                expected = s.count.to_string()
            ));
        }
        for t in TRACKED {
            let exists: i64 = self.conn.query_row(
                "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = ?1",
                [t.table],
                |r| r.get(0),
            )?;
            if exists == 0 {
                continue;
            }
            let orphans: i64 = self.conn.query_row(t.orphans, [], |r| r.get(0))?;
            let missing: i64 = self.conn.query_row(t.missing, [], |r| r.get(0))?;
            if orphans > 0 {
                problems.push(t!(
                    cat,
                    "core-state-orphans",
                    count = orphans,
                    table = t.table
                ));
            }
            if missing > 0 {
                problems.push(t!(
                    cat,
                    "core-state-missing-rows",
                    count = missing,
                    table = t.table
                ));
            }
        }
        match self.dir.read(STATE_FILE) {
            Ok(raw) => {
                let newest = raw
                    .chunks(SLOT)
                    .filter_map(|slot| Summary::open(keys, STATE_FILE.as_bytes(), slot))
                    .map(|f| f.commits)
                    .max();
                match newest {
                    Some(file) if file > s.commits => problems.push(t!(
                        cat,
                        "core-state-db-older",
                        database = s.commits.to_string(),
                        file = file.to_string()
                    )),
                    Some(_) => {}
                    None => problems.push(t!(cat, "core-state-file-unauthentic")),
                }
            }
            Err(_) if s.commits > 0 => problems.push(t!(cat, "core-state-file-missing")),
            Err(_) => {}
        }
        if problems.is_empty() {
            // The file may lag behind after a crash: bring it up to date.
            self.note_commit();
            return Ok(());
        }
        Err(Error::Tampered(t!(
            cat,
            "core-state-mismatch",
            problems = problems.join("; ")
        )))
    }
}
