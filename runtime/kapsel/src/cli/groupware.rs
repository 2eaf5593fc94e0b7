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
use kapsel_i18n::{Catalog, t};

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
    pick(answer).ok_or_else(unexpected_answer)
}

fn unexpected_answer() -> Error {
    Error::Agent(t!(kapsel_i18n::current(), "cli-pim-unexpected-answer"))
}

/// A participation status (iCalendar PARTSTAT) as people read it; one Kapsel does not know
/// is shown as sent.
fn partstat(cat: &Catalog, status: &str) -> String {
    match status.to_ascii_uppercase().as_str() {
        "ACCEPTED" => t!(cat, "cli-pim-partstat-accepted"),
        "DECLINED" => t!(cat, "cli-pim-partstat-declined"),
        "TENTATIVE" => t!(cat, "cli-pim-partstat-tentative"),
        "NEEDS-ACTION" => t!(cat, "cli-pim-partstat-needs-action"),
        "DELEGATED" => t!(cat, "cli-pim-partstat-delegated"),
        _ => status.to_lowercase(),
    }
}

/// A date: ISO 8601 in English (as scripts have always read it), the locale's form where the
/// catalogue asks for it.
fn date_text(cat: &Catalog, d: chrono::NaiveDate) -> String {
    t!(
        cat,
        "cli-pim-date",
        iso = d.format("%Y-%m-%d").to_string(),
        local = cat.formats().date(d)
    )
}

fn datetime_text(cat: &Catalog, dt: chrono::NaiveDateTime) -> String {
    t!(
        cat,
        "cli-pim-datetime",
        iso = dt.format("%Y-%m-%d %H:%M").to_string(),
        local = cat.formats().datetime(dt)
    )
}

fn weekday(cat: &Catalog, d: chrono::Weekday) -> String {
    use chrono::Weekday::*;
    match d {
        Mon => t!(cat, "cli-pim-weekday-mon"),
        Tue => t!(cat, "cli-pim-weekday-tue"),
        Wed => t!(cat, "cli-pim-weekday-wed"),
        Thu => t!(cat, "cli-pim-weekday-thu"),
        Fri => t!(cat, "cli-pim-weekday-fri"),
        Sat => t!(cat, "cli-pim-weekday-sat"),
        Sun => t!(cat, "cli-pim-weekday-sun"),
    }
}

fn done(root: &Path, request: GroupwareRequest, out: Out) -> Result<()> {
    let answer = call(root, request)?;
    let d = expect(answer, GroupwareAnswer::done)?;
    let cat = kapsel_i18n::current();
    out.show(&d, |d| {
        let mut s = t!(
            cat,
            "cli-pim-done",
            message = terminal::line(&d.message),
            uid = terminal::line(&d.uid)
        ) + "\n";
        if d.invited > 0 {
            s.push_str(&t!(cat, "cli-pim-invited", count = d.invited));
            s.push('\n');
        }
        if let Some(r) = &d.replay {
            s.push_str(&replay_text(cat, r));
        }
        s
    });
    Ok(())
}

fn replay_text(cat: &Catalog, r: &kapsel_calendar::Replay) -> String {
    let mut lines = Vec::new();
    if let Some(why) = &r.offline {
        lines.push(t!(
            cat,
            "cli-pim-offline",
            reason = terminal::line(why),
            count = r.pending
        ));
    } else if r.sent > 0 {
        lines.push(t!(cat, "cli-pim-sent", count = r.sent));
    }
    for m in &r.merged {
        lines.push(t!(cat, "cli-pim-merged", what = terminal::line(m)));
    }
    for k in &r.kept_both {
        lines.push(t!(cat, "cli-pim-kept-both", what = terminal::line(k)));
    }
    for f in &r.refused {
        lines.push(t!(cat, "cli-pim-refused", what = terminal::line(f)));
    }
    lines.iter().map(|l| format!("{l}\n")).collect()
}

fn agenda(root: &Path, window: Window, out: Out) -> Result<()> {
    let answer = call(root, GroupwareRequest::Agenda { window })?;
    let a = expect(answer, GroupwareAnswer::agenda)?;
    out.show(&a, |a| agenda_text(kapsel_i18n::current(), a));
    Ok(())
}

fn agenda_text(cat: &Catalog, a: &AgendaAnswer) -> String {
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
                    // As wide as "10:00–11:00", counted in characters.
                    format!("{:<11}", t!(cat, "cli-pim-all-day"))
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
                    if o.recurring {
                        format!(" {}", t!(cat, "cli-pim-series"))
                    } else {
                        String::new()
                    },
                    if span > 1 {
                        format!(
                            " {}",
                            t!(
                                cat,
                                "cli-pim-day-of",
                                n = n.to_string(),
                                span = span.to_string()
                            )
                        )
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
                        partstat(cat, &at.partstat)
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
        s.push_str(&t!(
            cat,
            "cli-pim-day-heading",
            weekday = weekday(cat, chrono::Datelike::weekday(day)),
            date = date_text(cat, *day)
        ));
        s.push('\n');
        for l in lines {
            s.push_str(l);
        }
    }
    if let Some(d) = &a.description {
        s.push_str(&format!("\n{}\n", terminal::block(d)));
    }
    if a.events.is_empty() {
        s.push_str(&t!(cat, "cli-pim-no-appointments"));
        s.push('\n');
    }
    for uid in &a.truncated {
        s.push_str(&t!(
            cat,
            "cli-pim-series-truncated",
            uid = short_uid(uid),
            max = kapsel_calendar::ical::MAX_OCCURRENCES.to_string()
        ));
        s.push('\n');
    }
    if a.unreadable > 0 {
        s.push_str(&t!(cat, "cli-pim-unreadable", count = a.unreadable));
        s.push('\n');
    }
    s
}

/// UIDs are long; the first 12 characters find an object (commands take any unique prefix).
fn short_uid(uid: &str) -> String {
    terminal::line(&uid.chars().take(12).collect::<String>())
}

pub fn run_cal(root: &Path, cmd: CalCommand, out: Out) -> Result<()> {
    let cat = kapsel_i18n::current();
    match cmd {
        CalCommand::Today => agenda(root, Window::Today, out),
        CalCommand::Week => agenda(root, Window::Week, out),
        CalCommand::Next => agenda(root, Window::Next, out),
        CalCommand::Days { from, days } => agenda(root, Window::Days { from, days }, out),
        CalCommand::Show { uid } => {
            let answer = call(root, GroupwareRequest::Show { uid })?;
            let a = expect(answer, GroupwareAnswer::agenda)?;
            out.show(&a, |a| agenda_text(cat, a));
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
                        "{:>6}  {}  {}  {}  [{}]\n",
                        i.message,
                        i.start
                            .map_or("?".into(), |t| datetime_text(cat, t.naive_local())),
                        terminal::line(&i.summary),
                        t!(
                            cat,
                            "cli-pim-invitation-from",
                            organizer = terminal::line(i.organizer.as_deref().unwrap_or("?"))
                        ),
                        partstat(cat, &i.my_status),
                    ));
                }
                if invitations.is_empty() {
                    s.push_str(&t!(cat, "cli-pim-no-invitations"));
                } else {
                    s.push_str(&t!(cat, "cli-pim-invitations-answer"));
                }
                s.push('\n');
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
                let place = if responded.in_calendar {
                    t!(cat, "cli-pim-responded-in-calendar")
                } else {
                    String::new()
                };
                let reply = if responded.reply_queued {
                    t!(cat, "cli-pim-reply-queued")
                } else {
                    t!(cat, "cli-pim-reply-not-queued")
                };
                let mut s = t!(
                    cat,
                    "cli-pim-responded",
                    status = partstat(cat, &responded.partstat),
                    place = place,
                    reply = reply
                ) + "\n";
                if let Some(r) = done.as_ref().and_then(|d| d.replay.as_ref()) {
                    s.push_str(&replay_text(cat, r));
                }
                s
            });
            Ok(())
        }
    }
}

fn tasks_text(cat: &Catalog, t: &TasksAnswer) -> String {
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
            task.due.map_or(String::new(), |d| {
                let date = if d.time() == chrono::NaiveTime::MIN {
                    date_text(cat, d.date_naive())
                } else {
                    datetime_text(cat, d.naive_local())
                };
                format!("  {}", t!(cat, "cli-pim-due", date = date))
            }),
            task.priority.map_or(String::new(), |p| format!(
                "  {}",
                t!(cat, "cli-pim-priority", priority = p.to_string())
            )),
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
        s.push_str(&t!(cat, "cli-pim-no-tasks"));
        s.push('\n');
    }
    let overdue = t.tasks.iter().filter(|e| e.overdue).count();
    if overdue > 0 {
        s.push_str(&t!(cat, "cli-pim-overdue", count = overdue));
        s.push('\n');
    }
    s
}

pub fn run_tasks(root: &Path, cmd: Option<TasksCommand>, out: Out) -> Result<()> {
    let list = |all: bool, overdue: bool| -> Result<()> {
        let answer = call(root, GroupwareRequest::Tasks { all, overdue })?;
        let t = expect(answer, GroupwareAnswer::tasks)?;
        out.show(&t, |t| tasks_text(kapsel_i18n::current(), t));
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

fn contacts_text(cat: &Catalog, c: &ContactsAnswer) -> String {
    let [mail, phone, org, title] = [
        t!(cat, "cli-pim-contact-mail"),
        t!(cat, "cli-pim-contact-phone"),
        t!(cat, "cli-pim-contact-org"),
        t!(cat, "cli-pim-contact-title"),
    ];
    // One column for the values, counted in characters: at least 12, wider for longer labels.
    let w = [&mail, &phone, &org, &title]
        .iter()
        .map(|l| l.chars().count())
        .max()
        .unwrap_or(0)
        .max(11);
    let field = |label: &str, value: &str| format!("  {label:<w$} {}\n", terminal::line(value));
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
            s.push_str(&field(&mail, m));
        }
        for p in &k.phones {
            s.push_str(&field(&phone, p));
        }
        if let Some(o) = &k.organization {
            s.push_str(&field(&org, o));
        }
        if let Some(t) = &k.title {
            s.push_str(&field(&title, t));
        }
    }
    s.push_str(&match c.contacts.len() {
        0 => t!(cat, "cli-pim-no-contacts"),
        1 => t!(cat, "cli-pim-one-contact"),
        n => t!(cat, "cli-pim-contacts", count = n),
    });
    s.push('\n');
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
            out.show(&c, |c| contacts_text(kapsel_i18n::current(), c));
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
        Ok(_) => Err(unexpected_answer()),
        Err(Error::Remote { kind, .. }) if kind == "policy" => Ok(None),
        Err(e) => Err(e),
    }
}

pub fn sync_text(r: &SyncReport) -> String {
    sync_text_in(kapsel_i18n::current(), r)
}

fn sync_text_in(cat: &Catalog, r: &SyncReport) -> String {
    let (new, changed, removed) = (
        t!(cat, "cli-pim-sync-new"),
        t!(cat, "cli-pim-sync-changed"),
        t!(cat, "cli-pim-sync-removed"),
    );
    let mut s = String::new();
    for c in &r.collections {
        s.push_str(&format!(
            "{:<30} {:>5} {new} {:>5} {changed} {:>5} {removed}{} ({})\n",
            terminal::line(&c.name),
            c.counts.added,
            c.counts.changed,
            c.counts.removed,
            unreadable_suffix(cat, c.counts.unreadable),
            c.counts.method
        ));
    }
    s.push_str(&replay_text(cat, &r.replay));
    for e in &r.errors {
        s.push_str(&t!(cat, "cli-pim-sync-error", error = terminal::line(e)));
        s.push('\n');
    }
    s
}

/// ", 3 unreadable" after a collection's counts, or nothing.
fn unreadable_suffix(cat: &Catalog, n: usize) -> String {
    if n > 0 {
        t!(cat, "cli-pim-unreadable-suffix", count = n.to_string())
    } else {
        String::new()
    }
}

pub fn status(root: &Path) -> Result<Option<kapsel_calendar::Status>> {
    match call(root, GroupwareRequest::Status) {
        Ok(GroupwareAnswer::Status(s)) => Ok(Some(s)),
        Ok(_) => Err(unexpected_answer()),
        Err(Error::Remote { kind, .. }) if kind == "policy" => Ok(None),
        Err(e) => Err(e),
    }
}

pub fn status_text(st: &kapsel_calendar::Status) -> String {
    status_text_in(kapsel_i18n::current(), st)
}

fn status_text_in(cat: &Catalog, st: &kapsel_calendar::Status) -> String {
    let objects = t!(cat, "cli-pim-status-objects");
    let mut s = String::new();
    for c in &st.collections {
        let synced = if c.synced_ms == 0 {
            t!(cat, "cli-pim-status-never")
        } else {
            format_ts(c.synced_ms)
        };
        s.push_str(&format!(
            "{:<30} {:>6} {objects}{}  {} ({})\n",
            terminal::line(&c.name),
            c.objects,
            unreadable_suffix(cat, c.unreadable),
            t!(cat, "cli-pim-status-synced", when = synced),
            c.method
        ));
    }
    s.push_str(&t!(cat, "cli-pim-status-queued", count = st.queued.len()));
    s.push('\n');
    for q in &st.queued {
        s.push_str(&format!(
            "  {}{}\n",
            terminal::line(&q.what),
            q.failed.as_deref().map_or(String::new(), |f| format!(
                " {}",
                t!(cat, "cli-pim-status-refused", reason = terminal::line(f))
            ))
        ));
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use kapsel_i18n::Lang;
    use serde_json::json;

    fn en() -> Catalog {
        Catalog::new(Lang::En)
    }

    fn de() -> Catalog {
        Catalog::new(Lang::De)
    }

    fn agenda() -> AgendaAnswer {
        serde_json::from_value(json!({
            "from": null,
            "to": null,
            "events": [
                {
                    "calendar": "Work",
                    "uid": "aaaaaaaaaaaaXYZ",
                    "summary": "Jour fixe",
                    "location": "Raum 1",
                    "start": "2026-12-02T10:00:00+01:00",
                    "end": "2026-12-02T11:00:00+01:00",
                    "all_day": false,
                    "recurring": true,
                    "attendees": [{ "address": "bob@corp.test", "partstat": "ACCEPTED" }]
                },
                {
                    "calendar": "Work",
                    "uid": "b",
                    "summary": "Klausur",
                    "start": "2026-12-03T09:00:00+01:00",
                    "end": "2026-12-05T17:00:00+01:00",
                    "all_day": false,
                    "recurring": false
                }
            ],
            "unreadable": 2,
            "truncated": ["cccccccccccccccc"],
            "description": null
        }))
        .unwrap()
    }

    #[test]
    fn the_agenda_reads_as_before_in_english_and_in_german() {
        assert_eq!(
            agenda_text(&en(), &agenda()),
            "Wednesday 2026-12-02\n\
             \x20 10:00–11:00  Jour fixe @ Raum 1 (series)  [Work] aaaaaaaaaaaa\n\
             \x20     bob@corp.test accepted\n\
             Thursday 2026-12-03\n\
             \x20 09:00–       Klausur (day 1/3)  [Work] b\n\
             Friday 2026-12-04\n\
             \x20 all day      Klausur (day 2/3)  [Work] b\n\
             Saturday 2026-12-05\n\
             \x20      –17:00  Klausur (day 3/3)  [Work] b\n\
             Series cccccccccccc has more than 10000 occurrences: only the first are shown.\n\
             2 object(s) from the server cannot be read (kept as sent; see `kapsel sync status`).\n"
        );
        let text = agenda_text(&de(), &agenda());
        for part in [
            "Mittwoch, 02.12.2026\n",
            "  10:00–11:00  Jour fixe @ Raum 1 (Serie)  [Work]",
            "bob@corp.test zugesagt\n",
            "  ganztägig    Klausur (Tag 2/3)  [Work] b\n",
            "Samstag, 05.12.2026\n",
            "2 Objekte vom Server können nicht gelesen werden (",
        ] {
            assert!(text.contains(part), "{part:?} not in\n{text}");
        }
        let empty = AgendaAnswer::default();
        assert_eq!(agenda_text(&en(), &empty), "No appointments.\n");
        assert_eq!(agenda_text(&de(), &empty), "Keine Termine.\n");
    }

    #[test]
    fn tasks_read_as_before_in_english_and_in_german() {
        let tasks: TasksAnswer = serde_json::from_value(json!({
            "tasks": [
                {
                    "list": "Aufgaben", "overdue": true, "uid": "t1", "summary": "Bericht",
                    "due": "2030-01-31T00:00:00+01:00", "priority": 3, "status": "NEEDS-ACTION",
                    "percent": 50, "categories": ["Finanzen", "Q1"]
                },
                {
                    "list": "Aufgaben", "overdue": false, "uid": "t2", "summary": "Anruf",
                    "due": "2026-12-02T14:30:00+01:00", "status": "COMPLETED"
                }
            ],
            "unreadable": 0
        }))
        .unwrap();
        assert_eq!(
            tasks_text(&en(), &tasks),
            "[!] Bericht  due 2030-01-31  priority 3  50 %  [Aufgaben] t1\n    Finanzen, Q1\n\
             [x] Anruf  due 2026-12-02 14:30  [Aufgaben] t2\n1 overdue.\n"
        );
        assert_eq!(
            tasks_text(&de(), &tasks),
            "[!] Bericht  fällig 31.01.2030  Priorität 3  50 %  [Aufgaben] t1\n    Finanzen, Q1\n\
             [x] Anruf  fällig 02.12.2026 14:30  [Aufgaben] t2\n1 überfällig.\n"
        );
    }

    #[test]
    fn contacts_keep_their_column_in_both_languages() {
        let contacts: ContactsAnswer = serde_json::from_value(json!({
            "contacts": [{
                "book": "Privat", "uid": "k1", "name": "Jan Muster",
                "emails": ["jan@example.org"], "phones": ["+49 30 1234"],
                "organization": "Amt", "title": "Referent", "version": "4.0"
            }],
            "unreadable": 0
        }))
        .unwrap();
        assert_eq!(
            contacts_text(&en(), &contacts),
            "Jan Muster  [Privat] k1\n  Mail        jan@example.org\n  Phone       +49 30 1234\n\
             \x20 Org.        Amt\n  Title       Referent\n1 contact.\n"
        );
        assert_eq!(
            contacts_text(&de(), &contacts),
            "Jan Muster  [Privat] k1\n  E-Mail       jan@example.org\n  Telefon      +49 30 1234\n\
             \x20 Organisation Amt\n  Funktion     Referent\n1 Kontakt.\n"
        );
        let none = ContactsAnswer::default();
        assert_eq!(contacts_text(&en(), &none), "No contacts.\n");
        assert_eq!(contacts_text(&de(), &none), "Keine Kontakte.\n");
    }

    #[test]
    fn sync_and_status_read_as_before_in_english() {
        let report: SyncReport = serde_json::from_value(json!({
            "collections": [{
                "name": "Work", "kind": "calendar", "added": 3, "changed": 0, "removed": 1,
                "unreadable": 2, "method": "sync-collection"
            }],
            "replay": {
                "sent": 2, "merged": ["Jour fixe"], "kept_both": ["Klausur"],
                "refused": ["Feier: 403"], "pending": 0
            },
            "errors": ["dav.example: TLS"]
        }))
        .unwrap();
        let pad = " ".repeat(26);
        assert_eq!(
            sync_text_in(&en(), &report),
            format!(
                "Work{pad}     3 new     0 changed     1 removed, 2 unreadable (sync-collection)\n\
                 Sent to the server: 2.\n\
                 Merged with a change made elsewhere: Jour fixe\n\
                 Changed elsewhere at the same time: both versions are kept (Klausur); the copy is marked \"conflict copy\".\n\
                 Refused by the server: Feier: 403\n\
                 Error: dav.example: TLS\n"
            )
        );
        let german = sync_text_in(&de(), &report);
        assert!(
            german.contains("    3 neu     0 geändert     1 entfernt, 2 nicht lesbar (")
                && german.contains("Fehler: dav.example: TLS\n"),
            "{german}"
        );
        let offline = kapsel_calendar::Replay {
            offline: Some("timeout".into()),
            pending: 3,
            ..Default::default()
        };
        assert_eq!(
            replay_text(&en(), &offline),
            "The server cannot be reached (timeout): 3 change(s) wait in the queue and go out at the next sync.\n"
        );
        assert!(replay_text(&de(), &offline).contains("(timeout): 3 Änderungen warten"));

        let status: kapsel_calendar::Status = serde_json::from_value(json!({
            "collections": [{
                "name": "Work", "kind": "calendar", "objects": 12, "unreadable": 0,
                "synced_ms": 0, "method": "etag"
            }],
            "queued": [{ "what": "add Feier", "failed": "403 Forbidden" }, { "what": "edit X" }]
        }))
        .unwrap();
        assert_eq!(
            status_text_in(&en(), &status),
            format!(
                "Work{pad}     12 objects  synced never (etag)\nQueued changes: 2\n\
                 \x20 add Feier — refused: 403 Forbidden\n  edit X\n"
            )
        );
        assert!(status_text_in(&de(), &status).contains("Änderungen in der Warteschlange: 2\n"));
    }

    #[test]
    fn participation_words_are_translated_and_unknown_ones_kept() {
        assert_eq!(partstat(&en(), "NEEDS-ACTION"), "needs-action");
        assert_eq!(partstat(&de(), "DECLINED"), "abgesagt");
        assert_eq!(partstat(&de(), "X-ODD"), "x-odd");
    }
}
