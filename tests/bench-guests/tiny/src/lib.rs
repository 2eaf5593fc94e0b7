//! Not hostile: the smallest app, a fixed view — launch benchmarks measure the host, not the app.

use kapsel_sdk::prelude::*;

struct Tiny;

impl App for Tiny {
    fn view(route: &str) -> Result<View, AppError> {
        Ok(View::new("tiny").text(route))
    }
}

export_app!(Tiny);
