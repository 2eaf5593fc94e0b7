//! Which format a document is (sniffed from its bytes first: names and media types can lie),
//! and the dispatch to one renderer per format. Every renderer returns a view; failures
//! become an error notice in that view.

mod csv;
mod html;
mod image;
mod markdown;
mod office;
mod pdf;

use kapsel_sdk::documents::Document;
use kapsel_sdk::prelude::*;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Text,
    Markdown,
    Csv,
    Html,
    Docx,
    Odt,
    Pdf,
    Image,
    Unknown,
}

impl Kind {
    pub fn editable(self) -> bool {
        matches!(self, Kind::Text | Kind::Markdown | Kind::Csv | Kind::Html)
    }

    fn label(self) -> &'static str {
        match self {
            Kind::Text => "text",
            Kind::Markdown => "Markdown",
            Kind::Csv => "CSV",
            Kind::Html => "HTML",
            Kind::Docx => "Word document (DOCX)",
            Kind::Odt => "OpenDocument text (ODT)",
            Kind::Pdf => "PDF",
            Kind::Image => "image",
            Kind::Unknown => "unknown",
        }
    }
}

pub fn detect(name: &str, media_type: &str, bytes: &[u8]) -> Kind {
    let ext = name.rsplit('.').next().unwrap_or("").to_ascii_lowercase();
    if bytes.starts_with(b"%PDF-") {
        return Kind::Pdf;
    }
    if bytes.starts_with(b"PK\x03\x04") {
        if let Ok(zip) = crate::zip::Archive::open(bytes) {
            if zip.has("word/document.xml") {
                return Kind::Docx;
            }
            if zip.has("content.xml") {
                return Kind::Odt;
            }
        }
        return Kind::Unknown;
    }
    if imagesize::image_type(bytes).is_ok() && !bytes.is_ascii() {
        return Kind::Image;
    }
    match (ext.as_str(), media_type) {
        ("md" | "markdown", _) | (_, "text/markdown") => Kind::Markdown,
        ("csv", _) | (_, "text/csv") => Kind::Csv,
        ("html" | "htm", _) | (_, "text/html") => Kind::Html,
        ("docx" | "odt" | "pdf", _) => Kind::Unknown,
        _ if media_type.starts_with("text/") || ext == "txt" || looks_like_text(bytes) => {
            Kind::Text
        }
        _ => Kind::Unknown,
    }
}

fn looks_like_text(bytes: &[u8]) -> bool {
    let sample = &bytes[..bytes.len().min(4096)];
    !sample.contains(&0) && std::str::from_utf8(sample).is_ok()
}

/// UTF-8 (with or without BOM), UTF-16 with BOM, else Windows-1252/Latin-1.
pub fn decode_text(bytes: &[u8]) -> String {
    let bytes = bytes.strip_prefix(b"\xef\xbb\xbf").unwrap_or(bytes);
    if let Ok(s) = std::str::from_utf8(bytes) {
        return s.to_string();
    }
    let utf16 = |le: bool, b: &[u8]| -> String {
        let units: Vec<u16> = b
            .chunks_exact(2)
            .map(|c| {
                if le {
                    u16::from_le_bytes([c[0], c[1]])
                } else {
                    u16::from_be_bytes([c[0], c[1]])
                }
            })
            .collect();
        String::from_utf16_lossy(&units)
    };
    if let Some(rest) = bytes.strip_prefix(b"\xff\xfe") {
        return utf16(true, rest);
    }
    if let Some(rest) = bytes.strip_prefix(b"\xfe\xff") {
        return utf16(false, rest);
    }
    bytes.iter().map(|&b| windows_1252(b)).collect()
}

fn windows_1252(b: u8) -> char {
    const HIGH: [char; 32] = [
        '€', '\u{81}', '‚', 'ƒ', '„', '…', '†', '‡', 'ˆ', '‰', 'Š', '‹', 'Œ', '\u{8d}', 'Ž',
        '\u{8f}', '\u{90}', '‘', '’', '“', '”', '•', '–', '—', '˜', '™', 'š', '›', 'œ', '\u{9d}',
        'ž', 'Ÿ',
    ];
    match b {
        0x80..=0x9f => HIGH[(b - 0x80) as usize],
        _ => b as char,
    }
}

/// A view that stops growing before the host's limits, and says so.
pub struct Page {
    view: View,
    blocks: usize,
    text: usize,
    pub full: bool,
}

const MAX_BLOCKS: usize = 4000;
const MAX_TEXT: usize = 1536 * 1024;

impl Page {
    pub fn new(title: &str, kind: Kind, size: u64) -> Page {
        let view = View::new(title).text(format!("{} · {} bytes", kind.label(), size));
        Page {
            view,
            blocks: 1,
            text: 0,
            full: false,
        }
    }

    fn room(&mut self, text: usize) -> bool {
        if self.full || self.blocks + 1 >= MAX_BLOCKS || self.text + text > MAX_TEXT {
            self.full = true;
            return false;
        }
        self.blocks += 1;
        self.text += text;
        true
    }

    pub fn heading(&mut self, t: &str) {
        if self.room(t.len()) {
            self.view = std::mem::replace(&mut self.view, View::new("")).heading(t);
        }
    }

    pub fn text(&mut self, t: &str) {
        let t = t.trim();
        if !t.is_empty() && self.room(t.len()) {
            self.view = std::mem::replace(&mut self.view, View::new("")).text(t);
        }
    }

    pub fn item(&mut self, t: &str) {
        if self.room(t.len()) {
            self.view = std::mem::replace(&mut self.view, View::new("")).item(Item::new(t));
        }
    }

    pub fn link(&mut self, label: &str, url: &str) {
        if self.room(label.len() + url.len()) {
            self.view = std::mem::replace(&mut self.view, View::new("")).link(label, url);
        }
    }

    pub fn table(&mut self, columns: Vec<String>, rows: Vec<Vec<String>>) {
        let size: usize = columns
            .iter()
            .chain(rows.iter().flatten())
            .map(String::len)
            .sum();
        if self.room(size) {
            self.view = std::mem::replace(&mut self.view, View::new("")).table(columns, rows);
        }
    }

    pub fn notice(&mut self, level: Level, t: &str) {
        self.view = std::mem::replace(&mut self.view, View::new("")).notice(level, t);
    }

    pub fn finish(mut self) -> View {
        if self.full {
            self.notice(
                Level::Warning,
                "The document is long: only its beginning is shown.",
            );
        }
        self.view
    }
}

pub fn render(doc: &Document, kind: Kind, bytes: &[u8]) -> View {
    let mut page = Page::new(&doc.name, kind, doc.size);
    let result = match kind {
        Kind::Text => {
            for para in decode_text(bytes).split("\n\n") {
                page.text(para);
            }
            Ok(())
        }
        Kind::Markdown => markdown::render(&decode_text(bytes), &mut page),
        Kind::Csv => csv::render(bytes, &mut page),
        Kind::Html => html::render(&decode_text(bytes), &mut page),
        Kind::Docx => office::docx(bytes, &mut page),
        Kind::Odt => office::odt(bytes, &mut page),
        Kind::Pdf => pdf::render(bytes, &mut page),
        Kind::Image => image::render(bytes, &mut page),
        Kind::Unknown => Err(format!(
            "the viewer cannot show this file ({}, {} bytes)",
            doc.media_type, doc.size
        )),
    };
    if let Err(e) = result {
        page.notice(Level::Error, &format!("Cannot show this file: {e}"));
    }
    if kind.editable() {
        let v = page.finish();
        return v.button("Edit", "edit");
    }
    page.finish()
}
