//! JSON Feed 1.0/1.1, read item by item: one item that does not fit (a number where a string
//! belongs, a list where an object belongs) is skipped and counted, never the whole feed.
//! Numeric ids, common in the wild though 1.1 says string, are taken as their decimal text.

use serde_json::{Map, Value};

use crate::{Article, Enclosure, FeedError, Parsed, date, html_of_text, resolve};

pub fn parse(name: &str, body: &[u8], base: &str) -> Result<Parsed, FeedError> {
    let root: Value =
        serde_json::from_slice(body).map_err(|e| FeedError::Malformed(e.to_string()))?;
    let Some(root) = root.as_object() else {
        return Err(FeedError::NotJsonObject);
    };
    let is_feed = root
        .get("version")
        .and_then(Value::as_str)
        .is_some_and(|v| v.contains("jsonfeed.org"));
    let Some(items) = root.get("items").and_then(Value::as_array) else {
        return Err(if is_feed {
            FeedError::NoItems
        } else {
            FeedError::NotJsonFeed
        });
    };
    // Relative URLs resolve against the feed's own address when it names one.
    let base = root
        .get("feed_url")
        .and_then(Value::as_str)
        .and_then(|u| resolve(base, u))
        .unwrap_or_else(|| base.to_string());
    let mut parsed = Parsed::default();
    for item in items {
        match item.as_object().and_then(|o| article(name, o, &base)) {
            Some(a) => parsed.articles.push(a),
            None => parsed.skipped += 1,
        }
    }
    Ok(parsed)
}

/// A string or a number (ids, sizes), as text.
fn text(v: Option<&Value>) -> Result<Option<String>, ()> {
    match v {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.clone())),
        Some(Value::Number(n)) => Ok(Some(n.to_string())),
        Some(_) => Err(()),
    }
}

fn string(o: &Map<String, Value>, key: &str) -> Result<Option<String>, ()> {
    match o.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.clone())),
        Some(_) => Err(()),
    }
}

fn article(feed: &str, o: &Map<String, Value>, base: &str) -> Option<Article> {
    let id = text(o.get("id")).ok()?;
    let url = string(o, "url").ok()?;
    let external = string(o, "external_url").ok()?;
    let title = string(o, "title").ok()?;
    let html = string(o, "content_html").ok()?;
    let plain = string(o, "content_text").ok()?;
    let summary = string(o, "summary").ok()?;
    if html.is_none() && plain.is_none() && title.is_none() && url.is_none() {
        return None;
    }
    let link = url
        .as_deref()
        .or(external.as_deref())
        .and_then(|u| resolve(base, u));
    let date = string(o, "date_published")
        .ok()?
        .or(string(o, "date_modified").ok()?)
        .and_then(|d| date::parse(&d))
        .map(|d| d.format("%Y-%m-%d %H:%M").to_string());
    let mut authors = Vec::new();
    let mut people: Vec<&Value> = match o.get("authors") {
        Some(Value::Array(a)) => a.iter().collect(),
        None | Some(Value::Null) => Vec::new(),
        Some(_) => return None,
    };
    // JSON Feed 1.0 had a single `author`.
    people.extend(o.get("author"));
    for p in people {
        if let Some(n) = p.get("name").and_then(Value::as_str) {
            let n = n.trim();
            if !n.is_empty() && !authors.iter().any(|a| a == n) {
                authors.push(n.to_string());
            }
        }
    }
    let categories = match o.get("tags") {
        Some(Value::Array(t)) => t
            .iter()
            .filter_map(Value::as_str)
            .map(str::to_string)
            .collect(),
        None | Some(Value::Null) => Vec::new(),
        Some(_) => return None,
    };
    let mut enclosures = Vec::new();
    if let Some(Value::Array(list)) = o.get("attachments") {
        for att in list {
            let Some(url) = att
                .get("url")
                .and_then(Value::as_str)
                .and_then(|u| resolve(base, u))
            else {
                continue;
            };
            enclosures.push(Enclosure::new(
                url,
                att.get("title").and_then(Value::as_str),
                att.get("mime_type").and_then(Value::as_str),
                att.get("size_in_bytes").and_then(Value::as_u64),
            ));
        }
    }
    let content = match (html, plain) {
        (Some(h), _) => h,
        (None, Some(p)) => html_of_text(&p),
        (None, None) => String::new(),
    };
    let title = title.map(|t| crate::one_line(&t)).unwrap_or_default();
    Some(Article {
        // The feed's own id for now; `crate::finish` turns it into the stored id.
        id: id.unwrap_or_default(),
        feed: feed.to_string(),
        title,
        link,
        date,
        categories,
        summary: summary.map(|s| html_of_text(&s)).unwrap_or_default(),
        content,
        content_base: None,
        summary_base: None,
        authors,
        enclosures,
    })
}
