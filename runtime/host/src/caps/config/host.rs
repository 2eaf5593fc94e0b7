//! Config calls: the settings of this app's own grant, the user's language, and whether the
//! host signs in to a URL for the app (the kind, never the credential); nothing else.

use crate::state::{HostState, LOCALE_KEY};
use crate::wit::latest::kapsel::app::config::Host;

/// `kapsel.credential:<url>`: which credential the host adds to a request for `<url>`.
pub const CREDENTIAL_KEY: &str = "kapsel.credential:";

impl Host for HostState {
    fn get(&mut self, key: String) -> wasmtime::Result<Option<String>> {
        // The user's language is Kapsel's to say, never a tenant setting of that name.
        if key == LOCALE_KEY {
            return Ok(Some(self.services.locale.to_string()));
        }
        // Whether the host signs in to a URL for this app (`basic`, `bearer`), never with
        // what: a Basic 401 reads the same for a wrong password and for none.
        if let Some(url) = key.strip_prefix(CREDENTIAL_KEY) {
            let kind = self
                .grants
                .caps
                .http
                .as_ref()
                .and_then(|g| g.credential_name_for(url))
                // Without the user's login the host sends nothing (and says so).
                .filter(|k| *k != "basic" || self.services.credentials.is_some());
            return Ok(kind.map(str::to_string));
        }
        Ok(self.grants.settings.get(&key).cloned())
    }

    fn keys(&mut self) -> wasmtime::Result<Vec<String>> {
        let mut keys: Vec<String> = self
            .grants
            .settings
            .keys()
            .filter(|k| *k != LOCALE_KEY && !k.starts_with(CREDENTIAL_KEY))
            .cloned()
            .collect();
        keys.push(LOCALE_KEY.to_string());
        Ok(keys)
    }
}
