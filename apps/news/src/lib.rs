//! Intranet news: the feeds the tenant configures (RSS 0.9x/1.0/2.0, Atom, JSON Feed), read
//! through the http capability only, kept in the app's encrypted storage for offline reading.
//! Articles are shown as safe text (no remote images, links with their origin); read/unread
//! and saved articles are remembered; refresh uses ETag and If-Modified-Since; new items of
//! feeds the tenant marks important raise a notification. A broken or hostile feed gives a
//! notice in the view, never a trap.
//!
//! Tenant settings (`[apps.news.settings]`): `"feed:<name>" = "<url>"` per feed, and
//! `important = "<name>,<name>"`.

mod feeds;

use std::collections::BTreeSet;

use kapsel_sdk::prelude::*;

use feeds::{Article, FeedState};

/// Articles kept per feed.
const KEEP: usize = 500;
/// Articles listed at once.
const LIST: usize = 300;

struct News;

fn configured() -> Vec<(String, String)> {
    config::keys()
        .into_iter()
        .filter_map(|k| {
            let name = k.strip_prefix("feed:")?.to_string();
            config::get(&k).map(|url| (name, url))
        })
        .collect()
}

fn important() -> BTreeSet<String> {
    config::get("important")
        .unwrap_or_default()
        .split(',')
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
        .collect()
}

fn read_set() -> Result<BTreeSet<String>, AppError> {
    Ok(storage::get_json("read")?.unwrap_or_default())
}

fn saved() -> Result<Vec<Article>, AppError> {
    Ok(storage::get_json("saved")?.unwrap_or_default())
}

fn all_articles() -> Result<Vec<Article>, AppError> {
    let mut all = Vec::new();
    for (name, _) in configured() {
        if let Some(state) = storage::get_json::<FeedState>(&format!("feed:{name}"))? {
            all.extend(state.articles);
        }
    }
    all.sort_by(|a, b| b.date.cmp(&a.date).then_with(|| a.title.cmp(&b.title)));
    Ok(all)
}

/// Fetch every feed (conditionally) and store what changed. Returns notices for the view.
fn refresh() -> Result<Vec<(Level, String)>, AppError> {
    let important = important();
    let mut notices = Vec::new();
    for (name, url) in configured() {
        let key = format!("feed:{name}");
        let previous: Option<FeedState> = storage::get_json(&key)?;
        match feeds::fetch(&name, &url, previous.as_ref()) {
            Ok(feeds::Fetched::NotModified) => log::debug(&format!("{name}: not modified")),
            Ok(feeds::Fetched::New(mut state)) => {
                if let Some(prev) = &previous {
                    let known: BTreeSet<&str> =
                        prev.articles.iter().map(|a| a.id.as_str()).collect();
                    let fresh: Vec<&Article> = state
                        .articles
                        .iter()
                        .filter(|a| !known.contains(a.id.as_str()))
                        .collect();
                    if !fresh.is_empty() && important.contains(&name) {
                        let title = if fresh.len() == 1 {
                            fresh[0].title.clone()
                        } else {
                            format!("{} new articles", fresh.len())
                        };
                        let _ = notify::post(&format!("News: {name}"), &title);
                    }
                }
                log::info(&format!("{name}: {} articles", state.articles.len()));
                state.articles.truncate(KEEP);
                storage::set_json(&key, &state)?;
            }
            Err(problem) => {
                let offline = if previous.is_some() {
                    " — showing the stored articles"
                } else {
                    ""
                };
                notices.push((Level::Warning, format!("{name}: {problem}{offline}")));
            }
        }
    }
    Ok(notices)
}

fn list(
    title: &str,
    articles: &[Article],
    notices: Vec<(Level, String)>,
) -> Result<View, AppError> {
    let read = read_set()?;
    let mut view = View::new(title);
    for (level, text) in notices {
        view = view.notice(level, text);
    }
    let unread = articles.iter().filter(|a| !read.contains(&a.id)).count();
    view = view.text(format!("{} articles, {unread} unread", articles.len()));
    let mut categories: BTreeSet<&str> = BTreeSet::new();
    for a in articles {
        categories.extend(a.categories.iter().map(String::as_str));
    }
    for row in kapsel_feed::rows(&articles[..articles.len().min(LIST)], &read) {
        let mut item = Item::new(row.title)
            .subtitle(row.subtitle)
            .action(row.action);
        if row.unread {
            item = item.badge("new");
        }
        view = view.item(item);
    }
    view = view.divider();
    for c in categories.iter().take(50) {
        view = view.button(format!("Category: {c}"), format!("category:{c}"));
    }
    Ok(view
        .button("Refresh", "refresh")
        .button("Saved articles", "saved")
        .button("Mark all read", "mark-all-read"))
}

fn article(id: &str) -> Result<View, AppError> {
    let a = all_articles()?
        .into_iter()
        .chain(saved()?)
        .find(|a| a.id == id)
        .ok_or_else(|| not_found(format!("article {id}")))?;
    let mut read = read_set()?;
    if read.insert(a.id.clone()) {
        // Bounded: the oldest ids are forgotten first.
        let keep: BTreeSet<String> = read.iter().rev().take(5000).cloned().collect();
        storage::set_json("read", &keep)?;
    }
    let mut view = View::new(a.title.clone()).text(format!(
        "{}{}",
        a.feed,
        a.date
            .as_ref()
            .map(|d| format!(" · {d}"))
            .unwrap_or_default()
    ));
    if let Some(link) = &a.link {
        view = view.link("Original article", link.clone());
    }
    if !a.categories.is_empty() {
        view = view.text(format!("Categories: {}", a.categories.join(", ")));
    }
    let html = if a.content.is_empty() {
        &a.summary
    } else {
        &a.content
    };
    for piece in kapsel_text::to_blocks(html, a.link.as_deref()) {
        view = match piece {
            kapsel_text::Piece::Heading(t) => view.heading(t),
            kapsel_text::Piece::Text(t) => view.text(t),
            kapsel_text::Piece::Item(t) => view.item(Item::new(t)),
            kapsel_text::Piece::Link { label, url } => view.link(label, url),
        };
    }
    let is_saved = saved()?.iter().any(|s| s.id == a.id);
    Ok(view
        .divider()
        .button(
            if is_saved {
                "Remove from saved"
            } else {
                "Save"
            },
            if is_saved {
                format!("unsave:{}", a.id)
            } else {
                format!("save:{}", a.id)
            },
        )
        .button("Back to the list", "list"))
}

impl App for News {
    fn view(route: &str) -> Result<View, AppError> {
        if let Some(n) = route.strip_prefix("bench:") {
            // The benchmark: parse a generated feed and build its list, nothing stored —
            // the same kapsel-feed code the native baseline runs.
            let feed = kapsel_feed::sample_feed(n.parse().unwrap_or(1000));
            let articles = kapsel_feed::parse(
                "bench",
                feed.as_bytes(),
                "https://intranet.example/feed.xml",
            )
            .map_err(failed)?;
            let rows = kapsel_feed::rows(&articles, &BTreeSet::new());
            return Ok(
                View::new("bench").extend(rows.into_iter().take(LIST), |v, r| {
                    v.item(Item::new(r.title).subtitle(r.subtitle).action(r.action))
                }),
            );
        }
        if configured().is_empty() {
            return Ok(
                View::new("News").notice(Level::Info, "The tenant has not configured any feeds.")
            );
        }
        if let Some(id) = route.strip_prefix("item:") {
            return article(id);
        }
        if route == "saved" {
            return list("Saved articles", &saved()?, Vec::new());
        }
        if let Some(c) = route.strip_prefix("category:") {
            let in_cat: Vec<Article> = all_articles()?
                .into_iter()
                .filter(|a| a.categories.iter().any(|x| x == c))
                .collect();
            return list(&format!("News: {c}"), &in_cat, Vec::new());
        }
        // The first visit fetches; later ones show what is stored until "refresh".
        let mut notices = Vec::new();
        if all_articles()?.is_empty() {
            notices = refresh()?;
        }
        list("News", &all_articles()?, notices)
    }

    fn act(action: &str, _form: &Form) -> Result<View, AppError> {
        match action {
            "refresh" => {
                let notices = refresh()?;
                list("News", &all_articles()?, notices)
            }
            "list" => Self::view(""),
            "saved" => Self::view("saved"),
            "mark-all-read" => {
                let ids: BTreeSet<String> = all_articles()?
                    .into_iter()
                    .map(|a| a.id)
                    .take(5000)
                    .collect();
                storage::set_json("read", &ids)?;
                Self::view("")
            }
            other => {
                if let Some(id) = other.strip_prefix("item:") {
                    return article(id);
                }
                if let Some(c) = other.strip_prefix("category:") {
                    return Self::view(&format!("category:{c}"));
                }
                if let Some(id) = other.strip_prefix("save:") {
                    let a = all_articles()?
                        .into_iter()
                        .find(|a| a.id == id)
                        .ok_or_else(|| not_found(format!("article {id}")))?;
                    let mut s = saved()?;
                    if !s.iter().any(|x| x.id == a.id) {
                        s.insert(0, a);
                        s.truncate(KEEP);
                        storage::set_json("saved", &s)?;
                    }
                    return article(id);
                }
                if let Some(id) = other.strip_prefix("unsave:") {
                    let mut s = saved()?;
                    s.retain(|x| x.id != id);
                    storage::set_json("saved", &s)?;
                    return Self::view("saved");
                }
                Err(not_found(format!("no action {other}")))
            }
        }
    }
}

export_app!(News);
