//! A real HTTPS server for tests, on loopback, with a CA made for the test run: it serves
//! fixed routes that behave well or badly (redirects, huge bodies, trickling bytes) so the
//! http capability can be tested against real TLS and real sockets.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::sync::Arc;
use std::time::Duration;

use rcgen::{BasicConstraints, CertificateParams, CertifiedIssuer, IsCa, KeyPair};
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};

pub struct TestCa {
    pub pem: String,
    issuer: CertifiedIssuer<'static, KeyPair>,
}

impl TestCa {
    pub fn new() -> TestCa {
        let mut params = CertificateParams::new(Vec::<String>::new()).expect("params");
        params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        params
            .distinguished_name
            .push(rcgen::DnType::CommonName, "Kapsel test CA");
        let issuer =
            CertifiedIssuer::self_signed(params, KeyPair::generate().expect("key")).expect("CA");
        TestCa {
            pem: issuer.pem(),
            issuer,
        }
    }

    fn server_config(&self) -> Arc<rustls::ServerConfig> {
        let key = KeyPair::generate().expect("key");
        let params = CertificateParams::new(vec!["localhost".to_string(), "127.0.0.1".to_string()])
            .expect("params");
        let cert = params.signed_by(&key, &self.issuer).expect("leaf");
        let chain = vec![
            cert.der().clone(),
            CertificateDer::from(self.issuer.der().to_vec()),
        ];
        let key = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(key.serialize_der()));
        let config = rustls::ServerConfig::builder_with_provider(Arc::new(
            rustls::crypto::ring::default_provider(),
        ))
        .with_safe_default_protocol_versions()
        .expect("versions")
        .with_no_client_auth()
        .with_single_cert(chain, key)
        .expect("server cert");
        Arc::new(config)
    }
}

impl Default for TestCa {
    fn default() -> Self {
        TestCa::new()
    }
}

/// What the server received.
pub struct Received {
    pub method: String,
    pub path: String,
    pub headers: Vec<(String, String)>,
}

impl Received {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

pub enum Reply {
    Full {
        status: u16,
        headers: Vec<(String, String)>,
        body: Vec<u8>,
    },
    /// Announce `len` bytes, then send one byte every `every`.
    Trickle { len: usize, every: Duration },
    /// Announce and stream `len` bytes.
    Huge { len: usize },
}

impl Reply {
    pub fn ok(body: &str) -> Reply {
        Reply::Full {
            status: 200,
            headers: vec![],
            body: body.as_bytes().to_vec(),
        }
    }
    pub fn redirect(status: u16, location: &str) -> Reply {
        Reply::Full {
            status,
            headers: vec![("Location".into(), location.into())],
            body: vec![],
        }
    }
}

pub struct HttpsServer {
    pub port: u16,
}

impl HttpsServer {
    pub fn origin(&self) -> String {
        format!("https://127.0.0.1:{}", self.port)
    }
}

pub fn serve(ca: &TestCa, handler: fn(&Received) -> Reply) -> HttpsServer {
    let config = ca.server_config();
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = listener.local_addr().expect("addr").port();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(tcp) = stream else { continue };
            let config = Arc::clone(&config);
            std::thread::spawn(move || {
                let _ = tcp.set_read_timeout(Some(Duration::from_secs(20)));
                let Ok(conn) = rustls::ServerConnection::new(config) else {
                    return;
                };
                let mut tls = rustls::StreamOwned::new(conn, tcp);
                let mut reader = BufReader::new(&mut tls);
                let mut first = String::new();
                if reader.read_line(&mut first).is_err() {
                    return;
                }
                let mut parts = first.split_whitespace();
                let method = parts.next().unwrap_or("").to_string();
                let path = parts.next().unwrap_or("").to_string();
                let mut headers = Vec::new();
                let mut content_length = 0usize;
                loop {
                    let mut line = String::new();
                    if reader.read_line(&mut line).unwrap_or(0) == 0 {
                        return;
                    }
                    let line = line.trim_end();
                    if line.is_empty() {
                        break;
                    }
                    if let Some((k, v)) = line.split_once(':') {
                        if k.eq_ignore_ascii_case("content-length") {
                            content_length = v.trim().parse().unwrap_or(0);
                        }
                        headers.push((k.trim().to_string(), v.trim().to_string()));
                    }
                }
                let mut body = vec![0u8; content_length.min(1 << 20)];
                let _ = reader.read_exact(&mut body);
                drop(reader);
                let received = Received {
                    method,
                    path,
                    headers,
                };
                let saw_auth = if received.header("authorization").is_some() {
                    "yes"
                } else {
                    "none"
                };
                let reply = handler(&received);
                let _ = match reply {
                    Reply::Full {
                        status,
                        headers,
                        body,
                    } => {
                        let mut head = format!(
                            "HTTP/1.1 {status} X\r\nContent-Length: {}\r\nX-Saw-Authorization: {saw_auth}\r\nConnection: close\r\n",
                            body.len()
                        );
                        for (k, v) in headers {
                            head.push_str(&format!("{k}: {v}\r\n"));
                        }
                        head.push_str("\r\n");
                        tls.write_all(head.as_bytes())
                            .and_then(|_| tls.write_all(&body))
                            .and_then(|_| tls.flush())
                    }
                    Reply::Trickle { len, every } => {
                        let head = format!(
                            "HTTP/1.1 200 OK\r\nContent-Length: {len}\r\nConnection: close\r\n\r\n"
                        );
                        let mut r = tls.write_all(head.as_bytes()).and_then(|_| tls.flush());
                        for _ in 0..len {
                            if r.is_err() {
                                break;
                            }
                            std::thread::sleep(every);
                            r = tls.write_all(b"x").and_then(|_| tls.flush());
                        }
                        r
                    }
                    Reply::Huge { len } => {
                        let head = format!(
                            "HTTP/1.1 200 OK\r\nContent-Length: {len}\r\nConnection: close\r\n\r\n"
                        );
                        let mut r = tls.write_all(head.as_bytes());
                        let chunk = vec![b'z'; 64 * 1024];
                        let mut sent = 0;
                        while r.is_ok() && sent < len {
                            r = tls.write_all(&chunk);
                            sent += chunk.len();
                        }
                        r
                    }
                };
                tls.conn.send_close_notify();
                let _ = tls.flush();
            });
        }
    });
    HttpsServer { port }
}
