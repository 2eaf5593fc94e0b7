//! The locale's formats: German writes 02.12.2026, 14:05, 1.234,5; English (en-GB, as
//! agencies' English speakers read it) 02/12/2026, 14:05, 1,234.5. Both use the 24-hour clock.

use chrono::{Datelike, NaiveDate, NaiveDateTime, NaiveTime, Timelike};
use fluent_bundle::FluentValue;

use crate::Lang;

/// Dates, times and numbers for one language.
#[derive(Debug, Clone, Copy)]
pub struct Formats {
    lang: Lang,
}

/// `1234567` → `1.234.567` with `sep = '.'`.
pub fn group_digits(n: u64, sep: char) -> String {
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

impl Formats {
    pub fn new(lang: Lang) -> Formats {
        Formats { lang }
    }

    fn separators(self) -> (char, char) {
        match self.lang {
            Lang::De => (',', '.'),
            Lang::En => ('.', ','),
        }
    }

    pub fn date(self, d: NaiveDate) -> String {
        match self.lang {
            Lang::De => format!("{:02}.{:02}.{:04}", d.day(), d.month(), d.year()),
            Lang::En => format!("{:02}/{:02}/{:04}", d.day(), d.month(), d.year()),
        }
    }

    /// A short date without the year, for lists (`02.12.` / `02/12`).
    pub fn day_month(self, d: NaiveDate) -> String {
        match self.lang {
            Lang::De => format!("{:02}.{:02}.", d.day(), d.month()),
            Lang::En => format!("{:02}/{:02}", d.day(), d.month()),
        }
    }

    pub fn time(self, t: NaiveTime) -> String {
        format!("{:02}:{:02}", t.hour(), t.minute())
    }

    pub fn datetime(self, dt: NaiveDateTime) -> String {
        format!("{} {}", self.date(dt.date()), self.time(dt.time()))
    }

    /// An integer with the locale's grouping (`10.000` / `10,000`).
    pub fn int(self, n: i64) -> String {
        let grouped = group_digits(n.unsigned_abs(), self.separators().1);
        if n < 0 {
            format!("-{grouped}")
        } else {
            grouped
        }
    }

    /// A decimal with `decimals` places (`1,5` / `1.5`).
    pub fn decimal(self, x: f64, decimals: usize) -> String {
        if !x.is_finite() {
            return x.to_string();
        }
        let text = format!("{:.*}", decimals, x.abs());
        let (whole, frac) = text.split_once('.').unwrap_or((&text, ""));
        let (point, group) = self.separators();
        let whole = group_digits(whole.parse().unwrap_or(0), group);
        let sign = if x < 0.0 && text.chars().any(|c| c.is_ascii_digit() && c != '0') {
            "-"
        } else {
            ""
        };
        if frac.is_empty() {
            format!("{sign}{whole}")
        } else {
            format!("{sign}{whole}{point}{frac}")
        }
    }

    /// A size in bytes as people read it (`1,5 MB` / `1.5 MB`, decimal units).
    pub fn size(self, bytes: u64) -> String {
        const UNITS: [&str; 4] = ["kB", "MB", "GB", "TB"];
        if bytes < 1000 {
            return format!("{} B", bytes);
        }
        let mut value = bytes as f64 / 1000.0;
        let mut unit = 0;
        while value >= 1000.0 && unit + 1 < UNITS.len() {
            value /= 1000.0;
            unit += 1;
        }
        let decimals = if value < 10.0 { 1 } else { 0 };
        format!("{} {}", self.decimal(value, decimals), UNITS[unit])
    }
}

fn fluent_number(value: &FluentValue<'_>, lang: Lang) -> Option<String> {
    match value {
        FluentValue::Number(n) => {
            let decimals = n.options.minimum_fraction_digits.unwrap_or(0);
            if decimals == 0 && n.value.fract() == 0.0 && n.value.abs() < 1e15 {
                Some(Formats::new(lang).int(n.value as i64))
            } else {
                Some(Formats::new(lang).decimal(n.value, decimals.max(1)))
            }
        }
        _ => None,
    }
}

/// Numbers inside German messages: grouped with `.`, decimal comma.
pub(crate) fn fluent_number_de<M>(value: &FluentValue<'_>, _: &M) -> Option<String> {
    fluent_number(value, Lang::De)
}

/// Numbers inside English messages: grouped with `,`, decimal point.
pub(crate) fn fluent_number_en<M>(value: &FluentValue<'_>, _: &M) -> Option<String> {
    fluent_number(value, Lang::En)
}
