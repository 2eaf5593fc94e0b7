//! The vault: the encrypted container on disk.
//!
//! Owns the container folder (0700, files 0600), the SQLite database inside it (WAL, one
//! transaction per logical change, `synchronous=FULL` so an acknowledged write survives a
//! kill or a power cut), the data key and its wrap, the failed-unlock counter, sealed
//! key-value records and sealed blobs. Policy, audit and sessions sit above it and use it
//! through this facade; nothing outside this module sees a raw key.

mod blob;
pub mod crypto;
pub mod kdf;
mod schema;
pub mod state;

use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use cap_std::fs::{Dir, DirBuilder, DirBuilderExt, OpenOptions, OpenOptionsExt};
use kapsel_i18n::t;
use rusqlite::{Connection, OptionalExtension, params};
use zeroize::Zeroizing;

pub use blob::{BlobInfo, BlobReader, BlobSink, BlobWriter, CHUNK_SIZE};
pub use crypto::{Aad, Keys};
pub use kdf::{KdfParams, MIN_PARAMS};

use crate::error::{Error, Result};

pub const DB_FILE: &str = "vault.db";
pub const BLOB_DIR: &str = "blobs";
pub const RUN_DIR: &str = "run";

/// What happens when the failed-unlock limit is reached.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum OnLimit {
    /// Crypto-shred: destroy the key wrap, then delete every file of the container.
    Wipe,
    /// Refuse every unlock for `backoff_max`, then allow one more attempt at a time.
    Lockout,
}

impl std::fmt::Display for OnLimit {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let cat = kapsel_i18n::current();
        f.write_str(&match self {
            OnLimit::Wipe => kapsel_i18n::t!(cat, "core-on-limit-wipe"),
            OnLimit::Lockout => kapsel_i18n::t!(cat, "core-on-limit-lockout"),
        })
    }
}

/// The tenant's rules for failed unlocks, passed in by the layer that read the policy.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct UnlockRules {
    pub max_failed: u32,
    pub on_limit: OnLimit,
    pub backoff_base: Duration,
    pub backoff_max: Duration,
}

/// The loosest failed-unlock rules any stored file can bring into force before the password
/// is typed: a policy (even a validly signed older one swapped in while locked) may only
/// tighten them.
pub const MAX_FAILED_CEILING: u32 = 10;
/// The shortest lockout, for the same reason.
pub const LOCKOUT_FLOOR: Duration = Duration::from_secs(60);

impl UnlockRules {
    /// These rules bounded by the built-in ceiling and floor.
    pub fn within_builtin_bounds(mut self) -> UnlockRules {
        self.max_failed = self.max_failed.clamp(1, MAX_FAILED_CEILING);
        self.backoff_max = self.backoff_max.max(LOCKOUT_FLOOR);
        self
    }

    /// The tighter of the two on each rule: fewer attempts, a wipe over a lockout, longer waits.
    pub fn tightened_by(mut self, other: &UnlockRules) -> UnlockRules {
        self.max_failed = self.max_failed.min(other.max_failed);
        if other.on_limit == OnLimit::Wipe {
            self.on_limit = OnLimit::Wipe;
        }
        self.backoff_base = self.backoff_base.max(other.backoff_base);
        self.backoff_max = self.backoff_max.max(other.backoff_max);
        self
    }

    /// Wait after the n-th consecutive failure: base · 2^(n-1), capped.
    pub fn backoff_after(&self, failures: u32) -> Duration {
        if failures == 0 {
            return Duration::ZERO;
        }
        let factor = 1u32
            .checked_shl(failures.saturating_sub(1).min(30))
            .unwrap_or(u32::MAX);
        self.backoff_base
            .saturating_mul(factor)
            .min(self.backoff_max)
    }
}

/// The failed-unlock state as stored (readable while locked).
#[derive(Debug, Clone, Copy, serde::Serialize, serde::Deserialize)]
pub struct FailedUnlocks {
    pub count: u32,
    pub retry_after_ms: u64,
}

/// A record key that sorts by creation time (ms, zero-padded) and is unique within it:
/// outbox entries, drafts, notifications, calendar edits. Within one process the millisecond
/// is kept strictly increasing: a burst of records inside one millisecond would otherwise be
/// ordered by the random suffix, so a queue could replay edits out of order and "keep the
/// newest" could drop the newest. The random suffix keeps two processes' keys apart.
pub fn time_ordered_key() -> String {
    use std::sync::atomic::{AtomicU64, Ordering};
    static LAST_MS: AtomicU64 = AtomicU64::new(0);
    let now = now_ms();
    let next = |last: u64| now.max(last.saturating_add(1));
    let ms = match LAST_MS.fetch_update(Ordering::SeqCst, Ordering::SeqCst, |l| Some(next(l))) {
        Ok(last) | Err(last) => next(last),
    };
    format!("{ms:013}-{}", hex::encode(crypto::random_bytes::<4>()))
}

pub fn now_ms() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_millis() as u64)
        .unwrap_or(0)
}

/// The meta rows holding the two copies of the key wrap record.
const WRAP: &str = "wrap";
const WRAP_COPY: &str = "wrap.2";

pub struct Vault {
    root: PathBuf,
    dir: Dir,
    conn: Connection,
    keys: Option<std::sync::Arc<Keys>>,
    wiped: bool,
}

fn open_connection(path: &Path) -> Result<Connection> {
    let conn = Connection::open_with_flags(
        path,
        rusqlite::OpenFlags::SQLITE_OPEN_READ_WRITE | rusqlite::OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )?;
    conn.busy_timeout(Duration::from_secs(10))?;
    let mode: String = conn.query_row("PRAGMA journal_mode=WAL", [], |r| r.get(0))?;
    if !mode.eq_ignore_ascii_case("wal") {
        return Err(Error::invalid(t!(
            kapsel_i18n::current(),
            "core-vault-wal-refused",
            mode = mode
        )));
    }
    conn.execute_batch(
        "PRAGMA synchronous=FULL; PRAGMA secure_delete=ON; PRAGMA foreign_keys=ON; PRAGMA trusted_schema=OFF;",
    )?;
    Ok(conn)
}

impl Vault {
    pub fn exists(root: &Path) -> bool {
        root.join(DB_FILE).is_file()
    }

    /// Create a new container at `root` (which must not hold one) and return it unlocked.
    pub fn create(root: &Path, password: &str, params: KdfParams) -> Result<Vault> {
        if Vault::exists(root) {
            return Err(Error::AlreadyEnrolled(root.to_path_buf()));
        }
        params.check_minimum()?;
        std::os::unix::fs::DirBuilderExt::mode(std::fs::DirBuilder::new().recursive(true), 0o700)
            .create(root)
            .map_err(Error::io(t!(
                kapsel_i18n::current(),
                "core-vault-create-folder",
                path = root.display().to_string()
            )))?;
        set_mode(root, 0o700)?;
        let dir = open_dir(root)?;
        // Create the database file ourselves so that it is 0600 from its first byte; SQLite
        // gives the -wal and -shm files the same mode.
        dir.open_with(
            DB_FILE,
            OpenOptions::new().write(true).create_new(true).mode(0o600),
        )
        .map_err(Error::io(t!(
            kapsel_i18n::current(),
            "core-vault-create-db"
        )))?;
        for sub in [BLOB_DIR, RUN_DIR] {
            let mut b = DirBuilder::new();
            b.mode(0o700);
            dir.create_dir_with(sub, &b).map_err(Error::io(t!(
                kapsel_i18n::current(),
                "core-io-cannot-create",
                path = format!("{sub}/")
            )))?;
        }
        let mut conn = open_connection(&root.join(DB_FILE))?;
        schema::migrate(&mut conn)?;
        let keys = Keys::generate();
        let wrapped = kdf::wrap(keys.dek(), password, params)?;
        let tx = conn.transaction()?;
        let record = serde_json::to_vec(&wrapped).expect("serialisable");
        meta_put_tx(&tx, WRAP, &record)?;
        meta_put_tx(&tx, WRAP_COPY, &record)?;
        meta_put_tx(&tx, "created_ms", now_ms().to_string().as_bytes())?;
        tx.commit()?;
        let vault = Vault {
            root: root.to_path_buf(),
            dir,
            conn,
            keys: Some(std::sync::Arc::new(keys)),
            wiped: false,
        };
        vault.adopt_state()?;
        Ok(vault)
    }

    /// Open an existing container, locked.
    pub fn open(root: &Path) -> Result<Vault> {
        if !Vault::exists(root) {
            return Err(Error::NotEnrolled(root.to_path_buf()));
        }
        let dir = open_dir(root)?;
        let mut conn = open_connection(&root.join(DB_FILE))?;
        schema::migrate(&mut conn)?;
        Ok(Vault {
            root: root.to_path_buf(),
            dir,
            conn,
            keys: None,
            wiped: false,
        })
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    pub fn is_unlocked(&self) -> bool {
        self.keys.is_some()
    }

    pub fn keys(&self) -> Result<&Keys> {
        if self.wiped {
            return Err(Error::NotEnrolled(self.root.clone()));
        }
        self.keys.as_deref().ok_or(Error::Locked)
    }

    /// A second handle on the same unlocked container with its own database connection:
    /// for a subsystem (the app host) that runs beside the session's main handle. The keys
    /// are shared and wiped when the last handle locks or drops.
    pub fn share(&self) -> Result<Vault> {
        let keys = self.keys.clone().ok_or(Error::Locked)?;
        let mut other = Vault::open(&self.root)?;
        other.keys = Some(keys);
        Ok(other)
    }

    /// The database connection, for modules that keep their own sealed tables (mail): they
    /// seal every value with this vault's keys and write in one transaction per change.
    pub fn conn(&self) -> &Connection {
        &self.conn
    }

    pub(crate) fn dir(&self) -> &Dir {
        &self.dir
    }

    /// Drop the keys; `Keys` wipes its memory on drop.
    /// Drop the keys and fold the WAL into the database file and empty it: a locked
    /// container keeps no frames that a damaged byte could silently drop.
    pub fn lock(&mut self) {
        self.keys = None;
        let _ = self
            .conn
            .query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()));
    }

    /// The stored wrap records (`None` where missing or not even JSON).
    fn wrap_records(&self) -> Result<[Option<kdf::WrappedKey>; 2]> {
        let read = |name: &str| -> Result<Option<kdf::WrappedKey>> {
            Ok(self
                .meta_get(name)?
                .and_then(|raw| serde_json::from_slice(&raw).ok()))
        };
        Ok([read(WRAP)?, read(WRAP_COPY)?])
    }

    fn write_wrap(&self, wrapped: &kdf::WrappedKey) -> Result<()> {
        let record = serde_json::to_vec(wrapped).expect("serialisable");
        let tx = self.conn.unchecked_transaction()?;
        meta_put_tx(&tx, WRAP, &record)?;
        meta_put_tx(&tx, WRAP_COPY, &record)?;
        tx.commit()?;
        Ok(())
    }

    pub fn kdf_params(&self) -> Result<KdfParams> {
        let records = self.wrap_records()?;
        records
            .iter()
            .flatten()
            .find(|r| r.intact())
            .or_else(|| records.iter().flatten().next())
            .map(|r| r.params)
            .ok_or_else(|| Error::Tampered(t!(kapsel_i18n::current(), "core-vault-wrap-missing")))
    }

    pub fn failed_unlocks(&self) -> Result<FailedUnlocks> {
        let count = self.meta_u64("failed_unlocks")? as u32;
        let until = self.meta_u64("retry_after_ms")?;
        Ok(FailedUnlocks {
            count,
            retry_after_ms: until,
        })
    }

    /// Try `password`. The attempt is counted durably *before* the key derivation runs, so a
    /// process killed mid-attempt still counts it; success resets the counter.
    pub fn unlock(&mut self, password: &str, rules: &UnlockRules) -> Result<()> {
        if self.keys.is_some() {
            return Ok(());
        }
        let now = now_ms();
        let state = self.failed_unlocks()?;
        // A clock set back must not lock the user out for longer than the policy allows.
        let max_until = now + rules.backoff_max.as_millis() as u64;
        let retry_after = state.retry_after_ms.min(max_until);
        if retry_after > now {
            return Err(Error::BackOff {
                retry_after: Duration::from_millis(retry_after - now),
            });
        }
        let failures = state.count.saturating_add(1);
        self.meta_put("failed_unlocks", failures.to_string().as_bytes())?;
        let records = self.wrap_records()?;
        let outcome = match kdf::unwrap(&records, password) {
            Ok(o) => o,
            Err(e) => {
                // Not an attempt at the password: the record itself is unusable.
                self.meta_put("failed_unlocks", state.count.to_string().as_bytes())?;
                return Err(e);
            }
        };
        match outcome {
            kdf::Unwrapped::Damaged(why) => {
                // Damage is not a failed attempt: it neither counts nor wipes.
                self.meta_put("failed_unlocks", state.count.to_string().as_bytes())?;
                Err(Error::Tampered(t!(
                    kapsel_i18n::current(),
                    "core-vault-key-record-damaged",
                    reason = why
                )))
            }
            kdf::Unwrapped::Key { dek, repair } => {
                let mut dek = Zeroizing::new(dek);
                let tx = self.conn.transaction()?;
                meta_put_tx(&tx, "failed_unlocks", b"0")?;
                meta_put_tx(&tx, "retry_after_ms", b"0")?;
                tx.commit()?;
                let keys = Keys::from_dek(*dek);
                zeroize::Zeroize::zeroize(&mut *dek);
                if repair {
                    // A damaged copy or an old record: write both anew, same password.
                    let params = self
                        .kdf_params()
                        .unwrap_or_default()
                        .max_with(kdf::MIN_PARAMS);
                    let wrapped = kdf::wrap(keys.dek(), password, params)?;
                    self.write_wrap(&wrapped)?;
                }
                self.keys = Some(std::sync::Arc::new(keys));
                // The records as a whole: nothing removed, moved, added or lost.
                if let Err(e) = self.verify_state() {
                    self.keys = None;
                    return Err(e);
                }
                self.sweep_orphan_blobs()?;
                Ok(())
            }
            kdf::Unwrapped::WrongPassword => {
                if failures >= rules.max_failed {
                    match rules.on_limit {
                        OnLimit::Wipe => {
                            self.destroy()?;
                            return Err(Error::Wiped(failures));
                        }
                        OnLimit::Lockout => {
                            let until = now + rules.backoff_max.as_millis() as u64;
                            self.meta_put("retry_after_ms", until.to_string().as_bytes())?;
                            // One more attempt after the lockout, then locked out again.
                            self.meta_put(
                                "failed_unlocks",
                                rules.max_failed.saturating_sub(1).to_string().as_bytes(),
                            )?;
                            return Err(Error::BackOff {
                                retry_after: rules.backoff_max,
                            });
                        }
                    }
                }
                // Counted from the end of this attempt, not its start.
                let until = now_ms() + rules.backoff_after(failures).as_millis() as u64;
                self.meta_put("retry_after_ms", until.to_string().as_bytes())?;
                Err(Error::WrongPassword {
                    failures,
                    remaining: rules.max_failed - failures,
                    on_limit: rules.on_limit.to_string(),
                })
            }
        }
    }

    /// Re-wrap the data key under a new password (and/or stronger parameters). The data key
    /// and so every sealed record stay as they are.
    pub fn rewrap(&mut self, new_password: &str, params: KdfParams) -> Result<()> {
        let keys = self.keys()?;
        let wrapped = kdf::wrap(keys.dek(), new_password, params)?;
        self.write_wrap(&wrapped)
    }

    /// Crypto-shred, then delete the container's own files. Anything else a user put into
    /// the folder is left alone (and keeps the folder from being removed).
    pub fn destroy(&mut self) -> Result<()> {
        self.keys = None;
        let junk = crypto::random_bytes::<64>();
        self.conn.execute(
            "UPDATE meta SET value = ?1 WHERE name IN ('wrap', 'wrap.2')",
            [&junk[..]],
        )?;
        let _ = self
            .conn
            .execute_batch("DELETE FROM kv; DELETE FROM blobs;");
        let _ = self
            .conn
            .query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()));
        // Swap in a throw-away connection so the real file can be closed and removed.
        let old = std::mem::replace(
            &mut self.conn,
            Connection::open_in_memory().map_err(Error::Storage)?,
        );
        drop(old);
        self.wiped = true;
        remove_container_files(&self.root)
    }

    // ---- plaintext metadata (never secrets) ----

    pub fn meta_get(&self, name: &str) -> Result<Option<Vec<u8>>> {
        Ok(self
            .conn
            .prepare_cached("SELECT CAST(value AS BLOB) FROM meta WHERE name = ?1")?
            .query_row([name], |r| r.get(0))
            .optional()?)
    }

    pub fn meta_put(&self, name: &str, value: &[u8]) -> Result<()> {
        self.conn
            .prepare_cached("INSERT INTO meta(name, value) VALUES (?1, ?2) ON CONFLICT(name) DO UPDATE SET value = excluded.value")?
            .execute(params![name, value])?;
        Ok(())
    }

    fn meta_u64(&self, name: &str) -> Result<u64> {
        match self.meta_get(name)? {
            None => Ok(0),
            Some(v) => std::str::from_utf8(&v)
                .ok()
                .and_then(|s| s.parse().ok())
                .ok_or_else(|| {
                    Error::Tampered(t!(
                        kapsel_i18n::current(),
                        "core-vault-meta-not-number",
                        name = name
                    ))
                }),
        }
    }

    // ---- sealed key-value records ----

    fn kv_ids(&self, ns: &str, key: &str) -> Result<[u8; 32]> {
        validate_ns(ns)?;
        Ok(self
            .keys()?
            .index_id("kv", &[ns.as_bytes(), key.as_bytes()]))
    }

    fn kv_row(ns: &str, key_id: &[u8]) -> Vec<u8> {
        let mut row = ns.as_bytes().to_vec();
        row.push(0);
        row.extend_from_slice(key_id);
        row
    }

    /// Seal and store one record: one transaction.
    pub fn put(&self, ns: &str, key: &str, value: &[u8]) -> Result<()> {
        let keys = self.keys()?;
        let key_id = self.kv_ids(ns, key)?;
        let row = Self::kv_row(ns, &key_id);
        let key_sealed = keys.seal(
            &Aad {
                table: "kv",
                column: "key",
                row: &row,
            },
            key.as_bytes(),
        );
        let value_sealed = keys.seal(
            &Aad {
                table: "kv",
                column: "value",
                row: &row,
            },
            value,
        );
        let e = self.element(
            "kv",
            state::RowKey::Text(ns, &key_id),
            &[
                state::tag(Some(&key_sealed)),
                state::tag(Some(&value_sealed)),
            ],
        )?;
        self.write_tx(|| {
            self.conn
                .prepare_cached(
                    "INSERT INTO kv(ns, key_id, key_sealed, value, size) VALUES (?1, ?2, ?3, ?4, ?5)
                     ON CONFLICT(ns, key_id) DO UPDATE SET key_sealed = excluded.key_sealed,
                     value = excluded.value, size = excluded.size",
                )?
                .execute(params![
                    ns,
                    &key_id[..],
                    key_sealed,
                    value_sealed,
                    charged_size(key.len(), value.len()) as i64
                ])?;
            self.track("kv", state::RowKey::Text(ns, &key_id), Some(e))
        })
    }

    /// Run `f` in the caller's transaction, or in one of its own (BEGIN IMMEDIATE: a writer
    /// takes the write lock at once); after its own commit the state file follows.
    /// A panic inside `f` rolls the transaction back before it unwinds on: a caller that
    /// catches it (the agent per request, the sync workers per round) must not go on inside
    /// a transaction that holds the write lock and never commits.
    pub fn write_tx<T>(&self, f: impl FnOnce() -> Result<T>) -> Result<T> {
        if !self.conn.is_autocommit() {
            return f();
        }
        self.conn.execute_batch("BEGIN IMMEDIATE")?;
        match std::panic::catch_unwind(std::panic::AssertUnwindSafe(f)) {
            Ok(Ok(v)) => {
                self.conn.execute_batch("COMMIT")?;
                self.note_commit();
                Ok(v)
            }
            Ok(Err(e)) => {
                let _ = self.conn.execute_batch("ROLLBACK");
                Err(e)
            }
            Err(panic) => {
                let _ = self.conn.execute_batch("ROLLBACK");
                std::panic::resume_unwind(panic)
            }
        }
    }

    /// Durability as every other writer has it: each commit waits for the disk and the WAL
    /// checkpoints itself. The mail sync relaxes both for its batches of re-fetchable mail
    /// (see ARCHITECTURE.md "What waits for the disk") and comes back through here.
    pub fn full_durability(&self) -> Result<()> {
        Ok(self
            .conn
            .execute_batch("PRAGMA synchronous=FULL; PRAGMA wal_autocheckpoint=1000;")?)
    }

    /// After a caught panic: whatever transaction the connection was left in is rolled
    /// back (nothing half-done commits later) and a sync's relaxed durability and
    /// checkpointing are undone.
    pub fn after_panic(&self) {
        if !self.conn.is_autocommit() {
            let _ = self.conn.execute_batch("ROLLBACK");
        }
        let _ = self.full_durability();
    }

    pub fn get(&self, ns: &str, key: &str) -> Result<Option<Zeroizing<Vec<u8>>>> {
        let keys = self.keys()?;
        let key_id = self.kv_ids(ns, key)?;
        // The row and its recorded element in one look-up.
        type Found = (Vec<u8>, Vec<u8>, Option<Vec<u8>>);
        let sealed: Option<Found> = self
            .conn
            .prepare_cached(
                // A scalar subquery, not a join: with a join SQLite propagates the bound
                // values into the plan and re-prepares the statement on every call (5x slower).
                "SELECT kv.key_sealed, kv.value,
                   (SELECT v.e FROM vstate v WHERE v.tbl = 'kv' AND v.a = ?1 AND v.b = ?2)
                 FROM kv WHERE kv.ns = ?1 AND kv.key_id = ?2",
            )?
            .query_row(params![ns, &key_id[..]], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?))
            })
            .optional()?;
        match sealed {
            None => Ok(None),
            Some((key_sealed, s, recorded)) => {
                // The record must be the one last written, not an older genuine copy.
                self.compare_element(
                    "kv",
                    state::RowKey::Text(ns, &key_id),
                    &[state::tag(Some(&key_sealed)), state::tag(Some(&s))],
                    recorded.as_deref(),
                )?;
                let row = Self::kv_row(ns, &key_id);
                keys.open(
                    &Aad {
                        table: "kv",
                        column: "value",
                        row: &row,
                    },
                    &s,
                )
                .map(Some)
            }
        }
    }

    pub fn delete(&self, ns: &str, key: &str) -> Result<bool> {
        let key_id = self.kv_ids(ns, key)?;
        self.write_tx(|| {
            let n = self
                .conn
                .prepare_cached("DELETE FROM kv WHERE ns = ?1 AND key_id = ?2")?
                .execute(params![ns, &key_id[..]])?;
            if n > 0 {
                self.track("kv", state::RowKey::Text(ns, &key_id), None)?;
            }
            Ok(n > 0)
        })
    }

    /// Bytes one record is charged ([`charged_size`]) without opening it: what quotas count.
    pub fn value_size(&self, ns: &str, key: &str) -> Result<Option<u64>> {
        let key_id = self.kv_ids(ns, key)?;
        Ok(self
            .conn
            .prepare_cached("SELECT size FROM kv WHERE ns = ?1 AND key_id = ?2")?
            .query_row(params![ns, &key_id[..]], |r| r.get::<_, i64>(0))
            .optional()?
            .map(|s| s as u64))
    }

    /// Every key in a namespace, opened and sorted.
    pub fn keys_in(&self, ns: &str) -> Result<Vec<String>> {
        validate_ns(ns)?;
        let keys = self.keys()?;
        let mut stmt = self
            .conn
            .prepare_cached("SELECT key_id, key_sealed FROM kv WHERE ns = ?1")?;
        let rows = stmt.query_map([ns], |r| {
            Ok((r.get::<_, Vec<u8>>(0)?, r.get::<_, Vec<u8>>(1)?))
        })?;
        let mut out = Vec::new();
        for row in rows {
            let (key_id, sealed) = row?;
            let r = Self::kv_row(ns, &key_id);
            let key = keys.open(
                &Aad {
                    table: "kv",
                    column: "key",
                    row: &r,
                },
                &sealed,
            )?;
            out.push(String::from_utf8(key.to_vec()).map_err(|_| {
                Error::Tampered(t!(kapsel_i18n::current(), "core-vault-key-not-utf8"))
            })?);
        }
        out.sort();
        Ok(out)
    }

    /// How many records a namespace holds; works while locked (namespaces are not secret).
    pub fn count_in(&self, ns: &str) -> Result<u64> {
        validate_ns(ns)?;
        Ok(self
            .conn
            .query_row("SELECT COUNT(*) FROM kv WHERE ns = ?1", [ns], |r| {
                r.get::<_, i64>(0)
            })? as u64)
    }

    /// Records in every namespace starting with `prefix` (readable while locked: counts
    /// need no key).
    pub fn count_with_prefix(&self, prefix: &str) -> Result<u64> {
        validate_ns(prefix)?;
        let like = format!("{}%", prefix.replace('%', "\\%").replace('_', "\\_"));
        Ok(self.conn.query_row(
            "SELECT COUNT(*) FROM kv WHERE ns LIKE ?1 ESCAPE '\\'",
            [like],
            |r| r.get::<_, i64>(0),
        )? as u64)
    }

    /// Every namespace that starts with `prefix`.
    pub fn namespaces_with_prefix(&self, prefix: &str) -> Result<Vec<String>> {
        validate_ns(prefix)?;
        let like = format!("{}%", prefix.replace('%', "\\%").replace('_', "\\_"));
        let mut stmt = self.conn.prepare_cached(
            "SELECT DISTINCT ns FROM kv WHERE ns LIKE ?1 ESCAPE '\\' ORDER BY ns",
        )?;
        let rows = stmt.query_map([like], |r| r.get::<_, String>(0))?;
        Ok(rows.collect::<std::result::Result<Vec<_>, _>>()?)
    }

    /// Bytes stored in a namespace (records and blobs), for quotas.
    pub fn usage(&self, ns: &str) -> Result<u64> {
        let kv: i64 = self.conn.query_row(
            "SELECT COALESCE(SUM(size), 0) FROM kv WHERE ns = ?1",
            [ns],
            |r| r.get(0),
        )?;
        let blobs: i64 = self.conn.query_row(
            "SELECT COALESCE(SUM(size), 0) FROM blobs WHERE ns = ?1",
            [ns],
            |r| r.get(0),
        )?;
        Ok((kv + blobs) as u64)
    }

    /// Apply several puts and deletes atomically: all or none.
    pub fn batch(&mut self, ns: &str, ops: &[(String, Option<Vec<u8>>)]) -> Result<()> {
        self.write_tx(|| {
            for (key, value) in ops {
                match value {
                    Some(v) => self.put(ns, key, v)?,
                    None => {
                        self.delete(ns, key)?;
                    }
                }
            }
            Ok(())
        })
    }

    // ---- sealed blobs ----

    pub fn blob_writer(&self, ns: &str) -> Result<BlobWriter<'_>> {
        validate_ns(ns)?;
        BlobWriter::new(self, ns)
    }

    /// A blob writer that does not borrow the vault (see [`BlobSink`]).
    pub fn blob_sink(&self, ns: &str) -> Result<BlobSink> {
        validate_ns(ns)?;
        BlobSink::new(self, ns)
    }

    pub fn blob_reader(&self, id: &str) -> Result<BlobReader<'_>> {
        BlobReader::open(self, id)
    }

    pub fn blob_info(&self, id: &str) -> Result<Option<BlobInfo>> {
        blob::info(self, id)
    }

    pub fn blob_delete(&self, id: &str) -> Result<bool> {
        blob::delete(self, id)
    }

    fn sweep_orphan_blobs(&self) -> Result<()> {
        blob::sweep_orphans(self)
    }
}

/// Bytes a record of this key and value is charged against quotas, and what its `size`
/// column says: the two padded size classes as sealed, so the column reveals no more than
/// the ciphertexts beside it.
pub fn charged_size(key_len: usize, value_len: usize) -> u64 {
    (crypto::padded_len(key_len) + crypto::padded_len(value_len)) as u64
}

fn meta_put_tx(tx: &rusqlite::Transaction, name: &str, value: &[u8]) -> Result<()> {
    tx.execute(
        "INSERT INTO meta(name, value) VALUES (?1, ?2) ON CONFLICT(name) DO UPDATE SET value = excluded.value",
        params![name, value],
    )?;
    Ok(())
}

/// Namespaces are short, printable and contain no separator that could alias another one.
pub fn validate_ns(ns: &str) -> Result<()> {
    let ok = !ns.is_empty()
        && ns.len() <= 128
        && ns
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-_.:/".contains(&b));
    if ok {
        Ok(())
    } else {
        Err(Error::invalid(t!(
            kapsel_i18n::current(),
            "core-vault-bad-namespace",
            namespace = format!("{ns:?}")
        )))
    }
}

fn set_mode(path: &Path, mode: u32) -> Result<()> {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).map_err(Error::io(t!(
        kapsel_i18n::current(),
        "core-vault-set-mode",
        path = path.display().to_string()
    )))
}

/// Remove exactly the files a container consists of, then the folder if it is empty.
/// The container folder as a capability: every file below is reached through it.
fn open_dir(root: &Path) -> Result<Dir> {
    Dir::open_ambient_dir(root, cap_std::ambient_authority()).map_err(Error::io(t!(
        kapsel_i18n::current(),
        "core-io-cannot-open",
        path = root.display().to_string()
    )))
}

pub fn remove_container_files(root: &Path) -> Result<()> {
    for name in [
        DB_FILE,
        "vault.db-wal",
        "vault.db-shm",
        "vault.db-journal",
        state::STATE_FILE,
        "state.tmp",
        "crash.json",
        // kapsel-device's signed request names the login: it goes with the container.
        "enrolment-request.toml",
    ] {
        match std::fs::remove_file(root.join(name)) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => {
                return Err(Error::io(t!(
                    kapsel_i18n::current(),
                    "core-io-cannot-remove",
                    path = name
                ))(e));
            }
        }
    }
    for sub in [BLOB_DIR, RUN_DIR] {
        match std::fs::remove_dir_all(root.join(sub)) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => {
                return Err(Error::io(t!(
                    kapsel_i18n::current(),
                    "core-io-cannot-remove",
                    path = format!("{sub}/")
                ))(e));
            }
        }
    }
    let _ = std::fs::remove_dir(root);
    Ok(())
}

#[cfg(test)]
mod tests;
