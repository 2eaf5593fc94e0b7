//! Personal contacts: vCard 3.0 and 4.0 (RFC 2426 / 6350) read through calcard, searched by
//! name, mail, phone and organisation, and written by Kapsel as vCard 4.0 for a new contact
//! (or a directory result the user saves) — in the version the address book already holds
//! for an edit, since calcard writes either.

use calcard::vcard::{VCard, VCardEntry, VCardProperty, VCardVersion};

// vCard TEXT values escape as iCalendar TEXT does (RFC 6350 §3.4, RFC 5545 §3.3.11).
use crate::ical::escape;
use kapsel_i18n::{current as cat, t};
use serde::{Deserialize, Serialize};

pub const MAX_CARD: usize = 256 * 1024;

/// A contact as listed and searched.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct Contact {
    pub uid: String,
    pub name: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub emails: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub phones: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub organization: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    pub version: String,
}

pub fn parse(text: &str) -> Result<VCard, String> {
    if text.len() > MAX_CARD {
        return Err(t!(
            cat(),
            "cal-card-too-large",
            bytes = text.len().to_string(),
            max = MAX_CARD.to_string()
        ));
    }
    VCard::parse(text).map_err(|e| t!(cat(), "cal-not-vcard", error = format!("{e:?}")))
}

fn texts(card: &VCard, prop: VCardProperty) -> Vec<String> {
    card.properties(&prop)
        .filter_map(|e| {
            let parts: Vec<&str> = e
                .values
                .iter()
                .filter_map(|v| v.as_text())
                .filter(|t| !t.trim().is_empty())
                .collect();
            (!parts.is_empty()).then(|| parts.join(" "))
        })
        .collect()
}

pub fn contact(card: &VCard) -> Contact {
    let name = texts(card, VCardProperty::Fn)
        .into_iter()
        .next()
        .or_else(|| texts(card, VCardProperty::N).into_iter().next())
        .unwrap_or_default();
    Contact {
        uid: card.uid().unwrap_or_default().to_string(),
        name,
        emails: texts(card, VCardProperty::Email),
        phones: texts(card, VCardProperty::Tel)
            .into_iter()
            .map(|t| t.trim_start_matches("tel:").to_string())
            .collect(),
        organization: texts(card, VCardProperty::Org).into_iter().next(),
        title: texts(card, VCardProperty::Title).into_iter().next(),
        version: match card.version() {
            Some(VCardVersion::V4_0) | None => "4.0",
            Some(VCardVersion::V3_0) => "3.0",
            Some(_) => "2.1",
        }
        .into(),
    }
}

/// Phone numbers compare by their digits ("+49 30 1234-5" finds "+493012345").
fn digits(s: &str) -> String {
    s.chars().filter(char::is_ascii_digit).collect()
}

impl Contact {
    /// Whether every word of `query` is in the name, a mail address, a phone number or
    /// the organisation (case-insensitive).
    pub fn matches(&self, query: &str) -> bool {
        let hay = format!(
            "{} {} {} {}",
            self.name,
            self.emails.join(" "),
            self.organization.as_deref().unwrap_or(""),
            self.title.as_deref().unwrap_or("")
        )
        .to_lowercase();
        let phones: Vec<String> = self.phones.iter().map(|p| digits(p)).collect();
        query.split_whitespace().all(|w| {
            let w_low = w.to_lowercase();
            let d = digits(w);
            let phone_like = w
                .chars()
                .all(|c| c.is_ascii_digit() || "+-/().".contains(c));
            hay.contains(&w_low)
                || (phone_like && d.len() >= 3 && phones.iter().any(|p| p.contains(&d)))
        }) && !query.trim().is_empty()
    }
}

/// A new vCard 4.0 for these fields.
pub fn build(c: &Contact) -> String {
    let mut out = String::from("BEGIN:VCARD\r\nVERSION:4.0\r\n");
    let mut add = |name: &str, value: &str| {
        crate::ical::prop_line(&mut out, name, value);
    };
    add("UID", &escape(&c.uid));
    add("FN", &escape(&c.name));
    let (given, family) = match c.name.rsplit_once(' ') {
        Some((g, f)) => (g, f),
        None => ("", c.name.as_str()),
    };
    add("N", &format!("{};{};;;", escape(family), escape(given)));
    for e in &c.emails {
        add("EMAIL;TYPE=work", &escape(e));
    }
    for p in &c.phones {
        add("TEL;VALUE=uri;TYPE=work", &format!("tel:{}", escape(p)));
    }
    if let Some(o) = &c.organization {
        add("ORG", &escape(o));
    }
    if let Some(t) = &c.title {
        add("TITLE", &escape(t));
    }
    add(
        "REV",
        &chrono::Utc::now().format("%Y%m%dT%H%M%SZ").to_string(),
    );
    out.push_str("END:VCARD\r\n");
    out
}

/// Change the fields of an existing card that the user changed, keeping everything else
/// (photos, addresses, other properties) and its version.
pub fn edit(card: &mut VCard, changes: &ContactChanges) -> String {
    let version = card.version().unwrap_or(VCardVersion::V4_0);
    let mut replace = |prop: VCardProperty, values: Option<Vec<String>>| {
        let Some(values) = values else { return };
        card.entries.retain(|e| e.name != prop);
        for v in values {
            let line = match &prop {
                VCardProperty::Fn => format!("FN:{}", escape(&v)),
                VCardProperty::Email => format!("EMAIL:{}", escape(&v)),
                VCardProperty::Tel => format!("TEL:{}", escape(&v)),
                VCardProperty::Org => format!("ORG:{}", escape(&v)),
                VCardProperty::Title => format!("TITLE:{}", escape(&v)),
                _ => continue,
            };
            if let Some(e) = entry(&line) {
                card.entries.push(e);
            }
        }
    };
    replace(VCardProperty::Fn, changes.name.clone().map(|n| vec![n]));
    replace(VCardProperty::Email, changes.emails.clone());
    replace(VCardProperty::Tel, changes.phones.clone());
    replace(
        VCardProperty::Org,
        changes.organization.clone().map(|o| vec![o]),
    );
    replace(VCardProperty::Title, changes.title.clone().map(|t| vec![t]));
    // END must stay last: calcard keeps entries in order.
    let mut text = String::new();
    let _ = card.write_to(&mut text, version);
    text
}

fn entry(line: &str) -> Option<VCardEntry> {
    let card = VCard::parse(format!(
        "BEGIN:VCARD\r\nVERSION:4.0\r\n{line}\r\nEND:VCARD\r\n"
    ))
    .ok()?;
    card.entries.into_iter().find(|e| {
        !matches!(
            e.name,
            VCardProperty::Begin | VCardProperty::End | VCardProperty::Version
        )
    })
}

/// What an edit changes (None: unchanged).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct ContactChanges {
    pub name: Option<String>,
    pub emails: Option<Vec<String>>,
    pub phones: Option<Vec<String>>,
    pub organization: Option<String>,
    pub title: Option<String>,
}
