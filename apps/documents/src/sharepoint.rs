//! SharePoint (REST API) as a document library: the site's document libraries, folders and
//! files with server-side paging, search, and download — in both JSON shapes SharePoint
//! speaks (`odata=nometadata` and `odata=verbose`). Paths go through
//! `GetFolderByServerRelativePath(decodedurl='…')`, which (unlike the older …Url form)
//! carries `%` and `#`; quotes are doubled as OData requires. The host adds the user's
//! credentials (Bearer for SharePoint Online); the app never sees them.

use serde_json::Value;

use kapsel_sdk::http;

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
    pub modified: Option<String>,
    /// Why this entry is shown but not followed.
    pub problem: Option<String>,
}

/// An entry of `folder` called `name`: its path is ours (`folder/name`), and it is only
/// followed when the name is a plain name and the server's own URL for it agrees.
fn entry(folder: &str, name: String, server_url: &str, folder_kind: bool) -> Entry {
    let path = format!("{}/{name}", folder.trim_end_matches('/'));
    let problem = match crate::name_problem(&name) {
        Some(why) => Some(why.to_string()),
        None if server_url != path => {
            Some(format!("the server places it elsewhere ({server_url})"))
        }
        None => None,
    };
    Entry {
        name,
        path,
        folder: folder_kind,
        size: 0,
        modified: None,
        problem,
    }
}

/// Pages followed at most per folder (100 entries a page by default).
const MAX_PAGES: usize = 100;

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

fn literal(path: &str) -> String {
    encode(&path.replace('\'', "''"))
}

fn error_text(body: &[u8]) -> Option<String> {
    let v: Value = serde_json::from_slice(body).ok()?;
    let e = v.get("odata.error").or_else(|| v.get("error"))?;
    e["message"]["value"].as_str().map(str::to_string)
}

fn status_message(status: u16, body: &[u8]) -> String {
    let detail = error_text(body)
        .map(|t| format!(": {t}"))
        .unwrap_or_default();
    match status {
        401 => format!(
            "sign-in required: the tenant has no credentials for this site (HTTP 401){detail}"
        ),
        403 => format!("access denied: your account may not open this (HTTP 403){detail}"),
        404 => format!("not found (HTTP 404){detail}"),
        s => format!("the server answered HTTP {s}{detail}"),
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

    fn get(&self, url: &str) -> Result<http::Response, String> {
        let accept = if self.verbose {
            "application/json;odata=verbose"
        } else {
            "application/json;odata=nometadata"
        };
        let resp = http::Request::get(url)
            .header("Accept", accept)
            .send()
            .map_err(|e| {
                format!(
                    "cannot reach the site: {}",
                    kapsel_sdk::error::message(&kapsel_sdk::AppError::from(e))
                )
            })?;
        if resp.status() != 200 {
            return Err(status_message(resp.status(), resp.body()));
        }
        Ok(resp)
    }

    fn get_json(&self, url: &str) -> Result<Value, String> {
        let resp = self.get(url)?;
        serde_json::from_slice(resp.body())
            .map_err(|e| format!("the site's answer is not JSON: {e}"))
    }

    fn paged(&self, first: String) -> Result<Vec<Value>, String> {
        let mut all = Vec::new();
        let mut next = Some(first);
        for _ in 0..MAX_PAGES {
            let Some(url) = next.take() else { break };
            let (items, more) = results(&self.get_json(&url)?);
            all.extend(items);
            next = more;
        }
        Ok(all)
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

    /// Document libraries: (title, server-relative URL).
    pub fn libraries(&self) -> Result<Vec<(String, String)>, String> {
        let url = format!(
            "{}/_api/web/lists?$filter={}&$expand=RootFolder",
            self.base,
            encode("BaseTemplate eq 101 and Hidden eq false")
        );
        Ok(self
            .paged(url)?
            .iter()
            .filter_map(|l| {
                Some((
                    l["Title"].as_str()?.to_string(),
                    l["RootFolder"]["ServerRelativeUrl"].as_str()?.to_string(),
                ))
            })
            .collect())
    }

    pub fn list(&self, folder: &str, library_root: bool) -> Result<Vec<Entry>, String> {
        let api = format!(
            "{}/_api/web/GetFolderByServerRelativePath(decodedurl='{}')",
            self.base,
            literal(folder)
        );
        let mut out = Vec::new();
        for f in self.paged(format!("{api}/Folders"))? {
            let name = f["Name"].as_str().unwrap_or("").to_string();
            // Every library has a hidden Forms folder; it is not for people.
            if library_root && name == "Forms" {
                continue;
            }
            let server_url = f["ServerRelativeUrl"].as_str().unwrap_or("");
            out.push(entry(folder, name, server_url, true));
        }
        for f in self.paged(format!("{api}/Files"))? {
            // Length is a string in SharePoint's JSON (it is an Int64).
            let size = match &f["Length"] {
                Value::String(s) => s.parse().unwrap_or(0),
                v => v.as_u64().unwrap_or(0),
            };
            let name = f["Name"].as_str().unwrap_or("").to_string();
            let server_url = f["ServerRelativeUrl"].as_str().unwrap_or("");
            let mut e = entry(folder, name, server_url, false);
            e.size = size;
            e.modified = f["TimeLastModified"].as_str().map(str::to_string);
            out.push(e);
        }
        Ok(out)
    }

    pub fn download(&self, file: &str) -> Result<Vec<u8>, String> {
        let url = format!(
            "{}/_api/web/GetFileByServerRelativePath(decodedurl='{}')/$value",
            self.base,
            literal(file)
        );
        Ok(self.get(&url)?.into_body())
    }

    /// (title, server-relative path, size) of files matching `text`.
    pub fn search(&self, text: &str) -> Result<Vec<(String, String, u64)>, String> {
        let url = format!(
            "{}/_api/search/query?querytext='{}'&selectproperties='Title,Path,Size,LastModifiedTime'&rowlimit=50&startrow=0",
            self.base,
            literal(text)
        );
        let v = self.get_json(&url)?;
        let relevant =
            v.get("d").map_or(&v, |d| &d["query"])["PrimaryQueryResult"]["RelevantResults"].clone();
        let rows = relevant["Table"]["Rows"]
            .as_array()
            .cloned()
            .or_else(|| relevant["Table"]["Rows"]["results"].as_array().cloned())
            .unwrap_or_default();
        let mut out = Vec::new();
        for row in rows {
            let cells = row["Cells"]
                .as_array()
                .cloned()
                .or_else(|| row["Cells"]["results"].as_array().cloned())
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
            out.push((cell("Title"), path, cell("Size").parse().unwrap_or(0)));
        }
        Ok(out)
    }
}
