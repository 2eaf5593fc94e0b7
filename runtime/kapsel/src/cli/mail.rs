//! CLI commands for mail and sync: argument shapes and text rendering only; every
//! operation runs in the session agent (mail needs the unlocked key and the user's login).

use std::io::Read;
use std::path::Path;

use clap::{Args, Subcommand};

use super::open_checked;
use super::render::{Out, format_ts};
use crate::session::{self, Request};
use kapsel_core::error::{Error, Result};
use kapsel_mail::answers::{
    DraftEntry, Flagged, MailStatus, MailboxesAnswer, Moved, OofAnswer, OutboxAnswer,
    ScheduleAnswer, SearchAnswer, Sent, Synced,
};
use kapsel_mail::autoreply::OutOfOffice;
use kapsel_mail::compose::Draft;
use kapsel_mail::schedule::{Schedule, parse_days};
use kapsel_mail::service::MailRequest;
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
                .map_err(Error::io("cannot read the message text"))?;
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
                n if n > 0 => format!("  [{n} attachment(s)]"),
                _ => String::new(),
            },
            match &m.folder {
                Some(f) => format!("  ({})", clean(f)),
                None => String::new(),
            }
        ));
    }
    if out.is_empty() {
        out.push_str("No messages.\n");
    }
    if let Some(us) = micros {
        out.push_str(&format!(
            "({} hit(s) in {:.1} ms)\n",
            items.len(),
            us as f64 / 1000.0
        ));
    }
    out
}

fn day_list(days: &[kapsel_core::policy::Weekday]) -> String {
    days.iter()
        .map(|d| {
            serde_json::to_value(d)
                .ok()
                .and_then(|v| v.as_str().map(str::to_string))
                .unwrap_or_default()
        })
        .collect::<Vec<_>>()
        .join(",")
}

fn origin_word(o: kapsel_mail::store::Origin) -> &'static str {
    match o {
        kapsel_mail::store::Origin::Own => "own",
        kapsel_mail::store::Origin::OtherUser => "other-user",
        kapsel_mail::store::Origin::Shared => "shared",
    }
}

fn join(list: &[String]) -> String {
    list.iter().map(|a| clean(a)).collect::<Vec<_>>().join(", ")
}

fn read_text(v: &Message) -> String {
    let m = &v.meta.summary;
    let mut out = format!(
        "From:    {}\nTo:      {}\n{}Date:    {}\nSubject: {}\nFolder:  {}   (message {})\n",
        clean(&m.from),
        join(&m.to),
        if m.cc.is_empty() {
            String::new()
        } else {
            format!("Cc:      {}\n", join(&m.cc))
        },
        date(m.date),
        clean(&m.subject),
        clean(&v.folder),
        v.id
    );
    if let Some(sender) = &m.sender {
        out.push_str(&format!("Sender:  {}\n", clean(sender)));
    }
    for a in &m.attachments {
        out.push_str(&format!(
            "Attachment {}: {} ({}, {} bytes) — kapsel mail attach {} {}\n",
            a.index,
            clean(&a.name),
            clean(&a.media_type),
            a.size,
            v.id,
            a.index
        ));
    }
    out.push('\n');
    out.push_str(&kapsel_core::terminal::block(&v.text));
    out.push('\n');
    out
}

fn sync_text(v: &Synced) -> String {
    let r = &v.report;
    let mut out = format!(
        "Synced {} folder(s): {} new, {} flag update(s), {} flag change(s) sent, {} removed, {} UIDVALIDITY reset(s) in {:.1} s{}.\n",
        r.folders,
        r.new_messages,
        r.flag_updates,
        r.flags_pushed,
        r.expunged,
        r.uidvalidity_resets,
        r.seconds,
        if r.qresync { " (QRESYNC)" } else { "" }
    );
    let o = &v.outbox;
    if !o.sent.is_empty() {
        out.push_str(&format!("Sent {} queued message(s).\n", o.sent.len()));
    }
    if let Some(e) = &o.error {
        out.push_str(&format!(
            "{} message(s) still in the outbox: {}\n",
            o.queued,
            clean(e)
        ));
    }
    out
}

fn send_text(v: &Sent) -> String {
    match v {
        Sent::Draft { draft: d } => {
            format!("Saved as draft {d} (sealed). Send it with: kapsel mail drafts --send {d}\n")
        }
        Sent::Queued { sent: true, .. } => "Sent.\n".into(),
        Sent::Queued { outbox, flush, .. } => format!(
            "Queued in the outbox ({outbox}): {}. It is sent as soon as the server is reachable.\n",
            flush.error.as_deref().map_or("not sent yet".into(), clean)
        ),
    }
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
            out.show(&v, |v| {
                let st = &v.sync;
                let sc = &v.schedule;
                format!(
                    "Last sync: {}{}\nRunning: {}{}\nPush (IDLE) waiting now: {}\nOutbox: {} message(s)\nSchedule: {} {}–{}, every {} min, push {}\n",
                    st.last_sync_ms.map_or("never".into(), format_ts),
                    st.last_error.as_deref().map_or(String::new(), |e| format!(" (error: {})", clean(e))),
                    st.running,
                    match &st.progress {
                        Some(p) => format!(" ({} {}/{})", clean(&p.folder), p.done, p.total),
                        None => String::new(),
                    },
                    st.push_active,
                    v.outbox,
                    day_list(&sc.days),
                    sc.from,
                    sc.to,
                    sc.interval_minutes,
                    if sc.push { "on" } else { "off" },
                )
            });
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
                            return Err(Error::invalid(format!(
                                "--push takes on or off, not {other:?}"
                            )));
                        }
                    };
                }
                Some(s)
            };
            let v: ScheduleAnswer = call(root, MailRequest::Schedule { set })?;
            out.show(&v, |v| {
                let sc = &v.schedule;
                let b = &v.tenant_bounds;
                format!(
                    "Sync on {} from {} to {}, every {} minutes, push {}.\nTenant allows: {} from {} to {}, every {}–{} minutes, push {}.\n",
                    day_list(&sc.days),
                    sc.from, sc.to, sc.interval_minutes,
                    if sc.push { "on" } else { "off" },
                    day_list(&b.days),
                    b.earliest, b.latest, b.min_interval_minutes, b.max_interval_minutes,
                    if b.push { "allowed" } else { "not allowed" },
                )
            });
        }
    }
    Ok(())
}

pub fn run(root: &Path, cmd: MailCommand, out: Out) -> Result<()> {
    match cmd {
        MailCommand::Folders => {
            let v: Vec<FolderView> = call(root, MailRequest::Folders)?;
            out.show(&v, |v| {
                let mut o = String::new();
                for f in v {
                    o.push_str(&format!(
                        "{:<40} {:>6} messages {:>5} unread{}\n",
                        clean(&f.name),
                        f.messages,
                        f.unread,
                        match f.origin {
                            kapsel_mail::store::Origin::Own => String::new(),
                            k => format!(
                                "  ({}, rights {})",
                                origin_word(k),
                                f.rights.as_deref().unwrap_or("")
                            ),
                        }
                    ));
                }
                if o.is_empty() {
                    o.push_str("No folders yet: run `kapsel sync now`.\n");
                }
                o
            });
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
            out.done(
                &format!(
                    "{} {} on message {id} (sent to the server at the next sync).",
                    v.flag,
                    if off { "cleared" } else { "set" }
                ),
                &v,
            );
        }
        MailCommand::Move { id, folder } => {
            let v: Moved = call(
                root,
                MailRequest::Move {
                    id,
                    folder: folder.clone(),
                },
            )?;
            out.done(&format!("Moved message {id} to {}.", clean(&folder)), &v);
        }
        MailCommand::Attach { id, index } => {
            let doc: kapsel_core::documents::DocumentInfo =
                call(root, MailRequest::Attach { id, index })?;
            if out.json {
                out.done("", &doc);
                return Ok(());
            }
            println!(
                "Kept in the container as document {} ({}).",
                doc.id,
                clean(&doc.name)
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
                Err(e) => println!("(the viewer could not open it: {e})"),
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
                out.show(&v, |v| {
                    let mut o = String::new();
                    for d in v {
                        o.push_str(&format!(
                            "{}  to {}  {}\n",
                            d.id,
                            join(&d.draft.to),
                            clean(&d.draft.subject)
                        ));
                    }
                    if o.is_empty() {
                        o.push_str("No drafts.\n");
                    }
                    o
                });
            }
        },
        MailCommand::Outbox { retry, discard } => {
            let v: OutboxAnswer = call(root, MailRequest::Outbox { retry, discard })?;
            out.show(&v, |v| {
                let list = match v {
                    OutboxAnswer::Retried { retried, flush } => {
                        return format!(
                            "Retried {retried}: {}\n",
                            flush.error.as_deref().map_or("sent".into(), clean)
                        );
                    }
                    OutboxAnswer::Discarded { discarded } => {
                        return format!("Discarded {discarded}.\n");
                    }
                    OutboxAnswer::List(list) => list,
                };
                let mut o = String::new();
                for e in list {
                    o.push_str(&format!(
                        "{}  {:<9} to {}  {}  (attempts {}){}\n",
                        e.id,
                        e.state.word(),
                        join(&e.to),
                        clean(&e.subject),
                        e.attempts,
                        e.last_error
                            .as_deref()
                            .map_or(String::new(), |x| format!("\n    {}", clean(x)))
                    ));
                }
                if o.is_empty() {
                    o.push_str("The outbox is empty.\n");
                }
                o
            });
        }
        MailCommand::Mailboxes { open, close } => {
            let opening = open.is_some();
            let request = MailRequest::Mailboxes { open, close };
            let v: MailboxesAnswer = if opening {
                call_progress(root, request, out)?
            } else {
                call(root, request)?
            };
            out.show(&v, |v| {
                let list = match v {
                    MailboxesAnswer::Opened { opened, rights, .. } => {
                        return format!(
                            "Opened {} (rights {rights}); its folders are synced now.\n",
                            clean(opened)
                        );
                    }
                    MailboxesAnswer::Closed { closed } => {
                        return format!(
                            "Closed {}; its messages were removed from the container.\n",
                            clean(closed)
                        );
                    }
                    MailboxesAnswer::List(list) => list,
                };
                let mut o = String::new();
                for m in list {
                    o.push_str(&format!(
                        "{:<40} {:<10} rights {:<12} {}{}\n",
                        clean(&m.name),
                        origin_word(m.kind),
                        clean(&m.rights),
                        m.address.as_deref().map(clean).unwrap_or_default(),
                        if m.opened { "  (open)" } else { "" }
                    ));
                }
                if o.is_empty() {
                    o.push_str("No other mailboxes are shared with you.\n");
                }
                o
            });
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
                    return Err(Error::invalid(
                        "to set an out-of-office reply give --start, --end and --internal (and --external for outside senders)",
                    ));
                }
            };
            let v: OofAnswer = call(root, MailRequest::Oof { set, clear })?;
            out.show(&v, |v| {
                let Some(o) = &v.out_of_office else {
                    return "No out-of-office reply is set.\n".into();
                };
                format!(
                    "Out of office from {} to {} (inclusive)\nSubject: {}\nTo colleagues:\n{}\nTo others:\n{}\n",
                    o.start, o.end, clean(&o.subject), clean(&o.internal_text), clean(&o.external_text)
                )
            });
        }
    }
    Ok(())
}
