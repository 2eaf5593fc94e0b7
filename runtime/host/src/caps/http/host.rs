//! HTTP calls. Every hop (the request and each redirect) is checked the same way: the URL is vetted
//! (no userinfo, no odd IP encodings, punycode hosts), its origin must be granted, plain
//! http needs the tenant's plain-text permission for that host, the name is resolved here
//! and every address checked against loopback/private/link-local ranges unless the tenant
//! granted the origin as private, and the connection goes to the checked address (no second
//! lookup an attacker could rebind). Credentials are added by the host per hop, so they never
//! follow a redirect to another origin. Size and time are limited.

use std::sync::Arc;
use std::time::Instant;

use base64::Engine as _;

use crate::state::HostState;
use crate::wit::latest::kapsel::app::http::{Host, HttpError, Method, Request, Response};
use kapsel_core::net::http::{self as client, FetchError, Limits};
use kapsel_core::net::origin::{self, Target};
use kapsel_core::policy::CredentialKind;
use kapsel_i18n::{current as cat, t};

/// Requests made in the current call.
#[derive(Debug, Default)]
pub struct CallState {
    pub requests: u32,
}

/// Why a request failed: the guest sees it as an `http-error`.
pub struct Failure(pub(crate) HttpError);

impl From<HttpError> for Failure {
    fn from(e: HttpError) -> Failure {
        Failure(e)
    }
}

const MAX_REDIRECTS: usize = 5;
const MAX_REQUESTS_PER_CALL: u32 = 100;
const MAX_REQUEST_BODY: usize = 16 * 1024 * 1024;

fn method_name(m: Method) -> &'static str {
    match m {
        Method::Get => "GET",
        Method::Head => "HEAD",
        Method::Post => "POST",
        Method::Put => "PUT",
        Method::Delete => "DELETE",
        Method::Patch => "PATCH",
        Method::Options => "OPTIONS",
        Method::Propfind => "PROPFIND",
        Method::Report => "REPORT",
        Method::Mkcol => "MKCOL",
    }
}

impl HostState {
    fn denied(&mut self, reason: String) -> HttpError {
        HttpError::Denied(self.deny("http", reason))
    }

    /// Check one hop; returns the address to connect to.
    fn vet(
        &mut self,
        grant: &super::Granted,
        target: &Target,
    ) -> Result<std::net::SocketAddr, HttpError> {
        if grant.origin_for(target).is_none() {
            return Err(self.denied(t!(
                cat(),
                "host-origin-not-granted",
                origin = target.origin_string(),
                app = self.grants.app_id.as_str()
            )));
        }
        if target.scheme == "http" && !grant.plaintext_allowed(&target.host) {
            return Err(self.denied(t!(cat(), "host-plain-http", host = target.host.as_str())));
        }
        let addrs = match target.ip {
            Some(ip) => vec![std::net::SocketAddr::new(ip, target.port)],
            None => self
                .services
                .resolver
                .resolve(&target.host, target.port)
                .map_err(|e| {
                    HttpError::Connect(t!(
                        cat(),
                        "host-cannot-resolve",
                        host = target.host.as_str(),
                        error = e.to_string()
                    ))
                })?,
        };
        if addrs.is_empty() {
            return Err(HttpError::Connect(t!(
                cat(),
                "host-no-address",
                host = target.host.as_str()
            )));
        }
        if !grant.private_allowed(target)
            && let Some(bad) = addrs.iter().find(|a| origin::is_restricted(a.ip()))
        {
            return Err(self.denied(t!(
                cat(),
                "host-restricted-address",
                host = target.host.as_str(),
                ip = bad.ip().to_string(),
                app = self.grants.app_id.as_str()
            )));
        }
        Ok(addrs[0])
    }

    /// The Authorization header for this hop, if the tenant grants one; every form in which
    /// the secret could come back is added to `secrets` for redaction.
    fn credential_header(
        &mut self,
        grant: &super::Granted,
        target: &Target,
        secrets: &mut super::redact::Secrets,
    ) -> Result<Option<(String, String)>, HttpError> {
        match grant.credential_for(target) {
            None => Ok(None),
            Some(CredentialKind::Basic) => match &self.services.credentials {
                Some(c) => {
                    let pair =
                        zeroize::Zeroizing::new(format!("{}:{}", c.user, c.password.as_str()));
                    let token = base64::engine::general_purpose::STANDARD.encode(pair.as_bytes());
                    secrets.add(c.password.as_bytes());
                    secrets.add(pair.as_bytes());
                    secrets.add(token.as_bytes());
                    Ok(Some(("Authorization".into(), format!("Basic {token}"))))
                }
                None => Err(HttpError::Denied(t!(cat(), "host-no-credentials"))),
            },
            Some(CredentialKind::Bearer) => {
                let vault = self.services.vault();
                let origin = target.origin_string();
                match vault.get("credentials", &origin) {
                    Ok(Some(tok)) => {
                        secrets.add(&tok);
                        let tok = String::from_utf8_lossy(&tok).into_owned();
                        Ok(Some(("Authorization".into(), format!("Bearer {tok}"))))
                    }
                    Ok(None) => Err(HttpError::Denied(t!(
                        cat(),
                        "host-no-token",
                        origin = origin.as_str()
                    ))),
                    Err(e) => Err(HttpError::Denied(e.to_string())),
                }
            }
        }
    }

    fn send_checked(&mut self, req: Request) -> Result<Response, HttpError> {
        let Some(grant) = self.grants.caps.http.clone() else {
            return Err(self.denied(t!(
                cat(),
                "host-deny-http",
                app = self.grants.app_id.as_str()
            )));
        };
        self.effects.http.requests += 1;
        if self.effects.http.requests > MAX_REQUESTS_PER_CALL {
            return Err(HttpError::Denied(t!(
                cat(),
                "host-request-limit",
                max = MAX_REQUESTS_PER_CALL.to_string()
            )));
        }
        for (k, v) in &req.headers {
            if client::forbidden_request_header(k) {
                return Err(HttpError::InvalidUrl(t!(
                    cat(),
                    "host-header-reserved",
                    name = k.as_str()
                )));
            }
            if !client::valid_header(k, v) {
                return Err(HttpError::InvalidUrl(t!(
                    cat(),
                    "host-header-malformed",
                    name = format!("{k:?}")
                )));
            }
        }
        if req
            .body
            .as_ref()
            .is_some_and(|b| b.len() > MAX_REQUEST_BODY)
        {
            return Err(HttpError::TooLarge(MAX_REQUEST_BODY as u64));
        }
        let deadline = (Instant::now() + grant.timeout).min(self.deadline);
        let limits = Limits {
            deadline,
            max_body: grant.max_response,
        };
        let tls = Arc::clone(&self.services.tls);
        let mut secrets = super::redact::Secrets::default();
        let mut method = method_name(req.method).to_string();
        let mut body = req.body;
        let mut url = req.url;
        for hop in 0..=MAX_REDIRECTS {
            let target =
                origin::parse_target(&url).map_err(|e| HttpError::InvalidUrl(e.to_string()))?;
            let addr = self.vet(&grant, &target)?;
            let mut headers = req.headers.clone();
            if let Some(h) = self.credential_header(&grant, &target, &mut secrets)? {
                headers.push(h);
            }
            let request = client::Request {
                method: method.clone(),
                headers,
                body: body.clone(),
            };
            let resp =
                client::send(addr, &target, &tls, &request, limits).map_err(|e| match e {
                    FetchError::Timeout(m) => HttpError::Timeout(m),
                    FetchError::TooLarge(n) => HttpError::TooLarge(n),
                    FetchError::Tls(m) => HttpError::Tls(m),
                    FetchError::Connect(m) => HttpError::Connect(m),
                    FetchError::Protocol(m) => HttpError::Protocol(m),
                })?;
            let redirect = matches!(resp.status, 301 | 302 | 303 | 307 | 308);
            match (redirect, resp.header("location")) {
                (true, Some(location)) if hop < MAX_REDIRECTS => {
                    let next = target.url.join(location).map_err(|e| {
                        HttpError::Protocol(t!(
                            cat(),
                            "host-bad-redirect",
                            location = format!("{location:?}"),
                            error = e.to_string()
                        ))
                    })?;
                    url = next.to_string();
                    if resp.status == 303 || (matches!(resp.status, 301 | 302) && method == "POST")
                    {
                        method = "GET".into();
                        body = None;
                    }
                }
                (true, Some(_)) => {
                    return Err(HttpError::Protocol(t!(
                        cat(),
                        "host-redirect-limit",
                        max = MAX_REDIRECTS.to_string()
                    )));
                }
                _ => {
                    // Whatever the server sends back (an endpoint that echoes request headers,
                    // a redirect to a URL with the token in it) never hands the app the
                    // credentials the host added.
                    let mut response = Response {
                        status: resp.status,
                        headers: resp.headers,
                        body: resp.body,
                        final_url: target.url.to_string(),
                    };
                    if !secrets.is_empty() {
                        let mut hits = secrets.redact(&mut response.body);
                        for (_, v) in &mut response.headers {
                            hits += secrets.redact_text(v);
                        }
                        hits += secrets.redact_text(&mut response.final_url);
                        if hits > 0 {
                            self.deny(
                                "http",
                                t!(
                                    cat(),
                                    "host-credentials-echoed",
                                    origin = target.origin_string(),
                                    count = hits
                                ),
                            );
                        }
                    }
                    return Ok(response);
                }
            }
        }
        Err(HttpError::Protocol(t!(cat(), "host-too-many-redirects")))
    }
}

impl Host for HostState {
    fn send(&mut self, request: Request) -> Result<Response, Failure> {
        Ok(self.send_checked(request)?)
    }

    fn convert_http_error(&mut self, err: Failure) -> wasmtime::Result<HttpError> {
        Ok(err.0)
    }
}
