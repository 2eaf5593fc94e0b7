//! The tenant policy: a TOML document signed by the tenant admin's Ed25519 key.
//!
//! `model` parses and validates the document; `signing` holds keys and the signature
//! envelope; this facade verifies a signed document against the key pinned at enrolment and
//! decides whether it may replace the installed one. Each refusal names its reason: not
//! signed, altered, signed by another key, or older.

pub mod model;
pub mod signing;

use ed25519_dalek::VerifyingKey;
use kapsel_i18n::t;
use sha2::{Digest, Sha256};

pub use model::*;
pub use signing::{Domain, parse_public_key};

use crate::error::{Error, Result};

/// A policy whose signature checked out, with the exact text it came from.
#[derive(Debug, Clone)]
pub struct VerifiedPolicy {
    pub policy: Policy,
    pub text: String,
    pub signer: VerifyingKey,
}

impl VerifiedPolicy {
    pub fn sha256(&self) -> String {
        hex::encode(Sha256::digest(self.text.as_bytes()))
    }
}

/// The largest signed policy accepted anywhere (file, agent request, stored copy): a real
/// one is a few KiB, and every command reads and verifies it.
pub const MAX_POLICY_BYTES: usize = 1 << 20;

fn check_size(text: &str) -> Result<()> {
    if text.len() > MAX_POLICY_BYTES {
        return Err(Error::Policy(t!(
            kapsel_i18n::current(),
            "core-policy-too-large",
            size = crate::files::size_text(text.len() as u64),
            limit = crate::files::size_text(MAX_POLICY_BYTES as u64)
        )));
    }
    Ok(())
}

/// Verify a signed policy. With `pinned`, the signer must be that key.
pub fn verify(text: &str, pinned: Option<&VerifyingKey>) -> Result<VerifiedPolicy> {
    check_size(text)?;
    let doc = signing::parse_document(text)?;
    if let Some(pinned) = pinned
        && doc.key != *pinned
    {
        return Err(Error::Policy(t!(
            kapsel_i18n::current(),
            "core-policy-wrong-signer",
            signer = signing::encode_public_key(&doc.key),
            pinned = signing::encode_public_key(pinned)
        )));
    }
    signing::verify_detached(
        Domain::Policy,
        &doc.key,
        doc.body.as_bytes(),
        &doc.signature,
    )
    .map_err(|_| Error::Policy(t!(kapsel_i18n::current(), "core-policy-altered")))?;
    let policy = Policy::parse(doc.body)?;
    Ok(VerifiedPolicy {
        policy,
        text: text.to_string(),
        signer: doc.key,
    })
}

/// May `new` replace `current`? Same tenant, and a higher serial (the same serial only for
/// the very same document, which is then a no-op).
pub fn check_update(current: &VerifiedPolicy, new: &VerifiedPolicy) -> Result<UpdateKind> {
    if new.policy.tenant.id != current.policy.tenant.id {
        return Err(Error::Policy(t!(
            kapsel_i18n::current(),
            "core-policy-other-tenant",
            new = format!("{:?}", new.policy.tenant.id),
            current = format!("{:?}", current.policy.tenant.id)
        )));
    }
    let (have, got) = (current.policy.serial, new.policy.serial);
    if got < have {
        return Err(Error::Policy(t!(
            kapsel_i18n::current(),
            "core-policy-serial-older",
            new = got.to_string(),
            old = have.to_string()
        )));
    }
    if got == have {
        return if new.text == current.text {
            Ok(UpdateKind::Unchanged)
        } else {
            Err(Error::Policy(t!(
                kapsel_i18n::current(),
                "core-policy-serial-same",
                serial = got.to_string()
            )))
        };
    }
    Ok(UpdateKind::Newer)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UpdateKind {
    Newer,
    Unchanged,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn policy(serial: u64) -> String {
        format!("serial = {serial}\n[tenant]\nid = \"t1\"\nname = \"Tenant One\"\n")
    }

    #[test]
    fn each_refusal_says_why() {
        let admin = signing::generate_key();
        let other = signing::generate_key();
        let pinned = admin.verifying_key();
        let v1 = signing::sign_document(Domain::Policy, &admin, &policy(1));
        let ok = verify(&v1, Some(&pinned)).unwrap();
        assert_eq!(ok.policy.serial, 1);

        let unsigned = verify(&policy(1), Some(&pinned)).unwrap_err().to_string();
        assert!(unsigned.contains("not signed"), "{unsigned}");

        let altered = verify(&v1.replacen("Tenant One", "Tenant Onf", 1), Some(&pinned))
            .unwrap_err()
            .to_string();
        assert!(altered.contains("altered"), "{altered}");

        let foreign = signing::sign_document(Domain::Policy, &other, &policy(2));
        let msg = verify(&foreign, Some(&pinned)).unwrap_err().to_string();
        assert!(msg.contains("pinned"), "{msg}");

        let v3 = verify(
            &signing::sign_document(Domain::Policy, &admin, &policy(3)),
            Some(&pinned),
        )
        .unwrap();
        let v2 = verify(
            &signing::sign_document(Domain::Policy, &admin, &policy(2)),
            Some(&pinned),
        )
        .unwrap();
        assert_eq!(check_update(&v2, &v3).unwrap(), UpdateKind::Newer);
        let older = check_update(&v3, &v2).unwrap_err().to_string();
        assert!(older.contains("older"), "{older}");
        assert_eq!(check_update(&v3, &v3).unwrap(), UpdateKind::Unchanged);
    }

    #[test]
    fn unknown_fields_and_forbidden_settings_are_refused() {
        let bad = Policy::parse(&format!("{}[dlp]\nclipboard = true\n", policy(1)))
            .unwrap_err()
            .to_string();
        assert!(bad.contains("clipboard"), "{bad}");
        let typo = Policy::parse(&format!("{}[lock]\nidle_minute = 3\n", policy(1)))
            .unwrap_err()
            .to_string();
        assert!(typo.contains("idle_minute"), "{typo}");
        let weak = Policy::parse(&format!(
            "{}[kdf]\nmemory_kib = 1024\niterations = 2\nparallelism = 1\n",
            policy(1)
        ));
        assert!(weak.is_err());
    }

    #[test]
    fn password_rules() {
        let r = PasswordRules::default();
        assert!(r.check("short").is_err());
        assert!(r.check("alllowercaseletters").is_err());
        assert!(r.check("Correct-Horse-7").is_ok());
    }
}
