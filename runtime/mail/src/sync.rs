//! Two-way IMAP sync of folders into the vault: new messages, flags both ways, expunges,
//! moves (an expunge here plus a new message there) and UIDVALIDITY resets. With QRESYNC the
//! server says what changed since our mod-sequence; without it, flags and UIDs are compared.
//! Runs only in the unlocked session (the store needs the key).

use std::collections::HashSet;
use std::sync::atomic::Ordering;
use std::time::Instant;

use serde::Serialize;

use super::imap::{Fetched, Imap, ListedMailbox, Namespaces, uid_set};
use super::mime;
use super::search::Index;
use super::store::{self, FolderState, MailStore, MessageMeta, Origin};
use super::utf7;
use crate::cat;
use kapsel_core::error::{Error, Result};
use kapsel_i18n::t;

/// Messages up to this size are fetched whole during sync; larger ones (big attachments)
/// bring their headers now and the rest on first read.
pub const FULL_FETCH_LIMIT: u32 = 2 * 1024 * 1024;
/// UIDs per FETCH command and per vault transaction.
const BATCH: usize = 1000;
/// A fetch of at least this many messages writes them in packs (store.rs `Pack`), one per
/// batch; fewer (a few new mails) go into their rows, so a day of small syncs does not
/// leave a file per sync behind.
const PACK_FROM: usize = 100;
/// Threads that parse, seal and index fetched messages during a sync.
const PREPARERS: usize = 2;
/// While a folder fills, committed batches are copied from the WAL into the database by a
/// second connection on its own thread; once the WAL holds this much (as that thread last
/// saw it), the sync waits for a checkpoint that lets SQLite reuse the file from its start.
/// 64 MiB and 1 GiB synced 50,000 messages in the same time as 256 MiB.
const WAL_BOUND: u64 = 256 * 1024 * 1024;
/// Bytes of fetched messages read from the socket but not yet written, at most (one
/// message larger than this still passes alone). Enough to keep the server and the
/// helpers busy through a batch's commit.
const IN_FLIGHT_BYTES: u64 = 6 * 1024 * 1024;
/// Messages per queue between the stages; `IN_FLIGHT_BYTES` is the bound that matters.
const QUEUE: usize = 4096;

/// What a helper hands the writer for one message: its UID, the sealed rows and the
/// sender and subject for a notification.
type PreparedItem = Result<(u32, store::Prepared, (String, String))>;

/// The byte budget between the socket and the database: the reader takes a message's
/// size before queueing it, the writer gives it back once the message is written.
struct InFlight {
    state: std::sync::Mutex<(u64, bool)>,
    room: std::sync::Condvar,
    limit: u64,
}

impl InFlight {
    fn new(limit: u64) -> Self {
        Self {
            state: std::sync::Mutex::new((0, false)),
            room: std::sync::Condvar::new(),
            limit,
        }
    }

    /// Wait until `bytes` fit (or nothing else is in flight); false once closed.
    fn take(&self, bytes: u64) -> bool {
        let Ok(mut s) = self.state.lock() else {
            return false;
        };
        while !s.1 && s.0 > 0 && s.0.saturating_add(bytes) > self.limit {
            s = match self.room.wait(s) {
                Ok(s) => s,
                Err(_) => return false,
            };
        }
        if s.1 {
            return false;
        }
        s.0 = s.0.saturating_add(bytes);
        true
    }

    fn give(&self, bytes: u64) {
        if let Ok(mut s) = self.state.lock() {
            s.0 = s.0.saturating_sub(bytes);
            self.room.notify_all();
        }
    }

    fn close(&self) {
        if let Ok(mut s) = self.state.lock() {
            s.1 = true;
            self.room.notify_all();
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, serde::Deserialize)]
pub struct Progress {
    pub folder: String,
    pub done: u64,
    pub total: u64,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct NewMail {
    pub id: i64,
    pub folder: String,
    pub from: String,
    pub subject: String,
}

#[derive(Debug, Clone, Default, Serialize, serde::Deserialize)]
pub struct SyncReport {
    pub folders: usize,
    pub new_messages: u64,
    pub flag_updates: u64,
    pub flags_pushed: u64,
    pub expunged: u64,
    pub uidvalidity_resets: u64,
    pub bytes: u64,
    pub seconds: f64,
    pub qresync: bool,
    /// Folders that could not be synced this time, with the reason.
    pub errors: Vec<String>,
    /// New messages in folders that were already synced before (what notifications show).
    #[serde(skip)]
    pub arrived: Vec<NewMail>,
}

pub struct Options<'a> {
    /// Only these folders (server names); None: all personal folders plus opened ones.
    pub only: Option<Vec<String>>,
    /// Other users' and shared mailboxes the user opened (server names).
    pub opened: &'a [String],
}

/// Whose mailbox a server name belongs to, by the NAMESPACE prefixes.
pub fn origin_of(raw: &str, ns: &Namespaces) -> Origin {
    let starts = |list: &[(String, String)]| {
        list.iter()
            .any(|(p, _)| !p.is_empty() && raw.starts_with(p.as_str()))
    };
    if starts(&ns.other_users) {
        Origin::OtherUser
    } else if starts(&ns.shared) {
        Origin::Shared
    } else {
        Origin::Own
    }
}

/// Which server folders to sync.
fn wanted(imap: &mut Imap, opts: &Options<'_>) -> Result<(Vec<ListedMailbox>, Namespaces)> {
    let ns = imap.namespaces()?;
    let mut out: Vec<ListedMailbox> = imap
        .list("*")?
        .into_iter()
        .filter(|m| m.selectable && origin_of(&m.raw_name, &ns) == Origin::Own)
        .collect();
    for raw in opened_existing(imap, opts.opened)? {
        out.push(raw);
    }
    if let Some(only) = &opts.only {
        out.retain(|m| {
            only.iter().any(|o| {
                o == &m.raw_name
                    || o == &utf7::decode(&m.raw_name)
                    || (m.raw_name.eq_ignore_ascii_case("INBOX") && o.eq_ignore_ascii_case("INBOX"))
            })
        });
    }
    Ok((out, ns))
}

fn opened_existing(imap: &mut Imap, opened: &[String]) -> Result<Vec<ListedMailbox>> {
    let mut out = Vec::new();
    for raw in opened {
        for pattern in [raw.clone(), format!("{raw}/*")] {
            for m in imap.list(&pattern)? {
                if m.selectable && !out.iter().any(|o: &ListedMailbox| o.raw_name == m.raw_name) {
                    out.push(m);
                }
            }
        }
        // Dovecot lists another user's INBOX as the namespace root ("shared/bob@x"), which
        // LIST may not show as selectable even though SELECT works.
        if !out.iter().any(|m| &m.raw_name == raw) {
            out.push(ListedMailbox {
                raw_name: raw.clone(),
                delimiter: Some("/".into()),
                selectable: true,
                special_use: None,
            });
        }
    }
    Ok(out)
}

/// Sync every wanted folder. Progress is reported per batch.
pub fn sync(
    store: &MailStore<'_>,
    imap: &mut Imap,
    opts: &Options<'_>,
    progress: &mut dyn FnMut(&Progress),
) -> Result<SyncReport> {
    let started = Instant::now();
    let index = Index::new(store.vault().keys()?);
    let (folders, ns) = wanted(imap, opts)?;
    let mut report = SyncReport {
        qresync: imap.qresync(),
        ..SyncReport::default()
    };
    // Own folders deleted on the server go here too (opened ones stay until closed).
    let mut folders_deleted = false;
    if opts.only.is_none() {
        let present: HashSet<&str> = folders.iter().map(|f| f.raw_name.as_str()).collect();
        for (id, state) in store.folders()? {
            if !present.contains(state.raw_name.as_str()) {
                store.transaction(|| store.delete_folder(id))?;
                folders_deleted = true;
            }
        }
    }
    for f in &folders {
        let origin = origin_of(&f.raw_name, &ns);
        // One folder that fails (access withdrawn, a damaged message) must not stop the
        // others, nor the outbox after them; a lost connection ends the round.
        match sync_folder(store, &index, imap, f, origin, &mut report, progress) {
            Ok(()) => report.folders += 1,
            Err(Error::Network(m)) if !imap_alive(imap) => return Err(Error::Network(m)),
            Err(e) => report
                .errors
                .push(format!("{}: {e}", utf7::decode(&f.raw_name))),
        }
    }
    // Only when something was removed: the sweep reads every segment's message list.
    if report.expunged > 0 || report.uidvalidity_resets > 0 || folders_deleted {
        store.transaction(|| store.sweep_postings())?;
        // Outside a transaction: a pack's file is removed only once the rows naming it
        // are gone for good. A pack that cannot be settled is reported, not fatal: the
        // folders are synced and the outbox still has to go.
        if let Err(e) = store.settle_packs() {
            report.errors.push(e.to_string());
        }
    }
    report.seconds = started.elapsed().as_secs_f64();
    Ok(report)
}

/// New mail is announced for incoming folders, not for what the user filed or sent.
fn notifies(state: &FolderState) -> bool {
    !matches!(
        state.special_use.as_deref(),
        Some("\\Sent" | "\\Drafts" | "\\Trash" | "\\Junk" | "\\All" | "\\Archive")
    )
}

fn imap_alive(imap: &mut Imap) -> bool {
    imap.run("NOOP", &mut |_| Ok(())).is_ok()
}

fn display_name(raw: &str, origin: Origin) -> String {
    let name = utf7::decode(raw);
    if origin == Origin::Own && raw.eq_ignore_ascii_case("INBOX") {
        "INBOX".into()
    } else {
        name
    }
}

fn sync_folder(
    store: &MailStore<'_>,
    index: &Index,
    imap: &mut Imap,
    listed: &ListedMailbox,
    origin: Origin,
    report: &mut SyncReport,
    progress: &mut dyn FnMut(&Progress),
) -> Result<()> {
    let raw = &listed.raw_name;
    let existing = match store.folder_id(raw)? {
        Some(id) => Some((id, store.folder(id)?)),
        None => None,
    };
    let mut state = existing
        .as_ref()
        .map(|e| e.1.clone())
        .unwrap_or_else(|| FolderState::new(raw, display_name(raw, origin), origin));
    state.special_use = listed.special_use.clone().or(state.special_use);
    if origin != Origin::Own {
        state.rights = imap.my_rights(raw)?;
    }
    let since = (state.uid_validity != 0).then_some((state.uid_validity, state.highest_modseq));
    let sel = imap.select(raw, false, since)?;
    let folder = store.transaction(|| store.save_folder(&state))?;
    let was_synced = state.uid_validity != 0;
    let mut reset = false;
    if was_synced && sel.uid_validity != state.uid_validity {
        store.transaction(|| store.clear_folder(folder))?;
        state.last_uid = 0;
        state.highest_modseq = 0;
        report.uidvalidity_resets += 1;
        reset = true;
    }
    // A first fill (or a refill after a reset) checkpoints per batch; one interrupted
    // resumes above its checkpoint and is still a fill (no "new mail" for old messages).
    let filling = !was_synced || reset || state.filling;
    state.filling = filling;
    state.uid_validity = sel.uid_validity;
    state.read_only = sel.read_only;

    let pushed = push_flags(store, imap, folder, &sel, report)?;

    if was_synced && !reset {
        if imap.qresync() && since.is_some_and(|(_, m)| m > 0) {
            let gone: Vec<u32> = store
                .uids(folder)?
                .into_iter()
                .filter(|u| sel.vanished.iter().any(|r| r.contains(u)))
                .collect();
            store.transaction(|| {
                report.expunged += store.remove_uids(folder, &gone)? as u64;
                for c in &sel.changed {
                    // Flags reported at SELECT predate what we just pushed.
                    if pushed.contains(&c.uid) {
                        continue;
                    }
                    if let Some(flags) = &c.flags
                        && store.apply_server_flags(folder, c.uid, flags)?
                    {
                        report.flag_updates += 1;
                    }
                }
                Ok(())
            })?;
        } else if state.last_uid > 0 {
            compare_known(store, imap, folder, &state, report)?;
        }
    }

    let notify = !filling && notifies(&state);
    fetch_new(
        store, index, imap, folder, &mut state, notify, report, progress,
    )?;
    state.highest_modseq = sel.highest_modseq.unwrap_or(0);
    state.filling = false;
    store.transaction(|| store.save_folder(&state))?;
    Ok(())
}

/// Local flag changes go up first, so the server's answer already includes them. Returns
/// the UIDs pushed.
fn push_flags(
    store: &MailStore<'_>,
    imap: &mut Imap,
    folder: i64,
    sel: &super::imap::Selected,
    report: &mut SyncReport,
) -> Result<HashSet<u32>> {
    let mut pushed = HashSet::new();
    for (id, uid, meta) in store.dirty(folder)? {
        let add: Vec<String> = meta.pending_add.clone();
        let remove: Vec<String> = meta.pending_remove.clone();
        if !sel.read_only {
            let a: Vec<&str> = add.iter().map(String::as_str).collect();
            let r: Vec<&str> = remove.iter().map(String::as_str).collect();
            if !a.is_empty() {
                imap.uid_store(&uid.to_string(), true, &a)?;
            }
            if !r.is_empty() {
                imap.uid_store(&uid.to_string(), false, &r)?;
            }
            report.flags_pushed += 1;
            pushed.insert(uid);
        }
        // Re-read: the user may have changed flags while the STOREs were on the wire; only
        // what was pushed leaves the pending lists.
        store.transaction(|| {
            let (_, _, mut now) = store.meta(id)?;
            now.pending_add.retain(|f| !add.contains(f));
            now.pending_remove.retain(|f| !remove.contains(f));
            let dirty = !now.pending_add.is_empty() || !now.pending_remove.is_empty();
            store.write_meta(id, &now, dirty)
        })?;
    }
    Ok(pushed)
}

/// Without QRESYNC: flags of known messages (only changed ones with CONDSTORE) and the
/// UIDs still present.
fn compare_known(
    store: &MailStore<'_>,
    imap: &mut Imap,
    folder: i64,
    state: &FolderState,
    report: &mut SyncReport,
) -> Result<()> {
    let range = format!("1:{}", state.last_uid);
    let items = if imap.condstore() && state.highest_modseq > 0 {
        format!("UID FLAGS) (CHANGEDSINCE {}", state.highest_modseq)
    } else {
        "UID FLAGS".to_string()
    };
    let mut changes = Vec::new();
    imap.uid_fetch(&range, &items, &mut |f: Fetched| {
        if let Some(flags) = f.flags {
            changes.push((f.uid, flags));
        }
        Ok(())
    })?;
    let on_server: HashSet<u32> = imap
        .uid_search(&format!("UID {range}"))?
        .into_iter()
        .collect();
    let gone: Vec<u32> = store
        .uids(folder)?
        .into_iter()
        .filter(|u| !on_server.contains(u))
        .collect();
    store.transaction(|| {
        for (uid, flags) in &changes {
            if store.apply_server_flags(folder, *uid, flags)? {
                report.flag_updates += 1;
            }
        }
        report.expunged += store.remove_uids(folder, &gone)? as u64;
        Ok(())
    })
}

#[allow(clippy::too_many_arguments)]
fn fetch_new(
    store: &MailStore<'_>,
    index: &Index,
    imap: &mut Imap,
    folder: i64,
    state: &mut FolderState,
    notify: bool,
    report: &mut SyncReport,
    progress: &mut dyn FnMut(&Progress),
) -> Result<()> {
    let mut sizes: Vec<(u32, u32)> = Vec::new();
    let first = state.last_uid.saturating_add(1);
    imap.uid_fetch(
        &format!("{first}:*"),
        "UID RFC822.SIZE",
        &mut |f: Fetched| {
            if f.uid >= first {
                sizes.push((f.uid, f.size.unwrap_or(0)));
            }
            Ok(())
        },
    )?;
    sizes.sort_unstable();
    let total = sizes.len() as u64;
    // The checkpoint saved with each batch: the highest UID below which every wanted
    // message is stored. Small messages come before large ones, so it is not simply the
    // highest UID written; a resumed sync fetches above it and nothing is skipped.
    let mut outstanding: std::collections::BTreeSet<u32> = sizes.iter().map(|(u, _)| *u).collect();
    let highest_wanted = sizes.last().map_or(state.last_uid, |(u, _)| *u);
    let before = state.last_uid;
    let checkpoint = |outstanding: &std::collections::BTreeSet<u32>| {
        outstanding
            .first()
            .map_or(highest_wanted, |u| u.saturating_sub(1))
            .max(before)
    };
    let (small, large): (Vec<_>, Vec<_>) = sizes.iter().partition(|(_, s)| *s <= FULL_FETCH_LIMIT);
    let mut done = 0u64;
    // One FETCH per kind for the whole folder: the server streams while we parse and seal
    // (it runs on the other core), and every BATCH messages are committed together.
    for (list, items) in [
        (small, "UID FLAGS INTERNALDATE RFC822.SIZE BODY.PEEK[]"),
        (
            large,
            "UID FLAGS INTERNALDATE RFC822.SIZE BODY.PEEK[HEADER]",
        ),
    ] {
        if list.is_empty() {
            continue;
        }
        let uids: Vec<u32> = list.iter().map(|(u, _)| *u).collect();
        let packed = uids.len() >= PACK_FROM;
        let conn = store.vault().conn();
        let keys = store.vault().keys()?;
        // Fetched messages are still on the server: their batches commit without waiting
        // for the disk (WAL, synchronous=NORMAL; see ARCHITECTURE.md "What waits for the
        // disk"). A power cut loses at most the batches since the last full commit, whole,
        // with their checkpoint; they are fetched again. Everything else stays FULL.
        // Checkpoints wait for the disk twice (WAL, then database): ~0.3 s per 1,000 mixed
        // messages on this machine, during which nobody read the socket. They run beside
        // the reader instead (`background_checkpoints`).
        conn.execute_batch("PRAGMA synchronous = NORMAL; PRAGMA wal_autocheckpoint = 0; BEGIN")?;
        // Frames in the WAL as the background checkpointer last saw them.
        let wal_frames = std::sync::atomic::AtomicU64::new(0);
        let frame_bytes: u64 = conn
            .query_row("PRAGMA page_size", [], |r| r.get::<_, i64>(0))
            .map_or(4096, |p| p.max(512) as u64)
            + 24;
        // Four stages on two cores: a reader thread takes the IMAP stream apart, `PREPARERS`
        // helpers parse, seal and index, and this thread writes SQL. The reader is not this
        // thread: a batch's commit (ordering its postings, writing segments) used to leave
        // the socket unread, the helpers without work and a core idle (~10 % of a 10,000-
        // message sync, perf). The queues are bounded by bytes in flight, not by count, so a
        // run of large messages cannot pile up in memory.
        steady_allocator();
        let in_flight = InFlight::new(IN_FLIGHT_BYTES);
        let imap = &mut *imap;
        // Set when a batch could not be closed: its rows may name a pack that was never made
        // durable, so nothing more is written and the open transaction is rolled back.
        let abandoned = std::cell::Cell::new(false);
        let result = std::thread::scope(|scope| -> Result<()> {
            let (to_prepare, inbox) = std::sync::mpsc::sync_channel::<Fetched>(QUEUE);
            let (to_write, prepared) = std::sync::mpsc::sync_channel::<(u64, PreparedItem)>(QUEUE);
            let (kick, kicks) = std::sync::mpsc::sync_channel::<()>(1);
            let db = store.vault().root().join(kapsel_core::vault::DB_FILE);
            let frames = &wal_frames;
            let checkpointer = scope.spawn(move || background_checkpoints(&db, kicks, frames));
            // Two preparers: parsing and indexing is the longest stage, and with two of them
            // the busy threads (with the server) share both cores evenly. Messages may
            // reach the writer out of order; nothing depends on it (see `checkpoint`).
            let inbox = std::sync::Arc::new(std::sync::Mutex::new(inbox));
            let workers: Vec<_> = (0..PREPARERS)
                .map(|_| {
                    let to_write = to_write.clone();
                    let inbox = std::sync::Arc::clone(&inbox);
                    scope.spawn(move || {
                        loop {
                            let next = inbox.lock().map(|rx| rx.recv());
                            let Ok(Ok(f)) = next else { break };
                            let bytes = f.body.as_ref().map_or(0, |b| b.len() as u64);
                            let uid = f.uid;
                            let r = prepare_fetched(keys, index, folder, f, packed)
                                .map(|(p, who)| (uid, p, who));
                            if to_write.send((bytes, r)).is_err() {
                                break;
                            }
                        }
                    })
                })
                .collect();
            drop(to_write);
            // Only the helpers hold the queue's far end: if they all stop, the reader's next
            // send fails instead of waiting forever.
            drop(inbox);
            let in_flight = &in_flight;
            let wanted: HashSet<u32> = uids.iter().copied().collect();
            let set = uid_set(&uids);
            let reader = scope.spawn(move || {
                let mut flag_updates: Vec<(u32, Vec<String>)> = Vec::new();
                let fetch = imap.uid_fetch(&set, items, &mut |f: Fetched| {
                    // Unsolicited flag updates (another client, QRESYNC) arrive as FETCH too:
                    // they are not messages and must never overwrite one.
                    if f.body.is_none() || !wanted.contains(&f.uid) {
                        if let Some(flags) = f.flags {
                            flag_updates.push((f.uid, flags));
                        }
                        return Ok(());
                    }
                    let bytes = f.body.as_ref().map_or(0, |b| b.len() as u64);
                    if !in_flight.take(bytes) || to_prepare.send(f).is_err() {
                        return Err(Error::Agent(t!(cat(), "mailbox-parser-stopped")));
                    }
                    Ok(())
                });
                (fetch, flag_updates)
            });
            let mut in_batch = 0usize;
            let mut postings = store::Postings::default();
            let mut pack = store::Pack::default();
            let abandoned = &abandoned;
            let mut write_one = |bytes: u64, item: PreparedItem| -> Result<()> {
                // Also without an open transaction (a BEGIN that failed): rows committed one
                // by one would name a pack not yet durable.
                if abandoned.get() || conn.is_autocommit() {
                    abandoned.set(true);
                    return Err(Error::Agent(t!(cat(), "mailbox-pack-failed")));
                }
                let (uid, p, (from, subject)) = item?;
                let id = store.write_deferred(p, &mut postings, &mut pack)?;
                report.bytes += bytes;
                report.new_messages += 1;
                state.last_uid = state.last_uid.max(uid);
                outstanding.remove(&uid);
                if notify {
                    report.arrived.push(NewMail {
                        id,
                        folder: state.name.clone(),
                        from,
                        subject,
                    });
                }
                in_batch += 1;
                done += 1;
                if in_batch >= BATCH {
                    let closed = pack
                        .finish(store.vault())
                        .and_then(|()| store.flush_postings(&mut postings))
                        .and_then(|()| {
                            // The checkpoint commits with the messages it covers.
                            let mut saved = state.clone();
                            saved.last_uid = checkpoint(&outstanding);
                            store.save_folder(&saved)?;
                            Ok(conn.execute_batch("COMMIT")?)
                        });
                    closed.inspect_err(|_| abandoned.set(true))?;
                    if wal_frames
                        .load(Ordering::Relaxed)
                        .saturating_mul(frame_bytes)
                        > WAL_BOUND
                    {
                        // The WAL's use, not its file length: a restarted WAL keeps its
                        // length, so a test of the file held for every later batch and
                        // each waited here for the disk (50,000 messages synced at half
                        // speed). TRUNCATE instead zeroes fresh pages for every regrowth.
                        // Not fatal: a checkpoint that cannot finish leaves a longer WAL.
                        let _ = conn.query_row("PRAGMA wal_checkpoint(RESTART)", [], |_| Ok(()));
                        wal_frames.store(0, Ordering::Relaxed);
                    } else {
                        let _ = kick.try_send(());
                    }
                    conn.execute_batch("BEGIN")?;
                    in_batch = 0;
                    progress(&Progress {
                        folder: state.name.clone(),
                        done,
                        total,
                    });
                }
                Ok(())
            };
            // Every prepared message is taken off the queue, also after an error, so the
            // reader and the helpers never wait for a writer that stopped.
            let mut failed: Option<Error> = None;
            for (bytes, item) in prepared.iter() {
                let written = write_one(bytes, item);
                in_flight.give(bytes);
                if let Err(e) = written {
                    failed.get_or_insert(e);
                }
            }
            // Nothing more will be given back: a reader still waiting for room stops.
            in_flight.close();
            let (fetch, flag_updates) = match reader.join() {
                Ok(done) => done,
                Err(_) => (
                    Err(Error::Agent(t!(cat(), "mailbox-parser-stopped"))),
                    Vec::new(),
                ),
            };
            for w in workers {
                let _ = w.join();
            }
            drop(kick);
            let _ = checkpointer.join();
            // The tail of the last batch (committed by the caller's COMMIT below), unless it
            // is abandoned or there is no transaction to put it in.
            if !abandoned.get() && !conn.is_autocommit() {
                if let Err(e) = pack.finish(store.vault()) {
                    abandoned.set(true);
                    failed.get_or_insert(e);
                } else {
                    if let Err(e) = store.flush_postings(&mut postings) {
                        failed.get_or_insert(e);
                    }
                    for (uid, flags) in &flag_updates {
                        if let Err(e) = store.apply_server_flags(folder, *uid, flags) {
                            failed.get_or_insert(e);
                        }
                    }
                }
            }
            fetch?;
            match failed {
                Some(e) => Err(e),
                None => Ok(()),
            }
        });
        // What arrived before an error stays (it is complete and consistent), with the
        // checkpoint that covers it.
        let mut saved = state.clone();
        saved.last_uid = checkpoint(&outstanding);
        // Only inside the batch's transaction (a failed "COMMIT; BEGIN" may have left none).
        let committed = if conn.is_autocommit() {
            Ok(())
        } else if abandoned.get() {
            Err(Error::Agent(t!(cat(), "mailbox-pack-failed")))
        } else {
            store
                .save_folder(&saved)
                .and_then(|_| Ok(conn.execute_batch("COMMIT")?))
        };
        if committed.is_err() {
            let _ = conn.execute_batch("ROLLBACK");
        }
        // The closing FULL commit checkpoints what the helper has not copied yet.
        let closed = store.vault().full_durability();
        release_freed_memory();
        closed?;
        committed?;
        result?;
    }
    progress(&Progress {
        folder: state.name.clone(),
        done,
        total,
    });
    Ok(())
}

/// Copy committed batches from the WAL into the database, on a connection of its own, each
/// time the sync commits one (PASSIVE: never waits for the writer, which goes on with the
/// next batch). A checkpoint that fails or is left out only leaves more for the next one;
/// SQLite keeps the database consistent if the process dies during one. Each one publishes
/// how many frames the WAL holds, which tells the writer when to wait for a restart.
fn background_checkpoints(
    db: &std::path::Path,
    kicks: std::sync::mpsc::Receiver<()>,
    wal_frames: &std::sync::atomic::AtomicU64,
) {
    let Ok(conn) = rusqlite::Connection::open_with_flags(
        db,
        rusqlite::OpenFlags::SQLITE_OPEN_READ_WRITE | rusqlite::OpenFlags::SQLITE_OPEN_NO_MUTEX,
    ) else {
        return;
    };
    for () in kicks {
        // (busy, frames in the WAL, frames copied); -1 when the WAL could not be read.
        let log = conn.query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |r| r.get::<_, i64>(1));
        if let Ok(Ok(frames)) = log.map(u64::try_from) {
            wal_frames.store(frames, Ordering::Relaxed);
        }
    }
}

/// Fix glibc's mmap and trim thresholds at their initial 128 KiB. By default every freed
/// mapping larger than the mmap threshold raises it (up to 32 MiB) and the trim threshold
/// with it, so after unlock's 19 MiB Argon2 buffer or the first 2 MiB message every buffer
/// of a sync — messages, the staging of packs — came from the threads' arenas and stayed
/// there fragmented: one process peaked at 54, 62, 75 MiB over three 10,000-message syncs.
/// Fixed, large buffers are mapped and unmapped whole: 41–43 MiB each time, and the sync
/// was no slower (2.15–2.21 s against 2.21–2.29 s, same hour). Process-wide, once; only
/// where glibc is the allocator.
fn steady_allocator() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        #[cfg(all(target_os = "linux", target_env = "gnu"))]
        // SAFETY: mallopt only changes a tuning parameter of the allocator, under its own
        // lock; it never touches memory in use. A refused setting (return 0) changes nothing.
        unsafe {
            libc::mallopt(libc::M_MMAP_THRESHOLD, 128 * 1024);
            libc::mallopt(libc::M_TRIM_THRESHOLD, 128 * 1024);
        }
    });
}

/// Give back to the system what the sync's threads freed. Each thread allocates from an
/// allocator arena of its own and glibc keeps the free pages of a finished thread's arena,
/// so a session agent that syncs every few minutes would carry every arena's high-water
/// mark of queued messages.
fn release_freed_memory() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: malloc_trim only returns whole free pages of the allocator's own heaps to the
    // kernel; it touches no memory in use and takes the arenas' locks itself.
    unsafe {
        libc::malloc_trim(0);
    }
}

/// Parse and store one fetched message (whole or headers only).
pub fn store_fetched(store: &MailStore<'_>, index: &Index, folder: i64, f: Fetched) -> Result<i64> {
    let (prepared, _) = prepare_fetched(store.vault().keys()?, index, folder, f, false)?;
    store.write(prepared)
}

/// Parse, seal and index one fetched message: no database, so it runs beside the reader.
/// With `pack`, the message is left whole for the writer's pack.
pub fn prepare_fetched(
    keys: &kapsel_core::vault::Keys,
    index: &Index,
    folder: i64,
    mut f: Fetched,
    pack: bool,
) -> Result<(store::Prepared, (String, String))> {
    let body = f.body.take().unwrap_or_default();
    let raw = body.as_slice();
    let arrival = f
        .internal_date
        .as_deref()
        .and_then(parse_internal_date)
        .unwrap_or(0);
    let parsed = mime::parse(raw, arrival);
    let meta = MessageMeta {
        summary: parsed.summary,
        flags: f
            .flags
            .clone()
            .unwrap_or_default()
            .into_iter()
            .filter(|x| !x.eq_ignore_ascii_case("\\Recent"))
            .collect(),
        size: u64::from(f.size.unwrap_or(raw.len() as u32)),
        complete: !f.header_only,
        pending_add: Vec::new(),
        pending_remove: Vec::new(),
    };
    let text = if f.header_only {
        ""
    } else {
        parsed.text.as_str()
    };
    let who = (meta.summary.from.clone(), meta.summary.subject.clone());
    let prepared = store::prepare(
        keys,
        index,
        folder,
        f.uid,
        &meta,
        text,
        (!f.header_only).then_some(body),
        pack,
    )?;
    Ok((prepared, who))
}

/// "17-Jul-1996 02:44:25 -0700" → seconds since the epoch.
pub fn parse_internal_date(s: &str) -> Option<i64> {
    let s = s.trim();
    let (date, rest) = s.split_once(' ')?;
    let (time, zone) = rest.trim().split_once(' ')?;
    let mut d = date.trim().split('-');
    let day: i64 = d.next()?.trim().parse().ok()?;
    let month = [
        "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
    ]
    .iter()
    .position(|m| d.clone().next().is_some_and(|x| x.eq_ignore_ascii_case(m)))?
        as i64
        + 1;
    d.next()?;
    let year: i64 = d.next()?.parse().ok()?;
    let mut t = time.split(':');
    let (h, m, sec): (i64, i64, i64) = (
        t.next()?.parse().ok()?,
        t.next()?.parse().ok()?,
        t.next()?.parse().ok()?,
    );
    let sign = if zone.starts_with('-') { -1 } else { 1 };
    let z: i64 = zone.get(1..)?.parse().ok()?;
    // Server data: refuse what is no date rather than overflow on it.
    if !(1..=9999).contains(&year)
        || !(1..=31).contains(&day)
        || !(0..24).contains(&h)
        || !(0..60).contains(&m)
        || !(0..=60).contains(&sec)
        || !(0..=1400).contains(&z)
    {
        return None;
    }
    let offset = sign * ((z / 100) * 3600 + (z % 100) * 60);
    Some(days_from_civil(year, month, day) * 86400 + h * 3600 + m * 60 + sec - offset)
}

/// Days since 1970-01-01 (proleptic Gregorian).
pub fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = if y >= 0 { y } else { y - 399 } / 400;
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146097 + doe - 719468
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bytes_in_flight_are_bounded_and_released_in_order() {
        let budget = InFlight::new(100);
        assert!(budget.take(60));
        // A message larger than the whole budget passes when nothing else is in flight.
        let big = InFlight::new(10);
        assert!(big.take(1_000));
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::scope(|s| {
            s.spawn(|| {
                // 60 + 50 > 100: waits for the writer.
                let ok = budget.take(50);
                tx.send(ok).ok();
            });
            assert!(
                rx.recv_timeout(std::time::Duration::from_millis(200))
                    .is_err(),
                "the reader went past a spent budget"
            );
            budget.give(60);
            assert_eq!(
                rx.recv_timeout(std::time::Duration::from_secs(10)),
                Ok(true)
            );
        });
    }

    #[test]
    fn a_closed_budget_wakes_and_stops_the_reader() {
        let budget = InFlight::new(100);
        assert!(budget.take(100));
        std::thread::scope(|s| {
            let waiting = s.spawn(|| budget.take(1));
            std::thread::sleep(std::time::Duration::from_millis(50));
            budget.close();
            assert_eq!(waiting.join().ok(), Some(false));
        });
        assert!(!budget.take(0), "a closed budget admits nothing");
    }

    #[test]
    fn internal_dates_parse() {
        assert_eq!(parse_internal_date("01-Jan-1970 00:00:00 +0000"), Some(0));
        assert_eq!(
            parse_internal_date("17-Jul-1996 02:44:25 -0700"),
            Some(837596665)
        );
        assert_eq!(
            parse_internal_date(" 3-Feb-2026 10:00:00 +0100"),
            Some(1770109200)
        );
        assert_eq!(parse_internal_date("garbage"), None);
        assert_eq!(
            parse_internal_date("01-Jan-9223372036854775807 00:00:00 +0000"),
            None
        );
        assert_eq!(
            parse_internal_date("99999999999-Jan-2020 00:00:00 +0000"),
            None
        );
    }
}
