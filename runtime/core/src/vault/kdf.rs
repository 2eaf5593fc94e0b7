//! Password → key-encryption key (Argon2id) and the wrap of the data key under it.
//!
//! The parameters travel with the wrap, so a policy can raise them later and old containers
//! still open. A password change or a parameter raise re-wraps the data key; data is never
//! re-encrypted.

use aes_gcm::aead::{Aead, KeyInit, Payload};
use aes_gcm::{Aes256Gcm, Nonce};
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as B64;
use kapsel_i18n::t;
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
            return Err(Error::Policy(t!(
                kapsel_i18n::current(),
                "core-kdf-below-minimum",
                memory = self.memory_kib.to_string(),
                iterations = self.iterations.to_string(),
                parallelism = self.parallelism.to_string(),
                min_memory = MIN_PARAMS.memory_kib.to_string(),
                min_iterations = MIN_PARAMS.iterations.to_string(),
                min_parallelism = MIN_PARAMS.parallelism.to_string()
            )));
        }
        if self.memory_kib > 4 * 1024 * 1024 || self.iterations > 64 || self.parallelism > 64 {
            return Err(Error::Policy(t!(
                kapsel_i18n::current(),
                "core-kdf-too-large"
            )));
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

    fn argon2_len(&self, len: usize) -> Result<argon2::Argon2<'static>> {
        let params = argon2::Params::new(
            self.memory_kib,
            self.iterations,
            self.parallelism,
            Some(len),
        )
        .map_err(|e| {
            Error::Policy(t!(
                kapsel_i18n::current(),
                "core-kdf-rejected",
                error = e.to_string()
            ))
        })?;
        Ok(argon2::Argon2::new(
            argon2::Algorithm::Argon2id,
            argon2::Version::V0x13,
            params,
        ))
    }
}

/// The data key, encrypted under the password-derived key. Stored as JSON in `meta`, twice
/// (`wrap` and `wrap.2`).
///
/// Version 2 (`verifier` present) tells a wrong password from a damaged record: Argon2id
/// gives 64 bytes, the first half encrypts the data key, the second proves the password
/// (`verifier`). The data key is wrapped twice under different nonces, and a checksum covers
/// the record, so one damaged byte neither locks the user out nor counts as a failed unlock
/// (and so can never wipe the container). Version 1 records (no verifier) still open and are
/// rewritten as version 2 at the next unlock.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct WrappedKey {
    pub params: KdfParams,
    pub salt: String,
    pub nonce: String,
    pub ciphertext: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub verifier: Option<String>,
    /// The second copy: (nonce, ciphertext).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub backup: Option<(String, String)>,
    /// SHA-256 over every field above (damage, not secrecy: anyone can recompute it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub checksum: Option<String>,
}

fn aad(params: &KdfParams) -> Vec<u8> {
    format!(
        "kapsel-wrap/v1/argon2id/m={}/t={}/p={}",
        params.memory_kib, params.iterations, params.parallelism
    )
    .into_bytes()
}

/// The password-derived keys: the wrap key, and (version 2) the verifier key.
struct Derived {
    kek: Aes256Gcm,
    verifier_key: Option<Zeroizing<[u8; 32]>>,
}

fn derive(password: &str, salt: &[u8], params: &KdfParams, v2: bool) -> Result<Derived> {
    let mut out = Zeroizing::new([0u8; 64]);
    let len = if v2 { 64 } else { 32 };
    params
        .argon2_len(len)?
        .hash_password_into(password.as_bytes(), salt, &mut out[..len])
        .map_err(|e| {
            Error::invalid(t!(
                kapsel_i18n::current(),
                "core-kdf-failed",
                error = e.to_string()
            ))
        })?;
    let kek = Aes256Gcm::new_from_slice(&out[..32]).expect("32-byte key");
    let verifier_key = v2.then(|| {
        let mut k = Zeroizing::new([0u8; 32]);
        k.copy_from_slice(&out[32..64]);
        k
    });
    Ok(Derived { kek, verifier_key })
}

fn verifier(key: &[u8; 32], params: &KdfParams, salt: &[u8]) -> String {
    use hmac::Mac;
    let mut mac = <hmac::Hmac<sha2::Sha256> as Mac>::new_from_slice(key).expect("any key length");
    mac.update(b"kapsel-wrap-verifier/v2");
    mac.update(&aad(params));
    mac.update(salt);
    B64.encode(mac.finalize().into_bytes())
}

impl WrappedKey {
    fn digest(&self) -> String {
        use sha2::Digest;
        let mut h = sha2::Sha256::new();
        h.update(b"kapsel-wrap-checksum/v2");
        h.update(aad(&self.params));
        for part in [&self.salt, &self.nonce, &self.ciphertext] {
            h.update((part.len() as u32).to_be_bytes());
            h.update(part.as_bytes());
        }
        for part in [
            self.verifier.as_deref().unwrap_or(""),
            self.backup.as_ref().map_or("", |b| b.0.as_str()),
            self.backup.as_ref().map_or("", |b| b.1.as_str()),
        ] {
            h.update((part.len() as u32).to_be_bytes());
            h.update(part.as_bytes());
        }
        hex::encode(h.finalize())
    }

    /// Recompute the checksum (it protects against damage, not against an editor).
    pub fn reseal_checksum(&mut self) {
        self.checksum = Some(self.digest());
    }

    /// Version 2 and its checksum matches.
    /// The salt, once the stored parameters are known not to be below the floor (lower ones
    /// mean someone edited the wrap to weaken it).
    fn checked_salt(&self) -> Result<Vec<u8>> {
        self.params
            .check_minimum()
            .map_err(|e| Error::Tampered(e.to_string()))?;
        B64.decode(&self.salt)
            .map_err(|_| Error::Tampered(t!(kapsel_i18n::current(), "core-kdf-salt")))
    }

    pub fn intact(&self) -> bool {
        self.verifier.is_some() && self.checksum.as_deref() == Some(self.digest().as_str())
    }

    fn copies(&self) -> Vec<(&str, &str)> {
        let mut out = vec![(self.nonce.as_str(), self.ciphertext.as_str())];
        if let Some((n, c)) = &self.backup {
            out.push((n.as_str(), c.as_str()));
        }
        out
    }
}

fn seal_dek(kek: &Aes256Gcm, dek: &[u8; 32], params: &KdfParams) -> (String, String) {
    let nonce = random_bytes::<12>();
    let ct = kek
        .encrypt(
            Nonce::from_slice(&nonce),
            Payload {
                msg: dek,
                aad: &aad(params),
            },
        )
        .expect("in-memory AES-GCM");
    (B64.encode(nonce), B64.encode(ct))
}

/// Wrap the data key under `password` (version 2: verifier, two copies, checksum).
pub fn wrap(dek: &[u8; 32], password: &str, params: KdfParams) -> Result<WrappedKey> {
    params.check_minimum()?;
    let salt = random_bytes::<16>();
    let d = derive(password, &salt, &params, true)?;
    let (nonce, ciphertext) = seal_dek(&d.kek, dek, &params);
    let backup = seal_dek(&d.kek, dek, &params);
    let verifier = d.verifier_key.as_ref().map(|k| verifier(k, &params, &salt));
    let mut w = WrappedKey {
        params,
        salt: B64.encode(salt),
        nonce,
        ciphertext,
        verifier,
        backup: Some(backup),
        checksum: None,
    };
    w.checksum = Some(w.digest());
    Ok(w)
}

fn open_copy(kek: &Aes256Gcm, params: &KdfParams, nonce: &str, ct: &str) -> Option<[u8; 32]> {
    let nonce = B64.decode(nonce).ok().filter(|n| n.len() == 12)?;
    let ct = B64.decode(ct).ok().filter(|c| c.len() == 48)?;
    let pt = Zeroizing::new(
        kek.decrypt(
            Nonce::from_slice(&nonce),
            Payload {
                msg: &ct,
                aad: &aad(params),
            },
        )
        .ok()?,
    );
    let mut dek = [0u8; 32];
    dek.copy_from_slice(&pt);
    Some(dek)
}

/// What trying a password against the stored wrap records showed.
#[derive(Debug, PartialEq, Eq)]
pub enum Unwrapped {
    /// The data key; `repair` when a record was damaged or old and should be rewritten.
    Key { dek: [u8; 32], repair: bool },
    /// The password is wrong (a verifier said so, or a version 1 wrap did not open).
    WrongPassword,
    /// The records are damaged: the password may be right, but the key cannot be opened.
    /// Not a failed attempt.
    Damaged(String),
}

/// Try `password` against the stored records (`wrap`, `wrap.2`; `None` where missing or
/// unreadable).
pub fn unwrap(records: &[Option<WrappedKey>], password: &str) -> Result<Unwrapped> {
    let present: Vec<&WrappedKey> = records.iter().flatten().collect();
    if present.is_empty() {
        return Ok(Unwrapped::Damaged(t!(
            kapsel_i18n::current(),
            "core-kdf-wrap-missing"
        )));
    }
    let all_intact = records
        .iter()
        .all(|r| r.as_ref().is_some_and(|r| r.intact()));
    // An intact version 2 record decides whether the password is right.
    if let Some(r) = present.iter().find(|r| r.intact()) {
        let salt = r.checked_salt()?;
        let d = derive(password, &salt, &r.params, true)?;
        let key = d
            .verifier_key
            .as_ref()
            .expect("version 2 derives a verifier key");
        let expected = verifier(key, &r.params, &salt);
        if !super::crypto::ct_eq(
            expected.as_bytes(),
            r.verifier.as_deref().unwrap_or("").as_bytes(),
        ) {
            return Ok(Unwrapped::WrongPassword);
        }
        // The password is right: any copy that opens gives the key.
        let mut tried = 0;
        for other in &present {
            if other.params != r.params || other.salt != r.salt {
                continue;
            }
            for (nonce, ct) in other.copies() {
                tried += 1;
                if let Some(dek) = open_copy(&d.kek, &r.params, nonce, ct) {
                    let repair = !all_intact || tried > 1;
                    return Ok(Unwrapped::Key { dek, repair });
                }
            }
        }
        return Ok(Unwrapped::Damaged(t!(
            kapsel_i18n::current(),
            "core-kdf-all-copies-damaged"
        )));
    }
    // No intact version 2 record. A version 1 record (never had a verifier): as before.
    if let Some(r) = present.iter().find(|r| r.verifier.is_none()) {
        let salt = r.checked_salt()?;
        let d = derive(password, &salt, &r.params, false)?;
        return Ok(
            match open_copy(&d.kek, &r.params, &r.nonce, &r.ciphertext) {
                Some(dek) => Unwrapped::Key { dek, repair: true },
                None => Unwrapped::WrongPassword,
            },
        );
    }
    // Version 2 records that all fail their checksum: try each as it stands; without a
    // trustworthy verifier a failure cannot be called a wrong password.
    for r in &present {
        if r.params.check_minimum().is_err() {
            continue;
        }
        let Ok(salt) = B64.decode(&r.salt) else {
            continue;
        };
        let d = derive(password, &salt, &r.params, true)?;
        for (nonce, ct) in r.copies() {
            if let Some(dek) = open_copy(&d.kek, &r.params, nonce, ct) {
                return Ok(Unwrapped::Key { dek, repair: true });
            }
        }
    }
    Ok(Unwrapped::Damaged(t!(
        kapsel_i18n::current(),
        "core-kdf-unverifiable"
    )))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(u: Unwrapped) -> Option<[u8; 32]> {
        match u {
            Unwrapped::Key { dek, .. } => Some(dek),
            _ => None,
        }
    }

    #[test]
    fn wrap_round_trip_and_wrong_password() {
        let dek = random_bytes::<32>();
        let w = wrap(&dek, "correct horse", MIN_PARAMS).unwrap();
        let both = [Some(w.clone()), Some(w.clone())];
        assert_eq!(key(unwrap(&both, "correct horse").unwrap()), Some(dek));
        assert_eq!(unwrap(&both, "wrong").unwrap(), Unwrapped::WrongPassword);
    }

    #[test]
    fn a_damaged_record_is_not_a_wrong_password() {
        let dek = random_bytes::<32>();
        let w = wrap(&dek, "pw-1234567", MIN_PARAMS).unwrap();
        // One character of the ciphertext changed: the backup copy opens, repair asked.
        let mut bad = w.clone();
        bad.ciphertext = format!("A{}", &bad.ciphertext[1..]);
        let r = unwrap(&[Some(bad.clone()), None], "pw-1234567").unwrap();
        assert!(matches!(r, Unwrapped::Key { repair: true, .. }), "{r:?}");
        // Both copies in both records damaged: damage, never a wrong password.
        let mut worse = bad.clone();
        worse.backup = Some((w.nonce.clone(), "B".repeat(64)));
        worse.checksum = Some(worse.digest());
        assert!(matches!(
            unwrap(&[Some(worse.clone()), Some(worse.clone())], "pw-1234567").unwrap(),
            Unwrapped::Damaged(_)
        ));
        // ... while a wrong password against an intact record is still wrong.
        assert_eq!(
            unwrap(&[Some(worse), None], "nope").unwrap(),
            Unwrapped::WrongPassword
        );
        // Nothing readable: damage.
        assert!(matches!(
            unwrap(&[None, None], "x").unwrap(),
            Unwrapped::Damaged(_)
        ));
    }

    #[test]
    fn version_1_records_still_open() {
        let dek = random_bytes::<32>();
        let salt = random_bytes::<16>();
        let d = derive("old-pw-123", &salt, &MIN_PARAMS, false).unwrap();
        let (nonce, ciphertext) = seal_dek(&d.kek, &dek, &MIN_PARAMS);
        let v1 = WrappedKey {
            params: MIN_PARAMS,
            salt: B64.encode(salt),
            nonce,
            ciphertext,
            verifier: None,
            backup: None,
            checksum: None,
        };
        let r = unwrap(&[Some(v1.clone()), None], "old-pw-123").unwrap();
        assert_eq!(r, Unwrapped::Key { dek, repair: true });
        assert_eq!(
            unwrap(&[Some(v1), None], "wrong").unwrap(),
            Unwrapped::WrongPassword
        );
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
        w.checksum = Some(w.digest());
        assert!(matches!(
            unwrap(&[Some(w), None], "pw"),
            Err(Error::Tampered(_))
        ));
    }
}
