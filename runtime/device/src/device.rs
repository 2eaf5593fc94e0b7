//! What a container keeps about its standing with the tenant, and what it does about it:
//! enrolment (device id, device key, the signed request), a contact round (fetch, verify,
//! refuse anything older than what it has seen), the checks before and after the password,
//! and the wipe with its signed receipt.
//!
//! Kept in the vault's plaintext meta table, because it must be readable before the
//! password: the device key's secret (it signs only requests and receipts) and the newest
//! *signed* documents. Contact is proved by the tenant's signature, not by a timestamp the
//! device wrote, so editing this table cannot extend the grace period; it can only make
//! the container refuse or forget a rollover it then re-fetches.

use std::path::{Path, PathBuf};

use ed25519_dalek::VerifyingKey;
use kapsel_core::audit;
use kapsel_core::container::Container;
use kapsel_core::error::{Error, Result};
use kapsel_core::policy::signing;
use kapsel_i18n::t;
use serde::{Deserialize, Serialize};

use crate::documents::{
    self, DeviceList, DeviceState, EnrolmentRequest, Freshness, Rollover, WipeReason, WipeReceipt,
};
use crate::fetch::{Endpoint, Published};
use crate::standing::{self, CLOCK_SKEW_SECONDS, Known, Refusal, Verdict};

const META_DEVICE_ID: &str = "device_id";
const META_DEVICE_KEY: &str = "device_key";
const META_ENROLLED_AT: &str = "device_enrolled_at";
const META_FRESHNESS: &str = "mgmt_freshness";
const META_DEVICES: &str = "mgmt_devices";
const META_ROLLOVER: &str = "mgmt_rollover";
const META_POLICY: &str = "mgmt_policy";
const META_HIGHEST_CLOCK: &str = "mgmt_highest_clock";
const META_LAST_ATTEMPT: &str = "mgmt_last_attempt";

/// The request file `kapsel enroll` leaves in the container folder for the user to send.
pub const REQUEST_FILE: &str = "enrolment-request.toml";
/// The one file a wiped container leaves behind.
pub const RECEIPT_FILE: &str = "wipe-receipt.toml";

/// The time now, in Unix seconds. Debug builds let tests move the clock
/// (`KAPSEL_DEBUG_CLOCK_OFFSET`, seconds, may be negative) instead of sleeping; release
/// builds read the system clock only.
pub fn now() -> i64 {
    let system = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64);
    #[cfg(debug_assertions)]
    {
        let offset = std::env::var("KAPSEL_DEBUG_CLOCK_OFFSET")
            .ok()
            .and_then(|v| v.parse::<i64>().ok())
            .unwrap_or(0);
        system + offset
    }
    #[cfg(not(debug_assertions))]
    system
}

/// A meta value as text; an empty value is a cleared one.
fn meta_text(c: &Container, name: &str) -> Result<Option<String>> {
    Ok(c.vault()
        .meta_get(name)?
        .filter(|v| !v.is_empty())
        .map(|v| String::from_utf8_lossy(&v).into_owned()))
}

fn meta_i64(c: &Container, name: &str) -> Result<i64> {
    Ok(meta_text(c, name)?
        .and_then(|t| t.trim().parse().ok())
        .unwrap_or(0))
}

/// Give the container its device identity and write the signed enrolment request into
/// its folder. Returns the device id and the request file.
pub fn enrol(c: &Container, login: Option<&str>) -> Result<(String, PathBuf)> {
    let key = signing::generate_key();
    let id = documents::new_device_id();
    let at = now();
    let request = EnrolmentRequest {
        tenant: c.policy().tenant.id.clone(),
        device_id: id.clone(),
        device_key: signing::encode_public_key(&key.verifying_key()),
        login: login.map(str::to_string),
        created_at: at,
    };
    let text = documents::sign(&request, &key)?;
    let vault = c.vault();
    vault.meta_put(META_DEVICE_ID, id.as_bytes())?;
    vault.meta_put(META_DEVICE_KEY, signing::encode_secret_key(&key).as_bytes())?;
    vault.meta_put(META_ENROLLED_AT, at.to_string().as_bytes())?;
    let path = c.root().join(REQUEST_FILE);
    std::fs::write(&path, &text).map_err(Error::io(t!(
        kapsel_i18n::current(),
        "device-cannot-write",
        path = path.display().to_string()
    )))?;
    let _ = audit::append(
        vault,
        "device-enrolled",
        serde_json::json!({ "device_id": id }),
    );
    Ok((id, path))
}

/// The key documents must be signed with now: the pinned one, or the one a stored
/// rollover (signed by the pinned one) names.
fn trusted_key(c: &Container) -> Result<VerifyingKey> {
    let pinned = *c.tenant_key();
    if let Some(text) = meta_text(c, META_ROLLOVER)?
        && let Ok(r) = documents::verify::<Rollover>(&text, &pinned)
        && r.old_key == signing::encode_public_key(&pinned)
    {
        return documents::public_key(&r.new_key);
    }
    Ok(pinned)
}

/// What an unlocked container seals about its standing, so that editing the plaintext
/// meta table (deleting the newest documents, moving the enrolment time, taking another
/// device's id) is undone at the next unlock.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
struct Sealed {
    device_id: String,
    enrolled_at: i64,
    contact: Option<i64>,
    highest_clock: i64,
    devices_serial: u64,
    state: Option<DeviceState>,
}

const SEALED_NS: &str = "device";
const SEALED_KEY: &str = "standing";

fn sealed(c: &Container) -> Option<Sealed> {
    if !c.vault().is_unlocked() {
        return None;
    }
    let bytes = c.vault().get(SEALED_NS, SEALED_KEY).ok().flatten()?;
    serde_json::from_slice(&bytes).ok()
}

/// The device's own public key, from the secret kept for receipts.
fn own_key(c: &Container) -> Result<String> {
    Ok(meta_text(c, META_DEVICE_KEY)?
        .and_then(|t| signing::parse_secret_key(&t).ok())
        .map(|k| signing::encode_public_key(&k.verifying_key()))
        .unwrap_or_default())
}

/// What the container knows: every stored document re-verified, and — when unlocked —
/// merged with what it sealed, so nothing deleted or moved back in the plaintext table
/// counts.
pub fn known(c: &Container) -> Result<Known> {
    let key = trusted_key(c)?;
    let freshness =
        meta_text(c, META_FRESHNESS)?.and_then(|t| documents::verify::<Freshness>(&t, &key).ok());
    let devices =
        meta_text(c, META_DEVICES)?.and_then(|t| documents::verify::<DeviceList>(&t, &key).ok());
    let mut known = Known {
        device_id: meta_text(c, META_DEVICE_ID)?.unwrap_or_default(),
        device_key: own_key(c)?,
        enrolled_at: meta_i64(c, META_ENROLLED_AT)?,
        contact: freshness.as_ref().map(|f| f.issued_at),
        devices,
        sealed_state: None,
        highest_clock: meta_i64(c, META_HIGHEST_CLOCK)?,
        devices_serial: 0,
    };
    known.devices_serial = known.devices.as_ref().map_or(0, |l| l.serial);
    if let Some(s) = sealed(c) {
        known.device_id = s.device_id;
        known.enrolled_at = s.enrolled_at;
        // A contact newer than the seal reset the clock readings; otherwise both count.
        if s.contact >= known.contact {
            known.highest_clock = known.highest_clock.max(s.highest_clock);
        }
        known.contact = known.contact.max(s.contact);
        let plain_serial = known.devices_serial;
        known.devices_serial = plain_serial.max(s.devices_serial);
        if s.devices_serial >= plain_serial {
            known.sealed_state = s.state;
            if s.devices_serial > plain_serial {
                // The newer list was deleted: the sealed state speaks for it.
                known.devices = None;
            }
        }
    }
    Ok(known)
}

/// Seal what is known now (unlocked only; the newest of both sides is kept).
pub fn seal(c: &Container) -> Result<()> {
    if !c.vault().is_unlocked() {
        return Ok(());
    }
    let k = known(c)?;
    let devices_serial = k.devices.as_ref().map_or(0, |l| l.serial);
    let previous = sealed(c).unwrap_or_default();
    let record = Sealed {
        state: if devices_serial >= previous.devices_serial {
            k.state()
        } else {
            previous.state
        },
        devices_serial: devices_serial.max(previous.devices_serial),
        device_id: k.device_id,
        enrolled_at: k.enrolled_at,
        contact: k.contact,
        highest_clock: k.highest_clock,
    };
    let json = serde_json::to_vec(&record).map_err(|e| Error::invalid(e.to_string()))?;
    c.vault().put(SEALED_NS, SEALED_KEY, &json)
}

/// The last contact attempt, for `kapsel status`.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Attempt {
    pub at: i64,
    pub ok: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

fn record_attempt(c: &Container, attempt: &Attempt) {
    if let Ok(json) = serde_json::to_vec(attempt) {
        let _ = c.vault().meta_put(META_LAST_ATTEMPT, &json);
    }
}

/// Fetch the tenant's publication (no container needed, so the session is not held
/// during network I/O). `None` when the policy manages nothing.
pub fn fetch(policy: &kapsel_core::policy::Policy) -> Option<Result<Published>> {
    let rules = policy.management.as_ref()?;
    Some(Endpoint::new(&rules.endpoint, &policy.tls).and_then(|e| e.fetch()))
}

/// Take in what a round fetched: verify against the trusted key (following a rollover
/// signed by it), refuse anything older than what was seen, store what is new. A newer
/// policy and a rollover are kept for [`after_unlock`], which needs the keys.
pub fn contact(c: &Container, fetched: Result<Published>, at: i64) -> Result<()> {
    let result = fetched.and_then(|published| accept(c, &published, at));
    let attempt = Attempt {
        at,
        ok: result.is_ok(),
        error: result.as_ref().err().map(|e| e.to_string()),
    };
    record_attempt(c, &attempt);
    if let Err(e) = &result {
        let _ = audit::append(
            c.vault(),
            "tenant-contact-failed",
            serde_json::json!({ "error": e.to_string() }),
        );
    }
    result
}

fn foreign_tenant() -> Error {
    Error::Policy(t!(kapsel_i18n::current(), "device-foreign-tenant"))
}

fn accept(c: &Container, p: &Published, at: i64) -> Result<()> {
    let cat = kapsel_i18n::current();
    let tenant = c.policy().tenant.id.clone();
    let pinned = *c.tenant_key();
    let mut key = trusted_key(c)?;
    let mut new_rollover = None;
    if let Some(text) = &p.rollover {
        let (r, signer) = documents::verify_any::<Rollover>(text)?;
        let names_pinned = documents::public_key(&r.new_key).is_ok_and(|k| k == pinned);
        if signer == pinned && r.old_key == signing::encode_public_key(&pinned) {
            if r.tenant != tenant {
                return Err(foreign_tenant());
            }
            key = documents::public_key(&r.new_key)?;
            new_rollover = Some(text.clone());
        } else if !names_pinned && signer != key {
            // Neither from the key we trust nor about it: someone else's key change.
            return Err(Error::Policy(t!(cat, "device-rollover-unpinned")));
        }
    }
    let fresh: Freshness = documents::verify(&p.freshness, &key)?;
    let devices: DeviceList = documents::verify(&p.devices, &key)?;
    if fresh.tenant != tenant || devices.tenant != tenant {
        return Err(foreign_tenant());
    }
    let known = known(c)?;
    if let Some(seen) = known.contact
        && fresh.issued_at < seen
    {
        return Err(Error::Policy(t!(
            cat,
            "device-older-freshness",
            issued = documents::utc(fresh.issued_at),
            seen = documents::utc(seen)
        )));
    }
    if devices.serial < known.devices_serial {
        return Err(Error::Policy(t!(
            cat,
            "device-older-devices",
            serial = devices.serial.to_string(),
            seen = known.devices_serial.to_string()
        )));
    }
    if fresh.issued_at > at + CLOCK_SKEW_SECONDS {
        return Err(Error::Policy(t!(
            cat,
            "device-clock-behind",
            issued = documents::utc(fresh.issued_at),
            now = documents::utc(at)
        )));
    }
    if at > fresh.expires_at {
        return Err(Error::Policy(t!(
            cat,
            "device-stale",
            expired = documents::utc(fresh.expires_at)
        )));
    }
    if fresh.devices_serial != devices.serial {
        return Err(Error::Policy(t!(cat, "device-inconsistent")));
    }
    let policy = kapsel_core::policy::verify(&p.policy, Some(&key))?;
    if policy.policy.serial != fresh.policy_serial || policy.policy.tenant.id != tenant {
        return Err(Error::Policy(t!(cat, "device-inconsistent")));
    }
    if policy.policy.serial < c.policy().serial {
        return Err(Error::Policy(t!(
            cat,
            "device-older-policy",
            serial = policy.policy.serial.to_string(),
            installed = c.policy().serial.to_string()
        )));
    }
    let vault = c.vault();
    let before = known.state();
    let after = devices
        .find(&known.device_id)
        .filter(|d| d.key == known.device_key)
        .map(|d| d.state);
    // One transaction, the device list before the freshness document: a process ended
    // half-way (a lock does not wait) never keeps a new contact without the list that came
    // with it.
    let tx = rusqlite::Transaction::new_unchecked(
        vault.conn(),
        rusqlite::TransactionBehavior::Immediate,
    )?;
    vault.meta_put(META_DEVICES, p.devices.as_bytes())?;
    if let Some(r) = &new_rollover {
        vault.meta_put(META_ROLLOVER, r.as_bytes())?;
    }
    let newer = policy.policy.serial > c.policy().serial || new_rollover.is_some();
    if newer || key != pinned {
        vault.meta_put(META_POLICY, p.policy.as_bytes())?;
    }
    vault.meta_put(META_FRESHNESS, p.freshness.as_bytes())?;
    // The tenant just vouched for the time (within the skew): readings before it no
    // longer count.
    vault.meta_put(META_HIGHEST_CLOCK, at.to_string().as_bytes())?;
    tx.commit()?;
    if before != after {
        let _ = audit::append(
            vault,
            "device-state",
            serde_json::json!({
                "from": before.map(DeviceState::word),
                "to": after.map(DeviceState::word),
                "devices_serial": devices.serial,
            }),
        );
    }
    Ok(())
}

/// With the keys: install a newer fetched policy through the normal update path, and pin a
/// rolled-over tenant key together with the policy signed by it.
pub fn after_unlock(c: &mut Container) -> Result<()> {
    let Some(text) = meta_text(c, META_POLICY)? else {
        return Ok(());
    };
    let key = trusted_key(c)?;
    let result = if key != *c.tenant_key() {
        c.adopt_tenant_key(&key, &text)
    } else {
        c.update_policy(&text).map(|_| ())
    };
    // Applied or refused (the update path audits a refusal): either way not again.
    let vault = c.vault();
    vault.meta_put(META_POLICY, b"")?;
    if result.is_ok() && key == *c.tenant_key() {
        vault.meta_put(META_ROLLOVER, b"")?;
    }
    result
}

/// What a check decided.
pub enum Decision {
    /// May open; seconds left in the grace period (`None`: not managed).
    Open(Option<i64>),
    /// Must not open: the error carries the reason and the helpdesk text.
    Refuse(Error),
    /// Must wipe now (see [`wipe`]).
    Wipe(Wiping),
}

/// A wipe that was decided, with what its receipt will say.
pub struct Wiping {
    pub reason: WipeReason,
    device_id: String,
    devices_serial: u64,
    at: i64,
}

/// One contact round (its failure only counts against the grace period), then the verdict.
pub fn decide(c: &Container) -> Result<Decision> {
    let fetched = fetch(c.policy());
    decide_with(c, fetched)
}

/// The verdict after a round whose fetch was done already (`None`: not managed).
pub fn decide_with(c: &Container, fetched: Option<Result<Published>>) -> Result<Decision> {
    let Some(rules) = c.policy().management.clone() else {
        return Ok(Decision::Open(None));
    };
    let at = now();
    let contacted = match fetched {
        Some(f) => contact(c, f, at),
        None => Ok(()),
    };
    let known = known(c)?;
    let verdict = standing::decide(&rules, &known, at);
    // Every check moves the highest reading seen forward, contact or not: a clock set
    // back after an offline day is caught, not only one set back behind a document. Capped
    // at the end of the grace period, so a clock that once ran far ahead costs no more
    // than the grace period, and the next contact resets it (see `accept`).
    let reading = at.min(
        known
            .last_contact()
            .saturating_add(i64::from(rules.grace_hours) * 3600),
    );
    if reading > known.highest_clock
        && !matches!(verdict, Verdict::Refuse(Refusal::ClockSetBack { .. }))
    {
        c.vault()
            .meta_put(META_HIGHEST_CLOCK, reading.to_string().as_bytes())?;
    }
    let _ = seal(c);
    Ok(match verdict {
        Verdict::Open { grace_left } => Decision::Open(Some(grace_left)),
        Verdict::Refuse(why) => {
            let reason = refusal_text(&why, contacted.err().as_ref());
            let _ = audit::append(
                c.vault(),
                "device-refused",
                serde_json::json!({ "reason": reason }),
            );
            Decision::Refuse(Error::Device(t!(
                kapsel_i18n::current(),
                "device-refused",
                reason = reason,
                helpdesk = rules.helpdesk.as_str()
            )))
        }
        Verdict::Wipe(reason) => Decision::Wipe(Wiping {
            reason,
            devices_serial: known.devices.as_ref().map_or(0, |l| l.serial),
            device_id: known.device_id,
            at,
        }),
    })
}

/// Right after the password, with what the container sealed: the verdict again, without
/// another round — an edit of the plaintext table before this unlock is undone here.
pub fn recheck_unlocked(c: &mut Container) -> Result<()> {
    match decide_with(c, None)? {
        Decision::Open(_) => Ok(()),
        Decision::Refuse(e) => Err(e),
        Decision::Wipe(w) => Err(wipe(c, &w)),
    }
}

/// The check before the password: open, or an error that says why not (after wiping, if
/// that was the verdict).
pub fn check(mut c: Container) -> Result<(Container, Option<i64>)> {
    match decide(&c)? {
        Decision::Open(grace) => Ok((c, grace)),
        Decision::Refuse(e) => Err(e),
        Decision::Wipe(w) => Err(wipe(&mut c, &w)),
    }
}

fn refusal_text(why: &Refusal, contact_error: Option<&Error>) -> String {
    let cat = kapsel_i18n::current();
    let last = contact_error.map_or(String::new(), |e| {
        t!(cat, "device-last-error", error = e.to_string())
    });
    match why {
        Refusal::DeviceLocked => t!(cat, "device-reason-locked"),
        Refusal::NotApproved => t!(cat, "device-reason-not-approved"),
        Refusal::GraceExceeded { last_contact } => t!(
            cat,
            "device-reason-grace",
            last = last_contact.map_or_else(|| t!(cat, "device-never"), documents::utc),
            error = last
        ),
        Refusal::ClockSetBack { now, seen } => t!(
            cat,
            "device-reason-clock",
            now = documents::utc(*now),
            seen = documents::utc(*seen)
        ),
    }
}

fn reason_text(reason: WipeReason) -> String {
    let cat = kapsel_i18n::current();
    match reason {
        WipeReason::RemoteWipe => t!(cat, "device-wipe-remote"),
        WipeReason::OfflineLimit => t!(cat, "device-wipe-offline"),
        WipeReason::UnknownDevice => t!(cat, "device-wipe-unknown"),
    }
}

/// Destroy the container now and leave a receipt signed by the device key as the only file
/// in its folder; deliver it once to the tenant's server (best effort: the file stays).
/// Returns the message for the user (the wipe itself cannot be undone either way).
pub fn wipe(c: &mut Container, w: &Wiping) -> Error {
    let cat = kapsel_i18n::current();
    let helpdesk = c
        .policy()
        .management
        .as_ref()
        .map_or(String::new(), |m| m.helpdesk.clone());
    let root = c.root().to_path_buf();
    let key = meta_text(c, META_DEVICE_KEY)
        .ok()
        .flatten()
        .and_then(|t| signing::parse_secret_key(&t).ok());
    let receipt = WipeReceipt {
        tenant: c.policy().tenant.id.clone(),
        device_id: w.device_id.clone(),
        wiped_at: w.at,
        reason: w.reason,
        devices_serial: w.devices_serial,
    };
    let text = key.and_then(|k| documents::sign(&receipt, &k).ok());
    let endpoint = c
        .policy()
        .management
        .as_ref()
        .and_then(|m| Endpoint::new(&m.endpoint, &c.policy().tls).ok());
    if let Err(e) = c.vault_mut().destroy() {
        return e;
    }
    let path = root.join(RECEIPT_FILE);
    if let Some(text) = text {
        if let Err(e) = write_receipt(&root, &path, &text) {
            return e;
        }
        if let Some(e) = endpoint {
            let _ = e.deliver_receipt(&w.device_id, &text);
        }
    }
    // Exit code 9 like every other wipe; the message is all that is left to say.
    Error::Reported {
        message: t!(
            cat,
            "device-wiped",
            reason = reason_text(w.reason),
            receipt = path.display().to_string(),
            helpdesk = helpdesk
        ),
        code: 9,
    }
}

fn write_receipt(root: &Path, path: &Path, text: &str) -> Result<()> {
    let cat = kapsel_i18n::current();
    std::fs::create_dir_all(root).map_err(Error::io(t!(
        cat,
        "device-cannot-write",
        path = root.display().to_string()
    )))?;
    std::fs::write(path, text).map_err(Error::io(t!(
        cat,
        "device-cannot-write",
        path = path.display().to_string()
    )))
}

/// The standing for `kapsel status`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Report {
    pub device_id: String,
    pub endpoint: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub device_state: Option<DeviceState>,
    /// `issued_at` of the newest signed freshness document (the last proved contact).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_contact: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_attempt: Option<Attempt>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub devices_serial: Option<u64>,
    /// Seconds until the container refuses without contact (negative: already refusing).
    pub grace_left: i64,
}

pub fn report(c: &Container) -> Result<Option<Report>> {
    let Some(rules) = c.policy().management.clone() else {
        return Ok(None);
    };
    let known = known(c)?;
    let at = now();
    let grace_left = (i64::from(rules.grace_hours) * 3600)
        .saturating_sub(at.saturating_sub(known.last_contact()));
    let last_attempt = c
        .vault()
        .meta_get(META_LAST_ATTEMPT)?
        .and_then(|v| serde_json::from_slice(&v).ok());
    Ok(Some(Report {
        device_state: known.state(),
        last_contact: known.contact,
        devices_serial: known.devices.as_ref().map(|l| l.serial),
        device_id: known.device_id,
        endpoint: rules.endpoint,
        last_attempt,
        grace_left,
    }))
}
