//! The app package (`.kapp`): manifest, component and the publisher's signature in one file.
//!
//! Layout (all lengths big-endian): `KAPP` · version 1 · u32 manifest length · manifest TOML ·
//! u64 component length · component · u8 signed flag · [u16 length · publisher public key
//! text · u16 length · base64 signature]. The signature covers a domain label and the SHA-256
//! of the manifest and of the component, so neither can be swapped without breaking it.

use sha2::{Digest, Sha256};

use super::manifest::Manifest;
use kapsel_core::error::{Error, Result};
use kapsel_core::policy::signing::{self, Domain, SigningKey, VerifyingKey};
use kapsel_i18n::{current as cat, t};

const MAGIC: &[u8; 4] = b"KAPP";
const VERSION: u8 = 1;
pub const MAX_MANIFEST: usize = 64 * 1024;
pub const MAX_COMPONENT: usize = 64 * 1024 * 1024;
/// A whole package: both parts plus the header and the signature block.
pub const MAX_PACKAGE: usize = MAX_MANIFEST + MAX_COMPONENT + 4096;

#[derive(Debug, Clone)]
pub struct Package {
    pub manifest_text: String,
    pub manifest: Manifest,
    pub component: Vec<u8>,
    pub signature: Option<(VerifyingKey, String)>,
}

fn digest_message(manifest: &[u8], component: &[u8]) -> Vec<u8> {
    let mut m = Vec::with_capacity(64);
    m.extend_from_slice(&Sha256::digest(manifest));
    m.extend_from_slice(&Sha256::digest(component));
    m
}

pub fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

struct Reader<'a> {
    bytes: &'a [u8],
    pos: usize,
}

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize, what: &str) -> Result<&'a [u8]> {
        let end = self.pos.checked_add(n).filter(|e| *e <= self.bytes.len());
        let end =
            end.ok_or_else(|| Error::invalid(t!(cat(), "host-package-truncated", part = what)))?;
        let out = &self.bytes[self.pos..end];
        self.pos = end;
        Ok(out)
    }
    fn u8(&mut self, what: &str) -> Result<u8> {
        Ok(self.take(1, what)?[0])
    }
    fn u16(&mut self, what: &str) -> Result<usize> {
        Ok(u16::from_be_bytes(self.take(2, what)?.try_into().expect("2 bytes")) as usize)
    }
    fn u32(&mut self, what: &str) -> Result<usize> {
        Ok(u32::from_be_bytes(self.take(4, what)?.try_into().expect("4 bytes")) as usize)
    }
    fn u64(&mut self, what: &str) -> Result<u64> {
        Ok(u64::from_be_bytes(
            self.take(8, what)?.try_into().expect("8 bytes"),
        ))
    }
}

impl Package {
    pub fn new(manifest_text: &str, component: Vec<u8>) -> Result<Package> {
        if manifest_text.len() > MAX_MANIFEST {
            return Err(Error::invalid(t!(cat(), "host-manifest-too-large")));
        }
        if component.len() > MAX_COMPONENT {
            return Err(Error::invalid(t!(cat(), "host-component-too-large")));
        }
        if !wasmparser::Parser::is_component(&component) {
            return Err(Error::invalid(t!(cat(), "host-component-file")));
        }
        let manifest = Manifest::parse(manifest_text)?;
        Ok(Package {
            manifest_text: manifest_text.to_string(),
            manifest,
            component,
            signature: None,
        })
    }

    pub fn sign(&mut self, key: &SigningKey) {
        let msg = digest_message(self.manifest_text.as_bytes(), &self.component);
        let sig = signing::sign_detached(Domain::Package, key, &msg);
        self.signature = Some((key.verifying_key(), sig));
    }

    /// Check the signature against the key it names; whether that key is trusted is the
    /// caller's question.
    pub fn verify_signature(&self) -> Result<&VerifyingKey> {
        let (key, sig) = self
            .signature
            .as_ref()
            .ok_or_else(|| Error::Policy(t!(cat(), "host-unsigned")))?;
        let msg = digest_message(self.manifest_text.as_bytes(), &self.component);
        signing::verify_detached(Domain::Package, key, &msg, sig)
            .map_err(|_| Error::Policy(t!(cat(), "host-signature-mismatch")))?;
        Ok(key)
    }

    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(self.component.len() + self.manifest_text.len() + 256);
        out.extend_from_slice(MAGIC);
        out.push(VERSION);
        out.extend_from_slice(&(self.manifest_text.len() as u32).to_be_bytes());
        out.extend_from_slice(self.manifest_text.as_bytes());
        out.extend_from_slice(&(self.component.len() as u64).to_be_bytes());
        out.extend_from_slice(&self.component);
        match &self.signature {
            None => out.push(0),
            Some((key, sig)) => {
                out.push(1);
                let key = signing::encode_public_key(key);
                out.extend_from_slice(&(key.len() as u16).to_be_bytes());
                out.extend_from_slice(key.as_bytes());
                out.extend_from_slice(&(sig.len() as u16).to_be_bytes());
                out.extend_from_slice(sig.as_bytes());
            }
        }
        out
    }

    pub fn parse(bytes: &[u8]) -> Result<Package> {
        let mut r = Reader { bytes, pos: 0 };
        if r.take(4, "magic")? != MAGIC {
            return Err(Error::invalid(t!(cat(), "host-not-a-package")));
        }
        let version = r.u8("version")?;
        if version != VERSION {
            return Err(Error::invalid(t!(
                cat(),
                "host-package-version",
                version = version.to_string()
            )));
        }
        let mlen = r.u32("manifest length")?;
        if mlen > MAX_MANIFEST {
            return Err(Error::invalid(t!(cat(), "host-manifest-too-large")));
        }
        let manifest_text = std::str::from_utf8(r.take(mlen, "manifest")?)
            .map_err(|_| Error::invalid(t!(cat(), "host-manifest-not-utf8")))?
            .to_string();
        let clen = r.u64("component length")?;
        if clen > MAX_COMPONENT as u64 {
            return Err(Error::invalid(t!(cat(), "host-component-too-large")));
        }
        let component = r.take(clen as usize, "component")?.to_vec();
        let signature = match r.u8("signature flag")? {
            0 => None,
            1 => {
                let klen = r.u16("key length")?;
                let key = std::str::from_utf8(r.take(klen, "key")?)
                    .map_err(|_| Error::invalid(t!(cat(), "host-bad-key-text")))?;
                let key = signing::parse_public_key(key)?;
                let slen = r.u16("signature length")?;
                let sig = std::str::from_utf8(r.take(slen, "signature")?)
                    .map_err(|_| Error::invalid(t!(cat(), "host-bad-signature-text")))?;
                Some((key, sig.to_string()))
            }
            other => {
                return Err(Error::invalid(t!(
                    cat(),
                    "host-bad-signature-flag",
                    flag = other.to_string()
                )));
            }
        };
        if r.pos != bytes.len() {
            return Err(Error::invalid(t!(cat(), "host-trailing-bytes")));
        }
        let mut p = Package::new(&manifest_text, component)?;
        p.signature = signature;
        Ok(p)
    }
}
