//! The `kapsel:app` contract as the host binds it: one module per frozen WIT version
//! (`wit/since_vX.Y.Z/`), a `latest` alias the rest of the host is written against, and the
//! one range of API versions this host accepts — used by the manifest check, the import
//! check and the component's embedded version alike.
//!
//! A new API version adds a folder, a module here, and (where a type changed) conversions from
//! the older module's types into `latest`'s; older modules never change (Zed's `since_v*`).

pub mod since_v0_1_0;
pub mod since_v0_2_0;

pub use since_v0_2_0 as latest;

use wasmtime::Store;
use wasmtime::component::{HasSelf, InstancePre, Linker};

use crate::state::HostState;
use kapsel_core::error::{Error, Result};
use kapsel_i18n::{current as cat, t};

/// The API versions this host accepts, as `major.minor` (a 0.x minor is a breaking step).
pub const SUPPORTED: &[ApiVersion] = &[
    ApiVersion { major: 0, minor: 1 },
    ApiVersion { major: 0, minor: 2 },
];

/// Link every supported version's imports. Their names carry the version
/// (`kapsel:app/storage@0.1.0`), so each app finds exactly the contract it was built for.
pub fn add_to_linker(linker: &mut Linker<HostState>) -> wasmtime::Result<()> {
    since_v0_2_0::MicroApp::add_to_linker::<HostState, HasSelf<HostState>>(linker, |s| s)?;
    since_v0_1_0::MicroApp::add_to_linker::<HostState, HasSelf<HostState>>(linker, |s| s)?;
    Ok(())
}

type View = latest::kapsel::app::ui::View;
type AppError = latest::exports::kapsel::app::app::AppError;

/// An app ready to be instantiated, bound through the module of the version it exports.
pub enum AppPre {
    V0_1(since_v0_1_0::MicroAppPre<HostState>),
    V0_2(since_v0_2_0::MicroAppPre<HostState>),
}

/// One instance of an app, for one call.
pub enum AppInstance {
    V0_1(since_v0_1_0::MicroApp),
    V0_2(since_v0_2_0::MicroApp),
}

impl AppPre {
    /// The newest version whose `app` export the component has; the latest version's error
    /// when it has none.
    pub fn new(pre: InstancePre<HostState>) -> wasmtime::Result<AppPre> {
        match since_v0_2_0::MicroAppPre::new(pre.clone()) {
            Ok(p) => Ok(AppPre::V0_2(p)),
            Err(latest) => since_v0_1_0::MicroAppPre::new(pre)
                .map(AppPre::V0_1)
                .map_err(|_| latest),
        }
    }

    pub fn instantiate(&self, store: &mut Store<HostState>) -> wasmtime::Result<AppInstance> {
        Ok(match self {
            AppPre::V0_1(p) => AppInstance::V0_1(p.instantiate(store)?),
            AppPre::V0_2(p) => AppInstance::V0_2(p.instantiate(store)?),
        })
    }
}

impl AppInstance {
    pub fn view(
        &self,
        store: &mut Store<HostState>,
        route: &str,
    ) -> wasmtime::Result<std::result::Result<View, AppError>> {
        Ok(match self {
            AppInstance::V0_1(app) => app
                .kapsel_app_app()
                .call_view(store, route)?
                .map(since_v0_1_0::view)
                .map_err(since_v0_1_0::app_error),
            AppInstance::V0_2(app) => app.kapsel_app_app().call_view(store, route)?,
        })
    }

    pub fn act(
        &self,
        store: &mut Store<HostState>,
        action: &str,
        form: &[(String, String)],
    ) -> wasmtime::Result<std::result::Result<View, AppError>> {
        Ok(match self {
            AppInstance::V0_1(app) => app
                .kapsel_app_app()
                .call_act(store, action, form)?
                .map(since_v0_1_0::view)
                .map_err(since_v0_1_0::app_error),
            AppInstance::V0_2(app) => app.kapsel_app_app().call_act(store, action, form)?,
        })
    }
}

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
        assert!(ApiVersion::parse("0.2.0").unwrap().supported());
        assert!(!ApiVersion::parse("0.3.0").unwrap().supported());
        for bad in ["", "1", "0.x", "0.1.0.0", "0.1.beta"] {
            assert_eq!(ApiVersion::parse(bad), None, "{bad}");
        }
        assert!(ApiVersion::require("9.9", "manifest").is_err());
    }
}
