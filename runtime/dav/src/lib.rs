//! WebDAV (RFC 4918), CalDAV (RFC 4791), CardDAV (RFC 6352) and collection sync (RFC 6578) as
//! data, in the manner of kapsel-mail-wire: the XML bodies the calendar and contacts modules
//! send, and the multistatus answers they get back, parsed into types. No I/O here, so every
//! server difference is a transcript test.
//!
//! Everything a server sends is hostile: the XML parser takes no DTD and a bounded number of
//! nodes, texts are bounded, and a malformed answer is an error that says what is wrong, never
//! a panic.

#![forbid(unsafe_code)]

pub mod multistatus;
pub mod request;

pub use multistatus::{Collection, Kind, Multistatus, Response, parse};

/// The namespaces of the properties Kapsel reads and writes.
pub mod ns {
    pub const DAV: &str = "DAV:";
    pub const CALDAV: &str = "urn:ietf:params:xml:ns:caldav";
    pub const CARDDAV: &str = "urn:ietf:params:xml:ns:carddav";
    /// `getctag` (a collection's change tag, older than sync-collection).
    pub const CALSERVER: &str = "http://calendarserver.org/ns/";
}

/// A parse failure: what was wrong with the server's answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Error(pub String);

impl std::fmt::Display for Error {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Error {}
