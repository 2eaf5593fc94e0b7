//! Fetching the tenant's published files: HTTPS only, the tenant's trust anchors, a size
//! limit per file, one deadline for the whole round, and no redirect followed (a redirect to
//! another origin would let whoever controls it answer for the tenant; the documents are
//! signed anyway, but a device must not be sent around by a server it does not know).

use std::net::ToSocketAddrs;
use std::sync::Arc;
use std::time::{Duration, Instant};

use kapsel_core::error::{Error, Result};
use kapsel_core::net::http::{self, Limits, Request};
use kapsel_core::net::origin::{Target, parse_target};
use kapsel_i18n::t;

use crate::documents::MAX_DOCUMENT_BYTES;

/// How long one contact round may take in all.
pub const ROUND_DEADLINE: Duration = Duration::from_secs(10);

/// The files of one publication; `rollover` only while a key change is published.
#[derive(Debug, Clone, Default)]
pub struct Published {
    pub policy: String,
    pub devices: String,
    pub freshness: String,
    pub rollover: Option<String>,
}

/// The tenant's endpoint with its TLS configuration.
pub struct Endpoint {
    base: String,
    tls: Arc<rustls::ClientConfig>,
}

impl Endpoint {
    pub fn new(endpoint: &str, tls: &kapsel_core::policy::Tls) -> Result<Endpoint> {
        let mut base = endpoint.to_string();
        if !base.ends_with('/') {
            base.push('/');
        }
        let target = parse_target(&base)?;
        if target.scheme != "https" {
            return Err(Error::Policy(t!(
                kapsel_i18n::current(),
                "device-fetch-not-https",
                url = base.as_str()
            )));
        }
        Ok(Endpoint {
            base,
            tls: kapsel_core::net::tls::client_config(tls)?,
        })
    }

    pub fn url(&self, name: &str) -> String {
        format!("{}{name}", self.base)
    }

    /// Fetch the publication. Any failure is a failed contact; what it was is said.
    pub fn fetch(&self) -> Result<Published> {
        let deadline = Instant::now() + ROUND_DEADLINE;
        let get = |name: &str| self.get(name, deadline);
        let policy = get("policy.toml")?.ok_or_else(|| self.missing("policy.toml"))?;
        let devices = get("devices.toml")?.ok_or_else(|| self.missing("devices.toml"))?;
        let freshness = get("freshness.toml")?.ok_or_else(|| self.missing("freshness.toml"))?;
        let rollover = get("rollover.toml")?;
        Ok(Published {
            policy,
            devices,
            freshness,
            rollover,
        })
    }

    fn missing(&self, name: &str) -> Error {
        Error::Network(t!(
            kapsel_i18n::current(),
            "device-fetch-missing",
            url = self.url(name)
        ))
    }

    /// GET one file: `Ok(None)` for 404, the text for 200, an error for anything else.
    fn get(&self, name: &str, deadline: Instant) -> Result<Option<String>> {
        let url = self.url(name);
        let body = self.request(&url, deadline)?;
        match body {
            None => Ok(None),
            Some(bytes) => String::from_utf8(bytes).map(Some).map_err(|_| {
                Error::Network(t!(
                    kapsel_i18n::current(),
                    "device-fetch-not-text",
                    url = url.as_str()
                ))
            }),
        }
    }

    fn request(&self, url: &str, deadline: Instant) -> Result<Option<Vec<u8>>> {
        let cat = kapsel_i18n::current();
        let target = parse_target(url)?;
        let addr = resolve(&target)?;
        let request = Request {
            method: "GET".into(),
            headers: vec![("Cache-Control".into(), "no-cache".into())],
            body: None,
        };
        let limits = Limits {
            deadline,
            max_body: MAX_DOCUMENT_BYTES as u64,
        };
        let response = http::send(addr, &target, &self.tls, &request, limits).map_err(|e| {
            let detail = e.to_string();
            match e {
                http::FetchError::Tls(_) => {
                    Error::Tls(t!(cat, "device-fetch-failed", url = url, error = detail))
                }
                _ => Error::Network(t!(cat, "device-fetch-failed", url = url, error = detail)),
            }
        })?;
        match response.status {
            200 => Ok(Some(response.body)),
            404 => Ok(None),
            300..=399 => Err(Error::Network(t!(
                cat,
                "device-fetch-redirect",
                url = url,
                location = kapsel_core::terminal::line(response.header("location").unwrap_or(""))
            ))),
            status => Err(Error::Network(t!(
                cat,
                "device-fetch-status",
                url = url,
                status = status.to_string()
            ))),
        }
    }

    /// Best effort: one GET that carries a wipe receipt into the server's access log.
    pub fn deliver_receipt(&self, device_id: &str, receipt: &str) -> Result<()> {
        use base64::Engine as _;
        let encoded = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(receipt);
        let url = self.url(&format!("receipts/{device_id}.toml?r={encoded}"));
        self.request(&url, Instant::now() + Duration::from_secs(10))
            .map(|_| ())
    }
}

fn resolve(target: &Target) -> Result<std::net::SocketAddr> {
    if let Some(ip) = target.ip {
        return Ok(std::net::SocketAddr::new(ip, target.port));
    }
    (target.host.as_str(), target.port)
        .to_socket_addrs()
        .ok()
        .and_then(|mut a| a.next())
        .ok_or_else(|| {
            Error::Network(t!(
                kapsel_i18n::current(),
                "device-fetch-no-address",
                host = target.host.as_str()
            ))
        })
}
