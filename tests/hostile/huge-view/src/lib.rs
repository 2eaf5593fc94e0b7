//! Hostile app: Returns a view far beyond the host's limits (blocks or text).

use kapsel_sdk::prelude::*;

struct HugeView;

impl App for HugeView {
    fn view(route: &str) -> Result<View, AppError> {
        match route {
            "text" => Ok(View::new("huge").text("x".repeat(3 * 1024 * 1024))),
            _ => Ok(View::new("huge").extend(0..20_000, |v, i| v.item(Item::new(format!("row {i}"))))),
        }
    }
}

export_app!(HugeView);
