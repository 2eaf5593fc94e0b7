//! Reading a message: mail-parser does MIME, RFC 2047 and charsets; this module turns its
//! result into what Kapsel stores and shows — a summary of the headers, the readable text
//! (format=flowed joined, HTML as safe text: no remote content is ever fetched, forwarded
//! messages shown as messages, line ends as `\n`) and the list of attachments (inline images,
//! S/MIME signatures and the duplicate of a calendar invitation told apart, risky files
//! marked). It also mends what mail-parser gets wrong on real mail: obsolete date syntax,
//! characters split across encoded-words, a quoted-printable soft break right before a
//! boundary, the last of two Message-IDs. Any input yields a result; broken parts become
//! "(unreadable part)".

use std::borrow::Cow;
use std::collections::HashSet;

use kapsel_mail_wire::contain::contained;
use mail_parser::{
    Address, Encoding, HeaderName, HeaderValue, Message, MessageParser, MessagePart, MimeHeaders,
    PartType,
};
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
    /// The sender's Date was missing or unreadable: `date` is when the server received it.
    #[serde(default)]
    pub date_from_arrival: bool,
    pub message_id: Option<String>,
    pub in_reply_to: Option<String>,
    pub references: Vec<String>,
    pub attachments: Vec<AttachmentInfo>,
    /// S/MIME: what can be said without verifying or decrypting.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub security: Option<Security>,
}

#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum Security {
    /// Carries an S/MIME signature; it is not verified (yet).
    Signed,
    /// S/MIME encrypted; there is no key here to read it with.
    Encrypted,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct AttachmentInfo {
    /// Position among the message's attachments (what `kapsel mail attach` takes).
    pub index: usize,
    pub name: String,
    pub media_type: String,
    pub size: u64,
    /// An image the HTML text shows (`cid:`), not a file the sender attached.
    #[serde(default, skip_serializing_if = "is_false")]
    pub inline: bool,
    /// The index of the forwarded message this attachment came in.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub within: Option<usize>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub warnings: Vec<Warning>,
}

fn is_false(b: &bool) -> bool {
    !*b
}

/// Why an attachment deserves care before it is opened outside the container.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[serde(tag = "kind", rename_all = "lowercase")]
pub enum Warning {
    /// A program, script, shortcut or macro document (by its name or its content).
    Dangerous,
    /// The name's extension says one kind of file, the first bytes another (`PDF`, `EXE` …).
    Mismatch { named: String, content: String },
}

pub struct Parsed {
    pub summary: Summary,
    pub text: String,
}

/// Longest text kept per message: beyond this, reading shows a note and search stops.
const MAX_TEXT: usize = 2 * 1024 * 1024;
/// Forwarded messages inside forwarded messages are opened this deep, no deeper.
const MAX_DEPTH: usize = 4;

/// mail-parser reads bytes a sender controls, and 0.11 trips its own `debug_assert!` on a
/// crafted multipart (found by tests/fuzz.rs). Every call into it goes through these two, so
/// a panic inside it costs that one message its parsed form, never the sync or the shell.
pub fn read_message(raw: &[u8]) -> Option<Message<'_>> {
    contained(|| MessageParser::default().parse(raw)).flatten()
}

/// The headers only, guarded like [`read_message`].
pub fn read_headers(raw: &[u8]) -> Option<Message<'_>> {
    contained(|| MessageParser::default().parse_headers(raw)).flatten()
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

/// Text as it leaves this module: `\n` line ends only (a CR would reach the terminal
/// sanitiser and come out as U+FFFD). Also applied to texts stored before this rule.
/// One pass: two `replace`s (a substring search each) were ~5 % of parsing at sync time.
pub fn normalize_lines(text: &str) -> Cow<'_, str> {
    match memchr::memchr(b'\r', text.as_bytes()) {
        None => Cow::Borrowed(text),
        Some(first) => Cow::Owned(unix_lines(text, first)),
    }
}

/// `normalize_lines` of a text this module owns: unchanged without a CR, not copied.
fn normalize_owned(text: String) -> String {
    match normalize_lines(&text) {
        Cow::Owned(lines) => lines,
        Cow::Borrowed(_) => text,
    }
}

/// CRLF and a lone CR each become LF; `first` is the first CR. Every cut is next to an
/// ASCII byte, so each slice is whole UTF-8.
fn unix_lines(text: &str, first: usize) -> String {
    let b = text.as_bytes();
    let mut out = String::with_capacity(b.len());
    out.push_str(&text[..first]);
    let mut at = first;
    while at < b.len() {
        out.push('\n');
        at += 1;
        if b.get(at) == Some(&b'\n') {
            at += 1;
        }
        let next = memchr::memchr(b'\r', &b[at..]).map_or(b.len(), |n| at + n);
        out.push_str(&text[at..next]);
        at = next;
    }
    out
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
    let msg = read_headers(raw)?;
    let b = msg.content_type()?.attribute("boundary")?.to_string();
    let closing = format!("--{b}--");
    let found = raw.windows(closing.len()).any(|w| w == closing.as_bytes());
    (!found && !b.is_empty()).then_some(b)
}

/// mail-parser drops the last characters of a quoted-printable part whose encoded text ends
/// in a soft line break right before the boundary (`x=20=` CRLF `--b` loses "x "). Such a
/// final `=` means "no line break here", which is what the boundary's own CRLF already
/// says; when a part ends so, the `=` is removed and the message parsed again (from a copy
/// kept in `mended`), else the first parse stands.
fn parse_mended<'a>(raw: &'a [u8], mended: &'a mut Option<Vec<u8>>) -> Option<Message<'a>> {
    let msg = read_message(raw)?;
    let mut cuts: Vec<usize> = msg
        .parts
        .iter()
        .filter(|p| p.encoding == Encoding::QuotedPrintable)
        .map(|p| p.offset_end as usize)
        .filter(|&end| end > 0 && end <= raw.len() && raw[end - 1] == b'=')
        .map(|end| end - 1)
        .collect();
    if cuts.is_empty() {
        return Some(msg);
    }
    drop(msg);
    cuts.sort_unstable();
    cuts.dedup();
    let mut out = Vec::with_capacity(raw.len());
    let mut from = 0;
    for c in cuts {
        // Blanks before the soft break are text; before a plain line end they would be
        // taken for transport padding and dropped, so they are written encoded.
        let mut blanks = c;
        while blanks > from && matches!(raw[blanks - 1], b' ' | b'\t') {
            blanks -= 1;
        }
        out.extend_from_slice(&raw[from..blanks]);
        for &b in &raw[blanks..c] {
            out.extend_from_slice(if b == b' ' { b"=20" } else { b"=09" });
        }
        from = c + 1;
    }
    out.extend_from_slice(&raw[from..]);
    let copy: &'a Vec<u8> = mended.insert(out);
    read_message(copy.as_slice())
}

struct EncodedWord<'a> {
    end: usize,
    charset: &'a [u8],
    bytes: Vec<u8>,
}

/// One RFC 2047 encoded-word starting at `at` (`=?charset?Q|B?data?=`), decoded to bytes.
fn encoded_word(h: &[u8], at: usize) -> Option<EncodedWord<'_>> {
    use base64::Engine as _;
    let rest = h.get(at..)?.strip_prefix(b"=?")?;
    let q1 = rest.iter().take(80).position(|&b| b == b'?')?;
    let charset = &rest[..q1];
    if charset.is_empty() || charset.iter().any(|b| b.is_ascii_whitespace()) {
        return None;
    }
    let enc = *rest.get(q1 + 1)?;
    if rest.get(q1 + 2) != Some(&b'?') {
        return None;
    }
    let data_start = q1 + 3;
    let data_len = rest
        .get(data_start..)?
        .windows(2)
        .take(2000)
        .position(|w| w == b"?=")?;
    let data = &rest[data_start..data_start + data_len];
    if data.iter().any(|b| b.is_ascii_whitespace()) {
        return None;
    }
    let bytes = match enc {
        b'q' | b'Q' => {
            let mut out = Vec::with_capacity(data.len());
            let mut i = 0;
            while i < data.len() {
                match data[i] {
                    b'_' => out.push(b' '),
                    b'=' => {
                        let hex = std::str::from_utf8(data.get(i + 1..i + 3)?).ok()?;
                        out.push(u8::from_str_radix(hex, 16).ok()?);
                        i += 2;
                    }
                    b => out.push(b),
                }
                i += 1;
            }
            out
        }
        b'b' | b'B' => {
            let engine = base64::engine::GeneralPurpose::new(
                &base64::alphabet::STANDARD,
                base64::engine::GeneralPurposeConfig::new()
                    .with_decode_padding_mode(base64::engine::DecodePaddingMode::Indifferent),
            );
            engine.decode(data).ok()?
        }
        _ => return None,
    };
    Some(EncodedWord {
        end: at + 2 + data_start + data_len + 2,
        charset,
        bytes,
    })
}

/// RFC 2047 §6.2: the white space between adjacent encoded-words is not shown. Senders
/// split words anywhere, even inside a UTF-8 character (`K=C3?= =?UTF-8?Q?=A4se`), and
/// mail-parser decodes each word alone, leaving U+FFFD. Runs of adjacent words in one
/// charset are rewritten as a single Q-encoded word. None when nothing needs joining.
fn join_encoded_words(h: &[u8]) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(h.len());
    let mut changed = false;
    let mut i = 0;
    while i < h.len() {
        let Some(first) = (h[i] == b'=').then(|| encoded_word(h, i)).flatten() else {
            out.push(h[i]);
            i += 1;
            continue;
        };
        let charset = first.charset;
        let mut bytes = first.bytes;
        let mut end = first.end;
        let mut words = 1;
        loop {
            // Only blanks and folding between them: a bare line end starts the next header.
            let mut j = end;
            while j < h.len() {
                match h[j] {
                    b' ' | b'\t' => j += 1,
                    b'\r'
                        if h.get(j + 1) == Some(&b'\n')
                            && matches!(h.get(j + 2), Some(b' ' | b'\t')) =>
                    {
                        j += 3
                    }
                    b'\n' if matches!(h.get(j + 1), Some(b' ' | b'\t')) => j += 2,
                    _ => break,
                }
            }
            match encoded_word(h, j) {
                Some(next) if j > end && next.charset.eq_ignore_ascii_case(charset) => {
                    bytes.extend_from_slice(&next.bytes);
                    end = next.end;
                    words += 1;
                }
                _ => break,
            }
        }
        if words > 1 {
            changed = true;
            out.extend_from_slice(b"=?");
            out.extend_from_slice(charset);
            out.extend_from_slice(b"?Q?");
            for b in bytes {
                if b.is_ascii_alphanumeric() {
                    out.push(b);
                } else {
                    out.extend_from_slice(format!("={b:02X}").as_bytes());
                }
            }
            out.extend_from_slice(b"?=");
        } else {
            out.extend_from_slice(&h[i..end]);
        }
        i = end;
    }
    changed.then_some(out)
}

/// A message's own headers parsed again with adjacent encoded-words joined; None when there
/// was nothing to join.
fn rejoined_headers(msg: &Message<'_>) -> Option<Message<'static>> {
    let top = msg.parts.first()?;
    let head = msg
        .raw_message
        .get(top.offset_header as usize..top.offset_body as usize)?;
    let joined = join_encoded_words(head)?;
    read_headers(&joined).map(Message::into_owned)
}

/// An attachment name decoded again from its part's headers with adjacent encoded-words
/// joined (`name="=?UTF-8?Q?Geh=C3?= =?UTF-8?Q?=A4lter.xlsx?="`).
fn rejoined_name(part: &MessagePart<'_>, raw: &[u8]) -> Option<String> {
    let head = raw.get(part.offset_header as usize..part.offset_body as usize)?;
    let joined = join_encoded_words(head)?;
    let m = read_headers(&joined)?;
    m.parts.first()?.attachment_name().map(str::to_string)
}

fn first_header<'a, 'x>(
    msg: &'a Message<'x>,
    name: &HeaderName<'_>,
) -> Option<&'a mail_parser::Header<'x>> {
    msg.headers().iter().find(|h| &h.name == name)
}

fn content_type_is(part: &MessagePart<'_>, t: &str, sub: &str) -> bool {
    part.content_type().is_some_and(|ct| {
        ct.c_type.eq_ignore_ascii_case(t)
            && ct
                .c_subtype
                .as_deref()
                .is_some_and(|s| s.eq_ignore_ascii_case(sub))
    })
}

fn is_pkcs7(part: &MessagePart<'_>, what: &str) -> bool {
    content_type_is(part, "application", what)
        || content_type_is(part, "application", &format!("x-{what}"))
}

/// A multipart that names no boundary has no parts anyone can find; mail-parser then
/// calls the whole body one nameless attachment.
fn boundaryless(msg: &Message<'_>) -> bool {
    msg.parts.first().is_some_and(|p| {
        p.content_type().is_some_and(|ct| {
            ct.c_type.eq_ignore_ascii_case("multipart")
                && ct.attribute("boundary").is_none_or(|b| b.is_empty())
        })
    })
}

fn security(msg: &Message<'_>) -> Option<Security> {
    let top = msg.parts.first()?;
    if is_pkcs7(top, "pkcs7-mime") {
        let signed_data = top
            .content_type()
            .and_then(|ct| ct.attribute("smime-type"))
            .is_some_and(|s| s.eq_ignore_ascii_case("signed-data"));
        return Some(if signed_data {
            Security::Signed
        } else {
            Security::Encrypted
        });
    }
    msg.parts
        .iter()
        .any(|p| {
            content_type_is(p, "multipart", "signed")
                && p.content_type()
                    .and_then(|ct| ct.attribute("protocol"))
                    .is_some_and(|pr| pr.to_ascii_lowercase().contains("pkcs7-signature"))
        })
        .then_some(Security::Signed)
}

/// The `cid:` references of the message's HTML parts, lower-cased, without `<>`.
fn referenced_cids(msg: &Message<'_>) -> HashSet<String> {
    let mut out = HashSet::new();
    if !msg.attachments().any(|p| p.content_id().is_some()) {
        return out;
    }
    for p in &msg.parts {
        let PartType::Html(html) = &p.body else {
            continue;
        };
        let lower = html.to_ascii_lowercase();
        let mut rest = lower.as_str();
        while let Some(at) = rest.find("cid:") {
            rest = &rest[at + 4..];
            let id: String = rest
                .chars()
                .take_while(|c| !matches!(c, '"' | '\'' | ' ' | '>' | ')' | '\t' | '\n' | '\r'))
                .take(500)
                .collect();
            if !id.is_empty() {
                out.insert(id.trim_matches(|c| c == '<' || c == '>').to_string());
            }
            if out.len() > 1000 {
                return out;
            }
        }
    }
    out
}

fn is_calendar(part: &MessagePart<'_>) -> bool {
    content_type_is(part, "text", "calendar")
        || content_type_is(part, "application", "ics")
        || part
            .attachment_name()
            .is_some_and(|n| n.to_ascii_lowercase().ends_with(".ics"))
}

/// One entry of the attachment list, in the order `kapsel mail attach` counts them.
struct Found<'a> {
    part: &'a MessagePart<'a>,
    /// The message the part's offsets refer to.
    raw: &'a [u8],
    within: Option<usize>,
    inline: bool,
}

/// The attachments of a message and of the messages forwarded in it, minus what is no
/// attachment to the reader: an S/MIME signature or envelope, the nameless calendar part of
/// an invitation that also comes as a named `.ics`, the body of a multipart without boundary.
fn attachment_parts<'a>(msg: &'a Message<'a>) -> Vec<Found<'a>> {
    let mut out = Vec::new();
    walk(msg, None, 0, &mut out);
    out
}

fn walk<'a>(msg: &'a Message<'a>, within: Option<usize>, depth: usize, out: &mut Vec<Found<'a>>) {
    if boundaryless(msg) {
        return;
    }
    let smime = security(msg);
    let cids = referenced_cids(msg);
    let named_calendar = msg
        .attachments()
        .any(|p| is_calendar(p) && p.attachment_name().is_some());
    for part in msg.attachments() {
        if smime.is_some() && (is_pkcs7(part, "pkcs7-signature") || is_pkcs7(part, "pkcs7-mime")) {
            continue;
        }
        if named_calendar
            && content_type_is(part, "text", "calendar")
            && part.attachment_name().is_none()
        {
            continue;
        }
        if out.len() >= 10_000 {
            return;
        }
        let inline = part.content_id().is_some_and(|id| {
            cids.contains(
                &id.trim_matches(|c| c == '<' || c == '>')
                    .to_ascii_lowercase(),
            )
        });
        let index = out.len();
        out.push(Found {
            part,
            raw: msg.raw_message.as_ref(),
            within,
            inline,
        });
        if let PartType::Message(m) = &part.body
            && depth + 1 < MAX_DEPTH
        {
            walk(m, Some(index), depth + 1, out);
        }
    }
}

fn info(found: &Found<'_>, index: usize, bytes: &[u8]) -> AttachmentInfo {
    let split = found
        .part
        .attachment_name()
        .filter(|n| n.contains('\u{FFFD}'))
        .and_then(|_| rejoined_name(found.part, found.raw));
    let name = attachment_name(found.part, split, index);
    let media_type = media_type(found.part);
    AttachmentInfo {
        index,
        warnings: warnings(&name, &media_type, bytes),
        name,
        media_type,
        size: bytes.len() as u64,
        inline: found.inline,
        within: found.within,
    }
}

fn part_bytes<'a>(part: &'a MessagePart<'a>) -> &'a [u8] {
    match &part.body {
        PartType::Message(m) => m.raw_message(),
        _ => part.contents(),
    }
}

fn parse_once(raw: &[u8], arrival: i64) -> Parsed {
    let mut mended = None;
    let Some(msg) = parse_mended(raw, &mut mended) else {
        return Parsed {
            summary: Summary {
                subject: t!(cat(), "mailbox-no-headers"),
                date: arrival,
                date_from_arrival: true,
                ..Summary::default()
            },
            text: normalize_lines(&String::from_utf8_lossy(&raw[..raw.len().min(MAX_TEXT)]))
                .into_owned(),
        };
    };
    let rejoined = rejoined_headers(&msg);
    let h = rejoined.as_ref().unwrap_or(&msg);
    let from = addresses(h.from());
    let from_address = h
        .from()
        .and_then(|a| a.first())
        .and_then(|a| a.address.as_deref())
        .unwrap_or("")
        .to_string();
    let sent = first_header(&msg, &HeaderName::Date)
        .and_then(|d| {
            msg.raw_message
                .get(d.offset_start as usize..d.offset_end as usize)
        })
        .and_then(|d| parse_date(&String::from_utf8_lossy(d)));
    let mut summary = Summary {
        from: from.first().cloned().unwrap_or_default(),
        from_address,
        sender: addresses(h.sender()).into_iter().next(),
        to: addresses(h.to()),
        cc: addresses(h.cc()),
        reply_to: addresses(h.reply_to()),
        subject: h.subject().unwrap_or("").chars().take(2000).collect(),
        date: sent.unwrap_or(arrival),
        date_from_arrival: sent.is_none(),
        // The first one: a second Message-ID is added by a relay or forged.
        message_id: first_header(&msg, &HeaderName::MessageId)
            .and_then(|m| m.value.as_text())
            .map(|s| s.chars().take(998).collect()),
        in_reply_to: ids(msg.in_reply_to()).into_iter().next(),
        references: ids(msg.references()),
        attachments: Vec::new(),
        security: security(&msg),
    };
    let found = attachment_parts(&msg);
    summary.attachments = found
        .iter()
        .enumerate()
        .map(|(index, f)| info(f, index, part_bytes(f.part)))
        .collect();
    let mut text = String::new();
    if boundaryless(&msg) {
        text.push_str(&t!(cat(), "mailbox-no-boundary"));
        text.push_str("\n\n");
        let body = msg.parts.first().map_or(&b""[..], |p| p.contents());
        text.push_str(&String::from_utf8_lossy(&body[..body.len().min(MAX_TEXT)]));
    } else if summary.security == Some(Security::Encrypted) {
        text.push_str(&t!(cat(), "mailbox-encrypted"));
    } else if summary.security == Some(Security::Signed)
        && msg.parts.first().is_some_and(|p| is_pkcs7(p, "pkcs7-mime"))
    {
        text.push_str(&t!(cat(), "mailbox-signed-opaque"));
    } else {
        message_text(&msg, 0, &mut text);
    }
    if text.len() > MAX_TEXT {
        let mut cut = MAX_TEXT;
        while !text.is_char_boundary(cut) {
            cut -= 1;
        }
        text.truncate(cut);
        text.push('\n');
        text.push_str(&t!(cat(), "mailbox-text-truncated"));
    }
    Parsed {
        summary,
        text: normalize_owned(text),
    }
}

/// The readable text of a message, then each message forwarded in it as a message (its
/// headers and text), so forwarded mail reads and is searched like the rest.
fn message_text(msg: &Message<'_>, depth: usize, text: &mut String) {
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
            return;
        }
    }
    if depth + 1 >= MAX_DEPTH {
        return;
    }
    for part in msg.attachments() {
        let PartType::Message(m) = &part.body else {
            continue;
        };
        if text.len() > MAX_TEXT {
            return;
        }
        if !text.is_empty() {
            text.push_str("\n\n");
        }
        text.push_str(&t!(cat(), "mailbox-forward-header"));
        text.push('\n');
        let rejoined = rejoined_headers(m);
        let h = rejoined.as_ref().unwrap_or(m);
        let from = addresses(h.from()).join(", ");
        text.push_str(&t!(cat(), "mailbox-forward-from", from = from));
        text.push('\n');
        if let Some(d) = m.header_raw("Date") {
            let d: String = d.trim().chars().take(200).collect();
            text.push_str(&t!(cat(), "mailbox-forward-date", date = d));
            text.push('\n');
        }
        text.push_str(&t!(
            cat(),
            "mailbox-forward-to",
            to = addresses(h.to()).join(", ")
        ));
        text.push('\n');
        let subject: String = h.subject().unwrap_or("").chars().take(2000).collect();
        text.push_str(&t!(cat(), "mailbox-forward-subject", subject = subject));
        text.push('\n');
        let mut inner = String::new();
        message_text(m, depth + 1, &mut inner);
        text.push('\n');
        text.push_str(&inner);
    }
}

/// What the first bytes say a file is, for the kinds whose names are commonly faked.
fn content_kind(b: &[u8]) -> Option<&'static str> {
    const MAGIC: [(&[u8], &str); 13] = [
        (b"%PDF-", "pdf"),
        (b"\x89PNG\r\n\x1a\n", "png"),
        (b"\xff\xd8\xff", "jpeg"),
        (b"GIF87a", "gif"),
        (b"GIF89a", "gif"),
        (b"PK\x03\x04", "zip"),
        (b"PK\x05\x06", "zip"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "ole"),
        (b"MZ", "exe"),
        (b"\x7fELF", "elf"),
        (b"{\\rtf", "rtf"),
        (b"\x1f\x8b", "gzip"),
        (b"Rar!\x1a\x07", "rar"),
    ];
    if b.starts_with(b"7z\xbc\xaf\x27\x1c") {
        return Some("7z");
    }
    MAGIC
        .iter()
        .find(|(m, _)| b.starts_with(m))
        .map(|(_, k)| *k)
}

/// What an extension promises the content is (same words as `content_kind`; "text" for
/// plain formats, which must not start like a program, an archive or a PDF).
fn named_kind(ext: &str) -> Option<&'static str> {
    Some(match ext {
        "pdf" => "pdf",
        "png" => "png",
        "jpg" | "jpeg" | "jpe" => "jpeg",
        "gif" => "gif",
        "zip" | "docx" | "xlsx" | "pptx" | "docm" | "xlsm" | "pptm" | "dotx" | "dotm" | "xltx"
        | "xltm" | "potx" | "potm" | "odt" | "ods" | "odp" | "odg" | "jar" | "epub" => "zip",
        "doc" | "xls" | "ppt" | "msi" | "msg" | "dot" | "xlt" | "pot" => "ole",
        "exe" | "dll" | "scr" | "cpl" | "sys" | "ocx" => "exe",
        "rtf" => "rtf",
        "gz" | "tgz" => "gzip",
        "rar" => "rar",
        "7z" => "7z",
        "txt" | "csv" | "ics" | "vcf" | "htm" | "html" | "xml" | "json" | "md" | "log" => "text",
        _ => return None,
    })
}

/// Extensions Windows (and Office) run or act on when opened: programs, scripts, shortcuts,
/// installers, disk images and documents with macros.
const DANGEROUS: &[&str] = &[
    "exe",
    "bat",
    "cmd",
    "com",
    "scr",
    "pif",
    "cpl",
    "dll",
    "ocx",
    "sys",
    "js",
    "jse",
    "vbs",
    "vbe",
    "wsf",
    "wsh",
    "wsc",
    "ps1",
    "psm1",
    "psd1",
    "ps1xml",
    "msh",
    "url",
    "lnk",
    "scf",
    "hta",
    "msi",
    "msp",
    "mst",
    "appx",
    "appxbundle",
    "msix",
    "application",
    "gadget",
    "jar",
    "reg",
    "inf",
    "chm",
    "iso",
    "img",
    "vhd",
    "vhdx",
    "docm",
    "dotm",
    "xlsm",
    "xltm",
    "xlam",
    "pptm",
    "potm",
    "ppam",
    "ppsm",
    "sldm",
    "settingcontent-ms",
    "library-ms",
    "sh",
    "command",
    "app",
    "apk",
];

/// The warnings for one attachment: by its name's (last) extension, by its content, and
/// where the two disagree.
pub fn warnings(name: &str, media_type: &str, bytes: &[u8]) -> Vec<Warning> {
    // Windows ignores trailing dots and blanks: "rechnung.exe. " runs as an .exe.
    let trimmed = name.trim_end_matches(|c: char| c == '.' || c.is_whitespace());
    let ext = trimmed
        .rsplit_once('.')
        .map(|(_, e)| e.to_ascii_lowercase())
        .unwrap_or_default();
    let content = content_kind(bytes);
    let mut out = Vec::new();
    let runnable_type = matches!(
        media_type,
        "application/x-msdownload"
            | "application/x-msdos-program"
            | "application/x-ms-shortcut"
            | "application/hta"
            | "application/x-ms-installer"
            | "application/x-msi"
    );
    if DANGEROUS.contains(&ext.as_str()) || matches!(content, Some("exe" | "elf")) || runnable_type
    {
        out.push(Warning::Dangerous);
    }
    if let (Some(named), Some(found)) = (named_kind(&ext), content)
        && named != found
        && !(named == "text" && matches!(found, "rtf"))
    {
        out.push(Warning::Mismatch {
            named: ext.to_ascii_uppercase(),
            content: found.to_ascii_uppercase(),
        });
    }
    out
}

/// RFC 5322 date-time, also in the obsolete syntax of its §4.3 that real mail still uses:
/// two- and three-digit years, alphabetic and military zones, comments and folding, no
/// seconds, no day name; and the `asctime` order some scripts write (`Tue Feb  3 10:00:00
/// 2026`). Seconds since the epoch, or None for what is no date at all.
pub fn parse_date(s: &str) -> Option<i64> {
    if s.len() > 500 {
        return None;
    }
    let mut clean = String::with_capacity(s.len());
    let (mut depth, mut escaped) = (0u32, false);
    for c in s.chars() {
        if depth > 0 {
            match c {
                _ if escaped => escaped = false,
                '\\' => escaped = true,
                '(' => depth += 1,
                ')' => depth -= 1,
                _ => {}
            }
            continue;
        }
        match c {
            '(' => depth = 1,
            ',' => clean.push(' '),
            c if c.is_whitespace() => clean.push(' '),
            c => clean.push(c),
        }
    }
    // obs-time allows white space around the colons.
    while clean.contains(" :") || clean.contains(": ") {
        clean = clean.replace(" :", ":").replace(": ", ":");
    }
    let mut tokens: Vec<&str> = Vec::new();
    for tok in clean.split(' ').filter(|t| !t.is_empty()) {
        // "10:00:00+0100" written without the blank
        match tok.find(['+', '-']) {
            Some(at) if at > 0 && tok.contains(':') => {
                tokens.push(&tok[..at]);
                tokens.push(&tok[at..]);
            }
            _ => tokens.push(tok),
        }
    }
    if tokens.len() > 8 {
        return None;
    }
    const MONTHS: [&str; 12] = [
        "january",
        "february",
        "march",
        "april",
        "may",
        "june",
        "july",
        "august",
        "september",
        "october",
        "november",
        "december",
    ];
    const DAYS: [&str; 7] = [
        "monday",
        "tuesday",
        "wednesday",
        "thursday",
        "friday",
        "saturday",
        "sunday",
    ];
    let digits = |t: &str| !t.is_empty() && t.bytes().all(|b| b.is_ascii_digit());
    let (mut day, mut month, mut year) = (None::<i64>, None::<i64>, None::<(i64, usize)>);
    let (mut time, mut zone) = (None::<(i64, i64, i64)>, None::<i64>);
    for tok in tokens {
        let lower = tok.to_ascii_lowercase();
        if tok.contains(':') {
            let p: Vec<&str> = tok.split(':').collect();
            if time.is_some()
                || !(2..=3).contains(&p.len())
                || p.iter().any(|x| !digits(x) || x.len() > 2)
            {
                return None;
            }
            let n = |i: usize| p.get(i).and_then(|x| x.parse::<i64>().ok());
            time = Some((n(0)?, n(1)?, if p.len() == 3 { n(2)? } else { 0 }));
        } else if let Some(sign) = tok
            .strip_prefix('+')
            .map(|r| (1, r))
            .or_else(|| tok.strip_prefix('-').map(|r| (-1, r)))
        {
            let (sign, rest) = sign;
            if zone.is_some() || rest.len() != 4 || !digits(rest) {
                return None;
            }
            let v: i64 = rest.parse().ok()?;
            if v / 100 > 23 || v % 100 > 59 {
                return None;
            }
            zone = Some(sign * ((v / 100) * 3600 + (v % 100) * 60));
        } else if digits(tok) {
            if tok.len() > 4 {
                return None;
            }
            let v: i64 = tok.parse().ok()?;
            if day.is_none() && tok.len() <= 2 && year.is_none() {
                day = Some(v);
            } else if year.is_none() {
                year = Some((v, tok.len()));
            } else if day.is_none() && tok.len() <= 2 {
                day = Some(v);
            } else {
                return None;
            }
        } else if lower.bytes().all(|b| b.is_ascii_alphabetic()) && lower.len() <= 9 {
            let named = |list: &[&str]| {
                list.iter().position(|m| {
                    lower.len() >= 3
                        && (m.starts_with(&lower) && (lower.len() == 3 || lower == **m))
                })
            };
            if month.is_none()
                && time.is_none()
                && let Some(m) = named(&MONTHS)
            {
                month = Some(m as i64 + 1);
            } else if time.is_none() && named(&DAYS).is_some() {
            } else if time.is_some() && zone.is_none() {
                zone = Some(
                    match lower.as_str() {
                        "edt" => -4,
                        "est" | "cdt" => -5,
                        "cst" | "mdt" => -6,
                        "mst" | "pdt" => -7,
                        "pst" => -8,
                        "cet" | "mez" => 1,
                        "cest" | "mesz" => 2,
                        // UT, GMT, military letters and zones nobody agrees on mean -0000.
                        _ if lower.len() <= 5 => 0,
                        _ => return None,
                    } * 3600,
                );
            } else {
                return None;
            }
        } else {
            return None;
        }
    }
    let (day, month, (y, ylen), (hour, min, sec)) = (day?, month?, year?, time?);
    let year = match ylen {
        1 | 2 if y < 50 => 2000 + y,
        1 | 2 => 1900 + y,
        3 => 1900 + y,
        _ => y,
    };
    let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    let days_in_month = match month {
        2 if leap => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    };
    if !(1900..=9999).contains(&year)
        || !(1..=days_in_month).contains(&day)
        || hour > 23
        || min > 59
        || sec > 60
    {
        return None;
    }
    let secs = crate::sync::days_from_civil(year, month, day) * 86400
        + hour * 3600
        + min * 60
        + sec.min(59);
    Some(secs - zone.unwrap_or(0))
}

fn attachment_name(part: &MessagePart<'_>, better: Option<String>, index: usize) -> String {
    let name = better
        .or_else(|| part.attachment_name().map(str::to_string))
        .or_else(|| {
            if let PartType::Message(m) = &part.body {
                let rejoined = rejoined_headers(m);
                let h = rejoined.as_ref().unwrap_or(m);
                h.subject().map(|s| format!("{s}.eml"))
            } else {
                None
            }
        })
        .or_else(|| content_type_is(part, "text", "calendar").then(|| "invite.ics".to_string()))
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

fn media_type(part: &MessagePart<'_>) -> String {
    let t = raw_media_type(part);
    match t.split_once('/') {
        Some((a, b)) if token_ok(a) && token_ok(b) => t,
        _ => "application/octet-stream".into(),
    }
}

fn raw_media_type(part: &MessagePart<'_>) -> String {
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
    let mut mended = None;
    let msg = parse_mended(raw, &mut mended)?;
    let found = attachment_parts(&msg);
    let f = found.get(index)?;
    let bytes = part_bytes(f.part).to_vec();
    Some((info(f, index, &bytes), bytes))
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
    let image = t!(cat(), "mailbox-image");
    for piece in kapsel_text::to_blocks(html, None, &image) {
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

    #[test]
    fn line_ends_leave_as_newlines() {
        let raw =
            b"Subject: x\r\nContent-Type: text/plain\r\n\r\nerste Zeile\r\nzweite\rdritte\r\n";
        let p = parse(raw, 0);
        assert_eq!(p.text, "erste Zeile\nzweite\ndritte\n");
        assert_eq!(normalize_lines("a\r\nb"), "a\nb");
        // The same as the two replaces it stands for, CRs anywhere, next to multibyte text.
        for t in [
            "",
            "\r",
            "\n\r",
            "\r\r\n",
            "ä\rü\r\nö\r",
            "x\r\n\r\ny",
            "no breaks",
        ] {
            let reference = t.replace("\r\n", "\n").replace('\r', "\n");
            assert_eq!(normalize_lines(t), reference, "{t:?}");
            assert_eq!(normalize_owned(t.to_string()), reference, "{t:?}");
        }
        assert!(matches!(normalize_lines("a\nb"), Cow::Borrowed(_)));
    }

    #[test]
    fn obsolete_dates_parse_and_a_missing_one_is_marked() {
        let utc = |y: i64, mo: i64, d: i64, h: i64, mi: i64, s: i64| {
            crate::sync::days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + s
        };
        for (text, want) in [
            ("Tue, 03 Feb 2026 10:00:00 +0100", utc(2026, 2, 3, 9, 0, 0)),
            ("Mon, 5 Jan 98 10:00 EST", utc(1998, 1, 5, 15, 0, 0)),
            ("5 Jan 05 10:00:00 GMT", utc(2005, 1, 5, 10, 0, 0)),
            ("Thu, 1 Jan 101 00:00:00 UT", utc(2001, 1, 1, 0, 0, 0)),
            (
                "Fri, 13 Mar 2026 08 : 30 : 15 Z (military)",
                utc(2026, 3, 13, 8, 30, 15),
            ),
            (
                "(sent from) Wed,\r\n 4 Mar 2026 12:00:00 -0000 (Coordinated (Universal) Time)",
                utc(2026, 3, 4, 12, 0, 0),
            ),
            ("Tue Feb  3 10:00:00 2026", utc(2026, 2, 3, 10, 0, 0)),
            ("3 February 2026 10:00:00 CEST", utc(2026, 2, 3, 8, 0, 0)),
            (
                "Sat, 29 Feb 2020 23:59:60 +0000",
                utc(2020, 2, 29, 23, 59, 59),
            ),
            ("Mon, 2 Mar 2026 10:00:00+0200", utc(2026, 3, 2, 8, 0, 0)),
        ] {
            assert_eq!(parse_date(text), Some(want), "{text}");
        }
        for bad in [
            "",
            "garbage",
            "31 Feb 2026 10:00:00 +0000",
            "1 Jan 2026 25:00:00 +0000",
            "1 Foo 2026 10:00:00 +0000",
            "2026-02-03T10:00:00Z",
            "1 Jan 2026",
            "1 Jan 2026 10:00:00 +9999",
        ] {
            assert_eq!(parse_date(bad), None, "{bad}");
        }
        let p = parse(b"Subject: ohne Datum\r\nDate: morgen\r\n\r\nx\r\n", 77);
        assert_eq!((p.summary.date, p.summary.date_from_arrival), (77, true));
        let p = parse(
            b"Subject: alt\r\nDate: Mon, 5 Jan 98 10:00 EST\r\n\r\nx\r\n",
            77,
        );
        assert_eq!(
            (p.summary.date, p.summary.date_from_arrival),
            (utc(1998, 1, 5, 15, 0, 0), false)
        );
    }

    #[test]
    fn split_encoded_words_join_and_the_first_message_id_counts() {
        let raw = "From: =?UTF-8?Q?J=C3?=\r\n =?UTF-8?Q?=BCrgen?= <j@example.org>\r\nSubject: =?UTF-8?Q?K=C3?= =?UTF-8?Q?=A4se?= und =?utf-8?B?w7w=?= =?UTF-8?B?YmVy?= =?ISO-8859-1?Q?=E4?=\r\nMessage-ID: <first@example.org>\r\nMessage-ID: <second@relay.example>\r\n\r\nx\r\n";
        let p = parse(raw.as_bytes(), 0);
        assert_eq!(p.summary.subject, "Käse und überä");
        assert_eq!(p.summary.from, "Jürgen <j@example.org>");
        assert_eq!(p.summary.message_id.as_deref(), Some("first@example.org"));
        // A word that is no encoded-word is left alone, and two headers never join.
        let h = b"Subject: =?UTF-8?Q?a?=\r\nX: =?UTF-8?Q?b?=\r\n";
        assert_eq!(join_encoded_words(h), None);
    }

    #[test]
    fn split_encoded_words_join_in_attachment_names_and_forwarded_headers() {
        let raw = "Subject: Fwd\r\nContent-Type: multipart/mixed; boundary=o\r\n\r\n--o\r\nContent-Type: text/plain\r\n\r\nsiehe\r\n--o\r\nContent-Type: application/vnd.ms-excel; name=\"=?UTF-8?Q?Geh=C3?= =?UTF-8?Q?=A4lter.xls?=\"\r\nContent-Disposition: attachment; filename=\"=?UTF-8?Q?Geh=C3?=\r\n =?UTF-8?Q?=A4lter.xls?=\"\r\n\r\nx\r\n--o\r\nContent-Type: message/rfc822\r\n\r\nFrom: a@x\r\nSubject: =?UTF-8?B?w5w=?= =?UTF-8?Q?bersicht_K=C3?= =?UTF-8?Q?=A4se?=\r\n\r\ninnen\r\n--o--\r\n";
        let p = parse(raw.as_bytes(), 0);
        assert_eq!(p.summary.attachments[0].name, "Gehälter.xls");
        assert!(p.text.contains("Übersicht Käse\n\ninnen"), "{}", p.text);
        assert_eq!(p.summary.attachments[1].name, "Übersicht Käse.eml");
    }

    #[test]
    fn quoted_printable_soft_break_before_the_boundary_keeps_the_space() {
        let raw = b"Subject: q\r\nContent-Type: multipart/mixed; boundary=q\r\n\r\n--q\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\nHallo x=20=\r\n--q\r\nContent-Type: text/plain; name=a.txt\r\nContent-Disposition: attachment; filename=a.txt\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\nGr=C3=BC=C3=9Fe =\r\n--q--\r\n";
        let p = parse(raw, 0);
        assert_eq!(p.text, "Hallo x ");
        assert_eq!(attachment(raw, 0).unwrap().1, "Grüße ".as_bytes());
        let single = b"Content-Type: text/plain\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\na=20=\r\nb\r\n";
        assert_eq!(parse(single, 0).text, "a b\n");
    }

    #[test]
    fn forwarded_message_opens_as_a_message_with_its_attachments() {
        let raw = b"From: a@x\r\nSubject: Fwd: Budget\r\nDate: Tue, 03 Feb 2026 10:00:00 +0100\r\nContent-Type: multipart/mixed; boundary=o\r\n\r\n--o\r\nContent-Type: text/plain\r\n\r\nsiehe unten\r\n--o\r\nContent-Type: message/rfc822\r\nContent-Disposition: inline\r\n\r\nFrom: Bea <b@y>\r\nTo: a@x\r\nSubject: Budget\r\nDate: Mon, 1 Jun 2026 10:00:00 +0200\r\nContent-Type: multipart/mixed; boundary=i\r\n\r\n--i\r\nContent-Type: text/plain\r\n\r\ninner text\r\n--i\r\nContent-Type: application/pdf; name=b.pdf\r\nContent-Disposition: attachment; filename=b.pdf\r\nContent-Transfer-Encoding: base64\r\n\r\nJVBERi0xLjQK\r\n--i--\r\n\r\n--o--\r\n";
        let p = parse(raw, 0);
        assert!(p.text.starts_with("siehe unten\n\n"), "{}", p.text);
        assert!(p.text.contains("From: Bea <b@y>\nDate: Mon, 1 Jun 2026 10:00:00 +0200\nTo: a@x\nSubject: Budget\n\ninner text"), "{}", p.text);
        let a = &p.summary.attachments;
        assert_eq!(a.len(), 2);
        assert_eq!(
            (a[0].name.as_str(), a[0].media_type.as_str(), a[0].within),
            ("Budget.eml", "message/rfc822", None)
        );
        assert_eq!((a[1].name.as_str(), a[1].within), ("b.pdf", Some(0)));
        let (info, bytes) = attachment(raw, 1).unwrap();
        assert_eq!(
            (info.name.as_str(), bytes.as_slice()),
            ("b.pdf", &b"%PDF-1.4\n"[..])
        );
    }

    #[test]
    fn inline_images_calendars_and_boundaryless_multiparts() {
        let rel = b"Subject: x\r\nContent-Type: multipart/mixed; boundary=m\r\n\r\n--m\r\nContent-Type: multipart/related; boundary=r\r\n\r\n--r\r\nContent-Type: text/html\r\n\r\n<p>Logo <img src=\"cid:Logo@x\"></p>\r\n--r\r\nContent-Type: image/png; name=logo.png\r\nContent-ID: <logo@x>\r\nContent-Disposition: inline; filename=logo.png\r\nContent-Transfer-Encoding: base64\r\n\r\niVBORw0KGgo=\r\n--r--\r\n--m\r\nContent-Type: image/png; name=foto.png\r\nContent-Disposition: attachment; filename=foto.png\r\nContent-Transfer-Encoding: base64\r\n\r\niVBORw0KGgo=\r\n--m--\r\n";
        let a = parse(rel, 0).summary.attachments;
        assert_eq!(
            a.iter()
                .map(|a| (a.name.as_str(), a.inline))
                .collect::<Vec<_>>(),
            [("logo.png", true), ("foto.png", false)]
        );
        let cal = b"Subject: Einladung\r\nContent-Type: multipart/mixed; boundary=m\r\n\r\n--m\r\nContent-Type: multipart/alternative; boundary=a\r\n\r\n--a\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nplain\r\n--a\r\nContent-Type: text/calendar; charset=utf-8; method=REQUEST\r\n\r\nBEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n--a--\r\n--m\r\nContent-Type: application/ics; name=invite.ics\r\nContent-Disposition: attachment; filename=invite.ics\r\n\r\nBEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n--m--\r\n";
        let a = parse(cal, 0).summary.attachments;
        assert_eq!(a.len(), 1);
        assert_eq!(a[0].name, "invite.ics");
        let alone = b"Content-Type: multipart/alternative; boundary=a\r\n\r\n--a\r\nContent-Type: text/plain\r\n\r\nplain\r\n--a\r\nContent-Type: text/calendar; method=REQUEST\r\n\r\nBEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n--a--\r\n";
        assert_eq!(parse(alone, 0).summary.attachments[0].name, "invite.ics");
        let nob = b"Subject: x\r\nContent-Type: multipart/mixed\r\n\r\nHallo Welt\r\nZeile 2\r\n";
        let p = parse(nob, 0);
        assert!(p.summary.attachments.is_empty());
        assert!(p.text.ends_with("\n\nHallo Welt\nZeile 2\n"), "{}", p.text);
        assert!(p.text.starts_with('['));
        assert!(attachment(nob, 0).is_none());
    }

    #[test]
    fn smime_signed_and_encrypted_say_so() {
        let signed = b"Subject: s\r\nContent-Type: multipart/signed; protocol=\"application/pkcs7-signature\"; micalg=sha-256; boundary=s\r\n\r\n--s\r\nContent-Type: text/plain\r\n\r\nsigned text\r\n--s\r\nContent-Type: application/pkcs7-signature; name=smime.p7s\r\nContent-Disposition: attachment; filename=smime.p7s\r\nContent-Transfer-Encoding: base64\r\n\r\nMIAGCSqGSIb3DQEHAqCAMIACAQEx\r\n--s--\r\n";
        let p = parse(signed, 0);
        assert_eq!(p.summary.security, Some(Security::Signed));
        assert!(p.summary.attachments.is_empty());
        assert_eq!(p.text, "signed text");
        let enc = b"Subject: e\r\nContent-Type: application/pkcs7-mime; smime-type=enveloped-data; name=smime.p7m\r\nContent-Disposition: attachment; filename=smime.p7m\r\nContent-Transfer-Encoding: base64\r\n\r\nMIAGCSqGSIb3DQEHA6CAMIACAQAx\r\n";
        let p = parse(enc, 0);
        assert_eq!(p.summary.security, Some(Security::Encrypted));
        assert!(p.summary.attachments.is_empty());
        assert!(!p.text.trim().is_empty());
        assert!(p.text.contains("S/MIME"));
    }

    #[test]
    fn risky_attachments_are_marked() {
        let d = |name: &str, bytes: &[u8]| warnings(name, "application/octet-stream", bytes);
        assert_eq!(d("rechnung.pdf", b"%PDF-1.7"), []);
        assert_eq!(d("tool.exe", b"MZ\x90\0"), [Warning::Dangerous]);
        for name in [
            "a.bat",
            "a.JS",
            "x.vbs",
            "y.url",
            "z.lnk",
            "m.docm",
            "b.xlsm",
            "c.hta",
            "d.ps1",
            "r.pdf.exe. ",
        ] {
            assert!(d(name, b"").contains(&Warning::Dangerous), "{name}");
        }
        assert_eq!(
            d("rechnung.pdf", b"MZ\x90\0"),
            [
                Warning::Dangerous,
                Warning::Mismatch {
                    named: "PDF".into(),
                    content: "EXE".into()
                }
            ]
        );
        assert_eq!(
            d("bericht.docx", b"%PDF-1.4"),
            [Warning::Mismatch {
                named: "DOCX".into(),
                content: "PDF".into()
            }]
        );
        assert_eq!(d("bericht.docx", b"PK\x03\x04"), []);
        assert_eq!(d("notiz.txt", b"Hallo"), []);
        assert_eq!(d("ohne-endung", b"PK\x03\x04"), []);
    }
}
