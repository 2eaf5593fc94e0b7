//! Config calls: the settings of this app's own grant and the user's language, nothing else.

use crate::state::{HostState, LOCALE_KEY};
use crate::wit::latest::kapsel::app::config::Host;

impl Host for HostState {
    fn get(&mut self, key: String) -> wasmtime::Result<Option<String>> {
        // The user's language is Kapsel's to say, never a tenant setting of that name.
        if key == LOCALE_KEY {
            return Ok(Some(self.services.locale.to_string()));
        }
        Ok(self.grants.settings.get(&key).cloned())
    }

    fn keys(&mut self) -> wasmtime::Result<Vec<String>> {
        let mut keys: Vec<String> = self
            .grants
            .settings
            .keys()
            .filter(|k| *k != LOCALE_KEY)
            .cloned()
            .collect();
        keys.push(LOCALE_KEY.to_string());
        Ok(keys)
    }
}
