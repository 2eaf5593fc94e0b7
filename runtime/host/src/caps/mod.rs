//! One module per capability; each implements its WIT interface for `HostState` and checks
//! the app's grant on every call — a grant revoked by a policy update takes effect at once.

mod config;
mod documents;
mod http;
mod log;
mod notify;
mod storage;

use super::bindings::v0_1::kapsel::app::ui;
use super::state::HostState;

impl ui::Host for HostState {}
