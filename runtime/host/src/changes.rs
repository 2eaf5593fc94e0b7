//! What an install changes, for the person installing: the version step, capabilities and
//! origins the new manifest adds or drops against the installed one, and what the new
//! manifest declares that the tenant does not grant (installable, but those calls will be
//! denied). Judged from the manifests and the effective grants only; the import check that
//! refuses an install is `grants::enforce`.

use serde::{Deserialize, Serialize};

use crate::caps::Capability;
use crate::grants::Grants;
use crate::manifest::Manifest;

/// The step from the installed version to this one.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Update {
    pub from_version: String,
    pub to_version: String,
    pub added_capabilities: Vec<Capability>,
    pub removed_capabilities: Vec<Capability>,
    /// As the manifests write them (`tenant-configured` included).
    pub added_origins: Vec<String>,
    pub removed_origins: Vec<String>,
}

impl Update {
    /// Nothing the app may do changed (the version alone may have).
    pub fn same_rights(&self) -> bool {
        self.added_capabilities.is_empty()
            && self.removed_capabilities.is_empty()
            && self.added_origins.is_empty()
            && self.removed_origins.is_empty()
    }
}

/// Declared by the new manifest, not granted by the tenant's policy.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct NotGranted {
    pub capabilities: Vec<Capability>,
    /// Declared origins outside the granted ones (while http itself is granted).
    pub origins: Vec<String>,
}

impl NotGranted {
    pub fn is_empty(&self) -> bool {
        self.capabilities.is_empty() && self.origins.is_empty()
    }
}

fn declared_caps(m: &Manifest) -> Vec<Capability> {
    Capability::ALL
        .into_iter()
        .filter(|c| c.declared(&m.capabilities).is_some())
        .collect()
}

/// The manifest's HTTP origins as it writes them; the reviewer's report lists the same.
pub(crate) fn declared_origins(m: &Manifest) -> Vec<String> {
    m.capabilities
        .http
        .as_ref()
        .map(|h| h.origins.iter().map(ToString::to_string).collect())
        .unwrap_or_default()
}

fn minus<T: PartialEq + Clone>(a: &[T], b: &[T]) -> Vec<T> {
    a.iter().filter(|x| !b.contains(x)).cloned().collect()
}

pub fn update(old: &Manifest, new: &Manifest) -> Update {
    let (oc, nc) = (declared_caps(old), declared_caps(new));
    let (oo, no) = (declared_origins(old), declared_origins(new));
    Update {
        from_version: old.version.clone(),
        to_version: new.version.clone(),
        added_capabilities: minus(&nc, &oc),
        removed_capabilities: minus(&oc, &nc),
        added_origins: minus(&no, &oo),
        removed_origins: minus(&oo, &no),
    }
}

pub fn not_granted(m: &Manifest, grants: &Grants) -> NotGranted {
    let capabilities = declared_caps(m)
        .into_iter()
        .filter(|c| !grants.allows(*c))
        .collect();
    let origins = match (&m.capabilities.http, &grants.caps.http) {
        (Some(declared), Some(granted)) => declared
            .named()
            .filter(|o| !granted.origins.contains(o))
            .map(ToString::to_string)
            .collect(),
        _ => Vec::new(),
    };
    NotGranted {
        capabilities,
        origins,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use kapsel_core::policy::Policy;

    fn manifest(version: &str, caps: &str) -> Manifest {
        Manifest::parse(&format!(
            "id = \"a\"\nname = \"A\"\nversion = \"{version}\"\npublisher = \"P\"\napi = \"0.1\"\n[capabilities]\n{caps}\n"
        ))
        .unwrap()
    }

    #[test]
    fn an_update_lists_what_it_adds_and_drops() {
        let old = manifest(
            "0.1.0",
            "storage = { quota_bytes = 10 }\nhttp = { origins = [\"https://a.example\"] }",
        );
        let new = manifest(
            "0.2.0",
            "notify = true\nhttp = { origins = [\"https://a.example\", \"https://b.example\"] }",
        );
        let u = update(&old, &new);
        assert_eq!(
            (u.from_version.as_str(), u.to_version.as_str()),
            ("0.1.0", "0.2.0")
        );
        assert_eq!(u.added_capabilities, [Capability::Notify]);
        assert_eq!(u.removed_capabilities, [Capability::Storage]);
        assert_eq!(u.added_origins, ["https://b.example"]);
        assert!(u.removed_origins.is_empty() && !u.same_rights());
        assert!(update(&new, &new).same_rights());
    }

    #[test]
    fn declared_but_not_granted_is_named() {
        let m = manifest(
            "1",
            "notify = true\nhttp = { origins = [\"https://a.example\", \"https://b.example\"] }",
        );
        let p = Policy::parse(
            "serial = 1\n[tenant]\nid = \"t\"\nname = \"T\"\n[apps.a]\nhttp_origins = [\"https://a.example\"]\n",
        )
        .unwrap();
        let n = not_granted(&m, &Grants::effective(&m, &p));
        assert_eq!(n.capabilities, [Capability::Notify]);
        assert_eq!(n.origins, ["https://b.example"]);
    }
}
