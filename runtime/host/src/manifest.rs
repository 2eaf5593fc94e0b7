//! The app manifest: who the app is and which capabilities it asks for, with their scopes.
//! Parsing and validation only; the tenant's grant decides what the app actually gets.

use serde::{Deserialize, Serialize};

use kapsel_core::error::{Error, Result};
use kapsel_core::net::origin::Origin;

/// The API versions of `kapsel:app` this host accepts (frozen WIT folders).
pub const SUPPORTED_API: &[&str] = &["0.1"];

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Manifest {
    /// `[a-z0-9-]`, 1-64 characters: the app's namespace in the vault.
    pub id: String,
    pub name: String,
    pub version: String,
    pub publisher: String,
    /// `kapsel:app` API version the component was built against, e.g. "0.1".
    pub api: String,
    #[serde(default)]
    pub description: String,
    #[serde(default)]
    pub capabilities: Capabilities,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Capabilities {
    pub storage: Option<StorageDecl>,
    pub http: Option<HttpDecl>,
    #[serde(default)]
    pub notify: bool,
    #[serde(default)]
    pub log: bool,
    #[serde(default)]
    pub documents: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StorageDecl {
    pub quota_bytes: u64,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HttpDecl {
    /// Origins the app calls, or the single entry `"tenant-configured"` for apps whose
    /// servers differ per tenant (news feeds, document libraries): they get exactly the
    /// origins the tenant grants, and the reviewer sees that.
    pub origins: Vec<String>,
}

/// The `origins` entry that defers the choice of servers to the tenant's grant.
pub const TENANT_CONFIGURED: &str = "tenant-configured";

impl HttpDecl {
    pub fn tenant_configured(&self) -> bool {
        self.origins.iter().any(|o| o == TENANT_CONFIGURED)
    }
}

/// The capability interfaces of `kapsel:app`, as named in WIT.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Capability {
    Storage,
    Http,
    Notify,
    Log,
    Documents,
}

impl Capability {
    pub const ALL: [Capability; 5] = [
        Capability::Storage,
        Capability::Http,
        Capability::Notify,
        Capability::Log,
        Capability::Documents,
    ];

    pub fn interface(self) -> &'static str {
        match self {
            Capability::Storage => "storage",
            Capability::Http => "http",
            Capability::Notify => "notify",
            Capability::Log => "log",
            Capability::Documents => "documents",
        }
    }

    pub fn from_interface(name: &str) -> Option<Capability> {
        Capability::ALL.into_iter().find(|c| c.interface() == name)
    }
}

impl Manifest {
    pub fn parse(text: &str) -> Result<Manifest> {
        let m: Manifest = toml::from_str(text)
            .map_err(|e| Error::invalid(format!("the app manifest is not valid: {e}")))?;
        m.validate()?;
        Ok(m)
    }

    pub fn validate(&self) -> Result<()> {
        let bad = |m: String| Err(Error::invalid(format!("app manifest: {m}")));
        if !valid_app_id(&self.id) {
            return bad(format!(
                "id {:?} must be 1-64 of a-z, 0-9, - (not starting with -)",
                self.id
            ));
        }
        if self.name.trim().is_empty() || self.name.len() > 128 {
            return bad("name must be 1-128 characters".into());
        }
        if self.version.is_empty() || self.version.len() > 64 {
            return bad("version must be 1-64 characters".into());
        }
        if !SUPPORTED_API.contains(&self.api.as_str()) {
            return bad(format!(
                "api {:?} is not supported (this host accepts {})",
                self.api,
                SUPPORTED_API.join(", ")
            ));
        }
        if let Some(s) = &self.capabilities.storage
            && s.quota_bytes == 0
        {
            return bad("capabilities.storage.quota_bytes must be above 0".into());
        }
        if let Some(h) = &self.capabilities.http {
            if h.tenant_configured() && h.origins.len() != 1 {
                return bad(format!("http.origins: {TENANT_CONFIGURED:?} stands alone"));
            }
            for o in h.origins.iter().filter(|o| *o != TENANT_CONFIGURED) {
                Origin::parse(o).map_err(|e| Error::invalid(format!("app manifest: {e}")))?;
            }
        }
        Ok(())
    }

    pub fn declares(&self, cap: Capability) -> bool {
        let c = &self.capabilities;
        match cap {
            Capability::Storage => c.storage.is_some(),
            Capability::Http => c.http.as_ref().is_some_and(|h| !h.origins.is_empty()),
            Capability::Notify => c.notify,
            Capability::Log => c.log,
            Capability::Documents => c.documents,
        }
    }
}

pub fn valid_app_id(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= 64
        && !id.starts_with('-')
        && id
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn manifests_are_validated() {
        let ok = "id = \"news\"\nname = \"News\"\nversion = \"1.0.0\"\npublisher = \"Kapsel\"\napi = \"0.1\"\n\
                  [capabilities]\nstorage = { quota_bytes = 1000 }\nhttp = { origins = [\"https://intranet.example\"] }\nlog = true\n";
        let m = Manifest::parse(ok).unwrap();
        assert!(
            m.declares(Capability::Storage)
                && m.declares(Capability::Http)
                && !m.declares(Capability::Notify)
        );
        assert!(Manifest::parse(&ok.replace("news", "../news")).is_err());
        assert!(Manifest::parse(&ok.replace("\"0.1\"", "\"9.9\"")).is_err());
        assert!(Manifest::parse(&ok.replace("https://intranet.example", "*")).is_err());
        assert!(Manifest::parse(&ok.replace("log = true", "clipboard = true")).is_err());
    }
}
