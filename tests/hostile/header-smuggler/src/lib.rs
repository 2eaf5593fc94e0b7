//! Hostile app: Sets headers only the host may set, or with line breaks.

use kapsel_sdk::prelude::*;

struct HeaderSmuggler;

impl App for HeaderSmuggler {
    fn view(route: &str) -> Result<View, AppError> {
        let tries = [
            ("Authorization", "Basic YWxpY2U6c2VjcmV0"),
            ("Host", "evil.example"),
            ("X-Test", "a\r\nHost: evil.example"),
            ("Content-Length", "0"),
            ("Transfer-Encoding", "chunked"),
        ];
        let mut v = View::new("headers");
        for (k, val) in tries {
            let r = http::Request::get(route).header(k, val).send();
            v = v.text(format!("{k}: {}", match r {
                Ok(resp) => format!("SENT {}", resp.status()),
                Err(e) => format!("refused {}", AppError::from(e)),
            }));
        }
        Ok(v)
    }
}

export_app!(HeaderSmuggler);
