//! The container as the user knows it: enrolment, unlock, lock, password change, policy
//! updates and wipe — the vault, the signed policy and the audit log working together.
//!
//! The pinned tenant key and the installed policy are stored in plain text (they must be
//! readable while locked: the failed-unlock limit lives in the policy) and are bound to the
//! data key by a MAC, so a swap made while locked is caught at the next unlock.

use std::path::{Path, PathBuf};

use ed25519_dalek::VerifyingKey;
use kapsel_i18n::t;
use serde::Serialize;
use zeroize::Zeroizing;

use crate::audit;
use crate::error::{Error, Result};
use crate::integrity;
use crate::policy::{self, Policy, UpdateKind, VerifiedPolicy, signing};
use crate::vault::{FailedUnlocks, UnlockRules, Vault};

const META_TENANT_KEY: &str = "tenant_key";
const META_POLICY: &str = "policy";
const META_BINDING: &str = "policy_binding";
const META_BINARY: &str = "binary_sha256";
/// The failed-unlock rules of the last policy verified with the key (enrolment, unlock,
/// update): a policy swapped in while locked cannot loosen them unless this row is edited
/// too; the built-in bounds hold even then.
const META_UNLOCK_FLOOR: &str = "unlock_floor";
/// Sealed account data: the user's directory login name.
const ACCOUNT_NS: &str = "account";

/// The per-user default: `$KAPSEL_CONTAINER`, else `$XDG_DATA_HOME/kapsel`, else
/// `~/.local/share/kapsel`.
pub fn default_dir() -> PathBuf {
    if let Some(dir) = std::env::var_os("XDG_DATA_HOME").filter(|d| !d.is_empty()) {
        return PathBuf::from(dir).join("kapsel");
    }
    match std::env::var_os("HOME").filter(|d| !d.is_empty()) {
        Some(home) => PathBuf::from(home).join(".local/share/kapsel"),
        None => PathBuf::from(".kapsel"),
    }
}

pub struct Container {
    vault: Vault,
    policy: VerifiedPolicy,
    tenant_key: VerifyingKey,
    /// The AD password, kept only while unlocked: protocol modules log in with it.
    password: Option<Zeroizing<String>>,
}

#[derive(Debug, Clone, Serialize, serde::Deserialize)]
pub struct Status {
    pub container: PathBuf,
    pub unlocked: bool,
    pub tenant_id: String,
    pub tenant_name: String,
    pub tenant_key: String,
    pub policy_serial: u64,
    pub policy_sha256: String,
    pub failed_unlocks: FailedUnlocks,
    pub kdf: crate::vault::KdfParams,
    pub idle_lock_minutes: u32,
    /// What runs the micro-apps: the policy's `[app_host] engine`.
    #[serde(default)]
    pub app_engine: crate::policy::AppEngine,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub data_key_fingerprint: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub user: Option<String>,
}

fn remember_unlock_rules(vault: &Vault, policy: &VerifiedPolicy) -> Result<()> {
    let rules = serde_json::to_vec(&policy.policy.lock.unlock_rules()).map_err(|e| {
        Error::invalid(t!(
            kapsel_i18n::current(),
            "core-container-unlock-rules",
            error = e.to_string()
        ))
    })?;
    vault.meta_put(META_UNLOCK_FLOOR, &rules)
}

/// The rules in force before the password is typed: the stored policy's, bounded, and never
/// looser than the last verified policy's.
fn unlock_rules_before_key(vault: &Vault, policy: &VerifiedPolicy) -> UnlockRules {
    let rules = policy.policy.lock.unlock_rules();
    let remembered = vault
        .meta_get(META_UNLOCK_FLOOR)
        .ok()
        .flatten()
        .and_then(|v| serde_json::from_slice::<UnlockRules>(&v).ok());
    match remembered {
        Some(r) => rules.tightened_by(&r.within_builtin_bounds()),
        None => rules,
    }
}

fn binding(vault: &Vault, tenant_key: &VerifyingKey, policy: &VerifiedPolicy) -> Result<String> {
    let keys = vault.keys()?;
    Ok(hex::encode(keys.index_id(
        "policy-binding",
        &[tenant_key.as_bytes(), policy.text.as_bytes()],
    )))
}

impl Container {
    /// Create a container for the tenant whose key the user got out of band, under the
    /// policy signed by that key. The new container is left locked.
    pub fn enroll(
        root: &Path,
        signed_policy: &str,
        tenant_key: &VerifyingKey,
        user: Option<&str>,
        password: &str,
    ) -> Result<()> {
        let policy = policy::verify(signed_policy, Some(tenant_key))?;
        policy.policy.password.check(password)?;
        let binary = integrity::current_binary_sha256()?;
        let vault = Vault::create(root, password, policy.policy.kdf)?;
        let tx = rusqlite::Transaction::new_unchecked(
            vault.conn(),
            rusqlite::TransactionBehavior::Immediate,
        )?;
        vault.meta_put(
            META_TENANT_KEY,
            signing::encode_public_key(tenant_key).as_bytes(),
        )?;
        vault.meta_put(META_POLICY, policy.text.as_bytes())?;
        vault.meta_put(
            META_BINDING,
            binding(&vault, tenant_key, &policy)?.as_bytes(),
        )?;
        vault.meta_put(META_BINARY, binary.as_bytes())?;
        remember_unlock_rules(&vault, &policy)?;
        tx.commit()?;
        if let Some(user) = user {
            vault.put(ACCOUNT_NS, "user", user.as_bytes())?;
        }
        audit::append(
            &vault,
            "enrol",
            serde_json::json!({
                "tenant": policy.policy.tenant.id,
                "tenant_key": signing::encode_public_key(tenant_key),
                "policy_serial": policy.policy.serial,
                "binary_sha256": binary,
            }),
        )?;
        Ok(())
    }

    /// Open an enrolled container, locked. The stored policy must still verify against the
    /// pinned key.
    pub fn open(root: &Path) -> Result<Container> {
        let vault = Vault::open(root)?;
        let key_text = vault.meta_get(META_TENANT_KEY)?.ok_or_else(|| {
            Error::Tampered(t!(kapsel_i18n::current(), "core-container-key-missing"))
        })?;
        let tenant_key =
            signing::parse_public_key(&String::from_utf8_lossy(&key_text)).map_err(|e| {
                Error::Tampered(t!(
                    kapsel_i18n::current(),
                    "core-container-key-unusable",
                    error = e.to_string()
                ))
            })?;
        let text = vault.meta_get(META_POLICY)?.ok_or_else(|| {
            Error::Tampered(t!(kapsel_i18n::current(), "core-container-policy-missing"))
        })?;
        let text = String::from_utf8(text).map_err(|_| {
            Error::Tampered(t!(kapsel_i18n::current(), "core-container-policy-not-utf8"))
        })?;
        let policy = policy::verify(&text, Some(&tenant_key)).map_err(|e| {
            Error::Tampered(t!(
                kapsel_i18n::current(),
                "core-container-policy-unverified",
                error = e.to_string()
            ))
        })?;
        Ok(Container {
            vault,
            policy,
            tenant_key,
            password: None,
        })
    }

    pub fn root(&self) -> &Path {
        self.vault.root()
    }

    pub fn policy(&self) -> &Policy {
        &self.policy.policy
    }

    pub fn verified_policy(&self) -> &VerifiedPolicy {
        &self.policy
    }

    pub fn vault(&self) -> &Vault {
        &self.vault
    }

    pub fn vault_mut(&mut self) -> &mut Vault {
        &mut self.vault
    }

    pub fn is_unlocked(&self) -> bool {
        self.vault.is_unlocked()
    }

    pub fn password(&self) -> Result<&str> {
        self.password
            .as_deref()
            .map(|s| s.as_str())
            .ok_or(Error::Locked)
    }

    /// The directory login (e.g. `alice@corp.test`) given at enrolment; needs the unlock.
    pub fn user(&self) -> Result<Option<String>> {
        Ok(self
            .vault
            .get(ACCOUNT_NS, "user")?
            .map(|u| String::from_utf8_lossy(&u).into_owned()))
    }

    pub fn pinned_binary(&self) -> Result<Option<String>> {
        Ok(self
            .vault
            .meta_get(META_BINARY)?
            .map(|b| String::from_utf8_lossy(&b).into_owned()))
    }

    /// Run the start-up checks under this container's policy (raised to the built-in floor
    /// when a password is read next). Warnings are audited and returned; an enforced finding
    /// is audited and refused.
    pub fn check_integrity(
        &self,
        skip_binary: bool,
        stage: integrity::Stage,
    ) -> Result<Vec<integrity::Finding>> {
        let mut rules = integrity::rules_for(&self.policy.policy.integrity, stage);
        if skip_binary {
            rules.binary = policy::CheckMode::Off;
        }
        let pinned = self.pinned_binary()?;
        let findings = integrity::run(
            &rules,
            &integrity::Subject {
                container: Some(self.root()),
                pinned_binary: pinned.as_deref(),
            },
        );
        if let Err(e) = integrity::enforce(&findings) {
            let _ = audit::append(
                &self.vault,
                "start-refused",
                serde_json::json!({ "reason": e.to_string() }),
            );
            return Err(e);
        }
        Ok(findings)
    }

    /// Unlock with the AD password. Every outcome is audited; a policy whose Argon2
    /// parameters were raised re-wraps the key on the way.
    pub fn unlock(&mut self, password: &str, accept_new_binary: bool) -> Result<()> {
        if self.is_unlocked() {
            return Ok(());
        }
        let rules = unlock_rules_before_key(&self.vault, &self.policy);
        match self.vault.unlock(password, &rules) {
            Ok(()) => {}
            Err(e @ Error::WrongPassword { .. }) => {
                let _ = audit::append(
                    &self.vault,
                    "unlock-failed",
                    serde_json::json!({ "reason": e.to_string() }),
                );
                return Err(e);
            }
            Err(e @ Error::BackOff { .. }) => {
                let _ = audit::append(
                    &self.vault,
                    "unlock-refused",
                    serde_json::json!({ "reason": e.to_string() }),
                );
                return Err(e);
            }
            Err(e) => return Err(e),
        }
        let expected = binding(&self.vault, &self.tenant_key, &self.policy)?;
        let stored = self.vault.meta_get(META_BINDING)?.unwrap_or_default();
        if !crate::vault::crypto::ct_eq(expected.as_bytes(), &stored) {
            self.vault.lock();
            return Err(Error::Tampered(t!(
                kapsel_i18n::current(),
                "core-container-swapped"
            )));
        }
        audit::seal_pending(&self.vault)?;
        // Verified with the key now: the tenant's current rules become the remembered ones
        // (a tenant may loosen them by a signed update).
        remember_unlock_rules(&self.vault, &self.policy)?;
        if accept_new_binary {
            let binary = integrity::current_binary_sha256()?;
            if self.pinned_binary()?.as_deref() != Some(binary.as_str()) {
                self.vault.meta_put(META_BINARY, binary.as_bytes())?;
                audit::append(
                    &self.vault,
                    "binary-repinned",
                    serde_json::json!({ "binary_sha256": binary }),
                )?;
            }
        }
        let wanted = self.policy.policy.kdf;
        let have = self.vault.kdf_params()?;
        if wanted != have && wanted.at_least(&have) {
            self.vault.rewrap(password, wanted)?;
            audit::append(
                &self.vault,
                "kdf-raised",
                serde_json::json!({ "from": have, "to": wanted }),
            )?;
        }
        audit::append(&self.vault, "unlock", serde_json::json!({}))?;
        self.password = Some(Zeroizing::new(password.to_string()));
        Ok(())
    }

    pub fn lock(&mut self, reason: &str) {
        if self.is_unlocked() {
            let _ = audit::append(&self.vault, "lock", serde_json::json!({ "reason": reason }));
        }
        self.password = None;
        self.vault.lock();
    }

    /// Change the password: the old one must unlock (and counts as an attempt), the new one
    /// must satisfy the tenant's rules. Only the key wrap changes.
    pub fn change_password(&mut self, old: &str, new: &str) -> Result<()> {
        self.policy.policy.password.check(new)?;
        let was_unlocked = self.is_unlocked();
        if was_unlocked {
            // Prove knowledge of the old password even inside an unlocked session.
            let current = self.password.clone().ok_or(Error::Locked)?;
            if !crate::vault::crypto::ct_eq(current.as_bytes(), old.as_bytes()) {
                return Err(Error::invalid(t!(
                    kapsel_i18n::current(),
                    "core-container-wrong-current-password"
                )));
            }
        } else {
            self.unlock(old, false)?;
        }
        self.vault.rewrap(
            new,
            self.policy.policy.kdf.max_with(self.vault.kdf_params()?),
        )?;
        audit::append(&self.vault, "password-changed", serde_json::json!({}))?;
        self.password = Some(Zeroizing::new(new.to_string()));
        if !was_unlocked {
            self.lock("after password change");
        }
        Ok(())
    }

    /// Install a newer policy signed by the pinned tenant key.
    pub fn update_policy(&mut self, signed_policy: &str) -> Result<UpdateKind> {
        self.vault.keys()?;
        let new = policy::verify(signed_policy, Some(&self.tenant_key));
        let new = match new {
            Ok(n) => n,
            Err(e) => {
                let _ = audit::append(
                    &self.vault,
                    "policy-refused",
                    serde_json::json!({ "reason": e.to_string() }),
                );
                return Err(e);
            }
        };
        let kind = match policy::check_update(&self.policy, &new) {
            Ok(k) => k,
            Err(e) => {
                let _ = audit::append(
                    &self.vault,
                    "policy-refused",
                    serde_json::json!({ "reason": e.to_string() }),
                );
                return Err(e);
            }
        };
        if kind == UpdateKind::Unchanged {
            return Ok(kind);
        }
        let tx = rusqlite::Transaction::new_unchecked(
            self.vault.conn(),
            rusqlite::TransactionBehavior::Immediate,
        )?;
        self.vault.meta_put(META_POLICY, new.text.as_bytes())?;
        self.vault.meta_put(
            META_BINDING,
            binding(&self.vault, &self.tenant_key, &new)?.as_bytes(),
        )?;
        remember_unlock_rules(&self.vault, &new)?;
        tx.commit()?;
        audit::append(
            &self.vault,
            "policy-updated",
            serde_json::json!({ "from_serial": self.policy.policy.serial, "to_serial": new.policy.serial, "sha256": new.sha256() }),
        )?;
        self.policy = new;
        Ok(kind)
    }

    /// The tenant key this container trusts.
    pub fn tenant_key(&self) -> &VerifyingKey {
        &self.tenant_key
    }

    /// Follow a tenant key rollover: pin `new_key` and install `signed_policy`, which must
    /// be signed by it and not older than the installed policy (the same serial re-signed
    /// is the usual case). The caller has verified that the pinned key signed the rollover.
    /// Both change in one transaction, so the container never holds a policy its pinned
    /// key does not verify.
    pub fn adopt_tenant_key(&mut self, new_key: &VerifyingKey, signed_policy: &str) -> Result<()> {
        self.vault.keys()?;
        let new = policy::verify(signed_policy, Some(new_key))?;
        if new.policy.serial < self.policy.policy.serial
            || new.policy.tenant.id != self.policy.policy.tenant.id
        {
            return Err(Error::Policy(t!(
                kapsel_i18n::current(),
                "core-container-rollover-policy"
            )));
        }
        let tx = rusqlite::Transaction::new_unchecked(
            self.vault.conn(),
            rusqlite::TransactionBehavior::Immediate,
        )?;
        self.vault.meta_put(
            META_TENANT_KEY,
            signing::encode_public_key(new_key).as_bytes(),
        )?;
        self.vault.meta_put(META_POLICY, new.text.as_bytes())?;
        self.vault.meta_put(
            META_BINDING,
            binding(&self.vault, new_key, &new)?.as_bytes(),
        )?;
        remember_unlock_rules(&self.vault, &new)?;
        tx.commit()?;
        audit::append(
            &self.vault,
            "tenant-key-rolled",
            serde_json::json!({
                "from": signing::encode_public_key(&self.tenant_key),
                "to": signing::encode_public_key(new_key),
                "policy_serial": new.policy.serial,
            }),
        )?;
        self.tenant_key = *new_key;
        self.policy = new;
        Ok(())
    }

    pub fn status(&self) -> Result<Status> {
        let p = &self.policy.policy;
        Ok(Status {
            container: self.root().to_path_buf(),
            unlocked: self.is_unlocked(),
            tenant_id: p.tenant.id.clone(),
            tenant_name: p.tenant.name.clone(),
            tenant_key: signing::encode_public_key(&self.tenant_key),
            policy_serial: p.serial,
            policy_sha256: self.policy.sha256(),
            failed_unlocks: self.vault.failed_unlocks()?,
            kdf: self.vault.kdf_params()?,
            idle_lock_minutes: p.lock.idle_minutes,
            app_engine: p.app_host.engine,
            data_key_fingerprint: self.vault.keys().ok().map(|k| k.fingerprint()),
            user: self.user().ok().flatten(),
        })
    }

    /// Crypto-shred and remove the container.
    pub fn wipe(mut self) -> Result<()> {
        self.password = None;
        self.vault.destroy()
    }
}
