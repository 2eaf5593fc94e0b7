//! Text and JSON rendering of command results. Text is for people, JSON for tools; both
//! come from the same typed value so they never disagree.

use serde::Serialize;

use crate::bench::Report;
use crate::session::protocol::{AgentStatus, AuditLog};
use kapsel_core::container::Status;
use kapsel_core::terminal;
use kapsel_i18n::t;

#[derive(Clone, Copy)]
pub struct Out {
    pub json: bool,
}

impl Out {
    /// A short confirmation for people, or `value` for tools.
    pub fn done<T: Serialize>(&self, text: &str, value: &T) {
        if self.json {
            println!("{}", to_json(value));
        } else {
            println!("{}", terminal::block(text));
        }
    }

    /// `value` as JSON for tools, or `text(value)` for people. Text for people passes the
    /// one terminal sanitiser: whatever a field carries, no control sequence reaches the
    /// terminal (single-line fields are additionally cut at line breaks by their renderer).
    pub fn show<T: Serialize>(&self, value: &T, text: impl FnOnce(&T) -> String) {
        if self.json {
            println!("{}", to_json(value));
        } else {
            print!("{}", terminal::block(&text(value)));
        }
    }
}

pub fn to_json<T: Serialize>(value: &T) -> String {
    serde_json::to_string_pretty(value).unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"))
}

pub fn status(
    s: &Status,
    agent: Option<&AgentStatus>,
    device: Option<&kapsel_device::device::Report>,
) -> String {
    let mut out = String::new();
    let cat = kapsel_i18n::current();
    let state = match agent {
        Some(a) => t!(
            cat,
            "cli-status-unlocked",
            seconds = a.idle_lock_seconds.to_string()
        ),
        None => t!(cat, "cli-status-locked"),
    };
    let mut rows = vec![
        (
            t!(cat, "cli-status-container"),
            s.container.display().to_string(),
        ),
        (t!(cat, "cli-status-state"), state),
        (
            t!(cat, "cli-status-tenant"),
            format!("{} ({})", s.tenant_name, s.tenant_id),
        ),
        (t!(cat, "cli-status-tenant-key"), s.tenant_key.clone()),
        (
            t!(cat, "cli-status-policy"),
            t!(
                cat,
                "cli-status-policy-value",
                serial = s.policy_serial.to_string(),
                sha256 = s.policy_sha256.as_str()
            ),
        ),
        (
            t!(cat, "cli-status-failed-unlocks"),
            s.failed_unlocks.count.to_string(),
        ),
        (
            t!(cat, "cli-status-kdf"),
            format!(
                "Argon2id m={} KiB, t={}, p={}",
                s.kdf.memory_kib, s.kdf.iterations, s.kdf.parallelism
            ),
        ),
        (
            t!(cat, "cli-status-app-engine"),
            match s.app_engine {
                kapsel_core::policy::AppEngine::Native => t!(cat, "cli-status-app-engine-native"),
                kapsel_core::policy::AppEngine::Interpreter => {
                    t!(cat, "cli-status-app-engine-interpreter")
                }
            },
        ),
    ];
    if let Some(fp) = &s.data_key_fingerprint {
        rows.push((t!(cat, "cli-status-data-key"), fp.clone()));
    }
    if let Some(d) = device.or(agent.and_then(|a| a.device.as_ref())) {
        rows.extend(device_rows(d));
    }
    let width = rows
        .iter()
        .map(|(k, _)| k.chars().count())
        .max()
        .unwrap_or(0)
        .max(15);
    for (k, val) in rows {
        out.push_str(&format!("{k:<width$} {val}\n"));
    }
    out
}

/// The standing with the tenant: device, state, last proved contact, grace left.
fn device_rows(d: &kapsel_device::device::Report) -> Vec<(String, String)> {
    let cat = kapsel_i18n::current();
    let state = match d.device_state {
        Some(kapsel_device::DeviceState::Active) => t!(cat, "cli-status-device-active"),
        Some(kapsel_device::DeviceState::Locked) => t!(cat, "cli-status-device-locked"),
        Some(kapsel_device::DeviceState::Wipe) => t!(cat, "cli-status-device-wipe"),
        None => t!(cat, "cli-status-device-unknown"),
    };
    let contact = d.last_contact.map_or_else(
        || t!(cat, "cli-status-never"),
        kapsel_device::documents::utc,
    );
    let attempt = match &d.last_attempt {
        Some(a) if !a.ok => t!(
            cat,
            "cli-status-attempt-failed",
            time = kapsel_device::documents::utc(a.at),
            error = terminal::line(a.error.as_deref().unwrap_or(""))
        ),
        Some(a) => t!(
            cat,
            "cli-status-attempt-ok",
            time = kapsel_device::documents::utc(a.at)
        ),
        None => t!(cat, "cli-status-never"),
    };
    let grace = if d.grace_left > 0 {
        t!(
            cat,
            "cli-status-grace-left",
            hours = (d.grace_left / 3600).to_string(),
            minutes = (d.grace_left % 3600 / 60).to_string()
        )
    } else {
        t!(cat, "cli-status-grace-over")
    };
    vec![
        (
            t!(cat, "cli-status-device"),
            format!("{} ({})", d.device_id, terminal::line(&d.endpoint)),
        ),
        (t!(cat, "cli-status-device-state"), state),
        (t!(cat, "cli-status-last-contact"), contact),
        (t!(cat, "cli-status-last-attempt"), attempt),
        (t!(cat, "cli-status-grace"), grace),
    ]
}

pub fn audit_log(v: &AuditLog) -> String {
    let mut out = String::new();
    for e in &v.entries {
        let detail = if e.detail.as_object().is_some_and(|o| o.is_empty()) {
            String::new()
        } else {
            e.detail.to_string()
        };
        out.push_str(&format!(
            "{:>5}  {}  {}{:<16} {detail}\n",
            e.seq,
            format_ts(e.ts_ms),
            if e.sealed { " " } else { "*" },
            e.kind,
        ));
    }
    if let Some(ver) = &v.verification {
        if ver.ok {
            out.push_str(&t!(
                kapsel_i18n::current(),
                "cli-audit-verified",
                entries = ver.entries.to_string(),
                sealed = ver.sealed.to_string(),
                pending = ver.pending.to_string()
            ));
            out.push('\n');
        } else {
            out.push_str(&t!(kapsel_i18n::current(), "cli-audit-verification-failed"));
            out.push('\n');
            for p in &ver.problems {
                out.push_str(&format!("  - {p}\n"));
            }
        }
    }
    out
}

/// UTC `YYYY-MM-DD HH:MM:SS` of a millisecond timestamp.
pub fn format_ts(ms: u64) -> String {
    kapsel_device::documents::utc_stamp((ms / 1000) as i64)
}

pub fn bench(v: &Report) -> String {
    let mut out = String::new();
    for r in &v.rows {
        out.push_str(&format!(
            "{:<34} {:>14} {:<8} baseline {:>14}  ratio {:>6}  goal {}\n",
            r.name, r.value, r.unit, r.baseline, r.ratio, r.goal,
        ));
        if r.limit != "-" {
            out.push_str(&format!(
                "{:<34} limit {}  value/limit {}\n",
                "", r.limit, r.of_limit
            ));
        }
    }
    for n in &v.notes {
        out.push_str(&format!("note: {n}\n"));
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn timestamps() {
        assert_eq!(super::format_ts(0), "1970-01-01 00:00:00");
        assert_eq!(super::format_ts(1_795_000_000_000), "2026-11-18 11:06:40");
    }
}
