//! Fetching and parsing feeds: conditional GET through the http capability, then feed-rs
//! (RSS 0.9x/1.0/2.0, Atom, JSON Feed) with the feed's URL as the base for relative links.
//! Articles are stored as plain data; their HTML stays untrusted until shown as safe text.

use serde::{Deserialize, Serialize};

use kapsel_sdk::http;

/// Largest feed body accepted from the host.
const MAX_FEED: usize = 8 * 1024 * 1024;

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Article {
    pub id: String,
    pub feed: String,
    pub title: String,
    pub link: Option<String>,
    /// `YYYY-MM-DD HH:MM` (UTC), sortable.
    pub date: Option<String>,
    pub categories: Vec<String>,
    pub summary: String,
    pub content: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, Default)]
pub struct FeedState {
    pub etag: Option<String>,
    pub last_modified: Option<String>,
    pub articles: Vec<Article>,
}

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
    let resp = req.send().map_err(|e| format!("cannot fetch the feed: {}", kapsel_sdk::error::message(&kapsel_sdk::AppError::from(e))))?;
    match resp.status() {
        304 => return Ok(Fetched::NotModified),
        200..=299 => {}
        401 | 403 => return Err(format!("the server refused access (HTTP {})", resp.status())),
        404 => return Err("the feed does not exist (HTTP 404)".into()),
        s => return Err(format!("the server answered HTTP {s}")),
    }
    if resp.body().len() > MAX_FEED {
        return Err("the feed is too large".into());
    }
    let etag = resp.header("etag").map(str::to_string);
    let last_modified = resp.header("last-modified").map(str::to_string);
    let parsed = feed_rs::parser::Builder::new()
        .base_uri(Some(resp.final_url()))
        .build()
        .parse(resp.body())
        .map_err(|e| format!("the feed is malformed: {e}"))?;
    let articles = parsed
        .entries
        .into_iter()
        .map(|e| {
            let base = resp.final_url();
            let link = e.links.first().map(|l| {
                if l.href.contains("://") { l.href.clone() } else { kapsel_app_text::url_join(base, &l.href).unwrap_or(l.href.clone()) }
            });
            // Titles may carry markup (Atom type="html"): shown as plain text.
            let title = e
                .title
                .map(|t| plain(&t.content))
                .filter(|t| !t.is_empty())
                .unwrap_or_else(|| "(untitled)".into());
            let date = e.published.or(e.updated).map(|d| d.format("%Y-%m-%d %H:%M").to_string());
            let categories = e.categories.into_iter().map(|c| c.label.unwrap_or(c.term)).collect();
            let summary = e.summary.map(|s| s.content).unwrap_or_default();
            let content = e.content.and_then(|c| c.body).unwrap_or_default();
            // Feed ids can be long URLs: a short stable id keeps routes and storage small.
            let id = short_id(name, &e.id);
            Article { id, feed: name.to_string(), title, link, date, categories, summary, content }
        })
        .collect();
    Ok(Fetched::New(FeedState { etag, last_modified, articles }))
}

/// FNV-1a over feed name and entry id, hex.
fn short_id(feed: &str, id: &str) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in feed.bytes().chain([0]).chain(id.bytes()) {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    format!("{h:016x}")
}

fn plain(html: &str) -> String {
    kapsel_app_text::to_blocks(html, None)
        .into_iter()
        .map(|p| match p {
            kapsel_app_text::Piece::Heading(t) | kapsel_app_text::Piece::Text(t) | kapsel_app_text::Piece::Item(t) => t,
            kapsel_app_text::Piece::Link { label, .. } => label,
        })
        .collect::<Vec<_>>()
        .join(" ")
}
