//! `kapsel:app/config`: the tenant's read-only settings for this app, from its policy.

use crate::bindings::v0_1::kapsel::app::config::Host;
use crate::state::HostState;

impl Host for HostState {
    fn get(&mut self, key: String) -> wasmtime::Result<Option<String>> {
        Ok(self.grants.settings.get(&key).cloned())
    }

    fn keys(&mut self) -> wasmtime::Result<Vec<String>> {
        Ok(self.grants.settings.keys().cloned().collect())
    }
}
