//! A small blocking HTTP/1.1 client for exactly one request to one already-vetted address.
//!
//! Deliberately not a general client: the caller (a capability or a protocol module) decides
//! which address to connect to after checking it, follows redirects itself after checking
//! them, and injects credentials itself. This module only speaks the protocol, under a hard
//! deadline (a server that trickles bytes is cut off) and a hard size limit.

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::sync::Arc;
use std::time::{Duration, Instant};

use kapsel_i18n::t;
use rustls::pki_types::ServerName;

use super::origin::Target;

#[derive(Debug, Clone)]
pub struct Request {
    pub method: String,
    pub headers: Vec<(String, String)>,
    pub body: Option<Vec<u8>>,
}

#[derive(Debug, Clone)]
pub struct Response {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Response {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FetchError {
    Timeout(String),
    TooLarge(u64),
    Tls(String),
    Connect(String),
    Protocol(String),
}

impl std::fmt::Display for FetchError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let cat = kapsel_i18n::current();
        f.write_str(&match self {
            FetchError::Timeout(m) => t!(cat, "core-http-timed-out", detail = m.as_str()),
            FetchError::TooLarge(n) => t!(cat, "core-http-too-large", limit = n.to_string()),
            FetchError::Tls(m) => format!("TLS: {m}"),
            FetchError::Connect(m) => t!(cat, "core-http-connect", detail = m.as_str()),
            FetchError::Protocol(m) => t!(cat, "core-http-protocol", detail = m.as_str()),
        })
    }
}

#[derive(Debug, Clone, Copy)]
pub struct Limits {
    pub deadline: Instant,
    pub max_body: u64,
}

const MAX_HEAD: usize = 64 * 1024;

trait Stream: Read + Write {
    fn set_timeout(&mut self, t: Duration) -> std::io::Result<()>;
}

impl Stream for TcpStream {
    fn set_timeout(&mut self, t: Duration) -> std::io::Result<()> {
        self.set_read_timeout(Some(t))?;
        self.set_write_timeout(Some(t))
    }
}

impl Stream for rustls::StreamOwned<rustls::ClientConnection, TcpStream> {
    fn set_timeout(&mut self, t: Duration) -> std::io::Result<()> {
        self.sock.set_read_timeout(Some(t))?;
        self.sock.set_write_timeout(Some(t))
    }
}

fn remaining(limits: &Limits) -> Result<Duration, FetchError> {
    limits
        .deadline
        .checked_duration_since(Instant::now())
        .filter(|d| !d.is_zero())
        .ok_or_else(|| FetchError::Timeout(t!(kapsel_i18n::current(), "core-http-time-limit")))
}

fn io_error(e: std::io::Error, limits: &Limits) -> FetchError {
    if matches!(
        e.kind(),
        std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
    ) || Instant::now() >= limits.deadline
    {
        return FetchError::Timeout(t!(kapsel_i18n::current(), "core-http-slow"));
    }
    if let Some(inner) = e.get_ref().and_then(|i| i.downcast_ref::<rustls::Error>()) {
        return FetchError::Tls(inner.to_string());
    }
    FetchError::Protocol(e.to_string())
}

/// Send `request` to `addr` for `target` (TLS when the scheme is https). Exactly one request,
/// no redirects, `Connection: close`.
pub fn send(
    addr: SocketAddr,
    target: &Target,
    tls: &Arc<rustls::ClientConfig>,
    request: &Request,
    limits: Limits,
) -> Result<Response, FetchError> {
    let mut stream = connect(addr, target, tls, &limits)?;
    write_request(stream.as_mut(), target, request, false, &limits)?;
    read_response(stream.as_mut(), request.method == "HEAD", limits).map(|(r, _)| r)
}

fn connect(
    addr: SocketAddr,
    target: &Target,
    tls: &Arc<rustls::ClientConfig>,
    limits: &Limits,
) -> Result<Box<dyn Stream>, FetchError> {
    let timeout = remaining(limits)?;
    let tcp =
        TcpStream::connect_timeout(&addr, timeout.min(Duration::from_secs(15))).map_err(|e| {
            if e.kind() == std::io::ErrorKind::TimedOut {
                FetchError::Timeout(t!(
                    kapsel_i18n::current(),
                    "core-http-connecting",
                    address = addr.to_string()
                ))
            } else {
                FetchError::Connect(format!("{addr}: {e}"))
            }
        })?;
    let _ = tcp.set_nodelay(true);
    Ok(if target.scheme == "https" {
        let name = match target.ip {
            Some(ip) => ServerName::IpAddress(ip.into()),
            None => ServerName::try_from(target.host.clone()).map_err(|_| {
                FetchError::Tls(t!(
                    kapsel_i18n::current(),
                    "core-http-tls-name",
                    host = target.host.as_str()
                ))
            })?,
        };
        let conn = rustls::ClientConnection::new(Arc::clone(tls), name)
            .map_err(|e| FetchError::Tls(e.to_string()))?;
        Box::new(rustls::StreamOwned::new(conn, tcp))
    } else {
        Box::new(tcp)
    })
}

fn write_request(
    stream: &mut dyn Stream,
    target: &Target,
    request: &Request,
    keep_alive: bool,
    limits: &Limits,
) -> Result<(), FetchError> {
    let head = request_head(target, request, keep_alive);
    stream
        .set_timeout(remaining(limits)?)
        .map_err(|e| FetchError::Connect(e.to_string()))?;
    stream.write_all(&head).map_err(|e| io_error(e, limits))?;
    if let Some(body) = &request.body {
        stream.write_all(body).map_err(|e| io_error(e, limits))?;
    }
    stream.flush().map_err(|e| io_error(e, limits))
}

/// A persistent HTTP/1.1 connection to one origin, for protocol modules that send many
/// requests in a row (CalDAV/CardDAV sync): one TCP and TLS handshake instead of one per
/// request. The caller vets the address once, as for `send`. A connection the server closed
/// while idle is opened again once, transparently, but only when no byte of a response was
/// read, so a request is never answered twice.
pub struct Session {
    addr: SocketAddr,
    origin: String,
    tls: Arc<rustls::ClientConfig>,
    stream: Option<Box<dyn Stream>>,
}

impl Session {
    pub fn new(addr: SocketAddr, tls: Arc<rustls::ClientConfig>) -> Session {
        Session {
            addr,
            origin: String::new(),
            tls,
            stream: None,
        }
    }

    /// Send one request for `target` (which must be on the origin of earlier requests; a
    /// different origin opens a new connection).
    pub fn send(
        &mut self,
        target: &Target,
        request: &Request,
        limits: Limits,
    ) -> Result<Response, FetchError> {
        let origin = target.origin_string();
        if origin != self.origin {
            self.stream = None;
            self.origin = origin;
        }
        let reused = self.stream.is_some();
        match self.exchange(target, request, limits) {
            Err(Exchange::Unanswered(_)) if reused => {
                self.stream = None;
                self.exchange(target, request, limits)
                    .map_err(Exchange::into_error)
            }
            other => other.map_err(Exchange::into_error),
        }
    }

    fn exchange(
        &mut self,
        target: &Target,
        request: &Request,
        limits: Limits,
    ) -> Result<Response, Exchange> {
        let mut stream = match self.stream.take() {
            Some(s) => s,
            None => connect(self.addr, target, &self.tls, &limits).map_err(Exchange::Failed)?,
        };
        write_request(stream.as_mut(), target, request, true, &limits)
            .map_err(Exchange::Unanswered)?;
        let mut live = Live {
            stream: stream.as_mut(),
            limits,
            started: false,
        };
        match parse_response(&mut live, request.method == "HEAD", limits.max_body) {
            Ok((response, framed)) => {
                let closing = response
                    .header("connection")
                    .is_some_and(|v| v.to_ascii_lowercase().contains("close"));
                if framed && !closing {
                    self.stream = Some(stream);
                }
                Ok(response)
            }
            Err(e) if !live.started => Err(Exchange::Unanswered(e)),
            Err(e) => Err(Exchange::Failed(e)),
        }
    }
}

enum Exchange {
    /// Nothing of a response arrived: safe to try once more on a fresh connection.
    Unanswered(FetchError),
    Failed(FetchError),
}

impl Exchange {
    fn into_error(self) -> FetchError {
        match self {
            Exchange::Unanswered(e) | Exchange::Failed(e) => e,
        }
    }
}

fn request_head(target: &Target, request: &Request, keep_alive: bool) -> Vec<u8> {
    let mut path = target.url.path().to_string();
    if let Some(q) = target.url.query() {
        path.push('?');
        path.push_str(q);
    }
    let default_port = if target.scheme == "https" { 443 } else { 80 };
    let host = if target.host.contains(':') {
        format!("[{}]", target.host)
    } else {
        target.host.clone()
    };
    let host = if target.port == default_port {
        host
    } else {
        format!("{host}:{}", target.port)
    };
    let mut head = format!("{} {path} HTTP/1.1\r\nHost: {host}\r\n", request.method);
    let has = |name: &str| {
        request
            .headers
            .iter()
            .any(|(k, _)| k.eq_ignore_ascii_case(name))
    };
    if !has("user-agent") {
        head.push_str("User-Agent: Kapsel/0.1\r\n");
    }
    if !has("accept") {
        head.push_str("Accept: */*\r\n");
    }
    head.push_str(if keep_alive {
        "Accept-Encoding: identity\r\nConnection: keep-alive\r\n"
    } else {
        "Accept-Encoding: identity\r\nConnection: close\r\n"
    });
    for (k, v) in &request.headers {
        head.push_str(&format!("{k}: {v}\r\n"));
    }
    let len = request.body.as_ref().map_or(0, Vec::len);
    if request.body.is_some() || matches!(request.method.as_str(), "POST" | "PUT" | "PATCH") {
        head.push_str(&format!("Content-Length: {len}\r\n"));
    }
    head.push_str("\r\n");
    head.into_bytes()
}

/// Headers an app may not set: the host owns framing, routing and credentials.
pub fn forbidden_request_header(name: &str) -> bool {
    const FORBIDDEN: &[&str] = &[
        "host",
        "content-length",
        "transfer-encoding",
        "connection",
        "upgrade",
        "te",
        "trailer",
        "expect",
        "keep-alive",
        "authorization",
        "proxy-authorization",
        "proxy-connection",
        "accept-encoding",
    ];
    FORBIDDEN.iter().any(|f| name.eq_ignore_ascii_case(f))
}

/// Header names are RFC 9110 tokens; values have no control characters except tab.
pub fn valid_header(name: &str, value: &str) -> bool {
    !name.is_empty()
        && name.len() <= 256
        && value.len() <= 8192
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b))
        && value
            .bytes()
            .all(|b| b == b'\t' || (b >= 0x20 && b != 0x7f))
}

/// Where response bytes come from: the live connection (under the deadline) or, for tests
/// and fuzzing, a byte slice.
trait Source {
    /// Some bytes into `buf`; 0 at the end of the stream.
    fn read_some(&mut self, buf: &mut [u8]) -> Result<usize, FetchError>;
}

struct Live<'a> {
    stream: &'a mut dyn Stream,
    limits: Limits,
    /// Whether any byte of the response has arrived.
    started: bool,
}

impl Source for Live<'_> {
    fn read_some(&mut self, buf: &mut [u8]) -> Result<usize, FetchError> {
        self.stream
            .set_timeout(remaining(&self.limits)?)
            .map_err(|e| FetchError::Protocol(e.to_string()))?;
        loop {
            match self.stream.read(buf) {
                Ok(n) => {
                    self.started |= n > 0;
                    return Ok(n);
                }
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                // A peer that closes without TLS close_notify: treat as end of stream,
                // framing (Content-Length / chunked) still catches a truncated body.
                Err(e) if e.kind() == std::io::ErrorKind::UnexpectedEof => return Ok(0),
                Err(e) => return Err(io_error(e, &self.limits)),
            }
        }
    }
}

impl Source for &[u8] {
    fn read_some(&mut self, buf: &mut [u8]) -> Result<usize, FetchError> {
        // A few bytes at a time, so every frame boundary falls mid-read somewhere.
        let n = self.len().min(buf.len()).min(7);
        buf[..n].copy_from_slice(&self[..n]);
        *self = &self[n..];
        Ok(n)
    }
}

fn read_response(
    stream: &mut dyn Stream,
    head_request: bool,
    limits: Limits,
) -> Result<(Response, bool), FetchError> {
    let mut live = Live {
        stream,
        limits,
        started: false,
    };
    parse_response(&mut live, head_request, limits.max_body)
}

/// Parse a whole response from `bytes` (tests and the fuzz harness: the same code as a live
/// response, without a socket).
pub fn parse_response_bytes(
    mut bytes: &[u8],
    head_request: bool,
    max_body: u64,
) -> Result<Response, FetchError> {
    parse_response(&mut bytes, head_request, max_body).map(|(r, _)| r)
}

/// Framing slack beyond the body limit: chunk-size lines and their line ends.
const FRAMING_SLACK: u64 = 64 * 1024;

/// The response, and whether its end was framed (a length or chunks, so the connection can
/// carry another request) rather than the connection closing.
fn parse_response(
    source: &mut dyn Source,
    head_request: bool,
    max_body: u64,
) -> Result<(Response, bool), FetchError> {
    let cat = kapsel_i18n::current();
    let mut buf = Vec::with_capacity(8192);
    let mut chunk = vec![0u8; 16 * 1024];
    let (status, headers, body_start) = loop {
        let n = source.read_some(&mut chunk)?;
        if n == 0 {
            return Err(FetchError::Protocol(t!(cat, "core-http-head-closed")));
        }
        buf.extend_from_slice(&chunk[..n]);
        let mut parsed = [httparse::EMPTY_HEADER; 128];
        let mut resp = httparse::Response::new(&mut parsed);
        match resp.parse(&buf) {
            Ok(httparse::Status::Complete(len)) => {
                let status = resp.code.unwrap_or(0);
                let headers: Vec<(String, String)> = resp
                    .headers
                    .iter()
                    .map(|h| {
                        (
                            h.name.to_string(),
                            String::from_utf8_lossy(h.value).into_owned(),
                        )
                    })
                    .collect();
                if (100..200).contains(&status) {
                    // Interim response: drop it and read the real one.
                    buf.drain(..len);
                    continue;
                }
                break (status, headers, len);
            }
            Ok(httparse::Status::Partial) if buf.len() > MAX_HEAD => {
                return Err(FetchError::Protocol(t!(cat, "core-http-head-too-large")));
            }
            Ok(httparse::Status::Partial) => {}
            Err(e) => {
                return Err(FetchError::Protocol(t!(
                    cat,
                    "core-http-head-malformed",
                    error = e.to_string()
                )));
            }
        }
    };
    let mut response = Response {
        status,
        headers,
        body: Vec::new(),
    };
    let rest = buf.split_off(body_start);
    if head_request || status == 204 || status == 304 {
        return Ok((response, rest.is_empty()));
    }
    let chunked = response.header("transfer-encoding").is_some_and(|v| {
        v.to_ascii_lowercase()
            .split(',')
            .any(|t| t.trim() == "chunked")
    });
    let length = match response.header("content-length") {
        Some(v) if !chunked => Some(v.trim().parse::<u64>().map_err(|_| {
            FetchError::Protocol(t!(cat, "core-http-bad-length", value = format!("{v:?}")))
        })?),
        _ => None,
    };
    if let Some(len) = length
        && len > max_body
    {
        return Err(FetchError::TooLarge(max_body));
    }
    let mut raw = rest;
    let mut eof = false;
    let ceiling = max_body.saturating_add(FRAMING_SLACK);
    let mut pull = |raw: &mut Vec<u8>, eof: &mut bool| -> Result<(), FetchError> {
        let n = source.read_some(&mut chunk)?;
        if n == 0 {
            *eof = true;
        }
        raw.extend_from_slice(&chunk[..n]);
        // Chunk framing adds a little; anything far beyond the limit is too large already.
        if raw.len() as u64 > ceiling {
            return Err(FetchError::TooLarge(max_body));
        }
        Ok(())
    };
    if chunked {
        let mut pos = 0usize;
        // Where the search for the current size line's end resumes.
        let mut scanned = 0usize;
        loop {
            let line_end = loop {
                let from = pos.max(scanned);
                if let Some(i) = raw[from..].windows(2).position(|w| w == b"\r\n") {
                    break from + i;
                }
                if raw.len().saturating_sub(pos) > 4096 {
                    return Err(FetchError::Protocol(t!(cat, "core-http-chunk-line")));
                }
                if eof {
                    return Err(FetchError::Protocol(t!(cat, "core-http-chunked-early")));
                }
                scanned = raw.len().saturating_sub(1);
                pull(&mut raw, &mut eof)?;
            };
            let size_text = String::from_utf8_lossy(&raw[pos..line_end]).into_owned();
            let size_hex = size_text.split(';').next().unwrap_or("").trim();
            let size = u64::from_str_radix(size_hex, 16).map_err(|_| {
                FetchError::Protocol(t!(
                    cat,
                    "core-http-bad-chunk-size",
                    size = format!("{size_text:?}")
                ))
            })?;
            let data_start = line_end + 2;
            if size == 0 {
                // The trailer section ends with an empty line; read it so the connection
                // is at the next response (a server that closes instead is fine too).
                let mut framed = false;
                while raw.len().saturating_sub(data_start) <= 4096 {
                    let tail = &raw[data_start..];
                    if tail.starts_with(b"\r\n") || tail.windows(4).any(|w| w == b"\r\n\r\n") {
                        framed = true;
                        break;
                    }
                    if eof {
                        break;
                    }
                    pull(&mut raw, &mut eof)?;
                }
                return Ok((response, framed));
            }
            // Every sum a server controls is checked: a chunk size near 2^64 is "too large",
            // never an overflow.
            let total = (response.body.len() as u64).checked_add(size);
            if total.is_none_or(|t| t > max_body) {
                return Err(FetchError::TooLarge(max_body));
            }
            let Some(data_end) = usize::try_from(size)
                .ok()
                .and_then(|s| data_start.checked_add(s))
            else {
                return Err(FetchError::TooLarge(max_body));
            };
            while raw.len() < data_end.saturating_add(2) {
                if eof {
                    return Err(FetchError::Protocol(t!(cat, "core-http-chunked-early")));
                }
                pull(&mut raw, &mut eof)?;
            }
            if &raw[data_end..data_end + 2] != b"\r\n" {
                return Err(FetchError::Protocol(t!(cat, "core-http-chunk-crlf")));
            }
            response.body.extend_from_slice(&raw[data_start..data_end]);
            pos = data_end + 2;
            scanned = pos;
            // Keep the buffer small on long bodies.
            if pos > 1 << 20 {
                raw.drain(..pos);
                pos = 0;
                scanned = 0;
            }
        }
    }
    loop {
        if let Some(len) = length
            && raw.len() as u64 >= len
        {
            raw.truncate(len as usize);
            break;
        }
        if eof {
            if let Some(len) = length {
                return Err(FetchError::Protocol(t!(
                    cat,
                    "core-http-body-short",
                    received = raw.len().to_string(),
                    length = len.to_string()
                )));
            }
            break;
        }
        if raw.len() as u64 > max_body {
            return Err(FetchError::TooLarge(max_body));
        }
        pull(&mut raw, &mut eof)?;
    }
    if raw.len() as u64 > max_body {
        return Err(FetchError::TooLarge(max_body));
    }
    response.body = raw;
    Ok((response, length.is_some()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(bytes: &[u8]) -> Result<Response, FetchError> {
        parse_response_bytes(bytes, false, 1024 * 1024)
    }

    /// A server that answers `per_connection` requests on each connection, then closes it;
    /// it counts connections.
    fn keep_alive_server(
        per_connection: usize,
    ) -> (SocketAddr, Arc<std::sync::atomic::AtomicUsize>) {
        use std::io::BufRead;
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap();
        let count = Arc::new(std::sync::atomic::AtomicUsize::new(0));
        let c = Arc::clone(&count);
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                c.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                let mut reader = std::io::BufReader::new(stream.try_clone().unwrap());
                let mut out = stream;
                for n in 0..per_connection {
                    let mut line = String::new();
                    loop {
                        line.clear();
                        if reader.read_line(&mut line).unwrap_or(0) == 0 {
                            return;
                        }
                        if line == "\r\n" {
                            break;
                        }
                    }
                    let body = format!("answer {n}");
                    let _ = write!(
                        out,
                        "HTTP/1.1 200 OK\r\nContent-Length: {}\r\n\r\n{body}",
                        body.len()
                    );
                }
            }
        });
        (addr, count)
    }

    #[test]
    fn a_session_reuses_its_connection_and_reopens_one_the_server_closed() {
        let (addr, connections) = keep_alive_server(2);
        let target = super::super::origin::parse_target(&format!("http://{addr}/x")).unwrap();
        let tls = crate::net::tls::client_config(&crate::policy::Tls::default()).unwrap();
        let mut session = Session::new(addr, tls);
        let request = Request {
            method: "GET".into(),
            headers: vec![],
            body: None,
        };
        let limits = || Limits {
            deadline: Instant::now() + Duration::from_secs(10),
            max_body: 1024,
        };
        let bodies: Vec<String> = (0..5)
            .map(|_| {
                String::from_utf8(session.send(&target, &request, limits()).unwrap().body).unwrap()
            })
            .collect();
        assert_eq!(
            bodies,
            ["answer 0", "answer 1", "answer 0", "answer 1", "answer 0"]
        );
        assert_eq!(connections.load(std::sync::atomic::Ordering::SeqCst), 3);
    }

    #[test]
    fn a_huge_chunk_size_is_too_large_not_an_overflow() {
        for size in ["ffffffffffffffff", "fffffffffffffff0", "8000000000000000"] {
            let r = format!(
                "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n{size}\r\nx"
            );
            assert_eq!(
                parse(r.as_bytes()).unwrap_err(),
                FetchError::TooLarge(1024 * 1024),
                "{size}"
            );
        }
        // A limit near u64::MAX (a tenant's "no limit") does not overflow either.
        let r =
            b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n1\r\na\r\nffffffffffffffff\r\n";
        assert!(parse_response_bytes(r, false, u64::MAX).is_err());
    }

    #[test]
    fn chunked_and_sized_bodies_parse() {
        let r = parse(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5;x=y\r\nhello\r\n6\r\n world\r\n0\r\n\r\n").unwrap();
        assert_eq!(r.body, b"hello world");
        let r = parse(b"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 404 Not Found\r\nContent-Length: 3\r\n\r\nabcdef").unwrap();
        assert_eq!((r.status, r.body.as_slice()), (404, &b"abc"[..]));
        assert!(parse(b"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nshort").is_err());
        assert!(
            parse(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhelloXX0\r\n\r\n")
                .is_err()
        );
        let endless = [
            &b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"[..],
            &[b'1'; 10_000],
        ]
        .concat();
        assert!(parse(&endless).is_err());
    }
}
