//! The viewer: shows the document handed to it — plain text, Markdown, CSV, HTML, DOCX, ODT,
//! PDF, images — and edits text-like ones into a new version inside the container.
//!
//! Every file it parses is untrusted. Parsing happens here, inside the sandbox: a malformed
//! file yields an error view, a decompression bomb hits this app's explicit limits (and,
//! behind them, its memory limit) — never the host.

mod formats;
mod zip;

use kapsel_sdk::prelude::*;

/// Largest document the viewer reads.
const MAX_DOCUMENT: u64 = 16 * 1024 * 1024;
/// Largest text the editor offers.
const MAX_EDIT: usize = 1024 * 1024;

struct Viewer;

fn no_document() -> View {
    View::new("Viewer").notice(
        Level::Info,
        "No document was handed to the viewer. Open one with --doc <id>.",
    )
}

fn load() -> Result<(documents::Document, Vec<u8>), View> {
    let Some(doc) = documents::current() else {
        return Err(no_document());
    };
    match documents::read_all(MAX_DOCUMENT) {
        Ok(bytes) => Ok((doc, bytes)),
        Err(e) => Err(View::new(doc.name.clone())
            .notice(Level::Error, format!("Cannot read the document: {e}"))),
    }
}

impl App for Viewer {
    fn view(route: &str) -> Result<View, AppError> {
        let (doc, bytes) = match load() {
            Ok(x) => x,
            Err(view) => return Ok(view),
        };
        let kind = formats::detect(&doc.name, &doc.media_type, &bytes);
        match route {
            "edit" => Ok(editor(&doc, kind, &bytes)),
            _ => Ok(formats::render(&doc, kind, &bytes)),
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
                    return Err(invalid(format!("the text is longer than {MAX_EDIT} bytes")));
                }
                let saved =
                    documents::save(&doc.name, &doc.media_type, text.as_bytes()).map_err(failed)?;
                log::info(&format!(
                    "saved a new version of {} as {}",
                    doc.name, saved.id
                ));
                Ok(View::new(doc.name)
                    .notice(
                        Level::Info,
                        format!(
                            "Saved as a new version inside the container (document {}).",
                            saved.id
                        ),
                    )
                    .text(format!("{} bytes", saved.size))
                    .button("Show the new version", format!("open:{}", saved.id)))
            }
            other => {
                if let Some(id) = other.strip_prefix("open:") {
                    documents::open(id).map_err(failed)?;
                    return Ok(View::new("Viewer").text(format!("Opening document {id}.")));
                }
                Err(not_found(format!("no action {other}")))
            }
        }
    }
}

fn editor(doc: &documents::Document, kind: formats::Kind, bytes: &[u8]) -> View {
    if !kind.editable() {
        return View::new(doc.name.clone()).notice(
            Level::Warning,
            "This kind of file cannot be edited here; only text, Markdown, CSV and HTML can.",
        );
    }
    if bytes.len() > MAX_EDIT {
        return View::new(doc.name.clone()).notice(
            Level::Warning,
            format!("The file is larger than {MAX_EDIT} bytes; too large to edit here."),
        );
    }
    let text = formats::decode_text(bytes);
    View::new(format!("Edit {}", doc.name))
        .field("text", "Text", FieldKind::Multiline, text)
        .button("Save as new version", "save")
}

export_app!(Viewer);
