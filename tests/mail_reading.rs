//! The mail reader against a corpus of tricky messages (tests/support/mail_corpus.rs):
//! broken MIME, bad charsets, huge headers, active HTML, a 25 MB attachment — each read
//! without a panic, with the text a person expects and nothing that must not show.

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
