//! `kapsel:app/http`: HTTPS to granted origins only. Declaration (origins, or
//! "tenant-configured"), the grant (origins, private ones, credentials, limits) and report
//! lines here; every hop's checks in `host.rs`.

mod host;
mod redact;

use std::time::Duration;

use serde::{Deserialize, Serialize};

pub use host::{CallState, Failure};

use super::{Concern, PolicyLines};
use kapsel_core::error::Result;
use kapsel_core::net::origin::{HostPattern, Origin, Target};
use kapsel_core::policy::{AppGrant, CredentialGrant, CredentialKind, Policy};
use kapsel_i18n::{current as cat, t};

pub const DEFAULT_MAX_RESPONSE: u64 = 8 * 1024 * 1024;
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(15);

/// The `origins` entry that defers the choice of servers to the tenant's grant (news feeds,
/// document libraries): such an app gets exactly the origins the tenant grants.
pub const TENANT_CONFIGURED: &str = "tenant-configured";

/// One entry of the manifest's `http.origins`, parsed when the manifest is read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DeclaredOrigin {
    Origin(Origin),
    TenantConfigured,
}

impl std::fmt::Display for DeclaredOrigin {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            DeclaredOrigin::Origin(o) => o.fmt(f),
            DeclaredOrigin::TenantConfigured => f.write_str(TENANT_CONFIGURED),
        }
    }
}

impl Serialize for DeclaredOrigin {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for DeclaredOrigin {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        if text == TENANT_CONFIGURED {
            return Ok(DeclaredOrigin::TenantConfigured);
        }
        Origin::parse(&text)
            .map(DeclaredOrigin::Origin)
            .map_err(|e| serde::de::Error::custom(e.to_string()))
    }
}

/// `http = { origins = [...] }` in the manifest.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Declared {
    pub origins: Vec<DeclaredOrigin>,
}

impl Declared {
    pub fn tenant_configured(&self) -> bool {
        self.origins.contains(&DeclaredOrigin::TenantConfigured)
    }

    /// The named origins (none for a tenant-configured app).
    pub fn named(&self) -> impl Iterator<Item = &Origin> {
        self.origins.iter().filter_map(|o| match o {
            DeclaredOrigin::Origin(o) => Some(o),
            DeclaredOrigin::TenantConfigured => None,
        })
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Granted {
    pub origins: Vec<Origin>,
    /// Of those, the ones that may resolve to loopback/private addresses.
    pub private: Vec<Origin>,
    #[serde(skip)]
    pub credentials: Vec<(Origin, CredentialGrant)>,
    pub max_response: u64,
    #[serde(with = "crate::millis")]
    pub timeout: Duration,
    /// Hosts where the tenant allows plain http.
    #[serde(skip)]
    pub plaintext_hosts: Vec<String>,
}

impl Granted {
    pub fn origin_for(&self, target: &Target) -> Option<&Origin> {
        self.origins.iter().find(|o| o.matches(target))
    }

    pub fn private_allowed(&self, target: &Target) -> bool {
        self.private.iter().any(|o| o.matches(target))
    }

    /// The credentials the host adds to a request for `target`: the first grant whose
    /// origin matches; none where its path prefixes do not cover the URL's path.
    pub fn credential_for(&self, target: &Target) -> Option<CredentialKind> {
        self.credentials
            .iter()
            .find(|(o, _)| o.matches(target))
            .filter(|(_, g)| g.covers(target.url.path()))
            .map(|(_, g)| g.kind)
    }

    /// `basic` or `bearer` when the host adds that credential to a request for `url`: what
    /// an app may know (never the credential) to tell a refused sign-in from a missing one.
    pub fn credential_name_for(&self, url: &str) -> Option<&'static str> {
        let target = kapsel_core::net::origin::parse_target(url).ok()?;
        self.credential_for(&target).map(|k| match k {
            CredentialKind::Basic => "basic",
            CredentialKind::Bearer => "bearer",
        })
    }

    pub fn plaintext_allowed(&self, host: &str) -> bool {
        self.plaintext_hosts
            .iter()
            .any(|h| h.eq_ignore_ascii_case(host))
    }
}

pub fn validate(d: &Declared) -> Result<()> {
    if d.tenant_configured() && d.origins.len() != 1 {
        return Err(crate::manifest::manifest_problem(t!(
            cat(),
            "host-manifest-tenant-configured",
            value = format!("{TENANT_CONFIGURED:?}")
        )));
    }
    Ok(())
}

pub fn grant(d: &Declared, g: &AppGrant, policy: &Policy) -> Option<Granted> {
    let declared: Vec<Origin> = if d.tenant_configured() {
        g.http_origins.clone()
    } else {
        d.named().cloned().collect()
    };
    let origins: Vec<Origin> = declared
        .into_iter()
        .filter(|d| g.http_origins.iter().any(|granted| d.covered_by(granted)))
        .collect();
    if origins.is_empty() {
        return None;
    }
    let private = origins
        .iter()
        .filter(|d| g.http_private_origins.iter().any(|p| d.covered_by(p)))
        .cloned()
        .collect();
    Some(Granted {
        origins,
        private,
        credentials: g
            .http_credentials
            .iter()
            .map(|(o, g)| (o.clone(), g.clone()))
            .collect(),
        max_response: g.http_max_response_bytes.unwrap_or(DEFAULT_MAX_RESPONSE),
        timeout: g
            .http_timeout_ms
            .map_or(DEFAULT_TIMEOUT, Duration::from_millis),
        plaintext_hosts: policy.tls.plaintext_hosts.clone(),
    })
}

pub fn describe_declared(d: &Declared) -> Option<String> {
    if d.origins.is_empty() {
        return None;
    }
    Some(
        d.origins
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join(", "),
    )
}

pub fn describe_granted(g: &Granted) -> String {
    g.origins
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join(", ")
}

/// Wildcards and plain text in what the app asks for.
pub fn concerns(d: &Declared) -> Vec<Concern> {
    let mut out = Vec::new();
    if d.tenant_configured() {
        out.push(Concern {
            code: "tenant-configured-origins",
            review: false,
            text: t!(cat(), "host-concern-tenant-origins"),
        });
    }
    for o in d.named() {
        if matches!(o.host, HostPattern::Subdomains(_)) {
            out.push(Concern {
                code: "wildcard-origin",
                review: true,
                text: t!(cat(), "host-wildcard-origin", origin = o.to_string()),
            });
        }
        if o.scheme == "http" {
            out.push(Concern {
                code: "plaintext-origin",
                review: true,
                text: t!(cat(), "host-plaintext-origin", origin = o.to_string()),
            });
        }
    }
    out
}

pub fn policy_lines(g: &AppGrant) -> PolicyLines {
    let mut out = PolicyLines::default();
    for o in &g.http_origins {
        out.grants.push(format!("http {o}"));
        if matches!(o.host, HostPattern::Subdomains(_)) {
            out.findings.push((
                "wildcard-origin",
                t!(cat(), "host-wildcard-origin", origin = o.to_string()),
            ));
        }
        if o.scheme == "http" {
            out.findings.push((
                "plaintext-origin",
                t!(cat(), "host-plaintext-origin", origin = o.to_string()),
            ));
        }
    }
    for o in &g.http_private_origins {
        out.grants
            .push(t!(cat(), "host-policy-private", origin = o.to_string()));
        out.findings.push((
            "private-origin",
            t!(cat(), "host-finding-private", origin = o.to_string()),
        ));
    }
    for (o, cred) in &g.http_credentials {
        let scope = if cred.paths.is_empty() {
            t!(cat(), "host-policy-every-path")
        } else {
            t!(cat(), "host-policy-paths", paths = cred.paths.join(", "))
        };
        match cred.kind {
            CredentialKind::Basic => {
                out.grants.push(t!(
                    cat(),
                    "host-policy-basic",
                    origin = o.to_string(),
                    scope = scope.as_str()
                ));
                out.findings.push((
                    "credentials-basic",
                    t!(
                        cat(),
                        "host-finding-basic",
                        origin = o.to_string(),
                        scope = scope.as_str()
                    ),
                ));
            }
            CredentialKind::Bearer => {
                out.grants.push(t!(
                    cat(),
                    "host-policy-bearer",
                    origin = o.to_string(),
                    scope = scope.as_str()
                ));
                out.findings.push((
                    "credentials-bearer",
                    t!(cat(), "host-finding-bearer", origin = o.to_string()),
                ));
            }
        }
    }
    out
}
