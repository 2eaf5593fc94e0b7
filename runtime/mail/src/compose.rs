//! Writing mail: new messages, replies (to the sender or to all), forwards, and the RFC 5322
//! bytes built from them with mail-builder (RFC 2047 headers, quoted-printable/base64
//! bodies). Sending on behalf puts the mailbox in From: and the user in Sender:.

use mail_builder::MessageBuilder;
use mail_builder::headers::address::Address;
use serde::{Deserialize, Serialize};

use super::smtp::Envelope;
use super::store::MessageMeta;
use crate::cat;
use kapsel_core::error::{Error, Result};
use kapsel_i18n::t;

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct Draft {
    /// Send on behalf of this mailbox address (From:), the user goes into Sender:.
    #[serde(default)]
    pub on_behalf_of: Option<String>,
    pub to: Vec<String>,
    #[serde(default)]
    pub cc: Vec<String>,
    #[serde(default)]
    pub bcc: Vec<String>,
    pub subject: String,
    pub body: String,
    #[serde(default)]
    pub in_reply_to: Option<String>,
    #[serde(default)]
    pub references: Vec<String>,
    /// Vault documents to attach (ids from `kapsel doc list`, e.g. an edited attachment).
    #[serde(default)]
    pub attachments: Vec<String>,
}

/// "Name <addr>" or "addr" → (name, addr); refuses what cannot be an address.
pub fn split_address(text: &str) -> Result<(Option<String>, String)> {
    let t = text.trim();
    if t.chars().any(|c| c.is_control()) {
        return Err(Error::invalid(t!(
            cat(),
            "mailbox-not-a-mail-address",
            address = format!("{t:?}")
        )));
    }
    let (name, addr) = match (t.rfind('<'), t.rfind('>')) {
        (Some(a), Some(b)) if a < b => {
            let name = t[..a].trim().trim_matches('"').trim();
            (
                (!name.is_empty()).then(|| name.to_string()),
                t[a + 1..b].trim().to_string(),
            )
        }
        _ => (None, t.to_string()),
    };
    let ok = addr.len() <= 254
        && addr.matches('@').count() == 1
        && !addr.starts_with('@')
        && !addr.ends_with('@')
        && !addr.contains(char::is_whitespace)
        && !addr.contains(['<', '>', ',', ';', '"']);
    if !ok {
        return Err(Error::invalid(t!(
            cat(),
            "mailbox-not-a-mail-address",
            address = format!("{t:?}")
        )));
    }
    Ok((name, addr))
}

fn address(text: &str) -> Result<Address<'static>> {
    Ok(match split_address(text)? {
        (Some(n), a) => Address::from((n, a)),
        (None, a) => Address::from(a),
    })
}

fn addresses(list: &[String]) -> Result<Address<'static>> {
    Ok(Address::new_list(
        list.iter()
            .map(|a| address(a))
            .collect::<Result<Vec<_>>>()?,
    ))
}

pub struct Built {
    pub message: Vec<u8>,
    pub envelope: Envelope,
    pub message_id: String,
}

/// An attachment ready to go: name, media type, bytes.
pub type Attachment = (String, String, Vec<u8>);

pub fn build(draft: &Draft, user: &str, attachments: Vec<Attachment>) -> Result<Built> {
    if draft.to.is_empty() && draft.cc.is_empty() && draft.bcc.is_empty() {
        return Err(Error::invalid(t!(cat(), "mailbox-no-recipient")));
    }
    if draft.subject.chars().any(|c| c == '\r' || c == '\n') {
        return Err(Error::invalid(t!(cat(), "mailbox-subject-one-line")));
    }
    let (_, user_addr) = split_address(user)?;
    let domain = user_addr.rsplit('@').next().unwrap_or("kapsel.invalid");
    let message_id = format!(
        "{}.{}@{domain}",
        kapsel_core::vault::now_ms(),
        hex::encode(kapsel_core::vault::crypto::random_bytes::<8>())
    );
    let mut b = MessageBuilder::new()
        .message_id(message_id.clone())
        .subject(draft.subject.clone())
        .date(mail_builder::headers::date::Date::new(
            (kapsel_core::vault::now_ms() / 1000) as i64,
        ))
        .header("User-Agent", mail_builder::headers::raw::Raw::new("Kapsel"));
    b = match &draft.on_behalf_of {
        Some(mailbox) => b.from(address(mailbox)?).sender(address(user)?),
        None => b.from(address(user)?),
    };
    if !draft.to.is_empty() {
        b = b.to(addresses(&draft.to)?);
    }
    if !draft.cc.is_empty() {
        b = b.cc(addresses(&draft.cc)?);
    }
    if let Some(irt) = &draft.in_reply_to {
        b = b.in_reply_to(irt.clone());
    }
    if !draft.references.is_empty() {
        b = b.references(draft.references.clone());
    }
    b = b.text_body(draft.body.clone());
    for (name, media, bytes) in attachments {
        b = b.attachment(media, name, bytes);
    }
    let message = b
        .write_to_vec()
        .map_err(|e| Error::invalid(t!(cat(), "mailbox-cannot-build", error = e.to_string())))?;
    let mut rcpt = Vec::new();
    for a in draft.to.iter().chain(&draft.cc).chain(&draft.bcc) {
        let (_, addr) = split_address(a)?;
        if !rcpt.contains(&addr) {
            rcpt.push(addr);
        }
    }
    Ok(Built {
        message,
        envelope: Envelope {
            from: user_addr,
            to: rcpt,
        },
        message_id,
    })
}

fn quote(text: &str) -> String {
    text.lines()
        .map(|l| {
            if l.starts_with('>') {
                format!(">{l}")
            } else {
                format!("> {l}")
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// Text from a received mail (a decoded encoded-word may carry line breaks, which `build`
/// rightly refuses in a header) on one line: each run of controls becomes one space.
pub fn one_line(text: &str) -> String {
    text.split(|c: char| c.is_control())
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

/// The addresses of a received mail an answer can go to, each on one line; what cannot be
/// an address (a bare list name, a garbled header) is left out rather than making the whole
/// answer fail.
fn answerable(list: &[String]) -> Vec<String> {
    list.iter()
        .map(|a| one_line(a))
        .filter(|a| split_address(a).is_ok())
        .collect()
}

/// The answer's subject: the original's on one line, so that a mail whose subject carries a
/// line break can still be answered.
fn prefixed(prefix: &str, subject: &str) -> String {
    let subject = one_line(subject);
    let lower = subject.to_ascii_lowercase();
    let p = prefix.to_ascii_lowercase();
    if lower.starts_with(&format!("{p}:")) {
        subject
    } else {
        format!("{prefix}: {subject}")
    }
}

/// A reply: to Reply-To (else From); with `all`, the other recipients in Cc, minus the user.
pub fn reply(original: &MessageMeta, text: &str, all: bool, me: &str, body: &str) -> Draft {
    let s = &original.summary;
    let mut to = answerable(&s.reply_to);
    if to.is_empty() {
        to = answerable(std::slice::from_ref(&s.from));
    }
    if to.is_empty() && !s.from.trim().is_empty() {
        // No sender to answer: keep the From as it is, so that `build` says it is no
        // address instead of a reply-all quietly going to everyone but the sender.
        to.push(one_line(&s.from));
    }
    let mine = |a: &String| split_address(a).is_ok_and(|(_, x)| x.eq_ignore_ascii_case(me));
    let cc = if all {
        let mut others = answerable(&s.to);
        others.extend(answerable(&s.cc));
        others
            .into_iter()
            .filter(|a| !mine(a) && !to.contains(a))
            .collect()
    } else {
        Vec::new()
    };
    let mut references = s.references.clone();
    if let Some(id) = &s.message_id {
        references.push(id.clone());
    }
    Draft {
        to,
        cc,
        subject: prefixed("Re", &s.subject),
        body: format!(
            "{body}\n\n{}\n{}\n",
            t!(
                cat(),
                "mailbox-reply-wrote",
                sender = if s.from.is_empty() {
                    t!(cat(), "mailbox-reply-someone")
                } else {
                    s.from.clone()
                }
            ),
            quote(text)
        ),
        in_reply_to: s.message_id.clone(),
        references,
        ..Draft::default()
    }
}

pub fn forward(original: &MessageMeta, text: &str, to: Vec<String>, body: &str) -> Draft {
    let s = &original.summary;
    Draft {
        to,
        subject: prefixed("Fwd", &s.subject),
        body: format!(
            "{body}\n\n{}\n{}\n{}\n{}\n\n{text}\n",
            t!(cat(), "mailbox-forward-header"),
            t!(cat(), "mailbox-forward-from", from = s.from.as_str()),
            t!(cat(), "mailbox-forward-to", to = s.to.join(", ")),
            t!(
                cat(),
                "mailbox-forward-subject",
                subject = s.subject.as_str()
            )
        ),
        ..Draft::default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_split_and_refuse_garbage() {
        assert_eq!(
            split_address("Bob Berger <bob@corp.test>").unwrap(),
            (Some("Bob Berger".into()), "bob@corp.test".into())
        );
        assert_eq!(split_address("bob@corp.test").unwrap().1, "bob@corp.test");
        for bad in ["bob", "a@b@c", "x\r\nBcc: evil@x", "<>", "a b@c"] {
            assert!(split_address(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn on_behalf_sets_from_and_sender_and_bcc_stays_out_of_headers() {
        let d = Draft {
            on_behalf_of: Some("Poststelle <poststelle@corp.test>".into()),
            to: vec!["bob@corp.test".into()],
            bcc: vec!["carol@corp.test".into()],
            subject: "Grüße".into(),
            body: "Hallo".into(),
            ..Draft::default()
        };
        let b = build(&d, "alice@corp.test", vec![]).unwrap();
        let text = String::from_utf8_lossy(&b.message);
        assert!(
            text.contains("From: \"Poststelle\" <poststelle@corp.test>")
                || text.contains("From: Poststelle <poststelle@corp.test>"),
            "{text}"
        );
        assert!(
            text.contains("Sender: <alice@corp.test>") || text.contains("Sender: alice@corp.test"),
            "{text}"
        );
        assert!(!text.contains("carol"));
        assert_eq!(b.envelope.to, vec!["bob@corp.test", "carol@corp.test"]);
        assert_eq!(b.envelope.from, "alice@corp.test");
    }

    #[test]
    fn replies_quote_and_thread() {
        let mut m = MessageMeta::default();
        m.summary.from = "Bob <bob@corp.test>".into();
        m.summary.to = vec!["alice@corp.test".into(), "carol@corp.test".into()];
        m.summary.subject = "Plan".into();
        m.summary.message_id = Some("m1@corp.test".into());
        let r = reply(&m, "line", true, "alice@corp.test", "ok");
        assert_eq!(r.subject, "Re: Plan");
        assert_eq!(r.to, vec!["Bob <bob@corp.test>"]);
        assert_eq!(r.cc, vec!["carol@corp.test"]);
        assert!(r.body.contains("> line"));
        assert_eq!(r.in_reply_to.as_deref(), Some("m1@corp.test"));
        assert_eq!(prefixed("Re", "RE: x"), "RE: x");
        // A decoded subject with a line break in it can still be answered, on one line.
        m.summary.subject = "Plan\r\nBcc: evil@x.test".into();
        let r = reply(&m, "line", false, "alice@corp.test", "ok");
        assert_eq!(r.subject, "Re: Plan Bcc: evil@x.test");
        assert!(build(&r, "alice@corp.test", Vec::new()).is_ok());
        // Reply-all leaves out what cannot be answered and keeps names on one line.
        m.summary.from = "=?x?= Bob\r\n Berger <bob@corp.test>".into();
        m.summary.to = vec!["Team-Verteiler".into(), "carol@corp.test".into()];
        m.summary.cc = vec!["\"Dan\nD.\" <dan@corp.test>".into(), "<>".into()];
        let r = reply(&m, "line", true, "alice@corp.test", "ok");
        assert_eq!(r.to, ["=?x?= Bob Berger <bob@corp.test>"]);
        assert_eq!(r.cc, ["carol@corp.test", "\"Dan D.\" <dan@corp.test>"]);
        assert!(build(&r, "alice@corp.test", Vec::new()).is_ok());
        // A sender that is no address: the reply-all is refused, not sent to the others.
        m.summary.from = "Nur Name".into();
        let r = reply(&m, "line", true, "alice@corp.test", "ok");
        assert_eq!(r.to, ["Nur Name"]);
        assert!(build(&r, "alice@corp.test", Vec::new()).is_err());
    }
}
