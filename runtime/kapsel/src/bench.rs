//! `kapsel bench`: throughput and latency against a baseline measured in the same run, so
//! the ratios hold on any machine. Build with `--release`; debug numbers mean little.

use std::io::{Read, Write};
use std::time::{Duration, Instant};

use serde::Serialize;

use kapsel_core::error::{Error, Result};
use kapsel_core::vault::{KdfParams, OnLimit, UnlockRules, Vault};

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum Target {
    /// Unlock time, sealed key-value get/put, sealed blob write/read.
    Vault,
    /// App compile at install, cold and warm launch, storage capability overhead.
    Apps,
}

#[derive(Debug, Serialize)]
pub struct Row {
    pub name: String,
    pub value: String,
    pub unit: String,
    pub baseline: String,
    pub ratio: String,
    pub goal: String,
}

#[derive(Debug, Serialize, Default)]
pub struct Report {
    pub rows: Vec<Row>,
    pub notes: Vec<String>,
}

impl Report {
    fn row(&mut self, name: &str, value: f64, unit: &str, baseline: Option<f64>, goal: &str) {
        let ratio = baseline.map(|b| value / b);
        self.rows.push(Row {
            name: name.into(),
            value: format!("{value:.1}"),
            unit: unit.into(),
            baseline: baseline.map_or("-".into(), |b| format!("{b:.1}")),
            ratio: ratio.map_or("-".into(), |r| format!("{r:.2}")),
            goal: goal.into(),
        });
    }
}

pub fn run(target: Target, quick: bool, components: &std::path::Path) -> Result<Report> {
    match target {
        Target::Vault => vault(quick),
        Target::Apps => apps(quick, components),
    }
}

fn median_us(mut xs: Vec<f64>) -> f64 {
    xs.sort_by(|a, b| a.total_cmp(b));
    xs[xs.len() / 2]
}

fn apps(quick: bool, components: &std::path::Path) -> Result<Report> {
    use kapsel_core::policy::{Policy, signing};
    use kapsel_host::{AppHost, Call, Package};
    let mut report = Report::default();
    if cfg!(debug_assertions) {
        report.notes.push("debug build: run `cargo run --release -p kapsel-runtime -- bench apps` for real numbers".into());
    }
    let read = |name: &str| {
        std::fs::read(components.join(name)).map_err(|e| {
            Error::invalid(format!(
                "{}: {e} (build the guests with scripts/build-apps)",
                components.join(name).display()
            ))
        })
    };
    let bulk = read("bench_bulk.wasm")?;
    let tmp = tempfile::tempdir().map_err(Error::io("cannot create a temporary folder"))?;
    let vault = Vault::create(
        &tmp.path().join("c"),
        "Bench-Password-1",
        KdfParams::default(),
    )?;
    let publisher = signing::generate_key();
    let policy = Policy::parse(&format!(
        "serial = 1\n[tenant]\nid = \"bench\"\nname = \"Bench\"\n[[publishers]]\nname = \"bench\"\nkey = \"{}\"\n\
         [apps.bulk]\nstorage_quota_bytes = 100000\n[apps.tiny]\n",
        signing::encode_public_key(&publisher.verifying_key())
    ))?;
    let mut host = AppHost::new(&vault, &policy, None)?;
    let manifest = "id = \"bulk\"\nname = \"Bulk\"\nversion = \"1\"\npublisher = \"bench\"\napi = \"0.1\"\n\
                    [capabilities]\nstorage = { quota_bytes = 100000 }\n";
    let mut package = Package::new(manifest, bulk.clone())?;
    package.sign(&publisher);
    let bytes = package.to_bytes();
    let mut compiles = Vec::new();
    for _ in 0..if quick { 1 } else { 3 } {
        compiles.push(host.install(&bytes)?.compile_ms);
    }
    report.row(
        &format!(
            "install compile, {:.2} MB component",
            bulk.len() as f64 / 1e6
        ),
        median_us(compiles),
        "ms",
        None,
        "-",
    );
    let tiny = read("bench_tiny.wasm")?;
    let tiny_manifest =
        "id = \"tiny\"\nname = \"Tiny\"\nversion = \"1\"\npublisher = \"bench\"\napi = \"0.1\"\n";
    let mut tiny_package = Package::new(tiny_manifest, tiny.clone())?;
    tiny_package.sign(&publisher);
    host.install(&tiny_package.to_bytes())?;
    for (id, size) in [("tiny", tiny.len()), ("bulk", bulk.len())] {
        let view = Call::View("7".into());
        let mut cold = Vec::new();
        for _ in 0..if quick { 3 } else { 15 } {
            host.unload_all();
            let t = Instant::now();
            let o = host.call(id, &view, None)?;
            cold.push(t.elapsed().as_secs_f64() * 1e6);
            std::hint::black_box(o);
        }
        let kb = size / 1024;
        report.row(
            &format!("cold launch to first view, {kb} KiB app"),
            median_us(cold) / 1000.0,
            "ms",
            None,
            "< 5 ms",
        );
        let mut warm = Vec::new();
        for _ in 0..if quick { 50 } else { 1000 } {
            let t = Instant::now();
            let o = host.call(id, &view, None)?;
            warm.push(t.elapsed().as_secs_f64() * 1e6);
            std::hint::black_box(o);
        }
        report.row(
            &format!("warm launch to first view, {kb} KiB app"),
            median_us(warm),
            "µs",
            None,
            "< 100 µs",
        );
    }
    host.call("bulk", &Call::View("set".into()), None)?;
    let n = if quick { 200 } else { 5000 };
    let timed = |host: &mut AppHost, route: String| -> Result<f64> {
        let mut xs = Vec::new();
        for _ in 0..5 {
            let t = Instant::now();
            host.call("bulk", &Call::View(route.clone()), None)?;
            xs.push(t.elapsed().as_secs_f64() * 1e6);
        }
        Ok(median_us(xs))
    };
    let with_gets = timed(&mut host, format!("get:{n}"))?;
    let without = timed(&mut host, "get:0".into())?;
    let per_cap = (with_gets - without) / n as f64;
    let t = Instant::now();
    for _ in 0..n {
        std::hint::black_box(host.native_storage_get("bulk", "bench-key")?);
    }
    let per_native = t.elapsed().as_secs_f64() * 1e6 / n as f64;
    report.row(
        "storage get through the capability",
        per_cap,
        "µs/op",
        Some(per_native),
        "-",
    );
    report.row(
        "capability overhead per get",
        per_cap - per_native,
        "µs",
        None,
        "< 5 µs",
    );
    report.notes.push(format!(
        "pooling allocator: {}; warm = median of the calls after the first; the storage row's baseline is the same vault call made natively",
        if host.pooling() { "on" } else { "off (address space too small)" }
    ));
    Ok(report)
}

fn median(mut xs: Vec<Duration>) -> Duration {
    xs.sort();
    xs[xs.len() / 2]
}

fn per_sec(n: usize, d: Duration) -> f64 {
    n as f64 / d.as_secs_f64().max(1e-9)
}

fn vault(quick: bool) -> Result<Report> {
    let mut report = Report::default();
    if cfg!(debug_assertions) {
        report
            .notes
            .push("debug build: run `cargo run --release -- bench vault` for real numbers".into());
    }
    let tmp = tempfile::tempdir().map_err(Error::io("cannot create a temporary folder"))?;
    let root = tmp.path().join("c");
    let params = KdfParams::default();
    let password = "Bench-Password-1";
    drop(Vault::create(&root, password, params)?);
    let rules = UnlockRules {
        max_failed: 10,
        on_limit: OnLimit::Lockout,
        backoff_base: Duration::ZERO,
        backoff_max: Duration::ZERO,
    };
    let mut unlocks = Vec::new();
    for _ in 0..if quick { 2 } else { 5 } {
        let mut v = Vault::open(&root)?;
        let t = Instant::now();
        v.unlock(password, &rules)?;
        unlocks.push(t.elapsed());
    }
    report.row(
        &format!(
            "unlock (Argon2id m={} KiB t={} p={})",
            params.memory_kib, params.iterations, params.parallelism
        ),
        median(unlocks).as_secs_f64() * 1000.0,
        "ms",
        None,
        "-",
    );

    let mut vault = Vault::open(&root)?;
    vault.unlock(password, &rules)?;
    let plain = rusqlite::Connection::open(tmp.path().join("plain.db"))?;
    plain.query_row("PRAGMA journal_mode=WAL", [], |_| Ok(()))?;
    plain.execute_batch(
        "PRAGMA synchronous=FULL; CREATE TABLE kv (ns TEXT NOT NULL, key TEXT NOT NULL, value BLOB NOT NULL, size INTEGER NOT NULL, PRIMARY KEY (ns, key)) WITHOUT ROWID;",
    )?;
    let n_put = if quick { 200 } else { 2000 };
    let value = vec![0x5au8; 256];
    let t = Instant::now();
    for i in 0..n_put {
        vault.put("bench", &format!("key-{i}"), &value)?;
    }
    let sealed_put = per_sec(n_put, t.elapsed());
    let t = Instant::now();
    for i in 0..n_put {
        plain
            .prepare_cached("INSERT INTO kv(ns, key, value, size) VALUES (?1, ?2, ?3, ?4) ON CONFLICT(ns, key) DO UPDATE SET value = excluded.value, size = excluded.size")?
            .execute(rusqlite::params!["bench", format!("key-{i}"), &value, value.len() as i64])?;
    }
    let plain_put = per_sec(n_put, t.elapsed());
    report.row(
        "sealed put (256 B, one txn each)",
        sealed_put,
        "ops/s",
        Some(plain_put),
        ">= 0.40",
    );

    let n_get = if quick { 2000 } else { 50_000 };
    let t = Instant::now();
    for i in 0..n_get {
        let v = vault.get("bench", &format!("key-{}", (i * 7919) % n_put))?;
        std::hint::black_box(v);
    }
    let sealed_get = per_sec(n_get, t.elapsed());
    let t = Instant::now();
    for i in 0..n_get {
        let v: Vec<u8> = plain
            .prepare_cached("SELECT value FROM kv WHERE ns = ?1 AND key = ?2")?
            .query_row(
                rusqlite::params!["bench", format!("key-{}", (i * 7919) % n_put)],
                |r| r.get(0),
            )?;
        std::hint::black_box(v);
    }
    let plain_get = per_sec(n_get, t.elapsed());
    report.row(
        "sealed get (256 B)",
        sealed_get,
        "ops/s",
        Some(plain_get),
        ">= 0.50",
    );

    let mb = if quick { 8 } else { 128 };
    let data: Vec<u8> = (0..1024 * 1024).map(|i| (i * 31 % 251) as u8).collect();
    let t = Instant::now();
    let mut w = vault.blob_writer("bench")?;
    for _ in 0..mb {
        w.write_bytes(&data)?;
    }
    let id = w.finish()?;
    let sealed_write = mb as f64 / t.elapsed().as_secs_f64();
    let plain_path = tmp.path().join("plain.bin");
    let t = Instant::now();
    {
        let mut f = std::fs::File::create(&plain_path).map_err(Error::io("bench file"))?;
        for _ in 0..mb {
            f.write_all(&data).map_err(Error::io("bench file"))?;
        }
        f.sync_all().map_err(Error::io("bench file"))?;
    }
    let plain_write = mb as f64 / t.elapsed().as_secs_f64();
    report.row(
        "sealed blob write (64 KiB chunks)",
        sealed_write,
        "MB/s",
        Some(plain_write),
        ">= 0.50",
    );

    let blob_path = root.join(kapsel_core::vault::BLOB_DIR).join(&id);
    for cold in [false, true] {
        if cold {
            drop_cache(&blob_path)?;
        }
        let t = Instant::now();
        let n = drain(vault.blob_reader(&id)?)?;
        let sealed_read = n as f64 / MIB / t.elapsed().as_secs_f64();
        if cold {
            drop_cache(&plain_path)?;
        }
        let t = Instant::now();
        let n = drain(std::fs::File::open(&plain_path).map_err(Error::io("bench file"))?)?;
        let plain_read = n as f64 / MIB / t.elapsed().as_secs_f64();
        let name = if cold {
            "sealed blob read (cold cache)"
        } else {
            "sealed blob read (page cache)"
        };
        report.row(name, sealed_read, "MB/s", Some(plain_read), ">= 0.50");
    }
    report.notes.push(format!(
        "{n_put} puts, {n_get} gets, {mb} MiB blob; both sides use WAL + synchronous=FULL; \
         a page-cache read of a plain file is a memory copy, so that ratio is bounded by AES-GCM speed; \
         the cold-cache rows drop both files from the cache first (posix_fadvise DONTNEED)"
    ));
    Ok(report)
}

const MIB: f64 = 1024.0 * 1024.0;

fn drain(mut r: impl Read) -> Result<usize> {
    let mut buf = vec![0u8; 1024 * 1024];
    let mut total = 0;
    loop {
        let n = r.read(&mut buf).map_err(Error::io("bench read"))?;
        if n == 0 {
            return Ok(total);
        }
        total += n;
    }
}

/// Evict a (synced, clean) file from the page cache so the next read comes from disk.
fn drop_cache(path: &std::path::Path) -> Result<()> {
    let f = std::fs::File::open(path).map_err(Error::io("bench file"))?;
    rustix::fs::fadvise(&f, 0, None, rustix::fs::Advice::DontNeed)
        .map_err(|e| Error::io("posix_fadvise")(e.into()))
}
