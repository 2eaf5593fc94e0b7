//! PowerPoint presentations (PPTX): every slide in the presentation's order, its title as a
//! heading, the text of its shapes as paragraphs (body placeholders as list items), its
//! tables as tables, and its speaker notes. Pictures, media and anything remote are skipped.

use quick_xml::events::Event;

use super::Page;
use super::office::{MAX_SMALL, MAX_XML, attr_value, local, next, part, push_text, rels, table};
use crate::source::Source;
use crate::text;
use crate::zip::Archive;

const MAX_SLIDES: usize = 1000;

pub fn render(src: &Source, page: &mut Page) -> Result<(), String> {
    let zip = Archive::open(src)?;
    let pres = "ppt/presentation.xml";
    let rels = rels(&zip, pres)?;
    let ids = slide_ids(&zip, pres)?;
    page.text(&text::slides(ids.len()));
    for (n, rid) in ids.iter().enumerate().take(MAX_SLIDES) {
        if page.full {
            break;
        }
        let n = n + 1;
        let Some(rel) = rels.iter().find(|r| r.id == *rid && r.kind == "slide") else {
            page.heading(&text::slide(n));
            page.text(text::slide_missing());
            continue;
        };
        if let Err(e) = slide(&zip, n, &rel.target, page) {
            page.notice(
                kapsel_sdk::Level::Error,
                &format!("{}: {e}", text::slide(n)),
            );
            if zip.spent() {
                break;
            }
        }
    }
    if ids.len() > MAX_SLIDES {
        page.full = true;
    }
    Ok(())
}

/// Relationship ids of the slides, in the order the presentation shows them.
fn slide_ids(zip: &Archive, pres: &str) -> Result<Vec<String>, String> {
    let mut reader = part(zip, pres, MAX_SMALL)?;
    let mut buf = Vec::new();
    let mut out = Vec::new();
    loop {
        match next(&mut reader, &mut buf, pres)? {
            Event::Start(e) | Event::Empty(e) if local(e.name().as_ref()) == b"sldId" => {
                if let Some(rid) = attr_value(&e, b"id").filter(|_| out.len() < 100_000) {
                    // `id` (a number) and `r:id` share a local name: the relationship id is
                    // the one that is not a number.
                    let rid = e
                        .attributes()
                        .flatten()
                        .filter(|a| local(a.key.as_ref()) == b"id")
                        .map(|a| String::from_utf8_lossy(&a.value).into_owned())
                        .find(|v| v.parse::<u64>().is_err())
                        .unwrap_or(rid);
                    out.push(rid);
                }
            }
            Event::Eof => break,
            _ => {}
        }
    }
    Ok(out)
}

/// A shape's paragraphs and what kind of placeholder it is.
#[derive(Default)]
struct Shape {
    placeholder: Option<String>,
    paras: Vec<(usize, String)>,
}

impl Shape {
    fn is_title(&self) -> bool {
        matches!(self.placeholder.as_deref(), Some("title" | "ctrTitle"))
    }
    /// Slide numbers, dates, footers and slide images carry no content of the slide.
    fn is_furniture(&self) -> bool {
        matches!(
            self.placeholder.as_deref(),
            Some("sldNum" | "dt" | "ftr" | "hdr" | "sldImg")
        )
    }
    fn is_body(&self) -> bool {
        matches!(self.placeholder.as_deref(), Some("body" | "obj" | ""))
    }
}

/// The shapes (text boxes, placeholders) and tables of a slide or notes part, in order.
enum Piece {
    Shape(Shape),
    Table(Vec<Vec<String>>),
}

fn pieces(zip: &Archive, name: &str) -> Result<Vec<Piece>, String> {
    let mut reader = part(zip, name, MAX_XML)?;
    let mut buf = Vec::new();
    let mut out = Vec::new();
    let mut shape: Option<Shape> = None;
    let mut para = String::new();
    let mut level = 0usize;
    let mut in_text = false;
    let mut rows: Vec<Vec<String>> = Vec::new();
    let mut in_table = 0usize;
    let mut total = 0usize;
    loop {
        let ev = next(&mut reader, &mut buf, name)?;
        match &ev {
            Event::Start(e) if local(e.name().as_ref()) == b"sp" => shape = Some(Shape::default()),
            Event::End(e) if local(e.name().as_ref()) == b"sp" => {
                if let Some(s) = shape.take() {
                    out.push(Piece::Shape(s));
                }
            }
            Event::Start(e) | Event::Empty(e) if local(e.name().as_ref()) == b"ph" => {
                if let Some(s) = shape.as_mut() {
                    s.placeholder = Some(attr_value(e, b"type").unwrap_or_default());
                }
            }
            Event::Start(e) if local(e.name().as_ref()) == b"tbl" => {
                in_table += 1;
                if in_table == 1 {
                    rows.clear();
                }
            }
            Event::End(e) if local(e.name().as_ref()) == b"tbl" => {
                in_table = in_table.saturating_sub(1);
                if in_table == 0 {
                    out.push(Piece::Table(std::mem::take(&mut rows)));
                }
            }
            Event::Start(e) if in_table > 0 && local(e.name().as_ref()) == b"tr" => {
                rows.push(Vec::new())
            }
            Event::Start(e) if in_table > 0 && local(e.name().as_ref()) == b"tc" => {
                if let Some(r) = rows.last_mut() {
                    r.push(String::new());
                }
            }
            Event::Start(e) if local(e.name().as_ref()) == b"p" => {
                para.clear();
                level = 0;
            }
            Event::Start(e) | Event::Empty(e) if local(e.name().as_ref()) == b"pPr" => {
                level = attr_value(e, b"lvl")
                    .and_then(|l| l.parse().ok())
                    .unwrap_or(0)
                    .min(8);
            }
            Event::Empty(e) if local(e.name().as_ref()) == b"br" => para.push('\n'),
            Event::End(e) if local(e.name().as_ref()) == b"p" => {
                let text = para.trim().to_string();
                if text.is_empty() || total > 4 * 1024 * 1024 {
                    continue;
                }
                total += text.len();
                if in_table > 0 {
                    if let Some(cell) = rows.last_mut().and_then(|r| r.last_mut()) {
                        if !cell.is_empty() {
                            cell.push(' ');
                        }
                        cell.push_str(&text);
                    }
                } else if let Some(s) = shape.as_mut() {
                    s.paras.push((level, text));
                }
            }
            Event::Start(e) if local(e.name().as_ref()) == b"t" => in_text = true,
            Event::End(e) if local(e.name().as_ref()) == b"t" => in_text = false,
            Event::Eof => break,
            ev if in_text && para.len() < 64 * 1024 => push_text(ev, &mut para),
            _ => {}
        }
    }
    Ok(out)
}

fn slide(zip: &Archive, n: usize, name: &str, page: &mut Page) -> Result<(), String> {
    let shapes = pieces(zip, name)?;
    let title = shapes.iter().find_map(|p| match p {
        Piece::Shape(s) if s.is_title() => Some(
            s.paras
                .iter()
                .map(|(_, t)| t.as_str())
                .collect::<Vec<_>>()
                .join(" "),
        ),
        _ => None,
    });
    match title {
        Some(t) if !t.is_empty() => page.heading(&format!("{}: {t}", text::slide(n))),
        _ => page.heading(&text::slide(n)),
    }
    for p in &shapes {
        match p {
            Piece::Shape(s) if s.is_title() || s.is_furniture() => {}
            Piece::Shape(s) => {
                for (level, text) in &s.paras {
                    if s.is_body() {
                        page.item(&format!("{}{text}", "  ".repeat(*level)));
                    } else {
                        page.text(text);
                    }
                }
            }
            Piece::Table(rows) => table(rows.clone(), page),
        }
    }
    // Speaker notes, from the slide's own relationships.
    let notes = rels(zip, name)?
        .into_iter()
        .find(|r| r.kind == "notesSlide");
    if let Some(rel) = notes {
        let lines: Vec<String> = pieces(zip, &rel.target)?
            .into_iter()
            .filter_map(|p| match p {
                Piece::Shape(s) if !s.is_furniture() => Some(s.paras),
                _ => None,
            })
            .flatten()
            .map(|(_, t)| t)
            .collect();
        if !lines.is_empty() {
            page.text(&format!("{}: {}", text::speaker_notes(), lines.join(" ")));
        }
    }
    Ok(())
}
