//! SMTP (RFC 5321 with the submission extensions) as data: replies split and bounded, EHLO
//! capabilities, and the message body as it goes between `354` and the final dot
//! (line ends normalised, dot-stuffed). The client in `kapsel-mail` feeds received bytes to a
//! [`ReplyReader`] and writes what this module encodes.

use std::fmt;

use crate::{WireError, err};

/// Longest reply line accepted (RFC 5321 promises 512; extensions push real servers past it).
pub const MAX_LINE: usize = 64 * 1024;
pub const MAX_REPLY_LINES: usize = 1000;
/// Server text quoted in error messages is cut here (a hostile server could send 64 MB).
pub const MAX_QUOTE: usize = 500;

/// One reply: the code and each line's text (control characters replaced, lossy UTF-8).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reply {
    pub code: u16,
    pub lines: Vec<String>,
}

impl Reply {
    pub fn class(&self) -> u16 {
        self.code / 100
    }

    /// The enhanced status code (RFC 3463) the first line starts with, if any.
    pub fn enhanced(&self) -> Option<(u16, u16, u16)> {
        let first = self.lines.first()?.split(' ').next()?;
        let number = |p: &str| -> Option<u16> {
            if (1..=3).contains(&p.len()) && p.bytes().all(|b| b.is_ascii_digit()) {
                p.parse().ok()
            } else {
                None
            }
        };
        let mut parts = first.split('.');
        let class = number(parts.next()?)?;
        let subject = number(parts.next()?)?;
        let detail = number(parts.next()?)?;
        (parts.next().is_none() && class == self.class()).then_some((class, subject, detail))
    }

    /// 552, or 5.3.4 under another code: the message, not the account, is the problem.
    pub fn too_big(&self) -> bool {
        self.code == 552 || matches!(self.enhanced(), Some((5, 3, 4)))
    }
}

/// "550 5.1.1 <x@y>: user unknown", lines joined, cut at [`MAX_QUOTE`] characters.
impl fmt::Display for Reply {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let joined = self.lines.join(" ");
        let text = joined.trim();
        let mut cut: String = text.chars().take(MAX_QUOTE).collect();
        if cut.len() < text.len() {
            cut.push('…');
        }
        if cut.is_empty() {
            write!(f, "{}", self.code)
        } else {
            write!(f, "{} {cut}", self.code)
        }
    }
}

/// Split one reply line (CRLF already removed) into code, "is the last line", and text.
pub fn parse_reply_line(line: &[u8]) -> Result<(u16, bool, &[u8]), String> {
    let code = match line {
        [a @ b'2'..=b'5', b @ b'0'..=b'9', c @ b'0'..=b'9', ..] => {
            u16::from(a - b'0') * 100 + u16::from(b - b'0') * 10 + u16::from(c - b'0')
        }
        _ => return Err("a reply line does not start with a reply code".into()),
    };
    match line.get(3) {
        None => Ok((code, true, &[])),
        Some(b' ') => Ok((code, true, &line[4..])),
        Some(b'-') => Ok((code, false, &line[4..])),
        Some(_) => Err("a reply code is not followed by a space or a dash".into()),
    }
}

pub fn clean(text: &[u8]) -> String {
    String::from_utf8_lossy(text)
        .chars()
        .map(|c| match c {
            '\t' => ' ',
            c if c.is_control() => '?',
            c => c,
        })
        .collect::<String>()
        .trim_end()
        .to_string()
}

/// What EHLO announced.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Caps {
    pub starttls: bool,
    /// SASL mechanisms, upper case.
    pub auth: Vec<String>,
    /// SIZE was announced (then MAIL FROM carries SIZE=).
    pub size: bool,
    /// The announced limit; None when absent or 0 ("no fixed limit").
    pub size_limit: Option<u64>,
    pub eight_bit: bool,
    pub smtputf8: bool,
}

impl Caps {
    pub fn parse(ehlo: &Reply) -> Caps {
        let mut caps = Caps::default();
        // The first line is the server's name and greeting text, not a keyword.
        for line in ehlo.lines.iter().skip(1) {
            let mut words = line.split_ascii_whitespace();
            let Some(keyword) = words.next() else {
                continue;
            };
            let keyword = keyword.to_ascii_uppercase();
            // "AUTH=PLAIN LOGIN" is how pre-RFC 4954 servers spelled it; some still do.
            if let Some(first) = keyword.strip_prefix("AUTH=") {
                caps.auth.push(first.to_string());
                caps.auth.extend(words.map(str::to_ascii_uppercase));
                continue;
            }
            match keyword.as_str() {
                "AUTH" => caps.auth.extend(words.map(str::to_ascii_uppercase)),
                "STARTTLS" => caps.starttls = true,
                "SIZE" => {
                    caps.size = true;
                    caps.size_limit = words.next().and_then(|n| n.parse().ok()).filter(|&n| n > 0);
                }
                "8BITMIME" => caps.eight_bit = true,
                "SMTPUTF8" => caps.smtputf8 = true,
                _ => {}
            }
        }
        caps.auth.dedup();
        caps
    }

    pub fn has_auth(&self, mechanism: &str) -> bool {
        self.auth.iter().any(|m| m == mechanism)
    }
}

/// Replies out of received bytes, without I/O: [`push`](Self::push) what arrived, take
/// [`next_reply`](Self::next_reply) until it says more is needed. Lines end in CRLF or a bare
/// LF; every bound is checked as bytes arrive.
#[derive(Debug, Default)]
pub struct ReplyReader {
    buf: Vec<u8>,
    start: usize,
    /// Bytes after `start` already searched for a line end (input may arrive a byte at a
    /// time; each byte is looked at once).
    scanned: usize,
    /// The lines of the reply being assembled.
    lines: Vec<String>,
    code: Option<u16>,
}

impl ReplyReader {
    pub fn push(&mut self, bytes: &[u8]) {
        if self.start > 0 && self.start * 2 >= self.buf.len() {
            self.buf.drain(..self.start);
            self.start = 0;
        }
        self.buf.extend_from_slice(bytes);
    }

    /// Bytes received and not yet read as a reply (after STARTTLS: an injection).
    pub fn buffered(&self) -> usize {
        self.buf.len() - self.start
    }

    /// Is a reply only partly received (the connection ended mid-reply)?
    pub fn in_reply(&self) -> bool {
        self.code.is_some() || self.buffered() > 0
    }

    pub fn next_reply(&mut self) -> Result<Option<Reply>, WireError> {
        loop {
            let avail = &self.buf[self.start..];
            let from = self.scanned.min(avail.len());
            let Some(at) = avail[from..]
                .iter()
                .position(|&b| b == b'\n')
                .map(|p| from + p)
            else {
                self.scanned = avail.len();
                if avail.len() > MAX_LINE + 1 {
                    return err("a reply line is longer than 64 KiB");
                }
                return Ok(None);
            };
            let mut line = &avail[..at];
            if line.last() == Some(&b'\r') {
                line = &line[..line.len() - 1];
            }
            if line.len() > MAX_LINE {
                return err("a reply line is longer than 64 KiB");
            }
            let (this, last, text) = match parse_reply_line(line) {
                Ok(parsed) => parsed,
                Err(why) => return err(why),
            };
            if *self.code.get_or_insert(this) != this {
                return err("the lines of one reply carry different codes");
            }
            if self.lines.len() == MAX_REPLY_LINES {
                return err("a reply has more than 1000 lines");
            }
            self.lines.push(clean(text));
            self.start += at + 1;
            self.scanned = 0;
            if last {
                self.code = None;
                return Ok(Some(Reply {
                    code: this,
                    lines: std::mem::take(&mut self.lines),
                }));
            }
        }
    }
}

/// The message as it goes on the wire between `354` and the final dot.
#[derive(Debug, PartialEq, Eq)]
pub struct Body {
    /// CRLF line endings, dot-stuffed, WITHOUT the CRLF that ends the last line: that CRLF
    /// is part of the final "\r\n.\r\n", so nothing sent before the commit point can end the
    /// message.
    pub bytes: Vec<u8>,
    /// RFC 1870 size: CRLF-normalised octets, without stuffing dots.
    pub size: u64,
    pub eight_bit: bool,
}

impl Body {
    pub fn encode(message: &[u8]) -> Body {
        let mut bytes = Vec::with_capacity(message.len() + message.len() / 32 + 8);
        let mut stuffed = 0u64;
        let mut eight_bit = false;
        let mut line_start = true;
        let mut i = 0;
        while i < message.len() {
            let b = message[i];
            i += 1;
            if line_start && b == b'.' {
                bytes.push(b'.');
                stuffed += 1;
            }
            match b {
                // A bare CR or LF is a line break to every reader; sent bare, servers split
                // lines differently from each other (the "SMTP smuggling" family).
                b'\r' => {
                    if message.get(i) == Some(&b'\n') {
                        i += 1;
                    }
                    bytes.extend_from_slice(b"\r\n");
                    line_start = true;
                }
                b'\n' => {
                    bytes.extend_from_slice(b"\r\n");
                    line_start = true;
                }
                _ => {
                    eight_bit |= b >= 0x80;
                    bytes.push(b);
                    line_start = false;
                }
            }
        }
        if !bytes.is_empty() && !bytes.ends_with(b"\r\n") {
            bytes.extend_from_slice(b"\r\n");
        }
        let size = bytes.len() as u64 - stuffed;
        if bytes.ends_with(b"\r\n") {
            bytes.truncate(bytes.len() - 2);
        }
        Body {
            bytes,
            size,
            eight_bit,
        }
    }

    pub fn terminator(&self) -> &'static [u8] {
        if self.size == 0 {
            b".\r\n"
        } else {
            b"\r\n.\r\n"
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every reply of a transcript, fed in pieces of `chunk` bytes.
    fn replies(transcript: impl AsRef<[u8]>, chunk: usize) -> Result<Vec<Reply>, WireError> {
        let mut r = ReplyReader::default();
        let mut out = Vec::new();
        for piece in transcript.as_ref().chunks(chunk.max(1)) {
            r.push(piece);
            while let Some(reply) = r.next_reply()? {
                out.push(reply);
            }
        }
        if r.in_reply() {
            return err("the transcript ends mid-reply");
        }
        Ok(out)
    }

    fn one(transcript: impl AsRef<[u8]>) -> Result<Reply, WireError> {
        replies(transcript, 3)?
            .into_iter()
            .next()
            .ok_or(WireError("no reply".into()))
    }

    #[test]
    fn replies_parse_single_and_multi_line() {
        let r = replies(
            "220 mx.test ESMTP\r\n250-mx.test\r\n250-SIZE 1000\r\n250 8BITMIME\r\n250\r\n",
            2,
        )
        .unwrap();
        assert_eq!(
            (r[0].code, r[0].lines.clone()),
            (220, vec!["mx.test ESMTP".to_string()])
        );
        assert_eq!(r[1].code, 250);
        assert_eq!(r[1].lines, ["mx.test", "SIZE 1000", "8BITMIME"]);
        assert_eq!((r[2].code, r[2].lines.len()), (250, 1));
        assert_eq!(r[2].to_string(), "250");
    }

    #[test]
    fn replies_accept_bare_lf_and_clean_control_characters() {
        let r = one(b"550 5.1.1 bad\x1b[31m\tuser \xff\n").unwrap();
        assert_eq!(r.to_string(), "550 5.1.1 bad?[31m user \u{fffd}");
        assert_eq!(r.enhanced(), Some((5, 1, 1)));
    }

    #[test]
    fn malformed_replies_are_protocol_errors() {
        for bad in [
            "hello\r\n",
            "25\r\n",
            "250x\r\n",
            "650 nope\r\n",
            "250-a\r\n251 b\r\n",
            "250-a\r\n", // ends mid-reply
        ] {
            assert!(replies(bad, 1).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn replies_are_bounded() {
        let long = format!("250 {}\r\n", "x".repeat(MAX_LINE + 10));
        assert!(one(long).is_err());
        let fits = format!("250 {}\r\n", "x".repeat(MAX_LINE - 10));
        assert!(replies(fits, 4096).is_ok());
        let many = "250-x\r\n".repeat(MAX_REPLY_LINES + 1) + "250 end\r\n";
        assert!(replies(many, 4096).is_err());
        let quoted = one(format!("550 {}\r\n", "y".repeat(5000)))
            .unwrap()
            .to_string();
        assert!(quoted.chars().count() <= MAX_QUOTE + 5);
    }

    #[test]
    fn enhanced_codes_must_match_the_reply_class() {
        let reply = |code, text: &str| Reply {
            code,
            lines: vec![text.to_string()],
        };
        assert_eq!(reply(552, "5.3.4 too big").enhanced(), Some((5, 3, 4)));
        assert_eq!(reply(452, "5.3.4 mismatch").enhanced(), None);
        assert_eq!(reply(250, "2.0.0").enhanced(), Some((2, 0, 0)));
        assert_eq!(reply(250, "Ok: queued").enhanced(), None);
        assert_eq!(reply(250, "1.2.3.4 x").enhanced(), None);
        assert!(reply(554, "5.3.4 Message too big for system").too_big());
    }

    #[test]
    fn ehlo_capabilities_parse() {
        let caps = Caps::parse(
            &one(
                "250-mail.corp.test\r\n250-8BITMIME\r\n250-AUTH PLAIN login\r\n250-AUTH=XOAUTH2\r\n\
                 250-STARTTLS\r\n250-SIZE 52428800\r\n250 SMTPUTF8\r\n",
            )
            .unwrap(),
        );
        assert!(caps.starttls && caps.eight_bit && caps.smtputf8 && caps.size);
        assert_eq!(caps.size_limit, Some(52_428_800));
        assert_eq!(caps.auth, ["PLAIN", "LOGIN", "XOAUTH2"]);
        let caps = Caps::parse(&one("250-x\r\n250 SIZE\r\n").unwrap());
        assert!(caps.size && caps.size_limit.is_none() && !caps.starttls);
        // the first line is the greeting, never a keyword
        let caps = Caps::parse(&one("250 STARTTLS\r\n").unwrap());
        assert!(!caps.starttls);
    }

    #[test]
    fn bodies_are_normalised_and_dot_stuffed() {
        let b = Body::encode(b".first\nplain\r\n..two\r.\rend");
        assert_eq!(b.bytes, b"..first\r\nplain\r\n...two\r\n..\r\nend");
        assert_eq!(b.terminator(), b"\r\n.\r\n");
        // size: normalised, not stuffed, with the final CRLF
        assert_eq!(
            b.size,
            ".first\r\nplain\r\n..two\r\n.\r\nend\r\n".len() as u64
        );
        assert!(!b.eight_bit);
        // a body that already ends in CRLF gets no second one
        let b = Body::encode("Grüße\r\n".as_bytes());
        assert_eq!(b.bytes, "Grüße".as_bytes());
        assert!(b.eight_bit);
        // an embedded "\r\n.\r\n" cannot end the message early
        let b = Body::encode(b"a\r\n.\r\nMAIL FROM:<x>\r\n");
        assert_eq!(b.bytes, b"a\r\n..\r\nMAIL FROM:<x>");
        let b = Body::encode(b"");
        assert_eq!(
            (b.bytes.len(), b.size, b.terminator()),
            (0, 0, &b".\r\n"[..])
        );
        let b = Body::encode(b"\n");
        assert_eq!(
            (b.bytes.len(), b.size, b.terminator()),
            (0, 2, &b"\r\n.\r\n"[..])
        );
    }
}
