//! The user's language inside an app. The host tells every app the user's language as the
//! `config` key `kapsel.locale` (a BCP 47 tag such as `de-DE`); an app keeps its texts in one
//! module of functions that `match` on [`lang()`], so a text missing in one language is a
//! compile error rather than a fallback the user notices.
//!
//! ```ignore
//! use kapsel_sdk::i18n::{lang, Lang};
//! pub fn unread(n: usize) -> String {
//!     match lang() {
//!         Lang::De => format!("{n} ungelesen"),
//!         Lang::En => format!("{n} unread"),
//!     }
//! }
//! ```

use std::sync::OnceLock;

/// The languages Kapsel ships catalogues for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lang {
    De,
    En,
}

impl Lang {
    /// `de`, `de-DE`, `de_AT.UTF-8` → German; anything else (or nothing) → English.
    pub fn from_tag(tag: &str) -> Lang {
        let primary = tag.trim().split(['-', '_', '.']).next().unwrap_or_default();
        if primary.eq_ignore_ascii_case("de") {
            Lang::De
        } else {
            Lang::En
        }
    }

    /// A whole number in groups of three: `2,500` / `2.500`.
    pub fn integer(self, n: u64) -> String {
        let sep = match self {
            Lang::De => '.',
            Lang::En => ',',
        };
        let digits = n.to_string();
        let mut out = String::with_capacity(digits.len() + digits.len() / 3);
        for (i, c) in digits.chars().enumerate() {
            if i > 0 && (digits.len() - i).is_multiple_of(3) {
                out.push(sep);
            }
            out.push(c);
        }
        out
    }

    /// A number with `places` decimals and this language's decimal mark: `5.3` / `5,3`.
    pub fn decimal(self, value: f64, places: usize) -> String {
        let text = format!("{value:.places$}");
        match self {
            Lang::De => text.replace('.', ","),
            Lang::En => text,
        }
    }

    /// The text in this language: `Lang::De.pick("Open", "Öffnen")`.
    pub fn pick<'a>(self, en: &'a str, de: &'a str) -> &'a str {
        match self {
            Lang::De => de,
            Lang::En => en,
        }
    }
}

/// The user's language, asked of the host once per instance (an instance lives for one call).
pub fn lang() -> Lang {
    static LANG: OnceLock<Lang> = OnceLock::new();
    *LANG.get_or_init(|| Lang::from_tag(&crate::config::get(LOCALE_KEY).unwrap_or_default()))
}

/// The `config` key the host fills with the user's language.
pub const LOCALE_KEY: &str = "kapsel.locale";

/// A fixed text in the user's language: `tr("Open", "Öffnen")`.
pub fn tr(en: &'static str, de: &'static str) -> &'static str {
    lang().pick(en, de)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_pick_the_language() {
        for de in ["de", "de-DE", "DE-at", "de_CH.UTF-8"] {
            assert_eq!(Lang::from_tag(de), Lang::De, "{de}");
        }
        for en in ["", "en", "en-GB", "fr-FR", "deu", "xx"] {
            assert_eq!(Lang::from_tag(en), Lang::En, "{en}");
        }
        assert_eq!(Lang::De.pick("Open", "Öffnen"), "Öffnen");
        assert_eq!(Lang::En.pick("Open", "Öffnen"), "Open");
    }

    #[test]
    fn numbers_are_written_the_way_each_language_reads_them() {
        for (n, en, de) in [
            (0, "0", "0"),
            (999, "999", "999"),
            (1000, "1,000", "1.000"),
            (2500, "2,500", "2.500"),
            (1234567, "1,234,567", "1.234.567"),
        ] {
            assert_eq!(Lang::En.integer(n), en);
            assert_eq!(Lang::De.integer(n), de);
        }
        assert_eq!(Lang::En.decimal(5.26, 1), "5.3");
        assert_eq!(Lang::De.decimal(5.31, 1), "5,3");
        assert_eq!(Lang::De.decimal(-0.5, 2), "-0,50");
    }
}
