//! Text and JSON rendering of command results. Text is for people, JSON for tools; both
//! come from the same value so they never disagree.

use serde_json::Value;

#[derive(Clone, Copy)]
pub struct Out {
    pub json: bool,
}

impl Out {
    pub fn done(&self, text: &str, value: Value) {
        if self.json {
            println!(
                "{}",
                serde_json::to_string_pretty(&value).unwrap_or_default()
            );
        } else {
            println!("{text}");
        }
    }

    pub fn value<T: serde::Serialize>(&self, value: &T, text: fn(&Value) -> String) {
        let v = serde_json::to_value(value).unwrap_or_default();
        if self.json {
            println!("{}", serde_json::to_string_pretty(&v).unwrap_or_default());
        } else {
            print!("{}", text(&v));
        }
    }
}

fn s(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Null => "-".into(),
        other => other.to_string(),
    }
}

pub fn status(v: &Value) -> String {
    let mut out = String::new();
    let state = if v["unlocked"] == true {
        format!(
            "unlocked (locks after {} s idle)",
            s(&v["idle_lock_seconds"])
        )
    } else {
        "locked".to_string()
    };
    let rows = [
        ("Container", s(&v["container"])),
        ("State", state),
        (
            "Tenant",
            format!("{} ({})", s(&v["tenant_name"]), s(&v["tenant_id"])),
        ),
        ("Tenant key", s(&v["tenant_key"])),
        (
            "Policy",
            format!(
                "serial {}, sha256 {}",
                s(&v["policy_serial"]),
                s(&v["policy_sha256"])
            ),
        ),
        ("Failed unlocks", s(&v["failed_unlocks"]["count"])),
        (
            "Key derivation",
            format!(
                "Argon2id m={} KiB, t={}, p={}",
                s(&v["kdf"]["memory_kib"]),
                s(&v["kdf"]["iterations"]),
                s(&v["kdf"]["parallelism"])
            ),
        ),
    ];
    for (k, val) in rows {
        out.push_str(&format!("{k:<15} {val}\n"));
    }
    if let Some(fp) = v["data_key_fingerprint"].as_str() {
        out.push_str(&format!("{:<15} {fp}\n", "Data key id"));
    }
    out
}

pub fn audit_log(v: &Value) -> String {
    let mut out = String::new();
    for e in items(&v["entries"]) {
        let ts = e["ts_ms"].as_u64().unwrap_or(0);
        let detail = if e["detail"].as_object().is_some_and(|o| o.is_empty()) {
            String::new()
        } else {
            e["detail"].to_string()
        };
        out.push_str(&format!(
            "{:>5}  {}  {}{:<16} {detail}\n",
            s(&e["seq"]),
            format_ts(ts),
            if e["sealed"] == true { " " } else { "*" },
            s(&e["kind"]),
        ));
    }
    if let Some(ver) = v["verification"].as_object() {
        if ver.get("ok") == Some(&Value::Bool(true)) {
            out.push_str(&format!(
                "Verified: {} entries, chain intact, {} sealed, {} pending seal.\n",
                s(&v["verification"]["entries"]),
                s(&v["verification"]["sealed"]),
                s(&v["verification"]["pending"])
            ));
        } else {
            out.push_str("VERIFICATION FAILED:\n");
            for p in items(&v["verification"]["problems"]) {
                out.push_str(&format!("  - {}\n", s(p)));
            }
        }
    }
    out
}

/// UTC `YYYY-MM-DD HH:MM:SS` without a date library (civil-from-days, Howard Hinnant).
pub fn format_ts(ms: u64) -> String {
    let secs = (ms / 1000) as i64;
    let (days, rem) = (secs.div_euclid(86_400), secs.rem_euclid(86_400));
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!(
        "{y:04}-{m:02}-{d:02} {:02}:{:02}:{:02}",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}

pub fn bench(v: &Value) -> String {
    let mut out = String::new();
    if let Some(rows) = v["rows"].as_array() {
        for r in rows {
            out.push_str(&format!(
                "{:<34} {:>14} {:<8} baseline {:>14}  ratio {:>6}  goal {}\n",
                s(&r["name"]),
                s(&r["value"]),
                s(&r["unit"]),
                s(&r["baseline"]),
                s(&r["ratio"]),
                s(&r["goal"]),
            ));
        }
    }
    for n in items(&v["notes"]) {
        out.push_str(&format!("note: {}\n", s(n)));
    }
    out
}

/// The elements of a JSON array, or none.
pub fn items(v: &Value) -> &[Value] {
    v.as_array().map(Vec::as_slice).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    #[test]
    fn timestamps() {
        assert_eq!(super::format_ts(0), "1970-01-01 00:00:00");
        assert_eq!(super::format_ts(1_795_000_000_000), "2026-11-18 11:06:40");
    }
}
