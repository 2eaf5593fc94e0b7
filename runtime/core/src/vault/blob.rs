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
    sink: BlobSink,
}

impl<'v> BlobWriter<'v> {
    pub(super) fn new(vault: &'v Vault, ns: &str) -> Result<Self> {
        Ok(BlobWriter {
            vault,
            sink: BlobSink::new(vault, ns)?,
        })
    }

    pub fn id(&self) -> &str {
        &self.sink.id
    }

    pub fn write_bytes(&mut self, data: &[u8]) -> Result<()> {
        self.sink.write_bytes(self.vault, data)
    }

    /// Seal the last chunk, make the file durable, then record it. Returns the blob id.
    pub fn finish(self) -> Result<String> {
        self.sink.finish(self.vault)
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

/// A blob being written that does not borrow the vault, so it can live across separate
/// calls (an app's document writer spans many calls into the host, each of which locks the
/// vault on its own). Every step is handed the vault it belongs to. Dropped unfinished, it
/// removes its partial file through its own handle on `blobs/`.
pub struct BlobSink {
    ns: String,
    id: String,
    blobs: cap_std::fs::Dir,
    file: Option<cap_std::fs::File>,
    buf: Vec<u8>,
    index: u64,
    size: u64,
}

impl BlobSink {
    pub(super) fn new(vault: &Vault, ns: &str) -> Result<Self> {
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
        if let Err(e) = file.write_all(&header) {
            let _ = blobs.remove_file(format!("{id}.tmp"));
            return Err(Error::io(t!(kapsel_i18n::current(), "core-blob-write"))(e));
        }
        Ok(BlobSink {
            ns: ns.to_string(),
            id,
            blobs,
            file: Some(file),
            buf: Vec::with_capacity(CHUNK_SIZE),
            index: 0,
            size: 0,
        })
    }

    pub fn id(&self) -> &str {
        &self.id
    }

    /// Plaintext bytes written so far.
    pub fn size(&self) -> u64 {
        self.size
    }

    fn emit(&mut self, vault: &Vault, last: bool) -> Result<()> {
        let keys = vault.keys()?;
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

    pub fn write_bytes(&mut self, vault: &Vault, mut data: &[u8]) -> Result<()> {
        while !data.is_empty() {
            let room = CHUNK_SIZE - self.buf.len();
            let take = room.min(data.len());
            self.buf.extend_from_slice(&data[..take]);
            data = &data[take..];
            self.size += take as u64;
            // A full chunk is only emitted once more data arrives: the last chunk must be
            // known to be the last when it is sealed.
            if self.buf.len() == CHUNK_SIZE && !data.is_empty() {
                self.emit(vault, false)?;
            }
        }
        Ok(())
    }

    /// Seal the last chunk, make the file durable, then record it. Returns the blob id.
    pub fn finish(mut self, vault: &Vault) -> Result<String> {
        self.emit(vault, true)?;
        let file = self.file.take().ok_or_else(|| {
            Error::invalid(t!(kapsel_i18n::current(), "core-blob-writer-finished"))
        })?;
        let synced = file.sync_all();
        drop(file);
        let tmp = format!("{}.tmp", self.id);
        if let Err(e) = synced {
            let _ = self.blobs.remove_file(&tmp);
            return Err(Error::io(t!(kapsel_i18n::current(), "core-blob-sync"))(e));
        }
        if let Err(e) = self.blobs.rename(&tmp, &self.blobs, &self.id) {
            let _ = self.blobs.remove_file(&tmp);
            return Err(Error::io(t!(kapsel_i18n::current(), "core-blob-commit"))(e));
        }
        sync_dir(vault)?;
        let (size, chunks) = (self.size as i64, self.index as i64);
        let e = vault.element(
            "blobs",
            super::state::RowKey::Text(&self.id, b""),
            &[
                self.ns.as_bytes(),
                size.to_string().as_bytes(),
                chunks.to_string().as_bytes(),
            ],
        )?;
        vault.write_tx(|| {
            vault.conn().execute(
                "INSERT INTO blobs(id, ns, size, chunks, created) VALUES (?1, ?2, ?3, ?4, ?5)",
                params![self.id, self.ns, size, chunks, super::now_ms() as i64],
            )?;
            vault.track("blobs", super::state::RowKey::Text(&self.id, b""), Some(e))
        })?;
        Ok(std::mem::take(&mut self.id))
    }
}

impl Drop for BlobSink {
    fn drop(&mut self) {
        zeroize::Zeroize::zeroize(&mut self.buf);
        if self.file.take().is_some() {
            let _ = self.blobs.remove_file(format!("{}.tmp", self.id));
        }
    }
}

/// A sealed chunk's slot in the file: its length field and the sealed bytes. Every chunk but
/// the last fills one, which is what lets chunks be found (and read in parallel) by arithmetic.
const SEALED_CHUNK: usize = CHUNK_SIZE + crypto::SEAL_OVERHEAD;
const STRIDE: usize = 4 + SEALED_CHUNK;
/// Most chunks fetched and opened in one go (4 MiB): large enough that handing work to the
/// other cores costs little against it, small enough to keep a reader's memory bounded.
const MAX_BATCH: usize = 64;
/// The first batch of a streaming read or after a seek: a small range read should not
/// decrypt megabytes it never returns. Doubles while the caller keeps reading.
const FIRST_BATCH: usize = 2;

/// Threads that open chunks at once: this process's share of the machine, asked once
/// (`available_parallelism` reads cgroup files).
fn workers() -> usize {
    static N: std::sync::OnceLock<usize> = std::sync::OnceLock::new();
    *N.get_or_init(|| std::thread::available_parallelism().map_or(1, |n| n.get().min(16)))
}

/// What opening one chunk of a batch found. Only `Open` chunks are ever handed out, and only
/// in file order up to the first chunk that is anything else.
enum Chunk {
    /// Authenticated: the plaintext's range in the batch buffer.
    Open {
        plain: std::ops::Range<usize>,
        last: bool,
    },
    HeaderTruncated,
    Damaged(u64),
    Truncated,
    Unauthentic(u64, bool),
    Short(u64),
    Unreadable,
}

/// Read the slots at `file_at` into `slice` and open each chunk in place. Runs on any thread:
/// it touches only its own part of the batch buffer.
fn open_group(
    keys: &crypto::Keys,
    file: &cap_std::fs::File,
    id: &str,
    file_at: u64,
    file_len: u64,
    first: u64,
    slice: &mut [u8],
) -> Vec<(usize, Chunk)> {
    let mut out = Vec::new();
    if pread_exact(file, slice, file_at).is_err() {
        // The length was taken from the file's size a moment ago: it shrank under us.
        out.push((0, Chunk::Truncated));
        return out;
    }
    let (mut o, mut index) = (0usize, first);
    while o < slice.len() {
        let start = file_at + o as u64;
        let Some(len) = slice.get(o..o + 4) else {
            out.push((o, Chunk::HeaderTruncated));
            break;
        };
        let len = u32::from_be_bytes([len[0], len[1], len[2], len[3]]) as usize;
        let end = start + 4 + len as u64;
        if len > SEALED_CHUNK || end > file_len {
            out.push((o, Chunk::Damaged(index)));
            break;
        }
        let last = end == file_len;
        let Some(sealed) = slice.get_mut(o + 4..o + 4 + len) else {
            // Only a short chunk before this one misaligns a slot; it has ended the group.
            out.push((o, Chunk::Truncated));
            break;
        };
        let Some(plain) = keys.open_in_place(&chunk_aad(id, index, last), sealed) else {
            out.push((o, Chunk::Unauthentic(index, last)));
            break;
        };
        // Every chunk but the last is full (the writer emits them so): that is what lets
        // `seek_to` and the batches find a chunk by arithmetic.
        if !last && plain.len() != CHUNK_SIZE {
            out.push((o, Chunk::Short(index)));
            break;
        }
        let base = o + 4;
        out.push((
            o,
            Chunk::Open {
                plain: base + plain.start..base + plain.end,
                last,
            },
        ));
        if last {
            break;
        }
        o += 4 + len;
        index += 1;
    }
    out
}

fn pread_exact(file: &cap_std::fs::File, mut buf: &mut [u8], mut at: u64) -> std::io::Result<()> {
    while !buf.is_empty() {
        match rustix::io::pread(file, &mut *buf, at) {
            Ok(0) => return Err(std::io::ErrorKind::UnexpectedEof.into()),
            Ok(n) => {
                buf = &mut buf[n..];
                at += n as u64;
            }
            Err(rustix::io::Errno::INTR) => {}
            Err(e) => return Err(e.into()),
        }
    }
    Ok(())
}

/// Streams a blob back, verifying every chunk before any of its bytes are returned.
///
/// Chunks are fetched in batches and opened on all cores at once (each thread reads its own
/// slots with `pread` and decrypts them in place); the batch is then checked in file order and
/// only the authenticated chunks before the first bad one are queued for the caller, so a
/// damaged chunk ends the stream exactly where the one-at-a-time reader would have.
pub struct BlobReader<'v> {
    vault: &'v Vault,
    id: String,
    file: cap_std::fs::File,
    file_len: u64,
    /// The next chunk to fetch from the file.
    index: u64,
    expected_chunks: u64,
    expected_size: u64,
    produced: u64,
    /// The current batch as read from the file, each chunk opened in place.
    buf: Vec<u8>,
    /// Authenticated chunks of `buf` not handed out yet, in order, and whether each is the last.
    ready: std::collections::VecDeque<(std::ops::Range<usize>, bool)>,
    /// What ended the batch early: reported once the chunks before it have been read.
    failed: Option<Error>,
    /// `pos..end` of `buf` is what is left of the current chunk.
    pos: usize,
    end: usize,
    done: bool,
    /// Chunks to fetch at the next refill.
    batch: usize,
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
            index: 0,
            expected_chunks: info.chunks,
            expected_size: info.size,
            produced: 0,
            buf: Vec::new(),
            ready: std::collections::VecDeque::new(),
            failed: None,
            pos: 0,
            end: 0,
            done: false,
            batch: FIRST_BATCH,
        })
    }

    /// A damaged-blob error; `message` names the blob itself (the catalogue's
    /// `core-blob-*` texts take `id` and, where there is one, `chunk`).
    fn tampered(&self, message: String) -> Error {
        Error::Tampered(message)
    }

    /// Make the next authenticated chunk current, fetching a batch when none is queued.
    fn next_chunk(&mut self) -> Result<()> {
        if self.ready.is_empty() {
            if let Some(e) = self.failed.take() {
                return Err(e);
            }
            self.refill()?;
        }
        match self.ready.pop_front() {
            Some((plain, last)) => {
                self.pos = plain.start;
                self.end = plain.end;
                self.done = last;
                Ok(())
            }
            None => Err(self.failed.take().unwrap_or_else(|| {
                self.tampered(t!(
                    kapsel_i18n::current(),
                    "core-blob-last-chunk-missing",
                    id = self.id.as_str()
                ))
            })),
        }
    }

    /// Fetch and open the next batch of chunks, then queue the good prefix in order.
    fn refill(&mut self) -> Result<()> {
        let cat = kapsel_i18n::current();
        let id = self.id.as_str();
        let at = self
            .index
            .checked_mul(STRIDE as u64)
            .and_then(|b| b.checked_add(HEADER_LEN as u64))
            .filter(|at| *at < self.file_len)
            .ok_or_else(|| Error::Tampered(t!(cat, "core-blob-last-chunk-missing", id = id)))?;
        let bytes = (self.batch as u64 * STRIDE as u64).min(self.file_len - at) as usize;
        let chunks = bytes.div_ceil(STRIDE);
        self.batch = (self.batch * 2).min(MAX_BATCH);
        // The buffer keeps its earlier plaintext only where the new ciphertext overwrites it;
        // a tail that falls away is wiped first.
        if self.buf.len() > bytes {
            zeroize::Zeroize::zeroize(&mut self.buf[bytes..]);
        }
        self.buf.resize(bytes, 0);
        let keys = self.vault.keys()?;
        let threads = workers().min(chunks).max(1);
        let per = chunks.div_ceil(threads);
        let (file, file_len, first) = (&self.file, self.file_len, self.index);
        let mut groups: Vec<(usize, &mut [u8])> = Vec::with_capacity(threads);
        let mut rest: &mut [u8] = &mut self.buf;
        let mut offset = 0;
        while !rest.is_empty() {
            let take = (per * STRIDE).min(rest.len());
            let (group, tail) = rest.split_at_mut(take);
            groups.push((offset, group));
            offset += take;
            rest = tail;
        }
        let open = |(offset, group): (usize, &mut [u8])| {
            let first = first + (offset / STRIDE) as u64;
            let found = open_group(keys, file, id, at + offset as u64, file_len, first, group);
            found
                .into_iter()
                .map(|(o, c)| match c {
                    Chunk::Open { plain, last } => (
                        o,
                        Chunk::Open {
                            plain: offset + plain.start..offset + plain.end,
                            last,
                        },
                    ),
                    other => (o, other),
                })
                .collect::<Vec<_>>()
        };
        let mut groups = groups.into_iter();
        let own = groups.next();
        let found: Vec<Vec<(usize, Chunk)>> = std::thread::scope(|s| {
            let others: Vec<_> = groups
                .map(|g| {
                    std::thread::Builder::new()
                        .spawn_scoped(s, move || open(g))
                        .map_err(|_| ())
                })
                .collect();
            let mut all = vec![own.map(open).unwrap_or_default()];
            for h in others {
                // A thread that could not be started or died leaves its chunks unopened.
                all.push(
                    h.ok()
                        .and_then(|h| h.join().ok())
                        .unwrap_or_else(|| vec![(0, Chunk::Unreadable)]),
                );
            }
            all
        });
        for (_, chunk) in found.into_iter().flatten() {
            let bad = match chunk {
                Chunk::Open { plain, last } => {
                    self.index += 1;
                    self.produced += plain.len() as u64;
                    if last
                        && (self.index != self.expected_chunks
                            || self.produced != self.expected_size)
                    {
                        t!(cat, "core-blob-size-mismatch", id = id)
                    } else {
                        self.ready.push_back((plain, last));
                        if last {
                            break;
                        }
                        continue;
                    }
                }
                Chunk::HeaderTruncated => t!(cat, "core-blob-chunk-header-truncated", id = id),
                Chunk::Damaged(chunk) => t!(
                    cat,
                    "core-blob-chunk-damaged-at",
                    id = id,
                    chunk = chunk.to_string()
                ),
                Chunk::Truncated => t!(cat, "core-blob-chunk-truncated", id = id),
                Chunk::Unauthentic(chunk, true) => t!(
                    cat,
                    "core-blob-last-chunk-unauthentic",
                    id = id,
                    chunk = chunk.to_string()
                ),
                Chunk::Unauthentic(chunk, false) => t!(
                    cat,
                    "core-blob-chunk-unauthentic",
                    id = id,
                    chunk = chunk.to_string()
                ),
                Chunk::Short(chunk) => t!(
                    cat,
                    "core-blob-chunk-short",
                    id = id,
                    chunk = chunk.to_string()
                ),
                Chunk::Unreadable => {
                    self.failed = Some(Error::io(t!(cat, "core-blob-read"))(
                        std::io::Error::other("worker thread"),
                    ));
                    break;
                }
            };
            self.failed = Some(Error::Tampered(bad));
            break;
        }
        Ok(())
    }

    /// Continue reading at plaintext `offset`: jumps to the chunk holding it (the chunks
    /// before it are neither read nor decrypted), so reading a range costs its length, not
    /// its offset. Every chunk handed out is still authenticated with its index.
    pub fn seek_to(&mut self, offset: u64) -> Result<()> {
        self.ready.clear();
        self.failed = None;
        self.batch = FIRST_BATCH;
        if offset >= self.expected_size {
            zeroize::Zeroize::zeroize(&mut self.buf);
            self.pos = 0;
            self.end = 0;
            self.done = true;
            return Ok(());
        }
        let chunk = offset / CHUNK_SIZE as u64;
        chunk
            .checked_mul(STRIDE as u64)
            .and_then(|b| b.checked_add(HEADER_LEN as u64))
            .filter(|at| *at < self.file_len)
            .ok_or_else(|| {
                self.tampered(t!(
                    kapsel_i18n::current(),
                    "core-blob-shorter",
                    id = self.id.as_str()
                ))
            })?;
        self.index = chunk;
        self.produced = chunk * CHUNK_SIZE as u64;
        self.done = false;
        self.pos = 0;
        self.end = 0;
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
        // The caller wants everything: no reason to start small.
        self.batch = MAX_BATCH;
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
