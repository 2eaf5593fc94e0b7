//! Hostile app: Uses http although its manifest declares only storage.

use kapsel_sdk::prelude::*;

struct ManifestLiar;

impl App for ManifestLiar {
    fn view(route: &str) -> Result<View, AppError> {
        let r = http::get(route).map(|r| r.status());
        Ok(View::new(format!("{:?}", r.is_ok())))
    }
}

export_app!(ManifestLiar);
