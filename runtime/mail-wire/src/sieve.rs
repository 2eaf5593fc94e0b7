//! ManageSieve (RFC 5804) as data: tokens, responses and their bounds, command quoting.
//! [`Reader`] turns received bytes into logical lines (physical lines joined across
//! literals) and whole responses without doing any I/O; the client in `kapsel-mail` feeds it.

use crate::{WireError, err};

/// One physical response line (without literals). Capability and script-list lines are short;
/// the bound only stops a hostile server from growing our memory.
pub const MAX_LINE: usize = 64 * 1024;
/// A literal (GETSCRIPT's script, a long error text). Dovecot's default script limit is 1 MiB.
pub const MAX_LITERAL: usize = 1024 * 1024;
/// Everything one response may carry, literals included.
pub const MAX_RESPONSE: usize = 4 * 1024 * 1024;
/// Lines before the final OK/NO/BYE (one per script in LISTSCRIPTS).
pub const MAX_DATA_LINES: usize = 10_000;
/// RFC 5804 leaves the limit to servers; ours keeps command lines small and names readable.
pub const MAX_NAME: usize = 512;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Token {
    Atom(String),
    /// A quoted string (escapes resolved) or a literal.
    Str(Vec<u8>),
    Open,
    Close,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    Ok,
    No,
    Bye,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Response {
    pub status: Status,
    /// The response code's name, upper-cased: `NONEXISTENT`, `QUOTA/MAXSIZE`, `WARNINGS`, …
    pub code: Option<String>,
    /// The human-readable text; empty when the server sent none.
    pub text: String,
    /// The lines before the status line.
    pub data: Vec<Vec<Token>>,
}

impl Response {
    pub fn code_is(&self, name: &str) -> bool {
        self.code.as_deref().is_some_and(|c| {
            c == name
                || c.strip_prefix(name)
                    .is_some_and(|rest| rest.starts_with('/'))
        })
    }

    /// The text on one line: Pigeonhole sends compile errors as a multi-line literal.
    pub fn text_or(&self, fallback: &str) -> String {
        let lines: Vec<&str> = self
            .text
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .collect();
        if lines.is_empty() {
            fallback.to_string()
        } else {
            lines.join("; ")
        }
    }
}

/// Logical lines and responses out of received bytes, each bounded.
#[derive(Debug)]
pub struct Reader {
    buf: Vec<u8>,
    start: usize,
    /// Bytes after `start` already searched for a line end (input may arrive a byte at a
    /// time; each byte is looked at once).
    scanned: usize,
    /// The logical line being assembled, and the literal it waits for.
    tokens: Vec<Token>,
    literal: Option<usize>,
    /// Data lines of the response being assembled.
    data: Vec<Vec<Token>>,
    /// Bytes still allowed in the current response.
    budget: usize,
}

impl Default for Reader {
    fn default() -> Reader {
        Reader {
            buf: Vec::new(),
            start: 0,
            scanned: 0,
            tokens: Vec::new(),
            literal: None,
            data: Vec::new(),
            budget: MAX_RESPONSE,
        }
    }
}

impl Reader {
    pub fn push(&mut self, bytes: &[u8]) {
        if self.start > 0 && self.start * 2 >= self.buf.len() {
            self.buf.drain(..self.start);
            self.start = 0;
        }
        self.buf.extend_from_slice(bytes);
    }

    /// Bytes received and not yet read (after STARTTLS: an injection).
    pub fn buffered(&self) -> usize {
        self.buf.len() - self.start
    }

    fn take(&mut self, n: usize) -> Result<(), WireError> {
        match self.budget.checked_sub(n) {
            Some(left) => {
                self.budget = left;
                Ok(())
            }
            None => err(format!(
                "a response larger than {} MiB",
                MAX_RESPONSE / (1024 * 1024)
            )),
        }
    }

    /// The next logical line, or `Ok(None)` when more bytes are needed.
    pub fn next_line(&mut self) -> Result<Option<Vec<Token>>, WireError> {
        loop {
            if let Some(size) = self.literal {
                if self.buffered() < size {
                    return Ok(None);
                }
                let bytes = self.buf[self.start..self.start + size].to_vec();
                self.start += size;
                self.scanned = 0;
                self.take(size)?;
                self.tokens.push(Token::Str(bytes));
                self.literal = None;
            }
            let avail = &self.buf[self.start..];
            let from = self.scanned.min(avail.len());
            let Some(at) = avail[from..]
                .iter()
                .position(|&b| b == b'\n')
                .map(|p| from + p)
            else {
                self.scanned = avail.len();
                if avail.len() > MAX_LINE + 1 {
                    return err(format!("a line longer than {} KiB", MAX_LINE / 1024));
                }
                return Ok(None);
            };
            if at > MAX_LINE + 1 {
                return err(format!("a line longer than {} KiB", MAX_LINE / 1024));
            }
            let mut line = avail[..at].to_vec();
            self.start += at + 1;
            self.scanned = 0;
            self.take(at + 1)?;
            if line.last() == Some(&b'\r') {
                line.pop();
            }
            match tokenize(&line, &mut self.tokens)? {
                Some(size) if size > self.budget => {
                    return err(format!(
                        "a response larger than {} MiB",
                        MAX_RESPONSE / (1024 * 1024)
                    ));
                }
                Some(size) => self.literal = Some(size),
                None => return Ok(Some(std::mem::take(&mut self.tokens))),
            }
        }
    }

    /// The next whole response (data lines and its status line), or `Ok(None)`.
    pub fn next_response(&mut self) -> Result<Option<Response>, WireError> {
        while let Some(tokens) = self.next_line()? {
            if let Some((status, code, text)) = status_line(&tokens)? {
                self.budget = MAX_RESPONSE;
                return Ok(Some(Response {
                    status,
                    code,
                    text,
                    data: std::mem::take(&mut self.data),
                }));
            }
            // Every ManageSieve data line starts with a string; anything else is another
            // protocol (IMAP's "* OK", SMTP's "220") and waiting for an OK would only end in a
            // time-out.
            if !matches!(tokens.first(), Some(Token::Str(_))) {
                return err(format!(
                    "does not speak ManageSieve (it sent {:?})",
                    render(&tokens)
                ));
            }
            if self.data.len() == MAX_DATA_LINES {
                return err(format!("more than {MAX_DATA_LINES} lines in one response"));
            }
            self.data.push(tokens);
        }
        Ok(None)
    }

    /// Start counting a new response (after a line read with [`next_line`](Self::next_line)).
    pub fn reset_budget(&mut self) {
        self.budget = MAX_RESPONSE;
    }
}

/// Split one physical line into tokens. Returns the size of a literal announced at its end
/// (`{N}` or `{N+}`): its bytes follow the line ending, then the logical line goes on.
pub fn tokenize(line: &[u8], tokens: &mut Vec<Token>) -> Result<Option<usize>, WireError> {
    let mut i = 0;
    while i < line.len() {
        match line[i] {
            b' ' | b'\t' => i += 1,
            b'(' => {
                tokens.push(Token::Open);
                i += 1;
            }
            b')' => {
                tokens.push(Token::Close);
                i += 1;
            }
            b'"' => {
                let mut s = Vec::new();
                i += 1;
                loop {
                    match line.get(i) {
                        None => return err("a quoted string without its end"),
                        Some(b'"') => break,
                        Some(b'\\') => {
                            let Some(escaped) = line.get(i + 1) else {
                                return err("a backslash at the end of a line");
                            };
                            s.push(*escaped);
                            i += 2;
                        }
                        Some(&b) => {
                            s.push(b);
                            i += 1;
                        }
                    }
                }
                tokens.push(Token::Str(s));
                i += 1;
            }
            b'{' => {
                let close = line[i..]
                    .iter()
                    .position(|&b| b == b'}')
                    .map(|p| i + p)
                    .ok_or_else(|| WireError("a literal size without '}'".into()))?;
                let inner = &line[i + 1..close];
                let digits = inner.strip_suffix(b"+").unwrap_or(inner);
                if digits.is_empty() || digits.len() > 10 || !digits.iter().all(u8::is_ascii_digit)
                {
                    return err("a malformed literal size");
                }
                if line[close + 1..].iter().any(|&b| b != b' ') {
                    return err("a literal size not at the end of a line");
                }
                let size: u64 = std::str::from_utf8(digits)
                    .ok()
                    .and_then(|d| d.parse().ok())
                    .ok_or_else(|| WireError("a malformed literal size".into()))?;
                if size > MAX_LITERAL as u64 {
                    return err(format!(
                        "a literal of {size} bytes, more than the {} MiB Kapsel accepts",
                        MAX_LITERAL / (1024 * 1024)
                    ));
                }
                return Ok(Some(size as usize));
            }
            _ => {
                let start = i;
                while i < line.len() && !matches!(line[i], b' ' | b'\t' | b'(' | b')' | b'"' | b'{')
                {
                    i += 1;
                }
                tokens.push(Token::Atom(
                    String::from_utf8_lossy(&line[start..i]).into_owned(),
                ));
            }
        }
    }
    Ok(None)
}

/// The status line's parts, or None for a data line.
pub fn status_line(
    tokens: &[Token],
) -> Result<Option<(Status, Option<String>, String)>, WireError> {
    let status = match tokens.first() {
        Some(Token::Atom(a)) if a.eq_ignore_ascii_case("OK") => Status::Ok,
        Some(Token::Atom(a)) if a.eq_ignore_ascii_case("NO") => Status::No,
        Some(Token::Atom(a)) if a.eq_ignore_ascii_case("BYE") => Status::Bye,
        _ => return Ok(None),
    };
    let mut rest = &tokens[1..];
    let mut code = None;
    if rest.first() == Some(&Token::Open) {
        let mut depth = 0usize;
        let mut end = None;
        for (i, t) in rest.iter().enumerate() {
            match t {
                Token::Open => depth += 1,
                Token::Close => {
                    depth -= 1;
                    if depth == 0 {
                        end = Some(i);
                        break;
                    }
                }
                _ => {}
            }
        }
        let end = end.ok_or_else(|| WireError("a response code without ')'".into()))?;
        if let Some(Token::Atom(name)) = rest.get(1) {
            code = Some(name.to_ascii_uppercase());
        }
        rest = &rest[end + 1..];
    }
    let text = match rest.first() {
        Some(Token::Str(s)) => String::from_utf8_lossy(s).into_owned(),
        _ => String::new(),
    };
    Ok(Some((status, code, text)))
}

/// A short printable form of a line for error messages.
pub fn render(tokens: &[Token]) -> String {
    let mut out = String::new();
    for t in tokens {
        if out.len() > 80 {
            out.push_str(" …");
            break;
        }
        if !out.is_empty() {
            out.push(' ');
        }
        match t {
            Token::Atom(a) => out.push_str(a),
            Token::Str(s) => {
                out.push('"');
                out.push_str(&String::from_utf8_lossy(s));
                out.push('"');
            }
            Token::Open => out.push('('),
            Token::Close => out.push(')'),
        }
    }
    out.chars().take(100).collect()
}

/// Capability lines: `"NAME"` or `"NAME" "value"`.
pub fn parse_capabilities(data: &[Vec<Token>]) -> Result<Vec<(String, String)>, WireError> {
    let mut caps = Vec::new();
    for line in data {
        match line.as_slice() {
            [Token::Str(name)] => caps.push((
                String::from_utf8_lossy(name).to_ascii_uppercase(),
                String::new(),
            )),
            [Token::Str(name), Token::Str(value)] => caps.push((
                String::from_utf8_lossy(name).to_ascii_uppercase(),
                String::from_utf8_lossy(value).into_owned(),
            )),
            _ => return err("a malformed capability line"),
        }
    }
    Ok(caps)
}

/// LISTSCRIPTS lines: `"name"` or `"name" ACTIVE`.
pub fn parse_script_list(data: &[Vec<Token>]) -> Result<Vec<(String, bool)>, WireError> {
    let mut scripts = Vec::new();
    for line in data {
        match line.as_slice() {
            [Token::Str(name)] => scripts.push((String::from_utf8_lossy(name).into_owned(), false)),
            [Token::Str(name), Token::Atom(flag)] if flag.eq_ignore_ascii_case("ACTIVE") => {
                scripts.push((String::from_utf8_lossy(name).into_owned(), true))
            }
            _ => return err("a malformed LISTSCRIPTS line"),
        }
    }
    Ok(scripts)
}

/// A quoted string for a command; names never carry line breaks or control characters
/// (RFC 5804 §1.6), so refusing them keeps a name from smuggling in a second command.
pub fn quote(s: &str, what: &str) -> Result<String, WireError> {
    if s.len() > MAX_NAME {
        return err(format!("the {what} is longer than {MAX_NAME} bytes"));
    }
    if let Some(c) = s
        .chars()
        .find(|&c| c.is_control() || c == '\u{2028}' || c == '\u{2029}')
    {
        return err(format!(
            "the {what} {s:?} contains the control character {c:?}"
        ));
    }
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        if matches!(c, '"' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out.push('"');
    Ok(out)
}

pub fn script_name(name: &str) -> Result<String, WireError> {
    if name.is_empty() {
        return err("a Sieve script needs a name");
    }
    quote(name, "Sieve script name")
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The first response of a transcript fed one byte at a time; an error if it is
    /// incomplete.
    fn parse(bytes: &[u8]) -> Result<Response, WireError> {
        let mut r = Reader::default();
        for b in bytes {
            r.push(std::slice::from_ref(b));
            if let Some(response) = r.next_response()? {
                return Ok(response);
            }
        }
        err("the transcript ends before the response does")
    }

    fn s(text: &str) -> Token {
        Token::Str(text.as_bytes().to_vec())
    }

    #[test]
    fn capabilities_greeting() {
        let r = parse(
            b"\"IMPLEMENTATION\" \"Dovecot Pigeonhole\"\r\n\"SIEVE\" \"fileinto vacation date\"\r\n\"STARTTLS\"\r\nOK \"ready.\"\r\n",
        )
        .unwrap();
        assert_eq!(r.status, Status::Ok);
        assert_eq!(r.text, "ready.");
        let caps = parse_capabilities(&r.data).unwrap();
        assert_eq!(caps[1], ("SIEVE".into(), "fileinto vacation date".into()));
        assert_eq!(caps[2], ("STARTTLS".into(), String::new()));
    }

    #[test]
    fn status_with_code_and_quoted_text_with_escapes() {
        let r = parse(b"NO (NONEXISTENT) \"Script \\\"x\\\" does not \\\\ exist.\"\r\n").unwrap();
        assert_eq!(r.status, Status::No);
        assert_eq!(r.code.as_deref(), Some("NONEXISTENT"));
        assert_eq!(r.text, "Script \"x\" does not \\ exist.");
        let r = parse(b"no (quota/maxsize) \"too big\"\r\n").unwrap();
        assert!(r.code_is("QUOTA") && r.code_is("QUOTA/MAXSIZE") && !r.code_is("QUOT"));
        let r = parse(b"OK\r\n").unwrap();
        assert_eq!(
            (r.status, r.code, r.text),
            (Status::Ok, None, String::new())
        );
        let r = parse(b"BYE (REFERRAL \"sieve://other\") \"moved\"\n").unwrap();
        assert_eq!(
            (r.status, r.code.as_deref(), r.text.as_str()),
            (Status::Bye, Some("REFERRAL"), "moved")
        );
        let r = parse(b"OK (TAG {3}\r\nabc) \"done\"\r\n").unwrap();
        assert_eq!((r.code.as_deref(), r.text.as_str()), (Some("TAG"), "done"));
    }

    #[test]
    fn literals_in_data_and_status() {
        let r = parse(b"{12}\r\nline1\r\nline2\r\nOK \"Getscript completed.\"\r\n").unwrap();
        assert_eq!(r.data, vec![vec![s("line1\r\nline2")]]);
        let r = parse(b"NO {21+}\r\nline 2: error: oops\r\n\r\n").unwrap();
        assert_eq!(
            (r.status, r.text.as_str()),
            (Status::No, "line 2: error: oops\r\n")
        );
        // Pigeonhole's compile errors: a literal of several lines, shown as one
        let r = parse(
            b"NO {60}\r\nt1: line 1: error: unknown capability.\r\nt1: error: failed.\r\n\r\n",
        )
        .unwrap();
        assert_eq!(
            r.text_or("-"),
            "t1: line 1: error: unknown capability.; t1: error: failed."
        );
        let r = parse(b"{0}\r\n\r\nOK\r\n").unwrap();
        assert_eq!(r.data, vec![vec![s("")]]);
        // a literal holding something that looks like a status line stays data
        let r = parse(b"{5}\r\nOK \"x\r\nOK\r\n").unwrap();
        assert_eq!(r.data, vec![vec![s("OK \"x")]]);
    }

    #[test]
    fn script_list() {
        let r =
            parse(b"\"summer\"\r\n\"kapsel \\\"oof\\\"\" ACTIVE\r\n{4}\r\nlong\r\nOK\r\n").unwrap();
        assert_eq!(
            parse_script_list(&r.data).unwrap(),
            vec![
                ("summer".to_string(), false),
                ("kapsel \"oof\"".to_string(), true),
                ("long".to_string(), false)
            ]
        );
        assert!(parse(b"summer\r\nOK\r\n").is_err());
        let r = parse(b"\"summer\" ACTIVE extra\r\n\"x\" \"y\"\r\nOK\r\n").unwrap();
        assert!(parse_script_list(&r.data[..1]).is_err());
        assert!(parse_script_list(&r.data[1..]).is_err());
    }

    #[test]
    fn hostile_responses_are_errors_not_panics() {
        let too_long = [vec![b'a'; MAX_LINE + 10], b"\r\nOK\r\n".to_vec()].concat();
        for bad in [
            &b""[..],
            b"OK",
            b"\"unterminated\r\nOK\r\n",
            b"\"x\\",
            b"{99999999999}\r\n",
            b"{2000000}\r\n",
            b"{1x}\r\nOK\r\n",
            b"{5} trailing\r\nabcde\r\nOK\r\n",
            b"{10}\r\nshort",
            b"OK (NONEXISTENT \"x\"\r\n",
            b"{-1}\r\n",
            b"{}\r\n",
            &too_long,
        ] {
            assert!(parse(bad).is_err(), "{bad:?}");
        }
        let many = "\"x\"\r\n".repeat(MAX_DATA_LINES + 1) + "OK\r\n";
        assert!(parse(many.as_bytes()).is_err());
        // garbage bytes and unbalanced parentheses never panic
        for bad in [
            &b")))\r\nOK\r\n"[..],
            b"\xff\xfe ( ) (\r\nNO ((\r\n",
            b"NO ))\r\n",
        ] {
            let _ = parse(bad);
        }
        // another protocol on the port is named at once, not waited for
        for other in [
            &b"220 mail ESMTP\r\n"[..],
            b"* OK [CAPABILITY IMAP4rev1] ready\r\n",
            b"\r\n",
        ] {
            let e = parse(other).unwrap_err().to_string();
            assert!(e.contains("does not speak ManageSieve"), "{e}");
        }
    }

    #[test]
    fn names_are_quoted_and_control_characters_refused() {
        assert_eq!(quote("a \"b\" \\c", "n").unwrap(), "\"a \\\"b\\\" \\\\c\"");
        assert_eq!(quote("", "n").unwrap(), "\"\"");
        for bad in ["a\r\nLOGOUT", "a\0", "a\u{85}", "a\u{2028}"] {
            assert!(quote(bad, "n").is_err(), "{bad:?}");
        }
        assert!(script_name("").is_err());
        assert!(quote(&"x".repeat(MAX_NAME + 1), "n").is_err());
    }
}
