//! Every text the viewer shows, in German and English: titles, labels, notices and the
//! reasons a file cannot be shown. Each is a function that matches on the user's language
//! (the host's `kapsel.locale`), so a text missing in one language does not compile. The
//! document's own content is never translated.

use kapsel_sdk::i18n::{Lang, lang};

/// A fixed text: English first, German second.
fn t(en: &'static str, de: &'static str) -> &'static str {
    lang().pick(en, de)
}

/// A byte count as a reader expects it: `1234567 bytes` / `1.234.567 Bytes`.
pub fn bytes(n: u64) -> String {
    match lang() {
        Lang::En => format!("{n} bytes"),
        Lang::De => format!("{} Bytes", Lang::De.integer(n)),
    }
}

/// `1 row` / `2 rows`, `1 Zeile` / `2 Zeilen`.
fn count(n: usize, en: (&str, &str), de: (&str, &str)) -> String {
    let (one, many) = match lang() {
        Lang::En => en,
        Lang::De => de,
    };
    format!("{n} {}", if n == 1 { one } else { many })
}

// The app and the editor.

pub fn app_title() -> &'static str {
    t("Viewer", "Betrachter")
}

pub fn no_document() -> &'static str {
    t(
        "No document was handed to the viewer. Open one with --doc <id>.",
        "Dem Betrachter wurde kein Dokument übergeben. Öffnen Sie eines mit --doc <id>.",
    )
}

pub fn edit_button() -> &'static str {
    t("Edit", "Bearbeiten")
}

pub fn edit_title(name: &str) -> String {
    match lang() {
        Lang::En => format!("Edit {name}"),
        Lang::De => format!("{name} bearbeiten"),
    }
}

pub fn text_field() -> &'static str {
    t("Text", "Text")
}

pub fn save_button() -> &'static str {
    t("Save as new version", "Als neue Fassung speichern")
}

pub fn not_editable() -> &'static str {
    t(
        "This kind of file cannot be edited here; only text, Markdown, CSV and HTML can.",
        "Diese Art von Datei kann hier nicht bearbeitet werden; nur Text, Markdown, CSV und \
         HTML.",
    )
}

pub fn too_large_to_edit(max: usize) -> String {
    match lang() {
        Lang::En => format!("The file is larger than {max} bytes; too large to edit here."),
        Lang::De => format!(
            "Die Datei ist größer als {}; zu groß, um sie hier zu bearbeiten.",
            bytes(max as u64)
        ),
    }
}

pub fn text_too_long(max: usize) -> String {
    match lang() {
        Lang::En => format!("the text is longer than {max} bytes"),
        Lang::De => format!("der Text ist länger als {}", bytes(max as u64)),
    }
}

pub fn saved(id: &str) -> String {
    match lang() {
        Lang::En => format!("Saved as a new version inside the container (document {id})."),
        Lang::De => format!("Als neue Fassung im Container gespeichert (Dokument {id})."),
    }
}

pub fn show_new_version() -> &'static str {
    t("Show the new version", "Neue Fassung anzeigen")
}

pub fn opening(id: &str) -> String {
    match lang() {
        Lang::En => format!("Opening document {id}."),
        Lang::De => format!("Dokument {id} wird geöffnet."),
    }
}

pub fn no_action(action: &str) -> String {
    match lang() {
        Lang::En => format!("no action {action}"),
        Lang::De => format!("keine Aktion {action}"),
    }
}

// Reading the document from the host.

pub fn cannot_read(e: &str) -> String {
    match lang() {
        Lang::En => format!("cannot read the document: {e}"),
        Lang::De => format!("das Dokument kann nicht gelesen werden: {e}"),
    }
}

pub fn shorter_than_recorded() -> String {
    t(
        "the document is shorter than its recorded size",
        "das Dokument ist kürzer als seine gespeicherte Größe",
    )
    .into()
}

// Formats and the page.

pub fn kind_text() -> &'static str {
    t("text", "Text")
}
pub fn kind_docx() -> &'static str {
    t("Word document (DOCX)", "Word-Dokument (DOCX)")
}
pub fn kind_xlsx() -> &'static str {
    t("Excel workbook (XLSX)", "Excel-Arbeitsmappe (XLSX)")
}
pub fn kind_pptx() -> &'static str {
    t(
        "PowerPoint presentation (PPTX)",
        "PowerPoint-Präsentation (PPTX)",
    )
}
pub fn kind_odt() -> &'static str {
    t("OpenDocument text (ODT)", "OpenDocument-Text (ODT)")
}
pub fn kind_image() -> &'static str {
    t("image", "Bild")
}
pub fn kind_damaged() -> &'static str {
    t("damaged ZIP container", "beschädigter ZIP-Container")
}
pub fn kind_unknown() -> &'static str {
    t("unknown", "unbekannt")
}

/// The line under the title: what the file is and how large.
pub fn summary(kind: &str, size: u64) -> String {
    format!("{kind} · {}", bytes(size))
}

pub fn only_beginning() -> &'static str {
    t(
        "The document is long: only its beginning is shown.",
        "Das Dokument ist lang: nur sein Anfang wird gezeigt.",
    )
}

pub fn large_text(size: u64, shown: usize) -> String {
    match lang() {
        Lang::En => format!("A large file ({size} bytes): the first {shown} bytes are shown."),
        Lang::De => format!(
            "Eine große Datei ({}): die ersten {} werden gezeigt.",
            bytes(size),
            bytes(shown as u64)
        ),
    }
}

pub fn cannot_show(why: &str) -> String {
    match lang() {
        Lang::En => format!("Cannot show this file: {why}"),
        Lang::De => format!("Diese Datei kann nicht gezeigt werden: {why}"),
    }
}

pub fn zip_end_missing() -> String {
    t(
        "the file is damaged: its end (the ZIP directory) is missing",
        "die Datei ist beschädigt: ihr Ende (das ZIP-Verzeichnis) fehlt",
    )
    .into()
}

/// What a damaged ZIP container was meant to be, with its article.
pub fn this_docx() -> &'static str {
    t("this Word document (DOCX)", "dieses Word-Dokument (DOCX)")
}
pub fn this_xlsx() -> &'static str {
    t(
        "this Excel workbook (XLSX)",
        "diese Excel-Arbeitsmappe (XLSX)",
    )
}
pub fn this_pptx() -> &'static str {
    t(
        "this PowerPoint presentation (PPTX)",
        "diese PowerPoint-Präsentation (PPTX)",
    )
}
pub fn this_odt() -> &'static str {
    t(
        "this OpenDocument text (ODT)",
        "dieser OpenDocument-Text (ODT)",
    )
}
pub fn this_zip() -> &'static str {
    t("this ZIP archive", "dieses ZIP-Archiv")
}

/// A ZIP container cut off or altered: what it was meant to be, and what to do.
pub fn damaged_container(this: &str, why: &str) -> String {
    match lang() {
        Lang::En => format!(
            "{this} is damaged and cannot be shown — {why}. It was probably cut off while being \
             downloaded or copied; ask for the file again."
        ),
        Lang::De => format!(
            "{this} ist beschädigt und kann nicht gezeigt werden — {why}. Vermutlich wurde die \
             Datei beim Herunterladen oder Kopieren abgeschnitten; fordern Sie sie erneut an."
        ),
    }
}

pub fn unknown_format(media_type: &str, size: u64) -> String {
    match lang() {
        Lang::En => format!("the viewer cannot show this file ({media_type}, {size} bytes)"),
        Lang::De => format!(
            "der Betrachter kann diese Datei nicht zeigen ({media_type}, {})",
            bytes(size)
        ),
    }
}

pub fn too_large_whole(what: &str, size: u64, max: u64) -> String {
    match lang() {
        Lang::En => {
            format!("the {what} has {size} bytes; the viewer reads a {what} of at most {max} bytes")
        }
        Lang::De => format!(
            "die Datei ({what}) hat {}; der Betrachter liest höchstens {}",
            bytes(size),
            bytes(max)
        ),
    }
}

// Warnings about what a file could do when opened elsewhere.

pub fn warn_executable(ext: &str) -> String {
    match lang() {
        Lang::En => format!(
            "Caution: a .{ext} file is a program, script or shortcut. It is shown here only as \
             text; opened outside the container it could run code."
        ),
        Lang::De => format!(
            "Vorsicht: Eine .{ext}-Datei ist ein Programm, Skript oder eine Verknüpfung. Sie \
             wird hier nur als Text gezeigt; außerhalb des Containers geöffnet, könnte sie \
             Code ausführen."
        ),
    }
}

pub fn warn_macros(ext: &str) -> String {
    match lang() {
        Lang::En => format!(
            "Caution: a .{ext} document can contain macros. The viewer never runs them; opened \
             in an office program they could run code."
        ),
        Lang::De => format!(
            "Vorsicht: Ein .{ext}-Dokument kann Makros enthalten. Der Betrachter führt sie nie \
             aus; in einem Office-Programm geöffnet, könnten sie Code ausführen."
        ),
    }
}

pub fn warn_macros_inside() -> &'static str {
    t(
        "Caution: this document contains macros (a VBA project). The viewer never runs them; \
         opened in an office program they could run code.",
        "Vorsicht: Dieses Dokument enthält Makros (ein VBA-Projekt). Der Betrachter führt sie \
         nie aus; in einem Office-Programm geöffnet, könnten sie Code ausführen.",
    )
}

pub fn warn_mismatch(ext: &str, actual: &str) -> String {
    match lang() {
        Lang::En => format!(
            "Caution: the name ends in .{ext}, but the content is {actual}. A name that hides \
             what a file is can be an attack."
        ),
        Lang::De => format!(
            "Vorsicht: Der Name endet auf .{ext}, der Inhalt ist aber {actual}. Ein Name, der \
             verbirgt, was eine Datei ist, kann ein Angriff sein."
        ),
    }
}

pub fn content_program() -> &'static str {
    t("a program", "ein Programm")
}

/// The content as the summary line names it (`a PDF`, `ein Bild` …).
pub fn content_is(kind: &str) -> String {
    match lang() {
        Lang::En => format!("“{kind}”"),
        Lang::De => format!("„{kind}“"),
    }
}

// HTML, PDF, CSV, Markdown.

pub fn html_notice() -> &'static str {
    t(
        "Shown as text: scripts, styles and remote images are never loaded.",
        "Als Text gezeigt: Skripte, Stile und entfernte Bilder werden nie geladen.",
    )
}

pub fn pdf_unparsable(e: &str) -> String {
    match lang() {
        Lang::En => format!("the PDF cannot be parsed: {e}"),
        Lang::De => format!("das PDF kann nicht gelesen werden: {e}"),
    }
}

pub fn pdf_encrypted() -> String {
    t("the PDF is encrypted", "das PDF ist verschlüsselt").into()
}

pub fn pages(n: usize) -> String {
    match lang() {
        Lang::En => format!("{n} page(s)"),
        Lang::De => count(n, ("", ""), ("Seite", "Seiten")),
    }
}

pub fn page_heading(n: u32) -> String {
    match lang() {
        Lang::En => format!("Page {n}"),
        Lang::De => format!("Seite {n}"),
    }
}

pub fn page_without_text() -> &'static str {
    t(
        "(no text on this page — a scan or an image?)",
        "(kein Text auf dieser Seite — ein Scan oder ein Bild?)",
    )
}

pub fn pdf_no_text() -> &'static str {
    t(
        "This PDF has no extractable text.",
        "Dieses PDF enthält keinen auslesbaren Text.",
    )
}

pub fn rows_columns(rows: usize, columns: usize) -> String {
    format!(
        "{}, {}",
        count(rows, ("row", "rows"), ("Zeile", "Zeilen")),
        count(columns, ("column", "columns"), ("Spalte", "Spalten"))
    )
}

pub fn csv_row_error(row: usize, e: &str) -> String {
    match lang() {
        Lang::En => format!("row {row}: {e}"),
        Lang::De => format!("Zeile {row}: {e}"),
    }
}

/// The word before an image's alt text: `kapsel_text` writes `[word: alt]` for HTML, and
/// Markdown images are shown the same way (`image_prefix`).
pub fn image_word() -> &'static str {
    t("image", "Bild")
}

/// How an image in Markdown is shown: `[image: ` + its alt text + `]`.
pub fn image_prefix() -> String {
    format!("[{}: ", image_word())
}

// Office documents.

pub fn not_well_formed(part: &str, e: &str) -> String {
    match lang() {
        Lang::En => format!("the file is damaged: {part} is not well-formed XML ({e})"),
        Lang::De => format!("die Datei ist beschädigt: {part} ist kein wohlgeformtes XML ({e})"),
    }
}

pub fn header() -> &'static str {
    t("Header", "Kopfzeile")
}
pub fn footer() -> &'static str {
    t("Footer", "Fußzeile")
}
pub fn footnotes() -> &'static str {
    t("Footnotes", "Fußnoten")
}
pub fn endnotes() -> &'static str {
    t("Endnotes", "Endnoten")
}

pub fn sheets(n: usize) -> String {
    match lang() {
        Lang::En => format!("{n} sheet(s)"),
        Lang::De => count(n, ("", ""), ("Tabellenblatt", "Tabellenblätter")),
    }
}

pub fn hidden_sheet(name: &str) -> String {
    match lang() {
        Lang::En => format!("{name} (hidden sheet)"),
        Lang::De => format!("{name} (ausgeblendetes Blatt)"),
    }
}

pub fn sheet_missing() -> &'static str {
    t(
        "(this sheet's part is missing)",
        "(der Teil dieses Blatts fehlt)",
    )
}

pub fn chart_sheet() -> &'static str {
    t(
        "(a chart or macro sheet: not shown)",
        "(ein Diagramm- oder Makroblatt: nicht gezeigt)",
    )
}

pub fn empty_sheet() -> &'static str {
    t("(empty sheet)", "(leeres Blatt)")
}

pub fn first_rows(shown: usize, total: usize) -> String {
    match lang() {
        Lang::En => format!("(the first {shown} of {total} rows are shown)"),
        Lang::De => format!("(die ersten {shown} von {total} Zeilen werden gezeigt)"),
    }
}

pub fn columns_cut(last: &str) -> String {
    match lang() {
        Lang::En => format!("(columns after {last} are not shown)"),
        Lang::De => format!("(Spalten nach {last} werden nicht gezeigt)"),
    }
}

/// A number written with `.` as the decimal point, with this language's separator.
pub fn decimal(n: String) -> String {
    match lang() {
        Lang::En => n,
        Lang::De => n.replace('.', ","),
    }
}

/// A boolean cell, as the spreadsheet program shows it in this language.
pub fn boolean(v: bool) -> &'static str {
    match (lang(), v) {
        (Lang::En, true) => "TRUE",
        (Lang::En, false) => "FALSE",
        (Lang::De, true) => "WAHR",
        (Lang::De, false) => "FALSCH",
    }
}

pub fn slides(n: usize) -> String {
    match lang() {
        Lang::En => format!("{n} slide(s)"),
        Lang::De => count(n, ("", ""), ("Folie", "Folien")),
    }
}

pub fn slide(n: usize) -> String {
    match lang() {
        Lang::En => format!("Slide {n}"),
        Lang::De => format!("Folie {n}"),
    }
}

pub fn slide_missing() -> &'static str {
    t(
        "(this slide's part is missing)",
        "(der Teil dieser Folie fehlt)",
    )
}

pub fn speaker_notes() -> &'static str {
    t("Notes", "Notizen")
}

// Pictures.

pub fn picture_damaged(e: &str) -> String {
    match lang() {
        Lang::En => format!("the picture is damaged: its header is incomplete ({e})"),
        Lang::De => format!("das Bild ist beschädigt: sein Dateikopf ist unvollständig ({e})"),
    }
}

pub fn property() -> &'static str {
    t("Property", "Eigenschaft")
}
pub fn value() -> &'static str {
    t("Value", "Wert")
}
pub fn format_label() -> &'static str {
    t("Format", "Format")
}
pub fn width() -> &'static str {
    t("Width", "Breite")
}
pub fn height() -> &'static str {
    t("Height", "Höhe")
}
pub fn size() -> &'static str {
    t("Size", "Größe")
}

pub fn picture_too_large() -> &'static str {
    t(
        "(no preview: the picture is too large to decode here)",
        "(keine Vorschau: das Bild ist zu groß, um es hier zu dekodieren)",
    )
}

pub fn picture_undecodable(e: &str) -> String {
    match lang() {
        Lang::En => format!("No preview: the picture does not decode ({e})."),
        Lang::De => format!("Keine Vorschau: das Bild lässt sich nicht dekodieren ({e})."),
    }
}

pub fn png_rows_out_of_order() -> String {
    t(
        "its interlaced rows are out of order",
        "seine Zeilen im Zeilensprungverfahren (Adam7) kommen in falscher Reihenfolge",
    )
    .into()
}

pub fn empty_picture() -> String {
    t("an empty picture", "ein leeres Bild").into()
}

pub fn no_dimensions() -> String {
    t("no dimensions", "keine Abmessungen").into()
}

/// What a picture block says where it cannot be seen (screen readers, plain text).
pub fn picture_alt(name: &str, width: usize, height: usize) -> String {
    match lang() {
        Lang::En => format!("{name}, {width} × {height} pixels"),
        Lang::De => format!("{name}, {width} × {height} Pixel"),
    }
}

// The ZIP container of office files.

pub fn not_zip() -> &'static str {
    t(
        "not a ZIP file (no central directory)",
        "keine ZIP-Datei (kein zentrales Verzeichnis)",
    )
}

pub fn file_damaged(m: &str) -> String {
    match lang() {
        Lang::En => format!("the file is damaged: {m}"),
        Lang::De => format!("die Datei ist beschädigt: {m}"),
    }
}

pub fn record_cut_short() -> &'static str {
    t(
        "a directory record is cut short",
        "ein Verzeichniseintrag ist abgeschnitten",
    )
}

pub fn zip64() -> String {
    t(
        "ZIP64 archives are not supported",
        "ZIP64-Archive werden nicht unterstützt",
    )
    .into()
}

pub fn too_many_entries(count: usize, max: usize) -> String {
    match lang() {
        Lang::En => format!("the archive has {count} entries (at most {max})"),
        Lang::De => format!("das Archiv hat {count} Einträge (höchstens {max})"),
    }
}

pub fn directory_too_large(size: u64, max: usize) -> String {
    match lang() {
        Lang::En => format!("the archive's directory has {size} bytes (at most {max})"),
        Lang::De => format!(
            "das Verzeichnis des Archivs hat {} (höchstens {})",
            bytes(size),
            bytes(max as u64)
        ),
    }
}

pub fn directory_outside() -> &'static str {
    t(
        "the central directory lies outside the file (it was probably cut off)",
        "das zentrale Verzeichnis liegt außerhalb der Datei (sie wurde vermutlich abgeschnitten)",
    )
}

pub fn directory_entry_broken() -> &'static str {
    t(
        "a central directory entry is broken",
        "ein Eintrag des zentralen Verzeichnisses ist beschädigt",
    )
}

pub fn part_missing(name: &str) -> String {
    match lang() {
        Lang::En => format!("{name} is missing from the archive"),
        Lang::De => format!("{name} fehlt im Archiv"),
    }
}

pub fn part_encrypted(name: &str) -> String {
    match lang() {
        Lang::En => format!("{name} is encrypted; the viewer cannot open it"),
        Lang::De => format!("{name} ist verschlüsselt; der Betrachter kann es nicht öffnen"),
    }
}

pub fn declared_bomb(name: &str, limit: u64, declared: u64) -> String {
    match lang() {
        Lang::En => format!(
            "{name} inflates to more than {limit} bytes ({declared} declared; a decompression \
             bomb?)"
        ),
        Lang::De => format!(
            "{name} entpackt sich zu mehr als {} ({} angegeben; eine Dekompressionsbombe?)",
            bytes(limit),
            bytes(declared)
        ),
    }
}

pub fn local_header_broken(name: &str) -> String {
    match lang() {
        Lang::En => format!("the local header of {name} is broken"),
        Lang::De => format!("der lokale Dateikopf von {name} ist beschädigt"),
    }
}

pub fn part_cut_off(name: &str) -> String {
    match lang() {
        Lang::En => format!("{name} is cut off"),
        Lang::De => format!("{name} ist abgeschnitten"),
    }
}

pub fn unsupported_method(name: &str, method: u16) -> String {
    match lang() {
        Lang::En => format!("{name} uses compression method {method}, which is not supported"),
        Lang::De => {
            format!("{name} verwendet die Kompressionsmethode {method}, die nicht unterstützt wird")
        }
    }
}

pub fn part_bomb(name: &str, limit: u64) -> String {
    match lang() {
        Lang::En => format!("{name} inflates to more than {limit} bytes (a decompression bomb?)"),
        Lang::De => format!(
            "{name} entpackt sich zu mehr als {} (eine Dekompressionsbombe?)",
            bytes(limit)
        ),
    }
}

pub fn archive_bomb(limit: u64) -> String {
    match lang() {
        Lang::En => {
            format!("the archive inflates to more than {limit} bytes (a decompression bomb?)")
        }
        Lang::De => format!(
            "das Archiv entpackt sich zu mehr als {} (eine Dekompressionsbombe?)",
            bytes(limit)
        ),
    }
}

pub fn no_markup(name: &str, max: u64) -> String {
    match lang() {
        Lang::En => format!("{name} has more than {max} bytes without markup"),
        Lang::De => format!("{name} hat mehr als {} ohne Markup", bytes(max)),
    }
}

pub fn checksum(name: &str) -> String {
    match lang() {
        Lang::En => format!("{name} does not match its checksum"),
        Lang::De => format!("{name} passt nicht zu seiner Prüfsumme"),
    }
}

pub fn does_not_inflate(name: &str) -> String {
    match lang() {
        Lang::En => format!("{name} does not inflate"),
        Lang::De => format!("{name} lässt sich nicht entpacken"),
    }
}

#[cfg(test)]
mod tests {
    use super::group;

    #[test]
    fn german_digits_are_grouped() {
        assert_eq!(group(0), "0");
        assert_eq!(group(999), "999");
        assert_eq!(group(1000), "1.000");
        assert_eq!(group(20_971_593), "20.971.593");
    }
}
