//! The decision, without I/O: given what the container knows (the newest signed freshness
//! document and device list it has seen, the highest clock reading it has recorded) and
//! the time now, may it open, must it refuse, must it wipe?
//!
//! Contact is counted from the `issued_at` of the newest freshness document, never from the
//! device's own clock at the time of fetching: a replayed old document adds nothing, and a
//! forged one cannot be made without the tenant key.

use kapsel_core::policy::{Management, UnknownDevice};

use crate::documents::{DeviceList, DeviceState, Freshness, WipeReason};

/// How far a device clock may run behind the tenant's before it counts as set back.
pub const CLOCK_SKEW_SECONDS: i64 = 300;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    /// May open; `grace_left` seconds until it would refuse without contact.
    Open {
        grace_left: i64,
    },
    Refuse(Refusal),
    Wipe(WipeReason),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    /// The tenant's list says `locked`.
    DeviceLocked,
    /// Not in the tenant's list (yet): the admin has not approved the request.
    NotApproved,
    /// No fresh signed document for longer than the grace period.
    GraceExceeded { last_contact: Option<i64> },
    /// The clock reads earlier than a document or a reading already seen.
    ClockSetBack { now: i64, seen: i64 },
}

/// What the container knows about its standing with the tenant.
#[derive(Debug, Clone, Default)]
pub struct Known {
    pub device_id: String,
    /// When the container was enrolled: the grace period's start before any contact.
    pub enrolled_at: i64,
    pub freshness: Option<Freshness>,
    pub devices: Option<DeviceList>,
    /// The highest clock reading recorded at a check.
    pub highest_clock: i64,
}

impl Known {
    /// The time the tenant was last heard from (or enrolment, before the first contact).
    pub fn last_contact(&self) -> i64 {
        self.freshness
            .as_ref()
            .map_or(self.enrolled_at, |f| f.issued_at)
    }
}

pub fn decide(rules: &Management, known: &Known, now: i64) -> Verdict {
    let seen = known
        .freshness
        .as_ref()
        .map_or(0, |f| f.issued_at)
        .max(known.highest_clock);
    if now + CLOCK_SKEW_SECONDS < seen {
        return Verdict::Refuse(Refusal::ClockSetBack { now, seen });
    }
    // The device's state in the newest list wins over the clock: a wipe stays a wipe.
    if let Some(list) = &known.devices {
        match list.find(&known.device_id).map(|d| d.state) {
            Some(DeviceState::Wipe) => return Verdict::Wipe(WipeReason::RemoteWipe),
            Some(DeviceState::Locked) => return Verdict::Refuse(Refusal::DeviceLocked),
            Some(DeviceState::Active) => {}
            None => match rules.unknown_device {
                UnknownDevice::Allow => {}
                UnknownDevice::Refuse => return Verdict::Refuse(Refusal::NotApproved),
                UnknownDevice::Wipe => return Verdict::Wipe(WipeReason::UnknownDevice),
            },
        }
    }
    let since = now - known.last_contact();
    if since > i64::from(rules.wipe_after_days) * 86_400 {
        return Verdict::Wipe(WipeReason::OfflineLimit);
    }
    let grace = i64::from(rules.grace_hours) * 3600;
    if since > grace {
        return Verdict::Refuse(Refusal::GraceExceeded {
            last_contact: known.freshness.as_ref().map(|f| f.issued_at),
        });
    }
    Verdict::Open {
        grace_left: grace - since,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::documents::DeviceEntry;

    fn rules() -> Management {
        toml::from_str(
            "endpoint = \"https://tenant.example/k/\"\ngrace_hours = 24\nwipe_after_days = 3\n",
        )
        .expect("rules parse")
    }

    fn known(state: Option<DeviceState>, issued_at: i64) -> Known {
        Known {
            device_id: "d-1".into(),
            enrolled_at: 0,
            freshness: Some(Freshness {
                tenant: "t".into(),
                issued_at,
                expires_at: issued_at + 3600,
                policy_serial: 1,
                devices_serial: 1,
            }),
            devices: Some(DeviceList {
                tenant: "t".into(),
                serial: 1,
                issued_at,
                devices: state
                    .map(|s| DeviceEntry {
                        id: "d-1".into(),
                        state: s,
                        key: String::new(),
                        login: None,
                    })
                    .into_iter()
                    .collect(),
            }),
            highest_clock: issued_at,
        }
    }

    const T: i64 = 1_796_000_000;

    #[test]
    fn an_active_device_in_contact_opens_and_knows_its_grace() {
        let v = decide(&rules(), &known(Some(DeviceState::Active), T), T + 3600);
        assert_eq!(
            v,
            Verdict::Open {
                grace_left: 23 * 3600
            }
        );
    }

    #[test]
    fn locked_wipe_and_unknown_devices() {
        let r = rules();
        assert_eq!(
            decide(&r, &known(Some(DeviceState::Locked), T), T),
            Verdict::Refuse(Refusal::DeviceLocked)
        );
        assert_eq!(
            decide(&r, &known(Some(DeviceState::Wipe), T), T),
            Verdict::Wipe(WipeReason::RemoteWipe)
        );
        assert_eq!(
            decide(&r, &known(None, T), T),
            Verdict::Refuse(Refusal::NotApproved)
        );
    }

    #[test]
    fn grace_exceeded_refuses_then_the_offline_limit_wipes() {
        let r = rules();
        let k = known(Some(DeviceState::Active), T);
        assert!(matches!(
            decide(&r, &k, T + 25 * 3600),
            Verdict::Refuse(Refusal::GraceExceeded { .. })
        ));
        assert_eq!(
            decide(&r, &k, T + 3 * 86_400 + 1),
            Verdict::Wipe(WipeReason::OfflineLimit)
        );
    }

    #[test]
    fn a_clock_set_back_is_caught() {
        let r = rules();
        let mut k = known(Some(DeviceState::Active), T);
        k.highest_clock = T + 10_000;
        assert!(matches!(
            decide(&r, &k, T + 100),
            Verdict::Refuse(Refusal::ClockSetBack { .. })
        ));
        // Within the skew it is not.
        assert!(matches!(
            decide(&r, &k, T + 10_000 - 60),
            Verdict::Open { .. }
        ));
    }
}
