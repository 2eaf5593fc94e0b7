//! Document libraries: the tenant names them in the app's settings
//! (`"library:<name>" = "webdav:<folder URL>"`); the app lists folders with PROPFIND and
//! downloads a file into the container (documents capability) for the viewer to open. The
//! host adds the user's credentials; the app never sees them. Nothing is ever written
//! outside the container. HTTP errors become a clear message in the view.
//!
//! SharePoint sites (`"library:<name>" = "sharepoint:<site URL>[;odata=verbose]"`) are the
//! second backend: libraries, folders, files with paging, search, download.

mod sharepoint;
mod webdav;

use kapsel_sdk::prelude::*;

/// Largest file downloaded into the container.
const MAX_FILE: usize = 32 * 1024 * 1024;

/// Why a name a server gave us cannot be followed: names are data, and a separator or a dot
/// segment in one would make the next request (which carries the user's credentials) go
/// somewhere else on the server.
pub(crate) fn name_problem(name: &str) -> Option<&'static str> {
    if name.is_empty() || name == "." || name == ".." {
        return Some("it is empty or a dot segment");
    }
    if name.contains('/') || name.contains('\\') {
        return Some("it contains a path separator");
    }
    if name.chars().any(char::is_control) {
        return Some("it contains control characters");
    }
    None
}

/// An entry that is shown but not followed, with the reason.
fn unfollowed(view: View, name: &str, why: &str) -> View {
    view.item(Item::new(name.to_string()).subtitle(format!("⚠ not opened: {why}")))
}

struct Documents;

struct Library {
    name: String,
    url: String,
}

fn settings() -> Vec<(String, String)> {
    config::keys()
        .into_iter()
        .filter_map(|k| Some((k.strip_prefix("library:")?.to_string(), config::get(&k)?)))
        .collect()
}

fn libraries() -> Vec<Library> {
    settings()
        .into_iter()
        .filter_map(|(name, v)| {
            Some(Library {
                name,
                url: v.strip_prefix("webdav:")?.to_string(),
            })
        })
        .collect()
}

fn library(name: &str) -> Result<Library, AppError> {
    libraries()
        .into_iter()
        .find(|l| l.name == name)
        .ok_or_else(|| not_found(format!("library {name}")))
}

fn site(name: &str) -> Result<sharepoint::Site, AppError> {
    settings()
        .into_iter()
        .find(|(n, _)| n == name)
        .and_then(|(_, v)| sharepoint::Site::parse(&v))
        .ok_or_else(|| not_found(format!("SharePoint site {name}")))
}

fn sp_listing(name: &str, path: &str) -> Result<View, AppError> {
    let site = site(name)?;
    let shown = path.split_once(':').map_or(path, |(_, p)| p);
    let mut view = View::new(if shown.is_empty() {
        name.to_string()
    } else {
        format!("{name}: {shown}")
    });
    if path.is_empty() {
        return Ok(match site.libraries() {
            Err(msg) => view.notice(Level::Error, msg),
            Ok(libs) => view.extend(libs, |v, (title, url)| {
                v.item(
                    Item::new(title)
                        .subtitle(url.clone())
                        .action(format!("sp:{name}:root:{url}")),
                )
            }),
        }
        .field("q", "Search", FieldKind::Text, "")
        .button("Search", format!("sp:{name}:search:")));
    }
    let (kind, folder) = path.split_once(':').unwrap_or(("dir", path));
    let entries = match site.list(folder, kind == "root") {
        Ok(e) => e,
        Err(msg) => return Ok(view.notice(Level::Error, msg).button("Back", "home")),
    };
    view = view.text(format!("{} entries", entries.len()));
    let odd = entries.iter().filter(|e| e.problem.is_some()).count();
    if odd > 0 {
        view = view.notice(
            Level::Warning,
            format!("{odd} entries have names that are not plain file names: they are shown, not opened."),
        );
    }
    for e in entries.iter().take(PAGE) {
        if let Some(why) = &e.problem {
            view = unfollowed(view, &e.name, why);
            continue;
        }
        view = if e.folder {
            view.item(Item::new(format!("{}/", e.name)).action(format!("sp:{name}:dir:{}", e.path)))
        } else {
            let sub = format!(
                "{} bytes{}",
                e.size,
                e.modified
                    .as_ref()
                    .map(|m| format!(" · {m}"))
                    .unwrap_or_default()
            );
            view.item(
                Item::new(e.name.clone())
                    .subtitle(sub)
                    .action(format!("sp:{name}:file:{}", e.path)),
            )
        };
    }
    if entries.len() > PAGE {
        view = view.notice(
            Level::Info,
            format!(
                "Showing the first {PAGE} of {} entries; use the search to find the rest.",
                entries.len()
            ),
        );
    }
    Ok(view)
}

fn keep(name: &str, bytes: Vec<u8>, media: &str) -> Result<View, AppError> {
    let doc = documents::save(name, media, &bytes).map_err(failed)?;
    log::info(&format!(
        "downloaded {name} ({} bytes) into the container",
        doc.size
    ));
    documents::open(&doc.id).map_err(failed)?;
    Ok(View::new(name).notice(
        Level::Info,
        format!(
            "Downloaded into the container as document {} ({} bytes).",
            doc.id, doc.size
        ),
    ))
}

/// Entries shown per page: views stay well inside the host's limits even for huge folders.
const PAGE: usize = 1000;

fn page_buttons(view: View, total: usize, offset: usize, more: impl Fn(usize) -> String) -> View {
    let mut view = view;
    if offset + PAGE < total {
        view = view.button(
            format!("Next {} entries", PAGE.min(total - offset - PAGE)),
            more(offset + PAGE),
        );
    }
    if offset > 0 {
        view = view.button("Previous entries", more(offset.saturating_sub(PAGE)));
    }
    view
}

fn listing(lib: &Library, path: &str) -> Result<View, AppError> {
    listing_at(lib, path, 0)
}

fn listing_at(lib: &Library, path: &str, offset: usize) -> Result<View, AppError> {
    let url = webdav::join(&lib.url, path);
    let mut view = View::new(format!("{} / {}", lib.name, webdav::decode(path)));
    let entries = match webdav::list(&url) {
        Ok(e) => e,
        Err(msg) => return Ok(view.notice(Level::Error, msg).button("Back", "home")),
    };
    if !path.is_empty() {
        let parent = path
            .trim_end_matches('/')
            .rsplit_once('/')
            .map_or("", |(p, _)| p);
        view = view.item(Item::new("..").action(format!(
            "dir:{}:{}",
            lib.name,
            if parent.is_empty() {
                String::new()
            } else {
                format!("{parent}/")
            }
        )));
    }
    view = view.text(format!("{} entries", entries.len()));
    if entries.len() > PAGE {
        view = view.text(format!(
            "showing {}–{}",
            offset + 1,
            (offset + PAGE).min(entries.len())
        ));
    }
    let total = entries.len();
    let odd = entries.iter().filter(|e| e.problem.is_some()).count();
    if odd > 0 {
        view = view.notice(
            Level::Warning,
            format!("{odd} entries have names that are not plain file names: they are shown, not opened."),
        );
    }
    for e in entries.iter().skip(offset).take(PAGE) {
        if let Some(why) = &e.problem {
            view = unfollowed(view, &e.name, why);
            continue;
        }
        let rel = format!("{path}{}", e.href_name);
        if e.folder {
            view = view
                .item(Item::new(format!("{}/", e.name)).action(format!("dir:{}:{rel}/", lib.name)));
        } else {
            let sub = format!(
                "{} bytes{}",
                e.size,
                e.modified
                    .as_ref()
                    .map(|m| format!(" · {m}"))
                    .unwrap_or_default()
            );
            view = view.item(
                Item::new(e.name.clone())
                    .subtitle(sub)
                    .action(format!("open:{}:{rel}", lib.name)),
            );
        }
    }
    Ok(page_buttons(view, total, offset, |o| {
        format!("more:{o}:{}:{path}", lib.name)
    }))
}

impl App for Documents {
    fn view(_route: &str) -> Result<View, AppError> {
        let libs = libraries();
        if settings().is_empty() {
            return Ok(View::new("Documents").notice(
                Level::Info,
                "The tenant has not configured any document library.",
            ));
        }
        let sites: Vec<(String, String)> = settings()
            .into_iter()
            .filter(|(_, v)| v.starts_with("sharepoint:"))
            .collect();
        Ok(View::new("Documents")
            .extend(libs, |v, l| {
                v.item(
                    Item::new(l.name.clone())
                        .subtitle(l.url.clone())
                        .action(format!("dir:{}:", l.name)),
                )
            })
            .extend(sites, |v, (n, url)| {
                v.item(
                    Item::new(n.clone())
                        .subtitle(url.clone())
                        .action(format!("sp:{n}:")),
                )
            }))
    }

    fn act(action: &str, form: &Form) -> Result<View, AppError> {
        if action == "home" {
            return Self::view("");
        }
        if let Some(rest) = action.strip_prefix("sp:") {
            let (name, what) = rest
                .split_once(':')
                .ok_or_else(|| invalid("bad SharePoint action"))?;
            if let Some(file) = what.strip_prefix("file:") {
                let file_name = file.rsplit('/').next().unwrap_or(file).to_string();
                return match site(name)?.download(file) {
                    Ok(bytes) => keep(&file_name, bytes, "application/octet-stream"),
                    Err(msg) => Ok(View::new(file_name).notice(Level::Error, msg)),
                };
            }
            if what.starts_with("search:") {
                let q = form.require("q")?;
                let hits = match site(name)?.search(q) {
                    Ok(h) => h,
                    Err(msg) => return Ok(View::new("Search").notice(Level::Error, msg)),
                };
                let site_path = site(name)?.server_relative_base();
                return Ok(View::new(format!("Search: {q}"))
                    .text(format!("{} results", hits.len()))
                    .extend(hits, |v, (title, path, size)| {
                        let inside = path.starts_with(&format!("{site_path}/"))
                            && !path.split('/').any(|s| s == ".." || s == ".");
                        if !inside {
                            return unfollowed(v, &title, "the result lies outside this site");
                        }
                        v.item(
                            Item::new(title)
                                .subtitle(format!("{path} · {size} bytes"))
                                .action(format!("sp:{name}:file:{path}")),
                        )
                    }));
            }
            return sp_listing(name, what);
        }
        if let Some(rest) = action.strip_prefix("more:") {
            let (offset, rest) = rest
                .split_once(':')
                .ok_or_else(|| invalid("bad page action"))?;
            let (name, path) = rest
                .split_once(':')
                .ok_or_else(|| invalid("bad page action"))?;
            return listing_at(
                &library(name)?,
                path,
                offset.parse().map_err(|_| invalid("bad page offset"))?,
            );
        }
        if let Some(rest) = action.strip_prefix("dir:") {
            let (name, path) = rest
                .split_once(':')
                .ok_or_else(|| invalid("bad folder action"))?;
            return listing(&library(name)?, path);
        }
        if let Some(rest) = action.strip_prefix("open:") {
            let (name, path) = rest
                .split_once(':')
                .ok_or_else(|| invalid("bad open action"))?;
            let lib = library(name)?;
            let url = webdav::join(&lib.url, path);
            let file_name = webdav::decode(path.rsplit('/').next().unwrap_or(path));
            let view = View::new(file_name.clone());
            let (bytes, media) = match webdav::download(&url, MAX_FILE) {
                Ok(x) => x,
                Err(msg) => return Ok(view.notice(Level::Error, msg)),
            };
            let _ = view;
            return keep(&file_name, bytes, &media).map(|v| {
                v.button(
                    "Back to the folder",
                    format!(
                        "dir:{name}:{}",
                        path.rsplit_once('/')
                            .map_or(String::new(), |(p, _)| format!("{p}/"))
                    ),
                )
            });
        }
        Err(not_found(format!("no action {action}")))
    }
}

export_app!(Documents);
