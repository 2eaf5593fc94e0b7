//! `kapsel cal`, `kapsel tasks`, `kapsel contacts`: the calendar, task lists and personal
//! address books, read from the sealed copies (offline too) and edited through the session
//! agent, which queues each edit and sends it when the server can be reached.

use std::path::Path;

use clap::Subcommand;

use super::open_checked;
use super::render::{Out, format_ts};
use crate::session::{self, Request};
use kapsel_calendar::{
    AgendaAnswer, Contact, ContactChanges, ContactsAnswer, EventChanges, GroupwareAnswer,
    GroupwareRequest, NewEvent, NewTask, SyncReport, TaskChanges, TasksAnswer, Window,
};
use kapsel_core::error::{Error, Result};
use kapsel_core::terminal;

#[derive(Subcommand, Debug)]
pub enum CalCommand {
    /// Today's appointments.
    Today,
    /// This week's appointments (Monday to Sunday).
    Week,
    /// The next appointment.
    Next,
    /// The appointments of some days from a date.
    Days {
        /// The first day (2026-12-02).
        from: String,
        #[arg(long, default_value_t = 1)]
        days: u32,
    },
    /// One event: its details and next occurrences.
    Show { uid: String },
    /// Create an event (attendees get an invitation by mail once invitations land).
    Add {
        #[arg(long)]
        title: String,
        /// "2026-12-02 10:00" (local time), or a date for an all-day event.
        #[arg(long)]
        start: String,
        #[arg(long, conflicts_with = "duration")]
        end: Option<String>,
        /// Minutes (default 60).
        #[arg(long)]
        duration: Option<u32>,
        #[arg(long)]
        location: Option<String>,
        #[arg(long)]
        description: Option<String>,
        /// The calendar's name (default: the first writable one).
        #[arg(long)]
        calendar: Option<String>,
        /// An RRULE, e.g. "FREQ=WEEKLY;COUNT=10".
        #[arg(long)]
        repeat: Option<String>,
        /// A reminder this many minutes before the start.
        #[arg(long)]
        remind: Option<u32>,
        #[arg(long = "attendee")]
        attendees: Vec<String>,
    },
    /// Change an event.
    Edit {
        uid: String,
        #[arg(long)]
        title: Option<String>,
        #[arg(long)]
        start: Option<String>,
        #[arg(long)]
        end: Option<String>,
        #[arg(long)]
        location: Option<String>,
        #[arg(long)]
        description: Option<String>,
    },
    /// Delete an event (attendees of a meeting you organise get a cancellation).
    Rm { uid: String },
    /// Invitations that came by mail.
    Invitations,
    /// Answer an invitation: accept, tentative or decline (the reply goes to the organiser).
    Respond {
        /// The mail message with the invitation (from `kapsel cal invitations`).
        message: i64,
        #[arg(value_enum)]
        answer: AnswerArg,
    },
}

#[derive(clap::ValueEnum, Clone, Copy, Debug)]
pub enum AnswerArg {
    Accept,
    Tentative,
    Decline,
}

impl From<AnswerArg> for kapsel_calendar::InvitationAnswer {
    fn from(a: AnswerArg) -> Self {
        match a {
            AnswerArg::Accept => kapsel_calendar::InvitationAnswer::Accept,
            AnswerArg::Tentative => kapsel_calendar::InvitationAnswer::Tentative,
            AnswerArg::Decline => kapsel_calendar::InvitationAnswer::Decline,
        }
    }
}

#[derive(Subcommand, Debug)]
pub enum TasksCommand {
    /// Open tasks (with --all also the done ones), due first.
    List {
        #[arg(long)]
        all: bool,
        #[arg(long)]
        overdue: bool,
    },
    /// Tasks past their due date.
    Overdue,
    Add {
        title: String,
        #[arg(long)]
        due: Option<String>,
        #[arg(long)]
        start: Option<String>,
        /// 1 (highest) to 9 (lowest).
        #[arg(long)]
        priority: Option<u8>,
        #[arg(long = "category")]
        categories: Vec<String>,
        #[arg(long)]
        description: Option<String>,
        /// The task list's name.
        #[arg(long)]
        list: Option<String>,
    },
    /// Mark a task done.
    Done {
        uid: String,
    },
    Edit {
        uid: String,
        #[arg(long)]
        title: Option<String>,
        #[arg(long)]
        due: Option<String>,
        #[arg(long)]
        priority: Option<u8>,
        /// needs-action, in-process, completed or cancelled.
        #[arg(long)]
        status: Option<String>,
        #[arg(long)]
        percent: Option<u8>,
        #[arg(long = "category")]
        categories: Option<Vec<String>>,
    },
    Rm {
        uid: String,
    },
}

#[derive(Subcommand, Debug)]
pub enum ContactsCommand {
    /// Every personal contact.
    List,
    /// Contacts whose name, mail, phone or organisation match every word.
    Search {
        query: String,
    },
    Add {
        #[arg(long)]
        name: String,
        #[arg(long = "email")]
        emails: Vec<String>,
        #[arg(long = "phone")]
        phones: Vec<String>,
        #[arg(long)]
        org: Option<String>,
        #[arg(long)]
        title: Option<String>,
        /// The address book's name (default: the first writable one).
        #[arg(long)]
        book: Option<String>,
    },
    Edit {
        uid: String,
        #[arg(long)]
        name: Option<String>,
        #[arg(long = "email")]
        emails: Option<Vec<String>>,
        #[arg(long = "phone")]
        phones: Option<Vec<String>>,
        #[arg(long)]
        org: Option<String>,
        #[arg(long)]
        title: Option<String>,
    },
    Rm {
        uid: String,
    },
}

pub fn call(root: &Path, request: GroupwareRequest) -> Result<GroupwareAnswer> {
    open_checked(root)?;
    session::ask(root, &Request::Groupware { request })
}

fn expect<T>(
    answer: GroupwareAnswer,
    pick: impl FnOnce(GroupwareAnswer) -> Option<T>,
) -> Result<T> {
    pick(answer).ok_or_else(|| Error::Agent("the agent answered something else".into()))
}

fn done(root: &Path, request: GroupwareRequest, out: Out) -> Result<()> {
    let answer = call(root, request)?;
    let d = expect(answer, GroupwareAnswer::done)?;
    out.show(&d, |d| {
        let mut s = format!(
            "{} UID {}\n",
            terminal::line(&d.message),
            terminal::line(&d.uid)
        );
        if d.invited > 0 {
            s.push_str(&format!(
                "Mail to {} attendee(s) is in the outbox.\n",
                d.invited
            ));
        }
        if let Some(r) = &d.replay {
            s.push_str(&replay_text(r));
        }
        s
    });
    Ok(())
}

fn replay_text(r: &kapsel_calendar::Replay) -> String {
    let mut s = String::new();
    if let Some(why) = &r.offline {
        s.push_str(&format!(
            "The server cannot be reached ({}): {} change(s) wait in the queue and go out at the next sync.\n",
            terminal::line(why),
            r.pending
        ));
    } else if r.sent > 0 {
        s.push_str(&format!("Sent to the server: {}.\n", r.sent));
    }
    for m in &r.merged {
        s.push_str(&format!(
            "Merged with a change made elsewhere: {}\n",
            terminal::line(m)
        ));
    }
    for k in &r.kept_both {
        s.push_str(&format!(
            "Changed elsewhere at the same time: both versions are kept ({}); the copy is marked \"conflict copy\".\n",
            terminal::line(k)
        ));
    }
    for f in &r.refused {
        s.push_str(&format!("Refused by the server: {}\n", terminal::line(f)));
    }
    s
}

fn agenda(root: &Path, window: Window, out: Out) -> Result<()> {
    let answer = call(root, GroupwareRequest::Agenda { window })?;
    let a = expect(answer, GroupwareAnswer::agenda)?;
    out.show(&a, agenda_text);
    Ok(())
}

fn agenda_text(a: &AgendaAnswer) -> String {
    use std::collections::BTreeMap;
    // An event that spans days is listed under each of them (within the window).
    let mut days: BTreeMap<chrono::NaiveDate, Vec<String>> = BTreeMap::new();
    for e in &a.events {
        let o = &e.occurrence;
        let first = o.start.date_naive();
        // The end is exclusive: an event ending at midnight does not reach that day.
        let last = (o.end - chrono::TimeDelta::seconds(1))
            .date_naive()
            .max(first);
        let span = (last - first).num_days() + 1;
        let mut day = first;
        let mut n = 1;
        while day <= last && n <= 366 {
            let inside = a.from.is_none_or(|f| day >= f.date_naive())
                && a.to.is_none_or(|t| {
                    day < t.date_naive()
                        || (day == t.date_naive() && t.time() > chrono::NaiveTime::MIN)
                });
            if inside {
                let time = if o.all_day || (span > 1 && day != first && day != last) {
                    "all day    ".to_string()
                } else if span > 1 && day == first {
                    format!("{}–     ", o.start.format("%H:%M"))
                } else if span > 1 {
                    format!("     –{}", o.end.format("%H:%M"))
                } else {
                    format!("{}–{}", o.start.format("%H:%M"), o.end.format("%H:%M"))
                };
                let mut line = format!(
                    "  {time}  {}{}{}{}  [{}] {}\n",
                    terminal::line(&o.summary),
                    o.location
                        .as_deref()
                        .map_or(String::new(), |l| format!(" @ {}", terminal::line(l))),
                    if o.recurring { " (series)" } else { "" },
                    if span > 1 {
                        format!(" (day {n}/{span})")
                    } else {
                        String::new()
                    },
                    terminal::line(&e.calendar),
                    short_uid(&o.uid),
                );
                for at in &o.attendees {
                    line.push_str(&format!(
                        "      {} {}\n",
                        terminal::line(&at.address),
                        at.partstat.to_lowercase()
                    ));
                }
                days.entry(day).or_default().push(line);
            }
            day += chrono::TimeDelta::days(1);
            n += 1;
        }
    }
    let mut s = String::new();
    for (day, lines) in &days {
        s.push_str(&format!("{}\n", day.format("%A %Y-%m-%d")));
        for l in lines {
            s.push_str(l);
        }
    }
    if let Some(d) = &a.description {
        s.push_str(&format!("\n{}\n", terminal::block(d)));
    }
    if a.events.is_empty() {
        s.push_str("No appointments.\n");
    }
    for t in &a.truncated {
        s.push_str(&format!(
            "Series {} has more than {} occurrences: only the first are shown.\n",
            short_uid(t),
            kapsel_calendar::ical::MAX_OCCURRENCES
        ));
    }
    if a.unreadable > 0 {
        s.push_str(&format!(
            "{} object(s) from the server cannot be read (kept as sent; see `kapsel sync status`).\n",
            a.unreadable
        ));
    }
    s
}

/// UIDs are long; the first 12 characters find an object (commands take any unique prefix).
fn short_uid(uid: &str) -> String {
    terminal::line(&uid.chars().take(12).collect::<String>())
}

pub fn run_cal(root: &Path, cmd: CalCommand, out: Out) -> Result<()> {
    match cmd {
        CalCommand::Today => agenda(root, Window::Today, out),
        CalCommand::Week => agenda(root, Window::Week, out),
        CalCommand::Next => agenda(root, Window::Next, out),
        CalCommand::Days { from, days } => agenda(root, Window::Days { from, days }, out),
        CalCommand::Show { uid } => {
            let answer = call(root, GroupwareRequest::Show { uid })?;
            let a = expect(answer, GroupwareAnswer::agenda)?;
            out.show(&a, agenda_text);
            Ok(())
        }
        CalCommand::Add {
            title,
            start,
            end,
            duration,
            location,
            description,
            calendar,
            repeat,
            remind,
            attendees,
        } => done(
            root,
            GroupwareRequest::AddEvent {
                event: NewEvent {
                    title,
                    start,
                    end,
                    duration_minutes: duration,
                    location,
                    description,
                    calendar,
                    attendees,
                    organizer: None,
                    rrule: repeat,
                    alarm_minutes: remind,
                },
            },
            out,
        ),
        CalCommand::Edit {
            uid,
            title,
            start,
            end,
            location,
            description,
        } => done(
            root,
            GroupwareRequest::EditEvent {
                uid,
                changes: EventChanges {
                    title,
                    start,
                    end,
                    location,
                    description,
                },
            },
            out,
        ),
        CalCommand::Rm { uid } => done(root, GroupwareRequest::RemoveEvent { uid }, out),
        CalCommand::Invitations => {
            let answer = call(root, GroupwareRequest::Invitations)?;
            out.show(&answer, |a| {
                let GroupwareAnswer::Invitations { invitations } = a else {
                    return String::new();
                };
                let mut s = String::new();
                for i in invitations {
                    s.push_str(&format!(
                        "{:>6}  {}  {}  from {}  [{}]\n",
                        i.message,
                        i.start
                            .map_or("?".into(), |t| t.format("%Y-%m-%d %H:%M").to_string()),
                        terminal::line(&i.summary),
                        terminal::line(i.organizer.as_deref().unwrap_or("?")),
                        i.my_status.to_lowercase(),
                    ));
                }
                if invitations.is_empty() {
                    s.push_str("No invitations.\n");
                } else {
                    s.push_str(
                        "Answer with `kapsel cal respond MESSAGE accept|tentative|decline`.\n",
                    );
                }
                s
            });
            Ok(())
        }
        CalCommand::Respond { message, answer } => {
            let a = call(
                root,
                GroupwareRequest::Respond {
                    message,
                    answer: answer.into(),
                },
            )?;
            out.show(&a, |a| {
                let GroupwareAnswer::Responded { responded, done } = a else {
                    return String::new();
                };
                let mut s = format!(
                    "{}{}; the reply to the organiser is {}.\n",
                    responded.partstat.to_lowercase(),
                    if responded.in_calendar {
                        ", in your calendar"
                    } else {
                        ""
                    },
                    if responded.reply_queued {
                        "in the outbox"
                    } else {
                        "NOT queued (mail is not available)"
                    }
                );
                if let Some(r) = done.as_ref().and_then(|d| d.replay.as_ref()) {
                    s.push_str(&replay_text(r));
                }
                s
            });
            Ok(())
        }
    }
}

fn tasks_text(t: &TasksAnswer) -> String {
    let mut s = String::new();
    for e in &t.tasks {
        let task = &e.task;
        s.push_str(&format!(
            "{} {}{}{}{}  [{}] {}\n",
            if task.is_done() {
                "[x]"
            } else if e.overdue {
                "[!]"
            } else {
                "[ ]"
            },
            terminal::line(&task.summary),
            task.due
                .map_or(String::new(), |d| if d.time() == chrono::NaiveTime::MIN {
                    format!("  due {}", d.format("%Y-%m-%d"))
                } else {
                    format!("  due {}", d.format("%Y-%m-%d %H:%M"))
                }),
            task.priority
                .map_or(String::new(), |p| format!("  priority {p}")),
            task.percent
                .filter(|p| *p > 0 && *p < 100)
                .map_or(String::new(), |p| format!("  {p} %")),
            terminal::line(&e.list),
            short_uid(&task.uid),
        ));
        if !task.categories.is_empty() {
            s.push_str(&format!(
                "    {}\n",
                terminal::line(&task.categories.join(", "))
            ));
        }
    }
    if t.tasks.is_empty() {
        s.push_str("No tasks.\n");
    }
    let overdue = t.tasks.iter().filter(|e| e.overdue).count();
    if overdue > 0 {
        s.push_str(&format!("{overdue} overdue.\n"));
    }
    s
}

pub fn run_tasks(root: &Path, cmd: Option<TasksCommand>, out: Out) -> Result<()> {
    let list = |all: bool, overdue: bool| -> Result<()> {
        let answer = call(root, GroupwareRequest::Tasks { all, overdue })?;
        let t = expect(answer, GroupwareAnswer::tasks)?;
        out.show(&t, tasks_text);
        Ok(())
    };
    match cmd.unwrap_or(TasksCommand::List {
        all: false,
        overdue: false,
    }) {
        TasksCommand::List { all, overdue } => list(all, overdue),
        TasksCommand::Overdue => list(false, true),
        TasksCommand::Add {
            title,
            due,
            start,
            priority,
            categories,
            description,
            list,
        } => done(
            root,
            GroupwareRequest::AddTask {
                task: NewTask {
                    title,
                    due,
                    start,
                    priority,
                    categories,
                    description,
                    list,
                },
            },
            out,
        ),
        TasksCommand::Done { uid } => done(
            root,
            GroupwareRequest::EditTask {
                uid,
                changes: TaskChanges {
                    done: true,
                    ..TaskChanges::default()
                },
            },
            out,
        ),
        TasksCommand::Edit {
            uid,
            title,
            due,
            priority,
            status,
            percent,
            categories,
        } => done(
            root,
            GroupwareRequest::EditTask {
                uid,
                changes: TaskChanges {
                    title,
                    due,
                    priority,
                    status,
                    percent,
                    categories,
                    done: false,
                },
            },
            out,
        ),
        TasksCommand::Rm { uid } => done(root, GroupwareRequest::RemoveTask { uid }, out),
    }
}

fn contacts_text(c: &ContactsAnswer) -> String {
    let mut s = String::new();
    for e in &c.contacts {
        let k = &e.contact;
        s.push_str(&format!(
            "{}  [{}] {}\n",
            terminal::line(&k.name),
            terminal::line(&e.book),
            short_uid(&k.uid)
        ));
        for m in &k.emails {
            s.push_str(&format!("  Mail        {}\n", terminal::line(m)));
        }
        for p in &k.phones {
            s.push_str(&format!("  Phone       {}\n", terminal::line(p)));
        }
        if let Some(o) = &k.organization {
            s.push_str(&format!("  Org.        {}\n", terminal::line(o)));
        }
        if let Some(t) = &k.title {
            s.push_str(&format!("  Title       {}\n", terminal::line(t)));
        }
    }
    s.push_str(&match c.contacts.len() {
        0 => "No contacts.\n".to_string(),
        1 => "1 contact.\n".to_string(),
        n => format!("{n} contacts.\n"),
    });
    s
}

/// The personal contacts matching `query` (for name resolution in mail).
pub fn search_contacts(root: &Path, query: &str) -> Result<ContactsAnswer> {
    let answer = call(
        root,
        GroupwareRequest::Contacts {
            query: Some(query.to_string()),
        },
    )?;
    expect(answer, GroupwareAnswer::contacts)
}

pub fn run_contacts(root: &Path, cmd: ContactsCommand, out: Out) -> Result<()> {
    match cmd {
        ContactsCommand::List | ContactsCommand::Search { .. } => {
            let query = match cmd {
                ContactsCommand::Search { query } => Some(query),
                _ => None,
            };
            let answer = call(root, GroupwareRequest::Contacts { query })?;
            let c = expect(answer, GroupwareAnswer::contacts)?;
            out.show(&c, contacts_text);
            Ok(())
        }
        ContactsCommand::Add {
            name,
            emails,
            phones,
            org,
            title,
            book,
        } => done(
            root,
            GroupwareRequest::AddContact {
                contact: Contact {
                    uid: String::new(),
                    name,
                    emails,
                    phones,
                    organization: org,
                    title,
                    version: "4.0".into(),
                },
                book,
            },
            out,
        ),
        ContactsCommand::Edit {
            uid,
            name,
            emails,
            phones,
            org,
            title,
        } => done(
            root,
            GroupwareRequest::EditContact {
                uid,
                changes: ContactChanges {
                    name,
                    emails,
                    phones,
                    organization: org,
                    title,
                },
            },
            out,
        ),
        ContactsCommand::Rm { uid } => done(root, GroupwareRequest::RemoveContact { uid }, out),
    }
}

/// Sync calendars, task lists and address books; `None` when the tenant names no server.
pub fn sync_now(root: &Path) -> Result<Option<SyncReport>> {
    match call(root, GroupwareRequest::Sync) {
        Ok(GroupwareAnswer::Synced(r)) => Ok(Some(r)),
        Ok(_) => Err(Error::Agent("the agent answered something else".into())),
        Err(Error::Remote { kind, .. }) if kind == "policy" => Ok(None),
        Err(e) => Err(e),
    }
}

pub fn sync_text(r: &SyncReport) -> String {
    let mut s = String::new();
    for c in &r.collections {
        s.push_str(&format!(
            "{:<30} {:>5} new {:>5} changed {:>5} removed{} ({})\n",
            terminal::line(&c.name),
            c.counts.added,
            c.counts.changed,
            c.counts.removed,
            if c.counts.unreadable > 0 {
                format!(", {} unreadable", c.counts.unreadable)
            } else {
                String::new()
            },
            c.counts.method
        ));
    }
    s.push_str(&replay_text(&r.replay));
    for e in &r.errors {
        s.push_str(&format!("Error: {}\n", terminal::line(e)));
    }
    s
}

pub fn status(root: &Path) -> Result<Option<kapsel_calendar::Status>> {
    match call(root, GroupwareRequest::Status) {
        Ok(GroupwareAnswer::Status(s)) => Ok(Some(s)),
        Ok(_) => Err(Error::Agent("the agent answered something else".into())),
        Err(Error::Remote { kind, .. }) if kind == "policy" => Ok(None),
        Err(e) => Err(e),
    }
}

pub fn status_text(st: &kapsel_calendar::Status) -> String {
    let mut s = String::new();
    for c in &st.collections {
        s.push_str(&format!(
            "{:<30} {:>6} objects{}  synced {} ({})\n",
            terminal::line(&c.name),
            c.objects,
            if c.unreadable > 0 {
                format!(", {} unreadable", c.unreadable)
            } else {
                String::new()
            },
            if c.synced_ms == 0 {
                "never".into()
            } else {
                format_ts(c.synced_ms)
            },
            c.method
        ));
    }
    s.push_str(&format!("Queued changes: {}\n", st.queued.len()));
    for q in &st.queued {
        s.push_str(&format!(
            "  {}{}\n",
            terminal::line(&q.what),
            q.failed.as_deref().map_or(String::new(), |f| format!(
                " — refused: {}",
                terminal::line(f)
            ))
        ));
    }
    s
}
