//! Feed parsing for the news app: feed-rs (RSS 0.9x/1.0/2.0, Atom, JSON Feed) mapped to
//! plain articles, with links resolved against the feed's URL and titles as plain text.
//! No I/O and no host calls, so the news app's benchmark can run the very same code natively.

use serde::{Deserialize, Serialize};

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

/// Parse a feed body fetched from `base` (the URL it came from, for relative links).
pub fn parse(name: &str, body: &[u8], base: &str) -> Result<Vec<Article>, String> {
    let parsed = feed_rs::parser::Builder::new()
        .base_uri(Some(base))
        .build()
        .parse(body)
        .map_err(|e| format!("the feed is malformed: {e}"))?;
    let articles = parsed
        .entries
        .into_iter()
        .map(|e| {
            let link = e.links.first().map(|l| {
                if l.href.contains("://") {
                    l.href.clone()
                } else {
                    kapsel_text::url_join(base, &l.href).unwrap_or(l.href.clone())
                }
            });
            // Titles may carry markup (Atom type="html"): shown as plain text.
            let title = e
                .title
                .map(|t| plain(&t.content))
                .filter(|t| !t.is_empty())
                .unwrap_or_else(|| "(untitled)".into());
            let date = e
                .published
                .or(e.updated)
                .map(|d| d.format("%Y-%m-%d %H:%M").to_string());
            let categories = e
                .categories
                .into_iter()
                .map(|c| c.label.unwrap_or(c.term))
                .collect();
            let summary = e.summary.map(|s| s.content).unwrap_or_default();
            let content = e.content.and_then(|c| c.body).unwrap_or_default();
            // Feed ids can be long URLs: a short stable id keeps routes and storage small.
            let id = short_id(name, &e.id);
            Article {
                id,
                feed: name.to_string(),
                title,
                link,
                date,
                categories,
                summary,
                content,
            }
        })
        .collect();
    Ok(articles)
}

/// One line of the article list: title, subtitle, action, unread.
pub struct Row {
    pub title: String,
    pub subtitle: String,
    pub action: String,
    pub unread: bool,
}

pub fn rows(articles: &[Article], read: &std::collections::BTreeSet<String>) -> Vec<Row> {
    articles
        .iter()
        .map(|a| {
            let mut sub = a.feed.clone();
            if let Some(d) = &a.date {
                sub.push_str(&format!(" · {d}"));
            }
            if !a.categories.is_empty() {
                sub.push_str(&format!(" · {}", a.categories.join(", ")));
            }
            Row {
                title: a.title.clone(),
                subtitle: sub,
                action: format!("item:{}", a.id),
                unread: !read.contains(&a.id),
            }
        })
        .collect()
}

/// A realistic RSS 2.0 feed with `n` items (for benchmarks): CDATA content, categories,
/// entities, dates.
pub fn sample_feed(n: usize) -> String {
    let mut s = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<rss version=\"2.0\" xmlns:content=\"http://purl.org/rss/1.0/modules/content/\"><channel><title>Bench</title><link>https://intranet.example/</link><description>d</description>\n",
    );
    for i in 0..n {
        s.push_str(&format!(
            "<item><title>Meldung {i} &amp; mehr</title><link>/news/{i}</link><guid>bench-{i}</guid><category>Kategorie {}</category>\
             <pubDate>Mon, 23 Nov 2026 09:{:02}:00 +0100</pubDate><description>Kurz {i}</description>\
             <content:encoded><![CDATA[<p>Absatz <b>{i}</b> mit <a href=\"/x/{i}\">Link</a>.</p><p>Zweiter Absatz.</p>]]></content:encoded></item>\n",
            i % 7,
            i % 60
        ));
    }
    s.push_str("</channel></rss>\n");
    s
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
    kapsel_text::to_blocks(html, None)
        .into_iter()
        .map(|p| match p {
            kapsel_text::Piece::Heading(t)
            | kapsel_text::Piece::Text(t)
            | kapsel_text::Piece::Item(t) => t,
            kapsel_text::Piece::Link { label, .. } => label,
        })
        .collect::<Vec<_>>()
        .join(" ")
}
