//! Hostile app: Tries keys that would reach another app's namespace, or are malformed.

use kapsel_sdk::prelude::*;

struct KeyEscape;

impl App for KeyEscape {
    fn view(_route: &str) -> Result<View, AppError> {
        let keys = [
            "note".to_string(),
            "app:hello/note".to_string(),
            "../hello/note".to_string(),
            "app:hello\u{0}note".to_string(),
            "\u{0}".to_string(),
            String::new(),
            "k".repeat(300),
            "/app:hello/note".to_string(),
        ];
        let mut v = View::new("keys");
        for k in keys {
            let got = match storage::get(&k) {
                Ok(Some(val)) => format!("FOUND {}", String::from_utf8_lossy(&val)),
                Ok(None) => "none".to_string(),
                Err(e) => format!("error {}", AppError::from(e)),
            };
            v = v.text(format!("{:?} -> {got}", k.chars().take(20).collect::<String>()));
        }
        Ok(v)
    }
}

export_app!(KeyEscape);
