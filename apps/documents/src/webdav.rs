//! WebDAV (RFC 4918) as a document library: PROPFIND Depth 1 for a folder, GET for a file.
//! Names arrive percent-encoded in hrefs; they are decoded for display and kept encoded in
//! the paths the app builds, so spaces, quotes, %, #, and umlauts survive the round trip.
//!
//! A Basic 401 looks the same whether a wrong password or none was sent, so the app asks the
//! host whether it signs in to the URL (see [`crate::signin`]) to tell the two apart.

use quick_xml::Reader;
use quick_xml::events::Event;

use kapsel_sdk::http::{self, HttpError, Method};

use crate::text;

pub struct Entry {
    /// Display name (decoded).
    pub name: String,
    /// The last path segment as the server encoded it.
    pub href_name: String,
    pub folder: bool,
    pub size: u64,
    pub modified: Option<crate::format::Stamp>,
    /// Why this entry is shown but not followed.
    pub problem: Option<String>,
}

const PROPFIND: &str = r#"<?xml version="1.0" encoding="utf-8"?>
<D:propfind xmlns:D="DAV:"><D:prop><D:displayname/><D:resourcetype/><D:getcontentlength/><D:getlastmodified/><D:getcontenttype/></D:prop></D:propfind>"#;

/// A name as one path segment: everything but unreserved characters percent-encoded, so
/// nothing in it can act as a separator or a dot segment in the next request.
pub fn encode(name: &str) -> String {
    let mut out = String::with_capacity(name.len() * 3);
    for b in name.bytes() {
        if b.is_ascii_alphanumeric()
            || b"-_~".contains(&b)
            || (b == b'.' && name != "." && name != "..")
        {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// `base` (a folder URL ending in /) plus an already-encoded relative path.
pub fn join(base: &str, path: &str) -> String {
    let base = if base.ends_with('/') {
        base.to_string()
    } else {
        format!("{base}/")
    };
    format!("{base}{path}")
}

pub fn decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && i + 2 < bytes.len()
            && let Ok(v) = u8::from_str_radix(
                std::str::from_utf8(&bytes[i + 1..i + 3]).unwrap_or("zz"),
                16,
            )
        {
            out.push(v);
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// `https://host[:port]` of a URL: what `kapsel credential set` takes.
fn origin_of(url: &str) -> String {
    url.split_once("://")
        .map_or(url.to_string(), |(scheme, rest)| {
            format!("{scheme}://{}", rest.split('/').next().unwrap_or(rest))
        })
}

fn status_message(resp: &http::Response) -> String {
    let url = resp.final_url();
    match resp.status() {
        // Whatever the scheme, the host says whether it sent a credential to this URL; the
        // server's 401 then means the credential was turned down.
        401 => match crate::signin(url) {
            Some(crate::SignIn::Basic) => text::password_rejected(&origin_of(url)),
            Some(crate::SignIn::Bearer) => text::token_rejected(&origin_of(url)),
            // A Bearer challenge says a token came and was turned down (RFC 6750 §3.1),
            // whatever the host reports.
            None if resp
                .header("www-authenticate")
                .is_some_and(|c| c.contains("error=\"invalid_token\"")) =>
            {
                text::token_rejected(&origin_of(url))
            }
            None => text::share_without_credential(&origin_of(url)),
        },
        403 => text::folder_denied().into(),
        404 => text::folder_gone().into(),
        s => text::server_status(s, ""),
    }
}

/// A request the host would not send: for a library it grants a token for and none is
/// stored, say how to store one.
fn refused_send(url: &str, e: &HttpError) -> Option<String> {
    match (e, crate::signin(url)) {
        (HttpError::Denied(m), Some(crate::SignIn::Bearer)) => {
            Some(text::no_token_for_library(m, &origin_of(url)))
        }
        _ => None,
    }
}

fn path_of(url: &str) -> String {
    let after = url.split_once("://").map_or(url, |(_, r)| r);
    after
        .find('/')
        .map_or("/".to_string(), |i| after[i..].to_string())
}

pub fn list(url: &str) -> Result<Vec<Entry>, String> {
    let resp = http::Request::new(Method::Propfind, url)
        .header("Depth", "1")
        .header("Content-Type", "application/xml; charset=utf-8")
        .body(PROPFIND.as_bytes().to_vec())
        .send()
        .map_err(|e| {
            refused_send(url, &e)
                .unwrap_or_else(|| text::cannot_reach_library(&text::http_error(&e)))
        })?;
    if resp.status() != 207 {
        return Err(status_message(&resp));
    }
    let own = decode(path_of(url).trim_end_matches('/'));
    let mut entries = parse_multistatus(resp.body())?;
    // The first response is the folder itself.
    entries.retain(|(href, _)| decode(path_of(href).trim_end_matches('/')) != own);
    let mut out: Vec<Entry> = entries
        .into_iter()
        .map(|(href, mut e)| {
            let seg = href
                .trim_end_matches('/')
                .rsplit('/')
                .next()
                .unwrap_or("")
                .to_string();
            let decoded = decode(&seg);
            if e.name.is_empty() {
                e.name = decoded.clone();
            }
            // The href must name a child of this folder, by a plain name; the path the app
            // builds from it is our own encoding of that name.
            let parent = decode(path_of(&href).trim_end_matches('/'))
                .rsplit_once('/')
                .map(|(p, _)| p.to_string())
                .unwrap_or_default();
            e.problem = match crate::name_problem(&decoded) {
                Some(why) => Some(why.to_string()),
                None if parent != own => Some(text::outside_folder().into()),
                None => None,
            };
            e.href_name = encode(&decoded);
            e
        })
        .collect();
    out.sort_by(|a, b| {
        b.folder
            .cmp(&a.folder)
            .then_with(|| a.name.to_lowercase().cmp(&b.name.to_lowercase()))
    });
    Ok(out)
}

fn parse_multistatus(xml: &[u8]) -> Result<Vec<(String, Entry)>, String> {
    let mut reader = Reader::from_reader(xml);
    let mut buf = Vec::new();
    let mut out = Vec::new();
    let mut current: Option<(String, Entry)> = None;
    let mut field = String::new();
    let mut text = String::new();
    loop {
        let ev = reader
            .read_event_into(&mut buf)
            .map_err(|e| text::not_xml(&e.to_string()))?;
        match ev {
            Event::Start(e) => {
                let name = String::from_utf8_lossy(e.local_name().as_ref()).into_owned();
                if name == "response" {
                    current = Some((
                        String::new(),
                        Entry {
                            name: String::new(),
                            href_name: String::new(),
                            folder: false,
                            size: 0,
                            modified: None,
                            problem: None,
                        },
                    ));
                }
                field = name;
                text.clear();
            }
            Event::Empty(e) => {
                if e.local_name().as_ref() == b"collection"
                    && let Some((_, entry)) = current.as_mut()
                {
                    entry.folder = true;
                }
            }
            Event::Text(t) => text.push_str(&t.xml_content().map_err(|e| e.to_string())?),
            Event::GeneralRef(r) => {
                if let Some(c) = r.resolve_char_ref().ok().flatten() {
                    text.push(c);
                } else {
                    text.push_str(match r.as_ref() {
                        b"amp" => "&",
                        b"lt" => "<",
                        b"gt" => ">",
                        b"quot" => "\"",
                        b"apos" => "'",
                        _ => "",
                    });
                }
            }
            Event::End(e) => {
                let name = e.local_name();
                if let Some((href, entry)) = current.as_mut() {
                    match (name.as_ref(), field.as_str()) {
                        (b"href", _) => *href = text.trim().to_string(),
                        (b"displayname", _) => entry.name = text.trim().to_string(),
                        (b"getcontentlength", _) => entry.size = text.trim().parse().unwrap_or(0),
                        (b"getlastmodified", _) => entry.modified = crate::format::date(&text),
                        _ => {}
                    }
                }
                if name.as_ref() == b"response"
                    && let Some(done) = current.take()
                {
                    out.push(done);
                }
                text.clear();
            }
            Event::Eof => break,
            _ => {}
        }
        buf.clear();
    }
    Ok(out)
}

/// The file, downloaded into a new document of the container.
pub fn download(
    url: &str,
    name: &str,
    limit: u64,
) -> Result<kapsel_sdk::documents::Document, String> {
    let words = crate::fetch::Words {
        refused: &status_message,
        refused_send: &|e| refused_send(url, e),
    };
    crate::fetch::download(url, name, limit, &[], &words)
}
