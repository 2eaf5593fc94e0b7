//! Hostile app: saves sixteen 1 MiB documents, then (route "trap") crashes or (route "spin")
//! runs out of time: none of them may stay in the container. Route "" saves until the
//! tenant's document quota says no.

use kapsel_sdk::prelude::*;

struct DocFlood;

impl App for DocFlood {
    fn view(route: &str) -> Result<View, AppError> {
        let chunk = vec![b'x'; 1024 * 1024];
        let mut saved = 0;
        let mut error = String::new();
        for i in 0..16 {
            match documents::save(&format!("flood-{i}.txt"), "text/plain", &chunk) {
                Ok(_) => saved += 1,
                Err(e) => {
                    error = e;
                    break;
                }
            }
        }
        match route {
            "trap" => panic!("crash after saving {saved} documents"),
            "spin" => {
                let mut x = 0u64;
                loop {
                    x = std::hint::black_box(x.wrapping_add(1));
                }
            }
            _ => Ok(View::new("flood")
                .text(format!("saved={saved}"))
                .text(format!("error={error}"))),
        }
    }
}

export_app!(DocFlood);
