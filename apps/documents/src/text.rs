//! Every text the documents app shows, in German and English: view titles, buttons, notices,
//! item lines, error messages, and the language's way of writing numbers, sizes and dates.
//! Each text matches on the user's language, so one missing in either language does not
//! compile. Names and messages that come from a server are passed through, never translated.

use kapsel_sdk::http::HttpError;
use kapsel_sdk::i18n::{Lang, lang, tr};

// ---- numbers, sizes, dates ------------------------------------------------------------------

/// `2500` → `2,500` (English) or `2.500` (German).
pub fn count(n: usize) -> String {
    lang().integer(n as u64)
}

/// A size with one decimal: `5.0 MiB` / `5,0 MiB`; whole bytes below 1 KiB.
pub fn size(bytes: u64) -> String {
    const UNITS: [&str; 5] = ["KiB", "MiB", "GiB", "TiB", "PiB"];
    if bytes < 1024 {
        return format!("{bytes} B");
    }
    let mut value = bytes as f64 / 1024.0;
    let mut unit = 0;
    while value >= 1024.0 && unit + 1 < UNITS.len() {
        value /= 1024.0;
        unit += 1;
    }
    format!("{} {}", lang().decimal(value, 1), UNITS[unit])
}

/// A point in time (UTC): `2026-12-02 14:05 UTC` / `02.12.2026 14:05 UTC`.
pub fn stamp(y: u32, mo: u32, d: u32, h: u32, mi: u32) -> String {
    match lang() {
        Lang::De => format!("{d:02}.{mo:02}.{y:04} {h:02}:{mi:02} UTC"),
        Lang::En => format!("{y:04}-{mo:02}-{d:02} {h:02}:{mi:02} UTC"),
    }
}

// ---- the start view and navigation ----------------------------------------------------------

pub fn app_title() -> &'static str {
    tr("Documents", "Dokumente")
}

pub fn no_libraries() -> &'static str {
    tr(
        "The tenant has not configured any document library.",
        "Der Mandant hat keine Dokumentbibliothek eingerichtet.",
    )
}

/// The way up from a folder: not "..", which a server may use as a (refused) name.
pub fn up_item() -> &'static str {
    tr("↑ Up", "↑ Nach oben")
}

pub fn up_button() -> &'static str {
    tr("Up", "Nach oben")
}

pub fn back() -> &'static str {
    tr("Back", "Zurück")
}

pub fn back_to_folder() -> &'static str {
    tr("Back to the folder", "Zurück zum Ordner")
}

pub fn to_libraries() -> &'static str {
    tr("to the list of libraries", "zur Liste der Bibliotheken")
}

pub fn to_site_libraries() -> &'static str {
    tr("to the site's libraries", "zu den Bibliotheken der Website")
}

/// Where the way up leads: `to Projekte`.
pub fn to_folder(name: &str) -> String {
    match lang() {
        Lang::De => format!("zu {name}"),
        Lang::En => format!("to {name}"),
    }
}

// ---- listings -------------------------------------------------------------------------------

pub fn entries(n: usize) -> String {
    match (lang(), n) {
        (Lang::De, 1) => "1 Eintrag".into(),
        (Lang::De, n) => format!("{} Einträge", count(n)),
        (Lang::En, 1) => "1 entry".into(),
        (Lang::En, n) => format!("{} entries", count(n)),
    }
}

/// `Entries 1–500 of 2,501`.
pub fn entries_of(first: usize, last: usize, total: usize) -> String {
    let (a, b, t) = (count(first), count(last), count(total));
    match lang() {
        Lang::De => format!("Einträge {a}–{b} von {t}"),
        Lang::En => format!("Entries {a}–{b} of {t}"),
    }
}

pub fn entries_more_follow(first: usize, last: usize) -> String {
    let (a, b) = (count(first), count(last));
    match lang() {
        Lang::De => format!("Einträge {a}–{b}; weitere folgen"),
        Lang::En => format!("Entries {a}–{b}; more follow"),
    }
}

pub fn showing(first: usize, last: usize) -> String {
    let (a, b) = (count(first), count(last));
    match lang() {
        Lang::De => format!("angezeigt: {a}–{b}"),
        Lang::En => format!("showing {a}–{b}"),
    }
}

pub fn next_entries(n: usize) -> String {
    match lang() {
        Lang::De => format!("Nächste {} Einträge", count(n)),
        Lang::En => format!("Next {} entries", count(n)),
    }
}

pub fn previous_entries() -> &'static str {
    tr("Previous entries", "Vorherige Einträge")
}

pub fn next_page() -> &'static str {
    tr("Next page", "Nächste Seite")
}

pub fn first_page() -> &'static str {
    tr("First page", "Erste Seite")
}

pub fn odd_names(n: usize) -> String {
    match lang() {
        Lang::De => format!(
            "{} Einträge haben Namen, die keine einfachen Dateinamen sind: Sie werden angezeigt, aber nicht geöffnet.",
            count(n)
        ),
        Lang::En => format!(
            "{} entries have names that are not plain file names: they are shown, not opened.",
            count(n)
        ),
    }
}

/// The line under an entry that is shown but not followed.
pub fn not_opened(why: &str) -> String {
    match lang() {
        Lang::De => format!("⚠ nicht geöffnet: {why}"),
        Lang::En => format!("⚠ not opened: {why}"),
    }
}

pub fn name_empty() -> &'static str {
    tr(
        "it is empty or a dot segment",
        "er ist leer oder ein Punkt-Segment",
    )
}

pub fn name_separator() -> &'static str {
    tr(
        "it contains a path separator",
        "er enthält ein Pfad-Trennzeichen",
    )
}

pub fn name_control() -> &'static str {
    tr("it contains control characters", "er enthält Steuerzeichen")
}

pub fn outside_folder() -> &'static str {
    tr(
        "the server places it outside this folder",
        "der Server legt ihn außerhalb dieses Ordners ab",
    )
}

pub fn placed_elsewhere(server_url: &str) -> String {
    match lang() {
        Lang::De => format!("der Server legt ihn woanders ab ({server_url})"),
        Lang::En => format!("the server places it elsewhere ({server_url})"),
    }
}

pub fn outside_site() -> &'static str {
    tr(
        "the result lies outside this site",
        "der Treffer liegt außerhalb dieser Website",
    )
}

// ---- sorting --------------------------------------------------------------------------------

pub fn sort_name() -> &'static str {
    tr("name (A–Z)", "Name (A–Z)")
}

pub fn sort_date() -> &'static str {
    tr("date (newest first)", "Datum (neueste zuerst)")
}

pub fn sort_size() -> &'static str {
    tr("size (largest first)", "Größe (größte zuerst)")
}

pub fn sorted_by(label: &str) -> String {
    match lang() {
        Lang::De => format!("Sortiert nach {label}"),
        Lang::En => format!("Sorted by {label}"),
    }
}

pub fn sort_by(label: &str) -> String {
    match lang() {
        Lang::De => format!("Sortieren nach {label}"),
        Lang::En => format!("Sort by {label}"),
    }
}

// ---- search ---------------------------------------------------------------------------------

pub fn search() -> &'static str {
    tr("Search", "Suchen")
}

pub fn search_title(q: &str) -> String {
    match lang() {
        Lang::De => format!("Suche: {q}"),
        Lang::En => format!("Search: {q}"),
    }
}

pub fn search_needs_words() -> &'static str {
    tr("enter what to search for", "Suchbegriff eingeben")
}

pub fn no_results(total: u64) -> String {
    let t = count(total as usize);
    match lang() {
        Lang::De => format!("Keine Treffer (die Website meldet {t})."),
        Lang::En => format!("No results (the site reports {t})."),
    }
}

pub fn results_of(first: usize, last: usize, total: u64) -> String {
    let (a, b, t) = (count(first), count(last), count(total as usize));
    match lang() {
        Lang::De => format!("Treffer {a}–{b} von {t} (Zählung der Website)"),
        Lang::En => format!("Results {a}–{b} of {t} (the site's count)"),
    }
}

pub fn next_results() -> &'static str {
    tr("Next results", "Weitere Treffer")
}

pub fn previous_results() -> &'static str {
    tr("Previous results", "Vorherige Treffer")
}

// ---- downloads ------------------------------------------------------------------------------

pub fn downloaded(id: &str, size_text: &str, media: &str) -> String {
    match lang() {
        Lang::De => format!("In den Container geladen als Dokument {id} ({size_text}, {media})."),
        Lang::En => {
            format!("Downloaded into the container as document {id} ({size_text}, {media}).")
        }
    }
}

pub fn too_large(name: &str, file: u64, limit: u64) -> String {
    let (s, l) = (size(file), size(limit));
    match lang() {
        Lang::De => format!(
            "„{name}“ ist {s} groß; ein Dokument im Container darf höchstens {l} groß sein, daher wurde es nicht geladen."
        ),
        Lang::En => format!(
            "“{name}” is {s}; a document in the container can be at most {l}, so it was not downloaded."
        ),
    }
}

pub fn no_parts(limit: u64) -> String {
    let l = size(limit);
    match lang() {
        Lang::De => format!(
            "die Datei ist größer, als eine Antwort sein darf ({l}), und der Server liefert sie nicht in Teilen"
        ),
        Lang::En => format!(
            "the file is larger than one answer may be ({l}) and the server does not send it in parts"
        ),
    }
}

pub fn changed_while_downloading() -> &'static str {
    tr(
        "the file changed on the server while it was downloading; open it again",
        "die Datei hat sich auf dem Server während des Ladens geändert; bitte erneut öffnen",
    )
}

pub fn wrong_part() -> &'static str {
    tr(
        "the server sent a part of the file other than the one asked for",
        "der Server hat einen anderen Teil der Datei geschickt als den angefragten",
    )
}

pub fn wrong_length() -> &'static str {
    tr(
        "the server's part of the file has the wrong length",
        "der Teil der Datei vom Server hat die falsche Länge",
    )
}

pub fn cannot_download(why: &str) -> String {
    match lang() {
        Lang::De => format!("Laden nicht möglich: {why}"),
        Lang::En => format!("cannot download: {why}"),
    }
}

pub fn cannot_store(why: &str) -> String {
    match lang() {
        Lang::De => format!("kann nicht im Container gespeichert werden: {why}"),
        Lang::En => format!("cannot store it in the container: {why}"),
    }
}

/// The app's log line for a download (kept in the container, read with `kapsel app log`).
pub fn logged_download(name: &str, bytes: u64, media: &str) -> String {
    match lang() {
        Lang::De => format!("{name} ({bytes} Bytes, {media}) in den Container geladen"),
        Lang::En => format!("downloaded {name} ({bytes} bytes, {media}) into the container"),
    }
}

// ---- the http capability's refusals ---------------------------------------------------------

/// An http error in words; the host's own message (already in the user's language) is kept.
pub fn http_error(e: &HttpError) -> String {
    match (lang(), e) {
        (Lang::De, HttpError::Denied(m)) => format!("vom Container abgelehnt: {m}"),
        (Lang::En, HttpError::Denied(m)) => format!("refused by the container: {m}"),
        (Lang::De, HttpError::InvalidUrl(m)) => format!("ungültige Adresse: {m}"),
        (Lang::En, HttpError::InvalidUrl(m)) => format!("invalid address: {m}"),
        (Lang::De, HttpError::Timeout(m)) => format!("Zeitüberschreitung: {m}"),
        (Lang::En, HttpError::Timeout(m)) => format!("timed out: {m}"),
        (Lang::De, HttpError::TooLarge(n)) => {
            format!("die Antwort ist größer als erlaubt ({})", size(*n))
        }
        (Lang::En, HttpError::TooLarge(n)) => {
            format!("the answer is larger than allowed ({})", size(*n))
        }
        (_, HttpError::Tls(m)) => format!("TLS: {m}"),
        (Lang::De, HttpError::Connect(m)) => format!("keine Verbindung: {m}"),
        (Lang::En, HttpError::Connect(m)) => format!("cannot connect: {m}"),
        (_, HttpError::Protocol(m)) => format!("HTTP: {m}"),
    }
}

// ---- WebDAV ---------------------------------------------------------------------------------

pub fn cannot_reach_library(why: &str) -> String {
    match lang() {
        Lang::De => format!("die Bibliothek ist nicht erreichbar: {why}"),
        Lang::En => format!("cannot reach the library: {why}"),
    }
}

pub fn not_xml(e: &str) -> String {
    match lang() {
        Lang::De => format!("die Antwort des Servers ist kein gültiges XML: {e}"),
        Lang::En => format!("the server's answer is not valid XML: {e}"),
    }
}

/// A token the host sent was turned down (RFC 6750 `invalid_token`).
pub fn token_rejected(origin: &str) -> String {
    match lang() {
        Lang::De => format!(
            "der Server hat Ihre Zugangsdaten abgelehnt (HTTP 401): das gespeicherte Token ist falsch oder abgelaufen; speichern Sie ein neues mit: kapsel credential set {origin}"
        ),
        Lang::En => format!(
            "the server rejected your credential (HTTP 401): the stored token is wrong or has expired; store a new one with: kapsel credential set {origin}"
        ),
    }
}

/// The host signed in with the user's directory login and the server said no.
pub fn password_rejected(origin: &str) -> String {
    match lang() {
        Lang::De => format!(
            "der Server hat Ihre Anmeldung abgelehnt (HTTP 401): Benutzername oder Passwort Ihres Kontos wurden nicht angenommen. Kapsel meldet sich mit Ihrem Verzeichnis-Login und dem Passwort des Containers an; hat sich Ihr Verzeichnis-Passwort geändert, ändern Sie das des Containers mit: kapsel passwd. Verlangt die Freigabe stattdessen ein Token, gibt der Mandant sie als bearer frei und Sie speichern es mit: kapsel credential set {origin}"
        ),
        Lang::En => format!(
            "the server rejected your sign-in (HTTP 401): it did not accept your account's user name and password. Kapsel signs in with your directory login and the container's password; if your directory password changed, change the container's with: kapsel passwd. If the share takes a token instead, the tenant grants it as bearer and you store it with: kapsel credential set {origin}"
        ),
    }
}

/// The server wants a sign-in and the host added none: the tenant grants no credential here.
pub fn share_without_credential(origin: &str) -> String {
    match lang() {
        Lang::De => format!(
            "die Freigabe verlangt eine Anmeldung, aber es wurden keine Zugangsdaten gesendet (HTTP 401): der Mandant hat für diese Bibliothek keine Zugangsdaten eingerichtet. Er kann Ihre Verzeichnis-Anmeldung (basic) oder ein Token (bearer) freigeben; ein Token speichern Sie mit: kapsel credential set {origin}"
        ),
        Lang::En => format!(
            "the share asks for a sign-in, but no credential was sent (HTTP 401): the tenant has configured no credentials for this library. The tenant can grant your directory sign-in (basic) or a token (bearer); you store a token with: kapsel credential set {origin}"
        ),
    }
}

/// The host would not send: it adds a token for this library and none is stored.
pub fn no_token_for_library(host_text: &str, origin: &str) -> String {
    match lang() {
        Lang::De => format!(
            "für diese Bibliothek ist kein Token gespeichert ({host_text}); speichern Sie Ihr Token mit: kapsel credential set {origin}"
        ),
        Lang::En => format!(
            "no token is stored for this library ({host_text}); store your token with: kapsel credential set {origin}"
        ),
    }
}

pub fn folder_denied() -> &'static str {
    tr(
        "access denied: your account may not open this folder (HTTP 403)",
        "Zugriff verweigert: Ihr Konto darf diesen Ordner nicht öffnen (HTTP 403)",
    )
}

pub fn folder_gone() -> &'static str {
    tr(
        "not found: the folder or file no longer exists (HTTP 404)",
        "nicht gefunden: der Ordner oder die Datei existiert nicht mehr (HTTP 404)",
    )
}

/// Any other status; `detail` is the server's own text (`: …`) or empty.
pub fn server_status(status: u16, detail: &str) -> String {
    match lang() {
        Lang::De => format!("der Server antwortete mit HTTP {status}{detail}"),
        Lang::En => format!("the server answered HTTP {status}{detail}"),
    }
}

// ---- SharePoint -----------------------------------------------------------------------------

pub fn site_rejected(why: &str, origin: &str) -> String {
    match lang() {
        Lang::De => format!(
            "die Website hat Ihre Zugangsdaten abgelehnt (HTTP 401: {why}). Das gespeicherte Token ist falsch oder abgelaufen; speichern Sie ein neues mit: kapsel credential set {origin}"
        ),
        Lang::En => format!(
            "the site rejected your credential (HTTP 401: {why}). The stored token is wrong or has expired; store a new one with: kapsel credential set {origin}"
        ),
    }
}

pub fn site_without_credential(origin: &str) -> String {
    match lang() {
        Lang::De => format!(
            "die Website verlangt eine Anmeldung, aber es wurden keine Zugangsdaten gesendet (HTTP 401): der Mandant hat für diese Website keine Zugangsdaten eingerichtet. Soll sie ein Token verwenden, gibt der Administrator es als bearer frei und Sie speichern es mit: kapsel credential set {origin}"
        ),
        Lang::En => format!(
            "the site asks for a sign-in, but no credential was sent (HTTP 401): the tenant has configured no credentials for this site. If it should use a token, the administrator grants it as bearer and you store it with: kapsel credential set {origin}"
        ),
    }
}

/// The host refused to send: the tenant grants a token for this site and none is stored.
pub fn no_token_stored(host_text: Option<&str>, origin: &str) -> String {
    let why = host_text.map(|t| format!(" ({t})")).unwrap_or_default();
    match lang() {
        Lang::De => format!(
            "für diese Website sind keine Zugangsdaten gespeichert{why}; speichern Sie Ihr Token mit: kapsel credential set {origin}"
        ),
        Lang::En => format!(
            "no credential is stored for this site{why}; store your token with: kapsel credential set {origin}"
        ),
    }
}

/// A 401 to a credential the host sent, without the site saying why.
pub fn no_reason() -> &'static str {
    tr("no reason given", "ohne Begründung")
}

pub fn invalid_token() -> &'static str {
    tr("invalid token", "ungültiges Token")
}

pub fn access_denied(detail: &str) -> String {
    match lang() {
        Lang::De => {
            format!("Zugriff verweigert: Ihr Konto darf dies nicht öffnen (HTTP 403){detail}")
        }
        Lang::En => format!("access denied: your account may not open this (HTTP 403){detail}"),
    }
}

pub fn not_found(detail: &str) -> String {
    match lang() {
        Lang::De => format!("nicht gefunden (HTTP 404){detail}"),
        Lang::En => format!("not found (HTTP 404){detail}"),
    }
}

pub fn cannot_reach_site(why: &str) -> String {
    match lang() {
        Lang::De => format!("die Website ist nicht erreichbar: {why}"),
        Lang::En => format!("cannot reach the site: {why}"),
    }
}

pub fn not_json(e: &str) -> String {
    match lang() {
        Lang::De => format!("die Antwort der Website ist kein JSON: {e}"),
        Lang::En => format!("the site's answer is not JSON: {e}"),
    }
}

pub fn no_skiptoken() -> &'static str {
    tr(
        "the site's link to the next page carries no usable position ($skiptoken)",
        "der Link der Website zur nächsten Seite enthält keine brauchbare Position ($skiptoken)",
    )
}

// ---- actions the app cannot follow ----------------------------------------------------------

pub fn unknown_library(name: &str) -> String {
    match lang() {
        Lang::De => format!("Bibliothek {name}"),
        Lang::En => format!("library {name}"),
    }
}

pub fn unknown_site(name: &str) -> String {
    match lang() {
        Lang::De => format!("SharePoint-Website {name}"),
        Lang::En => format!("SharePoint site {name}"),
    }
}

pub fn unknown_action(action: &str) -> String {
    match lang() {
        Lang::De => format!("keine Aktion {action}"),
        Lang::En => format!("no action {action}"),
    }
}

/// An action string the app did not make (a folder, page, search or open action).
pub fn bad_action() -> &'static str {
    tr("this action is malformed", "diese Aktion ist fehlerhaft")
}

pub fn bad_number() -> &'static str {
    tr(
        "a position in this action is not a number",
        "eine Position in dieser Aktion ist keine Zahl",
    )
}
