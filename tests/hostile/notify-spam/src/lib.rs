//! Hostile app: Posts a hundred notifications.

use kapsel_sdk::prelude::*;

struct NotifySpam;

impl App for NotifySpam {
    fn view(_route: &str) -> Result<View, AppError> {
        let mut ok = 0;
        let mut refused = 0;
        for i in 0..100 {
            match notify::post(&format!("spam {i}"), "buy now") {
                Ok(()) => ok += 1,
                Err(_) => refused += 1,
            }
        }
        Ok(View::new("spam").text(format!("ok={ok} refused={refused}")))
    }
}

export_app!(NotifySpam);
