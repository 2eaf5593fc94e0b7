//! CLI commands for mail and sync: argument shapes and text rendering only; every
//! operation runs in the session agent (mail needs the unlocked key and the user's login).

use std::io::Read;
use std::path::Path;

use clap::{Args, Subcommand};
use serde_json::Value;

use super::open_checked;
use super::render::{Out, format_ts, items};
use crate::session::{self, Request};
use kapsel_core::error::{Error, Result};
use kapsel_mail::autoreply::OutOfOffice;
use kapsel_mail::compose::Draft;
use kapsel_mail::schedule::{Schedule, parse_days};
use kapsel_mail::service::MailRequest;

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

fn call(root: &Path, request: MailRequest) -> Result<Value> {
    open_checked(root)?;
    session::call(root, &Request::Mail { request })
}

fn call_progress(root: &Path, request: MailRequest, out: Out) -> Result<Value> {
    open_checked(root)?;
    session::call_with_progress(root, &Request::Mail { request }, &mut |p| {
        if !out.json && p["total"].as_u64().unwrap_or(0) > 0 {
            eprintln!(
                "  {} {}/{}",
                p["folder"].as_str().unwrap_or(""),
                p["done"],
                p["total"]
            );
        }
    })
}

/// Mail is written by strangers: no control character reaches the terminal (escape
/// sequences could rewrite the screen or the clipboard), only line breaks and tabs.
fn clean(text: &str) -> String {
    text.chars()
        .map(|c| {
            if c.is_control() && c != '\n' && c != '\t' {
                '\u{FFFD}'
            } else {
                c
            }
        })
        .collect()
}

fn s(v: &Value) -> String {
    match v {
        Value::String(s) => clean(s),
        Value::Null => String::new(),
        other => other.to_string(),
    }
}

fn date(v: &Value) -> String {
    format_ts((v.as_i64().unwrap_or(0).max(0) as u64).saturating_mul(1000))
}

fn list_text(v: &Value) -> String {
    let rows = if v.get("hits").is_some() {
        &v["hits"]
    } else {
        v
    };
    let mut out = String::new();
    for m in items(rows) {
        out.push_str(&format!(
            "{:>6} {} {}{} {:<28.28} {}{}{}\n",
            m["id"],
            date(&m["date"]),
            if m["seen"] == true { ' ' } else { '*' },
            if m["flagged"] == true { '!' } else { ' ' },
            s(&m["from"]),
            s(&m["subject"]),
            match m["attachments"].as_u64() {
                Some(n) if n > 0 => format!("  [{n} attachment(s)]"),
                _ => String::new(),
            },
            match m["folder"].as_str() {
                Some(f) => format!("  ({f})"),
                None => String::new(),
            }
        ));
    }
    if out.is_empty() {
        out.push_str("No messages.\n");
    }
    if let Some(us) = v.get("micros").and_then(Value::as_u64) {
        out.push_str(&format!(
            "({} hit(s) in {:.1} ms)\n",
            items(rows).len(),
            us as f64 / 1000.0
        ));
    }
    out
}

fn read_text(v: &Value) -> String {
    let mut out = format!(
        "From:    {}\nTo:      {}\n{}Date:    {}\nSubject: {}\nFolder:  {}   (message {})\n",
        s(&v["from"]),
        items(&v["to"]).iter().map(s).collect::<Vec<_>>().join(", "),
        if items(&v["cc"]).is_empty() {
            String::new()
        } else {
            format!(
                "Cc:      {}\n",
                items(&v["cc"]).iter().map(s).collect::<Vec<_>>().join(", ")
            )
        },
        date(&v["date"]),
        s(&v["subject"]),
        s(&v["folder"]),
        v["id"]
    );
    if let Some(sender) = v["sender"].as_str() {
        out.push_str(&format!("Sender:  {sender}\n"));
    }
    for a in items(&v["attachments"]) {
        out.push_str(&format!(
            "Attachment {}: {} ({}, {} bytes) — kapsel mail attach {} {}\n",
            a["index"],
            s(&a["name"]),
            s(&a["media_type"]),
            a["size"],
            v["id"],
            a["index"]
        ));
    }
    out.push('\n');
    out.push_str(&s(&v["text"]));
    out.push('\n');
    out
}

fn sync_text(v: &Value) -> String {
    let mut out = format!(
        "Synced {} folder(s): {} new, {} flag update(s), {} flag change(s) sent, {} removed, {} UIDVALIDITY reset(s) in {:.1} s{}.\n",
        v["folders"],
        v["new_messages"],
        v["flag_updates"],
        v["flags_pushed"],
        v["expunged"],
        v["uidvalidity_resets"],
        v["seconds"].as_f64().unwrap_or(0.0),
        if v["qresync"] == true {
            " (QRESYNC)"
        } else {
            ""
        }
    );
    let o = &v["outbox"];
    if !items(&o["sent"]).is_empty() {
        out.push_str(&format!(
            "Sent {} queued message(s).\n",
            items(&o["sent"]).len()
        ));
    }
    if let Some(e) = o["error"].as_str() {
        out.push_str(&format!(
            "{} message(s) still in the outbox: {e}\n",
            o["queued"]
        ));
    }
    out
}

fn send_text(v: &Value) -> String {
    if let Some(d) = v["draft"].as_str() {
        return format!(
            "Saved as draft {d} (sealed). Send it with: kapsel mail drafts --send {d}\n"
        );
    }
    if v["sent"] == true {
        return "Sent.\n".into();
    }
    format!(
        "Queued in the outbox ({}): {}. It is sent as soon as the server is reachable.\n",
        s(&v["outbox"]),
        v["flush"]["error"].as_str().unwrap_or("not sent yet")
    )
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
            let request = MailRequest::Sync {
                folders: (!folders.is_empty()).then_some(folders),
            };
            let v = call_progress(root, request, out)?;
            out.value(&v, sync_text);
        }
        SyncCommand::Status => {
            let v = call(root, MailRequest::Status)?;
            out.value(&v, |v| {
                let st = &v["sync"];
                format!(
                    "Last sync: {}{}\nRunning: {}{}\nPush (IDLE) waiting now: {}\nOutbox: {} message(s)\nSchedule: {} {}–{}, every {} min, push {}\n",
                    st["last_sync_ms"].as_u64().map_or("never".into(), format_ts),
                    st["last_error"].as_str().map_or(String::new(), |e| format!(" (error: {e})")),
                    st["running"] == true,
                    if st["progress"].is_object() {
                        format!(" ({} {}/{})", s(&st["progress"]["folder"]), st["progress"]["done"], st["progress"]["total"])
                    } else {
                        String::new()
                    },
                    st["push_active"] == true,
                    v["outbox"],
                    items(&v["schedule"]["days"]).iter().map(s).collect::<Vec<_>>().join(","),
                    s(&v["schedule"]["from"]),
                    s(&v["schedule"]["to"]),
                    v["schedule"]["interval_minutes"],
                    if v["schedule"]["push"] == true { "on" } else { "off" },
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
                let current = call(root, MailRequest::Schedule { set: None })?;
                let mut s: Schedule = serde_json::from_value(current["schedule"].clone())
                    .map_err(|e| Error::Agent(format!("unreadable schedule: {e}")))?;
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
            let v = call(root, MailRequest::Schedule { set })?;
            out.value(&v, |v| {
                let sc = &v["schedule"];
                let b = &v["tenant_bounds"];
                format!(
                    "Sync on {} from {} to {}, every {} minutes, push {}.\nTenant allows: {} from {} to {}, every {}–{} minutes, push {}.\n",
                    items(&sc["days"]).iter().map(s).collect::<Vec<_>>().join(","),
                    s(&sc["from"]), s(&sc["to"]), sc["interval_minutes"],
                    if sc["push"] == true { "on" } else { "off" },
                    items(&b["days"]).iter().map(s).collect::<Vec<_>>().join(","),
                    s(&b["earliest"]), s(&b["latest"]), b["min_interval_minutes"], b["max_interval_minutes"],
                    if b["push"] == true { "allowed" } else { "not allowed" },
                )
            });
        }
    }
    Ok(())
}

pub fn run(root: &Path, cmd: MailCommand, out: Out) -> Result<()> {
    match cmd {
        MailCommand::Folders => {
            let v = call(root, MailRequest::Folders)?;
            out.value(&v, |v| {
                let mut o = String::new();
                for f in items(v) {
                    o.push_str(&format!(
                        "{:<40} {:>6} messages {:>5} unread{}\n",
                        s(&f["name"]),
                        f["messages"],
                        f["unread"],
                        match f["origin"].as_str() {
                            Some("own") | None => String::new(),
                            Some(k) => format!("  ({k}, rights {})", s(&f["rights"])),
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
            let v = call(root, MailRequest::List { folder, limit })?;
            out.value(&v, list_text);
        }
        MailCommand::Read { id } => {
            let v = call(root, MailRequest::Read { id })?;
            out.value(&v, read_text);
        }
        MailCommand::Search { query, limit } => {
            let v = call(
                root,
                MailRequest::Search {
                    query: query.join(" "),
                    limit,
                },
            )?;
            out.value(&v, list_text);
        }
        MailCommand::Flag { id, flag, off } => {
            let v = call(root, MailRequest::Flag { id, flag, on: !off })?;
            out.done(
                &format!(
                    "{} {} on message {id} (sent to the server at the next sync).",
                    s(&v["flag"]),
                    if off { "cleared" } else { "set" }
                ),
                v,
            );
        }
        MailCommand::Move { id, folder } => {
            let v = call(
                root,
                MailRequest::Move {
                    id,
                    folder: folder.clone(),
                },
            )?;
            out.done(&format!("Moved message {id} to {folder}."), v);
        }
        MailCommand::Attach { id, index } => {
            let doc = call(root, MailRequest::Attach { id, index })?;
            let doc_id = s(&doc["id"]);
            if out.json {
                out.done("", doc);
                return Ok(());
            }
            println!(
                "Kept in the container as document {doc_id} ({}).",
                s(&doc["name"])
            );
            let opened = session::call(
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
                Ok(v) => super::apps::show_outcome(root, v, out),
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
            let d = draft(&body, to, cc, bcc, subject, from)?;
            let v = call(
                root,
                MailRequest::Send {
                    draft: d,
                    save_only,
                },
            )?;
            out.value(&v, send_text);
        }
        MailCommand::Reply { id, all, body } => {
            let v = call(
                root,
                MailRequest::Reply {
                    id,
                    all,
                    body: body.text()?,
                    attachments: body.attach.clone(),
                    save_only: body.draft,
                },
            )?;
            out.value(&v, send_text);
        }
        MailCommand::Forward { id, to, body } => {
            let v = call(
                root,
                MailRequest::Forward {
                    id,
                    to,
                    body: body.text()?,
                    save_only: body.draft,
                },
            )?;
            out.value(&v, send_text);
        }
        MailCommand::Drafts { send } => match send {
            Some(id) => {
                let v = call(root, MailRequest::SendDraft { id })?;
                out.value(&v, send_text);
            }
            None => {
                let v = call(root, MailRequest::Drafts)?;
                out.value(&v, |v| {
                    let mut o = String::new();
                    for d in items(v) {
                        o.push_str(&format!(
                            "{}  to {}  {}\n",
                            s(&d["id"]),
                            items(&d["draft"]["to"])
                                .iter()
                                .map(s)
                                .collect::<Vec<_>>()
                                .join(", "),
                            s(&d["draft"]["subject"])
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
            let v = call(root, MailRequest::Outbox { retry, discard })?;
            out.value(&v, |v| {
                if v.is_object() {
                    return format!("{v}\n");
                }
                let mut o = String::new();
                for e in items(v) {
                    o.push_str(&format!(
                        "{}  {:<9} to {}  {}  (attempts {}){}\n",
                        s(&e["id"]),
                        s(&e["state"]),
                        items(&e["to"]).iter().map(s).collect::<Vec<_>>().join(", "),
                        s(&e["subject"]),
                        e["attempts"],
                        e["last_error"]
                            .as_str()
                            .map_or(String::new(), |x| format!("\n    {x}"))
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
            let v = if opening {
                call_progress(root, request, out)?
            } else {
                call(root, request)?
            };
            out.value(&v, |v| {
                if let Some(name) = v["opened"].as_str() {
                    return format!(
                        "Opened {name} (rights {}); its folders are synced now.\n",
                        s(&v["rights"])
                    );
                }
                if let Some(name) = v["closed"].as_str() {
                    return format!(
                        "Closed {name}; its messages were removed from the container.\n"
                    );
                }
                let mut o = String::new();
                for m in items(v) {
                    o.push_str(&format!(
                        "{:<40} {:<10} rights {:<12} {}{}\n",
                        s(&m["name"]),
                        s(&m["kind"]),
                        s(&m["rights"]),
                        s(&m["address"]),
                        if m["opened"] == true { "  (open)" } else { "" }
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
            let v = call(root, MailRequest::Oof { set, clear })?;
            out.value(&v, |v| {
                let o = &v["out_of_office"];
                if o.is_null() {
                    return "No out-of-office reply is set.\n".into();
                }
                format!(
                    "Out of office from {} to {} (inclusive)\nSubject: {}\nTo colleagues:\n{}\nTo others:\n{}\n",
                    s(&o["start"]), s(&o["end"]), s(&o["subject"]), s(&o["internal_text"]), s(&o["external_text"])
                )
            });
        }
    }
    Ok(())
}
