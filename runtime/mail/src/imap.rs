//! A synchronous IMAP4rev1 client with the extensions Kapsel's sync needs: STARTTLS,
//! AUTHENTICATE PLAIN, CONDSTORE/QRESYNC, IDLE, MOVE, UIDPLUS, NAMESPACE and ACL.
//!
//! Framing is ours (a response is a line plus any literals it announces, bounded in size);
//! parsing is `imap-proto`'s where it knows the response and a small s-expression reader
//! where it does not (NAMESPACE), so an unexpected response is skipped, never a crash.

use std::collections::BTreeSet;
use std::io::{Read, Write};
use std::sync::Arc;
use std::time::{Duration, Instant};

use base64::Engine as _;
use imap_proto::{AttributeValue, MailboxDatum, NameAttribute, Response, ResponseCode};

use kapsel_core::error::{Error, Result};
use kapsel_core::net::stream::{Endpoint, Security, Stream, describe};

pub const SCHEMES: &[(&str, u16, Security)] = &[
    ("imaps", 993, Security::Implicit),
    ("imap", 143, Security::StartTls),
];

/// Largest literal we accept (a 25 MB attachment is ~34 MB in base64).
const MAX_LITERAL: usize = 128 * 1024 * 1024;
/// Largest response line outside literals.
const MAX_LINE: usize = 4 * 1024 * 1024;
/// Largest whole response (a line with all its literals).
const MAX_FRAME: usize = MAX_LITERAL + 16 * 1024 * 1024;

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

impl Done {
    fn ok_or(self, what: &str) -> Result<Done> {
        match self.outcome {
            Outcome::Ok => Ok(self),
            _ => Err(Error::Network(format!("{what}: {}", self.text))),
        }
    }
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

pub struct Imap {
    stream: Stream,
    buf: Vec<u8>,
    /// Bytes of `buf` already handed out as frames.
    consumed: usize,
    next_tag: u32,
    caps: BTreeSet<String>,
    qresync: bool,
    endpoint: Endpoint,
}

fn read_more(stream: &mut Stream, buf: &mut Vec<u8>, peer: &str) -> Result<()> {
    let old = buf.len();
    buf.resize(old + 256 * 1024, 0);
    let n = match stream.read(&mut buf[old..]) {
        Ok(n) => n,
        Err(e) => {
            buf.truncate(old);
            return Err(describe(&e, peer));
        }
    };
    buf.truncate(old + n);
    if n == 0 {
        return Err(Error::Network(format!("{peer} closed the connection")));
    }
    Ok(())
}

/// If `line` (without CRLF) ends with a literal announcement `{N}` or `{N+}`, return N.
fn literal_len(line: &[u8]) -> Option<Option<usize>> {
    let inner = line.strip_suffix(b"}")?;
    let open = inner.iter().rposition(|&b| b == b'{')?;
    let digits = inner[open + 1..]
        .strip_suffix(b"+")
        .unwrap_or(&inner[open + 1..]);
    if digits.is_empty() || digits.len() > 12 || !digits.iter().all(u8::is_ascii_digit) {
        return None;
    }
    Some(
        std::str::from_utf8(digits)
            .ok()
            .and_then(|d| d.parse().ok()),
    )
}

/// Quote a string argument; names and search words never need literals in our use, so
/// anything with CR/LF is refused rather than sent.
pub fn quote(s: &str) -> Result<String> {
    if s.bytes().any(|b| b == b'\r' || b == b'\n' || b == 0) {
        return Err(Error::invalid(format!("{s:?} cannot be sent to IMAP")));
    }
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        if c == '"' || c == '\\' {
            out.push('\\');
        }
        out.push(c);
    }
    out.push('"');
    Ok(out)
}

/// Compress sorted UIDs into an IMAP sequence set ("1:5,9,12:13").
pub fn uid_set(uids: &[u32]) -> String {
    let mut out = String::new();
    let mut i = 0;
    while i < uids.len() {
        let start = uids[i];
        let mut end = start;
        while i + 1 < uids.len() && uids[i + 1] == end.saturating_add(1) {
            i += 1;
            end = uids[i];
        }
        if !out.is_empty() {
            out.push(',');
        }
        if start == end {
            out.push_str(&start.to_string());
        } else {
            out.push_str(&format!("{start}:{end}"));
        }
        i += 1;
    }
    out
}

fn parse_tagged(frame: &[u8]) -> Done {
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

impl Imap {
    /// Connect, upgrade to TLS (refusing a server without it) and log in.
    pub fn connect(
        endpoint: &Endpoint,
        tls: &Arc<rustls::ClientConfig>,
        user: &str,
        password: &str,
        timeout: Duration,
    ) -> Result<Imap> {
        let stream = Stream::connect(endpoint, tls, timeout)?;
        let mut imap = Imap {
            stream,
            buf: Vec::with_capacity(512 * 1024),
            consumed: 0,
            next_tag: 1,
            caps: BTreeSet::new(),
            qresync: false,
            endpoint: endpoint.clone(),
        };
        let greeting = imap.read_frame()?;
        if !greeting.starts_with(b"* OK") && !greeting.starts_with(b"* PREAUTH") {
            return Err(Error::Network(format!(
                "{endpoint} is not an IMAP server or refused us: {}",
                String::from_utf8_lossy(&greeting).trim_end()
            )));
        }
        if !imap.stream.is_tls() {
            imap.capability()?;
            if !imap.has("STARTTLS") {
                return Err(Error::Network(format!(
                    "{endpoint} does not offer STARTTLS; Kapsel never sends a password in clear"
                )));
            }
            imap.run("STARTTLS", &mut |_| Ok(()))?.ok_or("STARTTLS")?;
            if imap.consumed < imap.buf.len() {
                return Err(Error::Network(format!(
                    "{endpoint} sent data before the TLS handshake (possible injection)"
                )));
            }
            let next_tag = imap.next_tag;
            let tls_stream = imap.stream.start_tls(endpoint, tls)?;
            imap = Imap {
                stream: tls_stream,
                buf: Vec::with_capacity(512 * 1024),
                consumed: 0,
                next_tag,
                caps: BTreeSet::new(),
                qresync: false,
                endpoint: endpoint.clone(),
            };
        }
        imap.capability()?;
        imap.authenticate(user, password)?;
        imap.capability()?;
        if imap.has("QRESYNC") {
            let done = imap.run("ENABLE QRESYNC", &mut |_| Ok(()))?;
            imap.qresync = done.outcome == Outcome::Ok;
        }
        Ok(imap)
    }

    fn authenticate(&mut self, user: &str, password: &str) -> Result<()> {
        if self.has("LOGINDISABLED") || !self.has("AUTH=PLAIN") {
            return Err(Error::Network(format!(
                "{} offers no usable login (AUTH=PLAIN over TLS)",
                self.endpoint
            )));
        }
        let mut token = Vec::new();
        token.push(0);
        token.extend_from_slice(user.as_bytes());
        token.push(0);
        token.extend_from_slice(password.as_bytes());
        let b64 = zeroize::Zeroizing::new(base64::engine::general_purpose::STANDARD.encode(&token));
        zeroize::Zeroize::zeroize(&mut token);
        let tag = self.send_command("AUTHENTICATE PLAIN")?;
        loop {
            let frame = self.read_frame()?;
            if frame.starts_with(b"+") {
                self.write_raw(format!("{}\r\n", b64.as_str()).as_bytes())?;
                continue;
            }
            if frame.starts_with(tag.as_bytes()) && frame.get(tag.len()) == Some(&b' ') {
                let done = parse_tagged(&frame);
                if done.outcome != Outcome::Ok {
                    return Err(Error::Network(format!(
                        "the IMAP server refused the login for {user}: {}",
                        done.text
                    )));
                }
                return Ok(());
            }
            self.absorb_untagged(&frame);
        }
    }

    pub fn has(&self, cap: &str) -> bool {
        self.caps.contains(&cap.to_ascii_uppercase())
    }

    pub fn qresync(&self) -> bool {
        self.qresync
    }

    pub fn condstore(&self) -> bool {
        self.qresync || self.has("CONDSTORE")
    }

    fn capability(&mut self) -> Result<()> {
        self.caps.clear();
        self.run("CAPABILITY", &mut |_| Ok(()))?
            .ok_or("CAPABILITY")?;
        Ok(())
    }

    /// Remember capabilities from any response that carries them.
    fn absorb_untagged(&mut self, frame: &[u8]) {
        // imap-proto also reports `* ENABLED …` as capabilities: only CAPABILITY counts.
        let upper = frame
            .get(..16)
            .map(|h| h.to_ascii_uppercase())
            .unwrap_or_default();
        if !upper.starts_with(b"* CAPABILITY") && !upper.starts_with(b"* OK [CAPABILITY") {
            return;
        }
        if let Ok((_, Response::Capabilities(caps))) = Response::parse(frame) {
            self.caps = caps.iter().map(cap_name).collect();
        }
    }

    fn write_raw(&mut self, bytes: &[u8]) -> Result<()> {
        let peer = self.endpoint.to_string();
        self.stream
            .write_all(bytes)
            .and_then(|()| self.stream.flush())
            .map_err(|e| describe(&e, &peer))
    }

    fn send_command(&mut self, command: &str) -> Result<String> {
        let tag = format!("k{}", self.next_tag);
        self.next_tag += 1;
        self.write_raw(format!("{tag} {command}\r\n").as_bytes())?;
        Ok(tag)
    }

    /// Next complete response (line plus announced literals), CRLF included.
    fn read_frame(&mut self) -> Result<Vec<u8>> {
        let peer = self.endpoint.to_string();
        if self.consumed > 0 && self.consumed * 2 >= self.buf.len() {
            self.buf.drain(..self.consumed);
            self.consumed = 0;
        }
        // `line_start`: where the current line begins; `search`: where the CRLF search
        // resumes after more bytes arrived (a line may span many reads).
        let mut line_start = self.consumed;
        let mut search = self.consumed;
        loop {
            let found = self.buf[search..]
                .windows(2)
                .position(|w| w == b"\r\n")
                .map(|p| search + p);
            let Some(eol) = found else {
                if self.buf.len() - line_start > MAX_LINE {
                    return Err(Error::Network(format!("{peer} sent an over-long line")));
                }
                search = self.buf.len().saturating_sub(1).max(line_start);
                read_more(&mut self.stream, &mut self.buf, &peer)?;
                continue;
            };
            if eol - line_start > MAX_LINE {
                return Err(Error::Network(format!("{peer} sent an over-long line")));
            }
            match literal_len(&self.buf[line_start..eol]) {
                Some(Some(n)) if n <= MAX_LITERAL && eol + n - self.consumed <= MAX_FRAME => {
                    let need = eol + 2 + n;
                    while self.buf.len() < need {
                        read_more(&mut self.stream, &mut self.buf, &peer)?;
                    }
                    line_start = need;
                    search = need;
                }
                Some(_) => {
                    return Err(Error::Network(format!(
                        "{peer} announced a literal over {MAX_LITERAL} bytes (or a response over {MAX_FRAME})"
                    )));
                }
                None => {
                    let frame = self.buf[self.consumed..eol + 2].to_vec();
                    self.consumed = eol + 2;
                    return Ok(frame);
                }
            }
        }
    }

    /// Send a command and hand every untagged response to `on` until its completion.
    pub fn run(
        &mut self,
        command: &str,
        on: &mut dyn FnMut(Untagged<'_>) -> Result<()>,
    ) -> Result<Done> {
        let tag = self.send_command(command)?;
        self.complete(&tag, on)
    }

    fn complete(
        &mut self,
        tag: &str,
        on: &mut dyn FnMut(Untagged<'_>) -> Result<()>,
    ) -> Result<Done> {
        let mut first_error = None;
        loop {
            let frame = self.read_frame()?;
            if frame.starts_with(tag.as_bytes()) && frame.get(tag.len()) == Some(&b' ') {
                return match first_error {
                    Some(e) => Err(e),
                    None => Ok(parse_tagged(&frame)),
                };
            }
            if frame.starts_with(b"* BYE") {
                return Err(Error::Network(format!(
                    "{} closed the session: {}",
                    self.endpoint,
                    String::from_utf8_lossy(&frame[5..]).trim()
                )));
            }
            self.absorb_untagged(&frame);
            let item = match parse_response(&frame) {
                Some(r) => Untagged::Parsed(r),
                None => Untagged::Raw(&frame),
            };
            // Keep reading to the tagged line even after a handler error, so the
            // connection stays usable.
            if let Err(e) = on(item)
                && first_error.is_none()
            {
                first_error = Some(e);
            }
        }
    }

    /// Send a command whose last argument is a literal (APPEND): LITERAL+ when offered.
    fn run_with_literal(&mut self, head: &str, literal: &[u8]) -> Result<Done> {
        let plus = self.has("LITERAL+");
        let tag = format!("k{}", self.next_tag);
        self.next_tag += 1;
        let marker = if plus { "+" } else { "" };
        self.write_raw(format!("{tag} {head} {{{}{marker}}}\r\n", literal.len()).as_bytes())?;
        if !plus {
            let frame = self.read_frame()?;
            if !frame.starts_with(b"+") {
                return Ok(parse_tagged(&frame));
            }
        }
        self.write_raw(literal)?;
        self.write_raw(b"\r\n")?;
        self.complete(&tag, &mut |_| Ok(()))
    }

    pub fn namespaces(&mut self) -> Result<Namespaces> {
        let mut ns = Namespaces {
            personal: vec![(String::new(), "/".into())],
            ..Namespaces::default()
        };
        if !self.has("NAMESPACE") {
            return Ok(ns);
        }
        self.run("NAMESPACE", &mut |u| {
            if let Untagged::Raw(raw) = u
                && let Some(parsed) = parse_namespace(raw)
            {
                ns = parsed;
            }
            Ok(())
        })?
        .ok_or("NAMESPACE")?;
        Ok(ns)
    }

    /// LIST reference "" with `pattern` ("*" everything, "shared/%" one level).
    pub fn list(&mut self, pattern: &str) -> Result<Vec<ListedMailbox>> {
        let mut out = Vec::new();
        let command = format!("LIST \"\" {}", quote(pattern)?);
        self.run(&command, &mut |u| {
            if let Untagged::Parsed(Response::MailboxData(MailboxDatum::List(l))) = u {
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
                out.push(ListedMailbox {
                    raw_name: l.name.to_string(),
                    delimiter: l.delimiter.as_ref().map(|d| d.to_string()),
                    selectable,
                    special_use: special.map(String::from),
                });
            }
            Ok(())
        })?
        .ok_or("LIST")?;
        Ok(out)
    }

    /// SELECT (or EXAMINE with `read_only`); with QRESYNC state, the server also reports
    /// what vanished and changed since then.
    pub fn select(
        &mut self,
        raw_name: &str,
        read_only: bool,
        since: Option<(u32, u64)>,
    ) -> Result<Selected> {
        let verb = if read_only { "EXAMINE" } else { "SELECT" };
        let mut command = format!("{verb} {}", quote(raw_name)?);
        match since {
            Some((validity, modseq)) if self.qresync && modseq > 0 => {
                command.push_str(&format!(" (QRESYNC ({validity} {modseq}))"));
            }
            _ if self.condstore() && !self.qresync => command.push_str(" (CONDSTORE)"),
            _ => {}
        }
        let mut sel = Selected {
            read_only,
            ..Selected::default()
        };
        let done = self.run(&command, &mut |u| {
            match u {
                Untagged::Parsed(Response::MailboxData(MailboxDatum::Exists(n))) => sel.exists = n,
                Untagged::Parsed(Response::Data { outcome, .. }) => match outcome.code {
                    Some(ResponseCode::UidValidity(v)) => sel.uid_validity = v,
                    Some(ResponseCode::UidNext(v)) => sel.uid_next = v,
                    Some(ResponseCode::HighestModSeq(v)) => sel.highest_modseq = Some(v),
                    _ => {}
                },
                Untagged::Parsed(Response::Vanished { uids, .. })
                    if sel.vanished.len() < 1_000_000 =>
                {
                    sel.vanished.extend(uids);
                }
                Untagged::Parsed(Response::Fetch(_, attrs)) => {
                    sel.changed.push(fetched(&attrs));
                }
                _ => {}
            }
            Ok(())
        })?;
        if done.outcome != Outcome::Ok {
            return Err(Error::Network(format!(
                "cannot open mailbox {}: {}",
                super::utf7::decode(raw_name),
                done.text
            )));
        }
        if done.text.to_ascii_uppercase().contains("[READ-ONLY]") {
            sel.read_only = true;
        }
        if sel.uid_validity == 0 {
            return Err(Error::Network(format!(
                "{} sent no UIDVALIDITY for {}: cannot sync it safely",
                self.endpoint,
                super::utf7::decode(raw_name)
            )));
        }
        Ok(sel)
    }

    /// UID FETCH `set` `items`; each response goes to `on` as it arrives (no buffering of
    /// the whole mailbox).
    pub fn uid_fetch(
        &mut self,
        set: &str,
        items: &str,
        on: &mut dyn FnMut(Fetched) -> Result<()>,
    ) -> Result<()> {
        let command = format!("UID FETCH {set} ({items})");
        self.run(&command, &mut |u| {
            if let Untagged::Parsed(Response::Fetch(_, attrs)) = u {
                let f = fetched(&attrs);
                if f.uid != 0 {
                    on(f)?;
                }
            }
            Ok(())
        })?
        .ok_or("FETCH")?;
        Ok(())
    }

    pub fn uid_search(&mut self, criteria: &str) -> Result<Vec<u32>> {
        let mut out = Vec::new();
        let mut answered = false;
        self.run(&format!("UID SEARCH {criteria}"), &mut |u| {
            if let Untagged::Parsed(Response::MailboxData(MailboxDatum::Search(ids))) = u {
                answered = true;
                out.extend(ids);
            }
            Ok(())
        })?
        .ok_or("SEARCH")?;
        // No SEARCH response at all is not "nothing matched": never treat it as an empty
        // mailbox (that would delete every local copy).
        if !answered {
            return Err(Error::Network(format!(
                "{} answered SEARCH without results",
                self.endpoint
            )));
        }
        out.sort_unstable();
        Ok(out)
    }

    /// `+FLAGS.SILENT` / `-FLAGS.SILENT` on some UIDs.
    pub fn uid_store(&mut self, set: &str, add: bool, flags: &[&str]) -> Result<()> {
        let sign = if add { '+' } else { '-' };
        self.run(
            &format!("UID STORE {set} {sign}FLAGS.SILENT ({})", flags.join(" ")),
            &mut |_| Ok(()),
        )?
        .ok_or("STORE")?;
        Ok(())
    }

    /// Move messages; MOVE where offered, else COPY + \Deleted + UID EXPUNGE.
    pub fn uid_move(&mut self, set: &str, target_raw: &str) -> Result<()> {
        let target = quote(target_raw)?;
        if self.has("MOVE") {
            self.run(&format!("UID MOVE {set} {target}"), &mut |_| Ok(()))?
                .ok_or("MOVE")?;
            return Ok(());
        }
        self.run(&format!("UID COPY {set} {target}"), &mut |_| Ok(()))?
            .ok_or("COPY")?;
        self.uid_store(set, true, &["\\Deleted"])?;
        if self.has("UIDPLUS") {
            self.run(&format!("UID EXPUNGE {set}"), &mut |_| Ok(()))?
                .ok_or("EXPUNGE")?;
        }
        Ok(())
    }

    pub fn expunge_uids(&mut self, set: &str) -> Result<()> {
        self.uid_store(set, true, &["\\Deleted"])?;
        let cmd = if self.has("UIDPLUS") {
            format!("UID EXPUNGE {set}")
        } else {
            "EXPUNGE".into()
        };
        self.run(&cmd, &mut |_| Ok(()))?.ok_or("EXPUNGE")?;
        Ok(())
    }

    /// APPEND a message; returns its UID where the server says it (UIDPLUS).
    pub fn append(
        &mut self,
        raw_name: &str,
        flags: &[&str],
        message: &[u8],
    ) -> Result<Option<u32>> {
        let head = format!("APPEND {} ({})", quote(raw_name)?, flags.join(" "));
        let done = self.run_with_literal(&head, message)?.ok_or("APPEND")?;
        // "[APPENDUID <validity> <uid>] ..."
        let upper = done.text.to_ascii_uppercase();
        Ok(upper.find("[APPENDUID ").and_then(|i| {
            let rest = &done.text[i + 11..];
            let end = rest.find(']')?;
            rest[..end].split_whitespace().nth(1)?.parse().ok()
        }))
    }

    pub fn create(&mut self, raw_name: &str) -> Result<()> {
        let done = self.run(&format!("CREATE {}", quote(raw_name)?), &mut |_| Ok(()))?;
        if done.outcome == Outcome::Ok || done.text.to_ascii_uppercase().contains("ALREADYEXISTS") {
            Ok(())
        } else {
            Err(Error::Network(format!("CREATE: {}", done.text)))
        }
    }

    pub fn delete(&mut self, raw_name: &str) -> Result<()> {
        self.run(&format!("DELETE {}", quote(raw_name)?), &mut |_| Ok(()))?
            .ok_or("DELETE")?;
        Ok(())
    }

    /// The rights the server grants us on a mailbox (RFC 4314 MYRIGHTS), as letters.
    pub fn my_rights(&mut self, raw_name: &str) -> Result<Option<String>> {
        if !self.has("ACL") {
            return Ok(None);
        }
        let mut rights = None;
        let done = self.run(&format!("MYRIGHTS {}", quote(raw_name)?), &mut |u| {
            if let Untagged::Parsed(Response::MyRights(r)) = u {
                rights = Some(r.rights.iter().map(|r| char::from(*r)).collect::<String>());
            }
            Ok(())
        })?;
        match done.outcome {
            Outcome::Ok => Ok(rights),
            _ => Ok(Some(String::new())),
        }
    }

    /// Grant (or with empty rights, revoke) `identifier` on one of our mailboxes.
    pub fn set_acl(&mut self, raw_name: &str, identifier: &str, rights: &str) -> Result<()> {
        let command = if rights.is_empty() {
            format!("DELETEACL {} {}", quote(raw_name)?, quote(identifier)?)
        } else {
            format!(
                "SETACL {} {} {}",
                quote(raw_name)?,
                quote(identifier)?,
                quote(rights)?
            )
        };
        self.run(&command, &mut |_| Ok(()))?.ok_or("SETACL")?;
        Ok(())
    }

    /// Wait for the server to report a change in the selected mailbox (RFC 2177), at most
    /// `max_wait`, or until `stop()` says so (checked every second). True if something
    /// changed.
    pub fn idle(&mut self, max_wait: Duration, stop: &dyn Fn() -> bool) -> Result<bool> {
        if !self.has("IDLE") {
            return Ok(false);
        }
        let tag = self.send_command("IDLE")?;
        loop {
            let frame = self.read_frame()?;
            if frame.starts_with(b"+") {
                break;
            }
            if frame.starts_with(tag.as_bytes()) {
                return Err(Error::Network(format!(
                    "IDLE refused: {}",
                    parse_tagged(&frame).text
                )));
            }
        }
        let started = Instant::now();
        let peer = self.endpoint.to_string();
        self.stream.set_read_timeout(Some(Duration::from_secs(1)))?;
        let mut changed = false;
        let result = loop {
            if started.elapsed() >= max_wait || stop() {
                break Ok(());
            }
            if self.buf[self.consumed..].windows(2).any(|w| w == b"\r\n") {
                match self.read_frame() {
                    Ok(frame) => {
                        let upper = String::from_utf8_lossy(&frame).to_ascii_uppercase();
                        if upper.contains(" EXISTS")
                            || upper.contains(" EXPUNGE")
                            || upper.contains(" FETCH")
                            || upper.contains("VANISHED")
                        {
                            changed = true;
                            break Ok(());
                        }
                        continue;
                    }
                    Err(e) => break Err(e),
                }
            }
            if self.buf.len() - self.consumed > MAX_LINE {
                break Err(Error::Network(format!(
                    "{peer} sent an over-long line while idle"
                )));
            }
            let old = self.buf.len();
            self.buf.resize(old + 64 * 1024, 0);
            match self.stream.read(&mut self.buf[old..]) {
                Ok(0) => {
                    self.buf.truncate(old);
                    break Err(Error::Network(format!("{peer} closed the connection")));
                }
                Ok(n) => self.buf.truncate(old + n),
                Err(e)
                    if matches!(
                        e.kind(),
                        std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
                    ) =>
                {
                    self.buf.truncate(old)
                }
                Err(e) => {
                    self.buf.truncate(old);
                    break Err(describe(&e, &peer));
                }
            }
        };
        self.stream
            .set_read_timeout(Some(Duration::from_secs(60)))?;
        result?;
        self.write_raw(b"DONE\r\n")?;
        self.complete(&tag, &mut |_| Ok(()))?;
        Ok(changed)
    }

    pub fn logout(mut self) {
        let _ = self.run("LOGOUT", &mut |_| Ok(()));
    }
}

/// Deepest parenthesis nesting we hand to imap-proto (its BODYSTRUCTURE parser recurses
/// without a limit).
const MAX_NESTING: usize = 64;

/// Parse one frame with imap-proto, guarded: frames nested too deep are not parsed, and a
/// panic inside the parser (0.17 unwraps `INTERNALDATE NIL`) is contained and the frame
/// treated as unknown — a server must not be able to crash the session.
fn parse_response(frame: &[u8]) -> Option<Response<'_>> {
    if nesting(frame) > MAX_NESTING {
        return None;
    }
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        Response::parse(frame).ok().map(|(_, r)| r)
    }))
    .ok()
    .flatten()
}

/// Parenthesis depth outside quoted strings and literals.
fn nesting(frame: &[u8]) -> usize {
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

fn fetched(attrs: &[AttributeValue<'_>]) -> Fetched {
    let mut f = Fetched::default();
    for a in attrs {
        match a {
            AttributeValue::Uid(u) => f.uid = *u,
            AttributeValue::Flags(fl) => f.flags = Some(fl.iter().map(|s| s.to_string()).collect()),
            AttributeValue::Rfc822Size(s) => f.size = Some(*s),
            AttributeValue::InternalDate(d) => f.internal_date = Some(d.to_string()),
            AttributeValue::ModSeq(m) => f.modseq = Some(*m),
            AttributeValue::Rfc822(Some(data)) => f.body = Some(data.to_vec()),
            AttributeValue::BodySection { section, data, .. } => {
                f.header_only = section.is_some();
                f.body = Some(data.as_ref().map(|d| d.to_vec()).unwrap_or_default());
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

fn parse_namespace(raw: &[u8]) -> Option<Namespaces> {
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

    /// A fake server on loopback that answers with `script` dribbled out a few bytes at a
    /// time, so every frame boundary falls in the middle of some read.
    fn plain_client(script: &'static [u8]) -> Imap {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        std::thread::spawn(move || {
            let (mut s, _) = listener.accept().unwrap();
            for chunk in script.chunks(3) {
                if s.write_all(chunk).is_err() {
                    return;
                }
                let _ = s.flush();
            }
            std::thread::sleep(Duration::from_millis(200));
        });
        let endpoint = Endpoint::parse(&format!("imap://127.0.0.1:{port}"), SCHEMES).unwrap();
        let tls =
            kapsel_core::net::tls::client_config(&kapsel_core::policy::Tls::default()).unwrap();
        Imap {
            stream: Stream::connect(&endpoint, &tls, Duration::from_secs(5)).unwrap(),
            buf: Vec::new(),
            consumed: 0,
            next_tag: 1,
            caps: BTreeSet::new(),
            qresync: false,
            endpoint,
        }
    }

    #[test]
    fn literals_split_across_reads_stay_inside_their_frame() {
        let mut imap = plain_client(
            b"* 1 FETCH (UID 7 BODY[] {12}\r\nab\r\n{3}\r\nxyz)\r\n* 2 FETCH (UID 8 BODY[] {0}\r\n)\r\n* OK done\r\n",
        );
        let f1 = imap.read_frame().unwrap();
        assert!(
            f1.starts_with(b"* 1 FETCH") && f1.ends_with(b"xyz)\r\n"),
            "{f1:?}"
        );
        let f2 = imap.read_frame().unwrap();
        assert!(f2.starts_with(b"* 2 FETCH") && f2.ends_with(b")\r\n"));
        assert_eq!(imap.read_frame().unwrap(), b"* OK done\r\n");
        // The server then hangs up: a clear error, not a hang or a panic.
        assert!(matches!(imap.read_frame(), Err(Error::Network(_))));
    }

    #[test]
    fn parser_panics_and_deep_nesting_are_contained() {
        assert!(parse_response(b"* 1 FETCH (UID 5 INTERNALDATE NIL)\r\n").is_none());
        let deep = format!("* 1 FETCH (BODYSTRUCTURE {}\r\n", "(".repeat(100_000));
        assert!(parse_response(deep.as_bytes()).is_none());
        assert!(parse_response(b"* 2 FETCH (UID 7 FLAGS (\\Seen))\r\n").is_some());
        assert_eq!(nesting(b"* X (a \"((((\" {3}\r\n((( (b))\r\n"), 2);
    }

    #[test]
    fn a_hostile_literal_size_is_refused() {
        let mut imap = plain_client(b"* 1 FETCH (BODY[] {999999999999}\r\n");
        let e = imap.read_frame().unwrap_err().to_string();
        assert!(e.contains("literal"), "{e}");
    }

    #[test]
    fn literal_announcements_are_recognised_and_bounded() {
        assert_eq!(literal_len(b"* 1 FETCH (BODY[] {123}"), Some(Some(123)));
        assert_eq!(literal_len(b"A1 APPEND x {5+}"), Some(Some(5)));
        assert_eq!(literal_len(b"* OK done"), None);
        assert_eq!(literal_len(b"* OK {}"), None);
        assert_eq!(literal_len(b"* X {9999999999999999}"), None);
    }

    #[test]
    fn uid_sets_compress_runs() {
        assert_eq!(uid_set(&[1, 2, 3, 5, 7, 8]), "1:3,5,7:8");
        assert_eq!(uid_set(&[]), "");
        assert_eq!(uid_set(&[u32::MAX]), u32::MAX.to_string());
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
    fn quoting_escapes_and_refuses_line_breaks() {
        assert_eq!(quote("a\"b\\c").unwrap(), "\"a\\\"b\\\\c\"");
        assert!(quote("a\r\nb").is_err());
    }
}
