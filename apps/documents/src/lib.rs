//! Document libraries: the tenant names them in the app's settings
//! (`"library:<name>" = "webdav:<folder URL>"`); the app lists folders with PROPFIND and
//! downloads a file into the container (documents capability) for the viewer to open. The
//! host adds the user's credentials; the app never sees them. Nothing is ever written
//! outside the container. HTTP errors become a clear message in the view.
//!
//! SharePoint REST is the next backend (tracked in the built-in apps issue).

mod webdav;

use kapsel_sdk::prelude::*;

/// Largest file downloaded into the container.
const MAX_FILE: usize = 32 * 1024 * 1024;

struct Documents;

struct Library {
    name: String,
    url: String,
}

fn libraries() -> Vec<Library> {
    config::keys()
        .into_iter()
        .filter_map(|k| {
            let name = k.strip_prefix("library:")?.to_string();
            let url = config::get(&k)?.strip_prefix("webdav:")?.to_string();
            Some(Library { name, url })
        })
        .collect()
}

fn library(name: &str) -> Result<Library, AppError> {
    libraries().into_iter().find(|l| l.name == name).ok_or_else(|| not_found(format!("library {name}")))
}

fn listing(lib: &Library, path: &str) -> Result<View, AppError> {
    let url = webdav::join(&lib.url, path);
    let mut view = View::new(format!("{} / {}", lib.name, webdav::decode(path)));
    let entries = match webdav::list(&url) {
        Ok(e) => e,
        Err(msg) => return Ok(view.notice(Level::Error, msg).button("Back", "home")),
    };
    if !path.is_empty() {
        let parent = path.trim_end_matches('/').rsplit_once('/').map_or("", |(p, _)| p);
        view = view.item(Item::new("..").action(format!("dir:{}:{}", lib.name, if parent.is_empty() { String::new() } else { format!("{parent}/") })));
    }
    view = view.text(format!("{} entries", entries.len()));
    for e in entries.iter().take(5000) {
        let rel = format!("{path}{}", e.href_name);
        if e.folder {
            view = view.item(Item::new(format!("{}/", e.name)).action(format!("dir:{}:{rel}/", lib.name)));
        } else {
            let sub = format!("{} bytes{}", e.size, e.modified.as_ref().map(|m| format!(" · {m}")).unwrap_or_default());
            view = view.item(Item::new(e.name.clone()).subtitle(sub).action(format!("open:{}:{rel}", lib.name)));
        }
    }
    Ok(view)
}

impl App for Documents {
    fn view(_route: &str) -> Result<View, AppError> {
        let libs = libraries();
        if libs.is_empty() {
            return Ok(View::new("Documents").notice(Level::Info, "The tenant has not configured any document library."));
        }
        Ok(View::new("Documents").extend(libs, |v, l| v.item(Item::new(l.name.clone()).subtitle(l.url.clone()).action(format!("dir:{}:", l.name)))))
    }

    fn act(action: &str, _form: &Form) -> Result<View, AppError> {
        if action == "home" {
            return Self::view("");
        }
        if let Some(rest) = action.strip_prefix("dir:") {
            let (name, path) = rest.split_once(':').ok_or_else(|| invalid("bad folder action"))?;
            return listing(&library(name)?, path);
        }
        if let Some(rest) = action.strip_prefix("open:") {
            let (name, path) = rest.split_once(':').ok_or_else(|| invalid("bad open action"))?;
            let lib = library(name)?;
            let url = webdav::join(&lib.url, path);
            let file_name = webdav::decode(path.rsplit('/').next().unwrap_or(path));
            let view = View::new(file_name.clone());
            let (bytes, media) = match webdav::download(&url, MAX_FILE) {
                Ok(x) => x,
                Err(msg) => return Ok(view.notice(Level::Error, msg)),
            };
            let doc = documents::save(&file_name, &media, &bytes).map_err(failed)?;
            log::info(&format!("downloaded {} ({} bytes) into the container", file_name, doc.size));
            documents::open(&doc.id).map_err(failed)?;
            return Ok(view
                .notice(Level::Info, format!("Downloaded into the container as document {} ({} bytes).", doc.id, doc.size))
                .button("Back to the folder", format!("dir:{name}:{}", path.rsplit_once('/').map_or(String::new(), |(p, _)| format!("{p}/")))));
        }
        Err(not_found(format!("no action {action}")))
    }
}

export_app!(Documents);
