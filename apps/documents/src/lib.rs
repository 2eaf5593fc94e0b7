//! Document libraries: the tenant names them in the app's settings
//! (`"library:<name>" = "webdav:<folder URL>"`); the app lists folders with PROPFIND and
//! downloads a file into the container (documents capability) for the viewer to open. The
//! host adds the user's credentials; the app never sees them. Nothing is ever written
//! outside the container. HTTP errors become a clear message in the view.
//!
//! SharePoint sites (`"library:<name>" = "sharepoint:<site URL>[;odata=verbose]"`) are the
//! second backend: libraries, folders and files a page at a time, search a page at a time,
//! download. Every view has a way up, sizes and dates as people read them, and a choice of
//! order; files larger than one HTTP answer arrive in ranged pieces, each written to the
//! document as it comes.

mod fetch;
mod format;
mod sharepoint;
mod text;
mod webdav;

use format::Sort;
use kapsel_sdk::prelude::*;

/// Largest file downloaded into the container: the default documents quota of an app, and
/// at 4 MiB a piece well inside the host's 100 requests a call. Pieces are written to the
/// document as they arrive, so the app's memory does not bound it.
const MAX_FILE: u64 = 256 * 1024 * 1024;

/// Why a name a server gave us cannot be followed: names are data, and a separator or a dot
/// segment in one would make the next request (which carries the user's credentials) go
/// somewhere else on the server.
pub(crate) fn name_problem(name: &str) -> Option<&'static str> {
    if name.is_empty() || name == "." || name == ".." {
        return Some(text::name_empty());
    }
    if name.contains('/') || name.contains('\\') {
        return Some(text::name_separator());
    }
    if name.chars().any(char::is_control) {
        return Some(text::name_control());
    }
    None
}

/// An entry that is shown but not followed, with the reason.
fn unfollowed(view: View, name: &str, why: &str) -> View {
    view.item(Item::new(name.to_string()).subtitle(text::not_opened(why)))
}

/// The credential the host adds to requests for a URL, as the host tells this app.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum SignIn {
    /// The user's directory login and the container's password.
    Basic,
    /// A token stored with `kapsel credential set`.
    Bearer,
}

/// Does the host sign in to `url` for this app? It says so through `config`
/// (`kapsel.credential:<url>`, the kind only), which lets a refused credential be told apart
/// from one the tenant never configured: a Basic server answers both with the same 401.
pub(crate) fn signin(url: &str) -> Option<SignIn> {
    match config::get(&format!("kapsel.credential:{url}"))?.as_str() {
        "basic" => Some(SignIn::Basic),
        "bearer" => Some(SignIn::Bearer),
        _ => None,
    }
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
        .ok_or_else(|| not_found(text::unknown_library(name)))
}

fn site(name: &str) -> Result<sharepoint::Site, AppError> {
    settings()
        .into_iter()
        .find(|(n, _)| n == name)
        .and_then(|(_, v)| sharepoint::Site::parse(&v))
        .ok_or_else(|| not_found(text::unknown_site(name)))
}

/// One line for a file: size and date as people read them.
fn file_subtitle(size: u64, modified: Option<format::Stamp>) -> String {
    match modified {
        Some(m) => format!("{} · {}", text::size(size), m.show()),
        None => text::size(size),
    }
}

fn sort_buttons(view: View, current: Sort, action: impl Fn(Sort) -> String) -> View {
    let mut view = view.text(text::sorted_by(current.label()));
    for s in Sort::ALL {
        if s != current {
            view = view.button(text::sort_by(s.label()), action(s));
        }
    }
    view
}

fn sp_listing(name: &str, path: &str) -> Result<View, AppError> {
    let site = site(name)?;
    if path.is_empty() {
        let view = View::new(name.to_string());
        return Ok(match site.libraries() {
            Err(msg) => view.notice(Level::Error, msg),
            Ok(libs) => view.extend(libs, |v, (title, url)| {
                v.item(
                    Item::new(title)
                        .subtitle(url.clone())
                        .action(format!("sp:{name}:dir:{url}")),
                )
            }),
        }
        .field("q", text::search(), FieldKind::Text, "")
        .button(text::search(), format!("sp:{name}:search:"))
        .button(text::back(), "home"));
    }
    // `root:` and `dir:` open a folder's first page; `page:` carries the position.
    let (cursor, folder) = if let Some(rest) = path.strip_prefix("page:") {
        sharepoint::Cursor::parse(rest).ok_or_else(|| invalid(text::bad_action()))?
    } else {
        let folder = path.split_once(':').map_or(path, |(_, p)| p);
        (sharepoint::Cursor::first(Sort::Name), folder)
    };
    sp_page(name, &site, folder, cursor)
}

fn sp_page(
    name: &str,
    site: &sharepoint::Site,
    folder: &str,
    mut at: sharepoint::Cursor,
) -> Result<View, AppError> {
    let shown_path = folder
        .strip_prefix(&site.server_relative_base())
        .unwrap_or(folder);
    let mut view = View::new(format!("{name}: {shown_path}"));
    // The way up: the parent folder, or the site's libraries from a library's root.
    let up = if site.is_library_root(folder) {
        format!("sp:{name}:")
    } else {
        let parent = folder.rsplit_once('/').map_or("", |(p, _)| p);
        format!("sp:{name}:dir:{parent}")
    };
    let above = if site.is_library_root(folder) {
        text::to_site_libraries().to_string()
    } else {
        let parent = folder.rsplit_once('/').map_or("", |(p, _)| p);
        text::to_folder(parent.rsplit('/').next().unwrap_or(parent))
    };
    view = view.item(
        Item::new(text::up_item())
            .subtitle(above)
            .action(up.clone()),
    );
    if at.shown == 0 && at.token.is_empty() && at.total.is_none() {
        at.total = site.item_count(folder);
    }
    let page = match site.page(folder, &at) {
        Ok(p) => p,
        Err(msg) => return Ok(view.notice(Level::Error, msg).button(text::up_button(), up)),
    };
    let first = at.shown + 1;
    let last = at.shown + page.entries.len();
    view = view.text(match (at.total, page.next.is_some()) {
        (Some(t), _) => text::entries_of(first.min(last), last, t as usize),
        (None, true) => text::entries_more_follow(first, last),
        (None, false) => text::entries(last),
    });
    view = sort_buttons(view, at.sort, |s| {
        format!(
            "sp:{name}:page:{}:{folder}",
            sharepoint::Cursor::first(s).encode()
        )
    });
    let odd = page.entries.iter().filter(|e| e.problem.is_some()).count();
    if odd > 0 {
        view = view.notice(Level::Warning, text::odd_names(odd));
    }
    for e in &page.entries {
        if let Some(why) = &e.problem {
            view = unfollowed(view, &e.name, why);
            continue;
        }
        view = if e.folder {
            let mut item =
                Item::new(format!("{}/", e.name)).action(format!("sp:{name}:dir:{}", e.path));
            if let Some(c) = e.count {
                item = item.subtitle(text::entries(c as usize));
            }
            view.item(item)
        } else {
            view.item(
                Item::new(e.name.clone())
                    .subtitle(file_subtitle(e.size, e.modified))
                    .action(format!("sp:{name}:file:{}", e.path)),
            )
        };
    }
    if let Some(next) = page.next {
        view = view.button(
            text::next_page(),
            format!("sp:{name}:page:{}:{folder}", next.encode()),
        );
    }
    if at.shown > 0 {
        view = view.button(
            text::first_page(),
            format!(
                "sp:{name}:page:{}:{folder}",
                sharepoint::Cursor::first(at.sort).encode()
            ),
        );
    }
    Ok(view)
}

fn sp_search(name: &str, q: &str, start: usize) -> Result<View, AppError> {
    let site = site(name)?;
    let view = View::new(text::search_title(q))
        .field("q", text::search(), FieldKind::Text, q)
        .button(text::search(), format!("sp:{name}:search:"));
    let hits = match site.search(q, start) {
        Ok(h) => h,
        Err(msg) => return Ok(view.notice(Level::Error, msg)),
    };
    let site_path = site.server_relative_base();
    let shown_to = start + hits.rows.len();
    let mut view = view.text(if hits.rows.is_empty() {
        text::no_results(hits.total)
    } else {
        text::results_of(start + 1, shown_to, hits.total)
    });
    for h in hits.rows {
        let inside = h.path.starts_with(&format!("{site_path}/"))
            && !h.path.split('/').any(|s| s == ".." || s == ".");
        if !inside {
            view = unfollowed(view, &h.title, text::outside_site());
            continue;
        }
        view = view.item(
            Item::new(h.title)
                .subtitle(format!(
                    "{} · {}",
                    h.path,
                    file_subtitle(h.size, h.modified)
                ))
                .action(format!("sp:{name}:file:{}", h.path)),
        );
    }
    if (shown_to as u64) < hits.total && shown_to > start {
        view = view.button(
            text::next_results(),
            format!("sp:{name}:find:{shown_to}:{q}"),
        );
    }
    if start > 0 {
        view = view.button(
            text::previous_results(),
            format!(
                "sp:{name}:find:{}:{q}",
                start.saturating_sub(sharepoint::SEARCH_PAGE)
            ),
        );
    }
    Ok(view.button(text::back(), format!("sp:{name}:")))
}

/// A downloaded document: logged, handed to the viewer, and said in the view.
fn keep(doc: documents::Document) -> Result<View, AppError> {
    log::info(&text::logged_download(&doc.name, doc.size, &doc.media_type));
    documents::open(&doc.id).map_err(failed)?;
    Ok(View::new(doc.name.clone()).notice(
        Level::Info,
        text::downloaded(&doc.id, &text::size(doc.size), &doc.media_type),
    ))
}

/// Entries shown per page: views stay well inside the host's limits even for huge folders.
const PAGE: usize = 1000;

fn page_buttons(view: View, total: usize, offset: usize, more: impl Fn(usize) -> String) -> View {
    let mut view = view;
    if offset + PAGE < total {
        view = view.button(
            text::next_entries(PAGE.min(total - offset - PAGE)),
            more(offset + PAGE),
        );
    }
    if offset > 0 {
        view = view.button(text::previous_entries(), more(offset.saturating_sub(PAGE)));
    }
    view
}

fn listing(lib: &Library, path: &str) -> Result<View, AppError> {
    listing_at(lib, path, 0, Sort::Name)
}

fn listing_at(lib: &Library, path: &str, offset: usize, sort: Sort) -> Result<View, AppError> {
    let url = webdav::join(&lib.url, path);
    let mut view = View::new(format!("{} / {}", lib.name, webdav::decode(path)));
    let mut entries = match webdav::list(&url) {
        Ok(e) => e,
        Err(msg) => return Ok(view.notice(Level::Error, msg).button(text::back(), "home")),
    };
    match sort {
        Sort::Name => {}
        // Folders first in every order, as file managers do.
        Sort::Date => entries.sort_by(|a, b| {
            b.folder
                .cmp(&a.folder)
                .then_with(|| b.modified.cmp(&a.modified))
        }),
        Sort::Size => {
            entries.sort_by(|a, b| b.folder.cmp(&a.folder).then_with(|| b.size.cmp(&a.size)))
        }
    }
    let parent = path
        .trim_end_matches('/')
        .rsplit_once('/')
        .map_or(String::new(), |(p, _)| format!("{p}/"));
    view = view.item(if path.is_empty() {
        Item::new(text::up_item())
            .subtitle(text::to_libraries())
            .action("home")
    } else {
        let above = webdav::decode(parent.trim_end_matches('/'));
        Item::new(text::up_item())
            .subtitle(text::to_folder(
                above
                    .rsplit('/')
                    .next()
                    .filter(|a| !a.is_empty())
                    .unwrap_or(&lib.name),
            ))
            .action(format!("dir:{}:{parent}", lib.name))
    });
    view = view.text(text::entries(entries.len()));
    if entries.len() > PAGE {
        view = view.text(text::showing(
            offset + 1,
            (offset + PAGE).min(entries.len()),
        ));
    }
    view = sort_buttons(view, sort, |s| {
        format!("ls:{}:0:{}:{path}", s.key(), lib.name)
    });
    let total = entries.len();
    let odd = entries.iter().filter(|e| e.problem.is_some()).count();
    if odd > 0 {
        view = view.notice(Level::Warning, text::odd_names(odd));
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
            view = view.item(
                Item::new(e.name.clone())
                    .subtitle(file_subtitle(e.size, e.modified))
                    .action(format!("open:{}:{rel}", lib.name)),
            );
        }
    }
    Ok(page_buttons(view, total, offset, |o| {
        format!("ls:{}:{o}:{}:{path}", sort.key(), lib.name)
    }))
}

impl App for Documents {
    fn view(_route: &str) -> Result<View, AppError> {
        let libs = libraries();
        if settings().is_empty() {
            return Ok(View::new(text::app_title()).notice(Level::Info, text::no_libraries()));
        }
        let sites: Vec<(String, String)> = settings()
            .into_iter()
            .filter(|(_, v)| v.starts_with("sharepoint:"))
            .collect();
        Ok(View::new(text::app_title())
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
                .ok_or_else(|| invalid(text::bad_action()))?;
            if let Some(file) = what.strip_prefix("file:") {
                let file_name = file.rsplit('/').next().unwrap_or(file).to_string();
                let folder = file.rsplit_once('/').map_or("", |(p, _)| p);
                let back =
                    |v: View| v.button(text::back_to_folder(), format!("sp:{name}:dir:{folder}"));
                return match site(name)?.download(file, MAX_FILE) {
                    Ok(doc) => keep(doc).map(back),
                    Err(msg) => Ok(back(View::new(file_name).notice(Level::Error, msg))),
                };
            }
            if what.starts_with("search:") {
                let q = form
                    .get("q")
                    .filter(|q| !q.trim().is_empty())
                    .ok_or_else(|| invalid(text::search_needs_words()))?;
                return sp_search(name, q, 0);
            }
            if let Some(rest) = what.strip_prefix("find:") {
                let (start, q) = rest
                    .split_once(':')
                    .ok_or_else(|| invalid(text::bad_action()))?;
                let start = start.parse().map_err(|_| invalid(text::bad_number()))?;
                return sp_search(name, q, start);
            }
            return sp_listing(name, what);
        }
        // `more:<offset>:<library>:<path>` (name order) and `ls:<sort>:<offset>:<library>:<path>`.
        let paged = if let Some(rest) = action.strip_prefix("more:") {
            Some(("name", rest))
        } else {
            action.strip_prefix("ls:").and_then(|r| r.split_once(':'))
        };
        if let Some((sort, rest)) = paged {
            let (offset, rest) = rest
                .split_once(':')
                .ok_or_else(|| invalid(text::bad_action()))?;
            let (name, path) = rest
                .split_once(':')
                .ok_or_else(|| invalid(text::bad_action()))?;
            return listing_at(
                &library(name)?,
                path,
                offset.parse().map_err(|_| invalid(text::bad_number()))?,
                Sort::parse(sort),
            );
        }
        if let Some(rest) = action.strip_prefix("dir:") {
            let (name, path) = rest
                .split_once(':')
                .ok_or_else(|| invalid(text::bad_action()))?;
            return listing(&library(name)?, path);
        }
        if let Some(rest) = action.strip_prefix("open:") {
            let (name, path) = rest
                .split_once(':')
                .ok_or_else(|| invalid(text::bad_action()))?;
            let lib = library(name)?;
            let url = webdav::join(&lib.url, path);
            let file_name = webdav::decode(path.rsplit('/').next().unwrap_or(path));
            let back = |v: View| {
                v.button(
                    text::back_to_folder(),
                    format!(
                        "dir:{name}:{}",
                        path.rsplit_once('/')
                            .map_or(String::new(), |(p, _)| format!("{p}/"))
                    ),
                )
            };
            return match webdav::download(&url, &file_name, MAX_FILE) {
                Ok(doc) => keep(doc).map(back),
                Err(msg) => Ok(back(View::new(file_name).notice(Level::Error, msg))),
            };
        }
        Err(not_found(text::unknown_action(action)))
    }
}

export_app!(Documents);
