//! Kapsel core: the container's foundation, which every module and the app host build on.
//!
//! One public facade per concern; data flows one way (binary → modules/host → core).
//! - [`vault`]: the encrypted container on disk (keys, sealed records and blobs).
//! - [`policy`]: the tenant's signed policy and its parts.
//! - [`audit`]: the hash-chained audit log.
//! - [`integrity`]: start-up checks of the device and the installation.
//! - [`net`]: origins, TLS settings, line-protocol streams and the HTTP client.
//! - [`documents`]: documents inside the container.
//! - [`files`]: reading user-named files with a size bound.
//! - [`notifications`]: notifications filed by apps and modules, shown by the DLP rules.
//! - [`terminal`]: the one sanitiser for text on its way to a terminal.
//! - [`container`]: enrolment, unlock and policy updates — the vault, policy and audit together.

pub mod audit;
pub mod container;
pub mod documents;
pub mod error;
pub mod files;
pub mod integrity;
pub mod net;
pub mod notifications;
pub mod policy;
pub mod terminal;
pub mod vault;

pub use error::{Error, Result};
