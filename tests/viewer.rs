//! The viewer app on a corpus of real-format files made by real tools (python-docx, odfpy,
//! reportlab, zipfile) plus damaged ones and a decompression bomb: each is shown as text or
//! refused with an error view, inside the sandbox; the editor saves a new version.

use kapsel_core::documents;
use kapsel_host::Call;
use kapsel_tests::host::{Picture, TestHost};

struct Fx {
    corpus: std::path::PathBuf,
    h: TestHost,
}

/// The corpus is made once per test binary: the bombs alone take seconds to write.
fn corpus() -> std::path::PathBuf {
    static DIR: std::sync::OnceLock<tempfile::TempDir> = std::sync::OnceLock::new();
    let dir = DIR.get_or_init(|| {
        let tmp = tempfile::tempdir().unwrap();
        let script =
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/make_documents.py");
        let status = std::process::Command::new("python3")
            .arg(&script)
            .arg(tmp.path())
            .status()
            .expect("python3");
        assert!(
            status.success(),
            "making the corpus failed (tests/servers/install.sh installs its libraries)"
        );
        tmp
    });
    dir.path().to_path_buf()
}

fn fixture() -> Fx {
    // The default time (5 s) and memory (64 MiB) limits: every bomb and damaged file must be
    // stopped by the viewer's own limits, in its own words, before either.
    let mut h = TestHost::builder()
        .apps("[apps.viewer]\ndocuments = true\nlog = true\n")
        .build();
    h.install_builtin("viewer");
    Fx {
        corpus: corpus(),
        h,
    }
}

impl Fx {
    fn import(&self, name: &str) -> String {
        let file = std::fs::File::open(self.corpus.join(name)).unwrap();
        documents::save(
            &self.h.vault,
            name,
            documents::guess_media_type(name),
            "import",
            None,
            file,
        )
        .unwrap()
        .id
    }

    fn show(&mut self, name: &str) -> String {
        let id = self.import(name);
        let o = self
            .h
            .host
            .call("viewer", &Call::View(String::new()), Some(&id))
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        o.view.render_text()
    }
}

#[test]
fn real_formats_are_shown_as_text() {
    let mut fx = fixture();
    let cases: &[(&str, &[&str], &[&str])] = &[
        (
            "notiz.txt",
            &["Teilnehmer: Jörg, Änne, Süleyman", "Straße wird gesperrt."],
            &[],
        ),
        ("latin1.txt", &["Grüße aus Köln – Preis 5 €"], &[]),
        (
            "readme.md",
            &[
                "# Handbuch",
                "• Erstens",
                "hier <https://intranet.example/hilfe> (https://intranet.example)",
                "[image: Logo",
            ],
            &[],
        ),
        (
            "haushalt.csv",
            &[
                "Posten",
                "Betrag",
                "1.200.000",
                "Mit; Semikolon",
                "3 rows, 3 columns",
            ],
            &[],
        ),
        (
            "seite.html",
            &[
                "# Amtsblatt & Mitteilungen",
                "Grüße – siehe",
                "Amtsblatt <https://intranet.example/amtsblatt>",
                "[image: Wappen]",
            ],
            &[
                "document.location",
                "versteckt",
                "color:red",
                "evil.example",
            ],
        ),
        (
            "bescheid.docx",
            &[
                "# Bescheid über die Förderung",
                "hiermit bewilligen wir",
                "12.500 €",
                "• Erster Punkt",
            ],
            &[],
        ),
        (
            "protokoll.odt",
            &[
                "# Protokoll der Sitzung",
                "Beschlossen wurde die Einführung der Kapsel.",
            ],
            &[],
        ),
        (
            "bericht.pdf",
            &[
                "2 page(s)",
                "Jahresbericht 2026",
                "Zweite Seite mit Zahlen 42.",
            ],
            &[],
        ),
        ("wappen.png", &["Png", "64 px", "32 px"], &[]),
    ];
    for (name, present, absent) in cases {
        let t = fx.show(name);
        for p in *present {
            assert!(t.contains(p), "{name}: {p:?} missing in\n{t}");
        }
        for a in *absent {
            assert!(!t.contains(a), "{name}: {a:?} must not be shown\n{t}");
        }
        assert!(!t.contains("Cannot show"), "{name}: {t}");
    }
}

#[test]
fn damaged_files_and_bombs_give_an_error_view() {
    let mut fx = fixture();
    for (name, expected) in [
        ("kaputt.docx", "this Word document (DOCX) is damaged"),
        ("kaputt.xlsx", "this Excel workbook (XLSX) is damaged"),
        // One flipped byte: the CRC (or the deflate stream) says so.
        ("verfaelscht.docx", "the file is damaged: word/document.xml"),
        ("kaputt.pdf", "the PDF cannot be parsed"),
        (
            "kaputt.png",
            "Cannot show this file: the picture is damaged",
        ),
        // 1 GiB declared: refused before inflating.
        (
            "bombe.docx",
            "word/document.xml inflates to more than 25165824 bytes",
        ),
        // 1 GiB declared as 2 KiB: stopped while inflating.
        ("bombe-getarnt.docx", "inflates to more than 2048 bytes"),
        // Ten parts of 20 MiB, each within the part limit: the archive's limit stops them.
        ("bombe.xlsx", "the archive inflates to more than"),
    ] {
        let started = std::time::Instant::now();
        // `show` fails the test if the host's time or memory limit stopped the app: the
        // viewer's own limits must come first.
        let t = fx.show(name);
        assert!(t.contains(expected), "{name}: {t}");
        assert!(
            started.elapsed() < std::time::Duration::from_secs(10),
            "{name} took too long"
        );
    }
    // Without a document: a notice, not an error.
    let o =
        fx.h.host
            .call("viewer", &Call::View(String::new()), None)
            .unwrap();
    assert!(o.view.render_text().contains("No document was handed"));
}

#[test]
fn the_editor_saves_a_new_version_inside_the_container() {
    let mut fx = fixture();
    let id = fx.import("notiz.txt");
    let edit =
        fx.h.host
            .call("viewer", &Call::View("edit".into()), Some(&id))
            .unwrap()
            .view
            .render_text();
    assert!(
        edit.contains("Besprechung am Dienstag") && edit.contains("multiline"),
        "{edit}"
    );
    let o =
        fx.h.host
            .call(
                "viewer",
                &Call::Act {
                    action: "save".into(),
                    form: vec![("text".into(), "Neue Fassung: Straße bleibt offen.".into())],
                },
                Some(&id),
            )
            .unwrap();
    assert_eq!(o.saved_documents.len(), 1);
    let new = &o.saved_documents[0];
    assert_eq!(new.parent.as_deref(), Some(id.as_str()));
    assert_eq!(new.name, "notiz.txt");
    let t =
        fx.h.host
            .call("viewer", &Call::View(String::new()), Some(&new.id))
            .unwrap()
            .view
            .render_text();
    assert!(t.contains("Neue Fassung: Straße bleibt offen."), "{t}");
    // The original is unchanged.
    let t =
        fx.h.host
            .call("viewer", &Call::View(String::new()), Some(&id))
            .unwrap()
            .view
            .render_text();
    assert!(t.contains("Besprechung am Dienstag"));
    // Binary formats are not editable.
    let pdf = fx.import("bericht.pdf");
    let t =
        fx.h.host
            .call("viewer", &Call::View("edit".into()), Some(&pdf))
            .unwrap()
            .view
            .render_text();
    assert!(t.contains("cannot be edited"), "{t}");
}

/// Asserts that `t` has a line containing all of `parts`, in this order.
fn line_with(t: &str, parts: &[&str]) {
    let found = t.lines().any(|l| {
        let mut at = 0;
        parts.iter().all(|p| match l[at..].find(p) {
            Some(i) => {
                at += i + p.len();
                true
            }
            None => false,
        })
    });
    assert!(found, "no line with {parts:?} in\n{t}");
}

/// Asserts that the `needles` occur in `t` in this order.
fn in_order(t: &str, needles: &[&str]) {
    let mut at = 0;
    for n in needles {
        match t[at..].find(n) {
            Some(i) => at += i + n.len(),
            None => panic!("{n:?} missing or out of order in\n{t}"),
        }
    }
}

#[test]
fn markdown_paragraphs_html_blocks_and_images_stay_apart() {
    let mut fx = fixture();
    let t = fx.show("absatz.md");
    for line in [
        "Das ist fett",
        "[image: Pixel]",
        "Ende",
        "Vorher [image: Logo] nachher",
        "  • Punkt eins mit zweitem Absatz",
        "  • Punkt zwei",
        "  •   Unterpunkt",
    ] {
        assert!(t.lines().any(|l| l == line), "no line {line:?} in\n{t}");
    }
    assert!(!t.contains("fett[image") && !t.contains("]Ende"), "{t}");
    // Images are alt text only: their addresses are neither shown nor fetched.
    assert!(!t.contains("tracker.example"), "{t}");
}

#[test]
fn docx_shows_header_footer_and_footnotes() {
    let mut fx = fixture();
    let t = fx.show("brief.docx");
    in_order(
        &t,
        &[
            "Header: Stadt Musterhausen – Amt für Finanzen",
            "# Zuwendungsbescheid",
            // Numbered in the order the text refers to them, not by their ids.
            "Die Förderung beruht auf der Richtlinie[1] und dem Haushaltsplan[2].",
            "Mit freundlichen Grüßen",
            "# Footnotes",
            "[1] Richtlinie vom 1. Januar 2026, §",
            "[2] Haushaltsplan 2027, Kapitel 0410.",
            "Footer: Rathausplatz 1, 12345 Musterhausen",
        ],
    );
    // The separator notes Word writes are not footnotes.
    assert_eq!(t.lines().filter(|l| l.starts_with('[')).count(), 2, "{t}");
}

#[test]
fn xlsx_sheets_are_tables() {
    let mut fx = fixture();
    let t = fx.show("haushalt.xlsx");
    in_order(
        &t,
        &[
            "4 sheet(s)",
            "# Haushalt 2027",
            "5 rows, 6 columns",
            "# Übersicht & Notizen",
            "# Intern (hidden sheet)",
            "# Export",
        ],
    );
    line_with(&t, &["Posten", "Betrag", "Stichtag", "Anteil"]);
    // Shared strings, numbers as Excel shows them, dates by their number format.
    line_with(&t, &["Personal", "1200000", "2027-03-31", "0.3 "]);
    line_with(
        &t,
        &["Sachmittel (Büro)", "340000.5", "2027-06-30 14:30", "0.7"],
    );
    line_with(&t, &["Investitionen", "-12.25", "TRUE"]);
    line_with(&t, &["Randnotiz"]);
    line_with(&t, &["Kämmerei", "geprüft"]);
    // Inline strings (rich runs joined), a formula's cached text, an error value.
    line_with(&t, &["Quote (Ist)", "97.5", "97.5%", "#DIV/0!"]);
    assert!(!t.contains("0.30000000000000004"), "{t}");
}

#[test]
fn pptx_slides_are_text_in_show_order() {
    let mut fx = fixture();
    let t = fx.show("klausur.pptx");
    in_order(
        &t,
        &[
            "3 slide(s)",
            "# Slide 1: Digitale Verwaltung 2027",
            "Klausurtagung der Amtsleitungen",
            // Made third, moved to second place: the show's order counts.
            "# Slide 2: Kosten",
            "Maßnahme",
            "Scanner",
            "Stand: Entwurf",
            "# Slide 3: Ziele",
            "  • Akten elektronisch führen",
            "  •   Eingangspost scannen",
            "  • Bürgerportal ausbauen",
            "Notes: Hier auf die Zahlen von 2026 verweisen.",
        ],
    );
    line_with(&t, &["Scanner", "45.000"]);
}

/// A container enrolled with the built-in viewer, through the real binary.
fn binary_env() -> kapsel_tests::Env {
    use kapsel_tests::{Env, PASSWORD, policy_text};
    let env = Env::new();
    let (dir, key) = kapsel_tests::builtin_apps();
    let policy = policy_text(1, "").replace(
        "[integrity]",
        &format!(
            "[[publishers]]\nname = \"Kapsel\"\nkey = \"{key}\"\nbuiltin = true\n\n\
             [apps.viewer]\npreinstall = true\ndocuments = true\nlog = true\n\n[integrity]"
        ),
    );
    let p = env.tenant.policy_file("viewer.toml", &policy);
    env.try_enroll(
        p.to_str().unwrap(),
        &env.tenant.public_key(),
        &["--apps", dir.to_str().unwrap()],
        &format!("{PASSWORD}\n"),
    )
    .ok();
    env.unlock().ok();
    env
}

/// `kapsel doc import` of a corpus file: its document id.
fn import_with_binary(env: &kapsel_tests::Env, name: &str) -> String {
    let file = corpus().join(name);
    env.run(&["--json", "doc", "import", file.to_str().unwrap()])
        .ok()
        .json()["id"]
        .as_str()
        .unwrap()
        .to_string()
}

/// `kapsel app open viewer --doc ID` (no document when `id` is empty), under `lang`.
fn open_with_binary(env: &kapsel_tests::Env, id: &str, lang: &str) -> String {
    let mut args = vec!["app", "open", "viewer"];
    if !id.is_empty() {
        args.extend(["--doc", id]);
    }
    let mut cmd = env.command(&env.bin, &args);
    cmd.env("LANG", lang);
    let r = kapsel_tests::run_command(&mut cmd, None);
    r.ok();
    r.stdout.clone()
}

/// Through the real binary: documents larger than the 16 MiB the viewer once read whole
/// open — a text shows its beginning, a DOCX is read by its directory and the parts it needs.
#[test]
fn documents_over_16_mib_open_through_the_binary() {
    let env = binary_env();
    let open = |name: &str| open_with_binary(&env, &import_with_binary(&env, name), "en_GB.UTF-8");
    let t = open("gross.txt");
    assert!(
        t.contains("Anfang des Protokolls: Sitzung des Ältestenrats")
            && t.contains("Zeile 00000001: Tagesordnungspunkt vertagt")
            && t.contains("A large file (20971593 bytes)")
            && t.contains("only its beginning is shown"),
        "{}",
        &t[..t.len().min(2000)]
    );
    assert!(!t.contains("Ende des Protokolls") && !t.contains('\u{fffd}'));
    let t = open("anlage.docx");
    in_order(
        &t,
        &[
            "Word document (DOCX)",
            "# Anlage zum Bescheid",
            "Der eingescannte Antrag liegt als Bild bei.",
            "Ende der Anlage.",
        ],
    );
    assert!(!t.contains("Cannot"), "{t}");
}

/// The viewer's own words — labels, headings, notices, warnings, errors — in the user's
/// language, through the real binary: the session agent takes the language of whoever
/// unlocked and hands it to the viewer as `kapsel.locale`. The documents' own text stays as
/// written.
#[test]
fn the_viewer_speaks_german_and_english_through_the_binary() {
    let env = binary_env();
    // (file, English texts, German texts); each language's texts must be absent in the other.
    let cases: &[(&str, &[&str], &[&str])] = &[
        (
            "brief.docx",
            &[
                "Word document (DOCX) · ",
                " bytes",
                "Header: Stadt Musterhausen – Amt für Finanzen",
                "# Footnotes",
                "Footer: Rathausplatz 1",
            ],
            &[
                "Word-Dokument (DOCX) · ",
                " Bytes",
                "Kopfzeile: Stadt Musterhausen – Amt für Finanzen",
                "# Fußnoten",
                "Fußzeile: Rathausplatz 1",
            ],
        ),
        (
            "haushalt.xlsx",
            &[
                "4 sheet(s)",
                "5 rows, 6 columns",
                "# Intern (hidden sheet)",
                "TRUE",
                "340000.5",
            ],
            &[
                "4 Tabellenblätter",
                "5 Zeilen, 6 Spalten",
                "# Intern (ausgeblendetes Blatt)",
                "WAHR",
                // Numbers with the German decimal comma, as German Excel shows them.
                "340000,5",
            ],
        ),
        (
            "klausur.pptx",
            &[
                "3 slide(s)",
                "# Slide 1: Digitale Verwaltung 2027",
                "Notes: Hier auf die Zahlen",
            ],
            &[
                "3 Folien",
                "# Folie 1: Digitale Verwaltung 2027",
                "Notizen: Hier auf die Zahlen",
            ],
        ),
        (
            "genehmigung.odt",
            &["OpenDocument text (ODT)", "Header: Landratsamt"],
            &["OpenDocument-Text (ODT)", "Kopfzeile: Landratsamt"],
        ),
        (
            "bericht.pdf",
            &["2 page(s)", "# Page 1"],
            &["2 Seiten", "# Seite 1"],
        ),
        (
            "haushalt.csv",
            &["3 rows, 3 columns", "Edit"],
            &["3 Zeilen, 3 Spalten", "Bearbeiten"],
        ),
        (
            "seite.html",
            &["scripts, styles and remote images are never loaded"],
            &["Skripte, Stile und entfernte Bilder werden nie geladen"],
        ),
        (
            "wappen.png",
            &["Property", "Width", "Height"],
            &["Eigenschaft", "Breite", "Höhe"],
        ),
        (
            "kaputt.docx",
            &[
                "Cannot show this file: this Word document (DOCX) is damaged",
                "ask for the file again",
            ],
            &[
                "Diese Datei kann nicht gezeigt werden: dieses Word-Dokument (DOCX) ist beschädigt",
                "fordern Sie sie erneut an",
            ],
        ),
        (
            "bombe.docx",
            &["inflates to more than", "a decompression bomb?"],
            &["entpackt sich zu mehr als", "eine Dekompressionsbombe?"],
        ),
        (
            "rechnung.pdf",
            &[
                "Caution: the name ends in .pdf, but the content is a program",
                "the viewer cannot show this file",
            ],
            &[
                "Vorsicht: Der Name endet auf .pdf, der Inhalt ist aber ein Programm",
                "der Betrachter kann diese Datei nicht zeigen",
            ],
        ),
        (
            "start.bat",
            &["Caution: a .bat file is a program, script or shortcut"],
            &["Vorsicht: Eine .bat-Datei ist ein Programm, Skript oder eine Verknüpfung"],
        ),
        (
            "umsatz.xlsm",
            &["Caution: this document contains macros (a VBA project)"],
            &["Vorsicht: Dieses Dokument enthält Makros (ein VBA-Projekt)"],
        ),
        (
            "",
            &["No document was handed to the viewer"],
            &["Dem Betrachter wurde kein Dokument übergeben"],
        ),
    ];
    let ids: Vec<String> = cases
        .iter()
        .map(|(name, _, _)| {
            if name.is_empty() {
                String::new()
            } else {
                import_with_binary(&env, name)
            }
        })
        .collect();
    let check = |lang: &str, german: bool| {
        for ((name, en, de), id) in cases.iter().zip(&ids) {
            let t = open_with_binary(&env, id, lang);
            let (want, other) = if german { (de, en) } else { (en, de) };
            for w in *want {
                assert!(t.contains(w), "{name} ({lang}): {w:?} missing in\n{t}");
            }
            for o in *other {
                assert!(
                    !t.contains(o),
                    "{name} ({lang}): {o:?} must not show in\n{t}"
                );
            }
            // The documents' own words are never translated.
            if *name == "brief.docx" {
                assert!(t.contains("Mit freundlichen Grüßen"), "{t}");
            }
        }
    };
    check("en_GB.UTF-8", false);
    // The agent speaks the language of whoever unlocks: lock, and unlock in German.
    env.run(&["lock"]).ok();
    let mut unlock = env.command(&env.bin, &["unlock", "--password-stdin"]);
    unlock.env("LANG", "de_DE.UTF-8");
    kapsel_tests::run_command(&mut unlock, Some(&format!("{}\n", kapsel_tests::PASSWORD))).ok();
    check("de_DE.UTF-8", true);
}

/// The quadrants of verschraenkt.png, as make_documents.py paints them.
fn quadrant(x: usize, y: usize) -> [u8; 3] {
    match (y < 101 / 2, x < 203 / 2) {
        (true, true) => [230, 20, 20],
        (true, false) => [20, 200, 20],
        (false, true) => [20, 20, 230],
        (false, false) => [255, 255, 255],
    }
}

impl Fx {
    /// The one picture block of the viewer's view of `name`.
    fn picture(&mut self, name: &str) -> Picture {
        let id = self.import(name);
        let o = self
            .h
            .host
            .call("viewer", &Call::View(String::new()), Some(&id))
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        let pictures = Picture::all_in(&o.view);
        assert_eq!(pictures.len(), 1, "{name}: {}", o.view.render_text());
        pictures.into_iter().next().unwrap()
    }
}

#[test]
fn pictures_are_image_blocks_without_loading_anything() {
    let mut fx = fixture();
    // A photo, dark on the left and bright on the right: 800 × 600 shrunk to 512 × 384.
    let p = fx.picture("foto.jpg");
    assert_eq!((p.width, p.height), (512, 384), "{}", p.alt);
    assert_eq!(p.alt, "foto.jpg, 800 × 600 pixels");
    for y in [0, 100, 383] {
        p.assert_near(10, y, [10, 10, 10], 12);
        p.assert_near(240, y, [10, 10, 10], 12);
        p.assert_near(270, y, [250, 250, 245], 12);
        p.assert_near(511, y, [250, 250, 245], 12);
    }
    // A 12 Mpx phone photo fits the app's memory beside its file (above 6 Mpx it is decoded
    // in grey): a brighter red wall left, a darker blue sky right.
    let p = fx.picture("handy.jpg");
    assert_eq!((p.width, p.height), (512, 384), "{}", p.alt);
    let luma = |[r, g, b]: [u8; 3]| (299 * r as u32 + 587 * g as u32 + 114 * b as u32) / 1000;
    for y in [5, 200, 380] {
        assert!(luma(p.at(20, y)).abs_diff(89) <= 10, "{:?}", p.at(20, y));
        assert!(luma(p.at(490, y)).abs_diff(60) <= 10, "{:?}", p.at(490, y));
    }
    // A drawing, transparent above (the dark background shows) and white below.
    let p = fx.picture("zeichnung.png");
    assert_eq!((p.width, p.height), (300, 200));
    p.assert_near(150, 10, [0, 0, 0], 0);
    p.assert_near(150, 150, [255, 255, 255], 0);
    // The first frame of an animation: a white square in the middle of a dark field.
    let p = fx.picture("animation.gif");
    assert_eq!((p.width, p.height), (120, 60));
    p.assert_near(60, 30, [255, 255, 255], 0);
    p.assert_near(5, 5, [0, 0, 0], 0);
    p.assert_near(100, 30, [0, 0, 0], 0);
    // The text shell draws the block itself and names it.
    let t = fx.show("wappen.png");
    assert!(t.contains("wappen.png, 64 × 32 pixels"), "{t}");
}

#[test]
fn interlaced_png_is_decoded_and_odt_headers_footers_and_notes_are_shown() {
    let mut fx = fixture();
    // Adam7: four quadrants (red, green / blue, white) come out where they are, pixel for
    // pixel, not smeared pass by pass over the top rows.
    let p = fx.picture("verschraenkt.png");
    assert_eq!((p.width, p.height), (203, 101));
    for y in 0..p.height {
        for x in 0..p.width {
            assert_eq!(p.at(x, y), quadrant(x, y), "pixel ({x}, {y})");
        }
    }
    // ODT headers and footers sit in the master page of styles.xml: the header before the
    // text, both footers (default and left pages) after it, a page-number field as its value;
    // foot- and endnotes sit inside the paragraph that refers to them.
    let t = fx.show("genehmigung.odt");
    in_order(
        &t,
        &[
            "Header: Landratsamt Musterkreis – Bauamt",
            "# Baugenehmigung",
            // Notes inside the paragraph are its markers, their text follows the body.
            "Ihr Antrag vom 3. März wird genehmigt[1], die Auflagen gelten[i].",
            "# Footnotes",
            "[1] Nach § 58 Landesbauordnung.",
            "# Endnotes",
            "[i] Die Gebühr wird gesondert festgesetzt.",
            "Footer: Seite 1 · Kreishaus, Schloßstraße 4",
            "Footer: Bankverbindung: Kreissparkasse",
        ],
    );
    // An ODT without master-page content shows no header line.
    let t = fx.show("protokoll.odt");
    assert!(!t.contains("Header:") && !t.contains("Footer:"), "{t}");
}

/// Standard base64 (as `--json` carries pixels), decoded here to keep the test self-contained.
fn base64_decode(s: &str) -> Vec<u8> {
    let value = |c: u8| match c {
        b'A'..=b'Z' => c - b'A',
        b'a'..=b'z' => c - b'a' + 26,
        b'0'..=b'9' => c - b'0' + 52,
        b'+' => 62,
        b'/' => 63,
        _ => panic!("not base64: {c}"),
    };
    let digits: Vec<u8> = s.bytes().filter(|&c| c != b'=').map(value).collect();
    let mut out = Vec::with_capacity(digits.len() * 3 / 4);
    for chunk in digits.chunks(4) {
        let n = chunk
            .iter()
            .enumerate()
            .fold(0u32, |n, (i, &d)| n | (d as u32) << (18 - 6 * i));
        out.extend(&n.to_be_bytes()[1..chunk.len()]);
    }
    out
}

/// Every JSON object with `"type": "image"` under `v`.
fn image_blocks(v: &serde_json::Value, out: &mut Vec<serde_json::Value>) {
    match v {
        serde_json::Value::Object(m) => {
            if m.get("type").and_then(|t| t.as_str()) == Some("image") {
                out.push(v.clone());
            }
            m.values().for_each(|x| image_blocks(x, out));
        }
        serde_json::Value::Array(a) => a.iter().for_each(|x| image_blocks(x, out)),
        _ => {}
    }
}

/// Through the real binary: `kapsel --json app open` carries a picture as an image block —
/// width, height and the pixels as base64 — decoded inside the viewer, for a PNG and a JPEG.
#[test]
fn pictures_arrive_as_image_blocks_in_json_through_the_binary() {
    let env = binary_env();
    let picture = |name: &str| -> Picture {
        let id = import_with_binary(&env, name);
        let r = env.run(&["--json", "app", "open", "viewer", "--doc", &id]);
        let mut found = Vec::new();
        image_blocks(&r.ok().json(), &mut found);
        assert_eq!(found.len(), 1, "{name}: {}", r.stdout);
        let b = &found[0];
        Picture {
            alt: b["alt"].as_str().unwrap().to_string(),
            width: b["width"].as_u64().unwrap() as usize,
            height: b["height"].as_u64().unwrap() as usize,
            rgb: base64_decode(b["rgb"].as_str().unwrap()),
        }
    };
    let p = picture("verschraenkt.png");
    assert_eq!((p.width, p.height, p.rgb.len()), (203, 101, 203 * 101 * 3));
    for (x, y) in [
        (0, 0),
        (100, 49),
        (101, 0),
        (202, 50),
        (0, 100),
        (150, 75),
        (202, 100),
    ] {
        p.assert_near(x, y, quadrant(x, y), 0);
    }
    let p = picture("foto.jpg");
    assert_eq!((p.width, p.height, p.rgb.len()), (512, 384, 512 * 384 * 3));
    p.assert_near(20, 20, [10, 10, 10], 12);
    p.assert_near(500, 370, [250, 250, 245], 12);
}

/// Every real-format file of the corpus, mutated (bits, bytes, blocks, splices, cuts): the
/// viewer shows it or says in its own words why not. The host stopping it (a trap from a
/// panic, its time or memory limit) fails the test with the input saved.
#[test]
fn mutated_documents_get_a_view_or_the_viewers_own_error() {
    use kapsel_tests::fuzz::{Rng, budget, failure_path, mutate};
    // A longer call budget than the fixture's: on a loaded machine a large mutated file may
    // take seconds, and only a trap or a runaway app is a finding here.
    let mut h = TestHost::builder()
        .apps("[apps.viewer]\ndocuments = true\nlog = true\ncall_timeout_ms = 30000\n")
        .build();
    h.install_builtin("viewer");
    let mut fx = Fx {
        corpus: corpus(),
        h,
    };
    let names = [
        "absatz.md",
        "animation.gif",
        "bericht.pdf",
        "brief.docx",
        "foto.jpg",
        "genehmigung.odt",
        "haushalt.csv",
        "haushalt.xlsx",
        "klausur.pptx",
        "latin1.txt",
        "readme.md",
        "zeichnung.png",
        "protokoll.odt",
        "rechnung.pdf",
        "handy.jpg",
        "seite.html",
        "wappen.png",
    ];
    let corpus: Vec<Vec<u8>> = names
        .iter()
        .map(|n| std::fs::read(fx.corpus.join(n)).expect("corpus file"))
        .collect();
    let (time, seed) = budget();
    let mut rng = Rng(seed ^ 0x7669_6577);
    let deadline = std::time::Instant::now() + time;
    let mut runs = 0usize;
    while runs < names.len() || std::time::Instant::now() < deadline {
        let pick = runs % names.len();
        let mut input = corpus[pick].clone();
        mutate(&mut rng, &mut input, &corpus);
        let name = names[pick];
        let doc = documents::save(
            &fx.h.vault,
            name,
            documents::guess_media_type(name),
            "import",
            None,
            std::io::Cursor::new(&input),
        )
        .expect("import");
        let outcome =
            fx.h.host
                .call("viewer", &Call::View(String::new()), Some(&doc.id));
        documents::remove(&fx.h.vault, &doc.id).expect("remove");
        if let Err(e) = outcome {
            let file = failure_path(&format!("viewer-{runs}-{name}"));
            let _ = std::fs::write(&file, &input);
            panic!(
                "{name} mutated (run {runs}): {e}; saved to {}",
                file.display()
            );
        }
        runs += 1;
    }
    eprintln!("viewer: {runs} mutated documents");
}
