//! Calendar sync benchmark: 5,000 events in a Radicale calendar (a private instance, so the
//! numbers are not disturbed by other tests' collections), synced by Kapsel (sealing every
//! object into the vault) and by vdirsyncer (`pip install vdirsyncer`, a well-known CalDAV
//! sync client writing plain files) in the same run: the first sync, an incremental sync
//! after 50 events changed on the server, and a sync with nothing to do. Goal: Kapsel at
//! least as fast as vdirsyncer (ratio ≥ 1.0).

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use kapsel_tests::dav::{PrivateRadicale, event};
use kapsel_tests::mail::MAIL_PASSWORD;

const EVENTS: usize = 5_000;
const CHANGED: usize = 50;

fn secs(d: Duration) -> f64 {
    d.as_secs_f64()
}

fn vdirsyncer(config: &std::path::Path, args: &[&str]) -> Duration {
    let t = Instant::now();
    let out = Command::new("vdirsyncer")
        .arg("-c")
        .arg(config)
        .args(args)
        .stdin(Stdio::piped())
        .output()
        .expect("vdirsyncer runs (pip install vdirsyncer)");
    let took = t.elapsed();
    assert!(
        out.status.success(),
        "vdirsyncer {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    took
}

fn main() {
    // Radicale needs minutes to index 5,000 new items: the prepared storage is kept in
    // KAPSEL_BENCH_RADICALE (default /tmp/kapsel-bench-radicale) and reused by later runs.
    let store = std::path::PathBuf::from(
        std::env::var("KAPSEL_BENCH_RADICALE")
            .unwrap_or_else(|_| "/tmp/kapsel-bench-radicale".into()),
    );
    let radicale = PrivateRadicale::start_in(store.clone());
    let server = radicale.server();
    let marker = store.join("prepared");
    let cal = match std::fs::read_to_string(&marker) {
        Ok(name) => format!("{}{}/", server.calendars, name.trim()),
        Err(_) => {
            let (cal, name) = server.new_calendar("bench");
            // Written straight into Radicale's storage (5,000 PUTs would measure Radicale).
            let folder = store
                .join("collections/collection-root/alice@corp.test")
                .join(&name);
            for i in 0..EVENTS {
                let day = 1 + i % 28;
                let hour = 7 + i % 10;
                let text = event(
                    &format!("bench-{i}@test"),
                    &format!("Termin {i} mit Ä Ö Ü"),
                    &format!("202612{day:02}T{hour:02}0000"),
                    &format!("202612{day:02}T{hour:02}3000"),
                    "LOCATION:Raum 1.23\r\nDESCRIPTION:Besprechung der Vorlage\\, Teil 2\r\n",
                );
                std::fs::write(folder.join(format!("bench-{i}.ics")), text).unwrap();
            }
            std::fs::write(&marker, &name).unwrap();
            cal
        }
    };
    // Let Radicale (re)build its cache once, for both clients alike.
    let t = Instant::now();
    let out = Command::new("curl")
        .args(["-sS", "-X", "PROPFIND", "-H", "Depth: 1", "-u"])
        .arg(format!("alice@corp.test:{MAIL_PASSWORD}"))
        .arg(&cal)
        .output()
        .unwrap();
    let listing = kapsel_dav::parse(&String::from_utf8_lossy(&out.stdout)).expect("a listing");
    assert_eq!(listing.responses.len(), EVENTS + 1);
    println!(
        "Radicale listed {EVENTS} events in {:.1} s (not counted)",
        secs(t.elapsed())
    );
    let run = std::process::id();

    // The worker syncs on its schedule, which here is only tomorrow: each `sync now` below
    // is the whole sync, not the rest of one the worker began at unlock.
    let today = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs()
        / 86_400;
    let tomorrow = ["thu", "fri", "sat", "sun", "mon", "tue", "wed"][((today + 1) % 7) as usize];
    let policy = server.policy("").replacen(
        "max_interval_minutes = 240\n",
        &format!("max_interval_minutes = 240\ndays = [\"{tomorrow}\"]\n"),
        1,
    );
    let env = kapsel_tests::mail::unlocked_env("alice@corp.test", &policy);
    let sync = |what: &str| {
        let t = Instant::now();
        let r = env.run(&["--json", "sync", "now"]);
        let took = t.elapsed();
        r.ok();
        let g = &r.json()["groupware"]["collections"][0];
        println!(
            "  kapsel {what}: {:.2} s ({} added, {} changed)",
            secs(took),
            g["added"],
            g["changed"]
        );
        took
    };

    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("config");
    std::fs::create_dir_all(dir.path().join("local")).unwrap();
    std::fs::write(
        &config,
        format!(
            "[general]\nstatus_path = \"{d}/status/\"\n\n[pair bench]\na = \"local\"\nb = \"remote\"\ncollections = [\"from b\"]\n\n[storage local]\ntype = \"filesystem\"\npath = \"{d}/local/\"\nfileext = \".ics\"\n\n[storage remote]\ntype = \"caldav\"\nurl = \"{url}\"\nusername = \"alice@corp.test\"\npassword = \"{MAIL_PASSWORD}\"\n",
            d = dir.path().display(),
            url = radicale.url()
        ),
    )
    .unwrap();
    // The local side of the pair: a folder named like the remote collection.
    let name = cal.trim_end_matches('/').rsplit('/').next().unwrap();
    std::fs::create_dir_all(dir.path().join("local").join(name)).unwrap();
    vdirsyncer(&config, &["discover", "bench"]);

    println!("First sync of {EVENTS} events:");
    let k_first = sync("first");
    let v_first = vdirsyncer(&config, &["sync"]);
    println!("  vdirsyncer first: {:.2} s", secs(v_first));

    for i in 0..CHANGED {
        let n = i * (EVENTS / CHANGED);
        let text = event(
            &format!("bench-{n}@test"),
            &format!("Termin {n} verschoben ({run})"),
            "20261215T140000",
            "20261215T150000",
            "",
        );
        let r = server.put(&format!("{cal}bench-{n}.ics"), &text, None);
        assert!(r.status / 100 == 2, "{r:?}");
    }
    println!("Incremental sync after {CHANGED} changes:");
    let k_inc = sync("incremental");
    let v_inc = vdirsyncer(&config, &["sync"]);
    println!("  vdirsyncer incremental: {:.2} s", secs(v_inc));
    println!("Sync with nothing changed:");
    let k_none = sync("unchanged");
    let v_none = vdirsyncer(&config, &["sync"]);
    println!("  vdirsyncer unchanged: {:.2} s", secs(v_none));

    println!();
    println!("Speed ratio (vdirsyncer time / Kapsel time; goal ≥ 1.0):");
    for (what, k, v) in [
        ("first", k_first, v_first),
        ("incremental", k_inc, v_inc),
        ("unchanged", k_none, v_none),
    ] {
        println!(
            "  {what:<12} {:.2}x  (Kapsel {:.2} s, vdirsyncer {:.2} s)",
            secs(v) / secs(k),
            secs(k),
            secs(v)
        );
    }
}
