//! Word (DOCX, Office Open XML) and OpenDocument text (ODT), plus what the Office formats share
//! (part streams, relationships, text runs). The ZIP container is read by our strict reader
//! with inflate limits, each XML part is read with quick-xml as a stream straight from the
//! inflater (parsing stops once the page is full): paragraphs, headings, list items, tables,
//! DOCX headers, footers, footnotes and endnotes, ODT headers and footers (from the master pages
//! of `styles.xml`) become blocks; everything else is skipped.

use std::collections::HashMap;
use std::io::BufReader;

use quick_xml::Reader;
use quick_xml::events::{BytesStart, Event};

use super::Page;
use crate::source::Source;
use crate::text;
use crate::zip::{Archive, EntryReader, io_message};

/// Largest XML part inflated (a 1 GB bomb stops here, long before memory runs out).
pub const MAX_XML: u64 = 24 * 1024 * 1024;
/// Largest small part (relationships, workbook, presentation, headers, notes …).
pub const MAX_SMALL: u64 = 4 * 1024 * 1024;

/// Longest text or tag an XML part may have: the parser holds one whole in memory.
const MAX_RUN: u64 = 4 * 1024 * 1024;

pub type XmlReader<'a> = Reader<BufReader<EntryReader<'a>>>;

/// A streaming XML reader over one part of the archive.
pub fn part<'a>(zip: &'a Archive<'a>, name: &str, limit: u64) -> Result<XmlReader<'a>, String> {
    let r = zip.reader(name, limit)?.markup_runs(MAX_RUN);
    Ok(Reader::from_reader(BufReader::with_capacity(64 * 1024, r)))
}

/// The next event, with an inflate or damage error told in its own words.
pub fn next<'b>(
    reader: &mut XmlReader<'_>,
    buf: &'b mut Vec<u8>,
    part: &str,
) -> Result<Event<'b>, String> {
    buf.clear();
    reader.read_event_into(buf).map_err(|e| match e {
        quick_xml::Error::Io(io) => io_message(&io),
        e => text::not_well_formed(part, &e.to_string()),
    })
}

pub fn local(name: &[u8]) -> &[u8] {
    name.iter()
        .position(|&b| b == b':')
        .map_or(name, |i| &name[i + 1..])
}

pub fn attr_value(e: &BytesStart, key: &[u8]) -> Option<String> {
    e.attributes()
        .flatten()
        .find(|a| local(a.key.as_ref()) == key)
        .map(|a| String::from_utf8_lossy(&a.value).into_owned())
}

/// Text and entity events appended to `out`.
pub fn push_text(ev: &Event, out: &mut String) {
    match ev {
        Event::Text(t) => {
            if let Ok(s) = t.xml_content() {
                out.push_str(&s);
            }
        }
        Event::CData(t) => out.push_str(&String::from_utf8_lossy(t)),
        Event::GeneralRef(r) => {
            if let Some(c) = r.resolve_char_ref().ok().flatten() {
                out.push(c);
            } else if let Some(s) = kapsel_text::decode_entity(&String::from_utf8_lossy(r)) {
                out.push_str(&s);
            }
        }
        _ => {}
    }
}

/// One relationship of a part: its id, type (the last path segment of the type URI) and
/// the archive path it points to (external targets are left out: nothing remote is loaded).
pub struct Rel {
    pub id: String,
    pub kind: String,
    pub target: String,
}

/// The relationships of `part` (`dir/_rels/name.rels`); none when the file has none.
pub fn rels(zip: &Archive, part_name: &str) -> Result<Vec<Rel>, String> {
    let (dir, file) = part_name.rsplit_once('/').unwrap_or(("", part_name));
    let rels_name = if dir.is_empty() {
        format!("_rels/{file}.rels")
    } else {
        format!("{dir}/_rels/{file}.rels")
    };
    if !zip.has(&rels_name) {
        return Ok(Vec::new());
    }
    let mut reader = part(zip, &rels_name, MAX_SMALL)?;
    let mut buf = Vec::new();
    let mut out = Vec::new();
    loop {
        match next(&mut reader, &mut buf, &rels_name)? {
            Event::Start(e) | Event::Empty(e) if local(e.name().as_ref()) == b"Relationship" => {
                if attr_value(&e, b"TargetMode").is_some_and(|m| m == "External") {
                    continue;
                }
                let (Some(id), Some(kind), Some(target)) = (
                    attr_value(&e, b"Id"),
                    attr_value(&e, b"Type"),
                    attr_value(&e, b"Target"),
                ) else {
                    continue;
                };
                out.push(Rel {
                    id,
                    kind: kind.rsplit('/').next().unwrap_or("").to_string(),
                    target: resolve(dir, &target),
                });
            }
            Event::Eof => break,
            _ => {}
        }
    }
    Ok(out)
}

/// A relationship target as an archive path: relative to the source part's folder, or
/// absolute from the archive's root; `..` never climbs above the root.
pub fn resolve(dir: &str, target: &str) -> String {
    let mut parts: Vec<&str> = if target.starts_with('/') {
        Vec::new()
    } else {
        dir.split('/').filter(|s| !s.is_empty()).collect()
    };
    for seg in target.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            s => parts.push(s),
        }
    }
    parts.join("/")
}

#[derive(Default)]
struct Flow {
    para: String,
    heading: bool,
    list: bool,
    row: Vec<String>,
    rows: Vec<Vec<String>>,
    table_depth: usize,
}

impl Flow {
    fn end_paragraph(&mut self, page: &mut Page) {
        let text = self.para.trim().to_string();
        self.para.clear();
        if self.table_depth > 0 {
            if let Some(last) = self.row.last_mut() {
                if !last.is_empty() && !text.is_empty() {
                    last.push(' ');
                }
                last.push_str(&text);
            }
        } else if !text.is_empty() {
            if self.heading {
                page.heading(&text);
            } else if self.list {
                page.item(&text);
            } else {
                page.text(&text);
            }
        }
        self.heading = false;
        self.list = false;
    }

    fn end_table(&mut self, page: &mut Page) {
        let rows = std::mem::take(&mut self.rows);
        table(rows, page);
    }
}

/// Rows as a table: the first row names the columns; ragged rows are padded.
pub fn table(mut rows: Vec<Vec<String>>, page: &mut Page) {
    if rows.is_empty() {
        return;
    }
    let mut columns = rows.remove(0);
    let width = rows
        .iter()
        .map(Vec::len)
        .chain([columns.len()])
        .max()
        .unwrap_or(0);
    columns.resize(width, String::new());
    for r in &mut rows {
        r.resize(width, String::new());
    }
    page.table(columns, rows);
}

/// Footnote and endnote texts by id, and the order in which the body refers to them (the
/// numbers a reader sees).
#[derive(Default)]
struct Notes {
    text: HashMap<(bool, String), String>,
    order: Vec<(bool, String)>,
    number: HashMap<(bool, String), usize>,
    counts: [usize; 2],
}

impl Notes {
    /// The marker for a reference in the body: footnotes 1, 2, 3; endnotes i, ii, iii.
    fn refer(&mut self, endnote: bool, id: String) -> String {
        let key = (endnote, id);
        let n = match self.number.get(&key) {
            Some(&n) => n,
            None => {
                let count = &mut self.counts[usize::from(endnote)];
                *count += 1;
                let n = *count;
                self.number.insert(key.clone(), n);
                self.order.push(key);
                n
            }
        };
        if endnote { roman(n) } else { n.to_string() }
    }
}

fn roman(mut n: usize) -> String {
    const R: [(usize, &str); 9] = [
        (100, "c"),
        (90, "xc"),
        (50, "l"),
        (40, "xl"),
        (10, "x"),
        (9, "ix"),
        (5, "v"),
        (4, "iv"),
        (1, "i"),
    ];
    let mut s = String::new();
    for (v, r) in R {
        while n >= v && s.len() < 40 {
            s.push_str(r);
            n -= v;
        }
    }
    s
}

const MAX_NOTES: usize = 5000;

/// The notes of `footnotes.xml` or `endnotes.xml`: id → text (separators left out).
fn read_notes(zip: &Archive, name: &str, endnote: bool, notes: &mut Notes) -> Result<(), String> {
    if !zip.has(name) {
        return Ok(());
    }
    let mut reader = part(zip, name, MAX_XML)?;
    let mut buf = Vec::new();
    let mut current: Option<String> = None;
    let mut text = String::new();
    let mut in_text = false;
    loop {
        let ev = next(&mut reader, &mut buf, name)?;
        match &ev {
            Event::Start(e) if matches!(local(e.name().as_ref()), b"footnote" | b"endnote") => {
                let special = attr_value(e, b"type").is_some_and(|t| t != "normal");
                current = if special { None } else { attr_value(e, b"id") };
                text.clear();
            }
            Event::End(e) if matches!(local(e.name().as_ref()), b"footnote" | b"endnote") => {
                if let Some(id) = current.take()
                    && notes.text.len() < MAX_NOTES
                {
                    notes.text.insert((endnote, id), text.trim().to_string());
                }
            }
            Event::Start(e) if local(e.name().as_ref()) == b"t" => in_text = true,
            Event::End(e) if local(e.name().as_ref()) == b"t" => in_text = false,
            Event::End(e) if local(e.name().as_ref()) == b"p" => text.push(' '),
            Event::Eof => break,
            ev if in_text && current.is_some() && text.len() < 64 * 1024 => {
                push_text(ev, &mut text)
            }
            _ => {}
        }
    }
    Ok(())
}

/// The paragraphs of a header or footer part, as lines.
fn header_lines(zip: &Archive, name: &str) -> Result<Vec<String>, String> {
    let mut reader = part(zip, name, MAX_SMALL)?;
    let mut buf = Vec::new();
    let mut lines = Vec::new();
    let mut line = String::new();
    let mut in_text = false;
    loop {
        let ev = next(&mut reader, &mut buf, name)?;
        match &ev {
            Event::Start(e) if local(e.name().as_ref()) == b"t" => in_text = true,
            Event::End(e) if local(e.name().as_ref()) == b"t" => in_text = false,
            Event::Empty(e) if local(e.name().as_ref()) == b"tab" => line.push(' '),
            Event::End(e) if local(e.name().as_ref()) == b"p" => {
                let l = line.split_whitespace().collect::<Vec<_>>().join(" ");
                if !l.is_empty() && lines.len() < 50 {
                    lines.push(l);
                }
                line.clear();
            }
            Event::Eof => break,
            ev if in_text && line.len() < 4096 => push_text(ev, &mut line),
            _ => {}
        }
    }
    Ok(lines)
}

/// Headers or footers, each distinct text once (first-page, even and default versions are
/// often the same).
fn page_furniture(zip: &Archive, rels: &[Rel], kind: &str, label: &str, page: &mut Page) {
    let mut seen: Vec<Vec<String>> = Vec::new();
    for rel in rels.iter().filter(|r| r.kind == kind) {
        match header_lines(zip, &rel.target) {
            Ok(lines) if !lines.is_empty() && !seen.contains(&lines) => {
                page.text(&format!("{label}: {}", lines.join(" · ")));
                seen.push(lines);
            }
            Ok(_) => {}
            Err(e) => page.notice(kapsel_sdk::Level::Warning, &format!("{label}: {e}")),
        }
    }
}

pub fn docx(src: &Source, page: &mut Page) -> Result<(), String> {
    let zip = Archive::open(src)?;
    let main = "word/document.xml";
    let rels = rels(&zip, main)?;
    let mut notes = Notes::default();
    read_notes(&zip, "word/footnotes.xml", false, &mut notes)?;
    read_notes(&zip, "word/endnotes.xml", true, &mut notes)?;
    page_furniture(&zip, &rels, "header", text::header(), page);

    let mut reader = part(&zip, main, MAX_XML)?;
    let mut buf = Vec::new();
    let mut flow = Flow::default();
    let mut in_text = false;
    while !page.full {
        let ev = next(&mut reader, &mut buf, main)?;
        match &ev {
            Event::Start(e) | Event::Empty(e) if local(e.name().as_ref()) == b"pStyle" => {
                let style = attr_value(e, b"val")
                    .unwrap_or_default()
                    .to_ascii_lowercase();
                flow.heading = style.starts_with("heading")
                    || style.starts_with("berschrift")
                    || style == "title";
                flow.list |= style.contains("list");
            }
            Event::Start(e) | Event::Empty(e) if local(e.name().as_ref()) == b"numPr" => {
                flow.list = true
            }
            Event::Empty(e)
                if matches!(
                    local(e.name().as_ref()),
                    b"footnoteReference" | b"endnoteReference"
                ) =>
            {
                let endnote = local(e.name().as_ref()) == b"endnoteReference";
                if let Some(id) = attr_value(e, b"id") {
                    let mark = notes.refer(endnote, id);
                    flow.para.push_str(&format!("[{mark}]"));
                }
            }
            Event::Start(e) if local(e.name().as_ref()) == b"t" => in_text = true,
            Event::End(e) if local(e.name().as_ref()) == b"t" => in_text = false,
            Event::Empty(e) if local(e.name().as_ref()) == b"tab" => flow.para.push('\t'),
            Event::Empty(e) if matches!(local(e.name().as_ref()), b"br" | b"cr") => {
                flow.para.push('\n')
            }
            Event::End(e) if local(e.name().as_ref()) == b"p" => flow.end_paragraph(page),
            Event::Start(e) if local(e.name().as_ref()) == b"tbl" => flow.table_depth += 1,
            Event::End(e) if local(e.name().as_ref()) == b"tbl" => {
                flow.table_depth = flow.table_depth.saturating_sub(1);
                if flow.table_depth == 0 {
                    flow.end_table(page);
                }
            }
            Event::Start(e) if local(e.name().as_ref()) == b"tc" => flow.row.push(String::new()),
            Event::End(e) if local(e.name().as_ref()) == b"tr" => {
                let row = std::mem::take(&mut flow.row);
                flow.rows.push(row);
            }
            Event::Eof => break,
            ev if in_text => push_text(ev, &mut flow.para),
            _ => {}
        }
    }
    for (endnote, title) in [(false, text::footnotes()), (true, text::endnotes())] {
        let mut first = true;
        let mut n = 0;
        for key in notes.order.iter().filter(|k| k.0 == endnote) {
            n += 1;
            let Some(text) = notes.text.get(key) else {
                continue;
            };
            if first {
                page.heading(title);
                first = false;
            }
            let mark = if endnote { roman(n) } else { n.to_string() };
            page.text(&format!("[{mark}] {text}"));
        }
    }
    page_furniture(&zip, &rels, "footer", text::footer(), page);
    Ok(())
}

/// An ODT's headers and footers: they live in the master pages of `styles.xml`, one
/// `style:header` / `style:footer` each (plus `-left` and `-first` variants), as paragraphs.
#[derive(Default)]
struct OdtFurniture {
    headers: Vec<Vec<String>>,
    footers: Vec<Vec<String>>,
}

fn odt_furniture(zip: &Archive) -> Result<OdtFurniture, String> {
    let name = "styles.xml";
    let mut out = OdtFurniture::default();
    if !zip.has(name) {
        return Ok(out);
    }
    let mut reader = part(zip, name, MAX_SMALL)?;
    let mut buf = Vec::new();
    // Inside a header (true) or footer (false), its lines so far and the open paragraph.
    let mut open: Option<bool> = None;
    let mut lines: Vec<String> = Vec::new();
    let mut line = String::new();
    let mut in_para = 0usize;
    loop {
        let ev = next(&mut reader, &mut buf, name)?;
        match &ev {
            Event::Start(e) => match local(e.name().as_ref()) {
                b"header" | b"header-left" | b"header-first" => open = Some(true),
                b"footer" | b"footer-left" | b"footer-first" => open = Some(false),
                b"p" | b"h" if open.is_some() => in_para += 1,
                _ => {}
            },
            Event::Empty(e) if in_para > 0 => match local(e.name().as_ref()) {
                b"s" | b"tab" | b"line-break" => line.push(' '),
                _ => {}
            },
            Event::End(e) => match local(e.name().as_ref()) {
                b"p" | b"h" if in_para > 0 => {
                    in_para -= 1;
                    let l = line.split_whitespace().collect::<Vec<_>>().join(" ");
                    if !l.is_empty() && lines.len() < 50 {
                        lines.push(l);
                    }
                    line.clear();
                }
                b"header" | b"header-left" | b"header-first" | b"footer" | b"footer-left"
                | b"footer-first" => {
                    let which = if open == Some(true) {
                        &mut out.headers
                    } else {
                        &mut out.footers
                    };
                    let done = std::mem::take(&mut lines);
                    if !done.is_empty() && !which.contains(&done) && which.len() < 20 {
                        which.push(done);
                    }
                    open = None;
                    in_para = 0;
                }
                _ => {}
            },
            Event::Eof => break,
            ev if in_para > 0 && line.len() < 4096 => push_text(ev, &mut line),
            _ => {}
        }
    }
    Ok(out)
}

/// A foot- or endnote of an ODT: the marker the author's program numbered it with, and its
/// text.
#[derive(Default)]
struct OdtNote {
    endnote: bool,
    citation: String,
    body: String,
    in_citation: bool,
}

pub fn odt(src: &Source, page: &mut Page) -> Result<(), String> {
    let zip = Archive::open(src)?;
    // A broken styles part costs the headers and footers, not the text.
    let furniture = odt_furniture(&zip).unwrap_or_else(|e| {
        page.notice(
            kapsel_sdk::Level::Warning,
            &format!("{}: {e}", text::header()),
        );
        OdtFurniture::default()
    });
    for lines in &furniture.headers {
        page.text(&format!("{}: {}", text::header(), lines.join(" · ")));
    }
    let name = "content.xml";
    let mut reader = part(&zip, name, MAX_XML)?;
    let mut buf = Vec::new();
    let mut flow = Flow::default();
    let mut depth_in_text = 0usize;
    let mut list_depth = 0usize;
    // A note sits inside the paragraph that refers to it: its citation becomes the marker in
    // that paragraph, its body is collected and shown after the text, as DOCX notes are.
    let mut note: Option<OdtNote> = None;
    let mut notes: Vec<OdtNote> = Vec::new();
    while !page.full {
        let ev = next(&mut reader, &mut buf, name)?;
        if let Some(n) = note.as_mut() {
            match &ev {
                // A file cut inside a note ends here, not in a loop.
                Event::Eof => break,
                Event::Start(e) if local(e.name().as_ref()) == b"note-citation" => {
                    n.in_citation = true
                }
                Event::End(e) if local(e.name().as_ref()) == b"note-citation" => {
                    n.in_citation = false
                }
                Event::End(e) if matches!(local(e.name().as_ref()), b"p" | b"h") => {
                    n.body.push(' ')
                }
                Event::End(e) if local(e.name().as_ref()) == b"note" => {
                    if let Some(n) = note.take() {
                        flow.para.push_str(&format!("[{}]", n.citation.trim()));
                        if notes.len() < MAX_NOTES {
                            notes.push(n);
                        }
                    }
                }
                ev if n.in_citation && n.citation.len() < 64 => push_text(ev, &mut n.citation),
                ev if n.body.len() < 64 * 1024 => push_text(ev, &mut n.body),
                _ => {}
            }
            continue;
        }
        match &ev {
            Event::Start(e) => match local(e.name().as_ref()) {
                b"note" => {
                    note = Some(OdtNote {
                        endnote: attr_value(e, b"note-class").is_some_and(|c| c == "endnote"),
                        ..OdtNote::default()
                    })
                }
                b"h" => {
                    depth_in_text += 1;
                    flow.heading = true;
                }
                b"p" => {
                    depth_in_text += 1;
                    flow.list = list_depth > 0;
                }
                b"list" => list_depth += 1,
                b"table" => flow.table_depth += 1,
                b"table-row" => flow.row.clear(),
                b"table-cell" => flow.row.push(String::new()),
                _ => {}
            },
            Event::Empty(e) => match local(e.name().as_ref()) {
                b"s" => {
                    let n: usize = attr_value(e, b"c")
                        .and_then(|c| c.parse().ok())
                        .unwrap_or(1)
                        .min(100);
                    flow.para.push_str(&" ".repeat(n));
                }
                b"tab" => flow.para.push('\t'),
                b"line-break" => flow.para.push('\n'),
                _ => {}
            },
            Event::End(e) => match local(e.name().as_ref()) {
                b"h" | b"p" => {
                    depth_in_text = depth_in_text.saturating_sub(1);
                    flow.end_paragraph(page);
                }
                b"list" => list_depth = list_depth.saturating_sub(1),
                b"table-row" => {
                    let row = std::mem::take(&mut flow.row);
                    flow.rows.push(row);
                }
                b"table" => {
                    flow.table_depth = flow.table_depth.saturating_sub(1);
                    if flow.table_depth == 0 {
                        flow.end_table(page);
                    }
                }
                _ => {}
            },
            Event::Eof => break,
            ev if depth_in_text > 0 => push_text(ev, &mut flow.para),
            _ => {}
        }
    }
    for (endnote, title) in [(false, text::footnotes()), (true, text::endnotes())] {
        let mut first = true;
        for n in notes.iter().filter(|n| n.endnote == endnote) {
            if first {
                page.heading(title);
                first = false;
            }
            let body = n.body.split_whitespace().collect::<Vec<_>>().join(" ");
            page.text(&format!("[{}] {body}", n.citation.trim()));
        }
    }
    for lines in &furniture.footers {
        page.text(&format!("{}: {}", text::footer(), lines.join(" · ")));
    }
    Ok(())
}
