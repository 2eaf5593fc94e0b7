//! `kapsel bench`: throughput and latency against a baseline measured in the same run, so
//! the ratios hold on any machine. Build with `--release`; debug numbers mean little.

use std::io::{Read, Write};
use std::time::{Duration, Instant};

use serde::Serialize;

use crate::error::{Error, Result};
use crate::vault::{KdfParams, OnLimit, UnlockRules, Vault};

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum Target {
    /// Unlock time, sealed key-value get/put, sealed blob write/read.
    Vault,
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

pub fn run(target: Target, quick: bool) -> Result<Report> {
    match target {
        Target::Vault => vault(quick),
    }
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

    let blob_path = root.join(crate::vault::BLOB_DIR).join(&id);
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
