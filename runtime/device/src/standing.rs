//! The decision, without I/O: given what the container knows (the newest signed freshness
//! document and device list it has seen, the highest clock reading it has recorded) and
//! the time now, may it open, must it refuse, must it wipe?
//!
//! Contact is counted from the `issued_at` of the newest freshness document, never from the
//! device's own clock at the time of fetching: a replayed old document adds nothing, and a
//! forged one cannot be made without the tenant key.

use kapsel_core::policy::{Management, UnknownDevice};

use crate::documents::{DeviceList, DeviceState, WipeReason};

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
    /// The device's own public key: a list entry counts only if it carries this key, so a
    /// container cannot pass for another device by taking its id.
    pub device_key: String,
    /// When the container was enrolled: the grace period's start before any contact.
    pub enrolled_at: i64,
    /// `issued_at` of the newest verified freshness document.
    pub contact: Option<i64>,
    pub devices: Option<DeviceList>,
    /// This device's state in the newest list seen, as sealed after an unlock (it survives
    /// the plaintext list being deleted).
    pub sealed_state: Option<DeviceState>,
    /// The highest clock reading recorded at a check.
    pub highest_clock: i64,
    /// The highest device-list serial seen (sealed or in the table).
    pub devices_serial: u64,
}

impl Known {
    /// The time the tenant was last heard from (or enrolment, before the first contact).
    pub fn last_contact(&self) -> i64 {
        self.contact.unwrap_or(self.enrolled_at)
    }

    /// This device's state in the newest list, if it is in it (by id and key).
    pub fn state(&self) -> Option<DeviceState> {
        let listed = self.devices.as_ref().map(|l| {
            l.find(&self.device_id)
                .filter(|d| d.key == self.device_key)
                .map(|d| d.state)
        });
        match (listed, self.sealed_state) {
            // A wipe or lock once seen is not undone by losing the list.
            (None, sealed) => sealed,
            (Some(state), _) => state,
        }
    }

    fn listed(&self) -> bool {
        self.devices.is_some()
    }
}

pub fn decide(rules: &Management, known: &Known, now: i64) -> Verdict {
    // The device's state in the newest list comes first: a wipe stays a wipe, whatever
    // the clock says.
    match known.state() {
        Some(DeviceState::Wipe) => return Verdict::Wipe(WipeReason::RemoteWipe),
        Some(DeviceState::Locked) => return Verdict::Refuse(Refusal::DeviceLocked),
        Some(DeviceState::Active) => {}
        None if known.listed() => match rules.unknown_device {
            UnknownDevice::Allow => {}
            UnknownDevice::Refuse => return Verdict::Refuse(Refusal::NotApproved),
            UnknownDevice::Wipe => return Verdict::Wipe(WipeReason::UnknownDevice),
        },
        None => {}
    }
    // Everything the device has seen happen: a clock reading earlier than any of it was
    // set back (an enrolment "in the future" included).
    let seen = known
        .contact
        .unwrap_or(0)
        .max(known.highest_clock)
        .max(known.enrolled_at);
    if now.saturating_add(CLOCK_SKEW_SECONDS) < seen {
        return Verdict::Refuse(Refusal::ClockSetBack { now, seen });
    }
    let since = now.saturating_sub(known.last_contact());
    if since > i64::from(rules.wipe_after_days) * 86_400 {
        return Verdict::Wipe(WipeReason::OfflineLimit);
    }
    let grace = i64::from(rules.grace_hours) * 3600;
    if since > grace {
        return Verdict::Refuse(Refusal::GraceExceeded {
            last_contact: known.contact,
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
            device_key: "ed25519:me".into(),
            enrolled_at: 0,
            contact: Some(issued_at),
            sealed_state: None,
            devices_serial: 1,
            devices: Some(DeviceList {
                tenant: "t".into(),
                serial: 1,
                issued_at,
                devices: state
                    .map(|s| DeviceEntry {
                        id: "d-1".into(),
                        state: s,
                        key: "ed25519:me".into(),
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
    fn another_devices_entry_does_not_count_and_a_seen_wipe_survives_losing_the_list() {
        let r = rules();
        let mut k = known(Some(DeviceState::Active), T);
        k.device_key = "ed25519:someone-else".into();
        assert_eq!(decide(&r, &k, T), Verdict::Refuse(Refusal::NotApproved));
        let mut k = known(None, T);
        k.devices = None;
        k.sealed_state = Some(DeviceState::Wipe);
        assert_eq!(decide(&r, &k, T), Verdict::Wipe(WipeReason::RemoteWipe));
        // A wipe wins over a clock set back.
        let mut k = known(Some(DeviceState::Wipe), T);
        k.highest_clock = T + 10 * 86_400;
        assert_eq!(decide(&r, &k, T), Verdict::Wipe(WipeReason::RemoteWipe));
    }

    #[test]
    fn an_enrolment_in_the_future_and_extreme_times_do_not_open_or_panic() {
        let r = rules();
        let mut k = known(Some(DeviceState::Active), T);
        k.contact = None;
        k.enrolled_at = T + 30 * 86_400;
        assert!(matches!(
            decide(&r, &k, T),
            Verdict::Refuse(Refusal::ClockSetBack { .. })
        ));
        k.enrolled_at = i64::MIN;
        assert_eq!(decide(&r, &k, T), Verdict::Wipe(WipeReason::OfflineLimit));
        k.enrolled_at = 0;
        let _ = decide(&r, &k, i64::MIN);
        let _ = decide(&r, &k, i64::MAX);
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
