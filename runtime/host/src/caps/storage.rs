//! `kapsel:app/storage`: the app's namespace in the vault (`app:<id>`), with a quota of
//! min(manifest, policy). Writes of one call are kept aside and applied in one transaction
//! when the call returns; a trap discards them.

use crate::bindings::v0_1::kapsel::app::storage::{Host, StorageError};
use crate::state::HostState;

const MAX_KEY: usize = 256;

fn check_key(key: &str) -> Result<(), StorageError> {
    if key.is_empty() || key.len() > MAX_KEY || key.chars().any(char::is_control) {
        return Err(StorageError::InvalidKey(format!(
            "keys are 1-{MAX_KEY} printable characters"
        )));
    }
    Ok(())
}

impl HostState {
    fn storage_quota(&mut self) -> Result<u64, StorageError> {
        match self.grants.storage_quota {
            Some(q) => Ok(q),
            None => Err(StorageError::Denied(
                self.deny("storage", "storage is not granted to this app".into()),
            )),
        }
    }

    /// Bytes the namespace would hold with the pending writes applied.
    fn usage_with_pending(&self) -> Result<u64, StorageError> {
        let vault = self.services.vault();
        let ns = self.ns();
        let mut used = vault
            .usage(&ns)
            .map_err(|e| StorageError::Failed(e.to_string()))?;
        for (k, v) in &self.effects.pending {
            let stored = vault
                .value_size(&ns, k)
                .map_err(|e| StorageError::Failed(e.to_string()))?;
            used = used.saturating_sub(stored.unwrap_or(0));
            used += v.as_ref().map_or(0, |v| v.len() as u64);
        }
        Ok(used)
    }
}

impl Host for HostState {
    fn get(&mut self, key: String) -> wasmtime::Result<Result<Option<Vec<u8>>, StorageError>> {
        if let Err(e) = self.storage_quota() {
            return Ok(Err(e));
        }
        if let Err(e) = check_key(&key) {
            return Ok(Err(e));
        }
        if let Some(v) = self.effects.pending.get(&key) {
            return Ok(Ok(v.clone()));
        }
        let vault = self.services.vault();
        Ok(vault
            .get(&self.ns(), &key)
            .map(|v| v.map(|v| v.to_vec()))
            .map_err(|e| StorageError::Failed(e.to_string())))
    }

    fn set(&mut self, key: String, value: Vec<u8>) -> wasmtime::Result<Result<(), StorageError>> {
        let quota = match self.storage_quota() {
            Ok(q) => q,
            Err(e) => return Ok(Err(e)),
        };
        if let Err(e) = check_key(&key) {
            return Ok(Err(e));
        }
        let old = self.effects.pending.insert(key.clone(), Some(value));
        match self.usage_with_pending() {
            Ok(used) if used <= quota => Ok(Ok(())),
            other => {
                // Undo: the write that would overflow never happened.
                match old {
                    Some(prev) => self.effects.pending.insert(key, prev),
                    None => self.effects.pending.remove(&key),
                };
                Ok(Err(match other {
                    Err(e) => e,
                    Ok(_) => StorageError::QuotaExceeded(quota),
                }))
            }
        }
    }

    fn delete(&mut self, key: String) -> wasmtime::Result<Result<bool, StorageError>> {
        if let Err(e) = self.storage_quota() {
            return Ok(Err(e));
        }
        if let Err(e) = check_key(&key) {
            return Ok(Err(e));
        }
        let existed = match self.effects.pending.get(&key) {
            Some(v) => v.is_some(),
            None => {
                let vault = self.services.vault();
                match vault.value_size(&self.ns(), &key) {
                    Ok(s) => s.is_some(),
                    Err(e) => return Ok(Err(StorageError::Failed(e.to_string()))),
                }
            }
        };
        self.effects.pending.insert(key, None);
        Ok(Ok(existed))
    }

    fn list_keys(&mut self, prefix: String) -> wasmtime::Result<Result<Vec<String>, StorageError>> {
        if let Err(e) = self.storage_quota() {
            return Ok(Err(e));
        }
        let stored = {
            let vault = self.services.vault();
            match vault.keys_in(&self.ns()) {
                Ok(k) => k,
                Err(e) => return Ok(Err(StorageError::Failed(e.to_string()))),
            }
        };
        let mut keys: std::collections::BTreeSet<String> = stored.into_iter().collect();
        for (k, v) in &self.effects.pending {
            if v.is_some() {
                keys.insert(k.clone());
            } else {
                keys.remove(k);
            }
        }
        Ok(Ok(keys
            .into_iter()
            .filter(|k| k.starts_with(&prefix))
            .collect()))
    }

    fn usage(&mut self) -> wasmtime::Result<Result<(u64, u64), StorageError>> {
        let quota = match self.storage_quota() {
            Ok(q) => q,
            Err(e) => return Ok(Err(e)),
        };
        Ok(self.usage_with_pending().map(|u| (u, quota)))
    }
}
