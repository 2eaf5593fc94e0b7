//! Markdown rendered to blocks: headings, paragraphs, list items, code, tables as text rows;
//! links kept as link blocks; images shown as their alt text and never fetched. Each block
//! of the source (paragraph, HTML block, list item) stays its own block, and inline pieces
//! (images, `<br>`, inline HTML) are kept apart from the words around them.

use kapsel_text::Piece;
use pulldown_cmark::{Event, Parser, Tag, TagEnd};

use super::Page;

#[derive(Default)]
struct State {
    buf: String,
    links: Vec<(String, String)>,
    link: Option<(String, usize)>,
    /// Open list items: a paragraph inside one is the item's text.
    items: usize,
    /// The text of an HTML block, converted once it ends.
    html: Option<String>,
}

impl State {
    /// Ends the current block: as a list item inside a list, else as a paragraph; the
    /// links it contained follow it.
    fn flush(&mut self, page: &mut Page) {
        let t = self.buf.trim();
        if !t.is_empty() {
            if self.items > 0 {
                // Nested lists are indented as in the source.
                page.item(&format!("{}{t}", "  ".repeat(self.items - 1)));
            } else {
                page.text(t);
            }
        }
        self.buf.clear();
        for (label, url) in self.links.drain(..) {
            page.link(label.trim(), &url);
        }
    }

    /// Inline text that must not run into the word before it.
    fn push_apart(&mut self, t: &str) {
        if !self.buf.is_empty() && !self.buf.ends_with(char::is_whitespace) {
            self.buf.push(' ');
        }
        self.buf.push_str(t);
    }

    fn push_text(&mut self, t: &str) {
        // After an image or inline HTML piece, the next word starts apart from it.
        if self.buf.ends_with(']') && t.starts_with(|c: char| c.is_alphanumeric()) {
            self.buf.push(' ');
        }
        self.buf.push_str(t);
    }
}

fn is_br(html: &str) -> bool {
    let t = html.trim().to_ascii_lowercase();
    t.starts_with("<br") && t.ends_with('>')
}

pub fn render(text: &str, page: &mut Page) -> Result<(), String> {
    let mut s = State::default();
    for event in Parser::new(text) {
        if page.full {
            break;
        }
        match event {
            Event::Text(t) | Event::Code(t) => {
                if let Some(h) = s.html.as_mut() {
                    h.push_str(&t);
                } else {
                    s.push_text(&t);
                }
            }
            Event::SoftBreak => s.buf.push(' '),
            Event::HardBreak => s.buf.push('\n'),
            Event::Start(Tag::Link { dest_url, .. }) => {
                s.link = Some((dest_url.to_string(), s.buf.len()))
            }
            Event::End(TagEnd::Link) => {
                if let Some((url, start)) = s.link.take() {
                    let label = s.buf.get(start..).unwrap_or("").to_string();
                    s.links.push((label, url));
                }
            }
            Event::Start(Tag::Image { .. }) => s.push_apart(&crate::text::image_prefix()),
            Event::End(TagEnd::Image) => s.buf.push(']'),
            Event::End(TagEnd::Heading(_)) => {
                page.heading(s.buf.trim());
                s.buf.clear();
                for (label, url) in s.links.drain(..) {
                    page.link(label.trim(), &url);
                }
            }
            Event::Start(Tag::Item) => {
                s.flush(page);
                s.items += 1;
            }
            Event::Start(Tag::List(_)) => s.flush(page),
            Event::End(TagEnd::Item) => {
                s.flush(page);
                s.items = s.items.saturating_sub(1);
            }
            // The paragraphs of one list item are that item's text.
            Event::End(TagEnd::Paragraph) if s.items > 0 => s.buf.push(' '),
            Event::End(
                TagEnd::Paragraph
                | TagEnd::CodeBlock
                | TagEnd::BlockQuote(_)
                | TagEnd::TableRow
                | TagEnd::TableHead,
            )
            | Event::Rule => s.flush(page),
            Event::End(TagEnd::TableCell) => s.buf.push_str(" | "),
            Event::Start(Tag::HtmlBlock) => {
                s.flush(page);
                s.html = Some(String::new());
            }
            Event::Html(h) => match s.html.as_mut() {
                Some(block) => block.push_str(&h),
                None => {
                    for piece in kapsel_text::to_blocks(&h, None, crate::text::image_word()) {
                        if let Piece::Text(t) = piece {
                            s.push_apart(&t);
                        }
                    }
                }
            },
            Event::End(TagEnd::HtmlBlock) => {
                let html = s.html.take().unwrap_or_default();
                // An HTML block is as many blocks as it has paragraphs, headings, items.
                for piece in kapsel_text::to_blocks(&html, None, crate::text::image_word()) {
                    match piece {
                        Piece::Heading(t) => page.heading(&t),
                        Piece::Text(t) => page.text(&t),
                        Piece::Item(t) => page.item(&t),
                        Piece::Link { label, url } => page.link(&label, &url),
                    }
                }
            }
            Event::InlineHtml(h) => {
                if is_br(&h) {
                    s.buf.push('\n');
                } else {
                    for piece in kapsel_text::to_blocks(&h, None, crate::text::image_word()) {
                        if let Piece::Text(t) = piece {
                            s.push_apart(&t);
                        }
                    }
                }
            }
            _ => {}
        }
    }
    s.flush(page);
    Ok(())
}
