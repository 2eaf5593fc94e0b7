//! Generates a few thousand distinct functions so the component is about 1 MB of real code:
//! the install benchmark compiles something of the size the issue names.

use std::fmt::Write;

fn main() {
    let n = 5400;
    let mut src = String::new();
    for i in 0..n {
        let _ = write!(
            src,
            "#[inline(never)] fn f{i}(x: u64) -> u64 {{ let mut a = x ^ {i}; \
             for k in 0..{rounds}u32 {{ a = a.rotate_left(k + {r}).wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ (a >> {s}); \
             if a % {m} == 1 {{ a = a.wrapping_add({i}); }} }} a }}\n",
            rounds = i % 5 + 2,
            r = i % 13,
            s = i % 17 + 1,
            m = i % 11 + 2
        );
    }
    let _ = writeln!(src, "pub fn dispatch(i: u64, x: u64) -> u64 {{ match i % {n} {{");
    for i in 0..n {
        let _ = writeln!(src, "{i} => f{i}(x),");
    }
    let _ = writeln!(src, "_ => x, }} }}");
    let out = std::path::PathBuf::from(std::env::var("OUT_DIR").expect("OUT_DIR")).join("bulk.rs");
    std::fs::write(out, src).expect("write generated code");
}
