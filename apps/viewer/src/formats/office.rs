//! Word (DOCX, Office Open XML) and OpenDocument text (ODT): the ZIP container is opened by
//! our strict reader with an inflate limit, the XML is read with quick-xml as a stream —
//! paragraphs, headings, list items and tables become blocks; everything else is skipped.

use quick_xml::Reader;
use quick_xml::events::Event;

use super::Page;
use crate::zip::Archive;

/// Largest XML part inflated (a 1 GB bomb stops here, long before memory runs out).
const MAX_XML: usize = 24 * 1024 * 1024;

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
        let mut rows = std::mem::take(&mut self.rows);
        if rows.is_empty() {
            return;
        }
        let columns = rows.remove(0);
        let width = rows
            .iter()
            .map(Vec::len)
            .chain([columns.len()])
            .max()
            .unwrap_or(0);
        let mut columns = columns;
        columns.resize(width, String::new());
        for r in &mut rows {
            r.resize(width, String::new());
        }
        page.table(columns, rows);
    }
}

fn local(name: &[u8]) -> &[u8] {
    name.iter()
        .position(|&b| b == b':')
        .map_or(name, |i| &name[i + 1..])
}

fn attr_value(e: &quick_xml::events::BytesStart, key: &[u8]) -> Option<String> {
    e.attributes()
        .flatten()
        .find(|a| local(a.key.as_ref()) == key)
        .map(|a| String::from_utf8_lossy(&a.value).into_owned())
}

pub fn docx(bytes: &[u8], page: &mut Page) -> Result<(), String> {
    let zip = Archive::open(bytes)?;
    let xml = zip.read("word/document.xml", MAX_XML)?;
    let mut reader = Reader::from_reader(xml.as_slice());
    let mut buf = Vec::new();
    let mut flow = Flow::default();
    let mut in_text = false;
    loop {
        match reader
            .read_event_into(&mut buf)
            .map_err(|e| format!("word/document.xml: {e}"))?
        {
            Event::Start(e) | Event::Empty(e) if local(e.name().as_ref()) == b"pStyle" => {
                let style = attr_value(&e, b"val")
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
            Event::Start(e) if local(e.name().as_ref()) == b"t" => in_text = true,
            Event::End(e) if local(e.name().as_ref()) == b"t" => in_text = false,
            Event::Empty(e) if matches!(local(e.name().as_ref()), b"tab") => flow.para.push('\t'),
            Event::Empty(e) if matches!(local(e.name().as_ref()), b"br" | b"cr") => {
                flow.para.push('\n')
            }
            Event::Text(t) if in_text => flow
                .para
                .push_str(&t.xml_content().map_err(|e| e.to_string())?),
            Event::GeneralRef(r) if in_text => {
                if let Some(c) = r.resolve_char_ref().ok().flatten() {
                    flow.para.push(c);
                } else if let Some(s) = kapsel_text::decode_entity(&String::from_utf8_lossy(&r)) {
                    flow.para.push_str(&s);
                }
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
            _ => {}
        }
        buf.clear();
    }
    Ok(())
}

pub fn odt(bytes: &[u8], page: &mut Page) -> Result<(), String> {
    let zip = Archive::open(bytes)?;
    let xml = zip.read("content.xml", MAX_XML)?;
    let mut reader = Reader::from_reader(xml.as_slice());
    let mut buf = Vec::new();
    let mut flow = Flow::default();
    let mut depth_in_text = 0usize;
    let mut list_depth = 0usize;
    loop {
        match reader
            .read_event_into(&mut buf)
            .map_err(|e| format!("content.xml: {e}"))?
        {
            Event::Start(e) => match local(e.name().as_ref()) {
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
                    let n: usize = attr_value(&e, b"c")
                        .and_then(|c| c.parse().ok())
                        .unwrap_or(1)
                        .min(100);
                    flow.para.push_str(&" ".repeat(n));
                }
                b"tab" => flow.para.push('\t'),
                b"line-break" => flow.para.push('\n'),
                _ => {}
            },
            Event::Text(t) if depth_in_text > 0 => flow
                .para
                .push_str(&t.xml_content().map_err(|e| e.to_string())?),
            Event::GeneralRef(r) if depth_in_text > 0 => {
                if let Some(c) = r.resolve_char_ref().ok().flatten() {
                    flow.para.push(c);
                } else if let Some(s) = kapsel_text::decode_entity(&String::from_utf8_lossy(&r)) {
                    flow.para.push_str(&s);
                }
            }
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
            _ => {}
        }
        buf.clear();
    }
    Ok(())
}
