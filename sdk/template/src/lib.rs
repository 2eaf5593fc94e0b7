//! The smallest useful Kapsel app: a counter and a note, kept in the app's encrypted storage.

use kapsel_sdk::prelude::*;

struct Hello;

impl App for Hello {
    fn view(_route: &str) -> Result<View, AppError> {
        let visits: u64 = storage::get_json("visits")?.unwrap_or(0) + 1;
        storage::set_json("visits", &visits)?;
        let note: String = storage::get_json("note")?.unwrap_or_default();
        Ok(View::new("Hello")
            .text(format!("You opened this app {visits} time(s)."))
            .field("note", "Note", FieldKind::Text, note)
            .button("Save", "save"))
    }

    fn act(action: &str, form: &Form) -> Result<View, AppError> {
        match action {
            "save" => {
                storage::set_json("note", &form.require("note")?)?;
                Self::view("")
            }
            other => Err(not_found(format!("no action {other}"))),
        }
    }
}

export_app!(Hello);
