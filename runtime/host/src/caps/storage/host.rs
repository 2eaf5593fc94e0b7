//! Storage calls: writes of one call are kept aside and applied in one transaction when the
//! call returns; a trap discards them. The grant is checked on every call.
//!
//! Usage counts what is stored: every key and its value, each padded to its sealed size class
//! (`Vault::usage`, `vault::charged_size`), so many
//! small keys cannot hide from the quota. The check is O(1) per write: the namespace's usage
//! is read once per call and each pending write carries what it changes.

use std::collections::BTreeMap;

use crate::state::HostState;
use crate::wit::latest::kapsel::app::storage::{Host, StorageError};
use kapsel_i18n::{current as cat, t};

/// Writes of the current call: key → new value (`None`: deleted).
#[derive(Debug, Default)]
pub struct CallState {
    pub pending: BTreeMap<String, Option<Vec<u8>>>,
    /// The namespace's usage when the call first touched storage.
    base: Option<u64>,
    /// What the pending writes add (or, negative, free) on top of `base`.
    delta: i64,
    /// Bytes each pending key had in the vault before this call (for the delta).
    stored: BTreeMap<String, u64>,
}

/// Why a storage call failed: the guest sees it as a `storage-error`.
pub struct Failure(pub(crate) StorageError);

impl From<StorageError> for Failure {
    fn from(e: StorageError) -> Failure {
        Failure(e)
    }
}

fn failed(e: impl std::fmt::Display) -> Failure {
    Failure(StorageError::Failed(e.to_string()))
}

const MAX_KEY: usize = 256;

fn check_key(key: &str) -> Result<(), Failure> {
    if key.is_empty() || key.len() > MAX_KEY || key.chars().any(char::is_control) {
        return Err(Failure(StorageError::InvalidKey(t!(
            cat(),
            "host-storage-key",
            max = MAX_KEY.to_string()
        ))));
    }
    Ok(())
}

/// Bytes a stored entry is charged: its key and its value as sealed (the vault's rule).
fn charge(key: &str, value: &[u8]) -> u64 {
    kapsel_core::vault::charged_size(key.len(), value.len())
}

impl HostState {
    fn storage_quota(&mut self) -> Result<u64, Failure> {
        match &self.grants.caps.storage {
            Some(g) => Ok(g.quota),
            None => Err(Failure(StorageError::Denied(self.deny(
                "storage",
                t!(
                    cat(),
                    "host-deny-storage",
                    app = self.grants.app_id.as_str()
                ),
            )))),
        }
    }

    fn base_usage(&mut self) -> Result<u64, Failure> {
        if let Some(b) = self.effects.storage.base {
            return Ok(b);
        }
        let used = self.services.vault().usage(&self.ns()).map_err(failed)?;
        self.effects.storage.base = Some(used);
        Ok(used)
    }

    /// What `key` holds in the vault (bytes charged), remembered for the call.
    fn stored_charge(&mut self, key: &str) -> Result<u64, Failure> {
        if let Some(s) = self.effects.storage.stored.get(key) {
            return Ok(*s);
        }
        let size = self
            .services
            .vault()
            .value_size(&self.ns(), key)
            .map_err(failed)?
            .unwrap_or(0);
        self.effects.storage.stored.insert(key.to_string(), size);
        Ok(size)
    }

    /// Record a pending write of `key` and return the usage it leads to; undone by the caller
    /// when that is over the quota.
    fn stage(&mut self, key: &str, value: Option<Vec<u8>>) -> Result<(u64, PendingUndo), Failure> {
        let base = self.base_usage()?;
        let before = match self.effects.storage.pending.get(key) {
            Some(Some(v)) => charge(key, v),
            Some(None) => 0,
            None => self.stored_charge(key)?,
        };
        let after = value.as_ref().map_or(0, |v| charge(key, v));
        let change = after as i64 - before as i64;
        let undo = PendingUndo {
            key: key.to_string(),
            previous: self.effects.storage.pending.insert(key.to_string(), value),
            change,
        };
        self.effects.storage.delta += change;
        Ok((
            (base as i64 + self.effects.storage.delta).max(0) as u64,
            undo,
        ))
    }

    fn unstage(&mut self, undo: PendingUndo) {
        self.effects.storage.delta -= undo.change;
        match undo.previous {
            Some(prev) => self.effects.storage.pending.insert(undo.key, prev),
            None => self.effects.storage.pending.remove(&undo.key),
        };
    }

    fn current_usage(&mut self) -> Result<u64, Failure> {
        let base = self.base_usage()?;
        Ok((base as i64 + self.effects.storage.delta).max(0) as u64)
    }
}

struct PendingUndo {
    key: String,
    previous: Option<Option<Vec<u8>>>,
    change: i64,
}

impl Host for HostState {
    fn get(&mut self, key: String) -> Result<Option<Vec<u8>>, Failure> {
        self.storage_quota()?;
        check_key(&key)?;
        if let Some(v) = self.effects.storage.pending.get(&key) {
            return Ok(v.clone());
        }
        let value = {
            let vault = self.services.vault();
            vault.get(&self.ns(), &key)
        };
        let value = value.map_err(|e| failed(self.vault_failure(e)))?;
        Ok(value.map(|v| v.to_vec()))
    }

    fn set(&mut self, key: String, value: Vec<u8>) -> Result<(), Failure> {
        let quota = self.storage_quota()?;
        check_key(&key)?;
        let (used, undo) = self.stage(&key, Some(value))?;
        if used > quota {
            // The write that would overflow never happened.
            self.unstage(undo);
            return Err(Failure(StorageError::QuotaExceeded(quota)));
        }
        Ok(())
    }

    fn delete(&mut self, key: String) -> Result<bool, Failure> {
        self.storage_quota()?;
        check_key(&key)?;
        let existed = match self.effects.storage.pending.get(&key) {
            Some(v) => v.is_some(),
            None => self.stored_charge(&key)? > 0,
        };
        self.stage(&key, None)?;
        Ok(existed)
    }

    fn list_keys(&mut self, prefix: String) -> Result<Vec<String>, Failure> {
        self.storage_quota()?;
        let stored = self.services.vault().keys_in(&self.ns()).map_err(failed)?;
        let mut keys: std::collections::BTreeSet<String> = stored.into_iter().collect();
        for (k, v) in &self.effects.storage.pending {
            if v.is_some() {
                keys.insert(k.clone());
            } else {
                keys.remove(k);
            }
        }
        Ok(keys
            .into_iter()
            .filter(|k| k.starts_with(&prefix))
            .collect())
    }

    fn usage(&mut self) -> Result<(u64, u64), Failure> {
        let quota = self.storage_quota()?;
        Ok((self.current_usage()?, quota))
    }

    fn convert_storage_error(&mut self, err: Failure) -> wasmtime::Result<StorageError> {
        Ok(err.0)
    }
}
