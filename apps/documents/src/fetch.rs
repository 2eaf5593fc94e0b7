//! Downloads into the container in ranged pieces (`Range: bytes=a-b`, RFC 9110 §14): one
//! answer of the http capability is capped by the tenant (8 MiB by default), so a larger file
//! is fetched piece by piece and each piece appended to a document writer as it arrives —
//! the app holds one piece, never the file. `If-Range` on the first piece's strong ETag makes
//! a file that changes half-way fail instead of being stitched from two versions; a failed
//! download drops its writer, which discards it. A file that fits in one answer is saved in
//! one call, and a server that ignores ranges still works for such files.

use kapsel_sdk::documents::{self, Document, Writer};
use kapsel_sdk::http::{self, HttpError, Response};

use crate::{format, text};

/// One piece: well under the host's default answer limit.
const CHUNK: u64 = 4 * 1024 * 1024;
/// The smallest piece we go down to when the tenant's answer limit is lower still.
const MIN_CHUNK: u64 = 64 * 1024;

fn request(
    url: &str,
    first: u64,
    last: u64,
    if_range: Option<&str>,
    headers: &[(&str, &str)],
) -> Result<Response, HttpError> {
    let mut req = http::Request::get(url).header("Range", format!("bytes={first}-{last}"));
    if let Some(tag) = if_range {
        req = req.header("If-Range", tag);
    }
    for (k, v) in headers {
        req = req.header(*k, *v);
    }
    req.send()
}

/// `bytes 0-4194303/52428800` → (0, 4194303, 52428800).
fn content_range(v: Option<&str>) -> Option<(u64, u64, u64)> {
    let rest = v?.trim().strip_prefix("bytes ")?;
    let (range, total) = rest.split_once('/')?;
    let (a, b) = range.split_once('-')?;
    let (a, b, total) = (a.parse().ok()?, b.parse().ok()?, total.parse().ok()?);
    (a <= b && b < total).then_some((a, b, total))
}

/// Why a piece could not be fetched; `refused_send` words an error of the host's own (such
/// as a missing token) the way the caller's backend explains it.
fn unreachable(e: HttpError, refused_send: &dyn Fn(&HttpError) -> Option<String>) -> String {
    match e {
        HttpError::TooLarge(n) => text::no_parts(n),
        e => refused_send(&e).unwrap_or_else(|| text::cannot_download(&text::http_error(&e))),
    }
}

/// How a backend words what went wrong: `refused` turns an answer that is not 200/206 into
/// the message shown, `refused_send` a request the host would not send (or `None` for the
/// general wording).
pub struct Words<'a> {
    pub refused: &'a dyn Fn(&Response) -> String,
    pub refused_send: &'a dyn Fn(&HttpError) -> Option<String>,
}

/// GET `url` into a new document called `name` (its type the server's, else the name's), in
/// pieces when the server offers ranges; `headers` are sent with every piece.
pub fn download(
    url: &str,
    name: &str,
    limit: u64,
    headers: &[(&str, &str)],
    words: &Words,
) -> Result<Document, String> {
    let refused = words.refused;
    let mut chunk = CHUNK;
    let first = loop {
        match request(url, 0, chunk - 1, None, headers) {
            Ok(r) => break r,
            // The tenant's answer limit is below our piece: take pieces of that size.
            Err(HttpError::TooLarge(n)) if n >= MIN_CHUNK && n < chunk => chunk = n,
            Err(e) => return Err(unreachable(e, words.refused_send)),
        }
    };
    let media = format::media_type(first.header("content-type"), name);
    let save =
        |data: &[u8]| documents::save(name, &media, data).map_err(|e| text::cannot_store(&e));
    match first.status() {
        200 => {
            // The server ignores ranges: the whole file came in this one answer.
            let data = first.into_body();
            if data.len() as u64 > limit {
                return Err(text::too_large(name, data.len() as u64, limit));
            }
            return save(&data);
        }
        206 => {}
        // An empty file has no byte 0 to ask for.
        416 if content_range(first.header("content-range")).is_none() => return save(&[]),
        _ => return Err(refused(&first)),
    }
    let Some((0, last, total)) = content_range(first.header("content-range")) else {
        return Err(text::wrong_part().into());
    };
    if total > limit {
        return Err(text::too_large(name, total, limit));
    }
    // Only a strong validator may be used with If-Range.
    let etag = first
        .header("etag")
        .filter(|t| t.starts_with('"') && t.len() < 256)
        .map(str::to_string);
    let body = first.into_body();
    if body.len() as u64 != last + 1 {
        return Err(text::wrong_length().into());
    }
    if body.len() as u64 == total {
        return save(&body);
    }
    let mut writer = Writer::create(name, &media).map_err(|e| text::cannot_store(&e))?;
    let mut written = append(&mut writer, &body)?;
    drop(body);
    while written < total {
        let at = written;
        let end = (at + chunk).min(total) - 1;
        let r = match request(url, at, end, etag.as_deref(), headers) {
            Ok(r) => r,
            // With If-Range a changed file comes back whole, which may be over the limit.
            Err(HttpError::TooLarge(_)) if etag.is_some() => {
                return Err(text::changed_while_downloading().into());
            }
            Err(e) => return Err(unreachable(e, words.refused_send)),
        };
        match r.status() {
            206 => {}
            200 => return Err(text::changed_while_downloading().into()),
            _ => return Err(refused(&r)),
        }
        match content_range(r.header("content-range")) {
            Some((a, b, t)) if a == at && b <= end && t == total => {
                let body = r.into_body();
                if body.len() as u64 != b - a + 1 {
                    return Err(text::wrong_length().into());
                }
                written = append(&mut writer, &body)?;
                if written != b + 1 {
                    return Err(text::wrong_length().into());
                }
            }
            _ => return Err(text::wrong_part().into()),
        }
    }
    writer.finish().map_err(|e| text::cannot_store(&e))
}

/// One piece onto the document; the size written so far.
fn append(writer: &mut Writer, piece: &[u8]) -> Result<u64, String> {
    writer.append(piece).map_err(|e| text::cannot_store(&e))
}
