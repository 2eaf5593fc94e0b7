//! Which format a document is (sniffed from its bytes first: names and media types can lie),
//! and the dispatch to one renderer per format. Every renderer returns a view; failures
//! become an error notice in that view.

mod csv;
mod html;
mod image;
mod markdown;
mod office;
mod pdf;
mod sheet;
mod slides;

use kapsel_sdk::documents::Document;
use kapsel_sdk::prelude::*;

use crate::source::Source;
use crate::text;
use crate::zip::{Archive, ZipError};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Text,
    Markdown,
    Csv,
    Html,
    Docx,
    Xlsx,
    Pptx,
    Odt,
    Pdf,
    Image,
    /// A ZIP container (DOCX, XLSX, PPTX, ODT …) whose structure is broken.
    Damaged,
    Unknown,
}

impl Kind {
    pub fn editable(self) -> bool {
        matches!(self, Kind::Text | Kind::Markdown | Kind::Csv | Kind::Html)
    }

    fn label(self) -> &'static str {
        match self {
            Kind::Text => text::kind_text(),
            Kind::Markdown => "Markdown",
            Kind::Csv => "CSV",
            Kind::Html => "HTML",
            Kind::Docx => text::kind_docx(),
            Kind::Xlsx => text::kind_xlsx(),
            Kind::Pptx => text::kind_pptx(),
            Kind::Odt => text::kind_odt(),
            Kind::Pdf => "PDF",
            Kind::Image => text::kind_image(),
            Kind::Damaged => text::kind_damaged(),
            Kind::Unknown => text::kind_unknown(),
        }
    }
}

/// How much of a document the sniffing looks at.
pub const HEAD: usize = 64 * 1024;
/// How much of a text-like document is read: its beginning, whatever its size (a page holds
/// at most `MAX_TEXT` of text anyway).
const MAX_TEXT_READ: usize = 2 * 1024 * 1024;
/// Formats parsed as a whole (PDF, pictures) are read whole only up to this size.
const MAX_WHOLE: u64 = 16 * 1024 * 1024;

/// `head` is the document's first `HEAD` bytes.
pub fn detect(name: &str, media_type: &str, head: &[u8], src: &Source) -> Kind {
    let ext = name.rsplit('.').next().unwrap_or("").to_ascii_lowercase();
    if head.starts_with(b"%PDF-") {
        return Kind::Pdf;
    }
    if head.starts_with(b"PK\x03\x04") {
        return match Archive::open(src) {
            Ok(zip) if zip.has("word/document.xml") => Kind::Docx,
            Ok(zip) if zip.has("xl/workbook.xml") => Kind::Xlsx,
            Ok(zip) if zip.has("ppt/presentation.xml") => Kind::Pptx,
            Ok(zip) if zip.has("content.xml") => Kind::Odt,
            Ok(_) => Kind::Unknown,
            Err(ZipError::NotZip | ZipError::Damaged(_)) => Kind::Damaged,
            Err(_) => Kind::Unknown,
        };
    }
    // Picture signatures count even when the rest of the header is broken: such a file is a
    // damaged picture, not an unknown file.
    let picture = [
        &b"\x89PNG\r\n\x1a\n"[..],
        b"\xff\xd8\xff",
        b"GIF87a",
        b"GIF89a",
    ];
    if picture.iter().any(|sig| head.starts_with(sig))
        || (imagesize::image_type(head).is_ok() && !head.is_ascii())
    {
        return Kind::Image;
    }
    match (ext.as_str(), media_type) {
        ("md" | "markdown", _) | (_, "text/markdown") => Kind::Markdown,
        ("csv", _) | (_, "text/csv") => Kind::Csv,
        ("html" | "htm", _) | (_, "text/html") => Kind::Html,
        ("docx" | "xlsx" | "pptx" | "odt" | "pdf", _) => Kind::Unknown,
        _ if media_type.starts_with("text/") || ext == "txt" || looks_like_text(head) => Kind::Text,
        _ => Kind::Unknown,
    }
}

/// What a damaged ZIP container was meant to be, from the names in its first local headers
/// (they survive when the end of the file is cut off).
fn damaged_label(name: &str, head: &[u8]) -> &'static str {
    let has = |needle: &[u8]| head.windows(needle.len()).any(|w| w == needle);
    let ext = name.rsplit('.').next().unwrap_or("").to_ascii_lowercase();
    if has(b"word/") || ext == "docx" {
        text::this_docx()
    } else if has(b"xl/") || ext == "xlsx" {
        text::this_xlsx()
    } else if has(b"ppt/") || ext == "pptx" {
        text::this_pptx()
    } else if has(b"application/vnd.oasis.opendocument") || ext == "odt" {
        text::this_odt()
    } else {
        text::this_zip()
    }
}

fn looks_like_text(bytes: &[u8]) -> bool {
    let sample = &bytes[..bytes.len().min(4096)];
    !sample.contains(&0) && std::str::from_utf8(sample).is_ok()
}

/// UTF-8 (with or without BOM), UTF-16 with BOM, else Windows-1252/Latin-1.
pub fn decode_text(bytes: &[u8]) -> String {
    let bytes = bytes.strip_prefix(b"\xef\xbb\xbf").unwrap_or(bytes);
    match std::str::from_utf8(bytes) {
        Ok(s) => return s.to_string(),
        // A beginning cut inside the last character (the viewer reads large texts in part).
        Err(e) if e.error_len().is_none() && e.valid_up_to() + 4 > bytes.len() => {
            return String::from_utf8_lossy(&bytes[..e.valid_up_to()]).into_owned();
        }
        Err(_) => {}
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
        let view = View::new(title).text(text::summary(kind.label(), size));
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
        let mut t = t.trim();
        if t.is_empty() || self.full {
            return;
        }
        // A text longer than the room left is shown up to where the room ends.
        let left = MAX_TEXT.saturating_sub(self.text);
        let cut = t.len() > left;
        if cut {
            let mut end = left;
            while !t.is_char_boundary(end) {
                end -= 1;
            }
            t = &t[..end];
        }
        if !t.is_empty() && self.room(t.len()) {
            self.view = std::mem::replace(&mut self.view, View::new("")).text(t);
        }
        self.full |= cut;
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

    /// A picture; its pixels count against the page's room like text, as the host counts
    /// them against the view's.
    pub fn image(&mut self, alt: &str, width: u32, height: u32, rgb: Vec<u8>) {
        if self.room(alt.len() + rgb.len()) {
            self.view =
                std::mem::replace(&mut self.view, View::new("")).image(alt, width, height, rgb);
        }
    }

    pub fn notice(&mut self, level: Level, t: &str) {
        self.view = std::mem::replace(&mut self.view, View::new("")).notice(level, t);
    }

    pub fn finish(mut self) -> View {
        if self.full {
            self.notice(Level::Warning, text::only_beginning());
        }
        self.view
    }
}

/// Names a program, script or shortcut has: harmless here, dangerous when the user opens the
/// file outside the container.
const EXECUTABLE: &[&str] = &[
    "exe",
    "com",
    "scr",
    "pif",
    "msi",
    "msp",
    "dll",
    "cpl",
    "bat",
    "cmd",
    "ps1",
    "psm1",
    "vbs",
    "vbe",
    "js",
    "jse",
    "wsf",
    "wsh",
    "hta",
    "jar",
    "lnk",
    "url",
    "scf",
    "reg",
    "inf",
    "sh",
    "app",
    "desktop",
    "appref-ms",
    "application",
    "iso",
    "img",
];
/// Office documents that may carry macros.
const MACRO: &[&str] = &[
    "docm", "dotm", "xlsm", "xltm", "xlsb", "xlam", "pptm", "potm", "ppsm", "ppam", "sldm",
];

/// Whether the content is a program (Windows PE, ELF, Mach-O), whatever the name says. A
/// Windows program is recognised by its PE header, not by `MZ` alone, which a text may start
/// with.
fn program(head: &[u8]) -> bool {
    let pe = head.starts_with(b"MZ")
        && head
            .get(0x3c..0x40)
            .map(|b| u32::from_le_bytes([b[0], b[1], b[2], b[3]]) as usize)
            .and_then(|at| head.get(at..at.checked_add(4)?))
            .is_some_and(|sig| sig == b"PE\0\0");
    pe || head.starts_with(b"\x7fELF")
        || head.starts_with(b"\xcf\xfa\xed\xfe")
        || head.starts_with(b"\xfe\xed\xfa\xcf")
}

/// Warnings about what the file could do when opened elsewhere: a program's or script's name,
/// macros (by name or by a VBA project inside), and a name that disagrees with the content.
fn warnings(name: &str, kind: Kind, head: &[u8], src: &Source) -> Vec<String> {
    let ext = match name.rsplit_once('.') {
        Some((_, e)) => e.to_ascii_lowercase(),
        None => String::new(),
    };
    let mut out = Vec::new();
    if EXECUTABLE.contains(&ext.as_str()) {
        out.push(text::warn_executable(&ext));
    }
    let vba = matches!(kind, Kind::Docx | Kind::Xlsx | Kind::Pptx)
        && Archive::open(src).is_ok_and(|zip| {
            zip.entries
                .iter()
                .any(|e| e.name.to_ascii_lowercase().ends_with("vbaproject.bin"))
        });
    if vba {
        out.push(text::warn_macros_inside().into());
    } else if MACRO.contains(&ext.as_str()) {
        out.push(text::warn_macros(&ext));
    }
    let expected = match ext.as_str() {
        "pdf" => Some(Kind::Pdf),
        "docx" | "docm" | "dotx" => Some(Kind::Docx),
        "xlsx" | "xlsm" => Some(Kind::Xlsx),
        "pptx" | "pptm" => Some(Kind::Pptx),
        "odt" => Some(Kind::Odt),
        "png" | "jpg" | "jpeg" | "gif" | "bmp" | "webp" | "tif" | "tiff" => Some(Kind::Image),
        "txt" | "csv" | "md" | "html" | "htm" => Some(Kind::Text),
        _ => None,
    };
    let text_like = |k: Kind| matches!(k, Kind::Text | Kind::Markdown | Kind::Csv | Kind::Html);
    if program(head) && !EXECUTABLE.contains(&ext.as_str()) {
        out.push(text::warn_mismatch(&ext, text::content_program()));
    } else if let Some(want) = expected
        && !matches!(kind, Kind::Damaged | Kind::Unknown)
        && want != kind
        && !(text_like(want) && text_like(kind))
    {
        out.push(text::warn_mismatch(&ext, &text::content_is(kind.label())));
    }
    out
}

pub fn render(doc: &Document, kind: Kind, head: &[u8], src: &Source) -> View {
    let mut page = Page::new(&doc.name, kind, doc.size);
    for w in warnings(&doc.name, kind, head, src) {
        page.notice(Level::Warning, &w);
    }
    let result = match kind {
        Kind::Text | Kind::Markdown | Kind::Csv | Kind::Html => {
            text_like(kind, doc.size, src, &mut page)
        }
        Kind::Docx => office::docx(src, &mut page),
        Kind::Xlsx => sheet::render(src, &mut page),
        Kind::Pptx => slides::render(src, &mut page),
        Kind::Odt => office::odt(src, &mut page),
        Kind::Pdf => whole(doc, "PDF", src).and_then(|b| pdf::render(&b, &mut page)),
        Kind::Image => image::render(head, &doc.name, doc.size, src, &mut page),
        Kind::Damaged => {
            let why = match Archive::open(src) {
                Err(e @ ZipError::Damaged(_)) => e.to_string(),
                _ => text::zip_end_missing(),
            };
            Err(text::damaged_container(
                damaged_label(&doc.name, head),
                &why,
            ))
        }
        Kind::Unknown => Err(text::unknown_format(&doc.media_type, doc.size)),
    };
    if let Err(e) = result {
        page.notice(Level::Error, &text::cannot_show(&e));
    }
    if kind.editable() {
        let v = page.finish();
        return v.button(text::edit_button(), "edit");
    }
    page.finish()
}

/// Texts are read from their beginning only as far as a page can show: a text of any size
/// opens at once.
fn text_like(kind: Kind, size: u64, src: &Source, page: &mut Page) -> Result<(), String> {
    let bytes = src.prefix(MAX_TEXT_READ)?;
    let text = decode_text(&bytes);
    if size > bytes.len() as u64 {
        page.notice(Level::Info, &text::large_text(size, bytes.len()));
    }
    let result = match kind {
        Kind::Markdown => markdown::render(&text, page),
        Kind::Csv => csv::render(&text, page),
        Kind::Html => html::render(&text, page),
        _ => {
            for para in text.split("\n\n") {
                if page.full {
                    break;
                }
                page.text(para);
            }
            Ok(())
        }
    };
    if size > bytes.len() as u64 {
        page.full = true;
    }
    result
}

/// The whole document, for formats that can only be parsed whole.
fn whole(doc: &Document, what: &str, src: &Source) -> Result<Vec<u8>, String> {
    if doc.size > MAX_WHOLE {
        return Err(text::too_large_whole(what, doc.size, MAX_WHOLE));
    }
    src.prefix(doc.size as usize)
}
