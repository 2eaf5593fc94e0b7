//! The app's private key-value store in the encrypted container, raw or as JSON.
//! Writes of one call become durable together when the call returns.

use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::AppError;
use crate::bindings::kapsel::app::storage as wit;

pub use wit::StorageError;

impl From<StorageError> for AppError {
    fn from(e: StorageError) -> AppError {
        match e {
            StorageError::Denied(m) => AppError::Denied(m),
            StorageError::QuotaExceeded(q) => {
                AppError::Failed(format!("storage quota of {q} bytes exceeded"))
            }
            StorageError::InvalidKey(m) => AppError::InvalidInput(m),
            StorageError::Failed(m) => AppError::Failed(m),
        }
    }
}

pub fn get(key: &str) -> Result<Option<Vec<u8>>, StorageError> {
    wit::get(key)
}

pub fn set(key: &str, value: &[u8]) -> Result<(), StorageError> {
    wit::set(key, value)
}

pub fn delete(key: &str) -> Result<bool, StorageError> {
    wit::delete(key)
}

pub fn keys(prefix: &str) -> Result<Vec<String>, StorageError> {
    wit::list_keys(prefix)
}

/// (bytes used, quota)
pub fn usage() -> Result<(u64, u64), StorageError> {
    wit::usage()
}

/// A stored JSON value; a value that no longer parses is treated as absent.
pub fn get_json<T: DeserializeOwned>(key: &str) -> Result<Option<T>, StorageError> {
    Ok(get(key)?.and_then(|raw| serde_json::from_slice(&raw).ok()))
}

pub fn set_json<T: Serialize>(key: &str, value: &T) -> Result<(), StorageError> {
    let raw = serde_json::to_vec(value).map_err(|e| StorageError::Failed(e.to_string()))?;
    set(key, &raw)
}
