//! SharePoint (REST API) as a document library: the site's document libraries, folders and
//! files one page at a time, search one page at a time, and download — in both JSON shapes
//! SharePoint speaks (`odata=nometadata` and `odata=verbose`). Paths go through
//! `GetFolderByServerRelativePath(decodedurl='…')`, which (unlike the older …Url form)
//! carries `%` and `#`; quotes are doubled as OData requires. The host adds the user's
//! credentials (Bearer for SharePoint Online); the app never sees them.
//!
//! Paging follows the REST API: `$top` and `$orderby` on the request, and the server's next
//! link (`odata.nextLink` / `d.__next`) carries a `$skiptoken` naming the last row. Only that
//! token is taken from the link — the next request is built here, so a next link pointing
//! elsewhere leads nowhere. A page is fetched when the user asks for it, so a folder of any
//! size opens with at most three requests (its item count, its subfolders, its first files).

use serde_json::Value;

use kapsel_sdk::http;

use crate::format::{self, Sort, Stamp};
use crate::text;

pub struct Site {
    pub base: String,
    pub verbose: bool,
}

pub struct Entry {
    pub name: String,
    /// The folder's path plus the name — built here, never taken from the server.
    pub path: String,
    pub folder: bool,
    pub size: u64,
    pub modified: Option<Stamp>,
    /// Entries in a folder (SharePoint's ItemCount).
    pub count: Option<u64>,
    /// Why this entry is shown but not followed.
    pub problem: Option<String>,
}

/// An entry of `folder` called `name`: its path is ours (`folder/name`), and it is only
/// followed when the name is a plain name and the server's own URL for it agrees.
fn entry(folder: &str, name: String, server_url: &str, folder_kind: bool) -> Entry {
    let path = format!("{}/{name}", folder.trim_end_matches('/'));
    let problem = match crate::name_problem(&name) {
        Some(why) => Some(why.to_string()),
        None if server_url != path => Some(text::placed_elsewhere(server_url)),
        None => None,
    };
    Entry {
        name,
        path,
        folder: folder_kind,
        size: 0,
        modified: None,
        count: None,
        problem,
    }
}

/// Entries asked for per page.
pub const PAGE: usize = 500;
/// Search results asked for per page (SharePoint answers at most 500).
pub const SEARCH_PAGE: usize = 50;
/// Pages of libraries followed at most (a site has a handful).
const MAX_LIBRARY_PAGES: usize = 10;

/// Which collection a page comes from: a folder lists its subfolders, then its files.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Phase {
    Folders,
    Files,
}

/// Where a page starts: carried in the view's actions as `sort:phase:shown:total:token`.
pub struct Cursor {
    pub sort: Sort,
    pub phase: Phase,
    /// Entries shown on the pages before this one.
    pub shown: usize,
    /// The folder's item count, when the server told us.
    pub total: Option<u64>,
    /// The `$skiptoken` of this page (empty: the collection's first page).
    pub token: String,
}

impl Cursor {
    pub fn first(sort: Sort) -> Cursor {
        Cursor {
            sort,
            phase: Phase::Folders,
            shown: 0,
            total: None,
            token: String::new(),
        }
    }

    pub fn encode(&self) -> String {
        format!(
            "{}:{}:{}:{}:{}",
            self.sort.key(),
            if self.phase == Phase::Folders {
                "d"
            } else {
                "f"
            },
            self.shown,
            self.total.map_or("-".to_string(), |t| t.to_string()),
            encode_all(&self.token)
        )
    }

    /// The cursor and the rest of the action (the folder's path).
    pub fn parse(s: &str) -> Option<(Cursor, &str)> {
        let mut it = s.splitn(6, ':');
        let sort = Sort::parse(it.next()?);
        let phase = match it.next()? {
            "d" => Phase::Folders,
            "f" => Phase::Files,
            _ => return None,
        };
        let shown = it.next()?.parse().ok()?;
        let total = match it.next()? {
            "-" => None,
            t => Some(t.parse().ok()?),
        };
        let token = crate::webdav::decode(it.next()?);
        let rest = it.next()?;
        Some((
            Cursor {
                sort,
                phase,
                shown,
                total,
                token,
            },
            rest,
        ))
    }
}

pub struct Page {
    pub entries: Vec<Entry>,
    pub next: Option<Cursor>,
}

pub struct Hit {
    pub title: String,
    /// Server-relative path, decoded.
    pub path: String,
    pub size: u64,
    pub modified: Option<Stamp>,
}

pub struct Hits {
    /// What the server says matches in all.
    pub total: u64,
    pub rows: Vec<Hit>,
}

fn encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len() * 3);
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~/".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// Every byte but unreserved ones encoded (also `/` and `:`): for values inside an action.
fn encode_all(s: &str) -> String {
    encode(s).replace('/', "%2F")
}

fn literal(path: &str) -> String {
    encode(&path.replace('\'', "''"))
}

fn error_text(body: &[u8]) -> Option<String> {
    let v: Value = serde_json::from_slice(body).ok()?;
    if let Some(d) = v["error_description"].as_str() {
        return Some(d.to_string());
    }
    let e = v.get("odata.error").or_else(|| v.get("error"))?;
    e["message"]["value"].as_str().map(str::to_string)
}

/// A server text cut to a sane length for one line of a message.
fn short(s: &str) -> String {
    let mut out: String = s.chars().take(200).collect();
    if s.chars().count() > 200 {
        out.push('…');
    }
    out
}

/// Did the server turn down a credential that was sent (rather than see none)? SharePoint
/// Online says why in `x-ms-diagnostics` and `error_description`; RFC 6750 has the Bearer
/// challenge carry `error="invalid_token"` only when a token came with the request.
fn rejection(resp: &http::Response) -> Option<String> {
    let diag = resp.header("x-ms-diagnostics").map(|d| {
        d.split_once("reason=\"")
            .and_then(|(_, r)| r.split_once('"'))
            .map_or(d, |(r, _)| r)
            .to_string()
    });
    let invalid = resp
        .header("www-authenticate")
        .is_some_and(|c| c.contains("error=\"invalid_token\""));
    let described = error_text(resp.body());
    if diag.is_none() && !invalid && described.is_none() {
        return None;
    }
    Some(short(
        &described
            .or(diag)
            .unwrap_or_else(|| text::invalid_token().to_string()),
    ))
}

impl Site {
    /// `sharepoint:<site URL>[;odata=verbose]`
    pub fn parse(setting: &str) -> Option<Site> {
        let rest = setting.strip_prefix("sharepoint:")?;
        let (url, opts) = rest.split_once(';').unwrap_or((rest, ""));
        Some(Site {
            base: url.trim_end_matches('/').to_string(),
            verbose: opts.contains("odata=verbose"),
        })
    }

    /// `https://host[:port]`: what `kapsel credential set` takes.
    pub fn origin(&self) -> String {
        let (scheme, rest) = self.base.split_once("://").unwrap_or(("https", &self.base));
        let host = rest.split('/').next().unwrap_or(rest);
        format!("{scheme}://{host}")
    }

    fn status_message(&self, resp: &http::Response) -> String {
        let status = resp.status();
        let detail = error_text(resp.body())
            .map(|t| format!(": {}", short(&t)))
            .unwrap_or_default();
        match status {
            401 => match (rejection(resp), crate::signin(resp.final_url())) {
                (Some(why), _) => text::site_rejected(&why, &self.origin()),
                // The host sent a credential and the site says no reason: still a refusal.
                (None, Some(_)) => text::site_rejected(text::no_reason(), &self.origin()),
                (None, None) => text::site_without_credential(&self.origin()),
            },
            403 => text::access_denied(&detail),
            404 => text::not_found(&detail),
            s => text::server_status(s, &detail),
        }
    }

    /// A request the host would not send because the tenant grants a token for this site
    /// and none is stored.
    fn token_missing(&self, e: &http::HttpError) -> Option<String> {
        match e {
            http::HttpError::Denied(m)
                if crate::signin(&self.base) == Some(crate::SignIn::Bearer) =>
            {
                Some(text::no_token_stored(Some(m), &self.origin()))
            }
            _ => None,
        }
    }

    fn unreachable(&self, e: http::HttpError) -> String {
        self.token_missing(&e)
            .unwrap_or_else(|| text::cannot_reach_site(&text::http_error(&e)))
    }

    fn get(&self, url: &str) -> Result<http::Response, String> {
        let accept = if self.verbose {
            "application/json;odata=verbose"
        } else {
            "application/json;odata=nometadata"
        };
        let resp = http::Request::get(url)
            .header("Accept", accept)
            .send()
            .map_err(|e| self.unreachable(e))?;
        if resp.status() != 200 {
            return Err(self.status_message(&resp));
        }
        Ok(resp)
    }

    fn get_json(&self, url: &str) -> Result<Value, String> {
        let resp = self.get(url)?;
        serde_json::from_slice(resp.body()).map_err(|e| text::not_json(&e.to_string()))
    }

    /// The site's server-relative path (`/sites/team`).
    pub fn server_relative_base(&self) -> String {
        let after = self
            .base
            .split_once("://")
            .map_or(self.base.as_str(), |(_, r)| r);
        after
            .find('/')
            .map_or(String::new(), |i| crate::webdav::decode(&after[i..]))
    }

    /// A library's root folder lies directly below the site (`/sites/team/Shared Documents`).
    pub fn is_library_root(&self, folder: &str) -> bool {
        folder
            .trim_end_matches('/')
            .rsplit_once('/')
            .is_some_and(|(parent, _)| parent == self.server_relative_base())
    }

    /// Document libraries: (title, server-relative URL).
    pub fn libraries(&self) -> Result<Vec<(String, String)>, String> {
        let mut url = Some(format!(
            "{}/_api/web/lists?$filter={}&$expand=RootFolder",
            self.base,
            encode("BaseTemplate eq 101 and Hidden eq false")
        ));
        let mut out: Vec<(String, String)> = Vec::new();
        let mut links = Vec::new();
        for _ in 0..MAX_LIBRARY_PAGES {
            let Some(u) = url.take() else { break };
            let (items, next) = results(&self.get_json(&u)?);
            for l in &items {
                let (Some(title), Some(folder)) = (
                    l["Title"].as_str(),
                    l["RootFolder"]["ServerRelativeUrl"].as_str(),
                ) else {
                    continue;
                };
                // A server that hands out a page again lists a library once.
                if !out.iter().any(|(_, f)| f == folder) {
                    out.push((title.to_string(), folder.to_string()));
                }
            }
            url = match next {
                None => None,
                // The same next link again: a paging loop, not more libraries.
                Some(link) if links.contains(&link) => None,
                Some(link) => {
                    let next = format!(
                        "{}/_api/web/lists?$filter={}&$expand=RootFolder&$skiptoken={}",
                        self.base,
                        encode("BaseTemplate eq 101 and Hidden eq false"),
                        encode_all(&skiptoken(&link)?)
                    );
                    links.push(link);
                    Some(next)
                }
            };
        }
        Ok(out)
    }

    fn folder_api(&self, folder: &str) -> String {
        format!(
            "{}/_api/web/GetFolderByServerRelativePath(decodedurl='{}')",
            self.base,
            literal(folder)
        )
    }

    /// The folder's item count (files and folders), one small request.
    pub fn item_count(&self, folder: &str) -> Option<u64> {
        let v = self
            .get_json(&format!("{}?$select=ItemCount", self.folder_api(folder)))
            .ok()?;
        let v = v.get("d").unwrap_or(&v);
        number(&v["ItemCount"])
    }

    /// One page of `folder` from `at`: subfolders first, then files.
    pub fn page(&self, folder: &str, at: &Cursor) -> Result<Page, String> {
        let api = self.folder_api(folder);
        let root = self.is_library_root(folder);
        let mut entries = Vec::new();
        let mut token = at.token.clone();
        if at.phase == Phase::Folders {
            let order = if at.sort == Sort::Date {
                "TimeLastModified desc"
            } else {
                "Name asc"
            };
            let (items, next) =
                results(&self.get_json(&collection(&api, "Folders", order, PAGE, &token))?);
            for f in items {
                let name = f["Name"].as_str().unwrap_or("").to_string();
                // Every library has a hidden Forms folder; it is not for people.
                if root && name == "Forms" {
                    continue;
                }
                let server_url = f["ServerRelativeUrl"].as_str().unwrap_or("");
                let mut e = entry(folder, name, server_url, true);
                e.count = number(&f["ItemCount"]);
                e.modified = f["TimeLastModified"].as_str().and_then(format::date);
                entries.push(e);
            }
            if let Some(link) = next {
                let shown = at.shown + entries.len();
                return Ok(Page {
                    entries,
                    next: Some(Cursor {
                        sort: at.sort,
                        phase: Phase::Folders,
                        shown,
                        total: at.total,
                        token: skiptoken(&link)?,
                    }),
                });
            }
            token.clear();
        }
        let order = match at.sort {
            Sort::Name => "Name asc",
            Sort::Date => "TimeLastModified desc",
            Sort::Size => "Length desc",
        };
        let (items, next) =
            results(&self.get_json(&collection(&api, "Files", order, PAGE, &token))?);
        for f in items {
            let name = f["Name"].as_str().unwrap_or("").to_string();
            let server_url = f["ServerRelativeUrl"].as_str().unwrap_or("");
            let mut e = entry(folder, name, server_url, false);
            // Length is a string in SharePoint's JSON (it is an Int64).
            e.size = number(&f["Length"]).unwrap_or(0);
            e.modified = f["TimeLastModified"].as_str().and_then(format::date);
            entries.push(e);
        }
        let next = match next {
            None => None,
            Some(link) => Some(Cursor {
                sort: at.sort,
                phase: Phase::Files,
                shown: at.shown + entries.len(),
                total: at.total,
                token: skiptoken(&link)?,
            }),
        };
        Ok(Page { entries, next })
    }

    /// The file, downloaded into a new document of the container.
    pub fn download(
        &self,
        file: &str,
        limit: u64,
    ) -> Result<kapsel_sdk::documents::Document, String> {
        let url = format!(
            "{}/_api/web/GetFileByServerRelativePath(decodedurl='{}')/$value",
            self.base,
            literal(file)
        );
        let name = file.rsplit('/').next().unwrap_or(file);
        let words = crate::fetch::Words {
            refused: &|r| self.status_message(r),
            refused_send: &|e| self.token_missing(e),
        };
        crate::fetch::download(&url, name, limit, &[], &words)
    }

    /// One page of files matching `text`, from result `start` (0-based).
    pub fn search(&self, text: &str, start: usize) -> Result<Hits, String> {
        let url = format!(
            "{}/_api/search/query?querytext='{}'&selectproperties='Title,Path,Size,LastModifiedTime'&rowlimit={SEARCH_PAGE}&startrow={start}",
            self.base,
            literal(text)
        );
        let v = self.get_json(&url)?;
        let relevant =
            &v.get("d").map_or(&v, |d| &d["query"])["PrimaryQueryResult"]["RelevantResults"];
        let rows = relevant["Table"]["Rows"]
            .as_array()
            .or_else(|| relevant["Table"]["Rows"]["results"].as_array())
            .cloned()
            .unwrap_or_default();
        let mut out = Vec::new();
        for row in rows {
            let cells = row["Cells"]
                .as_array()
                .or_else(|| row["Cells"]["results"].as_array())
                .cloned()
                .unwrap_or_default();
            let cell = |k: &str| {
                cells
                    .iter()
                    .find(|c| c["Key"] == k)
                    .and_then(|c| c["Value"].as_str())
                    .unwrap_or("")
                    .to_string()
            };
            let path_url = cell("Path");
            let path = path_url
                .split_once("://")
                .and_then(|(_, r)| r.find('/').map(|i| crate::webdav::decode(&r[i..])))
                .unwrap_or_default();
            out.push(Hit {
                title: cell("Title"),
                path,
                size: cell("Size").parse().unwrap_or(0),
                modified: format::date(&cell("LastModifiedTime")),
            });
        }
        let total = number(&relevant["TotalRows"]).unwrap_or((start + out.len()) as u64);
        Ok(Hits { total, rows: out })
    }
}

/// A number SharePoint sends as a JSON number or (Int64) as a string.
fn number(v: &Value) -> Option<u64> {
    match v {
        Value::String(s) => s.parse().ok(),
        v => v.as_u64(),
    }
}

fn collection(api: &str, what: &str, order: &str, top: usize, token: &str) -> String {
    let mut url = format!("{api}/{what}?$top={top}&$orderby={}", encode(order));
    if !token.is_empty() {
        url.push_str(&format!("&$skiptoken={}", encode_all(token)));
    }
    url
}

/// The `$skiptoken` of a next link; the rest of the link is not used.
fn skiptoken(link: &str) -> Result<String, String> {
    let query = link.split_once('?').map_or("", |(_, q)| q);
    let token = query.split('&').find_map(|kv| {
        let (k, v) = kv.split_once('=')?;
        (crate::webdav::decode(k) == "$skiptoken").then(|| crate::webdav::decode(v))
    });
    match token {
        Some(t) if !t.is_empty() && t.len() <= 2048 && !t.chars().any(char::is_control) => Ok(t),
        _ => Err(text::no_skiptoken().into()),
    }
}

/// The elements of `{"value": [...]}` or `{"d": {"results": [...]}}`, and the next page.
fn results(v: &Value) -> (Vec<Value>, Option<String>) {
    if let Some(d) = v.get("d") {
        let items = d["results"].as_array().cloned().unwrap_or_default();
        return (items, d["__next"].as_str().map(str::to_string));
    }
    let items = v["value"].as_array().cloned().unwrap_or_default();
    (items, v["odata.nextLink"].as_str().map(str::to_string))
}
