//! Who may install an app id. An id is bound to its publisher: the tenant can name the
//! publisher in `[apps.<id>] publisher`, the built-in ids belong to the publisher the tenant
//! marks `builtin`, and an installed app can only be replaced by a package from the same
//! signer — otherwise an impostor would take over the app's stored data and the credentials
//! injected for it. Updates may not go back in version unless the tenant allows it.

use std::cmp::Ordering;

use kapsel_core::error::{Error, Result};
use kapsel_core::policy::{Policy, Publisher, signing};
use kapsel_i18n::{current as cat, t};

/// The ids of Kapsel's built-in apps, reserved for the built-in publisher.
pub const BUILTIN_IDS: &[&str] = &["viewer", "news", "documents"];

/// The tenant's publisher entry for `key`.
pub fn publisher_of<'p>(policy: &'p Policy, key: &signing::VerifyingKey) -> Option<&'p Publisher> {
    let text = signing::encode_public_key(key);
    policy.publishers.iter().find(|p| p.key.trim() == text)
}

/// The display name of the publisher whose key is `key_text`, as the tenant calls it.
pub fn name_of_key(policy: &Policy, key_text: &str) -> Option<String> {
    policy
        .publishers
        .iter()
        .find(|p| p.key.trim() == key_text.trim())
        .map(|p| p.name.clone())
}

/// May `signer` install `id` (at `version`), given what is installed now?
pub fn check(
    policy: &Policy,
    id: &str,
    signer: &Publisher,
    version: &str,
    installed: Option<(&str, &str)>,
) -> Result<()> {
    if BUILTIN_IDS.contains(&id) && !signer.builtin {
        return Err(Error::Policy(t!(
            cat(),
            "host-reserved-id",
            id = format!("{id:?}"),
            signer = format!("{:?}", signer.name)
        )));
    }
    let grant = policy.apps.get(id);
    if let Some(bound) = grant.and_then(|g| g.publisher.as_deref())
        && bound != signer.name
    {
        return Err(Error::Policy(t!(
            cat(),
            "host-bound-publisher",
            id = format!("{id:?}"),
            bound = format!("{bound:?}"),
            signer = format!("{:?}", signer.name)
        )));
    }
    if let Some((installed_key, installed_version)) = installed {
        if installed_key.trim() != signer.key.trim() {
            let owner = name_of_key(policy, installed_key)
                .unwrap_or_else(|| t!(cat(), "host-publisher-unlisted"));
            return Err(Error::Policy(t!(
                cat(),
                "host-other-signer",
                id = id,
                owner = format!("{owner:?}"),
                signer = format!("{:?}", signer.name)
            )));
        }
        if compare_versions(version, installed_version) == Ordering::Less {
            let floor = grant.and_then(|g| g.min_version.as_deref());
            let allowed = floor.is_some_and(|f| compare_versions(version, f) != Ordering::Less);
            if !allowed {
                return Err(Error::Policy(t!(
                    cat(),
                    "host-downgrade",
                    id = id,
                    version = version,
                    installed = installed_version
                )));
            }
        }
    }
    Ok(())
}

/// Versions compared part by part (`1.10.0` > `1.9.3`); numeric parts as numbers, the rest as
/// text, a pre-release (`1.0.0-rc1`) before its release.
pub fn compare_versions(a: &str, b: &str) -> Ordering {
    fn split(v: &str) -> (Vec<&str>, Option<&str>) {
        let v = v.trim().trim_start_matches(['v', 'V']);
        let (core, pre) = match v.split_once('-') {
            Some((c, p)) => (c, Some(p)),
            None => (v.split('+').next().unwrap_or(v), None),
        };
        (core.split('.').collect(), pre)
    }
    fn part(a: &str, b: &str) -> Ordering {
        match (a.parse::<u64>(), b.parse::<u64>()) {
            (Ok(x), Ok(y)) => x.cmp(&y),
            _ => a.cmp(b),
        }
    }
    let ((ca, pa), (cb, pb)) = (split(a), split(b));
    for i in 0..ca.len().max(cb.len()) {
        let o = part(ca.get(i).unwrap_or(&"0"), cb.get(i).unwrap_or(&"0"));
        if o != Ordering::Equal {
            return o;
        }
    }
    match (pa, pb) {
        (None, None) => Ordering::Equal,
        (Some(_), None) => Ordering::Less,
        (None, Some(_)) => Ordering::Greater,
        (Some(x), Some(y)) => x.cmp(y),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_compare_like_people_expect() {
        use Ordering::*;
        for (a, b, o) in [
            ("1.10.0", "1.9.3", Greater),
            ("1.0", "1.0.0", Equal),
            ("1.0.0-rc1", "1.0.0", Less),
            ("2", "10", Less),
            ("v1.2", "1.2.0", Equal),
        ] {
            assert_eq!(compare_versions(a, b), o, "{a} vs {b}");
        }
    }
}
