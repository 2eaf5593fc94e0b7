//! Password → key-encryption key (Argon2id) and the wrap of the data key under it.
//!
//! The parameters travel with the wrap, so a policy can raise them later and old containers
//! still open. A password change or a parameter raise re-wraps the data key; data is never
//! re-encrypted.

use aes_gcm::aead::{Aead, KeyInit, Payload};
use aes_gcm::{Aes256Gcm, Nonce};
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as B64;
use serde::{Deserialize, Serialize};
use zeroize::Zeroizing;

use super::crypto::random_bytes;
use crate::error::{Error, Result};

/// OWASP's minimum for Argon2id (m=19 MiB, t=2, p=1): nothing weaker is accepted.
pub const MIN_PARAMS: KdfParams = KdfParams {
    memory_kib: 19 * 1024,
    iterations: 2,
    parallelism: 1,
};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct KdfParams {
    pub memory_kib: u32,
    pub iterations: u32,
    pub parallelism: u32,
}

impl Default for KdfParams {
    fn default() -> Self {
        MIN_PARAMS
    }
}

impl KdfParams {
    pub fn check_minimum(&self) -> Result<()> {
        if self.memory_kib < MIN_PARAMS.memory_kib
            || self.iterations < MIN_PARAMS.iterations
            || self.parallelism < MIN_PARAMS.parallelism
        {
            return Err(Error::Policy(format!(
                "Argon2id parameters m={} KiB, t={}, p={} are below the minimum m={} KiB, t={}, p={}",
                self.memory_kib,
                self.iterations,
                self.parallelism,
                MIN_PARAMS.memory_kib,
                MIN_PARAMS.iterations,
                MIN_PARAMS.parallelism
            )));
        }
        if self.memory_kib > 4 * 1024 * 1024 || self.iterations > 64 || self.parallelism > 64 {
            return Err(Error::Policy(
                "Argon2id parameters are implausibly large".into(),
            ));
        }
        Ok(())
    }

    /// True where `self` is at least as strong as `other` in every dimension.
    pub fn at_least(&self, other: &KdfParams) -> bool {
        self.memory_kib >= other.memory_kib
            && self.iterations >= other.iterations
            && self.parallelism >= other.parallelism
    }

    /// The stronger of two parameter sets in each dimension.
    pub fn max_with(self, other: KdfParams) -> KdfParams {
        KdfParams {
            memory_kib: self.memory_kib.max(other.memory_kib),
            iterations: self.iterations.max(other.iterations),
            parallelism: self.parallelism.max(other.parallelism),
        }
    }

    fn argon2(&self) -> Result<argon2::Argon2<'static>> {
        let params =
            argon2::Params::new(self.memory_kib, self.iterations, self.parallelism, Some(32))
                .map_err(|e| Error::Policy(format!("Argon2id parameters rejected: {e}")))?;
        Ok(argon2::Argon2::new(
            argon2::Algorithm::Argon2id,
            argon2::Version::V0x13,
            params,
        ))
    }
}

/// The data key, encrypted under the password-derived key. Stored as JSON in `meta`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct WrappedKey {
    pub params: KdfParams,
    pub salt: String,
    pub nonce: String,
    pub ciphertext: String,
}

fn aad(params: &KdfParams) -> Vec<u8> {
    format!(
        "kapsel-wrap/v1/argon2id/m={}/t={}/p={}",
        params.memory_kib, params.iterations, params.parallelism
    )
    .into_bytes()
}

fn kek(password: &str, salt: &[u8], params: &KdfParams) -> Result<Aes256Gcm> {
    let mut key = Zeroizing::new([0u8; 32]);
    params
        .argon2()?
        .hash_password_into(password.as_bytes(), salt, key.as_mut())
        .map_err(|e| Error::invalid(format!("key derivation failed: {e}")))?;
    Ok(Aes256Gcm::new_from_slice(key.as_ref()).expect("32-byte key"))
}

pub fn wrap(dek: &[u8; 32], password: &str, params: KdfParams) -> Result<WrappedKey> {
    params.check_minimum()?;
    let salt = random_bytes::<16>();
    let nonce = random_bytes::<12>();
    let ct = kek(password, &salt, &params)?
        .encrypt(
            Nonce::from_slice(&nonce),
            Payload {
                msg: dek,
                aad: &aad(&params),
            },
        )
        .expect("in-memory AES-GCM");
    Ok(WrappedKey {
        params,
        salt: B64.encode(salt),
        nonce: B64.encode(nonce),
        ciphertext: B64.encode(ct),
    })
}

/// `Ok(None)` means the password is wrong; `Err` means the stored wrap itself is damaged.
pub fn unwrap(wrapped: &WrappedKey, password: &str) -> Result<Option<[u8; 32]>> {
    let damaged = |what: &str| Error::Tampered(format!("the key wrap's {what} is malformed"));
    let salt = B64.decode(&wrapped.salt).map_err(|_| damaged("salt"))?;
    let nonce = B64.decode(&wrapped.nonce).map_err(|_| damaged("nonce"))?;
    let ct = B64
        .decode(&wrapped.ciphertext)
        .map_err(|_| damaged("ciphertext"))?;
    if nonce.len() != 12 || salt.len() < 16 || ct.len() != 48 {
        return Err(damaged("layout"));
    }
    // Stored parameters below the floor mean someone edited the wrap to weaken it.
    wrapped
        .params
        .check_minimum()
        .map_err(|e| Error::Tampered(e.to_string()))?;
    let cipher = kek(password, &salt, &wrapped.params)?;
    match cipher.decrypt(
        Nonce::from_slice(&nonce),
        Payload {
            msg: &ct,
            aad: &aad(&wrapped.params),
        },
    ) {
        Ok(pt) => {
            let pt = Zeroizing::new(pt);
            let mut dek = [0u8; 32];
            dek.copy_from_slice(&pt);
            Ok(Some(dek))
        }
        Err(_) => Ok(None),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wrap_round_trip_and_wrong_password() {
        let dek = random_bytes::<32>();
        let w = wrap(&dek, "correct horse", MIN_PARAMS).unwrap();
        assert_eq!(unwrap(&w, "correct horse").unwrap(), Some(dek));
        assert_eq!(unwrap(&w, "wrong").unwrap(), None);
    }

    #[test]
    fn weak_parameters_are_refused() {
        let weak = KdfParams {
            memory_kib: 1024,
            iterations: 1,
            parallelism: 1,
        };
        assert!(wrap(&[0; 32], "pw", weak).is_err());
        let mut w = wrap(&[0; 32], "pw", MIN_PARAMS).unwrap();
        w.params = weak;
        assert!(matches!(unwrap(&w, "pw"), Err(Error::Tampered(_))));
    }
}
