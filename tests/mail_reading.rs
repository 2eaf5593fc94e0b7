//! The mail reader against a corpus of tricky messages (tests/support/mail_corpus.rs):
//! broken MIME, bad charsets, huge headers, active HTML, a 25 MB attachment — each read
//! without a panic, with the text a person expects and nothing that must not show; and mail
//! as real programs write it, appended to the real Dovecot and read through the `kapsel`
//! binary (line ends, forwards, inline images, invitations, dates, encoded-words, risky
//! attachments, S/MIME, search by attachment name).

use kapsel_mail::mime;
use kapsel_tests::mail_corpus::{
    DECODED_HEADERS, MUST_NOT_SHOW, big_attachment_bytes, big_attachment_message, tricky_messages,
};

#[test]
fn every_tricky_message_is_read_with_the_expected_text() {
    let corpus = tricky_messages();
    assert!(corpus.len() >= 25);
    for t in &corpus {
        let p = std::panic::catch_unwind(|| mime::parse(&t.raw, 0))
            .unwrap_or_else(|_| panic!("{} panicked", t.name));
        if let Some(expect) = t.expect_in_text {
            assert!(
                p.text.contains(expect),
                "{}: {:?} not in {:?}",
                t.name,
                expect,
                &p.text[..p.text.len().min(400)]
            );
        }
        assert!(
            !p.text.contains(MUST_NOT_SHOW),
            "{}: active content shown",
            t.name
        );
        for i in 0..p.summary.attachments.len() {
            assert!(
                mime::attachment(&t.raw, i).is_some(),
                "{}: attachment {i}",
                t.name
            );
        }
    }
    for (name, header, value) in DECODED_HEADERS {
        let t = corpus.iter().find(|t| t.name == *name).unwrap();
        let p = mime::parse(&t.raw, 0);
        let got = match *header {
            "Subject" => p.summary.subject.clone(),
            _ => p.summary.from.clone(),
        };
        assert!(
            got.contains(value),
            "{name}: {header} {got:?} lacks {value:?}"
        );
    }
}

#[test]
fn a_25_mb_attachment_comes_back_byte_exact() {
    let size = 25 * 1024 * 1024;
    let raw = big_attachment_message(size);
    let p = mime::parse(&raw, 0);
    assert_eq!(p.summary.attachments.len(), 1);
    let (info, bytes) = mime::attachment(&raw, 0).unwrap();
    assert_eq!(info.name, "big.bin");
    assert_eq!(bytes.len(), size);
    assert!(bytes == big_attachment_bytes(size));
}

/// Mail as other programs write it, made by Python's email package (the forward, the
/// invitation, the newsletter, S/MIME, risky attachments) or by hand where a mailer's
/// quirk is the point (split encoded-words, obsolete dates, a soft break before the
/// boundary, two Message-IDs, a multipart without boundary). One file per message in `dir`.
const MAKE_MAILS: &str = r#"
import sys, os
from email.message import EmailMessage
from email import policy
from email.utils import make_msgid
out = sys.argv[1]
def save(name, msg):
    with open(os.path.join(out, name), "wb") as f:
        f.write(msg.as_bytes(policy=policy.SMTP))
def base(subject):
    m = EmailMessage()
    m["From"] = "Jürgen Weiß <j.weiss@amt.example>"
    m["To"] = "bob@corp.test"
    m["Subject"] = subject
    m["Date"] = "Tue, 03 Feb 2026 10:00:00 +0100"
    m["Message-ID"] = make_msgid(domain="amt.example")
    return m

m = base("Zeilenenden Protokoll")
m.set_content("Sehr geehrte Damen und Herren,\n\nanbei das Protokoll.\nZeile drei.\n\nMit freundlichen Grüßen\n")
save("crlf.eml", m)

inner = base("Budget 2027")
inner.set_content("Die Übersicht hängt an.\n")
inner.add_attachment(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n", maintype="application", subtype="pdf", filename="Übersicht Haushalt.pdf")
fwd = base("WG: Budget 2027")
fwd.set_content("Zur Kenntnis, siehe unten.\n")
fwd.add_attachment(inner)
save("forward.eml", fwd)

news = base("Newsletter Februar")
news.set_content("Text-Fassung des Newsletters\n")
news.add_alternative('<html><body><p>Neuigkeiten</p><img src="cid:logo.123@amt.example" alt="Logo"></body></html>', subtype="html")
html = news.get_payload()[1]
html.add_related(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR", maintype="image", subtype="png", cid="<logo.123@amt.example>", filename="logo.png")
news.add_attachment(b"PK\x03\x04" + b"\0" * 60, maintype="application", subtype="vnd.openxmlformats-officedocument.spreadsheetml.sheet", filename="Gehälter 2026.xlsx")
save("newsletter.eml", news)

inv = base("Einladung: Abstimmung Haushalt")
inv.set_content("Sie sind eingeladen.\n")
ics = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nMETHOD:REQUEST\r\nBEGIN:VEVENT\r\nUID:abc@amt.example\r\nDTSTART:20260210T090000Z\r\nSUMMARY:Abstimmung\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
inv.add_alternative(ics, subtype="calendar", params={"method": "REQUEST"})
inv.add_attachment(ics.encode(), maintype="application", subtype="ics", filename="invite.ics")
save("invite.eml", inv)

risky = base("Rechnungen")
risky.set_content("Bitte prüfen.\n")
risky.add_attachment(b"MZ\x90\0" + b"\0" * 60, maintype="application", subtype="pdf", filename="Rechnung.pdf")
risky.add_attachment(b"PK\x03\x04" + b"\0" * 60, maintype="application", subtype="octet-stream", filename="Angebot.docm")
risky.add_attachment(b"%PDF-1.4\n", maintype="application", subtype="pdf", filename="Echt.pdf")
save("risky.eml", risky)

signed = base("Signierte Mitteilung")
body = EmailMessage()
body.set_content("Diese Nachricht ist signiert.\n")
signed.make_mixed()
signed.set_type("multipart/signed")
signed.set_param("protocol", "application/pkcs7-signature")
signed.set_param("micalg", "sha-256")
signed.attach(body)
sig = EmailMessage()
sig.set_content(b"0\x80\x06\x09*\x86H\x86\xf7\r\x01\x07\x02\xa0\x80", maintype="application", subtype="pkcs7-signature", filename="smime.p7s", disposition="attachment")
signed.attach(sig)
save("signed.eml", signed)

enc = base("Verschlüsselte Mitteilung")
enc.set_content(b"0\x80\x06\x09*\x86H\x86\xf7\r\x01\x07\x03\xa0\x80", maintype="application", subtype="pkcs7-mime", filename="smime.p7m", params={"smime-type": "enveloped-data"})
save("encrypted.eml", enc)
"#;

/// Messages whose quirk no library writes on purpose.
fn handmade() -> Vec<(&'static str, Vec<u8>)> {
    vec![
        (
            "quirks.eml",
            b"From: =?UTF-8?Q?J=C3?=\r\n =?UTF-8?Q?=BCrgen?= <j@amt.example>\r\nTo: bob@corp.test\r\nSubject: =?UTF-8?Q?K=C3?= =?UTF-8?Q?=A4seliste?= Quirks\r\nDate: Mon, 5 Jan 98 10:00 EST\r\nMessage-ID: <first.quirk@amt.example>\r\nMessage-ID: <second.quirk@relay.example>\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"q1\"\r\n\r\n--q1\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\nErste Zeile\r\nLetztes Wort x=20=\r\n--q1--\r\n".to_vec(),
        ),
        (
            "undated.eml",
            b"From: robot@amt.example\r\nTo: bob@corp.test\r\nSubject: Ohne Datum\r\nDate: irgendwann morgen\r\nMessage-ID: <undated@amt.example>\r\n\r\nKein Datum.\r\n".to_vec(),
        ),
        (
            "noboundary.eml",
            b"From: alt@amt.example\r\nTo: bob@corp.test\r\nSubject: Ohne Grenze\r\nDate: Tue, 03 Feb 2026 10:00:00 +0100\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed\r\n\r\nDer ganze Text steht hier.\r\nZweite Zeile.\r\n".to_vec(),
        ),
    ]
}

#[test]
fn real_mails_read_through_dovecot_and_the_binary() {
    use kapsel_tests::mail::{imap_as, mail_env, unique, unlock};
    let user = "bob@corp.test";
    let dir = tempfile::tempdir_in("/tmp").unwrap();
    let made = std::process::Command::new("python3")
        .arg("-c")
        .arg(MAKE_MAILS)
        .arg(dir.path())
        .output()
        .expect("python3");
    assert!(
        made.status.success(),
        "{}",
        String::from_utf8_lossy(&made.stderr)
    );
    let folder = unique("Lesen");
    let mut imap = imap_as(user);
    imap.create(&folder).unwrap();
    let mut files: Vec<(String, Vec<u8>)> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| {
            let p = e.unwrap().path();
            (
                p.file_name().unwrap().to_string_lossy().into_owned(),
                std::fs::read(&p).unwrap(),
            )
        })
        .collect();
    files.extend(handmade().into_iter().map(|(n, b)| (n.to_string(), b)));
    assert_eq!(files.len(), 10);
    for (_, raw) in &files {
        imap.append(&folder, &[], raw).unwrap();
    }
    imap.logout();

    let env = mail_env(user, "");
    unlock(&env).ok();
    env.run(&["sync", "schedule", "--every", "240", "--push", "off"])
        .ok();
    env.run(&["sync", "now", "--folder", &folder]).ok();
    let list = env
        .run(&["--json", "mail", "list", &folder, "--limit", "100"])
        .ok()
        .json();
    let rows = list.as_array().unwrap();
    assert_eq!(rows.len(), 10, "{list}");
    let id_of = |subject: &str| {
        rows.iter()
            .find(|m| m["subject"].as_str().is_some_and(|s| s.contains(subject)))
            .unwrap_or_else(|| panic!("no {subject:?} in {list}"))["id"]
            .as_i64()
            .unwrap()
            .to_string()
    };
    let read = |subject: &str| {
        let id = id_of(subject);
        let human = env.run(&["mail", "read", &id]).ok().stdout.clone();
        let json = env.run(&["--json", "mail", "read", &id]).ok().json();
        (id, human, json)
    };

    // CRLF: no CR left in the JSON text, no U+FFFD where it reached the terminal.
    let (_, human, json) = read("Zeilenenden");
    let text = json["text"].as_str().unwrap();
    assert!(
        text.contains("anbei das Protokoll.\nZeile drei.\n"),
        "{text:?}"
    );
    assert!(!text.contains('\r'), "{text:?}");
    assert!(!human.contains('\u{FFFD}'), "{human}");
    assert!(human.contains("Zeile drei.\n"), "{human}");
    assert_eq!(json["date_from_arrival"], false);

    // A forwarded message reads as a message, its PDF is reachable and searchable by name.
    let (id, human, json) = read("WG: Budget");
    let text = json["text"].as_str().unwrap();
    assert!(text.contains("Zur Kenntnis"), "{text}");
    assert!(
        text.contains("Subject: Budget 2027\n\nDie Übersicht hängt an."),
        "{text}"
    );
    assert!(!text.contains("Content-Type"), "raw source shown: {text}");
    let a = json["attachments"].as_array().unwrap();
    assert_eq!(a.len(), 2, "{a:?}");
    assert_eq!(a[0]["media_type"], "message/rfc822");
    assert_eq!(
        (a[1]["name"].as_str(), a[1]["within"].as_u64()),
        (Some("Übersicht Haushalt.pdf"), Some(0))
    );
    assert!(human.contains("Übersicht Haushalt.pdf"), "{human}");
    let doc = env.run(&["--json", "mail", "attach", &id, "1"]).ok().json();
    assert_eq!(doc["name"], "Übersicht Haushalt.pdf");
    assert_eq!(doc["size"].as_u64(), Some(51), "the PDF as sent");

    // The logo the HTML shows is inline; the spreadsheet is the one attachment.
    let (id, human, json) = read("Newsletter");
    let a = json["attachments"].as_array().unwrap();
    let names: Vec<(&str, bool)> = a
        .iter()
        .map(|x| (x["name"].as_str().unwrap(), x["inline"] == true))
        .collect();
    assert_eq!(
        names,
        [("logo.png", true), ("Gehälter 2026.xlsx", false)],
        "{a:?}"
    );
    assert!(human.contains("Inline image 0: logo.png"), "{human}");
    let row = rows
        .iter()
        .find(|m| m["id"].as_i64().unwrap().to_string() == id)
        .unwrap();
    assert_eq!(row["attachments"], 1);

    // Attachment names are found by search.
    for (word, subject) in [("Gehälter", "Newsletter"), ("Übersicht", "WG: Budget")] {
        let hits = env.run(&["--json", "mail", "search", word]).ok().json();
        let found: Vec<&str> = hits["hits"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|h| h["subject"].as_str())
            .collect();
        assert!(
            found.iter().any(|s| s.contains(subject)),
            "{word}: {found:?}"
        );
    }

    // The invitation's calendar comes once, under its own name.
    let (_, _, json) = read("Einladung");
    let a = json["attachments"].as_array().unwrap();
    assert_eq!(a.len(), 1, "{a:?}");
    assert_eq!(a[0]["name"], "invite.ics");

    // Risky attachments carry their warning in JSON and on screen; a real PDF none.
    let (_, human, json) = read("Rechnungen");
    let a = json["attachments"].as_array().unwrap();
    assert_eq!(a[0]["warnings"][0]["kind"], "dangerous", "{a:?}");
    assert_eq!(a[0]["warnings"][1]["kind"], "mismatch");
    assert_eq!(a[0]["warnings"][1]["content"], "EXE");
    assert_eq!(a[1]["warnings"][0]["kind"], "dangerous");
    assert!(a[2].get("warnings").is_none(), "{a:?}");
    assert!(
        human.contains("the name says PDF, but the content is EXE"),
        "{human}"
    );
    assert_eq!(human.matches("⚠ Careful: a program").count(), 2, "{human}");

    // S/MIME: said plainly, the signature is no attachment, the encrypted body no blank.
    let (_, human, json) = read("Signierte");
    assert_eq!(json["security"], "signed");
    assert_eq!(json["attachments"].as_array().unwrap().len(), 0);
    assert!(
        json["text"]
            .as_str()
            .unwrap()
            .contains("Diese Nachricht ist signiert.")
    );
    assert!(
        human.contains("Signed (S/MIME) — the signature is not verified"),
        "{human}"
    );
    let (_, human, json) = read("Verschlüsselte");
    assert_eq!(json["security"], "encrypted");
    assert_eq!(json["attachments"].as_array().unwrap().len(), 0);
    assert!(
        json["text"]
            .as_str()
            .unwrap()
            .contains("encrypted (S/MIME)"),
        "{json}"
    );
    assert!(human.contains("Encrypted (S/MIME)"), "{human}");

    // Hand-made quirks: split encoded-words, obsolete date, soft break, two Message-IDs.
    let (_, _, json) = read("seliste Quirks");
    assert_eq!(json["subject"], "Käseliste Quirks");
    assert_eq!(json["from"], "Jürgen <j@amt.example>");
    assert_eq!(json["date"], 884012400);
    assert_eq!(json["date_from_arrival"], false);
    assert_eq!(json["message_id"], "first.quirk@amt.example");
    assert_eq!(json["text"], "Erste Zeile\nLetztes Wort x ");
    let hits = env
        .run(&["--json", "mail", "search", "Käseliste"])
        .ok()
        .json();
    let here = hits["hits"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|h| h["folder"].as_str() == Some(folder.as_str()))
        .count();
    assert_eq!(here, 1, "{hits}");

    // No readable Date: the arrival time, marked as such.
    let (_, human, json) = read("Ohne Datum");
    assert_eq!(json["date_from_arrival"], true);
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64;
    assert!((now - json["date"].as_i64().unwrap()).abs() < 600, "{json}");
    assert!(human.contains("the sender gave no valid date"), "{human}");

    // A multipart without boundary: its text with a notice, no invented attachment.
    let (_, _, json) = read("Ohne Grenze");
    assert_eq!(json["attachments"].as_array().unwrap().len(), 0);
    let text = json["text"].as_str().unwrap();
    assert!(text.contains("not where they begin"), "{text}");
    assert!(
        text.contains("Der ganze Text steht hier.\nZweite Zeile."),
        "{text}"
    );
    imap_as(user).delete(&folder).ok();
}
