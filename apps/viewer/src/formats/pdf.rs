//! PDF text where feasible: lopdf parses the file (inside the sandbox) and extracts the text
//! of each page's content stream. Scanned pages have no text; encrypted files are refused.

use super::Page;

const MAX_PAGES: u32 = 300;

pub fn render(bytes: &[u8], page: &mut Page) -> Result<(), String> {
    let doc =
        lopdf::Document::load_mem(bytes).map_err(|e| format!("the PDF cannot be parsed: {e}"))?;
    if doc.is_encrypted() {
        return Err("the PDF is encrypted".into());
    }
    let pages: Vec<u32> = doc.get_pages().keys().copied().collect();
    page.text(&format!("{} page(s)", pages.len()));
    let mut any = false;
    for n in pages.iter().copied().take(MAX_PAGES as usize) {
        let text = doc.extract_text(&[n]).unwrap_or_default();
        let text = text.trim();
        page.heading(&format!("Page {n}"));
        if text.is_empty() {
            page.text("(no text on this page — a scan or an image?)");
        } else {
            any = true;
            for para in text.split("\n\n") {
                page.text(para);
            }
        }
    }
    if !any {
        page.notice(kapsel_sdk::Level::Info, "This PDF has no extractable text.");
    }
    if pages.len() as u32 > MAX_PAGES {
        page.full = true;
    }
    Ok(())
}
