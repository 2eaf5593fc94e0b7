//! The handed-over document as a random-access source, read from the host in pieces: the
//! viewer never holds more of a document than the format needs, so a file of any size can be
//! opened (a text shows its beginning, a ZIP is read by its directory and the parts it needs).

use kapsel_sdk::bindings::kapsel::app::documents as wit;

/// Largest piece asked of the host in one call (the host allows 8 MiB).
const PIECE: usize = 1 << 20;

pub struct Source {
    size: u64,
}

impl Source {
    pub fn new(size: u64) -> Source {
        Source { size }
    }

    pub fn len(&self) -> u64 {
        self.size
    }

    /// `len` bytes from `offset`, fewer only at the end of the document.
    pub fn read_at(&self, offset: u64, len: usize) -> Result<Vec<u8>, String> {
        let end = offset.saturating_add(len as u64).min(self.size);
        let want = end.saturating_sub(offset) as usize;
        let mut out = Vec::with_capacity(want);
        while out.len() < want {
            let at = offset + out.len() as u64;
            let piece = (want - out.len()).min(PIECE) as u32;
            let part =
                wit::read(at, piece).map_err(|e| crate::text::cannot_read(&e.to_string()))?;
            if part.is_empty() {
                // The host ends early only when the stored document is shorter than recorded.
                return Err(crate::text::shorter_than_recorded());
            }
            out.extend_from_slice(&part);
        }
        out.truncate(want);
        Ok(out)
    }

    /// The first `len` bytes (the whole document when it is shorter).
    pub fn prefix(&self, len: usize) -> Result<Vec<u8>, String> {
        self.read_at(0, len)
    }
}
