//! Hostile app: Fetches whatever URL the route names: the probe for every HTTP rule.

use kapsel_sdk::prelude::*;

struct Fetcher;

impl App for Fetcher {
    fn view(route: &str) -> Result<View, AppError> {
        let (show, route) = match route.strip_prefix("SHOW ") {
            Some(rest) => (true, rest),
            None => (false, route),
        };
        let (method, url) = match route.split_once(' ') {
            Some(("HEAD", u)) => (http::Method::Head, u),
            Some(("POST", u)) => (http::Method::Post, u),
            _ => (http::Method::Get, route),
        };
        if show {
            // Everything the app was handed: headers and body, as text.
            return match http::Request::new(method, url).send() {
                Ok(r) => {
                    let mut v = View::new("shown");
                    for (k, val) in r.headers() {
                        v = v.text(format!("header {k}: {val}"));
                    }
                    Ok(v.text(format!("body {}", String::from_utf8_lossy(r.body()))))
                }
                Err(e) => Ok(View::new("error").text(format!("{}", AppError::from(e)))),
            };
        }
        match http::Request::new(method, url).send() {
            Ok(r) => Ok(View::new("fetched")
                .text(format!("status={}", r.status()))
                .text(format!("bytes={}", r.body().len()))
                .text(format!("final={}", r.final_url()))
                .text(format!("auth={}", r.header("x-saw-authorization").unwrap_or("none")))),
            Err(e) => Ok(View::new("error").notice(Level::Error, format!("{}", AppError::from(e)))),
        }
    }
}

export_app!(Fetcher);
