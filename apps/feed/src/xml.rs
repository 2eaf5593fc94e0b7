//! RSS 0.9x/1.0/2.0 and Atom through feed-rs, mapped to articles. feed-rs resolves links
//! against the stacked `xml:base` attributes (seeded with the feed's URL); it does not say
//! which base was in scope on an entry's content, so a second, light pass over the same
//! bytes records it for the links inside the body. Dates go through our own lenient reader;
//! Atom text constructs keep their type, so `type="text"` stays text.

use feed_rs::model::{Entry, FeedType, Text};

use crate::{Article, Enclosure, FeedError, Parsed, date, html_of_text, one_line, plain};

pub(crate) fn feed_rs(body: &[u8], base: &str) -> Result<feed_rs::model::Feed, FeedError> {
    feed_rs::parser::Builder::new()
        .base_uri(Some(base))
        // No invented ids: an entry without one is recognised by its link or title and date.
        .id_generator(|_, _, _| String::new())
        .timestamp_parser(date::parse)
        .build()
        .parse(body)
        .map_err(|e| FeedError::Malformed(e.to_string()))
}

/// An entry as feed-rs read it, whether the feed is Atom, and the bases of its body.
type Read = (Entry, bool, Bases);

pub fn parse(name: &str, body: &[u8], base: &str) -> Result<Parsed, FeedError> {
    let mut parsed = Parsed::default();
    let entries = match feed_rs(body, base) {
        Ok(feed) => with_bases(feed, body, base),
        Err(whole) => {
            let (entries, bad) = item_by_item(body, base).ok_or(whole)?;
            parsed.skipped += bad;
            entries
        }
    };
    for (e, atom, bases) in entries {
        match article(name, e, atom, bases) {
            Some(a) => parsed.articles.push(a),
            None => parsed.skipped += 1,
        }
    }
    Ok(parsed)
}

/// feed-rs's entries paired with the bases the second pass found, in document order. When
/// the two passes disagree on the number of entries, no body gets a base of its own (its
/// links then resolve against the article's page, as without `xml:base`).
fn with_bases(feed: feed_rs::model::Feed, body: &[u8], base: &str) -> Vec<Read> {
    let atom = feed.feed_type == FeedType::Atom;
    let mut bases = body_bases(body, base).unwrap_or_default();
    if bases.len() != feed.entries.len() {
        bases = vec![Bases::default(); feed.entries.len()];
    }
    feed.entries
        .into_iter()
        .zip(bases)
        .map(|(e, b)| (e, atom, b))
        .collect()
}

/// The `xml:base` in scope on an entry's content (Atom `content`, RSS `content:encoded`)
/// and summary (Atom `summary`, RSS `description`), when an `xml:base` attribute is in
/// scope at all.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct Bases {
    pub content: Option<String>,
    pub summary: Option<String>,
}

/// One pass over the document keeping the stack of bases (feed → entry → element, each
/// relative one joined to the one above, the feed's URL at the bottom) and noting the base
/// in scope on each entry's body elements. `None` when the bytes are no XML this pass can
/// follow.
pub(crate) fn body_bases(body: &[u8], base: &str) -> Option<Vec<Bases>> {
    use quick_xml::events::Event;

    // Only elements that declare a base get a frame, and only so many: a feed needs three
    // (feed, entry, element); a document that nests bases by the thousand gets none.
    const MAX_BASES: usize = 32;
    let mut bases: Vec<(usize, url::Url)> = vec![(0, url::Url::parse(base).ok()?)];
    let mut depth = 0usize;
    let mut entry_depth: Option<usize> = None;
    let mut out: Vec<Bases> = Vec::new();
    let mut reader = quick_xml::Reader::from_reader(body);
    loop {
        match reader.read_event().ok()? {
            Event::Start(e) => {
                depth += 1;
                let declared = e
                    .attributes()
                    .flatten()
                    .find(|a| a.key.as_ref() == b"xml:base")
                    .and_then(|a| {
                        a.normalized_value(quick_xml::XmlVersion::Implicit1_0)
                            .ok()
                            .map(|v| v.trim().to_string())
                    });
                let (_, above) = bases.last()?;
                if let Some(joined) = declared.and_then(|d| above.join(&d).ok()) {
                    if bases.len() == MAX_BASES {
                        return None;
                    }
                    bases.push((depth, joined));
                }
                let local = e.local_name();
                match entry_depth {
                    None if matches!(local.as_ref(), b"entry" | b"item") => {
                        entry_depth = Some(depth);
                        out.push(Bases::default());
                    }
                    Some(d) if depth == d + 1 => {
                        // The feed's URL alone is no base the feed declared.
                        let noted = (bases.len() > 1)
                            .then(|| bases.last().map(|(_, u)| u.to_string()))
                            .flatten();
                        if let Some(last) = out.last_mut() {
                            match local.as_ref() {
                                b"content" | b"encoded" => last.content = noted,
                                b"summary" | b"description" => last.summary = noted,
                                _ => {}
                            }
                        }
                    }
                    _ => {}
                }
            }
            Event::End(_) => {
                if depth == 0 {
                    return None;
                }
                if bases.len() > 1 && bases.last().is_some_and(|(d, _)| *d == depth) {
                    bases.pop();
                }
                if entry_depth == Some(depth) {
                    entry_depth = None;
                }
                depth -= 1;
            }
            // An empty entry still counts, so the pairing with feed-rs holds.
            Event::Empty(e) => {
                let local = e.local_name();
                if entry_depth.is_none() && matches!(local.as_ref(), b"entry" | b"item") {
                    out.push(Bases::default());
                }
            }
            Event::Eof => return Some(out),
            _ => {}
        }
    }
}

/// A complete document that feed-rs refuses because of one item (an unknown text type, a
/// broken `xml:base`): each item is read alone inside the feed's own head and tail, and
/// the ones that still fail are counted. A cut-off document stays an error — its last
/// items cannot be told from a whole feed.
fn item_by_item(body: &[u8], base: &str) -> Option<(Vec<Read>, usize)> {
    let text = std::str::from_utf8(body).ok()?;
    let end = text.trim_end();
    if !["</rss>", "</feed>", "</rdf:RDF>"]
        .iter()
        .any(|t| end.ends_with(t))
    {
        return None;
    }
    let (open, close) = if end.ends_with("</feed>") {
        ("<entry", "</entry>")
    } else {
        ("<item", "</item>")
    };
    let tail_at = text.rfind(close)? + close.len();
    // An item opened after the last close tag is no item (and would cut a slice backwards).
    let starts: Vec<usize> = text
        .match_indices(open)
        .map(|(i, _)| i)
        .filter(|&i| {
            i < tail_at
                && text[i + open.len()..].starts_with(|c: char| c == '>' || c.is_ascii_whitespace())
        })
        .collect();
    let first = *starts.first()?;
    let (head, tail) = (&text[..first], &text[tail_at..]);
    let mut entries = Vec::new();
    let mut bad = 0;
    for (n, &s) in starts.iter().enumerate() {
        let stop = starts.get(n + 1).copied().unwrap_or(tail_at);
        let chunk = &text[s..stop];
        let Some(item_end) = chunk.rfind(close).map(|i| i + close.len()) else {
            bad += 1;
            continue;
        };
        let one = format!("{head}{}{tail}", &chunk[..item_end]);
        match feed_rs(one.as_bytes(), base) {
            Ok(feed) if feed.entries.len() == 1 => {
                entries.extend(with_bases(feed, one.as_bytes(), base));
            }
            _ => bad += 1,
        }
    }
    Some((entries, bad))
}

fn is_html(t: &Text) -> bool {
    t.content_type.to_string().starts_with("text/html")
}

fn article(feed: &str, e: Entry, atom: bool, bases: Bases) -> Option<Article> {
    // The page of the article: the alternate link, never `self`, `edit` or an enclosure.
    let link = e
        .links
        .iter()
        .find(|l| l.rel.as_deref().is_none_or(|r| r == "alternate"))
        .or_else(|| {
            e.links.iter().find(|l| {
                !matches!(
                    l.rel.as_deref(),
                    Some("enclosure" | "self" | "edit" | "replies")
                )
            })
        })
        .map(|l| l.href.clone())
        .filter(|h| h.starts_with("http://") || h.starts_with("https://"));
    let title = e
        .title
        .as_ref()
        .map(|t| {
            if is_html(t) {
                plain(&t.content)
            } else {
                one_line(&t.content)
            }
        })
        .unwrap_or_default();
    // RSS descriptions are HTML in practice whatever they declare; Atom says what it holds.
    let as_html = |t: Text| {
        if atom && !is_html(&t) {
            html_of_text(&t.content)
        } else {
            t.content
        }
    };
    let summary = e.summary.map(as_html).unwrap_or_default();
    let content = e
        .content
        .and_then(|c| {
            let html = c.content_type.to_string().starts_with("text/html");
            c.body
                .map(|b| if atom && !html { html_of_text(&b) } else { b })
        })
        .unwrap_or_default();
    if title.is_empty() && link.is_none() && summary.is_empty() && content.is_empty() {
        return None;
    }
    let date = e
        .published
        .or(e.updated)
        .map(|d| d.format("%Y-%m-%d %H:%M").to_string());
    let categories = e
        .categories
        .into_iter()
        .map(|c| c.label.unwrap_or(c.term))
        .filter(|c| !c.trim().is_empty())
        .collect();
    let mut authors: Vec<String> = Vec::new();
    for p in e.authors {
        let n = one_line(&p.name);
        if !n.is_empty() && !authors.contains(&n) {
            authors.push(n);
        }
    }
    let mut enclosures: Vec<Enclosure> = Vec::new();
    for l in &e.links {
        if l.rel.as_deref() == Some("enclosure") {
            enclosures.push(Enclosure::new(
                l.href.clone(),
                l.title.as_deref(),
                l.media_type.as_deref(),
                l.length,
            ));
        }
    }
    for m in e.media {
        let title = m.title.map(|t| one_line(&t.content));
        for c in m.content {
            let Some(url) = c.url else { continue };
            let media_type = c.content_type.map(|t| t.to_string());
            enclosures.push(Enclosure::new(
                url.to_string(),
                title.as_deref(),
                media_type.as_deref(),
                c.size,
            ));
        }
    }
    Some(Article {
        // The feed's own id for now; `crate::finish` turns it into the stored id.
        id: e.id,
        feed: feed.to_string(),
        title,
        link,
        date,
        categories,
        summary,
        content,
        content_base: bases.content,
        summary_base: bases.summary,
        authors,
        enclosures,
    })
}
