//! The user's sync schedule — days, a daily time window, an interval and push (IDLE) — kept
//! sealed in the vault and always inside the tenant's `[sync]` bounds: a schedule outside
//! them is refused when set, and clamped if a later policy narrows the bounds.

use serde::{Deserialize, Serialize};

use kapsel_core::error::{Error, Result};
use kapsel_core::policy::{SyncBounds, Weekday, parse_hhmm};
use kapsel_core::vault::Vault;
use kapsel_i18n::t;

use super::SETTINGS_NS as NS;
use crate::cat;
const KEY: &str = "schedule";

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Schedule {
    pub days: Vec<Weekday>,
    /// "HH:MM" local time; the window is [from, to).
    pub from: String,
    pub to: String,
    pub interval_minutes: u32,
    pub push: bool,
}

impl Schedule {
    /// The widest schedule the tenant allows, at its shortest interval.
    pub fn default_for(b: &SyncBounds) -> Schedule {
        Schedule {
            days: b.days.clone(),
            from: b.earliest.clone(),
            to: b.latest.clone(),
            interval_minutes: b.min_interval_minutes.max(1),
            push: b.push,
        }
    }

    pub fn validate(&self, b: &SyncBounds) -> Result<()> {
        let (from, to) = (parse_hhmm(&self.from)?, parse_hhmm(&self.to)?);
        let (earliest, latest) = (parse_hhmm(&b.earliest)?, parse_hhmm(&b.latest)?);
        if from >= to {
            return Err(Error::invalid(t!(
                cat(),
                "mailbox-schedule-empty-window",
                from = self.from.as_str(),
                to = self.to.as_str()
            )));
        }
        if from < earliest || to > latest {
            return Err(Error::Policy(t!(
                cat(),
                "mailbox-schedule-outside-hours",
                earliest = b.earliest.as_str(),
                latest = b.latest.as_str()
            )));
        }
        if let Some(d) = self.days.iter().find(|d| !b.days.contains(d)) {
            return Err(Error::Policy(t!(
                cat(),
                "mailbox-schedule-day-not-allowed",
                day = weekday_name(*d)
            )));
        }
        if self.days.is_empty() {
            return Err(Error::invalid(t!(cat(), "mailbox-schedule-no-day")));
        }
        if self.interval_minutes < b.min_interval_minutes
            || self.interval_minutes > b.max_interval_minutes
        {
            return Err(Error::Policy(t!(
                cat(),
                "mailbox-schedule-interval",
                min = b.min_interval_minutes.to_string(),
                max = b.max_interval_minutes.to_string()
            )));
        }
        if self.push && !b.push {
            return Err(Error::Policy(t!(cat(), "mailbox-schedule-no-push")));
        }
        Ok(())
    }

    /// Narrow a stored schedule to (possibly newer, stricter) bounds.
    pub fn clamp(&self, b: &SyncBounds) -> Schedule {
        let mut s = self.clone();
        s.days.retain(|d| b.days.contains(d));
        let (e, l) = (
            parse_hhmm(&b.earliest).unwrap_or(0),
            parse_hhmm(&b.latest).unwrap_or(1440),
        );
        if parse_hhmm(&s.from).map_or(true, |f| f < e) {
            s.from = b.earliest.clone();
        }
        if parse_hhmm(&s.to).map_or(true, |t| t > l) {
            s.to = b.latest.clone();
        }
        s.interval_minutes = s.interval_minutes.clamp(
            b.min_interval_minutes,
            b.max_interval_minutes.max(b.min_interval_minutes),
        );
        s.push &= b.push;
        s
    }

    /// Whether `now` (weekday, minutes since local midnight) lies in the window.
    pub fn active_at(&self, day: Weekday, minute: u32) -> bool {
        let (Ok(from), Ok(to)) = (parse_hhmm(&self.from), parse_hhmm(&self.to)) else {
            return false;
        };
        self.days.contains(&day) && minute >= from && minute < to
    }

    pub fn active_now(&self) -> bool {
        let (d, m) = local_now();
        self.active_at(d, m)
    }
}

pub fn load(vault: &Vault, bounds: &SyncBounds) -> Result<Schedule> {
    Ok(match vault.get(NS, KEY)? {
        Some(raw) => serde_json::from_slice::<Schedule>(&raw)
            .map(|s| s.clamp(bounds))
            .unwrap_or_else(|_| Schedule::default_for(bounds)),
        None => Schedule::default_for(bounds),
    })
}

pub fn save(vault: &Vault, s: &Schedule, bounds: &SyncBounds) -> Result<()> {
    s.validate(bounds)?;
    vault.put(
        NS,
        KEY,
        &serde_json::to_vec(s).map_err(|e| Error::Agent(e.to_string()))?,
    )
}

/// Parse "mon-fri", "mon,wed,fri", "all".
pub fn parse_days(text: &str) -> Result<Vec<Weekday>> {
    use Weekday::*;
    const ORDER: [Weekday; 7] = [Mon, Tue, Wed, Thu, Fri, Sat, Sun];
    let name = |s: &str| -> Result<usize> {
        let s = s.trim().to_ascii_lowercase();
        ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
            .iter()
            .position(|d| s.starts_with(d) && !s.is_empty())
            .ok_or_else(|| {
                Error::invalid(t!(cat(), "mailbox-not-a-weekday", text = format!("{s:?}")))
            })
    };
    if text.trim().eq_ignore_ascii_case("all") {
        return Ok(ORDER.to_vec());
    }
    let mut out = Vec::new();
    for part in text.split(',') {
        match part.split_once('-') {
            Some((a, b)) => {
                let (a, b) = (name(a)?, name(b)?);
                if a > b {
                    return Err(Error::invalid(t!(
                        cat(),
                        "mailbox-days-backwards",
                        text = format!("{part:?}")
                    )));
                }
                out.extend_from_slice(&ORDER[a..=b]);
            }
            None => out.push(ORDER[name(part)?]),
        }
    }
    out.sort();
    out.dedup();
    Ok(out)
}

/// A weekday in the user's language ("Sat" in English).
fn weekday_name(day: Weekday) -> String {
    use Weekday::*;
    match day {
        Mon => t!(cat(), "mailbox-weekday-mon"),
        Tue => t!(cat(), "mailbox-weekday-tue"),
        Wed => t!(cat(), "mailbox-weekday-wed"),
        Thu => t!(cat(), "mailbox-weekday-thu"),
        Fri => t!(cat(), "mailbox-weekday-fri"),
        Sat => t!(cat(), "mailbox-weekday-sat"),
        Sun => t!(cat(), "mailbox-weekday-sun"),
    }
}

/// Local weekday and minute of the day (the device's time zone).
pub fn local_now() -> (Weekday, u32) {
    use Weekday::*;
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as libc::time_t);
    // SAFETY: localtime_r only writes into the struct we pass; both pointers are valid.
    let mut tm: libc::tm = unsafe { std::mem::zeroed() };
    let ok = unsafe { !libc::localtime_r(&now, &mut tm).is_null() };
    if !ok {
        return (Mon, 0);
    }
    let day = [Sun, Mon, Tue, Wed, Thu, Fri, Sat][(tm.tm_wday.rem_euclid(7)) as usize];
    (day, (tm.tm_hour * 60 + tm.tm_min) as u32)
}

#[cfg(test)]
mod tests {
    use super::*;
    use Weekday::*;

    fn bounds() -> SyncBounds {
        SyncBounds {
            min_interval_minutes: 5,
            max_interval_minutes: 60,
            days: vec![Mon, Tue, Wed, Thu, Fri],
            earliest: "06:00".into(),
            latest: "20:00".into(),
            push: true,
        }
    }

    #[test]
    fn schedules_outside_the_tenant_bounds_are_refused() {
        let b = bounds();
        let ok = Schedule {
            days: parse_days("mon-fri").unwrap(),
            from: "07:00".into(),
            to: "19:00".into(),
            interval_minutes: 15,
            push: true,
        };
        ok.validate(&b).unwrap();
        for bad in [
            Schedule {
                days: vec![Sat],
                ..ok.clone()
            },
            Schedule {
                from: "05:00".into(),
                ..ok.clone()
            },
            Schedule {
                to: "21:00".into(),
                ..ok.clone()
            },
            Schedule {
                interval_minutes: 1,
                ..ok.clone()
            },
            Schedule {
                interval_minutes: 90,
                ..ok.clone()
            },
            Schedule {
                from: "19:00".into(),
                to: "07:00".into(),
                ..ok.clone()
            },
        ] {
            assert!(bad.validate(&b).is_err(), "{bad:?}");
        }
        assert!(ok.active_at(Mon, 7 * 60));
        assert!(!ok.active_at(Mon, 19 * 60));
        assert!(!ok.active_at(Sun, 12 * 60));
        let wide = Schedule {
            days: vec![Sat, Mon],
            from: "00:00".into(),
            to: "24:00".into(),
            interval_minutes: 1,
            push: true,
        };
        let c = wide.clamp(&b);
        assert_eq!(
            (c.days, c.from.as_str(), c.to.as_str(), c.interval_minutes),
            (vec![Mon], "06:00", "20:00", 5)
        );
        assert!(parse_days("fri-mon").is_err());
        assert!(parse_days("xyz").is_err());
    }
}
