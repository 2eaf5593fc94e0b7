//! Crash-test writer: unlocks a vault and writes records (and every fifth time a blob) in a
//! loop, printing each index only after its transaction committed. The crash test kills it
//! with SIGKILL at random moments and then checks that every printed index is in the vault.
//!
//! Usage: crash-writer <container> <password> <first-index>

use std::io::Write;
use std::time::Duration;

use kapsel_core::vault::{OnLimit, UnlockRules, Vault};
use kapsel_tests::crash_value as value_for;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if args.len() != 4 {
        eprintln!("usage: crash-writer <container> <password> <first-index>");
        std::process::exit(2);
    }
    let first: u64 = args[3].parse().expect("first index");
    let mut vault = Vault::open(std::path::Path::new(&args[1])).expect("open");
    let rules = UnlockRules {
        max_failed: 100,
        on_limit: OnLimit::Lockout,
        backoff_base: Duration::ZERO,
        backoff_max: Duration::ZERO,
    };
    vault.unlock(&args[2], &rules).expect("unlock");
    let mut out = std::io::stdout().lock();
    for i in first.. {
        let value = value_for(i);
        if i % 5 == 0 {
            let mut w = vault.blob_writer("crash").expect("blob");
            for _ in 0..4 {
                w.write_bytes(&value).expect("blob write");
            }
            let id = w.finish().expect("blob finish");
            vault
                .put("crash-blobs", &format!("b{i}"), id.as_bytes())
                .expect("put blob id");
        }
        vault.put("crash", &format!("k{i}"), &value).expect("put");
        writeln!(out, "{i}").expect("ack");
        out.flush().expect("ack");
    }
}
