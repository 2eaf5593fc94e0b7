//! The mutation engine the fuzz targets share (tests/fuzz.rs for parsers, tests/viewer.rs
//! for documents through the sandboxed viewer, tests/documents.rs for a hostile document
//! server): a seeded generator, the edits it makes, the corpora and where failures go.

/// xorshift64*: small, seeded, good enough to pick mutations.
pub struct Rng(pub u64);

impl Rng {
    pub fn next_u64(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    pub fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            0
        } else {
            (self.next_u64() % n as u64) as usize
        }
    }
}

const INTERESTING: &[&[u8]] = &[
    b"0",
    b"-1",
    b"4294967295",
    b"18446744073709551615",
    b"ffffffffffffffff",
    b"{999999999999}",
    b"{4294967296}",
    b"\r\n",
    b"\n",
    b"\x00",
    b"\x1b[2J",
    b"\xff\xfe",
    b"((((((((",
    b"\"",
    b"\\",
    b"NIL",
    b"*",
    b"..",
    b"%00",
    b"\xe2\x80\xae",
];

pub fn mutate(rng: &mut Rng, input: &mut Vec<u8>, corpus: &[Vec<u8>]) {
    for _ in 0..=rng.below(4) {
        let len = input.len();
        match rng.below(8) {
            0 if len > 0 => {
                let i = rng.below(len);
                input[i] ^= 1 << rng.below(8);
            }
            1 if len > 0 => {
                let i = rng.below(len);
                input[i] = rng.next_u64() as u8;
            }
            2 => {
                let i = rng.below(len + 1);
                input.insert(i, rng.next_u64() as u8);
            }
            3 if len > 0 => {
                let i = rng.below(len);
                let n = rng.below(len - i).min(64) + 1;
                input.drain(i..(i + n).min(len));
            }
            4 => {
                let i = rng.below(len + 1);
                let word = INTERESTING[rng.below(INTERESTING.len())];
                input.splice(i..i, word.iter().copied());
            }
            5 if len > 1 => {
                // Repeat a block: nesting, long lines, many headers.
                let i = rng.below(len);
                let n = (rng.below(len - i) + 1).min(256);
                let block = input[i..i + n].to_vec();
                for _ in 0..rng.below(16) + 1 {
                    input.splice(i..i, block.iter().copied());
                }
            }
            6 if !corpus.is_empty() => {
                let other = &corpus[rng.below(corpus.len())];
                let at = rng.below(len + 1);
                let from = rng.below(other.len() + 1);
                input.truncate(at);
                input.extend_from_slice(&other[from..]);
            }
            _ => {
                let keep = rng.below(len + 1);
                input.truncate(keep);
            }
        }
    }
    input.truncate(1 << 20);
}

/// Seconds per target (`KAPSEL_FUZZ_SECONDS`, default 2) and the seed
/// (`KAPSEL_FUZZ_SEED`), so a run is repeatable.
pub fn budget() -> (std::time::Duration, u64) {
    let seconds: f64 = std::env::var("KAPSEL_FUZZ_SECONDS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(2.0);
    let seed: u64 = std::env::var("KAPSEL_FUZZ_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(0x6b61_7073_656c);
    (std::time::Duration::from_secs_f64(seconds), seed)
}

/// The committed corpus `tests/fuzz/<target>/`, in name order: every file, or only those
/// ending in `.ext`. An empty one is a mistake in the tree.
pub fn corpus(target: &str, ext: Option<&str>) -> Vec<Vec<u8>> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fuzz")
        .join(target);
    let mut files: Vec<std::path::PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("corpus {}: {e}", dir.display()))
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| ext.is_none_or(|x| p.extension().is_some_and(|e| e == x)))
        .collect();
    files.sort();
    let out: Vec<Vec<u8>> = files
        .iter()
        .map(|f| std::fs::read(f).expect("corpus file"))
        .collect();
    assert!(!out.is_empty(), "the corpus of {target} is empty");
    out
}

/// Where a failing input is kept to reproduce it: `target/fuzz-failures/<name>`.
pub fn failure_path(name: &str) -> std::path::PathBuf {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/fuzz-failures");
    let _ = std::fs::create_dir_all(&dir);
    dir.join(name)
}
