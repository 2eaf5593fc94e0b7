//! The one wasmtime Engine of the process: component model, epoch interruption with a ticker
//! thread, bounded wasm stack, and the pooling allocator where the address space allows it.
//! It compiles to native code (Cranelift) or, when the tenant's policy says `interpreter`, to
//! Pulley bytecode that wasmtime's interpreter runs: no executable memory is ever made.

use std::time::Duration;

use wasmtime::{Config, Enabled, Engine, InstanceAllocationStrategy, PoolingAllocationConfig};

use kapsel_core::error::{Error, Result};
use kapsel_core::policy::AppEngine;
use kapsel_i18n::{current as cat, t};

/// How often the epoch advances: the granularity of every call's wall-clock budget.
pub const EPOCH_TICK: Duration = Duration::from_millis(10);

/// Apps alive at once in the pool; beyond that an instantiation fails with a clear error.
const POOL_INSTANCES: u32 = 64;

pub struct EngineInfo {
    pub engine: Engine,
    pub pooling: bool,
}

/// Pulley's target for this host: the interpreter's pointer width and byte order must be the
/// host's (wasmtime refuses to load anything else).
fn pulley_target() -> &'static str {
    match (
        cfg!(target_pointer_width = "64"),
        cfg!(target_endian = "big"),
    ) {
        (true, false) => "pulley64",
        (true, true) => "pulley64be",
        (false, false) => "pulley32",
        (false, true) => "pulley32be",
    }
}

fn base_config(kind: AppEngine) -> Result<Config> {
    let mut c = Config::new();
    c.wasm_component_model(true);
    // Pulley bytecode carries the same epoch checks as native code: a runaway interpreted
    // app is stopped by the same ticker.
    c.epoch_interruption(true);
    // Deep recursion traps with a stack overflow long before it touches the host's stack
    // (under Pulley this is the size of the interpreter's own stack, one per store).
    c.max_wasm_stack(1024 * 1024);
    // Every byte of the artifact is decrypted and copied into executable memory at each cold
    // launch, and none of these is read while an app runs: the address map (wasm offsets in
    // backtraces, which no message of ours shows), the ELF symbol table (for profilers and
    // `objdump`) and the native unwind tables (for debuggers unwinding through app frames;
    // wasmtime walks them by frame pointer) were a quarter of a 1 MB app's 3.4 MB artifact.
    c.generate_address_map(false);
    c.debug_symbols(false);
    if !cfg!(windows) {
        // The Windows ABI requires unwind tables.
        c.native_unwind_info(false);
    }
    if kind == AppEngine::Interpreter {
        c.target(pulley_target())
            .map_err(|e| Error::Agent(t!(cat(), "host-engine-start", error = format!("{e:#}"))))?;
    }
    Ok(c)
}

pub fn build(memory_limit: u64, kind: AppEngine) -> Result<EngineInfo> {
    let base = base_config(kind)?;
    let mut pool = PoolingAllocationConfig::new();
    pool.total_component_instances(POOL_INSTANCES)
        .total_core_instances(POOL_INSTANCES * 4)
        .total_memories(POOL_INSTANCES * 2)
        .total_tables(POOL_INSTANCES * 4)
        .total_stacks(POOL_INSTANCES)
        .max_memory_size(memory_limit as usize)
        .max_memories_per_module(2)
        .max_tables_per_module(8)
        .table_elements(100_000);
    if PoolingAllocationConfig::is_pagemap_scan_available() {
        // A slot's dirty pages are found with PAGEMAP_SCAN and reset in place when the store
        // goes, so the app's next call finds them mapped: a warm view took 25 µs, two thirds
        // of it page faults in the slot. The budget is per slot; what an app dirties beyond it
        // is given back as before. Without the scan (Linux < 6.7) keeping memory resident
        // would mean resetting its first megabyte on every call, so it stays off.
        pool.linear_memory_keep_resident(1 << 20)
            .table_keep_resident(64 << 10)
            .pagemap_scan(Enabled::Auto);
    }
    let mut pooled = base.clone();
    pooled.allocation_strategy(InstanceAllocationStrategy::Pooling(pool));
    let (engine, pooling) = match Engine::new(&pooled) {
        Ok(e) => (e, true),
        // Under a small address-space limit (ulimit -v) the pool cannot be reserved.
        Err(_) => (
            Engine::new(&base)
                .map_err(|e| Error::Agent(t!(cat(), "host-engine-start", error = e.to_string())))?,
            false,
        ),
    };
    let weak = engine.weak();
    std::thread::Builder::new()
        .name("kapsel-epoch".into())
        .spawn(move || {
            // The epoch follows the wall clock, not the number of wake-ups: on a busy machine
            // a 10 ms sleep takes 12–15 ms, and a budget counted in wake-ups would stretch by
            // half — long enough for a guest whose sleep was capped at its deadline to wake
            // and return before the epoch check could stop it.
            let start = std::time::Instant::now();
            let mut ticks: u128 = 0;
            while let Some(engine) = weak.upgrade() {
                let due = start.elapsed().as_millis() / EPOCH_TICK.as_millis() + 1;
                while ticks < due {
                    engine.increment_epoch();
                    ticks += 1;
                }
                drop(engine);
                std::thread::sleep(EPOCH_TICK);
            }
        })
        .map_err(|e| Error::Agent(t!(cat(), "host-epoch-start", error = e.to_string())))?;
    Ok(EngineInfo { engine, pooling })
}

/// A stable name for "artifacts compiled by this engine can be loaded by it".
pub fn compatibility_id(engine: &Engine) -> String {
    use std::hash::{Hash, Hasher};
    let mut h = std::collections::hash_map::DefaultHasher::new();
    engine.precompile_compatibility_hash().hash(&mut h);
    format!("{:016x}", h.finish())
}

/// Epoch ticks for a wall-clock budget (at least one).
pub fn ticks(budget: Duration) -> u64 {
    (budget.as_millis() / EPOCH_TICK.as_millis()).max(1) as u64
}
