//! Every text the news app shows, in German and English. Each function matches on the
//! user's language, so a text missing in one language does not compile. What a feed says
//! (titles, names, categories) is shown as the feed wrote it and never passes through here.

use kapsel_sdk::i18n::{Lang, lang};

/// The start view's title, and the app's name in notifications.
pub fn news() -> &'static str {
    match lang() {
        Lang::De => "Nachrichten",
        Lang::En => "News",
    }
}

/// A view or notification title naming a feed or a category.
pub fn news_of(name: &str) -> String {
    format!("{}: {name}", news())
}

pub fn saved_articles() -> &'static str {
    match lang() {
        Lang::De => "Gemerkte Artikel",
        Lang::En => "Saved articles",
    }
}

pub fn no_feeds_configured() -> &'static str {
    match lang() {
        Lang::De => "Der Mandant hat keine Feeds eingerichtet.",
        Lang::En => "The tenant has not configured any feeds.",
    }
}

pub fn heading_feeds() -> &'static str {
    match lang() {
        Lang::De => "Feeds",
        Lang::En => "Feeds",
    }
}

pub fn heading_articles() -> &'static str {
    match lang() {
        Lang::De => "Artikel",
        Lang::En => "Articles",
    }
}

/// A feed's line in the start view.
pub fn feed_counts(articles: usize, unread: usize) -> String {
    match lang() {
        Lang::De => format!("{articles} Artikel, {unread} ungelesen"),
        Lang::En => format!("{articles} articles, {unread} unread"),
    }
}

/// The badge of a feed with unread articles.
pub fn unread_badge(unread: usize) -> String {
    match lang() {
        Lang::De => format!("{unread} ungelesen"),
        Lang::En => format!("{unread} unread"),
    }
}

/// The badge of an unread article.
pub fn new_badge() -> &'static str {
    match lang() {
        Lang::De => "neu",
        Lang::En => "new",
    }
}

pub fn no_articles() -> &'static str {
    match lang() {
        Lang::De => "Keine Artikel.",
        Lang::En => "No articles.",
    }
}

/// Where this page stands in the whole list.
pub fn page_line(
    from: usize,
    to: usize,
    total: usize,
    unread: usize,
    page: usize,
    pages: usize,
) -> String {
    match lang() {
        Lang::De => format!(
            "Artikel {from}–{to} von {total}, {unread} ungelesen (Seite {page} von {pages})"
        ),
        Lang::En => {
            format!("Articles {from}–{to} of {total}, {unread} unread (page {page} of {pages})")
        }
    }
}

pub fn previous_page() -> &'static str {
    match lang() {
        Lang::De => "Vorherige Seite",
        Lang::En => "Previous page",
    }
}

pub fn next_page() -> &'static str {
    match lang() {
        Lang::De => "Nächste Seite",
        Lang::En => "Next page",
    }
}

pub fn category_button(category: &str, count: usize) -> String {
    match lang() {
        Lang::De => format!("Kategorie: {category} ({count})"),
        Lang::En => format!("Category: {category} ({count})"),
    }
}

pub fn all_feeds() -> &'static str {
    match lang() {
        Lang::De => "Alle Feeds",
        Lang::En => "All feeds",
    }
}

pub fn mark_read() -> &'static str {
    match lang() {
        Lang::De => "Diese als gelesen markieren",
        Lang::En => "Mark these read",
    }
}

pub fn refresh() -> &'static str {
    match lang() {
        Lang::De => "Aktualisieren",
        Lang::En => "Refresh",
    }
}

/// The notification body for several new articles of an important feed.
pub fn new_articles(n: usize) -> String {
    match lang() {
        Lang::De => format!("{n} neue Artikel"),
        Lang::En => format!("{n} new articles"),
    }
}

/// Items of a fetch that could not be read.
pub fn skipped(feed: &str, n: usize) -> String {
    match (lang(), n) {
        (Lang::De, 1) => {
            format!("{feed}: 1 Eintrag konnte nicht gelesen werden und wurde übersprungen")
        }
        (Lang::De, _) => {
            format!("{feed}: {n} Einträge konnten nicht gelesen werden und wurden übersprungen")
        }
        (Lang::En, _) => format!("{feed}: {n} item(s) could not be read and were skipped"),
    }
}

/// A feed that could not be fetched: the problem, and whether the stored articles are shown.
pub fn fetch_failed(feed: &str, problem: &str, offline: bool) -> String {
    match (lang(), offline) {
        (Lang::De, true) => {
            format!("{feed}: {problem} – die gespeicherten Artikel werden angezeigt")
        }
        (Lang::En, true) => format!("{feed}: {problem} — showing the stored articles"),
        (_, false) => format!("{feed}: {problem}"),
    }
}

/// The numbers behind a feed's stored articles ("how many are kept and why").
pub struct Kept {
    pub stored: usize,
    pub limit: usize,
    pub in_feed: usize,
    pub duplicates: usize,
    pub skipped: usize,
    pub over_limit: usize,
    pub over_quota: usize,
}

pub fn kept_line(feed: &str, k: &Kept) -> String {
    let de = lang() == Lang::De;
    let mut line = if de {
        format!(
            "{feed}: {} Artikel gespeichert (höchstens {} je Feed, die neuesten zuerst); der Feed enthielt beim letzten Aktualisieren {}",
            k.stored, k.limit, k.in_feed
        )
    } else {
        format!(
            "{feed}: {} article(s) stored (at most {} per feed, newest first); the feed had {} at the last refresh",
            k.stored, k.limit, k.in_feed
        )
    };
    if k.duplicates > 0 {
        line.push_str(&match (de, k.duplicates) {
            (true, 1) => ", 1 Wiederholung verworfen".to_string(),
            (true, n) => format!(", {n} Wiederholungen verworfen"),
            (false, n) => format!(", {n} repeat(s) dropped"),
        });
    }
    if k.skipped > 0 {
        line.push_str(&match (de, k.skipped) {
            (true, 1) => ", 1 unlesbarer Eintrag übersprungen".to_string(),
            (true, n) => format!(", {n} unlesbare Einträge übersprungen"),
            (false, n) => format!(", {n} unreadable item(s) skipped"),
        });
    }
    if k.over_limit > 0 {
        line.push_str(&if de {
            format!(
                "; {} ältere Artikel wegen der Höchstzahl entfernt",
                k.over_limit
            )
        } else {
            format!("; {} older article(s) dropped for the limit", k.over_limit)
        });
    }
    if k.over_quota > 0 {
        line.push_str(&if de {
            format!(
                "; {} ältere Artikel entfernt, weil der Speicherplatz der App voll ist",
                k.over_quota
            )
        } else {
            format!(
                "; {} older article(s) dropped because the app's storage quota is full",
                k.over_quota
            )
        });
    }
    line.push('.');
    line
}

/// An article without a title of its own. Articles stored by earlier versions carry the
/// English placeholder itself.
pub fn title_or_untitled(title: &str) -> String {
    if title.is_empty() || title == "(untitled)" {
        match lang() {
            Lang::De => "(ohne Titel)".into(),
            Lang::En => "(untitled)".into(),
        }
    } else {
        title.to_string()
    }
}

/// An attachment's name, or a word for one the feed left unnamed.
pub fn attachment_name(name: &str) -> String {
    match (lang(), name.is_empty()) {
        (_, false) => name.to_string(),
        (Lang::De, true) => "Anhang".into(),
        (Lang::En, true) => "attachment".into(),
    }
}

pub fn by(authors: &str) -> String {
    match lang() {
        Lang::De => format!("Von {authors}"),
        Lang::En => format!("By {authors}"),
    }
}

pub fn categories(list: &str) -> String {
    match lang() {
        Lang::De => format!("Kategorien: {list}"),
        Lang::En => format!("Categories: {list}"),
    }
}

/// The word before an image's alt text in an article: `[image: Rathaus]`.
pub fn image() -> &'static str {
    match lang() {
        Lang::De => "Bild",
        Lang::En => "image",
    }
}

pub fn open_original() -> &'static str {
    match lang() {
        Lang::De => "Originalartikel öffnen",
        Lang::En => "Open the original article",
    }
}

pub fn attachments() -> &'static str {
    match lang() {
        Lang::De => "Anhänge",
        Lang::En => "Attachments",
    }
}

/// Appended to an attachment's type and size: what choosing it does.
pub fn fetch_hint() -> &'static str {
    match lang() {
        Lang::De => " – in den Container holen",
        Lang::En => " — fetch into the container",
    }
}

pub fn save() -> &'static str {
    match lang() {
        Lang::De => "Merken",
        Lang::En => "Save",
    }
}

pub fn unsave() -> &'static str {
    match lang() {
        Lang::De => "Nicht mehr merken",
        Lang::En => "Remove from saved",
    }
}

pub fn back_to(feed: &str) -> String {
    match lang() {
        Lang::De => format!("Zurück zu {feed}"),
        Lang::En => format!("Back to {feed}"),
    }
}

pub fn back_to_list() -> &'static str {
    match lang() {
        Lang::De => "Zurück zur Liste",
        Lang::En => "Back to the list",
    }
}

pub fn back_to_article() -> &'static str {
    match lang() {
        Lang::De => "Zurück zum Artikel",
        Lang::En => "Back to the article",
    }
}

pub fn fetched(document: &str, media_type: &str, size: u64) -> String {
    let size = size_text(size);
    match lang() {
        Lang::De => {
            format!("Als Dokument {document} in den Container geholt ({media_type}, {size}).")
        }
        Lang::En => {
            format!("Fetched into the container as document {document} ({media_type}, {size}).")
        }
    }
}

/// A size as people read it: bytes below a KiB, whole KB below a MiB, MB with one decimal.
pub fn size_text(bytes: u64) -> String {
    let de = lang() == Lang::De;
    match bytes {
        b if b >= 1 << 20 => format!("{} MB", lang().decimal(b as f64 / f64::from(1 << 20), 1)),
        b if b >= 1 << 10 => format!("{} KB", b.div_ceil(1 << 10)),
        b if de => format!("{b} Bytes"),
        b => format!("{b} bytes"),
    }
}

// Errors the user reads (in a notice or the host's error view).

pub fn no_feed(name: &str) -> String {
    match lang() {
        Lang::De => format!("Feed {name}"),
        Lang::En => format!("feed {name}"),
    }
}

pub fn no_article(id: &str) -> String {
    match lang() {
        Lang::De => format!("Artikel {id}"),
        Lang::En => format!("article {id}"),
    }
}

pub fn no_attachment(spec: &str) -> String {
    match lang() {
        Lang::De => format!("kein Anhang {spec}"),
        Lang::En => format!("no attachment {spec}"),
    }
}

pub fn no_such_attachment(n: usize, article: &str) -> String {
    match lang() {
        Lang::De => format!("Anhang {n} von Artikel {article}"),
        Lang::En => format!("attachment {n} of article {article}"),
    }
}

pub fn no_action(action: &str) -> String {
    match lang() {
        Lang::De => format!("keine Aktion {action}"),
        Lang::En => format!("no action {action}"),
    }
}

/// An HTTP status that is not a feed.
pub fn http_problem(status: u16) -> String {
    match (lang(), status) {
        (Lang::De, 401 | 403) => {
            format!("der Server hat den Zugriff verweigert (HTTP {status})")
        }
        (Lang::En, 401 | 403) => format!("the server refused access (HTTP {status})"),
        (Lang::De, 404) => "diesen Feed gibt es nicht (HTTP 404)".into(),
        (Lang::En, 404) => "the feed does not exist (HTTP 404)".into(),
        (Lang::De, s) => format!("der Server antwortete mit HTTP {s}"),
        (Lang::En, s) => format!("the server answered HTTP {s}"),
    }
}

/// The server answered an attachment's request with this status.
pub fn attachment_status(status: u16) -> String {
    match lang() {
        Lang::De => format!("der Server antwortete mit HTTP {status}"),
        Lang::En => format!("the server answered HTTP {status}"),
    }
}

/// The request did not reach the server or got no answer; `why` is the host's words.
pub fn cannot_fetch_feed(why: &str) -> String {
    match lang() {
        Lang::De => format!("der Feed kann nicht abgerufen werden: {why}"),
        Lang::En => format!("cannot fetch the feed: {why}"),
    }
}

pub fn cannot_fetch_attachment(why: &str) -> String {
    match lang() {
        Lang::De => format!("der Anhang kann nicht abgerufen werden: {why}"),
        Lang::En => format!("cannot fetch the attachment: {why}"),
    }
}

pub fn feed_too_large() -> &'static str {
    match lang() {
        Lang::De => "der Feed ist zu groß",
        Lang::En => "the feed is too large",
    }
}

/// Why a feed could not be read at all. The XML or JSON parser's own words are English and
/// technical: the English text keeps them, the German one names the problem and leaves
/// them to the app's log.
pub fn feed_error(e: &kapsel_feed::FeedError) -> String {
    use kapsel_feed::FeedError;
    match (lang(), e) {
        (Lang::En, e) => e.to_string(),
        (Lang::De, FeedError::Malformed(_)) => {
            "der Feed ist fehlerhaft und kann nicht gelesen werden".into()
        }
        (Lang::De, FeedError::NotJsonObject) => "der Feed ist fehlerhaft: kein JSON-Objekt".into(),
        (Lang::De, FeedError::NoItems) => {
            "der Feed ist fehlerhaft: er enthält keine Liste von Einträgen".into()
        }
        (Lang::De, FeedError::NotJsonFeed) => "der Feed ist fehlerhaft: kein JSON Feed".into(),
    }
}
