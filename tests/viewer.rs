//! The viewer app on a corpus of real-format files made by real tools (python-docx, odfpy,
//! reportlab, zipfile) plus damaged ones and a decompression bomb: each is shown as text or
//! refused with an error view, inside the sandbox; the editor saves a new version.

use kapsel_core::documents;
use kapsel_host::Call;
use kapsel_tests::host::TestHost;

struct Fx {
    _tmp: tempfile::TempDir,
    corpus: std::path::PathBuf,
    h: TestHost,
}

fn fixture() -> Fx {
    let tmp = tempfile::tempdir().unwrap();
    let corpus = tmp.path().join("corpus");
    let script =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/make_documents.py");
    let status = std::process::Command::new("python3")
        .arg(&script)
        .arg(&corpus)
        .status()
        .expect("python3");
    assert!(
        status.success(),
        "making the corpus failed (tests/servers/install.sh installs its libraries)"
    );
    let mut h = TestHost::builder()
        .apps("[apps.viewer]\ndocuments = true\nlog = true\ncall_timeout_ms = 10000\n")
        .build();
    h.install_builtin("viewer");
    Fx {
        _tmp: tmp,
        corpus,
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
        ("kaputt.docx", "Cannot show this file"),
        ("kaputt.pdf", "the PDF cannot be parsed"),
        ("kaputt.png", "Cannot show this file"),
        ("bombe.docx", "inflates to more than"),
    ] {
        let started = std::time::Instant::now();
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
