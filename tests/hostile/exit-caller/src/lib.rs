//! Hostile app: Calls process::exit in the middle of a call.

use kapsel_sdk::prelude::*;

struct ExitCaller;

impl App for ExitCaller {
    fn view(_route: &str) -> Result<View, AppError> {
        std::process::exit(3)
    }
}

export_app!(ExitCaller);
