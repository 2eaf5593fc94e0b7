//! Hostile app: Writes megabytes to stdout.

use kapsel_sdk::prelude::*;

struct StdoutFlood;

impl App for StdoutFlood {
    fn view(_route: &str) -> Result<View, AppError> {
        let line = "x".repeat(1023);
        for _ in 0..8 * 1024 {
            println!("{line}");
        }
        Ok(View::new("flooded"))
    }
}

export_app!(StdoutFlood);
