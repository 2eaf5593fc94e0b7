//! HTTP for CalDAV/CardDAV: one keep-alive connection to the tenant's server, Basic
//! credentials (the user's directory login), plain HTTP only to a host the tenant names,
//! and never a request to another origin — a server's href or redirect that points
//! elsewhere is refused, so credentials cannot be lured away.

use std::net::{SocketAddr, ToSocketAddrs};
use std::sync::Arc;
use std::time::{Duration, Instant};

use base64::Engine;
use kapsel_core::net::http::{FetchError, Limits, Request, Response, Session};
use kapsel_core::net::origin::{Target, parse_target};
use kapsel_core::policy::Policy;
use kapsel_core::{Error, Result};
use kapsel_dav::Multistatus;
use kapsel_i18n::{current as cat, t};
use url::Url;
use zeroize::Zeroizing;

/// A whole multistatus (a first sync of thousands of objects comes in batches below this).
const MAX_BODY: u64 = 64 * 1024 * 1024;
const TIMEOUT: Duration = Duration::from_secs(60);

pub struct Client {
    base: Url,
    origin: String,
    auth: Option<Zeroizing<String>>,
    session: Session,
    /// What the server is called in messages.
    name: String,
}

/// Credentials for the DAV server: the directory login and the container's password.
pub struct Login {
    pub user: String,
    pub password: Zeroizing<String>,
}

impl Client {
    /// A client for the server at `base` (a URL from the tenant policy).
    pub fn new(base: &str, policy: &Policy, login: Option<&Login>) -> Result<Client> {
        let target = parse_target(base)
            .map_err(|e| Error::Policy(t!(cat(), "cal-server-address", error = e.to_string())))?;
        if target.scheme == "http"
            && !policy
                .tls
                .plaintext_hosts
                .iter()
                .any(|h| h.eq_ignore_ascii_case(&target.host))
        {
            return Err(Error::Policy(t!(
                cat(),
                "cal-plain-http",
                url = base,
                host = target.host.as_str()
            )));
        }
        let addr = resolve(&target)?;
        let tls = kapsel_core::net::tls::client_config(&policy.tls)?;
        let auth = login.map(|l| {
            let raw = Zeroizing::new(format!("{}:{}", l.user, l.password.as_str()));
            Zeroizing::new(format!(
                "Basic {}",
                base64::engine::general_purpose::STANDARD.encode(raw.as_bytes())
            ))
        });
        Ok(Client {
            origin: target.origin_string(),
            name: target.origin_string(),
            base: target.url,
            auth,
            session: Session::new(addr, Arc::clone(&tls)),
        })
    }

    pub fn base(&self) -> &Url {
        &self.base
    }

    /// An href from the server (absolute path or URL) as a URL on this server's origin.
    pub fn resolve(&self, href: &str) -> Result<Url> {
        let url = self.base.join(href).map_err(|e| {
            Error::Network(t!(
                cat(),
                "cal-unusable-location",
                server = self.name.as_str(),
                href = format!("{:?}", kapsel_core::terminal::line(href)),
                error = e.to_string()
            ))
        })?;
        let target = parse_target(url.as_str())?;
        if target.origin_string() != self.origin {
            return Err(Error::Network(t!(
                cat(),
                "cal-other-server",
                server = self.name.as_str(),
                origin = kapsel_core::terminal::line(&target.origin_string())
            )));
        }
        Ok(url)
    }

    /// Send one request; 401 and 403 become clear errors, other statuses are the caller's.
    pub fn send(
        &mut self,
        method: &str,
        url: &Url,
        headers: &[(&str, &str)],
        body: Option<Vec<u8>>,
    ) -> Result<Response> {
        let response = self.exchange(method, url, headers, body)?;
        let response = response.map_err(|e| self.fetch_error(e))?;
        self.refusals(url, response, false)
    }

    /// Like `send`, with a 403 left to the caller (sync-collection answers an expired
    /// token with 403).
    pub fn send_raw(
        &mut self,
        method: &str,
        url: &Url,
        headers: &[(&str, &str)],
        body: Option<Vec<u8>>,
    ) -> Result<Response> {
        let response = self.exchange(method, url, headers, body)?;
        let response = response.map_err(|e| self.fetch_error(e))?;
        self.refusals(url, response, true)
    }

    /// One request on the keep-alive session: the origin check and the credentials here,
    /// the protocol outcome (a too-large answer among them) left to the caller.
    fn exchange(
        &mut self,
        method: &str,
        url: &Url,
        headers: &[(&str, &str)],
        body: Option<Vec<u8>>,
    ) -> Result<std::result::Result<Response, FetchError>> {
        let target = parse_target(url.as_str())?;
        if target.origin_string() != self.origin {
            return Err(Error::Network(t!(
                cat(),
                "cal-request-refused",
                server = self.name.as_str()
            )));
        }
        let mut request = Request {
            method: method.to_string(),
            headers: headers
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
            body,
        };
        if let Some(auth) = &self.auth {
            request
                .headers
                .push(("Authorization".into(), auth.as_str().to_string()));
        }
        let limits = Limits {
            deadline: Instant::now() + TIMEOUT,
            max_body: MAX_BODY,
        };
        let response = self.session.send(&target, &request, limits);
        // The request carried the credentials: wipe that copy.
        for (_, v) in &mut request.headers {
            zeroize::Zeroize::zeroize(v);
        }
        Ok(response)
    }

    /// A 401 (always) and a 403 (unless the caller handles it) as clear errors.
    fn refusals(&self, url: &Url, response: Response, allow_403: bool) -> Result<Response> {
        match response.status {
            401 => Err(Error::Network(t!(
                cat(),
                "cal-login-refused",
                server = self.name.as_str()
            ))),
            403 if !allow_403 => Err(Error::Network(t!(
                cat(),
                "cal-access-refused",
                server = self.name.as_str(),
                path = kapsel_core::terminal::line(url.path())
            ))),
            _ => Ok(response),
        }
    }

    fn fetch_error(&self, e: FetchError) -> Error {
        match e {
            FetchError::Tls(m) => {
                Error::Tls(t!(cat(), "cal-tls", server = self.name.as_str(), error = m))
            }
            other => Error::Network(format!("{}: {other}", self.name)),
        }
    }

    /// REPORT answered by a multistatus; `None` when the answer is larger than one answer
    /// may be (the caller asks for fewer objects at a time).
    pub fn report(
        &mut self,
        url: &Url,
        depth: Option<&str>,
        body: String,
    ) -> Result<Option<Multistatus>> {
        let mut headers = vec![("Content-Type", "application/xml; charset=utf-8")];
        if let Some(d) = depth {
            headers.push(("Depth", d));
        }
        match self.exchange("REPORT", url, &headers, Some(body.into_bytes()))? {
            Err(FetchError::TooLarge(_)) => Ok(None),
            Err(e) => Err(self.fetch_error(e)),
            Ok(response) => {
                let response = self.refusals(url, response, false)?;
                self.multistatus("REPORT", url, response).map(Some)
            }
        }
    }

    fn multistatus(&self, what: &str, url: &Url, response: Response) -> Result<Multistatus> {
        if response.status != 207 {
            return Err(Error::Network(t!(
                cat(),
                "cal-not-multistatus",
                server = self.name.as_str(),
                method = what,
                path = kapsel_core::terminal::line(url.path()),
                status = response.status.to_string()
            )));
        }
        let text = String::from_utf8_lossy(&response.body);
        kapsel_dav::parse(&text).map_err(|e| {
            Error::Network(t!(
                cat(),
                "cal-unreadable-answer",
                server = self.name.as_str(),
                method = what,
                error = e.to_string()
            ))
        })
    }
}

fn resolve(target: &Target) -> Result<SocketAddr> {
    if let Some(ip) = target.ip {
        return Ok(SocketAddr::new(ip, target.port));
    }
    (target.host.as_str(), target.port)
        .to_socket_addrs()
        .map_err(|e| {
            Error::Network(t!(
                cat(),
                "cal-cannot-resolve",
                host = target.host.as_str(),
                error = e.to_string()
            ))
        })?
        .next()
        .ok_or_else(|| Error::Network(t!(cat(), "cal-no-address", host = target.host.as_str())))
}
