//! Reading a file the user names on the command line (a policy, a package, a manifest, a
//! key) with a size bound checked before the bytes are read, so an oversized or endless
//! file (a FIFO, /dev/zero) is refused with a message instead of filling memory.

use std::io::Read;
use std::path::Path;

use kapsel_i18n::t;

use crate::error::{Error, Result};

/// Human-readable size for the messages: "1 MiB", "64 KiB", "512 bytes" (in German with a
/// decimal comma and "Byte").
pub fn size_text(bytes: u64) -> String {
    let cat = kapsel_i18n::current();
    match bytes {
        b if b >= 1 << 20 && b % (1 << 20) == 0 => {
            t!(cat, "core-size-mib", size = (b >> 20).to_string())
        }
        b if b >= 1 << 20 => {
            let size = format!("{:.1}", b as f64 / (1u64 << 20) as f64);
            let size = match cat.lang() {
                kapsel_i18n::Lang::De => size.replace('.', ","),
                kapsel_i18n::Lang::En => size,
            };
            t!(cat, "core-size-mib", size = size)
        }
        b if b >= 1 << 10 && b % (1 << 10) == 0 => {
            t!(cat, "core-size-kib", size = (b >> 10).to_string())
        }
        b => t!(cat, "core-size-bytes", size = b.to_string()),
    }
}

/// The whole file, or an error naming `what` when it is missing, unreadable or larger than
/// `max` bytes.
pub fn read_bounded(path: &Path, max: u64, what: &str) -> Result<Vec<u8>> {
    let file = std::fs::File::open(path).map_err(|e| match e.kind() {
        std::io::ErrorKind::NotFound => Error::invalid(t!(
            kapsel_i18n::current(),
            "core-file-missing",
            what = what,
            path = path.display().to_string()
        )),
        _ => Error::io(t!(
            kapsel_i18n::current(),
            "core-file-unreadable",
            what = what,
            path = path.display().to_string()
        ))(e),
    })?;
    let too_large = |size: u64| {
        Error::invalid(t!(
            kapsel_i18n::current(),
            "core-file-too-large",
            what = what,
            path = path.display().to_string(),
            size = size_text(size),
            limit = size_text(max)
        ))
    };
    if let Ok(meta) = file.metadata()
        && meta.is_file()
        && meta.len() > max
    {
        return Err(too_large(meta.len()));
    }
    let mut bytes = Vec::new();
    file.take(max.saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(Error::io(t!(
            kapsel_i18n::current(),
            "core-file-unreadable",
            what = what,
            path = path.display().to_string()
        )))?;
    if bytes.len() as u64 > max {
        return Err(too_large(bytes.len() as u64));
    }
    Ok(bytes)
}

/// Like [`read_bounded`], for text that must be UTF-8.
pub fn read_text_bounded(path: &Path, max: u64, what: &str) -> Result<String> {
    String::from_utf8(read_bounded(path, max, what)?).map_err(|_| {
        Error::invalid(t!(
            kapsel_i18n::current(),
            "core-file-not-utf8",
            what = what,
            path = path.display().to_string()
        ))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_above_the_limit_is_refused_by_name_and_size() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("p.toml");
        std::fs::write(&path, vec![b'a'; 2049]).unwrap();
        let e = read_bounded(&path, 2048, "the policy")
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("the policy") && e.contains("too large") && e.contains("2 KiB"),
            "{e}"
        );
        assert_eq!(read_bounded(&path, 4096, "x").unwrap().len(), 2049);
    }

    #[test]
    fn an_endless_file_stops_at_the_limit() {
        let e = read_bounded(Path::new("/dev/zero"), 1024, "the package")
            .unwrap_err()
            .to_string();
        assert!(e.contains("too large"), "{e}");
    }

    #[test]
    fn sizes_read_well() {
        assert_eq!(size_text(1 << 20), "1 MiB");
        assert_eq!(size_text(64 << 10), "64 KiB");
        assert_eq!(size_text(3 << 19), "1.5 MiB");
        assert_eq!(size_text(12), "12 bytes");
    }
}
