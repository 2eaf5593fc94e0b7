//! # kapsel-sdk — write Kapsel micro-apps
//!
//! A micro-app is a WebAssembly component that renders declarative views and acts on the
//! user's input. Implement [`App`] and export it with [`export_app!`]:
//!
//! ```ignore
//! use kapsel_sdk::prelude::*;
//!
//! struct Hello;
//!
//! impl App for Hello {
//!     fn view(route: &str) -> Result<View, AppError> {
//!         let visits: u64 = storage::get_json("visits")?.unwrap_or(0) + 1;
//!         storage::set_json("visits", &visits)?;
//!         Ok(View::new("Hello").text(format!("Visit number {visits} (route {route:?})")))
//!     }
//! }
//!
//! export_app!(Hello);
//! ```
//!
//! Each module here wraps one capability. An app may use a capability only when its
//! manifest declares it and the tenant grants it; otherwise calls return
//! `Err(...Denied)` — they never panic.

#[doc(hidden)]
pub mod bindings {
    // The SDK carries its own copy of the contract (sdk/wit, kept identical to the
    // repository's wit/ by a test), so a copied sdk/ folder or a git dependency builds alone.
    wit_bindgen::generate!({
        path: "wit/since_v0.2.0",
        world: "micro-app",
        pub_export_macro: true,
        default_bindings_module: "kapsel_sdk::bindings",
        export_macro_name: "__export_micro_app",
    });
}

/// The `kapsel:app` API version this SDK binds, recorded in the component's binary so the host
/// (and the reviewer's `kapsel audit`) read it from the code, not only from the manifest.
#[cfg(target_arch = "wasm32")]
#[doc(hidden)]
#[used]
#[unsafe(link_section = "kapsel:api-version")]
pub static KAPSEL_API_VERSION: [u8; 5] = *b"0.2.0";

/// The JSON library the SDK reads and writes with, so an app can take a response apart
/// (`http::get(url)?.json::<json::Value>()?`) without a dependency of its own.
pub use serde_json as json;

pub mod config;
pub mod documents;
pub mod http;
pub mod i18n;
pub mod log;
pub mod notify;
pub mod storage;
mod view;

pub use bindings::exports::kapsel::app::app::AppError;

/// The calls whose contract error is a plain message (`notify::post`, `documents::*`) fail
/// with `String`; this makes `?` work for them in `view`/`act` (as `AppError::Failed`).
impl From<String> for AppError {
    fn from(message: String) -> AppError {
        AppError::Failed(message)
    }
}
pub use view::{FieldKind, Item, Level, View};

/// The form values that came with an action.
pub struct Form(pub Vec<(String, String)>);

impl Form {
    pub fn get(&self, name: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    /// A required field, or an `InvalidInput` error naming it.
    pub fn require(&self, name: &str) -> Result<&str, AppError> {
        self.get(name)
            .filter(|v| !v.trim().is_empty())
            .ok_or_else(|| AppError::InvalidInput(format!("{name} is required")))
    }
}

/// A Kapsel micro-app.
pub trait App {
    /// Render the view at `route` (`""` is the start view).
    fn view(route: &str) -> Result<View, AppError>;

    /// Act on an action (from an item, a button or a form) with the form's values.
    fn act(action: &str, form: &Form) -> Result<View, AppError> {
        let _ = form;
        Err(AppError::NotFound(format!("no action {action:?}")))
    }
}

/// Convenience constructors for errors.
pub mod error {
    use super::AppError;

    pub fn failed(msg: impl std::fmt::Display) -> AppError {
        AppError::Failed(msg.to_string())
    }
    pub fn not_found(msg: impl std::fmt::Display) -> AppError {
        AppError::NotFound(msg.to_string())
    }
    pub fn invalid(msg: impl std::fmt::Display) -> AppError {
        AppError::InvalidInput(msg.to_string())
    }

    /// The error in words for a view, in the user's language (the generated `Display`
    /// shows the variant's name).
    pub fn message(e: &AppError) -> String {
        let lang = crate::i18n::lang();
        match e {
            AppError::NotFound(m) => format!("{}: {m}", lang.pick("not found", "nicht gefunden")),
            AppError::InvalidInput(m) => {
                format!("{}: {m}", lang.pick("invalid input", "ungültige Eingabe"))
            }
            AppError::Denied(m) => format!("{}: {m}", lang.pick("denied", "verweigert")),
            AppError::Failed(m) => m.clone(),
        }
    }
}

pub mod prelude {
    pub use crate::error::{failed, invalid, message, not_found};
    pub use crate::{
        App, AppError, FieldKind, Form, Item, Level, View, config, documents, export_app, http,
        log, notify, storage,
    };
}

#[doc(hidden)]
pub fn __into_wit(r: Result<View, AppError>) -> Result<bindings::kapsel::app::ui::View, AppError> {
    r.map(View::into_wit)
}

/// Export a type implementing [`App`] as this component's `kapsel:app/app`.
#[macro_export]
macro_rules! export_app {
    ($app:ident) => {
        #[doc(hidden)]
        struct __KapselGuest;

        impl $crate::bindings::exports::kapsel::app::app::Guest for __KapselGuest {
            fn view(route: String) -> Result<$crate::bindings::kapsel::app::ui::View, $crate::AppError> {
                $crate::__into_wit(<$app as $crate::App>::view(&route))
            }

            fn act(
                action: String,
                form: Vec<(String, String)>,
            ) -> Result<$crate::bindings::kapsel::app::ui::View, $crate::AppError> {
                $crate::__into_wit(<$app as $crate::App>::act(&action, &$crate::Form(form)))
            }
        }

        $crate::bindings::__export_micro_app!(__KapselGuest with_types_in $crate::bindings);
    };
}
