//! A small, strict ZIP reader for office documents, reading the document in pieces: the end
//! record and central directory first, then only the entries a format asks for, inflated as a
//! stream. Hard limits: entry count, directory size, bytes inflated per entry (checked
//! against the directory's declared size before anything is inflated, and again while
//! inflating, since the directory can lie) and in total per archive; every entry's CRC-32 and
//! size are checked, so a cut or altered file is reported as damaged. No ZIP64, no
//! encryption, no multi-disk archives — office files need none of them.

use std::cell::Cell;
use std::io::{self, Read};

use miniz_oxide::DataFormat;
use miniz_oxide::inflate::stream::{InflateState, inflate};
use miniz_oxide::{MZError, MZFlush, MZStatus};

use crate::source::Source;
use crate::text;

const MAX_ENTRIES: usize = 10_000;
const MAX_DIRECTORY: usize = 4 * 1024 * 1024;
/// Bytes inflated from one archive in all, whatever the parts: a bomb spread over many
/// parts stops here, well inside the host's time limit.
const MAX_TOTAL: u64 = 64 * 1024 * 1024;
/// Compressed bytes fetched from the host at a time.
const CHUNK: usize = 256 * 1024;

/// Why an archive could not be read: the words a user sees.
#[derive(Debug)]
pub enum ZipError {
    /// Not a ZIP at all (no end record): some other format.
    NotZip,
    /// A ZIP whose structure or content is broken: cut off, altered, or hostile.
    Damaged(String),
    /// Valid, but beyond what the viewer unpacks.
    TooLarge(String),
    /// The host could not hand over the bytes.
    Read(String),
}

impl std::fmt::Display for ZipError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ZipError::NotZip => f.write_str(text::not_zip()),
            ZipError::Damaged(m) => f.write_str(&text::file_damaged(m)),
            ZipError::TooLarge(m) | ZipError::Read(m) => write!(f, "{m}"),
        }
    }
}

impl From<ZipError> for String {
    fn from(e: ZipError) -> String {
        e.to_string()
    }
}

fn damaged(m: impl Into<String>) -> ZipError {
    ZipError::Damaged(m.into())
}

pub struct Entry {
    pub name: String,
    method: u16,
    flags: u16,
    crc: u32,
    compressed: u64,
    size: u64,
    local_offset: u64,
}

pub struct Archive<'a> {
    src: &'a Source,
    pub entries: Vec<Entry>,
    inflated: Cell<u64>,
}

fn u16_at(b: &[u8], at: usize) -> Result<u16, ZipError> {
    b.get(at..at.saturating_add(2))
        .map(|s| u16::from_le_bytes([s[0], s[1]]))
        .ok_or_else(|| damaged(text::record_cut_short()))
}

fn u32_at(b: &[u8], at: usize) -> Result<u32, ZipError> {
    b.get(at..at.saturating_add(4))
        .map(|s| u32::from_le_bytes([s[0], s[1], s[2], s[3]]))
        .ok_or_else(|| damaged(text::record_cut_short()))
}

impl<'a> Archive<'a> {
    pub fn open(src: &'a Source) -> Result<Archive<'a>, ZipError> {
        // The end-of-central-directory record sits in the last 64 KiB + 22 bytes.
        let len = src.len();
        let tail_start = len.saturating_sub(65_536 + 22);
        let tail = src
            .read_at(tail_start, (len - tail_start) as usize)
            .map_err(ZipError::Read)?;
        let eocd = (0..tail.len().saturating_sub(21))
            .rev()
            .find(|&i| tail[i..i + 4] == [0x50, 0x4b, 0x05, 0x06])
            .ok_or(ZipError::NotZip)?;
        let count = u16_at(&tail, eocd + 10)? as usize;
        let cd_size = u32_at(&tail, eocd + 12)? as u64;
        let cd_offset = u32_at(&tail, eocd + 16)? as u64;
        if count == 0xffff || cd_offset == 0xffff_ffff {
            return Err(ZipError::TooLarge(text::zip64()));
        }
        if count > MAX_ENTRIES {
            return Err(ZipError::TooLarge(text::too_many_entries(
                count,
                MAX_ENTRIES,
            )));
        }
        if cd_size > MAX_DIRECTORY as u64 {
            return Err(ZipError::TooLarge(text::directory_too_large(
                cd_size,
                MAX_DIRECTORY,
            )));
        }
        if cd_offset.checked_add(cd_size).is_none_or(|end| end > len) {
            return Err(damaged(text::directory_outside()));
        }
        let cd = src
            .read_at(cd_offset, cd_size as usize)
            .map_err(ZipError::Read)?;
        let mut entries = Vec::with_capacity(count);
        let mut at = 0usize;
        for _ in 0..count {
            if u32_at(&cd, at)? != 0x0201_4b50 {
                return Err(damaged(text::directory_entry_broken()));
            }
            let name_len = u16_at(&cd, at + 28)? as usize;
            let extra_len = u16_at(&cd, at + 30)? as usize;
            let comment_len = u16_at(&cd, at + 32)? as usize;
            let name = cd
                .get(at + 46..at + 46 + name_len)
                .ok_or_else(|| damaged(text::record_cut_short()))?;
            entries.push(Entry {
                name: String::from_utf8_lossy(name).into_owned(),
                flags: u16_at(&cd, at + 8)?,
                method: u16_at(&cd, at + 10)?,
                crc: u32_at(&cd, at + 16)?,
                compressed: u32_at(&cd, at + 20)? as u64,
                size: u32_at(&cd, at + 24)? as u64,
                local_offset: u32_at(&cd, at + 42)? as u64,
            });
            at += 46 + name_len + extra_len + comment_len;
        }
        Ok(Archive {
            src,
            entries,
            inflated: Cell::new(0),
        })
    }

    /// Whether the archive's inflate budget is spent (nothing more will be read from it).
    pub fn spent(&self) -> bool {
        self.inflated.get() > MAX_TOTAL
    }

    pub fn has(&self, name: &str) -> bool {
        self.entries.iter().any(|e| e.name == name)
    }

    /// A stream of the entry's content that fails (as an I/O error carrying the reason) past
    /// `limit` bytes, on a broken deflate stream, or on a wrong size or CRC at its end.
    pub fn reader(&self, name: &str, limit: u64) -> Result<EntryReader<'_>, ZipError> {
        let e = self
            .entries
            .iter()
            .find(|e| e.name == name)
            .ok_or_else(|| damaged(text::part_missing(name)))?;
        if e.flags & 1 != 0 {
            return Err(ZipError::TooLarge(text::part_encrypted(name)));
        }
        if e.size > limit {
            return Err(ZipError::TooLarge(text::declared_bomb(name, limit, e.size)));
        }
        let header = self
            .src
            .read_at(e.local_offset, 30)
            .map_err(ZipError::Read)?;
        if header.len() < 30 || u32_at(&header, 0)? != 0x0403_4b50 {
            return Err(damaged(text::local_header_broken(name)));
        }
        let start = e.local_offset + 30 + u16_at(&header, 26)? as u64 + u16_at(&header, 28)? as u64;
        if start
            .checked_add(e.compressed)
            .is_none_or(|end| end > self.src.len())
        {
            return Err(damaged(text::part_cut_off(name)));
        }
        let state = match e.method {
            0 => None,
            8 => Some(InflateState::new_boxed(DataFormat::Raw)),
            m => {
                return Err(ZipError::TooLarge(text::unsupported_method(name, m)));
            }
        };
        Ok(EntryReader {
            src: self.src,
            name: name.to_string(),
            next: start,
            left: e.compressed,
            input: Vec::new(),
            used: 0,
            state,
            out: 0,
            limit,
            crc: 0xffff_ffff,
            want_crc: e.crc,
            want_size: e.size,
            total: &self.inflated,
            done: false,
            max_run: u64::MAX,
            run: 0,
        })
    }
}

/// The reason carried by an I/O error from an [`EntryReader`] (or the error's own words).
pub fn io_message(e: &io::Error) -> String {
    e.get_ref()
        .map_or_else(|| e.to_string(), ToString::to_string)
}

pub struct EntryReader<'a> {
    src: &'a Source,
    name: String,
    next: u64,
    left: u64,
    input: Vec<u8>,
    used: usize,
    state: Option<Box<InflateState>>,
    out: u64,
    limit: u64,
    crc: u32,
    want_crc: u32,
    want_size: u64,
    total: &'a Cell<u64>,
    done: bool,
    max_run: u64,
    run: u64,
}

impl EntryReader<'_> {
    /// For XML parts: fail on a run of more than `max` bytes without `<` or `>`. An XML
    /// reader holds a whole text or tag in memory, so a part of megabytes of plain spaces
    /// would otherwise reach the memory limit before any inflate limit.
    pub fn markup_runs(mut self, max: u64) -> Self {
        self.max_run = max;
        self
    }

    fn fail(&self, m: String) -> io::Error {
        io::Error::other(m)
    }

    fn refill(&mut self) -> io::Result<()> {
        if self.used < self.input.len() || self.left == 0 {
            return Ok(());
        }
        let n = self.left.min(CHUNK as u64) as usize;
        self.input = self.src.read_at(self.next, n).map_err(io::Error::other)?;
        self.used = 0;
        self.next += n as u64;
        self.left -= n as u64;
        Ok(())
    }

    fn produced(&mut self, bytes: &[u8]) -> io::Result<()> {
        self.out += bytes.len() as u64;
        if self.out > self.limit || self.out > self.want_size {
            return Err(self.fail(text::part_bomb(&self.name, self.want_size.min(self.limit))));
        }
        let total = self.total.get() + bytes.len() as u64;
        self.total.set(total);
        if total > MAX_TOTAL {
            return Err(self.fail(text::archive_bomb(MAX_TOTAL)));
        }
        self.crc = crc32_update(self.crc, bytes);
        if self.max_run != u64::MAX {
            self.run = match bytes.iter().rposition(|&b| b == b'<' || b == b'>') {
                Some(i) => (bytes.len() - 1 - i) as u64,
                None => self.run + bytes.len() as u64,
            };
            if self.run > self.max_run {
                return Err(self.fail(text::file_damaged(&text::no_markup(
                    &self.name,
                    self.max_run,
                ))));
            }
        }
        Ok(())
    }

    fn finish(&mut self) -> io::Result<()> {
        self.done = true;
        if self.out != self.want_size || !self.crc != self.want_crc {
            return Err(self.fail(text::file_damaged(&text::checksum(&self.name))));
        }
        Ok(())
    }
}

impl Read for EntryReader<'_> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if self.done || buf.is_empty() {
            return Ok(0);
        }
        loop {
            self.refill()?;
            let input = &self.input[self.used..];
            let Some(state) = self.state.as_mut() else {
                if input.is_empty() {
                    self.finish()?;
                    return Ok(0);
                }
                let n = input.len().min(buf.len());
                buf[..n].copy_from_slice(&input[..n]);
                self.used += n;
                self.produced(&buf[..n])?;
                return Ok(n);
            };
            let r = inflate(state, input, buf, MZFlush::None);
            self.used += r.bytes_consumed;
            let written = r.bytes_written;
            match r.status {
                Ok(MZStatus::StreamEnd) => {
                    self.produced(&buf[..written])?;
                    self.finish()?;
                    return Ok(written);
                }
                Ok(_) | Err(MZError::Buf) => {
                    if written > 0 {
                        self.produced(&buf[..written])?;
                        return Ok(written);
                    }
                    if r.bytes_consumed > 0 {
                        continue;
                    }
                    if self.used >= self.input.len() && self.left == 0 {
                        return Err(self.fail(text::file_damaged(&text::part_cut_off(&self.name))));
                    }
                    if self.used < self.input.len() {
                        return Err(
                            self.fail(text::file_damaged(&text::does_not_inflate(&self.name)))
                        );
                    }
                }
                Err(_) => {
                    return Err(self.fail(text::file_damaged(&text::does_not_inflate(&self.name))));
                }
            }
        }
    }
}

/// CRC-32 (IEEE, reflected), as ZIP records it; table made at compile time.
const CRC_TABLE: [u32; 256] = {
    let mut t = [0u32; 256];
    let mut i = 0;
    while i < 256 {
        let mut c = i as u32;
        let mut k = 0;
        while k < 8 {
            c = if c & 1 != 0 {
                0xedb8_8320 ^ (c >> 1)
            } else {
                c >> 1
            };
            k += 1;
        }
        t[i] = c;
        i += 1;
    }
    t
};

fn crc32_update(mut crc: u32, bytes: &[u8]) -> u32 {
    for &b in bytes {
        crc = CRC_TABLE[((crc ^ b as u32) & 0xff) as usize] ^ (crc >> 8);
    }
    crc
}
