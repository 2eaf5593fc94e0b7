//! The vault's SQLite schema and its versioned migrations.
//!
//! Each migration runs in its own transaction together with the bump of `user_version`, so
//! a crash leaves the database either before or after a migration, never half-way.

use rusqlite::Connection;

use crate::error::{Error, Result};

/// Ordered migrations; index + 1 is the schema version it produces. Released entries are
/// frozen: a change is a new entry.
const MIGRATIONS: &[&str] = &[
    // v1: plaintext-free metadata, sealed key-value records, blob index, audit chain.
    r#"
    CREATE TABLE meta (
        name  TEXT PRIMARY KEY,
        value BLOB NOT NULL
    ) WITHOUT ROWID;
    CREATE TABLE kv (
        ns         TEXT NOT NULL,
        key_id     BLOB NOT NULL,   -- HMAC(index key, ns, key): no plaintext key on disk
        key_sealed BLOB NOT NULL,   -- the key itself, sealed, for listing
        value      BLOB NOT NULL,   -- sealed; AAD names table, row and column
        size       INTEGER NOT NULL, -- plaintext length, for quotas
        PRIMARY KEY (ns, key_id)
    ) WITHOUT ROWID;
    CREATE TABLE blobs (
        id      TEXT PRIMARY KEY,   -- random, names the file under blobs/
        ns      TEXT NOT NULL,
        size    INTEGER NOT NULL,
        chunks  INTEGER NOT NULL,
        created INTEGER NOT NULL
    ) WITHOUT ROWID;
    CREATE INDEX blobs_ns ON blobs(ns);
    CREATE TABLE audit (
        seq    INTEGER PRIMARY KEY,
        ts_ms  INTEGER NOT NULL,
        kind   TEXT NOT NULL,
        detail TEXT NOT NULL,
        prev   BLOB NOT NULL,
        hash   BLOB NOT NULL,
        mac    BLOB             -- NULL while written locked; sealed at the next unlock
    );
    "#,
    // v2: mail. Names, headers, bodies and flags are sealed; UIDs and row ids are not (they
    // say how many messages a folder holds, nothing about them). Search terms are keyed
    // 64-bit hashes (see mail/search.rs).
    r#"
    CREATE TABLE mail_folder (
        id      INTEGER PRIMARY KEY,
        name_id BLOB NOT NULL UNIQUE,   -- keyed hash of the server's mailbox name
        state   BLOB NOT NULL           -- sealed FolderState
    );
    CREATE TABLE mail_msg (
        id       INTEGER PRIMARY KEY AUTOINCREMENT,  -- never reused: postings may outlive a row
        folder   INTEGER NOT NULL REFERENCES mail_folder(id) ON DELETE CASCADE,
        uid      INTEGER NOT NULL,
        dirty    INTEGER NOT NULL DEFAULT 0,  -- local flag changes not yet on the server
        summary  BLOB NOT NULL,               -- sealed Summary + flags
        body     BLOB,                        -- sealed readable text
        raw      BLOB,                        -- sealed message, when small enough
        raw_blob TEXT,                        -- else the vault blob holding it
        UNIQUE (folder, uid)
    );
    -- No foreign key and no index by message: both cost a look-up per posting at sync time.
    -- Postings of removed messages are skipped by search and swept after expunges.
    CREATE TABLE mail_term (
        term INTEGER NOT NULL,
        msg  INTEGER NOT NULL,
        PRIMARY KEY (term, msg)
    ) WITHOUT ROWID;
    "#,
    // v3: the state of the vault as a whole (see vault/state.rs): one keyed element per
    // tracked row; their sum, count and a commit counter live sealed in meta.
    r#"
    CREATE TABLE vstate (
        tbl TEXT NOT NULL,
        a   NOT NULL,        -- the row's key: text (kv namespace, blob id) or integer
        b   BLOB NOT NULL,   -- the rest of it (kv key id), or x''
        e   BLOB NOT NULL,   -- HMAC(state key, table, key, the row's seal tags)
        PRIMARY KEY (tbl, a, b)
    ) WITHOUT ROWID;
    -- Rows written before this version get their elements at the next unlock (it needs the
    -- key); without this marker a missing state record is an integrity error.
    INSERT INTO meta(name, value) VALUES ('state_adopt_pending', '1');
    "#,
    // v4: mail search postings as segments (mail/store.rs): one row per term and batch
    // holding the batch's message ids, appended in key order. One row per (term, message)
    // in mail_term made the index ~690 random B-tree inserts per message and halved the
    // sync speed. mail_term stays readable for mail indexed before.
    r#"
    CREATE TABLE mail_seg (
        seg  INTEGER PRIMARY KEY,
        msgs INTEGER NOT NULL,   -- how many messages the segment covers
        ids  BLOB NOT NULL       -- their row ids, ascending, delta-varint encoded
    );
    CREATE TABLE mail_post (
        seg  INTEGER NOT NULL,
        term INTEGER NOT NULL,
        ids  BLOB NOT NULL,      -- the segment's messages holding the term, as in mail_seg
        PRIMARY KEY (seg, term)
    ) WITHOUT ROWID;
    "#,
    // v5: a synced batch's messages share one sealed blob, a pack (mail/store.rs); the row's
    // raw_blob then reads `<pack id>@<offset>+<length>`. Finding a pack's messages (to drop
    // or compact it once they are expunged) is a range over this index.
    r#"
    CREATE INDEX mail_msg_raw_blob ON mail_msg(raw_blob);
    "#,
];

pub const CURRENT: u32 = MIGRATIONS.len() as u32;

pub fn version(conn: &Connection) -> Result<u32> {
    Ok(conn.query_row("PRAGMA user_version", [], |r| r.get::<_, u32>(0))?)
}

/// Bring the schema up to `CURRENT`. A newer schema than this build knows is refused: an
/// old binary must not write into a layout it does not understand.
pub fn migrate(conn: &mut Connection) -> Result<()> {
    let have = version(conn)?;
    if have > CURRENT {
        return Err(Error::invalid(kapsel_i18n::t!(
            kapsel_i18n::current(),
            "core-schema-newer",
            have = have.to_string(),
            known = CURRENT.to_string()
        )));
    }
    for (i, sql) in MIGRATIONS.iter().enumerate().skip(have as usize) {
        let tx = conn.transaction()?;
        tx.execute_batch(sql)?;
        tx.pragma_update(None, "user_version", (i + 1) as u32)?;
        tx.commit()?;
    }
    Ok(())
}
