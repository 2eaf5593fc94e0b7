//! Ed25519 keys and the signed-document envelope used for tenant policies.
//!
//! A signed policy is the TOML text followed by a comment block, so it stays valid TOML that
//! any editor or tool can read:
//!
//! ```text
//! <policy TOML, ending in a newline>
//! # -----BEGIN KAPSEL SIGNATURE-----
//! # key = "ed25519:<base64 public key>"
//! # signature = "<base64 signature>"
//! # -----END KAPSEL SIGNATURE-----
//! ```
//!
//! The signature covers a domain label and the exact bytes before the block: no
//! canonicalisation, so what was signed is what is parsed.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as B64;
use ed25519_dalek::{Signature, Signer};
pub use ed25519_dalek::{SigningKey, VerifyingKey};
use kapsel_i18n::t;
use zeroize::Zeroizing;

use crate::error::{Error, Result};

const BEGIN: &str = "# -----BEGIN KAPSEL SIGNATURE-----\n";
const END: &str = "# -----END KAPSEL SIGNATURE-----";
const SECRET_PREFIX: &str = "ed25519-secret:";
const PUBLIC_PREFIX: &str = "ed25519:";

/// What a signature is for: a policy signature can never be replayed as a package one.
#[derive(Debug, Clone, Copy)]
pub enum Domain {
    Policy,
    Package,
    /// The tenant's signed device list (device management).
    DeviceList,
    /// The tenant's signed "still in contact" document.
    Freshness,
    /// A tenant key rollover, signed by the old key.
    Rollover,
    /// A device's enrolment request, signed by the device key.
    Enrolment,
    /// A device's wipe receipt, signed by the device key.
    WipeReceipt,
}

impl Domain {
    fn label(self) -> &'static [u8] {
        match self {
            Domain::Policy => b"kapsel-policy/v1\n",
            Domain::Package => b"kapsel-package/v1\n",
            Domain::DeviceList => b"kapsel-devices/v1\n",
            Domain::Freshness => b"kapsel-freshness/v1\n",
            Domain::Rollover => b"kapsel-rollover/v1\n",
            Domain::Enrolment => b"kapsel-enrolment/v1\n",
            Domain::WipeReceipt => b"kapsel-wipe-receipt/v1\n",
        }
    }
}

pub fn generate_key() -> SigningKey {
    SigningKey::generate(&mut rand::rngs::OsRng)
}

pub fn encode_secret_key(key: &SigningKey) -> Zeroizing<String> {
    Zeroizing::new(format!("{SECRET_PREFIX}{}\n", B64.encode(key.to_bytes())))
}

pub fn parse_secret_key(text: &str) -> Result<SigningKey> {
    let b64 = text.trim().strip_prefix(SECRET_PREFIX).ok_or_else(|| {
        Error::invalid(t!(
            kapsel_i18n::current(),
            "core-key-secret-prefix",
            prefix = format!("{SECRET_PREFIX:?}")
        ))
    })?;
    let bytes =
        Zeroizing::new(B64.decode(b64).map_err(|_| {
            Error::invalid(t!(kapsel_i18n::current(), "core-key-secret-not-base64"))
        })?);
    let seed: [u8; 32] = bytes
        .as_slice()
        .try_into()
        .map_err(|_| Error::invalid(t!(kapsel_i18n::current(), "core-key-secret-length")))?;
    Ok(SigningKey::from_bytes(&seed))
}

pub fn encode_public_key(key: &VerifyingKey) -> String {
    format!("{PUBLIC_PREFIX}{}", B64.encode(key.to_bytes()))
}

pub fn parse_public_key(text: &str) -> Result<VerifyingKey> {
    let b64 = text.trim().strip_prefix(PUBLIC_PREFIX).ok_or_else(|| {
        Error::invalid(t!(
            kapsel_i18n::current(),
            "core-key-public-prefix",
            prefix = format!("{PUBLIC_PREFIX:?}")
        ))
    })?;
    let bytes = B64
        .decode(b64)
        .map_err(|_| Error::invalid(t!(kapsel_i18n::current(), "core-key-public-not-base64")))?;
    let arr: [u8; 32] = bytes
        .as_slice()
        .try_into()
        .map_err(|_| Error::invalid(t!(kapsel_i18n::current(), "core-key-public-length")))?;
    VerifyingKey::from_bytes(&arr)
        .map_err(|_| Error::invalid(t!(kapsel_i18n::current(), "core-key-public-invalid")))
}

fn message(domain: Domain, body: &[u8]) -> Vec<u8> {
    let mut m = domain.label().to_vec();
    m.extend_from_slice(body);
    m
}

pub fn sign_detached(domain: Domain, key: &SigningKey, body: &[u8]) -> String {
    B64.encode(key.sign(&message(domain, body)).to_bytes())
}

pub fn verify_detached(
    domain: Domain,
    key: &VerifyingKey,
    body: &[u8],
    signature: &str,
) -> Result<()> {
    let raw = B64
        .decode(signature.trim())
        .map_err(|_| Error::Policy(t!(kapsel_i18n::current(), "core-signature-not-base64")))?;
    let sig = Signature::from_slice(&raw)
        .map_err(|_| Error::Policy(t!(kapsel_i18n::current(), "core-signature-length")))?;
    key.verify_strict(&message(domain, body), &sig)
        .map_err(|_| Error::Policy(t!(kapsel_i18n::current(), "core-signature-mismatch")))
}

/// Append a signature block to `text` (an existing block is replaced).
pub fn sign_document(domain: Domain, key: &SigningKey, text: &str) -> String {
    let mut body = match split(text) {
        Some((body, _)) => body.to_string(),
        None => text.to_string(),
    };
    if !body.ends_with('\n') {
        body.push('\n');
    }
    let sig = sign_detached(domain, key, body.as_bytes());
    format!(
        "{body}{BEGIN}# key = \"{}\"\n# signature = \"{sig}\"\n{END}\n",
        encode_public_key(&key.verifying_key())
    )
}

/// A document split into the signed body and its claimed signer and signature.
pub struct SignedDocument<'a> {
    pub body: &'a str,
    pub key: VerifyingKey,
    pub signature: String,
}

fn split(text: &str) -> Option<(&str, &str)> {
    let at = text.rfind(BEGIN)?;
    if at > 0 && !text[..at].ends_with('\n') {
        return None;
    }
    Some((&text[..at], &text[at + BEGIN.len()..]))
}

fn field<'a>(block: &'a str, name: &str) -> Option<&'a str> {
    block.lines().find_map(|l| {
        let rest = l
            .strip_prefix("# ")?
            .strip_prefix(name)?
            .trim_start()
            .strip_prefix('=')?
            .trim();
        rest.strip_prefix('"')?.strip_suffix('"')
    })
}

pub fn parse_document(text: &str) -> Result<SignedDocument<'_>> {
    let (body, block) = split(text)
        .ok_or_else(|| Error::Policy(t!(kapsel_i18n::current(), "core-signature-unsigned")))?;
    let end = block
        .find(END)
        .ok_or_else(|| Error::Policy(t!(kapsel_i18n::current(), "core-signature-unclosed")))?;
    if !block[end + END.len()..].trim().is_empty() {
        return Err(Error::Policy(t!(
            kapsel_i18n::current(),
            "core-signature-trailing"
        )));
    }
    let fields = &block[..end];
    let key = field(fields, "key")
        .ok_or_else(|| Error::Policy(t!(kapsel_i18n::current(), "core-signature-no-key")))?;
    let signature = field(fields, "signature")
        .ok_or_else(|| Error::Policy(t!(kapsel_i18n::current(), "core-signature-missing")))?;
    let key = parse_public_key(key).map_err(|e| {
        Error::Policy(t!(
            kapsel_i18n::current(),
            "core-signature-key-unusable",
            error = e.to_string()
        ))
    })?;
    Ok(SignedDocument {
        body,
        key,
        signature: signature.to_string(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_round_trip() {
        let k = generate_key();
        let back = parse_secret_key(&encode_secret_key(&k)).unwrap();
        assert_eq!(back.to_bytes(), k.to_bytes());
        let p = parse_public_key(&encode_public_key(&k.verifying_key())).unwrap();
        assert_eq!(p, k.verifying_key());
        assert!(parse_public_key("ed25519:AAAA").is_err());
        assert!(parse_secret_key("nonsense").is_err());
    }

    #[test]
    fn signed_document_verifies_and_detects_changes() {
        let k = generate_key();
        let doc = sign_document(Domain::Policy, &k, "a = 1\n");
        let parsed = parse_document(&doc).unwrap();
        assert_eq!(parsed.body, "a = 1\n");
        verify_detached(
            Domain::Policy,
            &parsed.key,
            parsed.body.as_bytes(),
            &parsed.signature,
        )
        .unwrap();
        // A policy signature is no package signature.
        assert!(
            verify_detached(
                Domain::Package,
                &parsed.key,
                parsed.body.as_bytes(),
                &parsed.signature
            )
            .is_err()
        );
        let altered = doc.replacen("a = 1", "a = 2", 1);
        let p = parse_document(&altered).unwrap();
        assert!(verify_detached(Domain::Policy, &p.key, p.body.as_bytes(), &p.signature).is_err());
        assert!(parse_document("a = 1\n").is_err());
        assert!(parse_document(&format!("{doc}b = 2\n")).is_err());
        // Re-signing replaces the block instead of stacking a second one.
        let again = sign_document(Domain::Policy, &k, &doc);
        assert_eq!(again.matches("BEGIN KAPSEL SIGNATURE").count(), 1);
    }
}
