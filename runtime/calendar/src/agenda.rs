//! The questions the user asks of the sealed copies (what is on today, this week, next; which
//! tasks are open or overdue; who is in my address book) and the edits they make, turned
//! into objects for the queue. Reads need no server.

use chrono::{DateTime, Datelike, FixedOffset, TimeDelta, TimeZone, Utc};
use chrono_tz::Tz;
use kapsel_core::vault::Vault;
use kapsel_core::{Error, Result};
use kapsel_i18n::{current as cat, t};
use serde::{Deserialize, Serialize};

use crate::contacts::{self, Contact, ContactChanges};
use crate::edit::{self, Queued, Replay};
use crate::ical::{self, Moment, Occurrence, Task};
use crate::store::{self, Kind, StoredCollection, StoredObject};
use calcard::icalendar::ICalendarProperty;

/// Which days an agenda covers.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "lowercase")]
pub enum Window {
    Today,
    Week,
    /// The next appointment from now (within a year).
    Next,
    Days {
        from: String,
        days: u32,
    },
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Entry {
    pub calendar: String,
    #[serde(flatten)]
    pub occurrence: Occurrence,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct AgendaAnswer {
    pub from: Option<DateTime<FixedOffset>>,
    pub to: Option<DateTime<FixedOffset>>,
    pub events: Vec<Entry>,
    /// Objects that could not be read (kept as the server sent them).
    pub unreadable: usize,
    /// Series expanded only up to the bound (their later occurrences are not shown).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub truncated: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
}

fn is_zero(n: &usize) -> bool {
    *n == 0
}

fn start_of_day(local: Tz, day: chrono::NaiveDate) -> DateTime<Tz> {
    local
        .from_local_datetime(&day.and_hms_opt(0, 0, 0).unwrap_or_default())
        .earliest()
        .unwrap_or_else(|| local.from_utc_datetime(&day.and_hms_opt(0, 0, 0).unwrap_or_default()))
}

fn calendars(vault: &Vault, component: &str) -> Result<Vec<StoredCollection>> {
    Ok(store::collections(vault)?
        .into_iter()
        .filter(|c| c.kind == Kind::Calendar && c.holds(component))
        .collect())
}

/// Occurrences in `[from, to)` from every calendar, in order.
fn between(
    vault: &Vault,
    local: Tz,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> Result<AgendaAnswer> {
    let mut answer = AgendaAnswer::default();
    for coll in calendars(vault, "VEVENT")? {
        for (_, obj) in store::objects(vault, &coll.id)? {
            if obj.problem.is_some() {
                answer.unreadable += 1;
                continue;
            }
            if obj.component != "VEVENT" {
                continue;
            }
            // The stored span skips objects that cannot overlap without parsing them.
            if let Some(span) = &obj.span {
                let before = span.first_ms.is_some_and(|f| f >= to.timestamp_millis());
                let after = span.last_ms.is_some_and(|l| l < from.timestamp_millis());
                if span.first_ms.is_none() || before || after {
                    continue;
                }
            }
            let Ok(cal) = ical::parse(&obj.data) else {
                answer.unreadable += 1;
                continue;
            };
            let (occ, truncated) = ical::occurrences(&cal, local, from, to);
            if truncated {
                answer.truncated.push(obj.uid.clone().unwrap_or_default());
            }
            answer.events.extend(occ.into_iter().map(|o| Entry {
                calendar: coll.name.clone(),
                occurrence: o,
            }));
        }
    }
    answer.events.sort_by(|a, b| {
        (a.occurrence.start, &a.occurrence.summary)
            .cmp(&(b.occurrence.start, &b.occurrence.summary))
    });
    answer.from = Some(from.with_timezone(&local).fixed_offset());
    answer.to = Some(to.with_timezone(&local).fixed_offset());
    Ok(answer)
}

pub fn agenda(vault: &Vault, window: &Window, local: Tz) -> Result<AgendaAnswer> {
    let now = Utc::now();
    let today = now.with_timezone(&local).date_naive();
    match window {
        Window::Today => between(
            vault,
            local,
            start_of_day(local, today).with_timezone(&Utc),
            start_of_day(local, today + TimeDelta::days(1)).with_timezone(&Utc),
        ),
        Window::Week => {
            let monday = today - TimeDelta::days(i64::from(today.weekday().num_days_from_monday()));
            between(
                vault,
                local,
                start_of_day(local, monday).with_timezone(&Utc),
                start_of_day(local, monday + TimeDelta::days(7)).with_timezone(&Utc),
            )
        }
        Window::Days { from, days } => {
            let day = match Moment::parse(from, local).map_err(Error::invalid)? {
                Moment::Date(d) => d,
                Moment::At(t) => t.with_timezone(&local).date_naive(),
            };
            let days = (*days).clamp(1, 366);
            between(
                vault,
                local,
                start_of_day(local, day).with_timezone(&Utc),
                start_of_day(local, day + TimeDelta::days(i64::from(days))).with_timezone(&Utc),
            )
        }
        Window::Next => {
            // Widen the look-ahead step by step: usually the next appointment is this week.
            for days in [7, 35, 366] {
                let mut a = between(vault, local, now, now + TimeDelta::days(days))?;
                a.events
                    .retain(|e| e.occurrence.start.with_timezone(&Utc) >= now);
                if !a.events.is_empty() {
                    a.events.truncate(1);
                    return Ok(a);
                }
                if days == 366 {
                    return Ok(a);
                }
            }
            Ok(AgendaAnswer::default())
        }
    }
}

/// An object found by its UID (or a unique beginning of it, as the CLI shows it).
fn find(vault: &Vault, kind: Kind, uid: &str) -> Result<(StoredCollection, String, StoredObject)> {
    if uid.trim().is_empty() {
        return Err(Error::invalid(t!(cat(), "cal-no-uid")));
    }
    let mut found = Vec::new();
    for coll in store::collections(vault)?
        .into_iter()
        .filter(|c| c.kind == kind)
    {
        for (href, obj) in store::objects(vault, &coll.id)? {
            match obj.uid.as_deref() {
                Some(u) if u == uid => return Ok((coll, href, obj)),
                Some(u) if u.starts_with(uid) => found.push((coll.clone(), href, obj)),
                _ => {}
            }
        }
    }
    match found.len() {
        1 => Ok(found.remove(0)),
        0 => Err(Error::NotFound(t!(
            cat(),
            "cal-uid-not-found",
            uid = kapsel_core::terminal::line(uid)
        ))),
        n => Err(Error::invalid(t!(
            cat(),
            "cal-uid-ambiguous",
            count = n,
            uid = kapsel_core::terminal::line(uid)
        ))),
    }
}

/// The event (or task) object with exactly this UID.
pub fn find_event(vault: &Vault, uid: &str) -> Result<(StoredCollection, String, StoredObject)> {
    for coll in store::collections(vault)?
        .into_iter()
        .filter(|c| c.kind == Kind::Calendar)
    {
        for (href, obj) in store::objects(vault, &coll.id)? {
            if obj.uid.as_deref() == Some(uid) {
                return Ok((coll, href, obj));
            }
        }
    }
    Err(Error::NotFound(t!(
        cat(),
        "cal-no-event-uid",
        uid = kapsel_core::terminal::line(uid)
    )))
}

/// Write a whole event object: over the one with the same UID, or as a new one in the
/// first writable calendar.
pub fn put_event_text(vault: &Vault, uid: &str, data: String, local: Tz) -> Result<Done> {
    let (coll, href, if_match, base) = match find_event(vault, uid) {
        Ok((coll, href, obj)) => (coll, href, obj.etag.clone(), Some(obj.data)),
        Err(_) => {
            let coll = pick(vault, Kind::Calendar, "VEVENT", None)?;
            let href = href_in(&coll, uid, "ics")?;
            (coll, href, None, None)
        }
    };
    let create = base.is_none();
    edit::apply(
        vault,
        Kind::Calendar,
        Queued::put(
            &coll.id,
            href,
            data,
            if_match,
            base,
            t!(cat(), "cal-what-invitation", uid = uid),
        ),
        local,
    )?;
    Ok(Done {
        message: if create {
            t!(cat(), "cal-added-to", calendar = coll.name.as_str())
        } else {
            t!(cat(), "cal-updated")
        },
        uid: uid.to_string(),
        replay: None,
        invited: 0,
    })
}

pub fn show(vault: &Vault, uid: &str, local: Tz) -> Result<AgendaAnswer> {
    let (coll, _, obj) = find(vault, Kind::Calendar, uid)?;
    if let Some(p) = &obj.problem {
        return Err(Error::invalid(t!(
            cat(),
            "cal-unreadable-object",
            problem = p.as_str()
        )));
    }
    let cal = ical::parse(&obj.data).map_err(Error::invalid)?;
    let now = Utc::now();
    let (mut occ, truncated) = ical::occurrences(
        &cal,
        local,
        now - TimeDelta::days(366),
        now + TimeDelta::days(3660),
    );
    if occ.is_empty() {
        // An event long past or far ahead: its first occurrences, wherever they are.
        let far = Utc
            .with_ymd_and_hms(1900, 1, 1, 0, 0, 0)
            .single()
            .unwrap_or(now);
        occ = ical::occurrences(&cal, local, far, now + TimeDelta::days(365 * 200)).0;
    }
    occ.truncate(50);
    Ok(AgendaAnswer {
        from: None,
        to: None,
        events: occ
            .into_iter()
            .map(|o| Entry {
                calendar: coll.name.clone(),
                occurrence: o,
            })
            .collect(),
        unreadable: 0,
        truncated: if truncated {
            vec![uid.to_string()]
        } else {
            Vec::new()
        },
        description: ical::master(&cal)
            .and_then(|m| ical::text_of(m, ICalendarProperty::Description)),
    })
}

/// What an edit did, and what became of sending it.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct Done {
    pub message: String,
    pub uid: String,
    /// Invitations (or cancellations) queued in the mail outbox.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub invited: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub replay: Option<Replay>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct NewEvent {
    pub title: String,
    pub start: String,
    #[serde(default)]
    pub end: Option<String>,
    #[serde(default)]
    pub duration_minutes: Option<u32>,
    #[serde(default)]
    pub location: Option<String>,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub calendar: Option<String>,
    #[serde(default)]
    pub attendees: Vec<String>,
    #[serde(default)]
    pub organizer: Option<String>,
    /// An RRULE value, e.g. "FREQ=WEEKLY;COUNT=10".
    #[serde(default)]
    pub rrule: Option<String>,
    #[serde(default)]
    pub alarm_minutes: Option<u32>,
}

fn pick(
    vault: &Vault,
    kind: Kind,
    component: &str,
    name: Option<&str>,
) -> Result<StoredCollection> {
    let all: Vec<StoredCollection> = store::collections(vault)?
        .into_iter()
        .filter(|c| c.kind == kind && (kind == Kind::AddressBook || c.holds(component)))
        .collect();
    if all.is_empty() {
        return Err(Error::invalid(match kind {
            Kind::Calendar => t!(cat(), "cal-no-calendar-yet"),
            Kind::AddressBook => t!(cat(), "cal-no-address-book-yet"),
        }));
    }
    match name {
        Some(n) => all
            .into_iter()
            .find(|c| c.name.eq_ignore_ascii_case(n) || c.id == n)
            .ok_or_else(|| {
                Error::NotFound(t!(
                    cat(),
                    "cal-no-collection-named",
                    name = kapsel_core::terminal::line(n)
                ))
            }),
        None => Ok(all
            .iter()
            .find(|c| c.writable)
            .cloned()
            .unwrap_or_else(|| all[0].clone())),
    }
}

fn href_in(coll: &StoredCollection, uid: &str, ext: &str) -> Result<String> {
    let url = url::Url::parse(&coll.url).map_err(|e| Error::Tampered(e.to_string()))?;
    let mut path = url.path().to_string();
    if !path.ends_with('/') {
        path.push('/');
    }
    // The file name is derived from the UID but never is it: a UID may hold anything.
    let name = hex::encode(
        &sha2::Digest::finalize(<sha2::Sha256 as sha2::Digest>::new_with_prefix(
            uid.as_bytes(),
        ))[..12],
    );
    Ok(format!("{path}{name}.{ext}"))
}

/// The text fields an edit checks, as the messages name them.
#[derive(Clone, Copy)]
enum TextField {
    Title,
    Location,
    Description,
    Other,
}

impl TextField {
    fn name(self) -> String {
        match self {
            TextField::Title => t!(cat(), "cal-field-title"),
            TextField::Location => t!(cat(), "cal-field-location"),
            TextField::Description => t!(cat(), "cal-field-description"),
            TextField::Other => t!(cat(), "cal-field-other"),
        }
    }
}

fn check_text(what: TextField, text: &str) -> Result<()> {
    if text.len() > 64 * 1024 {
        return Err(Error::invalid(t!(
            cat(),
            "cal-text-too-long",
            what = what.name()
        )));
    }
    Ok(())
}

pub fn event_text(e: &NewEvent, uid: &str, local: Tz) -> Result<String> {
    if e.title.trim().is_empty() {
        return Err(Error::invalid(t!(cat(), "cal-event-needs-title")));
    }
    check_text(TextField::Title, &e.title)?;
    let start = Moment::parse(&e.start, local).map_err(Error::invalid)?;
    let end = match (&e.end, e.duration_minutes, start) {
        (Some(t), _, _) => Moment::parse(t, local).map_err(Error::invalid)?,
        (None, Some(m), Moment::At(s)) => Moment::At(s + TimeDelta::minutes(i64::from(m))),
        (None, None, Moment::At(s)) => Moment::At(s + TimeDelta::hours(1)),
        (None, _, Moment::Date(d)) => Moment::Date(d + TimeDelta::days(1)),
    };
    let ordered = match (start, end) {
        (Moment::At(s), Moment::At(t)) => t >= s,
        (Moment::Date(s), Moment::Date(t)) => t > s,
        _ => {
            return Err(Error::invalid(t!(cat(), "cal-mixed-moments")));
        }
    };
    if !ordered {
        return Err(Error::invalid(t!(cat(), "cal-end-before-start")));
    }
    let mut out = String::from(
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Kapsel//Kapsel 0.1//EN\r\nBEGIN:VEVENT\r\n",
    );
    ical::prop_line(&mut out, "UID", &ical::escape(uid));
    ical::prop_line(&mut out, "DTSTAMP", &ical::stamp());
    ical::prop_line(&mut out, "SEQUENCE", "0");
    ical::moment_line(&mut out, "DTSTART", &start, local);
    ical::moment_line(&mut out, "DTEND", &end, local);
    ical::prop_line(&mut out, "SUMMARY", &ical::escape(&e.title));
    if let Some(l) = e.location.as_deref().filter(|l| !l.is_empty()) {
        check_text(TextField::Location, l)?;
        ical::prop_line(&mut out, "LOCATION", &ical::escape(l));
    }
    if let Some(d) = e.description.as_deref().filter(|l| !l.is_empty()) {
        check_text(TextField::Description, d)?;
        ical::prop_line(&mut out, "DESCRIPTION", &ical::escape(d));
    }
    if let Some(r) = &e.rrule {
        if r.chars().any(|c| c.is_control() || c == ':') || r.len() > 512 {
            return Err(Error::invalid(t!(cat(), "cal-bad-rrule")));
        }
        ical::prop_line(&mut out, "RRULE", r.trim_start_matches("RRULE:"));
    }
    if !e.attendees.is_empty() {
        let organizer = e.organizer.as_deref().unwrap_or_default();
        if !organizer.is_empty() {
            ical::prop_line(
                &mut out,
                "ORGANIZER",
                &format!("mailto:{}", ical::escape(organizer)),
            );
        }
        for a in &e.attendees {
            if a.chars()
                .any(|c| c.is_control() || c == ':' || c == ';' || c == '"')
            {
                return Err(Error::invalid(t!(
                    cat(),
                    "cal-not-mail-address",
                    address = kapsel_core::terminal::line(a)
                )));
            }
            ical::prop_line(
                &mut out,
                "ATTENDEE;ROLE=REQ-PARTICIPANT;PARTSTAT=NEEDS-ACTION;RSVP=TRUE",
                &format!("mailto:{a}"),
            );
        }
    }
    if let Some(m) = e.alarm_minutes {
        out.push_str("BEGIN:VALARM\r\nACTION:DISPLAY\r\nDESCRIPTION:Reminder\r\n");
        ical::prop_line(&mut out, "TRIGGER", &format!("-PT{m}M"));
        out.push_str("END:VALARM\r\n");
    }
    out.push_str("END:VEVENT\r\nEND:VCALENDAR\r\n");
    // What Kapsel writes must read back, and a repeat rule must be one calcard accepts.
    let cal = ical::parse(&out).map_err(Error::invalid)?;
    let expanded = cal.expand_dates(calcard::common::timezone::Tz::Tz(local), 2);
    if let Some(err) = expanded.errors.first() {
        return Err(Error::invalid(t!(
            cat(),
            "cal-no-expand",
            error = format!("{:?}", err.error)
        )));
    }
    Ok(ical::with_timezones(cal))
}

/// Add an event; its text comes back for the invitation to its attendees.
pub fn add_event(vault: &Vault, e: &NewEvent, local: Tz) -> Result<(Done, String)> {
    let coll = pick(vault, Kind::Calendar, "VEVENT", e.calendar.as_deref())?;
    let uid = ical::new_uid();
    let data = event_text(e, &uid, local)?;
    let href = href_in(&coll, &uid, "ics")?;
    edit::apply(
        vault,
        Kind::Calendar,
        Queued::create(
            &coll.id,
            href,
            data.clone(),
            t!(cat(), "cal-what-add-event", title = e.title.as_str()),
        ),
        local,
    )?;
    Ok((
        Done {
            message: t!(cat(), "cal-event-added", calendar = coll.name.as_str()),
            uid,
            replay: None,
            invited: 0,
        },
        data,
    ))
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct EventChanges {
    pub title: Option<String>,
    pub start: Option<String>,
    pub end: Option<String>,
    pub location: Option<String>,
    pub description: Option<String>,
}

fn bump_sequence(comp: &mut calcard::icalendar::ICalendarComponent) {
    let seq = comp
        .property(&ICalendarProperty::Sequence)
        .and_then(|e| e.values.first())
        .and_then(|v| v.as_integer())
        .unwrap_or(0);
    ical::set(
        comp,
        ICalendarProperty::Sequence,
        ical::entry(&format!("SEQUENCE:{}", seq.saturating_add(1))),
    );
    ical::set(
        comp,
        ICalendarProperty::Dtstamp,
        ical::entry(&format!("DTSTAMP:{}", ical::stamp())),
    );
}

fn moment_entry(name: &str, m: &Moment, local: Tz) -> Option<calcard::icalendar::ICalendarEntry> {
    let mut line = String::new();
    ical::moment_line(&mut line, name, m, local);
    ical::entry(line.trim_end())
}

pub fn edit_event(vault: &Vault, uid: &str, ch: &EventChanges, local: Tz) -> Result<Done> {
    let (coll, href, obj) = find(vault, Kind::Calendar, uid)?;
    let mut cal = ical::parse(&obj.data).map_err(Error::invalid)?;
    let idx = cal
        .components
        .iter()
        .position(|c| {
            c.component_type == calcard::icalendar::ICalendarComponentType::VEvent
                && !c.has_property(&ICalendarProperty::RecurrenceId)
        })
        .ok_or_else(|| Error::invalid(t!(cat(), "cal-no-event-in-object")))?;
    let old_start = ical::when_of(&cal.components[idx], ICalendarProperty::Dtstart, local);
    let old_end = ical::when_of(&cal.components[idx], ICalendarProperty::Dtend, local);
    let comp = &mut cal.components[idx];
    if let Some(t) = &ch.title {
        check_text(TextField::Title, t)?;
        ical::set(
            comp,
            ICalendarProperty::Summary,
            ical::entry(&format!("SUMMARY:{}", ical::escape(t))),
        );
    }
    if let Some(l) = &ch.location {
        check_text(TextField::Location, l)?;
        let e = (!l.is_empty())
            .then(|| ical::entry(&format!("LOCATION:{}", ical::escape(l))))
            .flatten();
        ical::set(comp, ICalendarProperty::Location, e);
    }
    if let Some(d) = &ch.description {
        check_text(TextField::Description, d)?;
        let e = (!d.is_empty())
            .then(|| ical::entry(&format!("DESCRIPTION:{}", ical::escape(d))))
            .flatten();
        ical::set(comp, ICalendarProperty::Description, e);
    }
    if let Some(s) = &ch.start {
        let new = Moment::parse(s, local).map_err(Error::invalid)?;
        ical::set(
            comp,
            ICalendarProperty::Dtstart,
            moment_entry("DTSTART", &new, local),
        );
        // Moving the start keeps the length unless a new end is given.
        if ch.end.is_none()
            && let (Some((os, _)), Some((oe, _)), Moment::At(ns)) = (old_start, old_end, new)
        {
            let end = Moment::At(ns + (oe - os));
            ical::set(
                comp,
                ICalendarProperty::Dtend,
                moment_entry("DTEND", &end, local),
            );
        }
    }
    if let Some(e) = &ch.end {
        let new = Moment::parse(e, local).map_err(Error::invalid)?;
        ical::set(comp, ICalendarProperty::Duration, None);
        ical::set(
            comp,
            ICalendarProperty::Dtend,
            moment_entry("DTEND", &new, local),
        );
    }
    bump_sequence(comp);
    let data = ical::with_timezones(cal.clone());
    ical::parse(&data).map_err(Error::invalid)?;
    let title = ical::master(&cal)
        .and_then(|m| ical::text_of(m, ICalendarProperty::Summary))
        .unwrap_or_default();
    edit::apply(
        vault,
        Kind::Calendar,
        Queued::replace(
            &coll.id,
            href,
            data,
            &obj,
            t!(cat(), "cal-what-edit", title = title),
        ),
        local,
    )?;
    Ok(Done {
        message: t!(cat(), "cal-changed"),
        uid: obj.uid.unwrap_or_default(),
        replay: None,
        invited: 0,
    })
}

pub fn remove(vault: &Vault, kind: Kind, uid: &str, local: Tz) -> Result<Done> {
    let (coll, href, obj) = find(vault, kind, uid)?;
    edit::apply(
        vault,
        kind,
        Queued::delete(
            &coll.id,
            href,
            obj.etag.clone(),
            t!(
                cat(),
                "cal-what-remove",
                uid = obj.uid.clone().unwrap_or_default()
            ),
        ),
        local,
    )?;
    Ok(Done {
        message: t!(cat(), "cal-removed"),
        uid: obj.uid.unwrap_or_default(),
        replay: None,
        invited: 0,
    })
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct TaskEntry {
    pub list: String,
    pub overdue: bool,
    #[serde(flatten)]
    pub task: Task,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct TasksAnswer {
    pub tasks: Vec<TaskEntry>,
    pub unreadable: usize,
}

pub fn tasks(vault: &Vault, all: bool, overdue_only: bool, local: Tz) -> Result<TasksAnswer> {
    let now = Utc::now();
    let mut answer = TasksAnswer::default();
    for coll in calendars(vault, "VTODO")? {
        for (_, obj) in store::objects(vault, &coll.id)? {
            if obj.problem.is_some() {
                answer.unreadable += 1;
                continue;
            }
            if obj.component != "VTODO" {
                continue;
            }
            let Ok(cal) = ical::parse(&obj.data) else {
                continue;
            };
            for t in ical::tasks(&cal, local) {
                let overdue = t.is_overdue(now);
                if (overdue_only && !overdue) || (!all && t.is_done()) {
                    continue;
                }
                answer.tasks.push(TaskEntry {
                    list: coll.name.clone(),
                    overdue,
                    task: t,
                });
            }
        }
    }
    // Due first (soonest first), then by priority (1 is the highest), then title.
    answer.tasks.sort_by(|a, b| {
        let key = |t: &TaskEntry| {
            (
                t.task.due.is_none(),
                t.task.due,
                t.task.priority.unwrap_or(10),
                t.task.summary.clone(),
            )
        };
        key(a).cmp(&key(b))
    });
    Ok(answer)
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct NewTask {
    pub title: String,
    #[serde(default)]
    pub due: Option<String>,
    #[serde(default)]
    pub start: Option<String>,
    #[serde(default)]
    pub priority: Option<u8>,
    #[serde(default)]
    pub categories: Vec<String>,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub list: Option<String>,
}

pub fn add_task(vault: &Vault, t: &NewTask, local: Tz) -> Result<Done> {
    if t.title.trim().is_empty() {
        return Err(Error::invalid(t!(cat(), "cal-task-needs-title")));
    }
    check_text(TextField::Title, &t.title)?;
    let coll = pick(vault, Kind::Calendar, "VTODO", t.list.as_deref())?;
    let uid = ical::new_uid();
    let mut out = String::from(
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Kapsel//Kapsel 0.1//EN\r\nBEGIN:VTODO\r\n",
    );
    ical::prop_line(&mut out, "UID", &uid);
    ical::prop_line(&mut out, "DTSTAMP", &ical::stamp());
    ical::prop_line(&mut out, "SUMMARY", &ical::escape(&t.title));
    ical::prop_line(&mut out, "STATUS", "NEEDS-ACTION");
    if let Some(d) = &t.due {
        ical::moment_line(
            &mut out,
            "DUE",
            &Moment::parse(d, local).map_err(Error::invalid)?,
            local,
        );
    }
    if let Some(s) = &t.start {
        ical::moment_line(
            &mut out,
            "DTSTART",
            &Moment::parse(s, local).map_err(Error::invalid)?,
            local,
        );
    }
    if let Some(p) = t.priority {
        if p > 9 {
            return Err(Error::invalid(t!(cat(), "cal-priority-range")));
        }
        ical::prop_line(&mut out, "PRIORITY", &p.to_string());
    }
    if !t.categories.is_empty() {
        let list: Vec<String> = t.categories.iter().map(|c| ical::escape(c)).collect();
        ical::prop_line(&mut out, "CATEGORIES", &list.join(","));
    }
    if let Some(d) = t.description.as_deref().filter(|d| !d.is_empty()) {
        check_text(TextField::Description, d)?;
        ical::prop_line(&mut out, "DESCRIPTION", &ical::escape(d));
    }
    out.push_str("END:VTODO\r\nEND:VCALENDAR\r\n");
    let out = ical::with_timezones(ical::parse(&out).map_err(Error::invalid)?);
    let href = href_in(&coll, &uid, "ics")?;
    edit::apply(
        vault,
        Kind::Calendar,
        Queued::create(
            &coll.id,
            href,
            out,
            t!(cat(), "cal-what-add-task", title = t.title.as_str()),
        ),
        local,
    )?;
    Ok(Done {
        message: t!(cat(), "cal-task-added", list = coll.name.as_str()),
        uid,
        replay: None,
        invited: 0,
    })
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct TaskChanges {
    pub title: Option<String>,
    pub due: Option<String>,
    pub priority: Option<u8>,
    /// NEEDS-ACTION, IN-PROCESS, COMPLETED, CANCELLED.
    pub status: Option<String>,
    pub percent: Option<u8>,
    pub categories: Option<Vec<String>>,
    /// Mark done: COMPLETED, 100 %, completion time now.
    #[serde(default)]
    pub done: bool,
}

pub fn edit_task(vault: &Vault, uid: &str, ch: &TaskChanges, local: Tz) -> Result<Done> {
    let (coll, href, obj) = find(vault, Kind::Calendar, uid)?;
    let mut cal = ical::parse(&obj.data).map_err(Error::invalid)?;
    let idx = cal
        .components
        .iter()
        .position(|c| c.component_type == calcard::icalendar::ICalendarComponentType::VTodo)
        .ok_or_else(|| Error::invalid(t!(cat(), "cal-no-task-in-object")))?;
    let comp = &mut cal.components[idx];
    if let Some(t) = &ch.title {
        check_text(TextField::Title, t)?;
        ical::set(
            comp,
            ICalendarProperty::Summary,
            ical::entry(&format!("SUMMARY:{}", ical::escape(t))),
        );
    }
    if let Some(d) = &ch.due {
        let m = Moment::parse(d, local).map_err(Error::invalid)?;
        ical::set(comp, ICalendarProperty::Due, moment_entry("DUE", &m, local));
    }
    if let Some(p) = ch.priority {
        if p > 9 {
            return Err(Error::invalid(t!(cat(), "cal-priority-range")));
        }
        ical::set(
            comp,
            ICalendarProperty::Priority,
            ical::entry(&format!("PRIORITY:{p}")),
        );
    }
    let status = if ch.done {
        Some("COMPLETED".to_string())
    } else {
        ch.status.clone().map(|s| s.to_ascii_uppercase())
    };
    if let Some(s) = &status {
        if !["NEEDS-ACTION", "IN-PROCESS", "COMPLETED", "CANCELLED"].contains(&s.as_str()) {
            return Err(Error::invalid(t!(cat(), "cal-task-status")));
        }
        ical::set(
            comp,
            ICalendarProperty::Status,
            ical::entry(&format!("STATUS:{s}")),
        );
        if s == "COMPLETED" {
            ical::set(
                comp,
                ICalendarProperty::Completed,
                ical::entry(&format!("COMPLETED:{}", ical::stamp())),
            );
            ical::set(
                comp,
                ICalendarProperty::PercentComplete,
                ical::entry("PERCENT-COMPLETE:100"),
            );
        } else {
            ical::set(comp, ICalendarProperty::Completed, None);
        }
    }
    if let Some(p) = ch.percent {
        ical::set(
            comp,
            ICalendarProperty::PercentComplete,
            ical::entry(&format!("PERCENT-COMPLETE:{}", p.min(100))),
        );
    }
    if let Some(cats) = &ch.categories {
        let list: Vec<String> = cats.iter().map(|c| ical::escape(c)).collect();
        let e = (!list.is_empty())
            .then(|| ical::entry(&format!("CATEGORIES:{}", list.join(","))))
            .flatten();
        ical::set(comp, ICalendarProperty::Categories, e);
    }
    bump_sequence(comp);
    let data = ical::with_timezones(cal);
    ical::parse(&data).map_err(Error::invalid)?;
    edit::apply(
        vault,
        Kind::Calendar,
        Queued::replace(
            &coll.id,
            href,
            data,
            &obj,
            t!(
                cat(),
                "cal-what-edit-task",
                uid = obj.uid.clone().unwrap_or_default()
            ),
        ),
        local,
    )?;
    Ok(Done {
        message: if ch.done {
            t!(cat(), "cal-done")
        } else {
            t!(cat(), "cal-changed")
        },
        uid: obj.uid.unwrap_or_default(),
        replay: None,
        invited: 0,
    })
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct ContactEntry {
    pub book: String,
    #[serde(flatten)]
    pub contact: Contact,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct ContactsAnswer {
    pub contacts: Vec<ContactEntry>,
    pub unreadable: usize,
}

pub fn contacts(vault: &Vault, query: Option<&str>) -> Result<ContactsAnswer> {
    let mut answer = ContactsAnswer::default();
    for coll in store::collections(vault)?
        .into_iter()
        .filter(|c| c.kind == Kind::AddressBook)
    {
        for (_, obj) in store::objects(vault, &coll.id)? {
            if obj.problem.is_some() {
                answer.unreadable += 1;
                continue;
            }
            let Ok(card) = contacts::parse(&obj.data) else {
                continue;
            };
            let c = contacts::contact(&card);
            if query.is_some_and(|q| !c.matches(q)) {
                continue;
            }
            answer.contacts.push(ContactEntry {
                book: coll.name.clone(),
                contact: c,
            });
        }
    }
    answer.contacts.sort_by(|a, b| {
        a.contact
            .name
            .to_lowercase()
            .cmp(&b.contact.name.to_lowercase())
    });
    Ok(answer)
}

pub fn add_contact(vault: &Vault, mut c: Contact, book: Option<&str>, local: Tz) -> Result<Done> {
    if c.name.trim().is_empty() {
        return Err(Error::invalid(t!(cat(), "cal-contact-needs-name")));
    }
    for t in std::iter::once(&c.name)
        .chain(c.emails.iter())
        .chain(c.phones.iter())
    {
        check_text(TextField::Other, t)?;
    }
    let coll = pick(vault, Kind::AddressBook, "VCARD", book)?;
    if c.uid.is_empty() {
        c.uid = ical::new_uid();
    }
    let data = contacts::build(&c);
    contacts::parse(&data).map_err(Error::invalid)?;
    let href = href_in(&coll, &c.uid, "vcf")?;
    edit::apply(
        vault,
        Kind::AddressBook,
        Queued::create(
            &coll.id,
            href,
            data,
            t!(cat(), "cal-what-add-contact", name = c.name.as_str()),
        ),
        local,
    )?;
    Ok(Done {
        message: t!(cat(), "cal-contact-saved", book = coll.name.as_str()),
        uid: c.uid,
        replay: None,
        invited: 0,
    })
}

pub fn edit_contact(vault: &Vault, uid: &str, ch: &ContactChanges, local: Tz) -> Result<Done> {
    let (coll, href, obj) = find(vault, Kind::AddressBook, uid)?;
    let mut card = contacts::parse(&obj.data).map_err(Error::invalid)?;
    let data = contacts::edit(&mut card, ch);
    contacts::parse(&data).map_err(Error::invalid)?;
    edit::apply(
        vault,
        Kind::AddressBook,
        Queued::replace(
            &coll.id,
            href,
            data,
            &obj,
            t!(
                cat(),
                "cal-what-edit-contact",
                uid = obj.uid.clone().unwrap_or_default()
            ),
        ),
        local,
    )?;
    Ok(Done {
        message: t!(cat(), "cal-changed"),
        uid: obj.uid.unwrap_or_default(),
        replay: None,
        invited: 0,
    })
}
