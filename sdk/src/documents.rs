//! The document the user handed to this app, and new documents saved into the container.

use crate::bindings::kapsel::app::documents as wit;

pub use wit::Document;

/// The handed-over document, if any.
pub fn current() -> Option<Document> {
    wit::current()
}

/// The whole handed-over document (read in 1 MiB pieces), up to `limit` bytes.
pub fn read_all(limit: u64) -> Result<Vec<u8>, String> {
    let doc = current().ok_or("no document was handed to this app")?;
    if doc.size > limit {
        return Err(format!(
            "the document has {} bytes; this app reads at most {limit}",
            doc.size
        ));
    }
    let mut out = Vec::with_capacity(doc.size as usize);
    while (out.len() as u64) < doc.size {
        let part = wit::read(out.len() as u64, 1 << 20)?;
        if part.is_empty() {
            break;
        }
        out.extend_from_slice(&part);
    }
    Ok(out)
}

/// Part of the handed-over document: at most `length` bytes (the host allows 8 MiB a call)
/// from `offset`; empty at the end.
pub fn read(offset: u64, length: u32) -> Result<Vec<u8>, String> {
    wit::read(offset, length)
}

/// Save a new document (a new version of the handed-over one, if any) from bytes in memory.
/// For anything large, use [`Writer`].
pub fn save(name: &str, media_type: &str, data: &[u8]) -> Result<Document, String> {
    wit::save(name, media_type, data)
}

/// A new document written piece by piece, so a large download never sits in the app's
/// memory whole. It counts against the app's documents quota as it grows; dropped without
/// [`Writer::finish`], it is discarded.
///
/// ```ignore
/// let mut w = documents::Writer::create("report.pdf", "application/pdf")?;
/// for piece in pieces { w.append(&piece)?; }
/// let saved = w.finish()?;
/// ```
pub struct Writer(wit::Writer);

impl Writer {
    pub fn create(name: &str, media_type: &str) -> Result<Writer, String> {
        wit::Writer::create(name, media_type).map(Writer)
    }

    /// Add bytes at the end (at most 8 MiB at once); returns the size written so far.
    pub fn append(&mut self, data: &[u8]) -> Result<u64, String> {
        self.0.append(data)
    }

    pub fn finish(self) -> Result<Document, String> {
        self.0.finish()
    }
}

/// Ask the shell to show a saved document in the viewer app.
pub fn open(id: &str) -> Result<(), String> {
    wit::open(id)
}
