//! Kapsel runtime: the secure work container.
//!
//! One public facade per concern; data flows one way, shell → modules/host → vault.
//! - [`vault`]: the encrypted container on disk (keys, sealed records and blobs).
//! - [`policy`]: the tenant's signed policy and its parts.
//! - [`audit`]: the hash-chained audit log.
//! - [`integrity`]: start-up checks of the device and the installation.
//! - [`host`]: the micro-app runtime (wasmtime), its capabilities and reviewer reports.
//! - [`net`]: origins, TLS settings and the HTTP client at the network edge.
//! - [`documents`]: documents inside the container.
//! - [`container`]: enrolment, unlock and policy updates — the vault, policy and audit together.
//! - [`session`]: the unlocked session agent and its socket protocol.
//! - [`shell`]: the `kapsel` command line.

pub mod audit;
pub mod bench;
pub mod container;
pub mod documents;
pub mod error;
pub mod host;
pub mod integrity;
pub mod mail;
pub mod net;
pub mod notifications;
pub mod policy;
pub mod session;
pub mod shell;
pub mod vault;

pub use error::{Error, Result};
