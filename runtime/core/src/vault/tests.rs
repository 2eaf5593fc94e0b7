//! Vault tests: sealing in place, tamper detection on real files, counters and wipes.

use std::time::Duration;

use super::*;

const PW: &str = "Correct-Horse-9";

fn rules(max_failed: u32, on_limit: OnLimit) -> UnlockRules {
    UnlockRules {
        max_failed,
        on_limit,
        backoff_base: Duration::from_millis(20),
        backoff_max: Duration::from_secs(2),
    }
}

fn fresh() -> (tempfile::TempDir, std::path::PathBuf, Vault) {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("c");
    let v = Vault::create(&root, PW, MIN_PARAMS).unwrap();
    (tmp, root, v)
}

fn wait_out_backoff(v: &Vault) {
    let f = v.failed_unlocks().unwrap();
    let now = now_ms();
    if f.retry_after_ms > now {
        std::thread::sleep(Duration::from_millis(f.retry_after_ms - now + 5));
    }
}

#[test]
fn a_panic_in_a_transaction_rolls_it_back_and_the_connection_writes_on() {
    let (_t, root, v) = fresh();
    let caught = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        v.write_tx(|| -> Result<()> {
            v.put("mail", "half", b"written before the panic")?;
            panic!("a bug in the middle of a change")
        })
    }));
    assert!(caught.is_err());
    assert!(v.conn().is_autocommit(), "left inside the transaction");
    assert!(v.get("mail", "half").unwrap().is_none());
    // The next change commits, and another connection sees it (no write lock held).
    v.put("mail", "next", b"after").unwrap();
    let other = v.share().unwrap();
    assert_eq!(
        other.get("mail", "next").unwrap().unwrap().as_slice(),
        b"after"
    );
    other.put("mail", "other", b"writes too").unwrap();
    drop(other);
    // A sync's own batch left open with relaxed durability: after_panic undoes both.
    v.conn()
        .execute_batch("PRAGMA synchronous = NORMAL; PRAGMA wal_autocheckpoint = 0; BEGIN")
        .unwrap();
    v.put("mail", "batch", b"not committed").unwrap();
    v.after_panic();
    assert!(v.conn().is_autocommit());
    assert!(v.get("mail", "batch").unwrap().is_none());
    let sync: i64 = v
        .conn()
        .query_row("PRAGMA synchronous", [], |r| r.get(0))
        .unwrap();
    assert_eq!(sync, 2, "FULL again");
    drop(v);
    let (reopened, unlocked) = reopen(&root);
    unlocked.unwrap();
    assert!(reopened.get("mail", "half").unwrap().is_none());
}

#[test]
fn records_round_trip_and_list() {
    let (_t, _root, v) = fresh();
    v.put("mail", "b", b"two").unwrap();
    v.put("mail", "a", b"one").unwrap();
    v.put("app:news", "a", b"other namespace").unwrap();
    assert_eq!(v.get("mail", "a").unwrap().unwrap().as_slice(), b"one");
    assert_eq!(v.keys_in("mail").unwrap(), vec!["a", "b"]);
    // Keys count as well as values, each at its sealed size class: many small keys cannot
    // hide from a quota.
    assert_eq!(v.usage("mail").unwrap(), 2 * super::charged_size(1, 3));
    assert_eq!(super::charged_size(1, 3), 128);
    assert!(v.delete("mail", "a").unwrap());
    assert!(v.get("mail", "a").unwrap().is_none());
    assert!(v.put("bad ns", "k", b"v").is_err());
}

#[test]
fn locked_vault_refuses_data_access() {
    let (_t, root, v) = fresh();
    drop(v);
    let v = Vault::open(&root).unwrap();
    assert!(matches!(v.get("mail", "a"), Err(Error::Locked)));
    assert!(matches!(v.put("mail", "a", b"x"), Err(Error::Locked)));
    assert!(matches!(v.blob_writer("mail"), Err(Error::Locked)));
}

#[test]
fn flipped_byte_in_a_record_is_an_integrity_error() {
    let (_t, _root, v) = fresh();
    v.put("mail", "k", b"a sealed value").unwrap();
    let sealed: Vec<u8> = v
        .conn()
        .query_row("SELECT value FROM kv", [], |r| r.get(0))
        .unwrap();
    for i in 0..sealed.len() {
        let mut bad = sealed.clone();
        bad[i] ^= 0x01;
        v.conn()
            .execute("UPDATE kv SET value = ?1", [&bad])
            .unwrap();
        assert!(
            matches!(v.get("mail", "k"), Err(Error::Tampered(_))),
            "byte {i}"
        );
    }
    v.conn()
        .execute("UPDATE kv SET value = ?1", [&sealed])
        .unwrap();
    assert_eq!(
        v.get("mail", "k").unwrap().unwrap().as_slice(),
        b"a sealed value"
    );
}

#[test]
fn ciphertexts_swapped_between_rows_are_detected() {
    let (_t, _root, v) = fresh();
    v.put("mail", "one", b"first").unwrap();
    v.put("mail", "two", b"second").unwrap();
    let rows: Vec<(Vec<u8>, Vec<u8>)> = {
        let mut s = v.conn().prepare("SELECT key_id, value FROM kv").unwrap();
        s.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
            .unwrap()
            .map(|r| r.unwrap())
            .collect()
    };
    v.conn()
        .execute(
            "UPDATE kv SET value = ?1 WHERE key_id = ?2",
            rusqlite::params![rows[1].1, rows[0].0],
        )
        .unwrap();
    v.conn()
        .execute(
            "UPDATE kv SET value = ?1 WHERE key_id = ?2",
            rusqlite::params![rows[0].1, rows[1].0],
        )
        .unwrap();
    assert!(matches!(v.get("mail", "one"), Err(Error::Tampered(_))));
    assert!(matches!(v.get("mail", "two"), Err(Error::Tampered(_))));
    // Moving a record into another namespace does not open either.
    v.put("app:a", "k", b"mine").unwrap();
    v.conn()
        .execute("UPDATE kv SET ns = 'app:b' WHERE ns = 'app:a'", [])
        .unwrap();
    assert!(
        v.get("app:b", "k").unwrap().is_none(),
        "the key id binds the namespace too"
    );
}

fn blob_file(root: &Path, id: &str) -> std::path::PathBuf {
    root.join(BLOB_DIR).join(id)
}

fn write_blob(v: &Vault, data: &[u8]) -> String {
    let mut w = v.blob_writer("mail").unwrap();
    // Uneven writes so chunk boundaries do not line up with the caller's.
    for piece in data.chunks(10_007) {
        w.write_bytes(piece).unwrap();
    }
    w.finish().unwrap()
}

#[test]
fn blobs_round_trip_at_chunk_boundaries() {
    let (_t, _root, v) = fresh();
    for size in [
        0,
        1,
        blob::CHUNK_SIZE - 1,
        blob::CHUNK_SIZE,
        blob::CHUNK_SIZE + 1,
        3 * blob::CHUNK_SIZE + 17,
    ] {
        let data: Vec<u8> = (0..size).map(|i| (i % 251) as u8).collect();
        let id = write_blob(&v, &data);
        assert_eq!(
            v.blob_reader(&id).unwrap().read_all().unwrap().as_slice(),
            &data[..],
            "size {size}"
        );
        let info = v.blob_info(&id).unwrap().unwrap();
        assert_eq!(info.size, size as u64);
    }
}

#[test]
fn blobs_written_around_the_page_cache_are_the_same_bytes() {
    let (_t, root, v) = fresh();
    // Past the staging's megabyte too, so whole-block writes and the cut tail both happen.
    for size in [
        0,
        1,
        blob::CHUNK_SIZE,
        17 * blob::CHUNK_SIZE + 4095,
        40 * blob::CHUNK_SIZE,
    ] {
        let data: Vec<u8> = (0..size).map(|i| (i % 253) as u8).collect();
        let mut direct = v.blob_sink("mail-pack").unwrap();
        direct.bypass_page_cache();
        let mut cached = v.blob_sink("mail-pack").unwrap();
        for piece in data.chunks(30_011) {
            direct.write_bytes(&v, piece).unwrap();
            cached.write_bytes(&v, piece).unwrap();
        }
        let (d, c) = (direct.finish(&v).unwrap(), cached.finish(&v).unwrap());
        let len = |id: &str| std::fs::metadata(blob_file(&root, id)).unwrap().len();
        assert_eq!(len(&d), len(&c), "size {size}: no padding is left behind");
        assert_eq!(
            v.blob_reader(&d).unwrap().read_all().unwrap().as_slice(),
            &data[..],
            "size {size}"
        );
    }
}

#[test]
fn a_range_read_seeks_to_its_chunk_and_still_authenticates_it() {
    use std::io::Read;
    let (_t, root, v) = fresh();
    let data: Vec<u8> = (0..5 * blob::CHUNK_SIZE + 333)
        .map(|i| (i % 241) as u8)
        .collect();
    let id = write_blob(&v, &data);
    let c = blob::CHUNK_SIZE;
    for (offset, len) in [
        (0, 10),
        (c - 1, 2),
        (c, c),
        (2 * c + 5, 3 * c),
        (5 * c + 300, 100),
        (data.len() - 1, 1),
    ] {
        let mut r = v.blob_reader(&id).unwrap();
        r.seek_to(offset as u64).unwrap();
        let mut out = Vec::new();
        r.take(len as u64).read_to_end(&mut out).unwrap();
        let end = (offset + len).min(data.len());
        assert_eq!(out, &data[offset..end], "offset {offset}");
    }
    let mut r = v.blob_reader(&id).unwrap();
    r.seek_to(data.len() as u64 + 10).unwrap();
    assert_eq!(
        r.read(&mut [0u8; 8]).unwrap(),
        0,
        "past the end reads nothing"
    );
    // A chunk moved onto the sought position is still caught by its index.
    let path = blob_file(&root, &id);
    let original = std::fs::read(&path).unwrap();
    let stride = 4 + crypto::SEAL_OVERHEAD + c;
    let mut moved = original.clone();
    moved.copy_within(9..9 + stride, 9 + 2 * stride);
    std::fs::write(&path, &moved).unwrap();
    let mut r = v.blob_reader(&id).unwrap();
    assert!(matches!(
        r.seek_to(2 * c as u64 + 1),
        Err(Error::Tampered(_))
    ));
    // The chunks before the range are never decrypted: damage there does not matter to it.
    let mut early = original.clone();
    early[9 + 100] ^= 1;
    std::fs::write(&path, &early).unwrap();
    let mut r = v.blob_reader(&id).unwrap();
    r.seek_to(3 * c as u64).unwrap();
    let mut out = vec![0u8; 16];
    r.read_exact(&mut out).unwrap();
    assert_eq!(out, &data[3 * c..3 * c + 16]);
}

#[test]
fn any_mix_of_seeks_and_reads_returns_the_blobs_own_bytes() {
    let (_t, _root, v) = fresh();
    let c = blob::CHUNK_SIZE;
    let data: Vec<u8> = (0..7 * c + 4321).map(|i| (i * 7 % 253) as u8).collect();
    let id = write_blob(&v, &data);
    let mut r = v.blob_reader(&id).unwrap();
    let mut at = 0usize;
    let mut state = 0x9e37_79b9_7f4a_7c15u64;
    let mut next = |n: usize| {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        (state % n as u64) as usize
    };
    let mut buf = vec![0u8; 3 * c + 10];
    for step in 0..400 {
        match next(4) {
            // Near where the reader is (inside its batch or just past it), or anywhere.
            0 => at = at.saturating_sub(next(2 * c)),
            1 => at += next(c),
            2 => at = next(data.len() + 100),
            _ => {}
        }
        r.seek_to(at as u64).unwrap();
        // Small reads go through the batch, large ones straight into the buffer.
        let want = match next(3) {
            0 => 1 + next(100),
            1 => 1 + next(c),
            _ => c + next(2 * c + 10),
        };
        let n = r.read_into(&mut buf[..want]).unwrap();
        let from = at.min(data.len());
        assert!(n <= want && from + n <= data.len(), "step {step}");
        assert_eq!(&buf[..n], &data[from..from + n], "step {step} at {at}");
        assert!(
            n > 0 || at >= data.len(),
            "step {step}: nothing read at {at}"
        );
        at += n;
    }
}

#[test]
fn a_seek_back_into_the_last_batch_reads_nothing_again_and_keeps_its_damage() {
    use std::io::Read;
    let (_t, root, v) = fresh();
    let c = blob::CHUNK_SIZE;
    let data: Vec<u8> = (0..5 * c + 333).map(|i| (i % 239) as u8).collect();
    let id = write_blob(&v, &data);
    let path = blob_file(&root, &id);
    let original = std::fs::read(&path).unwrap();
    let mut r = v.blob_reader(&id).unwrap();
    r.seek_to(10).unwrap();
    let mut out = vec![0u8; 100];
    r.read_exact(&mut out).unwrap();
    assert_eq!(out, &data[10..110]);
    // The file is garbage from here on: what the first batch opened is still served, a seek
    // beyond it reads the file again and is refused.
    std::fs::write(&path, vec![0x33u8; original.len()]).unwrap();
    r.seek_to(c as u64 + 5).unwrap();
    r.read_exact(&mut out).unwrap();
    assert_eq!(out, &data[c + 5..c + 105]);
    r.seek_to(0).unwrap();
    r.read_exact(&mut out).unwrap();
    assert_eq!(out, &data[..100]);
    assert!(matches!(r.seek_to(3 * c as u64), Err(Error::Tampered(_))));

    // A batch that stopped at a damaged chunk: a seek back into its good part returns those
    // bytes, and reading on still ends in the error, never in the damaged chunk's bytes.
    let mut damaged = original.clone();
    let stride = 4 + crypto::SEAL_OVERHEAD + c;
    damaged[9 + stride + 100] ^= 1;
    std::fs::write(&path, &damaged).unwrap();
    let mut r = v.blob_reader(&id).unwrap();
    r.seek_to(0).unwrap();
    r.seek_to(5).unwrap();
    let mut got = Vec::new();
    let mut buf = [0u8; 1000];
    let err = loop {
        match r.read(&mut buf) {
            Ok(0) => panic!("the damaged chunk was not reported"),
            Ok(n) => got.extend_from_slice(&buf[..n]),
            Err(e) => break e,
        }
    };
    assert_eq!(got, &data[5..c]);
    assert_eq!(err.kind(), std::io::ErrorKind::InvalidData, "{err}");
}

#[test]
fn damaged_blobs_are_detected() {
    let (_t, root, v) = fresh();
    let data: Vec<u8> = (0..3 * blob::CHUNK_SIZE + 100)
        .map(|i| (i % 253) as u8)
        .collect();
    let id = write_blob(&v, &data);
    let path = blob_file(&root, &id);
    let original = std::fs::read(&path).unwrap();
    let expect_tampered = |what: &str| match v.blob_reader(&id).and_then(|r| r.read_all()) {
        Err(Error::Tampered(_)) => {}
        other => panic!(
            "{what}: expected an integrity error, got {:?}",
            other.map(|d| d.len())
        ),
    };
    // Flipped bytes spread over header, lengths, nonces, ciphertexts and tags.
    let step = original.len() / 97;
    for i in (0..original.len())
        .step_by(step.max(1))
        .chain([original.len() - 1])
    {
        let mut bad = original.clone();
        bad[i] ^= 0x80;
        std::fs::write(&path, &bad).unwrap();
        expect_tampered(&format!("flip at {i}"));
    }
    // Truncation anywhere, including exactly at a chunk boundary.
    let chunk_on_disk = 4 + crypto::SEAL_OVERHEAD + blob::CHUNK_SIZE;
    for cut in [
        0,
        5,
        9,
        9 + chunk_on_disk,
        9 + 2 * chunk_on_disk,
        original.len() - 1,
    ] {
        std::fs::write(&path, &original[..cut]).unwrap();
        expect_tampered(&format!("truncated at {cut}"));
    }
    // Appended data.
    let mut longer = original.clone();
    longer.extend_from_slice(&original[9..9 + chunk_on_disk]);
    std::fs::write(&path, &longer).unwrap();
    expect_tampered("appended chunk");
    // Two chunks swapped.
    let mut swapped = original[..9].to_vec();
    swapped.extend_from_slice(&original[9 + chunk_on_disk..9 + 2 * chunk_on_disk]);
    swapped.extend_from_slice(&original[9..9 + chunk_on_disk]);
    swapped.extend_from_slice(&original[9 + 2 * chunk_on_disk..]);
    std::fs::write(&path, &swapped).unwrap();
    expect_tampered("reordered chunks");
    // A blob file moved under another blob's name.
    std::fs::write(&path, &original).unwrap();
    let other = write_blob(&v, &data);
    std::fs::copy(&path, blob_file(&root, &other)).unwrap();
    assert!(matches!(
        v.blob_reader(&other).and_then(|r| r.read_all()),
        Err(Error::Tampered(_))
    ));
    // A recorded blob whose file vanished.
    std::fs::remove_file(&path).unwrap();
    expect_tampered("missing file");
    // Streaming read reports the damage as an I/O error, never wrong bytes.
    let mut bad = original.clone();
    let last = bad.len() - 3;
    bad[last] ^= 1;
    std::fs::write(&path, &bad).unwrap();
    let mut r = v.blob_reader(&id).unwrap();
    let mut sink = Vec::new();
    let err = std::io::Read::read_to_end(&mut r, &mut sink).unwrap_err();
    assert_eq!(err.kind(), std::io::ErrorKind::InvalidData);
    assert!(
        sink.len() <= 3 * blob::CHUNK_SIZE,
        "only verified chunks were released"
    );
}

#[test]
fn a_parallel_batch_releases_exactly_the_verified_chunks_before_damage() {
    // 150 chunks: several batches, each opened on all cores. A chunk damaged in the middle of
    // a batch (after chunks other threads have already opened) ends the stream right before it.
    let (_t, root, v) = fresh();
    let c = blob::CHUNK_SIZE;
    let data: Vec<u8> = (0..150 * c + 77).map(|i| (i * 7 % 251) as u8).collect();
    let id = write_blob(&v, &data);
    assert_eq!(
        v.blob_reader(&id).unwrap().read_all().unwrap().as_slice(),
        &data[..]
    );
    let path = blob_file(&root, &id);
    let original = std::fs::read(&path).unwrap();
    let stride = 4 + crypto::SEAL_OVERHEAD + c;
    for damaged in [0usize, 1, 40, 97, 149, 150] {
        let mut bad = original.clone();
        bad[9 + damaged * stride + 4 + 20] ^= 0x10;
        std::fs::write(&path, &bad).unwrap();
        let mut r = v.blob_reader(&id).unwrap();
        let mut sink = Vec::new();
        let err = std::io::Read::read_to_end(&mut r, &mut sink).unwrap_err();
        assert_eq!(err.kind(), std::io::ErrorKind::InvalidData);
        assert_eq!(sink.len(), damaged * c, "chunk {damaged}");
        assert_eq!(sink, &data[..damaged * c], "chunk {damaged}");
        assert!(matches!(
            v.blob_reader(&id).and_then(|r| r.read_all()),
            Err(Error::Tampered(_))
        ));
    }
}

#[test]
fn a_large_read_into_the_callers_buffer_withholds_damaged_and_later_chunks() {
    // 40 chunks read with one call into a buffer that holds them all: the chunks are opened
    // straight into it on all cores, so chunks after the damaged one may well have been
    // decrypted there by another thread. None of that may stay behind.
    let (_t, root, v) = fresh();
    let c = blob::CHUNK_SIZE;
    let data: Vec<u8> = (0..40 * c - 5).map(|i| (i * 13 % 251) as u8 | 1).collect();
    let id = write_blob(&v, &data);
    let mut all = vec![0u8; data.len() + 100];
    let mut r = v.blob_reader(&id).unwrap();
    assert_eq!(r.read_into(&mut all).unwrap(), data.len());
    assert_eq!(&all[..data.len()], &data[..]);
    assert_eq!(r.read_into(&mut all).unwrap(), 0);
    let path = blob_file(&root, &id);
    let original = std::fs::read(&path).unwrap();
    let stride = 4 + crypto::SEAL_OVERHEAD + c;
    // A flipped ciphertext byte, a flipped tag byte, and a length field that lies.
    for (damaged, at) in [(17usize, 4 + 40), (23, stride - 1), (31, 2)] {
        let mut bad = original.clone();
        bad[9 + damaged * stride + at] ^= 0x10;
        std::fs::write(&path, &bad).unwrap();
        let mut out = vec![0xeeu8; data.len()];
        let mut r = v.blob_reader(&id).unwrap();
        let n = r.read_into(&mut out).unwrap();
        assert_eq!(n, damaged * c, "chunk {damaged}");
        assert_eq!(&out[..n], &data[..n], "chunk {damaged}");
        assert!(
            out[n..].iter().all(|b| *b == 0),
            "nothing of chunk {damaged} or after it is left in the buffer"
        );
        assert!(matches!(r.read_into(&mut out), Err(Error::Tampered(_))));
        assert!(matches!(
            v.blob_reader(&id).and_then(|r| r.read_all()),
            Err(Error::Tampered(_))
        ));
    }
}

#[test]
fn unfinished_blob_leaves_nothing() {
    let (_t, root, v) = fresh();
    let mut w = v.blob_writer("mail").unwrap();
    w.write_bytes(&[1u8; 100_000]).unwrap();
    drop(w);
    assert_eq!(std::fs::read_dir(root.join(BLOB_DIR)).unwrap().count(), 0);
}

#[test]
fn wrong_passwords_count_back_off_and_reset() {
    let (_t, root, v) = fresh();
    drop(v);
    let r = UnlockRules {
        backoff_base: Duration::from_millis(150),
        ..rules(5, OnLimit::Wipe)
    };
    let mut v = Vault::open(&root).unwrap();
    let mut waits = Vec::new();
    for n in 1..=3u32 {
        wait_out_backoff(&v);
        match v.unlock("wrong", &r) {
            Err(Error::WrongPassword {
                failures,
                remaining,
                ..
            }) => {
                assert_eq!((failures, remaining), (n, 5 - n));
            }
            other => panic!("attempt {n}: {other:?}"),
        }
        // Immediately again: refused without counting, with a growing wait.
        match v.unlock("wrong", &r) {
            Err(Error::BackOff { retry_after }) => waits.push(retry_after),
            other => panic!("expected back-off, got {other:?}"),
        }
        assert_eq!(v.failed_unlocks().unwrap().count, n);
    }
    assert!(waits[0] < waits[1] && waits[1] < waits[2], "{waits:?}");
    wait_out_backoff(&v);
    v.unlock(PW, &r).unwrap();
    assert_eq!(v.failed_unlocks().unwrap().count, 0);
}

#[test]
fn the_limit_wipes_the_container() {
    let (_t, root, v) = fresh();
    v.put("mail", "k", b"data").unwrap();
    drop(v);
    let r = rules(3, OnLimit::Wipe);
    let mut v = Vault::open(&root).unwrap();
    for _ in 0..2 {
        wait_out_backoff(&v);
        assert!(matches!(
            v.unlock("wrong", &r),
            Err(Error::WrongPassword { .. })
        ));
    }
    wait_out_backoff(&v);
    assert!(matches!(v.unlock("wrong", &r), Err(Error::Wiped(3))));
    assert!(!root.join(DB_FILE).exists());
    assert!(!root.exists(), "the empty folder is removed too");
    assert!(matches!(Vault::open(&root), Err(Error::NotEnrolled(_))));
    // Even the right password cannot help now.
    assert!(v.unlock(PW, &r).is_err());
}

#[test]
fn lockout_mode_keeps_data_and_refuses_for_a_while() {
    let (_t, root, v) = fresh();
    drop(v);
    // The lockout must outlast a busy machine's pause between two calls (300 ms did not
    // under a loaded CI: the right password got through after the window had closed).
    let r = UnlockRules {
        backoff_max: Duration::from_secs(3),
        ..rules(2, OnLimit::Lockout)
    };
    let mut v = Vault::open(&root).unwrap();
    assert!(matches!(
        v.unlock("wrong", &r),
        Err(Error::WrongPassword { .. })
    ));
    wait_out_backoff(&v);
    assert!(matches!(v.unlock("wrong", &r), Err(Error::BackOff { .. })));
    assert!(
        matches!(v.unlock(PW, &r), Err(Error::BackOff { .. })),
        "locked out even for the right password"
    );
    wait_out_backoff(&v);
    v.unlock(PW, &r).unwrap();
}

#[test]
fn a_killed_attempt_still_counts() {
    // The counter is written before the key derivation: simulate by reading it mid-way.
    let (_t, root, v) = fresh();
    drop(v);
    let mut v = Vault::open(&root).unwrap();
    let _ = v.unlock("wrong", &rules(10, OnLimit::Wipe));
    assert_eq!(v.failed_unlocks().unwrap().count, 1);
}

#[test]
fn password_change_rewraps_only() {
    let (_t, root, mut v) = fresh();
    v.put("mail", "k", b"kept").unwrap();
    let before = v.keys().unwrap().fingerprint();
    v.rewrap("New-Password-42", MIN_PARAMS).unwrap();
    drop(v);
    let r = rules(10, OnLimit::Wipe);
    let mut v = Vault::open(&root).unwrap();
    assert!(matches!(v.unlock(PW, &r), Err(Error::WrongPassword { .. })));
    wait_out_backoff(&v);
    v.unlock("New-Password-42", &r).unwrap();
    assert_eq!(v.keys().unwrap().fingerprint(), before);
    assert_eq!(v.get("mail", "k").unwrap().unwrap().as_slice(), b"kept");
}

#[test]
fn a_weakened_wrap_is_refused() {
    let (_t, root, v) = fresh();
    let mut w: kdf::WrappedKey =
        serde_json::from_slice(&v.meta_get("wrap").unwrap().unwrap()).unwrap();
    w.params.memory_kib = 8;
    w.reseal_checksum();
    for name in ["wrap", "wrap.2"] {
        v.meta_put(name, &serde_json::to_vec(&w).unwrap()).unwrap();
    }
    drop(v);
    let mut v = Vault::open(&root).unwrap();
    assert!(matches!(
        v.unlock(PW, &rules(10, OnLimit::Wipe)),
        Err(Error::Tampered(_))
    ));
}

fn contains(hay: &[u8], needle: &[u8]) -> bool {
    hay.windows(needle.len()).any(|w| w == needle)
}

fn files_under(root: &Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(p) = stack.pop() {
        if p.is_dir() {
            stack.extend(std::fs::read_dir(&p).unwrap().map(|e| e.unwrap().path()));
        } else {
            out.push(p);
        }
    }
    out
}

#[test]
fn no_plaintext_anywhere_on_disk_before_and_after_lock() {
    let (_t, root, mut v) = fresh();
    let secret = b"Geheimsache-7f3a9c-Kapsel";
    v.put("mail", "subject-Geheimsache-key", secret).unwrap();
    let mut w = v.blob_writer("mail").unwrap();
    for _ in 0..1000 {
        w.write_bytes(secret).unwrap();
    }
    w.finish().unwrap();
    let scan = |label: &str, open: bool| {
        let files = files_under(&root);
        // While the database is open its WAL holds the newest pages: it must be scanned too.
        assert_eq!(
            files.iter().any(|f| f.ends_with("vault.db-wal")),
            open,
            "{label}: {files:?}"
        );
        for f in files {
            let bytes = std::fs::read(&f).unwrap();
            for needle in [
                &secret[..],
                b"Geheimsache",
                PW.as_bytes(),
                b"subject-Geheimsache-key",
            ] {
                assert!(
                    !contains(&bytes, needle),
                    "{label}: {:?} found in {}",
                    String::from_utf8_lossy(needle),
                    f.display()
                );
            }
        }
    };
    scan("unlocked", true);
    v.lock();
    scan("locked", true);
    drop(v);
    scan("closed", false);
}

#[test]
fn a_newer_schema_is_refused() {
    let (_t, root, v) = fresh();
    v.conn().pragma_update(None, "user_version", 99).unwrap();
    drop(v);
    let e = Vault::open(&root).err().unwrap().to_string();
    assert!(e.contains("newer Kapsel"), "{e}");
}

#[test]
fn files_are_private() {
    use std::os::unix::fs::PermissionsExt;
    let (_t, root, v) = fresh();
    write_blob(&v, b"x");
    for f in files_under(&root) {
        let mode = std::fs::metadata(&f).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode & 0o077, 0, "{} has mode {mode:o}", f.display());
    }
    let mode = std::fs::metadata(&root).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o700);
}

#[test]
fn a_damaged_wrap_neither_counts_nor_wipes_and_one_copy_repairs_the_other() {
    let (_t, root, v) = fresh();
    v.put("mail", "k", b"kept").unwrap();
    let original = v.meta_get("wrap").unwrap().unwrap();
    // One character of one copy changed: the other opens it and rewrites both.
    let mut damaged = original.clone();
    let at = damaged.len() / 2;
    damaged[at] = if damaged[at] == b'A' { b'B' } else { b'A' };
    v.meta_put("wrap", &damaged).unwrap();
    drop(v);
    let r = rules(2, OnLimit::Wipe);
    let mut v = Vault::open(&root).unwrap();
    v.unlock(PW, &r).unwrap();
    assert_eq!(v.get("mail", "k").unwrap().unwrap().as_slice(), b"kept");
    assert_ne!(v.meta_get("wrap").unwrap().unwrap(), damaged, "repaired");
    drop(v);
    // Both copies damaged: five right passwords are five "damaged", never a wipe.
    let v = Vault::open(&root).unwrap();
    for name in ["wrap", "wrap.2"] {
        let mut raw = v.meta_get(name).unwrap().unwrap();
        let text = String::from_utf8(raw.clone()).unwrap();
        let ct = text.find("\"ciphertext\":\"").unwrap() + 14;
        raw[ct] = if raw[ct] == b'A' { b'B' } else { b'A' };
        let bk = text.find("\"backup\":[\"").unwrap();
        let second = text[bk..].find("\",\"").unwrap() + bk + 3;
        raw[second] = if raw[second] == b'A' { b'B' } else { b'A' };
        v.meta_put(name, &raw).unwrap();
    }
    drop(v);
    for _ in 0..5 {
        let mut v = Vault::open(&root).unwrap();
        let e = v.unlock(PW, &r).unwrap_err();
        assert!(matches!(e, Error::Tampered(_)), "{e:?}");
        assert_eq!(
            v.failed_unlocks().unwrap().count,
            0,
            "damage is not an attempt"
        );
    }
    assert!(Vault::exists(&root), "never wiped");
}

/// Open `root` with the test password: the outcome of the unlock.
fn reopen(root: &Path) -> (Vault, Result<()>) {
    let mut v = Vault::open(root).unwrap();
    let r = v.unlock(PW, &rules(10, OnLimit::Wipe));
    (v, r)
}

fn raw_conn(root: &Path) -> rusqlite::Connection {
    rusqlite::Connection::open(root.join("vault.db")).unwrap()
}

#[test]
fn a_deleted_or_moved_record_is_found_at_unlock() {
    for attack in [
        "DELETE FROM kv WHERE ns = 'documents'",
        "UPDATE kv SET ns = 'app:evil' WHERE ns = 'documents'",
        "DELETE FROM kv WHERE ns = 'documents'; DELETE FROM vstate WHERE tbl = 'kv' AND a = 'documents'",
    ] {
        let (_t, root, mut v) = fresh();
        v.put("documents", "d1", b"Haushaltsplan").unwrap();
        v.put("app:news", "k", b"v").unwrap();
        v.lock();
        drop(v);
        raw_conn(&root).execute_batch(attack).unwrap();
        let (v, r) = reopen(&root);
        let e = r.unwrap_err();
        assert!(matches!(e, Error::Tampered(_)), "{attack}: {e:?}");
        assert!(!v.is_unlocked(), "{attack}: unlocked anyway");
    }
}

#[test]
fn an_older_copy_of_a_record_put_back_is_found_on_read_and_at_unlock() {
    let (_t, root, mut v) = fresh();
    v.put("app:news", "read", b"old").unwrap();
    let old: Vec<u8> = v
        .conn()
        .query_row("SELECT value FROM kv WHERE ns = 'app:news'", [], |r| {
            r.get(0)
        })
        .unwrap();
    v.put("app:news", "read", b"new").unwrap();
    // Put back behind the open vault's back: the next read finds it.
    raw_conn(&root)
        .execute("UPDATE kv SET value = ?1 WHERE ns = 'app:news'", [&old])
        .unwrap();
    let e = v.get("app:news", "read").unwrap_err();
    assert!(e.to_string().contains("older copy"), "{e}");
    // And the next unlock, before anything is read.
    v.lock();
    drop(v);
    let (v, r) = reopen(&root);
    let e = r.unwrap_err();
    assert!(e.to_string().contains("older sealed copy"), "{e}");
    assert!(!v.is_unlocked());
}

#[test]
fn lost_commits_are_found_and_the_wal_is_empty_after_lock() {
    let (_t, root, mut v) = fresh();
    v.put("documents", "d1", b"first").unwrap();
    // Lock folds the WAL into the database and empties it.
    v.lock();
    let wal = std::fs::metadata(root.join("vault.db-wal")).map_or(0, |m| m.len());
    assert_eq!(wal, 0, "the WAL keeps frames after lock");
    let snapshot = std::fs::read(root.join("vault.db")).unwrap();
    drop(v);
    let (mut v, r) = reopen(&root);
    r.unwrap();
    v.put("documents", "d2", b"second").unwrap();
    v.lock();
    drop(v);
    // The database put back to an older copy (as a damaged WAL would leave it): the state
    // file beside it knows a later commit.
    let _ = std::fs::remove_file(root.join("vault.db-wal"));
    let _ = std::fs::remove_file(root.join("vault.db-shm"));
    std::fs::write(root.join("vault.db"), snapshot).unwrap();
    let (_v, r) = reopen(&root);
    let e = r.unwrap_err().to_string();
    assert!(
        e.contains("committed changes were lost") || e.contains("does not add up"),
        "{e}"
    );
}

#[test]
fn a_torn_state_slot_keeps_the_other_and_both_torn_is_reported() {
    let (_t, root, v) = fresh();
    for i in 0..3 {
        v.put("mail", &format!("k{i}"), b"v").unwrap();
    }
    drop(v);
    let path = root.join(super::state::STATE_FILE);
    let good = std::fs::read(&path).unwrap();
    assert_eq!(good.len(), 160, "two slots of 80 bytes");
    // A write cut short damages the slot being written; the other still authenticates.
    let mut torn = good.clone();
    torn[100..].fill(0);
    std::fs::write(&path, &torn).unwrap();
    let mut v = Vault::open(&root).unwrap();
    v.unlock(PW, &rules(5, OnLimit::Lockout)).unwrap();
    assert_eq!(v.get("mail", "k2").unwrap().unwrap().as_slice(), b"v");
    drop(v);
    // Both slots damaged: the counter can no longer be checked, and that is said.
    std::fs::write(&path, vec![0u8; 160]).unwrap();
    let mut v = Vault::open(&root).unwrap();
    let e = v
        .unlock(PW, &rules(5, OnLimit::Lockout))
        .err()
        .unwrap()
        .to_string();
    assert!(e.contains("state file does not authenticate"), "{e}");
}

#[test]
fn time_ordered_keys_keep_creation_order_inside_one_millisecond() {
    let keys: Vec<String> = (0..2000).map(|_| super::time_ordered_key()).collect();
    assert!(
        keys.windows(2).all(|w| w[0] < w[1]),
        "a burst of keys must sort in the order they were made"
    );
}
