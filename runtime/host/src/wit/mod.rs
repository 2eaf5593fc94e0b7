//! The `kapsel:app` contract as the host binds it: one module per frozen WIT version
//! (`wit/since_vX.Y.Z/`), a `latest` alias the rest of the host is written against, and the
//! one range of API versions this host accepts — used by the manifest check, the import
//! check and the component's embedded version alike.
//!
//! A new API version adds a folder, a module here, and (where a type changed) conversions from
//! the older module's types into `latest`'s; older modules never change (Zed's `since_v*`).

pub mod since_v0_1_0;

pub use since_v0_1_0 as latest;

use kapsel_core::error::{Error, Result};
use kapsel_i18n::{current as cat, t};

/// The API versions this host accepts, as `major.minor` (a 0.x minor is a breaking step).
pub const SUPPORTED: &[ApiVersion] = &[ApiVersion { major: 0, minor: 1 }];

/// The name of the custom section in which the SDK records the API version it was built
/// against (read from the binary, like Zed's `zed:api-version`).
pub const VERSION_SECTION: &str = "kapsel:api-version";

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct ApiVersion {
    pub major: u32,
    pub minor: u32,
}

impl std::fmt::Display for ApiVersion {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}.{}", self.major, self.minor)
    }
}

impl ApiVersion {
    /// `0.1`, `0.1.0` or `0.1.7` (a patch never changes the contract).
    pub fn parse(text: &str) -> Option<ApiVersion> {
        let mut parts = text.trim().split('.');
        let major = parts.next()?.parse().ok()?;
        let minor = parts.next()?.parse().ok()?;
        match parts.next() {
            None => {}
            Some(patch) if patch.parse::<u32>().is_ok() => {}
            Some(_) => return None,
        }
        if parts.next().is_some() {
            return None;
        }
        Some(ApiVersion { major, minor })
    }

    pub fn supported(self) -> bool {
        SUPPORTED.contains(&self)
    }

    /// The accepted versions in words, for error messages.
    pub fn supported_list() -> String {
        SUPPORTED
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join(", ")
    }

    /// Parse and require a supported version; `what` names where the text came from.
    pub fn require(text: &str, what: &str) -> Result<ApiVersion> {
        match ApiVersion::parse(text) {
            Some(v) if v.supported() => Ok(v),
            _ => Err(Error::invalid(t!(
                cat(),
                "host-api-unsupported",
                what = what,
                text = format!("{text:?}"),
                supported = ApiVersion::supported_list()
            ))),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_parse_and_only_supported_ones_pass() {
        assert_eq!(
            ApiVersion::parse("0.1.3"),
            Some(ApiVersion { major: 0, minor: 1 })
        );
        assert!(ApiVersion::parse("0.1").unwrap().supported());
        assert!(!ApiVersion::parse("0.2.0").unwrap().supported());
        for bad in ["", "1", "0.x", "0.1.0.0", "0.1.beta"] {
            assert_eq!(ApiVersion::parse(bad), None, "{bad}");
        }
        assert!(ApiVersion::require("9.9", "manifest").is_err());
    }
}
