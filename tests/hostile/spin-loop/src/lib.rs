//! Hostile app: Never returns: an infinite loop that only the epoch deadline can stop.

use kapsel_sdk::prelude::*;

struct SpinLoop;

impl App for SpinLoop {
    fn view(_route: &str) -> Result<View, AppError> {
        let mut x = 0u64;
        loop {
            x = std::hint::black_box(x.wrapping_add(1));
        }
    }
}

export_app!(SpinLoop);
