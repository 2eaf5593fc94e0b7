//! What one call into an app can reach: the sealed WASI context, the store's limits, the
//! app's effective grants, the shared services (vault handle, TLS, resolver, credentials) and
//! everything the call produces (pending writes, notifications, log lines, documents).
//! A fresh `HostState` per call: nothing leaks from one call into the next except through
//! the app's own storage.

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex, MutexGuard};

use serde::Serialize;
use wasmtime::StoreLimits;
use wasmtime::component::ResourceTable;
use wasmtime_wasi::p2::pipe::MemoryOutputPipe;
use wasmtime_wasi::{WasiCtx, WasiCtxView, WasiView};
use zeroize::Zeroizing;

use super::grants::Grants;
use kapsel_core::documents::DocumentInfo;
use kapsel_core::vault::Vault;

/// Name resolution, replaceable so tests can make a name resolve where they need it.
pub trait Resolver: Send + Sync {
    fn resolve(&self, host: &str, port: u16) -> std::io::Result<Vec<SocketAddr>>;
}

pub struct SystemResolver;

impl Resolver for SystemResolver {
    fn resolve(&self, host: &str, port: u16) -> std::io::Result<Vec<SocketAddr>> {
        use std::net::ToSocketAddrs;
        Ok((host, port).to_socket_addrs()?.collect())
    }
}

/// The user's directory credentials, for origins the tenant marks.
pub struct Credentials {
    pub user: String,
    pub password: Zeroizing<String>,
}

/// Shared by every call of every app in this session.
pub struct Services {
    pub vault: Mutex<Vault>,
    pub tls: Arc<rustls::ClientConfig>,
    pub credentials: Option<Credentials>,
    pub resolver: Box<dyn Resolver>,
    /// Hosts where the tenant allows plain http.
    pub plaintext_hosts: Vec<String>,
}

impl Services {
    pub fn vault(&self) -> MutexGuard<'_, Vault> {
        self.vault.lock().unwrap_or_else(|p| p.into_inner())
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct Notification {
    pub title: String,
    pub body: String,
}

#[derive(Debug, Clone, Serialize, serde::Deserialize)]
pub struct LogLine {
    pub level: String,
    pub message: String,
}

/// What a call produced besides its view.
#[derive(Debug, Default)]
pub struct CallEffects {
    /// Storage writes, applied together when the call returns normally.
    pub pending: BTreeMap<String, Option<Vec<u8>>>,
    pub notifications: Vec<Notification>,
    pub log: Vec<LogLine>,
    pub open_requests: Vec<String>,
    pub saved: Vec<DocumentInfo>,
    pub denials: Vec<String>,
    pub http_requests: u32,
}

pub struct HostState {
    pub(super) wasi: WasiCtx,
    pub(super) table: ResourceTable,
    pub(super) limits: StoreLimits,
    pub(super) grants: Arc<Grants>,
    pub(super) services: Arc<Services>,
    pub(super) document: Option<DocumentInfo>,
    pub(super) effects: CallEffects,
    pub(super) stdout: MemoryOutputPipe,
    pub(super) stderr: MemoryOutputPipe,
    pub(super) deadline: std::time::Instant,
}

impl HostState {
    pub(super) fn new(
        grants: Arc<Grants>,
        services: Arc<Services>,
        document: Option<DocumentInfo>,
    ) -> HostState {
        let (wasi, stdout, stderr) = super::wasi::sealed_ctx();
        let limits = wasmtime::StoreLimitsBuilder::new()
            .memory_size(grants.memory_limit as usize)
            .table_elements(100_000)
            .instances(32)
            .tables(32)
            .memories(4)
            .trap_on_grow_failure(true)
            .build();
        let deadline = std::time::Instant::now() + grants.call_timeout;
        HostState {
            wasi,
            table: ResourceTable::new(),
            limits,
            grants,
            services,
            document,
            effects: CallEffects::default(),
            stdout,
            stderr,
            deadline,
        }
    }

    pub(super) fn ns(&self) -> String {
        format!("app:{}", self.grants.app_id)
    }

    /// Record a refused request: returned to the caller and written to the audit log
    /// (at most a few per call, so a looping app cannot flood the log).
    pub(super) fn deny(&mut self, capability: &str, reason: String) -> String {
        let msg = format!("{capability}: {reason}");
        if self.effects.denials.len() < 8 {
            let vault = self.services.vault();
            let _ = kapsel_core::audit::append(
                &vault,
                "app-denied",
                serde_json::json!({ "app": self.grants.app_id, "capability": capability, "reason": reason }),
            );
        }
        self.effects.denials.push(msg.clone());
        msg
    }
}

impl WasiView for HostState {
    fn ctx(&mut self) -> WasiCtxView<'_> {
        WasiCtxView {
            ctx: &mut self.wasi,
            table: &mut self.table,
        }
    }
}
