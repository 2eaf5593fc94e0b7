//! The seam between the protocol clients and the network. IMAP, SMTP submission and
//! ManageSieve are written against [`Transport`] (bytes, TLS upgrade, time-outs), so their
//! unit tests run on a scripted server ([`Script`]) without sockets; in production it is
//! `net::stream::Stream`. [`secure`] is the one STARTTLS dialogue of all three protocols: the
//! order that keeps a password off a plain connection and refuses bytes injected before the
//! handshake.

use std::io::{Read, Write};
use std::sync::Arc;
use std::time::Duration;

use kapsel_core::error::Result;
use kapsel_core::net::stream::{Endpoint, Stream, describe};

/// A connection as the protocol clients need it.
pub trait Transport: Read + Write + Sized {
    /// `scheme://host:port`, for messages.
    fn peer(&self) -> &str;
    fn is_tls(&self) -> bool;
    /// Upgrade after the protocol's STARTTLS was accepted.
    fn start_tls(self, endpoint: &Endpoint, tls: &Arc<rustls::ClientConfig>) -> Result<Self>;
    fn set_read_timeout(&mut self, timeout: Option<Duration>) -> Result<()>;
    /// Drop the connection at once (SMTP: the server then discards an unfinished DATA).
    fn abort(&mut self);
}

impl Transport for Stream {
    fn peer(&self) -> &str {
        Stream::peer(self)
    }

    fn is_tls(&self) -> bool {
        Stream::is_tls(self)
    }

    fn start_tls(self, endpoint: &Endpoint, tls: &Arc<rustls::ClientConfig>) -> Result<Self> {
        Stream::start_tls(self, endpoint, tls)
    }

    fn set_read_timeout(&mut self, timeout: Option<Duration>) -> Result<()> {
        Stream::set_read_timeout(self, timeout)
    }

    fn abort(&mut self) {
        if let Ok(socket) = self.shutdown_handle() {
            let _ = socket.shutdown(std::net::Shutdown::Both);
        }
    }
}

/// Read into `buf` from the transport, mapping errors to words; `Ok(0)` is end of stream.
pub fn read_some<T: Transport>(io: &mut T, buf: &mut [u8]) -> Result<usize> {
    loop {
        match io.read(buf) {
            Ok(n) => return Ok(n),
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(describe(&e, io.peer())),
        }
    }
}

/// Write everything and flush, mapping errors to words.
pub fn write_all<T: Transport>(io: &mut T, bytes: &[u8]) -> Result<()> {
    let peer = io.peer().to_string();
    io.write_all(bytes)
        .and_then(|()| io.flush())
        .map_err(|e| describe(&e, &peer))
}

/// Write several pieces as one command (one flush at the end).
pub fn write_parts<T: Transport>(io: &mut T, parts: &[&[u8]]) -> Result<()> {
    let peer = io.peer().to_string();
    parts
        .iter()
        .try_for_each(|p| io.write_all(p))
        .and_then(|()| io.flush())
        .map_err(|e| describe(&e, &peer))
}

/// Why [`secure`] refused to go on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// A plain connection whose server does not offer STARTTLS: the password never goes out.
    NoStartTls,
    /// Bytes arrived after the go-ahead for TLS and before the handshake: unprotected, they
    /// would be read as if they came over TLS (the CVE-2011-0411 family).
    Injection,
}

/// The steps of a line protocol around TLS; [`secure`] runs them in the one safe order.
pub trait Handshake: Sized {
    type Error: From<kapsel_core::Error>;
    fn is_tls(&self) -> bool;
    /// Read the greeting and what the server offers; `true` if it offers STARTTLS.
    fn greet(&mut self) -> std::result::Result<bool, Self::Error>;
    /// Ask for TLS; `Ok` once the server said go ahead.
    fn request_tls(&mut self) -> std::result::Result<(), Self::Error>;
    /// Bytes received and not yet read.
    fn buffered(&self) -> usize;
    /// The same session over TLS, with everything learnt before it forgotten.
    fn upgrade(
        self,
        endpoint: &Endpoint,
        tls: &Arc<rustls::ClientConfig>,
    ) -> std::result::Result<Self, Self::Error>;
    /// Learn the server's offer again, now that it cannot be forged (RFC 3207, RFC 5804).
    fn greet_again(&mut self) -> std::result::Result<(), Self::Error>;
    fn refuse(&self, why: Refusal) -> Self::Error;
}

/// Greeting, then STARTTLS where the connection is still plain: the session comes back
/// over TLS (implicit or upgraded) with the server's offer read over TLS.
pub fn secure<H: Handshake>(
    mut session: H,
    endpoint: &Endpoint,
    tls: &Arc<rustls::ClientConfig>,
) -> std::result::Result<H, H::Error> {
    let offers_starttls = session.greet()?;
    if session.is_tls() {
        return Ok(session);
    }
    if !offers_starttls {
        return Err(session.refuse(Refusal::NoStartTls));
    }
    session.request_tls()?;
    if session.buffered() > 0 {
        return Err(session.refuse(Refusal::Injection));
    }
    let mut session = session.upgrade(endpoint, tls)?;
    session.greet_again()?;
    Ok(session)
}

#[cfg(test)]
pub use script::Script;

#[cfg(test)]
mod script {
    use super::*;

    /// A scripted server for unit tests: segment 0 is there from the start (the greeting),
    /// segment i+1 becomes readable after the client's i+1-th write (the answer to a
    /// command). Reads return at most `chunk` bytes, so frame boundaries fall mid-read.
    /// What the client writes is kept; `start_tls` marks the stream as TLS without a
    /// handshake (the dialogue around it is what these tests check).
    pub struct Script {
        segments: Vec<Vec<u8>>,
        /// Segments released so far, and the read position in the released bytes.
        released: usize,
        pending: Vec<u8>,
        chunk: usize,
        /// Shared, so a test can look at what went out while the client holds the script.
        pub sent: std::rc::Rc<std::cell::RefCell<Vec<u8>>>,
        pub writes: usize,
        pub tls: bool,
        pub aborted: bool,
        /// The server speaks first once TLS is on (ManageSieve repeats its capabilities):
        /// the handshake releases the next segment.
        speaks_after_tls: bool,
    }

    impl Script {
        pub fn new(segments: &[&[u8]]) -> Script {
            let mut s = Script {
                segments: segments.iter().map(|s| s.to_vec()).collect(),
                released: 0,
                pending: Vec::new(),
                chunk: 3,
                sent: Default::default(),
                writes: 0,
                tls: false,
                aborted: false,
                speaks_after_tls: false,
            };
            s.release();
            s
        }

        /// Everything at once (a server that pipelines or injects).
        pub fn whole(bytes: &[u8]) -> Script {
            let mut s = Script::new(&[bytes]);
            s.chunk = usize::MAX;
            s
        }

        pub fn speaks_after_tls(mut self) -> Script {
            self.speaks_after_tls = true;
            self
        }

        pub fn over_tls(mut self) -> Script {
            self.tls = true;
            self
        }

        fn release(&mut self) {
            if let Some(seg) = self.segments.get(self.released) {
                self.pending.extend_from_slice(seg);
                self.released += 1;
            }
        }

        pub fn sent_text(&self) -> String {
            String::from_utf8_lossy(&self.sent.borrow()).into_owned()
        }
    }

    impl Read for Script {
        fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
            if self.aborted {
                return Err(std::io::ErrorKind::ConnectionAborted.into());
            }
            let n = self.pending.len().min(buf.len()).min(self.chunk);
            buf[..n].copy_from_slice(&self.pending[..n]);
            self.pending.drain(..n);
            Ok(n)
        }
    }

    impl Write for Script {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            if self.aborted {
                return Err(std::io::ErrorKind::ConnectionAborted.into());
            }
            self.sent.borrow_mut().extend_from_slice(buf);
            Ok(buf.len())
        }

        fn flush(&mut self) -> std::io::Result<()> {
            // A command is complete when the client flushes: the next answer is released.
            self.writes += 1;
            self.release();
            Ok(())
        }
    }

    impl Transport for Script {
        fn peer(&self) -> &str {
            "script://server.test:1"
        }

        fn is_tls(&self) -> bool {
            self.tls
        }

        fn start_tls(mut self, _: &Endpoint, _: &Arc<rustls::ClientConfig>) -> Result<Self> {
            self.tls = true;
            if self.speaks_after_tls {
                self.release();
            }
            Ok(self)
        }

        fn set_read_timeout(&mut self, _: Option<Duration>) -> Result<()> {
            Ok(())
        }

        fn abort(&mut self) {
            self.aborted = true;
        }
    }
}
