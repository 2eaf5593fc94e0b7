//! Calendar, tasks and personal contacts: the user's CalDAV calendars and task lists and
//! CardDAV address books, found by discovery, synced into the vault (sealed) by the session
//! agent's worker on the user's sync schedule, read from there offline, and edited through a
//! sealed queue that reaches the server in order. This facade is what the agent serves.
//!
//! `client` speaks HTTP to the tenant's server, `sync` discovers and syncs, `store` keeps
//! the sealed copies, `ical` and `contacts` read and write the objects (calcard), `edit`
//! queues, replays and merges edits, `agenda` answers the questions the user asks.

mod agenda;
mod client;
pub mod contacts;
mod edit;
pub mod ical;
pub mod itip;
mod store;
mod sync;
#[cfg(test)]
mod tests;
mod worker;

use chrono_tz::Tz;
use kapsel_core::container::Container;
use kapsel_core::{Error, Result};
use kapsel_i18n::{current as cat, t};
use serde::{Deserialize, Serialize};
use zeroize::Zeroizing;

pub use agenda::{
    AgendaAnswer, ContactEntry, ContactsAnswer, Entry as AgendaEntry, EventChanges, NewEvent,
    NewTask, TaskChanges, TaskEntry, TasksAnswer, Window,
};
pub use contacts::{Contact, ContactChanges};
pub use edit::{Replay, merge};
pub use ical::{Occurrence, Task};
pub use itip::{Answer as InvitationAnswer, Invitation, Responded};
pub use store::Kind;
pub use sync::Counts;
pub use worker::{Shared, file_due_alarms, start_background};

/// The user's time zone: `KAPSEL_TZ` or `TZ` when they name an IANA zone, else
/// Europe/Berlin (the agencies Kapsel is built for).
pub fn local_tz() -> Tz {
    for var in ["KAPSEL_TZ", "TZ"] {
        if let Ok(v) = std::env::var(var)
            && let Ok(tz) = v.trim_start_matches(':').parse::<Tz>()
        {
            return tz;
        }
    }
    chrono_tz::Europe::Berlin
}

/// The servers and the login, from an unlocked container.
struct Account {
    caldav: Option<String>,
    carddav: Option<String>,
    login: Option<client::Login>,
}

impl Account {
    fn from_container(c: &Container) -> Result<Account> {
        let policy = c.policy();
        let calendar_on = policy.modules.calendar || policy.modules.tasks;
        let login = match c.user()? {
            Some(user) => Some(client::Login {
                user,
                password: Zeroizing::new(c.password()?.to_string()),
            }),
            None => None,
        };
        Ok(Account {
            caldav: policy.servers.caldav.clone().filter(|_| calendar_on),
            carddav: policy
                .servers
                .carddav
                .clone()
                .filter(|_| policy.modules.contacts),
            login,
        })
    }

    fn services(&self) -> Vec<(Kind, &str)> {
        let mut out = Vec::new();
        if let Some(u) = &self.caldav {
            out.push((Kind::Calendar, u.as_str()));
        }
        if let Some(u) = &self.carddav {
            out.push((Kind::AddressBook, u.as_str()));
        }
        out
    }
}

/// One collection's line in a sync report.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct CollectionReport {
    pub name: String,
    pub kind: Kind,
    #[serde(flatten)]
    pub counts: Counts,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct SyncReport {
    pub collections: Vec<CollectionReport>,
    pub replay: Replay,
    /// Per server: what went wrong (the other server still synced).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<String>,
    /// Answers and cancellations from the mail applied to events.
    #[serde(default)]
    pub invitations_applied: usize,
    /// Reminders that fell due and became notifications.
    #[serde(default)]
    pub reminders: usize,
}

/// Replay queued edits, discover the collections and sync each, for every server the
/// tenant names. One server failing does not stop the other.
pub fn sync_all(c: &Container) -> Result<SyncReport> {
    let account = Account::from_container(c)?;
    sync_account(c.vault(), c.policy(), &account, &|| true)
}

/// One sync at a time per process: the worker's scheduled sync and `kapsel sync now` would
/// otherwise fetch and write the same objects twice, each slowing the other down.
static SYNC_RUNNING: std::sync::Mutex<()> = std::sync::Mutex::new(());

/// `current()` false (the worker was retired by a policy update while it waited or synced):
/// no further server is contacted with this, the old policy's, account; queued edits stay
/// queued for the new worker.
fn sync_account(
    vault: &kapsel_core::vault::Vault,
    policy: &kapsel_core::policy::Policy,
    account: &Account,
    current: &dyn Fn() -> bool,
) -> Result<SyncReport> {
    let _one_at_a_time = SYNC_RUNNING.lock().unwrap_or_else(|p| p.into_inner());
    let local = local_tz();
    let mut report = SyncReport::default();
    if account.services().is_empty() {
        return Err(Error::Policy(t!(cat(), "cal-no-server")));
    }
    for (kind, url) in account.services() {
        if !current() {
            break;
        }
        let result = (|| -> Result<()> {
            let mut client = client::Client::new(url, policy, account.login.as_ref())?;
            let replay = edit::replay(&mut client, vault, local)?;
            merge_replay(&mut report.replay, replay);
            let found = sync::discover(&mut client, kind)?;
            let list = sync::update_collections(vault, kind, found)?;
            for mut coll in list.into_iter().filter(|c| c.kind == kind) {
                let counts = sync::sync_collection(&mut client, vault, &mut coll, local)?;
                report.collections.push(CollectionReport {
                    name: coll.name.clone(),
                    kind,
                    counts,
                });
            }
            Ok(())
        })();
        if let Err(e) = result {
            report.errors.push(e.to_string());
        }
    }
    kapsel_core::audit::append(
        vault,
        "groupware-sync",
        serde_json::json!({
            "collections": report.collections.len(),
            "sent": report.replay.sent,
            "pending": report.replay.pending,
            "errors": report.errors.len(),
        }),
    )?;
    Ok(report)
}

fn merge_replay(into: &mut Replay, r: Replay) {
    into.sent += r.sent;
    into.pending += r.pending;
    into.merged.extend(r.merged);
    into.kept_both.extend(r.kept_both);
    into.refused.extend(r.refused);
    if into.offline.is_none() {
        into.offline = r.offline;
    }
}

/// Where the groupware stands, readable offline.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct Status {
    pub collections: Vec<CollectionStatus>,
    pub queued: Vec<QueuedStatus>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct CollectionStatus {
    pub name: String,
    pub kind: Kind,
    pub objects: u64,
    pub unreadable: usize,
    pub synced_ms: u64,
    pub method: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct QueuedStatus {
    pub what: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub failed: Option<String>,
}

pub fn status(c: &Container) -> Result<Status> {
    let vault = c.vault();
    let mut out = Status::default();
    for coll in store::collections(vault)? {
        let objects = store::objects(vault, &coll.id)?;
        out.collections.push(CollectionStatus {
            name: coll.name.clone(),
            kind: coll.kind,
            objects: objects.len() as u64,
            unreadable: objects.iter().filter(|(_, o)| o.problem.is_some()).count(),
            synced_ms: coll.synced_ms,
            method: if coll.sync_token.is_some() {
                "sync-collection".into()
            } else {
                "etag".into()
            },
        });
    }
    for (_, q) in edit::queued(vault)? {
        out.queued.push(QueuedStatus {
            what: q.what,
            failed: q.failed,
        });
    }
    Ok(out)
}

/// What the session agent is asked.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub enum GroupwareRequest {
    Sync,
    Status,
    Agenda {
        window: Window,
    },
    Show {
        uid: String,
    },
    AddEvent {
        event: NewEvent,
    },
    EditEvent {
        uid: String,
        changes: EventChanges,
    },
    RemoveEvent {
        uid: String,
    },
    Tasks {
        all: bool,
        overdue: bool,
    },
    AddTask {
        task: NewTask,
    },
    EditTask {
        uid: String,
        changes: TaskChanges,
    },
    RemoveTask {
        uid: String,
    },
    Contacts {
        query: Option<String>,
    },
    AddContact {
        contact: Contact,
        /// The address book's name (default: the first writable one).
        #[serde(default)]
        book: Option<String>,
    },
    EditContact {
        uid: String,
        changes: ContactChanges,
    },
    RemoveContact {
        uid: String,
    },
    /// The invitations (iTIP REQUESTs) in the inbox.
    Invitations,
    /// Answer the invitation in a mail message.
    Respond {
        message: i64,
        answer: itip::Answer,
    },
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(untagged)]
pub enum GroupwareAnswer {
    Synced(SyncReport),
    Status(Status),
    Agenda(AgendaAnswer),
    Tasks(TasksAnswer),
    Contacts(ContactsAnswer),
    Done(agenda::Done),
    Invitations {
        invitations: Vec<Invitation>,
    },
    Responded {
        responded: Responded,
        done: Option<agenda::Done>,
    },
}

/// The answer a request expects, or `None` when the agent answered something else.
impl GroupwareAnswer {
    pub fn agenda(self) -> Option<AgendaAnswer> {
        match self {
            GroupwareAnswer::Agenda(a) => Some(a),
            _ => None,
        }
    }

    pub fn tasks(self) -> Option<TasksAnswer> {
        match self {
            GroupwareAnswer::Tasks(t) => Some(t),
            _ => None,
        }
    }

    pub fn contacts(self) -> Option<ContactsAnswer> {
        match self {
            GroupwareAnswer::Contacts(c) => Some(c),
            _ => None,
        }
    }

    pub fn done(self) -> Option<agenda::Done> {
        match self {
            GroupwareAnswer::Done(d) => Some(d),
            _ => None,
        }
    }
}

/// Serve one request in the unlocked session. The audit log records what kind of change
/// was made, never titles, people or times.
pub fn handle(c: &mut Container, request: GroupwareRequest) -> Result<GroupwareAnswer> {
    let local = local_tz();
    let account = Account::from_container(c)?;
    let send = |c: &Container| -> Option<Replay> {
        // An edit goes to the server at once when it can; offline it waits in the queue.
        let mut all = Replay::default();
        for (_, url) in account.services() {
            let mut client = client::Client::new(url, c.policy(), account.login.as_ref()).ok()?;
            if let Ok(r) = edit::replay(&mut client, c.vault(), local) {
                merge_replay(&mut all, r);
            }
        }
        Some(all)
    };
    fn audit(c: &Container, what: &str) -> Result<()> {
        kapsel_core::audit::append(
            c.vault(),
            "groupware-edit",
            serde_json::json!({ "op": what }),
        )
        .map(|_| ())
    }
    Ok(match request {
        GroupwareRequest::Sync => {
            // Answers and cancellations that came by mail first, so the sync sends them.
            let applied = if c.policy().modules.mail {
                itip::apply_incoming(c, local).unwrap_or(0)
            } else {
                0
            };
            let mut report = sync_account(c.vault(), c.policy(), &account, &|| true)?;
            report.invitations_applied = applied;
            report.reminders = worker::file_due_alarms(c.vault())?;
            GroupwareAnswer::Synced(report)
        }
        GroupwareRequest::Invitations => GroupwareAnswer::Invitations {
            invitations: itip::invitations(c, local)?,
        },
        GroupwareRequest::Respond { message, answer } => {
            let (responded, done) = itip::respond(c, message, answer, local)?;
            audit(c, "respond")?;
            let done = done.map(|mut d| {
                d.replay = send(c);
                d
            });
            GroupwareAnswer::Responded { responded, done }
        }
        GroupwareRequest::Status => GroupwareAnswer::Status(status(c)?),
        GroupwareRequest::Agenda { window } => {
            GroupwareAnswer::Agenda(agenda::agenda(c.vault(), &window, local)?)
        }
        GroupwareRequest::Show { uid } => {
            GroupwareAnswer::Agenda(agenda::show(c.vault(), &uid, local)?)
        }
        GroupwareRequest::AddEvent { mut event } => {
            if !event.attendees.is_empty() && event.organizer.is_none() {
                event.organizer = c.user()?;
            }
            let (mut done, text) = agenda::add_event(c.vault(), &event, local)?;
            audit(c, "add-event")?;
            done.replay = send(c);
            if !event.attendees.is_empty() {
                done.invited = itip::send_request(c, &text, local)?;
            }
            GroupwareAnswer::Done(done)
        }
        GroupwareRequest::EditEvent { uid, changes } => {
            let mut done = agenda::edit_event(c.vault(), &uid, &changes, local)?;
            audit(c, "edit-event")?;
            done.replay = send(c);
            GroupwareAnswer::Done(done)
        }
        GroupwareRequest::RemoveEvent { uid } | GroupwareRequest::RemoveTask { uid } => {
            let text = agenda::find_event(c.vault(), &uid)
                .map(|(_, _, o)| o.data)
                .ok();
            let mut done = agenda::remove(c.vault(), Kind::Calendar, &uid, local)?;
            audit(c, "remove")?;
            done.replay = send(c);
            if let Some(text) = text.filter(|t| t.contains("ATTENDEE")) {
                done.invited = itip::send_cancel(c, &text)?;
            }
            GroupwareAnswer::Done(done)
        }
        GroupwareRequest::Tasks { all, overdue } => {
            GroupwareAnswer::Tasks(agenda::tasks(c.vault(), all, overdue, local)?)
        }
        GroupwareRequest::AddTask { task } => {
            let mut done = agenda::add_task(c.vault(), &task, local)?;
            audit(c, "add-task")?;
            done.replay = send(c);
            GroupwareAnswer::Done(done)
        }
        GroupwareRequest::EditTask { uid, changes } => {
            let mut done = agenda::edit_task(c.vault(), &uid, &changes, local)?;
            audit(c, "edit-task")?;
            done.replay = send(c);
            GroupwareAnswer::Done(done)
        }
        GroupwareRequest::Contacts { query } => {
            GroupwareAnswer::Contacts(agenda::contacts(c.vault(), query.as_deref())?)
        }
        GroupwareRequest::AddContact { contact, book } => {
            let mut done = agenda::add_contact(c.vault(), contact, book.as_deref(), local)?;
            audit(c, "add-contact")?;
            done.replay = send(c);
            GroupwareAnswer::Done(done)
        }
        GroupwareRequest::EditContact { uid, changes } => {
            let mut done = agenda::edit_contact(c.vault(), &uid, &changes, local)?;
            audit(c, "edit-contact")?;
            done.replay = send(c);
            GroupwareAnswer::Done(done)
        }
        GroupwareRequest::RemoveContact { uid } => {
            let mut done = agenda::remove(c.vault(), Kind::AddressBook, &uid, local)?;
            audit(c, "remove-contact")?;
            done.replay = send(c);
            GroupwareAnswer::Done(done)
        }
    })
}
