//! TLS client settings from the tenant policy: trust anchors (in addition to, or instead of,
//! the public web roots) and optional per-host public-key pins. rustls with the ring provider;
//! no plain text unless a caller was allowed it for a named host.

use std::collections::BTreeMap;
use std::sync::Arc;

use base64::Engine as _;
use kapsel_i18n::t;
use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::{DigitallySignedStruct, SignatureScheme};
use sha2::{Digest, Sha256};

use crate::error::{Error, Result};
use crate::policy::Tls;

fn provider() -> Arc<rustls::crypto::CryptoProvider> {
    Arc::new(rustls::crypto::ring::default_provider())
}

/// Build the client configuration every outbound TLS connection uses.
pub fn client_config(tls: &Tls) -> Result<Arc<rustls::ClientConfig>> {
    let cat = kapsel_i18n::current();
    let mut roots = rustls::RootCertStore::empty();
    if !tls.only_anchors {
        roots.extend(webpki_roots::TLS_SERVER_ROOTS.iter().cloned());
    }
    for (i, pem) in tls.trust_anchors.iter().enumerate() {
        let mut found = 0;
        for cert in CertificateDer::pem_slice_iter(pem.as_bytes()) {
            let cert = cert.map_err(|e| {
                Error::Policy(t!(
                    cat,
                    "core-tls-anchor-not-pem",
                    index = i.to_string(),
                    error = e.to_string()
                ))
            })?;
            roots.add(cert).map_err(|e| {
                Error::Policy(t!(
                    cat,
                    "core-tls-anchor-unusable",
                    index = i.to_string(),
                    error = e.to_string()
                ))
            })?;
            found += 1;
        }
        if found == 0 {
            return Err(Error::Policy(t!(
                cat,
                "core-tls-anchor-empty",
                index = i.to_string()
            )));
        }
    }
    if roots.is_empty() {
        return Err(Error::Policy(t!(cat, "core-tls-no-anchors")));
    }
    let webpki =
        rustls::client::WebPkiServerVerifier::builder_with_provider(Arc::new(roots), provider())
            .build()
            .map_err(|e| Error::Policy(t!(cat, "core-tls-anchors", error = e.to_string())))?;
    let mut pins = BTreeMap::new();
    for (host, list) in &tls.pins {
        let mut digests = Vec::new();
        for p in list {
            let pin = || format!("{p:?}");
            let b64 = p.strip_prefix("sha256/").ok_or_else(|| {
                Error::Policy(t!(
                    cat,
                    "core-tls-pin-form",
                    host = host.as_str(),
                    pin = pin()
                ))
            })?;
            let raw = base64::engine::general_purpose::STANDARD
                .decode(b64)
                .map_err(|_| {
                    Error::Policy(t!(
                        cat,
                        "core-tls-pin-not-base64",
                        host = host.as_str(),
                        pin = pin()
                    ))
                })?;
            let d: [u8; 32] = raw.try_into().map_err(|_| {
                Error::Policy(t!(
                    cat,
                    "core-tls-pin-length",
                    host = host.as_str(),
                    pin = pin()
                ))
            })?;
            digests.push(d);
        }
        pins.insert(host.to_ascii_lowercase(), digests);
    }
    let verifier = Arc::new(PinningVerifier {
        inner: webpki,
        pins,
    });
    let config = rustls::ClientConfig::builder_with_provider(provider())
        .with_safe_default_protocol_versions()
        .map_err(|e| Error::Policy(format!("TLS: {e}")))?
        .dangerous() // only to install the pinning wrapper; the standard checks all still run
        .with_custom_certificate_verifier(verifier)
        .with_no_client_auth();
    Ok(Arc::new(config))
}

/// Standard WebPKI verification, then — for pinned hosts — the server key must be one of the pins.
#[derive(Debug)]
struct PinningVerifier {
    inner: Arc<rustls::client::WebPkiServerVerifier>,
    pins: BTreeMap<String, Vec<[u8; 32]>>,
}

impl ServerCertVerifier for PinningVerifier {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        server_name: &ServerName<'_>,
        ocsp: &[u8],
        now: UnixTime,
    ) -> std::result::Result<ServerCertVerified, rustls::Error> {
        let ok =
            self.inner
                .verify_server_cert(end_entity, intermediates, server_name, ocsp, now)?;
        let name = server_name.to_str().to_ascii_lowercase();
        if let Some(pins) = self.pins.get(&name) {
            let spki = spki_of(end_entity.as_ref()).ok_or_else(|| {
                rustls::Error::General(t!(kapsel_i18n::current(), "core-tls-cert-unparsable"))
            })?;
            let digest: [u8; 32] = Sha256::digest(spki).into();
            if !pins.iter().any(|p| p == &digest) {
                return Err(rustls::Error::General(t!(
                    kapsel_i18n::current(),
                    "core-tls-pin-mismatch",
                    host = name.as_str()
                )));
            }
        }
        Ok(ok)
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> std::result::Result<HandshakeSignatureValid, rustls::Error> {
        self.inner.verify_tls12_signature(message, cert, dss)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> std::result::Result<HandshakeSignatureValid, rustls::Error> {
        self.inner.verify_tls13_signature(message, cert, dss)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.inner.supported_verify_schemes()
    }
}

/// One DER TLV: (tag, whole element, content).
fn tlv(input: &[u8]) -> Option<(u8, &[u8], &[u8])> {
    let tag = *input.first()?;
    let first = *input.get(1)? as usize;
    let (len, header) = if first < 0x80 {
        (first, 2)
    } else {
        let n = first & 0x7f;
        if n == 0 || n > 4 {
            return None;
        }
        let mut len = 0usize;
        for i in 0..n {
            len = (len << 8) | *input.get(2 + i)? as usize;
        }
        (len, 2 + n)
    };
    let end = header.checked_add(len)?;
    Some((tag, input.get(..end)?, input.get(header..end)?))
}

/// The SubjectPublicKeyInfo of an X.509 certificate (the 7th field of tbsCertificate, or 6th
/// without the explicit version).
pub fn spki_of(cert: &[u8]) -> Option<&[u8]> {
    let (_, _, cert_body) = tlv(cert)?;
    let (_, _, mut tbs) = tlv(cert_body)?;
    let mut index = 0;
    loop {
        let (tag, whole, _) = tlv(tbs)?;
        tbs = &tbs[whole.len()..];
        if index == 0 && tag == 0xa0 {
            continue; // explicit [0] version
        }
        if index == 5 {
            return Some(whole);
        }
        index += 1;
    }
}

/// `sha256/<base64>` of a certificate's public key, as written in `tls.pins`.
pub fn pin_of(cert_der: &[u8]) -> Option<String> {
    let spki = spki_of(cert_der)?;
    Some(format!(
        "sha256/{}",
        base64::engine::general_purpose::STANDARD.encode(Sha256::digest(spki))
    ))
}
