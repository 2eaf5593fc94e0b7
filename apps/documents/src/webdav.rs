//! WebDAV (RFC 4918) as a document library: PROPFIND Depth 1 for a folder, GET for a file.
//! Names arrive percent-encoded in hrefs; they are decoded for display and kept encoded in
//! the paths the app builds, so spaces, quotes, %, #, and umlauts survive the round trip.

use quick_xml::Reader;
use quick_xml::events::Event;

use kapsel_sdk::http::{self, Method};

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

fn status_message(resp: &http::Response) -> String {
    match resp.status() {
        // A Bearer challenge says whether a token came and was turned down (RFC 6750 §3.1).
        401 if resp
            .header("www-authenticate")
            .is_some_and(|c| c.contains("error=\"invalid_token\"")) =>
        {
            let url = resp.final_url();
            let origin = url
                .split_once("://")
                .map_or(url.to_string(), |(scheme, rest)| {
                    format!("{scheme}://{}", rest.split('/').next().unwrap_or(rest))
                });
            format!(
                "the server rejected your credential (HTTP 401): the stored token is wrong or has expired; store a new one with: kapsel credential set {origin}"
            )
        }
        // Basic: the same 401 answers a wrong password and a missing one.
        401 => "the server refused the sign-in (HTTP 401): it rejected your account's user name and password, or the tenant has configured no credentials for this library".into(),
        403 => "access denied: your account may not open this folder (HTTP 403)".into(),
        404 => "not found: the folder or file no longer exists (HTTP 404)".into(),
        s => format!("the server answered HTTP {s}"),
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
            format!(
                "cannot reach the library: {}",
                kapsel_sdk::error::message(&kapsel_sdk::AppError::from(e))
            )
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
                None if parent != own => Some("the server places it outside this folder".into()),
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
            .map_err(|e| format!("the server's answer is not valid XML: {e}"))?;
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

/// The file's bytes and media type (the server's, else the name's).
pub fn download(url: &str, name: &str, limit: u64) -> Result<(Vec<u8>, String), String> {
    let got = crate::fetch::download(url, name, limit, &[], &status_message)?;
    let media = crate::format::media_type(got.content_type.as_deref(), name);
    Ok((got.data, media))
}
