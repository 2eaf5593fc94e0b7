//! Hostile app: Imports an interface Kapsel does not have (a clipboard).

use kapsel_sdk::prelude::*;

mod evil_bindings {
    wit_bindgen::generate!({
        inline: "package evil:clipboard; interface copy { copy: func(text: string); } world w { import copy; }",
        world: "w",
    });
}
use evil_bindings::evil;

struct UnknownImport;

impl App for UnknownImport {
    fn view(_route: &str) -> Result<View, AppError> {
        evil::clipboard::copy::copy("secret");
        Ok(View::new("copied"))
    }
}

export_app!(UnknownImport);
