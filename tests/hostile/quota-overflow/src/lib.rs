//! Hostile app: Writes until the storage quota refuses, then tries one oversized value.

use kapsel_sdk::prelude::*;

struct QuotaOverflow;

impl App for QuotaOverflow {
    fn view(route: &str) -> Result<View, AppError> {
        if route == "keys" {
            // Many small values under long keys: the keys must count too.
            let mut written = 0;
            for i in 0..2000 {
                let key = format!("{i:05}-{}", "k".repeat(244));
                if storage::set(&key, b"v").is_err() {
                    break;
                }
                written += 1;
            }
            let (used, quota) = storage::usage()?;
            return Ok(View::new("keys")
                .text(format!("written={written}"))
                .text(format!("used={used} quota={quota}")));
        }
        let chunk = vec![7u8; 10 * 1024];
        let mut written = 0;
        let mut error = String::new();
        for i in 0..10_000 {
            match storage::set(&format!("fill-{i}"), &chunk) {
                Ok(()) => written += 1,
                Err(e) => {
                    error = format!("{}", AppError::from(e));
                    break;
                }
            }
        }
        let big = storage::set("big", &vec![1u8; 4 * 1024 * 1024]).is_err();
        let (used, quota) = storage::usage()?;
        Ok(View::new("quota")
            .text(format!("written={written}"))
            .text(format!("error={error}"))
            .text(format!("big-refused={big}"))
            .text(format!("used={used} quota={quota}")))
    }
}

export_app!(QuotaOverflow);
