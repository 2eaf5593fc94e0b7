//! HTML documents in the viewer: the shared safe-text conversion, laid out on a page.

use kapsel_text::{Piece, to_blocks};

use super::Page;

pub fn render(html: &str, page: &mut Page) -> Result<(), String> {
    for piece in to_blocks(html, None, crate::text::image_word()) {
        match piece {
            Piece::Heading(t) => page.heading(&t),
            Piece::Text(t) => page.text(&t),
            Piece::Item(t) => page.item(&t),
            Piece::Link { label, url } => page.link(&label, &url),
        }
    }
    page.notice(kapsel_sdk::Level::Info, crate::text::html_notice());
    Ok(())
}
