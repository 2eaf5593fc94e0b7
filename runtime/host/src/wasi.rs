//! Sealed WASI: what a Rust std guest needs to instantiate, with nothing granted behind it.
//! No preopened directories (the file system interfaces are linked but open nothing), an
//! empty environment, no arguments, stdin closed, stdout/stderr captured into the app's log,
//! and no sockets at all — `wasi:sockets` and `wasi:http` are never linked, and a component
//! importing them is refused at install (see `imports.rs`).

use wasmtime::component::{HasData, Linker, Resource, ResourceTable};
use wasmtime_wasi::WasiView;
use wasmtime_wasi::cli::{WasiCli, WasiCliView};
use wasmtime_wasi::clocks::{WasiClocks, WasiClocksView};
use wasmtime_wasi::filesystem::{WasiFilesystem, WasiFilesystemView};
use wasmtime_wasi::p2::DynPollable;
use wasmtime_wasi::p2::bindings::clocks::monotonic_clock;
use wasmtime_wasi::p2::bindings::{cli, clocks, filesystem, random, sync};
use wasmtime_wasi::p2::pipe::MemoryOutputPipe;
use wasmtime_wasi::random::{WasiRandom, WasiRandomView};

/// Bytes of stdout and stderr kept per call; a guest that writes more gets EPIPE.
pub const OUTPUT_CAPTURE: usize = 256 * 1024;

struct HasIo;
impl HasData for HasIo {
    type Data<'a> = &'a mut ResourceTable;
}

/// The monotonic clock as the guest sees it, with every sleep capped at the call's deadline:
/// epoch interruption stops wasm code, not a guest parked in a host-side sleep, so without
/// the cap an app could hold the session with `sleep(1 h)`. After a capped sleep the guest
/// resumes past its deadline and the epoch check stops it.
pub struct CappedClock<'a> {
    inner: wasmtime_wasi::clocks::WasiClocksCtxView<'a>,
    deadline: std::time::Instant,
}

impl CappedClock<'_> {
    fn cap(&self, nanos: u64) -> u64 {
        let left = self
            .deadline
            .saturating_duration_since(std::time::Instant::now());
        // Past the deadline by a few epoch ticks, so the epoch check trips when the guest
        // wakes even if the ticker thread was scheduled late.
        let left = (left + 5 * crate::engine::EPOCH_TICK)
            .as_nanos()
            .min(u64::MAX as u128) as u64;
        nanos.min(left)
    }
}

impl monotonic_clock::Host for CappedClock<'_> {
    fn now(&mut self) -> wasmtime::Result<u64> {
        self.inner.now()
    }

    fn resolution(&mut self) -> wasmtime::Result<u64> {
        self.inner.resolution()
    }

    fn subscribe_instant(&mut self, when: u64) -> wasmtime::Result<Resource<DynPollable>> {
        let now = self.inner.now()?;
        let capped = self.cap(when.saturating_sub(now));
        self.inner.subscribe_duration(capped)
    }

    fn subscribe_duration(&mut self, duration: u64) -> wasmtime::Result<Resource<DynPollable>> {
        let capped = self.cap(duration);
        self.inner.subscribe_duration(capped)
    }
}

struct CappedClocks;
impl HasData for CappedClocks {
    type Data<'a> = CappedClock<'a>;
}

/// Link sealed WASI for app calls (`HostState` carries the call's deadline).
pub fn add_to_linker(l: &mut Linker<super::state::HostState>) -> wasmtime::Result<()> {
    type T = super::state::HostState;
    add_common::<T>(l)?;
    monotonic_clock::add_to_linker::<T, CappedClocks>(l, |s| {
        let deadline = s.deadline;
        CappedClock {
            inner: s.clocks(),
            deadline,
        }
    })?;
    Ok(())
}

fn add_common<T: WasiView>(l: &mut Linker<T>) -> wasmtime::Result<()> {
    sync::io::error::add_to_linker::<T, HasIo>(l, |t| t.ctx().table)?;
    sync::io::poll::add_to_linker::<T, HasIo>(l, |t| t.ctx().table)?;
    sync::io::streams::add_to_linker::<T, HasIo>(l, |t| t.ctx().table)?;
    clocks::wall_clock::add_to_linker::<T, WasiClocks>(l, T::clocks)?;
    random::random::add_to_linker::<T, WasiRandom>(l, T::random)?;
    random::insecure::add_to_linker::<T, WasiRandom>(l, T::random)?;
    random::insecure_seed::add_to_linker::<T, WasiRandom>(l, T::random)?;
    cli::exit::add_to_linker::<T, WasiCli>(l, T::cli)?;
    cli::environment::add_to_linker::<T, WasiCli>(l, T::cli)?;
    cli::stdin::add_to_linker::<T, WasiCli>(l, T::cli)?;
    cli::stdout::add_to_linker::<T, WasiCli>(l, T::cli)?;
    cli::stderr::add_to_linker::<T, WasiCli>(l, T::cli)?;
    cli::terminal_input::add_to_linker::<T, WasiCli>(l, T::cli)?;
    cli::terminal_output::add_to_linker::<T, WasiCli>(l, T::cli)?;
    cli::terminal_stdin::add_to_linker::<T, WasiCli>(l, T::cli)?;
    cli::terminal_stdout::add_to_linker::<T, WasiCli>(l, T::cli)?;
    cli::terminal_stderr::add_to_linker::<T, WasiCli>(l, T::cli)?;
    filesystem::preopens::add_to_linker::<T, WasiFilesystem>(l, T::filesystem)?;
    sync::filesystem::types::add_to_linker::<T, WasiFilesystem>(l, T::filesystem)?;
    Ok(())
}

/// A fresh sealed context per call, with its captured output pipes.
pub fn sealed_ctx() -> (wasmtime_wasi::WasiCtx, MemoryOutputPipe, MemoryOutputPipe) {
    let stdout = MemoryOutputPipe::new(OUTPUT_CAPTURE);
    let stderr = MemoryOutputPipe::new(OUTPUT_CAPTURE);
    let ctx = wasmtime_wasi::WasiCtxBuilder::new()
        .stdout(stdout.clone())
        .stderr(stderr.clone())
        .allow_tcp(false)
        .allow_udp(false)
        .allow_ip_name_lookup(false)
        .build();
    (ctx, stdout, stderr)
}
