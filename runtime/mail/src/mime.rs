//! Reading a message: mail-parser does MIME, RFC 2047 and charsets; this module turns its
//! result into what Kapsel stores and shows — a summary of the headers, the readable text
//! (format=flowed joined, HTML as safe text: no remote content is ever fetched) and the list
//! of attachments. Any input yields a result; broken parts become "(unreadable part)".

use mail_parser::{Address, HeaderValue, MessageParser, MimeHeaders, PartType};
use serde::{Deserialize, Serialize};

use crate::cat;
use kapsel_i18n::t;

/// Headers and structure of a message, sealed in the vault per message.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct Summary {
    pub from: String,
    pub from_address: String,
    pub sender: Option<String>,
    pub to: Vec<String>,
    pub cc: Vec<String>,
    pub reply_to: Vec<String>,
    pub subject: String,
    /// Seconds since the epoch (Date header, else the server's arrival time).
    pub date: i64,
    pub message_id: Option<String>,
    pub in_reply_to: Option<String>,
    pub references: Vec<String>,
    pub attachments: Vec<AttachmentInfo>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct AttachmentInfo {
    /// Position among the message's attachments (what `kapsel mail attach` takes).
    pub index: usize,
    pub name: String,
    pub media_type: String,
    pub size: u64,
}

pub struct Parsed {
    pub summary: Summary,
    pub text: String,
}

/// Longest text kept per message: beyond this, reading shows a note and search stops.
const MAX_TEXT: usize = 2 * 1024 * 1024;

fn parser() -> MessageParser {
    MessageParser::default()
}

fn addresses(value: Option<&Address<'_>>) -> Vec<String> {
    let Some(list) = value else {
        return Vec::new();
    };
    list.iter()
        .map(|a| match (a.name.as_deref(), a.address.as_deref()) {
            (Some(n), Some(addr)) if !n.is_empty() => format!("{n} <{addr}>"),
            (_, Some(addr)) => addr.to_string(),
            (Some(n), None) => n.to_string(),
            (None, None) => String::new(),
        })
        .filter(|s| !s.is_empty())
        .take(1000)
        .collect()
}

fn ids(value: &HeaderValue<'_>) -> Vec<String> {
    match value {
        HeaderValue::Text(t) => vec![t.to_string()],
        HeaderValue::TextList(l) => l.iter().take(200).map(|t| t.to_string()).collect(),
        _ => Vec::new(),
    }
}

/// Parse headers and text. `arrival` is the server's INTERNALDATE (fallback for Date).
pub fn parse(raw: &[u8], arrival: i64) -> Parsed {
    let parsed = parse_once(raw, arrival);
    if !parsed.text.trim().is_empty() {
        return parsed;
    }
    // A multipart message cut off before its closing boundary (a truncated send) reads as
    // empty; closing it ourselves recovers the parts that did arrive.
    match unclosed_boundary(raw) {
        Some(b) => {
            let mut fixed = raw.to_vec();
            fixed.extend_from_slice(format!("\r\n--{b}--\r\n").as_bytes());
            let repaired = parse_once(&fixed, arrival);
            if repaired.text.trim().is_empty() {
                parsed
            } else {
                repaired
            }
        }
        None => parsed,
    }
}

fn unclosed_boundary(raw: &[u8]) -> Option<String> {
    let msg = parser().parse_headers(raw)?;
    let b = msg.content_type()?.attribute("boundary")?.to_string();
    let closing = format!("--{b}--");
    let found = raw.windows(closing.len()).any(|w| w == closing.as_bytes());
    (!found && !b.is_empty()).then_some(b)
}

fn parse_once(raw: &[u8], arrival: i64) -> Parsed {
    let Some(msg) = parser().parse(raw) else {
        return Parsed {
            summary: Summary {
                subject: t!(cat(), "mailbox-no-headers"),
                date: arrival,
                ..Summary::default()
            },
            text: String::from_utf8_lossy(&raw[..raw.len().min(MAX_TEXT)]).into_owned(),
        };
    };
    let from = addresses(msg.from());
    let from_address = msg
        .from()
        .and_then(|a| a.first())
        .and_then(|a| a.address.as_deref())
        .unwrap_or("")
        .to_string();
    let mut summary = Summary {
        from: from.first().cloned().unwrap_or_default(),
        from_address,
        sender: addresses(msg.sender()).into_iter().next(),
        to: addresses(msg.to()),
        cc: addresses(msg.cc()),
        reply_to: addresses(msg.reply_to()),
        subject: msg.subject().unwrap_or("").chars().take(2000).collect(),
        date: msg
            .date()
            .map(|d| d.to_timestamp())
            .filter(|&t| t > 0)
            .unwrap_or(arrival),
        message_id: msg.message_id().map(|s| s.chars().take(998).collect()),
        in_reply_to: ids(msg.in_reply_to()).into_iter().next(),
        references: ids(msg.references()),
        attachments: Vec::new(),
    };
    for (index, part) in msg.attachments().enumerate() {
        summary.attachments.push(AttachmentInfo {
            index,
            name: attachment_name(part, index),
            media_type: media_type(part),
            size: part.contents().len() as u64,
        });
    }
    let mut text = String::new();
    for part in msg.text_bodies() {
        if !text.is_empty() {
            text.push_str("\n\n");
        }
        match &part.body {
            PartType::Text(t) => {
                let flowed = part.content_type().is_some_and(|ct| {
                    ct.attribute("format")
                        .is_some_and(|f| f.eq_ignore_ascii_case("flowed"))
                });
                if flowed {
                    let delsp = part.content_type().is_some_and(|ct| {
                        ct.attribute("delsp")
                            .is_some_and(|d| d.eq_ignore_ascii_case("yes"))
                    });
                    text.push_str(&unflow(t, delsp));
                } else {
                    text.push_str(t);
                }
            }
            PartType::Html(h) => text.push_str(&html_to_text(h)),
            _ => text.push_str(&t!(cat(), "mailbox-unreadable-part")),
        }
        if text.len() > MAX_TEXT {
            let mut cut = MAX_TEXT;
            while !text.is_char_boundary(cut) {
                cut -= 1;
            }
            text.truncate(cut);
            text.push('\n');
            text.push_str(&t!(cat(), "mailbox-text-truncated"));
            break;
        }
    }
    Parsed { summary, text }
}

fn attachment_name(part: &mail_parser::MessagePart<'_>, index: usize) -> String {
    let name = part
        .attachment_name()
        .map(str::to_string)
        .or_else(|| {
            if let PartType::Message(m) = &part.body {
                m.subject().map(|s| format!("{s}.eml"))
            } else {
                None
            }
        })
        .unwrap_or_else(|| format!("attachment-{}", index + 1));
    // The name is shown and used as a document title, never as a path; what no document
    // may be called (empty, dots, over 255 bytes) falls back to a neutral name.
    let mut clean: String = name
        .chars()
        .filter(|c| !c.is_control() && *c != '/' && *c != '\\')
        .collect();
    let mut cut = clean.len().min(200);
    while !clean.is_char_boundary(cut) {
        cut -= 1;
    }
    clean.truncate(cut);
    let trimmed = clean.trim();
    if trimmed.is_empty() || trimmed.chars().all(|c| c == '.') {
        format!("attachment-{}", index + 1)
    } else {
        trimmed.to_string()
    }
}

fn token_ok(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 127
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"!#$&^_.+-".contains(&b))
}

fn media_type(part: &mail_parser::MessagePart<'_>) -> String {
    let t = raw_media_type(part);
    match t.split_once('/') {
        Some((a, b)) if token_ok(a) && token_ok(b) => t,
        _ => "application/octet-stream".into(),
    }
}

fn raw_media_type(part: &mail_parser::MessagePart<'_>) -> String {
    match part.content_type() {
        Some(ct) => match &ct.c_subtype {
            Some(sub) => format!("{}/{}", ct.c_type, sub).to_ascii_lowercase(),
            None => ct.c_type.to_ascii_lowercase(),
        },
        None if matches!(part.body, PartType::Message(_)) => "message/rfc822".into(),
        None => "application/octet-stream".into(),
    }
}

/// The bytes of one attachment (decoded), with its name and media type.
pub fn attachment(raw: &[u8], index: usize) -> Option<(AttachmentInfo, Vec<u8>)> {
    let msg = parser().parse(raw)?;
    let part = msg.attachments().nth(index)?;
    let bytes = match &part.body {
        PartType::Message(m) => m.raw_message().to_vec(),
        _ => part.contents().to_vec(),
    };
    Some((
        AttachmentInfo {
            index,
            name: attachment_name(part, index),
            media_type: media_type(part),
            size: bytes.len() as u64,
        },
        bytes,
    ))
}

/// RFC 3676: a line ending in a space continues on the next one; quoted lines join only
/// with lines of the same depth; "-- " is the signature separator and never joins.
pub fn unflow(text: &str, delsp: bool) -> String {
    let mut out = String::with_capacity(text.len());
    let mut para = String::new();
    let mut para_depth: Option<usize> = None;
    let flush = |out: &mut String, para: &mut String, depth: Option<usize>| {
        if let Some(d) = depth {
            out.push_str(&">".repeat(d));
            if d > 0 {
                out.push(' ');
            }
            out.push_str(para);
            out.push('\n');
        }
        para.clear();
    };
    let body = text.strip_suffix('\n').unwrap_or(text);
    for line in body.split('\n') {
        let line = line.strip_suffix('\r').unwrap_or(line);
        let depth = line.bytes().take_while(|&b| b == b'>').count();
        let mut content = &line[depth..];
        // space-stuffing (also after quote marks)
        content = content.strip_prefix(' ').unwrap_or(content);
        if para_depth.is_some() && para_depth != Some(depth) {
            flush(&mut out, &mut para, para_depth);
        }
        let soft = content.ends_with(' ') && content != "-- ";
        let piece = if soft && delsp {
            &content[..content.len() - 1]
        } else {
            content
        };
        para.push_str(piece);
        para_depth = Some(depth);
        if !soft {
            flush(&mut out, &mut para, para_depth);
            para_depth = None;
        }
    }
    if para_depth.is_some() {
        flush(&mut out, &mut para, para_depth);
    }
    if !text.ends_with('\n') && out.ends_with('\n') {
        out.pop();
    }
    out
}

/// HTML as text through the same converter the viewer uses: scripts and styles vanish,
/// images become their alt text, links are shown with their target but never fetched.
pub fn html_to_text(html: &str) -> String {
    use kapsel_text::Piece;
    let mut out = String::new();
    for piece in kapsel_text::to_blocks(html, None) {
        match piece {
            Piece::Heading(t) => {
                out.push_str(&t);
                out.push_str("\n\n");
            }
            Piece::Text(t) => {
                out.push_str(&t);
                out.push_str("\n\n");
            }
            Piece::Item(t) => {
                out.push_str("• ");
                out.push_str(&t);
                out.push('\n');
            }
            Piece::Link { label, url } => {
                out.push_str(&format!("[{label}] <{url}>\n"));
            }
        }
    }
    out.trim_end().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flowed_text_joins_soft_breaks_and_keeps_quotes_apart() {
        let t = "Hello \r\nworld.\r\n> quoted \r\n> more\r\n-- \r\nSig\r\n";
        assert_eq!(unflow(t, false), "Hello world.\n> quoted more\n-- \nSig\n");
        assert_eq!(unflow("ab \ncd\n", true), "abcd\n");
    }

    #[test]
    fn headers_charsets_and_attachments() {
        let raw = b"From: =?ISO-8859-1?Q?J=FCrgen?= <j@example.org>\r\nTo: a@corp.test\r\nSubject: =?UTF-8?B?R3LDvMOfZQ==?=\r\nDate: Tue, 03 Feb 2026 10:00:00 +0100\r\nMessage-ID: <m1@example.org>\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\nContent-Type: text/plain; charset=iso-8859-1\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\nGr=FC=DFe\r\n--b\r\nContent-Type: text/plain; name=notes.txt\r\nContent-Disposition: attachment; filename=\"../notes.txt\"\r\n\r\nnote body\r\n--b--\r\n";
        let p = parse(raw, 0);
        assert_eq!(p.summary.from, "Jürgen <j@example.org>");
        assert_eq!(p.summary.subject, "Grüße");
        assert_eq!(p.summary.date, 1770109200);
        assert!(p.text.contains("Grüße"));
        assert_eq!(p.summary.attachments.len(), 1);
        assert_eq!(p.summary.attachments[0].name, "..notes.txt");
        let odd = b"Content-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\nContent-Type: text\r\nContent-Disposition: attachment; filename=\"..\"\r\n\r\nx\r\n--b--\r\n";
        let a = &parse(odd, 0).summary.attachments[0];
        assert_eq!(
            (a.name.as_str(), a.media_type.as_str()),
            ("attachment-1", "application/octet-stream")
        );
        let (info, bytes) = attachment(raw, 0).unwrap();
        assert_eq!(info.media_type, "text/plain");
        assert_eq!(bytes, b"note body");
        assert!(attachment(raw, 1).is_none());
    }

    #[test]
    fn html_only_mail_is_text_without_scripts() {
        let raw = b"Subject: x\r\nContent-Type: text/html\r\n\r\n<p>Hallo <b>Welt</b></p><script>steal()</script><img src=\"https://t.example/p.gif\" alt=\"\">";
        let p = parse(raw, 5);
        assert!(p.text.contains("Hallo Welt"), "{}", p.text);
        assert!(!p.text.contains("steal"));
        assert!(!p.text.contains("t.example"));
        assert_eq!(p.summary.date, 5);
    }
}
