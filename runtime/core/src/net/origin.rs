//! Origins as the tenant grants them, and URLs as apps request them.
//!
//! A grant is `scheme://host[:port]` — nothing else: no path, no userinfo, no bare `*`, and
//! `*.` only as a whole-label sub-domain prefix (`https://*.intranet.example`), which matches
//! sub-domains but not the apex. Hosts are compared in their ASCII (punycode) form, so a
//! look-alike Unicode name never matches a granted one. A request URL must be absolute,
//! without userinfo, and with an IP address only in its plain canonical form — `0x7f.1`,
//! `2130706433` and friends are refused rather than silently normalised.

use std::net::IpAddr;

use kapsel_i18n::t;
use url::{Host, Url};

use crate::error::{Error, Result};

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum HostPattern {
    /// An exact ASCII host name or IP address (IPv6 without brackets).
    Exact(String),
    /// `*.suffix`: any name ending in `.suffix` (stored with the leading dot).
    Subdomains(String),
}

/// A granted origin, parsed once where the document that names it (policy, manifest) is
/// read; everything inside works with this type, never with the text.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Origin {
    pub scheme: String,
    pub host: HostPattern,
    pub port: u16,
}

impl std::str::FromStr for Origin {
    type Err = Error;
    fn from_str(s: &str) -> Result<Origin> {
        Origin::parse(s)
    }
}

impl serde::Serialize for Origin {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> serde::Deserialize<'de> for Origin {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> std::result::Result<Origin, D::Error> {
        let text = String::deserialize(d)?;
        Origin::parse(&text).map_err(|e| match e {
            Error::Policy(m) => serde::de::Error::custom(m),
            other => serde::de::Error::custom(other),
        })
    }
}

fn default_port(scheme: &str) -> Option<u16> {
    match scheme {
        "https" => Some(443),
        "http" => Some(80),
        _ => None,
    }
}

impl std::fmt::Display for Origin {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let host = match &self.host {
            HostPattern::Exact(h) if h.contains(':') => format!("[{h}]"),
            HostPattern::Exact(h) => h.clone(),
            HostPattern::Subdomains(s) => format!("*{s}"),
        };
        if default_port(&self.scheme) == Some(self.port) {
            write!(f, "{}://{host}", self.scheme)
        } else {
            write!(f, "{}://{host}:{}", self.scheme, self.port)
        }
    }
}

impl Origin {
    /// Parse a granted origin; every refusal says what to write instead.
    pub fn parse(text: &str) -> Result<Origin> {
        let cat = kapsel_i18n::current();
        if text.len() > 1024 {
            return Err(Error::Policy(t!(cat, "core-origin-too-long")));
        }
        let bad = |why: String| {
            Error::Policy(t!(
                cat,
                "core-origin-bad",
                origin = format!("{text:?}"),
                reason = why
            ))
        };
        let t = text.trim();
        if t == "*" || t.contains("://*:") || t.ends_with("://*") {
            return Err(bad(t!(cat, "core-origin-bare-star")));
        }
        let (scheme, rest) = t
            .split_once("://")
            .ok_or_else(|| bad(t!(cat, "core-origin-no-scheme")))?;
        let scheme = scheme.to_ascii_lowercase();
        if scheme != "https" && scheme != "http" {
            return Err(bad(t!(cat, "core-origin-scheme")));
        }
        let rest = rest.strip_suffix('/').unwrap_or(rest);
        if rest.contains('/') || rest.contains('?') || rest.contains('#') {
            return Err(bad(t!(cat, "core-origin-path")));
        }
        if rest.contains('@') {
            return Err(bad(t!(cat, "core-origin-userinfo")));
        }
        let wildcard = rest.starts_with("*.");
        let concrete = if wildcard {
            format!("wildcard{}", &rest[1..])
        } else {
            rest.to_string()
        };
        if concrete.contains('*') {
            return Err(bad(t!(cat, "core-origin-star-place")));
        }
        let url = Url::parse(&format!("{scheme}://{concrete}/")).map_err(|e| bad(e.to_string()))?;
        let port = url
            .port_or_known_default()
            .ok_or_else(|| bad(t!(cat, "core-no-port")))?;
        let host = match url.host() {
            Some(Host::Domain(d)) if wildcard => {
                let suffix = d
                    .strip_prefix("wildcard")
                    .ok_or_else(|| bad(t!(cat, "core-origin-bad-wildcard")))?;
                if suffix.matches('.').count() < 2 {
                    return Err(bad(t!(cat, "core-origin-wildcard-labels")));
                }
                HostPattern::Subdomains(suffix.to_string())
            }
            Some(Host::Domain(d)) => HostPattern::Exact(d.to_string()),
            Some(Host::Ipv4(ip)) if !wildcard => HostPattern::Exact(ip.to_string()),
            Some(Host::Ipv6(ip)) if !wildcard => HostPattern::Exact(ip.to_string()),
            _ => return Err(bad(t!(cat, "core-origin-not-host"))),
        };
        Ok(Origin { scheme, host, port })
    }

    /// `scheme://host:port` with the port always written: the form stored credentials are
    /// keyed by (the same as `Target::origin_string`). Wildcards have no key.
    pub fn key(&self) -> Option<String> {
        match &self.host {
            HostPattern::Exact(h) if h.contains(':') => {
                Some(format!("{}://[{h}]:{}", self.scheme, self.port))
            }
            HostPattern::Exact(h) => Some(format!("{}://{h}:{}", self.scheme, self.port)),
            HostPattern::Subdomains(_) => None,
        }
    }

    /// Does every target this origin allows also fall under `granted`?
    pub fn covered_by(&self, granted: &Origin) -> bool {
        if self == granted {
            return true;
        }
        if self.scheme != granted.scheme || self.port != granted.port {
            return false;
        }
        match (&self.host, &granted.host) {
            (HostPattern::Exact(h), HostPattern::Subdomains(s)) => {
                h.ends_with(s.as_str()) && h.len() > s.len()
            }
            (HostPattern::Subdomains(d), HostPattern::Subdomains(g)) => d.ends_with(g.as_str()),
            _ => false,
        }
    }

    pub fn matches(&self, target: &Target) -> bool {
        if self.scheme != target.scheme || self.port != target.port {
            return false;
        }
        match &self.host {
            HostPattern::Exact(h) => *h == target.host,
            HostPattern::Subdomains(suffix) => {
                target.host.ends_with(suffix.as_str()) && target.host.len() > suffix.len()
            }
        }
    }
}

/// A request URL reduced to what grants are checked against.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    pub url: Url,
    pub scheme: String,
    /// ASCII host (punycode), IPv6 without brackets.
    pub host: String,
    pub ip: Option<IpAddr>,
    pub port: u16,
}

impl Target {
    pub fn origin_string(&self) -> String {
        let host = if self.host.contains(':') {
            format!("[{}]", self.host)
        } else {
            self.host.clone()
        };
        format!("{}://{host}:{}", self.scheme, self.port)
    }
}

/// Parse and vet a URL an app asked for.
pub fn parse_target(text: &str) -> Result<Target> {
    let cat = kapsel_i18n::current();
    let bad = |why: String| {
        Error::invalid(t!(
            cat,
            "core-url-bad",
            url = format!("{text:?}"),
            reason = why
        ))
    };
    if text.len() > 8192 {
        return Err(bad(t!(cat, "core-url-too-long")));
    }
    if text.chars().any(|c| c.is_control() || c == ' ') {
        return Err(bad(t!(cat, "core-url-spaces")));
    }
    let url = Url::parse(text).map_err(|e| bad(e.to_string()))?;
    let scheme = url.scheme().to_string();
    if scheme != "https" && scheme != "http" {
        return Err(bad(t!(cat, "core-url-scheme", scheme = scheme.as_str())));
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(bad(t!(cat, "core-url-userinfo")));
    }
    let port = url
        .port_or_known_default()
        .ok_or_else(|| bad(t!(cat, "core-no-port")))?;
    let (host, ip) = match url.host() {
        Some(Host::Domain(d)) => (d.to_ascii_lowercase(), None),
        Some(Host::Ipv4(ip)) => {
            // The text between :// and the next / : must already be the canonical form.
            if authority_host(text).is_none_or(|h| h != ip.to_string()) {
                return Err(bad(t!(cat, "core-url-odd-ip", ip = ip.to_string())));
            }
            (ip.to_string(), Some(IpAddr::V4(ip)))
        }
        Some(Host::Ipv6(ip)) => (ip.to_string(), Some(IpAddr::V6(ip))),
        None => return Err(bad(t!(cat, "core-url-no-host"))),
    };
    Ok(Target {
        scheme,
        host,
        ip,
        port,
        url,
    })
}

/// The host part as written, lower-cased, without port.
fn authority_host(text: &str) -> Option<String> {
    let rest = text.split_once("://")?.1;
    let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let authority = &rest[..end];
    let authority = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    let host = match authority.rsplit_once(':') {
        Some((h, port)) if port.chars().all(|c| c.is_ascii_digit()) => h,
        _ => authority,
    };
    Some(host.to_ascii_lowercase())
}

/// Addresses an app may reach only where the tenant granted the origin explicitly:
/// loopback, private, link-local (cloud metadata lives there), CGNAT, unspecified,
/// multicast, documentation and IPv4-mapped forms of any of them.
pub fn is_restricted(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => {
            let o = v4.octets();
            v4.is_loopback()
                || v4.is_private()
                || v4.is_link_local()
                || v4.is_unspecified()
                || v4.is_broadcast()
                || v4.is_multicast()
                || v4.is_documentation()
                || o[0] == 0
                || (o[0] == 100 && (64..128).contains(&o[1]))
                || (o[0] == 192 && o[1] == 0 && o[2] == 0)
                || o[0] >= 240
        }
        IpAddr::V6(v6) => {
            if let Some(v4) = v6.to_ipv4_mapped() {
                return is_restricted(IpAddr::V4(v4));
            }
            let seg = v6.segments();
            v6.is_loopback()
                || v6.is_unspecified()
                || v6.is_multicast()
                || (seg[0] & 0xfe00) == 0xfc00
                || (seg[0] & 0xffc0) == 0xfe80
                || (seg[0] == 0x2001 && seg[1] == 0x0db8)
                || (seg[0] == 0x64 && seg[1] == 0xff9b)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(url: &str) -> Target {
        parse_target(url).unwrap()
    }

    #[test]
    fn grants_parse_strictly() {
        assert_eq!(Origin::parse("https://intranet.example").unwrap().port, 443);
        assert_eq!(
            Origin::parse("https://intranet.example:8443/")
                .unwrap()
                .port,
            8443
        );
        assert_eq!(
            Origin::parse("HTTPS://Intranet.Example")
                .unwrap()
                .to_string(),
            "https://intranet.example"
        );
        for bad in [
            "*",
            "https://*",
            "https://*:443",
            "intranet.example",
            "ftp://intranet.example",
            "https://intranet.example/path",
            "https://user@intranet.example",
            "https://a*.example.org",
            "https://*.org",
            "https://intra.*.example",
            "https://*.*.example.org",
        ] {
            assert!(Origin::parse(bad).is_err(), "{bad} should be refused");
        }
    }

    #[test]
    fn wildcard_matches_subdomains_only() {
        let o = Origin::parse("https://*.corp.example").unwrap();
        assert!(o.matches(&t("https://news.corp.example/feed")));
        assert!(o.matches(&t("https://a.b.corp.example/")));
        assert!(!o.matches(&t("https://corp.example/")), "not the apex");
        assert!(!o.matches(&t("https://evilcorp.example/")));
        assert!(!o.matches(&t("https://news.corp.example.evil.test/")));
        assert!(
            !o.matches(&t("http://news.corp.example/")),
            "scheme must match"
        );
        assert!(
            !o.matches(&t("https://news.corp.example:8443/")),
            "port must match"
        );
    }

    #[test]
    fn urls_with_tricks_are_refused() {
        for bad in [
            "https://user:pw@intranet.example/",
            "https://intranet.example@evil.test/",
            "http://2130706433/",
            "http://0x7f.0.0.1/",
            "http://0177.0.0.1/",
            "http://127.1/",
            "file:///etc/passwd",
            "gopher://x/",
            "https://intra net.example/",
            "relative/path",
        ] {
            assert!(parse_target(bad).is_err(), "{bad} should be refused");
        }
        assert_eq!(
            t("http://127.0.0.1:8080/x").ip,
            Some("127.0.0.1".parse().unwrap())
        );
    }

    #[test]
    fn idn_is_compared_in_punycode() {
        let granted = Origin::parse("https://bücher.example").unwrap();
        assert_eq!(
            granted.host,
            HostPattern::Exact("xn--bcher-kva.example".into())
        );
        assert!(granted.matches(&t("https://xn--bcher-kva.example/")));
        assert!(granted.matches(&t("https://BÜCHER.example/")));
        // Cyrillic "а" looks like Latin "a" but is another name.
        let latin = Origin::parse("https://paypal.example").unwrap();
        assert!(!latin.matches(&t("https://p\u{0430}ypal.example/")));
    }

    #[test]
    fn restricted_ranges() {
        for ip in [
            "127.0.0.1",
            "10.1.2.3",
            "172.16.0.1",
            "192.168.1.1",
            "169.254.169.254",
            "100.64.0.1",
            "0.0.0.0",
            "::1",
            "fe80::1",
            "fd00::1",
            "::ffff:127.0.0.1",
            "::ffff:169.254.169.254",
        ] {
            assert!(is_restricted(ip.parse().unwrap()), "{ip}");
        }
        for ip in ["93.184.216.34", "2606:4700::1111", "8.8.8.8"] {
            assert!(!is_restricted(ip.parse().unwrap()), "{ip}");
        }
    }
}
