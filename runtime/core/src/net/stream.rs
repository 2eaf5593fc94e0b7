//! Byte streams to line-protocol servers (IMAP, SMTP submission, ManageSieve): TCP with
//! implicit TLS or a STARTTLS upgrade, all through the tenant's TLS settings. There is no
//! plain-text mode: protocol clients refuse to send credentials before TLS is on.

use std::io::{Read, Write};
use std::net::{IpAddr, TcpStream, ToSocketAddrs};
use std::sync::Arc;
use std::time::Duration;

use kapsel_i18n::t;
use rustls::pki_types::ServerName;

use crate::error::{Error, Result};

/// How a server URL asks to be reached.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Security {
    /// TLS from the first byte (`imaps://`, `submissions://`).
    Implicit,
    /// Plain greeting, then STARTTLS before any credential is sent (`imap://`, `submission://`,
    /// `sieve://`). A server that does not offer it is refused.
    StartTls,
}

/// A server address from the tenant policy, e.g. `imaps://mail.agency.example:993`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Endpoint {
    pub scheme: String,
    pub host: String,
    pub port: u16,
    pub security: Security,
}

impl Endpoint {
    /// Parse `scheme://host[:port]`; `schemes` lists the accepted schemes with their
    /// default port and security, e.g. `[("imaps", 993, Implicit), ("imap", 143, StartTls)]`.
    pub fn parse(text: &str, schemes: &[(&str, u16, Security)]) -> Result<Endpoint> {
        let cat = kapsel_i18n::current();
        let address = || format!("{text:?}");
        let url = url::Url::parse(text).map_err(|e| {
            Error::Policy(t!(
                cat,
                "core-endpoint-not-url",
                address = address(),
                error = e.to_string()
            ))
        })?;
        let Some(&(scheme, default_port, security)) =
            schemes.iter().find(|(s, _, _)| *s == url.scheme())
        else {
            let names: Vec<&str> = schemes.iter().map(|s| s.0).collect();
            return Err(Error::Policy(t!(
                cat,
                "core-endpoint-scheme",
                address = address(),
                schemes = names.join(", ")
            )));
        };
        if !url.username().is_empty() || url.password().is_some() {
            return Err(Error::Policy(t!(
                cat,
                "core-endpoint-credentials",
                address = address()
            )));
        }
        if !matches!(url.path(), "" | "/") || url.query().is_some() {
            return Err(Error::Policy(t!(
                cat,
                "core-endpoint-path",
                address = address()
            )));
        }
        let host = url
            .host_str()
            .ok_or_else(|| Error::Policy(t!(cat, "core-endpoint-no-host", address = address())))?
            .trim_start_matches('[')
            .trim_end_matches(']')
            .to_string();
        Ok(Endpoint {
            scheme: scheme.to_string(),
            host,
            port: url.port().unwrap_or(default_port),
            security,
        })
    }

    pub fn server_name(&self) -> Result<ServerName<'static>> {
        match self.host.parse::<IpAddr>() {
            Ok(ip) => Ok(ServerName::IpAddress(ip.into())),
            Err(_) => ServerName::try_from(self.host.clone()).map_err(|_| {
                Error::Policy(t!(
                    kapsel_i18n::current(),
                    "core-endpoint-tls-name",
                    host = self.host.as_str()
                ))
            }),
        }
    }
}

impl std::fmt::Display for Endpoint {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}://{}:{}", self.scheme, self.host, self.port)
    }
}

enum Inner {
    Plain(TcpStream),
    Tls(Box<rustls::StreamOwned<rustls::ClientConnection, TcpStream>>),
}

/// A connected stream; `Read + Write` whether or not TLS is on.
pub struct Stream {
    inner: Inner,
    peer: String,
}

/// Turn an I/O error into a message that says what went wrong and where: TLS failures name
/// the certificate problem, time-outs say so.
pub fn describe(e: &std::io::Error, peer: &str) -> Error {
    let cat = kapsel_i18n::current();
    if let Some(tls) = e.get_ref().and_then(|i| i.downcast_ref::<rustls::Error>()) {
        return Error::Tls(t!(
            cat,
            "core-net-tls-failed",
            peer = peer,
            reason = tls_reason(tls)
        ));
    }
    match e.kind() {
        std::io::ErrorKind::TimedOut | std::io::ErrorKind::WouldBlock => {
            Error::Network(t!(cat, "core-net-timeout", peer = peer))
        }
        std::io::ErrorKind::UnexpectedEof => {
            Error::Network(t!(cat, "core-net-closed", peer = peer))
        }
        _ => Error::Network(format!("{peer}: {e}")),
    }
}

fn tls_reason(e: &rustls::Error) -> String {
    use rustls::CertificateError as C;
    let cat = kapsel_i18n::current();
    match e {
        rustls::Error::InvalidCertificate(C::UnknownIssuer) => t!(cat, "core-tls-unknown-issuer"),
        rustls::Error::InvalidCertificate(C::Expired | C::ExpiredContext { .. }) => {
            t!(cat, "core-tls-expired")
        }
        rustls::Error::InvalidCertificate(
            C::NotValidForName | C::NotValidForNameContext { .. },
        ) => t!(cat, "core-tls-wrong-name"),
        other => other.to_string(),
    }
}

impl Stream {
    fn tcp(endpoint: &Endpoint, timeout: Duration) -> Result<TcpStream> {
        let peer = endpoint.to_string();
        let cat = kapsel_i18n::current();
        let addrs = (endpoint.host.as_str(), endpoint.port)
            .to_socket_addrs()
            .map_err(|e| {
                Error::Network(t!(
                    cat,
                    "core-net-resolve",
                    host = endpoint.host.as_str(),
                    error = e.to_string()
                ))
            })?;
        let mut last = None;
        for addr in addrs {
            match TcpStream::connect_timeout(&addr, timeout) {
                Ok(tcp) => {
                    let _ = tcp.set_nodelay(true);
                    tcp.set_read_timeout(Some(timeout))
                        .and_then(|()| tcp.set_write_timeout(Some(timeout)))
                        .map_err(|e| describe(&e, &peer))?;
                    return Ok(tcp);
                }
                Err(e) => last = Some(e),
            }
        }
        Err(match last {
            Some(e) if e.kind() == std::io::ErrorKind::ConnectionRefused => {
                Error::Network(t!(cat, "core-net-refused", peer = peer.as_str()))
            }
            Some(e) => Error::Network(t!(
                cat,
                "core-net-connect",
                peer = peer.as_str(),
                error = e.to_string()
            )),
            None => Error::Network(t!(
                cat,
                "core-net-no-address",
                host = endpoint.host.as_str()
            )),
        })
    }

    /// Connect; with `Implicit` security the TLS handshake completes here, so a bad
    /// certificate is reported before any byte of the protocol is exchanged.
    pub fn connect(
        endpoint: &Endpoint,
        tls: &Arc<rustls::ClientConfig>,
        timeout: Duration,
    ) -> Result<Stream> {
        let tcp = Self::tcp(endpoint, timeout)?;
        let plain = Stream {
            inner: Inner::Plain(tcp),
            peer: endpoint.to_string(),
        };
        match endpoint.security {
            Security::Implicit => plain.start_tls(endpoint, tls),
            Security::StartTls => Ok(plain),
        }
    }

    /// Upgrade a plain stream (after the protocol's STARTTLS command was accepted).
    pub fn start_tls(self, endpoint: &Endpoint, tls: &Arc<rustls::ClientConfig>) -> Result<Stream> {
        let tcp = match self.inner {
            Inner::Plain(tcp) => tcp,
            Inner::Tls(_) => {
                return Err(Error::Tls(t!(
                    kapsel_i18n::current(),
                    "core-tls-already-on",
                    peer = self.peer.as_str()
                )));
            }
        };
        let conn = rustls::ClientConnection::new(Arc::clone(tls), endpoint.server_name()?)
            .map_err(|e| {
                Error::Tls(t!(
                    kapsel_i18n::current(),
                    "core-tls-with",
                    peer = self.peer.as_str(),
                    error = e.to_string()
                ))
            })?;
        let mut stream = rustls::StreamOwned::new(conn, tcp);
        while stream.conn.is_handshaking() {
            stream
                .conn
                .complete_io(&mut stream.sock)
                .map_err(|e| describe(&e, &self.peer))?;
        }
        Ok(Stream {
            inner: Inner::Tls(Box::new(stream)),
            peer: self.peer,
        })
    }

    pub fn is_tls(&self) -> bool {
        matches!(self.inner, Inner::Tls(_))
    }

    pub fn peer(&self) -> &str {
        &self.peer
    }

    fn tcp_ref(&self) -> &TcpStream {
        match &self.inner {
            Inner::Plain(t) => t,
            Inner::Tls(s) => &s.sock,
        }
    }

    /// Read time-out (None: block), e.g. longer while IDLE waits for the server.
    pub fn set_read_timeout(&self, timeout: Option<Duration>) -> Result<()> {
        self.tcp_ref()
            .set_read_timeout(timeout)
            .map_err(|e| describe(&e, &self.peer))
    }

    /// A second handle on the socket, only to shut it down from another thread (ends IDLE).
    pub fn shutdown_handle(&self) -> Result<TcpStream> {
        self.tcp_ref()
            .try_clone()
            .map_err(|e| describe(&e, &self.peer))
    }
}

impl Read for Stream {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        match &mut self.inner {
            Inner::Plain(t) => t.read(buf),
            Inner::Tls(s) => s.read(buf),
        }
    }
}

impl Write for Stream {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        match &mut self.inner {
            Inner::Plain(t) => t.write(buf),
            Inner::Tls(s) => s.write(buf),
        }
    }

    fn flush(&mut self) -> std::io::Result<()> {
        match &mut self.inner {
            Inner::Plain(t) => t.flush(),
            Inner::Tls(s) => s.flush(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const IMAP: &[(&str, u16, Security)] = &[
        ("imaps", 993, Security::Implicit),
        ("imap", 143, Security::StartTls),
    ];

    #[test]
    fn endpoints_parse_with_default_ports() {
        let e = Endpoint::parse("imaps://mail.example", IMAP).unwrap();
        assert_eq!((e.port, e.security), (993, Security::Implicit));
        let e = Endpoint::parse("imap://127.0.0.1:10143", IMAP).unwrap();
        assert_eq!(
            (e.host.as_str(), e.port, e.security),
            ("127.0.0.1", 10143, Security::StartTls)
        );
    }

    #[test]
    fn endpoints_refuse_other_schemes_paths_and_credentials() {
        for bad in [
            "https://mail.example",
            "imaps://user:pw@mail.example",
            "imaps://mail.example/INBOX",
            "mail.example:993",
        ] {
            assert!(Endpoint::parse(bad, IMAP).is_err(), "{bad}");
        }
    }
}
