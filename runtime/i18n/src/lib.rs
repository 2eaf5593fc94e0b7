//! Every user-facing string of Kapsel, in German and English, from Project Fluent catalogues
//! (`locales/de/*.ftl`, `locales/en/*.ftl`, one file per area, compiled in), and the locale's formats for dates,
//! times and numbers (de: 24 h, dd.mm.yyyy, decimal comma, `.` grouping).
//!
//! Code names a message with [`t!`] (`t!(cat, "shell-unlock-title")`,
//! `t!(cat, "mail-unread", count = 3)`) or, where a table lists ids for later, with [`msg!`];
//! a test checks that both catalogues hold exactly the ids the code names that way.

mod format;

use std::sync::OnceLock;

use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::{FluentArgs, FluentResource, FluentValue};

pub use fluent_bundle::FluentValue as Value;
pub use format::{Formats, group_digits};

/// The languages Kapsel speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Lang {
    De,
    En,
}

impl Lang {
    /// "de" / "de-DE" / "de_AT.UTF-8" → German, "en…" → English, anything else → none.
    pub fn parse(tag: &str) -> Option<Lang> {
        let primary = tag
            .split(['-', '_', '.', '@'])
            .next()
            .unwrap_or("")
            .to_ascii_lowercase();
        match primary.as_str() {
            "de" => Some(Lang::De),
            "en" => Some(Lang::En),
            _ => None,
        }
    }

    /// The user's locale from the environment (POSIX order: `LC_ALL`, `LC_MESSAGES`,
    /// `LANG`), if it names a language Kapsel has.
    pub fn from_env() -> Option<Lang> {
        ["LC_ALL", "LC_MESSAGES", "LANG"]
            .iter()
            .filter_map(|k| std::env::var(k).ok())
            .find(|v| !v.is_empty())
            .and_then(|v| Lang::parse(&v))
    }

    /// The language to use: the user's locale if Kapsel speaks it, else the tenant's default
    /// (`[tenant] language` in the policy), else English.
    pub fn choose(tenant_default: Option<&str>) -> Lang {
        Lang::from_env()
            .or_else(|| tenant_default.and_then(Lang::parse))
            .unwrap_or(Lang::En)
    }

    /// The BCP 47 tag handed to micro-apps through `config` (`locale`).
    pub fn tag(self) -> &'static str {
        match self {
            Lang::De => "de-DE",
            Lang::En => "en-GB",
        }
    }

    /// The whole catalogue: one file per area (the shell, each runtime crate's errors,
    /// the CLI), so the areas can be written apart; an id lives in exactly one file.
    fn source(self) -> &'static str {
        match self {
            Lang::De => concat!(
                include_str!("../locales/de/shell.ftl"),
                "\n",
                include_str!("../locales/de/core.ftl"),
                "\n",
                include_str!("../locales/de/session.ftl"),
                "\n",
                include_str!("../locales/de/mail.ftl"),
                "\n",
                include_str!("../locales/de/host.ftl"),
                "\n",
                include_str!("../locales/de/calendar.ftl"),
                "\n",
                include_str!("../locales/de/directory.ftl"),
                "\n",
                include_str!("../locales/de/cli.ftl"),
                "\n",
                include_str!("../locales/de/cli-apps.ftl"),
                "\n",
                include_str!("../locales/de/audit.ftl"),
                "\n",
                include_str!("../locales/de/cli-groupware.ftl"),
                "\n",
                include_str!("../locales/de/cli-mail.ftl"),
                "\n",
                include_str!("../locales/de/cli-help.ftl"),
                "\n",
                include_str!("../locales/de/device.ftl"),
                "\n",
            ),
            Lang::En => concat!(
                include_str!("../locales/en/shell.ftl"),
                "\n",
                include_str!("../locales/en/core.ftl"),
                "\n",
                include_str!("../locales/en/session.ftl"),
                "\n",
                include_str!("../locales/en/mail.ftl"),
                "\n",
                include_str!("../locales/en/host.ftl"),
                "\n",
                include_str!("../locales/en/calendar.ftl"),
                "\n",
                include_str!("../locales/en/directory.ftl"),
                "\n",
                include_str!("../locales/en/cli.ftl"),
                "\n",
                include_str!("../locales/en/cli-apps.ftl"),
                "\n",
                include_str!("../locales/en/audit.ftl"),
                "\n",
                include_str!("../locales/en/cli-groupware.ftl"),
                "\n",
                include_str!("../locales/en/cli-mail.ftl"),
                "\n",
                include_str!("../locales/en/cli-help.ftl"),
                "\n",
                include_str!("../locales/en/device.ftl"),
                "\n",
            ),
        }
    }
}

/// One language's messages and formats.
pub struct Catalog {
    lang: Lang,
    bundle: FluentBundle<FluentResource>,
}

impl std::fmt::Debug for Catalog {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Catalog").field("lang", &self.lang).finish()
    }
}

impl Catalog {
    pub fn new(lang: Lang) -> Catalog {
        let tag = lang.tag();
        let langid = tag.parse().unwrap_or_default();
        let mut bundle = FluentBundle::new_concurrent(vec![langid]);
        // No Unicode isolation marks around arguments: they would reach the terminal as
        // invisible characters (and the sanitiser would show them).
        bundle.set_use_isolating(false);
        bundle.set_formatter(Some(match lang {
            Lang::De => format::fluent_number_de,
            Lang::En => format::fluent_number_en,
        }));
        // The catalogues are compiled in and checked by this crate's tests; a broken entry
        // is skipped (and then reported as a missing id) rather than taking Kapsel down.
        let resource = match FluentResource::try_new(lang.source().to_string()) {
            Ok(r) => r,
            Err((partial, _)) => partial,
        };
        let _ = bundle.add_resource(resource);
        Catalog { lang, bundle }
    }

    pub fn lang(&self) -> Lang {
        self.lang
    }

    pub fn formats(&self) -> Formats {
        Formats::new(self.lang)
    }

    /// The message `id` with `args`; a missing id shows as the id itself, never as nothing.
    pub fn message(&self, id: &str, args: &[(&str, FluentValue<'_>)]) -> String {
        let Some(pattern) = self.bundle.get_message(id).and_then(|m| m.value()) else {
            return id.to_string();
        };
        let mut fluent_args = FluentArgs::new();
        for (name, value) in args {
            fluent_args.set(*name, value.clone());
        }
        let mut errors = Vec::new();
        self.bundle
            .format_pattern(pattern, Some(&fluent_args), &mut errors)
            .into_owned()
    }

    /// Does this catalogue have `id`?
    pub fn has(&self, id: &str) -> bool {
        self.bundle.has_message(id)
    }
}

/// The catalogue of this process (the CLI picks the language once, at start).
static CURRENT: OnceLock<Catalog> = OnceLock::new();

/// Set the language of this process; the first call wins.
pub fn init(lang: Lang) -> &'static Catalog {
    CURRENT.get_or_init(|| Catalog::new(lang))
}

/// The catalogue of this process (English until [`init`] ran).
pub fn current() -> &'static Catalog {
    CURRENT.get_or_init(|| Catalog::new(Lang::En))
}

/// Look a message up: `t!(cat, "id")` or `t!(cat, "id", name = value, ...)`; `cat` is a
/// [`Catalog`] (or `kapsel_i18n::current()`).
#[macro_export]
macro_rules! t {
    ($cat:expr, $id:literal) => {
        $cat.message($id, &[])
    };
    ($cat:expr, $id:literal, $($name:ident = $value:expr),+ $(,)?) => {
        $cat.message($id, &[$((stringify!($name), $crate::Value::from($value))),+])
    };
}

/// A message id kept for later lookup (in a table of keys, say), spelled so the catalogue
/// test finds it.
#[macro_export]
macro_rules! msg {
    ($id:literal) => {
        $id
    };
}

#[cfg(test)]
mod tests;
