//! PDF text where feasible: lopdf parses the file (inside the sandbox) and extracts the text
//! of each page's content stream. Scanned pages have no text; encrypted files are refused.

use super::Page;
use crate::text;

const MAX_PAGES: u32 = 300;

pub fn render(bytes: &[u8], page: &mut Page) -> Result<(), String> {
    let doc = lopdf::Document::load_mem(bytes).map_err(|e| text::pdf_unparsable(&e.to_string()))?;
    if doc.is_encrypted() {
        return Err(text::pdf_encrypted());
    }
    let pages: Vec<u32> = doc.get_pages().keys().copied().collect();
    page.text(&text::pages(pages.len()));
    let mut any = false;
    for n in pages.iter().copied().take(MAX_PAGES as usize) {
        let text = doc.extract_text(&[n]).unwrap_or_default();
        let text = text.trim();
        page.heading(&text::page_heading(n));
        if text.is_empty() {
            page.text(text::page_without_text());
        } else {
            any = true;
            for para in text.split("\n\n") {
                page.text(para);
            }
        }
    }
    if !any {
        page.notice(kapsel_sdk::Level::Info, text::pdf_no_text());
    }
    if pages.len() as u32 > MAX_PAGES {
        page.full = true;
    }
    Ok(())
}
