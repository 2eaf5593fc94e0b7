//! Hostile app: Imports wasi:http to send requests around the host's checks.

use kapsel_sdk::prelude::*;

mod http_bindings {
    wit_bindgen::generate!({
        inline: "package wasi:http@0.3.0; interface outgoing-handler { handle: func(); } world w { import outgoing-handler; }",
        world: "w",
    });
}
use http_bindings::wasi;

struct WasiHttp;

impl App for WasiHttp {
    fn view(_route: &str) -> Result<View, AppError> {
        wasi::http::outgoing_handler::handle();
        Ok(View::new("sent"))
    }
}

export_app!(WasiHttp);
