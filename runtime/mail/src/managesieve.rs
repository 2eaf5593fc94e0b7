//! ManageSieve (RFC 5804) client: the only way Kapsel changes a user's server-side Sieve
//! scripts. It upgrades to TLS before any credential is sent, logs in with SASL PLAIN and
//! parses every server response with hard limits, since the server's bytes are untrusted.

use std::io::{BufRead, BufReader, Read, Write};
use std::sync::Arc;
use std::time::Duration;

use base64::Engine as _;

use kapsel_core::error::{Error, Result};
use kapsel_core::net::stream::{Endpoint, Stream, describe};

/// One physical response line (without literals). Capability and script-list lines are short;
/// the bound only stops a hostile server from growing our memory.
const MAX_LINE: usize = 64 * 1024;
/// A literal (GETSCRIPT's script, a long error text). Dovecot's default script limit is 1 MiB.
pub const MAX_LITERAL: usize = 1024 * 1024;
/// Everything one response may carry, literals included.
const MAX_RESPONSE: usize = 4 * 1024 * 1024;
/// Lines before the final OK/NO/BYE (one per script in LISTSCRIPTS).
const MAX_DATA_LINES: usize = 10_000;
/// RFC 5804 leaves the limit to servers; ours keeps command lines small and names readable.
const MAX_NAME: usize = 512;

#[derive(Debug, Clone, PartialEq, Eq)]
enum Token {
    Atom(String),
    /// A quoted string (escapes resolved) or a literal.
    Str(Vec<u8>),
    Open,
    Close,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Status {
    Ok,
    No,
    Bye,
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct Response {
    status: Status,
    /// The response code's name, upper-cased: `NONEXISTENT`, `QUOTA/MAXSIZE`, `WARNINGS`, …
    code: Option<String>,
    /// The human-readable text; empty when the server sent none.
    text: String,
    /// The lines before the status line.
    data: Vec<Vec<Token>>,
}

impl Response {
    fn code_is(&self, name: &str) -> bool {
        self.code.as_deref().is_some_and(|c| {
            c == name
                || c.strip_prefix(name)
                    .is_some_and(|rest| rest.starts_with('/'))
        })
    }

    /// The text on one line: Pigeonhole sends compile errors as a multi-line literal.
    fn text_or(&self, fallback: &str) -> String {
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

/// Bytes still allowed in the response being read.
struct Budget(usize);

impl Budget {
    fn take(&mut self, n: usize, peer: &str) -> Result<()> {
        self.0 = self.0.checked_sub(n).ok_or_else(|| {
            Error::Network(format!(
                "{peer} sent a response larger than {} MiB",
                MAX_RESPONSE / (1024 * 1024)
            ))
        })?;
        Ok(())
    }
}

fn protocol(peer: &str, what: impl std::fmt::Display) -> Error {
    Error::Network(format!("{peer} broke the ManageSieve protocol: {what}"))
}

/// One line up to LF, without the line ending; bounded by [`MAX_LINE`].
fn read_physical_line<R: BufRead>(r: &mut R, peer: &str, budget: &mut Budget) -> Result<Vec<u8>> {
    let mut line = Vec::new();
    let n = r
        .by_ref()
        .take(MAX_LINE as u64 + 2)
        .read_until(b'\n', &mut line)
        .map_err(|e| describe(&e, peer))?;
    budget.take(n, peer)?;
    if line.last() != Some(&b'\n') {
        return Err(if n == 0 {
            Error::Network(format!("{peer} closed the connection"))
        } else if n > MAX_LINE {
            protocol(peer, format!("a line longer than {} KiB", MAX_LINE / 1024))
        } else {
            Error::Network(format!("{peer} closed the connection in mid-line"))
        });
    }
    line.pop();
    if line.last() == Some(&b'\r') {
        line.pop();
    }
    Ok(line)
}

/// Split one physical line into tokens. Returns the size of a literal announced at its end
/// (`{N}` or `{N+}`): its bytes follow the line ending, then the logical line goes on.
fn tokenize(line: &[u8], tokens: &mut Vec<Token>, peer: &str) -> Result<Option<usize>> {
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
                        None => return Err(protocol(peer, "a quoted string without its end")),
                        Some(b'"') => break,
                        Some(b'\\') => {
                            let escaped = line.get(i + 1).ok_or_else(|| {
                                protocol(peer, "a backslash at the end of a line")
                            })?;
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
                    .ok_or_else(|| protocol(peer, "a literal size without '}'"))?;
                let inner = &line[i + 1..close];
                let digits = inner.strip_suffix(b"+").unwrap_or(inner);
                if digits.is_empty() || digits.len() > 10 || !digits.iter().all(u8::is_ascii_digit)
                {
                    return Err(protocol(peer, "a malformed literal size"));
                }
                if line[close + 1..].iter().any(|&b| b != b' ') {
                    return Err(protocol(peer, "a literal size not at the end of a line"));
                }
                let size: u64 = std::str::from_utf8(digits)
                    .ok()
                    .and_then(|d| d.parse().ok())
                    .ok_or_else(|| protocol(peer, "a malformed literal size"))?;
                if size > MAX_LITERAL as u64 {
                    return Err(Error::Network(format!(
                        "{peer} announced {size} bytes, more than the {} MiB Kapsel accepts",
                        MAX_LITERAL / (1024 * 1024)
                    )));
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

/// One logical line: physical lines joined across literals.
fn read_logical_line<R: BufRead>(r: &mut R, peer: &str, budget: &mut Budget) -> Result<Vec<Token>> {
    let mut tokens = Vec::new();
    loop {
        let line = read_physical_line(r, peer, budget)?;
        let Some(size) = tokenize(&line, &mut tokens, peer)? else {
            return Ok(tokens);
        };
        budget.take(size, peer)?;
        let mut literal = vec![0; size];
        r.read_exact(&mut literal).map_err(|e| describe(&e, peer))?;
        tokens.push(Token::Str(literal));
    }
}

/// The status line's parts, or None for a data line.
fn status_line(tokens: &[Token], peer: &str) -> Result<Option<(Status, Option<String>, String)>> {
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
        let end = end.ok_or_else(|| protocol(peer, "a response code without ')'"))?;
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
fn render(tokens: &[Token]) -> String {
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

/// Read lines up to and including the status line.
fn read_response<R: BufRead>(r: &mut R, peer: &str) -> Result<Response> {
    let mut budget = Budget(MAX_RESPONSE);
    let mut data = Vec::new();
    loop {
        let tokens = read_logical_line(r, peer, &mut budget)?;
        if let Some((status, code, text)) = status_line(&tokens, peer)? {
            return Ok(Response {
                status,
                code,
                text,
                data,
            });
        }
        // Every ManageSieve data line starts with a string; anything else is another protocol
        // (IMAP's "* OK", SMTP's "220") and waiting for an OK would only end in a time-out.
        if !matches!(tokens.first(), Some(Token::Str(_))) {
            return Err(Error::Network(format!(
                "{peer} does not speak ManageSieve (it sent {:?})",
                render(&tokens)
            )));
        }
        if data.len() == MAX_DATA_LINES {
            return Err(protocol(
                peer,
                format!("more than {MAX_DATA_LINES} lines in one response"),
            ));
        }
        data.push(tokens);
    }
}

/// Capability lines: `"NAME"` or `"NAME" "value"`.
fn parse_capabilities(data: &[Vec<Token>], peer: &str) -> Result<Vec<(String, String)>> {
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
            _ => return Err(protocol(peer, "a malformed capability line")),
        }
    }
    Ok(caps)
}

/// LISTSCRIPTS lines: `"name"` or `"name" ACTIVE`.
fn parse_script_list(data: &[Vec<Token>], peer: &str) -> Result<Vec<(String, bool)>> {
    let mut scripts = Vec::new();
    for line in data {
        match line.as_slice() {
            [Token::Str(name)] => scripts.push((String::from_utf8_lossy(name).into_owned(), false)),
            [Token::Str(name), Token::Atom(flag)] if flag.eq_ignore_ascii_case("ACTIVE") => {
                scripts.push((String::from_utf8_lossy(name).into_owned(), true))
            }
            _ => return Err(protocol(peer, "a malformed LISTSCRIPTS line")),
        }
    }
    Ok(scripts)
}

/// A quoted string for a command; names never carry line breaks or control characters
/// (RFC 5804 §1.6), so refusing them keeps a name from smuggling in a second command.
fn quote(s: &str, what: &str) -> Result<String> {
    if s.len() > MAX_NAME {
        return Err(Error::invalid(format!(
            "the {what} is longer than {MAX_NAME} bytes"
        )));
    }
    if let Some(c) = s
        .chars()
        .find(|&c| c.is_control() || c == '\u{2028}' || c == '\u{2029}')
    {
        return Err(Error::invalid(format!(
            "the {what} {s:?} contains the control character {c:?}"
        )));
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

fn script_name(name: &str) -> Result<String> {
    if name.is_empty() {
        return Err(Error::invalid("a Sieve script needs a name"));
    }
    quote(name, "Sieve script name")
}

/// A logged-in ManageSieve session over TLS.
pub struct SieveClient {
    conn: BufReader<Stream>,
    peer: String,
    extensions: Vec<String>,
}

impl SieveClient {
    /// Connect to `sieve://host[:port]`, upgrade with STARTTLS, and log in with SASL PLAIN.
    /// A server that does not offer STARTTLS is refused before the password leaves.
    pub fn connect(
        endpoint: &Endpoint,
        tls: &Arc<rustls::ClientConfig>,
        user: &str,
        password: &str,
        timeout: Duration,
    ) -> Result<SieveClient> {
        if user.is_empty() || user.contains('\0') || password.contains('\0') {
            return Err(Error::invalid(
                "the Sieve user name must not be empty, and neither it nor the password may contain NUL",
            ));
        }
        let stream = Stream::connect(endpoint, tls, timeout)?;
        let peer = stream.peer().to_string();
        let mut conn = BufReader::new(stream);
        let greeting = read_response(&mut conn, &peer)?;
        if greeting.status != Status::Ok {
            return Err(Error::Network(format!(
                "{peer} refused the session: {}",
                greeting.text_or("no reason given")
            )));
        }
        let mut caps = parse_capabilities(&greeting.data, &peer)?;
        if !conn.get_ref().is_tls() {
            if !caps.iter().any(|(name, _)| name == "STARTTLS") {
                return Err(Error::Network(format!(
                    "{peer} does not offer STARTTLS: Kapsel does not send the password for {user} without TLS"
                )));
            }
            conn.get_mut()
                .write_all(b"STARTTLS\r\n")
                .and_then(|()| conn.get_mut().flush())
                .map_err(|e| describe(&e, &peer))?;
            let answer = read_response(&mut conn, &peer)?;
            if answer.status != Status::Ok {
                return Err(Error::Network(format!(
                    "{peer} refused STARTTLS: {}",
                    answer.text_or("no reason given")
                )));
            }
            // Bytes already buffered came before the handshake, unprotected: accepting them
            // as if they were sent over TLS is the classic STARTTLS injection.
            if !conn.buffer().is_empty() {
                return Err(protocol(
                    &peer,
                    "data after the STARTTLS answer, before TLS",
                ));
            }
            let stream = conn.into_inner().start_tls(endpoint, tls)?;
            conn = BufReader::new(stream);
            // RFC 5804 §2.2: the server repeats its capabilities once TLS is on; only these
            // count, the plain-text ones could have been forged.
            let again = read_response(&mut conn, &peer)?;
            if again.status != Status::Ok {
                return Err(Error::Network(format!(
                    "{peer} ended the session after STARTTLS: {}",
                    again.text_or("no reason given")
                )));
            }
            caps = parse_capabilities(&again.data, &peer)?;
        }
        let sasl = caps
            .iter()
            .find(|(name, _)| name == "SASL")
            .map(|(_, v)| v.as_str())
            .unwrap_or("");
        if !sasl
            .split_ascii_whitespace()
            .any(|m| m.eq_ignore_ascii_case("PLAIN"))
        {
            return Err(Error::Network(format!(
                "{peer} does not offer password login (SASL PLAIN) over TLS; it offers: {}",
                if sasl.trim().is_empty() {
                    "nothing"
                } else {
                    sasl
                }
            )));
        }
        let extensions = caps
            .iter()
            .find(|(name, _)| name == "SIEVE")
            .map(|(_, v)| v.split_ascii_whitespace().map(str::to_string).collect())
            .unwrap_or_default();
        let mut client = SieveClient {
            conn,
            peer,
            extensions,
        };
        client.authenticate(user, password)?;
        Ok(client)
    }

    fn authenticate(&mut self, user: &str, password: &str) -> Result<()> {
        let mut plain = Vec::with_capacity(user.len() + password.len() + 2);
        plain.push(0);
        plain.extend_from_slice(user.as_bytes());
        plain.push(0);
        plain.extend_from_slice(password.as_bytes());
        let mut encoded = String::new();
        base64::engine::general_purpose::STANDARD.encode_string(&plain, &mut encoded);
        plain.fill(0);
        // The base64 of PLAIN is the password in all but name: wipe each copy after use.
        let mut line = Vec::with_capacity(encoded.len() + 32);
        line.extend_from_slice(b"AUTHENTICATE \"PLAIN\" \"");
        line.extend_from_slice(encoded.as_bytes());
        line.extend_from_slice(b"\"\r\n");
        encoded.into_bytes().fill(0);
        self.send(&line)?;
        line.fill(0);
        let mut budget = Budget(MAX_RESPONSE);
        let mut challenged = false;
        loop {
            let tokens = read_logical_line(&mut self.conn, &self.peer, &mut budget)?;
            match status_line(&tokens, &self.peer)? {
                Some((Status::Ok, _, _)) if !challenged => return Ok(()),
                Some((Status::Ok, _, _)) => {
                    return Err(protocol(
                        &self.peer,
                        "a login that succeeded after it was cancelled",
                    ));
                }
                Some((_, _, text)) if challenged => {
                    return Err(Error::Network(format!(
                        "{} asked for more than SASL PLAIN allows; login cancelled ({})",
                        self.peer,
                        text.trim()
                    )));
                }
                Some((_, _, text)) => {
                    let text = if text.trim().is_empty() {
                        "no reason given".to_string()
                    } else {
                        text.trim().to_string()
                    };
                    return Err(Error::Network(format!(
                        "the Sieve server refused the login for {user}: {text}"
                    )));
                }
                // A server challenge: PLAIN has no second step, so cancel (RFC 5804 §2.1).
                None if !challenged => {
                    challenged = true;
                    self.send(b"\"*\"\r\n")?;
                }
                None => return Err(protocol(&self.peer, "a second SASL challenge")),
            }
        }
    }

    fn send(&mut self, bytes: &[u8]) -> Result<()> {
        let stream = self.conn.get_mut();
        stream
            .write_all(bytes)
            .and_then(|()| stream.flush())
            .map_err(|e| describe(&e, &self.peer))
    }

    /// Send one command and read its response; BYE becomes an error.
    fn command(&mut self, bytes: &[u8]) -> Result<Response> {
        self.send(bytes)?;
        let response = read_response(&mut self.conn, &self.peer)?;
        if response.status == Status::Bye {
            return Err(Error::Network(format!(
                "{} ended the session: {}",
                self.peer,
                response.text_or("no reason given")
            )));
        }
        Ok(response)
    }

    fn refused(&self, what: &str, response: &Response) -> Error {
        Error::Network(format!(
            "the Sieve server {} refused {what}: {}",
            self.peer,
            response.text_or("no reason given")
        ))
    }

    /// The Sieve extensions the server supports (`vacation`, `date`, `include`, …).
    pub fn extensions(&self) -> &[String] {
        &self.extensions
    }

    /// All scripts with whether each is the active one.
    pub fn list_scripts(&mut self) -> Result<Vec<(String, bool)>> {
        let response = self.command(b"LISTSCRIPTS\r\n")?;
        if response.status != Status::Ok {
            return Err(self.refused("to list the scripts", &response));
        }
        parse_script_list(&response.data, &self.peer)
    }

    /// A script's text; None when it does not exist.
    pub fn get_script(&mut self, name: &str) -> Result<Option<String>> {
        let line = format!("GETSCRIPT {}\r\n", script_name(name)?);
        let response = self.command(line.as_bytes())?;
        if response.status == Status::No {
            if response.code_is("NONEXISTENT") {
                return Ok(None);
            }
            return Err(self.refused(&format!("to send the script {name:?}"), &response));
        }
        let script = match response.data.as_slice() {
            [line] => match line.as_slice() {
                [Token::Str(bytes)] => bytes.clone(),
                _ => return Err(protocol(&self.peer, "a malformed GETSCRIPT answer")),
            },
            _ => return Err(protocol(&self.peer, "a malformed GETSCRIPT answer")),
        };
        String::from_utf8(script)
            .map(Some)
            .map_err(|_| protocol(&self.peer, format!("the script {name:?} is not UTF-8")))
    }

    /// Store (create or replace) a script. A script the server cannot compile is
    /// `Error::Invalid` with the server's explanation.
    pub fn put_script(&mut self, name: &str, script: &str) -> Result<()> {
        if script.len() > MAX_LITERAL {
            return Err(Error::invalid(format!(
                "the Sieve script {name:?} is larger than {} MiB",
                MAX_LITERAL / (1024 * 1024)
            )));
        }
        let mut command =
            format!("PUTSCRIPT {} {{{}+}}\r\n", script_name(name)?, script.len()).into_bytes();
        command.extend_from_slice(script.as_bytes());
        command.extend_from_slice(b"\r\n");
        let response = self.command(&command)?;
        match response.status {
            Status::Ok => Ok(()),
            _ if response.code_is("QUOTA") => Err(Error::invalid(format!(
                "the Sieve server has no room for the script {name:?}: {}",
                response.text_or("quota exceeded")
            ))),
            _ if response.code_is("TRYLATER") => {
                Err(self.refused(&format!("to store the script {name:?}"), &response))
            }
            _ => Err(Error::invalid(format!(
                "the Sieve server rejected the script {name:?}: {}",
                response.text_or("no reason given")
            ))),
        }
    }

    /// Make `name` the active script; `""` deactivates all scripts.
    pub fn set_active(&mut self, name: &str) -> Result<()> {
        let line = format!("SETACTIVE {}\r\n", quote(name, "Sieve script name")?);
        let response = self.command(line.as_bytes())?;
        match response.status {
            Status::Ok => Ok(()),
            _ if response.code_is("NONEXISTENT") => {
                Err(Error::NotFound(format!("Sieve script {name:?}")))
            }
            _ => Err(self.refused(&format!("to activate the script {name:?}"), &response)),
        }
    }

    /// Delete a script; the server refuses to delete the active one.
    pub fn delete_script(&mut self, name: &str) -> Result<()> {
        let line = format!("DELETESCRIPT {}\r\n", script_name(name)?);
        let response = self.command(line.as_bytes())?;
        match response.status {
            Status::Ok => Ok(()),
            _ if response.code_is("NONEXISTENT") => {
                Err(Error::NotFound(format!("Sieve script {name:?}")))
            }
            _ => Err(self.refused(&format!("to delete the script {name:?}"), &response)),
        }
    }

    /// End the session politely; errors no longer matter here.
    pub fn logout(mut self) {
        let _ = self.command(b"LOGOUT\r\n");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(bytes: &[u8]) -> Result<Response> {
        read_response(&mut &bytes[..], "test")
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
        let caps = parse_capabilities(&r.data, "test").unwrap();
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
            parse_script_list(&r.data, "t").unwrap(),
            vec![
                ("summer".to_string(), false),
                ("kapsel \"oof\"".to_string(), true),
                ("long".to_string(), false)
            ]
        );
        assert!(parse(b"summer\r\nOK\r\n").is_err());
        let r = parse(b"\"summer\" ACTIVE extra\r\n\"x\" \"y\"\r\nOK\r\n").unwrap();
        assert!(parse_script_list(&r.data[..1], "t").is_err());
        assert!(parse_script_list(&r.data[1..], "t").is_err());
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
            let e = parse(bad).unwrap_err();
            assert!(matches!(e, Error::Network(_)), "{bad:?}: {e:?}");
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
            assert!(matches!(quote(bad, "n"), Err(Error::Invalid(_))), "{bad:?}");
        }
        assert!(script_name("").is_err());
        assert!(quote(&"x".repeat(MAX_NAME + 1), "n").is_err());
    }

    /// A fake server on loopback that speaks the given script, records what it got.
    fn fake_server(answers: Vec<&'static [u8]>) -> (Endpoint, std::thread::JoinHandle<Vec<u8>>) {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let handle = std::thread::spawn(move || {
            let (mut sock, _) = listener.accept().unwrap();
            sock.set_read_timeout(Some(Duration::from_millis(500)))
                .unwrap();
            let mut got = Vec::new();
            for answer in answers {
                sock.write_all(answer).unwrap();
                let mut buf = [0u8; 4096];
                match sock.read(&mut buf) {
                    Ok(n) => got.extend_from_slice(&buf[..n]),
                    Err(_) => break,
                }
            }
            got
        });
        let endpoint = Endpoint::parse(
            &format!("sieve://127.0.0.1:{port}"),
            &[("sieve", 4190, kapsel_core::net::stream::Security::StartTls)],
        )
        .unwrap();
        (endpoint, handle)
    }

    fn no_roots() -> Arc<rustls::ClientConfig> {
        Arc::new(
            rustls::ClientConfig::builder_with_provider(Arc::new(
                rustls::crypto::ring::default_provider(),
            ))
            .with_safe_default_protocol_versions()
            .unwrap()
            .with_root_certificates(rustls::RootCertStore::empty())
            .with_no_client_auth(),
        )
    }

    #[test]
    fn a_server_without_starttls_never_sees_the_password() {
        let (endpoint, server) = fake_server(vec![
            b"\"IMPLEMENTATION\" \"fake\"\r\n\"SASL\" \"PLAIN\"\r\n\"SIEVE\" \"vacation\"\r\nOK \"hi\"\r\n",
        ]);
        let Err(e) = SieveClient::connect(
            &endpoint,
            &no_roots(),
            "alice@corp.test",
            "secret",
            Duration::from_secs(2),
        ) else {
            panic!("connected without TLS");
        };
        assert!(e.to_string().contains("does not offer STARTTLS"), "{e}");
        let got = server.join().unwrap();
        assert!(
            got.is_empty(),
            "client sent {:?}",
            String::from_utf8_lossy(&got)
        );
    }

    #[test]
    fn bytes_injected_before_the_tls_handshake_are_refused() {
        let (endpoint, server) = fake_server(vec![
            b"\"STARTTLS\"\r\n\"SASL\" \"PLAIN\"\r\nOK\r\n",
            b"OK \"Begin TLS\"\r\n\"SASL\" \"PLAIN\"\r\nOK\r\n",
        ]);
        let Err(e) = SieveClient::connect(
            &endpoint,
            &no_roots(),
            "alice@corp.test",
            "secret",
            Duration::from_secs(2),
        ) else {
            panic!("accepted injected capabilities");
        };
        assert!(e.to_string().contains("before TLS"), "{e}");
        let got = server.join().unwrap();
        assert_eq!(got, b"STARTTLS\r\n");
    }
}
