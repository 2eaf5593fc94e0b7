//! Not hostile: a large component (about 1 MB of code) for the install-time compile
//! benchmark, and a trivial view for launch measurements.

use kapsel_sdk::prelude::*;

include!(concat!(env!("OUT_DIR"), "/bulk.rs"));

struct Bulk;

impl App for Bulk {
    fn view(route: &str) -> Result<View, AppError> {
        if route == "set" {
            storage::set("bench-key", &[0x42; 256])?;
            return Ok(View::new("set"));
        }
        if let Some(n) = route.strip_prefix("get:") {
            let n: u32 = n.parse().unwrap_or(0);
            let mut total = 0;
            for _ in 0..n {
                total += storage::get("bench-key")?.map_or(0, |v| v.len());
            }
            return Ok(View::new("got").text(format!("{total}")));
        }
        let n: u64 = route.parse().unwrap_or(0);
        Ok(View::new("bulk").text(format!("{}", dispatch(n, n ^ 0xfeed))))
    }
}

export_app!(Bulk);
