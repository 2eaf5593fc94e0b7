//! Device management without a management server. The tenant publishes signed static files
//! on any HTTPS server (`kapsel tenant publish`); each container fetches them at unlock, with
//! every sync round and on a timer, applies a newer policy, obeys its device's state
//! (active, locked, wipe), counts the offline grace period from the newest signed freshness
//! document it has seen, and follows a tenant key rollover signed by the pinned key.
//!
//! One public facade over small modules: `documents` (the signed types), `registry` (the
//! admin's side), `fetch` (HTTPS with limits, no I/O elsewhere), `standing` (the pure
//! decision: open, refuse, wipe), `device` (what the container keeps and does).

pub mod device;
pub mod documents;
pub mod fetch;
pub mod registry;
pub mod standing;

pub use documents::{
    DeviceEntry, DeviceList, DeviceState, EnrolmentRequest, Freshness, Rollover, WipeReason,
    WipeReceipt,
};
