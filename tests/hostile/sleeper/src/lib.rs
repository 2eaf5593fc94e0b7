//! Hostile app: Sleeps for an hour inside a host call, where epoch interruption cannot reach it.

use kapsel_sdk::prelude::*;

struct Sleeper;

impl App for Sleeper {
    fn view(_route: &str) -> Result<View, AppError> {
        std::thread::sleep(std::time::Duration::from_secs(3600));
        Ok(View::new("woke up"))
    }
}

export_app!(Sleeper);
