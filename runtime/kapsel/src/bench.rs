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
    /// Mail search over 50,000 synthetic messages in the blind index (prefixes, umlauts).
    Search,
}

#[derive(Debug, Serialize)]
pub struct Row {
    pub name: String,
    pub value: String,
    pub unit: String,
    pub baseline: String,
    pub ratio: String,
    pub goal: String,
    /// The physical limit this figure is bounded by, measured in the same run ("-" if none).
    pub limit: String,
    /// `value / limit`.
    pub of_limit: String,
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
            limit: "-".into(),
            of_limit: "-".into(),
        });
    }

    /// Attach a limit (same unit as the row) to the row just added.
    fn limit(&mut self, what: &str, limit: f64) {
        if let Some(r) = self.rows.last_mut() {
            let value: f64 = r.value.parse().unwrap_or(0.0);
            r.limit = format!("{limit:.1} {} ({what})", r.unit);
            r.of_limit = format!("{:.2}", value / limit.max(1e-9));
        }
    }
}

pub fn run(target: Target, quick: bool, components: &std::path::Path) -> Result<Report> {
    match target {
        Target::Vault => vault(quick),
        Target::Apps => apps(quick, components),
        Target::Search => search(quick),
    }
}

fn median_of(mut xs: Vec<f64>) -> f64 {
    xs.sort_by(f64::total_cmp);
    xs.get(xs.len() / 2).copied().unwrap_or(0.0)
}

/// Rows for where a launch's time went (medians over `splits`): the load steps only for
/// cold launches.
fn split_rows(report: &mut Report, splits: &[kapsel_host::LaunchSplit], cold: bool) {
    if splits.is_empty() {
        return;
    }
    let med = |f: fn(&kapsel_host::LaunchSplit) -> Duration| {
        median_of(splits.iter().map(|s| f(s).as_secs_f64() * 1e6).collect())
    };
    let mut rows = Vec::new();
    if cold {
        let mb = splits[0].artifact_bytes as f64 / 1e6;
        rows.push((
            "sealed record, manifest, grants".to_string(),
            med(|s| s.record),
        ));
        rows.push((
            format!("artifact read ({mb:.2} MB)"),
            med(|s| s.artifact_read),
        ));
        rows.push(("Component::deserialize".into(), med(|s| s.deserialize)));
        rows.push(("link (InstancePre)".into(), med(|s| s.link)));
    }
    rows.push(("instantiate".into(), med(|s| s.instantiate)));
    rows.push(("the app's call".into(), med(|s| s.run)));
    for (name, value) in rows {
        report.row(&format!("    {name}"), value, "µs", None, "-");
    }
}

/// What one engine achieved on the bench guests (medians).
struct EngineFigures {
    compile_ms: f64,
    /// (KiB, cold ms, warm µs) for the tiny and the bulk app.
    launches: Vec<(usize, f64, f64)>,
    /// Where the time of each cold launch and each warm call went, per app as `launches`.
    splits: Vec<(Vec<kapsel_host::LaunchSplit>, Vec<kapsel_host::LaunchSplit>)>,
    /// µs per storage get through the capability, and the same vault call natively.
    storage_get: (f64, f64),
    pooling: bool,
}

/// Install the bench guests into a new container at `root` under a policy whose
/// `[app_host] engine` is `kind`, and measure compile, cold and warm launches and the storage
/// capability. The container stays for the unlock rows.
fn engine_figures(
    kind: kapsel_core::policy::AppEngine,
    root: &std::path::Path,
    guests: (&[u8], &[u8]),
    quick: bool,
) -> Result<(EngineFigures, kapsel_core::policy::Policy)> {
    use kapsel_core::policy::{Policy, signing};
    use kapsel_host::{AppHost, Call, Package};
    let (bulk, tiny) = guests;
    let vault = Vault::create(root, "Bench-Password-1", KdfParams::default())?;
    let publisher = signing::generate_key();
    let policy = Policy::parse(&format!(
        "serial = 1\n[tenant]\nid = \"bench\"\nname = \"Bench\"\n[app_host]\nengine = \"{}\"\n\
         [[publishers]]\nname = \"bench\"\nkey = \"{}\"\n\
         [apps.bulk]\nstorage_quota_bytes = 100000\n[apps.tiny]\n",
        kind.as_str(),
        signing::encode_public_key(&publisher.verifying_key())
    ))?;
    let mut host = AppHost::new(&vault, &policy, None)?;
    let manifest = "id = \"bulk\"\nname = \"Bulk\"\nversion = \"1\"\npublisher = \"bench\"\napi = \"0.2\"\n\
                    [capabilities]\nstorage = { quota_bytes = 100000 }\n";
    let mut package = Package::new(manifest, bulk.to_vec())?;
    package.sign(&publisher);
    let bytes = package.to_bytes();
    let mut compiles = Vec::new();
    for _ in 0..if quick { 1 } else { 3 } {
        compiles.push(host.install(&bytes)?.compile_ms);
    }
    let tiny_manifest =
        "id = \"tiny\"\nname = \"Tiny\"\nversion = \"1\"\npublisher = \"bench\"\napi = \"0.2\"\n";
    let mut tiny_package = Package::new(tiny_manifest, tiny.to_vec())?;
    tiny_package.sign(&publisher);
    host.install(&tiny_package.to_bytes())?;
    let mut launches = Vec::new();
    let mut splits = Vec::new();
    for (id, size) in [("tiny", tiny.len()), ("bulk", bulk.len())] {
        let view = Call::View("7".into());
        let (mut cold, mut cold_splits) = (Vec::new(), Vec::new());
        for _ in 0..if quick { 3 } else { 15 } {
            host.unload_all();
            let t = Instant::now();
            let o = host.call(id, &view, None)?;
            cold.push(t.elapsed().as_secs_f64() * 1e6);
            cold_splits.push(host.last_split());
            std::hint::black_box(o);
        }
        let (mut warm, mut warm_splits) = (Vec::new(), Vec::new());
        for _ in 0..if quick { 50 } else { 1000 } {
            let t = Instant::now();
            let o = host.call(id, &view, None)?;
            warm.push(t.elapsed().as_secs_f64() * 1e6);
            warm_splits.push(host.last_split());
            std::hint::black_box(o);
        }
        launches.push((size / 1024, median_of(cold) / 1000.0, median_of(warm)));
        splits.push((cold_splits, warm_splits));
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
        Ok(median_of(xs))
    };
    let with_gets = timed(&mut host, format!("get:{n}"))?;
    let without = timed(&mut host, "get:0".into())?;
    let per_cap = (with_gets - without) / n as f64;
    let t = Instant::now();
    for _ in 0..n {
        std::hint::black_box(host.native_storage_get("bulk", "bench-key")?);
    }
    let per_native = t.elapsed().as_secs_f64() * 1e6 / n as f64;
    let figures = EngineFigures {
        compile_ms: median_of(compiles),
        launches,
        splits,
        storage_get: (per_cap, per_native),
        pooling: host.pooling(),
    };
    Ok((figures, policy))
}

fn apps(quick: bool, components: &std::path::Path) -> Result<Report> {
    use kapsel_core::policy::AppEngine;
    use kapsel_host::{AppHost, Call};
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
    let tiny = read("bench_tiny.wasm")?;
    let tmp = tempfile::tempdir().map_err(Error::io("cannot create a temporary folder"))?;
    let (native, policy) = engine_figures(
        AppEngine::Native,
        &tmp.path().join("c"),
        (&bulk, &tiny),
        quick,
    )?;
    report.row(
        &format!(
            "install compile, {:.2} MB component",
            bulk.len() as f64 / 1e6
        ),
        native.compile_ms,
        "ms",
        None,
        "-",
    );
    for ((kb, cold, warm), (cold_splits, warm_splits)) in native.launches.iter().zip(&native.splits)
    {
        report.row(
            &format!("cold launch to first view, {kb} KiB app"),
            *cold,
            "ms",
            None,
            "< 5 ms",
        );
        split_rows(&mut report, cold_splits, true);
        report.row(
            &format!("warm launch to first view, {kb} KiB app"),
            *warm,
            "µs",
            None,
            "< 100 µs",
        );
        split_rows(&mut report, warm_splits, false);
    }
    let (per_cap, per_native) = native.storage_get;
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
    // The same guests with `[app_host] engine = "interpreter"`, each row against the
    // Cranelift figure above as its baseline.
    let (pulley, _) = engine_figures(
        AppEngine::Interpreter,
        &tmp.path().join("p"),
        (&bulk, &tiny),
        quick,
    )?;
    report.row(
        "Pulley: install compile to bytecode (baseline: Cranelift)",
        pulley.compile_ms,
        "ms",
        Some(native.compile_ms),
        "-",
    );
    for ((kb, cold, warm), (_, n_cold, n_warm)) in pulley.launches.iter().zip(&native.launches) {
        report.row(
            &format!("Pulley: cold launch, {kb} KiB app (baseline: Cranelift)"),
            *cold,
            "ms",
            Some(*n_cold),
            "-",
        );
        report.row(
            &format!("Pulley: warm launch, {kb} KiB app (baseline: Cranelift)"),
            *warm,
            "µs",
            Some(*n_warm),
            "-",
        );
    }
    report.row(
        "Pulley: storage get through the capability (baseline: Cranelift)",
        pulley.storage_get.0,
        "µs/op",
        Some(per_cap),
        "-",
    );
    let pooling = native.pooling;

    // Unlock to first view, as the session agent does it: password, app host, every installed
    // app prepared (the agent does this in the background right after unlock), then the
    // user's first view. The user who opens the app at once waits for all of it; the later
    // first view is what they see once the preparation has run.
    let rules = UnlockRules {
        max_failed: 10,
        on_limit: OnLimit::Lockout,
        backoff_base: Duration::ZERO,
        backoff_max: Duration::ZERO,
    };
    let (mut to_view, mut prepare, mut first_after, mut unlock) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    let mut first_splits = Vec::new();
    for _ in 0..if quick { 2 } else { 5 } {
        let t = Instant::now();
        let mut vault = Vault::open(&tmp.path().join("c"))?;
        vault.unlock("Bench-Password-1", &rules)?;
        let unlocked = t.elapsed();
        let mut host = AppHost::new(&vault, &policy, None)?;
        let p = Instant::now();
        for id in host.installed_ids()? {
            host.prepare(&id)?;
        }
        let prepared = p.elapsed();
        let v = Instant::now();
        std::hint::black_box(host.call("bulk", &Call::View("7".into()), None)?);
        let view = v.elapsed();
        first_splits.push(host.last_split());
        to_view.push(t.elapsed().as_secs_f64() * 1000.0);
        unlock.push(unlocked.as_secs_f64() * 1000.0);
        prepare.push(prepared.as_secs_f64() * 1000.0);
        first_after.push(view.as_secs_f64() * 1e6);
    }
    let kb = bulk.len() / 1024;
    report.row(
        &format!("unlock to first view, {kb} KiB app"),
        median_of(to_view),
        "ms",
        Some(median_of(unlock)),
        "-",
    );
    report.row(
        "  of which: prepare installed apps",
        median_of(prepare),
        "ms",
        None,
        "-",
    );
    report.row(
        &format!("  first view once prepared, {kb} KiB"),
        median_of(first_after),
        "µs",
        None,
        "< 100 µs",
    );
    split_rows(&mut report, &first_splits, false);
    report.notes.push(format!(
        "pooling allocator: {}; warm = median of the calls after the first; the storage row's baseline is the same vault call made natively; \
         unlock-to-first-view's baseline is the unlock alone (Argon2id), the prepare row loads both installed apps",
        if pooling { "on" } else { "off (address space too small)" }
    ));
    report.notes.push(
        "Pulley rows: the same guests in a second container whose policy says `[app_host] engine = \"interpreter\"`; \
         their baseline is the Cranelift row measured above in this run, the ratio Pulley / Cranelift"
            .into(),
    );
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
    // Measured first, on an idle machine: the ceiling every MiB/s row below is held against.
    let limit = AeadLimit::measure(quick)?;
    limit.rows(&mut report);
    report.notes.push(cpu_note());
    let (aead_one, aead_all) = limit.shipped();
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
        "MiB/s",
        Some(plain_write),
        ">= 0.50",
    );
    report.limit("AES-GCM seal, 1 core", aead_one);

    let blob_path = root.join(kapsel_core::vault::BLOB_DIR).join(&id);
    let (mut plain_hot, mut sealed_hot) = (0.0, 0.0);
    for cold in [false, true] {
        // A page-cache read of the whole blob takes ~15 ms, shorter than a scheduling hiccup
        // of this VM: the median of several, taken in turns with the plain file, like the
        // AES-GCM limit, which runs for 600 ms. A cold read is one read (the cache is
        // dropped first).
        let (mut sealed_reads, mut plain_reads) = (Vec::new(), Vec::new());
        for _ in 0..if cold || quick { 1 } else { HOT_READS } {
            if cold {
                drop_cache(&blob_path)?;
            }
            let t = Instant::now();
            let n = drain(vault.blob_reader(&id)?)?;
            sealed_reads.push(n as f64 / MIB / t.elapsed().as_secs_f64());
            if cold {
                drop_cache(&plain_path)?;
            }
            let t = Instant::now();
            let n = drain(std::fs::File::open(&plain_path).map_err(Error::io("bench file"))?)?;
            plain_reads.push(n as f64 / MIB / t.elapsed().as_secs_f64());
        }
        let (sealed_read, plain_read) = (median_of(sealed_reads), median_of(plain_reads));
        let name = if cold {
            "sealed blob read (cold cache)"
        } else {
            (plain_hot, sealed_hot) = (plain_read, sealed_read);
            "sealed blob read (page cache)"
        };
        report.row(name, sealed_read, "MiB/s", Some(plain_read), ">= 0.50");
        report.limit(&format!("AES-GCM, {} cores", limit.cores), aead_all);
    }
    // What an app launch does with its artifact: the whole blob into one new buffer. The
    // baseline reads the plain file the same way (`std::fs::read`, one copy into new pages).
    // Timed until the buffer is handed over: wiping it when it is dropped is the caller's
    // (the host moves the artifact out and keeps it).
    let t = Instant::now();
    let all = vault.blob_reader(&id)?.read_all()?;
    let sealed_all = all.len() as f64 / MIB / t.elapsed().as_secs_f64();
    drop(all);
    let t = Instant::now();
    let all = std::fs::read(&plain_path).map_err(Error::io("bench file"))?;
    let plain_all = all.len() as f64 / MIB / t.elapsed().as_secs_f64();
    drop(all);
    report.row(
        "sealed blob read_all (page cache)",
        sealed_all,
        "MiB/s",
        Some(plain_all),
        ">= 0.50",
    );
    report.limit(&format!("AES-GCM, {} cores", limit.cores), aead_all);
    // A sealed read must copy each byte out of the page cache once and run AES-GCM over it
    // once; the cores share both, so even a perfect reader stays below this. (Assumes the
    // copy scales to every core; AES-GCM's all-core figure is measured.)
    let cores = limit.cores as f64;
    let bound = 1.0 / (1.0 / (cores * plain_hot).max(1e-9) + 1.0 / aead_all.max(1e-9));
    report.notes.push(format!(
        "copy + open bound: one page-cache copy per byte ({plain_hot:.0} MiB/s per core, the plain read, \
         on {cores} cores) plus one AES-GCM pass ({aead_all:.0} MiB/s on all cores) = {bound:.0} MiB/s, \
         {:.2} of the all-core AES-GCM limit; the page-cache read reaches {:.2} of this bound",
        bound / aead_all.max(1e-9),
        sealed_hot / bound.max(1e-9)
    ));
    report.notes.push(format!(
        "{n_put} puts, {n_get} gets, {mb} MiB blob (page-cache reads: median of {HOT_READS}); both sides use WAL + synchronous=FULL; \
         a page-cache read of a plain file is a memory copy, so that ratio is bounded by AES-GCM speed; \
         the cold-cache rows drop both files from the cache first (posix_fadvise DONTNEED)"
    ));
    Ok(report)
}

const MIB: f64 = 1024.0 * 1024.0;
/// Page-cache reads of the bench blob per figure (the median is reported).
const HOT_READS: usize = 5;

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

/// The AES-256-GCM implementations the vault could use; the on-disk format is the same for
/// both (96-bit nonce, 128-bit tag), so either opens what the other sealed.
#[derive(Debug, Clone, Copy)]
enum Aead {
    /// RustCrypto `aes-gcm` 0.10 (AES-NI and CLMUL picked at run time by `cpufeatures`).
    RustCrypto,
    /// `ring` 0.17 (BoringSSL's stitched AES-NI/AVX and VAES assembly).
    Ring,
}

impl Aead {
    fn name(self) -> &'static str {
        match self {
            Aead::RustCrypto => "aes-gcm 0.10",
            Aead::Ring => "ring 0.17",
        }
    }
}

/// The implementation the vault seals with (`kapsel_core::vault::crypto`), and the other one.
const SHIPPED: Aead = Aead::Ring;
const OTHER: Aead = Aead::RustCrypto;

/// Seal then open one 64 KiB chunk in place, over and over for `dur`: the work a blob read
/// or write does per chunk, without I/O or copies. Returns bytes processed per second.
fn aead_loop(which: Aead, dur: Duration) -> Result<f64> {
    let key = [7u8; 32];
    let nonce = [1u8; 12];
    let aad = b"kapsel-blob/v1 bench";
    let mut buf = vec![0x5au8; kapsel_core::vault::CHUNK_SIZE];
    let failed = || Error::invalid("AES-256-GCM self-test failed");
    let mut bytes = 0u64;
    let t = Instant::now();
    match which {
        Aead::RustCrypto => {
            use aes_gcm::aead::{AeadInPlace, KeyInit};
            let c = aes_gcm::Aes256Gcm::new_from_slice(&key).map_err(|_| failed())?;
            let n = aes_gcm::Nonce::from_slice(&nonce);
            while t.elapsed() < dur {
                let tag = c
                    .encrypt_in_place_detached(n, aad, &mut buf)
                    .map_err(|_| failed())?;
                c.decrypt_in_place_detached(n, aad, &mut buf, &tag)
                    .map_err(|_| failed())?;
                bytes += 2 * buf.len() as u64;
            }
        }
        Aead::Ring => {
            use ring::aead::{AES_256_GCM, Aad, LessSafeKey, Nonce, UnboundKey};
            let c = LessSafeKey::new(UnboundKey::new(&AES_256_GCM, &key).map_err(|_| failed())?);
            while t.elapsed() < dur {
                let tag = c
                    .seal_in_place_separate_tag(
                        Nonce::assume_unique_for_key(nonce),
                        Aad::from(aad),
                        &mut buf,
                    )
                    .map_err(|_| failed())?;
                c.open_in_place_separate_tag(
                    Nonce::assume_unique_for_key(nonce),
                    Aad::from(aad),
                    tag,
                    &mut buf,
                    0..,
                )
                .map_err(|_| failed())?;
                bytes += 2 * buf.len() as u64;
            }
        }
    }
    if buf.iter().any(|b| *b != 0x5a) {
        return Err(failed());
    }
    Ok(bytes as f64 / t.elapsed().as_secs_f64())
}

/// AES-256-GCM throughput in MiB/s on `threads` threads at once (each on its own core when
/// there are enough): the ceiling for anything that seals or opens.
fn aead_rate(which: Aead, threads: usize, dur: Duration) -> Result<f64> {
    let rates: Vec<Result<f64>> = std::thread::scope(|s| {
        let hs: Vec<_> = (0..threads)
            .map(|_| s.spawn(move || aead_loop(which, dur)))
            .collect();
        hs.into_iter()
            .map(|h| {
                h.join()
                    .unwrap_or_else(|_| Err(Error::invalid("AEAD bench thread failed")))
            })
            .collect()
    });
    let mut sum = 0.0;
    for r in rates {
        sum += r?;
    }
    Ok(sum / MIB)
}

/// `openssl speed -evp aes-256-gcm` at 16 KiB blocks, in MiB/s, if openssl is installed.
fn openssl_rate(quick: bool) -> Option<f64> {
    let out = std::process::Command::new("openssl")
        .args([
            "speed",
            "-evp",
            "aes-256-gcm",
            "-bytes",
            "16384",
            "-seconds",
        ])
        .arg(if quick { "1" } else { "2" })
        .stdin(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .output()
        .ok()?;
    let text = String::from_utf8_lossy(&out.stdout);
    // The result line is `AES-256-GCM  2297235.39k` (1000s of bytes per second).
    let line = text.lines().rev().find(|l| {
        l.trim_start()
            .to_ascii_uppercase()
            .starts_with("AES-256-GCM")
    })?;
    let field = line.split_whitespace().last()?;
    let k: f64 = field.strip_suffix('k')?.parse().ok()?;
    (k.is_finite() && k > 0.0).then(|| k * 1000.0 / MIB)
}

/// What the CPU offers and whether the build can use it: `cpufeatures` (which `aes` and
/// `polyval` consult at run time) sees the same CPUID bits as this.
fn cpu_note() -> String {
    #[cfg(any(target_arch = "x86", target_arch = "x86_64"))]
    {
        let f = [
            ("aes", std::arch::is_x86_feature_detected!("aes")),
            (
                "pclmulqdq",
                std::arch::is_x86_feature_detected!("pclmulqdq"),
            ),
            ("avx2", std::arch::is_x86_feature_detected!("avx2")),
            ("vaes", std::arch::is_x86_feature_detected!("vaes")),
            (
                "vpclmulqdq",
                std::arch::is_x86_feature_detected!("vpclmulqdq"),
            ),
        ];
        let list: Vec<String> = f
            .iter()
            .map(|(n, on)| format!("{n}{}", if *on { "+" } else { "-" }))
            .collect();
        format!(
            "CPU: {} (run-time detection; aes-gcm 0.10 picks AES-NI and CLMUL from aes+pclmulqdq, \
             compiled in without target-cpu; ring also uses avx2/vaes/vpclmulqdq)",
            list.join(" ")
        )
    }
    #[cfg(not(any(target_arch = "x86", target_arch = "x86_64")))]
    {
        format!("CPU: {}", std::env::consts::ARCH)
    }
}

/// The AEAD ceiling for this machine, measured now: per core and all cores for each
/// implementation, the shipped one first.
struct AeadLimit {
    cores: usize,
    /// (implementation, one core MiB/s, all cores MiB/s)
    rates: Vec<(Aead, f64, f64)>,
    openssl: Option<f64>,
}

impl AeadLimit {
    fn measure(quick: bool) -> Result<AeadLimit> {
        let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
        let dur = Duration::from_millis(if quick { 150 } else { 600 });
        let mut rates = Vec::new();
        for which in [SHIPPED, OTHER] {
            rates.push((
                which,
                aead_rate(which, 1, dur)?,
                aead_rate(which, cores, dur)?,
            ));
        }
        Ok(AeadLimit {
            cores,
            rates,
            openssl: openssl_rate(quick),
        })
    }

    fn shipped(&self) -> (f64, f64) {
        self.rates.first().map_or((0.0, 0.0), |r| (r.1, r.2))
    }

    fn rows(&self, report: &mut Report) {
        for (which, one, all) in &self.rates {
            report.row(
                &format!("AES-256-GCM {}, 1 core", which.name()),
                *one,
                "MiB/s",
                None,
                "-",
            );
            report.row(
                &format!("AES-256-GCM {}, {} cores", which.name(), self.cores),
                *all,
                "MiB/s",
                None,
                "-",
            );
        }
        match self.openssl {
            Some(v) => report.row("openssl speed aes-256-gcm 16 KiB", v, "MiB/s", None, "-"),
            None => report
                .notes
                .push("openssl not installed: no reference figure".into()),
        }
    }
}

/// A small deterministic generator: the corpus is the same in every run.
struct XorShift(u64);

impl XorShift {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    /// Skewed towards small indices, like word frequencies in text.
    fn zipfish(&mut self, n: usize) -> usize {
        let u = (self.next() >> 11) as f64 / (1u64 << 53) as f64;
        ((u * u * u) * n as f64) as usize
    }
}

/// German-looking words: compounds of two to four parts, with umlauts and ß.
fn vocabulary(n: usize, rng: &mut XorShift) -> Vec<String> {
    const PARTS: &[&str] = &[
        "haus",
        "halt",
        "plan",
        "straße",
        "müller",
        "amt",
        "stadt",
        "rat",
        "sitz",
        "bau",
        "wohn",
        "zeit",
        "jahr",
        "größe",
        "prüf",
        "räum",
        "schul",
        "kinder",
        "geld",
        "steuer",
        "bericht",
        "antrag",
        "frist",
        "termin",
        "über",
        "unter",
        "ver",
        "ge",
        "be",
        "ung",
        "keit",
        "schaft",
        "los",
        "lich",
        "werk",
        "wasser",
        "strom",
        "netz",
        "daten",
        "schutz",
        "büro",
        "leitung",
        "förder",
        "mittel",
        "bürger",
        "dienst",
        "personal",
        "akte",
        "vermerk",
        "sitzung",
        "kosten",
        "stelle",
        "verkehr",
        "grün",
        "fläche",
        "schule",
        "sport",
        "halle",
        "brücke",
        "weg",
        "kläranlage",
        "feuer",
        "wehr",
        "polizei",
        "ordnung",
        "gebühr",
        "satzung",
        "ausschuss",
    ];
    (0..n)
        .map(|_| {
            let k = 2 + rng.below(3);
            (0..k).map(|_| PARTS[rng.below(PARTS.len())]).collect()
        })
        .collect()
}

fn search(quick: bool) -> Result<Report> {
    use kapsel_mail::search::Index;
    use kapsel_mail::store::{FolderState, MailStore, MessageMeta, Origin, prepare};
    let mut report = Report::default();
    if cfg!(debug_assertions) {
        report
            .notes
            .push("debug build: run the release binary for real numbers".into());
    }
    let n = if quick { 5_000 } else { 50_000 };
    let tmp = tempfile::tempdir().map_err(Error::io("cannot create a temporary folder"))?;
    let vault = Vault::create(
        &tmp.path().join("c"),
        "Bench-Password-1",
        KdfParams::default(),
    )?;
    let store = MailStore::new(&vault);
    let folder = store.save_folder(&FolderState {
        uid_validity: 1,
        ..FolderState::new("INBOX", "INBOX".into(), Origin::Own)
    })?;
    let mut rng = XorShift(0x9e37_79b9_7f4a_7c15);
    let vocab = vocabulary(20_000, &mut rng);
    const NAMES: &[&str] = &[
        "Jörg Müller",
        "Anna Schäfer",
        "Klaus Weiß",
        "Petra Groß",
        "Jürgen Köhler",
        "Sabine Meier",
        "Thomas Brückner",
        "Eva Strauß",
    ];
    let index = Index::new(vault.keys()?);
    let (mut terms, mut whole) = (0usize, 0usize);
    let t = Instant::now();
    let mut uid = 0u32;
    while (uid as usize) < n {
        let mut postings = kapsel_mail::store::Postings::default();
        store.transaction(|| {
            for _ in 0..500 {
                if uid as usize >= n {
                    break;
                }
                uid += 1;
                let mut words = |k: usize| -> String {
                    (0..k)
                        .map(|_| vocab[rng.zipfish(vocab.len())].as_str())
                        .collect::<Vec<_>>()
                        .join(" ")
                };
                let subject = words(5);
                let body = words(120);
                let name = NAMES[uid as usize % NAMES.len()];
                let mut meta = MessageMeta::default();
                meta.summary.subject = subject;
                meta.summary.from = format!("{name} <p{}@amt.example>", uid % 97);
                meta.summary.to = vec!["Kapsel Bench <bench@amt.example>".into()];
                meta.summary.date = 1_790_000_000 + i64::from(uid) * 60;
                meta.size = body.len() as u64;
                meta.complete = true;
                let p = prepare(
                    vault.keys()?,
                    &index,
                    folder,
                    uid,
                    &meta,
                    &body,
                    None,
                    false,
                )?;
                if uid.is_multiple_of(50) {
                    terms += index
                        .terms(
                            &meta.summary.subject,
                            &meta.summary.from,
                            &meta.summary.to,
                            &body,
                        )
                        .len();
                    whole += [
                        &meta.summary.subject,
                        &meta.summary.from,
                        &meta.summary.to[0],
                        &body,
                    ]
                    .iter()
                    .map(|f| kapsel_mail::search::words(f).len())
                    .sum::<usize>();
                }
                store.write_deferred(p, &mut postings, &mut Default::default())?;
            }
            store.flush_postings(&mut postings)
        })?;
    }
    let build = t.elapsed();
    report.row(
        &format!("index {n} messages (seal + terms + insert)"),
        n as f64 / build.as_secs_f64(),
        "msg/s",
        None,
        "-",
    );
    // Queries a person types: beginnings of words, whole words, umlauts spelt out, a
    // sender, two words at once.
    let mut queries: Vec<String> = Vec::new();
    for i in 0..if quick { 40 } else { 200 } {
        let w = &vocab[rng.zipfish(vocab.len())];
        let (folded, _) = kapsel_mail::search::fold(w);
        let cut: String = folded.chars().take(3 + i % 6).collect();
        queries.push(match i % 5 {
            0 => cut,
            1 => w.clone(),
            2 => folded,
            3 => format!("from:{}", ["mueller", "schaef", "weiss", "strauss"][i % 4]),
            _ => format!("{cut} {}", &vocab[rng.below(vocab.len())]),
        });
    }
    let mut lat = Vec::new();
    let mut hits = 0usize;
    for q in &queries {
        let t = Instant::now();
        let found = kapsel_mail::search(&vault, q, 50)?;
        lat.push(t.elapsed().as_secs_f64() * 1000.0);
        hits += found.len();
    }
    lat.sort_by(|a, b| a.total_cmp(b));
    let pct = |p: f64| lat[((lat.len() - 1) as f64 * p).round() as usize];
    report.row(
        &format!("search over {n}, median"),
        pct(0.5),
        "ms",
        None,
        "-",
    );
    report.row(
        &format!("search over {n}, p95"),
        pct(0.95),
        "ms",
        None,
        "< 50 ms",
    );
    report.row(&format!("search over {n}, max"), pct(1.0), "ms", None, "-");
    let db = std::fs::metadata(tmp.path().join("c").join("vault.db")).map_or(0, |m| m.len())
        + std::fs::metadata(tmp.path().join("c").join("vault.db-wal")).map_or(0, |m| m.len());
    report.notes.push(format!(
        "{} queries (word beginnings of 3-8 letters, whole words, folded umlauts, senders, two words), \
         up to 50 hits each opened; {:.0} hits on average; corpus: 5-word subjects and 120-word bodies \
         from 20,000 compound words; index terms per message {:.0} (whole words alone would be {:.0}); \
         database {:.0} MiB",
        queries.len(),
        hits as f64 / queries.len() as f64,
        terms as f64 / (n / 50) as f64,
        whole as f64 / (n / 50) as f64,
        db as f64 / MIB
    ));
    Ok(report)
}
