//! The catalogues against the code, and the formats.

use std::collections::BTreeSet;
use std::path::Path;

use super::*;

/// Every message id a catalogue defines (top-level `id = …` lines; terms `-x` excluded).
fn catalogue_ids(source: &str) -> BTreeSet<String> {
    source
        .lines()
        .filter_map(|l| {
            let (id, _) = l.split_once('=')?;
            let id = id.trim_end();
            let ok = !id.is_empty()
                && !l.starts_with([' ', '\t', '#', '-', '*', '['])
                && id.chars().all(|c| c.is_ascii_alphanumeric() || c == '-');
            ok.then(|| id.to_string())
        })
        .collect()
}

fn rust_files(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            if path.file_name().is_some_and(|n| n != "target") {
                rust_files(&path, out);
            }
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// Every id the code names through `t!(…, "id" …)` or `msg!("id")`.
fn code_ids() -> BTreeSet<String> {
    let runtime = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let mut files = Vec::new();
    rust_files(&runtime, &mut files);
    let pattern = regex_lite::Regex::new(r#"\b(?:t!\([^"]*?|msg!\()\s*"([a-z][a-z0-9-]*)""#)
        .expect("the pattern is valid");
    let mut ids = BTreeSet::new();
    for file in files {
        // This file names ids only in its own examples.
        if file.ends_with("i18n/src/tests.rs") || file.ends_with("i18n/src/lib.rs") {
            continue;
        }
        let text = std::fs::read_to_string(&file).unwrap_or_default();
        for c in pattern.captures_iter(&text) {
            ids.insert(c[1].to_string());
        }
    }
    ids
}

#[test]
fn both_catalogues_hold_exactly_the_ids_the_code_uses() {
    let used = code_ids();
    assert!(used.len() > 50, "the scan found only {} ids", used.len());
    for lang in [Lang::De, Lang::En] {
        let defined = catalogue_ids(lang.source());
        let missing: Vec<_> = used.difference(&defined).collect();
        // `cli-help-*` ids are derived from the command tree at run time; the kapsel
        // crate's help tests walk that tree against both catalogues instead.
        let unused: Vec<_> = defined
            .difference(&used)
            .filter(|id| !id.starts_with("cli-help"))
            .collect();
        assert!(missing.is_empty(), "{lang:?} lacks {missing:?}");
        assert!(unused.is_empty(), "{lang:?} defines unused {unused:?}");
    }
}

#[test]
fn no_id_is_defined_twice_across_the_area_files() {
    for lang in [Lang::De, Lang::En] {
        let mut seen = BTreeSet::new();
        for line in lang.source().lines() {
            let Some((id, _)) = line.split_once('=') else {
                continue;
            };
            let id = id.trim_end();
            if line.starts_with([' ', '\t', '#', '-', '*', '['])
                || id.is_empty()
                || !id.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
            {
                continue;
            }
            assert!(seen.insert(id.to_string()), "{lang:?} defines {id} twice");
        }
    }
}

#[test]
fn both_catalogues_parse_and_every_message_formats() {
    for lang in [Lang::De, Lang::En] {
        if let Err((_, errors)) = FluentResource::try_new(lang.source().to_string()) {
            panic!("{lang:?} catalogue: {errors:?}");
        }
        let cat = Catalog::new(lang);
        for id in catalogue_ids(lang.source()) {
            assert!(cat.has(&id), "{lang:?}: {id} did not load");
        }
    }
}

#[test]
fn german_and_english_differ_and_take_arguments() {
    let de = Catalog::new(Lang::De);
    let en = Catalog::new(Lang::En);
    assert_eq!(t!(de, "shell-tab-mail"), "Post");
    assert_eq!(t!(en, "shell-tab-mail"), "Mail");
    let n = t!(de, "mail-messages", count = 10000);
    assert!(n.contains("10.000"), "{n}");
    let n = t!(en, "mail-messages", count = 1);
    assert!(n.contains("1 message") && !n.contains("messages"), "{n}");
    assert_eq!(de.message("no-such-id", &[]), "no-such-id");
}

#[test]
fn formats_follow_the_locale() {
    let d = chrono::NaiveDate::from_ymd_opt(2026, 12, 2).expect("date");
    let t = chrono::NaiveTime::from_hms_opt(14, 5, 0).expect("time");
    let de = Formats::new(Lang::De);
    let en = Formats::new(Lang::En);
    assert_eq!(de.date(d), "02.12.2026");
    assert_eq!(en.date(d), "02/12/2026");
    assert_eq!(de.time(t), "14:05");
    assert_eq!(de.decimal(1234.5, 1), "1.234,5");
    assert_eq!(en.decimal(1234.5, 1), "1,234.5");
    assert_eq!(de.decimal(-0.04, 1), "0,0");
    assert_eq!(de.int(-10000), "-10.000");
    assert_eq!(de.size(1_500_000), "1,5 MB");
    assert_eq!(en.size(999), "999 B");
}

#[test]
fn the_locale_is_read_like_posix_does() {
    assert_eq!(Lang::parse("de_DE.UTF-8"), Some(Lang::De));
    assert_eq!(Lang::parse("de-AT"), Some(Lang::De));
    assert_eq!(Lang::parse("en_US.UTF-8"), Some(Lang::En));
    assert_eq!(Lang::parse("C.UTF-8"), None);
    assert_eq!(Lang::parse(""), None);
}
