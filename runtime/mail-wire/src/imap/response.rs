//! IMAP responses as types: the tagged completion, capabilities, and the untagged data
//! sync uses (LIST, SELECT's codes, FETCH, NAMESPACE). imap-proto parses what it knows,
//! guarded against its panics and against deep nesting; NAMESPACE, which it does not know,
//! is read by a small s-expression reader.

use std::collections::BTreeSet;

pub use imap_proto::{AttributeValue, MailboxDatum, NameAttribute, Response, ResponseCode};

/// One untagged response: parsed when imap-proto knows it, raw otherwise.
pub enum Untagged<'a> {
    Parsed(Response<'a>),
    Raw(&'a [u8]),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Ok,
    No,
    Bad,
}

/// The tagged completion of a command.
#[derive(Debug, Clone)]
pub struct Done {
    pub outcome: Outcome,
    pub text: String,
}

/// A mailbox from LIST.
#[derive(Debug, Clone)]
pub struct ListedMailbox {
    /// As the server spells it (modified UTF-7).
    pub raw_name: String,
    pub delimiter: Option<String>,
    pub selectable: bool,
    /// `\Sent`, `\Drafts`, `\Trash`, `\Junk`, `\Archive`, `\Flagged`, `\All` (RFC 6154).
    pub special_use: Option<String>,
}

/// What SELECT reported.
#[derive(Debug, Clone, Default)]
pub struct Selected {
    pub uid_validity: u32,
    pub uid_next: u32,
    pub exists: u32,
    pub highest_modseq: Option<u64>,
    pub read_only: bool,
    /// QRESYNC: UID ranges expunged since the given mod-sequence (kept as ranges: a server
    /// may announce millions of UIDs).
    pub vanished: Vec<std::ops::RangeInclusive<u32>>,
    /// QRESYNC: messages whose flags changed since the given mod-sequence.
    pub changed: Vec<Fetched>,
}

/// One FETCH response, reduced to what sync uses.
#[derive(Debug, Clone, Default)]
pub struct Fetched {
    pub uid: u32,
    pub flags: Option<Vec<String>>,
    pub size: Option<u32>,
    pub internal_date: Option<String>,
    pub modseq: Option<u64>,
    /// BODY[] / RFC822 (the whole message) or BODY[HEADER].
    pub body: Option<Vec<u8>>,
    pub header_only: bool,
}

/// Namespaces (RFC 2342): prefix and delimiter of each.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct Namespaces {
    pub personal: Vec<(String, String)>,
    pub other_users: Vec<(String, String)>,
    pub shared: Vec<(String, String)>,
}

impl Done {
    /// `Ok(self)` for OK; otherwise the server's words after `what`.
    pub fn into_result(self, what: &str) -> Result<Done, crate::WireError> {
        match self.outcome {
            Outcome::Ok => Ok(self),
            _ => crate::err(format!("{what}: {}", self.text)),
        }
    }
}

/// Is `frame` the tagged completion of `tag`?
pub fn is_tagged(frame: &[u8], tag: &str) -> bool {
    frame.starts_with(tag.as_bytes()) && frame.get(tag.len()) == Some(&b' ')
}

/// Capabilities from a `* CAPABILITY` or `* OK [CAPABILITY …]` frame, upper case.
/// imap-proto also reports `* ENABLED …` as capabilities: only these two forms count.
pub fn capabilities(frame: &[u8]) -> Option<BTreeSet<String>> {
    let upper = frame
        .get(..16)
        .map(|h| h.to_ascii_uppercase())
        .unwrap_or_default();
    if !upper.starts_with(b"* CAPABILITY") && !upper.starts_with(b"* OK [CAPABILITY") {
        return None;
    }
    match parse_response(frame)? {
        Response::Capabilities(caps) => Some(caps.iter().map(cap_name).collect()),
        Response::Data { outcome, .. } => match outcome.code {
            Some(ResponseCode::Capabilities(caps)) => Some(caps.iter().map(cap_name).collect()),
            _ => None,
        },
        _ => None,
    }
}

/// A LIST response's mailbox.
pub fn listed(l: &imap_proto::MailboxListData<'_>) -> ListedMailbox {
    let mut special = None;
    let mut selectable = true;
    for a in &l.name_attributes {
        match a {
            NameAttribute::NoSelect => selectable = false,
            NameAttribute::Sent => special = Some("\\Sent"),
            NameAttribute::Drafts => special = Some("\\Drafts"),
            NameAttribute::Trash => special = Some("\\Trash"),
            NameAttribute::Junk => special = Some("\\Junk"),
            NameAttribute::Archive => special = Some("\\Archive"),
            NameAttribute::All => special = Some("\\All"),
            NameAttribute::Flagged => special = Some("\\Flagged"),
            NameAttribute::Extension(e) if e.eq_ignore_ascii_case("\\NonExistent") => {
                selectable = false
            }
            _ => {}
        }
    }
    ListedMailbox {
        raw_name: l.name.to_string(),
        delimiter: l.delimiter.as_ref().map(|d| d.to_string()),
        selectable,
        special_use: special.map(String::from),
    }
}

/// `[APPENDUID <validity> <uid>]` in an APPEND completion.
pub fn append_uid(text: &str) -> Option<u32> {
    let upper = text.to_ascii_uppercase();
    let i = upper.find("[APPENDUID ")?;
    let rest = text.get(i + 11..)?;
    let end = rest.find(']')?;
    rest[..end].split_whitespace().nth(1)?.parse().ok()
}

/// Does an untagged frame received during IDLE report a change?
pub fn reports_change(frame: &[u8]) -> bool {
    let upper = String::from_utf8_lossy(frame).to_ascii_uppercase();
    upper.contains(" EXISTS")
        || upper.contains(" EXPUNGE")
        || upper.contains(" FETCH")
        || upper.contains("VANISHED")
}

pub fn parse_tagged(frame: &[u8]) -> Done {
    let line = String::from_utf8_lossy(frame);
    let line = line.trim_end();
    let mut parts = line.splitn(3, ' ');
    let _tag = parts.next();
    let outcome = match parts.next().map(str::to_ascii_uppercase).as_deref() {
        Some("OK") => Outcome::Ok,
        Some("NO") => Outcome::No,
        _ => Outcome::Bad,
    };
    Done {
        outcome,
        text: parts.next().unwrap_or("").to_string(),
    }
}

/// Deepest parenthesis nesting we hand to imap-proto (its BODYSTRUCTURE parser recurses
/// without a limit).
const MAX_NESTING: usize = 64;

/// Parse one frame with imap-proto, guarded: frames nested too deep are not parsed, and a
/// panic inside the parser (0.17 unwraps `INTERNALDATE NIL`) is contained and the frame
/// treated as unknown — a server must not be able to crash the session.
pub fn parse_response(frame: &[u8]) -> Option<Response<'_>> {
    if nesting(frame) > MAX_NESTING {
        return None;
    }
    crate::contain::contained(|| Response::parse(frame).ok().map(|(_, r)| r)).flatten()
}

/// Parenthesis depth outside quoted strings and literals.
pub fn nesting(frame: &[u8]) -> usize {
    let (mut depth, mut max, mut i) = (0usize, 0usize, 0usize);
    let mut quoted = false;
    while i < frame.len() {
        let b = frame[i];
        if quoted {
            match b {
                b'\\' => i += 1,
                b'"' => quoted = false,
                _ => {}
            }
        } else {
            match b {
                b'"' => quoted = true,
                b'(' => {
                    depth += 1;
                    max = max.max(depth);
                }
                b')' => depth = depth.saturating_sub(1),
                b'{' => {
                    // skip a literal: {N}\r\n then N bytes
                    if let Some(close) = frame[i..].iter().position(|&c| c == b'}') {
                        let n = std::str::from_utf8(&frame[i + 1..i + close])
                            .ok()
                            .and_then(|d| d.trim_end_matches('+').parse::<usize>().ok());
                        if let Some(n) = n {
                            i = i.saturating_add(close + 3).saturating_add(n);
                            continue;
                        }
                    }
                }
                _ => {}
            }
        }
        i += 1;
    }
    max
}

fn cap_name(c: &imap_proto::Capability<'_>) -> String {
    match c {
        imap_proto::Capability::Imap4rev1 => "IMAP4REV1".into(),
        imap_proto::Capability::Auth(a) => format!("AUTH={}", a.to_ascii_uppercase()),
        imap_proto::Capability::Atom(a) => a.to_ascii_uppercase(),
    }
}

/// Room a message body gets behind its bytes: what the vault's framing, padding and tag
/// add when it is sealed in its own buffer, so that never reallocates (and copies) it.
pub const BODY_ROOM: usize = 4096 + 64;

fn with_room(data: &[u8]) -> Vec<u8> {
    let mut body = Vec::with_capacity(data.len().saturating_add(BODY_ROOM));
    body.extend_from_slice(data);
    body
}

pub fn fetched(attrs: &[AttributeValue<'_>]) -> Fetched {
    let mut f = Fetched::default();
    for a in attrs {
        match a {
            AttributeValue::Uid(u) => f.uid = *u,
            AttributeValue::Flags(fl) => f.flags = Some(fl.iter().map(|s| s.to_string()).collect()),
            AttributeValue::Rfc822Size(s) => f.size = Some(*s),
            AttributeValue::InternalDate(d) => f.internal_date = Some(d.to_string()),
            AttributeValue::ModSeq(m) => f.modseq = Some(*m),
            AttributeValue::Rfc822(Some(data)) => f.body = Some(with_room(data)),
            AttributeValue::BodySection { section, data, .. } => {
                f.header_only = section.is_some();
                f.body = Some(data.as_ref().map(|d| with_room(d)).unwrap_or_default());
            }
            _ => {}
        }
    }
    f
}

/// A tiny reader for parenthesised IMAP data: strings, NIL and lists.
#[derive(Debug, PartialEq)]
enum Sexp {
    Str(String),
    Nil,
    List(Vec<Sexp>),
}

fn parse_sexp(input: &[u8], pos: &mut usize, depth: usize) -> Option<Sexp> {
    if depth > 16 {
        return None;
    }
    while input.get(*pos) == Some(&b' ') {
        *pos += 1;
    }
    match input.get(*pos)? {
        b'(' => {
            *pos += 1;
            let mut items = Vec::new();
            loop {
                while input.get(*pos) == Some(&b' ') {
                    *pos += 1;
                }
                if input.get(*pos)? == &b')' {
                    *pos += 1;
                    return Some(Sexp::List(items));
                }
                items.push(parse_sexp(input, pos, depth + 1)?);
            }
        }
        b'"' => {
            *pos += 1;
            let mut s = Vec::new();
            loop {
                let c = *input.get(*pos)?;
                *pos += 1;
                match c {
                    b'\\' => {
                        s.push(*input.get(*pos)?);
                        *pos += 1;
                    }
                    b'"' => break,
                    c => s.push(c),
                }
            }
            Some(Sexp::Str(String::from_utf8_lossy(&s).into_owned()))
        }
        _ => {
            let start = *pos;
            while let Some(&c) = input.get(*pos) {
                if c == b' ' || c == b')' || c == b'\r' {
                    break;
                }
                *pos += 1;
            }
            let atom = String::from_utf8_lossy(&input[start..*pos]).into_owned();
            if atom.eq_ignore_ascii_case("NIL") {
                Some(Sexp::Nil)
            } else if atom.is_empty() {
                None
            } else {
                Some(Sexp::Str(atom))
            }
        }
    }
}

pub fn parse_namespace(raw: &[u8]) -> Option<Namespaces> {
    let rest = raw.strip_prefix(b"* ")?;
    if rest.len() < 9 || !rest[..9].eq_ignore_ascii_case(b"NAMESPACE") {
        return None;
    }
    let mut pos = 9;
    let body = rest;
    let mut groups = Vec::new();
    for _ in 0..3 {
        groups.push(parse_sexp(body, &mut pos, 0)?);
    }
    let pairs = |s: &Sexp| -> Vec<(String, String)> {
        match s {
            Sexp::List(items) => items
                .iter()
                .filter_map(|i| match i {
                    Sexp::List(v) => match (v.first(), v.get(1)) {
                        (Some(Sexp::Str(p)), Some(Sexp::Str(d))) => Some((p.clone(), d.clone())),
                        (Some(Sexp::Str(p)), _) => Some((p.clone(), String::new())),
                        _ => None,
                    },
                    _ => None,
                })
                .collect(),
            _ => Vec::new(),
        }
    };
    Some(Namespaces {
        personal: pairs(&groups[0]),
        other_users: pairs(&groups[1]),
        shared: pairs(&groups[2]),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parser_panics_and_deep_nesting_are_contained() {
        assert!(parse_response(b"* 1 FETCH (UID 5 INTERNALDATE NIL)\r\n").is_none());
        let deep = format!("* 1 FETCH (BODYSTRUCTURE {}\r\n", "(".repeat(100_000));
        assert!(parse_response(deep.as_bytes()).is_none());
        assert!(parse_response(b"* 2 FETCH (UID 7 FLAGS (\\Seen))\r\n").is_some());
        assert_eq!(nesting(b"* X (a \"((((\" {3}\r\n((( (b))\r\n"), 2);
    }

    #[test]
    fn namespace_responses_parse() {
        let ns = parse_namespace(
            b"* NAMESPACE ((\"\" \"/\")) ((\"shared/\" \"/\")) ((\"Public/\" \"/\"))\r\n",
        )
        .unwrap();
        assert_eq!(ns.personal, vec![(String::new(), "/".to_string())]);
        assert_eq!(
            ns.other_users,
            vec![("shared/".to_string(), "/".to_string())]
        );
        assert_eq!(ns.shared, vec![("Public/".to_string(), "/".to_string())]);
        let ns = parse_namespace(b"* NAMESPACE ((\"\" \".\")) NIL NIL\r\n").unwrap();
        assert!(ns.other_users.is_empty());
        assert!(parse_namespace(b"* NAMESPACE ((((((((((((((((((((\r\n").is_none());
    }

    #[test]
    fn capabilities_come_only_from_capability_responses() {
        let caps = capabilities(b"* CAPABILITY IMAP4rev1 AUTH=PLAIN IDLE\r\n").unwrap();
        assert!(caps.contains("AUTH=PLAIN") && caps.contains("IDLE"));
        assert!(capabilities(b"* ENABLED QRESYNC\r\n").is_none());
        assert!(capabilities(b"* OK [CAPABILITY IMAP4rev1 STARTTLS] hi\r\n").is_some());
    }

    #[test]
    fn completions_and_appenduid_parse() {
        let d = parse_tagged(b"k3 NO [TRYCREATE] no such mailbox\r\n");
        assert_eq!(d.outcome, Outcome::No);
        assert_eq!(d.text, "[TRYCREATE] no such mailbox");
        assert!(is_tagged(b"k3 OK x\r\n", "k3") && !is_tagged(b"k30 OK\r\n", "k3"));
        assert_eq!(
            append_uid("[APPENDUID 38505 3955] APPEND completed"),
            Some(3955)
        );
        assert_eq!(append_uid("[APPENDUID 1] x"), None);
    }
}
