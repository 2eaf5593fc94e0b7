//! How entries are ordered and typed: server dates parsed (ISO 8601 from SharePoint, RFC 1123
//! from WebDAV) into one form, media types from the file name when the server only says
//! `application/octet-stream`, and the sort orders the views offer. How a size or a date
//! reads in the user's language is `text`'s.

/// A point in time as (year, month, day, hour, minute, second), UTC.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Debug)]
pub struct Stamp(pub [u32; 6]);

impl Stamp {
    pub fn show(&self) -> String {
        let [y, mo, d, h, mi, _] = self.0;
        crate::text::stamp(y, mo, d, h, mi)
    }
}

fn num(s: &str) -> Option<u32> {
    if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) || s.len() > 4 {
        return None;
    }
    s.parse().ok()
}

fn valid(s: [u32; 6]) -> Option<Stamp> {
    let [y, mo, d, h, mi, se] = s;
    let ok = (1..=9999).contains(&y)
        && (1..=12).contains(&mo)
        && (1..=31).contains(&d)
        && h < 24
        && mi < 60
        && se <= 60;
    ok.then_some(Stamp(s))
}

/// `2026-11-27T08:00:00Z`, `…T08:00:00.0000000Z`, `…T09:00:00+01:00` (brought to UTC) and
/// `Fri, 27 Nov 2026 08:00:00 GMT`. Anything else is not a date we show.
pub fn date(raw: &str) -> Option<Stamp> {
    let raw = raw.trim();
    if raw.len() > 64 {
        return None;
    }
    if let Some((_, rest)) = raw.split_once(", ") {
        // RFC 1123 (RFC 9110's IMF-fixdate)
        let mut parts = rest.split_ascii_whitespace();
        let d = num(parts.next()?)?;
        let months = [
            "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
        ];
        let month = parts.next()?;
        let mo = months.iter().position(|m| *m == month)? as u32 + 1;
        let y = num(parts.next()?)?;
        let mut hms = parts.next()?.split(':');
        let (h, mi, se) = (num(hms.next()?)?, num(hms.next()?)?, num(hms.next()?)?);
        return valid([y, mo, d, h, mi, se]);
    }
    let (day, time) = raw.split_once('T')?;
    let mut ymd = day.split('-');
    let (y, mo, d) = (num(ymd.next()?)?, num(ymd.next()?)?, num(ymd.next()?)?);
    let clock_end = time.find(['Z', '+', '-', '.']).unwrap_or(time.len());
    let mut hms = time[..clock_end].split(':');
    let (h, mi) = (num(hms.next()?)?, num(hms.next()?)?);
    let se = hms.next().map_or(Some(0), num)?;
    let local = valid([y, mo, d, h, mi, se])?;
    // The zone after the clock (and any fraction): Z, none, or ±HH:MM.
    let zone = time[clock_end..].trim_start_matches(|c: char| c == '.' || c.is_ascii_digit());
    let offset_min: i64 = match zone {
        "" | "Z" => 0,
        z => {
            let sign = if z.starts_with('-') { -1 } else { 1 };
            let (oh, om) = z.get(1..)?.split_once(':').unwrap_or((z.get(1..)?, "0"));
            let (oh, om) = (num(oh)?, num(om)?);
            if oh > 23 || om > 59 {
                return None;
            }
            sign * i64::from(oh * 60 + om)
        }
    };
    if offset_min == 0 {
        return Some(local);
    }
    let minutes = days_from_civil(y, mo, d) * 1440 + i64::from(h * 60 + mi) - offset_min;
    let (day, min) = (minutes.div_euclid(1440), minutes.rem_euclid(1440));
    let (y, mo, d) = civil_from_days(day)?;
    valid([y, mo, d, (min / 60) as u32, (min % 60) as u32, se])
}

/// Days since 1970-01-01 (Howard Hinnant's algorithm).
fn days_from_civil(y: u32, m: u32, d: u32) -> i64 {
    let y = i64::from(y) - i64::from(m <= 2);
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let m = i64::from(m);
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(d) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn civil_from_days(z: i64) -> Option<(u32, u32, u32)> {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    Some((u32::try_from(y).ok()?, m as u32, d as u32))
}

/// The media type a file name's extension stands for (the common office, text and image
/// formats); `application/octet-stream` for anything else.
pub fn media_type_for(name: &str) -> &'static str {
    let ext = name
        .rsplit_once('.')
        .map(|(_, e)| e.to_ascii_lowercase())
        .unwrap_or_default();
    match ext.as_str() {
        "txt" | "log" => "text/plain",
        "md" | "markdown" => "text/markdown",
        "csv" => "text/csv",
        "htm" | "html" => "text/html",
        "xml" => "application/xml",
        "json" => "application/json",
        "pdf" => "application/pdf",
        "docx" => "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "xlsx" => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "pptx" => "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        "doc" => "application/msword",
        "xls" => "application/vnd.ms-excel",
        "ppt" => "application/vnd.ms-powerpoint",
        "odt" => "application/vnd.oasis.opendocument.text",
        "ods" => "application/vnd.oasis.opendocument.spreadsheet",
        "odp" => "application/vnd.oasis.opendocument.presentation",
        "rtf" => "application/rtf",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "svg" => "image/svg+xml",
        "webp" => "image/webp",
        "zip" => "application/zip",
        "eml" => "message/rfc822",
        "ics" => "text/calendar",
        "vcf" => "text/vcard",
        _ => "application/octet-stream",
    }
}

/// The server's media type when it names one, else the one the name suggests.
pub fn media_type(server: Option<&str>, name: &str) -> String {
    let server = server
        .map(|t| {
            t.split(';')
                .next()
                .unwrap_or("")
                .trim()
                .to_ascii_lowercase()
        })
        .filter(|t| {
            t.contains('/')
                && t != "application/octet-stream"
                && t.len() < 128
                && t.bytes().all(|b| b.is_ascii_graphic())
        });
    server.unwrap_or_else(|| media_type_for(name).to_string())
}

/// The orders a folder can be shown in.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Sort {
    /// A–Z, folders first.
    Name,
    /// Newest first.
    Date,
    /// Largest first.
    Size,
}

impl Sort {
    pub fn parse(s: &str) -> Sort {
        match s {
            "date" => Sort::Date,
            "size" => Sort::Size,
            _ => Sort::Name,
        }
    }

    pub fn key(self) -> &'static str {
        match self {
            Sort::Name => "name",
            Sort::Date => "date",
            Sort::Size => "size",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Sort::Name => crate::text::sort_name(),
            Sort::Date => crate::text::sort_date(),
            Sort::Size => crate::text::sort_size(),
        }
    }

    pub const ALL: [Sort; 3] = [Sort::Name, Sort::Date, Sort::Size];
}
