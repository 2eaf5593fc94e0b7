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
use std::sync::Arc;
use std::time::Duration;

use base64::Engine as _;
use zeroize::Zeroizing;

use kapsel_mail_wire::smtp::{Body, Caps, Reply, ReplyReader};

use crate::cat;
use crate::transport::{self, Handshake, Refusal, Transport};
use kapsel_core::error::Error;
use kapsel_core::net::stream::{Endpoint, Security, Stream};
use kapsel_i18n::t;

/// Accepted server addresses, for [`Endpoint::parse`].
pub const SCHEMES: &[(&str, u16, Security)] = &[
    ("submissions", 465, Security::Implicit),
    ("submission", 587, Security::StartTls),
];

/// The EHLO name: a reserved name, so the greeting does not reveal the device's host name.
const CLIENT_NAME: &str = "kapsel.invalid";
/// RFC 5321 4.5.3.2.6: the server may take this long to accept the final dot. Giving up
/// earlier leaves the message in doubt (sent or not), which is worse than waiting.
const DATA_END_TIMEOUT: Duration = Duration::from_secs(600);

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
        let text = match self {
            SendError::Transient(m) => t!(cat(), "mailbox-send-transient", reason = m.as_str()),
            SendError::Permanent(m) => t!(cat(), "mailbox-send-permanent", reason = m.as_str()),
            SendError::Auth(m) => t!(cat(), "mailbox-send-auth", reason = m.as_str()),
            SendError::Tls(m) => t!(cat(), "mailbox-send-tls", reason = m.as_str()),
        };
        f.write_str(&text)
    }
}

impl std::error::Error for SendError {}

/// Replies over a connection. Any I/O or protocol error marks it broken: the session can
/// no longer tell where the server is in the dialogue.
struct Wire<S> {
    io: S,
    replies: ReplyReader,
    peer: String,
    broken: bool,
}

impl<S: Transport> Wire<S> {
    fn new(io: S) -> Wire<S> {
        Wire {
            peer: io.peer().to_string(),
            io,
            replies: ReplyReader::default(),
            broken: false,
        }
    }

    fn io_failed(&mut self, e: Error) -> SendError {
        self.broken = true;
        SendError::Transient(e.to_string())
    }

    fn protocol(&mut self, what: &str) -> SendError {
        self.broken = true;
        SendError::Transient(t!(
            cat(),
            "mailbox-smtp-protocol",
            peer = self.peer.as_str(),
            detail = what
        ))
    }

    fn read_reply(&mut self) -> Result<Reply, SendError> {
        let mut buf = [0u8; 16 * 1024];
        loop {
            match self.replies.next_reply() {
                Ok(Some(reply)) => return Ok(reply),
                Ok(None) => {}
                Err(e) => return Err(self.protocol(&e.0)),
            }
            match transport::read_some(&mut self.io, &mut buf) {
                Ok(0) => {
                    let closed = Error::Network(t!(
                        cat(),
                        "mailbox-connection-closed",
                        peer = self.peer.as_str()
                    ));
                    return Err(self.io_failed(closed));
                }
                Ok(n) => self.replies.push(&buf[..n]),
                Err(e) => return Err(self.io_failed(e)),
            }
        }
    }

    /// Write the pieces of one command or one block of data, then flush once.
    fn send(&mut self, parts: &[&[u8]]) -> Result<(), SendError> {
        match transport::write_parts(&mut self.io, parts) {
            Ok(()) => Ok(()),
            Err(e) => Err(self.io_failed(e)),
        }
    }

    /// Send one command line (the caller keeps CR and LF out of it) and read the reply.
    fn command(&mut self, line: &str) -> Result<Reply, SendError> {
        self.send(&[line.as_bytes(), b"\r\n"])?;
        self.read_reply()
    }

    /// Back to a clean state after a refused MAIL or RCPT, so the session stays usable.
    fn reset(&mut self) {
        if !self.broken && !matches!(self.command("RSET"), Ok(r) if r.class() == 2) {
            self.broken = true;
        }
    }

    fn unexpected(&mut self, after: &str, reply: &Reply) -> SendError {
        self.protocol(&t!(
            cat(),
            "mailbox-smtp-unexpected-reply",
            after = after,
            reply = reply.to_string()
        ))
    }
}

/// The login and TLS failures of the stream module arrive as crate errors; sort them.
fn stream_error(e: Error) -> SendError {
    match e {
        // A TLS failure (handshake, certificate, rustls set-up) never heals by waiting.
        Error::Tls(m) => SendError::Tls(m),
        // An endpoint host that is not a valid TLS name: a configuration problem.
        Error::Policy(m) => SendError::Tls(m),
        other => SendError::Transient(other.to_string()),
    }
}

fn ehlo<S: Transport>(wire: &mut Wire<S>) -> Result<Caps, SendError> {
    let reply = wire.command(&format!("EHLO {CLIENT_NAME}"))?;
    match reply.class() {
        2 => Ok(Caps::parse(&reply)),
        4 => Err(SendError::Transient(t!(
            cat(),
            "mailbox-smtp-ehlo-later",
            peer = wire.peer.as_str(),
            reply = reply.to_string()
        ))),
        _ => Err(SendError::Transient(t!(
            cat(),
            "mailbox-smtp-ehlo-refused",
            peer = wire.peer.as_str(),
            reply = reply.to_string()
        ))),
    }
}

fn auth_refused<S: Transport>(wire: &mut Wire<S>, user: &str, reply: &Reply) -> SendError {
    match reply.class() {
        4 => SendError::Transient(t!(
            cat(),
            "mailbox-smtp-login-later",
            peer = wire.peer.as_str(),
            user = user,
            reply = reply.to_string()
        )),
        5 => SendError::Auth(t!(
            cat(),
            "mailbox-smtp-login-refused",
            peer = wire.peer.as_str(),
            user = user,
            reply = reply.to_string()
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
        return Err(SendError::Auth(t!(cat(), "mailbox-smtp-nul")));
    }
    if caps.has_auth("PLAIN") {
        let mut token = Zeroizing::new(Vec::with_capacity(user.len() + password.len() + 2));
        token.push(0);
        token.extend_from_slice(user.as_bytes());
        token.push(0);
        token.extend_from_slice(password.as_bytes());
        let encoded = Zeroizing::new(b64.encode(&*token));
        wire.send(&[b"AUTH PLAIN ", encoded.as_bytes(), b"\r\n"])?;
        let mut reply = wire.read_reply()?;
        // A server that ignores the initial response asks again with an empty challenge.
        if reply.code == 334 {
            wire.send(&[encoded.as_bytes(), b"\r\n"])?;
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
            wire.send(&[encoded.as_bytes(), b"\r\n"])?;
            reply = wire.read_reply()?;
        }
        return match reply.code {
            235 => Ok(()),
            _ => Err(auth_refused(wire, user, &reply)),
        };
    }
    Err(SendError::Auth(t!(
        cat(),
        "mailbox-smtp-no-auth-method",
        peer = wire.peer.as_str(),
        offered = if caps.auth.is_empty() {
            t!(cat(), "mailbox-smtp-offers-none")
        } else {
            caps.auth.join(" ")
        }
    )))
}

/// An address goes into a command line between `<` and `>`: nothing may end either early.
/// `which` names it with its article, in the user's language ("the sender address").
fn check_address(address: &str, which: &str) -> Result<(), SendError> {
    if address.len() > 998
        || address
            .chars()
            .any(|c| c.is_control() || c == '<' || c == '>')
    {
        return Err(SendError::Permanent(t!(
            cat(),
            "mailbox-smtp-bad-address",
            which = which,
            address = format!("{:?}", address.chars().take(100).collect::<String>())
        )));
    }
    Ok(())
}

fn human_size(n: u64) -> String {
    // One decimal in the user's language (1,5 MB in German); English as it always was.
    let one_decimal = |x: f64| match cat().lang() {
        kapsel_i18n::Lang::En => format!("{x:.1}"),
        _ => cat().formats().decimal(x, 1),
    };
    match n {
        n if n >= 1 << 20 => format!("{} MB", one_decimal(n as f64 / f64::from(1 << 20))),
        n if n >= 1 << 10 => format!("{} KB", one_decimal(n as f64 / f64::from(1 << 10))),
        n => t!(cat(), "mailbox-size-bytes", count = n.to_string()),
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
        return Err(SendError::Permanent(t!(
            cat(),
            "mailbox-smtp-no-recipients"
        )));
    }
    check_address(
        &envelope.from,
        &t!(cat(), "mailbox-smtp-the-sender-address"),
    )?;
    for to in &envelope.to {
        if to.is_empty() {
            return Err(SendError::Permanent(t!(
                cat(),
                "mailbox-smtp-empty-recipient"
            )));
        }
        check_address(to, &t!(cat(), "mailbox-smtp-the-recipient-address"))?;
    }
    let body = Body::encode(message);
    if let Some(limit) = caps.size_limit
        && body.size > limit
    {
        return Err(SendError::Permanent(t!(
            cat(),
            "mailbox-smtp-over-size-limit",
            size = human_size(body.size),
            peer = wire.peer.as_str(),
            limit = human_size(limit)
        )));
    }
    let utf8 = !envelope.from.is_ascii() || envelope.to.iter().any(|a| !a.is_ascii());
    if utf8 && !caps.smtputf8 {
        return Err(SendError::Permanent(t!(
            cat(),
            "mailbox-smtp-no-smtputf8",
            peer = wire.peer.as_str()
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
            return Err(SendError::Transient(t!(
                cat(),
                "mailbox-smtp-sender-later",
                peer = wire.peer.as_str(),
                sender = envelope.from.as_str(),
                reply = reply.to_string()
            )));
        }
        5 => {
            wire.reset();
            return Err(SendError::Permanent(if reply.too_big() {
                t!(
                    cat(),
                    "mailbox-smtp-too-big",
                    peer = wire.peer.as_str(),
                    reply = reply.to_string()
                )
            } else {
                t!(
                    cat(),
                    "mailbox-smtp-sender-refused",
                    peer = wire.peer.as_str(),
                    sender = envelope.from.as_str(),
                    reply = reply.to_string()
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
        return Err(SendError::Permanent(t!(
            cat(),
            "mailbox-smtp-recipients-refused",
            peer = wire.peer.as_str(),
            recipients = refused.join(", ")
        )));
    }
    if !deferred.is_empty() {
        wire.reset();
        return Err(SendError::Transient(t!(
            cat(),
            "mailbox-smtp-recipients-later",
            peer = wire.peer.as_str(),
            recipients = deferred.join(", ")
        )));
    }

    let reply = wire.command("DATA")?;
    match (reply.code, reply.class()) {
        (354, _) => {}
        (_, 4) => {
            wire.reset();
            return Err(SendError::Transient(t!(
                cat(),
                "mailbox-smtp-message-later",
                peer = wire.peer.as_str(),
                reply = reply.to_string()
            )));
        }
        (_, 5) => {
            wire.reset();
            return Err(SendError::Permanent(t!(
                cat(),
                "mailbox-smtp-message-refused",
                peer = wire.peer.as_str(),
                reply = reply.to_string()
            )));
        }
        _ => return Err(wire.unexpected("DATA", &reply)),
    }
    wire.send(&[&body.bytes])?;
    if let Err(why) = before_commit() {
        // RSET would be read as message text while DATA is open; only closing the connection
        // before the final dot makes the server drop the message.
        wire.broken = true;
        wire.io.abort();
        return Err(SendError::Transient(t!(
            cat(),
            "mailbox-smtp-stopped",
            reason = why
        )));
    }
    wire.send(&[body.terminator()])
        .map_err(|e| in_doubt(&wire.peer, e))?;
    // Best effort: a failure to change the time-out shows up as a read error right after.
    let _ = wire
        .io
        .set_read_timeout(Some(DATA_END_TIMEOUT.max(timeout)));
    let reply = wire.read_reply().map_err(|e| in_doubt(&wire.peer, e))?;
    let _ = wire.io.set_read_timeout(Some(timeout));
    match reply.class() {
        2 => Ok(()),
        4 => Err(SendError::Transient(t!(
            cat(),
            "mailbox-smtp-message-later",
            peer = wire.peer.as_str(),
            reply = reply.to_string()
        ))),
        5 if reply.too_big() => Err(SendError::Permanent(t!(
            cat(),
            "mailbox-smtp-too-big",
            peer = wire.peer.as_str(),
            reply = reply.to_string()
        ))),
        5 => Err(SendError::Permanent(t!(
            cat(),
            "mailbox-smtp-message-refused",
            peer = wire.peer.as_str(),
            reply = reply.to_string()
        ))),
        _ => Err(wire.unexpected(&t!(cat(), "mailbox-smtp-end-of-message"), &reply)),
    }
}

/// After the final dot went out, a lost reply means the server may have taken the message.
fn in_doubt(peer: &str, e: SendError) -> SendError {
    SendError::Transient(t!(
        cat(),
        "mailbox-smtp-in-doubt",
        peer = peer,
        error = e.to_string()
    ))
}

/// A logged-in submission session; send any number of messages, then [`quit`](Self::quit).
pub struct Submission<T: Transport = Stream> {
    wire: Wire<T>,
    caps: Caps,
    timeout: Duration,
}

/// EHLO and STARTTLS for [`transport::secure`].
struct Greeter<T: Transport> {
    wire: Wire<T>,
    caps: Caps,
}

impl<T: Transport> Handshake for Greeter<T> {
    type Error = SendError;

    fn is_tls(&self) -> bool {
        self.wire.io.is_tls()
    }

    fn greet(&mut self) -> Result<bool, SendError> {
        let greeting = self.wire.read_reply()?;
        if greeting.code != 220 {
            return Err(SendError::Transient(t!(
                cat(),
                "mailbox-smtp-greeting-refused",
                peer = self.wire.peer.as_str(),
                greeting = greeting.to_string()
            )));
        }
        self.caps = ehlo(&mut self.wire)?;
        Ok(self.caps.starttls)
    }

    fn request_tls(&mut self) -> Result<(), SendError> {
        let reply = self.wire.command("STARTTLS")?;
        if reply.code != 220 {
            return Err(SendError::Transient(t!(
                cat(),
                "mailbox-smtp-starttls-refused",
                peer = self.wire.peer.as_str(),
                reply = reply.to_string()
            )));
        }
        Ok(())
    }

    fn buffered(&self) -> usize {
        self.wire.replies.buffered()
    }

    fn upgrade(
        self,
        endpoint: &Endpoint,
        tls: &Arc<rustls::ClientConfig>,
    ) -> Result<Self, SendError> {
        let io = self
            .wire
            .io
            .start_tls(endpoint, tls)
            .map_err(stream_error)?;
        Ok(Greeter {
            wire: Wire::new(io),
            caps: Caps::default(),
        })
    }

    fn greet_again(&mut self) -> Result<(), SendError> {
        self.caps = ehlo(&mut self.wire)?;
        Ok(())
    }

    fn refuse(&self, why: Refusal) -> SendError {
        match why {
            Refusal::NoStartTls => SendError::Transient(t!(
                cat(),
                "mailbox-no-starttls",
                peer = self.wire.peer.as_str()
            )),
            Refusal::Injection => SendError::Tls(t!(
                cat(),
                "mailbox-tls-injection",
                peer = self.wire.peer.as_str()
            )),
        }
    }
}

impl From<Error> for SendError {
    fn from(e: Error) -> SendError {
        stream_error(e)
    }
}

impl Submission<Stream> {
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
        Submission::login_over(stream, endpoint, tls, user, password, timeout)
    }
}

impl<T: Transport> Submission<T> {
    /// Greeting, EHLO, STARTTLS where needed, EHLO again over TLS, login.
    pub fn login_over(
        io: T,
        endpoint: &Endpoint,
        tls: &Arc<rustls::ClientConfig>,
        user: &str,
        password: &str,
        timeout: Duration,
    ) -> Result<Submission<T>, SendError> {
        let greeter = Greeter {
            wire: Wire::new(io),
            caps: Caps::default(),
        };
        let Greeter { mut wire, caps } = transport::secure(greeter, endpoint, tls)?;
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
            return Err(SendError::Transient(t!(
                cat(),
                "mailbox-smtp-connection-unusable",
                peer = self.wire.peer.as_str()
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

    use crate::transport::Script;

    /// Replies all queued up front (the client never pipelines, so order is all that matters).
    fn wire(replies: impl AsRef<[u8]>) -> Wire<Script> {
        Wire::new(Script::whole(replies.as_ref()))
    }

    fn sent(w: &Wire<Script>) -> String {
        w.io.sent_text()
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
        let tls = stream_error(Error::Tls(
            "TLS with submissions://x:465 failed: the server certificate is not issued by a CA \
             the tenant trusts"
                .into(),
        ));
        assert!(matches!(tls, SendError::Tls(_)));
        let refused = stream_error(Error::Network("x refused the connection".into()));
        assert!(matches!(refused, SendError::Transient(_)));
    }

    fn endpoint() -> Endpoint {
        Endpoint::parse("submission://mx.test", SCHEMES).unwrap()
    }

    fn tls() -> Arc<rustls::ClientConfig> {
        kapsel_core::net::tls::client_config(&kapsel_core::policy::Tls::default()).unwrap()
    }

    #[test]
    fn starttls_comes_before_the_password_and_ehlo_is_repeated() {
        let script = Script::new(&[
            b"220 mx.test ESMTP\r\n",
            b"250-mx.test\r\n250 STARTTLS\r\n",
            b"220 go ahead\r\n",
            b"250-mx.test\r\n250 AUTH PLAIN\r\n",
            b"235 ok\r\n",
        ]);
        let sent = script.sent.clone();
        let s = Submission::login_over(
            script,
            &endpoint(),
            &tls(),
            "alice",
            "secret",
            Duration::from_secs(5),
        )
        .unwrap();
        assert!(s.wire.io.tls);
        let sent = String::from_utf8_lossy(&sent.borrow()).into_owned();
        assert!(
            sent.find("STARTTLS").unwrap() < sent.find("AUTH PLAIN").unwrap(),
            "{sent}"
        );
        assert_eq!(sent.matches("EHLO").count(), 2, "{sent}");
    }

    #[test]
    fn a_server_without_starttls_never_sees_the_password() {
        let script = Script::new(&[
            b"220 mx.test ESMTP\r\n",
            b"250-mx.test\r\n250 AUTH PLAIN\r\n",
        ]);
        let sent = script.sent.clone();
        let e = Submission::login_over(
            script,
            &endpoint(),
            &tls(),
            "alice",
            "secret",
            Duration::from_secs(5),
        )
        .err()
        .unwrap();
        assert!(e.to_string().contains("does not offer STARTTLS"), "{e}");
        assert!(!String::from_utf8_lossy(&sent.borrow()).contains("AUTH"));
    }

    #[test]
    fn replies_injected_before_the_handshake_are_refused() {
        let script = Script::new(&[
            b"220 mx.test ESMTP\r\n",
            b"250-mx.test\r\n250 STARTTLS\r\n",
            b"220 go ahead\r\n250-forged\r\n250 AUTH PLAIN\r\n",
        ]);
        let e = Submission::login_over(
            script,
            &endpoint(),
            &tls(),
            "alice",
            "secret",
            Duration::from_secs(5),
        )
        .err()
        .unwrap();
        assert!(matches!(e, SendError::Tls(_)), "{e:?}");
    }
}
