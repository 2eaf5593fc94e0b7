//! Feed dates: RFC 3339 (Atom, JSON Feed) and RFC 822/2822 (RSS) read leniently, because
//! real feeds write German day, month and zone names (`Mo, 23 Dez 2026 09:00:00 MEZ`), the
//! obsolete RFC 822 zones (`EST`, `GMT`, military letters) and two-digit years.

use chrono::{DateTime, FixedOffset, NaiveDate, TimeZone, Utc};

/// Any date a feed writes, as UTC; `None` for what cannot be read as a date.
pub fn parse(text: &str) -> Option<DateTime<Utc>> {
    let t = text.trim();
    if t.is_empty() || t.len() > 80 {
        return None;
    }
    if let Ok(d) = DateTime::parse_from_rfc3339(t) {
        return Some(d.with_timezone(&Utc));
    }
    rfc3339_lenient(t).or_else(|| rfc822(t))
}

/// `2026-11-25T08:00Z`, `2026-11-25 08:00:00`, `2026-11-25`: ISO forms real feeds use.
fn rfc3339_lenient(t: &str) -> Option<DateTime<Utc>> {
    let date = NaiveDate::parse_from_str(t.get(..10)?, "%Y-%m-%d").ok()?;
    let rest = t.get(10..)?.trim_start_matches(['T', 't', ' ']);
    if rest.is_empty() {
        return Some(Utc.from_utc_datetime(&date.and_hms_opt(0, 0, 0)?));
    }
    let zone_at = rest.find(['Z', 'z', '+', '-']).unwrap_or(rest.len());
    let (hms, zone) = rest.split_at(zone_at);
    let (h, m, s) = clock(hms.split('.').next().unwrap_or(""))?;
    let offset = match zone {
        "" | "Z" | "z" => 0,
        z => numeric_zone(&z.replace(':', ""))?,
    };
    local(date, h, m, s, offset)
}

/// RFC 822/2822 with the obsolete forms and German names.
fn rfc822(t: &str) -> Option<DateTime<Utc>> {
    let cleaned = t.replace(',', " ");
    let mut words: Vec<&str> = cleaned.split_whitespace().collect();
    // A leading day name, in any language, is redundant.
    if words
        .first()
        .is_some_and(|w| w.chars().next().is_some_and(char::is_alphabetic))
    {
        words.remove(0);
    }
    let mut it = words.into_iter();
    let day: u32 = it.next()?.trim_end_matches('.').parse().ok()?;
    let month = month(it.next()?)?;
    let year_word = it.next()?;
    let mut year: i32 = year_word.parse().ok()?;
    if year_word.len() <= 2 {
        // RFC 5322 4.3: two-digit years below 50 are 20xx, the rest 19xx.
        year += if year < 50 { 2000 } else { 1900 };
    } else if year_word.len() == 3 {
        year += 1900;
    }
    let (h, m, s) = clock(it.next().unwrap_or("00:00"))?;
    let offset = match it.next() {
        None => 0,
        Some(z) => zone(z)?,
    };
    local(NaiveDate::from_ymd_opt(year, month, day)?, h, m, s, offset)
}

fn local(date: NaiveDate, h: u32, m: u32, s: u32, offset: i32) -> Option<DateTime<Utc>> {
    let naive = date.and_hms_opt(h, m, s.min(59))?;
    let zone = FixedOffset::east_opt(offset)?;
    Some(
        zone.from_local_datetime(&naive)
            .single()?
            .with_timezone(&Utc),
    )
}

fn clock(t: &str) -> Option<(u32, u32, u32)> {
    let mut parts = t.split(':');
    let h = parts.next()?.parse().ok()?;
    let m = parts.next()?.parse().ok()?;
    let s = match parts.next() {
        Some(s) => s.parse().ok()?,
        None => 0,
    };
    (parts.next().is_none() && h < 24 && m < 60 && s <= 60).then_some((h, m, s))
}

fn month(word: &str) -> Option<u32> {
    let w = word.trim_end_matches('.').to_lowercase();
    let prefix: String = w.chars().take(3).collect();
    Some(match prefix.as_str() {
        "jan" | "jän" => 1,
        "feb" => 2,
        "mar" | "mär" | "mrz" => 3,
        "apr" => 4,
        "may" | "mai" => 5,
        "jun" => 6,
        "jul" => 7,
        "aug" => 8,
        "sep" => 9,
        "oct" | "okt" => 10,
        "nov" => 11,
        "dec" | "dez" => 12,
        _ => return None,
    })
}

/// Seconds east of UTC.
fn zone(z: &str) -> Option<i32> {
    if z.starts_with(['+', '-']) {
        return numeric_zone(&z.replace(':', ""));
    }
    let hours = match z.to_ascii_uppercase().as_str() {
        "UT" | "UTC" | "GMT" | "Z" | "WET" | "WEZ" => 0,
        "MEZ" | "CET" | "MET" | "WEST" | "WESZ" | "BST" => 1,
        "MESZ" | "CEST" | "MEST" | "EET" | "OEZ" => 2,
        "EEST" | "OESZ" => 3,
        "EDT" => -4,
        "EST" | "CDT" => -5,
        "CST" | "MDT" => -6,
        "MST" | "PDT" => -7,
        "PST" => -8,
        // RFC 5322 4.3: the military letters were defined with the wrong sign in RFC 822,
        // so their meaning is unknown and they count as UTC.
        m if m.len() == 1 && m.chars().all(|c| c.is_ascii_alphabetic() && c != 'J') => 0,
        _ => return None,
    };
    Some(hours * 3600)
}

fn numeric_zone(z: &str) -> Option<i32> {
    let (sign, digits) = match z.as_bytes().first()? {
        b'+' => (1, &z[1..]),
        b'-' => (-1, &z[1..]),
        _ => return None,
    };
    if digits.len() != 4 || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let h: i32 = digits[..2].parse().ok()?;
    let m: i32 = digits[2..].parse().ok()?;
    (h < 24 && m < 60).then_some(sign * (h * 3600 + m * 60))
}
