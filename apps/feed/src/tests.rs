//! The parser against feeds shaped like the ones intranets publish.

use super::*;

const BASE: &str = "https://intranet.example/news/feed.xml";

fn one(body: &str) -> Parsed {
    parse_feed("t", body.as_bytes(), BASE).expect("the feed parses")
}

fn rss(items: &str) -> String {
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<rss version=\"2.0\" xmlns:dc=\"http://purl.org/dc/elements/1.1/\"><channel><title>T</title><link>https://intranet.example/</link><description>d</description>{items}</channel></rss>"
    )
}

fn words(html: &str) -> String {
    plain(html)
}

#[test]
fn json_feed_numeric_ids_are_text_and_a_bad_item_is_skipped() {
    let body = r#"{"version":"https://jsonfeed.org/version/1.1","title":"Bibliothek","home_page_url":"https://intranet.example/bib/",
      "items":[
        {"id":4711,"title":"Neue Bücher","content_html":"<p>Über 20 Titel</p>","url":"/bib/4711","date_published":"2026-11-20T12:00:00+01:00",
         "authors":[{"name":"Bibliotheksteam"}],"attachments":[{"url":"listen/neu%20im%20Dezember.pdf","mime_type":"application/pdf","size_in_bytes":48213}]},
        {"id":"b2","title":["not","a","string"]},
        "not even an object",
        {"id":12.5,"content_text":"Fernleihe: 5 < 7 und 7 > 5.\n\nZweiter Absatz","author":{"name":"Frau Schmidt"}},
        {"id":4711,"title":"Neue Bücher (wiederholt)"}
      ]}"#;
    let p = one(body);
    assert_eq!(p.skipped, 2, "{p:?}");
    assert_eq!(p.duplicates, 1);
    assert_eq!(p.articles.len(), 2);
    let a = &p.articles[0];
    assert_eq!(a.id, short_id("t", "4711"));
    assert_eq!(a.title, "Neue Bücher");
    assert_eq!(a.link.as_deref(), Some("https://intranet.example/bib/4711"));
    assert_eq!(a.date.as_deref(), Some("2026-11-20 11:00"));
    assert_eq!(a.authors, ["Bibliotheksteam"]);
    assert_eq!(
        a.enclosures,
        [Enclosure {
            url: "https://intranet.example/news/listen/neu%20im%20Dezember.pdf".into(),
            name: "neu im Dezember.pdf".into(),
            media_type: "application/pdf".into(),
            size: Some(48213),
        }]
    );
    let b = &p.articles[1];
    assert_eq!(b.id, short_id("t", "12.5"));
    // No title: empty here, the news app names it in the user's language.
    assert_eq!(b.title, "");
    assert_eq!(b.authors, ["Frau Schmidt"]);
    assert_eq!(
        words(&b.content),
        "Fernleihe: 5 < 7 und 7 > 5. Zweiter Absatz"
    );
}

#[test]
fn a_json_feed_without_items_or_broken_json_is_an_error_not_a_panic() {
    for body in [
        "{\"version\":\"https://jsonfeed.org/version/1.1\"}",
        "{\"items\":",
        "[1,2]",
    ] {
        let e = parse_feed("t", body.as_bytes(), BASE).unwrap_err();
        assert!(e.to_string().contains("malformed"), "{body}: {e}");
    }
}

#[test]
fn duplicates_go_by_guid_then_link_then_title_and_date() {
    let body = rss(
        "<item><title>A</title><guid>g1</guid><link>https://intranet.example/a</link></item>\
         <item><title>A again</title><guid>g1</guid><link>https://intranet.example/a2</link></item>\
         <item><title>A once more</title><guid>g1</guid></item>\
         <item><title>B</title><link>https://intranet.example/b</link></item>\
         <item><title>B twice</title><link>https://intranet.example/b</link></item>\
         <item><title>C</title><pubDate>Mon, 23 Nov 2026 09:00:00 +0100</pubDate><description>x</description></item>\
         <item><title>C</title><pubDate>Mon, 23 Nov 2026 09:00:00 +0100</pubDate><description>y</description></item>\
         <item><title>C</title><pubDate>Tue, 24 Nov 2026 09:00:00 +0100</pubDate><description>z</description></item>\
         <item><title>Other guid, same link</title><guid>g2</guid><link>https://intranet.example/a</link></item>",
    );
    let p = one(&body);
    let titles: Vec<&str> = p.articles.iter().map(|a| a.title.as_str()).collect();
    assert_eq!(titles, ["A", "B", "C", "C", "Other guid, same link"]);
    assert_eq!(p.duplicates, 4);
}

#[test]
fn text_constructs_are_text_and_html_is_read_as_html() {
    let atom = r#"<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>IT</title><id>urn:it</id><updated>2026-11-25T08:00:00Z</updated>
<entry><title type="text">Warum &lt;script&gt; in Titeln harmlos ist</title><id>urn:1</id><updated>2026-11-25T08:00:00Z</updated>
<summary type="text">5 &lt; 7 und 7 &gt; 5.</summary></entry>
<entry><title type="html">&lt;b&gt;Fett&lt;/b&gt; &amp;amp; &lt;script&gt;alert(1)&lt;/script&gt;klar</title><id>urn:2</id><updated>2026-11-25T08:00:00Z</updated>
<content type="html">&lt;p&gt;Absatz&lt;/p&gt;&lt;script&gt;alert(2)&lt;/script&gt;</content></entry>
<entry><title>Ohne Typ: a &lt; b</title><id>urn:3</id><updated>2026-11-25T08:00:00Z</updated>
<content type="text">Zeile 1
Zeile 2 &lt;img src=x onerror=alert(3)&gt;</content></entry>
</feed>"#;
    let p = one(atom);
    assert_eq!(p.articles[0].title, "Warum <script> in Titeln harmlos ist");
    assert_eq!(words(&p.articles[0].summary), "5 < 7 und 7 > 5.");
    assert_eq!(p.articles[1].title, "Fett & klar");
    assert_eq!(words(&p.articles[1].content), "Absatz");
    assert_eq!(p.articles[2].title, "Ohne Typ: a < b");
    assert_eq!(
        words(&p.articles[2].content),
        "Zeile 1 Zeile 2 <img src=x onerror=alert(3)>"
    );
    // RSS titles are text too.
    let p = one(&rss(
        "<item><title>5 &lt; 7 und 7 &gt; 5</title><guid>r1</guid><description>&lt;p&gt;Preis &amp;lt; 10 €&lt;/p&gt;</description></item>",
    ));
    assert_eq!(p.articles[0].title, "5 < 7 und 7 > 5");
    assert_eq!(words(&p.articles[0].summary), "Preis < 10 €");
    // An RSS description is HTML, and a bare `<` in HTML is still text.
    let p = one(&rss(
        "<item><title>t</title><guid>r2</guid><description>5 &lt; 7 und 7 &gt; 5.</description></item>",
    ));
    assert_eq!(words(&p.articles[0].summary), "5 < 7 und 7 > 5.");
}

#[test]
fn nested_xml_base_resolves_links_and_enclosures() {
    let atom = r#"<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xml:base="https://intranet.example/blog/">
<title>Blog</title><id>urn:blog</id><updated>2026-11-25T08:00:00Z</updated>
<entry xml:base="2026/11/"><title>Eins</title><id>urn:b1</id><updated>2026-11-25T08:00:00Z</updated>
  <link rel="self" href="/api/b1"/><link href="eintrag-1.html"/>
  <link rel="enclosure" href="../../files/plan.pdf" type="application/pdf" length="1234" title="Lageplan"/>
  <author><name>IT-Sicherheit</name></author><author><name>Frau Yilmaz</name></author></entry>
<entry><title>Zwei</title><id>urn:b2</id><updated>2026-11-24T08:00:00Z</updated>
  <link rel="alternate" href="../impressum?x=1#oben"/></entry>
</feed>"#;
    let p = one(atom);
    let a = &p.articles[0];
    assert_eq!(
        a.link.as_deref(),
        Some("https://intranet.example/blog/2026/11/eintrag-1.html")
    );
    assert_eq!(a.authors, ["IT-Sicherheit", "Frau Yilmaz"]);
    assert_eq!(a.enclosures.len(), 1);
    assert_eq!(
        a.enclosures[0].url,
        "https://intranet.example/blog/files/plan.pdf"
    );
    assert_eq!(a.enclosures[0].name, "Lageplan");
    assert_eq!(a.enclosures[0].size, Some(1234));
    assert_eq!(
        p.articles[1].link.as_deref(),
        Some("https://intranet.example/impressum?x=1#oben")
    );
    // A relative feed-level base stacks on the feed's URL.
    let rel = atom.replace("https://intranet.example/blog/", "../blog/");
    assert_eq!(
        one(&rel).articles[0].link.as_deref(),
        Some("https://intranet.example/blog/2026/11/eintrag-1.html")
    );
}

/// The links a reader shows for an article's body, resolved as the news app resolves them.
fn body_links(a: &Article) -> Vec<String> {
    body_pieces(a, "image")
        .into_iter()
        .filter_map(|p| match p {
            kapsel_text::Piece::Link { url, .. } => Some(url),
            _ => None,
        })
        .collect()
}

#[test]
fn links_in_content_resolve_against_the_stacked_xml_base() {
    // As a CMS that serves its blog below /intranet/ writes it: a relative feed base, an
    // entry base per month, a content base for the media folder, a link with its own base.
    let atom = r#"<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="de" xml:base="../intranet/blog/">
<title>IT-Blog</title><id>tag:intranet.example,2026:blog</id><updated>2026-11-30T08:00:00Z</updated>
<link rel="self" href="feed.atom"/>
<entry xml:base="2026/11/">
  <title>Neue VPN-Einwahl</title><id>tag:intranet.example,2026:blog/41</id>
  <updated>2026-11-30T08:00:00Z</updated>
  <link rel="alternate" type="text/html" xml:base="/archiv/" href="vpn-einwahl.html"/>
  <summary type="html">&lt;p&gt;Siehe &lt;a href="anleitung.html"&gt;Anleitung&lt;/a&gt;.&lt;/p&gt;</summary>
  <content type="html" xml:base="medien/">&lt;p&gt;Die &lt;a href="vpn.pdf"&gt;Kurzanleitung&lt;/a&gt;,
    das &lt;a href="../../../faq/vpn"&gt;FAQ&lt;/a&gt;, die &lt;a href="/it/kontakt"&gt;Hotline&lt;/a&gt;
    und &lt;a href="https://status.example/vpn"&gt;Statusseite&lt;/a&gt;.&lt;/p&gt;</content>
</entry>
<entry>
  <title>Wartungsfenster</title><id>tag:intranet.example,2026:blog/40</id>
  <updated>2026-11-28T08:00:00Z</updated>
  <link href="https://www.example/extern/wartung"/>
  <summary type="html" xml:base="https://intranet.example/betrieb/">&lt;a href="fenster.html"&gt;Zeiten&lt;/a&gt;</summary>
</entry>
<entry>
  <title>Ohne eigene Basis</title><id>tag:intranet.example,2026:blog/39</id>
  <updated>2026-11-27T08:00:00Z</updated>
  <content type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml"><a href="bilder/">Bilder</a></div></content>
</entry>
</feed>
"#;
    let p = parse_feed(
        "it",
        atom.as_bytes(),
        "https://intranet.example/feeds/it.atom",
    )
    .expect("the feed parses");
    let [vpn, wartung, ohne] = &p.articles[..] else {
        panic!("{:?}", p.articles)
    };
    // The entry link: feed → entry → its own element's base (absolute path wins).
    assert_eq!(
        vpn.link.as_deref(),
        Some("https://intranet.example/archiv/vpn-einwahl.html")
    );
    assert_eq!(
        vpn.content_base.as_deref(),
        Some("https://intranet.example/intranet/blog/2026/11/medien/")
    );
    assert_eq!(
        vpn.summary_base.as_deref(),
        Some("https://intranet.example/intranet/blog/2026/11/")
    );
    assert_eq!(
        body_links(vpn),
        [
            "https://intranet.example/intranet/blog/2026/11/medien/vpn.pdf",
            "https://intranet.example/intranet/blog/faq/vpn",
            "https://intranet.example/it/kontakt",
            "https://status.example/vpn",
        ]
    );
    // The summary's own absolute base; the entry's link is elsewhere and does not count.
    assert_eq!(
        body_links(wartung),
        ["https://intranet.example/betrieb/fenster.html"]
    );
    // Only the feed's base is in scope on this content.
    assert_eq!(
        body_links(ohne),
        ["https://intranet.example/intranet/blog/bilder/"]
    );

    // Without any xml:base, links in the body resolve against the article's page, as before.
    let plain = atom
        .replace(" xml:base=\"../intranet/blog/\"", "")
        .replace(" xml:base=\"2026/11/\"", "")
        .replace(" xml:base=\"medien/\"", "")
        .replace(" xml:base=\"/archiv/\"", "");
    let p = parse_feed(
        "it",
        plain.as_bytes(),
        "https://intranet.example/feeds/it.atom",
    )
    .expect("the feed parses");
    assert_eq!(p.articles[0].content_base, None);
    assert_eq!(
        body_links(&p.articles[0])[0],
        "https://intranet.example/feeds/vpn.pdf"
    );

    // One entry feed-rs refuses: the others are read alone and keep their bases.
    let broken = atom.replace(
        "<title>Ohne eigene Basis</title>",
        "<title type=\"markdown\">*Ohne*</title>",
    );
    let p = parse_feed(
        "it",
        broken.as_bytes(),
        "https://intranet.example/feeds/it.atom",
    )
    .expect("the feed parses");
    assert_eq!((p.articles.len(), p.skipped), (2, 1));
    assert_eq!(
        body_links(&p.articles[0])[0],
        "https://intranet.example/intranet/blog/2026/11/medien/vpn.pdf"
    );

    // RSS with xml:base on the item and on content:encoded (some CMS exports do this).
    let p = one(&rss(
        "<item xml:base=\"https://intranet.example/presse/2026/\" xmlns:content=\"http://purl.org/rss/1.0/modules/content/\"><title>PM</title><guid>pm-1</guid><link>pm-1.html</link>\
         <description>&lt;a href=\"kurz.html\"&gt;kurz&lt;/a&gt;</description>\
         <content:encoded xml:base=\"anhang/\"><![CDATA[<a href=\"pm-1.pdf\">PDF</a>]]></content:encoded></item>",
    ));
    let a = &p.articles[0];
    assert_eq!(
        a.link.as_deref(),
        Some("https://intranet.example/presse/2026/pm-1.html")
    );
    assert_eq!(
        body_links(a),
        ["https://intranet.example/presse/2026/anhang/pm-1.pdf"]
    );
    assert_eq!(
        a.summary_base.as_deref(),
        Some("https://intranet.example/presse/2026/")
    );
}

#[test]
fn german_and_obsolete_zone_names_are_dates() {
    for (text, want) in [
        ("Mon, 23 Nov 2026 09:00:00 +0100", "2026-11-23 08:00"),
        ("Mo, 23 Nov 2026 09:00:00 MEZ", "2026-11-23 08:00"),
        ("Di, 14 Jul 2026 09:00:00 MESZ", "2026-07-14 07:00"),
        ("Mon, 23 Nov 2026 09:00:00 CET", "2026-11-23 08:00"),
        ("Tue, 14 Jul 2026 09:00:00 CEST", "2026-07-14 07:00"),
        ("Mi, 2 Dez 2026 17:30 MEZ", "2026-12-02 16:30"),
        ("Do, 5 Mär 2026 08:00:00 +0100", "2026-03-05 07:00"),
        ("5 Okt 2026 08:00:00 MESZ", "2026-10-05 06:00"),
        ("Mon, 23 Nov 2026 09:00:00 GMT", "2026-11-23 09:00"),
        ("Mon, 23 Nov 2026 09:00:00 UT", "2026-11-23 09:00"),
        ("Mon, 23 Nov 2026 09:00:00 EST", "2026-11-23 14:00"),
        ("Mon, 23 Nov 2026 09:00:00 PDT", "2026-11-23 16:00"),
        ("Mon, 23 Nov 2026 09:00:00 Z", "2026-11-23 09:00"),
        ("Mon, 23 Nov 2026 09:00:00 A", "2026-11-23 09:00"),
        ("23 Nov 26 09:00 +0100", "2026-11-23 08:00"),
        (
            "Monday, 23 November 2026 09:00:00 +01:00",
            "2026-11-23 08:00",
        ),
        ("2026-11-23T09:00:00+01:00", "2026-11-23 08:00"),
        ("2026-11-23 09:00", "2026-11-23 09:00"),
    ] {
        let got = parse_date(text).map(|d| d.format("%Y-%m-%d %H:%M").to_string());
        assert_eq!(got.as_deref(), Some(want), "{text}");
    }
    for bad in [
        "",
        "gestern",
        "Mon, 32 Nov 2026 09:00:00 MEZ",
        "Mon, 23 Foo 2026 09:00 MEZ",
        "Mon, 23 Nov 2026 25:00:00 MEZ",
        "Mon, 23 Nov 2026 09:00:00 XYZ",
    ] {
        assert!(parse_date(bad).is_none(), "{bad}");
    }
    // Through the feed: an RSS item dated in MESZ is dated.
    let p = one(&rss(
        "<item><title>Sommerfest</title><guid>s</guid><pubDate>Fr, 10 Jul 2026 15:00:00 MESZ</pubDate></item>",
    ));
    assert_eq!(p.articles[0].date.as_deref(), Some("2026-07-10 13:00"));
}

#[test]
fn rss_authors_and_enclosures() {
    let p = one(&rss(
        "<item><title>Podcast</title><guid>p</guid><dc:creator>Pressestelle</dc:creator>\
         <enclosure url=\"/media/folge%2012.mp3\" length=\"9000000\" type=\"audio/mpeg\"/></item>",
    ));
    let a = &p.articles[0];
    assert_eq!(a.authors, ["Pressestelle"]);
    assert_eq!(
        a.enclosures,
        [Enclosure {
            url: "https://intranet.example/media/folge%2012.mp3".into(),
            name: "folge 12.mp3".into(),
            media_type: "audio/mpeg".into(),
            size: Some(9_000_000),
        }]
    );
    // A URL without a file name leaves the name to the app (and its language).
    let p = one(&rss(
        "<item><title>Umfrage</title><guid>u</guid><enclosure url=\"https://umfrage.example/?id=7\" type=\"text/html\"/></item>",
    ));
    assert_eq!(p.articles[0].enclosures[0].name, "");
}

#[test]
fn merging_keeps_articles_that_left_the_feed_up_to_the_limit() {
    let big = sample_feed(2000);
    let p = one(&big);
    assert_eq!(p.articles.len(), 2000);
    let (first, dropped) = merge(p.articles.clone(), Vec::new(), 5000);
    assert_eq!((first.len(), dropped), (2000, 0));
    let fresh = one(&rss(
        "<item><title>Neu</title><guid>neu</guid><pubDate>Tue, 1 Dec 2026 09:00:00 MEZ</pubDate></item>",
    ));
    let (merged, dropped) = merge(fresh.articles, first, 1500);
    assert_eq!((merged.len(), dropped), (1500, 501));
    assert_eq!(merged[0].title, "Neu");
}

#[test]
fn one_bad_xml_item_is_skipped_not_the_feed() {
    let atom = r#"<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xml:base="https://intranet.example/blog/">
<title>Blog</title><id>urn:blog</id><updated>2026-11-25T08:00:00Z</updated>
<entry><title>Gut</title><id>urn:1</id><updated>2026-11-25T08:00:00Z</updated><link href="eins.html"/></entry>
<entry><title type="markdown">*Kaputt*</title><id>urn:2</id><updated>2026-11-25T08:00:00Z</updated></entry>
<entry xml:base="http://[kaputt"><title>Auch kaputt</title><id>urn:3</id><updated>2026-11-25T08:00:00Z</updated></entry>
<entry><title>Auch gut</title><id>urn:4</id><updated>2026-11-24T08:00:00Z</updated></entry>
</feed>
"#;
    // feed-rs alone refuses the whole feed.
    assert!(xml::feed_rs(atom.as_bytes(), BASE).is_err());
    let p = one(atom);
    let titles: Vec<&str> = p.articles.iter().map(|a| a.title.as_str()).collect();
    assert_eq!(titles, ["Gut", "Auch gut"]);
    assert_eq!(p.skipped, 2);
    assert_eq!(
        p.articles[0].link.as_deref(),
        Some("https://intranet.example/blog/eins.html")
    );
    // The same feed cut off in the middle stays an error.
    let cut = &atom[..atom.len() / 2];
    assert!(parse_feed("t", cut.as_bytes(), BASE).is_err());
    let p = one(&rss(
        "<item><title>Eins</title><guid>1</guid></item><item xml:base=\"http://[x\"><title>Zwei</title><guid>2</guid></item><item><title>Drei</title><guid>3</guid></item>",
    ));
    assert_eq!((p.articles.len(), p.skipped), (2, 1));
    // An item left open before the end: an error or what can be read, never a panic.
    for body in [
        rss("<item><title>Eins</title><guid>1</guid></item><item><title>offen"),
        rss("<item><title>Eins</title></item><item xml:base=\"http://[x\"><item>"),
        rss("<item>"),
        "<rss></item><item></rss>".to_string(),
    ] {
        let _ = parse_feed("t", body.as_bytes(), BASE);
    }
}
