//! Mail inside the session agent: the requests the CLI sends, and the background worker
//! that syncs on the user's schedule, waits in IDLE for push, files notifications and
//! empties the outbox. Foreground and background sync never overlap (one sync lock).

use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};

use super::answers::{
    DraftEntry, Flagged, MailAnswer, MailStatus, MailboxesAnswer, Moved, OofAnswer, OutboxAnswer,
    ScheduleAnswer, SearchAnswer, Sent,
};
use super::autoreply::{AutoReply, OutOfOffice};
use super::compose::Draft;
use super::schedule::{self, Schedule};
use super::{Account, MailStore, cat, outbox, sync};
use kapsel_core::audit;
use kapsel_core::container::Container;
use kapsel_core::error::{Error, Result};
use kapsel_core::vault::Vault;
use kapsel_i18n::t;

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(tag = "action", rename_all = "kebab-case")]
pub enum MailRequest {
    Sync {
        folders: Option<Vec<String>>,
    },
    Status,
    Schedule {
        set: Option<Schedule>,
    },
    Folders,
    List {
        folder: String,
        limit: usize,
    },
    Read {
        id: i64,
    },
    Search {
        query: String,
        limit: usize,
    },
    Flag {
        id: i64,
        flag: String,
        on: bool,
    },
    Move {
        id: i64,
        folder: String,
    },
    Attach {
        id: i64,
        index: usize,
    },
    Send {
        draft: Draft,
        save_only: bool,
    },
    Reply {
        id: i64,
        all: bool,
        body: String,
        attachments: Vec<String>,
        save_only: bool,
    },
    Forward {
        id: i64,
        to: Vec<String>,
        body: String,
        /// Container documents sent along besides the original's attachments.
        #[serde(default)]
        attachments: Vec<String>,
        save_only: bool,
    },
    Drafts,
    SendDraft {
        id: String,
    },
    Outbox {
        retry: Option<String>,
        discard: Option<String>,
    },
    Mailboxes {
        open: Option<String>,
        close: Option<String>,
    },
    Oof {
        set: Option<OutOfOffice>,
        clear: bool,
    },
}

/// What `kapsel sync status` shows about the background worker.
#[derive(Debug, Clone, Default, Serialize, serde::Deserialize)]
pub struct SyncStatus {
    pub running: bool,
    pub progress: Option<sync::Progress>,
    pub last_sync_ms: Option<u64>,
    pub last_error: Option<String>,
    pub last_new: u64,
    pub push_active: bool,
}

#[derive(Clone, Default)]
pub struct Shared {
    pub status: Arc<Mutex<SyncStatus>>,
    pub sync_lock: Arc<Mutex<()>>,
    /// Bumped to retire the running worker (a new policy: other servers, bounds, or mail
    /// switched off); each worker exits when it sees a generation other than its own.
    pub generation: Arc<std::sync::atomic::AtomicU64>,
}

fn guard<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

fn json<T: Serialize>(v: T) -> Result<serde_json::Value> {
    serde_json::to_value(v).map_err(|e| {
        Error::Agent(t!(
            cat(),
            "mailbox-cannot-encode-answer",
            error = e.to_string()
        ))
    })
}

/// A large message synced headers-only is fetched before it is quoted or forwarded.
fn ensure_complete(vault: &Vault, account: Option<&Account>, id: i64) -> Result<()> {
    let (_, _, meta) = MailStore::new(vault).meta(id)?;
    if meta.complete {
        return Ok(());
    }
    let account =
        account.ok_or_else(|| Error::Network(t!(cat(), "mailbox-no-server-for-message")))?;
    super::complete_message(vault, account, id)
}

/// The foreground waits for a running background sync only a bounded time: meanwhile the
/// agent answers nothing else, not even `kapsel lock`.
/// How long a requested sync waits for the background worker's: its first sync after an
/// unlock fetches every folder, which on a loaded machine took longer than a minute.
const SYNC_WAIT: Duration = Duration::from_secs(180);

/// How long the server may take to answer that probe.
const PROBE_TIMEOUT: Duration = Duration::from_secs(10);

fn try_sync_lock(shared: &Shared) -> Result<MutexGuard<'_, ()>> {
    let deadline = Instant::now() + SYNC_WAIT;
    loop {
        match shared.sync_lock.try_lock() {
            Ok(g) => return Ok(g),
            Err(std::sync::TryLockError::Poisoned(p)) => return Ok(p.into_inner()),
            Err(std::sync::TryLockError::WouldBlock) if Instant::now() < deadline => {
                std::thread::sleep(Duration::from_millis(100));
            }
            Err(std::sync::TryLockError::WouldBlock) => {
                return Err(Error::Network(t!(cat(), "mailbox-sync-busy")));
            }
        }
    }
}

fn draft_reply(vault: &Vault, account: &Account, id: i64, all: bool, body: &str) -> Result<Draft> {
    ensure_complete(vault, Some(account), id)?;
    let store = MailStore::new(vault);
    let (_, _, meta) = store.meta(id)?;
    let text = store.text(id)?;
    Ok(super::compose::reply(
        &meta,
        &text,
        all,
        &account.user,
        body,
    ))
}

/// A `sync now` that runs on its own vault connection, so the session keeps answering
/// other requests — and above all a lock — while it fetches. Prepared while the caller holds
/// the container, run after it let go.
pub struct DetachedSync {
    vault: kapsel_core::vault::Vault,
    account: Account,
    shared: Shared,
    folders: Option<Vec<String>>,
}

impl DetachedSync {
    pub fn prepare(
        container: &Container,
        shared: &Shared,
        folders: Option<Vec<String>>,
    ) -> Result<DetachedSync> {
        Ok(DetachedSync {
            vault: container.vault().share()?,
            account: Account::from_container(container)?,
            shared: shared.clone(),
            folders,
        })
    }

    pub fn run(mut self, progress: &mut dyn FnMut(&sync::Progress)) -> Result<MailAnswer> {
        let _g = match self.shared.sync_lock.try_lock() {
            Ok(g) => g,
            Err(std::sync::TryLockError::Poisoned(p)) => p.into_inner(),
            Err(std::sync::TryLockError::WouldBlock) => {
                // Another sync runs (the background worker's, perhaps stuck on a dead
                // server): ask the server ourselves first, so an outage (refused, TLS,
                // login) is reported at once instead of after the wait.
                let mut probe = self.account.clone();
                probe.timeout = probe.timeout.min(PROBE_TIMEOUT);
                probe.imap()?.logout();
                try_sync_lock(&self.shared)?
            }
        };
        Ok(MailAnswer::Synced(super::sync_now(
            &mut self.vault,
            &self.account,
            self.folders,
            progress,
        )?))
    }
}

pub fn handle(
    container: &mut Container,
    shared: &Shared,
    request: MailRequest,
    progress: &mut dyn FnMut(&sync::Progress),
) -> Result<MailAnswer> {
    let account = || Account::from_container(container);
    match request {
        MailRequest::Status => {
            let status = guard(&shared.status).clone();
            let outbox = outbox::list(container.vault())?;
            let schedule = schedule::load(container.vault(), &container.policy().sync)?;
            Ok(MailAnswer::Status(MailStatus {
                sync: status,
                outbox: outbox.len(),
                schedule,
            }))
        }
        MailRequest::Schedule { set } => {
            let bounds = container.policy().sync.clone();
            if let Some(s) = set {
                schedule::save(container.vault(), &s, &bounds)?;
                audit::append(container.vault(), "mail-schedule-set", json(&s)?)?;
            }
            Ok(MailAnswer::Schedule(ScheduleAnswer {
                schedule: schedule::load(container.vault(), &bounds)?,
                tenant_bounds: bounds,
            }))
        }
        MailRequest::Folders => Ok(MailAnswer::Folders(super::folders(container.vault())?)),
        MailRequest::List { folder, limit } => Ok(MailAnswer::List(super::list(
            container.vault(),
            &folder,
            limit,
        )?)),
        MailRequest::Search { query, limit } => {
            let started = Instant::now();
            let hits = super::search(container.vault(), &query, limit)?;
            Ok(MailAnswer::Search(SearchAnswer {
                hits,
                micros: started.elapsed().as_micros() as u64,
            }))
        }
        MailRequest::Flag { id, flag, on } => {
            let flag = match flag.to_ascii_lowercase().as_str() {
                "seen" | "read" => "\\Seen".to_string(),
                "flagged" | "star" => "\\Flagged".to_string(),
                "answered" => "\\Answered".to_string(),
                other
                    if !other.is_empty()
                        && other
                            .chars()
                            .all(|c| c.is_ascii_alphanumeric() || c == '$' || c == '_') =>
                {
                    flag.clone()
                }
                _ => {
                    return Err(Error::invalid(t!(
                        cat(),
                        "mailbox-not-a-flag",
                        flag = format!("{flag:?}")
                    )));
                }
            };
            let changed = super::set_flag(container.vault(), id, &flag, on)?;
            Ok(MailAnswer::Flagged(Flagged {
                id,
                flag,
                on,
                changed,
            }))
        }
        MailRequest::Sync { folders } => {
            DetachedSync::prepare(container, shared, folders)?.run(progress)
        }
        MailRequest::Read { id } => {
            let account = account().ok();
            Ok(MailAnswer::Read(Box::new(super::read(
                container.vault(),
                account.as_ref(),
                id,
            )?)))
        }
        MailRequest::Move { id, folder } => {
            let account = account()?;
            let _g = try_sync_lock(shared)?;
            super::move_to(container.vault_mut(), &account, id, &folder)?;
            Ok(MailAnswer::Moved(Moved {
                moved: id,
                to: folder,
            }))
        }
        MailRequest::Attach { id, index } => {
            let account = account().ok();
            Ok(MailAnswer::Attachment(super::save_attachment(
                container.vault(),
                account.as_ref(),
                id,
                index,
            )?))
        }
        MailRequest::Send { draft, save_only } => send_or_save(container, draft, save_only),
        MailRequest::Reply {
            id,
            all,
            body,
            attachments,
            save_only,
        } => {
            let account = account()?;
            let mut draft = draft_reply(container.vault(), &account, id, all, &body)?;
            draft.attachments = attachments;
            let v = send_or_save(container, draft, save_only)?;
            // The reply went out; a folder where we may not flag it stays unflagged.
            if !save_only && super::flag_refusal(container.vault(), id, "\\Answered")?.is_none() {
                super::set_flag(container.vault(), id, "\\Answered", true)?;
            }
            Ok(v)
        }
        MailRequest::Forward {
            id,
            to,
            body,
            attachments,
            save_only,
        } => {
            let store = MailStore::new(container.vault());
            let (_, _, meta) = store.meta(id)?;
            let text = store.text(id)?;
            let mut draft = super::compose::forward(&meta, &text, to, &body);
            // The original's attachments travel along, kept as container documents.
            let mut skipped = Vec::new();
            // Those inside a forwarded message travel inside it, not a second time.
            let own = meta
                .summary
                .attachments
                .iter()
                .filter(|a| a.within.is_none());
            for a in own {
                let account = account().ok();
                match super::save_attachment(container.vault(), account.as_ref(), id, a.index) {
                    Ok(doc) => draft.attachments.push(doc.id),
                    Err(e) => skipped.push(format!("{}: {e}", a.name)),
                }
            }
            if !skipped.is_empty() {
                let note = t!(
                    cat(),
                    "mailbox-forward-not-attached",
                    list = skipped.join("; ")
                );
                draft.body.push_str(&format!("\n{note}\n"));
            }
            draft.attachments.extend(attachments);
            send_or_save(container, draft, save_only)
        }
        MailRequest::Drafts => {
            let list = super::drafts(container.vault())?
                .into_iter()
                .map(|(id, draft)| DraftEntry { id, draft })
                .collect();
            Ok(MailAnswer::Drafts(list))
        }
        MailRequest::SendDraft { id } => {
            let draft = super::take_draft(container.vault(), &id)?;
            let account = account()?;
            let sent = super::send(container.vault_mut(), &account, &draft)?;
            container.vault().delete(super::DRAFTS_NS, &id)?;
            Ok(MailAnswer::Sent(sent))
        }
        MailRequest::Outbox { retry, discard } => {
            if let Some(id) = retry {
                outbox::retry(container.vault(), &id)?;
                let account = account()?;
                let flush = outbox::flush(container.vault_mut(), &account)?;
                return Ok(MailAnswer::Outbox(OutboxAnswer::Retried {
                    retried: id,
                    flush,
                }));
            }
            if let Some(id) = discard {
                outbox::discard(container.vault_mut(), &id)?;
                return Ok(MailAnswer::Outbox(OutboxAnswer::Discarded {
                    discarded: id,
                }));
            }
            Ok(MailAnswer::Outbox(OutboxAnswer::List(outbox::list(
                container.vault(),
            )?)))
        }
        MailRequest::Mailboxes { open, close } => {
            let account = account()?;
            if let Some(name) = open {
                let _g = try_sync_lock(shared)?;
                return Ok(MailAnswer::Mailboxes(super::open_mailbox(
                    container.vault_mut(),
                    &account,
                    &name,
                    progress,
                )?));
            }
            if let Some(name) = close {
                super::close_mailbox(container.vault(), &name)?;
                return Ok(MailAnswer::Mailboxes(MailboxesAnswer::Closed {
                    closed: name,
                }));
            }
            Ok(MailAnswer::Mailboxes(MailboxesAnswer::List(
                super::mailboxes(container.vault(), &account)?,
            )))
        }
        MailRequest::Oof { set, clear } => {
            if !container.policy().modules.autoreply {
                return Err(Error::Policy(t!(cat(), "mailbox-oof-not-enabled")));
            }
            let account = account()?;
            let mut backend = account.autoreply()?;
            if clear {
                backend.clear()?;
                audit::append(container.vault(), "mail-oof-cleared", serde_json::json!({}))?;
            }
            if let Some(oof) = set {
                backend.set(&oof)?;
                audit::append(
                    container.vault(),
                    "mail-oof-set",
                    serde_json::json!({ "start": oof.start, "end": oof.end }),
                )?;
            }
            let current = backend.get()?;
            backend.into_client().logout();
            Ok(MailAnswer::Oof(OofAnswer {
                out_of_office: current,
            }))
        }
    }
}

fn send_or_save(container: &mut Container, draft: Draft, save_only: bool) -> Result<MailAnswer> {
    if save_only {
        let id = super::save_draft(container.vault(), &draft)?;
        return Ok(MailAnswer::Sent(Sent::Draft { draft: id }));
    }
    let account = Account::from_container(container)?;
    Ok(MailAnswer::Sent(super::send(
        container.vault_mut(),
        &account,
        &draft,
    )?))
}

/// Start the background worker if the tenant enabled mail and named a server; a worker
/// already running retires (call again after a policy update).
pub fn start_background(container: &Container, shared: &Shared) -> Result<bool> {
    use std::sync::atomic::Ordering;
    let generation = shared.generation.fetch_add(1, Ordering::SeqCst) + 1;
    let Ok(account) = Account::from_container(container) else {
        return Ok(false);
    };
    let vault = container.vault().share()?;
    outbox::recover(&vault)?;
    let bounds = container.policy().sync.clone();
    let shared = shared.clone();
    std::thread::Builder::new()
        .name("mail-sync".into())
        .spawn(move || background(vault, account, bounds, shared, generation))
        .map_err(Error::io(t!(cat(), "mailbox-cannot-start-worker")))?;
    Ok(true)
}

fn background(
    mut vault: Vault,
    account: Account,
    bounds: kapsel_core::policy::SyncBounds,
    shared: Shared,
    generation: u64,
) {
    use std::sync::atomic::Ordering;
    let retired = {
        let g = Arc::clone(&shared.generation);
        move || g.load(Ordering::SeqCst) != generation
    };
    let mut last_sync: Option<Instant> = None;
    let mut failures = 0u32;
    loop {
        if retired() {
            return;
        }
        let sched =
            schedule::load(&vault, &bounds).unwrap_or_else(|_| Schedule::default_for(&bounds));
        let active = sched.active_now();
        let interval = Duration::from_secs(u64::from(sched.interval_minutes) * 60);
        let backoff = Duration::from_secs(15 * u64::from(failures.min(20)));
        let due = last_sync.is_none_or(|t| t.elapsed() >= interval.max(backoff));
        if active && due {
            let ok = run_sync(&mut vault, &account, &shared, None, &retired);
            failures = if ok { 0 } else { failures + 1 };
            last_sync = Some(Instant::now());
            continue;
        }
        if active && sched.push && failures == 0 {
            let wait = last_sync.map_or(interval, |t| interval.saturating_sub(t.elapsed()));
            let known_next = MailStore::new(&vault)
                .folder_id("INBOX")
                .ok()
                .flatten()
                .and_then(|id| MailStore::new(&vault).folder(id).ok())
                .map(|f| f.last_uid.saturating_add(1));
            match idle_once(
                &account,
                wait.min(Duration::from_secs(600)),
                known_next,
                &shared,
                &retired,
            ) {
                Ok(true) => {
                    if !run_sync(
                        &mut vault,
                        &account,
                        &shared,
                        Some(vec!["INBOX".into()]),
                        &retired,
                    ) {
                        failures += 1;
                    }
                }
                Ok(false) => {}
                Err(e) => {
                    guard(&shared.status).last_error =
                        Some(t!(cat(), "mailbox-push-failed", error = e.to_string()));
                    failures += 1;
                }
            }
            continue;
        }
        std::thread::sleep(Duration::from_secs(2));
    }
}

fn run_sync(
    vault: &mut Vault,
    account: &Account,
    shared: &Shared,
    only: Option<Vec<String>>,
    retired: &dyn Fn() -> bool,
) -> bool {
    let _g = guard(&shared.sync_lock);
    guard(&shared.status).running = true;
    let status = Arc::clone(&shared.status);
    let current = || !retired();
    // A bug a server's bytes reach must cost one round, not the worker: a dead worker would
    // leave mail unsynced until the next unlock with "running" still shown. The panic hook
    // has recorded it for the next command and the audit log.
    let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        super::sync_then_send(
            vault,
            account,
            only,
            &mut |p| {
                guard(&status).progress = Some(p.clone());
            },
            &current,
        )
    }))
    .unwrap_or_else(|_| {
        vault.after_panic();
        Err(Error::Agent(t!(cat(), "mailbox-sync-internal-error")))
    });
    let mut s = guard(&shared.status);
    s.running = false;
    s.progress = None;
    match result {
        Ok(v) => {
            s.last_sync_ms = Some(kapsel_core::vault::now_ms());
            s.last_error = v.outbox.error.clone();
            s.last_new = v.report.new_messages;
            true
        }
        Err(e) => {
            s.last_error = Some(e.to_string());
            false
        }
    }
}

/// One IDLE round on INBOX: true when the server reported a change.
fn idle_once(
    account: &Account,
    wait: Duration,
    known_next: Option<u32>,
    shared: &Shared,
    stop: &dyn Fn() -> bool,
) -> Result<bool> {
    let mut imap = account.imap()?;
    if !imap.has("IDLE") {
        imap.logout();
        std::thread::sleep(wait.min(Duration::from_secs(60)));
        return Ok(false);
    }
    let sel = imap.select("INBOX", true, None)?;
    // Mail that arrived between the last sync and this IDLE would otherwise wait a round.
    if known_next.is_some_and(|n| sel.uid_next > n) {
        imap.logout();
        return Ok(true);
    }
    guard(&shared.status).push_active = true;
    let changed = imap.idle(wait, stop);
    guard(&shared.status).push_active = false;
    imap.logout();
    changed
}
