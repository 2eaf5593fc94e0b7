//! LDAP on the wire through ldap3: LDAPS, or StartTLS on ldap:// (plain text only for a host
//! the tenant names), with the tenant's trust anchors and pins; a simple bind that never
//! degrades into an anonymous one; a paged search (RFC 2696, the server's size limit forces
//! it) that stops at the tenant's bound and its time limit.

use std::time::{Duration, Instant};

use kapsel_core::{Error, Result};
use kapsel_i18n::{current as cat, t};
use ldap3::adapters::{Adapter, EntriesOnly, PagedResults};
use ldap3::{LdapConn, LdapConnSettings, LdapError, Scope, SearchOptions, StdStream};

use crate::{Bind, Directory, Found, entry, filter};

/// Entries per page: below every server's MaxPageSize (AD and the test server: 1,000).
const PAGE_SIZE: i32 = 500;
/// LDAP result codes (RFC 4511 §4.1.9) that need their own message.
const INVALID_CREDENTIALS: u32 = 49;
const SIZE_LIMIT_EXCEEDED: u32 = 4;
const TIME_LIMIT_EXCEEDED: u32 = 3;

pub struct Connection {
    ldap: LdapConn,
    server: String,
}

fn describe(server: &str, what: &str, e: LdapError) -> Error {
    let text = e.to_string();
    match e {
        LdapError::LdapResult { result } if result.rc == INVALID_CREDENTIALS => {
            Error::Network(t!(cat(), "ldap-invalid-credentials", server = server))
        }
        LdapError::LdapResult { result } => Error::Network(t!(
            cat(),
            "ldap-refused",
            server = server,
            what = what,
            code = result.rc.to_string(),
            text = kapsel_core::terminal::line(&result.text)
        )),
        LdapError::Timeout { .. } => {
            Error::Network(t!(cat(), "ldap-timeout", server = server, what = what))
        }
        LdapError::Rustls { .. } => {
            Error::Tls(t!(cat(), "ldap-tls", server = server, error = text))
        }
        _ if text.contains("certificate") || text.contains("TLS") || text.contains("tls") => {
            Error::Tls(t!(cat(), "ldap-tls", server = server, error = text))
        }
        _ => Error::Network(t!(
            cat(),
            "ldap-failed",
            server = server,
            what = what,
            error = text
        )),
    }
}

/// The TCP connection, opened here so that it has `TCP_NODELAY`: LDAP requests are small
/// writes answered by the server, and with Nagle's algorithm each bind or search waited for
/// a delayed ACK (40 ms a request here).
fn tcp(d: &Directory, server: &str) -> Result<std::net::TcpStream> {
    use std::net::ToSocketAddrs;
    let host = d.url.host_str().unwrap_or_default();
    let host = host.trim_start_matches('[').trim_end_matches(']');
    let port = d
        .url
        .port()
        .unwrap_or(if d.url.scheme() == "ldaps" { 636 } else { 389 });
    let addrs = (host, port).to_socket_addrs().map_err(|e| {
        Error::Network(t!(
            cat(),
            "ldap-unknown-host",
            server = server,
            error = e.to_string()
        ))
    })?;
    let mut last = None;
    for addr in addrs {
        match std::net::TcpStream::connect_timeout(&addr, d.time_limit()) {
            Ok(stream) => {
                stream.set_nodelay(true).map_err(|e| {
                    Error::Network(t!(
                        cat(),
                        "ldap-socket",
                        server = server,
                        error = e.to_string()
                    ))
                })?;
                return Ok(stream);
            }
            Err(e) => last = Some(e),
        }
    }
    Err(Error::Network(match last {
        Some(e) => t!(
            cat(),
            "ldap-unreachable",
            server = server,
            error = e.to_string()
        ),
        None => t!(cat(), "ldap-no-address", server = server),
    }))
}

impl Connection {
    pub fn open(d: &Directory) -> Result<Connection> {
        let server = match d.url.port() {
            Some(p) => format!("{}:{p}", d.url.host_str().unwrap_or_default()),
            None => d.url.host_str().unwrap_or_default().to_string(),
        };
        let settings = LdapConnSettings::new()
            .set_std_stream(StdStream::Tcp(tcp(d, &server)?))
            .set_conn_timeout(d.time_limit())
            .set_config(d.tls.clone())
            .set_starttls(d.url.scheme() == "ldap" && !d.plaintext);
        let ldap = LdapConn::with_settings(settings, d.url.as_str())
            .map_err(|e| describe(&server, &t!(cat(), "ldap-what-connection"), e))?;
        Ok(Connection { ldap, server })
    }

    fn simple_bind(&mut self, dn: &str, password: &str, limit: Duration) -> Result<()> {
        // An empty password makes a simple bind an anonymous one (RFC 4513 §5.1.2): a server
        // would say yes without checking anything.
        if password.is_empty() {
            return Err(Error::invalid(t!(cat(), "ldap-empty-password")));
        }
        self.ldap
            .with_timeout(limit)
            .simple_bind(dn, password)
            .and_then(|r| r.success())
            .map(|_| ())
            .map_err(|e| describe(&self.server, &t!(cat(), "ldap-what-login"), e))
    }

    pub fn bind(&mut self, d: &Directory) -> Result<()> {
        match &d.bind {
            Bind::Service { dn, password } => self.simple_bind(dn, password, d.time_limit()),
            Bind::User { login, password } => {
                let dn = if login.contains('=') {
                    login.clone()
                } else {
                    self.find_login(d, login)?
                };
                self.simple_bind(&dn, password, d.time_limit())
            }
        }
    }

    /// The DN of a login (`alice@corp.test`, `alice`), searched before binding (a directory
    /// that is not AD does not take a UPN as bind name).
    fn find_login(&mut self, d: &Directory, login: &str) -> Result<String> {
        let f = filter::login(login, &d.policy.attributes);
        let mut stream = self
            .ldap
            .with_search_options(SearchOptions::new().sizelimit(2))
            .with_timeout(d.time_limit())
            .streaming_search(&d.base_dn, Scope::Subtree, &f, vec!["1.1"])
            .map_err(|e| describe(&self.server, &t!(cat(), "ldap-what-login-lookup"), e))?;
        let mut found = Vec::new();
        while let Some(e) = stream
            .next()
            .map_err(|e| describe(&self.server, &t!(cat(), "ldap-what-login-lookup"), e))?
        {
            if let Some(dn) = entry::dn(&e.0) {
                found.push(dn);
            }
            if found.len() > 1 {
                break;
            }
        }
        match found.len() {
            1 => Ok(found.remove(0)),
            0 => Err(Error::Network(t!(
                cat(),
                "ldap-login-unknown",
                server = self.server.as_str(),
                login = login
            ))),
            _ => Err(Error::Network(t!(
                cat(),
                "ldap-login-ambiguous",
                server = self.server.as_str(),
                login = login
            ))),
        }
    }

    pub fn search(&mut self, d: &Directory, filter: &str) -> Result<Found> {
        let max = d.policy.max_results as usize;
        let deadline = Instant::now() + d.time_limit();
        let attrs: Vec<String> = d
            .policy
            .attributes
            .fields()
            .iter()
            .map(|(_, a)| a.to_string())
            .collect();
        let adapters: Vec<Box<dyn Adapter<'_, String, Vec<String>>>> = vec![
            Box::new(EntriesOnly::new()),
            Box::new(PagedResults::new(PAGE_SIZE)),
        ];
        let limit = d.policy.time_limit_seconds as i32;
        let mut stream = self
            .ldap
            .with_search_options(SearchOptions::new().timelimit(limit))
            .with_timeout(d.time_limit())
            .streaming_search_with(adapters, &d.base_dn, Scope::Subtree, filter, attrs)
            .map_err(|e| describe(&self.server, &t!(cat(), "ldap-what-search"), e))?;
        let mut people = Vec::new();
        let mut truncated = false;
        loop {
            if Instant::now() > deadline {
                return Err(Error::Network(t!(
                    cat(),
                    "ldap-search-too-long",
                    seconds = d.policy.time_limit_seconds.to_string()
                )));
            }
            let Some(e) = stream
                .next()
                .map_err(|e| describe(&self.server, &t!(cat(), "ldap-what-search"), e))?
            else {
                break;
            };
            if let Some(p) = entry::person(&e.0, &d.policy.attributes) {
                if people.len() == max {
                    // One more than the bound: say there are more, stop reading.
                    truncated = true;
                    break;
                }
                people.push(p);
            }
        }
        if !truncated {
            let r = stream.result();
            match r.rc {
                0 => {}
                SIZE_LIMIT_EXCEEDED => truncated = true,
                TIME_LIMIT_EXCEEDED => {
                    return Err(Error::Network(t!(
                        cat(),
                        "ldap-search-time-limit",
                        seconds = d.policy.time_limit_seconds.to_string()
                    )));
                }
                _ => {
                    return Err(describe(
                        &self.server,
                        &t!(cat(), "ldap-what-search"),
                        LdapError::LdapResult { result: r },
                    ));
                }
            }
        }
        people.sort_by_key(|p| p.name().to_lowercase());
        Ok(Found { people, truncated })
    }

    /// Unbind and drop the connection; what was read stays only in the caller's memory.
    pub fn close(mut self) {
        let _ = self.ldap.unbind();
    }
}
