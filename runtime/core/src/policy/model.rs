//! The tenant policy as a typed document: every field, its default, and the checks that make
//! a parsed policy usable. Parsing and validating live here; enforcing lives with each
//! capability, so that a denial is tested where it happens.

use std::collections::BTreeMap;

use kapsel_i18n::t;
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::net::origin::{HostPattern, Origin};
use crate::vault::{KdfParams, OnLimit, UnlockRules};

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Policy {
    pub tenant: Tenant,
    /// Monotonic: a container never accepts a lower serial than the one it holds.
    pub serial: u64,
    #[serde(default)]
    pub password: PasswordRules,
    #[serde(default)]
    pub lock: LockRules,
    #[serde(default)]
    pub kdf: KdfParams,
    #[serde(default)]
    pub sync: SyncBounds,
    #[serde(default)]
    pub dlp: Dlp,
    #[serde(default)]
    pub modules: Modules,
    #[serde(default)]
    pub publishers: Vec<Publisher>,
    /// Grants per app id.
    #[serde(default)]
    pub apps: BTreeMap<String, AppGrant>,
    /// How the micro-app host runs every app. Its own table: `[apps]` holds one table per
    /// app id, where a setting would take an id away from apps.
    #[serde(default)]
    pub app_host: AppHostPolicy,
    #[serde(default)]
    pub servers: Servers,
    #[serde(default)]
    pub tls: Tls,
    #[serde(default)]
    pub integrity: IntegrityPolicy,
    #[serde(default)]
    pub directory: DirectoryPolicy,
    /// Device management over signed static documents; absent = managed by hand
    /// (`kapsel policy update`), no contact, no grace period.
    #[serde(default)]
    pub management: Option<Management>,
}

/// `[management]`: where the tenant publishes its signed documents and how strict the
/// device is about reaching them (kapsel-device enforces it).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Management {
    /// The HTTPS folder with `policy.toml`, `devices.toml`, `freshness.toml` and, during a
    /// key change, `rollover.toml` (checked with `[tls]`'s trust anchors).
    pub endpoint: String,
    /// How often an unlocked container asks (besides at unlock and with every sync round).
    #[serde(default = "Management::default_check_minutes")]
    pub check_minutes: u32,
    /// Without a fresh signed freshness document for this long, the container refuses to
    /// open until it reaches the tenant.
    #[serde(default = "Management::default_grace_hours")]
    pub grace_hours: u32,
    /// Without contact for this long, the container wipes itself.
    #[serde(default = "Management::default_wipe_after_days")]
    pub wipe_after_days: u32,
    /// What a device that is not in the tenant's list does: refuse to open (the default,
    /// until the admin approves its request), open, or wipe.
    #[serde(default)]
    pub unknown_device: UnknownDevice,
    /// Shown whenever the container refuses to open for the tenant (who to call).
    #[serde(default)]
    pub helpdesk: String,
}

impl Management {
    fn default_check_minutes() -> u32 {
        60
    }
    fn default_grace_hours() -> u32 {
        72
    }
    fn default_wipe_after_days() -> u32 {
        30
    }
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum UnknownDevice {
    #[default]
    Refuse,
    Allow,
    Wipe,
}

/// How the directory module binds and searches (`[directory]`); the server and base DN are
/// `servers.ldap` and `servers.ldap_base_dn`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct DirectoryPolicy {
    pub bind: DirectoryBind,
    /// The service account's DN for `bind = "service"` (its password is stored sealed in the
    /// container with `kapsel dir service-password`, never in the policy).
    pub service_dn: Option<String>,
    /// The most entries one search returns (1-5000); more are counted, not kept.
    pub max_results: u32,
    /// The server-side and client-side bound of one search, in seconds (1-120).
    pub time_limit_seconds: u32,
    pub attributes: DirectoryAttributes,
}

impl Default for DirectoryPolicy {
    fn default() -> Self {
        DirectoryPolicy {
            bind: DirectoryBind::User,
            service_dn: None,
            max_results: 200,
            time_limit_seconds: 10,
            attributes: DirectoryAttributes::default(),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum DirectoryBind {
    /// The user's own login and password (the ones that open the container). A login that
    /// is not a DN is looked up first (`userPrincipalName`, `mail` or `sAMAccountName`).
    User,
    /// The tenant's service account (`service_dn`).
    Service,
}

/// The directory's attribute for each field Kapsel shows (Active Directory names by default).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct DirectoryAttributes {
    pub display_name: String,
    pub given_name: String,
    pub surname: String,
    pub mail: String,
    pub phone: String,
    pub mobile: String,
    pub department: String,
    pub title: String,
    pub office: String,
    pub manager: String,
    pub company: String,
    pub login: String,
    pub upn: String,
}

impl Default for DirectoryAttributes {
    fn default() -> Self {
        let s = |v: &str| v.to_string();
        DirectoryAttributes {
            display_name: s("displayName"),
            given_name: s("givenName"),
            surname: s("sn"),
            mail: s("mail"),
            phone: s("telephoneNumber"),
            mobile: s("mobile"),
            department: s("department"),
            title: s("title"),
            office: s("physicalDeliveryOfficeName"),
            manager: s("manager"),
            company: s("company"),
            login: s("sAMAccountName"),
            upn: s("userPrincipalName"),
        }
    }
}

impl DirectoryAttributes {
    /// (field name, attribute) for every field, in display order.
    pub fn fields(&self) -> [(&'static str, &str); 13] {
        [
            ("display_name", &self.display_name),
            ("given_name", &self.given_name),
            ("surname", &self.surname),
            ("mail", &self.mail),
            ("phone", &self.phone),
            ("mobile", &self.mobile),
            ("department", &self.department),
            ("title", &self.title),
            ("office", &self.office),
            ("manager", &self.manager),
            ("company", &self.company),
            ("login", &self.login),
            ("upn", &self.upn),
        ]
    }
}

/// An LDAP attribute description: a name (letter, then letters, digits, `-`) or an OID.
fn valid_attribute(a: &str) -> bool {
    let name = a.len() <= 64
        && a.starts_with(|c: char| c.is_ascii_alphabetic())
        && a.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-');
    let oid = !a.is_empty()
        && a.len() <= 128
        && a.split('.')
            .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()));
    name || oid
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Tenant {
    /// Short stable id, e.g. `demo-agency`.
    pub id: String,
    pub name: String,
    /// The language Kapsel speaks when the user's locale names none it has: "de" or "en".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub language: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct PasswordRules {
    pub min_length: usize,
    /// How many of lower case, upper case, digits, other must appear.
    pub min_classes: usize,
}

impl Default for PasswordRules {
    fn default() -> Self {
        PasswordRules {
            min_length: 12,
            min_classes: 3,
        }
    }
}

impl PasswordRules {
    pub fn check(&self, password: &str) -> Result<()> {
        let len = password.chars().count();
        if len < self.min_length {
            return Err(Error::Policy(t!(
                kapsel_i18n::current(),
                "core-password-too-short",
                length = len,
                min = self.min_length
            )));
        }
        let classes = [
            password.chars().any(|c| c.is_lowercase()),
            password.chars().any(|c| c.is_uppercase()),
            password.chars().any(|c| c.is_ascii_digit()),
            password.chars().any(|c| !c.is_alphanumeric()),
        ]
        .iter()
        .filter(|b| **b)
        .count();
        if classes < self.min_classes {
            return Err(Error::Policy(t!(
                kapsel_i18n::current(),
                "core-password-too-simple",
                classes = classes,
                min = self.min_classes
            )));
        }
        Ok(())
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct LockRules {
    /// The unlocked session locks itself after this many minutes without use.
    pub idle_minutes: u32,
    pub max_failed_unlocks: u32,
    pub on_limit: OnLimit,
    /// Wait after the first failure; doubles with each further one.
    pub backoff_base_ms: u64,
    pub backoff_max_seconds: u64,
}

impl Default for LockRules {
    fn default() -> Self {
        LockRules {
            idle_minutes: 15,
            max_failed_unlocks: 10,
            on_limit: OnLimit::Wipe,
            backoff_base_ms: 1000,
            backoff_max_seconds: 900,
        }
    }
}

impl LockRules {
    /// The rules as the vault applies them: bounded by the built-in ceiling (at most ten
    /// attempts, a lockout of at least a minute), because the stored policy is a file an
    /// attacker can swap for an older signed one while the container is locked.
    pub fn unlock_rules(&self) -> UnlockRules {
        UnlockRules {
            max_failed: self.max_failed_unlocks,
            on_limit: self.on_limit,
            backoff_base: std::time::Duration::from_millis(self.backoff_base_ms),
            backoff_max: std::time::Duration::from_secs(self.backoff_max_seconds),
        }
        .within_builtin_bounds()
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Weekday {
    Mon,
    Tue,
    Wed,
    Thu,
    Fri,
    Sat,
    Sun,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct SyncBounds {
    pub min_interval_minutes: u32,
    pub max_interval_minutes: u32,
    /// Days on which the user may schedule sync.
    pub days: Vec<Weekday>,
    /// Earliest and latest time of day ("HH:MM", local time) a sync window may cover.
    pub earliest: String,
    pub latest: String,
    /// IMAP IDLE (push) inside the user's windows.
    pub push: bool,
}

impl Default for SyncBounds {
    fn default() -> Self {
        use Weekday::*;
        SyncBounds {
            min_interval_minutes: 5,
            max_interval_minutes: 240,
            days: vec![Mon, Tue, Wed, Thu, Fri, Sat, Sun],
            earliest: "00:00".into(),
            latest: "24:00".into(),
            push: true,
        }
    }
}

/// Minutes since midnight for "HH:MM" (24:00 allowed as the end of the day).
pub fn parse_hhmm(s: &str) -> Result<u32> {
    let bad = || {
        Error::invalid(t!(
            kapsel_i18n::current(),
            "core-time-of-day-bad",
            text = format!("{s:?}")
        ))
    };
    let (h, m) = s.split_once(':').ok_or_else(bad)?;
    let (h, m): (u32, u32) = (h.parse().map_err(|_| bad())?, m.parse().map_err(|_| bad())?);
    if m >= 60 || h > 24 || (h == 24 && m != 0) || h.to_string().len() > 2 {
        return Err(bad());
    }
    Ok(h * 60 + m)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum NotificationDetail {
    /// Nothing at all.
    None,
    /// "3 new messages".
    Count,
    /// Sender and subject.
    SenderSubject,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Dlp {
    /// Present so that an admin who sets it learns it cannot be enabled: must be false.
    pub clipboard: bool,
    pub notifications_locked: NotificationDetail,
    pub notifications_unlocked: NotificationDetail,
    /// Files may be exported to the device's file system: must be false.
    pub export_files: bool,
}

impl Default for Dlp {
    fn default() -> Self {
        Dlp {
            clipboard: false,
            notifications_locked: NotificationDetail::Count,
            notifications_unlocked: NotificationDetail::SenderSubject,
            export_files: false,
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Modules {
    pub mail: bool,
    pub calendar: bool,
    pub tasks: bool,
    pub contacts: bool,
    pub directory: bool,
    pub autoreply: bool,
    pub apps: bool,
}

impl Default for Modules {
    fn default() -> Self {
        Modules {
            mail: true,
            calendar: true,
            tasks: true,
            contacts: true,
            directory: true,
            autoreply: true,
            apps: true,
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Publisher {
    pub name: String,
    /// `ed25519:<base64 public key>`
    pub key: String,
    /// This key signs Kapsel's built-in apps: only it may install the reserved ids
    /// (`viewer`, `news`, `documents`).
    #[serde(default)]
    pub builtin: bool,
}

/// What the tenant grants one app. An app gets a capability only where its manifest
/// declares it *and* this grants it.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct AppGrant {
    /// Install this app at enrolment (built-in apps).
    pub preinstall: bool,
    /// The publisher (by its `[[publishers]]` name) whose signature this id belongs to;
    /// a package signed by anyone else is refused. Without it, the first trusted signer
    /// to install the id owns it.
    pub publisher: Option<String>,
    /// Installing an older version than the one installed is refused, except down to this
    /// version (the tenant's way to roll back a bad update).
    pub min_version: Option<String>,
    /// Storage quota in bytes; the app gets min(this, its manifest's). None: no storage.
    pub storage_quota_bytes: Option<u64>,
    /// Origins (`https://host[:port]`, `*.` only as a sub-domain prefix) the app may call.
    pub http_origins: Vec<Origin>,
    /// Of those, origins that may resolve to loopback or private addresses (intranet hosts).
    pub http_private_origins: Vec<Origin>,
    /// Origins to which the host adds the user's credentials, and how: `"basic"`,
    /// `"bearer"`, or `{ kind = "basic", paths = ["/dav/"] }` to add them only below some
    /// path prefixes.
    pub http_credentials: BTreeMap<Origin, CredentialGrant>,
    /// Largest response body an HTTP call may return (default 8 MiB).
    pub http_max_response_bytes: Option<u64>,
    /// Time limit of one HTTP call including redirects (default 15 s).
    pub http_timeout_ms: Option<u64>,
    pub notify: bool,
    pub documents: bool,
    /// Bytes of documents the app may save into the container (default 256 MiB).
    pub documents_quota_bytes: Option<u64>,
    pub log: bool,
    /// Wall-clock budget per call into the app (default 5 s).
    pub call_timeout_ms: Option<u64>,
    /// Linear memory limit of the app (default 64 MiB).
    pub memory_limit_bytes: Option<u64>,
    /// Settings the app reads through `kapsel:app/config` (feeds, libraries, …).
    pub settings: BTreeMap<String, String>,
}

/// `[app_host]`: settings of the micro-app host that hold for every app.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct AppHostPolicy {
    pub engine: AppEngine,
}

/// What runs an app's code. Both run the same component under the same limits; only where
/// its instructions execute differs.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum AppEngine {
    /// Machine code compiled once at install (Cranelift).
    #[default]
    Native,
    /// Portable bytecode run by wasmtime's Pulley interpreter: no machine code is generated
    /// at run time, as iOS and hardened Android profiles require.
    Interpreter,
}

impl AppEngine {
    /// The policy's word for it.
    pub fn as_str(self) -> &'static str {
        match self {
            AppEngine::Native => "native",
            AppEngine::Interpreter => "interpreter",
        }
    }
}

impl<'de> Deserialize<'de> for AppEngine {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        struct Word;
        impl serde::de::Visitor<'_> for Word {
            type Value = AppEngine;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str(&t!(
                    kapsel_i18n::current(),
                    "core-policy-app-engine-expected"
                ))
            }
            fn visit_str<E: serde::de::Error>(
                self,
                word: &str,
            ) -> std::result::Result<AppEngine, E> {
                match word {
                    "native" => Ok(AppEngine::Native),
                    "interpreter" => Ok(AppEngine::Interpreter),
                    _ => Err(E::custom(t!(
                        kapsel_i18n::current(),
                        "core-policy-app-engine",
                        value = format!("{word:?}")
                    ))),
                }
            }
        }
        d.deserialize_str(Word)
    }
}

/// Credentials for one origin: how, and (optionally) only below which path prefixes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CredentialGrant {
    pub kind: CredentialKind,
    /// Path prefixes (`/dav/`) the credentials are added for; empty: every path.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub paths: Vec<String>,
}

impl CredentialGrant {
    /// Are credentials added for a request to `path` (the URL's path, percent-encoded)?
    pub fn covers(&self, path: &str) -> bool {
        self.paths.is_empty() || self.paths.iter().any(|p| path.starts_with(p.as_str()))
    }
}

impl<'de> Deserialize<'de> for CredentialGrant {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Form {
            Kind(CredentialKind),
            Scoped {
                kind: CredentialKind,
                #[serde(default)]
                paths: Vec<String>,
            },
        }
        match Form::deserialize(d).map_err(|_| {
            serde::de::Error::custom(t!(kapsel_i18n::current(), "core-policy-credential-form"))
        })? {
            Form::Kind(kind) => Ok(CredentialGrant {
                kind,
                paths: Vec::new(),
            }),
            Form::Scoped { kind, paths } => Ok(CredentialGrant { kind, paths }),
        }
    }
}

/// How the host authenticates the user to an origin on an app's behalf. Negotiate/NTLM will
/// be further variants; apps never see any of it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum CredentialKind {
    /// The user's directory login and password.
    Basic,
    /// A token the user stored in the container for this origin.
    Bearer,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Servers {
    pub imap: Option<String>,
    pub submission: Option<String>,
    pub managesieve: Option<String>,
    pub caldav: Option<String>,
    pub carddav: Option<String>,
    pub ldap: Option<String>,
    pub ldap_base_dn: Option<String>,
    /// Feeds for the news app: name → URL.
    pub feeds: BTreeMap<String, String>,
    /// Document libraries: name → URL (SharePoint site or WebDAV folder).
    pub documents: BTreeMap<String, String>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Tls {
    /// PEM certificates trusted in addition to (or, with `only_anchors`, instead of) the
    /// public roots.
    pub trust_anchors: Vec<String>,
    pub only_anchors: bool,
    /// `sha256/<base64>` pins of server public keys (SPKI), per host.
    pub pins: BTreeMap<String, Vec<String>>,
    /// Hosts where a plain-text protocol is allowed (tests, legacy). Empty in production.
    pub plaintext_hosts: Vec<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum CheckMode {
    /// Refuse to start.
    Enforce,
    /// Start, but print and audit the finding.
    Warn,
    Off,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct IntegrityPolicy {
    pub tracer: CheckMode,
    pub preload: CheckMode,
    pub permissions: CheckMode,
    pub binary: CheckMode,
    pub superuser: CheckMode,
    /// Known-good SHA-256 digests of the kapsel binary; empty = pin the one seen at enrolment.
    pub binary_sha256: Vec<String>,
}

impl Default for IntegrityPolicy {
    fn default() -> Self {
        IntegrityPolicy {
            tracer: CheckMode::Enforce,
            preload: CheckMode::Enforce,
            permissions: CheckMode::Enforce,
            binary: CheckMode::Enforce,
            superuser: CheckMode::Warn,
            binary_sha256: Vec::new(),
        }
    }
}

impl Policy {
    pub fn parse(text: &str) -> Result<Policy> {
        super::check_size(text)?;
        let policy: Policy = toml::from_str(text).map_err(|e| {
            Error::Policy(t!(
                kapsel_i18n::current(),
                "core-policy-invalid",
                error = e.to_string()
            ))
        })?;
        policy.validate()?;
        Ok(policy)
    }

    /// Checks that make the document usable; each says what to change.
    pub fn validate(&self) -> Result<()> {
        let bad = |m: String| Err(Error::Policy(m));
        let cat = kapsel_i18n::current();
        let id_ok = !self.tenant.id.is_empty()
            && self.tenant.id.len() <= 64
            && self
                .tenant
                .id
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
        if !id_ok {
            return bad(t!(
                cat,
                "core-policy-tenant-id",
                id = format!("{:?}", self.tenant.id)
            ));
        }
        if let Some(m) = &self.management {
            let https = url::Url::parse(&m.endpoint)
                .is_ok_and(|u| u.scheme() == "https" && u.host_str().is_some());
            if !https {
                return bad(t!(
                    cat,
                    "core-policy-management-endpoint",
                    endpoint = format!("{:?}", m.endpoint)
                ));
            }
            if m.check_minutes == 0
                || m.grace_hours == 0
                || m.wipe_after_days == 0
                || u64::from(m.wipe_after_days) * 24 < u64::from(m.grace_hours)
                || m.helpdesk.len() > 1000
            {
                return bad(t!(cat, "core-policy-management-bounds"));
            }
        }
        if self.dlp.clipboard {
            return bad(t!(cat, "core-policy-clipboard"));
        }
        if self.dlp.export_files {
            return bad(t!(cat, "core-policy-export-files"));
        }
        if self.dlp.notifications_locked == NotificationDetail::SenderSubject {
            return bad(t!(cat, "core-policy-notifications-locked"));
        }
        self.kdf.check_minimum()?;
        if self.lock.max_failed_unlocks == 0 || self.lock.max_failed_unlocks > 1000 {
            return bad(t!(cat, "core-policy-max-failed"));
        }
        if self.lock.idle_minutes == 0 || self.lock.idle_minutes > 24 * 60 {
            return bad(t!(cat, "core-policy-idle-minutes"));
        }
        if self.password.min_length < 8 || self.password.min_classes > 4 {
            return bad(t!(cat, "core-policy-password-rules"));
        }
        let s = &self.sync;
        if s.min_interval_minutes == 0 || s.min_interval_minutes > s.max_interval_minutes {
            return bad(t!(cat, "core-policy-sync-interval"));
        }
        if parse_hhmm(&s.earliest)? >= parse_hhmm(&s.latest)? {
            return bad(t!(cat, "core-policy-sync-window"));
        }
        for p in &self.publishers {
            super::signing::parse_public_key(&p.key).map_err(|e| {
                Error::Policy(t!(
                    cat,
                    "core-policy-publisher",
                    name = format!("{:?}", p.name),
                    error = e.to_string()
                ))
            })?;
        }
        for d in &self.integrity.binary_sha256 {
            if d.len() != 64 || !d.bytes().all(|b| b.is_ascii_hexdigit()) {
                return bad(t!(
                    cat,
                    "core-policy-binary-digest",
                    digest = format!("{d:?}")
                ));
            }
        }
        for host in &self.tls.plaintext_hosts {
            if host.is_empty() || host.contains('*') {
                return bad(t!(
                    cat,
                    "core-policy-plaintext-host",
                    host = format!("{host:?}")
                ));
            }
        }
        let d = &self.directory;
        if d.max_results == 0 || d.max_results > 5000 {
            return bad(t!(cat, "core-policy-directory-max-results"));
        }
        if d.time_limit_seconds == 0 || d.time_limit_seconds > 120 {
            return bad(t!(cat, "core-policy-directory-time-limit"));
        }
        if d.bind == DirectoryBind::Service && d.service_dn.as_deref().unwrap_or("").is_empty() {
            return bad(t!(cat, "core-policy-directory-service-dn"));
        }
        for (field, attr) in d.attributes.fields() {
            if !valid_attribute(attr) {
                return bad(t!(
                    cat,
                    "core-policy-directory-attribute",
                    field = field,
                    attribute = format!("{attr:?}")
                ));
            }
        }
        for (id, grant) in &self.apps {
            grant.validate(id, &self.tls)?;
            if let Some(name) = &grant.publisher
                && !self.publishers.iter().any(|p| &p.name == name)
            {
                return bad(t!(
                    cat,
                    "core-policy-app-publisher",
                    id = id.as_str(),
                    name = format!("{name:?}")
                ));
            }
        }
        Ok(())
    }

    /// Is plain http allowed to this origin's host (a named legacy host)?
    pub fn plaintext_allowed(&self, origin: &Origin) -> bool {
        self.tls.plaintext_allowed(origin)
    }
}

impl Tls {
    pub fn plaintext_allowed(&self, origin: &Origin) -> bool {
        matches!(&origin.host, HostPattern::Exact(h)
            if self.plaintext_hosts.iter().any(|p| p.eq_ignore_ascii_case(h)))
    }
}

/// Same rule as the manifest's: `[a-z0-9-]`, 1-64 characters, not starting with `-`.
pub fn valid_app_id(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= 64
        && !id.starts_with('-')
        && id
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

impl AppGrant {
    /// Checks of one `[apps.<id>]` table that the origins' own parsing cannot make.
    fn validate(&self, id: &str, tls: &Tls) -> Result<()> {
        // The frame names the TOML table; only the reason is words.
        let bad = |m: String| Err(Error::Policy(format!("apps.{id}: {m}")));
        let cat = kapsel_i18n::current();
        if !valid_app_id(id) {
            return bad(t!(cat, "core-policy-app-id"));
        }
        for (origin, grant) in &self.http_credentials {
            if let Some(p) = grant.paths.iter().find(|p| {
                !p.starts_with('/') || p.contains("..") || p.chars().any(char::is_control)
            }) {
                return bad(t!(
                    cat,
                    "core-policy-credential-path",
                    prefix = format!("{p:?}"),
                    origin = origin.to_string()
                ));
            }
            // Credentials go over plain http only to a host the tenant explicitly allows
            // plain text for (a legacy intranet share); never otherwise.
            if origin.scheme != "https" && !tls.plaintext_allowed(origin) {
                return bad(t!(
                    cat,
                    "core-policy-credential-plain-http",
                    origin = origin.to_string()
                ));
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn with_app(grant: &str) -> Result<Policy> {
        Policy::parse(&format!(
            "serial = 1\n[tenant]\nid = \"t\"\nname = \"T\"\n[apps.news]\n{grant}\n"
        ))
    }

    #[test]
    fn app_grants_are_parsed_into_origins_when_the_policy_is_read() {
        let p = with_app("http_origins = [\"https://intranet.example\"]").unwrap();
        assert_eq!(p.apps["news"].http_origins[0].port, 443);
        for (bad, needle) in [
            ("http_origins = [\"intranet.example\"]", "needs a scheme"),
            ("http_origins = [\"https://a.example/path\"]", "no path"),
            ("http_private_origins = [\"*\"]", "bare *"),
            (
                "http_credentials = { \"https://u@a.example\" = \"basic\" }",
                "user name",
            ),
            (
                "http_credentials = { \"http://a.example\" = \"basic\" }",
                "plain http",
            ),
        ] {
            let e = with_app(bad).unwrap_err().to_string();
            assert!(e.contains(needle), "{bad}: {e}");
        }
        let e =
            Policy::parse("serial = 1\n[tenant]\nid = \"t\"\nname = \"T\"\n[apps.\"Bad Id\"]\n")
                .unwrap_err()
                .to_string();
        assert!(e.contains("apps.Bad Id"), "{e}");
    }

    #[test]
    fn the_app_engine_is_native_unless_the_tenant_says_interpreter() {
        let base = "serial = 1\n[tenant]\nid = \"t\"\nname = \"T\"\n";
        assert_eq!(
            Policy::parse(base).unwrap().app_host.engine,
            AppEngine::Native
        );
        for (word, engine) in [
            ("native", AppEngine::Native),
            ("interpreter", AppEngine::Interpreter),
        ] {
            let p = Policy::parse(&format!("{base}[app_host]\nengine = \"{word}\"\n")).unwrap();
            assert_eq!(p.app_host.engine, engine);
            assert_eq!(engine.as_str(), word);
        }
        for bad in ["\"jit\"", "\"Interpreter\"", "1"] {
            let e = Policy::parse(&format!("{base}[app_host]\nengine = {bad}\n"))
                .unwrap_err()
                .to_string();
            assert!(
                e.contains("\"native\"") && e.contains("\"interpreter\""),
                "{bad}: {e}"
            );
        }
    }
}
