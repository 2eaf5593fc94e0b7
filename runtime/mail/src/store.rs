//! Mail in the vault: folders, messages, flags, bodies and the search postings, in the
//! tables of schema v2. Everything but row ids and UIDs is sealed with the vault's key; the
//! AAD names table, column and the row's identity so a sealed value cannot be moved.

use std::collections::HashSet;

use rusqlite::{OptionalExtension, params};
use serde::{Deserialize, Serialize};

use super::mime::Summary;
use super::search::Index;
use crate::cat;
use kapsel_core::error::{Error, Result};
use kapsel_core::vault::crypto::padded_len;
use kapsel_core::vault::state::{RowKey, tag};
use kapsel_core::vault::{Aad, BlobReader, Vault};
use kapsel_i18n::t;

fn no_such_message(id: i64) -> Error {
    Error::NotFound(t!(cat(), "mailbox-no-such-message", id = id.to_string()))
}

/// Messages larger than this keep their raw form in a chunked blob instead of the row. All
/// that sync fetches whole (≤ 2 MiB) stays in the row: a file per message cost a third of
/// the initial sync on ext4; blobs are for large messages fetched on first read.
const INLINE_RAW: usize = 4 * 1024 * 1024;

const ZEROS: [u8; 4096] = [0; 4096];

fn pack_failed() -> Error {
    Error::Agent(t!(cat(), "mailbox-pack-failed"))
}

/// The blob namespace of packs: one sealed blob holding a synced batch's messages.
const PACK_NS: &str = "mail-pack";

/// A pack whose messages still in the container fill less than this share of it is
/// compacted: they move into their rows and the pack goes.
const PACK_LIVE_MIN: (u64, u64) = (1, 2);

/// Where a folder comes from: the user's own mailbox, another user's (delegate) or a
/// shared function mailbox.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Origin {
    Own,
    OtherUser,
    Shared,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct FolderState {
    /// The server's name (modified UTF-7).
    pub raw_name: String,
    /// For people.
    pub name: String,
    pub origin: Origin,
    pub special_use: Option<String>,
    pub uid_validity: u32,
    pub highest_modseq: u64,
    /// Highest UID stored locally.
    pub last_uid: u32,
    pub read_only: bool,
    /// Our rights on it (RFC 4314 letters) when the server told us.
    pub rights: Option<String>,
    /// A first sync (or one after a UIDVALIDITY reset) is under way: `last_uid` is the
    /// checkpoint it resumes from, and what it still fetches is not "new mail".
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub filling: bool,
}

impl FolderState {
    /// A folder seen for the first time: no UIDVALIDITY yet, nothing stored, rights unknown.
    pub fn new(raw_name: &str, name: String, origin: Origin) -> FolderState {
        FolderState {
            raw_name: raw_name.to_string(),
            name,
            origin,
            special_use: None,
            uid_validity: 0,
            highest_modseq: 0,
            last_uid: 0,
            read_only: false,
            rights: None,
            filling: false,
        }
    }

    /// Why a flag may not be changed here: the server opened the folder READ-ONLY, or our
    /// rights lack the letter RFC 4314 asks for (`s` for \Seen, `t` for \Deleted, `w` for
    /// the rest). Accepting it locally would leave the two sides disagreeing for good.
    pub fn flag_refusal(&self, flag: &str) -> Option<Error> {
        let needed = if flag.eq_ignore_ascii_case("\\Seen") {
            's'
        } else if flag.eq_ignore_ascii_case("\\Deleted") {
            't'
        } else {
            'w'
        };
        let lacks = self.rights.as_deref().is_some_and(|r| !r.contains(needed));
        if !lacks && !self.read_only {
            return None;
        }
        let rights = match (&self.rights, self.read_only) {
            (Some(r), false) => r.clone(),
            (Some(r), true) => format!("{r}, READ-ONLY"),
            (None, _) => "READ-ONLY".into(),
        };
        Some(Error::Policy(t!(
            cat(),
            "mailbox-flag-not-allowed",
            folder = self.name.as_str(),
            flag = flag,
            rights = rights.as_str(),
            needed = needed.to_string()
        )))
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, Default)]
pub struct MessageMeta {
    #[serde(flatten)]
    pub summary: Summary,
    pub flags: Vec<String>,
    pub size: u64,
    /// The whole message is in the container (else it is fetched on first read).
    pub complete: bool,
    /// Flag changes made here and not yet on the server.
    #[serde(default)]
    pub pending_add: Vec<String>,
    #[serde(default)]
    pub pending_remove: Vec<String>,
}

impl MessageMeta {
    pub fn seen(&self) -> bool {
        self.flags.iter().any(|f| f.eq_ignore_ascii_case("\\Seen"))
    }
}

/// A message sealed and indexed, ready to be written.
pub struct Prepared {
    folder: i64,
    uid: u32,
    summary: Vec<u8>,
    /// None when the whole message is kept in the row: its text is derived from it on
    /// read (both together wrote 40 % more than the message itself during a sync).
    body: Option<Vec<u8>>,
    raw: PreparedRaw,
    terms: Vec<i64>,
}

enum PreparedRaw {
    None,
    Inline(Vec<u8>),
    /// Large: goes into a chunked blob (sealed by the blob writer).
    Blob(Vec<u8>),
    /// Part of a synced batch: appended to the batch's pack (sealed by the blob writer).
    Packed(Vec<u8>),
}

/// Where a packed message lies: `<pack id>@<offset>+<length>` in the row's `raw_blob`. The
/// length is the message's slot, padded to the vault's size class like a sealed row (its
/// true length is framed inside, sealed): the pointer reveals no more than the row did.
fn packed_at(pointer: &str) -> Option<(&str, u64, u64)> {
    let (id, at) = pointer.split_once('@')?;
    let (offset, len) = at.split_once('+')?;
    Some((id, offset.parse().ok()?, len.parse().ok()?))
}

/// Where a message's whole text is kept (`MailStore::raw_place`).
struct RawPlace {
    folder: i64,
    uid: u32,
    /// Sealed in its row.
    inline: Option<Vec<u8>>,
    /// A blob of its own, or `<pack>@<offset>+<slot>`.
    blob: Option<String>,
}

/// One message out of its pack: only the chunks its slot spans are read and opened (none
/// again when the reader's last batch already holds them).
fn read_slot(reader: &mut BlobReader<'_>, id: i64, offset: u64, slot: u64) -> Result<Vec<u8>> {
    let damaged = || {
        Error::Tampered(t!(
            cat(),
            "mailbox-message-damaged",
            error = format!("message {id} lies outside its pack")
        ))
    };
    let end = offset.checked_add(slot).ok_or_else(damaged)?;
    if end > reader.size() || slot > padded_len(INLINE_RAW) as u64 || slot < 4 {
        return Err(damaged());
    }
    reader.seek_to(offset)?;
    let mut out = vec![0u8; slot as usize];
    let mut filled = 0;
    while filled < out.len() {
        match reader.read_into(&mut out[filled..])? {
            0 => return Err(damaged()),
            n => filled += n,
        }
    }
    let len = u32::from_be_bytes([out[0], out[1], out[2], out[3]]) as usize;
    if 4 + len > out.len() {
        return Err(damaged());
    }
    out.copy_within(4..4 + len, 0);
    out.truncate(len);
    Ok(out)
}

/// The messages of one synced batch as one sealed blob, written once beside the database.
/// In their rows (as before) each message went into the WAL and again into the database
/// file, in 4 KiB frames with two writes each: ~40 % of the writer thread's time at 10,000
/// messages. The blob is made durable before the batch's rows commit (`finish`), so a row
/// never names a pack that a crash could lose; a crash before leaves an orphan file, swept.
#[derive(Default)]
pub struct Pack {
    sink: Option<kapsel_core::vault::BlobSink>,
    /// An append failed: rows of this batch may name a pack that will never exist, so
    /// `finish` fails and the caller rolls the batch back.
    failed: bool,
}

impl Pack {
    /// Append a message, framed and padded; returns what its row records.
    fn append(&mut self, vault: &Vault, bytes: &[u8]) -> Result<String> {
        let appended = self.append_to_sink(vault, bytes);
        self.failed |= appended.is_err();
        appended
    }

    fn append_to_sink(&mut self, vault: &Vault, bytes: &[u8]) -> Result<String> {
        if self.failed {
            return Err(pack_failed());
        }
        let mut sink = match self.sink.take() {
            Some(s) => s,
            None => {
                let mut sink = vault.blob_sink(PACK_NS)?;
                // Read back when a message is opened, not soon after the sync: no reason to
                // fill the page cache with it (and on this kind of VM a fresh page-cache page
                // cost as much as the rest of the message's write).
                sink.bypass_page_cache();
                sink
            }
        };
        let at = sink.size();
        let slot = padded_len(bytes.len());
        // Only messages up to `INLINE_RAW` (4 MiB) are packed: the length fits.
        sink.write_bytes(vault, &(bytes.len() as u32).to_be_bytes())?;
        sink.write_bytes(vault, bytes)?;
        let mut pad = slot - 4 - bytes.len();
        while pad > 0 {
            let n = pad.min(ZEROS.len());
            sink.write_bytes(vault, &ZEROS[..n])?;
            pad -= n;
        }
        let pointer = format!("{}@{at}+{slot}", sink.id());
        self.sink = Some(sink);
        Ok(pointer)
    }

    /// Seal the last chunk, wait for the disk and record the pack, inside the batch's
    /// transaction and before its COMMIT. Nothing to do when nothing was appended.
    pub fn finish(&mut self, vault: &Vault) -> Result<()> {
        if std::mem::take(&mut self.failed) {
            self.sink = None;
            return Err(pack_failed());
        }
        match self.sink.take() {
            Some(sink) => sink.finish(vault).map(drop),
            None => Ok(()),
        }
    }
}

/// Seal a message and compute its postings: CPU only, no database, any thread. With `pack`,
/// the whole message is left for the writer's pack (`Pack`) instead of sealed into its row.
#[allow(clippy::too_many_arguments)]
pub fn prepare(
    keys: &kapsel_core::vault::Keys,
    index: &Index,
    folder: i64,
    uid: u32,
    meta: &MessageMeta,
    text: &str,
    raw: Option<Vec<u8>>,
    pack: bool,
) -> Result<Prepared> {
    let row = msg_row(folder, uid);
    let seal = |column: &str, data: &[u8]| {
        keys.seal(
            &Aad {
                table: "mail_msg",
                column,
                row: &row,
            },
            data,
        )
    };
    let json = serde_json::to_vec(meta).map_err(|e| Error::Agent(e.to_string()))?;
    let mut to = meta.summary.to.clone();
    to.extend(meta.summary.cc.iter().cloned());
    let body = indexed(meta, text);
    let raw = match raw {
        None => PreparedRaw::None,
        Some(r) if pack && r.len() <= INLINE_RAW => PreparedRaw::Packed(r),
        // The fetched buffer itself becomes the sealed value: no second copy of the message.
        Some(r) if r.len() <= INLINE_RAW => PreparedRaw::Inline(keys.seal_owned(
            &Aad {
                table: "mail_msg",
                column: "raw",
                row: &row,
            },
            r,
        )),
        Some(r) => PreparedRaw::Blob(r),
    };
    Ok(Prepared {
        folder,
        uid,
        summary: seal("summary", &json),
        body: match raw {
            PreparedRaw::Inline(_) | PreparedRaw::Packed(_) => None,
            _ => Some(seal("body", text.as_bytes())),
        },
        raw,
        terms: index.terms(&meta.summary.subject, &meta.summary.from, &to, &body),
    })
}

/// The text search sees: the attachments' names (`Gehälter.xlsx` is found by "Gehälter"),
/// first so that the index's cut of long texts never drops them, then the message text.
fn indexed<'t>(meta: &MessageMeta, text: &'t str) -> std::borrow::Cow<'t, str> {
    let names = &meta.summary.attachments;
    if names.is_empty() {
        return text.into();
    }
    let mut all = String::new();
    for a in names {
        all.push_str(&a.name);
        all.push('\n');
    }
    all.push_str(text);
    all.into()
}

pub struct MailStore<'v> {
    vault: &'v Vault,
}

fn msg_row(folder: i64, uid: u32) -> Vec<u8> {
    format!("{folder}:{uid}").into_bytes()
}

impl<'v> MailStore<'v> {
    pub fn new(vault: &'v Vault) -> MailStore<'v> {
        MailStore { vault }
    }

    pub fn vault(&self) -> &Vault {
        self.vault
    }

    fn seal(&self, table: &str, column: &str, row: &[u8], data: &[u8]) -> Result<Vec<u8>> {
        Ok(self.vault.keys()?.seal(&Aad { table, column, row }, data))
    }

    fn open(&self, table: &str, column: &str, row: &[u8], data: &[u8]) -> Result<Vec<u8>> {
        Ok(self
            .vault
            .keys()?
            .open(&Aad { table, column, row }, data)?
            .to_vec())
    }

    fn name_id(&self, raw_name: &str) -> Result<[u8; 32]> {
        Ok(self
            .vault
            .keys()?
            .index_id("mail-folder", &[raw_name.as_bytes()]))
    }

    /// Run `f` in one transaction (batched sync writes: one fsync per batch).
    pub fn transaction<T>(&self, f: impl FnOnce() -> Result<T>) -> Result<T> {
        self.vault.write_tx(f)
    }

    /// The elements of a message's sealed parts in the vault's state (see core's
    /// vault/state.rs): summary, body, and raw (inline or the blob that holds it).
    fn track_message(
        &self,
        id: i64,
        summary: Option<&[u8]>,
        body: Option<Option<&[u8]>>,
        raw: Option<(Option<&[u8]>, Option<&str>)>,
    ) -> Result<()> {
        let mut rows = Vec::new();
        if let Some(s) = summary {
            let e =
                self.vault
                    .element("mail_msg", RowKey::IntPart(id, "summary"), &[tag(Some(s))])?;
            rows.push((RowKey::IntPart(id, "summary"), Some(e)));
        }
        if let Some(b) = body {
            let e = self
                .vault
                .element("mail_msg", RowKey::IntPart(id, "body"), &[tag(b)])?;
            rows.push((RowKey::IntPart(id, "body"), Some(e)));
        }
        if let Some((inline, blob)) = raw {
            let e = self.vault.element(
                "mail_msg",
                RowKey::IntPart(id, "raw"),
                &[tag(inline), blob.unwrap_or("").as_bytes()],
            )?;
            rows.push((RowKey::IntPart(id, "raw"), Some(e)));
        }
        self.vault.track_many("mail_msg", &rows)
    }

    fn untrack_messages(&self, ids: &[i64]) -> Result<()> {
        let rows: Vec<(RowKey<'_>, Option<[u8; 32]>)> = ids
            .iter()
            .flat_map(|&id| {
                ["summary", "body", "raw"].map(|part| (RowKey::IntPart(id, part), None))
            })
            .collect();
        self.vault.track_many("mail_msg", &rows)
    }

    /// On read: this part of the message is the one last written.
    fn check(&self, id: i64, part: &'static str, parts: &[&[u8]]) -> Result<()> {
        self.vault
            .check_element("mail_msg", RowKey::IntPart(id, part), parts)
    }

    pub fn folder_id(&self, raw_name: &str) -> Result<Option<i64>> {
        let id = self.name_id(raw_name)?;
        Ok(self
            .vault
            .conn()
            .prepare_cached("SELECT id FROM mail_folder WHERE name_id = ?1")?
            .query_row([&id[..]], |r| r.get(0))
            .optional()?)
    }

    pub fn save_folder(&self, state: &FolderState) -> Result<i64> {
        let id = self.name_id(&state.raw_name)?;
        let json = serde_json::to_vec(state).map_err(|e| Error::Agent(e.to_string()))?;
        let sealed = self.seal("mail_folder", "state", &id, &json)?;
        self.vault.write_tx(|| {
            self.vault
                .conn()
                .prepare_cached(
                    "INSERT INTO mail_folder(name_id, state) VALUES (?1, ?2)
                     ON CONFLICT(name_id) DO UPDATE SET state = excluded.state",
                )?
                .execute(params![&id[..], &sealed])?;
            let row = self
                .folder_id(&state.raw_name)?
                .ok_or_else(|| Error::Agent(t!(cat(), "mailbox-folder-vanished")))?;
            let e = self
                .vault
                .element("mail_folder", RowKey::Int(row), &[tag(Some(&sealed))])?;
            self.vault.track("mail_folder", RowKey::Int(row), Some(e))?;
            Ok(row)
        })
    }

    fn open_folder(&self, id: i64, name_id: &[u8], sealed: &[u8]) -> Result<FolderState> {
        self.vault
            .check_element("mail_folder", RowKey::Int(id), &[tag(Some(sealed))])?;
        let json = self.open("mail_folder", "state", name_id, sealed)?;
        serde_json::from_slice(&json).map_err(|e| {
            Error::Tampered(t!(cat(), "mailbox-folder-damaged", error = e.to_string()))
        })
    }

    pub fn folders(&self) -> Result<Vec<(i64, FolderState)>> {
        let mut stmt = self
            .vault
            .conn()
            .prepare_cached("SELECT id, name_id, state FROM mail_folder")?;
        let rows = stmt.query_map([], |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, Vec<u8>>(1)?,
                r.get::<_, Vec<u8>>(2)?,
            ))
        })?;
        let mut out = Vec::new();
        for row in rows {
            let (id, name_id, sealed) = row?;
            out.push((id, self.open_folder(id, &name_id, &sealed)?));
        }
        out.sort_by(|a, b| {
            (
                a.1.origin != Origin::Own,
                a.1.raw_name != "INBOX",
                &a.1.name,
            )
                .cmp(&(
                    b.1.origin != Origin::Own,
                    b.1.raw_name != "INBOX",
                    &b.1.name,
                ))
        });
        Ok(out)
    }

    pub fn folder(&self, id: i64) -> Result<FolderState> {
        let (name_id, sealed): (Vec<u8>, Vec<u8>) = self
            .vault
            .conn()
            .prepare_cached("SELECT name_id, state FROM mail_folder WHERE id = ?1")?
            .query_row([id], |r| Ok((r.get(0)?, r.get(1)?)))
            .optional()?
            .ok_or_else(|| {
                Error::NotFound(t!(cat(), "mailbox-no-such-folder-id", id = id.to_string()))
            })?;
        self.open_folder(id, &name_id, &sealed)
    }

    /// Find a folder by the name people see (case-insensitive for INBOX).
    pub fn folder_by_name(&self, name: &str) -> Result<(i64, FolderState)> {
        self.folders()?
            .into_iter()
            .find(|(_, s)| {
                s.name == name
                    || s.raw_name == name
                    || (s.raw_name == "INBOX" && name.eq_ignore_ascii_case("inbox"))
            })
            .ok_or_else(|| {
                Error::NotFound(t!(
                    cat(),
                    "mailbox-no-such-folder",
                    name = format!("{name:?}")
                ))
            })
    }

    pub fn delete_folder(&self, id: i64) -> Result<()> {
        self.vault.write_tx(|| {
            self.clear_folder(id)?;
            self.vault
                .conn()
                .execute("DELETE FROM mail_folder WHERE id = ?1", [id])?;
            self.vault.track("mail_folder", RowKey::Int(id), None)
        })
    }

    /// Drop every message of a folder (UIDVALIDITY changed: the old UIDs mean nothing).
    pub fn clear_folder(&self, id: i64) -> Result<usize> {
        let blobs: Vec<String> = {
            let mut stmt = self.vault.conn().prepare_cached(
                "SELECT raw_blob FROM mail_msg WHERE folder = ?1 AND raw_blob IS NOT NULL",
            )?;
            stmt.query_map([id], |r| r.get(0))?
                .collect::<rusqlite::Result<_>>()?
        };
        // Packs go once none of their messages is left (`settle_packs`).
        for b in blobs.iter().filter(|b| packed_at(b).is_none()) {
            self.vault.blob_delete(b)?;
        }
        self.vault.write_tx(|| {
            let ids: Vec<i64> = {
                let mut stmt = self
                    .vault
                    .conn()
                    .prepare_cached("SELECT id FROM mail_msg WHERE folder = ?1")?;
                stmt.query_map([id], |r| r.get(0))?
                    .collect::<rusqlite::Result<_>>()?
            };
            self.untrack_messages(&ids)?;
            Ok(self
                .vault
                .conn()
                .execute("DELETE FROM mail_msg WHERE folder = ?1", [id])?)
        })
    }

    pub fn uids(&self, folder: i64) -> Result<Vec<u32>> {
        let mut stmt = self
            .vault
            .conn()
            .prepare_cached("SELECT uid FROM mail_msg WHERE folder = ?1 ORDER BY uid")?;
        let out = stmt
            .query_map([folder], |r| r.get::<_, u32>(0))?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(out)
    }

    pub fn count(&self, folder: i64) -> Result<u64> {
        Ok(self.vault.conn().query_row(
            "SELECT COUNT(*) FROM mail_msg WHERE folder = ?1",
            [folder],
            |r| r.get::<_, i64>(0),
        )? as u64)
    }

    /// Store a message sealed by `prepare` (which can run on another thread).
    pub fn write(&self, p: Prepared) -> Result<i64> {
        let mut postings = Postings::default();
        let mut pack = Pack::default();
        let id = self.write_deferred(p, &mut postings, &mut pack)?;
        pack.finish(self.vault)?;
        self.flush_postings(&mut postings)?;
        Ok(id)
    }

    /// Write the message row now and add its postings to `postings`, for `flush_postings`:
    /// inserting many postings sorted by term is several times faster than per message.
    /// A packed message goes into `pack`, which the caller finishes before it commits.
    pub fn write_deferred(
        &self,
        p: Prepared,
        postings: &mut Postings,
        pack: &mut Pack,
    ) -> Result<i64> {
        let (raw_inline, raw_blob) = match p.raw {
            PreparedRaw::Packed(mut bytes) => {
                let pointer = pack.append(self.vault, &bytes);
                zeroize::Zeroize::zeroize(&mut bytes);
                (None, Some(pointer?))
            }
            PreparedRaw::None => (None, None),
            PreparedRaw::Inline(sealed) => (Some(sealed), None),
            PreparedRaw::Blob(bytes) => {
                let mut w = self.vault.blob_writer("mail")?;
                w.write_bytes(&bytes)?;
                (None, Some(w.finish()?))
            }
        };
        let (folder, uid) = (p.folder, p.uid);
        self.vault
            .conn()
            .prepare_cached(
                "INSERT INTO mail_msg(folder, uid, summary, body, raw, raw_blob) VALUES (?1, ?2, ?3, ?4, ?5, ?6)
                 ON CONFLICT(folder, uid) DO UPDATE SET summary = excluded.summary, body = excluded.body,
                 raw = excluded.raw, raw_blob = excluded.raw_blob, dirty = 0",
            )?
            .execute(params![folder, uid, &p.summary, &p.body, &raw_inline, &raw_blob])?;
        let id: i64 = self
            .vault
            .conn()
            .prepare_cached("SELECT id FROM mail_msg WHERE folder = ?1 AND uid = ?2")?
            .query_row(params![folder, uid], |r| r.get(0))?;
        self.track_message(
            id,
            Some(&p.summary),
            Some(p.body.as_deref()),
            Some((raw_inline.as_deref(), raw_blob.as_deref())),
        )?;
        postings.add(id, &p.terms);
        Ok(id)
    }

    /// Write the postings gathered by `write_deferred` as one segment (see `Segments`
    /// below), inside the caller's transaction, and merge small segments.
    pub fn flush_postings(&self, postings: &mut Postings) -> Result<()> {
        let written = self.write_segment(postings);
        postings.clear();
        written?;
        self.merge_small_segments()
    }

    /// One segment: a row per term, inserted in key order, so the B-tree only grows at its
    /// end (a row per posting, keyed by term, was a random insert each and halved the sync
    /// speed).
    fn write_segment(&self, postings: &Postings) -> Result<()> {
        if postings.is_empty() {
            return Ok(());
        }
        let msgs = postings.sorted_msgs();
        let mut list = Vec::new();
        let conn = self.vault.conn();
        let seg: i64 =
            conn.query_row("SELECT COALESCE(MAX(seg), 0) + 1 FROM mail_seg", [], |r| {
                r.get(0)
            })?;
        // Many rows per statement: per-statement overhead dominates rows this small.
        const CHUNK: usize = 64;
        let sql = format!(
            "INSERT INTO mail_post(seg, term, ids) VALUES {}",
            vec!["(?, ?, ?)"; CHUNK].join(",")
        );
        let mut rows: Vec<(i64, Vec<u8>)> = Vec::with_capacity(CHUNK);
        let flush = |rows: &mut Vec<(i64, Vec<u8>)>| -> Result<()> {
            if rows.len() == CHUNK {
                let mut stmt = conn.prepare_cached(&sql)?;
                let params: Vec<&dyn rusqlite::ToSql> = rows
                    .iter()
                    .flat_map(|(t, ids)| -> [&dyn rusqlite::ToSql; 3] { [&seg, t, ids] })
                    .collect();
                stmt.execute(params.as_slice())?;
            } else {
                let mut stmt = conn
                    .prepare_cached("INSERT INTO mail_post(seg, term, ids) VALUES (?1, ?2, ?3)")?;
                for (t, ids) in rows.iter() {
                    stmt.execute(params![seg, t, ids])?;
                }
            }
            rows.clear();
            Ok(())
        };
        let runs = postings.runs();
        for &(term, start, end) in &runs.terms {
            let mut ids = Vec::new();
            encode_ids(runs.ids(start, end, &mut list).iter().copied(), &mut ids);
            rows.push((term, ids));
            if rows.len() == CHUNK {
                flush(&mut rows)?;
            }
        }
        flush(&mut rows)?;
        let mut ids = Vec::new();
        encode_ids(msgs.iter().copied(), &mut ids);
        conn.prepare_cached("INSERT INTO mail_seg(seg, msgs, ids) VALUES (?1, ?2, ?3)")?
            .execute(params![seg, msgs.len() as i64, ids])?;
        Ok(())
    }

    /// Segments below `MERGE_BELOW` messages (incremental syncs, the tail of a folder) are
    /// merged when `MERGE_FANOUT` of them fall into the same power-of-4 size class, so a
    /// year of single new mails leaves a few dozen segments, each message rewritten about
    /// log4(MERGE_BELOW) times. Full batches are never rewritten here.
    fn merge_small_segments(&self) -> Result<()> {
        loop {
            let small: Vec<(i64, i64)> = {
                let mut stmt = self.vault.conn().prepare_cached(
                    "SELECT seg, msgs FROM mail_seg WHERE msgs < ?1 ORDER BY seg",
                )?;
                stmt.query_map([MERGE_BELOW], |r| Ok((r.get(0)?, r.get(1)?)))?
                    .collect::<rusqlite::Result<_>>()?
            };
            let mut classes: std::collections::BTreeMap<u32, Vec<i64>> = Default::default();
            for (seg, msgs) in small {
                let class = (63 - msgs.max(1).leading_zeros()) / 2;
                classes.entry(class).or_default().push(seg);
            }
            match classes
                .into_values()
                .find(|segs| segs.len() >= MERGE_FANOUT)
            {
                Some(segs) => self.rewrite_segments(&segs)?,
                None => return Ok(()),
            }
        }
    }

    /// Replace segments by one holding their postings of messages that still exist.
    fn rewrite_segments(&self, segs: &[i64]) -> Result<()> {
        let conn = self.vault.conn();
        let mut live = HashSet::new();
        for &seg in segs {
            let ids: Vec<u8> = conn
                .prepare_cached("SELECT ids FROM mail_seg WHERE seg = ?1")?
                .query_row([seg], |r| r.get(0))?;
            let mut all = Vec::new();
            decode_ids(&ids, |id| all.push(id));
            for id in all {
                if self.exists(id)? {
                    live.insert(id);
                }
            }
        }
        let mut postings = Postings::default();
        for &seg in segs {
            let mut stmt = conn.prepare_cached("SELECT term, ids FROM mail_post WHERE seg = ?1")?;
            let mut rows = stmt.query([seg])?;
            while let Some(row) = rows.next()? {
                let term: i64 = row.get(0)?;
                let ids = row.get_ref(1)?.as_blob().map_err(rusqlite::Error::from)?;
                decode_ids(ids, |id| {
                    if live.contains(&id) {
                        postings.push(term, id);
                    }
                });
            }
        }
        for &seg in segs {
            conn.prepare_cached("DELETE FROM mail_post WHERE seg = ?1")?
                .execute([seg])?;
            conn.prepare_cached("DELETE FROM mail_seg WHERE seg = ?1")?
                .execute([seg])?;
        }
        self.write_segment(&postings)
    }

    fn exists(&self, id: i64) -> Result<bool> {
        Ok(self
            .vault
            .conn()
            .prepare_cached("SELECT 1 FROM mail_msg WHERE id = ?1")?
            .query_row([id], |_| Ok(()))
            .optional()?
            .is_some())
    }

    pub fn remove_uids(&self, folder: i64, uids: &[u32]) -> Result<usize> {
        let mut n = 0;
        for &uid in uids {
            let blob: Option<Option<String>> = self
                .vault
                .conn()
                .prepare_cached("SELECT raw_blob FROM mail_msg WHERE folder = ?1 AND uid = ?2")?
                .query_row(params![folder, uid], |r| r.get(0))
                .optional()?;
            if let Some(Some(b)) = blob
                && packed_at(&b).is_none()
            {
                self.vault.blob_delete(&b)?;
            }
            if let Some(id) = self.id_of(folder, uid)? {
                n += self.vault.write_tx(|| {
                    self.untrack_messages(&[id])?;
                    Ok(self
                        .vault
                        .conn()
                        .prepare_cached("DELETE FROM mail_msg WHERE id = ?1")?
                        .execute([id])?)
                })?;
            }
        }
        Ok(n)
    }

    fn read_meta(&self, folder: i64, uid: u32, sealed: &[u8]) -> Result<MessageMeta> {
        let json = self.open("mail_msg", "summary", &msg_row(folder, uid), sealed)?;
        serde_json::from_slice(&json).map_err(|e| {
            Error::Tampered(t!(cat(), "mailbox-message-damaged", error = e.to_string()))
        })
    }

    pub fn write_meta(&self, id: i64, meta: &MessageMeta, dirty: bool) -> Result<()> {
        let (folder, uid) = self.locate(id)?;
        let json = serde_json::to_vec(meta).map_err(|e| Error::Agent(e.to_string()))?;
        let sealed = self.seal("mail_msg", "summary", &msg_row(folder, uid), &json)?;
        self.vault.write_tx(|| {
            self.vault
                .conn()
                .prepare_cached("UPDATE mail_msg SET summary = ?1, dirty = ?2 WHERE id = ?3")?
                .execute(params![&sealed, dirty as i64, id])?;
            self.track_message(id, Some(&sealed), None, None)
        })
    }

    pub fn locate(&self, id: i64) -> Result<(i64, u32)> {
        self.vault
            .conn()
            .prepare_cached("SELECT folder, uid FROM mail_msg WHERE id = ?1")?
            .query_row([id], |r| Ok((r.get(0)?, r.get(1)?)))
            .optional()?
            .ok_or_else(|| no_such_message(id))
    }

    pub fn id_of(&self, folder: i64, uid: u32) -> Result<Option<i64>> {
        Ok(self
            .vault
            .conn()
            .prepare_cached("SELECT id FROM mail_msg WHERE folder = ?1 AND uid = ?2")?
            .query_row(params![folder, uid], |r| r.get(0))
            .optional()?)
    }

    pub fn meta(&self, id: i64) -> Result<(i64, u32, MessageMeta)> {
        let (folder, uid, sealed): (i64, u32, Vec<u8>) = self
            .vault
            .conn()
            .prepare_cached("SELECT folder, uid, summary FROM mail_msg WHERE id = ?1")?
            .query_row([id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
            .optional()?
            .ok_or_else(|| no_such_message(id))?;
        self.check(id, "summary", &[tag(Some(&sealed))])?;
        Ok((folder, uid, self.read_meta(folder, uid, &sealed)?))
    }

    /// Set the server's flags for a message (no-op when it is not stored); local changes
    /// not yet pushed win until the next push.
    pub fn apply_server_flags(&self, folder: i64, uid: u32, flags: &[String]) -> Result<bool> {
        let Some(id) = self.id_of(folder, uid)? else {
            return Ok(false);
        };
        let (_, _, mut meta) = self.meta(id)?;
        let mut next: Vec<String> = flags
            .iter()
            .filter(|f| !f.eq_ignore_ascii_case("\\Recent"))
            .cloned()
            .collect();
        for f in &meta.pending_add {
            if !next.iter().any(|x| x.eq_ignore_ascii_case(f)) {
                next.push(f.clone());
            }
        }
        next.retain(|f| {
            !meta
                .pending_remove
                .iter()
                .any(|x| x.eq_ignore_ascii_case(f))
        });
        next.sort();
        let mut old = meta.flags.clone();
        old.sort();
        if old == next {
            return Ok(false);
        }
        meta.flags = next;
        let dirty = !meta.pending_add.is_empty() || !meta.pending_remove.is_empty();
        self.write_meta(id, &meta, dirty)?;
        Ok(true)
    }

    pub fn dirty(&self, folder: i64) -> Result<Vec<(i64, u32, MessageMeta)>> {
        let rows: Vec<(i64, u32, Vec<u8>)> = {
            let mut stmt = self.vault.conn().prepare_cached(
                "SELECT id, uid, summary FROM mail_msg WHERE folder = ?1 AND dirty = 1",
            )?;
            stmt.query_map([folder], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
                .collect::<rusqlite::Result<_>>()?
        };
        rows.into_iter()
            .map(|(id, uid, s)| Ok((id, uid, self.read_meta(folder, uid, &s)?)))
            .collect()
    }

    /// Newest first.
    pub fn list(&self, folder: i64, limit: usize) -> Result<Vec<(i64, MessageMeta)>> {
        let rows: Vec<(i64, u32, Vec<u8>)> = {
            let mut stmt = self
                .vault
                .conn()
                .prepare_cached("SELECT id, uid, summary FROM mail_msg WHERE folder = ?1")?;
            stmt.query_map([folder], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
                .collect::<rusqlite::Result<_>>()?
        };
        let mut out = Vec::with_capacity(rows.len());
        for (id, uid, s) in rows {
            out.push((id, self.read_meta(folder, uid, &s)?));
        }
        out.sort_by(|a, b| b.1.summary.date.cmp(&a.1.summary.date).then(b.0.cmp(&a.0)));
        out.truncate(limit);
        Ok(out)
    }

    pub fn text(&self, id: i64) -> Result<String> {
        let (folder, uid) = self.locate(id)?;
        let sealed: Option<Vec<u8>> = self
            .vault
            .conn()
            .prepare_cached("SELECT body FROM mail_msg WHERE id = ?1")?
            .query_row([id], |r| r.get(0))?;
        self.check(id, "body", &[tag(sealed.as_deref())])?;
        match sealed {
            Some(s) => Ok(String::from_utf8_lossy(&self.open(
                "mail_msg",
                "body",
                &msg_row(folder, uid),
                &s,
            )?)
            .into_owned()),
            // A message kept whole has no stored text: the same parse as at sync time.
            None => match self.raw(id)? {
                Some(raw) => Ok(crate::mime::parse(&raw, 0).text),
                None => Ok(String::new()),
            },
        }
    }

    /// The whole message, if it is in the container.
    pub fn raw(&self, id: i64) -> Result<Option<Vec<u8>>> {
        let place = self.raw_place(id)?;
        self.read_place(id, &place, None)
    }

    /// Where a message's whole text is kept, checked against the row's vault-state element.
    fn raw_place(&self, id: i64) -> Result<RawPlace> {
        let (folder, uid) = self.locate(id)?;
        let (inline, blob): (Option<Vec<u8>>, Option<String>) = self
            .vault
            .conn()
            .prepare_cached("SELECT raw, raw_blob FROM mail_msg WHERE id = ?1")?
            .query_row([id], |r| Ok((r.get(0)?, r.get(1)?)))?;
        self.check(
            id,
            "raw",
            &[
                tag(inline.as_deref()),
                blob.as_deref().unwrap_or("").as_bytes(),
            ],
        )?;
        Ok(RawPlace {
            folder,
            uid,
            inline,
            blob,
        })
    }

    /// The message kept at `place`. A slot of the pack `open` names is read through that
    /// reader (compaction reads a whole pack with one); any other through a reader of its own.
    fn read_place(
        &self,
        id: i64,
        place: &RawPlace,
        open: Option<(&str, &mut BlobReader<'_>)>,
    ) -> Result<Option<Vec<u8>>> {
        if let Some(s) = &place.inline {
            let row = msg_row(place.folder, place.uid);
            return Ok(Some(self.open("mail_msg", "raw", &row, s)?));
        }
        let Some(b) = &place.blob else {
            return Ok(None);
        };
        let Some((pack, offset, len)) = packed_at(b) else {
            return Ok(Some(self.vault.blob_reader(b)?.read_all()?.to_vec()));
        };
        match open {
            Some((open_pack, reader)) if open_pack == pack => read_slot(reader, id, offset, len),
            _ => read_slot(&mut self.vault.blob_reader(pack)?, id, offset, len),
        }
        .map(Some)
    }

    /// Drop the packs none of whose messages is left, and compact those mostly emptied by
    /// expunges: their remaining messages move into their rows. Outside any transaction
    /// (a pack's file goes only after the rows that named it are committed gone).
    /// One pack that cannot be settled (damaged, or its file gone) does not stop the others;
    /// the first such error comes back after all were tried.
    pub fn settle_packs(&self) -> Result<usize> {
        if !self.vault.conn().is_autocommit() {
            return Ok(0);
        }
        let packs: Vec<(String, i64)> = {
            let mut stmt = self
                .vault
                .conn()
                .prepare_cached("SELECT id, size FROM blobs WHERE ns = ?1")?;
            stmt.query_map([PACK_NS], |r| Ok((r.get(0)?, r.get(1)?)))?
                .collect::<rusqlite::Result<_>>()?
        };
        let mut settled = 0;
        let mut first_error = None;
        for (pack, size) in packs {
            match self.settle_pack(&pack, size) {
                Ok(true) => settled += 1,
                Ok(false) => {}
                Err(e) => {
                    first_error.get_or_insert(e);
                }
            }
        }
        match first_error {
            Some(e) => Err(e),
            None => Ok(settled),
        }
    }

    /// Compact or drop one pack if it is less than half used; true when it went.
    fn settle_pack(&self, pack: &str, size: i64) -> Result<bool> {
        let emptied = self.vault.write_tx(|| {
            // '@' < 'A': every pointer into this pack sorts in [id@, idA).
            let mut live: Vec<(i64, String)> = {
                let mut stmt = self.vault.conn().prepare_cached(
                    "SELECT id, raw_blob FROM mail_msg WHERE raw_blob >= ?1 AND raw_blob < ?2",
                )?;
                stmt.query_map(params![format!("{pack}@"), format!("{pack}A")], |r| {
                    Ok((r.get(0)?, r.get(1)?))
                })?
                .collect::<rusqlite::Result<_>>()?
            };
            let live_bytes: u64 = live
                .iter()
                .filter_map(|(_, p)| packed_at(p).map(|(_, _, len)| len))
                .sum();
            if live_bytes * PACK_LIVE_MIN.1 >= size.max(0) as u64 * PACK_LIVE_MIN.0 {
                return Ok(false);
            }
            if live.is_empty() {
                return Ok(true);
            }
            // One reader for the whole pack, its slots taken in file order: each chunk is
            // read and opened once, not once per message in it.
            live.sort_by_key(|(_, p)| packed_at(p).map_or(u64::MAX, |(_, at, _)| at));
            let mut reader = self.vault.blob_reader(pack)?;
            for (id, _) in &live {
                // Read where the row, checked against its state, says: not the listed pointer.
                let place = self.raw_place(*id)?;
                let Some(raw) = self.read_place(*id, &place, Some((pack, &mut reader)))? else {
                    continue;
                };
                let row = msg_row(place.folder, place.uid);
                let sealed = self.seal("mail_msg", "raw", &row, &raw)?;
                self.vault
                    .conn()
                    .prepare_cached("UPDATE mail_msg SET raw = ?1, raw_blob = NULL WHERE id = ?2")?
                    .execute(params![&sealed, id])?;
                self.track_message(*id, None, None, Some((Some(&sealed), None)))?;
            }
            Ok(true)
        })?;
        if emptied {
            self.vault.blob_delete(pack)?;
        }
        Ok(emptied)
    }

    /// Drop postings whose message is gone (after expunges and resets): segments that
    /// name a removed message are rewritten without it. Until then search skips them.
    pub fn sweep_postings(&self) -> Result<usize> {
        // Postings written before segments (schema v3).
        let mut n = self.vault.conn().execute(
            "DELETE FROM mail_term WHERE msg NOT IN (SELECT id FROM mail_msg)",
            [],
        )?;
        let segs: Vec<(i64, Vec<u8>)> = {
            let mut stmt = self.vault.conn().prepare("SELECT seg, ids FROM mail_seg")?;
            stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
                .collect::<rusqlite::Result<_>>()?
        };
        for (seg, ids) in segs {
            let mut all = Vec::new();
            decode_ids(&ids, |id| all.push(id));
            let mut gone = 0;
            for id in all {
                if !self.exists(id)? {
                    gone += 1;
                }
            }
            if gone > 0 {
                self.rewrite_segments(&[seg])?;
                n += gone;
            }
        }
        self.merge_small_segments()?;
        Ok(n)
    }

    /// Message ids matching every group of a parsed query (see search.rs), newest first.
    pub fn search(&self, groups: &[Vec<i64>], limit: usize) -> Result<Vec<(i64, MessageMeta)>> {
        let mut hits: Option<HashSet<i64>> = None;
        for group in groups {
            let placeholders = vec!["?"; group.len()].join(",");
            // Every segment is probed by its key (seg, term): a seek per segment and term.
            // CROSS JOIN fixes that order; without statistics SQLite scanned all postings.
            let sql = format!(
                "SELECT p.ids FROM mail_seg s CROSS JOIN mail_post p ON p.seg = s.seg AND p.term IN ({placeholders})"
            );
            let mut found = HashSet::new();
            let mut stmt = self.vault.conn().prepare_cached(&sql)?;
            let mut rows = stmt.query(rusqlite::params_from_iter(group.iter()))?;
            while let Some(row) = rows.next()? {
                let ids = row.get_ref(0)?.as_blob().map_err(rusqlite::Error::from)?;
                decode_ids(ids, |id| {
                    if hits.as_ref().is_none_or(|h| h.contains(&id)) {
                        found.insert(id);
                    }
                });
            }
            let sql = format!("SELECT msg FROM mail_term WHERE term IN ({placeholders})");
            let mut stmt = self.vault.conn().prepare_cached(&sql)?;
            let mut rows = stmt.query(rusqlite::params_from_iter(group.iter()))?;
            while let Some(row) = rows.next()? {
                let id: i64 = row.get(0)?;
                if hits.as_ref().is_none_or(|h| h.contains(&id)) {
                    found.insert(id);
                }
            }
            let empty = found.is_empty();
            hits = Some(found);
            if empty {
                break;
            }
        }
        // Only the newest `limit` hits are opened: row ids grow with arrival, so the highest
        // ids are (nearly always) the newest mail, and a common word costs no more than a
        // rare one.
        let mut ids: Vec<i64> = hits.unwrap_or_default().into_iter().collect();
        ids.sort_unstable_by(|a, b| b.cmp(a));
        let mut out = Vec::with_capacity(limit.min(ids.len()));
        for id in ids {
            if out.len() >= limit {
                break;
            }
            match self.meta(id) {
                Ok((_, _, meta)) => out.push((id, meta)),
                // A posting of a message removed since (swept after the next sync).
                Err(Error::NotFound(_)) => {}
                Err(e) => return Err(e),
            }
        }
        out.sort_by(|a, b| b.1.summary.date.cmp(&a.1.summary.date).then(b.0.cmp(&a.0)));
        Ok(out)
    }
}

/// A batch's postings, inverted as the messages are written: each term with the messages
/// that hold it. A batch of 1,000 mixed messages holds ~700,000 (term, message) pairs over a
/// few thousand terms. Each pair is numbered with its term's slot as it arrives (a look-up in
/// a table that stays in the cache) and kept in arrival order; `runs` then places each slot's
/// messages side by side with one counting pass (a write cursor per term, each moving
/// forward). Collecting the pairs and sorting them by term (the way before) was a third of
/// the sync's wall time at 10,000; chaining each term's pairs through a linked list instead
/// made writing the segment a walk of dependent cache misses. A batch makes no allocation
/// per term, and the next batch reuses the memory that holds the pairs.
#[derive(Default)]
pub struct Postings {
    /// Terms are keyed hashes (uniform, secret), so they are their own table hash.
    slots: std::collections::HashMap<i64, u32, std::hash::BuildHasherDefault<TermHash>>,
    /// Per slot: its term.
    terms: Vec<i64>,
    /// The pairs in arrival order, as (slot, message) in two lists.
    pair_slots: Vec<u32>,
    pair_ids: Vec<i64>,
    msgs: Vec<i64>,
}

/// A batch's postings grouped by term (`Postings::runs`).
struct Runs {
    /// (term, start, end) into `ids`, terms ascending.
    terms: Vec<(i64, usize, usize)>,
    ids: Vec<i64>,
}

impl Runs {
    /// A term's messages, ascending and each once. They arrive ascending (the writer's row
    /// ids grow), so `scratch` is only used when they did not.
    fn ids<'a>(&'a self, start: usize, end: usize, scratch: &'a mut Vec<i64>) -> &'a [i64] {
        let run = &self.ids[start..end];
        if run.windows(2).all(|w| w[0] < w[1]) {
            return run;
        }
        scratch.clear();
        scratch.extend_from_slice(run);
        scratch.sort_unstable();
        scratch.dedup();
        scratch
    }
}

impl Postings {
    /// The terms of one message (distinct, as `Index::terms` gives them).
    pub fn add(&mut self, id: i64, terms: &[i64]) {
        if terms.is_empty() {
            return;
        }
        self.msgs.push(id);
        for &term in terms {
            self.file(term, id);
        }
    }

    fn push(&mut self, term: i64, id: i64) {
        if self.msgs.last() != Some(&id) {
            self.msgs.push(id);
        }
        self.file(term, id);
    }

    fn file(&mut self, term: i64, id: i64) {
        let next = self.terms.len() as u32;
        let slot = *self.slots.entry(term).or_insert(next);
        if slot == next {
            self.terms.push(term);
        }
        self.pair_slots.push(slot);
        self.pair_ids.push(id);
    }

    pub fn is_empty(&self) -> bool {
        self.terms.is_empty()
    }

    /// Each term's messages side by side, terms ascending.
    fn runs(&self) -> Runs {
        let mut order: Vec<u32> = (0..self.terms.len() as u32).collect();
        order.sort_unstable_by_key(|&s| self.terms[s as usize]);
        // First each slot's count, then where its run starts, then where its next pair goes.
        let mut cursor = vec![0usize; self.terms.len()];
        for &s in &self.pair_slots {
            cursor[s as usize] += 1;
        }
        let mut terms = Vec::with_capacity(order.len());
        let mut at = 0;
        for &s in &order {
            let n = cursor[s as usize];
            cursor[s as usize] = at;
            terms.push((self.terms[s as usize], at, at + n));
            at += n;
        }
        let mut ids = vec![0i64; at];
        for (&s, &id) in self.pair_slots.iter().zip(&self.pair_ids) {
            let c = &mut cursor[s as usize];
            ids[*c] = id;
            *c += 1;
        }
        Runs { terms, ids }
    }

    /// The distinct messages, ascending.
    fn sorted_msgs(&self) -> Vec<i64> {
        let mut msgs = self.msgs.clone();
        msgs.sort_unstable();
        msgs.dedup();
        msgs
    }

    /// Empty, keeping the memory for the next batch.
    fn clear(&mut self) {
        self.slots.clear();
        self.terms.clear();
        self.pair_slots.clear();
        self.pair_ids.clear();
        self.msgs.clear();
    }
}

/// The table hash of a term: the term itself (see `Postings`).
#[derive(Default)]
struct TermHash(u64);

impl std::hash::Hasher for TermHash {
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = self.0.rotate_left(8) ^ u64::from(b);
        }
    }

    fn write_i64(&mut self, n: i64) {
        self.0 = n as u64;
    }

    fn finish(&self) -> u64 {
        self.0
    }
}

/// Search postings are kept in segments: each batch of synced messages (or a merge of
/// small ones) is a segment holding, per term, the ascending ids of its messages that have
/// the term. Ids are delta-varint encoded (1–2 bytes per posting against ~20 for a
/// (term, message) row). Segments below this many messages are merged.
const MERGE_BELOW: i64 = 1000;
const MERGE_FANOUT: usize = 4;

fn encode_ids(ids: impl IntoIterator<Item = i64>, out: &mut Vec<u8>) {
    let mut prev = 0i64;
    for id in ids {
        let mut d = id.wrapping_sub(prev) as u64;
        prev = id;
        loop {
            let b = (d & 0x7f) as u8;
            d >>= 7;
            if d == 0 {
                out.push(b);
                break;
            }
            out.push(b | 0x80);
        }
    }
}

/// The ids of an encoded list. The index is not sealed (it holds keyed hashes and row ids
/// only), so a damaged list is read up to the damage; what search finds is opened and
/// authenticated anyway.
fn decode_ids(bytes: &[u8], mut f: impl FnMut(i64)) {
    let (mut prev, mut d, mut shift) = (0i64, 0u64, 0u32);
    for &b in bytes {
        if shift > 63 {
            return;
        }
        d |= u64::from(b & 0x7f) << shift;
        if b & 0x80 != 0 {
            shift += 7;
            continue;
        }
        prev = prev.wrapping_add(d as i64);
        f(prev);
        d = 0;
        shift = 0;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn folder(rights: Option<&str>, read_only: bool) -> FolderState {
        FolderState {
            raw_name: "shared/alice/Team".into(),
            name: "shared/alice/Team".into(),
            origin: Origin::OtherUser,
            special_use: None,
            uid_validity: 1,
            highest_modseq: 0,
            last_uid: 0,
            read_only,
            rights: rights.map(Into::into),
            filling: false,
        }
    }

    #[test]
    fn flags_are_refused_by_the_rights_letter_they_need_or_read_only() {
        let lrs = folder(Some("lrs"), false);
        assert!(lrs.flag_refusal("\\Seen").is_none());
        let refused = lrs.flag_refusal("\\Flagged").map(|e| e.to_string());
        assert!(
            refused.as_deref().is_some_and(|m| m.contains("lrs")),
            "{refused:?}"
        );
        assert!(lrs.flag_refusal("\\Deleted").is_some());
        assert!(lrs.flag_refusal("$Label1").is_some());
        assert!(
            folder(Some("lrswit"), false)
                .flag_refusal("\\Flagged")
                .is_none()
        );
        assert!(folder(None, false).flag_refusal("\\Flagged").is_none());
        let ro = folder(None, true)
            .flag_refusal("\\Seen")
            .map(|e| e.to_string());
        assert!(
            ro.as_deref().is_some_and(|m| m.contains("READ-ONLY")),
            "{ro:?}"
        );
    }

    #[test]
    fn posting_lists_round_trip_and_damage_never_panics() {
        let ids = [1i64, 2, 3, 130, 16_500, 1 << 40, i64::MAX];
        let mut buf = Vec::new();
        encode_ids(ids, &mut buf);
        let mut back = Vec::new();
        decode_ids(&buf, |i| back.push(i));
        assert_eq!(back, ids);
        for cut in 0..buf.len() {
            let mut n = 0;
            decode_ids(&buf[..cut], |_| n += 1);
            assert!(n <= ids.len());
        }
        decode_ids(&[0xff; 40], |_| panic!("an unterminated number is no id"));
    }

    /// A vault in a fresh folder under the temp dir, removed on drop.
    struct TempVault(std::path::PathBuf, Option<Vault>);
    impl Drop for TempVault {
        fn drop(&mut self) {
            self.1.take();
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }

    fn temp_vault(name: &str) -> TempVault {
        let dir = std::env::temp_dir().join(format!(
            "kapsel-mail-{name}-{}-{:?}",
            std::process::id(),
            std::time::SystemTime::now()
        ));
        let v = Vault::create(&dir, "Test-Password-1", kapsel_core::vault::MIN_PARAMS).unwrap();
        TempVault(dir, Some(v))
    }

    fn segments(store: &MailStore<'_>) -> Vec<(i64, Vec<i64>)> {
        let mut stmt = store
            .vault
            .conn()
            .prepare("SELECT seg, ids FROM mail_seg ORDER BY seg")
            .unwrap();
        stmt.query_map([], |r| Ok((r.get(0)?, r.get::<_, Vec<u8>>(1)?)))
            .unwrap()
            .map(|r| {
                let (seg, blob) = r.unwrap();
                let mut ids = Vec::new();
                decode_ids(&blob, |i| ids.push(i));
                (seg, ids)
            })
            .collect()
    }

    #[test]
    fn single_messages_merge_into_few_segments_that_search_and_sweep_keep_right() {
        let tv = temp_vault("segments");
        let vault = tv.1.as_ref().unwrap();
        let store = MailStore::new(vault);
        let index = Index::new(vault.keys().unwrap());
        let mut state = folder(None, false);
        state.origin = Origin::Own;
        let f = store.save_folder(&state).unwrap();
        // One message per write, as incremental syncs and IDLE pushes store them.
        for uid in 1..=40u32 {
            let mut meta = MessageMeta::default();
            meta.summary.subject = if uid % 2 == 0 {
                format!("Haushaltsplan {uid}")
            } else {
                format!("Termin {uid}")
            };
            meta.summary.date = i64::from(uid);
            meta.complete = true;
            let p = prepare(
                vault.keys().unwrap(),
                &index,
                f,
                uid,
                &meta,
                "Straße",
                None,
                false,
            )
            .unwrap();
            store.transaction(|| store.write(p)).unwrap();
        }
        // 40 = 2·16 + 2·4 in power-of-4 size classes.
        let segs = segments(&store);
        assert_eq!(
            segs.iter().map(|(_, ids)| ids.len()).collect::<Vec<_>>(),
            vec![16, 16, 4, 4]
        );
        let hits = |q: &str| -> Vec<u32> {
            let mut uids: Vec<u32> = store
                .search(&index.query(q).unwrap(), 100)
                .unwrap()
                .into_iter()
                .map(|(id, _)| store.locate(id).unwrap().1)
                .collect();
            uids.sort_unstable();
            uids
        };
        let even: Vec<u32> = (1..=40).filter(|u| u % 2 == 0).collect();
        assert_eq!(hits("Haush"), even);
        assert_eq!(hits("strasse haushaltsplan"), even);
        assert_eq!(hits("Termin 17"), vec![17]);
        assert!(hits("Hausmeister").is_empty());
        // The newest `limit` hits, newest first.
        let newest = |store: &MailStore| -> Vec<u32> {
            store
                .search(&index.query("haus").unwrap(), 3)
                .unwrap()
                .into_iter()
                .map(|(id, _)| store.locate(id).unwrap().1)
                .collect()
        };
        assert_eq!(newest(&store), vec![40, 38, 36]);

        // Removed messages: skipped at once (the limit is still filled), dropped by the sweep.
        let removed = [36u32, 38, 40, 2];
        let ids: Vec<i64> = removed
            .iter()
            .map(|&u| store.id_of(f, u).unwrap().unwrap())
            .collect();
        assert_eq!(store.remove_uids(f, &removed).unwrap(), 4);
        assert_eq!(newest(&store), vec![34, 32, 30]);
        assert_eq!(store.transaction(|| store.sweep_postings()).unwrap(), 4);
        let left: Vec<i64> = segments(&store).into_iter().flat_map(|(_, i)| i).collect();
        assert_eq!(left.len(), 36);
        assert!(ids.iter().all(|i| !left.contains(i)));
        let posted: i64 = store
            .vault
            .conn()
            .query_row("SELECT COUNT(*) FROM mail_post", [], |r| r.get(0))
            .unwrap();
        assert!(posted > 0);
        assert_eq!(hits("Haush").len(), 16);

        // Postings written before segments (schema v3) are still found.
        let old = store.id_of(f, 1).unwrap().unwrap();
        let term = index.query("zebra").unwrap()[0][0];
        store
            .vault
            .conn()
            .execute(
                "INSERT INTO mail_term(term, msg) VALUES (?1, ?2)",
                params![term, old],
            )
            .unwrap();
        assert_eq!(hits("subject:zebra"), vec![1]);
        assert_eq!(hits("zebra termin"), vec![1]);
    }

    #[test]
    fn postings_come_out_as_sorted_distinct_pairs_whatever_order_they_came_in() {
        let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
        let mut next = || {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x
        };
        for n in [0usize, 5, 1023, 5000, 70_000] {
            let mut postings = Postings::default();
            let mut pairs = Vec::new();
            for i in 0..n {
                let r = next();
                // A few terms of small range so that repeats and long runs occur.
                let term = if i % 7 == 0 {
                    (r % 5) as i64 - 2
                } else {
                    r as i64
                };
                // Mostly growing ids, as the writer's are, some going back (a message
                // written again keeps its row id) and some repeated.
                let id = if i % 11 == 0 {
                    (next() % 300) as i64
                } else {
                    (i / 3) as i64
                };
                postings.push(term, id);
                pairs.push((term, id));
            }
            pairs.sort_unstable();
            pairs.dedup();
            let mut msgs: Vec<i64> = pairs.iter().map(|p| p.1).collect();
            msgs.sort_unstable();
            msgs.dedup();
            let got_msgs = postings.sorted_msgs();
            let mut flat = Vec::new();
            let mut ids = Vec::new();
            let runs = postings.runs();
            for &(t, start, end) in &runs.terms {
                flat.extend(runs.ids(start, end, &mut ids).iter().map(|&id| (t, id)));
            }
            assert_eq!(flat, pairs, "{n} pairs");
            assert_eq!(got_msgs, msgs, "{n} pairs");
        }
        // A message without terms is in no segment; a cleared batch is empty.
        let mut postings = Postings::default();
        postings.add(7, &[]);
        assert!(postings.is_empty());
        postings.add(8, &[1, 2]);
        postings.clear();
        assert!(postings.is_empty() && postings.sorted_msgs().is_empty());
    }

    fn packs(store: &MailStore<'_>) -> Vec<String> {
        let mut stmt = store
            .vault
            .conn()
            .prepare("SELECT id FROM blobs WHERE ns = 'mail-pack'")
            .unwrap();
        stmt.query_map([], |r| r.get(0))
            .unwrap()
            .collect::<rusqlite::Result<_>>()
            .unwrap()
    }

    #[test]
    fn packed_messages_read_back_and_their_pack_is_compacted_then_dropped() {
        let tv = temp_vault("packs");
        let vault = tv.1.as_ref().unwrap();
        let store = MailStore::new(vault);
        let index = Index::new(vault.keys().unwrap());
        let f = store.save_folder(&folder(None, false)).unwrap();
        // Sizes around the 64 KiB chunk: messages that span chunk borders and fill one.
        let message = |uid: u32| -> Vec<u8> {
            let len = [10, 70_000, 65_536, 1, 0, 200_000][uid as usize % 6];
            (0..len).map(|i| (i as u32 * 31 + uid) as u8).collect()
        };
        let mut postings = Postings::default();
        let mut pack = Pack::default();
        store
            .transaction(|| {
                for uid in 1..=12u32 {
                    let meta = MessageMeta {
                        complete: true,
                        ..MessageMeta::default()
                    };
                    let p = prepare(
                        vault.keys()?,
                        &index,
                        f,
                        uid,
                        &meta,
                        "",
                        Some(message(uid)),
                        true,
                    )?;
                    store.write_deferred(p, &mut postings, &mut pack)?;
                }
                pack.finish(vault)?;
                store.flush_postings(&mut postings)
            })
            .unwrap();
        let packed = packs(&store);
        assert_eq!(packed.len(), 1);
        for uid in 1..=12u32 {
            let id = store.id_of(f, uid).unwrap().unwrap();
            assert_eq!(store.raw(id).unwrap().unwrap(), message(uid), "uid {uid}");
        }
        // A few expunged: the pack stays, its messages still read.
        store.remove_uids(f, &[1, 2, 3]).unwrap();
        assert_eq!(store.settle_packs().unwrap(), 0);
        assert_eq!(packs(&store), packed);
        // Most of it expunged: what is left moves into its rows and the pack goes.
        store.remove_uids(f, &[4, 5, 6, 7, 8, 9, 11]).unwrap();
        assert_eq!(store.settle_packs().unwrap(), 1);
        assert!(packs(&store).is_empty());
        assert!(vault.blob_info(&packed[0]).unwrap().is_none());
        for uid in [10, 12] {
            let id = store.id_of(f, uid).unwrap().unwrap();
            assert_eq!(store.raw(id).unwrap().unwrap(), message(uid), "uid {uid}");
        }
        // A pointer that reaches past its pack is damage, not a panic or foreign bytes.
        assert_eq!(packed_at("ab@12+5"), Some(("ab", 12, 5)));
        for bad in ["ab", "ab@x+1", "ab@1", "ab@-1+2"] {
            assert_eq!(packed_at(bad), None, "{bad}");
        }
    }

    #[test]
    fn a_pack_that_lost_a_message_refuses_to_finish_so_the_batch_rolls_back() {
        let mut tv = temp_vault("pack-fail");
        let vault = tv.1.as_mut().unwrap();
        let mut pack = Pack::default();
        pack.append(vault, b"first").unwrap();
        // Locked mid-batch: the next full chunk cannot be sealed and the pack's file goes.
        vault.lock();
        assert!(pack.append(vault, &vec![1; 100_000]).is_err());
        let rules = kapsel_core::vault::UnlockRules {
            max_failed: 5,
            on_limit: kapsel_core::vault::OnLimit::Wipe,
            backoff_base: std::time::Duration::from_millis(20),
            backoff_max: std::time::Duration::from_secs(1),
        };
        vault.unlock("Test-Password-1", &rules).unwrap();
        // The first message's row would name that file: finishing must fail, even unlocked.
        assert!(pack.finish(vault).is_err());
        assert!(pack.append(vault, b"next batch").is_ok());
        assert!(pack.finish(vault).is_ok());
    }

    #[test]
    fn a_pointer_beyond_its_pack_is_reported_as_damage() {
        let tv = temp_vault("pack-damage");
        let vault = tv.1.as_ref().unwrap();
        let store = MailStore::new(vault);
        let index = Index::new(vault.keys().unwrap());
        let f = store.save_folder(&folder(None, false)).unwrap();
        let mut pack = Pack::default();
        store
            .transaction(|| {
                let meta = MessageMeta::default();
                let p = prepare(
                    vault.keys()?,
                    &index,
                    f,
                    1,
                    &meta,
                    "",
                    Some(vec![7; 100]),
                    true,
                )?;
                store.write_deferred(p, &mut Postings::default(), &mut pack)?;
                pack.finish(vault)
            })
            .unwrap();
        let id = store.id_of(f, 1).unwrap().unwrap();
        let pack_id = packs(&store).remove(0);
        // 100 bytes framed take a 128-byte slot, as a sealed row would.
        let pointer: String = vault
            .conn()
            .query_row("SELECT raw_blob FROM mail_msg WHERE id = ?1", [id], |r| {
                r.get(0)
            })
            .unwrap();
        assert_eq!(pointer, format!("{pack_id}@0+128"));
        // One reader for all: a refused slot leaves it fit for the next.
        let mut reader = vault.blob_reader(&pack_id).unwrap();
        for (offset, slot) in [(50, 128), (u64::MAX, 2), (0, 1 << 40), (4, 100), (0, 3)] {
            let e = read_slot(&mut reader, id, offset, slot).unwrap_err();
            assert!(matches!(e, Error::Tampered(_)), "{offset}+{slot}: {e}");
        }
        assert_eq!(read_slot(&mut reader, id, 0, 128).unwrap(), vec![7; 100]);
    }

    #[test]
    fn a_folder_state_without_the_fill_marker_reads_as_not_filling() {
        let mut json = serde_json::to_value(folder(None, false)).unwrap();
        assert!(json.get("filling").is_none());
        json["filling"] = serde_json::Value::Bool(true);
        let back: FolderState = serde_json::from_value(json).unwrap();
        assert!(back.filling);
    }
}
