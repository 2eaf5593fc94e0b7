//! Excel workbooks (XLSX): every sheet, in the workbook's order and under its own name, as a
//! table of the values Excel last computed — shared and inline strings, numbers (dates as
//! dates where the cell's number format says so), booleans and error values. Formulas are
//! never evaluated; the cached value is what is shown.

use std::collections::HashMap;

use quick_xml::events::Event;

use super::Page;
use super::office::{MAX_SMALL, MAX_XML, attr_value, local, next, part, push_text, rels, table};
use crate::source::Source;
use crate::text;
use crate::zip::Archive;

const MAX_ROWS: usize = 2000;
const MAX_COLUMNS: usize = 100;
const MAX_SHEETS: usize = 200;
/// Shared strings kept (their text in all); a workbook may list millions.
const MAX_STRINGS: usize = 500_000;
const MAX_STRINGS_TEXT: usize = 16 * 1024 * 1024;

pub fn render(src: &Source, page: &mut Page) -> Result<(), String> {
    let zip = Archive::open(src)?;
    let book = "xl/workbook.xml";
    let rels = rels(&zip, book)?;
    let sheets = sheet_list(&zip, book)?;
    let strings = shared_strings(&zip, &rels)?;
    let dates = date_styles(&zip, &rels).unwrap_or_default();
    page.text(&text::sheets(sheets.len()));
    for (name, rid, hidden) in sheets.iter().take(MAX_SHEETS) {
        if page.full {
            break;
        }
        page.heading(&if *hidden {
            text::hidden_sheet(name)
        } else {
            name.clone()
        });
        let Some(rel) = rels.iter().find(|r| r.id == *rid) else {
            page.text(text::sheet_missing());
            continue;
        };
        if rel.kind != "worksheet" {
            page.text(text::chart_sheet());
            continue;
        }
        if let Err(e) = sheet(&zip, &rel.target, &strings, &dates, page) {
            page.notice(kapsel_sdk::Level::Error, &format!("{name}: {e}"));
            if zip.spent() {
                break;
            }
        }
    }
    if sheets.len() > MAX_SHEETS {
        page.full = true;
    }
    Ok(())
}

/// (name, relationship id, hidden) per sheet in the workbook's order.
fn sheet_list(zip: &Archive, book: &str) -> Result<Vec<(String, String, bool)>, String> {
    let mut reader = part(zip, book, MAX_SMALL)?;
    let mut buf = Vec::new();
    let mut out = Vec::new();
    loop {
        match next(&mut reader, &mut buf, book)? {
            Event::Start(e) | Event::Empty(e) if local(e.name().as_ref()) == b"sheet" => {
                let name = attr_value(&e, b"name").unwrap_or_default();
                let name = kapsel_text::decode_entities(&name);
                let hidden = attr_value(&e, b"state").is_some_and(|s| s != "visible");
                if let Some(rid) = attr_value(&e, b"id") {
                    out.push((name, rid, hidden));
                }
            }
            Event::Eof => break,
            _ => {}
        }
    }
    Ok(out)
}

fn shared_strings(zip: &Archive, rels: &[super::office::Rel]) -> Result<Vec<String>, String> {
    let name = rels
        .iter()
        .find(|r| r.kind == "sharedStrings")
        .map_or("xl/sharedStrings.xml", |r| r.target.as_str());
    if !zip.has(name) {
        return Ok(Vec::new());
    }
    let mut reader = part(zip, name, MAX_XML)?;
    let mut buf = Vec::new();
    let mut out = Vec::new();
    let mut total = 0usize;
    let mut s = String::new();
    let mut in_text = false;
    // Phonetic runs (rPh) repeat the reading of East Asian text; they are not the value.
    let mut phonetic = false;
    loop {
        let ev = next(&mut reader, &mut buf, name)?;
        match &ev {
            Event::Start(e) if local(e.name().as_ref()) == b"si" => s.clear(),
            Event::End(e) if local(e.name().as_ref()) == b"si" => {
                if out.len() >= MAX_STRINGS || total > MAX_STRINGS_TEXT {
                    break;
                }
                total += s.len();
                out.push(std::mem::take(&mut s));
            }
            Event::Start(e) if local(e.name().as_ref()) == b"rPh" => phonetic = true,
            Event::End(e) if local(e.name().as_ref()) == b"rPh" => phonetic = false,
            Event::Start(e) if local(e.name().as_ref()) == b"t" => in_text = true,
            Event::End(e) if local(e.name().as_ref()) == b"t" => in_text = false,
            Event::Eof => break,
            ev if in_text && !phonetic && s.len() < 32 * 1024 => push_text(ev, &mut s),
            _ => {}
        }
    }
    Ok(out)
}

/// Which cell styles (`s` index) format numbers as dates or times: built-in formats 14–22
/// and 45–47, and custom formats whose code has date or time letters outside quotes and
/// brackets.
fn date_styles(zip: &Archive, rels: &[super::office::Rel]) -> Result<Vec<bool>, String> {
    let name = rels
        .iter()
        .find(|r| r.kind == "styles")
        .map_or("xl/styles.xml", |r| r.target.as_str());
    if !zip.has(name) {
        return Ok(Vec::new());
    }
    let mut reader = part(zip, name, MAX_SMALL)?;
    let mut buf = Vec::new();
    let mut custom: HashMap<u32, bool> = HashMap::new();
    let mut out = Vec::new();
    let mut in_xfs = false;
    loop {
        match next(&mut reader, &mut buf, name)? {
            Event::Start(e) | Event::Empty(e) if local(e.name().as_ref()) == b"numFmt" => {
                if let (Some(id), Some(code)) = (
                    attr_value(&e, b"numFmtId").and_then(|v| v.parse().ok()),
                    attr_value(&e, b"formatCode"),
                ) {
                    custom.insert(id, is_date_code(&kapsel_text::decode_entities(&code)));
                }
            }
            Event::Start(e) if local(e.name().as_ref()) == b"cellXfs" => in_xfs = true,
            Event::End(e) if local(e.name().as_ref()) == b"cellXfs" => in_xfs = false,
            Event::Start(e) | Event::Empty(e) if in_xfs && local(e.name().as_ref()) == b"xf" => {
                let id: u32 = attr_value(&e, b"numFmtId")
                    .and_then(|v| v.parse().ok())
                    .unwrap_or(0);
                let date =
                    matches!(id, 14..=22 | 45..=47) || custom.get(&id).copied().unwrap_or(false);
                if out.len() < 100_000 {
                    out.push(date);
                }
            }
            Event::Eof => break,
            _ => {}
        }
    }
    Ok(out)
}

fn is_date_code(code: &str) -> bool {
    let mut quoted = false;
    let mut bracket = false;
    for c in code.chars() {
        match c {
            '"' => quoted = !quoted,
            '[' if !quoted => bracket = true,
            ']' if !quoted => bracket = false,
            'd' | 'm' | 'y' | 'h' | 's' | 'D' | 'M' | 'Y' | 'H' | 'S' if !quoted && !bracket => {
                return true;
            }
            _ => {}
        }
    }
    false
}

/// Column index (0-based) of a cell reference such as `AB12`.
fn column_of(reference: &str) -> Option<usize> {
    let mut col = 0usize;
    let mut any = false;
    for b in reference.bytes() {
        if b.is_ascii_uppercase() {
            col = col.checked_mul(26)?.checked_add((b - b'A') as usize + 1)?;
            any = true;
        } else {
            break;
        }
    }
    if any { Some(col - 1) } else { None }
}

fn column_name(mut i: usize) -> String {
    let mut s = Vec::new();
    loop {
        s.push(b'A' + (i % 26) as u8);
        if i < 26 {
            break;
        }
        i = i / 26 - 1;
    }
    s.reverse();
    String::from_utf8_lossy(&s).into_owned()
}

struct Cell {
    kind: String,
    style: usize,
    value: String,
    inline: String,
}

fn sheet(
    zip: &Archive,
    name: &str,
    strings: &[String],
    dates: &[bool],
    page: &mut Page,
) -> Result<(), String> {
    let mut reader = part(zip, name, MAX_XML)?;
    let mut buf = Vec::new();
    let mut rows: Vec<Vec<String>> = Vec::new();
    let mut row: Vec<String> = Vec::new();
    let mut total_rows = 0usize;
    let mut width = 0usize;
    let mut cut_columns = false;
    let mut cell: Option<(usize, Cell)> = None;
    let mut in_value = false;
    let mut in_inline = false;
    loop {
        let ev = next(&mut reader, &mut buf, name)?;
        match &ev {
            Event::Start(e) if local(e.name().as_ref()) == b"row" => row.clear(),
            Event::End(e) if local(e.name().as_ref()) == b"row" => {
                while row.last().is_some_and(String::is_empty) {
                    row.pop();
                }
                if !row.is_empty() {
                    total_rows += 1;
                    if rows.len() < MAX_ROWS {
                        width = width.max(row.len());
                        rows.push(std::mem::take(&mut row));
                    } else {
                        // The rest is only counted; stop once the count is plainly large.
                        if total_rows > 1_000_000 {
                            break;
                        }
                    }
                }
            }
            Event::Start(e) | Event::Empty(e) if local(e.name().as_ref()) == b"c" => {
                let col = attr_value(e, b"r")
                    .and_then(|r| column_of(&r))
                    .unwrap_or(row.len());
                let c = Cell {
                    kind: attr_value(e, b"t").unwrap_or_default(),
                    style: attr_value(e, b"s")
                        .and_then(|s| s.parse().ok())
                        .unwrap_or(0),
                    value: String::new(),
                    inline: String::new(),
                };
                if matches!(ev, Event::Start(_)) {
                    cell = Some((col, c));
                }
            }
            Event::End(e) if local(e.name().as_ref()) == b"c" => {
                if let Some((col, c)) = cell.take() {
                    if col >= MAX_COLUMNS {
                        cut_columns = true;
                    } else if rows.len() < MAX_ROWS {
                        let shown = show(&c, strings, dates);
                        if row.len() <= col {
                            row.resize(col + 1, String::new());
                        }
                        row[col] = shown;
                    }
                }
            }
            Event::Start(e) if local(e.name().as_ref()) == b"v" => in_value = true,
            Event::End(e) if local(e.name().as_ref()) == b"v" => in_value = false,
            Event::Start(e) if local(e.name().as_ref()) == b"is" => in_inline = true,
            Event::End(e) if local(e.name().as_ref()) == b"is" => in_inline = false,
            Event::Eof => break,
            ev => {
                if let Some((_, c)) = cell.as_mut() {
                    if in_value && c.value.len() < 32 * 1024 {
                        push_text(ev, &mut c.value);
                    } else if in_inline && c.inline.len() < 32 * 1024 {
                        push_text(ev, &mut c.inline);
                    }
                }
            }
        }
    }
    if rows.is_empty() {
        page.text(text::empty_sheet());
        return Ok(());
    }
    page.text(&text::rows_columns(total_rows, width));
    // A header row of column letters, as a spreadsheet shows them: the sheet's own first
    // row is data like any other.
    let mut all = vec![(0..width).map(column_name).collect::<Vec<_>>()];
    all.extend(rows);
    table(all, page);
    if total_rows > MAX_ROWS {
        page.text(&text::first_rows(MAX_ROWS, total_rows));
    }
    if cut_columns {
        page.text(&text::columns_cut(&column_name(MAX_COLUMNS - 1)));
    }
    Ok(())
}

fn show(c: &Cell, strings: &[String], dates: &[bool]) -> String {
    let v = c.value.trim();
    match c.kind.as_str() {
        "s" => v
            .parse::<usize>()
            .ok()
            .and_then(|i| strings.get(i))
            .cloned()
            .unwrap_or_default(),
        "inlineStr" => c.inline.clone(),
        "b" => text::boolean(v == "1").to_string(),
        "str" | "e" => v.to_string(),
        _ => match v.parse::<f64>() {
            Ok(n) if dates.get(c.style).copied().unwrap_or(false) => {
                date(n).unwrap_or_else(|| number(n))
            }
            Ok(n) => number(n),
            Err(_) => v.to_string(),
        },
    }
}

/// A number as Excel's General format shows it: at most 15 significant digits, with the
/// decimal separator of the user's language.
fn number(n: f64) -> String {
    text::decimal(general(n))
}

fn general(n: f64) -> String {
    if !n.is_finite() {
        return n.to_string();
    }
    let rounded: f64 = format!("{n:.14e}").parse().unwrap_or(n);
    let s = rounded.to_string();
    if s.contains('e') || s.len() > 20 {
        format!("{rounded:e}")
    } else {
        s
    }
}

/// An Excel date serial (1900 system, with Excel's phantom 29 February 1900) as
/// `YYYY-MM-DD`, with the time when it has one.
fn date(serial: f64) -> Option<String> {
    if !(0.0..2_958_466.0).contains(&serial) {
        return None;
    }
    let whole = serial.trunc() as i64;
    let secs = ((serial - serial.trunc()) * 86_400.0).round() as i64;
    // Serials from 61 on count Excel's phantom 29 February 1900; 25,569 is 1970-01-01.
    let days = if whole < 60 { whole + 1 } else { whole };
    // Days since 1970 → civil date (Howard Hinnant's algorithm).
    let z = days - 25_569 + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    let mut s = if whole == 0 {
        String::new()
    } else {
        format!("{y:04}-{m:02}-{d:02}")
    };
    if secs > 0 {
        let (h, mi, se) = (secs / 3600 % 24, secs / 60 % 60, secs % 60);
        if !s.is_empty() {
            s.push(' ');
        }
        s.push_str(&format!("{h:02}:{mi:02}"));
        if se != 0 {
            s.push_str(&format!(":{se:02}"));
        }
    }
    if s.is_empty() {
        s = "00:00".into();
    }
    Some(s)
}
