//! The viewer: shows the document handed to it — plain text, Markdown, CSV, HTML, DOCX, XLSX,
//! PPTX, ODT, PDF, images — and edits text-like ones into a new version inside the container.
//!
//! Every file it parses is untrusted. Parsing happens here, inside the sandbox: a malformed
//! file yields an error view, a decompression bomb hits this app's explicit limits (and,
//! behind them, its memory limit) — never the host.

mod formats;
mod source;
mod text;
mod zip;

use kapsel_sdk::prelude::*;

use source::Source;

/// Largest text the editor offers.
const MAX_EDIT: usize = 1024 * 1024;

struct Viewer;

fn no_document() -> View {
    View::new(text::app_title()).notice(Level::Info, text::no_document())
}

/// The handed document, its source and its first bytes (enough to tell the format): the
/// rest is read in pieces by the format that needs it.
fn load() -> Result<(documents::Document, Source, Vec<u8>), View> {
    let Some(doc) = documents::current() else {
        return Err(no_document());
    };
    let src = Source::new(doc.size);
    match src.prefix(formats::HEAD) {
        Ok(head) => Ok((doc, src, head)),
        Err(e) => Err(View::new(doc.name.clone()).notice(Level::Error, e)),
    }
}

impl App for Viewer {
    fn view(route: &str) -> Result<View, AppError> {
        let (doc, src, head) = match load() {
            Ok(x) => x,
            Err(view) => return Ok(view),
        };
        let kind = formats::detect(&doc.name, &doc.media_type, &head, &src);
        match route {
            "edit" => Ok(editor(&doc, kind, &src)),
            _ => Ok(formats::render(&doc, kind, &head, &src)),
        }
    }

    fn act(action: &str, form: &Form) -> Result<View, AppError> {
        match action {
            "edit" => Self::view("edit"),
            "save" => {
                let Some(doc) = documents::current() else {
                    return Ok(no_document());
                };
                let text = form.get("text").unwrap_or("");
                if text.len() > MAX_EDIT {
                    return Err(invalid(text::text_too_long(MAX_EDIT)));
                }
                let saved =
                    documents::save(&doc.name, &doc.media_type, text.as_bytes()).map_err(failed)?;
                log::info(&format!(
                    "saved a new version of {} as {}",
                    doc.name, saved.id
                ));
                Ok(View::new(doc.name)
                    .notice(Level::Info, text::saved(&saved.id))
                    .text(text::bytes(saved.size))
                    .button(text::show_new_version(), format!("open:{}", saved.id)))
            }
            other => {
                if let Some(id) = other.strip_prefix("open:") {
                    documents::open(id).map_err(failed)?;
                    return Ok(View::new(text::app_title()).text(text::opening(id)));
                }
                Err(not_found(text::no_action(other)))
            }
        }
    }
}

fn editor(doc: &documents::Document, kind: formats::Kind, src: &Source) -> View {
    if !kind.editable() {
        return View::new(doc.name.clone()).notice(Level::Warning, text::not_editable());
    }
    if doc.size > MAX_EDIT as u64 {
        return View::new(doc.name.clone())
            .notice(Level::Warning, text::too_large_to_edit(MAX_EDIT));
    }
    let bytes = match src.prefix(MAX_EDIT) {
        Ok(b) => b,
        Err(e) => return View::new(doc.name.clone()).notice(Level::Error, e),
    };
    let content = formats::decode_text(&bytes);
    View::new(text::edit_title(&doc.name))
        .field("text", text::text_field(), FieldKind::Multiline, content)
        .button(text::save_button(), "save")
}

export_app!(Viewer);
