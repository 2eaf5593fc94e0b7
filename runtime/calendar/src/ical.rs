//! iCalendar objects (RFC 5545) through calcard: reading what a server sent without
//! trusting it, expanding recurrences (RRULE, RDATE, EXDATE, RECURRENCE-ID, VTIMEZONE and
//! IANA names) with calcard's bounded expander, and writing the objects Kapsel creates or
//! changes. Property edits go through calcard's own types, so everything Kapsel does not
//! touch (unknown properties, alarms, other people's attendees) survives an edit.

use calcard::common::timezone::Tz as CalTz;
use calcard::icalendar::dates::TimeOrDelta;
use calcard::icalendar::{
    ICalendar, ICalendarComponent, ICalendarComponentType, ICalendarEntry, ICalendarParameterName,
    ICalendarProperty, ICalendarValue,
};
use chrono::{DateTime, FixedOffset, NaiveDate, NaiveDateTime, TimeZone, Utc};
use chrono_tz::Tz;
use kapsel_i18n::{current as cat, t};
use serde::{Deserialize, Serialize};

/// The largest object read (a 5 MB "event" is refused with a message, not parsed).
pub const MAX_OBJECT: usize = 1024 * 1024;
/// Occurrences expanded per object: bounded work for a 10,000-occurrence or unbounded rule.
pub const MAX_OCCURRENCES: usize = 10_000;

/// Parse one calendar object; the reason when it is not one.
pub fn parse(text: &str) -> Result<ICalendar, String> {
    if text.len() > MAX_OBJECT {
        return Err(t!(
            cat(),
            "cal-object-too-large",
            bytes = text.len().to_string(),
            max = MAX_OBJECT.to_string()
        ));
    }
    let cal = ICalendar::parse(text)
        .map_err(|e| t!(cat(), "cal-not-icalendar", error = format!("{e:?}")))?;
    if !cal.components.iter().any(|c| {
        matches!(
            c.component_type,
            ICalendarComponentType::VEvent | ICalendarComponentType::VTodo
        )
    }) {
        return Err(t!(cat(), "cal-no-event-or-task"));
    }
    Ok(cal)
}

pub fn text_of(comp: &ICalendarComponent, prop: ICalendarProperty) -> Option<String> {
    comp.property(&prop)
        .and_then(|e| e.values.first())
        .and_then(|v| v.as_text())
        .map(str::to_string)
}

fn integer_of(comp: &ICalendarComponent, prop: ICalendarProperty) -> Option<i64> {
    comp.property(&prop)
        .and_then(|e| e.values.first())
        .and_then(|v| v.as_integer())
}

/// A date or date-time property in `local` (a date alone is "all day").
pub fn when_of(
    comp: &ICalendarComponent,
    prop: ICalendarProperty,
    local: Tz,
) -> Option<(DateTime<Tz>, bool)> {
    let entry = comp.property(&prop)?;
    let pdt = entry.values.first()?.as_partial_date_time()?;
    let date_only = pdt.hour.is_none();
    let tz = entry
        .tz_id()
        .and_then(|id| id.parse::<Tz>().ok().map(CalTz::Tz))
        .unwrap_or(CalTz::Tz(local));
    let dt = pdt.to_date_time_with_tz(tz)?;
    Some((to_local(dt, local), date_only))
}

/// calcard's zone (floating, fixed, IANA) into the user's zone; floating times are local.
fn to_local(dt: DateTime<CalTz>, local: Tz) -> DateTime<Tz> {
    if dt.timezone().is_floating() {
        local
            .from_local_datetime(&dt.naive_local())
            .earliest()
            .unwrap_or_else(|| local.from_utc_datetime(&dt.naive_local()))
    } else {
        dt.with_timezone(&local)
    }
}

/// The component that carries an object's master data: the one without RECURRENCE-ID.
pub fn master(cal: &ICalendar) -> Option<&ICalendarComponent> {
    let items = || {
        cal.components.iter().filter(|c| {
            matches!(
                c.component_type,
                ICalendarComponentType::VEvent | ICalendarComponentType::VTodo
            )
        })
    };
    items()
        .find(|c| !c.has_property(&ICalendarProperty::RecurrenceId))
        .or_else(|| items().next())
}

/// One occurrence of an event in the user's time zone.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Occurrence {
    pub uid: String,
    pub summary: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub location: Option<String>,
    pub start: DateTime<FixedOffset>,
    pub end: DateTime<FixedOffset>,
    pub all_day: bool,
    pub recurring: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub organizer: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub attendees: Vec<Attendee>,
    /// Reminders: minutes before the start (from VALARM triggers relative to the start).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub alarms_minutes: Vec<i64>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Attendee {
    pub address: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    pub partstat: String,
}

pub fn attendees(comp: &ICalendarComponent) -> Vec<Attendee> {
    comp.properties(&ICalendarProperty::Attendee)
        .filter_map(|e| {
            let address = e.values.first()?.as_text()?;
            Some(Attendee {
                address: calcard::icalendar::utils::strip_mailto_scheme(address).to_string(),
                name: e
                    .parameter(&ICalendarParameterName::Cn)
                    .and_then(|v| v.as_text())
                    .map(str::to_string),
                partstat: e
                    .parameter(&ICalendarParameterName::Partstat)
                    .and_then(|v| v.as_text())
                    .unwrap_or("NEEDS-ACTION")
                    .to_string(),
            })
        })
        .collect()
}

pub fn organizer(comp: &ICalendarComponent) -> Option<String> {
    comp.property(&ICalendarProperty::Organizer)
        .and_then(|e| e.values.first())
        .and_then(|v| v.as_text())
        .map(|a| calcard::icalendar::utils::strip_mailto_scheme(a).to_string())
}

fn alarm_minutes(cal: &ICalendar, comp: &ICalendarComponent) -> Vec<i64> {
    comp.component_ids
        .iter()
        .filter_map(|id| cal.components.get(*id as usize))
        .filter(|c| c.component_type == ICalendarComponentType::VAlarm)
        .filter_map(|alarm| {
            let trigger = alarm.property(&ICalendarProperty::Trigger)?;
            match trigger.values.first()? {
                ICalendarValue::Duration(d) => Some(-d.as_seconds() / 60),
                _ => None,
            }
        })
        .collect()
}

/// Every occurrence of the object's events that overlaps `[from, to)`, and whether the
/// expansion stopped at the bound.
pub fn occurrences(
    cal: &ICalendar,
    local: Tz,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> (Vec<Occurrence>, bool) {
    let expanded = cal.expand_dates(CalTz::Tz(local), MAX_OCCURRENCES);
    let truncated = expanded.events.len() >= MAX_OCCURRENCES;
    // Only an event's own rule counts: a VTIMEZONE's STANDARD/DAYLIGHT have rules too.
    let recurring = cal.components.iter().any(|c| {
        matches!(
            c.component_type,
            ICalendarComponentType::VEvent | ICalendarComponentType::VTodo
        ) && c.is_recurrent_or_override()
    });
    let mut out = Vec::new();
    for e in expanded.events {
        let Some(comp) = cal.components.get(e.comp_id as usize) else {
            continue;
        };
        if comp.component_type != ICalendarComponentType::VEvent {
            continue;
        }
        let start = to_local(e.start, local);
        let end = match e.end {
            TimeOrDelta::Time(t) => to_local(t, local),
            TimeOrDelta::Delta(d) => start + d,
        };
        let all_day = comp
            .property(&ICalendarProperty::Dtstart)
            .and_then(|p| p.values.first())
            .and_then(|v| v.as_partial_date_time())
            .is_some_and(|p| p.hour.is_none());
        // An all-day event without an end lasts its day (RFC 5545 §3.6.1).
        let end = if all_day && end <= start {
            start + chrono::TimeDelta::days(1)
        } else {
            end.max(start)
        };
        let (s, t) = (start.with_timezone(&Utc), end.with_timezone(&Utc));
        let overlaps = s < to && (t > from || (s == t && s >= from));
        if !overlaps {
            continue;
        }
        out.push(Occurrence {
            uid: comp.uid().unwrap_or_default().to_string(),
            summary: text_of(comp, ICalendarProperty::Summary).unwrap_or_default(),
            location: text_of(comp, ICalendarProperty::Location),
            start: start.fixed_offset(),
            end: end.fixed_offset(),
            all_day,
            recurring,
            status: text_of(comp, ICalendarProperty::Status),
            organizer: organizer(comp),
            attendees: attendees(comp),
            alarms_minutes: alarm_minutes(cal, comp),
        });
    }
    (out, truncated)
}

/// What the store keeps beside an object so that an agenda reads only the objects in its
/// window: the first start and the last end (None: open-ended or beyond the bound).
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct Span {
    pub first_ms: Option<i64>,
    pub last_ms: Option<i64>,
}

pub fn span(cal: &ICalendar, local: Tz) -> Span {
    let expanded = cal.expand_dates(CalTz::Tz(local), MAX_OCCURRENCES);
    if expanded.events.is_empty() {
        return Span::default();
    }
    let mut first = i64::MAX;
    let mut last = i64::MIN;
    for e in &expanded.events {
        let s = to_local(e.start, local);
        let end = match &e.end {
            TimeOrDelta::Time(t) => to_local(*t, local),
            TimeOrDelta::Delta(d) => s + *d,
        };
        first = first.min(s.timestamp_millis());
        // An all-day event's end may be missing: a day is the most it can last then.
        last = last.max(
            end.timestamp_millis()
                .max(s.timestamp_millis() + 86_400_000),
        );
    }
    let bounded = expanded.events.len() < MAX_OCCURRENCES;
    Span {
        first_ms: Some(first),
        last_ms: bounded.then_some(last),
    }
}

/// A task as listed.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Task {
    pub uid: String,
    pub summary: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub due: Option<DateTime<FixedOffset>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub start: Option<DateTime<FixedOffset>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub priority: Option<i64>,
    pub status: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub percent: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub completed: Option<DateTime<FixedOffset>>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub categories: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
}

impl Task {
    pub fn is_done(&self) -> bool {
        matches!(self.status.as_str(), "COMPLETED" | "CANCELLED")
    }

    pub fn is_overdue(&self, now: DateTime<Utc>) -> bool {
        // Due on a day (midnight): overdue once that day is over.
        let deadline = |d: DateTime<FixedOffset>| {
            if d.time() == chrono::NaiveTime::MIN {
                d + chrono::TimeDelta::days(1)
            } else {
                d
            }
        };
        !self.is_done()
            && self
                .due
                .is_some_and(|d| deadline(d).with_timezone(&Utc) < now)
    }
}

pub fn tasks(cal: &ICalendar, local: Tz) -> Vec<Task> {
    cal.components
        .iter()
        .filter(|c| c.component_type == ICalendarComponentType::VTodo)
        .filter(|c| !c.has_property(&ICalendarProperty::RecurrenceId))
        .map(|c| Task {
            uid: c.uid().unwrap_or_default().to_string(),
            summary: text_of(c, ICalendarProperty::Summary).unwrap_or_default(),
            due: when_of(c, ICalendarProperty::Due, local).map(|w| w.0.fixed_offset()),
            start: when_of(c, ICalendarProperty::Dtstart, local).map(|w| w.0.fixed_offset()),
            priority: integer_of(c, ICalendarProperty::Priority).filter(|p| *p > 0),
            status: text_of(c, ICalendarProperty::Status)
                .unwrap_or_else(|| "NEEDS-ACTION".into())
                .to_ascii_uppercase(),
            percent: integer_of(c, ICalendarProperty::PercentComplete),
            completed: when_of(c, ICalendarProperty::Completed, local).map(|w| w.0.fixed_offset()),
            categories: c
                .properties(&ICalendarProperty::Categories)
                .flat_map(|e| e.values.iter().filter_map(|v| v.as_text()))
                .map(str::to_string)
                .collect(),
            description: text_of(c, ICalendarProperty::Description),
        })
        .collect()
}

/// Escape a TEXT value (RFC 5545 §3.3.11).
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            ';' => out.push_str("\\;"),
            ',' => out.push_str("\\,"),
            '\n' => out.push_str("\\n"),
            '\r' => {}
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

/// A moment as Kapsel writes it: a date for all-day, else UTC (no VTIMEZONE needed).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Moment {
    Date(NaiveDate),
    At(DateTime<Utc>),
}

impl Moment {
    /// Parameters and value: a time in the user's zone with its TZID (a weekly 10:00 stays
    /// at 10:00 across a DST change; a UTC time would move), UTC when the zone is UTC.
    fn value(&self, local: Tz) -> (String, String) {
        match self {
            Moment::Date(d) => (";VALUE=DATE".into(), d.format("%Y%m%d").to_string()),
            Moment::At(t) if local == chrono_tz::UTC => {
                (String::new(), t.format("%Y%m%dT%H%M%SZ").to_string())
            }
            Moment::At(t) => (
                format!(";TZID={}", local.name()),
                t.with_timezone(&local).format("%Y%m%dT%H%M%S").to_string(),
            ),
        }
    }

    /// Parse "2026-12-02", "2026-12-02 10:30" or RFC 3339, local times in `local`.
    pub fn parse(text: &str, local: Tz) -> Result<Moment, String> {
        let t = text.trim();
        if let Ok(d) = NaiveDate::parse_from_str(t, "%Y-%m-%d") {
            return Ok(Moment::Date(d));
        }
        if let Ok(dt) = DateTime::parse_from_rfc3339(t) {
            return Ok(Moment::At(dt.with_timezone(&Utc)));
        }
        for f in ["%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M:%S"] {
            if let Ok(n) = NaiveDateTime::parse_from_str(t, f) {
                return local
                    .from_local_datetime(&n)
                    .earliest()
                    .map(|d| Moment::At(d.with_timezone(&Utc)))
                    .ok_or_else(|| t!(cat(), "cal-dst-gap", time = t, zone = local.to_string()));
            }
        }
        Err(t!(cat(), "cal-not-a-date", text = format!("{t:?}")))
    }
}

/// One content line, folded at 75 octets (RFC 5545 §3.1) on character boundaries. A content
/// line holds no ASCII control but HTAB (§3.1: CONTROL is %x00-08 / %x0A-1F / %x7F), so
/// any other (a CR LF in an organizer's address an invitation carried) is dropped: what
/// Kapsel writes is always exactly one property.
pub fn fold(out: &mut String, text: &str) {
    let mut width = 0;
    for c in text.chars().filter(|&c| c == '\t' || !c.is_ascii_control()) {
        if width + c.len_utf8() > 75 {
            out.push_str("\r\n ");
            width = 1;
        }
        out.push(c);
        width += c.len_utf8();
    }
    out.push_str("\r\n");
}

pub fn prop_line(out: &mut String, name_and_params: &str, value: &str) {
    fold(out, &format!("{name_and_params}:{value}"));
}

pub fn moment_line(out: &mut String, name: &str, m: &Moment, local: Tz) {
    let (params, value) = m.value(local);
    fold(out, &format!("{name}{params}:{value}"));
}

pub fn stamp() -> String {
    Utc::now().format("%Y%m%dT%H%M%SZ").to_string()
}

/// A fresh UID: random, so it says nothing about the user or the device.
pub fn new_uid() -> String {
    let b: [u8; 16] = kapsel_core::vault::crypto::random_bytes();
    format!("{}@kapsel", hex::encode(b))
}

/// The object as text with a VTIMEZONE for every TZID it uses (RFC 5545 §3.6.5), built by
/// calcard from the IANA rules.
pub fn with_timezones(mut cal: ICalendar) -> String {
    cal.add_missing_timezones();
    cal.to_string()
}

/// The entry a content line stands for, parsed by calcard (so edits carry calcard's own
/// types, parameters and escaping).
pub fn entry(content_line: &str) -> Option<ICalendarEntry> {
    let text = format!(
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nBEGIN:VEVENT\r\n{content_line}\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
    );
    let cal = ICalendar::parse(&text).ok()?;
    cal.components
        .into_iter()
        .find(|c| c.component_type == ICalendarComponentType::VEvent)?
        .entries
        .into_iter()
        .find(|e| !matches!(e.name, ICalendarProperty::Begin | ICalendarProperty::End))
}

/// Replace (or add, or with `None` remove) a property of a component.
pub fn set(comp: &mut ICalendarComponent, prop: ICalendarProperty, new: Option<ICalendarEntry>) {
    let at = comp.entries.iter().position(|e| e.name == prop);
    comp.entries.retain(|e| e.name != prop);
    if let Some(e) = new {
        match at {
            Some(i) if i <= comp.entries.len() => comp.entries.insert(i, e),
            _ => comp.entries.push(e),
        }
    }
}
