//! Every screen rendered into ratatui's `TestBackend`, in German and in English, at 80×24
//! and 200×50: the text each must show, nothing hostile reaching a cell, no colour under
//! NO_COLOR, and no panic at any size.

use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use serde_json::json;

use crate::app::{App, Effect, Notice, Outcome, Tab, UnlockInfo};
use crate::mail::MailOutcome;
use kapsel_host::{Block, CallOutcome, View};
use kapsel_i18n::{Catalog, Lang};

const HOSTILE: &str = "Bericht\u{1b}]52;c;ZXZpbA==\u{7}\u{1b}[2J\u{9b}31m\u{202e}fdp.exe";

fn render(app: &App, width: u16, height: u16) -> String {
    let mut terminal = Terminal::new(TestBackend::new(width, height)).expect("test terminal");
    terminal.draw(|f| super::draw(f, app)).expect("draw");
    let buffer = terminal.backend().buffer().clone();
    for cell in buffer.content() {
        assert!(
            !cell.symbol().chars().any(|c| c.is_control()),
            "a control character reached a cell: {:?}",
            cell.symbol()
        );
    }
    let mut text = String::new();
    for y in 0..height {
        for x in 0..width {
            text.push_str(buffer[(x, y)].symbol());
        }
        text.push('\n');
    }
    text
}

fn key(code: KeyCode) -> KeyEvent {
    KeyEvent::new(code, KeyModifiers::NONE)
}

fn ctrl(c: char) -> KeyEvent {
    KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL)
}

fn item(id: i64, subject: &str, from: &str, seen: bool) -> kapsel_mail::ListItem {
    serde_json::from_value(json!({
        "id": id, "date": 1_764_676_800 + id, "from": from, "subject": subject,
        "seen": seen, "flagged": id == 2, "attachments": if id == 1 { 1 } else { 0 },
        "size": 2048, "folder": null, "message_id": format!("<{id}@x>"),
        "in_reply_to": if id == 3 { Some("<1@x>") } else { None },
    }))
    .expect("list item")
}

fn unlocked(lang: Lang) -> App {
    let mut app = App::new(Catalog::new(lang), UnlockInfo::default());
    app.apply(Outcome::Unlocked);
    let folders = serde_json::from_value(json!([
        {"name": "INBOX", "server_name": "INBOX", "origin": "own", "special_use": null,
         "messages": 3, "unread": 2, "rights": null},
        {"name": "Sent", "server_name": "Sent", "origin": "own", "special_use": "\\Sent",
         "messages": 0, "unread": 0, "rights": null}
    ]))
    .expect("folders");
    app.apply(Outcome::Mail(MailOutcome::Folders(folders)));
    app.apply(Outcome::Mail(MailOutcome::List(
        "INBOX".into(),
        vec![
            item(
                1,
                "Haushaltsplan 2027",
                "Erika Mustermann <erika@behoerde.example>",
                false,
            ),
            item(2, HOSTILE, "Mallory <m@evil.example>", false),
            item(
                3,
                "AW: Haushaltsplan 2027",
                "Max Müller <max@behoerde.example>",
                true,
            ),
        ],
    )));
    app
}

fn read(app: &mut App) {
    let read = serde_json::from_value(json!({
        "id": 1, "folder": "INBOX",
        "from": "Erika Mustermann <erika@behoerde.example>", "from_address": "erika@behoerde.example",
        "sender": null, "to": ["alice@behoerde.example"], "cc": [], "reply_to": [],
        "subject": "Haushaltsplan 2027", "date": 1_764_676_801, "message_id": "<1@x>",
        "in_reply_to": null, "references": [],
        "attachments": [{"index": 0, "name": "Übersicht.pdf", "media_type": "application/pdf", "size": 1_500_000}],
        "flags": ["\\Seen"], "size": 2048, "complete": true,
        "text": format!("Liebe Alice,\r\nanbei der Plan.\r\n{HOSTILE}\r\n")
    }))
    .expect("read");
    app.apply(Outcome::Mail(MailOutcome::Read(Box::new(read))));
}

#[test]
fn unlock_screen_in_both_languages_never_shows_the_password() {
    for (lang, title, failures) in [
        (
            Lang::De,
            "Der Arbeitscontainer ist gesperrt",
            "2 Fehlversuche — noch 8 bis zur Grenze",
        ),
        (
            Lang::En,
            "The work container is locked",
            "2 failed attempts — 8 left before the limit",
        ),
    ] {
        let info = UnlockInfo {
            tenant: "Landesamt für Beispiele".into(),
            failures: 2,
            max_failures: 10,
            retry_after_ms: 4_000,
        };
        let mut app = App::new(Catalog::new(lang), info);
        for c in "Geheim-Passwort-42".chars() {
            assert!(app.on_key(key(KeyCode::Char(c))).is_empty());
        }
        let screen = render(&app, 80, 24);
        assert!(screen.contains(title), "{screen}");
        assert!(screen.contains("Landesamt für Beispiele"), "{screen}");
        assert!(screen.contains(failures), "{screen}");
        assert!(screen.contains(" 4 s"), "{screen}");
        assert!(!screen.contains("Geheim") && !screen.contains('•') && !screen.contains('*'));
        let effects = app.on_key(key(KeyCode::Enter));
        assert!(
            matches!(effects.as_slice(), [Effect::Unlock(p)] if p.as_str() == "Geheim-Passwort-42")
        );
        assert!(app.unlock.password.is_empty());
    }
}

#[test]
fn mail_screens_in_both_languages_at_80_and_200_columns() {
    for (lang, folders, subject_label, attachment) in [
        (Lang::De, "Ordner", "Betreff", "1,5 MB"),
        (Lang::En, "Folders", "Subject", "1.5 MB"),
    ] {
        let mut app = unlocked(lang);
        let list = render(&app, 80, 24);
        assert!(list.contains(folders), "{list}");
        assert!(list.contains("INBOX (2)"), "{list}");
        assert!(list.contains("Haushaltsplan 2027"), "{list}");
        assert!(
            list.contains("↳ AW: Haushaltsplan"),
            "the reply is threaded: {list}"
        );
        assert!(list.contains('●'), "unread marker: {list}");
        assert!(
            list.contains("␛]52"),
            "the hostile subject is shown visibly: {list}"
        );
        read(&mut app);
        for (w, h) in [(80, 24), (200, 50)] {
            let screen = render(&app, w, h);
            assert!(screen.contains(subject_label), "{screen}");
            assert!(screen.contains("Übersicht.pdf"), "{screen}");
            assert!(screen.contains(attachment), "{screen}");
            assert!(screen.contains("anbei der Plan."), "{screen}");
            assert!(
                !screen.contains('\u{FFFD}'),
                "CR LF is a line end: {screen}"
            );
        }
        let wide = render(&app, 200, 50);
        assert!(
            wide.contains(folders) && wide.contains("Liebe Alice"),
            "{wide}"
        );
    }
}

#[test]
fn the_reader_warns_of_risky_attachments_and_names_inline_images_smime_and_a_missing_date() {
    for (lang, words) in [
        (
            Lang::En,
            [
                "⚠ a program, script",
                "⚠ the name says PDF, but the content is EXE",
                "(shown in the text)",
                "Signed (S/MIME) — signature not verified",
                "(no valid date from the sender: time of arrival)",
            ],
        ),
        (
            Lang::De,
            [
                "⚠ ein Programm, Skript",
                "⚠ der Name sagt PDF, der Inhalt ist aber EXE",
                "(im Text gezeigt)",
                "Signiert (S/MIME) — Signatur nicht geprüft",
                "(kein gültiges Datum vom Absender: Eingang beim Server)",
            ],
        ),
    ] {
        let mut app = unlocked(lang);
        let read = serde_json::from_value(json!({
            "id": 2, "folder": "INBOX", "from": "x@behoerde.example", "from_address": "x@behoerde.example",
            "sender": null, "to": [], "cc": [], "reply_to": [], "subject": "Rechnung",
            "date": 1_764_676_801, "date_from_arrival": true, "security": "signed",
            "message_id": null, "in_reply_to": null, "references": [],
            "attachments": [
                {"index": 0, "name": "logo.png", "media_type": "image/png", "size": 10, "inline": true},
                {"index": 1, "name": "Rechnung.pdf", "media_type": "application/pdf", "size": 64,
                 "warnings": [{"kind": "dangerous"}, {"kind": "mismatch", "named": "PDF", "content": "EXE"}]}
            ],
            "flags": [], "size": 2048, "complete": true, "text": "Bitte zahlen."
        }))
        .expect("read");
        app.apply(Outcome::Mail(MailOutcome::Read(Box::new(read))));
        let screen = render(&app, 200, 50);
        for w in words {
            assert!(screen.contains(w), "{w:?} missing: {screen}");
        }
        render(&app, 80, 24);
    }
}

#[test]
fn reply_compose_paste_and_send_stay_inside_kapsel() {
    let mut app = unlocked(Lang::De);
    read(&mut app);
    app.on_key(key(KeyCode::Char('y')));
    assert!(
        app.copied
            .as_ref()
            .is_some_and(|c| c.contains("anbei der Plan."))
    );
    app.on_key(key(KeyCode::Char('r')));
    let screen = render(&app, 80, 24);
    assert!(screen.contains("Antworten"), "{screen}");
    assert!(screen.contains("> Liebe Alice,"), "{screen}");
    assert!(screen.contains("Strg+S senden"), "{screen}");
    for c in "Danke!".chars() {
        app.on_key(key(KeyCode::Char(c)));
    }
    app.on_key(ctrl('v'));
    let effects = app.on_key(ctrl('s'));
    let sent = effects.iter().find_map(|e| match e {
        Effect::Mail(crate::mail::MailEffect::Send {
            draft, save_only, ..
        }) => Some((draft.body.clone(), *save_only)),
        _ => None,
    });
    let (body, save_only) = sent.expect("Ctrl+S sends");
    assert!(!save_only);
    assert!(
        body.starts_with("Danke!Liebe Alice,\nanbei der Plan."),
        "{body:?}"
    );
    assert!(app.busy.is_some());
}

#[test]
fn recipient_completion_offers_and_takes_a_suggestion() {
    let mut app = unlocked(Lang::En);
    app.on_key(key(KeyCode::Char('c')));
    let mut asked = None;
    for c in "Eri".chars() {
        for e in app.on_key(key(KeyCode::Char(c))) {
            if let Effect::Complete(p) = e {
                asked = Some(p);
            }
        }
    }
    assert_eq!(asked.as_deref(), Some("Eri"));
    app.apply(Outcome::Completions("Er".into(), vec!["stale".into()]));
    app.apply(Outcome::Completions(
        "Eri".into(),
        vec!["Erika Mustermann <erika@behoerde.example>".into()],
    ));
    let screen = render(&app, 80, 24);
    assert!(
        screen.contains("Suggestions") && !screen.contains("stale"),
        "{screen}"
    );
    app.on_key(key(KeyCode::Enter));
    let c = app.mail.compose.as_ref().expect("composing");
    assert_eq!(c.to.text, "Erika Mustermann <erika@behoerde.example>");
}

#[test]
fn outbox_in_doubt_and_other_tabs_in_both_languages() {
    for (lang, words) in [
        (
            Lang::De,
            [
                "unklar",
                "Kalender",
                "Keine offenen Aufgaben.",
                "Keine Kontakte.",
                "Einen Namen eingeben",
            ],
        ),
        (
            Lang::En,
            [
                "in doubt",
                "Calendar",
                "No open tasks.",
                "No contacts.",
                "Type a name",
            ],
        ),
    ] {
        let mut app = unlocked(lang);
        app.on_key(key(KeyCode::Char('b')));
        let outbox = serde_json::from_value(json!([{
            "id": "o1", "state": "in-doubt", "from": "alice@x", "to": ["bob@x"],
            "subject": "Vermerk", "message_id": "<o1@x>", "created_ms": 0, "attempts": 1,
            "last_error": "connection reset after DATA"
        }]));
        let outbox = match outbox {
            Ok(o) => o,
            Err(_) => serde_json::from_value(json!([{
                "id": "o1", "state": "InDoubt", "from": "alice@x", "to": ["bob@x"],
                "subject": "Vermerk", "message_id": "<o1@x>", "created_ms": 0, "attempts": 1,
                "last_error": "connection reset after DATA"
            }]))
            .expect("outbox entry"),
        };
        app.apply(Outcome::Mail(MailOutcome::Outbox(outbox)));
        let screen = render(&app, 80, 24);
        assert!(
            screen.contains(words[0]) && screen.contains("Vermerk"),
            "{screen}"
        );
        app.on_key(key(KeyCode::F(2)));
        app.apply(Outcome::Agenda(
            serde_json::from_value(json!({
                "from": "2026-11-30T00:00:00+01:00", "to": "2026-12-07T00:00:00+01:00",
                "events": [{
                    "calendar": "Arbeit", "uid": "e1", "summary": "Referatsbesprechung",
                    "location": "Raum 2.14", "start": "2026-12-02T09:30:00+01:00",
                    "end": "2026-12-02T10:30:00+01:00", "all_day": false, "recurring": true
                }],
                "unreadable": 0
            }))
            .expect("agenda"),
        ));
        let screen = render(&app, 80, 24);
        assert!(
            screen.contains(words[1]) && screen.contains("Referatsbesprechung — Raum 2.14"),
            "{screen}"
        );
        let date = if lang == Lang::De {
            "02.12.2026"
        } else {
            "02/12/2026"
        };
        assert!(screen.contains(date), "{screen}");
        app.on_key(key(KeyCode::F(3)));
        app.apply(Outcome::Tasks(Default::default()));
        assert!(render(&app, 80, 24).contains(words[2]));
        app.on_key(key(KeyCode::F(4)));
        app.apply(Outcome::Contacts(Default::default()));
        assert!(render(&app, 80, 24).contains(words[3]));
        app.on_key(key(KeyCode::F(5)));
        assert!(render(&app, 80, 24).contains(words[4]));
    }
}

fn every_block() -> CallOutcome {
    CallOutcome {
        app: "news".into(),
        view: View {
            title: "Intranet".into(),
            blocks: vec![
                Block::Heading {
                    text: "Neuigkeiten".into(),
                },
                Block::Text {
                    text: format!("Absatz eins\n{HOSTILE}"),
                },
                Block::Item {
                    title: "Betriebsausflug".into(),
                    subtitle: Some("am 12.12.".into()),
                    action: Some("open:1".into()),
                    badge: Some("neu".into()),
                },
                Block::Button {
                    label: "Aktualisieren".into(),
                    action: "refresh".into(),
                },
                Block::Field {
                    name: "q".into(),
                    label: "Suche".into(),
                    kind: "text".into(),
                    value: "".into(),
                },
                Block::Field {
                    name: "n".into(),
                    label: "Anzahl".into(),
                    kind: "number".into(),
                    value: "5".into(),
                },
                Block::Field {
                    name: "d".into(),
                    label: "Ab".into(),
                    kind: "date".into(),
                    value: "2026-12-01".into(),
                },
                Block::Field {
                    name: "m".into(),
                    label: "Notiz".into(),
                    kind: "multiline".into(),
                    value: "".into(),
                },
                Block::Field {
                    name: "c".into(),
                    label: "Nur ungelesene".into(),
                    kind: "checkbox".into(),
                    value: "false".into(),
                },
                Block::Table {
                    columns: vec!["Tag".into(), "Essen".into()],
                    rows: vec![vec!["Mo".into(), "Linsen".into()]],
                },
                Block::Divider,
                Block::Notice {
                    level: "warning".into(),
                    text: "Feed veraltet".into(),
                },
                Block::Link {
                    label: "Quelle".into(),
                    url: "https://intranet.behoerde.example/artikel/1".into(),
                },
            ],
        },
        notifications: Vec::new(),
        saved_documents: Vec::new(),
        open_requests: Vec::new(),
        denials: vec!["http to https://elsewhere.example is not granted".into()],
        elapsed_us: 10,
        cold: false,
        opened: Vec::new(),
        integrity_errors: Vec::new(),
    }
}

#[test]
fn an_app_view_shows_every_block_and_never_follows_a_link() {
    for (lang, warning, refused, link) in [
        (
            Lang::De,
            "Warnung: Feed veraltet",
            "Vom Container verweigert",
            "Kapsel öffnet keine Links",
        ),
        (
            Lang::En,
            "Warning: Feed veraltet",
            "Refused by the container",
            "Kapsel does not open links",
        ),
    ] {
        let mut app = unlocked(lang);
        app.tab = Tab::Apps;
        app.apply(Outcome::App(Box::new(every_block())));
        let screen = render(&app, 100, 40);
        for text in [
            "news — Intranet",
            "Neuigkeiten",
            "Absatz eins",
            "› Betriebsausflug [neu]",
            "am 12.12.",
            "[ Aktualisieren ]",
            "Suche: []",
            "Anzahl: [5]",
            "Ab: [2026-12-01]",
            "Nur ungelesene: [ ]",
            "Tag",
            "Linsen",
            "───",
            warning,
            "↗ Quelle (https://intranet.behoerde.example)",
            refused,
        ] {
            assert!(screen.contains(text), "{text:?} missing:\n{screen}");
        }
        // Enter on the item acts with the form; the checkbox toggles; the link only tells.
        let effects = app.on_key(key(KeyCode::Enter));
        assert!(
            effects
                .iter()
                .any(|e| matches!(e, Effect::AppCall { action: Some(a), .. } if a == "open:1"))
        );
        app.busy = None;
        for _ in 0..6 {
            app.on_key(key(KeyCode::Down));
        }
        app.on_key(key(KeyCode::Char(' ')));
        assert!(render(&app, 100, 40).contains("Nur ungelesene: [x]"));
        app.on_key(key(KeyCode::Down));
        let effects = app.on_key(key(KeyCode::Enter));
        assert!(!effects.iter().any(|e| matches!(e, Effect::AppCall { .. })));
        assert!(
            render(&app, 100, 40).contains(link),
            "{}",
            render(&app, 100, 40)
        );
    }
}

/// A picture block: coloured half blocks whose colours are the picture's pixels, or shades
/// without colour; its description is cleaned like any app text.
#[test]
fn pictures_are_drawn_in_colour_or_in_shades() {
    // 2×2: red over blue, white over black.
    let rgb = vec![255, 0, 0, 255, 255, 255, 0, 0, 255, 0, 0, 0];
    let mut outcome = every_block();
    outcome.view = View {
        title: "Bild".into(),
        blocks: vec![Block::Image {
            alt: format!("Logo {HOSTILE}"),
            width: 2,
            height: 2,
            rgb,
        }],
    };
    let mut app = unlocked(Lang::De);
    app.tab = Tab::Apps;
    app.apply(Outcome::App(Box::new(outcome)));
    let mut terminal = Terminal::new(TestBackend::new(80, 24)).expect("terminal");
    terminal.draw(|f| super::draw(f, &app)).expect("draw");
    let buffer = terminal.backend().buffer().clone();
    let halves: Vec<_> = buffer
        .content()
        .iter()
        .filter(|c| c.symbol() == "▀")
        .map(|c| (c.fg, c.bg))
        .collect();
    use ratatui::style::Color::Rgb;
    assert_eq!(
        halves,
        [
            (Rgb(255, 0, 0), Rgb(0, 0, 255)),
            (Rgb(255, 255, 255), Rgb(0, 0, 0))
        ]
    );
    let screen = render(&app, 80, 24);
    assert!(screen.contains("▣ Logo Bericht"), "{screen}");
    app.color = false;
    let screen = render(&app, 80, 24);
    assert!(!screen.contains('▀'), "no colour, no half blocks: {screen}");
    assert!(screen.contains('▓') || screen.contains('▒'), "{screen}");
}

#[test]
fn an_app_failure_stays_in_its_pane_and_esc_cancels_a_slow_call() {
    let mut app = unlocked(Lang::En);
    app.tab = Tab::Apps;
    app.apps.list.clear();
    app.busy = Some("Working…".into());
    app.on_key(key(KeyCode::Esc));
    assert!(app.busy.is_none());
    assert!(render(&app, 80, 24).contains("Cancelled"));
    let mut failed = every_block();
    failed.view = View {
        title: "The app could not answer".into(),
        blocks: vec![Block::Notice {
            level: "error".into(),
            text: "wasm trap: unreachable".into(),
        }],
    };
    app.apply(Outcome::App(Box::new(failed)));
    let screen = render(&app, 80, 24);
    assert!(screen.contains("Error: wasm trap: unreachable"), "{screen}");
    assert!(
        screen.contains("F1 Mail"),
        "the shell is still there: {screen}"
    );
}

#[test]
fn status_line_notifications_and_help_in_both_languages() {
    for (lang, outbox, lock, help, key_text) in [
        (
            Lang::De,
            "Postausgang: 2",
            "Sperre in 4:05",
            "Tasten auf dieser Seite",
            "neue Nachricht",
        ),
        (
            Lang::En,
            "Outbox: 2",
            "Locks in 4:05",
            "Keys on this screen",
            "new message",
        ),
    ] {
        let mut app = unlocked(lang);
        app.status.outbox = 2;
        app.status.lock_in = Some(std::time::Duration::from_secs(245));
        app.apply(Outcome::SyncProgress("INBOX".into(), 500, 10_000));
        app.apply(Outcome::Notification(Notice {
            source: "mail".into(),
            title: "Neue Nachricht".into(),
            body: format!("Von Erika {HOSTILE}"),
        }));
        let screen = render(&app, 80, 24);
        assert!(screen.contains(outbox), "{screen}");
        assert!(screen.contains(lock), "{screen}");
        let progress = if lang == Lang::De {
            "INBOX 500/10.000"
        } else {
            "INBOX 500/10,000"
        };
        assert!(screen.contains(progress), "{screen}");
        assert!(screen.contains("» mail: Neue Nachricht"), "{screen}");
        app.on_key(key(KeyCode::Char('?')));
        let screen = render(&app, 80, 40);
        assert!(
            screen.contains(help) && screen.contains(key_text),
            "{screen}"
        );
        app.on_key(key(KeyCode::Char('x')));
        assert!(!app.help);
    }
}

#[test]
fn a_lock_leaves_nothing_of_the_container_on_screen() {
    let mut app = unlocked(Lang::De);
    read(&mut app);
    app.copied = Some(zeroize::Zeroizing::new("Geheimes".into()));
    assert!(render(&app, 80, 24).contains("anbei der Plan."));
    app.apply(Outcome::Locked);
    let screen = render(&app, 200, 50);
    assert!(!screen.contains("Haushalt") && !screen.contains("anbei") && !screen.contains("Erika"));
    assert!(screen.contains("Kapsel ist gesperrt."), "{screen}");
    assert!(app.copied.is_none() && app.mail.rows.is_empty());
}

#[test]
fn monochrome_under_no_color_and_no_panic_at_any_size() {
    let mut app = unlocked(Lang::En);
    read(&mut app);
    app.color = false;
    let mut terminal = Terminal::new(TestBackend::new(120, 30)).expect("terminal");
    terminal.draw(|f| super::draw(f, &app)).expect("draw");
    for cell in terminal.backend().buffer().content() {
        assert_eq!(
            cell.fg,
            ratatui::style::Color::Reset,
            "colour under NO_COLOR"
        );
    }
    for tab in Tab::ALL {
        app.tab = tab;
        for (w, h) in [
            (0, 0),
            (1, 1),
            (19, 5),
            (20, 6),
            (33, 7),
            (80, 24),
            (200, 50),
            (300, 3),
        ] {
            let mut terminal = Terminal::new(TestBackend::new(w, h)).expect("terminal");
            terminal.draw(|f| super::draw(f, &app)).expect("draw");
        }
    }
}

fn shared_mailboxes() -> Vec<kapsel_mail::MailboxInfo> {
    serde_json::from_value(json!([
        {"name": "Public/Poststelle", "server_name": "Public/Poststelle", "kind": "shared",
         "address": "poststelle@behoerde.example", "rights": "lrswipkxtea", "opened": false},
        {"name": "shared/bob@behoerde.example", "server_name": "shared/bob@behoerde.example",
         "kind": "other-user", "address": "bob@behoerde.example", "rights": "lr",
         "opened": true},
        {"name": format!("Public/{HOSTILE}"), "server_name": "Public/x", "kind": "shared",
         "address": null, "rights": "l", "opened": false}
    ]))
    .expect("mailboxes")
}

#[test]
fn shared_mailboxes_open_and_close_with_progress_and_a_confirmation_in_both_languages() {
    for (lang, title, opening, esc, opened, toggle_help) in [
        (
            Lang::De,
            "Gruppenpostfächer (Eingabe öffnet oder schließt)",
            "Public/Poststelle wird geöffnet und synchronisiert … (Esc bricht ab)",
            "(Esc bricht ab)",
            "Public/Poststelle ist geöffnet; seine Ordner sind synchronisiert.",
            "Postfach öffnen oder schließen (✓ = geöffnet)",
        ),
        (
            Lang::En,
            "Shared mailboxes (Enter opens or closes)",
            "Opening and synchronising Public/Poststelle… (Esc cancels)",
            "(Esc cancels)",
            "Public/Poststelle is open; its folders are synchronised.",
            "open or close the mailbox (✓ = open)",
        ),
    ] {
        let mut app = unlocked(lang);
        app.on_key(key(KeyCode::Char('m')));
        app.apply(Outcome::Mail(MailOutcome::Mailboxes(shared_mailboxes())));
        let screen = render(&app, 80, 24);
        assert!(screen.contains(title), "{screen}");
        assert!(
            screen.contains("  Public/Poststelle poststelle@"),
            "{screen}"
        );
        assert!(
            screen.contains("✓ shared/bob@behoerde.example bob@"),
            "{screen}"
        );
        assert!(screen.contains("Public/Bericht␛]52"), "{screen}");
        app.on_key(key(KeyCode::Char('?')));
        let help = render(&app, 80, 24);
        assert!(help.contains(toggle_help), "{help}");
        app.on_key(key(KeyCode::Char('?')));

        let effects = app.on_key(key(KeyCode::Enter));
        assert!(
            effects.iter().any(|e| matches!(e,
                Effect::Mail(crate::mail::MailEffect::Mailbox { name, open: true })
                    if name == "Public/Poststelle")),
            "{effects:?}"
        );
        app.apply(Outcome::SyncProgress(
            "Public/Poststelle/INBOX".into(),
            3,
            10,
        ));
        let screen = render(&app, 80, 24);
        assert!(screen.contains(opening) && screen.contains(esc), "{screen}");
        assert!(screen.contains("Public/Poststelle/INBOX 3/10"), "{screen}");

        let reload = app.apply(Outcome::Mail(MailOutcome::MailboxChanged {
            name: "Public/Poststelle".into(),
            opened: true,
        }));
        assert!(app.busy.is_none());
        assert!(
            reload
                .iter()
                .any(|e| matches!(e, Effect::Mail(crate::mail::MailEffect::Mailboxes)))
        );
        assert!(
            reload
                .iter()
                .any(|e| matches!(e, Effect::Mail(crate::mail::MailEffect::Folders)))
        );
        let mut now = shared_mailboxes();
        now[0].opened = true;
        app.apply(Outcome::Mail(MailOutcome::Mailboxes(now)));
        let screen = render(&app, 80, 24);
        assert!(screen.contains(opened), "{screen}");
        assert!(screen.contains("✓ Public/Poststelle"), "{screen}");

        // Enter on an open mailbox closes it.
        let effects = app.on_key(key(KeyCode::Enter));
        assert!(effects.iter().any(|e| matches!(
            e,
            Effect::Mail(crate::mail::MailEffect::Mailbox { open: false, .. })
        )));
    }
}

fn reply_on() -> kapsel_mail::autoreply::OutOfOffice {
    kapsel_mail::autoreply::OutOfOffice {
        start: "2026-12-21".into(),
        end: "2027-01-02".into(),
        subject: format!("Urlaub {HOSTILE}"),
        internal_text: "Ich bin im Urlaub.\r\nVertretung: Max Müller".into(),
        external_text: "I am on leave.".into(),
        internal_domains: Vec::new(),
    }
}

#[test]
fn out_of_office_view_form_refusal_and_switch_off_in_both_languages() {
    for (lang, words) in [
        (
            Lang::De,
            [
                "Abwesenheitsnotiz (e bearbeitet, x schaltet aus)",
                "Abwesend vom 2026-12-21 bis 2027-01-02",
                "An Absender außerhalb Ihrer Behörde:",
                "Abwesenheitsnotiz ausschalten?",
                "Erster Tag: 2026-12-21  JJJJ-MM-TT",
                "Letzter Tag: 2027-01-02",
                "   Betreff: Urlaub Bericht␛]52",
                "── Antwort ──",
                "── Antwort an Absender außerhalb Ihrer Behörde (leer: dieselbe Antwort) ",
                "Strg+S speichern · Tab/Umschalt+Tab Feld · Strg+V einfügen · Esc abbrechen",
                "Abwesenheitsnotiz wird gespeichert …",
                "Fehlgeschlagen: das Ende liegt vor dem Beginn",
                "Die Abwesenheitsnotiz ist eingerichtet.",
                "Keine Abwesenheitsnotiz eingerichtet.",
            ],
        ),
        (
            Lang::En,
            [
                "Out of office (e edits, x switches off)",
                "Out of office from 2026-12-21 to 2027-01-02",
                "To senders outside your organisation:",
                "Switch the out-of-office reply off?",
                "First day: 2026-12-21  YYYY-MM-DD",
                " Last day: 2027-01-02",
                "  Subject: Urlaub Bericht␛]52",
                "── Reply ──",
                "── Reply to senders outside your organisation (empty: the same reply) ",
                "Ctrl+S save · Tab/Shift+Tab field · Ctrl+V paste · Esc cancel",
                "Saving the out-of-office reply…",
                "Failed: das Ende liegt vor dem Beginn",
                "The out-of-office reply is set.",
                "No out-of-office reply is set.",
            ],
        ),
    ] {
        let mut app = unlocked(lang);
        app.on_key(key(KeyCode::Char('O')));
        app.apply(Outcome::Mail(MailOutcome::OutOfOffice(Some(reply_on()))));
        let view = render(&app, 80, 24);
        for w in &words[..3] {
            assert!(view.contains(w), "{w:?} missing:\n{view}");
        }
        assert!(view.contains("Vertretung: Max Müller") && view.contains("I am on leave."));
        // `x` asks first; any other key keeps the reply.
        assert!(
            !app.on_key(key(KeyCode::Char('x')))
                .iter()
                .any(|e| matches!(e, Effect::Mail(_)))
        );
        let asking = render(&app, 80, 24);
        assert!(asking.contains(words[3]), "{asking}");
        let keys = if lang == Lang::De {
            "x oder y: ja · jede andere Taste: nein"
        } else {
            "x or y: yes · any other key: no"
        };
        assert!(asking.contains(keys), "{asking}");
        app.on_key(key(KeyCode::Char('n')));
        assert!(!render(&app, 80, 24).contains(words[3]));

        // The form, prefilled with the reply that is on.
        app.on_key(key(KeyCode::Char('e')));
        let mut terminal = Terminal::new(TestBackend::new(80, 24)).expect("test terminal");
        terminal.draw(|f| super::draw(f, &app)).expect("draw");
        let form = render(&app, 80, 24);
        for w in &words[4..10] {
            assert!(form.contains(w), "{w:?} missing:\n{form}");
        }
        assert!(form.contains("Ich bin im Urlaub.") && form.contains("I am on leave."));
        // The cursor stands at the end of the first field (border, label, ten characters).
        let label = if lang == Lang::De {
            " Erster Tag: "
        } else {
            "First day: "
        };
        let label = label.chars().count() as u16;
        assert_eq!(
            terminal.backend().cursor_position(),
            ratatui::layout::Position::new(1 + label + 10, 2)
        );
        // Tab is a field here, not the next tab; Ctrl+S saves, it does not sync.
        app.on_key(key(KeyCode::Tab));
        assert_eq!(app.tab, Tab::Mail);
        assert_eq!(app.mail.oof_form.as_ref().map(|f| f.focus), Some(1));
        for _ in 0..10 {
            app.on_key(key(KeyCode::Backspace));
        }
        for c in "2026-12-01".chars() {
            app.on_key(key(KeyCode::Char(c)));
        }
        let effects = app.on_key(ctrl('s'));
        assert!(!effects.iter().any(|e| matches!(e, Effect::SyncNow)));
        assert!(effects.iter().any(|e| matches!(
            e,
            Effect::Mail(crate::mail::MailEffect::SetOof(o)) if o.end == "2026-12-01"
        )));
        let saving = render(&app, 80, 24);
        assert!(saving.contains(words[10]), "{saving}");
        // The server refuses: the error shows and the form keeps what was typed.
        app.apply(Outcome::Failed("das Ende liegt vor dem Beginn".into()));
        let refused = render(&app, 80, 24);
        assert!(refused.contains(words[11]), "{refused}");
        assert!(refused.contains("2026-12-01"), "{refused}");
        assert!(app.mail.oof_form.is_some());
        // Taken: the form closes and the view shows the server's state.
        let mut taken = reply_on();
        taken.end = "2027-01-08".into();
        app.apply(Outcome::Mail(MailOutcome::OofChanged {
            now: Some(taken),
            cleared: false,
        }));
        let saved = render(&app, 80, 24);
        assert!(
            saved.contains(words[12]) && saved.contains("2027-01-08"),
            "{saved}"
        );
        assert!(app.mail.oof_form.is_none());

        // Switched off after `x` `y`.
        app.on_key(key(KeyCode::Char('x')));
        let effects = app.on_key(key(KeyCode::Char('y')));
        assert!(
            effects
                .iter()
                .any(|e| matches!(e, Effect::Mail(crate::mail::MailEffect::ClearOof)))
        );
        assert!(app.busy.is_some());
        app.apply(Outcome::Mail(MailOutcome::OofChanged {
            now: None,
            cleared: true,
        }));
        assert!(render(&app, 80, 24).contains(words[13]));

        // A new form starts empty; Esc leaves without saving.
        app.on_key(key(KeyCode::Char('e')));
        let empty = render(&app, 80, 24);
        assert!(
            empty.contains("Abwesenheitsnotiz / Out of office"),
            "{empty}"
        );
        let effects = app.on_key(key(KeyCode::Esc));
        assert!(!effects.iter().any(|e| matches!(e, Effect::Mail(_))));
        assert!(app.mail.oof_form.is_none());
    }
}
