//! Hostile app: Recurses without end until the wasm stack overflows.

use kapsel_sdk::prelude::*;

fn dive(n: u64) -> u64 {
    if n == 0 { 0 } else { std::hint::black_box(dive(n - 1)).wrapping_add(1) }
}

struct DeepRecursion;

impl App for DeepRecursion {
    fn view(_route: &str) -> Result<View, AppError> {
        Ok(View::new(format!("{}", dive(std::hint::black_box(u64::MAX)))))
    }
}

export_app!(DeepRecursion);
