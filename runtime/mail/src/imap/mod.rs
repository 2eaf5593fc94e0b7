//! A synchronous IMAP4rev1 client with the extensions Kapsel's sync needs: STARTTLS,
//! AUTHENTICATE PLAIN, CONDSTORE/QRESYNC, IDLE, MOVE, UIDPLUS, NAMESPACE and ACL.
//!
//! The protocol as data (framing, commands, responses) lives in `kapsel-mail-wire`; this
//! module owns the connection: it reads into the framer, sends commands and hands untagged
//! responses to the caller. `mailbox.rs` holds the operations sync uses, `idle.rs` the wait
//! for news. Written against [`Transport`], so the tests script a server without sockets.

mod idle;
mod mailbox;

use std::collections::BTreeSet;
use std::sync::Arc;
use std::time::Duration;

use base64::Engine as _;

pub use kapsel_mail_wire::imap::{
    Done, Fetched, ListedMailbox, Namespaces, Outcome, Selected, Untagged, quote, uid_set,
};
use kapsel_mail_wire::imap::{Framer, Tags, capabilities, is_tagged, parse_response, parse_tagged};

use crate::cat;
use crate::transport::{self, Handshake, Refusal, Transport};
use kapsel_core::error::{Error, Result};
use kapsel_core::net::stream::{Endpoint, Security, Stream};
use kapsel_i18n::t;

pub const SCHEMES: &[(&str, u16, Security)] = &[
    ("imaps", 993, Security::Implicit),
    ("imap", 143, Security::StartTls),
];

/// How much one read from the transport may bring.
const READ_CHUNK: usize = 256 * 1024;

pub struct Imap<T: Transport = Stream> {
    io: T,
    framer: Framer,
    tags: Tags,
    caps: BTreeSet<String>,
    qresync: bool,
    peer: String,
}

fn wire_error(peer: &str, e: kapsel_mail_wire::WireError) -> Error {
    Error::Network(t!(
        cat(),
        "mailbox-imap-bad-data",
        peer = peer,
        error = e.to_string()
    ))
}

/// `Ok` for OK; otherwise the server's words after `what`.
pub(crate) trait DoneExt {
    fn ok_or(self, what: &str) -> Result<Done>;
}

impl DoneExt for Done {
    fn ok_or(self, what: &str) -> Result<Done> {
        self.into_result(what).map_err(|e| Error::Network(e.0))
    }
}

impl Imap<Stream> {
    /// Connect, upgrade to TLS (refusing a server without it) and log in.
    pub fn connect(
        endpoint: &Endpoint,
        tls: &Arc<rustls::ClientConfig>,
        user: &str,
        password: &str,
        timeout: Duration,
    ) -> Result<Imap> {
        let stream = Stream::connect(endpoint, tls, timeout)?;
        Imap::login_over(stream, endpoint, tls, user, password)
    }
}

impl<T: Transport> Imap<T> {
    /// A session over an open transport, before the greeting.
    pub fn over(io: T) -> Imap<T> {
        Imap {
            peer: io.peer().to_string(),
            io,
            framer: Framer::new(),
            tags: Tags::default(),
            caps: BTreeSet::new(),
            qresync: false,
        }
    }

    /// Greeting, STARTTLS where needed, login, and QRESYNC where offered.
    pub fn login_over(
        io: T,
        endpoint: &Endpoint,
        tls: &Arc<rustls::ClientConfig>,
        user: &str,
        password: &str,
    ) -> Result<Imap<T>> {
        let mut imap = transport::secure(Imap::over(io), endpoint, tls)?;
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
            return Err(Error::Network(t!(
                cat(),
                "mailbox-imap-no-login-method",
                peer = self.peer.as_str()
            )));
        }
        let mut token = zeroize::Zeroizing::new(Vec::new());
        token.push(0);
        token.extend_from_slice(user.as_bytes());
        token.push(0);
        token.extend_from_slice(password.as_bytes());
        let b64 =
            zeroize::Zeroizing::new(base64::engine::general_purpose::STANDARD.encode(&*token));
        let tag = self.send_command("AUTHENTICATE PLAIN")?;
        let mut answered = false;
        loop {
            let frame = self.read_frame()?;
            if frame.starts_with(b"+") && !answered {
                let mut line = zeroize::Zeroizing::new(b64.as_bytes().to_vec());
                line.extend_from_slice(b"\r\n");
                self.write_raw(&line)?;
                answered = true;
                continue;
            }
            if frame.starts_with(b"+") {
                // PLAIN has one step; a second challenge is cancelled (RFC 3501 6.2.2).
                self.write_raw(b"*\r\n")?;
                continue;
            }
            if is_tagged(&frame, &tag) {
                let done = parse_tagged(&frame);
                if done.outcome != Outcome::Ok {
                    return Err(Error::Network(t!(
                        cat(),
                        "mailbox-imap-login-refused",
                        user = user,
                        reason = done.text
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
        if let Some(caps) = capabilities(frame) {
            self.caps = caps;
        }
    }

    fn write_raw(&mut self, bytes: &[u8]) -> Result<()> {
        transport::write_all(&mut self.io, bytes)
    }

    fn send_command(&mut self, command: &str) -> Result<String> {
        let tag = self.tags.next_tag();
        self.write_raw(format!("{tag} {command}\r\n").as_bytes())?;
        Ok(tag)
    }

    /// Read once from the transport into the framer; end of stream is an error.
    fn fill(&mut self) -> Result<()> {
        let buf = self.framer.read_buf(READ_CHUNK);
        let n = match transport::read_some(&mut self.io, buf) {
            Ok(n) => n,
            Err(e) => {
                self.framer.filled(READ_CHUNK, 0);
                return Err(e);
            }
        };
        self.framer.filled(READ_CHUNK, n);
        if n == 0 {
            return Err(Error::Network(t!(
                cat(),
                "mailbox-connection-closed",
                peer = self.peer.as_str()
            )));
        }
        Ok(())
    }

    /// Next complete response (line plus announced literals), CRLF included.
    fn read_frame(&mut self) -> Result<Vec<u8>> {
        loop {
            match self.framer.next_frame() {
                Ok(Some(frame)) => return Ok(frame),
                Ok(None) => self.fill()?,
                Err(e) => return Err(wire_error(&self.peer, e)),
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
            if is_tagged(&frame, tag) {
                return match first_error {
                    Some(e) => Err(e),
                    None => Ok(parse_tagged(&frame)),
                };
            }
            if frame.starts_with(b"* BYE") {
                return Err(Error::Network(t!(
                    cat(),
                    "mailbox-imap-bye",
                    peer = self.peer.as_str(),
                    reason = String::from_utf8_lossy(&frame[5..]).trim()
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
        let tag = self.tags.next_tag();
        let marker = if plus { "+" } else { "" };
        let line = format!("{tag} {head} {{{}{marker}}}\r\n", literal.len());
        if plus {
            transport::write_parts(&mut self.io, &[line.as_bytes(), literal, b"\r\n"])?;
        } else {
            self.write_raw(line.as_bytes())?;
            let frame = self.read_frame()?;
            if !frame.starts_with(b"+") {
                return Ok(parse_tagged(&frame));
            }
            transport::write_parts(&mut self.io, &[literal, b"\r\n"])?;
        }
        self.complete(&tag, &mut |_| Ok(()))
    }

    pub fn logout(mut self) {
        let _ = self.run("LOGOUT", &mut |_| Ok(()));
    }
}

impl<T: Transport> Handshake for Imap<T> {
    type Error = Error;

    fn is_tls(&self) -> bool {
        self.io.is_tls()
    }

    fn greet(&mut self) -> Result<bool> {
        let greeting = self.read_frame()?;
        if !greeting.starts_with(b"* OK") && !greeting.starts_with(b"* PREAUTH") {
            return Err(Error::Network(t!(
                cat(),
                "mailbox-imap-bad-greeting",
                peer = self.peer.as_str(),
                greeting = String::from_utf8_lossy(&greeting).trim_end()
            )));
        }
        self.capability()?;
        Ok(self.has("STARTTLS"))
    }

    fn request_tls(&mut self) -> Result<()> {
        self.run("STARTTLS", &mut |_| Ok(()))?.ok_or("STARTTLS")?;
        Ok(())
    }

    fn buffered(&self) -> usize {
        self.framer.buffered()
    }

    fn upgrade(self, endpoint: &Endpoint, tls: &Arc<rustls::ClientConfig>) -> Result<Self> {
        let tags = self.tags;
        let mut upgraded = Imap::over(self.io.start_tls(endpoint, tls)?);
        upgraded.tags = tags;
        Ok(upgraded)
    }

    fn greet_again(&mut self) -> Result<()> {
        self.capability()
    }

    fn refuse(&self, why: Refusal) -> Error {
        match why {
            Refusal::NoStartTls => {
                Error::Network(t!(cat(), "mailbox-no-starttls", peer = self.peer.as_str()))
            }
            Refusal::Injection => Error::Tls(t!(
                cat(),
                "mailbox-tls-injection",
                peer = self.peer.as_str()
            )),
        }
    }
}

#[cfg(test)]
mod tests;
