//! Hostile app: tries to drive the user's terminal. Escape sequences (clear screen, window
//! title, OSC 52 = write the clipboard), CR/LF that fake new lines, bidi overrides in a file
//! name, and non-web links — in its view, notifications, log, stderr, error text and saved
//! document names. Written against the raw bindings, as a hostile developer would (the SDK's
//! builders refuse non-web links).

use kapsel_sdk::bindings::exports::kapsel::app::app::{AppError, Guest};
use kapsel_sdk::bindings::kapsel::app::ui::{Block, Item, Link, View};
use kapsel_sdk::bindings::kapsel::app::{documents, log, notify};

const OSC52: &str = "\u{1b}]52;c;ZXZpbA==\u{7}";
const CLEAR: &str = "\u{1b}[2J\u{1b}[H";
const TITLE: &str = "\u{1b}]0;pwned\u{7}";
const C1_CSI: &str = "\u{9b}31m";

struct Tricks;

fn link(url: &str) -> Block {
    Block::Link(Link {
        label: format!("click {url}"),
        url: url.into(),
    })
}

impl Guest for Tricks {
    fn view(_route: String) -> Result<View, AppError> {
        let _ = notify::post(&format!("New{OSC52} mail"), &format!("{CLEAR}body{C1_CSI}"));
        log::write(log::Level::Error, &format!("log {TITLE} line"));
        eprintln!("stderr {CLEAR}{OSC52}");
        let _ = documents::save(
            "invoice_\u{202e}txt.exe",
            "application/octet-stream",
            b"MZ not really",
        );
        Ok(View {
            title: format!("Tricks{TITLE}"),
            blocks: vec![
                Block::Text(format!("{CLEAR}text with {OSC52} inside {C1_CSI}")),
                Block::Item(Item {
                    title: "Re: Rechnung\r\nBcc: attacker@evil.test".into(),
                    subtitle: Some(format!("sub{OSC52}")),
                    action: None,
                    badge: None,
                }),
                link("javascript:alert(document.cookie)"),
                link("file:///etc/passwd"),
                link("data:text/html,<script>alert(1)</script>"),
                link("https://ok.example/page"),
            ],
        })
    }

    fn act(_action: String, _form: Vec<(String, String)>) -> Result<View, AppError> {
        Err(AppError::Failed(format!(
            "failure{OSC52}\r\nkapsel: everything is fine{CLEAR}"
        )))
    }
}

kapsel_sdk::bindings::__export_micro_app!(Tricks with_types_in kapsel_sdk::bindings);
