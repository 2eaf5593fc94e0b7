//! The background worker: syncs calendars, task lists and address books on the user's sync
//! schedule (the one mail uses, within the tenant's bounds), replays queued edits, and turns
//! reminders (VALARM) that fall due into notifications — the title while unlocked; while
//! locked the notification module shows only how many there are.

use std::panic::AssertUnwindSafe;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use chrono::{TimeDelta, Utc};
use kapsel_core::container::Container;
use kapsel_core::policy::Policy;
use kapsel_core::vault::Vault;
use kapsel_core::{Error, Result};
use kapsel_i18n::{current as cat, t};

use crate::{Account, ical, local_tz, store, sync_account};

/// Shared with the agent: bumping the generation retires a running worker (at lock).
#[derive(Clone, Default)]
pub struct Shared {
    generation: Arc<AtomicU64>,
}

impl Shared {
    pub fn retire(&self) {
        self.generation.fetch_add(1, Ordering::SeqCst);
    }
}

const TICK: Duration = Duration::from_secs(30);
const ALARMS_NS: &str = "groupware";
const ALARMS_KEY: &str = "alarms_checked_ms";

/// Start the worker for an unlocked container; false when no DAV server is configured.
pub fn start_background(c: &Container, shared: &Shared) -> Result<bool> {
    let generation = shared.generation.fetch_add(1, Ordering::SeqCst) + 1;
    let account = Account::from_container(c)?;
    if account.services().is_empty() {
        return Ok(false);
    }
    let vault = c.vault().share()?;
    let policy = c.policy().clone();
    let shared = shared.clone();
    std::thread::Builder::new()
        .name("groupware-sync".into())
        .spawn(move || run(vault, policy, account, shared, generation))
        .map_err(Error::io(t!(cat(), "cal-worker-start")))?;
    Ok(true)
}

fn run(vault: Vault, policy: Policy, account: Account, shared: Shared, generation: u64) {
    let mut last_sync: Option<Instant> = None;
    let mut failures = 0u32;
    // False once a policy update retired this worker: checked per round and inside a sync.
    let current = || shared.generation.load(Ordering::SeqCst) == generation;
    loop {
        if !current() {
            return;
        }
        let sched = kapsel_mail::schedule::load(&vault, &policy.sync)
            .unwrap_or_else(|_| kapsel_mail::schedule::Schedule::default_for(&policy.sync));
        let interval = Duration::from_secs(u64::from(sched.interval_minutes) * 60);
        let backoff = Duration::from_secs(15 * u64::from(failures.min(20)));
        if sched.active_now() && last_sync.is_none_or(|t| t.elapsed() >= interval.max(backoff)) {
            // A bug a server's bytes reach costs one round (recorded by the panic hook),
            // not the worker and with it every later sync and reminder of the session.
            let ok = match std::panic::catch_unwind(AssertUnwindSafe(|| {
                sync_account(&vault, &policy, &account, &current)
            })) {
                Ok(report) => report.is_ok_and(|r| r.errors.is_empty()),
                Err(_) => {
                    vault.after_panic();
                    false
                }
            };
            failures = if ok { 0 } else { failures + 1 };
            last_sync = Some(Instant::now());
        }
        if std::panic::catch_unwind(AssertUnwindSafe(|| file_due_alarms(&vault))).is_err() {
            vault.after_panic();
        }
        std::thread::sleep(TICK);
    }
}

/// File a notification for every reminder that fell due since the last check (at most a
/// day back: a container unlocked after a week does not replay a week of reminders).
pub fn file_due_alarms(vault: &Vault) -> Result<usize> {
    let now = Utc::now();
    let last = vault
        .get(ALARMS_NS, ALARMS_KEY)?
        .and_then(|b| String::from_utf8_lossy(&b).parse::<i64>().ok())
        .and_then(chrono::DateTime::from_timestamp_millis)
        // The first check after enrolment looks an hour back.
        .unwrap_or(now - TimeDelta::hours(1))
        .max(now - TimeDelta::days(1));
    let local = local_tz();
    let mut filed = 0;
    // Reminders are at most a week before their event.
    let horizon = now + TimeDelta::days(8);
    for coll in store::collections(vault)?
        .into_iter()
        .filter(|c| c.kind == store::Kind::Calendar)
    {
        for (_, obj) in store::objects(vault, &coll.id)? {
            if obj.component != "VEVENT" || obj.problem.is_some() || !obj.data.contains("VALARM") {
                continue;
            }
            let Ok(cal) = ical::parse(&obj.data) else {
                continue;
            };
            let (occ, _) = ical::occurrences(&cal, local, last, horizon);
            for o in occ {
                for m in &o.alarms_minutes {
                    let at = o.start.with_timezone(&Utc) - TimeDelta::minutes(*m);
                    if at > last && at <= now {
                        let when = o.start.format("%H:%M").to_string();
                        kapsel_core::notifications::file(
                            vault,
                            "calendar",
                            &o.summary,
                            &format!("{when} {}", o.location.clone().unwrap_or_default()),
                            None,
                        )?;
                        filed += 1;
                    }
                }
            }
        }
    }
    vault.put(
        ALARMS_NS,
        ALARMS_KEY,
        now.timestamp_millis().to_string().as_bytes(),
    )?;
    Ok(filed)
}
