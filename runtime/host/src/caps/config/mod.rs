//! `kapsel:app/config`: the tenant's read-only settings for this app (`[apps.<id>.settings]`).
//! Not a capability — every app has it, and it only ever returns what the tenant wrote for
//! that app.

mod host;
