//! Config calls: the settings of this app's own grant, nothing else.

use crate::state::HostState;
use crate::wit::latest::kapsel::app::config::Host;

impl Host for HostState {
    fn get(&mut self, key: String) -> wasmtime::Result<Option<String>> {
        Ok(self.grants.settings.get(&key).cloned())
    }

    fn keys(&mut self) -> wasmtime::Result<Vec<String>> {
        Ok(self.grants.settings.keys().cloned().collect())
    }
}
