//! Carrying out the shell's effects against the session agent (through kapsel-session),
//! and reading what the unlock screen needs from the locked container.

use std::path::Path;

use kapsel_calendar::{AgendaAnswer, ContactsAnswer, GroupwareRequest, TaskChanges, TasksAnswer};
use kapsel_core::error::{Error, Result};
use kapsel_directory::{DirectoryRequest, Found, Query};
use kapsel_host::{CallOutcome, InstalledApp, View};
use kapsel_i18n::{Catalog, t};
use kapsel_mail::answers::{DraftEntry, MailStatus, OofAnswer, Sent};
use kapsel_mail::service::MailRequest;
use kapsel_mail::{FolderView, ListItem, MailboxInfo, Read};
use kapsel_session::protocol::{AgentStatus, Locked, Request};
use kapsel_session::{self as session};

use crate::app::{Effect, Outcome, StatusLine, SyncLine, UnlockInfo};
use crate::mail::{ComposeKind, MailEffect, MailOutcome};

fn ask<T: serde::de::DeserializeOwned>(root: &Path, request: Request) -> Result<T> {
    session::ask(root, &request)
}

fn mail<T: serde::de::DeserializeOwned>(root: &Path, request: MailRequest) -> Result<T> {
    ask(root, Request::Mail { request })
}

fn groupware<T: serde::de::DeserializeOwned>(root: &Path, request: GroupwareRequest) -> Result<T> {
    ask(root, Request::Groupware { request })
}

/// What the unlock screen shows before the password: read from the locked container.
pub fn unlock_info(root: &Path) -> UnlockInfo {
    match kapsel_core::container::Container::open(root) {
        Ok(c) => {
            let status = c.status().ok();
            UnlockInfo {
                tenant: c.policy().tenant.name.clone(),
                failures: status.as_ref().map_or(0, |s| s.failed_unlocks.count),
                max_failures: c.policy().lock.max_failed_unlocks,
                retry_after_ms: status.map_or(0, |s| s.failed_unlocks.retry_after_ms),
            }
        }
        Err(_) => UnlockInfo::default(),
    }
}

/// An error in the user's language where its kind is known; the detail stays as the
/// module wrote it.
pub fn describe(cat: &Catalog, e: &Error) -> String {
    let kind = match e {
        Error::Remote { kind, .. } => kind.as_str(),
        other => other.kind(),
    };
    let detail = match e {
        Error::Remote { message, .. } => message.clone(),
        other => other.to_string(),
    };
    match kind {
        "wrong-password" => t!(cat, "unlock-wrong"),
        "back-off" => t!(cat, "unlock-wait"),
        "wiped" => t!(cat, "unlock-wiped"),
        "locked" => t!(cat, "shell-locked"),
        "network" | "tls" => t!(cat, "error-network", detail = detail),
        _ => detail,
    }
}

/// The tenant has not set this module up (no server named, or the module is off).
fn not_configured(e: &Error) -> bool {
    match e {
        Error::Remote { kind, .. } => kind == "policy",
        other => other.kind() == "policy",
    }
}

/// An app's failure as a view of its own, so it shows inside the app's pane.
fn failed_view(app: &str, cat: &Catalog, e: &Error) -> CallOutcome {
    CallOutcome {
        app: app.to_string(),
        view: View {
            title: t!(cat, "app-failed-title"),
            blocks: vec![kapsel_host::Block::Notice {
                level: "error".into(),
                text: describe(cat, e),
            }],
        },
        notifications: Vec::new(),
        saved_documents: Vec::new(),
        open_requests: Vec::new(),
        denials: Vec::new(),
        elapsed_us: 0,
        cold: false,
        opened: Vec::new(),
        integrity_errors: Vec::new(),
    }
}

fn status(root: &Path) -> Result<(StatusLine, u64)> {
    let agent: AgentStatus = ask(root, Request::Status)?;
    let m: MailStatus = mail(root, MailRequest::Status)?;
    let line = StatusLine {
        sync: SyncLine {
            running: m
                .sync
                .progress
                .filter(|_| m.sync.running)
                .map(|p| (p.folder, p.done, p.total)),
            last_ms: m.sync.last_sync_ms,
            error: m.sync.last_error,
        },
        outbox: m.outbox,
        lock_in: Some(std::time::Duration::from_secs(agent.idle_lock_seconds)),
        user: agent.container.user,
    };
    Ok((line, agent.idle_lock_seconds))
}

/// Candidates for a recipient: personal contacts first, then the directory.
fn complete(root: &Path, prefix: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let contacts: Result<ContactsAnswer> = groupware(
        root,
        GroupwareRequest::Contacts {
            query: Some(prefix.to_string()),
        },
    );
    for c in contacts.map(|a| a.contacts).unwrap_or_default() {
        for email in &c.contact.emails {
            out.push(format!("{} <{email}>", c.contact.name));
        }
    }
    let found: Result<Found> = ask(
        root,
        Request::Directory {
            request: DirectoryRequest::Search {
                query: Query {
                    text: prefix.to_string(),
                    field: Default::default(),
                },
            },
        },
    );
    for p in found.map(|f| f.people).unwrap_or_default() {
        if let Some(m) = &p.mail {
            out.push(format!("{} <{m}>", p.name()));
        }
    }
    let mut seen = std::collections::HashSet::new();
    out.retain(|a| seen.insert(a.to_lowercase()));
    out.truncate(8);
    out
}

fn mail_effect(root: &Path, cat: &Catalog, e: MailEffect) -> Result<Outcome> {
    let m = |o| Ok(Outcome::Mail(o));
    match e {
        MailEffect::Folders => m(MailOutcome::Folders(mail::<Vec<FolderView>>(
            root,
            MailRequest::Folders,
        )?)),
        MailEffect::List(folder) => {
            let items: Vec<ListItem> = mail(
                root,
                MailRequest::List {
                    folder: folder.clone(),
                    limit: usize::MAX,
                },
            )?;
            m(MailOutcome::List(folder, items))
        }
        MailEffect::Read(id) => m(MailOutcome::Read(Box::new(mail::<Read>(
            root,
            MailRequest::Read { id },
        )?))),
        MailEffect::Search(query) => {
            let a: kapsel_mail::answers::SearchAnswer =
                mail(root, MailRequest::Search { query, limit: 500 })?;
            m(MailOutcome::Search(a.hits))
        }
        MailEffect::Flag { id, flag, on } => {
            let _: kapsel_mail::answers::Flagged = mail(root, MailRequest::Flag { id, flag, on })?;
            Ok(Outcome::Done(String::new()))
        }
        MailEffect::OpenAttachment { id, index } => {
            let doc: kapsel_core::documents::DocumentInfo =
                mail(root, MailRequest::Attach { id, index })?;
            let request = Request::AppCall {
                id: "viewer".into(),
                route: Some(String::new()),
                action: None,
                form: Vec::new(),
                document: Some(doc.id),
            };
            match ask::<CallOutcome>(root, request) {
                Ok(o) => Ok(Outcome::App(Box::new(o))),
                Err(e @ Error::Tampered(_)) => Err(e),
                Err(e) => Ok(Outcome::App(Box::new(failed_view("viewer", cat, &e)))),
            }
        }
        MailEffect::Send {
            kind,
            draft,
            save_only,
        } => {
            let request = match kind {
                ComposeKind::New => MailRequest::Send {
                    draft: *draft,
                    save_only,
                },
                ComposeKind::Reply { id, all } => MailRequest::Reply {
                    id,
                    all,
                    body: draft.body,
                    attachments: draft.attachments,
                    save_only,
                },
                ComposeKind::Forward { id } => MailRequest::Forward {
                    id,
                    to: draft.to,
                    body: draft.body,
                    attachments: draft.attachments,
                    save_only,
                },
            };
            let sent: Sent = mail(root, request)?;
            m(MailOutcome::Sent {
                queued: matches!(sent, Sent::Queued { .. }),
            })
        }
        MailEffect::Drafts => m(MailOutcome::Drafts(mail::<Vec<DraftEntry>>(
            root,
            MailRequest::Drafts,
        )?)),
        MailEffect::SendDraft(id) => {
            let _: Sent = mail(root, MailRequest::SendDraft { id })?;
            m(MailOutcome::Sent { queued: true })
        }
        MailEffect::Outbox => {
            let list: kapsel_mail::answers::OutboxAnswer = mail(
                root,
                MailRequest::Outbox {
                    retry: None,
                    discard: None,
                },
            )?;
            match list {
                kapsel_mail::answers::OutboxAnswer::List(entries) => {
                    m(MailOutcome::Outbox(entries))
                }
                _ => m(MailOutcome::Outbox(Vec::new())),
            }
        }
        MailEffect::Retry(id) => {
            let _: kapsel_mail::answers::OutboxAnswer = mail(
                root,
                MailRequest::Outbox {
                    retry: Some(id),
                    discard: None,
                },
            )?;
            Ok(Outcome::Done(t!(cat, "outbox-retried")))
        }
        MailEffect::Mailboxes => {
            let a: kapsel_mail::answers::MailboxesAnswer = mail(
                root,
                MailRequest::Mailboxes {
                    open: None,
                    close: None,
                },
            )?;
            match a {
                kapsel_mail::answers::MailboxesAnswer::List(l) => m(MailOutcome::Mailboxes(l)),
                _ => m(MailOutcome::Mailboxes(Vec::<MailboxInfo>::new())),
            }
        }
        MailEffect::Mailbox { name, open } => {
            let request = if open {
                MailRequest::Mailboxes {
                    open: Some(name.clone()),
                    close: None,
                }
            } else {
                MailRequest::Mailboxes {
                    open: None,
                    close: Some(name.clone()),
                }
            };
            // Opening syncs the mailbox's folders: its progress arrives as sync events.
            let _: kapsel_mail::answers::MailboxesAnswer = mail(root, request)?;
            m(MailOutcome::MailboxChanged { name, opened: open })
        }
        MailEffect::SetOof(oof) => {
            let a: OofAnswer = mail(
                root,
                MailRequest::Oof {
                    set: Some(*oof),
                    clear: false,
                },
            )?;
            m(MailOutcome::OofChanged {
                now: a.out_of_office,
                cleared: false,
            })
        }
        MailEffect::ClearOof => {
            let a: OofAnswer = mail(
                root,
                MailRequest::Oof {
                    set: None,
                    clear: true,
                },
            )?;
            m(MailOutcome::OofChanged {
                now: a.out_of_office,
                cleared: true,
            })
        }
        MailEffect::OutOfOffice => {
            let a: OofAnswer = mail(
                root,
                MailRequest::Oof {
                    set: None,
                    clear: false,
                },
            )?;
            m(MailOutcome::OutOfOffice(a.out_of_office))
        }
    }
}

/// Carry out one effect. `idle` receives the session's full idle time when a status came.
pub fn run(root: &Path, cat: &Catalog, effect: Effect) -> Option<Outcome> {
    let tab = match &effect {
        Effect::Agenda(_) => Some(crate::app::Tab::Calendar),
        Effect::Tasks | Effect::CompleteTask(_) => Some(crate::app::Tab::Tasks),
        Effect::Contacts(_) | Effect::SaveContact(_) => Some(crate::app::Tab::Contacts),
        Effect::Directory(_) => Some(crate::app::Tab::Directory),
        _ => None,
    };
    let result = match effect {
        Effect::Quit => return None,
        Effect::Unlock(password) => {
            // The user may choose a shorter idle lock than the tenant's (never a longer one).
            let idle = std::env::var("KAPSEL_IDLE_SECONDS")
                .ok()
                .and_then(|v| v.parse::<u64>().ok());
            return Some(match session::start_agent(root, &password, idle, false) {
                Ok(_) => Outcome::Unlocked,
                Err(e) => Outcome::UnlockFailed(unlock_info(root), describe(cat, &e)),
            });
        }
        Effect::Lock => {
            let _ = ask::<Locked>(root, Request::Lock);
            return Some(Outcome::Locked);
        }
        Effect::Touch => {
            let _ = ask::<String>(root, Request::Ping);
            return None;
        }
        Effect::Status => status(root).map(|(s, _)| Outcome::Status(s)),
        Effect::SyncNow => {
            // The background worker is at it already: say so instead of queueing behind it
            // (its new mail arrives as events).
            if let Ok(m) = mail::<MailStatus>(root, MailRequest::Status)
                && m.sync.running
            {
                return Some(Outcome::Done(t!(cat, "sync-running")));
            }
            let synced: Result<kapsel_mail::answers::Synced> = session::ask_with_progress(
                root,
                &Request::Mail {
                    request: MailRequest::Sync { folders: None },
                },
                &mut |_| {},
            );
            let groupware_sync: Result<serde_json::Value> = groupware(root, GroupwareRequest::Sync);
            match (synced, groupware_sync) {
                (Ok(_), Ok(_)) => Ok(Outcome::Synced),
                // No calendar server in this tenant: mail alone is the whole sync.
                (Ok(_), Err(e)) if not_configured(&e) => Ok(Outcome::Synced),
                (Err(e), _) | (_, Err(e)) => Err(e),
            }
        }
        Effect::Mail(e) => mail_effect(root, cat, e),
        Effect::Agenda(window) => {
            groupware::<AgendaAnswer>(root, GroupwareRequest::Agenda { window })
                .map(Outcome::Agenda)
        }
        Effect::Tasks => groupware::<TasksAnswer>(
            root,
            GroupwareRequest::Tasks {
                all: false,
                overdue: false,
            },
        )
        .map(Outcome::Tasks),
        Effect::CompleteTask(uid) => groupware::<serde_json::Value>(
            root,
            GroupwareRequest::EditTask {
                uid,
                changes: TaskChanges {
                    done: true,
                    ..TaskChanges::default()
                },
            },
        )
        .and_then(|_| {
            groupware::<TasksAnswer>(
                root,
                GroupwareRequest::Tasks {
                    all: false,
                    overdue: false,
                },
            )
        })
        .map(Outcome::Tasks),
        Effect::Contacts(query) => {
            groupware::<ContactsAnswer>(root, GroupwareRequest::Contacts { query })
                .map(Outcome::Contacts)
        }
        Effect::SaveContact(contact) => groupware::<serde_json::Value>(
            root,
            GroupwareRequest::AddContact {
                contact,
                book: None,
            },
        )
        .map(|_| Outcome::Done(t!(cat, "contact-saved"))),
        Effect::Directory(text) => ask::<Found>(
            root,
            Request::Directory {
                request: DirectoryRequest::Search {
                    query: Query {
                        text,
                        field: Default::default(),
                    },
                },
            },
        )
        .map(Outcome::Directory),
        Effect::Complete(prefix) => {
            let names = complete(root, &prefix);
            Ok(Outcome::Completions(prefix, names))
        }
        Effect::Apps => ask::<Vec<InstalledApp>>(root, Request::AppList).map(Outcome::Apps),
        Effect::AppCall {
            app,
            route,
            action,
            form,
        } => {
            let request = Request::AppCall {
                id: app.clone(),
                route,
                action,
                form,
                document: None,
            };
            match ask::<CallOutcome>(root, request) {
                Ok(o) => Ok(Outcome::App(Box::new(o))),
                Err(e @ Error::Locked) => Err(e),
                Err(e) => Ok(Outcome::App(Box::new(failed_view(&app, cat, &e)))),
            }
        }
    };
    Some(match result {
        Ok(o) => o,
        Err(Error::Locked) => Outcome::Locked,

        Err(e) => match tab {
            Some(tab) if not_configured(&e) => Outcome::NotConfigured(tab, describe(cat, &e)),
            _ => Outcome::Failed(describe(cat, &e)),
        },
    })
}
