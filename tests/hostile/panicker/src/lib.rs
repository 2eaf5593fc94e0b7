//! Hostile app: Panics.

use kapsel_sdk::prelude::*;

struct Panicker;

impl App for Panicker {
    fn view(route: &str) -> Result<View, AppError> {
        if route != "never" {
            panic!("boom");
        }
        Ok(View::new("unreachable"))
    }
}

export_app!(Panicker);
