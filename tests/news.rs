//! The news app against a real HTTPS server (nginx from tests/servers, test CA): feeds shaped
//! like real ones in every format, an ISO-8859-1 feed, a truncated and a malformed one,
//! ETag/If-Modified-Since refresh answered with 304, notifications for an important feed,
//! read/unread, saved articles and offline reading.

use std::io::Write;

use kapsel_host::{Block, Call, CallOutcome};
use kapsel_tests::action_for;
use kapsel_tests::host::TestHost;
use kapsel_tests::servers::test_servers;

const RSS2: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:dc="http://purl.org/dc/elements/1.1/">
<channel><title>Amtsblatt</title><link>https://localhost/</link><description>Mitteilungen</description>
<item><title>Neue Öffnungszeiten &amp; Termine</title><link>/news/oeffnungszeiten.html</link><guid>amt-1</guid>
<category>Verwaltung</category><pubDate>Mon, 23 Nov 2026 09:00:00 +0100</pubDate><dc:creator>Presseamt</dc:creator>
<description>Kurzfassung</description>
<content:encoded><![CDATA[<p>Ab <b>Dezember</b> gelten neue Zeiten.</p><script>alert(1)</script><img src="https://tracker.example/p.gif" alt="Rathaus"><p><a href="/formulare">Formulare</a></p>]]></content:encoded></item>
<item><title>Zweite Meldung</title><link>/news/2</link><guid>amt-2</guid><category>IT</category>
<pubDate>Tue, 24 Nov 2026 10:00:00 +0100</pubDate><description>&lt;p&gt;Escaped &amp;amp; HTML&lt;/p&gt;</description></item>
EXTRA</channel></rss>
"#;

const ATOM: &str = r#"<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xml:base="/blog/">
<title>IT-Blog</title><id>urn:it-blog</id><updated>2026-11-25T08:00:00Z</updated>
<entry><title type="html">Update &lt;em&gt;heute&lt;/em&gt;</title><id>urn:it-1</id><updated>2026-11-25T08:00:00Z</updated>
<link href="eintrag-1.html"/><category term="Sicherheit"/>
<content type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml"><p>Bitte <strong>Passwörter</strong> ändern.</p></div></content></entry>
</feed>
"#;

const RSS1: &str = r#"<?xml version="1.0"?>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/">
<channel rdf:about="https://localhost/"><title>Personalrat</title><link>https://localhost/</link><description>PR</description></channel>
<item rdf:about="https://localhost/pr/1"><title>Personalversammlung</title><link>https://localhost/pr/1</link><description>Am Freitag</description></item>
</rdf:RDF>
"#;

const RSS091: &str = r#"<?xml version="1.0"?>
<rss version="0.91"><channel><title>Kantine</title><link>https://localhost/</link><description>K</description><language>de</language>
<item><title>Speiseplan KW 48</title><link>https://localhost/kantine/48</link><description>Linsensuppe</description></item></channel></rss>
"#;

const JSON_FEED: &str = r#"{"version":"https://jsonfeed.org/version/1.1","title":"Bibliothek","items":[{"id":"b1","title":"Neue Bücher","content_html":"<p>Über 20 neue Titel</p>","url":"https://localhost/bib/1","date_published":"2026-11-20T12:00:00Z","tags":["Bibliothek"]}]}"#;

struct Fx {
    h: TestHost,
    dir: std::path::PathBuf,
    prefix: String,
    access_log: std::path::PathBuf,
}

fn write(path: &std::path::Path, bytes: &[u8]) {
    let mut f = std::fs::File::create(path).unwrap();
    f.write_all(bytes).unwrap();
}

fn fixture() -> Fx {
    let servers = test_servers();
    let base = servers.get("TEST_HTTPS_URL"); // https://localhost:18443/
    let ca = std::fs::read_to_string(servers.get("TEST_CA_FILE")).unwrap();
    static NEXT: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
    let sub = format!("news-{}-{n}", std::process::id());
    let dir = servers.dir.join("nginx/www").join(&sub);
    std::fs::create_dir_all(&dir).unwrap();
    write(&dir.join("rss2.xml"), RSS2.replace("EXTRA", "").as_bytes());
    write(&dir.join("atom.xml"), ATOM.as_bytes());
    write(&dir.join("rss1.rdf"), RSS1.as_bytes());
    write(&dir.join("rss091.xml"), RSS091.as_bytes());
    write(&dir.join("feed.json"), JSON_FEED.as_bytes());
    let latin1: Vec<u8> = "<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?>\n<rss version=\"2.0\"><channel><title>Post</title><link>https://localhost/</link><description>d</description><item><title>Grüße aus der Poststelle</title><guid>p1</guid><description>Bitte Päckchen abholen</description></item></channel></rss>\n"
        .chars()
        .map(|c| c as u32 as u8)
        .collect();
    write(&dir.join("latin1.xml"), &latin1);
    write(
        &dir.join("truncated.xml"),
        &RSS2.as_bytes()[..RSS2.len() / 2],
    );
    write(&dir.join("malformed.xml"), b"this is { not a feed");
    let prefix = format!("{}{sub}", base);
    let origin = base.trim_end_matches('/').to_string();
    let settings: Vec<String> = [
        ("amt", "rss2.xml"),
        ("blog", "atom.xml"),
        ("pr", "rss1.rdf"),
        ("kantine", "rss091.xml"),
        ("bib", "feed.json"),
        ("post", "latin1.xml"),
        ("abgeschnitten", "truncated.xml"),
        ("kaputt", "malformed.xml"),
    ]
    .iter()
    .map(|(n, f)| format!("\"feed:{n}\" = \"{prefix}/{f}\""))
    .collect();
    let mut h = TestHost::builder()
        .trust(&ca)
        .apps(&format!(
            "[apps.news]\nstorage_quota_bytes = 16777216\nnotify = true\nlog = true\n\
             http_origins = [\"{origin}\"]\nhttp_private_origins = [\"{origin}\"]\ncall_timeout_ms = 20000\n\
             [apps.news.settings]\nimportant = \"amt\"\n{}\n",
            settings.join("\n")
        ))
        .build();
    h.install_builtin("news");
    Fx {
        h,
        dir,
        prefix: format!("/{sub}"),
        access_log: servers.dir.join("nginx/access.log"),
    }
}

impl Drop for Fx {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

fn badge_of(o: &CallOutcome, title: &str) -> Option<String> {
    o.view.blocks.iter().find_map(|b| match b {
        Block::Item {
            title: t, badge, ..
        } if t == title => Some(badge.clone().unwrap_or_default()),
        _ => None,
    })
}

#[test]
fn feeds_of_every_shape_are_read_through_the_capability() {
    let mut fx = fixture();
    let o =
        fx.h.host
            .call("news", &Call::View(String::new()), None)
            .unwrap();
    let t = o.view.render_text();
    for title in [
        "Neue Öffnungszeiten & Termine",
        "Zweite Meldung",
        "Update heute",
        "Personalversammlung",
        "Speiseplan KW 48",
        "Neue Bücher",
        "Grüße aus der Poststelle",
    ] {
        assert!(t.contains(title), "{title} missing in\n{t}");
    }
    assert!(t.contains("abgeschnitten: the feed is malformed"), "{t}");
    assert!(t.contains("kaputt: the feed is malformed"), "{t}");
    assert_eq!(badge_of(&o, "Zweite Meldung").as_deref(), Some("new"));

    // An article: safe text, links resolved against the feed and shown with their origin.
    let a =
        fx.h.host
            .call(
                "news",
                &Call::Act {
                    action: action_for(&o, "Neue Öffnungszeiten & Termine"),
                    form: vec![],
                },
                None,
            )
            .unwrap();
    let at = a.view.render_text();
    assert!(at.contains("Ab Dezember gelten neue Zeiten."), "{at}");
    assert!(
        at.contains("[image: Rathaus]")
            && !at.contains("alert(1)")
            && !at.contains("tracker.example"),
        "{at}"
    );
    assert!(
        at.contains(&format!(
            "Formulare <https://localhost:{}/formulare>",
            port(&fx)
        )),
        "{at}"
    );
    assert!(
        at.contains("news/oeffnungszeiten.html> (https://localhost)"),
        "{at}"
    );
    let atom =
        fx.h.host
            .call(
                "news",
                &Call::Act {
                    action: action_for(&o, "Update heute"),
                    form: vec![],
                },
                None,
            )
            .unwrap();
    assert!(
        atom.view.render_text().contains("Bitte Passwörter ändern."),
        "{}",
        atom.view.render_text()
    );
    // Read now; saved on request.
    let o =
        fx.h.host
            .call("news", &Call::View(String::new()), None)
            .unwrap();
    assert_eq!(
        badge_of(&o, "Neue Öffnungszeiten & Termine").as_deref(),
        Some("")
    );
    let id = action_for(&o, "Zweite Meldung")
        .trim_start_matches("item:")
        .to_string();
    fx.h.host
        .call(
            "news",
            &Call::Act {
                action: format!("save:{id}"),
                form: vec![],
            },
            None,
        )
        .unwrap();
    let saved =
        fx.h.host
            .call("news", &Call::View("saved".into()), None)
            .unwrap();
    assert!(saved.view.render_text().contains("Zweite Meldung"));
    let cat =
        fx.h.host
            .call("news", &Call::View("category:IT".into()), None)
            .unwrap()
            .view
            .render_text();
    assert!(
        cat.contains("Zweite Meldung") && !cat.contains("Personalversammlung"),
        "{cat}"
    );
}

fn port(fx: &Fx) -> String {
    let _ = fx;
    let base = test_servers().get("TEST_HTTPS_URL");
    base.trim_end_matches('/')
        .rsplit(':')
        .next()
        .unwrap()
        .to_string()
}

#[test]
fn refresh_is_conditional_notifies_and_works_offline() {
    let mut fx = fixture();
    fx.h.host
        .call("news", &Call::View(String::new()), None)
        .unwrap();
    // Unchanged feeds: nginx answers 304 to our ETag / If-Modified-Since.
    fx.h.host
        .call(
            "news",
            &Call::Act {
                action: "refresh".into(),
                form: vec![],
            },
            None,
        )
        .unwrap();
    let log = std::fs::read_to_string(&fx.access_log).unwrap();
    let rss2 = format!("GET {}/rss2.xml", fx.prefix);
    let hits: Vec<&str> = log.lines().filter(|l| l.contains(&rss2)).collect();
    assert!(
        hits.len() >= 2 && hits.last().unwrap().contains(" 304 "),
        "{hits:#?}"
    );
    // A new article in the important feed raises a notification.
    std::thread::sleep(std::time::Duration::from_millis(1100));
    let extra = "<item><title>Eilmeldung</title><link>/news/3</link><guid>amt-3</guid><pubDate>Wed, 25 Nov 2026 10:00:00 +0100</pubDate><description>Sofort</description></item>";
    write(
        &fx.dir.join("rss2.xml"),
        RSS2.replace("EXTRA", extra).as_bytes(),
    );
    let o =
        fx.h.host
            .call(
                "news",
                &Call::Act {
                    action: "refresh".into(),
                    form: vec![],
                },
                None,
            )
            .unwrap();
    assert!(o.view.render_text().contains("Eilmeldung"));
    assert_eq!(o.notifications.len(), 1, "{:?}", o.notifications);
    assert_eq!(o.notifications[0].title, "News: amt");
    assert_eq!(o.notifications[0].body, "Eilmeldung");
    // The feed disappears: the stored articles are still readable.
    std::fs::remove_file(fx.dir.join("rss2.xml")).unwrap();
    let o =
        fx.h.host
            .call(
                "news",
                &Call::Act {
                    action: "refresh".into(),
                    form: vec![],
                },
                None,
            )
            .unwrap();
    let t = o.view.render_text();
    assert!(
        t.contains("amt: the feed does not exist (HTTP 404) — showing the stored articles"),
        "{t}"
    );
    assert!(
        t.contains("Eilmeldung") && t.contains("Zweite Meldung"),
        "{t}"
    );
    let a =
        fx.h.host
            .call(
                "news",
                &Call::Act {
                    action: action_for(&o, "Eilmeldung"),
                    form: vec![],
                },
                None,
            )
            .unwrap();
    assert!(a.view.render_text().contains("Sofort"));
}
