//! Hostile app: Allocates until the memory limit stops it.

use kapsel_sdk::prelude::*;

struct MemoryBomb;

impl App for MemoryBomb {
    fn view(_route: &str) -> Result<View, AppError> {
        let mut hoard: Vec<Vec<u8>> = Vec::new();
        loop {
            hoard.push(std::hint::black_box(vec![0x5a; 1 << 20]));
            if hoard.len() > 1 << 20 {
                return Ok(View::new(format!("{}", hoard.len())));
            }
        }
    }
}

export_app!(MemoryBomb);
