//! What one call into an app can reach: the sealed WASI context, the store's limits, the
//! app's effective grants, the shared services (vault handle, TLS, resolver, credentials) and
//! everything the call produces (pending writes, notifications, log lines, documents).
//! A fresh `HostState` per call: nothing leaks from one call into the next except through
//! the app's own storage.

use std::net::SocketAddr;
use std::sync::{Arc, Mutex, MutexGuard};

use wasmtime::component::ResourceTable;
use wasmtime_wasi::p2::pipe::MemoryOutputPipe;
use wasmtime_wasi::{WasiCtx, WasiCtxView, WasiView};
use zeroize::Zeroizing;

use super::grants::Grants;
use kapsel_core::documents::DocumentInfo;
use kapsel_core::vault::Vault;
use kapsel_i18n::{current as cat, t};

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
    /// The user's language as a BCP 47 tag, readable by every app as the `config` key
    /// [`LOCALE_KEY`] so apps can localise too.
    pub locale: &'static str,
}

/// The `config` key under which every app finds the user's language (`de-DE`, `en-GB`).
pub const LOCALE_KEY: &str = "kapsel.locale";

impl Services {
    pub fn vault(&self) -> MutexGuard<'_, Vault> {
        self.vault.lock().unwrap_or_else(|p| p.into_inner())
    }
}

pub use crate::caps::log::LogLine;
pub use crate::caps::notify::Notification;

/// A limit an app ran into: the error a growth beyond it traps with, recognised by its type
/// (never by wasmtime's message text).
#[derive(Debug, Clone, Copy)]
pub enum LimitExceeded {
    Memory { limit: usize },
    Table { limit: usize },
}

impl std::fmt::Display for LimitExceeded {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            LimitExceeded::Memory { limit } => f.write_str(&t!(
                cat(),
                "host-limit-memory",
                mib = (limit >> 20).to_string()
            )),
            LimitExceeded::Table { limit } => {
                f.write_str(&t!(cat(), "host-limit-table", limit = limit.to_string()))
            }
        }
    }
}

impl std::error::Error for LimitExceeded {}

/// Table elements per table (function references of large guests fit easily).
const MAX_TABLE_ELEMENTS: usize = 100_000;

/// The store's resource limits: growth beyond them traps with a typed [`LimitExceeded`].
pub struct CallLimiter {
    memory: usize,
}

impl wasmtime::ResourceLimiter for CallLimiter {
    fn memory_growing(
        &mut self,
        _current: usize,
        desired: usize,
        _maximum: Option<usize>,
    ) -> wasmtime::Result<bool> {
        if desired > self.memory {
            return Err(LimitExceeded::Memory { limit: self.memory }.into());
        }
        Ok(true)
    }

    fn table_growing(
        &mut self,
        _current: usize,
        desired: usize,
        _maximum: Option<usize>,
    ) -> wasmtime::Result<bool> {
        if desired > MAX_TABLE_ELEMENTS {
            return Err(LimitExceeded::Table {
                limit: MAX_TABLE_ELEMENTS,
            }
            .into());
        }
        Ok(true)
    }

    fn instances(&self) -> usize {
        32
    }

    fn tables(&self) -> usize {
        32
    }

    fn memories(&self) -> usize {
        4
    }
}

pub struct HostState {
    pub(super) wasi: WasiCtx,
    pub(super) table: ResourceTable,
    pub(super) limits: CallLimiter,
    pub(super) grants: Arc<Grants>,
    pub(super) services: Arc<Services>,
    pub(super) document: Option<DocumentInfo>,
    /// What this call produced, per capability.
    pub(super) effects: crate::caps::CallState,
    /// Requests refused in this call (returned to the shell; the first few audited).
    pub(super) denials: Vec<String>,
    /// Damaged container data met in this call. The app sees an error it may render; the
    /// host also reports it to the shell and the audit log, so it is never swallowed.
    pub(super) integrity: Vec<String>,
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
        let limits = CallLimiter {
            memory: grants.memory_limit as usize,
        };
        let deadline = std::time::Instant::now() + grants.call_timeout;
        HostState {
            wasi,
            table: ResourceTable::new(),
            limits,
            grants,
            services,
            document,
            effects: crate::caps::CallState::default(),
            denials: Vec::new(),
            integrity: Vec::new(),
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
        if self.denials.len() < 8 {
            let vault = self.services.vault();
            let _ = kapsel_core::audit::append(
                &vault,
                "app-denied",
                serde_json::json!({ "app": self.grants.app_id, "capability": capability, "reason": reason }),
            );
        }
        self.denials.push(msg.clone());
        msg
    }
}

impl HostState {
    /// A vault error on its way to the app, as text; damaged data is also kept for the shell.
    pub(super) fn vault_failure(&mut self, e: kapsel_core::Error) -> String {
        let message = e.to_string();
        if matches!(e, kapsel_core::Error::Tampered(_))
            && self.integrity.len() < 8
            && !self.integrity.contains(&message)
        {
            self.integrity.push(message.clone());
        }
        message
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
