//! Invitations by mail (iTIP, RFC 5546, over iMIP, RFC 6047), for servers without CalDAV
//! scheduling (Radicale has none) and for people outside the agency: an event created with
//! attendees goes out as a REQUEST, an answer as a REPLY, a deleted meeting as a CANCEL —
//! all through the mail module's sealed outbox. Incoming REPLY and CANCEL messages update
//! the organiser's event at the next sync; a REQUEST waits in the inbox until the user
//! answers it (`kapsel cal invitations`, `kapsel cal respond`).

use calcard::icalendar::{ICalendar, ICalendarComponentType, ICalendarProperty};
use chrono_tz::Tz;
use kapsel_core::container::Container;
use kapsel_core::vault::Vault;
use kapsel_core::{Error, Result};
use kapsel_i18n::{current as cat, t};
use kapsel_mail::MailStore;
use mail_parser::MimeHeaders;
use serde::{Deserialize, Serialize};

use crate::ical;

/// Which messages were handled already (sealed): the message id and the iTIP UID.
const NS_DONE: &str = "groupware-itip";
/// Messages looked at per sync (the newest of the inbox).
const SCAN: usize = 500;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Answer {
    Accept,
    Tentative,
    Decline,
}

impl Answer {
    pub fn partstat(self) -> &'static str {
        match self {
            Answer::Accept => "ACCEPTED",
            Answer::Tentative => "TENTATIVE",
            Answer::Decline => "DECLINED",
        }
    }

    /// The answer in the user's words, for the reply's subject and text.
    fn word(self) -> String {
        match self {
            Answer::Accept => t!(cat(), "cal-answer-accepted"),
            Answer::Tentative => t!(cat(), "cal-answer-tentative"),
            Answer::Decline => t!(cat(), "cal-answer-declined"),
        }
    }
}

/// An invitation found in the mail.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Invitation {
    /// The mail message (`kapsel mail read ID`).
    pub message: i64,
    pub method: String,
    pub uid: String,
    pub summary: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub start: Option<chrono::DateTime<chrono::FixedOffset>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub organizer: Option<String>,
    /// This user's answer so far (NEEDS-ACTION until answered).
    pub my_status: String,
}

/// The text/calendar parts of a message (RFC 6047 §2.4: inline or attached).
pub fn calendar_parts(raw: &[u8]) -> Vec<String> {
    let Some(msg) = kapsel_mail::mime::read_message(raw) else {
        return Vec::new();
    };
    msg.parts
        .iter()
        .filter(|p| {
            p.content_type().is_some_and(|ct| {
                ct.ctype().eq_ignore_ascii_case("text")
                    && ct
                        .subtype()
                        .is_some_and(|s| s.eq_ignore_ascii_case("calendar"))
            })
        })
        .filter_map(|p| match &p.body {
            mail_parser::PartType::Text(t) => Some(t.to_string()),
            mail_parser::PartType::Binary(b) | mail_parser::PartType::InlineBinary(b) => {
                String::from_utf8(b.to_vec()).ok()
            }
            _ => None,
        })
        .filter(|t| t.len() <= ical::MAX_OBJECT)
        .collect()
}

fn method_of(cal: &ICalendar) -> Option<String> {
    cal.components
        .first()
        .and_then(|c| ical::text_of(c, ICalendarProperty::Method))
        .map(|m| m.to_ascii_uppercase())
}

fn same_address(a: &str, b: &str) -> bool {
    a.trim()
        .trim_start_matches("mailto:")
        .eq_ignore_ascii_case(b.trim().trim_start_matches("mailto:"))
}

/// The invitation messages in the inbox that are iTIP objects, newest first.
fn scan(vault: &Vault, account: Option<&kapsel_mail::Account>) -> Result<Vec<(i64, ICalendar)>> {
    let store = MailStore::new(vault);
    let Some(inbox) = store.folder_id("INBOX")? else {
        return Ok(Vec::new());
    };
    let mut out = Vec::new();
    for (id, meta) in store.list(inbox, SCAN)? {
        let has_calendar = meta.summary.attachments.iter().any(|a| {
            a.media_type
                .to_ascii_lowercase()
                .starts_with("text/calendar")
                || a.name.to_ascii_lowercase().ends_with(".ics")
        });
        if !has_calendar {
            continue;
        }
        if !meta.complete {
            match account {
                Some(acc) => {
                    if kapsel_mail::complete_message(vault, acc, id).is_err() {
                        continue;
                    }
                }
                None => continue,
            }
        }
        let Some(raw) = store.raw(id)? else { continue };
        for text in calendar_parts(&raw) {
            if let Ok(cal) = ical::parse(&text)
                && method_of(&cal).is_some()
            {
                out.push((id, cal));
            }
        }
    }
    Ok(out)
}

fn done_key(message: i64, uid: &str) -> String {
    format!("{message}:{uid}")
}

fn is_done(vault: &Vault, message: i64, uid: &str) -> Result<bool> {
    Ok(vault.get(NS_DONE, &done_key(message, uid))?.is_some())
}

fn mark_done(vault: &Vault, message: i64, uid: &str, what: &str) -> Result<()> {
    vault.put(NS_DONE, &done_key(message, uid), what.as_bytes())
}

/// Pending and answered invitations (REQUESTs) in the inbox.
pub fn invitations(c: &Container, local: Tz) -> Result<Vec<Invitation>> {
    let me = c.user()?.unwrap_or_default();
    let account = kapsel_mail::Account::from_container(c).ok();
    let mut out = Vec::new();
    for (message, cal) in scan(c.vault(), account.as_ref())? {
        let Some(method) = method_of(&cal) else {
            continue;
        };
        if method != "REQUEST" {
            continue;
        }
        let Some(m) = ical::master(&cal) else {
            continue;
        };
        let uid = m.uid().unwrap_or_default().to_string();
        let answered = c.vault().get(NS_DONE, &done_key(message, &uid))?;
        let my_status = match answered {
            Some(a) => String::from_utf8_lossy(&a).into_owned(),
            None => ical::attendees(m)
                .into_iter()
                .find(|a| same_address(&a.address, &me))
                .map_or("NEEDS-ACTION".into(), |a| a.partstat),
        };
        out.push(Invitation {
            message,
            method,
            uid,
            summary: ical::text_of(m, ICalendarProperty::Summary).unwrap_or_default(),
            start: ical::when_of(m, ICalendarProperty::Dtstart, local).map(|w| w.0.fixed_offset()),
            organizer: ical::organizer(m),
            my_status,
        });
    }
    Ok(out)
}

/// Set one attendee's PARTSTAT in every event component of `cal` (the master and its
/// exceptions); false when the address is not an attendee.
fn set_partstat(cal: &mut ICalendar, address: &str, partstat: &str) -> bool {
    let mut found = false;
    for comp in cal
        .components
        .iter_mut()
        .filter(|c| c.component_type == ICalendarComponentType::VEvent)
    {
        for e in comp
            .entries
            .iter_mut()
            .filter(|e| e.name == ICalendarProperty::Attendee)
        {
            let Some(addr) = e.values.first().and_then(|v| v.as_text()) else {
                continue;
            };
            if !same_address(addr, address) {
                continue;
            }
            let line = format!(
                "ATTENDEE;PARTSTAT={partstat}:mailto:{}",
                addr.trim_start_matches("mailto:")
            );
            if let Some(new) = ical::entry(&line) {
                // Keep CN, ROLE and the rest; replace only PARTSTAT (and the RSVP request).
                e.params.retain(|p| {
                    !matches!(
                        p.name,
                        calcard::icalendar::ICalendarParameterName::Partstat
                            | calcard::icalendar::ICalendarParameterName::Rsvp
                    )
                });
                e.params.extend(new.params);
                found = true;
            }
        }
    }
    found
}

/// The iTIP copy of an event: the same object with a METHOD.
fn with_method(cal: &ICalendar, method: &str) -> String {
    let mut copy = cal.clone();
    if let Some(root) = copy.components.first_mut() {
        ical::set(
            root,
            ICalendarProperty::Method,
            ical::entry(&format!("METHOD:{method}")),
        );
    }
    ical::with_timezones(copy)
}

fn send(
    c: &mut Container,
    to: Vec<String>,
    subject: String,
    body: String,
    method: &str,
    ics: String,
) -> Result<kapsel_mail::answers::Sent> {
    let account = kapsel_mail::Account::from_container(c)
        .map_err(|e| Error::Policy(t!(cat(), "cal-mail-unavailable", error = e.to_string())))?;
    // A SUMMARY may hold line breaks (TEXT allows `\n`); a subject may not, and compose
    // refuses one that does, so an event's title is put on one line here.
    let subject = kapsel_mail::compose::one_line(&subject);
    let draft = kapsel_mail::compose::Draft {
        to,
        subject,
        body,
        ..Default::default()
    };
    kapsel_mail::send_with(
        c.vault_mut(),
        &account,
        &draft,
        vec![(
            "invite.ics".into(),
            format!("text/calendar; method={method}; charset=utf-8"),
            ics.into_bytes(),
        )],
    )
}

/// When an invited event starts, in the invitation's text: the weekday, the date and the
/// time in the user's language.
fn when_text(at: chrono::NaiveDateTime) -> String {
    use chrono::{Datelike, Weekday};
    let cat = cat();
    let weekday = match at.weekday() {
        Weekday::Mon => t!(cat, "cal-weekday-monday"),
        Weekday::Tue => t!(cat, "cal-weekday-tuesday"),
        Weekday::Wed => t!(cat, "cal-weekday-wednesday"),
        Weekday::Thu => t!(cat, "cal-weekday-thursday"),
        Weekday::Fri => t!(cat, "cal-weekday-friday"),
        Weekday::Sat => t!(cat, "cal-weekday-saturday"),
        Weekday::Sun => t!(cat, "cal-weekday-sunday"),
    };
    t!(
        cat,
        "cal-invitation-when",
        weekday = weekday,
        iso = at.format("%Y-%m-%d").to_string(),
        date = cat.formats().date(at.date()),
        time = cat.formats().time(at.time())
    )
}

/// The attendees' addresses but the user's own.
fn others(m: &calcard::icalendar::ICalendarComponent, me: &str) -> Vec<String> {
    ical::attendees(m)
        .into_iter()
        .map(|a| a.address)
        .filter(|a| !same_address(a, me))
        .collect()
}

/// Send the REQUEST for an event the user organises to its attendees.
pub fn send_request(c: &mut Container, event_text: &str, local: Tz) -> Result<usize> {
    let cal = ical::parse(event_text).map_err(Error::invalid)?;
    let Some(m) = ical::master(&cal) else {
        return Ok(0);
    };
    let me = c.user()?.unwrap_or_default();
    let to = others(m, &me);
    if to.is_empty() {
        return Ok(0);
    }
    let summary = ical::text_of(m, ICalendarProperty::Summary).unwrap_or_default();
    let when = ical::when_of(m, ICalendarProperty::Dtstart, local)
        .map(|w| when_text(w.0.naive_local()))
        .unwrap_or_default();
    let n = to.len();
    send(
        c,
        to,
        t!(cat(), "cal-invitation-subject", summary = summary.as_str()),
        format!(
            "{}\n{when}\n",
            t!(
                cat(),
                "cal-invitation-body",
                me = me.as_str(),
                summary = summary.as_str()
            )
        ),
        "REQUEST",
        with_method(&cal, "REQUEST"),
    )?;
    Ok(n)
}

/// Tell the attendees that a meeting the user organises is cancelled.
pub fn send_cancel(c: &mut Container, event_text: &str) -> Result<usize> {
    let Ok(mut cal) = ical::parse(event_text) else {
        return Ok(0);
    };
    let me = c.user()?.unwrap_or_default();
    let Some(m) = ical::master(&cal) else {
        return Ok(0);
    };
    if !ical::organizer(m).is_some_and(|o| same_address(&o, &me)) {
        return Ok(0);
    }
    let to = others(m, &me);
    if to.is_empty() {
        return Ok(0);
    }
    let summary = ical::text_of(m, ICalendarProperty::Summary).unwrap_or_default();
    for comp in cal
        .components
        .iter_mut()
        .filter(|c| c.component_type == ICalendarComponentType::VEvent)
    {
        ical::set(
            comp,
            ICalendarProperty::Status,
            ical::entry("STATUS:CANCELLED"),
        );
    }
    let n = to.len();
    send(
        c,
        to,
        t!(cat(), "cal-cancel-subject", summary = summary.as_str()),
        format!(
            "{}\n",
            t!(
                cat(),
                "cal-cancel-body",
                me = me.as_str(),
                summary = summary.as_str()
            )
        ),
        "CANCEL",
        with_method(&cal, "CANCEL"),
    )?;
    Ok(n)
}

/// What answering an invitation did.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Responded {
    pub uid: String,
    pub partstat: String,
    /// The event is in the calendar (not for a decline).
    pub in_calendar: bool,
    pub reply_queued: bool,
}

/// Answer the invitation in mail message `message`: the event goes into the calendar with
/// the user's PARTSTAT (a decline removes it), and the REPLY goes to the organiser.
pub fn respond(
    c: &mut Container,
    message: i64,
    answer: Answer,
    local: Tz,
) -> Result<(Responded, Option<crate::agenda::Done>)> {
    let me = c
        .user()?
        .ok_or_else(|| Error::invalid(t!(cat(), "cal-no-login")))?;
    let account = kapsel_mail::Account::from_container(c).ok();
    let found = scan(c.vault(), account.as_ref())?
        .into_iter()
        .find(|(id, cal)| *id == message && method_of(cal).as_deref() == Some("REQUEST"))
        .map(|(_, cal)| cal)
        .ok_or_else(|| {
            Error::NotFound(t!(
                cat(),
                "cal-no-invitation",
                message = message.to_string()
            ))
        })?;
    let mut cal = found;
    let master =
        ical::master(&cal).ok_or_else(|| Error::invalid(t!(cat(), "cal-invitation-no-event")))?;
    let uid = master.uid().unwrap_or_default().to_string();
    let organizer = ical::organizer(master)
        .ok_or_else(|| Error::invalid(t!(cat(), "cal-invitation-no-organizer")))?;
    let summary = ical::text_of(master, ICalendarProperty::Summary).unwrap_or_default();
    if !set_partstat(&mut cal, &me, answer.partstat()) {
        return Err(Error::invalid(t!(
            cat(),
            "cal-not-attendee",
            me = kapsel_core::terminal::line(&me)
        )));
    }
    // The calendar copy carries no METHOD (RFC 4791 §4.1).
    if let Some(root) = cal.components.first_mut() {
        ical::set(root, ICalendarProperty::Method, None);
    }
    let stored = ical::with_timezones(cal.clone());
    let done = match answer {
        Answer::Decline => {
            crate::agenda::remove(c.vault(), crate::store::Kind::Calendar, &uid, local).ok()
        }
        _ => Some(crate::agenda::put_event_text(
            c.vault(),
            &uid,
            stored,
            local,
        )?),
    };
    // The REPLY: the event's identity and this attendee only (RFC 5546 §3.2.3).
    let mut reply = String::from(
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Kapsel//Kapsel 0.1//EN\r\nMETHOD:REPLY\r\nBEGIN:VEVENT\r\n",
    );
    ical::prop_line(&mut reply, "UID", &ical::escape(&uid));
    ical::prop_line(&mut reply, "DTSTAMP", &ical::stamp());
    if let Some(seq) = master_sequence(&cal) {
        ical::prop_line(&mut reply, "SEQUENCE", &seq.to_string());
    }
    ical::prop_line(&mut reply, "ORGANIZER", &format!("mailto:{organizer}"));
    ical::prop_line(
        &mut reply,
        &format!("ATTENDEE;PARTSTAT={}", answer.partstat()),
        &format!("mailto:{me}"),
    );
    ical::prop_line(&mut reply, "SUMMARY", &ical::escape(&summary));
    reply.push_str("END:VEVENT\r\nEND:VCALENDAR\r\n");
    let sent = send(
        c,
        vec![organizer],
        format!("{}: {summary}", answer.word()),
        format!("{me}: {}\n", answer.word()),
        "REPLY",
        reply,
    );
    mark_done(c.vault(), message, &uid, answer.partstat())?;
    Ok((
        Responded {
            uid,
            partstat: answer.partstat().into(),
            in_calendar: answer != Answer::Decline,
            reply_queued: sent.is_ok(),
        },
        done,
    ))
}

fn master_sequence(cal: &ICalendar) -> Option<i64> {
    ical::master(cal)?
        .property(&ICalendarProperty::Sequence)?
        .values
        .first()?
        .as_integer()
}

/// Apply the REPLY and CANCEL messages in the inbox that were not applied yet: an
/// attendee's answer updates the organiser's event, a cancellation removes the event.
pub fn apply_incoming(c: &Container, local: Tz) -> Result<usize> {
    let me = c.user()?.unwrap_or_default();
    let account = kapsel_mail::Account::from_container(c).ok();
    let vault = c.vault();
    let mut applied = 0;
    for (message, cal) in scan(vault, account.as_ref())? {
        let Some(method) = method_of(&cal) else {
            continue;
        };
        let Some(m) = ical::master(&cal) else {
            continue;
        };
        let uid = m.uid().unwrap_or_default().to_string();
        if uid.is_empty() || is_done(vault, message, &uid)? {
            continue;
        }
        match method.as_str() {
            "REPLY" => {
                let Some(att) = ical::attendees(m).into_iter().next() else {
                    continue;
                };
                let Ok((_, _, obj)) = crate::agenda::find_event(vault, &uid) else {
                    mark_done(vault, message, &uid, "unknown")?;
                    continue;
                };
                let Ok(mut ours) = ical::parse(&obj.data) else {
                    continue;
                };
                let organised_here = ical::master(&ours)
                    .and_then(ical::organizer)
                    .is_some_and(|o| same_address(&o, &me));
                if organised_here && set_partstat(&mut ours, &att.address, &att.partstat) {
                    crate::agenda::put_event_text(vault, &uid, ical::with_timezones(ours), local)?;
                    applied += 1;
                }
                mark_done(vault, message, &uid, &method)?;
            }
            "CANCEL" => {
                // Only the organiser may cancel (RFC 5546 §3.2.5).
                let from_organizer =
                    crate::agenda::find_event(vault, &uid)
                        .ok()
                        .and_then(|(_, _, obj)| {
                            let cal = ical::parse(&obj.data).ok()?;
                            let org = ical::organizer(ical::master(&cal)?)?;
                            Some(ical::organizer(m).is_some_and(|o| same_address(&o, &org)))
                        });
                if from_organizer == Some(true)
                    && crate::agenda::remove(vault, crate::store::Kind::Calendar, &uid, local)
                        .is_ok()
                {
                    applied += 1;
                }
                mark_done(vault, message, &uid, &method)?;
            }
            _ => {}
        }
    }
    Ok(applied)
}
