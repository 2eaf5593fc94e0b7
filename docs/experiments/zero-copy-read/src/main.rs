//! Page-cache read of a 128 MiB file of AES-256-GCM chunks (64 KiB each, ciphertext then tag)
//! on every core, two ways, each held against the all-core limit of the crate it uses,
//! measured in the same run:
//! - `pread + ring`: what the vault does. One copy out of the page cache into the
//!   destination, then ring opens it in place.
//! - `mmap + aws-lc-rs`: no copy. The file is mapped (per read, faults included) and
//!   aws-lc-rs opens each chunk from the mapping straight into the destination.
//!
//! Also printed: the memory ceiling (a plain copy out of the mapping on every core).
//!
//! Why the product keeps the copy even though the second way is faster: AES-GCM code may
//! read the ciphertext twice (ring 0.17 on a CPU without VAES, `open_strided`, GHASHes a
//! stride of ciphertext and then decrypts it in a second pass; partial blocks go the same
//! way). Over a shared mapping, another process that can write the
//! file could change those bytes between the two reads, so the tag would be checked over
//! one ciphertext and a different one decrypted: plaintext released that was never
//! authenticated. Over a private copy that cannot happen.

use std::os::unix::fs::FileExt;
use std::time::{Duration, Instant};

const CHUNK: usize = 64 * 1024;
const TAG: usize = 16;
const STRIDE: usize = CHUNK + TAG;
const CHUNKS: usize = 2048;
/// Chunks one thread takes at a time (512 KiB, as the vault's reader).
const RUN: usize = 8;
const MIB: f64 = 1024.0 * 1024.0;
const KEY: [u8; 32] = [7; 32];
const NONCE: [u8; 12] = [1; 12];
const AAD: &[u8] = b"zero-copy-read";

fn ring_key() -> ring::aead::LessSafeKey {
    use ring::aead::{AES_256_GCM, LessSafeKey, UnboundKey};
    LessSafeKey::new(UnboundKey::new(&AES_256_GCM, &KEY).expect("ring key"))
}

fn lc_key() -> aws_lc_rs::aead::LessSafeKey {
    use aws_lc_rs::aead::{AES_256_GCM, LessSafeKey, UnboundKey};
    LessSafeKey::new(UnboundKey::new(&AES_256_GCM, &KEY).expect("aws-lc key"))
}

#[derive(Clone, Copy)]
enum Crate {
    Ring,
    AwsLc,
}

/// Seal then open one chunk in place, over and over: the kapsel bench's limit loop.
fn limit_loop(which: Crate, dur: Duration) -> f64 {
    let mut buf = vec![0x5au8; CHUNK];
    let mut out = vec![0u8; CHUNK];
    let (ring, lc) = (ring_key(), lc_key());
    let (t, mut bytes) = (Instant::now(), 0u64);
    while t.elapsed() < dur {
        match which {
            Crate::Ring => {
                use ring::aead::{Aad, Nonce};
                let k = &ring;
                let tag = k
                    .seal_in_place_separate_tag(
                        Nonce::assume_unique_for_key(NONCE),
                        Aad::from(AAD),
                        &mut buf,
                    )
                    .expect("seal");
                k.open_in_place_separate_tag(
                    Nonce::assume_unique_for_key(NONCE),
                    Aad::from(AAD),
                    tag,
                    &mut buf,
                    0..,
                )
                .expect("open");
            }
            Crate::AwsLc => {
                use aws_lc_rs::aead::{Aad, Nonce};
                let k = &lc;
                let tag = k
                    .seal_in_place_separate_tag(
                        Nonce::assume_unique_for_key(NONCE),
                        Aad::from(AAD),
                        &mut buf,
                    )
                    .expect("seal");
                k.open_separate_gather(
                    Nonce::assume_unique_for_key(NONCE),
                    Aad::from(AAD),
                    &buf,
                    tag.as_ref(),
                    &mut out,
                )
                .expect("open");
                std::mem::swap(&mut buf, &mut out);
            }
        }
        bytes += 2 * CHUNK as u64;
    }
    bytes as f64 / MIB / t.elapsed().as_secs_f64()
}

fn on_cores(cores: usize, work: impl Fn(usize) -> f64 + Sync) -> f64 {
    std::thread::scope(|s| {
        let hs: Vec<_> = (0..cores)
            .map(|c| {
                s.spawn({
                    let w = &work;
                    move || w(c)
                })
            })
            .collect();
        hs.into_iter().map(|h| h.join().expect("thread")).sum()
    })
}

fn write_file(path: &std::path::Path) {
    let k = ring_key();
    let mut data = vec![0u8; CHUNKS * STRIDE];
    for (i, slot) in data.chunks_mut(STRIDE).enumerate() {
        let (plain, tag) = slot.split_at_mut(CHUNK);
        for (j, b) in plain.iter_mut().enumerate() {
            *b = ((i + j) % 251) as u8;
        }
        let t = k
            .seal_in_place_separate_tag(
                ring::aead::Nonce::assume_unique_for_key(NONCE),
                ring::aead::Aad::from(AAD),
                plain,
            )
            .expect("seal");
        tag.copy_from_slice(t.as_ref());
    }
    std::fs::write(path, &data).expect("write the test file");
}

/// Chunk runs handed out in turn to `cores` threads; each opens its runs into its own
/// 512 KiB destination (what a caller's buffer would be). Returns MiB/s of plaintext.
fn read_with(cores: usize, open_run: impl Fn(usize, &mut [u8]) + Sync) -> f64 {
    let t = Instant::now();
    std::thread::scope(|s| {
        for c in 0..cores {
            let open_run = &open_run;
            s.spawn(move || {
                let mut dst = vec![0u8; RUN * CHUNK];
                for first in (c * RUN..CHUNKS).step_by(cores * RUN) {
                    open_run(first, &mut dst);
                    std::hint::black_box(&dst);
                }
            });
        }
    });
    (CHUNKS * CHUNK) as f64 / MIB / t.elapsed().as_secs_f64()
}

fn main() {
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let dir = std::env::temp_dir().join(format!("zero-copy-read-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let path = dir.join("sealed.bin");
    write_file(&path);
    let file = std::fs::File::open(&path).expect("open the test file");
    let ring = ring_key();
    let lc = lc_key();
    let dur = Duration::from_millis(600);
    println!(
        "{cores} cores; 128 MiB in the page cache; MiB/s; ratio = value / that crate's all-core limit"
    );
    for run in 1..=5 {
        let ring_one = limit_loop(Crate::Ring, dur);
        let ring_all = on_cores(cores, |_| limit_loop(Crate::Ring, dur));
        let lc_one = limit_loop(Crate::AwsLc, dur);
        let lc_all = on_cores(cores, |_| limit_loop(Crate::AwsLc, dur));
        let copied = read_with(cores, |first, dst| {
            let n = RUN.min(CHUNKS - first);
            // The vault's reader puts each ciphertext where its plaintext goes and the tag
            // beside it (preadv); one pread per chunk here does the same copy.
            for k in 0..n {
                let at = ((first + k) * STRIDE) as u64;
                let plain = &mut dst[k * CHUNK..(k + 1) * CHUNK];
                file.read_exact_at(plain, at).expect("pread");
                let mut tag = [0u8; TAG];
                file.read_exact_at(&mut tag, at + CHUNK as u64)
                    .expect("pread");
                ring.open_in_place_separate_tag(
                    ring::aead::Nonce::assume_unique_for_key(NONCE),
                    ring::aead::Aad::from(AAD),
                    ring::aead::Tag::from(tag),
                    plain,
                    0..,
                )
                .expect("open");
            }
        });
        let t = Instant::now();
        // SAFETY: the file is this process's own and nothing truncates it while mapped (a
        // cut under a mapping would raise SIGBUS; the product reads with pread for that reason).
        let map = unsafe { memmap2::Mmap::map(&file) }.expect("mmap");
        let mapped = read_with(cores, |first, dst| {
            for k in 0..RUN.min(CHUNKS - first) {
                let at = (first + k) * STRIDE;
                lc.open_separate_gather(
                    aws_lc_rs::aead::Nonce::assume_unique_for_key(NONCE),
                    aws_lc_rs::aead::Aad::from(AAD),
                    &map[at..at + CHUNK],
                    &map[at + CHUNK..at + STRIDE],
                    &mut dst[k * CHUNK..(k + 1) * CHUNK],
                )
                .expect("open");
            }
        });
        let mapped = mapped.min((CHUNKS * CHUNK) as f64 / MIB / t.elapsed().as_secs_f64());
        let memory = read_with(cores, |first, dst| {
            for k in 0..RUN.min(CHUNKS - first) {
                let at = (first + k) * STRIDE;
                dst[k * CHUNK..(k + 1) * CHUNK].copy_from_slice(&map[at..at + CHUNK]);
            }
        });
        drop(map);
        // One copy and one open per byte, the cores sharing both.
        let bound = 1.0 / (1.0 / memory + 1.0 / ring_all);
        println!(
            "run {run}: limit ring {ring_one:.0} (1 core) {ring_all:.0} (all) | aws-lc-rs {lc_one:.0} {lc_all:.0} | \
             pread + ring {copied:.0} ({:.2}; one-copy bound {bound:.0} = {:.2}) | mmap + aws-lc-rs {mapped:.0} ({:.2}) | \
             memory ceiling {memory:.0}",
            copied / ring_all,
            bound / ring_all,
            mapped / lc_all
        );
    }
    let _ = std::fs::remove_dir_all(&dir);
}
