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

pub fn save(name: &str, media_type: &str, data: &[u8]) -> Result<Document, String> {
    wit::save(name, media_type, data)
}

/// Ask the shell to show a saved document in the viewer app.
pub fn open(id: &str) -> Result<(), String> {
    wit::open(id)
}
