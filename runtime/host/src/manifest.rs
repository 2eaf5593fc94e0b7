//! The app manifest: who the app is and which capabilities it asks for, with their scopes.
//! Parsed once into types (origins included); the capabilities' own rules live with each
//! capability (`caps/`). The tenant's grant decides what the app actually gets.

use serde::{Deserialize, Serialize};

use crate::caps::{Capabilities, Capability};
use crate::wit::ApiVersion;
use kapsel_core::error::{Error, Result};
use kapsel_i18n::{current as cat, t};

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

impl Manifest {
    pub fn parse(text: &str) -> Result<Manifest> {
        let m: Manifest = toml::from_str(text).map_err(|e| {
            Error::invalid(t!(cat(), "host-manifest-invalid", error = e.to_string()))
        })?;
        m.validate()?;
        Ok(m)
    }

    pub fn validate(&self) -> Result<()> {
        let bad = |m: String| Err(manifest_problem(m));
        if !valid_app_id(&self.id) {
            return bad(t!(cat(), "host-manifest-id", id = format!("{:?}", self.id)));
        }
        if self.name.trim().is_empty() || self.name.len() > 128 {
            return bad(t!(cat(), "host-manifest-name"));
        }
        if self.version.is_empty() || self.version.len() > 64 {
            return bad(t!(cat(), "host-manifest-version"));
        }
        ApiVersion::require(&self.api, &t!(cat(), "host-app-manifest"))?;
        for cap in Capability::ALL {
            cap.validate(&self.capabilities)?;
        }
        Ok(())
    }

    /// The API version the manifest names (validated at parse).
    pub fn api_version(&self) -> Option<ApiVersion> {
        ApiVersion::parse(&self.api)
    }

    /// Text fields a terminal would not show as written: escape sequences could hide lines
    /// from a reviewer, bidi overrides reverse a name. (field, characters, any control?)
    pub fn deceptive_text(&self) -> Vec<(&'static str, Vec<String>, bool)> {
        [
            ("name", &self.name),
            ("version", &self.version),
            ("publisher", &self.publisher),
            ("description", &self.description),
        ]
        .into_iter()
        .filter_map(|(field, text)| {
            let found = kapsel_core::terminal::unsafe_chars(text);
            let control = text.chars().any(char::is_control);
            (!found.is_empty()).then_some((field, found, control))
        })
        .collect()
    }

    pub fn declares(&self, cap: Capability) -> bool {
        cap.declared(&self.capabilities).is_some()
    }
}

/// A mistake in the manifest, said as such.
pub fn manifest_problem(problem: String) -> Error {
    Error::invalid(t!(cat(), "host-manifest-problem", problem = problem))
}

pub use kapsel_core::policy::valid_app_id;

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
        assert!(Manifest::parse(&ok.replace("1000", "0")).is_err());
        let tc = ok.replace("\"https://intranet.example\"", "\"tenant-configured\"");
        assert!(Manifest::parse(&tc).is_ok());
        let mixed = ok.replace(
            "\"https://intranet.example\"",
            "\"tenant-configured\", \"https://a.example\"",
        );
        assert!(Manifest::parse(&mixed).is_err());
    }
}
