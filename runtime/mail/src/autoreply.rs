//! Out-of-office replies: the settings a user edits ([`OutOfOffice`]), their validation, and
//! the [`AutoReply`] backends that put them into effect on the mail server. The Sieve backend
//! writes one vacation script (RFC 5230) over ManageSieve and keeps the user's own active
//! script running by including it; an Exchange/Graph backend can implement the same trait.

use serde::{Deserialize, Serialize};

use crate::cat;
use crate::managesieve::SieveClient;
use kapsel_core::error::{Error, Result};
use kapsel_i18n::t;

/// The name of the script Kapsel owns on the Sieve server.
pub const SCRIPT_NAME: &str = "kapsel-out-of-office";
/// First line of the script; what follows it on that line is the settings as JSON, so that
/// `get` does not have to parse Sieve.
const MARKER: &str = "# kapsel-out-of-office: ";
/// Bumped when the stored JSON changes shape, so an older Kapsel refuses instead of guessing.
const FORMAT_VERSION: u32 = 1;
/// Reply texts beyond this are a mistake (a pasted document), not a message.
pub const MAX_TEXT: usize = 64 * 1024;
/// A subject is one header line; mail headers should stay under 998 bytes in total.
const MAX_SUBJECT: usize = 250;
const MAX_DOMAINS: usize = 100;

/// An out-of-office period and its replies.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OutOfOffice {
    /// First day, `YYYY-MM-DD`, inclusive (the mail server's local date).
    pub start: String,
    /// Last day, `YYYY-MM-DD`, inclusive.
    pub end: String,
    pub subject: String,
    /// The reply to senders in `internal_domains`.
    pub internal_text: String,
    /// The reply to everyone else.
    pub external_text: String,
    /// Sender domains that get `internal_text`; empty means the domain of the user's address.
    #[serde(default)]
    pub internal_domains: Vec<String>,
}

/// Where out-of-office replies are switched on and off.
pub trait AutoReply {
    /// The settings in effect, or None when no out-of-office reply is on.
    fn get(&mut self) -> Result<Option<OutOfOffice>>;
    /// Switch the reply on (or replace the one that is on).
    fn set(&mut self, oof: &OutOfOffice) -> Result<()>;
    /// Switch the reply off; the user's own rules run as before it was set.
    fn clear(&mut self) -> Result<()>;
}

/// What the first-line comment of the script carries.
#[derive(Debug, Serialize, Deserialize)]
struct Stored {
    version: u32,
    settings: OutOfOffice,
    /// The script that was active before ours and is included by it; re-activated on clear.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    previous: Option<String>,
}

fn is_leap(year: u32) -> bool {
    matches!((year % 4, year % 100, year % 400), (0, 1.., _) | (_, _, 0))
}

fn days_in_month(year: u32, month: u32) -> u32 {
    match month {
        2 if is_leap(year) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// A month's name in the user's language (1 = January).
fn month_name(month: u32) -> String {
    match month {
        1 => t!(cat(), "mailbox-month-january"),
        2 => t!(cat(), "mailbox-month-february"),
        3 => t!(cat(), "mailbox-month-march"),
        4 => t!(cat(), "mailbox-month-april"),
        5 => t!(cat(), "mailbox-month-may"),
        6 => t!(cat(), "mailbox-month-june"),
        7 => t!(cat(), "mailbox-month-july"),
        8 => t!(cat(), "mailbox-month-august"),
        9 => t!(cat(), "mailbox-month-september"),
        10 => t!(cat(), "mailbox-month-october"),
        11 => t!(cat(), "mailbox-month-november"),
        _ => t!(cat(), "mailbox-month-december"),
    }
}

/// `YYYY-MM-DD` as (year, month, day), checked against the calendar. `what` names the field
/// with its article, in the user's language ("the start date").
fn parse_date(text: &str, what: &str) -> Result<(u32, u32, u32)> {
    let b = text.as_bytes();
    let shaped = b.len() == 10
        && b[4] == b'-'
        && b[7] == b'-'
        && b.iter()
            .enumerate()
            .all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit());
    if !shaped {
        return Err(Error::invalid(t!(
            cat(),
            "mailbox-oof-date-shape",
            what = what,
            text = format!("{text:?}")
        )));
    }
    let num = |r: std::ops::Range<usize>| -> u32 {
        b[r].iter().fold(0, |n, d| n * 10 + u32::from(d - b'0'))
    };
    let (year, month, day) = (num(0..4), num(5..7), num(8..10));
    if year == 0 {
        return Err(Error::invalid(t!(
            cat(),
            "mailbox-oof-date-year-zero",
            what = what,
            text = format!("{text:?}")
        )));
    }
    if !(1..=12).contains(&month) {
        return Err(Error::invalid(t!(
            cat(),
            "mailbox-oof-date-no-month",
            what = what,
            text = format!("{text:?}"),
            month = month.to_string()
        )));
    }
    let last = days_in_month(year, month);
    if !(1..=last).contains(&day) {
        return Err(Error::invalid(t!(
            cat(),
            "mailbox-oof-date-no-day",
            what = what,
            text = format!("{text:?}"),
            month = month_name(month),
            year = year.to_string(),
            days = last.to_string()
        )));
    }
    Ok((year, month, day))
}

fn check_domain(domain: &str) -> Result<()> {
    let ok = !domain.is_empty()
        && domain.len() <= 253
        && domain.split('.').all(|label| {
            !label.is_empty()
                && label.len() <= 63
                && !label.starts_with('-')
                && !label.ends_with('-')
                && label.chars().all(|c| c.is_alphanumeric() || c == '-')
        });
    if ok {
        Ok(())
    } else {
        Err(Error::invalid(t!(
            cat(),
            "mailbox-oof-not-a-domain",
            domain = format!("{domain:?}")
        )))
    }
}

/// `what` names the field with its article, in the user's language ("the reply text …").
fn check_text(text: &str, what: &str) -> Result<()> {
    if text.trim().is_empty() {
        return Err(Error::invalid(t!(
            cat(),
            "mailbox-oof-text-empty",
            what = what
        )));
    }
    if text.len() > MAX_TEXT {
        return Err(Error::invalid(t!(
            cat(),
            "mailbox-oof-text-too-long",
            what = what,
            size = text.len().div_ceil(1024).to_string(),
            max = (MAX_TEXT / 1024).to_string()
        )));
    }
    // Sieve strings cannot carry NUL, and other control characters only garble the reply.
    if let Some(c) = text
        .chars()
        .find(|&c| c.is_control() && !matches!(c, '\n' | '\r' | '\t'))
    {
        return Err(Error::invalid(t!(
            cat(),
            "mailbox-oof-text-control",
            what = what,
            char = format!("{c:?}")
        )));
    }
    Ok(())
}

/// Check the settings; every error names the field in words a user understands.
pub fn validate(oof: &OutOfOffice) -> Result<()> {
    let start = parse_date(&oof.start, &t!(cat(), "mailbox-oof-the-start-date"))?;
    let end = parse_date(&oof.end, &t!(cat(), "mailbox-oof-the-end-date"))?;
    if end < start {
        return Err(Error::invalid(t!(
            cat(),
            "mailbox-oof-end-before-start",
            end = oof.end.as_str(),
            start = oof.start.as_str()
        )));
    }
    if oof.subject.trim().is_empty() {
        return Err(Error::invalid(t!(cat(), "mailbox-oof-subject-empty")));
    }
    if oof.subject.chars().any(char::is_control) {
        return Err(Error::invalid(t!(cat(), "mailbox-oof-subject-multiline")));
    }
    if oof.subject.chars().count() > MAX_SUBJECT {
        return Err(Error::invalid(t!(
            cat(),
            "mailbox-oof-subject-too-long",
            max = MAX_SUBJECT.to_string()
        )));
    }
    check_text(
        &oof.internal_text,
        &t!(cat(), "mailbox-oof-the-internal-text"),
    )?;
    check_text(
        &oof.external_text,
        &t!(cat(), "mailbox-oof-the-external-text"),
    )?;
    if oof.internal_domains.len() > MAX_DOMAINS {
        return Err(Error::invalid(t!(
            cat(),
            "mailbox-oof-too-many-domains",
            max = MAX_DOMAINS.to_string()
        )));
    }
    for domain in &oof.internal_domains {
        check_domain(domain)?;
    }
    Ok(())
}

/// The domain part of the user's own address.
fn own_domain(own_address: &str) -> Result<&str> {
    let bad = || {
        Error::invalid(t!(
            cat(),
            "mailbox-oof-not-an-address",
            address = format!("{own_address:?}")
        ))
    };
    let (local, domain) = own_address.rsplit_once('@').ok_or_else(bad)?;
    if local.is_empty()
        || local
            .chars()
            .any(|c| c.is_control() || c.is_whitespace() || matches!(c, '"' | '\\' | '<' | '>'))
    {
        return Err(bad());
    }
    check_domain(domain).map_err(|_| bad())?;
    Ok(domain)
}

/// A Sieve quoted string. Quoted strings may span lines (RFC 5228 §2.4.2), but only with CRLF:
/// bare CR or LF from a text field become CRLF.
fn sieve_string(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '"' | '\\' => {
                out.push('\\');
                out.push(c);
            }
            '\r' => {
                if chars.peek() == Some(&'\n') {
                    chars.next();
                }
                out.push_str("\r\n");
            }
            '\n' => out.push_str("\r\n"),
            _ => out.push(c),
        }
    }
    out.push('"');
    out
}

fn sieve_list<'a>(items: impl IntoIterator<Item = &'a str>) -> String {
    let items: Vec<String> = items.into_iter().map(sieve_string).collect();
    format!("[{}]", items.join(", "))
}

/// The vacation script for `oof`. With `include_previous`, the user's formerly active script
/// runs after ours, so their own rules keep working while they are away.
pub fn vacation_script(
    oof: &OutOfOffice,
    own_address: &str,
    include_previous: Option<&str>,
) -> Result<String> {
    validate(oof)?;
    let domain = own_domain(own_address)?;
    if let Some(previous) = include_previous
        .filter(|p| p.is_empty() || *p == SCRIPT_NAME || p.chars().any(char::is_control))
    {
        return Err(Error::invalid(t!(
            cat(),
            "mailbox-oof-cannot-include",
            script = format!("{previous:?}")
        )));
    }
    let stored = Stored {
        version: FORMAT_VERSION,
        settings: oof.clone(),
        previous: include_previous.map(str::to_string),
    };
    // serde_json escapes every control character, so the settings stay on one comment line.
    let json = serde_json::to_string(&stored).map_err(|e| {
        Error::invalid(t!(
            cat(),
            "mailbox-oof-settings-unencodable",
            error = e.to_string()
        ))
    })?;
    let domains: Vec<&str> = if oof.internal_domains.is_empty() {
        vec![domain]
    } else {
        oof.internal_domains.iter().map(String::as_str).collect()
    };
    let mut require = vec!["vacation", "date", "relational"];
    if include_previous.is_some() {
        require.push("include");
    }
    let vacation = |text: &str| {
        format!(
            "vacation :days 1 :subject {} :addresses {} {};",
            sieve_string(&oof.subject),
            sieve_list([own_address]),
            sieve_string(text)
        )
    };
    let mut lines = vec![
        format!("{MARKER}{json}"),
        "# Written by Kapsel, which reads the settings back from the line above:".to_string(),
        "# change the out-of-office reply in Kapsel, not here.".to_string(),
        format!("require {};", sieve_list(require)),
        "if allof (currentdate :value \"ge\" \"date\" ".to_string()
            + &sieve_string(&oof.start)
            + ",",
        "          currentdate :value \"le\" \"date\" ".to_string()
            + &sieve_string(&oof.end)
            + ") {",
        format!(
            "  if address :domain :is \"from\" {} {{",
            sieve_list(domains.iter().copied())
        ),
        format!("    {}", vacation(&oof.internal_text)),
        "  } else {".to_string(),
        format!("    {}", vacation(&oof.external_text)),
        "  }".to_string(),
        "}".to_string(),
    ];
    if let Some(previous) = include_previous {
        lines.push(format!(
            "include :personal :optional {};",
            sieve_string(previous)
        ));
    }
    let mut script = lines.join("\r\n");
    script.push_str("\r\n");
    Ok(script)
}

/// The settings and the included script name from a script [`vacation_script`] wrote.
fn read_settings(script: &str) -> Result<(OutOfOffice, Option<String>)> {
    let changed = |why: String| {
        Error::invalid(t!(
            cat(),
            "mailbox-oof-script-changed",
            script = format!("{SCRIPT_NAME:?}"),
            reason = why
        ))
    };
    let first = script
        .split('\n')
        .next()
        .unwrap_or("")
        .trim_end_matches('\r');
    let json = first
        .strip_prefix(MARKER)
        .ok_or_else(|| changed(t!(cat(), "mailbox-oof-changed-first-line")))?;
    let stored: Stored = serde_json::from_str(json).map_err(|e| {
        changed(t!(
            cat(),
            "mailbox-oof-changed-unreadable",
            error = e.to_string()
        ))
    })?;
    if stored.version != FORMAT_VERSION {
        return Err(Error::invalid(t!(
            cat(),
            "mailbox-oof-format-version",
            found = stored.version.to_string(),
            supported = FORMAT_VERSION.to_string()
        )));
    }
    validate(&stored.settings).map_err(|e| {
        changed(t!(
            cat(),
            "mailbox-oof-changed-invalid",
            error = e.to_string()
        ))
    })?;
    Ok((stored.settings, stored.previous))
}

/// Out-of-office replies as a Sieve vacation script, managed over ManageSieve.
pub struct SieveAutoReply {
    client: SieveClient,
    own_address: String,
}

impl SieveAutoReply {
    /// `own_address` is the user's address: replies go out only for mail sent to it, and its
    /// domain is the internal one unless the settings name others.
    pub fn new(client: SieveClient, own_address: &str) -> SieveAutoReply {
        SieveAutoReply {
            client,
            own_address: own_address.to_string(),
        }
    }

    /// The session back, e.g. to log out.
    pub fn into_client(self) -> SieveClient {
        self.client
    }

    /// The script ours included, if ours is readable and that script still exists: a stale
    /// name would make every delivery fail at the include.
    fn recorded_previous(&mut self, scripts: &[(String, bool)]) -> Result<Option<String>> {
        let Some(text) = self.client.get_script(SCRIPT_NAME)? else {
            return Ok(None);
        };
        // An unreadable comment must not block switching the reply off or replacing it; the
        // user's scripts stay on the server either way, only the re-activation is lost.
        let previous = read_settings(&text).ok().and_then(|(_, p)| p);
        Ok(previous.filter(|p| p != SCRIPT_NAME && scripts.iter().any(|(n, _)| n == p)))
    }
}

impl AutoReply for SieveAutoReply {
    fn get(&mut self) -> Result<Option<OutOfOffice>> {
        let scripts = self.client.list_scripts()?;
        // Ours on the server but not active means someone switched to another script: the
        // reply is not in effect, whatever the script says.
        if !scripts
            .iter()
            .any(|(n, active)| n == SCRIPT_NAME && *active)
        {
            return Ok(None);
        }
        let Some(text) = self.client.get_script(SCRIPT_NAME)? else {
            return Ok(None);
        };
        read_settings(&text).map(|(oof, _)| Some(oof))
    }

    fn set(&mut self, oof: &OutOfOffice) -> Result<()> {
        validate(oof)?;
        own_domain(&self.own_address)?;
        let scripts = self.client.list_scripts()?;
        let active = scripts
            .iter()
            .find(|(_, active)| *active)
            .map(|(n, _)| n.clone());
        let previous = match active.as_deref() {
            Some(SCRIPT_NAME) => self.recorded_previous(&scripts)?,
            other => other.map(str::to_string),
        };
        let mut needed = vec!["vacation", "date", "relational"];
        if previous.is_some() {
            needed.push("include");
        }
        let missing: Vec<&str> = needed
            .into_iter()
            .filter(|n| {
                !self
                    .client
                    .extensions()
                    .iter()
                    .any(|e| e.eq_ignore_ascii_case(n))
            })
            .collect();
        if !missing.is_empty() {
            return Err(Error::Network(t!(
                cat(),
                "mailbox-oof-missing-extensions",
                missing = missing.join(", ")
            )));
        }
        let script = vacation_script(oof, &self.own_address, previous.as_deref())?;
        // Replacing the active script is atomic on the server: there is no moment without it.
        self.client.put_script(SCRIPT_NAME, &script)?;
        if active.as_deref() != Some(SCRIPT_NAME) {
            self.client.set_active(SCRIPT_NAME)?;
        }
        Ok(())
    }

    fn clear(&mut self) -> Result<()> {
        let scripts = self.client.list_scripts()?;
        let Some((_, active)) = scripts.iter().find(|(n, _)| n == SCRIPT_NAME) else {
            return Ok(());
        };
        if *active {
            let previous = self.recorded_previous(&scripts)?;
            // The server refuses to delete the active script, so switch first.
            self.client.set_active(previous.as_deref().unwrap_or(""))?;
        }
        match self.client.delete_script(SCRIPT_NAME) {
            Err(Error::NotFound(_)) => Ok(()),
            other => other,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn oof() -> OutOfOffice {
        OutOfOffice {
            start: "2026-12-21".into(),
            end: "2027-01-06".into(),
            subject: "Abwesend".into(),
            internal_text: "Bin im Urlaub.\nVertretung: Bob".into(),
            external_text: "Out of office until 6 January.".into(),
            internal_domains: vec!["corp.test".into()],
        }
    }

    fn invalid(oof: &OutOfOffice) -> String {
        match validate(oof) {
            Err(Error::Invalid(m)) => m,
            other => panic!("expected Invalid for {oof:?}, got {other:?}"),
        }
    }

    #[test]
    fn calendar_dates() {
        for good in [
            "2024-02-29",
            "2000-02-29",
            "2026-12-31",
            "0001-01-01",
            "2026-04-30",
        ] {
            assert!(parse_date(good, "d").is_ok(), "{good}");
        }
        for bad in [
            "2023-02-29",
            "1900-02-29",
            "2026-04-31",
            "2026-13-01",
            "2026-00-10",
            "2026-01-00",
            "0000-01-01",
            "2026-1-01",
            "2026-01-01 ",
            "26.12.2026",
            "2026/12/24",
            "２０２６-01-01",
            "",
        ] {
            assert!(
                matches!(parse_date(bad, "d"), Err(Error::Invalid(_))),
                "{bad}"
            );
        }
        assert!(
            parse_date("2023-02-29", "start date")
                .unwrap_err()
                .to_string()
                .contains("February 2023 has 28 days")
        );
    }

    #[test]
    fn validation_errors_say_what_is_wrong() {
        assert!(validate(&oof()).is_ok());
        let one_day = OutOfOffice {
            end: "2026-12-21".into(),
            ..oof()
        };
        assert!(validate(&one_day).is_ok());
        let m = invalid(&OutOfOffice {
            end: "2026-12-20".into(),
            ..oof()
        });
        assert!(
            m.contains("end date 2026-12-20 is before the start date 2026-12-21"),
            "{m}"
        );
        let m = invalid(&OutOfOffice {
            start: "2026-02-30".into(),
            ..oof()
        });
        assert!(
            m.contains("start date") && m.contains("February 2026 has 28 days"),
            "{m}"
        );
        let m = invalid(&OutOfOffice {
            internal_text: " \n ".into(),
            ..oof()
        });
        assert!(
            m.contains("reply text for internal senders is empty"),
            "{m}"
        );
        let m = invalid(&OutOfOffice {
            external_text: String::new(),
            ..oof()
        });
        assert!(
            m.contains("reply text for external senders is empty"),
            "{m}"
        );
        let m = invalid(&OutOfOffice {
            external_text: "x".repeat(MAX_TEXT + 1),
            ..oof()
        });
        assert!(m.contains("at most 64 KiB"), "{m}");
        assert!(
            validate(&OutOfOffice {
                external_text: "x".repeat(MAX_TEXT),
                ..oof()
            })
            .is_ok()
        );
        let m = invalid(&OutOfOffice {
            subject: "a\r\nBcc: x@evil.test".into(),
            ..oof()
        });
        assert!(m.contains("single line"), "{m}");
        assert!(
            invalid(&OutOfOffice {
                subject: " ".into(),
                ..oof()
            })
            .contains("subject")
        );
        assert!(
            invalid(&OutOfOffice {
                internal_text: "a\0b".into(),
                ..oof()
            })
            .contains("control character")
        );
        for bad in [
            "@corp.test",
            "corp test",
            "",
            "corp..test",
            "-corp.test",
            "a\"b.test",
        ] {
            let m = invalid(&OutOfOffice {
                internal_domains: vec![bad.into()],
                ..oof()
            });
            assert!(m.contains("is not a domain name"), "{bad}: {m}");
        }
    }

    #[test]
    fn script_shape() {
        let s = vacation_script(&oof(), "alice@corp.test", None).unwrap();
        let lines: Vec<&str> = s.split("\r\n").collect();
        assert!(lines[0].starts_with("# kapsel-out-of-office: {"));
        assert!(s.contains("require [\"vacation\", \"date\", \"relational\"];\r\n"));
        assert!(s.contains("currentdate :value \"ge\" \"date\" \"2026-12-21\""));
        assert!(s.contains("currentdate :value \"le\" \"date\" \"2027-01-06\""));
        assert!(s.contains("if address :domain :is \"from\" [\"corp.test\"] {"));
        assert!(s.contains(
            "vacation :days 1 :subject \"Abwesend\" :addresses [\"alice@corp.test\"] \"Bin im Urlaub.\r\nVertretung: Bob\";"
        ));
        assert!(s.contains("\"Out of office until 6 January.\";"));
        assert!(!s.contains("include"));
        assert!(!s.replace("\r\n", "").contains('\n') && !s.replace("\r\n", "").contains('\r'));

        let s = vacation_script(&oof(), "alice@corp.test", Some("my \"rules\"")).unwrap();
        assert!(s.contains("require [\"vacation\", \"date\", \"relational\", \"include\"];"));
        assert!(
            s.ends_with("\r\ninclude :personal :optional \"my \\\"rules\\\"\";\r\n"),
            "{s}"
        );
    }

    #[test]
    fn user_strings_are_escaped() {
        let evil = OutOfOffice {
            subject: "Weg \"bis\" \\ Montag\"; discard; #".into(),
            internal_text: "a\"b\\c\r\nd\re\nf".into(),
            external_text: "\";\r\nredirect \"x@evil.test\";\r\n".into(),
            ..oof()
        };
        let s = vacation_script(&evil, "alice@corp.test", None).unwrap();
        assert!(
            s.contains(":subject \"Weg \\\"bis\\\" \\\\ Montag\\\"; discard; #\""),
            "{s}"
        );
        assert!(s.contains("\"a\\\"b\\\\c\r\nd\r\ne\r\nf\";"), "{s}");
        assert!(
            s.contains("\"\\\";\r\nredirect \\\"x@evil.test\\\";\r\n\";"),
            "{s}"
        );
        // the injected command stays inside the string: its quotes arrive escaped
        assert!(
            s.lines()
                .filter(|l| l.starts_with("redirect"))
                .all(|l| l.starts_with("redirect \\\"x@evil.test\\\";"))
        );
    }

    #[test]
    fn default_internal_domain_is_the_users() {
        let o = OutOfOffice {
            internal_domains: vec![],
            ..oof()
        };
        let s = vacation_script(&o, "bob@agency.example", None).unwrap();
        assert!(s.contains("\"from\" [\"agency.example\"]"));
        assert_eq!(read_settings(&s).unwrap().0, o);
        for bad in [
            "bob",
            "@corp.test",
            "bob@",
            "b ob@corp.test",
            "bob@corp test",
        ] {
            assert!(
                matches!(vacation_script(&o, bad, None), Err(Error::Invalid(_))),
                "{bad}"
            );
        }
        assert!(vacation_script(&o, "bob@corp.test", Some(SCRIPT_NAME)).is_err());
        assert!(vacation_script(&o, "bob@corp.test", Some("a\r\nb")).is_err());
    }

    #[test]
    fn settings_round_trip_through_the_comment() {
        let o = OutOfOffice {
            subject: "Außer Haus \"ab\" heute".into(),
            internal_text: "Zeile 1\r\nZeile 2 \\ \u{2028} ünd\n".into(),
            internal_domains: vec!["corp.test".into(), "behörde.example".into()],
            ..oof()
        };
        let s = vacation_script(&o, "alice@corp.test", Some("roundcube")).unwrap();
        assert_eq!(
            read_settings(&s).unwrap(),
            (o.clone(), Some("roundcube".to_string()))
        );
        let s = vacation_script(&o, "alice@corp.test", None).unwrap();
        assert_eq!(read_settings(&s).unwrap(), (o, None));
        // the JSON also parses when the server hands the script back with bare LF
        let lf = s.replace("\r\n", "\n");
        assert!(read_settings(&lf).is_ok());
    }

    #[test]
    fn unreadable_comments_are_invalid_not_panics() {
        let good = vacation_script(&oof(), "alice@corp.test", None).unwrap();
        let json_start = good.find('{').unwrap();
        let cases = [
            String::new(),
            "require \"vacation\";\r\n".to_string(),
            good.replacen("# kapsel-out-of-office: ", "# something else: ", 1),
            good[..json_start + 20].to_string(),
            good.replacen("\"version\":1", "\"version\":\"1\"", 1),
            good.replacen("2026-12-21", "2026-02-30", 1),
            "# kapsel-out-of-office: {}".to_string(),
            "# kapsel-out-of-office: null".to_string(),
            "\r\n# kapsel-out-of-office: {\"version\":1}".to_string(),
        ];
        for script in cases {
            match read_settings(&script) {
                Err(Error::Invalid(m)) => assert!(m.contains(SCRIPT_NAME) || m.contains("format")),
                other => panic!("{script:?}: {other:?}"),
            }
        }
        let newer = good.replacen("\"version\":1", "\"version\":2", 1);
        assert!(
            read_settings(&newer)
                .unwrap_err()
                .to_string()
                .contains("format 2")
        );
    }
}
