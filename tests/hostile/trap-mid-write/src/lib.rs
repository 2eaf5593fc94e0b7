//! Hostile app: Writes two keys, then crashes: neither write may survive.

use kapsel_sdk::prelude::*;

struct TrapMidWrite;

impl App for TrapMidWrite {
    fn view(route: &str) -> Result<View, AppError> {
        storage::set("a", b"half")?;
        storage::set("b", b"written")?;
        if route == "crash" {
            panic!("crash in the middle of a storage write");
        }
        Ok(View::new("written"))
    }
}

export_app!(TrapMidWrite);
