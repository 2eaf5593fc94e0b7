//! Fetching: conditional GET of a feed and plain GET of an enclosure, both through the http
//! capability; parsing is in kapsel-feed.

use kapsel_sdk::{http, log};

use crate::text;

pub use kapsel_feed::{Article, FeedState, Parsed};

/// Largest feed body accepted from the host.
const MAX_FEED: usize = 8 * 1024 * 1024;

pub enum Fetched {
    NotModified,
    New {
        etag: Option<String>,
        last_modified: Option<String>,
        parsed: Parsed,
    },
}

fn send_error(e: http::HttpError) -> String {
    kapsel_sdk::error::message(&kapsel_sdk::AppError::from(e))
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
    let resp = req
        .send()
        .map_err(|e| text::cannot_fetch_feed(&send_error(e)))?;
    match resp.status() {
        304 => return Ok(Fetched::NotModified),
        200..=299 => {}
        s => return Err(text::http_problem(s)),
    }
    if resp.body().len() > MAX_FEED {
        return Err(text::feed_too_large().into());
    }
    let etag = resp.header("etag").map(str::to_string);
    let last_modified = resp.header("last-modified").map(str::to_string);
    let parsed = kapsel_feed::parse_feed(name, resp.body(), resp.final_url()).map_err(|e| {
        log::warn(&format!("{name}: {e}"));
        text::feed_error(&e)
    })?;
    Ok(Fetched::New {
        etag,
        last_modified,
        parsed,
    })
}

/// An enclosure's bytes and the media type to store them under (the feed's word unless it
/// only said "octet-stream" and the server knows better).
pub fn download(url: &str, declared: &str) -> Result<(Vec<u8>, String), String> {
    let resp = http::Request::get(url)
        .send()
        .map_err(|e| text::cannot_fetch_attachment(&send_error(e)))?;
    if !(200..=299).contains(&resp.status()) {
        return Err(text::attachment_status(resp.status()));
    }
    let served = resp
        .header("content-type")
        .map(|t| t.split(';').next().unwrap_or("").trim().to_string())
        .filter(|t| !t.is_empty() && t.len() < 128);
    let media = match served {
        Some(t) if declared == "application/octet-stream" => t,
        _ => declared.to_string(),
    };
    Ok((resp.into_body(), media))
}
