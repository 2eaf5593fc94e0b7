//! The admin's side: the registry and publishing.
//!
//! The registry (`registry.toml`) is the admin's own working record of the tenant's devices.
//! It is not signed and never published; it lives next to the tenant key:
//!
//! ```toml
//! tenant = "demo-agency"
//! serial = 7                      # the device list's serial; raised by every change to it
//!
//! [[device]]
//! id = "d-0123456789abcdef0123456789abcdef"
//! key = "ed25519:…"               # from the enrolment request
//! login = "alice@agency.example"  # from the enrolment request (never published)
//! state = "active"                # active | locked | wipe
//! approved_at = 1796000000
//! wiped_at = 1796500000           # once its wipe receipt is recorded
//! wipe_reason = "remote-wipe"
//! ```
//!
//! `publish` turns it, a signed policy and the tenant key into the static files a web server
//! hands to the devices (`policy.toml`, `devices.toml`, `freshness.toml`, and during a key
//! change `rollover.toml`), each checked the way a device will check it and each replaced
//! by one rename, so the server never serves half a file. Times are Unix seconds; the
//! callers pass `now`, so that tests need no clock.

use std::fs::OpenOptions;
use std::io::{BufRead, Write};
use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};

use base64::Engine as _;
use ed25519_dalek::{SigningKey, VerifyingKey};
use kapsel_core::error::{Error, Result};
use kapsel_core::policy::signing;
use kapsel_i18n::t;
use serde::{Deserialize, Serialize};

use crate::documents::Document as _;
use crate::documents::{
    self, DeviceEntry, DeviceList, DeviceState, Freshness, MAX_DOCUMENT_BYTES, Rollover,
    WipeReason, WipeReceipt,
};

/// The file names a device fetches from the endpoint.
pub const POLICY_FILE: &str = "policy.toml";
pub const DEVICES_FILE: &str = "devices.toml";
pub const FRESHNESS_FILE: &str = "freshness.toml";
pub const ROLLOVER_FILE: &str = "rollover.toml";

/// The largest registry read (the device list's limit, with room for the admin's fields).
pub const MAX_REGISTRY_BYTES: u64 = 4 * MAX_DOCUMENT_BYTES as u64;
/// The longest validity of a freshness document: 90 days.
pub const MAX_VALID_HOURS: u32 = 90 * 24;
/// The longest login accepted from an enrolment request.
pub const MAX_LOGIN_CHARS: usize = 256;

fn cat() -> &'static kapsel_i18n::Catalog {
    kapsel_i18n::current()
}

fn shown(text: &str) -> String {
    kapsel_core::terminal::line(text)
}

/// One device as the admin knows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Registered {
    pub id: String,
    /// The device's public key (`ed25519:…`), from its enrolment request.
    pub key: String,
    /// The login the request named (for the admin only; not published).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub login: Option<String>,
    pub state: DeviceState,
    pub approved_at: i64,
    /// When the device wiped itself, from its signed wipe receipt, once recorded.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub wiped_at: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub wipe_reason: Option<WipeReason>,
}

/// The admin's registry of one tenant's devices.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Registry {
    pub tenant: String,
    /// The serial of the device list published from this registry; raised by every change
    /// to what the list says (a device approved, a state changed).
    pub serial: u64,
    #[serde(default, rename = "device")]
    devices: Vec<Registered>,
}

/// What `approve` did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Approval {
    /// The device is new in the registry (state `active`).
    Added,
    /// The same device with the same key was approved before; nothing changed.
    Already,
}

/// What `verify_receipt` recorded.
#[derive(Debug, Clone, Serialize)]
pub struct ReceiptRecorded {
    pub device_id: String,
    pub login: Option<String>,
    pub wiped_at: i64,
    pub reason: WipeReason,
    /// False when this very receipt was recorded before.
    pub new: bool,
    /// The registry state was set to `wipe` (the device had wiped itself while listed as
    /// active or locked), which raised the serial.
    pub marked_wipe: bool,
}

/// What happened to `rollover.toml` at a publish.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum RolloverFile {
    /// None given and none there.
    None,
    /// The given rollover was written.
    Written,
    /// None given; the one already published leads to the publishing key and stays.
    Kept,
    /// None given; the one there did not lead to the publishing key and was removed.
    Removed,
}

/// What `publish` wrote.
#[derive(Debug, Clone, Serialize)]
pub struct Published {
    pub dir: PathBuf,
    pub tenant: String,
    pub policy_serial: u64,
    pub devices_serial: u64,
    pub devices: usize,
    pub issued_at: i64,
    pub expires_at: i64,
    pub rollover: RolloverFile,
    /// Whether the policy has a `[management]` section (without one, devices that install
    /// it stop contacting the endpoint).
    pub management: bool,
    pub files: Vec<PathBuf>,
}

/// Tenant ids follow the policy's rule: lowercase letters, digits and hyphens, at most 64.
pub fn check_tenant_id(id: &str) -> Result<()> {
    let ok = !id.is_empty()
        && id.len() <= 64
        && id
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
    if ok {
        Ok(())
    } else {
        Err(Error::invalid(t!(
            cat(),
            "device-registry-tenant-invalid",
            id = format!("{:?}", shown(id))
        )))
    }
}

fn check_login(login: &str) -> Result<()> {
    if login.is_empty()
        || login.chars().count() > MAX_LOGIN_CHARS
        || login.chars().any(kapsel_core::terminal::is_unsafe)
    {
        return Err(Error::Policy(t!(
            cat(),
            "device-registry-login-invalid",
            max = MAX_LOGIN_CHARS.to_string()
        )));
    }
    Ok(())
}

impl Registry {
    /// An empty registry for `tenant` (serial 1, so the first published list has one).
    pub fn new(tenant: &str) -> Result<Registry> {
        check_tenant_id(tenant)?;
        Ok(Registry {
            tenant: tenant.to_string(),
            serial: 1,
            devices: Vec::new(),
        })
    }

    /// Parse a registry's text and check it (tenant id, device ids, keys, no duplicates).
    pub fn parse(text: &str, path: &Path) -> Result<Registry> {
        let reg: Registry = toml::from_str(text).map_err(|e| {
            Error::invalid(t!(
                cat(),
                "device-registry-unreadable",
                path = path.display().to_string(),
                error = e.message().to_string()
            ))
        })?;
        check_tenant_id(&reg.tenant)?;
        for (i, d) in reg.devices.iter().enumerate() {
            documents::check_device_id(&d.id)?;
            documents::public_key(&d.key).map_err(|e| {
                Error::invalid(t!(
                    cat(),
                    "device-registry-bad-key",
                    id = d.id.as_str(),
                    path = path.display().to_string(),
                    error = e.to_string()
                ))
            })?;
            if reg.devices[..i].iter().any(|o| o.id == d.id) {
                return Err(Error::invalid(t!(
                    cat(),
                    "device-registry-duplicate",
                    id = d.id.as_str(),
                    path = path.display().to_string()
                )));
            }
        }
        Ok(reg)
    }

    /// Read the registry at `path`; it must exist.
    pub fn load(path: &Path) -> Result<Registry> {
        if !path.exists() {
            return Err(Error::NotFound(t!(
                cat(),
                "device-registry-missing",
                path = path.display().to_string()
            )));
        }
        let text = kapsel_core::files::read_text_bounded(
            path,
            MAX_REGISTRY_BYTES,
            &t!(cat(), "device-registry-what"),
        )?;
        Registry::parse(&text, path)
    }

    /// Read the registry at `path`, or start an empty one for `tenant` if there is none.
    /// A `tenant` given for an existing registry must be its tenant.
    pub fn load_or_create(path: &Path, tenant: Option<&str>) -> Result<Registry> {
        if let Some(id) = tenant {
            check_tenant_id(id)?;
        }
        match (path.exists(), tenant) {
            (false, Some(id)) => Registry::new(id),
            (false, None) => Registry::load(path),
            (true, want) => {
                let reg = Registry::load(path)?;
                if let Some(id) = want
                    && id != reg.tenant
                {
                    return Err(Error::invalid(t!(
                        cat(),
                        "device-registry-tenant-differs",
                        path = path.display().to_string(),
                        registry = reg.tenant.as_str(),
                        tenant = shown(id)
                    )));
                }
                Ok(reg)
            }
        }
    }

    /// Write the registry to `path` atomically (private to the user: it names logins).
    pub fn save(&self, path: &Path) -> Result<()> {
        let body = toml::to_string(self).map_err(|e| {
            Error::invalid(t!(
                cat(),
                "device-registry-unwritable",
                path = path.display().to_string(),
                error = e.to_string()
            ))
        })?;
        let header = t!(
            cat(),
            "device-registry-header",
            tenant = self.tenant.as_str()
        );
        let mut text = String::new();
        for line in header.lines() {
            text.push_str("# ");
            text.push_str(line);
            text.push('\n');
        }
        text.push('\n');
        text.push_str(&body);
        write_atomic(path, &text, 0o600)
    }

    /// Load (or create, with `tenant`) the registry under an exclusive lock on
    /// `<path>.lock`, let `change` edit it, and save it if it changed. Two admins, or an
    /// admin and a timer, never lose each other's changes.
    pub fn edit<T>(
        path: &Path,
        tenant: Option<&str>,
        change: impl FnOnce(&mut Registry) -> Result<T>,
    ) -> Result<T> {
        let _lock = lock(path)?;
        let mut reg = Registry::load_or_create(path, tenant)?;
        let before = reg.clone();
        let out = change(&mut reg)?;
        if reg != before || !path.exists() {
            reg.save(path)?;
        }
        Ok(out)
    }

    /// The devices, in the order they were approved.
    pub fn list(&self) -> &[Registered] {
        &self.devices
    }

    pub fn find(&self, id: &str) -> Option<&Registered> {
        self.devices.iter().find(|d| d.id == id)
    }

    /// Approve an enrolment request: it must be signed by the device key it names and be
    /// for this registry's tenant. The same device with the same key again changes nothing;
    /// the same id with another key, or a key another device already has, is refused.
    pub fn approve(&mut self, request_text: &str, now: i64) -> Result<(Approval, Registered)> {
        let req = documents::verify_request(request_text)?;
        if req.tenant != self.tenant {
            return Err(Error::Policy(t!(
                cat(),
                "device-registry-request-tenant",
                request = shown(&req.tenant),
                registry = self.tenant.as_str()
            )));
        }
        if let Some(login) = &req.login {
            check_login(login)?;
        }
        if let Some(known) = self.find(&req.device_id) {
            if known.key == req.device_key {
                return Ok((Approval::Already, known.clone()));
            }
            return Err(Error::Policy(t!(
                cat(),
                "device-registry-key-differs",
                id = req.device_id.as_str()
            )));
        }
        if let Some(other) = self.devices.iter().find(|d| d.key == req.device_key) {
            return Err(Error::Policy(t!(
                cat(),
                "device-registry-key-taken",
                id = other.id.as_str()
            )));
        }
        let entry = Registered {
            id: req.device_id,
            key: req.device_key,
            login: req.login,
            state: DeviceState::Active,
            approved_at: now,
            wiped_at: None,
            wipe_reason: None,
        };
        self.devices.push(entry.clone());
        self.serial += 1;
        Ok((Approval::Added, entry))
    }

    /// Set a device's state. Returns whether anything changed (the serial is raised only
    /// then). A device whose wipe receipt is recorded is gone: it stays `wipe`.
    pub fn set_state(&mut self, id: &str, state: DeviceState) -> Result<(bool, Registered)> {
        documents::check_device_id(id)?;
        let device = self
            .devices
            .iter_mut()
            .find(|d| d.id == id)
            .ok_or_else(|| Error::NotFound(t!(cat(), "device-registry-unknown", id = id)))?;
        if device.state == state {
            return Ok((false, device.clone()));
        }
        if let Some(wiped_at) = device.wiped_at {
            return Err(Error::Policy(t!(
                cat(),
                "device-registry-wiped-final",
                id = id,
                time = documents::utc(wiped_at)
            )));
        }
        device.state = state;
        let entry = device.clone();
        self.serial += 1;
        Ok((true, entry))
    }

    /// The device list as published: ids, states and keys (no logins: the list is public).
    pub fn device_list(&self, now: i64) -> DeviceList {
        DeviceList {
            tenant: self.tenant.clone(),
            serial: self.serial,
            issued_at: now,
            devices: self
                .devices
                .iter()
                .map(|d| DeviceEntry {
                    id: d.id.clone(),
                    state: d.state,
                    key: d.key.clone(),
                    login: None,
                })
                .collect(),
        }
    }

    /// Record a device's wipe receipt: it must be signed by the key of the device it names,
    /// for this tenant. A device still listed as active or locked (it wiped itself offline
    /// or as unknown) is set to `wipe`, so that a copy of it can never open again.
    pub fn verify_receipt(&mut self, text: &str) -> Result<ReceiptRecorded> {
        let (receipt, signer) = documents::verify_any::<WipeReceipt>(text)?;
        documents::check_device_id(&receipt.device_id)?;
        let tenant = self.tenant.clone();
        let device = self
            .devices
            .iter_mut()
            .find(|d| d.id == receipt.device_id)
            .ok_or_else(|| {
                Error::NotFound(t!(
                    cat(),
                    "device-registry-receipt-unknown",
                    id = receipt.device_id.as_str()
                ))
            })?;
        if signing::encode_public_key(&signer) != device.key {
            return Err(Error::Policy(t!(
                cat(),
                "device-registry-receipt-signer",
                id = receipt.device_id.as_str()
            )));
        }
        if receipt.tenant != tenant {
            return Err(Error::Policy(t!(
                cat(),
                "device-registry-receipt-tenant",
                receipt = shown(&receipt.tenant),
                registry = tenant.as_str()
            )));
        }
        let new =
            device.wiped_at != Some(receipt.wiped_at) || device.wipe_reason != Some(receipt.reason);
        device.wiped_at = Some(receipt.wiped_at);
        device.wipe_reason = Some(receipt.reason);
        let marked_wipe = device.state != DeviceState::Wipe;
        device.state = DeviceState::Wipe;
        let login = device.login.clone();
        if marked_wipe {
            self.serial += 1;
        }
        Ok(ReceiptRecorded {
            device_id: receipt.device_id,
            login,
            wiped_at: receipt.wiped_at,
            reason: receipt.reason,
            new,
            marked_wipe,
        })
    }

    /// Write the signed documents into `dir` (the folder the web server publishes):
    /// `policy.toml` (checked as a device will check it), `devices.toml`, `freshness.toml`
    /// valid for `valid_hours`, and `rollover.toml` when given (signed by the old key it
    /// names, leading to `tenant_key`). Everything is checked before the first file is
    /// written; each file is replaced by one rename, the freshness document last.
    pub fn publish(
        &self,
        dir: &Path,
        tenant_key: &SigningKey,
        signed_policy_text: &str,
        valid_hours: u32,
        rollover: Option<&str>,
        now: i64,
    ) -> Result<Published> {
        if valid_hours == 0 || valid_hours > MAX_VALID_HOURS {
            return Err(Error::invalid(t!(
                cat(),
                "device-registry-valid-hours",
                hours = valid_hours.to_string(),
                max = MAX_VALID_HOURS.to_string()
            )));
        }
        if !dir.is_dir() {
            return Err(Error::invalid(t!(
                cat(),
                "device-registry-dir-missing",
                path = dir.display().to_string()
            )));
        }
        let public = tenant_key.verifying_key();
        if let Ok(doc) = signing::parse_document(signed_policy_text)
            && doc.key != public
        {
            return Err(Error::Policy(t!(
                cat(),
                "device-registry-policy-signer",
                signer = signing::encode_public_key(&doc.key),
                key = signing::encode_public_key(&public)
            )));
        }
        let policy =
            kapsel_core::policy::verify(signed_policy_text, Some(&public)).map_err(|e| {
                let error = match e {
                    Error::Policy(detail) => detail,
                    other => other.to_string(),
                };
                Error::Policy(t!(cat(), "device-registry-policy-refused", error = error))
            })?;
        if policy.policy.tenant.id != self.tenant {
            return Err(Error::Policy(t!(
                cat(),
                "device-registry-policy-tenant",
                policy = policy.policy.tenant.id.as_str(),
                registry = self.tenant.as_str()
            )));
        }
        if let Some(text) = rollover {
            self.check_rollover(text, &public)?;
        }
        self.check_published(dir, policy.policy.serial, now)?;

        let list = self.device_list(now);
        let devices_text = documents::sign(&list, tenant_key)?;
        let fresh = Freshness {
            tenant: self.tenant.clone(),
            issued_at: now,
            expires_at: now + i64::from(valid_hours) * 3600,
            policy_serial: policy.policy.serial,
            devices_serial: self.serial,
        };
        let fresh_text = documents::sign(&fresh, tenant_key)?;

        let mut files = Vec::new();
        let rollover_path = dir.join(ROLLOVER_FILE);
        let rollover_file = match rollover {
            Some(text) => {
                write_atomic(&rollover_path, text, 0o644)?;
                files.push(rollover_path);
                RolloverFile::Written
            }
            None if rollover_path.exists() => {
                let current = kapsel_core::files::read_text_bounded(
                    &rollover_path,
                    MAX_DOCUMENT_BYTES as u64,
                    &Rollover::what(),
                )
                .ok();
                if current.is_some_and(|t| self.check_rollover(&t, &public).is_ok()) {
                    RolloverFile::Kept
                } else {
                    std::fs::remove_file(&rollover_path).map_err(Error::io(t!(
                        cat(),
                        "device-registry-cannot-write",
                        path = rollover_path.display().to_string()
                    )))?;
                    RolloverFile::Removed
                }
            }
            None => RolloverFile::None,
        };
        for (name, text) in [
            (POLICY_FILE, signed_policy_text),
            (DEVICES_FILE, devices_text.as_str()),
            (FRESHNESS_FILE, fresh_text.as_str()),
        ] {
            let path = dir.join(name);
            write_atomic(&path, text, 0o644)?;
            files.push(path);
        }
        Ok(Published {
            dir: dir.to_path_buf(),
            tenant: self.tenant.clone(),
            policy_serial: policy.policy.serial,
            devices_serial: self.serial,
            devices: list.devices.len(),
            issued_at: now,
            expires_at: fresh.expires_at,
            rollover: rollover_file,
            management: policy.policy.management.is_some(),
            files,
        })
    }

    /// A rollover is published with documents signed by the new key: it must be signed by
    /// the old key it names, lead to `publishing`, and be for this tenant.
    fn check_rollover(&self, text: &str, publishing: &VerifyingKey) -> Result<Rollover> {
        let (r, signer) = documents::verify_any::<Rollover>(text)?;
        if signing::encode_public_key(&signer) != r.old_key {
            return Err(Error::Policy(t!(cat(), "device-registry-rollover-signer")));
        }
        if r.tenant != self.tenant {
            return Err(Error::Policy(t!(
                cat(),
                "device-registry-rollover-tenant",
                rollover = shown(&r.tenant),
                registry = self.tenant.as_str()
            )));
        }
        let key = signing::encode_public_key(publishing);
        if r.new_key != key {
            return Err(Error::Policy(t!(
                cat(),
                "device-registry-rollover-new-key",
                new = shown(&r.new_key),
                key = key.as_str()
            )));
        }
        Ok(r)
    }

    /// What is already published must not be newer than what replaces it: the devices
    /// would refuse a lower serial or a freshness document older than one they have seen.
    fn check_published(&self, dir: &Path, policy_serial: u64, now: i64) -> Result<()> {
        let read = |name: &str| {
            let path = dir.join(name);
            let text = kapsel_core::files::read_text_bounded(
                &path,
                MAX_DOCUMENT_BYTES as u64,
                &t!(cat(), "device-registry-what-published"),
            )
            .ok();
            (path, text)
        };
        if let (path, Some(text)) = read(POLICY_FILE)
            && let Ok(doc) = signing::parse_document(&text)
            && let Ok(old) = kapsel_core::policy::Policy::parse(doc.body)
            && old.tenant.id == self.tenant
            && old.serial > policy_serial
        {
            return Err(Error::Policy(t!(
                cat(),
                "device-registry-policy-older",
                path = path.display().to_string(),
                published = old.serial.to_string(),
                serial = policy_serial.to_string()
            )));
        }
        if let (path, Some(text)) = read(DEVICES_FILE)
            && let Ok((old, _)) = documents::verify_any::<DeviceList>(&text)
            && old.tenant == self.tenant
            && old.serial > self.serial
        {
            return Err(Error::Policy(t!(
                cat(),
                "device-registry-devices-older",
                path = path.display().to_string(),
                published = old.serial.to_string(),
                serial = self.serial.to_string()
            )));
        }
        if let (path, Some(text)) = read(FRESHNESS_FILE)
            && let Ok((old, _)) = documents::verify_any::<Freshness>(&text)
            && old.tenant == self.tenant
            && old.issued_at > now
        {
            return Err(Error::Policy(t!(
                cat(),
                "device-registry-clock-behind",
                path = path.display().to_string(),
                published = documents::utc(old.issued_at),
                now = documents::utc(now)
            )));
        }
        Ok(())
    }
}

/// A key rollover: `old` (the key the devices trust) names `new_public` as the tenant key
/// from now on.
pub fn make_rollover(
    old: &SigningKey,
    new_public: &VerifyingKey,
    tenant: &str,
    now: i64,
) -> Result<String> {
    check_tenant_id(tenant)?;
    if old.verifying_key() == *new_public {
        return Err(Error::invalid(t!(
            cat(),
            "device-registry-rollover-same-key"
        )));
    }
    let r = Rollover {
        tenant: tenant.to_string(),
        old_key: signing::encode_public_key(&old.verifying_key()),
        new_key: signing::encode_public_key(new_public),
        issued_at: now,
    };
    documents::sign(&r, old)
}

/// Whether `text` is one signed document (rather than a URL or log lines).
pub fn is_signed_document(text: &str) -> bool {
    text.contains("\n# -----BEGIN KAPSEL SIGNATURE-----\n")
}

/// The wipe receipts in a text: the text itself if it is a signed document, otherwise every
/// `r=` parameter of a `/receipts/` request in it (a URL, or web server access log lines),
/// decoded from base64url. Returns the receipts (each once) and how many parameters could
/// not be decoded.
pub fn receipts_in(text: &str) -> (Vec<String>, usize) {
    if is_signed_document(text) {
        return (vec![text.to_string()], 0);
    }
    let mut found = Receipts::default();
    for line in text.lines() {
        found.scan_line(line);
    }
    (found.texts, found.undecodable)
}

/// Like [`receipts_in`], reading lines from `reader` (a whole access log, however long).
pub fn receipts_in_log(reader: impl BufRead) -> Result<(Vec<String>, usize)> {
    let mut found = Receipts::default();
    for line in reader.split(b'\n') {
        let line = line.map_err(Error::io(t!(cat(), "device-registry-log-unreadable")))?;
        if line.len() <= 64 * 1024 {
            found.scan_line(&String::from_utf8_lossy(&line));
        }
    }
    Ok((found.texts, found.undecodable))
}

#[derive(Default)]
struct Receipts {
    texts: Vec<String>,
    undecodable: usize,
}

impl Receipts {
    fn scan_line(&mut self, line: &str) {
        let Some(at) = line.find("/receipts/") else {
            return;
        };
        let rest = &line[at..];
        let Some(q) = rest.find("?r=").or_else(|| rest.find("&r=")) else {
            return;
        };
        let value: String = rest[q + 3..]
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_' || *c == '=')
            .collect();
        let decoded = base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(value.trim_end_matches('='))
            .ok()
            .filter(|b| !b.is_empty() && b.len() <= MAX_DOCUMENT_BYTES)
            .and_then(|b| String::from_utf8(b).ok());
        match decoded {
            Some(text) if !self.texts.contains(&text) => self.texts.push(text),
            Some(_) => {}
            None => self.undecodable += 1,
        }
    }
}

fn lock(path: &Path) -> Result<std::fs::File> {
    let mut name = path.file_name().unwrap_or_default().to_os_string();
    name.push(".lock");
    let lock_path = path.with_file_name(name);
    let file = OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .mode(0o600)
        .open(&lock_path)
        .map_err(Error::io(t!(
            cat(),
            "device-registry-cannot-lock",
            path = lock_path.display().to_string()
        )))?;
    file.lock().map_err(Error::io(t!(
        cat(),
        "device-registry-cannot-lock",
        path = lock_path.display().to_string()
    )))?;
    Ok(file)
}

/// Replace `path` with `text` in one rename: a temporary file in the same folder, written,
/// given `mode` (whatever the umask) and synced, then renamed over `path`, then the folder
/// synced. A reader sees the old file or the new one, never a part.
pub fn write_atomic(path: &Path, text: &str, mode: u32) -> Result<()> {
    let failed = || {
        t!(
            cat(),
            "device-registry-cannot-write",
            path = path.display().to_string()
        )
    };
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let name = path
        .file_name()
        .ok_or_else(|| Error::invalid(failed()))?
        .to_string_lossy()
        .into_owned();
    let tmp = dir.join(format!(
        ".{name}.{}.tmp",
        &documents::new_device_id()[2..14]
    ));
    let result = (|| {
        let mut f = OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(mode)
            .open(&tmp)?;
        f.set_permissions(std::fs::Permissions::from_mode(mode))?;
        f.write_all(text.as_bytes())?;
        f.sync_all()?;
        drop(f);
        std::fs::rename(&tmp, path)
    })();
    if let Err(e) = result {
        let _ = std::fs::remove_file(&tmp);
        return Err(Error::io(failed())(e));
    }
    // The rename is durable once the folder is synced; a folder that cannot be opened for
    // that (unusual permissions) still holds the complete new file.
    if let Ok(d) = std::fs::File::open(&dir) {
        let _ = d.sync_all();
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::documents::{EnrolmentRequest, new_device_id};

    const NOW: i64 = 1_796_000_000;

    /// A folder removed when the test ends.
    struct Scratch(PathBuf);

    impl Scratch {
        fn new() -> Scratch {
            let p = std::env::temp_dir().join(format!("kapsel-registry-{}", new_device_id()));
            std::fs::create_dir_all(&p).expect("scratch folder");
            Scratch(p)
        }
        fn path(&self, name: &str) -> PathBuf {
            self.0.join(name)
        }
    }

    impl Drop for Scratch {
        fn drop(&mut self) {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }

    struct Device {
        id: String,
        key: SigningKey,
    }

    impl Device {
        fn new() -> Device {
            Device {
                id: new_device_id(),
                key: signing::generate_key(),
            }
        }
        fn request(&self, tenant: &str, login: &str) -> String {
            let req = EnrolmentRequest {
                tenant: tenant.into(),
                device_id: self.id.clone(),
                device_key: signing::encode_public_key(&self.key.verifying_key()),
                login: Some(login.into()),
                created_at: NOW - 60,
            };
            documents::sign(&req, &self.key).expect("signs")
        }
        fn receipt(&self, tenant: &str, reason: WipeReason) -> String {
            let r = WipeReceipt {
                tenant: tenant.into(),
                device_id: self.id.clone(),
                wiped_at: NOW + 500,
                reason,
                devices_serial: 3,
            };
            documents::sign(&r, &self.key).expect("signs")
        }
    }

    fn policy(key: &SigningKey, tenant: &str, serial: u64) -> String {
        let text = format!(
            "serial = {serial}\n\n[tenant]\nid = \"{tenant}\"\nname = \"Test\"\n\n\
             [management]\nendpoint = \"https://mdm.agency.example/kapsel/\"\n"
        );
        signing::sign_document(signing::Domain::Policy, key, &text)
    }

    fn registry_with(devices: &[&Device]) -> Registry {
        let mut reg = Registry::new("agency").expect("a valid tenant");
        for d in devices {
            reg.approve(&d.request("agency", "alice@agency.example"), NOW)
                .expect("approved");
        }
        reg
    }

    #[test]
    fn a_registry_is_created_saved_and_loaded_privately() {
        let s = Scratch::new();
        let path = s.path("registry.toml");
        assert!(matches!(
            Registry::load_or_create(&path, None),
            Err(Error::NotFound(_))
        ));
        let reg = Registry::load_or_create(&path, Some("agency")).expect("created");
        assert_eq!((reg.tenant.as_str(), reg.serial), ("agency", 1));
        let d = Device::new();
        let mut reg = registry_with(&[&d]);
        reg.set_state(&d.id, DeviceState::Locked).expect("locked");
        reg.save(&path).expect("saved");
        let mode = std::fs::metadata(&path)
            .expect("exists")
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600);
        let text = std::fs::read_to_string(&path).expect("readable");
        assert!(text.starts_with("# "), "{text}");
        let back = Registry::load(&path).expect("loads");
        assert_eq!(back, reg);
        // No temporary file is left behind.
        let names: Vec<_> = std::fs::read_dir(&s.0)
            .expect("listable")
            .flatten()
            .map(|e| e.file_name())
            .collect();
        assert_eq!(names.len(), 1, "{names:?}");
        // Another tenant's name for the same file is refused.
        let e = Registry::load_or_create(&path, Some("other")).expect_err("refused");
        assert!(e.to_string().contains("agency"), "{e}");
        assert!(Registry::new("Bad Tenant").is_err());
    }

    #[test]
    fn a_damaged_registry_is_refused_with_its_name() {
        let s = Scratch::new();
        let path = s.path("registry.toml");
        std::fs::write(&path, "tenant = \"agency\"\nserial = \"x\"\n").expect("written");
        let e = Registry::load(&path).expect_err("refused");
        assert!(e.to_string().contains("registry.toml"), "{e}");
        let d = Device::new();
        let mut reg = registry_with(&[&d]);
        reg.devices.push(reg.devices[0].clone());
        std::fs::write(&path, toml::to_string(&reg).expect("toml")).expect("written");
        let e = Registry::load(&path).expect_err("duplicate refused");
        assert!(e.to_string().contains(&d.id), "{e}");
    }

    #[test]
    fn edit_saves_only_changes_and_keeps_them_under_a_lock() {
        let s = Scratch::new();
        let path = s.path("registry.toml");
        let d = Device::new();
        let req = d.request("agency", "bob@agency.example");
        let (a, _) =
            Registry::edit(&path, Some("agency"), |r| r.approve(&req, NOW)).expect("approved");
        assert_eq!(a, Approval::Added);
        let e = Registry::edit(&path, None, |r| {
            r.set_state("d-00000000000000000000000000000000", DeviceState::Locked)
        });
        assert!(e.is_err());
        let reg = Registry::load(&path).expect("loads");
        assert_eq!((reg.serial, reg.list().len()), (2, 1));
        assert!(s.path("registry.toml.lock").exists());
    }

    #[test]
    fn approve_adds_once_and_refuses_what_does_not_fit() {
        let d = Device::new();
        let mut reg = Registry::new("agency").expect("valid");
        let (a, entry) = reg
            .approve(&d.request("agency", "alice@agency.example"), NOW)
            .expect("approved");
        assert_eq!(a, Approval::Added);
        assert_eq!(entry.state, DeviceState::Active);
        assert_eq!(entry.login.as_deref(), Some("alice@agency.example"));
        assert_eq!((entry.approved_at, reg.serial), (NOW, 2));
        // Again: idempotent, no new serial.
        let (a, _) = reg
            .approve(&d.request("agency", "alice@agency.example"), NOW + 9)
            .expect("again");
        assert_eq!((a, reg.serial, reg.list().len()), (Approval::Already, 2, 1));
        // Same id, other key.
        let imposter = Device {
            id: d.id.clone(),
            key: signing::generate_key(),
        };
        let e = reg
            .approve(&imposter.request("agency", "mallory@x"), NOW)
            .expect_err("another key for the same id");
        assert!(matches!(e, Error::Policy(_)), "{e}");
        // Another id, the same key.
        let copy = Device {
            id: new_device_id(),
            key: d.key.clone(),
        };
        assert!(reg.approve(&copy.request("agency", "a@b"), NOW).is_err());
        // Foreign tenant.
        let other = Device::new();
        let e = reg
            .approve(&other.request("other-agency", "a@b"), NOW)
            .expect_err("foreign tenant");
        assert!(e.to_string().contains("other-agency"), "{e}");
        // Forged: names one device key, signed by another.
        let req = EnrolmentRequest {
            tenant: "agency".into(),
            device_id: new_device_id(),
            device_key: signing::encode_public_key(&other.key.verifying_key()),
            login: None,
            created_at: NOW,
        };
        let forged = documents::sign(&req, &signing::generate_key()).expect("signs");
        assert!(reg.approve(&forged, NOW).is_err());
        // Altered after signing.
        let altered = other
            .request("agency", "eve@agency.example")
            .replace("eve@", "root@");
        assert!(reg.approve(&altered, NOW).is_err());
        // A login with a control sequence.
        assert!(
            reg.approve(&other.request("agency", "a\u{1b}[2Jb"), NOW)
                .is_err()
        );
        assert_eq!((reg.serial, reg.list().len()), (2, 1));
    }

    #[test]
    fn set_state_changes_raise_the_serial_unknown_ids_are_refused() {
        let d = Device::new();
        let mut reg = registry_with(&[&d]);
        let (changed, e) = reg.set_state(&d.id, DeviceState::Locked).expect("locks");
        assert!(changed && e.state == DeviceState::Locked);
        assert_eq!(reg.serial, 3);
        let (changed, _) = reg.set_state(&d.id, DeviceState::Locked).expect("same");
        assert!(!changed);
        assert_eq!(reg.serial, 3);
        let e = reg
            .set_state(&new_device_id(), DeviceState::Wipe)
            .expect_err("unknown");
        assert!(matches!(e, Error::NotFound(_)), "{e}");
        assert!(reg.set_state("../etc", DeviceState::Wipe).is_err());
        reg.set_state(&d.id, DeviceState::Active)
            .expect("activates");
        assert_eq!(reg.list()[0].state, DeviceState::Active);
    }

    #[test]
    fn publish_writes_documents_a_device_verifies() {
        let s = Scratch::new();
        let key = signing::generate_key();
        let (a, b) = (Device::new(), Device::new());
        let mut reg = registry_with(&[&a, &b]);
        reg.set_state(&b.id, DeviceState::Wipe).expect("wipe");
        let p = reg
            .publish(&s.0, &key, &policy(&key, "agency", 4), 72, None, NOW)
            .expect("published");
        assert_eq!((p.policy_serial, p.devices_serial, p.devices), (4, 4, 2));
        assert_eq!(p.expires_at, NOW + 72 * 3600);
        assert!(p.management);
        assert_eq!(p.rollover, RolloverFile::None);
        let public = key.verifying_key();
        let read = |n: &str| std::fs::read_to_string(s.path(n)).expect("written");
        let list: DeviceList = documents::verify(&read(DEVICES_FILE), &public).expect("valid");
        assert_eq!((list.serial, list.issued_at), (4, NOW));
        assert_eq!(list.find(&b.id).map(|d| d.state), Some(DeviceState::Wipe));
        assert!(list.devices.iter().all(|d| d.login.is_none()));
        assert!(!read(DEVICES_FILE).contains("alice"));
        let fresh: Freshness = documents::verify(&read(FRESHNESS_FILE), &public).expect("ok");
        assert_eq!((fresh.policy_serial, fresh.devices_serial), (4, 4));
        assert_eq!(fresh.expires_at, NOW + 72 * 3600);
        kapsel_core::policy::verify(&read(POLICY_FILE), Some(&public)).expect("policy");
        let mode = std::fs::metadata(s.path(DEVICES_FILE))
            .expect("exists")
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o644, "a web server must read it");
        // Publishing again later replaces the files, nothing else appears.
        reg.publish(&s.0, &key, &policy(&key, "agency", 4), 72, None, NOW + 60)
            .expect("again");
        assert_eq!(std::fs::read_dir(&s.0).expect("list").count(), 3);
    }

    #[test]
    fn publish_refuses_what_the_devices_would_refuse() {
        let s = Scratch::new();
        let key = signing::generate_key();
        let reg = registry_with(&[&Device::new()]);
        let other_key = signing::generate_key();
        // Signed by another key.
        let e = reg
            .publish(&s.0, &key, &policy(&other_key, "agency", 1), 72, None, NOW)
            .expect_err("foreign signer");
        assert!(matches!(e, Error::Policy(_)), "{e}");
        assert!(e.to_string().contains("the key you publish with"), "{e}");
        // Altered.
        let altered = policy(&key, "agency", 1).replace("serial = 1", "serial = 9");
        assert!(reg.publish(&s.0, &key, &altered, 72, None, NOW).is_err());
        // Another tenant's policy.
        let e = reg
            .publish(&s.0, &key, &policy(&key, "other", 1), 72, None, NOW)
            .expect_err("foreign tenant");
        assert!(e.to_string().contains("other"), "{e}");
        // Validity out of range, folder missing.
        assert!(
            reg.publish(&s.0, &key, &policy(&key, "agency", 1), 0, None, NOW)
                .is_err()
        );
        assert!(
            reg.publish(
                &s.path("nope"),
                &key,
                &policy(&key, "agency", 1),
                72,
                None,
                NOW
            )
            .is_err()
        );
        assert_eq!(
            std::fs::read_dir(&s.0).expect("list").count(),
            0,
            "nothing written"
        );
        // Newer documents already published: a lower policy serial, an older registry, a
        // clock set back.
        reg.publish(&s.0, &key, &policy(&key, "agency", 5), 72, None, NOW)
            .expect("published");
        let e = reg
            .publish(&s.0, &key, &policy(&key, "agency", 4), 72, None, NOW + 1)
            .expect_err("older policy");
        assert!(e.to_string().contains('5'), "{e}");
        let mut older = reg.clone();
        older.serial -= 1;
        assert!(
            older
                .publish(&s.0, &key, &policy(&key, "agency", 5), 72, None, NOW + 1)
                .is_err()
        );
        assert!(
            reg.publish(&s.0, &key, &policy(&key, "agency", 5), 72, None, NOW - 10)
                .is_err()
        );
    }

    #[test]
    fn a_rollover_is_checked_published_kept_and_removed() {
        let s = Scratch::new();
        let (old, new) = (signing::generate_key(), signing::generate_key());
        let reg = registry_with(&[&Device::new()]);
        let r = make_rollover(&old, &new.verifying_key(), "agency", NOW).expect("made");
        let (doc, signer): (Rollover, _) = documents::verify_any(&r).expect("verifies");
        assert_eq!(signer, old.verifying_key());
        assert_eq!(
            doc.new_key,
            signing::encode_public_key(&new.verifying_key())
        );
        assert!(make_rollover(&old, &old.verifying_key(), "agency", NOW).is_err());
        // Published with documents signed by the old key: refused.
        let e = reg
            .publish(&s.0, &old, &policy(&old, "agency", 2), 72, Some(&r), NOW)
            .expect_err("must publish with the new key");
        assert!(e.to_string().contains("new"), "{e}");
        // Forged: names `old` but signed by someone else.
        let forged = {
            let (mut doc, _): (Rollover, _) = documents::verify_any(&r).expect("ok");
            doc.issued_at += 1;
            documents::sign(&doc, &signing::generate_key()).expect("signs")
        };
        assert!(
            reg.publish(
                &s.0,
                &new,
                &policy(&new, "agency", 2),
                72,
                Some(&forged),
                NOW
            )
            .is_err()
        );
        // Another tenant's rollover.
        let foreign = make_rollover(&old, &new.verifying_key(), "other", NOW).expect("made");
        assert!(
            reg.publish(
                &s.0,
                &new,
                &policy(&new, "agency", 2),
                72,
                Some(&foreign),
                NOW
            )
            .is_err()
        );
        let p = reg
            .publish(&s.0, &new, &policy(&new, "agency", 2), 72, Some(&r), NOW)
            .expect("published");
        assert_eq!(p.rollover, RolloverFile::Written);
        assert_eq!(
            std::fs::read_to_string(s.path(ROLLOVER_FILE)).expect("there"),
            r
        );
        // The timer's run without --rollover keeps it.
        let p = reg
            .publish(&s.0, &new, &policy(&new, "agency", 2), 72, None, NOW + 60)
            .expect("published");
        assert_eq!(p.rollover, RolloverFile::Kept);
        // After a second key change it no longer fits and goes.
        let third = signing::generate_key();
        let p = reg
            .publish(
                &s.0,
                &third,
                &policy(&third, "agency", 3),
                72,
                None,
                NOW + 120,
            )
            .expect("published");
        assert_eq!(p.rollover, RolloverFile::Removed);
        assert!(!s.path(ROLLOVER_FILE).exists());
    }

    #[test]
    fn a_receipt_is_recorded_once_and_only_from_its_device() {
        let (a, b) = (Device::new(), Device::new());
        let mut reg = registry_with(&[&a, &b]);
        reg.set_state(&a.id, DeviceState::Wipe).expect("wipe");
        let serial = reg.serial;
        let rec = reg
            .verify_receipt(&a.receipt("agency", WipeReason::RemoteWipe))
            .expect("recorded");
        assert!(rec.new && !rec.marked_wipe);
        assert_eq!(rec.wiped_at, NOW + 500);
        assert_eq!(reg.serial, serial);
        let entry = reg.find(&a.id).expect("there");
        assert_eq!(entry.wiped_at, Some(NOW + 500));
        assert_eq!(entry.wipe_reason, Some(WipeReason::RemoteWipe));
        let again = reg
            .verify_receipt(&a.receipt("agency", WipeReason::RemoteWipe))
            .expect("again");
        assert!(!again.new);
        // A wiped device cannot be brought back.
        assert!(reg.set_state(&a.id, DeviceState::Active).is_err());
        // A device that wiped itself offline is marked wipe.
        let rec = reg
            .verify_receipt(&b.receipt("agency", WipeReason::OfflineLimit))
            .expect("recorded");
        assert!(rec.marked_wipe);
        assert_eq!(reg.serial, serial + 1);
        assert_eq!(reg.find(&b.id).map(|d| d.state), Some(DeviceState::Wipe));
    }

    #[test]
    fn bad_receipts_are_refused() {
        let (a, b) = (Device::new(), Device::new());
        let mut reg = registry_with(&[&a]);
        let before = reg.clone();
        // Tampered.
        let tampered = a
            .receipt("agency", WipeReason::RemoteWipe)
            .replace("remote-wipe", "offline-limit");
        assert!(reg.verify_receipt(&tampered).is_err());
        // Unknown device.
        let e = reg
            .verify_receipt(&b.receipt("agency", WipeReason::RemoteWipe))
            .expect_err("unknown");
        assert!(matches!(e, Error::NotFound(_)), "{e}");
        // Signed by another key than the device's.
        let r = WipeReceipt {
            tenant: "agency".into(),
            device_id: a.id.clone(),
            wiped_at: NOW,
            reason: WipeReason::RemoteWipe,
            devices_serial: 1,
        };
        let forged = documents::sign(&r, &b.key).expect("signs");
        assert!(matches!(reg.verify_receipt(&forged), Err(Error::Policy(_))));
        // Another tenant.
        assert!(
            reg.verify_receipt(&a.receipt("other", WipeReason::RemoteWipe))
                .is_err()
        );
        // Another kind of document signed by the device key.
        assert!(reg.verify_receipt(&a.request("agency", "a@b")).is_err());
        assert_eq!(reg, before);
    }

    #[test]
    fn receipts_are_found_in_urls_and_access_logs() {
        let a = Device::new();
        let text = a.receipt("agency", WipeReason::RemoteWipe);
        let enc = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(&text);
        assert_eq!(receipts_in(&text), (vec![text.clone()], 0));
        let url = format!("https://mdm.example/k/receipts/{}.toml?r={enc}", a.id);
        assert_eq!(receipts_in(&url), (vec![text.clone()], 0));
        let log = format!(
            "10.0.0.1 - - [02/Dec/2026:10:00:00 +0000] \"GET /k/devices.toml HTTP/1.1\" 200 1\n\
             10.0.0.2 - - [02/Dec/2026:10:00:01 +0000] \"GET /k/receipts/{id}.toml?r={enc} HTTP/1.1\" 404 0 \"-\"\n\
             10.0.0.2 - - [02/Dec/2026:10:00:02 +0000] \"GET /k/receipts/{id}.toml?r={enc} HTTP/1.1\" 404 0\n\
             10.0.0.3 - - [02/Dec/2026:10:00:03 +0000] \"GET /k/receipts/x.toml?r=%%%% HTTP/1.1\" 404 0\n",
            id = a.id
        );
        let (found, bad) = receipts_in_log(log.as_bytes()).expect("read");
        assert_eq!((found, bad), (vec![text.clone()], 1));
        let mut reg = registry_with(&[&a]);
        reg.verify_receipt(&receipts_in(&url).0[0])
            .expect("recorded");
    }

    #[test]
    fn write_atomic_replaces_whole_files() {
        let s = Scratch::new();
        let path = s.path("f.toml");
        write_atomic(&path, "a = 1\n", 0o644).expect("written");
        write_atomic(&path, "a = 2\n", 0o644).expect("replaced");
        assert_eq!(std::fs::read_to_string(&path).expect("read"), "a = 2\n");
        assert_eq!(std::fs::read_dir(&s.0).expect("list").count(), 1);
        assert!(write_atomic(&s.path("missing/f.toml"), "x", 0o644).is_err());
    }

    #[test]
    fn a_device_entry_is_small() {
        let mut reg = Registry::new("agency").expect("valid");
        for _ in 0..100 {
            let d = Device::new();
            reg.approve(&d.request("agency", "someone@agency.example"), NOW)
                .expect("approved");
        }
        let key = signing::generate_key();
        let text = documents::sign(&reg.device_list(NOW), &key).expect("signs");
        let per_device = text.len() / 100;
        assert!(
            (100..=160).contains(&per_device),
            "{per_device} bytes per device"
        );
    }
}
