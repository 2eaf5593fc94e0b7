//! Sealed blobs: large values (attachments, app files, documents) stored as files under
//! `blobs/`, sealed in 64 KiB chunks so they stream in constant memory.
//!
//! File layout: `KBLB` · version(1) · chunk size(u32 BE), then per chunk `len(u32 BE)` and a
//! sealed chunk. Each chunk's AAD carries the blob id, its index and whether it is the last
//! one, so reordering, swapping between blobs, truncation at any point and appended data are
//! all detected. A blob is written to `<id>.tmp`, synced, renamed, and only then recorded in
//! the database: a crash leaves either no blob or a whole one (orphans are swept at unlock).

use std::io::{Read, Write};

use kapsel_i18n::t;
use rusqlite::{OptionalExtension, params};

use super::{BLOB_DIR, Vault, crypto};
use crate::error::{Error, Result};

pub const CHUNK_SIZE: usize = 64 * 1024;
const MAGIC: &[u8; 4] = b"KBLB";
const VERSION: u8 = 1;
const HEADER_LEN: usize = 9;

#[derive(Debug, Clone, serde::Serialize)]
pub struct BlobInfo {
    pub id: String,
    pub ns: String,
    pub size: u64,
    pub chunks: u64,
    pub created_ms: u64,
}

fn chunk_aad(id: &str, index: u64, last: bool) -> Vec<u8> {
    let mut aad = b"kapsel-blob/v1".to_vec();
    aad.extend_from_slice(&(id.len() as u32).to_be_bytes());
    aad.extend_from_slice(id.as_bytes());
    aad.extend_from_slice(&index.to_be_bytes());
    aad.push(last as u8);
    aad
}

fn valid_id(id: &str) -> bool {
    id.len() == 32
        && id
            .bytes()
            .all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase())
}

fn sync_dir(vault: &Vault) -> Result<()> {
    use rustix::fs::{Mode, OFlags};
    // cap-std opens directories O_PATH, which cannot be synced; open it read-only beneath
    // the container's handle instead.
    let fd = rustix::fs::openat(
        vault.dir(),
        BLOB_DIR,
        OFlags::RDONLY | OFlags::DIRECTORY | OFlags::NOFOLLOW | OFlags::CLOEXEC,
        Mode::empty(),
    )
    .map_err(|e| Error::io(cannot_open_blobs())(e.into()))?;
    rustix::fs::fsync(&fd).map_err(|e| {
        Error::io(t!(
            kapsel_i18n::current(),
            "core-io-cannot-sync",
            path = format!("{BLOB_DIR}/")
        ))(e.into())
    })
}

fn bad_id(id: &str) -> Error {
    Error::invalid(t!(
        kapsel_i18n::current(),
        "core-blob-bad-id",
        id = format!("{id:?}")
    ))
}

fn cannot_open_blobs() -> String {
    t!(
        kapsel_i18n::current(),
        "core-io-cannot-open",
        path = format!("{BLOB_DIR}/")
    )
}

/// Streams plaintext in, writes sealed chunks out. Call `finish` to commit; dropping it
/// unfinished removes the partial file.
pub struct BlobWriter<'v> {
    vault: &'v Vault,
    ns: String,
    id: String,
    file: Option<cap_std::fs::File>,
    buf: Vec<u8>,
    index: u64,
    size: u64,
}

impl<'v> BlobWriter<'v> {
    pub(super) fn new(vault: &'v Vault, ns: &str) -> Result<Self> {
        vault.keys()?;
        let id = hex::encode(crypto::random_bytes::<16>());
        let blobs = vault
            .dir()
            .open_dir(BLOB_DIR)
            .map_err(Error::io(cannot_open_blobs()))?;
        let mut opts = cap_std::fs::OpenOptions::new();
        cap_std::fs::OpenOptionsExt::mode(opts.write(true).create_new(true), 0o600);
        let mut file = blobs
            .open_with(format!("{id}.tmp"), &opts)
            .map_err(Error::io(t!(kapsel_i18n::current(), "core-blob-create")))?;
        let mut header = Vec::with_capacity(HEADER_LEN);
        header.extend_from_slice(MAGIC);
        header.push(VERSION);
        header.extend_from_slice(&(CHUNK_SIZE as u32).to_be_bytes());
        file.write_all(&header)
            .map_err(Error::io(t!(kapsel_i18n::current(), "core-blob-write")))?;
        Ok(BlobWriter {
            vault,
            ns: ns.to_string(),
            id,
            file: Some(file),
            buf: Vec::with_capacity(CHUNK_SIZE),
            index: 0,
            size: 0,
        })
    }

    pub fn id(&self) -> &str {
        &self.id
    }

    fn emit(&mut self, last: bool) -> Result<()> {
        let keys = self.vault.keys()?;
        let sealed = keys.seal_raw(&chunk_aad(&self.id, self.index, last), &self.buf);
        let file = self.file.as_mut().ok_or_else(|| {
            Error::invalid(t!(kapsel_i18n::current(), "core-blob-writer-finished"))
        })?;
        file.write_all(&(sealed.len() as u32).to_be_bytes())
            .and_then(|_| file.write_all(&sealed))
            .map_err(Error::io(t!(kapsel_i18n::current(), "core-blob-write")))?;
        zeroize::Zeroize::zeroize(&mut self.buf);
        self.buf.clear();
        self.index += 1;
        Ok(())
    }

    pub fn write_bytes(&mut self, mut data: &[u8]) -> Result<()> {
        while !data.is_empty() {
            let room = CHUNK_SIZE - self.buf.len();
            let take = room.min(data.len());
            self.buf.extend_from_slice(&data[..take]);
            data = &data[take..];
            self.size += take as u64;
            // A full chunk is only emitted once more data arrives: the last chunk must be
            // known to be the last when it is sealed.
            if self.buf.len() == CHUNK_SIZE && !data.is_empty() {
                self.emit(false)?;
            }
        }
        Ok(())
    }

    /// Seal the last chunk, make the file durable, then record it. Returns the blob id.
    pub fn finish(mut self) -> Result<String> {
        self.emit(true)?;
        let file = self.file.take().ok_or_else(|| {
            Error::invalid(t!(kapsel_i18n::current(), "core-blob-writer-finished"))
        })?;
        file.sync_all()
            .map_err(Error::io(t!(kapsel_i18n::current(), "core-blob-sync")))?;
        drop(file);
        let blobs = self
            .vault
            .dir()
            .open_dir(BLOB_DIR)
            .map_err(Error::io(cannot_open_blobs()))?;
        blobs
            .rename(format!("{}.tmp", self.id), &blobs, &self.id)
            .map_err(Error::io(t!(kapsel_i18n::current(), "core-blob-commit")))?;
        sync_dir(self.vault)?;
        let (size, chunks) = (self.size as i64, self.index as i64);
        let e = self.vault.element(
            "blobs",
            super::state::RowKey::Text(&self.id, b""),
            &[
                self.ns.as_bytes(),
                size.to_string().as_bytes(),
                chunks.to_string().as_bytes(),
            ],
        )?;
        self.vault.write_tx(|| {
            self.vault.conn().execute(
                "INSERT INTO blobs(id, ns, size, chunks, created) VALUES (?1, ?2, ?3, ?4, ?5)",
                params![self.id, self.ns, size, chunks, super::now_ms() as i64],
            )?;
            self.vault
                .track("blobs", super::state::RowKey::Text(&self.id, b""), Some(e))
        })?;
        Ok(std::mem::take(&mut self.id))
    }
}

impl Write for BlobWriter<'_> {
    fn write(&mut self, data: &[u8]) -> std::io::Result<usize> {
        self.write_bytes(data)
            .map_err(|e| std::io::Error::other(e.to_string()))?;
        Ok(data.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl Drop for BlobWriter<'_> {
    fn drop(&mut self) {
        zeroize::Zeroize::zeroize(&mut self.buf);
        if self.file.take().is_some()
            && let Ok(blobs) = self.vault.dir().open_dir(BLOB_DIR)
        {
            let _ = blobs.remove_file(format!("{}.tmp", self.id));
        }
    }
}

/// Streams a blob back, verifying every chunk before any of its bytes are returned.
pub struct BlobReader<'v> {
    vault: &'v Vault,
    id: String,
    file: cap_std::fs::File,
    file_len: u64,
    remaining: u64,
    index: u64,
    expected_chunks: u64,
    expected_size: u64,
    produced: u64,
    /// The current sealed chunk, decrypted in place; `pos..end` is what is left to hand out.
    buf: Vec<u8>,
    pos: usize,
    end: usize,
    done: bool,
}

impl<'v> BlobReader<'v> {
    pub(super) fn open(vault: &'v Vault, id: &str) -> Result<Self> {
        vault.keys()?;
        let cat = kapsel_i18n::current();
        if !valid_id(id) {
            return Err(bad_id(id));
        }
        let info = info(vault, id)?
            .ok_or_else(|| Error::NotFound(t!(cat, "core-blob-not-found", id = id)))?;
        let blobs = vault
            .dir()
            .open_dir(BLOB_DIR)
            .map_err(Error::io(cannot_open_blobs()))?;
        let mut file = blobs.open(id).map_err(|e| match e.kind() {
            std::io::ErrorKind::NotFound => {
                Error::Tampered(t!(cat, "core-blob-file-gone", id = id))
            }
            _ => Error::io(t!(cat, "core-blob-open"))(e),
        })?;
        let len = file
            .metadata()
            .map_err(Error::io(t!(cat, "core-blob-stat")))?
            .len();
        // Let the kernel read ahead while chunks are being decrypted: reading and AES-GCM
        // then overlap instead of taking turns. Advice only; failure changes nothing.
        let _ = rustix::fs::fadvise(&file, 0, None, rustix::fs::Advice::Sequential);
        let _ = rustix::fs::fadvise(&file, 0, None, rustix::fs::Advice::WillNeed);
        let mut header = [0u8; HEADER_LEN];
        file.read_exact(&mut header)
            .map_err(|_| Error::Tampered(t!(cat, "core-blob-no-header", id = id)))?;
        if &header[..4] != MAGIC || header[4] != VERSION {
            return Err(Error::Tampered(t!(
                cat,
                "core-blob-unknown-header",
                id = id
            )));
        }
        Ok(BlobReader {
            vault,
            id: id.to_string(),
            file,
            file_len: len,
            remaining: len.saturating_sub(HEADER_LEN as u64),
            index: 0,
            expected_chunks: info.chunks,
            expected_size: info.size,
            produced: 0,
            buf: Vec::with_capacity(CHUNK_SIZE + crypto::SEAL_OVERHEAD),
            pos: 0,
            end: 0,
            done: false,
        })
    }

    /// A damaged-blob error; `message` names the blob itself (the catalogue's
    /// `core-blob-*` texts take `id` and, where there is one, `chunk`).
    fn tampered(&self, message: String) -> Error {
        Error::Tampered(message)
    }

    fn next_chunk(&mut self) -> Result<()> {
        let cat = kapsel_i18n::current();
        let id = self.id.as_str();
        if self.remaining == 0 {
            return Err(self.tampered(t!(cat, "core-blob-last-chunk-missing", id = id)));
        }
        let mut len = [0u8; 4];
        self.file
            .read_exact(&mut len)
            .map_err(|_| self.tampered(t!(cat, "core-blob-chunk-header-truncated", id = id)))?;
        let len = u32::from_be_bytes(len) as u64;
        if len > (CHUNK_SIZE + crypto::SEAL_OVERHEAD) as u64 || len + 4 > self.remaining {
            return Err(self.tampered(t!(
                cat,
                "core-blob-chunk-damaged-at",
                id = id,
                chunk = self.index.to_string()
            )));
        }
        // Reuse one buffer and decrypt in place: no allocation or extra copy per chunk.
        zeroize::Zeroize::zeroize(&mut self.buf);
        self.buf.resize(len as usize, 0);
        let mut buf = std::mem::take(&mut self.buf);
        let read = self.file.read_exact(&mut buf);
        self.buf = buf;
        read.map_err(|_| self.tampered(t!(cat, "core-blob-chunk-truncated", id = id)))?;
        self.remaining -= 4 + len;
        let last = self.remaining == 0;
        let keys = self.vault.keys()?;
        let plain = keys
            .open_in_place(&chunk_aad(&self.id, self.index, last), &mut self.buf)
            .ok_or_else(|| {
                let chunk = self.index.to_string();
                if last {
                    self.tampered(t!(
                        cat,
                        "core-blob-last-chunk-unauthentic",
                        id = id,
                        chunk = chunk
                    ))
                } else {
                    self.tampered(t!(
                        cat,
                        "core-blob-chunk-unauthentic",
                        id = id,
                        chunk = chunk
                    ))
                }
            })?;
        // Every chunk but the last is full (the writer emits them so): that is what lets
        // `seek_to` find a chunk by arithmetic.
        if !last && plain.len() != CHUNK_SIZE {
            return Err(self.tampered(t!(
                cat,
                "core-blob-chunk-short",
                id = id,
                chunk = self.index.to_string()
            )));
        }
        self.index += 1;
        self.produced += plain.len() as u64;
        if last && (self.index != self.expected_chunks || self.produced != self.expected_size) {
            return Err(self.tampered(t!(cat, "core-blob-size-mismatch", id = id)));
        }
        self.pos = plain.start;
        self.end = plain.end;
        self.done = last;
        Ok(())
    }

    /// Continue reading at plaintext `offset`: jumps to the chunk holding it (the chunks
    /// before it are neither read nor decrypted), so reading a range costs its length, not
    /// its offset. Every chunk handed out is still authenticated with its index.
    pub fn seek_to(&mut self, offset: u64) -> Result<()> {
        if offset >= self.expected_size {
            zeroize::Zeroize::zeroize(&mut self.buf);
            self.pos = 0;
            self.end = 0;
            self.done = true;
            return Ok(());
        }
        let chunk = offset / CHUNK_SIZE as u64;
        let stride = (4 + CHUNK_SIZE + crypto::SEAL_OVERHEAD) as u64;
        let at = chunk
            .checked_mul(stride)
            .and_then(|b| b.checked_add(HEADER_LEN as u64))
            .filter(|at| *at < self.file_len)
            .ok_or_else(|| {
                self.tampered(t!(
                    kapsel_i18n::current(),
                    "core-blob-shorter",
                    id = self.id.as_str()
                ))
            })?;
        std::io::Seek::seek(&mut self.file, std::io::SeekFrom::Start(at))
            .map_err(Error::io(t!(kapsel_i18n::current(), "core-blob-read")))?;
        self.remaining = self.file_len - at;
        self.index = chunk;
        self.produced = chunk * CHUNK_SIZE as u64;
        self.done = false;
        self.next_chunk()?;
        let skip = (offset - chunk * CHUNK_SIZE as u64) as usize;
        if skip > self.end - self.pos {
            return Err(self.tampered(t!(
                kapsel_i18n::current(),
                "core-blob-size-mismatch",
                id = self.id.as_str()
            )));
        }
        self.pos += skip;
        Ok(())
    }

    /// Read the whole blob (for small ones); large ones should be streamed with `Read`.
    pub fn read_all(mut self) -> Result<zeroize::Zeroizing<Vec<u8>>> {
        let mut out =
            zeroize::Zeroizing::new(Vec::with_capacity(self.expected_size.min(1 << 30) as usize));
        loop {
            if self.pos < self.end {
                out.extend_from_slice(&self.buf[self.pos..self.end]);
                self.pos = self.end;
            }
            if self.done {
                return Ok(out);
            }
            self.next_chunk()?;
        }
    }
}

impl Read for BlobReader<'_> {
    fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
        while self.pos == self.end {
            if self.done {
                return Ok(0);
            }
            self.next_chunk()
                .map_err(|e| std::io::Error::new(std::io::ErrorKind::InvalidData, e.to_string()))?;
        }
        let n = out.len().min(self.end - self.pos);
        out[..n].copy_from_slice(&self.buf[self.pos..self.pos + n]);
        self.pos += n;
        Ok(n)
    }
}

impl Drop for BlobReader<'_> {
    fn drop(&mut self) {
        zeroize::Zeroize::zeroize(&mut self.buf);
    }
}

pub(super) fn info(vault: &Vault, id: &str) -> Result<Option<BlobInfo>> {
    Ok(vault
        .conn()
        .query_row(
            "SELECT id, ns, size, chunks, created FROM blobs WHERE id = ?1",
            [id],
            |r| {
                Ok(BlobInfo {
                    id: r.get(0)?,
                    ns: r.get(1)?,
                    size: r.get::<_, i64>(2)? as u64,
                    chunks: r.get::<_, i64>(3)? as u64,
                    created_ms: r.get::<_, i64>(4)? as u64,
                })
            },
        )
        .optional()?)
}

pub(super) fn delete(vault: &Vault, id: &str) -> Result<bool> {
    if !valid_id(id) {
        return Err(bad_id(id));
    }
    let n = vault.write_tx(|| {
        let n = vault
            .conn()
            .execute("DELETE FROM blobs WHERE id = ?1", [id])?;
        if n > 0 {
            vault.track("blobs", super::state::RowKey::Text(id, b""), None)?;
        }
        Ok(n)
    })?;
    let blobs = vault
        .dir()
        .open_dir(BLOB_DIR)
        .map_err(Error::io(cannot_open_blobs()))?;
    // Row first: a crash in between leaves an orphan file (swept later), never a dangling row.
    let _ = blobs.remove_file(id);
    Ok(n > 0)
}

/// Remove `.tmp` leftovers and files no row points to (a crash between rename and insert).
pub(super) fn sweep_orphans(vault: &Vault) -> Result<()> {
    let blobs = vault
        .dir()
        .open_dir(BLOB_DIR)
        .map_err(Error::io(cannot_open_blobs()))?;
    let entries = blobs.entries().map_err(Error::io(t!(
        kapsel_i18n::current(),
        "core-io-cannot-list",
        path = format!("{BLOB_DIR}/")
    )))?;
    for entry in entries.flatten() {
        let name = entry.file_name();
        let Some(name) = name.to_str() else { continue };
        // Another process may be between writing and recording a blob right now: only
        // leftovers older than that window are orphans.
        let old = entry
            .metadata()
            .ok()
            .and_then(|m| m.modified().ok())
            .and_then(|t| t.into_std().elapsed().ok())
            .is_some_and(|age| age > std::time::Duration::from_secs(600));
        if !old {
            continue;
        }
        let orphan = if let Some(stem) = name.strip_suffix(".tmp") {
            valid_id(stem)
        } else {
            valid_id(name) && info(vault, name)?.is_none()
        };
        if orphan {
            let _ = blobs.remove_file(name);
        }
    }
    Ok(())
}
