//! The directory module: "who is that colleague, what is her number". Online look-up only in
//! the agency's LDAP / Active Directory: the directory is never downloaded, results live in
//! the caller's memory and nothing of them is written to the container unless the user saves
//! one as a contact. What the tenant decides (server, base DN, bind, attribute names, bounds)
//! comes typed from the policy; user input is escaped before it becomes a filter.
//!
//! `filter` builds filters (no I/O), `entry` reads result entries without trusting the server,
//! `client` speaks LDAP through ldap3 with the tenant's TLS settings.

mod client;
mod entry;
mod filter;

use std::sync::Arc;
use std::time::Duration;

use kapsel_core::container::Container;
use kapsel_core::policy::{DirectoryBind, DirectoryPolicy, Policy};
use kapsel_core::{Error, Result};
use kapsel_i18n::{current as cat, t};
use serde::{Deserialize, Serialize};
use zeroize::Zeroizing;

pub use entry::Person;
pub use filter::{Field, Query, build as filter_for};

/// Where the service account's password is kept, sealed (`kapsel dir service-password`).
const SECRET_NS: &str = "directory";
const SERVICE_PASSWORD: &str = "service_password";

/// The result of one search: at most `max_results` people, and whether there were more.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Found {
    pub people: Vec<Person>,
    /// More entries matched than the tenant's bound lets one search return.
    pub truncated: bool,
}

/// Everything one search needs, resolved from the container once.
pub struct Directory {
    url: url::Url,
    base_dn: String,
    policy: DirectoryPolicy,
    tls: Arc<rustls::ClientConfig>,
    plaintext: bool,
    bind: Bind,
}

enum Bind {
    /// The user's login (a DN, or a name looked up first) and password.
    User {
        login: String,
        password: Zeroizing<String>,
    },
    Service {
        dn: String,
        password: Zeroizing<String>,
    },
}

impl Directory {
    /// The tenant's directory as seen from an unlocked container.
    pub fn from_container(c: &Container) -> Result<Directory> {
        let policy = c.policy();
        let bind = match policy.directory.bind {
            DirectoryBind::User => Bind::User {
                login: c
                    .user()?
                    .ok_or_else(|| Error::invalid(t!(cat(), "ldap-no-login")))?,
                password: Zeroizing::new(c.password()?.to_string()),
            },
            DirectoryBind::Service => {
                let dn = policy.directory.service_dn.clone().unwrap_or_default();
                let password = c
                    .vault()
                    .get(SECRET_NS, SERVICE_PASSWORD)?
                    .ok_or_else(|| Error::invalid(t!(cat(), "ldap-no-service-password")))?;
                Bind::Service {
                    dn,
                    password: Zeroizing::new(String::from_utf8_lossy(&password).into_owned()),
                }
            }
        };
        Self::new(policy, bind)
    }

    fn new(policy: &Policy, bind: Bind) -> Result<Directory> {
        if !policy.modules.directory {
            return Err(Error::Policy(t!(cat(), "ldap-not-enabled")));
        }
        let server = policy
            .servers
            .ldap
            .as_deref()
            .ok_or_else(|| Error::Policy(t!(cat(), "ldap-no-server")))?;
        let url = url::Url::parse(server).map_err(|e| {
            Error::Policy(t!(
                cat(),
                "ldap-server-not-url",
                server = format!("{server:?}"),
                error = e.to_string()
            ))
        })?;
        let host = match (url.scheme(), url.host_str()) {
            ("ldap" | "ldaps", Some(h)) if !h.is_empty() => h.to_string(),
            _ => {
                return Err(Error::Policy(t!(
                    cat(),
                    "ldap-server-scheme",
                    server = format!("{server:?}")
                )));
            }
        };
        let base_dn = policy
            .servers
            .ldap_base_dn
            .clone()
            .ok_or_else(|| Error::Policy(t!(cat(), "ldap-no-base-dn")))?;
        let plaintext = url.scheme() == "ldap"
            && policy
                .tls
                .plaintext_hosts
                .iter()
                .any(|p| p.eq_ignore_ascii_case(&host));
        Ok(Directory {
            url,
            base_dn,
            policy: policy.directory.clone(),
            tls: kapsel_core::net::tls::client_config(&policy.tls)?,
            plaintext,
            bind,
        })
    }

    /// One bounded search: bind, page through the matches, unbind.
    pub fn search(&self, query: &Query) -> Result<Found> {
        let filter = filter::build(query, &self.policy.attributes)?;
        let mut conn = client::Connection::open(self)?;
        conn.bind(self)?;
        let found = conn.search(self, &filter)?;
        conn.close();
        Ok(found)
    }

    fn time_limit(&self) -> Duration {
        Duration::from_secs(u64::from(self.policy.time_limit_seconds))
    }
}

/// Store (or replace) the service account's password, sealed in the container.
pub fn set_service_password(c: &Container, password: &str) -> Result<()> {
    if password.is_empty() {
        return Err(Error::invalid(t!(cat(), "ldap-empty-service-password")));
    }
    c.vault()
        .put(SECRET_NS, SERVICE_PASSWORD, password.as_bytes())
}

/// What the session agent is asked to do with the directory.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub enum DirectoryRequest {
    Search {
        query: Query,
    },
    /// Store the service account's password (sealed).
    ServicePassword {
        password: Zeroizing<String>,
    },
}

/// What it answered.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(untagged)]
pub enum DirectoryAnswer {
    Found(Found),
    Stored { stored: bool },
}

/// Serve one request in the unlocked session. The audit log records that a search ran and
/// how many it found, never what was searched for or found.
pub fn handle(c: &Container, request: DirectoryRequest) -> Result<DirectoryAnswer> {
    match request {
        DirectoryRequest::Search { query } => {
            let directory = Directory::from_container(c)?;
            let found = directory.search(&query)?;
            kapsel_core::audit::append(
                c.vault(),
                "directory-search",
                serde_json::json!({ "field": query.field, "results": found.people.len(), "truncated": found.truncated }),
            )?;
            Ok(DirectoryAnswer::Found(found))
        }
        DirectoryRequest::ServicePassword { password } => {
            set_service_password(c, &password)?;
            kapsel_core::audit::append(
                c.vault(),
                "directory-service-password-set",
                serde_json::json!({}),
            )?;
            Ok(DirectoryAnswer::Stored { stored: true })
        }
    }
}
