//! CLI commands for mail and sync: argument shapes and text rendering only; every
//! operation runs in the session agent (mail needs the unlocked key and the user's login).

use std::io::Read;
use std::path::Path;

use clap::{Args, Subcommand};

use super::render::{Out, format_ts};
use super::{cat, open_checked};
use crate::session::{self, Request};
use kapsel_core::error::{Error, Result};
use kapsel_core::policy::Weekday;
use kapsel_i18n::t;
use kapsel_mail::answers::{
    DraftEntry, Flagged, MailStatus, MailboxesAnswer, Moved, OofAnswer, OutboxAnswer,
    ScheduleAnswer, SearchAnswer, Sent, Synced,
};
use kapsel_mail::autoreply::OutOfOffice;
use kapsel_mail::compose::Draft;
use kapsel_mail::mime::{Security, Warning};
use kapsel_mail::outbox::State;
use kapsel_mail::schedule::{Schedule, parse_days};
use kapsel_mail::service::MailRequest;
use kapsel_mail::store::Origin;
use kapsel_mail::{FolderView, ListItem, Read as Message};

#[derive(Subcommand, Debug)]
pub enum SyncCommand {
    /// Sync mail now (all folders, or the named ones); shows progress.
    Now {
        #[arg(long = "folder", value_name = "NAME")]
        folders: Vec<String>,
    },
    /// The background sync: last run, errors, progress, schedule.
    Status,
    /// Show or set your sync schedule (inside the tenant's bounds).
    Schedule {
        /// Days, e.g. `mon-fri`, `mon,wed,fri`, `all`.
        #[arg(long)]
        days: Option<String>,
        /// Start of the daily window, HH:MM.
        #[arg(long)]
        from: Option<String>,
        /// End of the daily window, HH:MM.
        #[arg(long)]
        to: Option<String>,
        /// Minutes between syncs.
        #[arg(long, value_name = "MINUTES")]
        every: Option<u32>,
        /// Push (IDLE) inside the window: `on` or `off`.
        #[arg(long, value_name = "on|off")]
        push: Option<String>,
    },
}

#[derive(Args, Debug, Clone)]
pub struct BodyArgs {
    /// The text of the message.
    #[arg(long, conflicts_with = "body_stdin")]
    body: Option<String>,
    /// Read the text from standard input.
    #[arg(long)]
    body_stdin: bool,
    /// Attach a container document (id from `kapsel doc list`), repeatable.
    #[arg(long = "attach", value_name = "DOC")]
    attach: Vec<String>,
    /// Keep it as a sealed draft instead of sending.
    #[arg(long)]
    draft: bool,
}

impl BodyArgs {
    fn text(&self) -> Result<String> {
        if self.body_stdin {
            let mut s = String::new();
            std::io::stdin()
                .take(64 * 1024 * 1024)
                .read_to_string(&mut s)
                .map_err(Error::io(t!(cat(), "cli-mail-cannot-read-text")))?;
            return Ok(s);
        }
        Ok(self.body.clone().unwrap_or_default())
    }
}

#[derive(Subcommand, Debug)]
pub enum MailCommand {
    /// Folders in the container, with message and unread counts.
    Folders,
    /// Messages of a folder, newest first.
    List {
        #[arg(default_value = "INBOX")]
        folder: String,
        #[arg(long, default_value_t = 50)]
        limit: usize,
    },
    /// Show a message (and mark it read).
    Read { id: i64 },
    /// Search subject, from, to and text: words must all match; `from:`, `to:`,
    /// `subject:`, `body:` narrow a word to one field.
    Search {
        #[arg(required = true)]
        query: Vec<String>,
        #[arg(long, default_value_t = 50)]
        limit: usize,
    },
    /// Set or clear a flag (seen, flagged, answered or a keyword).
    Flag {
        id: i64,
        flag: String,
        #[arg(long)]
        off: bool,
    },
    /// Move a message to another folder.
    Move { id: i64, folder: String },
    /// Keep an attachment in the container and open it in the viewer (never on disk).
    Attach {
        id: i64,
        /// Which attachment (0 = the first, as `kapsel mail read` lists them).
        #[arg(default_value_t = 0)]
        index: usize,
    },
    /// Write a new message.
    Compose {
        #[arg(long, required = true)]
        to: Vec<String>,
        #[arg(long)]
        cc: Vec<String>,
        #[arg(long)]
        bcc: Vec<String>,
        #[arg(long, default_value = "")]
        subject: String,
        /// Send on behalf of a mailbox you were granted (From: it, Sender: you).
        #[arg(long, value_name = "ADDRESS")]
        from: Option<String>,
        #[command(flatten)]
        body: BodyArgs,
    },
    /// Reply to a message (`--all`: also to the other recipients).
    Reply {
        id: i64,
        #[arg(long)]
        all: bool,
        #[command(flatten)]
        body: BodyArgs,
    },
    /// Forward a message with its attachments.
    Forward {
        id: i64,
        #[arg(long, required = true)]
        to: Vec<String>,
        #[command(flatten)]
        body: BodyArgs,
    },
    /// Sealed drafts; `--send ID` sends one.
    Drafts {
        #[arg(long, value_name = "ID")]
        send: Option<String>,
    },
    /// Messages waiting to be sent; retry or discard one.
    Outbox {
        #[arg(long, value_name = "ID", conflicts_with = "discard")]
        retry: Option<String>,
        #[arg(long, value_name = "ID")]
        discard: Option<String>,
    },
    /// Other users' and shared (function) mailboxes the server offers you; open or close one.
    Mailboxes {
        #[arg(long, value_name = "NAME", conflicts_with = "close")]
        open: Option<String>,
        #[arg(long, value_name = "NAME")]
        close: Option<String>,
    },
    /// Out-of-office reply: show, set (all of --start --end --internal --external) or clear.
    Oof {
        #[arg(long, value_name = "YYYY-MM-DD")]
        start: Option<String>,
        #[arg(long, value_name = "YYYY-MM-DD")]
        end: Option<String>,
        #[arg(long, default_value = "Abwesenheitsnotiz / Out of office")]
        subject: String,
        /// Reply to colleagues (senders in your domain).
        #[arg(long, value_name = "TEXT")]
        internal: Option<String>,
        /// Reply to everyone else.
        #[arg(long, value_name = "TEXT")]
        external: Option<String>,
        /// Domains that count as internal (default: your address's domain).
        #[arg(long = "internal-domain", value_name = "DOMAIN")]
        internal_domains: Vec<String>,
        #[arg(long, conflicts_with_all = ["start", "end", "internal", "external"])]
        clear: bool,
    },
}

fn call<T: serde::de::DeserializeOwned>(root: &Path, request: MailRequest) -> Result<T> {
    open_checked(root)?;
    session::ask(root, &Request::Mail { request })
}

fn call_progress<T: serde::de::DeserializeOwned>(
    root: &Path,
    request: MailRequest,
    out: Out,
) -> Result<T> {
    open_checked(root)?;
    session::ask_with_progress(root, &Request::Mail { request }, &mut |p| {
        if !out.json && p.total > 0 {
            eprintln!("  {} {}/{}", clean(&p.folder), p.done, p.total);
        }
    })
}

/// Mail is written by strangers: a field is one line, whatever it carries (a CR/LF in a
/// decoded Subject must not print a fake `Bcc:` line), and nothing reaches the terminal as a
/// control sequence.
fn clean(text: &str) -> String {
    kapsel_core::terminal::line(text)
}

fn date(secs: i64) -> String {
    format_ts((secs.max(0) as u64).saturating_mul(1000))
}

/// A decimal for people, in the locale's notation (`1.5` / `1,5`).
fn decimal(x: f64) -> String {
    cat().formats().decimal(x, 1)
}

fn list_text(items: &[ListItem], micros: Option<u64>) -> String {
    let mut out = String::new();
    for m in items {
        out.push_str(&format!(
            "{:>6} {} {}{} {:<28.28} {}{}{}\n",
            m.id,
            date(m.date),
            if m.seen { ' ' } else { '*' },
            if m.flagged { '!' } else { ' ' },
            clean(&m.from),
            clean(&m.subject),
            match m.attachments {
                n if n > 0 => {
                    let attachments = t!(cat(), "cli-mail-list-attachments", count = n);
                    format!("  {attachments}")
                }
                _ => String::new(),
            },
            match &m.folder {
                Some(f) => format!("  ({})", clean(f)),
                None => String::new(),
            }
        ));
    }
    if out.is_empty() {
        out.push_str(&t!(cat(), "cli-mail-no-messages"));
        out.push('\n');
    }
    if let Some(us) = micros {
        out.push_str(&t!(
            cat(),
            "cli-mail-search-hits",
            count = items.len(),
            ms = decimal(us as f64 / 1000.0)
        ));
        out.push('\n');
    }
    out
}

/// A weekday as people read it in a schedule (`mon` / `Mo`).
fn day_word(d: Weekday) -> String {
    match d {
        Weekday::Mon => t!(cat(), "cli-mail-day-mon"),
        Weekday::Tue => t!(cat(), "cli-mail-day-tue"),
        Weekday::Wed => t!(cat(), "cli-mail-day-wed"),
        Weekday::Thu => t!(cat(), "cli-mail-day-thu"),
        Weekday::Fri => t!(cat(), "cli-mail-day-fri"),
        Weekday::Sat => t!(cat(), "cli-mail-day-sat"),
        Weekday::Sun => t!(cat(), "cli-mail-day-sun"),
    }
}

fn day_list(days: &[Weekday]) -> String {
    days.iter()
        .map(|d| day_word(*d))
        .collect::<Vec<_>>()
        .join(",")
}

/// Push as people read it in a schedule (`on` / `ein`).
fn on_off(on: bool) -> String {
    if on {
        t!(cat(), "cli-mail-push-on")
    } else {
        t!(cat(), "cli-mail-push-off")
    }
}

const ORIGINS: [Origin; 3] = [Origin::Own, Origin::OtherUser, Origin::Shared];

fn origin_word(o: Origin) -> String {
    match o {
        Origin::Own => t!(cat(), "cli-mail-origin-own"),
        Origin::OtherUser => t!(cat(), "cli-mail-origin-other-user"),
        Origin::Shared => t!(cat(), "cli-mail-origin-shared"),
    }
}

const STATES: [State; 4] = [State::Queued, State::Sending, State::InDoubt, State::Failed];

fn state_word(s: State) -> String {
    match s {
        State::Queued => t!(cat(), "cli-mail-state-queued"),
        State::Sending => t!(cat(), "cli-mail-state-sending"),
        State::InDoubt => t!(cat(), "cli-mail-state-in-doubt"),
        State::Failed => t!(cat(), "cli-mail-state-failed"),
    }
}

/// The width of a column of `words` (in characters, as the terminal shows them), at least
/// `min`: the translated words are longer than the English ones the layout was made for.
fn column_width(words: impl Iterator<Item = String>, min: usize) -> usize {
    words.map(|w| w.chars().count()).fold(min, usize::max)
}

fn join(list: &[String]) -> String {
    list.iter().map(|a| clean(a)).collect::<Vec<_>>().join(", ")
}

fn read_text(v: &Message) -> String {
    let m = &v.meta.summary;
    let labels = [
        t!(cat(), "cli-mail-head-from"),
        t!(cat(), "cli-mail-head-to"),
        t!(cat(), "cli-mail-head-cc"),
        t!(cat(), "cli-mail-head-date"),
        t!(cat(), "cli-mail-head-subject"),
        t!(cat(), "cli-mail-head-folder"),
        t!(cat(), "cli-mail-head-sender"),
    ];
    let width = column_width(labels.iter().cloned(), 0);
    let [from, to, cc, date_label, subject, folder, sender] = &labels;
    let mut out = format!("{from:<width$} {}\n", clean(&m.from));
    out.push_str(&format!("{to:<width$} {}\n", join(&m.to)));
    if !m.cc.is_empty() {
        out.push_str(&format!("{cc:<width$} {}\n", join(&m.cc)));
    }
    if m.date_from_arrival {
        out.push_str(&format!(
            "{date_label:<width$} {} {}\n",
            date(m.date),
            t!(cat(), "cli-mail-read-date-arrival")
        ));
    } else {
        out.push_str(&format!("{date_label:<width$} {}\n", date(m.date)));
    }
    out.push_str(&format!("{subject:<width$} {}\n", clean(&m.subject)));
    out.push_str(&format!(
        "{folder:<width$} {}   {}\n",
        clean(&v.folder),
        t!(cat(), "cli-mail-read-message-id", id = v.id.to_string())
    ));
    if let Some(s) = &m.sender {
        out.push_str(&format!("{sender:<width$} {}\n", clean(s)));
    }
    match m.security {
        Some(Security::Signed) => {
            out.push_str(&t!(cat(), "cli-mail-read-signed"));
            out.push('\n');
        }
        Some(Security::Encrypted) => {
            out.push_str(&t!(cat(), "cli-mail-read-encrypted"));
            out.push('\n');
        }
        None => {}
    }
    for a in &m.attachments {
        let (index, name, media_type) = (a.index.to_string(), clean(&a.name), clean(&a.media_type));
        out.push_str(&if a.inline {
            t!(
                cat(),
                "cli-mail-read-attachment-inline",
                index = index,
                name = name,
                media_type = media_type,
                size = a.size,
                id = v.id.to_string()
            )
        } else {
            t!(
                cat(),
                "cli-mail-read-attachment",
                index = index,
                name = name,
                media_type = media_type,
                size = a.size,
                id = v.id.to_string()
            )
        });
        if let Some(w) = a.within {
            out.push(' ');
            out.push_str(&t!(
                cat(),
                "cli-mail-read-attachment-within",
                index = w.to_string()
            ));
        }
        out.push('\n');
        for w in &a.warnings {
            out.push_str("  ");
            out.push_str(&match w {
                Warning::Dangerous => t!(cat(), "cli-mail-read-warning-dangerous"),
                Warning::Mismatch { named, content } => t!(
                    cat(),
                    "cli-mail-read-warning-mismatch",
                    named = clean(named),
                    content = clean(content)
                ),
            });
            out.push('\n');
        }
    }
    out.push('\n');
    out.push_str(&kapsel_core::terminal::block(&v.text));
    out.push('\n');
    out
}

fn sync_text(v: &Synced) -> String {
    let r = &v.report;
    let mut out = t!(
        cat(),
        "cli-mail-synced",
        folders = r.folders,
        new = r.new_messages,
        flag_updates = r.flag_updates,
        flags_pushed = r.flags_pushed,
        removed = r.expunged,
        resets = r.uidvalidity_resets,
        seconds = decimal(r.seconds),
        qresync = if r.qresync { " (QRESYNC)" } else { "" }
    );
    out.push('\n');
    let o = &v.outbox;
    if !o.sent.is_empty() {
        out.push_str(&t!(cat(), "cli-mail-sent-queued", count = o.sent.len()));
        out.push('\n');
    }
    if let Some(e) = &o.error {
        out.push_str(&t!(
            cat(),
            "cli-mail-still-queued",
            count = o.queued,
            error = clean(e)
        ));
        out.push('\n');
    }
    out
}

fn send_text(v: &Sent) -> String {
    let mut text = match v {
        Sent::Draft { draft: d } => t!(cat(), "cli-mail-saved-draft", draft = d.as_str()),
        Sent::Queued { sent: true, .. } => t!(cat(), "cli-mail-sent"),
        Sent::Queued { outbox, flush, .. } => t!(
            cat(),
            "cli-mail-queued",
            outbox = outbox.as_str(),
            reason = flush
                .error
                .as_deref()
                .map_or_else(|| t!(cat(), "cli-mail-not-sent-yet"), clean)
        ),
    };
    text.push('\n');
    text
}

fn draft(
    body: &BodyArgs,
    to: Vec<String>,
    cc: Vec<String>,
    bcc: Vec<String>,
    subject: String,
    from: Option<String>,
) -> Result<Draft> {
    Ok(Draft {
        on_behalf_of: from,
        to,
        cc,
        bcc,
        subject,
        body: body.text()?,
        attachments: body.attach.clone(),
        ..Draft::default()
    })
}

pub fn run_sync(root: &Path, cmd: SyncCommand, out: Out) -> Result<()> {
    match cmd {
        SyncCommand::Now { folders } => {
            let whole = folders.is_empty();
            let request = MailRequest::Sync {
                folders: (!folders.is_empty()).then_some(folders),
            };
            let mail: Result<Synced> = call_progress(root, request, out);
            // Calendars, task lists and address books sync with a whole sync, not with a
            // sync of named mail folders.
            let groupware = if whole {
                super::groupware::sync_now(root)?
            } else {
                None
            };
            let mail = match (mail, &groupware) {
                (Ok(m), _) => Some(m),
                // No mail server in the policy: the groupware sync is the whole sync.
                (Err(e), Some(_))
                    if e.kind() == "policy"
                        || matches!(&e, Error::Remote { kind, .. } if kind == "policy") =>
                {
                    None
                }
                (Err(e), _) => return Err(e),
            };
            if out.json {
                let mut v = match &mail {
                    Some(m) => serde_json::to_value(m).unwrap_or_default(),
                    None => serde_json::json!({}),
                };
                if let (Some(g), Some(obj)) = (&groupware, v.as_object_mut()) {
                    obj.insert(
                        "groupware".into(),
                        serde_json::to_value(g).unwrap_or_default(),
                    );
                }
                println!("{}", super::render::to_json(&v));
            } else {
                let mut text = mail.as_ref().map(sync_text).unwrap_or_default();
                if let Some(g) = &groupware {
                    text.push_str(&super::groupware::sync_text(g));
                }
                print!("{}", kapsel_core::terminal::block(&text));
            }
        }
        SyncCommand::Status => {
            if let Some(g) = super::groupware::status(root)?
                && !g.collections.is_empty()
            {
                let mail: Result<MailStatus> = call(root, MailRequest::Status);
                if out.json {
                    let mut v = match &mail {
                        Ok(m) => serde_json::to_value(m).unwrap_or_default(),
                        Err(_) => serde_json::json!({}),
                    };
                    if let Some(obj) = v.as_object_mut() {
                        obj.insert(
                            "groupware".into(),
                            serde_json::to_value(&g).unwrap_or_default(),
                        );
                    }
                    println!("{}", super::render::to_json(&v));
                    return Ok(());
                }
                print!(
                    "{}",
                    kapsel_core::terminal::block(&super::groupware::status_text(&g))
                );
                if mail.is_err() {
                    return Ok(());
                }
            }
            let v: MailStatus = call(root, MailRequest::Status)?;
            out.show(&v, status_text);
        }
        SyncCommand::Schedule {
            days,
            from,
            to,
            every,
            push,
        } => {
            let set = if days.is_none()
                && from.is_none()
                && to.is_none()
                && every.is_none()
                && push.is_none()
            {
                None
            } else {
                let current: ScheduleAnswer = call(root, MailRequest::Schedule { set: None })?;
                let mut s: Schedule = current.schedule;
                if let Some(d) = days {
                    s.days = parse_days(&d)?;
                }
                if let Some(f) = from {
                    s.from = f;
                }
                if let Some(t) = to {
                    s.to = t;
                }
                if let Some(e) = every {
                    s.interval_minutes = e;
                }
                if let Some(p) = push {
                    s.push = match p.as_str() {
                        "on" | "yes" | "true" => true,
                        "off" | "no" | "false" => false,
                        other => {
                            return Err(Error::invalid(t!(
                                cat(),
                                "cli-mail-push-takes-on-off",
                                value = format!("{other:?}")
                            )));
                        }
                    };
                }
                Some(s)
            };
            let v: ScheduleAnswer = call(root, MailRequest::Schedule { set })?;
            out.show(&v, schedule_text);
        }
    }
    Ok(())
}

pub fn run(root: &Path, cmd: MailCommand, out: Out) -> Result<()> {
    match cmd {
        MailCommand::Folders => {
            let v: Vec<FolderView> = call(root, MailRequest::Folders)?;
            out.show(&v, |v| folders_text(v));
        }
        MailCommand::List { folder, limit } => {
            let v: Vec<ListItem> = call(root, MailRequest::List { folder, limit })?;
            out.show(&v, |v| list_text(v, None));
        }
        MailCommand::Read { id } => {
            let v: Message = call(root, MailRequest::Read { id })?;
            out.show(&v, read_text);
        }
        MailCommand::Search { query, limit } => {
            let v: SearchAnswer = call(
                root,
                MailRequest::Search {
                    query: query.join(" "),
                    limit,
                },
            )?;
            out.show(&v, |v| list_text(&v.hits, Some(v.micros)));
        }
        MailCommand::Flag { id, flag, off } => {
            let v: Flagged = call(root, MailRequest::Flag { id, flag, on: !off })?;
            let text = if off {
                t!(
                    cat(),
                    "cli-mail-flag-cleared",
                    flag = v.flag.as_str(),
                    id = id.to_string()
                )
            } else {
                t!(
                    cat(),
                    "cli-mail-flag-set",
                    flag = v.flag.as_str(),
                    id = id.to_string()
                )
            };
            out.done(&text, &v);
        }
        MailCommand::Move { id, folder } => {
            let v: Moved = call(
                root,
                MailRequest::Move {
                    id,
                    folder: folder.clone(),
                },
            )?;
            out.done(
                &t!(
                    cat(),
                    "cli-mail-moved",
                    id = id.to_string(),
                    folder = clean(&folder)
                ),
                &v,
            );
        }
        MailCommand::Attach { id, index } => {
            let doc: kapsel_core::documents::DocumentInfo =
                call(root, MailRequest::Attach { id, index })?;
            if out.json {
                out.done("", &doc);
                return Ok(());
            }
            println!(
                "{}",
                t!(
                    cat(),
                    "cli-mail-attachment-kept",
                    id = doc.id.to_string(),
                    name = clean(&doc.name)
                )
            );
            let doc_id = doc.id;
            let opened = session::ask::<kapsel_host::CallOutcome>(
                root,
                &Request::AppCall {
                    id: "viewer".into(),
                    route: Some(String::new()),
                    action: None,
                    form: Vec::new(),
                    document: Some(doc_id),
                },
            );
            match opened {
                Ok(v) => super::apps::show_outcome(v, out)?,
                Err(e @ Error::Tampered(_)) => return Err(e),
                Err(e) => println!(
                    "{}",
                    t!(cat(), "cli-mail-viewer-failed", error = e.to_string())
                ),
            }
        }
        MailCommand::Compose {
            to,
            cc,
            bcc,
            subject,
            from,
            body,
        } => {
            let save_only = body.draft;
            let resolve = |r| super::directory::resolve_recipients(root, r, out.json);
            let (to, cc, bcc) = (resolve(to)?, resolve(cc)?, resolve(bcc)?);
            let d = draft(&body, to, cc, bcc, subject, from)?;
            let v: Sent = call(
                root,
                MailRequest::Send {
                    draft: d,
                    save_only,
                },
            )?;
            out.show(&v, send_text);
        }
        MailCommand::Reply { id, all, body } => {
            let v: Sent = call(
                root,
                MailRequest::Reply {
                    id,
                    all,
                    body: body.text()?,
                    attachments: body.attach.clone(),
                    save_only: body.draft,
                },
            )?;
            out.show(&v, send_text);
        }
        MailCommand::Forward { id, to, body } => {
            let to = super::directory::resolve_recipients(root, to, out.json)?;
            let v: Sent = call(
                root,
                MailRequest::Forward {
                    id,
                    to,
                    body: body.text()?,
                    attachments: body.attach,
                    save_only: body.draft,
                },
            )?;
            out.show(&v, send_text);
        }
        MailCommand::Drafts { send } => match send {
            Some(id) => {
                let v: Sent = call(root, MailRequest::SendDraft { id })?;
                out.show(&v, send_text);
            }
            None => {
                let v: Vec<DraftEntry> = call(root, MailRequest::Drafts)?;
                out.show(&v, |v| drafts_text(v));
            }
        },
        MailCommand::Outbox { retry, discard } => {
            let v: OutboxAnswer = call(root, MailRequest::Outbox { retry, discard })?;
            out.show(&v, outbox_text);
        }
        MailCommand::Mailboxes { open, close } => {
            let opening = open.is_some();
            let request = MailRequest::Mailboxes { open, close };
            let v: MailboxesAnswer = if opening {
                call_progress(root, request, out)?
            } else {
                call(root, request)?
            };
            out.show(&v, mailboxes_text);
        }
        MailCommand::Oof {
            start,
            end,
            subject,
            internal,
            external,
            internal_domains,
            clear,
        } => {
            let set = match (start, end, internal, external) {
                (None, None, None, None) => None,
                (Some(start), Some(end), Some(internal_text), external) => Some(OutOfOffice {
                    start,
                    end,
                    subject,
                    external_text: external.unwrap_or_else(|| internal_text.clone()),
                    internal_text,
                    internal_domains,
                }),
                _ => {
                    return Err(Error::invalid(t!(cat(), "cli-mail-oof-incomplete")));
                }
            };
            let v: OofAnswer = call(root, MailRequest::Oof { set, clear })?;
            out.show(&v, oof_text);
        }
    }
    Ok(())
}

/// A yes/no state as people read it in `sync status` (`true` / `ja`).
fn yes_no(b: bool) -> String {
    if b {
        t!(cat(), "cli-mail-true")
    } else {
        t!(cat(), "cli-mail-false")
    }
}

fn status_text(v: &MailStatus) -> String {
    let st = &v.sync;
    let sc = &v.schedule;
    let lines = [
        t!(
            cat(),
            "cli-mail-status-last-sync",
            time = st
                .last_sync_ms
                .map_or_else(|| t!(cat(), "cli-mail-never"), format_ts),
            error = st.last_error.as_deref().map_or(String::new(), |e| {
                format!(" {}", t!(cat(), "cli-mail-status-error", error = clean(e)))
            })
        ),
        t!(
            cat(),
            "cli-mail-status-running",
            running = yes_no(st.running),
            progress = match &st.progress {
                Some(p) => format!(" ({} {}/{})", clean(&p.folder), p.done, p.total),
                None => String::new(),
            }
        ),
        t!(
            cat(),
            "cli-mail-status-push",
            active = yes_no(st.push_active)
        ),
        t!(cat(), "cli-mail-status-outbox", count = v.outbox),
        t!(
            cat(),
            "cli-mail-status-schedule",
            days = day_list(&sc.days),
            from = sc.from.as_str(),
            to = sc.to.as_str(),
            every = sc.interval_minutes,
            push = on_off(sc.push)
        ),
    ];
    lines.iter().map(|l| format!("{l}\n")).collect()
}

fn schedule_text(v: &ScheduleAnswer) -> String {
    let sc = &v.schedule;
    let b = &v.tenant_bounds;
    let own = t!(
        cat(),
        "cli-mail-schedule-own",
        days = day_list(&sc.days),
        from = sc.from.as_str(),
        to = sc.to.as_str(),
        every = sc.interval_minutes,
        push = on_off(sc.push)
    );
    let tenant = t!(
        cat(),
        "cli-mail-schedule-tenant",
        days = day_list(&b.days),
        from = b.earliest.as_str(),
        to = b.latest.as_str(),
        min = b.min_interval_minutes,
        max = b.max_interval_minutes,
        push = if b.push {
            t!(cat(), "cli-mail-push-allowed")
        } else {
            t!(cat(), "cli-mail-push-not-allowed")
        }
    );
    format!("{own}\n{tenant}\n")
}

fn folders_text(v: &[FolderView]) -> String {
    let messages = t!(cat(), "cli-mail-col-messages");
    let unread = t!(cat(), "cli-mail-col-unread");
    let mut o = String::new();
    for f in v {
        o.push_str(&format!(
            "{:<40} {:>6} {messages} {:>5} {unread}{}\n",
            clean(&f.name),
            f.messages,
            f.unread,
            match f.origin {
                Origin::Own => String::new(),
                k => format!(
                    "  {}",
                    t!(
                        cat(),
                        "cli-mail-folder-origin",
                        origin = origin_word(k),
                        rights = clean(f.rights.as_deref().unwrap_or(""))
                    )
                ),
            }
        ));
    }
    if o.is_empty() {
        o.push_str(&t!(cat(), "cli-mail-no-folders"));
        o.push('\n');
    }
    o
}

fn drafts_text(v: &[DraftEntry]) -> String {
    let mut o = String::new();
    for d in v {
        o.push_str(&t!(
            cat(),
            "cli-mail-draft-row",
            id = d.id.as_str(),
            to = join(&d.draft.to),
            subject = clean(&d.draft.subject)
        ));
        o.push('\n');
    }
    if o.is_empty() {
        o.push_str(&t!(cat(), "cli-mail-no-drafts"));
        o.push('\n');
    }
    o
}

fn outbox_text(v: &OutboxAnswer) -> String {
    let list = match v {
        OutboxAnswer::Retried { retried, flush } => {
            let result = flush
                .error
                .as_deref()
                .map_or_else(|| t!(cat(), "cli-mail-retried-sent"), clean);
            let text = t!(
                cat(),
                "cli-mail-retried",
                id = retried.as_str(),
                result = result
            );
            return format!("{text}\n");
        }
        OutboxAnswer::Discarded { discarded } => {
            let text = t!(cat(), "cli-mail-discarded", id = discarded.as_str());
            return format!("{text}\n");
        }
        OutboxAnswer::List(list) => list,
    };
    let width = column_width(STATES.iter().map(|s| state_word(*s)), 9);
    let mut o = String::new();
    for e in list {
        o.push_str(&t!(
            cat(),
            "cli-mail-outbox-row",
            id = e.id.as_str(),
            state = format!("{:<width$}", state_word(e.state)),
            to = join(&e.to),
            subject = clean(&e.subject),
            attempts = e.attempts
        ));
        if let Some(x) = &e.last_error {
            o.push_str(&format!("\n    {}", clean(x)));
        }
        o.push('\n');
    }
    if o.is_empty() {
        o.push_str(&t!(cat(), "cli-mail-outbox-empty"));
        o.push('\n');
    }
    o
}

fn mailboxes_text(v: &MailboxesAnswer) -> String {
    let list = match v {
        MailboxesAnswer::Opened { opened, rights, .. } => {
            let text = t!(
                cat(),
                "cli-mail-mailbox-opened",
                name = clean(opened),
                rights = clean(rights)
            );
            return format!("{text}\n");
        }
        MailboxesAnswer::Closed { closed } => {
            let text = t!(cat(), "cli-mail-mailbox-closed", name = clean(closed));
            return format!("{text}\n");
        }
        MailboxesAnswer::List(list) => list,
    };
    let width = column_width(ORIGINS.iter().map(|k| origin_word(*k)), 10);
    let rights = t!(cat(), "cli-mail-col-rights");
    let mut o = String::new();
    for m in list {
        o.push_str(&format!(
            "{:<40} {:<width$} {rights} {:<12} {}{}\n",
            clean(&m.name),
            origin_word(m.kind),
            clean(&m.rights),
            m.address.as_deref().map(clean).unwrap_or_default(),
            if m.opened {
                format!("  {}", t!(cat(), "cli-mail-mailbox-open"))
            } else {
                String::new()
            }
        ));
    }
    if o.is_empty() {
        o.push_str(&t!(cat(), "cli-mail-no-mailboxes"));
        o.push('\n');
    }
    o
}

fn oof_text(v: &OofAnswer) -> String {
    let Some(o) = &v.out_of_office else {
        return format!("{}\n", t!(cat(), "cli-mail-oof-none"));
    };
    let lines = [
        t!(
            cat(),
            "cli-mail-oof-window",
            start = clean(&o.start),
            end = clean(&o.end)
        ),
        t!(cat(), "cli-mail-oof-subject", subject = clean(&o.subject)),
        t!(cat(), "cli-mail-oof-to-colleagues"),
        clean(&o.internal_text),
        t!(cat(), "cli-mail-oof-to-others"),
        clean(&o.external_text),
    ];
    lines.iter().map(|l| format!("{l}\n")).collect()
}
