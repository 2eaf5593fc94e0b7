//! SMTP submission of the user's outgoing mail (RFC 6409 over RFC 5321): implicit TLS or
//! STARTTLS (RFC 3207), AUTH PLAIN or LOGIN (RFC 4954), then MAIL/RCPT/DATA with SIZE
//! (RFC 1870), 8BITMIME and SMTPUTF8 where needed.
//!
//! Owns the wire format (bounded reply parsing, line-ending normalisation, dot-stuffing) and
//! the sorting of every failure into what the outbox does next: retry later ([`Transient`]),
//! give up on the message ([`Permanent`]), ask the user to fix the login ([`Auth`]) or stop
//! and show a TLS problem ([`Tls`]). Queueing and retry timing are the caller's.
//!
//! [`Transient`]: SendError::Transient
//! [`Permanent`]: SendError::Permanent
//! [`Auth`]: SendError::Auth
//! [`Tls`]: SendError::Tls

use std::fmt;
use std::io::{Read, Write};
use std::sync::Arc;
use std::time::Duration;

use base64::Engine as _;
use zeroize::Zeroizing;

use kapsel_core::error::Error;
use kapsel_core::net::stream::{Endpoint, Security, Stream, describe};

/// Accepted server addresses, for [`Endpoint::parse`].
pub const SCHEMES: &[(&str, u16, Security)] = &[
    ("submissions", 465, Security::Implicit),
    ("submission", 587, Security::StartTls),
];

/// The EHLO name: a reserved name, so the greeting does not reveal the device's host name.
const CLIENT_NAME: &str = "kapsel.invalid";
/// Longest reply line accepted (RFC 5321 promises 512; extensions push real servers past it).
const MAX_LINE: usize = 64 * 1024;
const MAX_REPLY_LINES: usize = 1000;
/// RFC 5321 4.5.3.2.6: the server may take this long to accept the final dot. Giving up
/// earlier leaves the message in doubt (sent or not), which is worse than waiting.
const DATA_END_TIMEOUT: Duration = Duration::from_secs(600);
/// Server text quoted in error messages is cut here (a hostile server could send 64 MB).
const MAX_QUOTE: usize = 500;

/// Who sends and who receives, as given to MAIL FROM and RCPT TO (bare addresses, no `<>`).
/// An empty `from` is the null reverse-path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Envelope {
    pub from: String,
    pub to: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SendError {
    /// Worth retrying later: connection refused/reset/time-out, 4xx replies, TLS not available yet.
    Transient(String),
    /// The server refused this message for good (5xx on MAIL/RCPT/DATA, message too big).
    Permanent(String),
    /// Login refused (535 etc.) — the message stays queued, the user must fix the password/account.
    Auth(String),
    /// The TLS check failed (bad certificate): never retried silently.
    Tls(String),
}

impl fmt::Display for SendError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SendError::Transient(m) => write!(f, "not sent for now (worth trying again): {m}"),
            SendError::Permanent(m) => write!(f, "the message cannot be sent: {m}"),
            SendError::Auth(m) => write!(
                f,
                "login to the mail server failed: {m} (check the account's user name and \
                 password; the message stays in the outbox)"
            ),
            SendError::Tls(m) => write!(
                f,
                "no secure connection to the mail server, nothing was sent: {m}"
            ),
        }
    }
}

impl std::error::Error for SendError {}

/// One reply: the code and each line's text (control characters replaced, lossy UTF-8).
#[derive(Debug, Clone, PartialEq, Eq)]
struct Reply {
    code: u16,
    lines: Vec<String>,
}

impl Reply {
    fn class(&self) -> u16 {
        self.code / 100
    }

    /// The enhanced status code (RFC 3463) the first line starts with, if any.
    fn enhanced(&self) -> Option<(u16, u16, u16)> {
        let first = self.lines.first()?.split(' ').next()?;
        let number = |p: &str| -> Option<u16> {
            if (1..=3).contains(&p.len()) && p.bytes().all(|b| b.is_ascii_digit()) {
                p.parse().ok()
            } else {
                None
            }
        };
        let mut parts = first.split('.');
        let class = number(parts.next()?)?;
        let subject = number(parts.next()?)?;
        let detail = number(parts.next()?)?;
        (parts.next().is_none() && class == self.class()).then_some((class, subject, detail))
    }

    /// 552, or 5.3.4 under another code: the message, not the account, is the problem.
    fn too_big(&self) -> bool {
        self.code == 552 || matches!(self.enhanced(), Some((5, 3, 4)))
    }
}

/// "550 5.1.1 <x@y>: user unknown", lines joined, cut at [`MAX_QUOTE`] characters.
impl fmt::Display for Reply {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let joined = self.lines.join(" ");
        let text = joined.trim();
        let mut cut: String = text.chars().take(MAX_QUOTE).collect();
        if cut.len() < text.len() {
            cut.push('…');
        }
        if cut.is_empty() {
            write!(f, "{}", self.code)
        } else {
            write!(f, "{} {cut}", self.code)
        }
    }
}

/// Split one reply line (CRLF already removed) into code, "is the last line", and text.
fn parse_reply_line(line: &[u8]) -> std::result::Result<(u16, bool, &[u8]), String> {
    let code = match line {
        [a @ b'2'..=b'5', b @ b'0'..=b'9', c @ b'0'..=b'9', ..] => {
            u16::from(a - b'0') * 100 + u16::from(b - b'0') * 10 + u16::from(c - b'0')
        }
        _ => return Err("a reply line does not start with a reply code".into()),
    };
    match line.get(3) {
        None => Ok((code, true, &[])),
        Some(b' ') => Ok((code, true, &line[4..])),
        Some(b'-') => Ok((code, false, &line[4..])),
        Some(_) => Err("a reply code is not followed by a space or a dash".into()),
    }
}

fn clean(text: &[u8]) -> String {
    String::from_utf8_lossy(text)
        .chars()
        .map(|c| match c {
            '\t' => ' ',
            c if c.is_control() => '?',
            c => c,
        })
        .collect::<String>()
        .trim_end()
        .to_string()
}

/// What EHLO announced.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
struct Caps {
    starttls: bool,
    /// SASL mechanisms, upper case.
    auth: Vec<String>,
    /// SIZE was announced (then MAIL FROM carries SIZE=).
    size: bool,
    /// The announced limit; None when absent or 0 ("no fixed limit").
    size_limit: Option<u64>,
    eight_bit: bool,
    smtputf8: bool,
}

impl Caps {
    fn parse(ehlo: &Reply) -> Caps {
        let mut caps = Caps::default();
        // The first line is the server's name and greeting text, not a keyword.
        for line in ehlo.lines.iter().skip(1) {
            let mut words = line.split_ascii_whitespace();
            let Some(keyword) = words.next() else {
                continue;
            };
            let keyword = keyword.to_ascii_uppercase();
            // "AUTH=PLAIN LOGIN" is how pre-RFC 4954 servers spelled it; some still do.
            if let Some(first) = keyword.strip_prefix("AUTH=") {
                caps.auth.push(first.to_string());
                caps.auth.extend(words.map(str::to_ascii_uppercase));
                continue;
            }
            match keyword.as_str() {
                "AUTH" => caps.auth.extend(words.map(str::to_ascii_uppercase)),
                "STARTTLS" => caps.starttls = true,
                "SIZE" => {
                    caps.size = true;
                    caps.size_limit = words.next().and_then(|n| n.parse().ok()).filter(|&n| n > 0);
                }
                "8BITMIME" => caps.eight_bit = true,
                "SMTPUTF8" => caps.smtputf8 = true,
                _ => {}
            }
        }
        caps.auth.dedup();
        caps
    }

    fn has_auth(&self, mechanism: &str) -> bool {
        self.auth.iter().any(|m| m == mechanism)
    }
}

/// The message as it goes on the wire between `354` and the final dot.
#[derive(Debug, PartialEq, Eq)]
struct Body {
    /// CRLF line endings, dot-stuffed, WITHOUT the CRLF that ends the last line: that CRLF
    /// is part of the final "\r\n.\r\n", so nothing sent before the commit point can end the
    /// message.
    bytes: Vec<u8>,
    /// RFC 1870 size: CRLF-normalised octets, without stuffing dots.
    size: u64,
    eight_bit: bool,
}

impl Body {
    fn encode(message: &[u8]) -> Body {
        let mut bytes = Vec::with_capacity(message.len() + message.len() / 32 + 8);
        let mut stuffed = 0u64;
        let mut eight_bit = false;
        let mut line_start = true;
        let mut i = 0;
        while i < message.len() {
            let b = message[i];
            i += 1;
            if line_start && b == b'.' {
                bytes.push(b'.');
                stuffed += 1;
            }
            match b {
                // A bare CR or LF is a line break to every reader; sent bare, servers split
                // lines differently from each other (the "SMTP smuggling" family).
                b'\r' => {
                    if message.get(i) == Some(&b'\n') {
                        i += 1;
                    }
                    bytes.extend_from_slice(b"\r\n");
                    line_start = true;
                }
                b'\n' => {
                    bytes.extend_from_slice(b"\r\n");
                    line_start = true;
                }
                _ => {
                    eight_bit |= b >= 0x80;
                    bytes.push(b);
                    line_start = false;
                }
            }
        }
        if !bytes.is_empty() && !bytes.ends_with(b"\r\n") {
            bytes.extend_from_slice(b"\r\n");
        }
        let size = bytes.len() as u64 - stuffed;
        if bytes.ends_with(b"\r\n") {
            bytes.truncate(bytes.len() - 2);
        }
        Body {
            bytes,
            size,
            eight_bit,
        }
    }

    fn terminator(&self) -> &'static [u8] {
        if self.size == 0 {
            b".\r\n"
        } else {
            b"\r\n.\r\n"
        }
    }
}

/// What the session needs from a connection beyond bytes (a trait so tests can script a
/// server).
trait Transport: Read + Write {
    fn wait_up_to(&mut self, timeout: Duration);
    /// Drop the connection so the server aborts an unfinished DATA.
    fn abort(&mut self);
}

impl Transport for Stream {
    fn wait_up_to(&mut self, timeout: Duration) {
        // Best effort: a failure here shows up as a read error right after.
        let _ = self.set_read_timeout(Some(timeout));
    }

    fn abort(&mut self) {
        if let Ok(socket) = self.shutdown_handle() {
            let _ = socket.shutdown(std::net::Shutdown::Both);
        }
    }
}

/// Line framing over a connection. Any I/O or protocol error marks it broken: the session
/// can no longer tell where the server is in the dialogue.
struct Wire<S> {
    io: S,
    buf: Vec<u8>,
    start: usize,
    end: usize,
    peer: String,
    broken: bool,
}

impl<S: Transport> Wire<S> {
    fn new(io: S, peer: String) -> Wire<S> {
        Wire {
            io,
            buf: vec![0; 16 * 1024],
            start: 0,
            end: 0,
            peer,
            broken: false,
        }
    }

    fn io_failed(&mut self, e: &std::io::Error) -> SendError {
        self.broken = true;
        SendError::Transient(describe(e, &self.peer).to_string())
    }

    fn protocol(&mut self, what: &str) -> SendError {
        self.broken = true;
        SendError::Transient(format!("{} broke the SMTP protocol: {what}", self.peer))
    }

    fn has_buffered(&self) -> bool {
        self.start < self.end
    }

    fn read_line(&mut self) -> Result<Vec<u8>, SendError> {
        let mut line = Vec::new();
        loop {
            let avail = &self.buf[self.start..self.end];
            if let Some(at) = avail.iter().position(|&b| b == b'\n') {
                line.extend_from_slice(&avail[..at]);
                self.start += at + 1;
                if line.last() == Some(&b'\r') {
                    line.pop();
                }
                if line.len() > MAX_LINE {
                    return Err(self.protocol("a reply line is longer than 64 KiB"));
                }
                return Ok(line);
            }
            line.extend_from_slice(avail);
            self.start = self.end;
            if line.len() > MAX_LINE + 1 {
                return Err(self.protocol("a reply line is longer than 64 KiB"));
            }
            match self.io.read(&mut self.buf) {
                Ok(0) => {
                    let eof = std::io::Error::from(std::io::ErrorKind::UnexpectedEof);
                    return Err(self.io_failed(&eof));
                }
                Ok(n) => {
                    self.start = 0;
                    self.end = n;
                }
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                Err(e) => return Err(self.io_failed(&e)),
            }
        }
    }

    fn read_reply(&mut self) -> Result<Reply, SendError> {
        let mut lines = Vec::new();
        let mut code = None;
        loop {
            let raw = self.read_line()?;
            let (this, last, text) = match parse_reply_line(&raw) {
                Ok(parsed) => parsed,
                Err(why) => return Err(self.protocol(&why)),
            };
            if *code.get_or_insert(this) != this {
                return Err(self.protocol("the lines of one reply carry different codes"));
            }
            if lines.len() == MAX_REPLY_LINES {
                return Err(self.protocol("a reply has more than 1000 lines"));
            }
            lines.push(clean(text));
            if last {
                return Ok(Reply { code: this, lines });
            }
        }
    }

    fn write_all(&mut self, bytes: &[u8]) -> Result<(), SendError> {
        match self.io.write_all(bytes) {
            Ok(()) => Ok(()),
            Err(e) => Err(self.io_failed(&e)),
        }
    }

    fn flush(&mut self) -> Result<(), SendError> {
        match self.io.flush() {
            Ok(()) => Ok(()),
            Err(e) => Err(self.io_failed(&e)),
        }
    }

    /// Send one command line (the caller keeps CR and LF out of it) and read the reply.
    fn command(&mut self, line: &str) -> Result<Reply, SendError> {
        self.write_all(line.as_bytes())?;
        self.write_all(b"\r\n")?;
        self.flush()?;
        self.read_reply()
    }

    /// Back to a clean state after a refused MAIL or RCPT, so the session stays usable.
    fn reset(&mut self) {
        if !self.broken && !matches!(self.command("RSET"), Ok(r) if r.class() == 2) {
            self.broken = true;
        }
    }

    fn unexpected(&mut self, after: &str, reply: &Reply) -> SendError {
        self.protocol(&format!("unexpected reply to {after}: {reply}"))
    }
}

/// The login and TLS failures of the stream module arrive as crate errors; sort them.
fn stream_error(e: Error) -> SendError {
    match e {
        // Every TLS failure in net::stream (handshake, certificate, rustls set-up) is
        // worded "TLS with <peer>…"; none of them heals by waiting.
        Error::Network(m) if m.starts_with("TLS with ") => SendError::Tls(m),
        // An endpoint host that is not a valid TLS name: a configuration problem.
        Error::Policy(m) => SendError::Tls(m),
        other => SendError::Transient(other.to_string()),
    }
}

fn ehlo<S: Transport>(wire: &mut Wire<S>) -> Result<Caps, SendError> {
    let reply = wire.command(&format!("EHLO {CLIENT_NAME}"))?;
    match reply.class() {
        2 => Ok(Caps::parse(&reply)),
        4 => Err(SendError::Transient(format!(
            "{} refused EHLO for now: {reply}",
            wire.peer
        ))),
        _ => Err(SendError::Transient(format!(
            "{} refused EHLO (not an ESMTP submission server?): {reply}",
            wire.peer
        ))),
    }
}

fn auth_refused<S: Transport>(wire: &mut Wire<S>, user: &str, reply: &Reply) -> SendError {
    match reply.class() {
        4 => SendError::Transient(format!(
            "{} cannot check the login for {user} now: {reply}",
            wire.peer
        )),
        5 => SendError::Auth(format!(
            "{} refused the login for {user}: {reply}",
            wire.peer
        )),
        _ => wire.unexpected("AUTH", reply),
    }
}

/// AUTH PLAIN with an initial response, else AUTH LOGIN. Only ever called over TLS.
fn login<S: Transport>(
    wire: &mut Wire<S>,
    caps: &Caps,
    user: &str,
    password: &str,
) -> Result<(), SendError> {
    let b64 = base64::engine::general_purpose::STANDARD;
    if user.contains('\0') || password.contains('\0') {
        return Err(SendError::Auth(
            "the user name or password contains a NUL character".into(),
        ));
    }
    if caps.has_auth("PLAIN") {
        let mut token = Zeroizing::new(Vec::with_capacity(user.len() + password.len() + 2));
        token.push(0);
        token.extend_from_slice(user.as_bytes());
        token.push(0);
        token.extend_from_slice(password.as_bytes());
        let encoded = Zeroizing::new(b64.encode(&*token));
        wire.write_all(b"AUTH PLAIN ")?;
        wire.write_all(encoded.as_bytes())?;
        wire.write_all(b"\r\n")?;
        wire.flush()?;
        let mut reply = wire.read_reply()?;
        // A server that ignores the initial response asks again with an empty challenge.
        if reply.code == 334 {
            wire.write_all(encoded.as_bytes())?;
            wire.write_all(b"\r\n")?;
            wire.flush()?;
            reply = wire.read_reply()?;
        }
        return match reply.code {
            235 => Ok(()),
            _ => Err(auth_refused(wire, user, &reply)),
        };
    }
    if caps.has_auth("LOGIN") {
        let mut reply = wire.command("AUTH LOGIN")?;
        for secret in [user.as_bytes(), password.as_bytes()] {
            if reply.code != 334 {
                return Err(auth_refused(wire, user, &reply));
            }
            let encoded = Zeroizing::new(b64.encode(secret));
            wire.write_all(encoded.as_bytes())?;
            wire.write_all(b"\r\n")?;
            wire.flush()?;
            reply = wire.read_reply()?;
        }
        return match reply.code {
            235 => Ok(()),
            _ => Err(auth_refused(wire, user, &reply)),
        };
    }
    Err(SendError::Auth(format!(
        "{} offers no login method Kapsel supports (it offers: {}; Kapsel needs PLAIN or LOGIN)",
        wire.peer,
        if caps.auth.is_empty() {
            "none".to_string()
        } else {
            caps.auth.join(" ")
        }
    )))
}

/// An address goes into a command line between `<` and `>`: nothing may end either early.
fn check_address(address: &str, role: &str) -> Result<(), SendError> {
    if address.len() > 998
        || address
            .chars()
            .any(|c| c.is_control() || c == '<' || c == '>')
    {
        return Err(SendError::Permanent(format!(
            "the {role} address {:?} is not a valid mail address",
            address.chars().take(100).collect::<String>()
        )));
    }
    Ok(())
}

fn human_size(n: u64) -> String {
    match n {
        n if n >= 1 << 20 => format!("{:.1} MB", n as f64 / f64::from(1 << 20)),
        n if n >= 1 << 10 => format!("{:.1} KB", n as f64 / f64::from(1 << 10)),
        n => format!("{n} bytes"),
    }
}

/// One mail transaction. Errors before the body is complete leave nothing at the server;
/// `before_commit` runs when only the final dot is missing.
fn transact<S: Transport>(
    wire: &mut Wire<S>,
    caps: &Caps,
    envelope: &Envelope,
    message: &[u8],
    before_commit: impl FnOnce() -> Result<(), String>,
    timeout: Duration,
) -> Result<(), SendError> {
    if envelope.to.is_empty() {
        return Err(SendError::Permanent("the message has no recipients".into()));
    }
    check_address(&envelope.from, "sender")?;
    for to in &envelope.to {
        if to.is_empty() {
            return Err(SendError::Permanent("a recipient address is empty".into()));
        }
        check_address(to, "recipient")?;
    }
    let body = Body::encode(message);
    if let Some(limit) = caps.size_limit
        && body.size > limit
    {
        return Err(SendError::Permanent(format!(
            "the message is {} but {} takes at most {}",
            human_size(body.size),
            wire.peer,
            human_size(limit)
        )));
    }
    let utf8 = !envelope.from.is_ascii() || envelope.to.iter().any(|a| !a.is_ascii());
    if utf8 && !caps.smtputf8 {
        return Err(SendError::Permanent(format!(
            "{} cannot take internationalised (non-ASCII) addresses",
            wire.peer
        )));
    }

    let mut mail = format!("MAIL FROM:<{}>", envelope.from);
    if caps.size {
        mail.push_str(&format!(" SIZE={}", body.size));
    }
    if body.eight_bit && caps.eight_bit {
        mail.push_str(" BODY=8BITMIME");
    }
    if utf8 {
        mail.push_str(" SMTPUTF8");
    }
    let reply = wire.command(&mail)?;
    match reply.class() {
        2 => {}
        4 => {
            wire.reset();
            return Err(SendError::Transient(format!(
                "{} did not take the sender {} now: {reply}",
                wire.peer, envelope.from
            )));
        }
        5 => {
            wire.reset();
            return Err(SendError::Permanent(if reply.too_big() {
                format!("the message is too big for {}: {reply}", wire.peer)
            } else {
                format!(
                    "{} refused the sender {}: {reply}",
                    wire.peer, envelope.from
                )
            }));
        }
        _ => return Err(wire.unexpected("MAIL FROM", &reply)),
    }

    // Every recipient is tried so that one message names all refused addresses.
    let mut refused = Vec::new();
    let mut deferred = Vec::new();
    for to in &envelope.to {
        let reply = wire.command(&format!("RCPT TO:<{to}>"))?;
        match reply.class() {
            2 => {}
            4 => deferred.push(format!("{to} ({reply})")),
            5 => refused.push(format!("{to} ({reply})")),
            _ => return Err(wire.unexpected("RCPT TO", &reply)),
        }
    }
    if !refused.is_empty() {
        wire.reset();
        return Err(SendError::Permanent(format!(
            "{} refused the recipient(s) {}",
            wire.peer,
            refused.join(", ")
        )));
    }
    if !deferred.is_empty() {
        wire.reset();
        return Err(SendError::Transient(format!(
            "{} did not take the recipient(s) {} now",
            wire.peer,
            deferred.join(", ")
        )));
    }

    let reply = wire.command("DATA")?;
    match (reply.code, reply.class()) {
        (354, _) => {}
        (_, 4) => {
            wire.reset();
            return Err(SendError::Transient(format!(
                "{} did not take the message now: {reply}",
                wire.peer
            )));
        }
        (_, 5) => {
            wire.reset();
            return Err(SendError::Permanent(format!(
                "{} refused the message: {reply}",
                wire.peer
            )));
        }
        _ => return Err(wire.unexpected("DATA", &reply)),
    }
    wire.write_all(&body.bytes)?;
    wire.flush()?;
    if let Err(why) = before_commit() {
        // RSET would be read as message text while DATA is open; only closing the connection
        // before the final dot makes the server drop the message.
        wire.broken = true;
        wire.io.abort();
        return Err(SendError::Transient(format!(
            "sending was stopped before the server took the message: {why}"
        )));
    }
    wire.write_all(body.terminator())
        .and_then(|()| wire.flush())
        .map_err(|e| in_doubt(&wire.peer, e))?;
    wire.io.wait_up_to(DATA_END_TIMEOUT.max(timeout));
    let reply = wire.read_reply().map_err(|e| in_doubt(&wire.peer, e))?;
    wire.io.wait_up_to(timeout);
    match reply.class() {
        2 => Ok(()),
        4 => Err(SendError::Transient(format!(
            "{} did not take the message now: {reply}",
            wire.peer
        ))),
        5 if reply.too_big() => Err(SendError::Permanent(format!(
            "the message is too big for {}: {reply}",
            wire.peer
        ))),
        5 => Err(SendError::Permanent(format!(
            "{} refused the message: {reply}",
            wire.peer
        ))),
        _ => Err(wire.unexpected("the end of the message", &reply)),
    }
}

/// After the final dot went out, a lost reply means the server may have taken the message.
fn in_doubt(peer: &str, e: SendError) -> SendError {
    SendError::Transient(format!(
        "the connection to {peer} broke after the whole message was handed over; it may \
         have been sent ({e})"
    ))
}

/// A logged-in submission session; send any number of messages, then [`quit`](Self::quit).
pub struct Submission {
    wire: Wire<Stream>,
    caps: Caps,
    timeout: Duration,
}

impl Submission {
    /// endpoint: `submission://host:port` (StartTls, default 587) or `submissions://host:port`
    /// (Implicit, default 465); see [`SCHEMES`]. The password never goes out before TLS is on.
    pub fn connect(
        endpoint: &Endpoint,
        tls: &Arc<rustls::ClientConfig>,
        user: &str,
        password: &str,
        timeout: Duration,
    ) -> Result<Submission, SendError> {
        let stream = Stream::connect(endpoint, tls, timeout).map_err(stream_error)?;
        let mut wire = Wire::new(stream, endpoint.to_string());
        let greeting = wire.read_reply()?;
        if greeting.code != 220 {
            return Err(SendError::Transient(format!(
                "{endpoint} does not take mail now: {greeting}"
            )));
        }
        let mut caps = ehlo(&mut wire)?;
        if !wire.io.is_tls() {
            if !caps.starttls {
                return Err(SendError::Transient(format!(
                    "{endpoint} does not offer STARTTLS; Kapsel never sends a password in clear"
                )));
            }
            let reply = wire.command("STARTTLS")?;
            if reply.code != 220 {
                return Err(SendError::Transient(format!(
                    "{endpoint} did not start TLS: {reply}"
                )));
            }
            // Bytes after the 220 came before the handshake, unprotected: a plain-text
            // injection (CVE-2011-0411 family) would have them read as TLS-protected replies.
            if wire.has_buffered() {
                return Err(SendError::Tls(format!(
                    "{endpoint} sent data before the TLS handshake (possible injection)"
                )));
            }
            let stream = wire.io.start_tls(endpoint, tls).map_err(stream_error)?;
            wire = Wire::new(stream, endpoint.to_string());
            // RFC 3207: forget everything learnt before TLS.
            caps = ehlo(&mut wire)?;
        }
        login(&mut wire, &caps, user, password)?;
        Ok(Submission {
            wire,
            caps,
            timeout,
        })
    }

    /// Send one message. `before_commit` runs when everything but the final dot has gone out:
    /// the caller records the message as in flight there; its `Err` aborts the send (the
    /// connection is closed, since RSET cannot end an open DATA) and nothing is delivered.
    /// After an I/O or protocol error, or an aborted send, connect again.
    pub fn send(
        &mut self,
        envelope: &Envelope,
        message: &[u8],
        before_commit: impl FnOnce() -> Result<(), String>,
    ) -> Result<(), SendError> {
        if self.wire.broken {
            return Err(SendError::Transient(format!(
                "the connection to {} is no longer usable; connect again",
                self.wire.peer
            )));
        }
        transact(
            &mut self.wire,
            &self.caps,
            envelope,
            message,
            before_commit,
            self.timeout,
        )
    }

    pub fn quit(mut self) {
        if !self.wire.broken {
            let _ = self.wire.command("QUIT");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A scripted server: replies are all queued up front (the client never pipelines, so
    /// order is all that matters); what the client writes is kept.
    struct Script {
        replies: std::io::Cursor<Vec<u8>>,
        // shared, so a commit hook can look at what went out before it ran
        sent: std::rc::Rc<std::cell::RefCell<Vec<u8>>>,
        aborted: bool,
    }

    impl Read for Script {
        fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
            self.replies.read(buf)
        }
    }

    impl Write for Script {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            self.sent.borrow_mut().extend_from_slice(buf);
            Ok(buf.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    impl Transport for Script {
        fn wait_up_to(&mut self, _: Duration) {}
        fn abort(&mut self) {
            self.aborted = true;
        }
    }

    fn wire(replies: impl AsRef<[u8]>) -> Wire<Script> {
        Wire::new(
            Script {
                replies: std::io::Cursor::new(replies.as_ref().to_vec()),
                sent: Default::default(),
                aborted: false,
            },
            "submission://mx.test:587".into(),
        )
    }

    fn sent(w: &Wire<Script>) -> String {
        String::from_utf8_lossy(&w.io.sent.borrow()).into_owned()
    }

    #[test]
    fn replies_parse_single_and_multi_line() {
        let mut w =
            wire("220 mx.test ESMTP\r\n250-mx.test\r\n250-SIZE 1000\r\n250 8BITMIME\r\n250\r\n");
        let r = w.read_reply().unwrap();
        assert_eq!(
            (r.code, r.lines.clone()),
            (220, vec!["mx.test ESMTP".to_string()])
        );
        let r = w.read_reply().unwrap();
        assert_eq!(r.code, 250);
        assert_eq!(r.lines, ["mx.test", "SIZE 1000", "8BITMIME"]);
        let r = w.read_reply().unwrap();
        assert_eq!((r.code, r.lines.len()), (250, 1));
        assert_eq!(r.to_string(), "250");
    }

    #[test]
    fn replies_accept_bare_lf_and_clean_control_characters() {
        let mut w = wire(b"550 5.1.1 bad\x1b[31m\tuser \xff\n");
        let r = w.read_reply().unwrap();
        assert_eq!(r.to_string(), "550 5.1.1 bad?[31m user \u{fffd}");
        assert_eq!(r.enhanced(), Some((5, 1, 1)));
    }

    #[test]
    fn malformed_replies_are_protocol_errors() {
        for bad in [
            "hello\r\n",
            "25\r\n",
            "250x\r\n",
            "650 nope\r\n",
            "250-a\r\n251 b\r\n",
            "250-a\r\n", // ends mid-reply
            "",          // nothing at all
        ] {
            let mut w = wire(bad);
            assert!(
                matches!(w.read_reply(), Err(SendError::Transient(_))),
                "{bad:?}"
            );
            assert!(w.broken, "{bad:?}");
        }
    }

    #[test]
    fn replies_are_bounded() {
        let long = format!("250 {}\r\n", "x".repeat(MAX_LINE + 10));
        assert!(wire(long).read_reply().is_err());
        let fits = format!("250 {}\r\n", "x".repeat(MAX_LINE - 10));
        assert!(wire(fits).read_reply().is_ok());
        let many = "250-x\r\n".repeat(MAX_REPLY_LINES + 1) + "250 end\r\n";
        assert!(wire(many).read_reply().is_err());
        let quoted = wire(format!("550 {}\r\n", "y".repeat(5000)))
            .read_reply()
            .unwrap()
            .to_string();
        assert!(quoted.chars().count() <= MAX_QUOTE + 5);
    }

    #[test]
    fn enhanced_codes_must_match_the_reply_class() {
        let reply = |code, text: &str| Reply {
            code,
            lines: vec![text.to_string()],
        };
        assert_eq!(reply(552, "5.3.4 too big").enhanced(), Some((5, 3, 4)));
        assert_eq!(reply(452, "5.3.4 mismatch").enhanced(), None);
        assert_eq!(reply(250, "2.0.0").enhanced(), Some((2, 0, 0)));
        assert_eq!(reply(250, "Ok: queued").enhanced(), None);
        assert_eq!(reply(250, "1.2.3.4 x").enhanced(), None);
        assert!(reply(554, "5.3.4 Message too big for system").too_big());
    }

    #[test]
    fn ehlo_capabilities_parse() {
        let mut w = wire(
            "250-mail.corp.test\r\n250-8BITMIME\r\n250-AUTH PLAIN login\r\n250-AUTH=XOAUTH2\r\n\
             250-STARTTLS\r\n250-SIZE 52428800\r\n250 SMTPUTF8\r\n",
        );
        let caps = Caps::parse(&w.read_reply().unwrap());
        assert!(caps.starttls && caps.eight_bit && caps.smtputf8 && caps.size);
        assert_eq!(caps.size_limit, Some(52_428_800));
        assert_eq!(caps.auth, ["PLAIN", "LOGIN", "XOAUTH2"]);
        let caps = Caps::parse(&wire("250-x\r\n250 SIZE\r\n").read_reply().unwrap());
        assert!(caps.size && caps.size_limit.is_none() && !caps.starttls);
        // the first line is the greeting, never a keyword
        let caps = Caps::parse(&wire("250 STARTTLS\r\n").read_reply().unwrap());
        assert!(!caps.starttls);
    }

    #[test]
    fn bodies_are_normalised_and_dot_stuffed() {
        let b = Body::encode(b".first\nplain\r\n..two\r.\rend");
        assert_eq!(b.bytes, b"..first\r\nplain\r\n...two\r\n..\r\nend");
        assert_eq!(b.terminator(), b"\r\n.\r\n");
        // size: normalised, not stuffed, with the final CRLF
        assert_eq!(
            b.size,
            ".first\r\nplain\r\n..two\r\n.\r\nend\r\n".len() as u64
        );
        assert!(!b.eight_bit);

        // a body that already ends in CRLF gets no second one
        let b = Body::encode("Grüße\r\n".as_bytes());
        assert_eq!(b.bytes, "Grüße".as_bytes());
        assert!(b.eight_bit);

        // an embedded "\r\n.\r\n" cannot end the message early
        let b = Body::encode(b"a\r\n.\r\nMAIL FROM:<x>\r\n");
        assert_eq!(b.bytes, b"a\r\n..\r\nMAIL FROM:<x>");

        let b = Body::encode(b"");
        assert_eq!(
            (b.bytes.len(), b.size, b.terminator()),
            (0, 0, &b".\r\n"[..])
        );
        let b = Body::encode(b"\n");
        assert_eq!(
            (b.bytes.len(), b.size, b.terminator()),
            (0, 2, &b"\r\n.\r\n"[..])
        );
    }

    fn caps() -> Caps {
        Caps {
            size: true,
            size_limit: Some(1000),
            eight_bit: true,
            ..Caps::default()
        }
    }

    fn envelope(to: &[&str]) -> Envelope {
        Envelope {
            from: "alice@corp.test".into(),
            to: to.iter().map(|s| s.to_string()).collect(),
        }
    }

    #[test]
    fn a_message_goes_out_with_size_and_the_commit_hook_before_the_dot() {
        let mut w =
            wire("250 2.1.0 Ok\r\n250 2.1.5 Ok\r\n250 2.1.5 Ok\r\n354 go\r\n250 2.0.0 queued\r\n");
        let out = std::rc::Rc::clone(&w.io.sent);
        let result = transact(
            &mut w,
            &caps(),
            &envelope(&["bob@corp.test", "carol@corp.test"]),
            "Subject: x\n\n.dot\nÄ".as_bytes(),
            || {
                // everything but the line break before the final dot is out
                assert!(out.borrow().ends_with("..dot\r\nÄ".as_bytes()));
                Ok(())
            },
            Duration::from_secs(5),
        );
        assert_eq!(result, Ok(()));
        assert_eq!(
            sent(&w),
            "MAIL FROM:<alice@corp.test> SIZE=24 BODY=8BITMIME\r\nRCPT TO:<bob@corp.test>\r\n\
             RCPT TO:<carol@corp.test>\r\nDATA\r\nSubject: x\r\n\r\n..dot\r\nÄ\r\n.\r\n"
        );
    }

    #[test]
    fn commit_hook_failure_aborts_without_the_final_dot() {
        let mut w = wire("250 Ok\r\n250 Ok\r\n354 go\r\n");
        let result = transact(
            &mut w,
            &caps(),
            &envelope(&["bob@corp.test"]),
            b"Subject: x\r\n\r\nbody\r\n",
            || Err("outbox is read-only".into()),
            Duration::from_secs(5),
        );
        assert!(matches!(result, Err(SendError::Transient(m)) if m.contains("read-only")));
        assert!(w.io.aborted && w.broken);
        assert!(
            sent(&w).ends_with("DATA\r\nSubject: x\r\n\r\nbody"),
            "{}",
            sent(&w)
        );
    }

    #[test]
    fn refused_recipients_are_named_and_the_transaction_reset() {
        let mut w = wire(
            "250 Ok\r\n550 5.1.1 <nobody@corp.test>: User unknown\r\n250 Ok\r\n\
             550 5.1.1 <ghost@corp.test>: User unknown\r\n250 2.0.0 Ok\r\n",
        );
        let result = transact(
            &mut w,
            &caps(),
            &envelope(&["nobody@corp.test", "bob@corp.test", "ghost@corp.test"]),
            b"x",
            || panic!("no commit after a refused recipient"),
            Duration::from_secs(5),
        );
        let Err(SendError::Permanent(m)) = result else {
            panic!("{result:?}");
        };
        assert!(
            m.contains("nobody@corp.test (550 5.1.1") && m.contains("ghost@corp.test"),
            "{m}"
        );
        assert!(sent(&w).ends_with("RSET\r\n") && !sent(&w).contains("DATA"));
        assert!(!w.broken);
    }

    #[test]
    fn deferrals_and_refusals_are_sorted() {
        let run = |replies: &str| {
            transact(
                &mut wire(replies),
                &caps(),
                &envelope(&["bob@corp.test"]),
                b"x",
                || Ok(()),
                Duration::from_secs(5),
            )
        };
        assert!(matches!(
            run("451 4.3.0 try later\r\n250 Ok\r\n"),
            Err(SendError::Transient(_))
        ));
        assert!(matches!(
            run("553 5.7.1 not yours\r\n250 Ok\r\n"),
            Err(SendError::Permanent(_))
        ));
        assert!(matches!(
            run("250 Ok\r\n450 4.2.1 busy\r\n250 Ok\r\n"),
            Err(SendError::Transient(m)) if m.contains("bob@corp.test")
        ));
        assert!(matches!(
            run("250 Ok\r\n250 Ok\r\n354 go\r\n552 5.3.4 too big\r\n"),
            Err(SendError::Permanent(m)) if m.contains("too big")
        ));
        assert!(matches!(
            run("250 Ok\r\n250 Ok\r\n354 go\r\n451 4.3.0 queue full\r\n"),
            Err(SendError::Transient(_))
        ));
        // the reply to the final dot never comes: the message is in doubt
        assert!(matches!(
            run("250 Ok\r\n250 Ok\r\n354 go\r\n"),
            Err(SendError::Transient(m)) if m.contains("may have been sent")
        ));
    }

    #[test]
    fn oversized_or_malformed_envelopes_are_refused_before_any_command() {
        let mut w = wire("");
        let big = vec![b'a'; 2000];
        let r = transact(
            &mut w,
            &caps(),
            &envelope(&["b@c"]),
            &big,
            || Ok(()),
            Duration::ZERO,
        );
        assert!(matches!(r, Err(SendError::Permanent(m)) if m.contains("at most")));
        for bad in ["b@c>\r\nRSET", "", "a\nb@c"] {
            let r = transact(
                &mut w,
                &caps(),
                &envelope(&[bad]),
                b"x",
                || Ok(()),
                Duration::ZERO,
            );
            assert!(matches!(r, Err(SendError::Permanent(_))), "{bad:?}");
        }
        let r = transact(
            &mut w,
            &caps(),
            &envelope(&[]),
            b"x",
            || Ok(()),
            Duration::ZERO,
        );
        assert!(matches!(r, Err(SendError::Permanent(_))));
        let r = transact(
            &mut w,
            &caps(),
            &envelope(&["jürgen@corp.test"]),
            b"x",
            || Ok(()),
            Duration::ZERO,
        );
        assert!(matches!(r, Err(SendError::Permanent(m)) if m.contains("non-ASCII")));
        assert!(w.io.sent.borrow().is_empty());
    }

    #[test]
    fn login_prefers_plain_and_falls_back_to_login() {
        let plain = Caps {
            auth: vec!["LOGIN".into(), "PLAIN".into()],
            ..Caps::default()
        };
        let mut w = wire("235 2.7.0 ok\r\n");
        login(&mut w, &plain, "alice", "pw").unwrap();
        assert_eq!(sent(&w), "AUTH PLAIN AGFsaWNlAHB3\r\n");

        let only_login = Caps {
            auth: vec!["LOGIN".into()],
            ..Caps::default()
        };
        let mut w = wire("334 VXNlcm5hbWU6\r\n334 UGFzc3dvcmQ6\r\n235 ok\r\n");
        login(&mut w, &only_login, "alice", "pw").unwrap();
        assert_eq!(sent(&w), "AUTH LOGIN\r\nYWxpY2U=\r\ncHc=\r\n");

        let mut w = wire("535 5.7.8 Authentication failed\r\n");
        let r = login(&mut w, &plain, "alice", "bad");
        assert!(matches!(r, Err(SendError::Auth(m)) if m.contains("5.7.8")));
        let mut w = wire("454 4.7.0 Temporary authentication failure\r\n");
        assert!(matches!(
            login(&mut w, &plain, "alice", "pw"),
            Err(SendError::Transient(_))
        ));
        let none = Caps::default();
        assert!(matches!(
            login(&mut wire(""), &none, "a", "b"),
            Err(SendError::Auth(_))
        ));
    }

    #[test]
    fn tls_failures_from_the_stream_are_not_retried_silently() {
        let tls = stream_error(Error::Network(
            "TLS with submissions://x:465 failed: the server certificate is not issued by a CA \
             the tenant trusts"
                .into(),
        ));
        assert!(matches!(tls, SendError::Tls(_)));
        let refused = stream_error(Error::Network("x refused the connection".into()));
        assert!(matches!(refused, SendError::Transient(_)));
    }
}
