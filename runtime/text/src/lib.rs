//! HTML as safe text (shared by the viewer and the news app): tags are dropped, scripts, styles and embedded content never run or
//! load, entities are decoded, links are kept as link blocks (shown with their origin, never
//! followed), images become their alt text behind a word the caller gives in the user's
//! language. A forgiving tokenizer: broken HTML still yields text, never an error.

#[derive(Debug, PartialEq)]
pub enum Piece {
    Heading(String),
    Text(String),
    Item(String),
    Link { label: String, url: String },
}

const SKIP: &[&str] = &[
    "script", "style", "head", "template", "noscript", "iframe", "object", "svg", "math", "title",
];
const BLOCK: &[&str] = &[
    "p",
    "div",
    "br",
    "tr",
    "table",
    "section",
    "article",
    "blockquote",
    "pre",
    "ul",
    "ol",
    "hr",
    "header",
    "footer",
    "main",
    "nav",
    "aside",
    "figure",
    "figcaption",
    "dl",
    "dt",
    "dd",
    "body",
    "html",
];

pub fn decode_entity(name: &str) -> Option<String> {
    if let Some(num) = name.strip_prefix('#') {
        let code = match num.strip_prefix(['x', 'X']) {
            Some(hex) => u32::from_str_radix(hex, 16).ok()?,
            None => num.parse().ok()?,
        };
        return char::from_u32(code)
            .filter(|c| !c.is_control() || *c == '\n' || *c == '\t')
            .map(String::from);
    }
    let c = match name {
        "amp" => '&',
        "lt" => '<',
        "gt" => '>',
        "quot" => '"',
        "apos" => '\'',
        "nbsp" => ' ',
        "auml" => 'ä',
        "ouml" => 'ö',
        "uuml" => 'ü',
        "Auml" => 'Ä',
        "Ouml" => 'Ö',
        "Uuml" => 'Ü',
        "szlig" => 'ß',
        "eacute" => 'é',
        "egrave" => 'è',
        "agrave" => 'à',
        "ccedil" => 'ç',
        "euro" => '€',
        "copy" => '©',
        "reg" => '®',
        "trade" => '™',
        "hellip" => '…',
        "mdash" => '—',
        "ndash" => '–',
        "lsquo" => '‘',
        "rsquo" => '’',
        "ldquo" => '“',
        "rdquo" => '”',
        "bdquo" => '„',
        "laquo" => '«',
        "raquo" => '»',
        "middot" => '·',
        "bull" => '•',
        "deg" => '°',
        "sect" => '§',
        "shy" => '\u{AD}',
        _ => return None,
    };
    Some(c.to_string())
}

/// Decode `&…;` entities in text; unknown ones stay as written.
pub fn decode_entities(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(i) = rest.find('&') {
        out.push_str(&rest[..i]);
        let after = &rest[i + 1..];
        match after
            .find(';')
            .filter(|&j| j <= 10)
            .and_then(|j| decode_entity(&after[..j]).map(|d| (j, d)))
        {
            Some((j, decoded)) => {
                out.push_str(&decoded);
                rest = &after[j + 1..];
            }
            None => {
                out.push('&');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

fn attr(tag: &str, name: &str) -> Option<String> {
    let lower = tag.to_ascii_lowercase();
    let mut from = 0;
    while let Some(pos) = lower[from..].find(name) {
        let at = from + pos;
        from = at + name.len();
        let before_ok = at == 0 || lower.as_bytes()[at - 1].is_ascii_whitespace();
        let rest = tag[at + name.len()..].trim_start();
        if !before_ok || !rest.starts_with('=') {
            continue;
        }
        let rest = rest[1..].trim_start();
        let value = match rest.chars().next() {
            Some(q @ ('"' | '\'')) => rest[1..].split(q).next().unwrap_or(""),
            _ => rest
                .split(|c: char| c.is_whitespace() || c == '>')
                .next()
                .unwrap_or(""),
        };
        return Some(decode_entities(value));
    }
    None
}

/// Turn HTML into pieces. `base` resolves relative links when given; an image with alt text
/// becomes `[image: alt]` with `image` the caller's word for it (this crate runs in guests
/// too, so it has no catalogue of its own), or `[alt]` when that word is empty.
pub fn to_blocks(html: &str, base: Option<&str>, image: &str) -> Vec<Piece> {
    let mut out = Vec::new();
    let mut text = String::new();
    let mut heading = false;
    let mut item = false;
    let mut link: Option<(String, usize)> = None;
    let flush = |text: &mut String, heading: &mut bool, item: &mut bool, out: &mut Vec<Piece>| {
        let t = text.split_whitespace().collect::<Vec<_>>().join(" ");
        if !t.is_empty() {
            out.push(if *heading {
                Piece::Heading(t)
            } else if *item {
                Piece::Item(t)
            } else {
                Piece::Text(t)
            });
        }
        text.clear();
        *heading = false;
        *item = false;
    };
    let mut rest = html;
    while !rest.is_empty() {
        let Some(lt) = rest.find('<') else {
            text.push_str(&decode_entities(rest));
            break;
        };
        text.push_str(&decode_entities(&rest[..lt]));
        rest = &rest[lt + 1..];
        // As in HTML5: only `<` before a letter, `/`, `!` or `?` opens a tag, so text such as
        // "5 < 7 und 7 > 5" keeps its words.
        if !rest.starts_with(|c: char| c.is_ascii_alphabetic() || matches!(c, '/' | '!' | '?')) {
            text.push('<');
            continue;
        }
        if let Some(after) = rest.strip_prefix("!--") {
            rest = after.find("-->").map_or("", |i| &after[i + 3..]);
            continue;
        }
        let end = rest.find('>').unwrap_or(rest.len());
        let tag = &rest[..end];
        rest = rest.get(end + 1..).unwrap_or("");
        let closing = tag.starts_with('/');
        let name: String = tag
            .trim_start_matches('/')
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric())
            .collect::<String>()
            .to_ascii_lowercase();
        if name.is_empty() {
            continue;
        }
        if !closing && SKIP.contains(&name.as_str()) {
            // Drop everything up to the matching close tag.
            let close = format!("</{name}");
            let lower = rest.to_ascii_lowercase();
            rest = match lower.find(&close) {
                Some(i) => rest[i..].find('>').map_or("", |j| &rest[i + j + 1..]),
                None => "",
            };
            continue;
        }
        match name.as_str() {
            "h1" | "h2" | "h3" | "h4" | "h5" | "h6" => {
                flush(&mut text, &mut heading, &mut item, &mut out);
                heading = !closing;
            }
            "li" => {
                flush(&mut text, &mut heading, &mut item, &mut out);
                item = !closing;
            }
            "a" if !closing => {
                if let Some(href) = attr(tag, "href") {
                    link = Some((href, text.len()));
                }
            }
            "a" => {
                if let Some((href, start)) = link.take() {
                    let label = text
                        .get(start..)
                        .unwrap_or("")
                        .split_whitespace()
                        .collect::<Vec<_>>()
                        .join(" ");
                    let url = match base.and_then(|b| url_join(b, &href)) {
                        Some(u) => u,
                        None => href,
                    };
                    if !runs_script(&url) {
                        out.push(Piece::Link {
                            label: if label.is_empty() { url.clone() } else { label },
                            url,
                        });
                    }
                }
            }
            "img" if !closing => {
                if let Some(alt) = attr(tag, "alt").filter(|a| !a.trim().is_empty()) {
                    let alt = alt.trim();
                    if image.is_empty() {
                        text.push_str(&format!(" [{alt}] "));
                    } else {
                        text.push_str(&format!(" [{image}: {alt}] "));
                    }
                }
            }
            n if BLOCK.contains(&n) => flush(&mut text, &mut heading, &mut item, &mut out),
            "td" | "th" => text.push_str(" | "),
            _ => {}
        }
    }
    flush(&mut text, &mut heading, &mut item, &mut out);
    out
}

/// Would a browser run this link as script? WHATWG URL parsing drops leading and trailing
/// C0 controls and spaces and every tab and line break before it reads the scheme, so
/// `" java\r\nscript:…"` is a `javascript:` URL to it and must be to us.
fn runs_script(url: &str) -> bool {
    let squeezed: String = url
        .trim_matches(|c: char| c <= ' ')
        .chars()
        .filter(|c| !matches!(c, '\t' | '\n' | '\r'))
        .collect();
    // No colon, no scheme: `href="javascript"` is a relative link to a page of that name.
    squeezed.split_once(':').is_some_and(|(scheme, _)| {
        scheme.eq_ignore_ascii_case("javascript") || scheme.eq_ignore_ascii_case("vbscript")
    })
}

/// Resolve `href` against `base` (absolute http(s) URLs only; anything else is kept as is).
pub fn url_join(base: &str, href: &str) -> Option<String> {
    if href.contains("://") || href.starts_with("mailto:") {
        return Some(href.to_string());
    }
    let (scheme, rest) = base.split_once("://")?;
    let host_end = rest.find('/').unwrap_or(rest.len());
    let origin = format!("{scheme}://{}", &rest[..host_end]);
    if let Some(abs) = href.strip_prefix("//") {
        return Some(format!("{scheme}://{abs}"));
    }
    if href.starts_with('/') {
        return Some(format!("{origin}{href}"));
    }
    let path = &rest[host_end..];
    let dir = path.rfind('/').map_or("/", |i| &path[..=i]);
    Some(format!("{origin}{dir}{href}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_less_than_sign_in_text_is_text() {
        assert_eq!(
            to_blocks(
                "<p>5 < 7 und 7 > 5.</p><p>a<b>b</b> <3 x</p>",
                None,
                "image"
            ),
            [
                Piece::Text("5 < 7 und 7 > 5.".into()),
                Piece::Text("ab <3 x".into())
            ]
        );
    }

    #[test]
    fn a_script_link_is_dropped_however_a_browser_would_read_its_scheme() {
        let html = "<p><a href='java&#10;script:alert(1)'>a</a> <a href='java\r\nscript:e'>e</a> \
                    <a href=' JavaScript:b()'>b</a> <a href='java&#9;script:c()'>c</a> \
                    <a href='VBScript:d'>d</a> <a href='https://x.test/java script:'>ok</a> \
                    <a href='javascript'>page</a></p>";
        let links: Vec<_> = to_blocks(html, None, "image")
            .into_iter()
            .filter_map(|p| match p {
                Piece::Link { url, .. } => Some(url),
                _ => None,
            })
            .collect();
        assert_eq!(links, ["https://x.test/java script:", "javascript"]);
    }

    #[test]
    fn an_image_is_named_in_the_callers_words() {
        let html = "<p>Vor <img src=x alt=' Rathaus '> nach <img src=y></p>";
        assert_eq!(
            to_blocks(html, None, "Bild"),
            [Piece::Text("Vor [Bild: Rathaus] nach".into())]
        );
        assert_eq!(
            to_blocks(html, None, ""),
            [Piece::Text("Vor [Rathaus] nach".into())]
        );
    }
}
