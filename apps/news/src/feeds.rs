//! Fetching feeds: conditional GET through the http capability; parsing is in kapsel-feed.

use kapsel_sdk::http;

pub use kapsel_feed::{Article, FeedState};

/// Largest feed body accepted from the host.
const MAX_FEED: usize = 8 * 1024 * 1024;

pub enum Fetched {
    NotModified,
    New(FeedState),
}

pub fn fetch(name: &str, url: &str, previous: Option<&FeedState>) -> Result<Fetched, String> {
    let mut req = http::Request::get(url).header(
        "Accept",
        "application/rss+xml, application/atom+xml, application/feed+json, application/json;q=0.9, application/xml;q=0.8, */*;q=0.5",
    );
    if let Some(p) = previous {
        if let Some(etag) = &p.etag {
            req = req.header("If-None-Match", etag.clone());
        }
        if let Some(lm) = &p.last_modified {
            req = req.header("If-Modified-Since", lm.clone());
        }
    }
    let resp = req.send().map_err(|e| {
        format!(
            "cannot fetch the feed: {}",
            kapsel_sdk::error::message(&kapsel_sdk::AppError::from(e))
        )
    })?;
    match resp.status() {
        304 => return Ok(Fetched::NotModified),
        200..=299 => {}
        401 | 403 => {
            return Err(format!(
                "the server refused access (HTTP {})",
                resp.status()
            ));
        }
        404 => return Err("the feed does not exist (HTTP 404)".into()),
        s => return Err(format!("the server answered HTTP {s}")),
    }
    if resp.body().len() > MAX_FEED {
        return Err("the feed is too large".into());
    }
    let etag = resp.header("etag").map(str::to_string);
    let last_modified = resp.header("last-modified").map(str::to_string);
    let articles = kapsel_feed::parse(name, resp.body(), resp.final_url())?;
    Ok(Fetched::New(FeedState {
        etag,
        last_modified,
        articles,
    }))
}
