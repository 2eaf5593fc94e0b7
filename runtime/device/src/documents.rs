//! The signed documents of device management, parsed once into types at the edge.
//!
//! Every document is TOML with the same signature block as a policy (see
//! `kapsel_core::policy::signing`), each under its own signing domain so that one kind can
//! never be replayed as another:
//!
//! | file              | signed by        | says                                             |
//! |-------------------|------------------|--------------------------------------------------|
//! | `devices.toml`    | tenant key       | each device id, its key and state                |
//! | `freshness.toml`  | tenant key       | "the tenant spoke at `issued_at`", valid until   |
//! | `rollover.toml`   | old tenant key   | the new tenant key                               |
//! | enrolment request | device key       | device id, device key, login, tenant             |
//! | wipe receipt      | device key       | device id, when and why it was wiped             |
//!
//! Times are Unix seconds (UTC); a comment line in each body gives them readable.

use ed25519_dalek::{SigningKey, VerifyingKey};
use kapsel_core::error::{Error, Result};
use kapsel_core::policy::signing::{self, Domain};
use kapsel_i18n::t;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

/// The largest management document read (a device list of ~20,000 devices).
pub const MAX_DOCUMENT_BYTES: usize = 4 * 1024 * 1024;

/// A device's state in the tenant's list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum DeviceState {
    /// Approved: may unlock.
    Active,
    /// Cut off: refuses to unlock and shows the helpdesk text; the data stays.
    Locked,
    /// Destroy the container's keys and data at the next contact.
    Wipe,
}

impl DeviceState {
    pub fn word(self) -> &'static str {
        match self {
            DeviceState::Active => "active",
            DeviceState::Locked => "locked",
            DeviceState::Wipe => "wipe",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DeviceEntry {
    pub id: String,
    pub state: DeviceState,
    /// The device's public key (`ed25519:…`), from its enrolment request.
    pub key: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub login: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DeviceList {
    pub tenant: String,
    /// Monotonic: a device never accepts a lower serial than one it has seen.
    pub serial: u64,
    pub issued_at: i64,
    #[serde(default, rename = "device")]
    pub devices: Vec<DeviceEntry>,
}

impl DeviceList {
    pub fn find(&self, device_id: &str) -> Option<&DeviceEntry> {
        self.devices.iter().find(|d| d.id == device_id)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Freshness {
    pub tenant: String,
    pub issued_at: i64,
    pub expires_at: i64,
    /// The policy and device list published together with this document.
    pub policy_serial: u64,
    pub devices_serial: u64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Rollover {
    pub tenant: String,
    pub old_key: String,
    pub new_key: String,
    pub issued_at: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EnrolmentRequest {
    pub tenant: String,
    pub device_id: String,
    pub device_key: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub login: Option<String>,
    pub created_at: i64,
}

/// Why a container wiped itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum WipeReason {
    /// The tenant's device list said `wipe`.
    RemoteWipe,
    /// No contact with the tenant for longer than the policy allows.
    OfflineLimit,
    /// The device is not in the tenant's list and the policy says to wipe such devices.
    UnknownDevice,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WipeReceipt {
    pub tenant: String,
    pub device_id: String,
    pub wiped_at: i64,
    pub reason: WipeReason,
    /// The device list that ordered it (0 when the device wiped itself offline).
    pub devices_serial: u64,
}

/// Kinds of document, for messages and signing domains.
pub trait Document: Serialize + DeserializeOwned {
    const DOMAIN: Domain;
    /// The catalogue id naming this kind of document in messages.
    fn what() -> String;
    /// The timestamp shown as a readable comment.
    fn when(&self) -> i64;
}

impl Document for DeviceList {
    const DOMAIN: Domain = Domain::DeviceList;
    fn what() -> String {
        t!(kapsel_i18n::current(), "device-doc-devices")
    }
    fn when(&self) -> i64 {
        self.issued_at
    }
}

impl Document for Freshness {
    const DOMAIN: Domain = Domain::Freshness;
    fn what() -> String {
        t!(kapsel_i18n::current(), "device-doc-freshness")
    }
    fn when(&self) -> i64 {
        self.issued_at
    }
}

impl Document for Rollover {
    const DOMAIN: Domain = Domain::Rollover;
    fn what() -> String {
        t!(kapsel_i18n::current(), "device-doc-rollover")
    }
    fn when(&self) -> i64 {
        self.issued_at
    }
}

impl Document for EnrolmentRequest {
    const DOMAIN: Domain = Domain::Enrolment;
    fn what() -> String {
        t!(kapsel_i18n::current(), "device-doc-enrolment")
    }
    fn when(&self) -> i64 {
        self.created_at
    }
}

impl Document for WipeReceipt {
    const DOMAIN: Domain = Domain::WipeReceipt;
    fn what() -> String {
        t!(kapsel_i18n::current(), "device-doc-receipt")
    }
    fn when(&self) -> i64 {
        self.wiped_at
    }
}

/// `YYYY-MM-DD HH:MM:SS UTC` for the readable comment and for messages.
pub fn utc(ts: i64) -> String {
    format!("{} UTC", utc_stamp(ts))
}

/// `YYYY-MM-DD HH:MM:SS` (UTC) without a date library (civil-from-days, Howard Hinnant).
pub fn utc_stamp(ts: i64) -> String {
    let (days, rem) = (ts.div_euclid(86_400), ts.rem_euclid(86_400));
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!(
        "{y:04}-{m:02}-{d:02} {:02}:{:02}:{:02}",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}

/// Sign `doc` with `key`: the TOML body, a readable time comment, the signature block.
pub fn sign<D: Document>(doc: &D, key: &SigningKey) -> Result<String> {
    let body = toml::to_string(doc).map_err(|e| {
        Error::invalid(t!(
            kapsel_i18n::current(),
            "device-doc-unwritable",
            what = D::what(),
            error = e.to_string()
        ))
    })?;
    let text = format!("# {}\n{body}", utc(doc.when()));
    Ok(signing::sign_document(D::DOMAIN, key, &text))
}

/// Parse and verify a document signed by exactly `signer`.
pub fn verify<D: Document>(text: &str, signer: &VerifyingKey) -> Result<D> {
    let (doc, key) = verify_any::<D>(text)?;
    if key != *signer {
        return Err(Error::Policy(t!(
            kapsel_i18n::current(),
            "device-doc-wrong-signer",
            what = D::what(),
            key = signing::encode_public_key(&key)
        )));
    }
    Ok(doc)
}

/// Parse a document and check its signature against the key its block names; the caller
/// decides whether that key is one it trusts.
pub fn verify_any<D: Document>(text: &str) -> Result<(D, VerifyingKey)> {
    if text.len() > MAX_DOCUMENT_BYTES {
        return Err(Error::Policy(t!(
            kapsel_i18n::current(),
            "device-doc-too-large",
            what = D::what(),
            max = MAX_DOCUMENT_BYTES.to_string()
        )));
    }
    let signed = signing::parse_document(text).map_err(|e| reframe::<D>(&e))?;
    signing::verify_detached(
        D::DOMAIN,
        &signed.key,
        signed.body.as_bytes(),
        &signed.signature,
    )
    .map_err(|e| reframe::<D>(&e))?;
    let doc: D = toml::from_str(signed.body).map_err(|e| {
        Error::Policy(t!(
            kapsel_i18n::current(),
            "device-doc-unreadable",
            what = D::what(),
            error = e.message().to_string()
        ))
    })?;
    Ok((doc, signed.key))
}

fn reframe<D: Document>(e: &Error) -> Error {
    let detail = match e {
        Error::Policy(d) => d.clone(),
        other => other.to_string(),
    };
    Error::Policy(t!(
        kapsel_i18n::current(),
        "device-doc-bad-signature",
        what = D::what(),
        detail = detail
    ))
}

/// An enrolment request verified against the key it names (a request proves possession
/// of the device key; whether to trust the device is the admin's decision).
pub fn verify_request(text: &str) -> Result<EnrolmentRequest> {
    let (req, key) = verify_any::<EnrolmentRequest>(text)?;
    if signing::encode_public_key(&key) != req.device_key {
        return Err(Error::Policy(t!(
            kapsel_i18n::current(),
            "device-request-key-mismatch"
        )));
    }
    check_device_id(&req.device_id)?;
    Ok(req)
}

/// Device ids are `d-` and 32 hex digits: safe in file names, URLs and terminals.
pub fn check_device_id(id: &str) -> Result<()> {
    let ok = id
        .strip_prefix("d-")
        .is_some_and(|h| h.len() == 32 && h.bytes().all(|b| b.is_ascii_hexdigit()));
    if ok {
        Ok(())
    } else {
        Err(Error::invalid(t!(
            kapsel_i18n::current(),
            "device-id-invalid",
            id = format!("{:?}", kapsel_core::terminal::line(id))
        )))
    }
}

/// A new device id.
pub fn new_device_id() -> String {
    use rand::RngCore;
    let mut raw = [0u8; 16];
    rand::rngs::OsRng.fill_bytes(&mut raw);
    format!("d-{}", hex::encode(raw))
}

pub fn public_key(text: &str) -> Result<VerifyingKey> {
    signing::parse_public_key(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn list(serial: u64) -> DeviceList {
        DeviceList {
            tenant: "t".into(),
            serial,
            issued_at: 1_796_000_000,
            devices: vec![DeviceEntry {
                id: new_device_id(),
                state: DeviceState::Active,
                key: signing::encode_public_key(&signing::generate_key().verifying_key()),
                login: Some("alice@corp.test".into()),
            }],
        }
    }

    #[test]
    fn a_signed_list_verifies_and_round_trips() {
        let k = signing::generate_key();
        let text = sign(&list(3), &k).expect("signs");
        assert!(text.starts_with("# 2026-"), "{text}");
        let back: DeviceList = verify(&text, &k.verifying_key()).expect("verifies");
        assert_eq!(back.serial, 3);
        assert_eq!(back.devices.len(), 1);
    }

    #[test]
    fn another_signer_an_altered_body_and_another_kind_are_refused() {
        let k = signing::generate_key();
        let other = signing::generate_key();
        let text = sign(&list(3), &k).expect("signs");
        assert!(verify::<DeviceList>(&text, &other.verifying_key()).is_err());
        let altered = text.replace("serial = 3", "serial = 4");
        assert!(verify::<DeviceList>(&altered, &k.verifying_key()).is_err());
        let fresh = Freshness {
            tenant: "t".into(),
            issued_at: 1,
            expires_at: 2,
            policy_serial: 1,
            devices_serial: 1,
        };
        let fresh_text = sign(&fresh, &k).expect("signs");
        // Same key, same fields would not even parse; the domain refuses it first.
        let e = verify::<Rollover>(&fresh_text, &k.verifying_key()).expect_err("refused");
        assert!(e.to_string().contains("signature"), "{e}");
    }

    #[test]
    fn a_request_must_be_signed_by_the_key_it_names() {
        let device = signing::generate_key();
        let req = EnrolmentRequest {
            tenant: "t".into(),
            device_id: new_device_id(),
            device_key: signing::encode_public_key(&device.verifying_key()),
            login: None,
            created_at: 5,
        };
        let ok = sign(&req, &device).expect("signs");
        verify_request(&ok).expect("verifies");
        let thief = signing::generate_key();
        let forged = sign(&req, &thief).expect("signs");
        assert!(verify_request(&forged).is_err());
    }

    #[test]
    fn device_ids_are_checked() {
        check_device_id(&new_device_id()).expect("a new id is valid");
        for bad in [
            "",
            "d-",
            "d-../../etc",
            "x-0123456789abcdef0123456789abcdef",
        ] {
            assert!(check_device_id(bad).is_err(), "{bad}");
        }
    }
}
