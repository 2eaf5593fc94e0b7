//! Documents inside the container: files the user imported, attachments, downloads and new
//! versions saved by apps. Each is a sealed blob plus a sealed record; nothing here can write
//! outside the container (there is deliberately no export).

use std::io::Read;

use kapsel_i18n::t;
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::vault::Vault;

const NS: &str = "documents";
const BLOB_NS: &str = "documents";
/// Largest document kept (attachments of 25 MB and more fit).
pub const MAX_DOCUMENT: u64 = 256 * 1024 * 1024;

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct DocumentInfo {
    pub id: String,
    pub name: String,
    pub media_type: String,
    pub size: u64,
    pub blob: String,
    pub created_ms: u64,
    /// Who put it here: "import", "app:<id>", "mail", …
    pub source: String,
    /// The document this one is a new version of.
    pub parent: Option<String>,
}

fn clean_name(name: &str) -> Result<String> {
    let base = name.rsplit(['/', '\\']).next().unwrap_or("").trim();
    if base.is_empty()
        || base == "."
        || base == ".."
        || base.len() > 255
        || base.chars().any(char::is_control)
    {
        return Err(Error::invalid(t!(
            kapsel_i18n::current(),
            "core-document-bad-name",
            name = format!("{name:?}")
        )));
    }
    Ok(base.to_string())
}

fn valid_media_type(t: &str) -> bool {
    let mut parts = t.splitn(2, '/');
    let ok = |s: Option<&str>| {
        s.is_some_and(|s| {
            !s.is_empty()
                && s.len() <= 127
                && s.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b"!#$&^_.+-".contains(&b))
        })
    };
    ok(parts.next()) && ok(parts.next())
}

/// The cleaned name, if both it and the media type are acceptable.
fn checked_name_and_type(name: &str, media_type: &str) -> Result<String> {
    let name = clean_name(name)?;
    if !valid_media_type(media_type) {
        return Err(Error::invalid(t!(
            kapsel_i18n::current(),
            "core-document-bad-media-type",
            media_type = format!("{media_type:?}")
        )));
    }
    Ok(name)
}

/// A new version must name a document that exists.
fn require_parent(vault: &Vault, parent: Option<&str>) -> Result<()> {
    if let Some(p) = parent
        && get(vault, p)?.is_none()
    {
        return Err(Error::NotFound(t!(
            kapsel_i18n::current(),
            "core-document-not-found",
            id = p
        )));
    }
    Ok(())
}

/// A media type from the file name, for imports.
pub fn guess_media_type(name: &str) -> &'static str {
    let ext = name.rsplit('.').next().unwrap_or("").to_ascii_lowercase();
    match ext.as_str() {
        "txt" | "log" => "text/plain",
        "md" | "markdown" => "text/markdown",
        "csv" => "text/csv",
        "html" | "htm" => "text/html",
        "json" => "application/json",
        "xml" => "application/xml",
        "pdf" => "application/pdf",
        "docx" => "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "odt" => "application/vnd.oasis.opendocument.text",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "eml" => "message/rfc822",
        _ => "application/octet-stream",
    }
}

/// Store a document from a stream (bounded by `MAX_DOCUMENT`): its blob and its record.
pub fn save(
    vault: &Vault,
    name: &str,
    media_type: &str,
    source: &str,
    parent: Option<&str>,
    data: impl Read,
) -> Result<DocumentInfo> {
    let info = stage(vault, BLOB_NS, name, media_type, source, parent, data)?;
    if let Err(e) = record(vault, &info) {
        discard(vault, &info);
        return Err(e);
    }
    Ok(info)
}

/// Write a document's sealed blob (under blob namespace `blob_ns`, which quotas count) but
/// no record yet: the document exists once [`record`] runs, or never if [`discard`] runs
/// instead (an app call that traps after saving).
pub fn stage(
    vault: &Vault,
    blob_ns: &str,
    name: &str,
    media_type: &str,
    source: &str,
    parent: Option<&str>,
    mut data: impl Read,
) -> Result<DocumentInfo> {
    let name = checked_name_and_type(name, media_type)?;
    require_parent(vault, parent)?;
    let mut writer = vault.blob_writer(blob_ns)?;
    let mut buf = vec![0u8; 64 * 1024];
    let mut size = 0u64;
    loop {
        let n = data.read(&mut buf).map_err(Error::io(t!(
            kapsel_i18n::current(),
            "core-document-unreadable"
        )))?;
        if n == 0 {
            break;
        }
        size += n as u64;
        if size > MAX_DOCUMENT {
            return Err(Error::invalid(t!(
                kapsel_i18n::current(),
                "core-document-too-large",
                limit = MAX_DOCUMENT.to_string()
            )));
        }
        writer.write_bytes(&buf[..n])?;
    }
    zeroize::Zeroize::zeroize(&mut buf);
    let blob = writer.finish()?;
    Ok(DocumentInfo {
        id: hex::encode(crate::vault::crypto::random_bytes::<8>()),
        name,
        media_type: media_type.to_string(),
        size,
        blob,
        created_ms: crate::vault::now_ms(),
        source: source.to_string(),
        parent: parent.map(str::to_string),
    })
}

/// A document being written piece by piece (an app's `documents.writer`): its name and
/// type are checked up front, its size is bounded by `MAX_DOCUMENT` as it grows, and it
/// becomes a staged document at [`PieceWriter::finish`] — which, like [`stage`], still needs
/// [`record`]. Dropped unfinished, its partial blob is removed.
pub struct PieceWriter {
    sink: crate::vault::BlobSink,
    name: String,
    media_type: String,
}

impl PieceWriter {
    pub fn begin(vault: &Vault, blob_ns: &str, name: &str, media_type: &str) -> Result<Self> {
        let name = checked_name_and_type(name, media_type)?;
        Ok(PieceWriter {
            sink: vault.blob_sink(blob_ns)?,
            name,
            media_type: media_type.to_string(),
        })
    }

    /// Bytes written so far.
    pub fn size(&self) -> u64 {
        self.sink.size()
    }

    pub fn append(&mut self, vault: &Vault, data: &[u8]) -> Result<u64> {
        if self.sink.size().saturating_add(data.len() as u64) > MAX_DOCUMENT {
            return Err(Error::invalid(t!(
                kapsel_i18n::current(),
                "core-document-too-large",
                limit = MAX_DOCUMENT.to_string()
            )));
        }
        self.sink.write_bytes(vault, data)?;
        Ok(self.sink.size())
    }

    pub fn finish(self, vault: &Vault, source: &str, parent: Option<&str>) -> Result<DocumentInfo> {
        require_parent(vault, parent)?;
        let size = self.sink.size();
        let blob = self.sink.finish(vault)?;
        Ok(DocumentInfo {
            id: hex::encode(crate::vault::crypto::random_bytes::<8>()),
            name: self.name,
            media_type: self.media_type,
            size,
            blob,
            created_ms: crate::vault::now_ms(),
            source: source.to_string(),
            parent: parent.map(str::to_string),
        })
    }
}

/// Make a staged document part of the container.
pub fn record(vault: &Vault, info: &DocumentInfo) -> Result<()> {
    let bytes = serde_json::to_vec(info).map_err(|e| {
        Error::Agent(t!(
            kapsel_i18n::current(),
            "core-document-encode",
            error = e.to_string()
        ))
    })?;
    vault.put(NS, &info.id, &bytes)
}

/// Drop a staged document's blob (best effort: an orphan is swept at the next unlock).
pub fn discard(vault: &Vault, info: &DocumentInfo) {
    let _ = vault.blob_delete(&info.blob);
}

pub fn get(vault: &Vault, id: &str) -> Result<Option<DocumentInfo>> {
    if id.is_empty() || id.len() > 64 || !id.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(Error::invalid(t!(
            kapsel_i18n::current(),
            "core-document-bad-id",
            id = format!("{id:?}")
        )));
    }
    match vault.get(NS, id)? {
        None => Ok(None),
        Some(raw) => serde_json::from_slice(&raw).map(Some).map_err(|_| {
            Error::Tampered(t!(
                kapsel_i18n::current(),
                "core-document-malformed",
                id = id
            ))
        }),
    }
}

pub fn list(vault: &Vault) -> Result<Vec<DocumentInfo>> {
    let mut out = Vec::new();
    for id in vault.keys_in(NS)? {
        if let Some(d) = get(vault, &id)? {
            out.push(d);
        }
    }
    out.sort_by(|a, b| a.created_ms.cmp(&b.created_ms).then(a.id.cmp(&b.id)));
    Ok(out)
}

/// Read `len` bytes at `offset` of a document: only the chunks holding them are decrypted.
pub fn read_range(vault: &Vault, doc: &DocumentInfo, offset: u64, len: usize) -> Result<Vec<u8>> {
    let mut r = vault.blob_reader(&doc.blob)?;
    r.seek_to(offset)?;
    let mut out = Vec::with_capacity(len.min(doc.size as usize));
    (&mut r)
        .take(len as u64)
        .read_to_end(&mut out)
        .map_err(|e| Error::Tampered(e.to_string()))?;
    Ok(out)
}

pub fn remove(vault: &Vault, id: &str) -> Result<bool> {
    match get(vault, id)? {
        None => Ok(false),
        Some(d) => {
            vault.delete(NS, id)?;
            vault.blob_delete(&d.blob)?;
            Ok(true)
        }
    }
}
