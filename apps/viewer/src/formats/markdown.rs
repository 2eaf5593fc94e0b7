//! Markdown rendered to blocks: headings, paragraphs, list items, code, tables as text rows;
//! links kept as link blocks; images shown as their alt text and never fetched.

use pulldown_cmark::{Event, Parser, Tag, TagEnd};

use super::Page;

pub fn render(text: &str, page: &mut Page) -> Result<(), String> {
    let mut buf = String::new();
    let mut links: Vec<(String, String)> = Vec::new();
    let mut link: Option<(String, usize)> = None;
    for event in Parser::new(text) {
        let event_end = matches!(
            event,
            Event::End(
                TagEnd::Heading(_)
                    | TagEnd::Item
                    | TagEnd::Paragraph
                    | TagEnd::CodeBlock
                    | TagEnd::BlockQuote(_)
                    | TagEnd::TableRow
                    | TagEnd::TableHead
            )
        );
        match event {
            Event::Text(t) | Event::Code(t) => buf.push_str(&t),
            Event::SoftBreak | Event::HardBreak => buf.push(' '),
            Event::Start(Tag::Link { dest_url, .. }) => {
                link = Some((dest_url.to_string(), buf.len()))
            }
            Event::End(TagEnd::Link) => {
                if let Some((url, start)) = link.take() {
                    links.push((buf.get(start..).unwrap_or("").to_string(), url));
                }
            }
            Event::Start(Tag::Image { .. }) => buf.push_str("[image: "),
            Event::End(TagEnd::Image) => buf.push(']'),
            Event::End(TagEnd::Heading(_)) => {
                page.heading(buf.trim());
                buf.clear();
            }
            Event::End(TagEnd::Item) => {
                page.item(buf.trim());
                buf.clear();
            }
            Event::End(
                TagEnd::Paragraph
                | TagEnd::CodeBlock
                | TagEnd::BlockQuote(_)
                | TagEnd::TableRow
                | TagEnd::TableHead,
            ) => {
                page.text(&buf);
                buf.clear();
            }
            Event::End(TagEnd::TableCell) => buf.push_str(" | "),
            Event::Html(h) | Event::InlineHtml(h) => {
                for piece in kapsel_text::to_blocks(&h, None) {
                    if let kapsel_text::Piece::Text(t) = piece {
                        buf.push_str(&t);
                    }
                }
            }
            _ => {}
        }
        // Links follow the block they appeared in.
        if event_end {
            for (label, url) in links.drain(..) {
                page.link(label.trim(), &url);
            }
        }
    }
    page.text(&buf);
    for (label, url) in links.drain(..) {
        page.link(label.trim(), &url);
    }
    Ok(())
}
