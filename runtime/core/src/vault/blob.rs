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
    out: Staging,
    /// A write failed: the staged bytes and the chunk counter no longer match the file, so
    /// every later call fails too (a retried chunk would be staged twice).
    broken: bool,
}

/// Bytes of the file not yet written, sealed in place: the header, then chunk slots.
/// Written a megabyte at a time, so a chunk costs no system call of its own and, for a blob
/// written around the page cache, every write is whole aligned blocks.
struct Staging {
    mem: Vec<u8>,
    /// Where the aligned region begins in `mem` (`O_DIRECT` wants aligned memory).
    start: usize,
    fill: usize,
    /// Bytes of the file so far, written and staged.
    len: u64,
    direct: bool,
}

/// Block size writes around the page cache are aligned to (the largest logical block size
/// in common use; a multiple of 512 as well).
const ALIGN: usize = 4096;
/// Staged bytes that trigger a write.
const FLUSH_AT: usize = 1024 * 1024;

impl Staging {
    fn new() -> Staging {
        let cap = FLUSH_AT + STRIDE + ALIGN;
        let mem = vec![0u8; cap + ALIGN];
        let start = (ALIGN - mem.as_ptr() as usize % ALIGN) % ALIGN;
        Staging {
            mem,
            start,
            fill: 0,
            len: 0,
            direct: false,
        }
    }

    /// Room for `n` more bytes (at most a slot and its length): the caller writes them, then
    /// `commit(n)`.
    fn room(&mut self, n: usize) -> &mut [u8] {
        let at = self.start + self.fill;
        &mut self.mem[at..at + n]
    }

    fn commit(&mut self, n: usize) {
        self.fill += n;
        self.len += n as u64;
    }

    /// Write what is staged: whole blocks, or everything when `last` (padded to a block
    /// around the page cache, the file then cut to its true length).
    fn flush(&mut self, file: &mut cap_std::fs::File, last: bool) -> std::io::Result<()> {
        let whole = match (self.direct, last) {
            (false, _) => self.fill,
            (true, false) => self.fill / ALIGN * ALIGN,
            (true, true) => self.fill.div_ceil(ALIGN) * ALIGN,
        };
        if whole > self.fill {
            self.mem[self.start + self.fill..self.start + whole].fill(0);
        }
        let written = file.write_all(&self.mem[self.start..self.start + whole]);
        let written = match written {
            // A file system (or a device) that takes no direct writes after all: the same
            // bytes through the page cache, from where the file position stands.
            Err(e)
                if self.direct
                    && e.raw_os_error() == Some(rustix::io::Errno::INVAL.raw_os_error()) =>
            {
                self.direct = false;
                set_direct(file, false);
                // A part may have gone out before the refusal: start again where this
                // staging begins in the file.
                let staged_from = self.len - self.fill as u64;
                std::io::Seek::seek(file, std::io::SeekFrom::Start(staged_from))?;
                return self.flush(file, last);
            }
            w => w,
        };
        written?;
        let kept = self.fill.saturating_sub(whole);
        self.mem
            .copy_within(self.start + whole..self.start + whole + kept, self.start);
        self.fill = kept;
        if last {
            // Around the page cache the last block was padded; and a direct write cut short
            // before a refusal may have reached the padding before the page cache took over.
            file.set_len(self.len)?;
        }
        Ok(())
    }
}

/// Turn `O_DIRECT` on or off for a file opened for writing; false where it cannot be had.
fn set_direct(file: &cap_std::fs::File, on: bool) -> bool {
    #[cfg(any(target_os = "linux", target_os = "android"))]
    {
        use rustix::fs::OFlags;
        let Ok(flags) = rustix::fs::fcntl_getfl(file) else {
            return false;
        };
        let flags = if on {
            flags | OFlags::DIRECT
        } else {
            flags - OFlags::DIRECT
        };
        rustix::fs::fcntl_setfl(file, flags).is_ok()
    }
    #[cfg(not(any(target_os = "linux", target_os = "android")))]
    {
        let _ = (file, on);
        false
    }
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
        let file = blobs
            .open_with(format!("{id}.tmp"), &opts)
            .map_err(Error::io(t!(kapsel_i18n::current(), "core-blob-create")))?;
        let mut out = Staging::new();
        let header = out.room(HEADER_LEN);
        header[..4].copy_from_slice(MAGIC);
        header[4] = VERSION;
        header[5..].copy_from_slice(&(CHUNK_SIZE as u32).to_be_bytes());
        out.commit(HEADER_LEN);
        Ok(BlobSink {
            ns: ns.to_string(),
            id,
            blobs,
            file: Some(file),
            buf: Vec::with_capacity(CHUNK_SIZE),
            index: 0,
            size: 0,
            out,
            broken: false,
        })
    }

    /// Write this blob around the page cache (`O_DIRECT`) where the file system allows:
    /// for bulk data not read back soon (a sync's packs), which would otherwise fill the
    /// page cache and cost a fresh page per 4 KiB written. Before anything is written.
    pub fn bypass_page_cache(&mut self) {
        if let Some(file) = &self.file
            && self.out.len == self.out.fill as u64
        {
            self.out.direct = set_direct(file, true);
        }
    }

    pub fn id(&self) -> &str {
        &self.id
    }

    /// Plaintext bytes written so far.
    pub fn size(&self) -> u64 {
        self.size
    }

    fn emit(&mut self, vault: &Vault, last: bool) -> Result<()> {
        if self.broken {
            return Err(Error::invalid(t!(
                kapsel_i18n::current(),
                "core-blob-writer-broken"
            )));
        }
        let keys = vault.keys()?;
        let file = self.file.as_mut().ok_or_else(|| {
            Error::invalid(t!(kapsel_i18n::current(), "core-blob-writer-finished"))
        })?;
        let n = self.buf.len();
        let slot = n + crypto::SEAL_OVERHEAD;
        let room = self.out.room(4 + slot);
        room[..4].copy_from_slice(&(slot as u32).to_be_bytes());
        room[4 + crypto::SEAL_HEAD..4 + crypto::SEAL_HEAD + n].copy_from_slice(&self.buf);
        keys.seal_raw_in_place(&chunk_aad(&self.id, self.index, last), &mut room[4..]);
        self.out.commit(4 + slot);
        if (self.out.fill >= FLUSH_AT || last)
            && let Err(e) = self.out.flush(file, last)
        {
            self.broken = true;
            return Err(Error::io(t!(kapsel_i18n::current(), "core-blob-write"))(e));
        }
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
/// What precedes a chunk's ciphertext in its slot (length, version, nonce) and what follows it
/// (the tag). Reading the three parts into separate places lets the ciphertext land where its
/// plaintext belongs and be opened there: one copy from the page cache, none after.
const SLOT_HEAD: usize = 4 + crypto::SEAL_HEAD;
const TAG_LEN: usize = crypto::SEAL_OVERHEAD - crypto::SEAL_HEAD;
/// Most chunks a streaming read fetches and opens in one go (4 MiB) when the caller's buffer
/// is too small to decrypt into: bounds a reader's own memory.
const MAX_BATCH: usize = 64;
/// The first batch of a streaming read or after a seek: a small range read should not
/// decrypt megabytes it never returns. Doubles while the caller keeps reading.
const FIRST_BATCH: usize = 2;
/// Chunks one thread reads with one `preadv` and then opens (512 KiB): small enough to still
/// be in its core's L2 cache when AES-GCM runs over it, large enough that the syscall and the
/// hand-out between threads cost little.
const PIECE: usize = 8;

/// Threads that open chunks at once: this process's share of the machine, asked once
/// (`available_parallelism` reads cgroup files).
fn workers() -> usize {
    static N: std::sync::OnceLock<usize> = std::sync::OnceLock::new();
    *N.get_or_init(|| std::thread::available_parallelism().map_or(1, |n| n.get().min(16)))
}

/// Threads kept waiting for chunks to open, one fewer than `workers()` (the reading thread
/// does its share). Started once: a thread started per batch cost ~60 µs here, as much as
/// opening a megabyte. `None` on one core or when they cannot be started.
fn pool() -> Option<&'static rayon::ThreadPool> {
    static POOL: std::sync::OnceLock<Option<rayon::ThreadPool>> = std::sync::OnceLock::new();
    POOL.get_or_init(|| {
        (workers() > 1)
            .then(|| {
                rayon::ThreadPoolBuilder::new()
                    .num_threads(workers() - 1)
                    .thread_name(|i| format!("kapsel-blob-{i}"))
                    .build()
                    .ok()
            })
            .flatten()
    })
    .as_ref()
}

/// Run `work` on this thread and on every pool thread at once; returns when all are done.
fn on_all_cores(work: &(dyn Fn() + Sync)) {
    match pool() {
        Some(pool) => pool.in_place_scope(|s| {
            for _ in 0..pool.current_num_threads() {
                s.spawn(|_| work());
            }
            work();
        }),
        None => work(),
    }
}

/// Where a blob's chunks lie, from its recorded size and chunk count. The file must match it
/// exactly (checked when a reader opens it), so chunk `i` is found by arithmetic alone.
#[derive(Clone, Copy)]
struct Layout {
    chunks: u64,
    size: u64,
}

impl Layout {
    /// `None` unless every chunk but the last is full and the last holds the rest.
    fn new(chunks: u64, size: u64) -> Option<Layout> {
        let full = chunks.checked_sub(1)?.checked_mul(CHUNK_SIZE as u64)?;
        (size >= full && size - full <= CHUNK_SIZE as u64).then_some(Layout { chunks, size })
    }

    fn plain_len(&self, i: u64) -> usize {
        if i + 1 == self.chunks {
            (self.size - i * CHUNK_SIZE as u64) as usize
        } else {
            CHUNK_SIZE
        }
    }

    /// Plaintext bytes of chunks `first..first + n`.
    fn bytes(&self, first: u64, n: usize) -> usize {
        match n {
            0 => 0,
            n => (n - 1) * CHUNK_SIZE + self.plain_len(first + n as u64 - 1),
        }
    }

    fn slot(&self, i: u64) -> u64 {
        HEADER_LEN as u64 + i * STRIDE as u64
    }

    fn file_len(&self) -> u64 {
        let last = self.chunks - 1;
        self.slot(last) + (4 + crypto::SEAL_OVERHEAD + self.plain_len(last)) as u64
    }
}

/// Why chunks stopped opening; the chunks before it were authenticated.
enum Fault {
    Short(u64),
    Damaged(u64),
    Unauthentic(u64, bool),
    /// The file shrank after the reader checked its length.
    Shrunk,
    Unreadable(std::io::Error),
}

impl Fault {
    fn error(self, id: &str) -> Error {
        let cat = kapsel_i18n::current();
        Error::Tampered(match self {
            Fault::Short(chunk) => t!(
                cat,
                "core-blob-chunk-short",
                id = id,
                chunk = chunk.to_string()
            ),
            Fault::Damaged(chunk) => t!(
                cat,
                "core-blob-chunk-damaged-at",
                id = id,
                chunk = chunk.to_string()
            ),
            Fault::Unauthentic(chunk, true) => t!(
                cat,
                "core-blob-last-chunk-unauthentic",
                id = id,
                chunk = chunk.to_string()
            ),
            Fault::Unauthentic(chunk, false) => t!(
                cat,
                "core-blob-chunk-unauthentic",
                id = id,
                chunk = chunk.to_string()
            ),
            Fault::Shrunk => t!(cat, "core-blob-shorter", id = id),
            Fault::Unreadable(e) => return Error::io(t!(cat, "core-blob-read"))(e),
        })
    }
}

/// A run of chunks one thread reads and opens: its first chunk, how many, and where their
/// plaintext goes.
type Piece<'a> = (u64, usize, &'a mut [u8]);
/// How many chunks opened, and what stopped the next one.
type Opened = (usize, Option<Fault>);

/// What every thread opening chunks of one blob needs.
struct Source<'a> {
    keys: &'a crypto::Keys,
    file: &'a cap_std::fs::File,
    id: &'a str,
    layout: Layout,
}

impl Source<'_> {
    /// Open chunks `first..first + n` straight into `dst`, their plaintexts back to back (`dst`
    /// is exactly as long as they are), on all cores. Returns how many chunks were opened; the
    /// bytes behind them, from the first chunk that failed on, are zero, whatever later
    /// chunks other threads had already opened.
    fn open_into(&self, first: u64, n: usize, dst: &mut [u8]) -> Opened {
        // Several pieces per thread, taken in turn: a thread slowed by another process (or a
        // pool thread still waking up) leaves its share to the others.
        let per = n.div_ceil(2 * workers()).clamp(1, PIECE);
        let mut pieces = Vec::with_capacity(n.div_ceil(per));
        let mut rest = &mut *dst;
        for k in (0..n).step_by(per) {
            let (at, count) = (first + k as u64, per.min(n - k));
            let (piece, tail) = rest.split_at_mut(self.layout.bytes(at, count));
            pieces.push((at, count, piece));
            rest = tail;
        }
        let (ok, fault) = if pieces.len() > 1 && pool().is_some() {
            self.open_pieces(pieces)
        } else {
            let mut ok = 0;
            let mut fault = None;
            for (at, count, piece) in pieces {
                let (opened, f) = self.open_piece(at, count, piece);
                ok += opened;
                if f.is_some() {
                    fault = f;
                    break;
                }
            }
            (ok, fault)
        };
        let good = self.layout.bytes(first, ok);
        zeroize::Zeroize::zeroize(&mut dst[good..]);
        (ok, fault)
    }

    fn open_pieces(&self, pieces: Vec<Piece<'_>>) -> Opened {
        use std::sync::atomic::{AtomicUsize, Ordering};
        use std::sync::{Mutex, OnceLock};
        let results: Vec<OnceLock<Opened>> = pieces.iter().map(|_| OnceLock::new()).collect();
        let pieces: Vec<Mutex<Option<Piece<'_>>>> =
            pieces.into_iter().map(|p| Mutex::new(Some(p))).collect();
        let next = AtomicUsize::new(0);
        // The first piece that failed: nothing after it is handed out, so nothing after it
        // needs opening.
        let stop = AtomicUsize::new(usize::MAX);
        let work = || {
            loop {
                let k = next.fetch_add(1, Ordering::Relaxed);
                if k >= pieces.len() || k > stop.load(Ordering::Relaxed) {
                    return;
                }
                let Some((at, count, piece)) = pieces[k].lock().ok().and_then(|mut p| p.take())
                else {
                    continue;
                };
                let found = self.open_piece(at, count, piece);
                if found.1.is_some() {
                    stop.fetch_min(k, Ordering::Relaxed);
                }
                let _ = results[k].set(found);
            }
        };
        on_all_cores(&work);
        let mut ok = 0;
        for found in results {
            match found.into_inner() {
                Some((opened, None)) => ok += opened,
                Some((opened, fault)) => return (ok + opened, fault),
                // Only pieces after a failed one are skipped, and the loop has returned
                // before them; a piece lost any other way counts as unreadable.
                None => {
                    return (
                        ok,
                        Some(Fault::Unreadable(std::io::Error::other("piece not opened"))),
                    );
                }
            }
        }
        (ok, None)
    }

    /// Read at most `PIECE` chunks with one `preadv` (each chunk's ciphertext into its place in
    /// `dst`, its length, nonce and tag beside it) and open them in order. On a failure the
    /// failed chunk and everything after it in `dst` are wiped.
    fn open_piece(&self, first: u64, n: usize, dst: &mut [u8]) -> Opened {
        let mut heads = [[0u8; SLOT_HEAD]; PIECE];
        let mut tags = [[0u8; TAG_LEN]; PIECE];
        let mut plains = [0usize; PIECE];
        let read = {
            let mut iov = Vec::with_capacity(3 * n);
            let mut rest = &mut *dst;
            for (k, (head, tag)) in heads.iter_mut().zip(tags.iter_mut()).take(n).enumerate() {
                let (plain, tail) = rest.split_at_mut(self.layout.plain_len(first + k as u64));
                plains[k] = plain.len();
                iov.push(std::io::IoSliceMut::new(head));
                iov.push(std::io::IoSliceMut::new(plain));
                iov.push(std::io::IoSliceMut::new(tag));
                rest = tail;
            }
            preadv_exact(self.file, &mut iov, self.layout.slot(first))
        };
        if let Err(e) = read {
            zeroize::Zeroize::zeroize(dst);
            return (
                0,
                Some(match e.kind() {
                    std::io::ErrorKind::UnexpectedEof => Fault::Shrunk,
                    _ => Fault::Unreadable(e),
                }),
            );
        }
        let mut at = 0;
        for k in 0..n {
            let i = first + k as u64;
            let last = i + 1 == self.layout.chunks;
            let head = &heads[k];
            let len = u32::from_be_bytes([head[0], head[1], head[2], head[3]]) as usize;
            let want = plains[k] + crypto::SEAL_OVERHEAD;
            let fault = if len < want {
                Some(Fault::Short(i))
            } else if len > want {
                Some(Fault::Damaged(i))
            } else if !self.keys.open_detached(
                &chunk_aad(self.id, i, last),
                &head[4..],
                &tags[k],
                &mut dst[at..at + plains[k]],
            ) {
                Some(Fault::Unauthentic(i, last))
            } else {
                None
            };
            if fault.is_some() {
                zeroize::Zeroize::zeroize(&mut dst[at..]);
                return (k, fault);
            }
            at += plains[k];
        }
        (n, None)
    }
}

fn preadv_exact(
    file: &cap_std::fs::File,
    mut bufs: &mut [std::io::IoSliceMut<'_>],
    mut at: u64,
) -> std::io::Result<()> {
    // Counted in bytes, not parts: an empty part (an empty blob's one chunk) reads nothing.
    let mut left: usize = bufs.iter().map(|b| b.len()).sum();
    while left > 0 {
        match rustix::io::preadv(file, bufs, at) {
            Ok(0) => return Err(std::io::ErrorKind::UnexpectedEof.into()),
            Ok(n) => {
                std::io::IoSliceMut::advance_slices(&mut bufs, n);
                at += n as u64;
                left -= n;
            }
            Err(rustix::io::Errno::INTR) => {}
            Err(e) => return Err(e.into()),
        }
    }
    Ok(())
}

/// Streams a blob back, verifying every chunk before any of its bytes are returned.
///
/// A read into a buffer that holds whole chunks decrypts straight into it: each thread reads
/// its chunks' ciphertext into their place with one `preadv` and opens them there, on all
/// cores, and only the authenticated chunks before the first bad one are returned (the rest
/// of the buffer is zeroed). Smaller reads are served from a batch opened the same way into
/// the reader's own buffer. `read_all` decrypts into the buffer it returns.
pub struct BlobReader<'v> {
    vault: &'v Vault,
    id: String,
    file: cap_std::fs::File,
    layout: Layout,
    /// The next chunk to fetch from the file.
    index: u64,
    /// The chunk `buf` starts with. While `end > 0` the batch runs up to `index`, so a seek
    /// back into it is served from it without reading or decrypting again.
    first: u64,
    /// The current batch's authenticated plaintext; `pos..end` is what is left of it.
    buf: Vec<u8>,
    pos: usize,
    end: usize,
    /// What ended the last batch early: reported once the chunks before it have been read.
    failed: Option<Fault>,
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
        // The file must be exactly as long as the recorded size and chunk count make it:
        // then every chunk's place is known before it is read, and a cut or an appended
        // chunk is caught here, before anything is decrypted.
        let layout = Layout::new(info.chunks, info.size)
            .ok_or_else(|| Error::Tampered(t!(cat, "core-blob-size-mismatch", id = id)))?;
        if len != layout.file_len() {
            let last = layout.slot(layout.chunks - 1);
            return Err(Error::Tampered(if len > layout.file_len() {
                t!(cat, "core-blob-size-mismatch", id = id)
            } else if len <= last {
                t!(cat, "core-blob-last-chunk-missing", id = id)
            } else if len < last + SLOT_HEAD as u64 {
                t!(cat, "core-blob-chunk-header-truncated", id = id)
            } else {
                t!(cat, "core-blob-chunk-truncated", id = id)
            }));
        }
        Ok(BlobReader {
            vault,
            id: id.to_string(),
            file,
            layout,
            index: 0,
            first: 0,
            buf: Vec::new(),
            pos: 0,
            end: 0,
            failed: None,
            batch: FIRST_BATCH,
        })
    }

    fn source(&self) -> Result<Source<'_>> {
        Ok(Source {
            keys: self.vault.keys()?,
            file: &self.file,
            id: &self.id,
            layout: self.layout,
        })
    }

    /// Fetch and open the next batch into the reader's buffer. Ends in an error only when
    /// not even its first chunk opened; otherwise the failure waits behind the good chunks.
    fn refill(&mut self) -> Result<()> {
        let n = (self.batch as u64).min(self.layout.chunks - self.index) as usize;
        self.batch = (self.batch * 2).min(MAX_BATCH);
        let bytes = self.layout.bytes(self.index, n);
        // The buffer keeps its earlier plaintext only where the new one overwrites it; a
        // tail that falls away is wiped first.
        if self.buf.len() > bytes {
            zeroize::Zeroize::zeroize(&mut self.buf[bytes..]);
        }
        self.buf.resize(bytes, 0);
        let mut buf = std::mem::take(&mut self.buf);
        self.first = self.index;
        // Until it is filled the batch holds nothing a seek may come back to.
        self.end = 0;
        let opened = self.open_next(n, &mut buf);
        self.buf = buf;
        self.pos = 0;
        self.end = opened?;
        Ok(())
    }

    /// Open the next `n` chunks into `dst` and move past those that opened; returns their
    /// bytes. Ends in an error only when not even the first chunk opened; otherwise the
    /// failure waits in `failed` behind the good chunks.
    fn open_next(&mut self, n: usize, dst: &mut [u8]) -> Result<usize> {
        let (ok, fault) = self.source()?.open_into(self.index, n, dst);
        let good = self.layout.bytes(self.index, ok);
        self.index += ok as u64;
        match (ok, fault) {
            (0, Some(fault)) => Err(fault.error(&self.id)),
            (_, fault) => {
                self.failed = fault;
                Ok(good)
            }
        }
    }

    /// Read into `out` like [`Read::read`]: `Ok(0)` at the end. A buffer that holds at least a
    /// chunk per core is decrypted into directly; on damage it gets the authenticated chunks
    /// before it (the rest of it is zeroed) and the next call returns the error.
    pub fn read_into(&mut self, out: &mut [u8]) -> Result<usize> {
        if self.pos == self.end {
            if let Some(fault) = self.failed.take() {
                return Err(fault.error(&self.id));
            }
            let left = self.layout.chunks - self.index;
            if left == 0 {
                return Ok(0);
            }
            let mut n = ((out.len() / CHUNK_SIZE) as u64).min(left) as usize;
            if n as u64 + 1 == left && self.layout.bytes(self.index, n + 1) <= out.len() {
                n += 1;
            }
            if n >= workers() {
                let bytes = self.layout.bytes(self.index, n);
                // The batch no longer ends where reading goes on.
                (self.pos, self.end) = (0, 0);
                return self.open_next(n, &mut out[..bytes]);
            }
            self.refill()?;
        }
        let n = out.len().min(self.end - self.pos);
        out[..n].copy_from_slice(&self.buf[self.pos..self.pos + n]);
        self.pos += n;
        Ok(n)
    }

    /// The blob's plaintext length, as recorded and checked against the file at open.
    pub fn size(&self) -> u64 {
        self.layout.size
    }

    /// Continue reading at plaintext `offset`: jumps to the chunk holding it (the chunks
    /// before it are neither read nor decrypted), so reading a range costs its length, not
    /// its offset. Every chunk handed out is still authenticated with its index. A seek into
    /// the batch last opened is served from it (reading a pack's messages in order opens each
    /// chunk once), and a seek to the chunk right after it keeps the growing batch size.
    pub fn seek_to(&mut self, offset: u64) -> Result<()> {
        let start = self.first * CHUNK_SIZE as u64;
        if self.end > 0 && offset >= start && offset - start < self.end as u64 {
            // What ended that batch early still waits behind its good chunks.
            self.pos = (offset - start) as usize;
            return Ok(());
        }
        let chunk = offset / CHUNK_SIZE as u64;
        if chunk != self.index || self.failed.is_some() {
            self.batch = FIRST_BATCH;
        }
        self.failed = None;
        self.pos = 0;
        self.end = 0;
        if offset >= self.layout.size {
            zeroize::Zeroize::zeroize(&mut self.buf);
            self.index = self.layout.chunks;
            return Ok(());
        }
        self.index = chunk;
        self.refill()?;
        self.pos = ((offset - chunk * CHUNK_SIZE as u64) as usize).min(self.end);
        Ok(())
    }

    /// Read the rest of the blob into one buffer, opened on all cores straight into it (one
    /// copy from the page cache, none after). Returns only a wholly authenticated blob: on
    /// any damage the buffer is wiped and only the error comes back.
    pub fn read_all(mut self) -> Result<zeroize::Zeroizing<Vec<u8>>> {
        let buffered = self.end - self.pos;
        let left = (self.layout.chunks - self.index) as usize;
        let rest = self.layout.bytes(self.index, left);
        // Zeroed pages straight from the kernel: nothing to write before the file is read
        // into them.
        let mut out = zeroize::Zeroizing::new(vec![0u8; buffered + rest]);
        out[..buffered].copy_from_slice(&self.buf[self.pos..self.end]);
        self.pos = self.end;
        if let Some(fault) = self.failed.take() {
            return Err(fault.error(&self.id));
        }
        // Even an empty blob has its one chunk opened: it is what proves the blob is whole.
        if left > 0 {
            let (_, fault) = self
                .source()?
                .open_into(self.index, left, &mut out[buffered..]);
            if let Some(fault) = fault {
                return Err(fault.error(&self.id));
            }
        }
        self.index = self.layout.chunks;
        Ok(out)
    }
}

impl Read for BlobReader<'_> {
    fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
        self.read_into(out)
            .map_err(|e| std::io::Error::new(std::io::ErrorKind::InvalidData, e.to_string()))
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

#[cfg(test)]
mod tests {
    use super::*;

    /// Stage `data` in pieces and write it out as a sink would, with the staging's memory
    /// moved `skew` bytes off its alignment.
    fn staged(file: &mut cap_std::fs::File, direct: bool, skew: usize, data: &[u8]) -> Staging {
        let mut out = Staging::new();
        out.start += skew;
        out.direct = direct && set_direct(file, true);
        for piece in data.chunks(STRIDE) {
            out.room(piece.len()).copy_from_slice(piece);
            out.commit(piece.len());
            if out.fill >= FLUSH_AT {
                out.flush(file, false).unwrap();
            }
        }
        out.flush(file, true).unwrap();
        out
    }

    #[test]
    fn a_refused_direct_write_goes_through_the_page_cache_without_losing_a_byte() {
        let dir = tempfile::tempdir().unwrap();
        let data: Vec<u8> = (0..3 * FLUSH_AT + 12_345)
            .map(|i| (i % 249) as u8)
            .collect();
        for (direct, skew) in [(false, 0), (true, 0), (true, 1)] {
            let path = dir.path().join(format!("f-{direct}-{skew}"));
            let mut file = cap_std::fs::File::from_std(std::fs::File::create(&path).unwrap());
            let out = staged(&mut file, direct, skew, &data);
            drop(file);
            assert_eq!(
                std::fs::read(&path).unwrap(),
                data,
                "direct {direct}, skew {skew}"
            );
            assert!(
                !(skew == 1 && out.direct),
                "memory off its alignment must have been refused and left direct mode"
            );
        }
    }
}
