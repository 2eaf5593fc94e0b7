//! The micro-app host: one facade over small private modules (wasmtime style).
//!
//! Install: the package signature must come from a publisher the tenant trusts → the
//! component's real imports are decoded from the binary → each must be declared by the
//! manifest AND granted by the policy (sealed WASI aside; sockets and wasi:http never) → the
//! component is compiled once and the artifact stored sealed in the vault with a MAC, so only
//! bytes this host produced ever reach `Component::deserialize`. The tenant's `[app_host]
//! engine` decides whether that artifact is native code or Pulley bytecode; an artifact of
//! the other engine is replaced from the sealed component at its next launch.
//! Launch: a cached `InstancePre` per app (cold: artifact from the vault), a fresh store per
//! call with sealed WASI, memory/table limits and an epoch deadline; each capability re-checks
//! its grant on every call; storage writes are applied only if the call returns normally.

pub mod builtin;
mod caps;
mod changes;
mod engine;
mod grants;
pub mod identity;
mod imports;
mod manifest;
mod package;
pub mod report;
mod state;
pub mod view;
mod wasi;
pub mod wit;

/// Durations as whole milliseconds in JSON (reports and answers are read by tools).
mod millis {
    use std::time::Duration;

    pub fn serialize<S: serde::Serializer>(d: &Duration, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_u64(d.as_millis() as u64)
    }

    pub fn deserialize<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Duration, D::Error> {
        <u64 as serde::Deserialize>::deserialize(d).map(Duration::from_millis)
    }
}

use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use wasmtime::component::{Component, Linker};
use wasmtime::{Engine, Store};

pub use caps::{Capabilities, Capability};
pub use changes::{NotGranted, Update};
pub use grants::{Grants, ImportDecision, check_declared};
pub use imports::{Import, api_version_of, classify, component_imports};
pub use manifest::Manifest;
pub use package::{MAX_COMPONENT, MAX_MANIFEST, MAX_PACKAGE, Package, sha256_hex};
pub use state::{Credentials, LOCALE_KEY, LogLine, Notification, Resolver, SystemResolver};
pub use view::{Block, View};

use state::{HostState, Services};
use wit::AppPre;

use kapsel_core::audit;
use kapsel_core::documents::{self, DocumentInfo};
use kapsel_core::error::{Error, Result};
use kapsel_core::policy::{AppEngine, Policy, signing};
use kapsel_core::vault::Vault;
use kapsel_i18n::{current as cat, t};

const APPS_NS: &str = "apps";
const LOG_NS_PREFIX: &str = "applog:";

/// What is stored for an installed app (sealed, in the `apps` namespace).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct AppRecord {
    pub manifest_text: String,
    pub package_sha256: String,
    pub component_sha256: String,
    pub publisher_key: String,
    pub component_blob: String,
    pub artifact_blob: String,
    /// MAC over the engine's compatibility id and the artifact's digest.
    pub artifact_mac: String,
    pub engine: String,
    pub installed_ms: u64,
    pub imports: Vec<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct InstalledApp {
    pub id: String,
    pub name: String,
    pub version: String,
    /// Who signed it, as the tenant names that key (never the manifest's own claim).
    pub publisher: String,
    /// What the manifest says about its publisher (unverified text).
    pub publisher_claim: String,
    pub installed_ms: u64,
    pub grants: Grants,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct InstallReport {
    pub id: String,
    pub name: String,
    pub version: String,
    pub compile_ms: f64,
    pub decisions: Vec<ImportDecision>,
    /// Against the installed version; `None` on a first install.
    #[serde(default)]
    pub update: Option<Update>,
    /// Declared by the manifest, not granted by the tenant: those calls will be denied.
    #[serde(default)]
    pub not_granted: NotGranted,
}

/// What the user asked an app to do.
#[derive(Debug, Clone)]
pub enum Call {
    View(String),
    Act {
        action: String,
        form: Vec<(String, String)>,
    },
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct CallOutcome {
    pub app: String,
    pub view: View,
    pub notifications: Vec<Notification>,
    pub saved_documents: Vec<DocumentInfo>,
    pub open_requests: Vec<String>,
    pub denials: Vec<String>,
    pub elapsed_us: u64,
    pub cold: bool,
    /// The documents the app asked to open, as the viewer showed them (see
    /// [`AppHost::open_requested`]).
    #[serde(default)]
    pub opened: Vec<Opened>,
    /// Damaged container data the call met (the app may have shown its own error text):
    /// the shell reports these and exits with the tamper code.
    #[serde(default)]
    pub integrity_errors: Vec<String>,
}

impl CallOutcome {
    /// The first damage this call or a document it opened met.
    pub fn integrity_error(&self) -> Option<&str> {
        self.integrity_errors
            .first()
            .map(String::as_str)
            .or_else(|| {
                self.opened.iter().find_map(|o| match o {
                    Opened::Shown(o) => o.integrity_error(),
                    Opened::Failed {
                        error,
                        damaged: true,
                        ..
                    } => Some(error.as_str()),
                    Opened::Failed { .. } => None,
                })
            })
    }
}

/// The built-in app that shows documents; apps hand documents to it, never to the device.
pub const VIEWER: &str = "viewer";
/// Documents one call may ask to open.
const MAX_OPEN: usize = 4;

/// A document an app asked to open: the viewer's view of it, or why it could not.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Opened {
    Shown(Box<CallOutcome>),
    Failed {
        error: String,
        document: String,
        /// The document's data in the container is damaged (not just unreadable to the app).
        #[serde(default)]
        damaged: bool,
    },
}

struct Loaded {
    pre: AppPre,
    grants: Arc<Grants>,
}

/// Where the last call's time went, step by step (`kapsel bench apps` reports it). The load
/// steps stay zero when the app was already loaded (a warm call).
#[derive(Debug, Clone, Copy, Default)]
pub struct LaunchSplit {
    /// The sealed record read and decoded, its manifest parsed, its grants checked again.
    pub record: Duration,
    /// The artifact read from the vault (every chunk decrypted and authenticated).
    pub artifact_read: Duration,
    pub artifact_bytes: usize,
    /// `Component::deserialize`: the artifact copied into executable memory and registered.
    pub deserialize: Duration,
    /// Linked against the host's imports (`InstancePre`).
    pub link: Duration,
    /// A store and an instance in a pool slot.
    pub instantiate: Duration,
    /// The app's exported function itself.
    pub run: Duration,
}

pub struct AppHost {
    engine: Engine,
    pooling: bool,
    linker: Linker<HostState>,
    services: Arc<Services>,
    policy: Arc<Policy>,
    loaded: HashMap<String, Loaded>,
    last_split: LaunchSplit,
}

fn build_linker(engine: &Engine) -> Result<Linker<HostState>> {
    let mut linker = Linker::<HostState>::new(engine);
    wasi::add_to_linker(&mut linker)
        .map_err(|e| Error::Agent(t!(cat(), "host-link-wasi", error = e.to_string())))?;
    wit::add_to_linker(&mut linker)
        .map_err(|e| Error::Agent(t!(cat(), "host-link-app", error = e.to_string())))?;
    Ok(linker)
}

/// Why a call failed, in words for the user (the host itself is never at risk).
fn describe_trap(e: &wasmtime::Error, grants: &Grants) -> String {
    if let Some(trap) = e.downcast_ref::<wasmtime::Trap>() {
        return match trap {
            wasmtime::Trap::Interrupt => t!(
                cat(),
                "host-trap-timeout",
                ms = grants.call_timeout.as_millis().to_string()
            ),
            wasmtime::Trap::StackOverflow => t!(cat(), "host-trap-stack"),
            wasmtime::Trap::UnreachableCodeReached => t!(cat(), "host-trap-panic"),
            wasmtime::Trap::MemoryOutOfBounds => t!(cat(), "host-trap-memory"),
            other => t!(cat(), "host-trap-other", trap = other.to_string()),
        };
    }
    if let Some(exit) = e.downcast_ref::<wasmtime_wasi::I32Exit>() {
        return t!(cat(), "host-trap-exit", status = exit.0.to_string());
    }
    if let Some(limit) = e.downcast_ref::<state::LimitExceeded>() {
        return t!(cat(), "host-trap-limit", limit = limit.to_string());
    }
    t!(cat(), "host-trap-failed", error = format!("{e:#}"))
}

impl AppHost {
    /// A host for this session: its own vault handle, the policy's TLS settings, and the
    /// user's credentials for origins the tenant marks.
    pub fn new(
        vault: &Vault,
        policy: &Policy,
        credentials: Option<Credentials>,
    ) -> Result<AppHost> {
        Self::with_resolver(vault, policy, credentials, Box::new(SystemResolver))
    }

    pub fn with_resolver(
        vault: &Vault,
        policy: &Policy,
        credentials: Option<Credentials>,
        resolver: Box<dyn Resolver>,
    ) -> Result<AppHost> {
        let max_memory = policy
            .apps
            .values()
            .filter_map(|g| g.memory_limit_bytes)
            .chain([grants::DEFAULT_MEMORY])
            .max()
            .unwrap_or(grants::DEFAULT_MEMORY);
        let info = engine::build(max_memory, policy.app_host.engine)?;
        let linker = build_linker(&info.engine)?;
        let services = Arc::new(Services {
            vault: std::sync::Mutex::new(vault.share()?),
            tls: kapsel_core::net::tls::client_config(&policy.tls)?,
            credentials,
            resolver,
            locale: kapsel_i18n::Lang::choose(policy.tenant.language.as_deref()).tag(),
        });
        Ok(AppHost {
            engine: info.engine,
            pooling: info.pooling,
            linker,
            services,
            policy: Arc::new(policy.clone()),
            loaded: HashMap::new(),
            last_split: LaunchSplit::default(),
        })
    }

    pub fn pooling(&self) -> bool {
        self.pooling
    }

    /// What runs the apps of this host, asked of the engine itself (not the policy): native
    /// code or the Pulley interpreter.
    pub fn engine_kind(&self) -> AppEngine {
        if self.engine.is_pulley() {
            AppEngine::Interpreter
        } else {
            AppEngine::Native
        }
    }

    fn vault(&self) -> std::sync::MutexGuard<'_, Vault> {
        self.services.vault()
    }

    /// Is this publisher key trusted by the tenant? Returns the publisher's name.
    pub fn trusted_publisher(policy: &Policy, key: &signing::VerifyingKey) -> Option<String> {
        identity::publisher_of(policy, key).map(|p| p.name.clone())
    }

    /// Install (or update) an app from package bytes. Every refusal is audited.
    pub fn install(&mut self, bytes: &[u8]) -> Result<InstallReport> {
        let result = self.install_inner(bytes);
        let vault = self.vault();
        match &result {
            Ok(r) => {
                audit::append(
                    &vault,
                    "app-installed",
                    serde_json::json!({ "app": r.id, "version": r.version, "package_sha256": sha256_hex(bytes) }),
                )?;
            }
            Err(e) => {
                let _ = audit::append(
                    &vault,
                    "app-install-refused",
                    serde_json::json!({ "package_sha256": sha256_hex(bytes), "reason": e.to_string() }),
                );
            }
        }
        result
    }

    fn install_inner(&mut self, bytes: &[u8]) -> Result<InstallReport> {
        let package = Package::parse(bytes)?;
        let key = *package.verify_signature()?;
        let Some(signer) = identity::publisher_of(&self.policy, &key).cloned() else {
            return Err(Error::Policy(t!(
                cat(),
                "host-untrusted-signer",
                key = signing::encode_public_key(&key)
            )));
        };
        let manifest = package.manifest.clone();
        let installed_manifest = {
            let vault = self.vault();
            let installed = load_record(&vault, &manifest.id)?;
            let installed_manifest = installed
                .as_ref()
                .and_then(|r| Manifest::parse(&r.manifest_text).ok());
            let installed_version = installed_manifest.as_ref().map(|m| m.version.clone());
            identity::check(
                &self.policy,
                &manifest.id,
                &signer,
                &manifest.version,
                installed
                    .as_ref()
                    .map(|r| r.publisher_key.as_str())
                    .zip(installed_version.as_deref()),
            )?;
            installed_manifest
        };
        if let Some((field, chars, _)) = manifest.deceptive_text().into_iter().next() {
            return Err(Error::Policy(t!(
                cat(),
                "host-deceptive-manifest",
                field = field,
                chars = chars.join(", ")
            )));
        }
        if !self.policy.modules.apps {
            return Err(Error::Policy(t!(cat(), "host-apps-disabled")));
        }
        let grants = Grants::effective(&manifest, &self.policy);
        let names = component_imports(&package.component)?;
        imports::check_api_version(&package.component, &manifest)?;
        let imports: Vec<Import> = names.iter().map(|n| classify(n)).collect();
        let decisions = grants::decide(&imports, &manifest, Some(&grants));
        grants::enforce(&decisions)?;
        let started = Instant::now();
        let artifact = self
            .engine
            .precompile_component(&package.component)
            .map_err(|e| {
                Error::invalid(t!(cat(), "host-compile-failed", error = format!("{e:#}")))
            })?;
        let compile_ms = started.elapsed().as_secs_f64() * 1000.0;
        // Check that it links before anything is stored.
        let component = self.load_artifact_unchecked(&artifact)?;
        AppPre::new(
            self.linker
                .instantiate_pre(&component)
                .map_err(|e| Error::invalid(t!(cat(), "host-not-fit", error = format!("{e:#}"))))?,
        )
        .map_err(|e| Error::invalid(t!(cat(), "host-no-export", error = format!("{e:#}"))))?;
        let engine_id = engine::compatibility_id(&self.engine);
        let vault = self.vault();
        let previous = load_record(&vault, &manifest.id)?;
        let component_blob = write_blob(&vault, &package.component)?;
        let artifact_blob = write_blob(&vault, &artifact)?;
        let mac = artifact_mac(&vault, &engine_id, &artifact)?;
        let record = AppRecord {
            manifest_text: package.manifest_text.clone(),
            package_sha256: sha256_hex(bytes),
            component_sha256: sha256_hex(&package.component),
            publisher_key: signing::encode_public_key(&key),
            component_blob,
            artifact_blob,
            artifact_mac: mac,
            engine: engine_id,
            installed_ms: kapsel_core::vault::now_ms(),
            imports: names,
        };
        vault.put(
            APPS_NS,
            &manifest.id,
            &serde_json::to_vec(&record).expect("serialisable"),
        )?;
        if let Some(old) = previous {
            let _ = vault.blob_delete(&old.component_blob);
            let _ = vault.blob_delete(&old.artifact_blob);
        }
        drop(vault);
        self.loaded.remove(&manifest.id);
        let update = installed_manifest.map(|old| changes::update(&old, &manifest));
        let not_granted = changes::not_granted(&manifest, &grants);
        Ok(InstallReport {
            id: manifest.id,
            name: manifest.name,
            version: manifest.version,
            compile_ms,
            decisions,
            update,
            not_granted,
        })
    }

    fn load_artifact_unchecked(&self, artifact: &[u8]) -> Result<Component> {
        // SAFETY: `artifact` was produced by `precompile_component` of this very engine a
        // moment ago (install, or a launch that recompiled for a changed engine) or was read
        // back from the vault blob named by the app's sealed record, every chunk's AES-GCM tag
        // verified against that blob id (launch), with the record's engine id equal to this
        // engine's. No other bytes reach here.
        unsafe { Component::deserialize(&self.engine, artifact) }.map_err(|e| {
            Error::Tampered(t!(
                cat(),
                "host-artifact-unloadable",
                error = format!("{e:#}")
            ))
        })
    }

    pub fn list(&self) -> Result<Vec<InstalledApp>> {
        let vault = self.vault();
        let mut out = Vec::new();
        for id in vault.keys_in(APPS_NS)? {
            if let Some(rec) = load_record(&vault, &id)? {
                let manifest = Manifest::parse(&rec.manifest_text)?;
                let grants = Grants::effective(&manifest, &self.policy);
                out.push(InstalledApp {
                    id: manifest.id.clone(),
                    name: manifest.name,
                    version: manifest.version,
                    publisher: identity::name_of_key(&self.policy, &rec.publisher_key)
                        .unwrap_or_else(|| t!(cat(), "host-publisher-untrusted")),
                    publisher_claim: manifest.publisher,
                    installed_ms: rec.installed_ms,
                    grants,
                });
            }
        }
        Ok(out)
    }

    pub fn remove(&mut self, id: &str) -> Result<()> {
        let vault = self.vault();
        let rec = load_record(&vault, id)?
            .ok_or_else(|| Error::NotFound(t!(cat(), "host-app", id = id)))?;
        let ns = format!("app:{id}");
        let keys = vault.keys_in(&ns)?;
        let ops: Vec<(String, Option<Vec<u8>>)> = keys.into_iter().map(|k| (k, None)).collect();
        drop(vault);
        {
            let mut vault = self.vault();
            vault.batch(&ns, &ops)?;
            vault.delete(APPS_NS, id)?;
            let _ = vault.blob_delete(&rec.component_blob);
            let _ = vault.blob_delete(&rec.artifact_blob);
            audit::append(&vault, "app-removed", serde_json::json!({ "app": id }))?;
        }
        self.loaded.remove(id);
        Ok(())
    }

    /// Load an app for calls: from the cache (warm) or from the vault (cold).
    fn load(&mut self, id: &str) -> Result<bool> {
        if self.loaded.contains_key(id) {
            return Ok(false);
        }
        let mut split = LaunchSplit::default();
        let started = Instant::now();
        let (component, grants) = {
            let vault = self.vault();
            let rec = load_record(&vault, id)?
                .ok_or_else(|| Error::NotFound(t!(cat(), "host-not-installed", id = id)))?;
            let manifest = Manifest::parse(&rec.manifest_text)?;
            let grants = Grants::effective(&manifest, &self.policy);
            // The tenant may have revoked a grant since install: check the imports again.
            let imports: Vec<Import> = rec.imports.iter().map(|n| classify(n)).collect();
            grants::enforce(&grants::decide(&imports, &manifest, Some(&grants)))?;
            let engine_id = engine::compatibility_id(&self.engine);
            split.record = started.elapsed();
            let artifact = if rec.engine == engine_id {
                // No hash over the artifact here: the blob's chunks are AES-GCM-sealed under
                // the vault key with the blob id in their AAD, and that id comes from this
                // sealed record, so the bytes are exactly those written at install (hashing
                // 4 MB again cost more than a whole cold launch may). The record's
                // `artifact_mac` is still written for containers opened by older versions.
                // Read on all cores (the vault's parallel sealed read), moved out, not copied.
                let mut artifact = vault.blob_reader(&rec.artifact_blob)?.read_all()?;
                std::mem::take(&mut *artifact)
            } else {
                // A new engine version, or the tenant switched between native code and
                // the interpreter: recompile from the stored (sealed) component.
                let component = vault.blob_reader(&rec.component_blob)?.read_all()?;
                if sha256_hex(&component) != rec.component_sha256 {
                    return Err(Error::Tampered(t!(
                        cat(),
                        "host-component-changed",
                        id = id
                    )));
                }
                let artifact = self.engine.precompile_component(&component).map_err(|e| {
                    Error::invalid(t!(
                        cat(),
                        "host-recompile",
                        id = id,
                        error = format!("{e:#}")
                    ))
                })?;
                // Kept in place of the old artifact, so only this launch pays for the
                // compile. Not fatal when it cannot be stored: the next launch compiles again.
                let _ =
                    store_recompiled(&vault, id, rec, &engine_id, self.engine_kind(), &artifact);
                artifact
            };
            split.artifact_read = started.elapsed() - split.record;
            split.artifact_bytes = artifact.len();
            let component = self.load_artifact_unchecked(&artifact)?;
            split.deserialize = started.elapsed() - split.record - split.artifact_read;
            (component, grants)
        };
        let linking = Instant::now();
        let pre = AppPre::new(self.linker.instantiate_pre(&component).map_err(|e| {
            Error::invalid(t!(cat(), "host-no-link", id = id, error = format!("{e:#}")))
        })?)
        .map_err(|e| {
            Error::invalid(t!(
                cat(),
                "host-app-error",
                id = id,
                error = format!("{e:#}")
            ))
        })?;
        split.link = linking.elapsed();
        self.last_split = split;
        self.loaded.insert(
            id.to_string(),
            Loaded {
                pre,
                grants: Arc::new(grants),
            },
        );
        Ok(true)
    }

    /// The ids of the installed apps (for preparing them ahead of the first call).
    pub fn installed_ids(&self) -> Result<Vec<String>> {
        installed_ids(&self.vault())
    }

    /// Load an app into the warm cache without calling it, so the user's first launch is a
    /// warm one. `Ok(true)` if it was cold.
    pub fn prepare(&mut self, id: &str) -> Result<bool> {
        let cold = self.load(id)?;
        // One throwaway instance: the pool slot gets the app's memory image mapped now, not
        // during the user's first view (which took ~250 µs instead of ~65 µs). Instantiating
        // runs no app code (no export is called) and its store is dropped unused.
        if let Some(loaded) = self.loaded.get(id) {
            let state =
                HostState::new(Arc::clone(&loaded.grants), Arc::clone(&self.services), None);
            let mut store = Store::new(&self.engine, state);
            store.limiter(|s| &mut s.limits);
            store.set_epoch_deadline(engine::ticks(loaded.grants.call_timeout));
            let _ = loaded.pre.instantiate(&mut store);
        }
        Ok(cold)
    }

    /// Forget compiled apps (the next call is cold): after a policy update, or for measuring.
    pub fn unload_all(&mut self) {
        self.loaded.clear();
    }

    /// Call into an app. A trap, timeout or limit stops the app — never the host — and
    /// discards the call's storage writes.
    pub fn call(&mut self, id: &str, call: &Call, document: Option<&str>) -> Result<CallOutcome> {
        let started = Instant::now();
        self.last_split = LaunchSplit::default();
        let cold = self.load(id)?;
        let loaded = self
            .loaded
            .get(id)
            .ok_or_else(|| Error::NotFound(t!(cat(), "host-app", id = id)))?;
        let grants = Arc::clone(&loaded.grants);
        let doc = match document {
            None => None,
            Some(d) => {
                if grants.caps.documents.is_none() {
                    return Err(Error::Policy(t!(cat(), "host-no-documents", id = id)));
                }
                let vault = self.vault();
                Some(
                    documents::get(&vault, d)?
                        .ok_or_else(|| Error::NotFound(t!(cat(), "host-document", id = d)))?,
                )
            }
        };
        let state = HostState::new(Arc::clone(&grants), Arc::clone(&self.services), doc);
        let mut store = Store::new(&self.engine, state);
        store.limiter(|s| &mut s.limits);
        store.set_epoch_deadline(engine::ticks(grants.call_timeout));
        let instantiating = Instant::now();
        let instance = loaded.pre.instantiate(&mut store);
        self.last_split.instantiate = instantiating.elapsed();
        let result = instance.and_then(|app| match call {
            Call::View(route) => app.view(&mut store, route),
            Call::Act { action, form } => app.act(&mut store, action, form),
        });
        self.last_split.run = instantiating.elapsed() - self.last_split.instantiate;
        let mut state = store.into_data();
        let stdout = state.stdout.contents();
        let stderr = state.stderr.contents();
        for (level, bytes) in [("stdout", &stdout), ("stderr", &stderr)] {
            for line in String::from_utf8_lossy(bytes).lines().take(200) {
                state.effects.log.lines.push(LogLine {
                    level: level.into(),
                    message: line.chars().take(4096).collect(),
                });
            }
        }
        let effects = std::mem::take(&mut state.effects);
        let denials = std::mem::take(&mut state.denials);
        let integrity_errors = std::mem::take(&mut state.integrity);
        if !integrity_errors.is_empty() {
            let _ = audit::append(
                &self.vault(),
                "app-integrity-error",
                serde_json::json!({ "app": id, "errors": integrity_errors }),
            );
        }
        self.persist_log(id, &effects.log.lines);
        let view = match result {
            Err(trap) => {
                let reason = describe_trap(&trap, &grants);
                let vault = self.vault();
                // Nothing the stopped call produced stays: its storage writes were never
                // applied, its notifications are dropped, its staged documents deleted.
                for doc in &effects.documents.saved {
                    documents::discard(&vault, doc);
                }
                let _ = audit::append(
                    &vault,
                    "app-stopped",
                    serde_json::json!({
                        "app": id, "reason": reason,
                        "discarded_documents": effects.documents.saved.len(),
                        "discarded_writes": effects.storage.pending.len(),
                    }),
                );
                let discarded = match effects.documents.saved.len() {
                    0 => String::new(),
                    n => t!(cat(), "host-discarded-documents", count = n),
                };
                return Err(Error::Agent(t!(
                    cat(),
                    "host-app-stopped",
                    id = id,
                    reason = reason,
                    discarded = discarded
                )));
            }
            Ok(Err(app_error)) => {
                use wit::latest::exports::kapsel::app::app::AppError;
                let (kind, text) = match app_error {
                    AppError::NotFound(text) => (t!(cat(), "host-app-error-not-found"), text),
                    AppError::InvalidInput(text) => {
                        (t!(cat(), "host-app-error-invalid-input"), text)
                    }
                    AppError::Denied(text) => (t!(cat(), "host-app-error-denied"), text),
                    AppError::Failed(text) => (t!(cat(), "host-app-error-failed"), text),
                };
                // The app's own error still commits its writes: it returned normally.
                self.commit(id, &effects)?;
                if let Some(damage) = integrity_errors.first() {
                    return Err(Error::Tampered(t!(
                        cat(),
                        "host-app-damaged",
                        id = id,
                        damage = damage.as_str()
                    )));
                }
                // The app's words are one line: a CR/LF in them must not print a line of
                // its own under Kapsel's name.
                return Err(Error::Remote {
                    kind: "app".into(),
                    message: t!(
                        cat(),
                        "host-app-said",
                        id = id,
                        kind = kind,
                        text = kapsel_core::terminal::line(&text)
                    ),
                    code: 1,
                });
            }
            Ok(Ok(v)) => View::from_wit(v).map_err(|e| {
                Error::Agent(t!(cat(), "host-app-error", id = id, error = e.to_string()))
            })?,
        };
        self.commit(id, &effects)?;
        Ok(CallOutcome {
            app: id.to_string(),
            view,
            notifications: effects.notify.posted,
            saved_documents: effects.documents.saved,
            open_requests: effects.documents.open_requests,
            denials,
            elapsed_us: started.elapsed().as_micros() as u64,
            cold,
            opened: Vec::new(),
            integrity_errors,
        })
    }

    /// Apply what a call that returned produced: storage writes, staged documents and
    /// notifications, in one transaction.
    fn commit(&self, id: &str, effects: &caps::CallState) -> Result<()> {
        // Most views only read. An empty transaction still costs a BEGIN/COMMIT and a sealed
        // rewrite of the vault's state file (~40 µs, more than the rest of a warm call).
        if effects.storage.pending.is_empty()
            && effects.documents.saved.is_empty()
            && effects.notify.posted.is_empty()
        {
            return Ok(());
        }
        let vault = self.vault();
        let ns = format!("app:{id}");
        vault.write_tx(|| {
            for (key, value) in &effects.storage.pending {
                match value {
                    Some(v) => vault.put(&ns, key, v)?,
                    None => {
                        vault.delete(&ns, key)?;
                    }
                }
            }
            for doc in &effects.documents.saved {
                documents::record(&vault, doc)?;
            }
            for n in &effects.notify.posted {
                kapsel_core::notifications::file(&vault, id, &n.title, &n.body, None)?;
            }
            Ok(())
        })
    }

    /// Keep the newest 500 log lines per app, sealed.
    fn persist_log(&self, id: &str, lines: &[LogLine]) {
        if lines.is_empty() {
            return;
        }
        let vault = self.vault();
        let ns = format!("{LOG_NS_PREFIX}{id}");
        let mut all = read_log(&vault, id).unwrap_or_default();
        all.extend(lines.iter().cloned());
        let skip = all.len().saturating_sub(caps::log::KEPT_LINES);
        let kept: Vec<&LogLine> = all.iter().skip(skip).collect();
        let _ = vault.put(&ns, "lines", &serde_json::to_vec(&kept).unwrap_or_default());
    }

    pub fn log(&self, id: &str) -> Result<Vec<LogLine>> {
        read_log(&self.vault(), id)
    }

    /// A storage read through the same vault handle the capability uses (for measuring the
    /// capability's overhead against a native call).
    pub fn native_storage_get(&self, id: &str, key: &str) -> Result<Option<Vec<u8>>> {
        let vault = self.vault();
        Ok(vault.get(&format!("app:{id}"), key)?.map(|v| v.to_vec()))
    }

    /// Hand the documents `outcome`'s app asked to open to the viewer app (inside the
    /// container, as everything else); the viewer's own requests are not followed.
    pub fn open_requested(&mut self, outcome: &CallOutcome) -> Vec<Opened> {
        if outcome.app == VIEWER {
            return Vec::new();
        }
        outcome
            .open_requests
            .iter()
            .take(MAX_OPEN)
            .map(
                |doc| match self.call(VIEWER, &Call::View(String::new()), Some(doc)) {
                    Ok(o) => Opened::Shown(Box::new(o)),
                    Err(e) => Opened::Failed {
                        damaged: matches!(e, Error::Tampered(_)),
                        error: e.to_string(),
                        document: doc.clone(),
                    },
                },
            )
            .collect()
    }

    /// Where the last [`AppHost::call`]'s time went.
    pub fn last_split(&self) -> LaunchSplit {
        self.last_split
    }

    pub fn call_budget(&self, id: &str) -> Option<Duration> {
        self.loaded.get(id).map(|l| l.grants.call_timeout)
    }
}

fn read_log(vault: &Vault, id: &str) -> Result<Vec<LogLine>> {
    let raw = vault.get(&format!("{LOG_NS_PREFIX}{id}"), "lines")?;
    Ok(raw
        .and_then(|r| serde_json::from_slice(&r).ok())
        .unwrap_or_default())
}

fn load_record(vault: &Vault, id: &str) -> Result<Option<AppRecord>> {
    if !manifest::valid_app_id(id) {
        return Err(Error::invalid(t!(
            cat(),
            "host-not-app-id",
            id = format!("{id:?}")
        )));
    }
    match vault.get(APPS_NS, id)? {
        None => Ok(None),
        Some(raw) => serde_json::from_slice(&raw)
            .map(Some)
            .map_err(|_| Error::Tampered(t!(cat(), "host-record-malformed", id = id))),
    }
}

/// Replace an app's artifact with one compiled by this host's engine (the record's MAC and
/// engine id with it), and say so in the audit log.
fn store_recompiled(
    vault: &Vault,
    id: &str,
    mut rec: AppRecord,
    engine_id: &str,
    kind: AppEngine,
    artifact: &[u8],
) -> Result<()> {
    let blob = write_blob(vault, artifact)?;
    let old_blob = std::mem::replace(&mut rec.artifact_blob, blob.clone());
    let from = std::mem::replace(&mut rec.engine, engine_id.to_string());
    let stored = artifact_mac(vault, engine_id, artifact).and_then(|mac| {
        rec.artifact_mac = mac;
        let bytes = serde_json::to_vec(&rec).map_err(|e| {
            Error::Agent(t!(cat(), "host-app-error", id = id, error = e.to_string()))
        })?;
        vault.put(APPS_NS, id, &bytes)
    });
    if let Err(e) = stored {
        let _ = vault.blob_delete(&blob);
        return Err(e);
    }
    let _ = vault.blob_delete(&old_blob);
    audit::append(
        vault,
        "app-recompiled",
        serde_json::json!({ "app": id, "engine": kind.as_str(), "from_engine_id": from, "engine_id": engine_id }),
    )?;
    Ok(())
}

fn write_blob(vault: &Vault, bytes: &[u8]) -> Result<String> {
    let mut w = vault.blob_writer(APPS_NS)?;
    w.write_bytes(bytes)?;
    w.finish()
}

/// The ids of the installed apps, without starting an engine (nothing to prepare when empty).
pub fn installed_ids(vault: &Vault) -> Result<Vec<String>> {
    vault.keys_in(APPS_NS)
}

fn artifact_mac(vault: &Vault, engine_id: &str, artifact: &[u8]) -> Result<String> {
    let digest = Sha256::digest(artifact);
    Ok(hex::encode(
        vault.keys()?.artifact_mac(&[engine_id.as_bytes(), &digest]),
    ))
}
