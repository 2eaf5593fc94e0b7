//! Feed parsing for the news app: RSS 0.9x/1.0/2.0 and Atom through feed-rs, JSON Feed read
//! item by item, all mapped to plain articles — titles as text, bodies as HTML for the safe
//! HTML reader, links resolved against the feed's URL and `xml:base`, authors and enclosures
//! kept, duplicates (same id, else link, else title and date) dropped. No I/O and no host
//! calls, so the news app's benchmark can run the very same code natively.

mod date;
mod json;
mod xml;

#[cfg(test)]
mod tests;

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};

pub use date::parse as parse_date;

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Article {
    pub id: String,
    pub feed: String,
    /// Empty when the feed gave none (the app names it in the user's language).
    pub title: String,
    pub link: Option<String>,
    /// `YYYY-MM-DD HH:MM` (UTC), sortable.
    pub date: Option<String>,
    pub categories: Vec<String>,
    /// HTML (text the feed marked as plain text is escaped into HTML when read).
    pub summary: String,
    pub content: String,
    /// Where relative links in `content` and `summary` resolve when the feed said so: the
    /// `xml:base` in scope on that element (feed, entry and element bases stacked).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub content_base: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub summary_base: Option<String>,
    // Articles stored before these fields existed read as having none.
    #[serde(default)]
    pub authors: Vec<String>,
    #[serde(default)]
    pub enclosures: Vec<Enclosure>,
}

impl Article {
    /// The HTML a reader shows (the content, else the summary) and the base its relative
    /// links resolve against: the `xml:base` in scope on that element, else the article's
    /// own page.
    pub fn body(&self) -> (&str, Option<&str>) {
        let (html, base) = if self.content.is_empty() {
            (&self.summary, &self.summary_base)
        } else {
            (&self.content, &self.content_base)
        };
        (html, base.as_deref().or(self.link.as_deref()))
    }
}

/// An article's body as the safe HTML reader's pieces, relative links resolved against the
/// body's base by the URL rules (`../`, `?q`, `#f`, `//host`); a link that resolves to no web
/// address (`mailto:`) is kept as written.
/// `image` is the word shown before an image's alt text, in the user's language.
pub fn body_pieces(a: &Article, image: &str) -> Vec<kapsel_text::Piece> {
    let (html, base) = a.body();
    kapsel_text::to_blocks(html, None, image)
        .into_iter()
        .map(|p| match p {
            kapsel_text::Piece::Link { label, url } => {
                let resolved = base.and_then(|b| resolve(b, &url)).unwrap_or(url.clone());
                kapsel_text::Piece::Link {
                    // A link without words shows its address: the resolved one.
                    label: if label == url {
                        resolved.clone()
                    } else {
                        label
                    },
                    url: resolved,
                }
            }
            other => other,
        })
        .collect()
}

/// A file attached to an article (RSS `<enclosure>`, Media RSS, Atom `rel="enclosure"`, JSON
/// Feed `attachments`): fetched only when the user asks.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Enclosure {
    pub url: String,
    /// What the user sees: the feed's title for it, else the file name from the URL; empty
    /// when neither names it (the app then says "attachment" in the user's language).
    pub name: String,
    pub media_type: String,
    pub size: Option<u64>,
}

impl Enclosure {
    fn new(url: String, title: Option<&str>, media_type: Option<&str>, size: Option<u64>) -> Self {
        let name = title
            .map(one_line)
            .filter(|t| !t.is_empty())
            .unwrap_or_else(|| file_name(&url));
        Enclosure {
            media_type: media_type
                .map(str::trim)
                .filter(|t| !t.is_empty() && t.len() < 128)
                .unwrap_or("application/octet-stream")
                .to_string(),
            url,
            name,
            size: size.filter(|s| *s > 0),
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, Default)]
pub struct FeedState {
    pub etag: Option<String>,
    pub last_modified: Option<String>,
    pub articles: Vec<Article>,
    /// What the last fetch that changed something yielded, so the view can say why the
    /// stored number differs from the feed's.
    #[serde(default)]
    pub counts: Counts,
}

/// The numbers behind "N articles kept".
#[derive(Debug, Clone, Serialize, Deserialize, Default, PartialEq)]
pub struct Counts {
    /// Items in the feed, repeats and unreadable items not counted.
    pub in_feed: usize,
    pub skipped: usize,
    pub duplicates: usize,
    /// Older articles dropped for the per-feed limit.
    pub over_limit: usize,
    /// Older articles dropped because the app's storage quota was full.
    pub over_quota: usize,
}

/// What one fetch of a feed yielded.
#[derive(Debug, Default)]
pub struct Parsed {
    pub articles: Vec<Article>,
    /// Items that could not be read (no usable field, a field of the wrong kind).
    pub skipped: usize,
    /// Items dropped as repeats of an earlier one.
    pub duplicates: usize,
}

/// Why a feed could not be read at all. `Display` gives the English words (for logs and
/// native tools); the news app says it in the user's language.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FeedError {
    /// Not well-formed XML or JSON, or no feed format feed-rs knows: the parser's words.
    Malformed(String),
    NotJsonObject,
    /// A JSON Feed (it names its version) without an `items` list.
    NoItems,
    /// JSON, but not a JSON Feed.
    NotJsonFeed,
}

impl std::fmt::Display for FeedError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            FeedError::Malformed(why) => write!(f, "the feed is malformed: {why}"),
            FeedError::NotJsonObject => f.write_str("the feed is malformed: not a JSON object"),
            FeedError::NoItems => f.write_str("the feed is malformed: it has no items list"),
            FeedError::NotJsonFeed => f.write_str("the feed is malformed: not a JSON Feed"),
        }
    }
}

impl std::error::Error for FeedError {}

/// Parse a feed body fetched from `base` (the URL it came from, for relative links).
pub fn parse(name: &str, body: &[u8], base: &str) -> Result<Vec<Article>, FeedError> {
    parse_feed(name, body, base).map(|p| p.articles)
}

/// Parse a feed and say what was skipped and dropped as duplicate.
pub fn parse_feed(name: &str, body: &[u8], base: &str) -> Result<Parsed, FeedError> {
    let first = body
        .iter()
        .find(|b| !b.is_ascii_whitespace() && **b != 0xef && **b != 0xbb && **b != 0xbf);
    let mut parsed = if first == Some(&b'{') {
        json::parse(name, body, base)?
    } else {
        xml::parse(name, body, base)?
    };
    finish(name, &mut parsed);
    Ok(parsed)
}

/// Give each article its stored id and drop repeats. The key is the feed's id (guid), else
/// the link, else title and date; the id hashes the key as earlier versions hashed the guid,
/// so read marks survive an update.
fn finish(feed: &str, parsed: &mut Parsed) {
    let mut seen = BTreeSet::new();
    let before = parsed.articles.len();
    parsed.articles.retain_mut(|a| {
        let own = a.id.trim();
        let key = if !own.is_empty() {
            own.to_string()
        } else if let Some(link) = &a.link {
            link.clone()
        } else {
            format!("{}\u{0}{}", a.title, a.date.as_deref().unwrap_or(""))
        };
        a.id = short_id(feed, &key);
        seen.insert(a.id.clone())
    });
    parsed.duplicates = before - parsed.articles.len();
}

/// Articles of a new fetch merged with the stored ones: the feed's version of an article
/// wins, articles that left the feed stay (as in any feed reader), newest first, at most
/// `keep`. Returns the merged list and how many were dropped for the limit.
pub fn merge(fresh: Vec<Article>, stored: Vec<Article>, keep: usize) -> (Vec<Article>, usize) {
    let ids: BTreeSet<String> = fresh.iter().map(|a| a.id.clone()).collect();
    let mut all = fresh;
    all.extend(stored.into_iter().filter(|a| !ids.contains(&a.id)));
    // Stable: undated articles keep the feed's order after the dated ones.
    all.sort_by(|a, b| b.date.cmp(&a.date));
    let dropped = all.len().saturating_sub(keep);
    all.truncate(keep);
    (all, dropped)
}

/// One line of the article list: title, subtitle, action, unread.
pub struct Row {
    pub title: String,
    pub subtitle: String,
    pub action: String,
    pub unread: bool,
}

pub fn rows(articles: &[Article], read: &BTreeSet<String>) -> Vec<Row> {
    articles
        .iter()
        .map(|a| {
            let mut sub = a.feed.clone();
            if let Some(d) = &a.date {
                sub.push_str(&format!(" · {d}"));
            }
            if !a.authors.is_empty() {
                sub.push_str(&format!(" · {}", a.authors.join(", ")));
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

/// `href` resolved against `base` by the URL rules (`../`, `?q`, `//host`); web links only.
fn resolve(base: &str, href: &str) -> Option<String> {
    let href = href.trim();
    let joined = match url::Url::parse(href) {
        Ok(u) => u,
        Err(url::ParseError::RelativeUrlWithoutBase) => {
            url::Url::parse(base).ok()?.join(href).ok()?
        }
        Err(_) => return None,
    };
    matches!(joined.scheme(), "http" | "https").then(|| joined.to_string())
}

/// Text with its whitespace collapsed to single spaces: titles, names.
fn one_line(t: &str) -> String {
    t.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// HTML (a title marked `type="html"`) as one line of text.
fn plain(html: &str) -> String {
    // A title has no room for a word in some language: an image is its alt text in brackets.
    kapsel_text::to_blocks(html, None, "")
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

/// Plain text as HTML that reads back as the same words: `<`, `>`, `&` escaped, blank lines
/// as paragraphs, single line breaks kept.
fn html_of_text(text: &str) -> String {
    let escaped = text
        .replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace("\r\n", "\n");
    escaped
        .split("\n\n")
        .filter(|p| !p.trim().is_empty())
        .map(|p| format!("<p>{}</p>", p.trim().replace('\n', "<br>")))
        .collect()
}

/// The last path segment of a URL, percent-decoded where that gives UTF-8; empty if none.
fn file_name(url: &str) -> String {
    let segment = url::Url::parse(url)
        .ok()
        .and_then(|u| {
            u.path_segments()
                .and_then(|mut s| s.rfind(|x| !x.is_empty()).map(str::to_string))
        })
        .unwrap_or_default();
    let mut bytes = Vec::with_capacity(segment.len());
    let raw = segment.as_bytes();
    let mut i = 0;
    while i < raw.len() {
        let hex = raw
            .get(i + 1..i + 3)
            .and_then(|h| std::str::from_utf8(h).ok())
            .and_then(|h| u8::from_str_radix(h, 16).ok());
        match (raw[i], hex) {
            (b'%', Some(b)) => {
                bytes.push(b);
                i += 3;
            }
            (b, _) => {
                bytes.push(b);
                i += 1;
            }
        }
    }
    let name = String::from_utf8(bytes).unwrap_or(segment);
    one_line(&name)
}
