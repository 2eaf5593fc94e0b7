//! Kapsel's mail protocols as data (imap-next's sans-I/O idea): bytes in, typed responses
//! out; typed commands in, bytes out. Nothing here opens a socket, reads a stream or sleeps,
//! so every parser is tested with scripted transcripts and fuzzed without a server. The
//! clients in `kapsel-mail` own the I/O, TLS and the order of commands.
//!
//! Every size a server controls is bounded here, and every parser is total: hostile bytes
//! give a [`WireError`], never a panic (imap-proto's own panics are [`contain`]ed).

#![forbid(unsafe_code)]

pub mod contain;
pub mod imap;
pub mod sieve;
pub mod smtp;
pub mod utf7;

/// A server broke its protocol or a bound; the text says how (without the peer's name,
/// which the client adds).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WireError(pub String);

impl std::fmt::Display for WireError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for WireError {}

pub(crate) fn err<T>(what: impl Into<String>) -> Result<T, WireError> {
    Err(WireError(what.into()))
}
