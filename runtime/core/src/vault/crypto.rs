//! Keys and sealing: the data key's sub-keys, AES-256-GCM with an AAD that names where a
//! ciphertext lives, and keyed hashes for look-up columns.
//!
//! One random data key (DEK) per container; everything else is derived from it with HKDF so
//! that a MAC key can never be used to decrypt and vice versa. A sealed value is
//! `version(1) || nonce(12) || ciphertext+tag`. Nonces are random: at 2^-32 collision risk per
//! key this allows far more than the ~2^32 seals a container will ever make.
//!
//! Records (`seal`/`open`) are version 2: the plaintext is framed with its length and padded
//! to a size class before sealing, so a ciphertext's length tells only the class (a token's
//! row no longer gives away the token's length). The AAD of a padded seal ends in the
//! version byte, so a version byte changed on disk makes the record fail to open instead of
//! being read under the other framing. Version 1 records (exact size) still open. Blob
//! chunks stay version 1: they are full 64 KiB except the last, and their count is public.
//!
//! AES-256-GCM comes from `ring` (BoringSSL's AES-NI/AVX/VAES code): on the reference machine
//! it seals 5 GB/s per core against 0.4–0.7 GB/s for RustCrypto `aes-gcm` 0.10, whose GHASH
//! is one CLMUL block at a time (`kapsel bench vault` measures both). The format is plain
//! GCM with a 96-bit nonce and 128-bit tag, so records sealed by either open with the other.

use hmac::{Hmac, Mac};
use rand::RngCore;
use sha2::Sha256;
use zeroize::{Zeroize, Zeroizing};

use crate::error::{Error, Result};

pub const SEAL_VERSION: u8 = 1;
/// Length-framed and padded to a size class (see the module comment).
pub const SEAL_PADDED: u8 = 2;
const NONCE_LEN: usize = 12;
const FRAME: usize = 4;

/// The padded plaintext length for a value of `len` bytes: at least 64, the next power of
/// two up to 4 KiB, then whole 4 KiB pages. What a record's stored size reveals.
pub fn padded_len(len: usize) -> usize {
    let framed = len.saturating_add(FRAME);
    match framed {
        0..=64 => 64,
        65..=4096 => framed.next_power_of_two(),
        _ => framed.div_ceil(4096).saturating_mul(4096),
    }
}
pub const SEAL_OVERHEAD: usize = 1 + NONCE_LEN + 16;
/// What precedes the ciphertext in a sealed value: the version byte and the nonce.
pub const SEAL_HEAD: usize = 1 + NONCE_LEN;

/// The schema version every AAD carries: a ciphertext written under one layout never opens
/// under another.
pub const AAD_SCHEMA: u32 = 1;

type HmacSha256 = Hmac<Sha256>;

/// Where a ciphertext lives. Encoded length-prefixed so that no two places share an encoding.
pub struct Aad<'a> {
    pub table: &'a str,
    pub column: &'a str,
    pub row: &'a [u8],
}

impl Aad<'_> {
    fn encode(&self) -> Vec<u8> {
        let mut out =
            Vec::with_capacity(32 + self.table.len() + self.column.len() + self.row.len());
        out.extend_from_slice(b"kapsel-aad");
        out.extend_from_slice(&AAD_SCHEMA.to_be_bytes());
        for part in [self.table.as_bytes(), self.column.as_bytes(), self.row] {
            out.extend_from_slice(&(part.len() as u32).to_be_bytes());
            out.extend_from_slice(part);
        }
        out
    }
}

pub fn random_bytes<const N: usize>() -> [u8; N] {
    let mut b = [0u8; N];
    rand::rngs::OsRng.fill_bytes(&mut b);
    b
}

/// The data key and its derived sub-keys. Dropping it wipes every byte.
pub struct Keys {
    dek: Zeroizing<[u8; 32]>,
    cipher: SealKey,
    index_key: Zeroizing<[u8; 32]>,
    audit_key: Zeroizing<[u8; 32]>,
    artifact_key: Zeroizing<[u8; 32]>,
    state_key: Zeroizing<[u8; 32]>,
}

fn derive(dek: &[u8; 32], label: &str) -> Zeroizing<[u8; 32]> {
    let hk = hkdf::Hkdf::<Sha256>::new(Some(b"kapsel/v1"), dek);
    let mut out = Zeroizing::new([0u8; 32]);
    // 32 bytes is always a valid HKDF-SHA256 output length.
    hk.expand(label.as_bytes(), out.as_mut())
        .expect("32-byte HKDF output");
    out
}

fn hmac(key: &[u8; 32], parts: &[&[u8]]) -> [u8; 32] {
    let mut mac = <HmacSha256 as Mac>::new_from_slice(key).expect("HMAC takes any key length");
    for p in parts {
        mac.update(&(p.len() as u32).to_be_bytes());
        mac.update(p);
    }
    mac.finalize().into_bytes().into()
}

impl Keys {
    pub fn from_dek(dek: [u8; 32]) -> Keys {
        let dek = Zeroizing::new(dek);
        let enc = derive(&dek, "seal");
        let cipher = SealKey::new(&enc);
        Keys {
            cipher,
            index_key: derive(&dek, "index"),
            audit_key: derive(&dek, "audit"),
            artifact_key: derive(&dek, "artifact"),
            state_key: derive(&dek, "state"),
            dek,
        }
    }

    pub fn generate() -> Keys {
        let mut dek = random_bytes::<32>();
        let keys = Keys::from_dek(dek);
        dek.zeroize();
        keys
    }

    pub fn dek(&self) -> &[u8; 32] {
        &self.dek
    }

    /// A public, non-reversible name for this data key: lets tests and the audit show that a
    /// password change kept the same key without revealing it.
    pub fn fingerprint(&self) -> String {
        hex::encode(&hmac(&self.dek, &[b"fingerprint"])[..8])
    }

    /// Seal a record: framed, padded to its size class, bound to where it lives.
    pub fn seal(&self, aad: &Aad, plaintext: &[u8]) -> Vec<u8> {
        // Framed and padded in the output buffer itself and encrypted there: one copy of
        // the value, and no plaintext copy left to wipe.
        let padded = padded_len(plaintext.len());
        let mut out = Vec::with_capacity(SEAL_OVERHEAD + padded);
        out.push(SEAL_PADDED);
        out.extend_from_slice(&random_bytes::<NONCE_LEN>());
        out.extend_from_slice(&(plaintext.len() as u32).to_be_bytes());
        out.extend_from_slice(plaintext);
        self.seal_framed(aad, out, padded)
    }

    /// `seal` of a value the caller owns and no longer needs: its buffer becomes the
    /// sealed value (moved back by the head, grown to the padding), so a large message is
    /// not copied into a second allocation. The same bytes as `seal` would produce.
    pub fn seal_owned(&self, aad: &Aad, mut value: Vec<u8>) -> Vec<u8> {
        let len = value.len();
        let padded = padded_len(len);
        value.reserve_exact((SEAL_OVERHEAD + padded).saturating_sub(len));
        let mut head = [0u8; SEAL_HEAD + FRAME];
        head[0] = SEAL_PADDED;
        head[1..SEAL_HEAD].copy_from_slice(&random_bytes::<NONCE_LEN>());
        head[SEAL_HEAD..].copy_from_slice(&(len as u32).to_be_bytes());
        value.splice(0..0, head);
        self.seal_framed(aad, value, padded)
    }

    /// Pad `head ‖ len ‖ value` (already in `out`) to `padded`, encrypt it in place, append
    /// the tag.
    fn seal_framed(&self, aad: &Aad, mut out: Vec<u8>, padded: usize) -> Vec<u8> {
        out.resize(SEAL_HEAD + padded, 0);
        let mut nonce = [0u8; NONCE_LEN];
        nonce.copy_from_slice(&out[1..SEAL_HEAD]);
        let tag = self
            .cipher
            .seal(nonce, &padded_aad(aad), &mut out[SEAL_HEAD..]);
        out.extend_from_slice(&tag);
        out
    }

    pub fn open(&self, aad: &Aad, sealed: &[u8]) -> Result<Zeroizing<Vec<u8>>> {
        let damaged = || {
            Error::Tampered(kapsel_i18n::t!(
                kapsel_i18n::current(),
                "core-seal-unauthentic",
                table = aad.table,
                column = aad.column
            ))
        };
        match sealed.first() {
            Some(&SEAL_PADDED) => {
                let mut plain = Zeroizing::new(
                    decrypt_body(&self.cipher, &padded_aad(aad), sealed).ok_or_else(damaged)?,
                );
                let len = plain
                    .get(..FRAME)
                    .map(|l| u32::from_be_bytes([l[0], l[1], l[2], l[3]]) as usize)
                    .filter(|len| FRAME + len <= plain.len())
                    .ok_or_else(damaged)?;
                // Shift the value to the front and wipe the frame and padding behind it.
                plain.copy_within(FRAME..FRAME + len, 0);
                let tail = plain.len();
                plain[len..tail].fill(0);
                plain.truncate(len);
                Ok(plain)
            }
            _ => open_with(&self.cipher, &aad.encode(), sealed)
                .map(Zeroizing::new)
                .ok_or_else(damaged),
        }
    }

    /// Seal with raw AAD bytes (blob chunks build their own) into a slot the caller laid
    /// out: `SEAL_HEAD` bytes of room, the plaintext, then 16 bytes of room for the tag
    /// (`SEAL_OVERHEAD` more than the plaintext). No allocation or copy of its own.
    pub(crate) fn seal_raw_in_place(&self, aad: &[u8], slot: &mut [u8]) {
        debug_assert!(slot.len() >= SEAL_OVERHEAD);
        let nonce = random_bytes::<NONCE_LEN>();
        let end = slot.len().saturating_sub(16).max(SEAL_HEAD);
        slot[0] = SEAL_VERSION;
        slot[1..SEAL_HEAD].copy_from_slice(&nonce);
        let tag = self.cipher.seal(nonce, aad, &mut slot[SEAL_HEAD..end]);
        slot[end..].copy_from_slice(&tag);
    }

    /// Open a ciphertext in place whose head (version byte and nonce) and tag were read apart
    /// from it, so that it could be read straight to where its plaintext belongs. On failure
    /// the buffer is zeroed (ring wipes what it decrypted) and `false` comes back.
    pub(crate) fn open_detached(
        &self,
        aad: &[u8],
        head: &[u8],
        tag: &[u8; 16],
        in_out: &mut [u8],
    ) -> bool {
        if head.len() != SEAL_HEAD || head[0] != SEAL_VERSION {
            in_out.zeroize();
            return false;
        }
        self.cipher.open_separate(&head[1..], aad, tag, in_out)
    }

    /// Keyed hash for look-up columns: equal inputs give equal ids, nobody without the key
    /// learns anything from them.
    pub fn index_id(&self, domain: &str, parts: &[&[u8]]) -> [u8; 32] {
        let mut all: Vec<&[u8]> = vec![domain.as_bytes()];
        all.extend_from_slice(parts);
        hmac(&self.index_key, &all)
    }

    /// A key for one purpose (e.g. the mail search index), derived from the data key.
    pub fn derived(&self, label: &str) -> Zeroizing<[u8; 32]> {
        derive(&self.dek, label)
    }

    pub fn audit_mac(&self, hash: &[u8]) -> [u8; 32] {
        hmac(&self.audit_key, &[hash])
    }

    pub fn artifact_mac(&self, parts: &[&[u8]]) -> [u8; 32] {
        hmac(&self.artifact_key, parts)
    }

    /// Elements and summaries of the vault's state (see `state.rs`).
    pub fn state_mac(&self, parts: &[&[u8]]) -> [u8; 32] {
        hmac(&self.state_key, parts)
    }
}

fn padded_aad(aad: &Aad) -> Vec<u8> {
    let mut encoded = aad.encode();
    encoded.push(SEAL_PADDED);
    encoded
}

#[cfg(test)]
pub(crate) fn seal_with(cipher: &SealKey, aad: &[u8], plaintext: &[u8]) -> Vec<u8> {
    let nonce = random_bytes::<NONCE_LEN>();
    let mut out = Vec::with_capacity(SEAL_OVERHEAD + plaintext.len());
    out.push(SEAL_VERSION);
    out.extend_from_slice(&nonce);
    out.extend_from_slice(plaintext);
    let tag = cipher.seal(nonce, aad, &mut out[1 + NONCE_LEN..]);
    out.extend_from_slice(&tag);
    out
}

pub(crate) fn open_with(cipher: &SealKey, aad: &[u8], sealed: &[u8]) -> Option<Vec<u8>> {
    if sealed.first() != Some(&SEAL_VERSION) {
        return None;
    }
    decrypt_body(cipher, aad, sealed)
}

/// Nonce and ciphertext after the version byte, which the caller has checked.
fn decrypt_body(cipher: &SealKey, aad: &[u8], sealed: &[u8]) -> Option<Vec<u8>> {
    if sealed.len() < SEAL_OVERHEAD {
        return None;
    }
    let mut buf = sealed[1 + NONCE_LEN..].to_vec();
    match cipher.open(&sealed[1..1 + NONCE_LEN], aad, &mut buf) {
        Some(len) => {
            // The tag's bytes behind the plaintext are not secret; drop them.
            buf.truncate(len);
            Some(buf)
        }
        None => {
            buf.zeroize();
            None
        }
    }
}

/// ring's AES-256-GCM key. Its expanded key schedule (from which the AES key follows) has no
/// zeroize support, so it lives in a heap cell of its own that is overwritten before it is
/// freed, keeping the promise that dropped `Keys` leave no key bytes behind.
pub(crate) struct SealKey(std::mem::ManuallyDrop<Box<ring::aead::LessSafeKey>>);

impl SealKey {
    fn new(key: &[u8; 32]) -> SealKey {
        // A 32-byte key is always valid for AES-256-GCM.
        let unbound = ring::aead::UnboundKey::new(&ring::aead::AES_256_GCM, key)
            .expect("32-byte AES-256 key");
        SealKey(std::mem::ManuallyDrop::new(Box::new(
            ring::aead::LessSafeKey::new(unbound),
        )))
    }

    fn seal(&self, nonce: [u8; NONCE_LEN], aad: &[u8], in_out: &mut [u8]) -> [u8; 16] {
        let mut tag = [0u8; 16];
        // ring refuses only inputs over GCM's 64 GiB limit; a vault value never comes close.
        let t = self
            .0
            .seal_in_place_separate_tag(
                ring::aead::Nonce::assume_unique_for_key(nonce),
                ring::aead::Aad::from(aad),
                in_out,
            )
            .expect("AES-GCM input under 64 GiB");
        tag.copy_from_slice(t.as_ref());
        tag
    }

    /// Open `ciphertext ‖ tag` in place; the plaintext length on success.
    fn open(&self, nonce: &[u8], aad: &[u8], in_out: &mut [u8]) -> Option<usize> {
        let nonce = ring::aead::Nonce::try_assume_unique_for_key(nonce).ok()?;
        self.0
            .open_in_place(nonce, ring::aead::Aad::from(aad), in_out)
            .ok()
            .map(|p| p.len())
    }
}

impl SealKey {
    /// Open `ciphertext` in place against a tag kept elsewhere. ring zeroes the buffer when
    /// the tag does not match.
    fn open_separate(&self, nonce: &[u8], aad: &[u8], tag: &[u8; 16], in_out: &mut [u8]) -> bool {
        let Ok(nonce) = ring::aead::Nonce::try_assume_unique_for_key(nonce) else {
            in_out.zeroize();
            return false;
        };
        self.0
            .open_in_place_separate_tag(
                nonce,
                ring::aead::Aad::from(aad),
                ring::aead::Tag::from(*tag),
                in_out,
                0..,
            )
            .is_ok()
    }
}

impl Drop for SealKey {
    fn drop(&mut self) {
        // SAFETY: the box is taken exactly once, here. Its bytes are overwritten through a
        // byte view of the allocation, then it is freed as `MaybeUninit` so no destructor reads
        // the zeroed value (`LessSafeKey` owns no heap memory and has no `Drop`).
        unsafe {
            let raw = Box::into_raw(std::mem::ManuallyDrop::take(&mut self.0));
            std::slice::from_raw_parts_mut(
                raw.cast::<u8>(),
                std::mem::size_of::<ring::aead::LessSafeKey>(),
            )
            .zeroize();
            drop(Box::from_raw(
                raw.cast::<std::mem::MaybeUninit<ring::aead::LessSafeKey>>(),
            ));
        }
    }
}

/// Constant-time comparison for MACs and hashes.
pub fn ct_eq(a: &[u8], b: &[u8]) -> bool {
    use subtle::ConstantTimeEq;
    a.len() == b.len() && bool::from(a.ct_eq(b))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn aad(row: &[u8]) -> Aad<'_> {
        Aad {
            table: "kv",
            column: "value",
            row,
        }
    }

    #[test]
    fn sealed_records_reveal_only_their_size_class() {
        let keys = Keys::generate();
        let a = keys.seal(&aad(b"r"), b"tok");
        let b = keys.seal(&aad(b"r"), &[7u8; 40]);
        assert_eq!(a.len(), b.len(), "3 and 40 bytes share a class");
        assert_eq!(a[0], SEAL_PADDED);
        assert_eq!(keys.open(&aad(b"r"), &b).unwrap().as_slice(), &[7u8; 40]);
        assert_eq!(keys.open(&aad(b"r"), &a).unwrap().as_slice(), b"tok");
        assert_eq!(
            keys.open(&aad(b"r"), &keys.seal(&aad(b"r"), b""))
                .unwrap()
                .len(),
            0
        );
        let c = keys.seal(&aad(b"r"), &[1u8; 100]);
        assert_eq!(c.len(), SEAL_OVERHEAD + 128);
        let big = keys.seal(&aad(b"r"), &[1u8; 5000]);
        assert_eq!(big.len(), SEAL_OVERHEAD + 8192);
        for n in [0, 1, 60, 61, 4092, 4093, 10_000] {
            assert!(padded_len(n) >= n + 4);
        }
    }

    #[test]
    fn a_value_sealed_in_its_own_buffer_is_framed_as_a_copied_one() {
        let keys = Keys::generate();
        for n in [0usize, 1, 59, 60, 61, 4092, 4093, 70_000] {
            let value: Vec<u8> = (0..n).map(|i| (i % 251) as u8).collect();
            let copied = keys.seal(&aad(b"m"), &value);
            // With the room mail-wire leaves behind a fetched body (BODY_ROOM), the value's
            // own allocation becomes the sealed value.
            let mut roomy = Vec::with_capacity(n + 4096 + 64);
            roomy.extend_from_slice(&value);
            let at = roomy.as_ptr();
            let owned = keys.seal_owned(&aad(b"m"), roomy);
            assert_eq!(owned.as_ptr(), at, "{n} bytes were moved to a new buffer");
            assert_eq!(owned.len(), copied.len(), "{n} bytes");
            assert_eq!(owned.len(), SEAL_OVERHEAD + padded_len(n));
            assert_eq!(owned[0], SEAL_PADDED);
            assert_eq!(keys.open(&aad(b"m"), &owned).unwrap().as_slice(), value);
            assert!(keys.open(&aad(b"n"), &owned).is_err(), "bound to its place");
            if n >= 16 {
                assert!(
                    !owned.windows(16).any(|w| w == &value[..16]),
                    "no plaintext left in the sealed buffer"
                );
            }
        }
    }

    #[test]
    fn a_changed_version_byte_does_not_open_under_the_other_framing() {
        let keys = Keys::generate();
        let mut padded = keys.seal(&aad(b"r"), b"secret");
        padded[0] = SEAL_VERSION;
        assert!(keys.open(&aad(b"r"), &padded).is_err());
        let mut exact = seal_with(&keys.cipher, &aad(b"r").encode(), b"secret");
        assert_eq!(
            keys.open(&aad(b"r"), &exact).unwrap().as_slice(),
            b"secret",
            "version 1 records still open"
        );
        exact[0] = SEAL_PADDED;
        assert!(keys.open(&aad(b"r"), &exact).is_err());
    }

    #[test]
    fn sealed_value_opens_only_in_its_place() {
        let keys = Keys::generate();
        let sealed = keys.seal(&aad(b"row-1"), b"secret");
        assert_eq!(
            keys.open(&aad(b"row-1"), &sealed).unwrap().as_slice(),
            b"secret"
        );
        assert!(matches!(
            keys.open(&aad(b"row-2"), &sealed),
            Err(Error::Tampered(_))
        ));
        let other_col = Aad {
            table: "kv",
            column: "key",
            row: b"row-1",
        };
        assert!(keys.open(&other_col, &sealed).is_err());
    }

    #[test]
    fn every_flipped_byte_is_detected() {
        let keys = Keys::generate();
        let sealed = keys.seal(&aad(b"r"), b"some sealed text");
        for i in 0..sealed.len() {
            let mut bad = sealed.clone();
            bad[i] ^= 0x40;
            assert!(keys.open(&aad(b"r"), &bad).is_err(), "byte {i}");
        }
        assert!(keys.open(&aad(b"r"), &sealed[..5]).is_err());
    }

    #[test]
    fn ring_and_rustcrypto_agree_on_the_format() {
        use aes_gcm::aead::{Aead, KeyInit, Payload};
        let dek = random_bytes::<32>();
        let keys = Keys::from_dek(dek);
        let other = aes_gcm::Aes256Gcm::new_from_slice(derive(&dek, "seal").as_ref()).unwrap();
        let nonce = [9u8; NONCE_LEN];
        let aad = b"kapsel-blob/v1 test";
        let payload = |msg| Payload { msg, aad };
        // Sealed by the crate older containers were written with, opened by ring ...
        let ct = other
            .encrypt((&nonce).into(), payload(&b"written before"[..]))
            .unwrap();
        let mut sealed = vec![SEAL_VERSION];
        sealed.extend_from_slice(&nonce);
        sealed.extend_from_slice(&ct);
        assert_eq!(
            open_with(&keys.cipher, aad, &sealed).unwrap(),
            b"written before"
        );
        let mut body = sealed[SEAL_HEAD..sealed.len() - 16].to_vec();
        let tag: [u8; 16] = sealed[sealed.len() - 16..].try_into().unwrap();
        assert!(keys.open_detached(aad, &sealed[..SEAL_HEAD], &tag, &mut body));
        assert_eq!(body, b"written before");
        // ... and the other way round.
        let mut ours = vec![0u8; SEAL_OVERHEAD + 11];
        ours[SEAL_HEAD..SEAL_HEAD + 11].copy_from_slice(b"written now");
        keys.seal_raw_in_place(aad, &mut ours);
        assert_eq!(open_with(&keys.cipher, aad, &ours).unwrap(), b"written now");
        let back = other
            .decrypt(
                ours[1..1 + NONCE_LEN].into(),
                payload(&ours[1 + NONCE_LEN..]),
            )
            .unwrap();
        assert_eq!(back, b"written now");
        body = sealed[SEAL_HEAD..sealed.len() - 16].to_vec();
        body[5] ^= 1;
        assert!(!keys.open_detached(aad, &sealed[..SEAL_HEAD], &tag, &mut body));
        assert!(
            body.iter().all(|b| *b == 0),
            "a failed open leaves no plaintext"
        );
    }

    #[test]
    fn subkeys_differ_and_fingerprint_is_stable() {
        let dek = random_bytes::<32>();
        let a = Keys::from_dek(dek);
        let b = Keys::from_dek(dek);
        assert_eq!(a.fingerprint(), b.fingerprint());
        assert_ne!(a.index_id("x", &[b"k"]), a.audit_mac(b"k"));
    }
}
