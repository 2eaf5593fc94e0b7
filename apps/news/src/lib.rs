//! Intranet news: the feeds the tenant configures (RSS 0.9x/1.0/2.0, Atom, JSON Feed), read
//! through the http capability only, kept in the app's encrypted storage for offline reading.
//! Articles are shown as safe text (no remote images, links with their origin); read/unread
//! and saved articles are remembered; refresh uses ETag and If-Modified-Since; new items of
//! feeds the tenant marks important raise a notification. A broken or hostile feed gives a
//! notice in the view, never a trap. Every stored article can be reached: lists are paged,
//! and the view says how many articles a feed had and how many are kept, and why. Enclosures
//! are fetched into the container's documents only when the user asks.
//!
//! Tenant settings (`[apps.news.settings]`): `"feed:<name>" = "<url>"` per feed, and
//! `important = "<name>,<name>"`.

mod feeds;
mod text;

use std::collections::{BTreeMap, BTreeSet};

use kapsel_sdk::prelude::*;

use feeds::{Article, FeedState};

/// Articles kept per feed (newest first): a year of a busy intranet feed.
const KEEP: usize = 5000;
/// Articles saved by the user, kept however old.
const KEEP_SAVED: usize = 1000;
/// Rows per page of a list.
const PAGE: usize = 100;

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

/// Read marks of articles that are no longer stored are forgotten, so the set stays as large
/// as what can be shown.
fn store_read(read: &BTreeSet<String>, states: &[(String, FeedState)]) -> Result<(), AppError> {
    let mut known: BTreeSet<&str> = states
        .iter()
        .flat_map(|(_, s)| s.articles.iter().map(|a| a.id.as_str()))
        .collect();
    let saved = saved()?;
    known.extend(saved.iter().map(|a| a.id.as_str()));
    let kept: BTreeSet<&String> = read
        .iter()
        .filter(|id| known.contains(id.as_str()))
        .collect();
    storage::set_json("read", &kept)?;
    Ok(())
}

fn saved() -> Result<Vec<Article>, AppError> {
    Ok(storage::get_json("saved")?.unwrap_or_default())
}

/// Every configured feed's stored state, in the tenant's order.
fn states() -> Result<Vec<(String, FeedState)>, AppError> {
    let mut out = Vec::new();
    for (name, _) in configured() {
        let state = storage::get_json::<FeedState>(&format!("feed:{name}"))?.unwrap_or_default();
        out.push((name, state));
    }
    Ok(out)
}

fn newest_first(mut all: Vec<Article>) -> Vec<Article> {
    all.sort_by(|a, b| b.date.cmp(&a.date).then_with(|| a.title.cmp(&b.title)));
    all
}

fn all_articles(states: &[(String, FeedState)]) -> Vec<Article> {
    newest_first(
        states
            .iter()
            .flat_map(|(_, s)| s.articles.iter().cloned())
            .collect(),
    )
}

/// Store a feed's articles; when the app's quota is full, keep the newer half until it fits.
fn store_feed(key: &str, state: &mut FeedState) -> Result<(), AppError> {
    loop {
        match storage::set_json(key, state) {
            Ok(()) => return Ok(()),
            Err(storage::StorageError::QuotaExceeded(_)) if state.articles.len() > 1 => {
                let half = state.articles.len() / 2;
                state.counts.over_quota += state.articles.len() - half;
                state.articles.truncate(half);
            }
            Err(e) => return Err(e.into()),
        }
    }
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
            Ok(feeds::Fetched::New {
                etag,
                last_modified,
                parsed,
            }) => {
                let stored = previous.map(|p| p.articles).unwrap_or_default();
                let first = stored.is_empty();
                let known: BTreeSet<String> = stored.iter().map(|a| a.id.clone()).collect();
                let fresh: Vec<&Article> = parsed
                    .articles
                    .iter()
                    .filter(|a| !known.contains(&a.id))
                    .collect();
                if !first && !fresh.is_empty() && important.contains(&name) {
                    let title = if fresh.len() == 1 {
                        text::title_or_untitled(&fresh[0].title)
                    } else {
                        text::new_articles(fresh.len())
                    };
                    let _ = notify::post(&text::news_of(&name), &title);
                }
                let counts = kapsel_feed::Counts {
                    in_feed: parsed.articles.len(),
                    skipped: parsed.skipped,
                    duplicates: parsed.duplicates,
                    over_limit: 0,
                    over_quota: 0,
                };
                if parsed.skipped > 0 {
                    notices.push((Level::Warning, text::skipped(&name, parsed.skipped)));
                }
                let (articles, over_limit) = kapsel_feed::merge(parsed.articles, stored, KEEP);
                let mut state = FeedState {
                    etag,
                    last_modified,
                    articles,
                    counts: kapsel_feed::Counts {
                        over_limit,
                        ..counts
                    },
                };
                store_feed(&key, &mut state)?;
                log::info(&format!(
                    "{name}: {} in the feed, {} stored",
                    state.counts.in_feed,
                    state.articles.len()
                ));
                if state.counts.over_limit + state.counts.over_quota > 0 {
                    notices.push((Level::Info, kept_line(&name, &state)));
                }
            }
            Err(problem) => {
                notices.push((
                    Level::Warning,
                    text::fetch_failed(&name, &problem, previous.is_some()),
                ));
            }
        }
    }
    Ok(notices)
}

/// "How many are kept and why" for one feed.
fn kept_line(name: &str, s: &FeedState) -> String {
    let c = &s.counts;
    text::kept_line(
        name,
        &text::Kept {
            stored: s.articles.len(),
            limit: KEEP,
            in_feed: c.in_feed,
            duplicates: c.duplicates,
            skipped: c.skipped,
            over_limit: c.over_limit,
            over_quota: c.over_quota,
        },
    )
}

/// What a list shows: all feeds, one feed, one category, or the saved articles.
#[derive(Clone)]
enum Scope {
    All,
    Feed(String),
    Category(String),
    Saved,
}

impl Scope {
    fn parse(s: &str) -> Scope {
        if let Some(f) = s.strip_prefix("feed:") {
            Scope::Feed(f.to_string())
        } else if let Some(c) = s.strip_prefix("category:") {
            Scope::Category(c.to_string())
        } else if s == "saved" {
            Scope::Saved
        } else {
            Scope::All
        }
    }

    fn route(&self) -> String {
        match self {
            Scope::All => "all".into(),
            Scope::Feed(f) => format!("feed:{f}"),
            Scope::Category(c) => format!("category:{c}"),
            Scope::Saved => "saved".into(),
        }
    }

    fn title(&self) -> String {
        match self {
            Scope::All => text::news().into(),
            Scope::Feed(f) => text::news_of(f),
            Scope::Category(c) => text::news_of(c),
            Scope::Saved => text::saved_articles().into(),
        }
    }
}

/// `page:<n>:<scope>`, or a bare scope for its first page.
fn parse_route(route: &str) -> (Scope, usize) {
    if let Some(rest) = route.strip_prefix("page:") {
        let (n, scope) = rest.split_once(':').unwrap_or((rest, "all"));
        return (Scope::parse(scope), n.parse().unwrap_or(1).max(1));
    }
    (Scope::parse(route), 1)
}

fn list(
    scope: &Scope,
    page: usize,
    states: &[(String, FeedState)],
    notices: Vec<(Level, String)>,
) -> Result<View, AppError> {
    let read = read_set()?;
    let articles: Vec<Article> = match scope {
        Scope::All => all_articles(states),
        Scope::Feed(f) => newest_first(
            states
                .iter()
                .filter(|(n, _)| n == f)
                .flat_map(|(_, s)| s.articles.iter().cloned())
                .collect(),
        ),
        Scope::Category(c) => all_articles(states)
            .into_iter()
            .filter(|a| a.categories.iter().any(|x| x == c))
            .collect(),
        Scope::Saved => saved()?,
    };
    let mut view = View::new(scope.title());
    for (level, text) in notices {
        view = view.notice(level, text);
    }
    if let Scope::Feed(f) = scope {
        match states.iter().find(|(n, _)| n == f) {
            Some((_, s)) => view = view.text(kept_line(f, s)),
            None => return Err(not_found(text::no_feed(f))),
        }
    }
    if matches!(scope, Scope::All) && states.len() > 1 {
        view = view.heading(text::heading_feeds());
        for (name, s) in states {
            let unread = s.articles.iter().filter(|a| !read.contains(&a.id)).count();
            let mut item = Item::new(name.clone())
                .subtitle(text::feed_counts(s.articles.len(), unread))
                .action(format!("feed:{name}"));
            if unread > 0 {
                item = item.badge(text::unread_badge(unread));
            }
            view = view.item(item);
        }
        view = view.heading(text::heading_articles());
    }
    let total = articles.len();
    let unread = articles.iter().filter(|a| !read.contains(&a.id)).count();
    let pages = total.div_ceil(PAGE).max(1);
    let page = page.min(pages);
    let from = (page - 1) * PAGE;
    let to = (from + PAGE).min(total);
    view = view.text(if total == 0 {
        text::no_articles().to_string()
    } else {
        text::page_line(from + 1, to, total, unread, page, pages)
    });
    for row in kapsel_feed::rows(&articles[from..to], &read) {
        let mut item = Item::new(text::title_or_untitled(&row.title))
            .subtitle(row.subtitle)
            .action(row.action);
        if row.unread {
            item = item.badge(text::new_badge());
        }
        view = view.item(item);
    }
    if page > 1 {
        view = view.button(
            text::previous_page(),
            format!("page:{}:{}", page - 1, scope.route()),
        );
    }
    if page < pages {
        view = view.button(
            text::next_page(),
            format!("page:{}:{}", page + 1, scope.route()),
        );
    }
    view = view.divider();
    if matches!(scope, Scope::All) {
        let mut categories: BTreeMap<&str, usize> = BTreeMap::new();
        for a in &articles {
            for c in &a.categories {
                *categories.entry(c.as_str()).or_default() += 1;
            }
        }
        for (c, n) in categories.iter().take(50) {
            view = view.button(text::category_button(c, *n), format!("category:{c}"));
        }
    } else {
        view = view.button(text::all_feeds(), "list");
    }
    if !matches!(scope, Scope::Saved) {
        view = view.button(text::mark_read(), format!("mark-read:{}", scope.route()));
    }
    Ok(view
        .button(text::refresh(), "refresh")
        .button(text::saved_articles(), "saved"))
}

fn find(states: &[(String, FeedState)], id: &str) -> Result<Article, AppError> {
    states
        .iter()
        .flat_map(|(_, s)| s.articles.iter())
        .find(|a| a.id == id)
        .cloned()
        .or_else(|| saved().ok()?.into_iter().find(|a| a.id == id))
        .ok_or_else(|| not_found(text::no_article(id)))
}

fn article(id: &str) -> Result<View, AppError> {
    let states = states()?;
    let a = find(&states, id)?;
    let mut read = read_set()?;
    if read.insert(a.id.clone()) {
        // A full quota costs the read mark, never the article.
        if let Err(e) = store_read(&read, &states) {
            log::warn(&format!("cannot keep the read mark: {}", message(&e)));
        }
    }
    let mut view = View::new(text::title_or_untitled(&a.title)).text(format!(
        "{}{}",
        a.feed,
        a.date
            .as_ref()
            .map(|d| format!(" · {d}"))
            .unwrap_or_default()
    ));
    if !a.authors.is_empty() {
        view = view.text(text::by(&a.authors.join(", ")));
    }
    if !a.categories.is_empty() {
        view = view.text(text::categories(&a.categories.join(", ")));
    }
    if let Some(link) = &a.link {
        // The host shows a link with its origin and never follows it on its own.
        view = view.link(text::open_original(), link.clone());
    }
    for piece in kapsel_feed::body_pieces(&a, text::image()) {
        view = match piece {
            kapsel_text::Piece::Heading(t) => view.heading(t),
            kapsel_text::Piece::Text(t) => view.text(t),
            kapsel_text::Piece::Item(t) => view.item(Item::new(t)),
            kapsel_text::Piece::Link { label, url } => view.link(label, url),
        };
    }
    if !a.enclosures.is_empty() {
        view = view.heading(text::attachments());
        for (n, e) in a.enclosures.iter().enumerate() {
            let mut sub = e.media_type.clone();
            if let Some(size) = e.size {
                sub.push_str(&format!(", {}", text::size_text(size)));
            }
            sub.push_str(text::fetch_hint());
            view = view.item(
                Item::new(text::attachment_name(&e.name))
                    .subtitle(sub)
                    .action(format!("fetch:{}:{n}", a.id)),
            );
        }
    }
    let is_saved = saved()?.iter().any(|s| s.id == a.id);
    Ok(view
        .divider()
        .button(
            if is_saved {
                text::unsave()
            } else {
                text::save()
            },
            if is_saved {
                format!("unsave:{}", a.id)
            } else {
                format!("save:{}", a.id)
            },
        )
        .button(text::back_to(&a.feed), format!("feed:{}", a.feed))
        .button(text::back_to_list(), "list"))
}

/// Fetch an enclosure through the http capability into the container's documents, and ask
/// the shell to show it in the viewer where the viewer reads such files.
fn fetch_enclosure(spec: &str) -> Result<View, AppError> {
    let (id, n) = spec
        .rsplit_once(':')
        .and_then(|(id, n)| Some((id, n.parse::<usize>().ok()?)))
        .ok_or_else(|| invalid(text::no_attachment(spec)))?;
    let a = find(&states()?, id)?;
    let e = a
        .enclosures
        .get(n)
        .ok_or_else(|| not_found(text::no_such_attachment(n, id)))?;
    let name = text::attachment_name(&e.name);
    let back = |v: View| v.button(text::back_to_article(), format!("item:{id}"));
    let (bytes, media) = match feeds::download(&e.url, &e.media_type) {
        Ok(got) => got,
        Err(problem) => {
            return Ok(back(
                View::new(name.clone()).notice(Level::Error, format!("{name}: {problem}")),
            ));
        }
    };
    let doc = documents::save(&name, &media, &bytes).map_err(failed)?;
    log::info(&format!(
        "fetched attachment {} ({} bytes) into the container",
        name, doc.size
    ));
    let shown = !(media.starts_with("audio/") || media.starts_with("video/"));
    if shown {
        documents::open(&doc.id).map_err(failed)?;
    }
    Ok(back(View::new(name).notice(
        Level::Info,
        text::fetched(&doc.id, &doc.media_type, doc.size),
    )))
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
                View::new("bench").extend(rows.into_iter().take(300), |v, r| {
                    v.item(Item::new(r.title).subtitle(r.subtitle).action(r.action))
                }),
            );
        }
        if configured().is_empty() {
            return Ok(View::new(text::news()).notice(Level::Info, text::no_feeds_configured()));
        }
        if let Some(id) = route.strip_prefix("item:") {
            return article(id);
        }
        let (scope, page) = parse_route(route);
        let mut states = states()?;
        // The first visit fetches; later ones show what is stored until "refresh".
        let mut notices = Vec::new();
        if states.iter().all(|(_, s)| s.articles.is_empty()) {
            notices = refresh()?;
            states = self::states()?;
        }
        list(&scope, page, &states, notices)
    }

    fn act(action: &str, _form: &Form) -> Result<View, AppError> {
        match action {
            "refresh" => {
                let notices = refresh()?;
                list(&Scope::All, 1, &states()?, notices)
            }
            "list" => Self::view(""),
            "saved" => Self::view("saved"),
            // Older shells and scripts know this name: all feeds.
            "mark-all-read" => Self::act("mark-read:all", _form),
            other => {
                if let Some(id) = other.strip_prefix("item:") {
                    return article(id);
                }
                if let Some(spec) = other.strip_prefix("fetch:") {
                    return fetch_enclosure(spec);
                }
                if other.starts_with("category:")
                    || other.starts_with("feed:")
                    || other.starts_with("page:")
                {
                    return Self::view(other);
                }
                if let Some(scope) = other.strip_prefix("mark-read:") {
                    let scope = Scope::parse(scope);
                    let states = states()?;
                    let mut read = read_set()?;
                    for (name, s) in &states {
                        for a in &s.articles {
                            let hit = match &scope {
                                Scope::All | Scope::Saved => true,
                                Scope::Feed(f) => f == name,
                                Scope::Category(c) => a.categories.contains(c),
                            };
                            if hit {
                                read.insert(a.id.clone());
                            }
                        }
                    }
                    store_read(&read, &states)?;
                    return list(&scope, 1, &states, Vec::new());
                }
                if let Some(id) = other.strip_prefix("save:") {
                    let a = find(&states()?, id)?;
                    let mut s = saved()?;
                    if !s.iter().any(|x| x.id == a.id) {
                        s.insert(0, a);
                        s.truncate(KEEP_SAVED);
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
                Err(not_found(text::no_action(other)))
            }
        }
    }
}

export_app!(News);
