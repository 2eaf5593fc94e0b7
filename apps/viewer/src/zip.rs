//! A small, strict ZIP reader for office documents: central directory, stored and deflated
//! entries, and hard limits on entry count and on the size of what is inflated. No ZIP64, no
//! encryption, no multi-disk archives — office files need none of them.

use miniz_oxide::inflate::decompress_to_vec_with_limit;

const MAX_ENTRIES: usize = 10_000;

pub struct Entry {
    pub name: String,
    method: u16,
    compressed: usize,
    local_offset: usize,
}

pub struct Archive<'a> {
    bytes: &'a [u8],
    pub entries: Vec<Entry>,
}

/// `base + off`, where a sum past the address space means a damaged (or hostile) file:
/// every offset and length here comes from the archive itself.
fn add(base: usize, off: usize) -> Result<usize, String> {
    base.checked_add(off)
        .ok_or_else(|| "the ZIP file is damaged (an offset is out of range)".to_string())
}

fn slice(b: &[u8], at: usize, len: usize) -> Result<&[u8], String> {
    b.get(at..add(at, len)?)
        .ok_or_else(|| "the ZIP file is truncated".to_string())
}

fn u16_at(b: &[u8], at: usize) -> Result<u16, String> {
    slice(b, at, 2)
        .ok()
        .map(|s| u16::from_le_bytes([s[0], s[1]]))
        .ok_or_else(|| "the ZIP file is truncated".to_string())
}

fn u32_at(b: &[u8], at: usize) -> Result<u32, String> {
    slice(b, at, 4)
        .ok()
        .map(|s| u32::from_le_bytes([s[0], s[1], s[2], s[3]]))
        .ok_or_else(|| "the ZIP file is truncated".to_string())
}

impl<'a> Archive<'a> {
    pub fn open(bytes: &'a [u8]) -> Result<Archive<'a>, String> {
        // The end-of-central-directory record sits in the last 64 KiB + 22 bytes.
        let start = bytes.len().saturating_sub(65_536 + 22);
        let eocd = (start..bytes.len().saturating_sub(21))
            .rev()
            .find(|&i| bytes[i..i + 4] == [0x50, 0x4b, 0x05, 0x06])
            .ok_or("not a ZIP file (no central directory)")?;
        let count = u16_at(bytes, eocd + 10)? as usize;
        let cd_size = u32_at(bytes, eocd + 12)? as usize;
        let cd_offset = u32_at(bytes, eocd + 16)? as usize;
        if count == 0xffff || cd_offset == 0xffff_ffff {
            return Err("ZIP64 archives are not supported".into());
        }
        if count > MAX_ENTRIES {
            return Err(format!(
                "the archive has {count} entries (at most {MAX_ENTRIES})"
            ));
        }
        if cd_offset
            .checked_add(cd_size)
            .is_none_or(|end| end > bytes.len())
        {
            return Err("the central directory lies outside the file".into());
        }
        let mut entries = Vec::with_capacity(count);
        let mut at = cd_offset;
        for _ in 0..count {
            if u32_at(bytes, at)? != 0x0201_4b50 {
                return Err("a central directory entry is damaged".into());
            }
            let method = u16_at(bytes, add(at, 10)?)?;
            let compressed = u32_at(bytes, add(at, 20)?)? as usize;
            let name_len = u16_at(bytes, add(at, 28)?)? as usize;
            let extra_len = u16_at(bytes, add(at, 30)?)? as usize;
            let comment_len = u16_at(bytes, add(at, 32)?)? as usize;
            let local_offset = u32_at(bytes, add(at, 42)?)? as usize;
            let name = slice(bytes, add(at, 46)?, name_len)?;
            entries.push(Entry {
                name: String::from_utf8_lossy(name).into_owned(),
                method,
                compressed,
                local_offset,
            });
            at = add(add(add(add(at, 46)?, name_len)?, extra_len)?, comment_len)?;
        }
        Ok(Archive { bytes, entries })
    }

    pub fn has(&self, name: &str) -> bool {
        self.entries.iter().any(|e| e.name == name)
    }

    /// The entry's content, inflated to at most `limit` bytes.
    pub fn read(&self, name: &str, limit: usize) -> Result<Vec<u8>, String> {
        let e = self
            .entries
            .iter()
            .find(|e| e.name == name)
            .ok_or_else(|| format!("{name} is missing from the archive"))?;
        let b = self.bytes;
        if u32_at(b, e.local_offset)? != 0x0403_4b50 {
            return Err(format!("the local header of {name} is damaged"));
        }
        let name_len = u16_at(b, add(e.local_offset, 26)?)? as usize;
        let extra_len = u16_at(b, add(e.local_offset, 28)?)? as usize;
        let start = add(add(add(e.local_offset, 30)?, name_len)?, extra_len)?;
        let data = slice(b, start, e.compressed).map_err(|_| format!("{name} is truncated"))?;
        match e.method {
            0 if data.len() <= limit => Ok(data.to_vec()),
            0 => Err(format!("{name} is larger than {limit} bytes")),
            8 => decompress_to_vec_with_limit(data, limit).map_err(|err| {
                if matches!(err.status, miniz_oxide::inflate::TINFLStatus::HasMoreOutput) {
                    format!("{name} inflates to more than {limit} bytes (a decompression bomb?)")
                } else {
                    format!("{name} does not inflate: {:?}", err.status)
                }
            }),
            m => Err(format!(
                "{name} uses compression method {m}, which is not supported"
            )),
        }
    }
}
