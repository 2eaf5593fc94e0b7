//! Start-up checks of the device and the installation — the desktop analogue of root and
//! jailbreak detection. Each check is a pure function over what it inspects (so it can be
//! tested with crafted input) plus a probe that reads the real process; a mobile build
//! replaces the probes with platform attestation.
//!
//! These checks raise the bar, they do not make a hostile device safe: a modified binary can
//! skip its own check. That is why the policy can also pin known-good binary digests, and
//! why the audit log records every refusal.

use std::path::Path;

use kapsel_i18n::t;
use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::error::{Error, Result};
use crate::policy::{CheckMode, IntegrityPolicy};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Check {
    Tracer,
    Preload,
    Permissions,
    Binary,
    Superuser,
}

#[derive(Debug, Clone, Serialize)]
pub struct Finding {
    pub check: Check,
    pub message: String,
    pub enforced: bool,
}

/// A debugger or tracer shows as a non-zero `TracerPid:` in /proc/self/status.
pub fn tracer_from_status(status: &str) -> Option<String> {
    let pid = status
        .lines()
        .find_map(|l| l.strip_prefix("TracerPid:"))?
        .trim();
    match pid.parse::<u32>() {
        Ok(0) => None,
        Ok(pid) => Some(t!(
            kapsel_i18n::current(),
            "core-integrity-tracer",
            pid = pid.to_string()
        )),
        Err(_) => Some(t!(
            kapsel_i18n::current(),
            "core-integrity-status-unreadable"
        )),
    }
}

/// Libraries injected into the process through the dynamic loader.
pub fn preload_from(
    ld_preload: Option<&str>,
    ld_audit: Option<&str>,
    etc_ld_so_preload: Option<&str>,
) -> Option<String> {
    let mut found = Vec::new();
    if let Some(v) = ld_preload.filter(|v| !v.trim().is_empty()) {
        found.push(format!("LD_PRELOAD={v}"));
    }
    if let Some(v) = ld_audit.filter(|v| !v.trim().is_empty()) {
        found.push(format!("LD_AUDIT={v}"));
    }
    if let Some(v) = etc_ld_so_preload {
        let libs: Vec<&str> = v
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty() && !l.starts_with('#'))
            .collect();
        if !libs.is_empty() {
            found.push(t!(
                kapsel_i18n::current(),
                "core-integrity-ld-so-preload",
                libraries = libs.join(", ")
            ));
        }
    }
    (!found.is_empty()).then(|| {
        t!(
            kapsel_i18n::current(),
            "core-integrity-preload",
            found = found.join("; ")
        )
    })
}

/// Every file and folder of the container must belong to the user and be private to them;
/// no symbolic links (they could point outside the container).
pub fn permission_problems(root: &Path, uid: u32) -> Vec<String> {
    use std::os::unix::fs::MetadataExt;
    let cat = kapsel_i18n::current();
    let mut problems = Vec::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(path) = stack.pop() {
        let meta = match std::fs::symlink_metadata(&path) {
            Ok(m) => m,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => continue,
            Err(e) => {
                problems.push(t!(
                    cat,
                    "core-integrity-uninspectable",
                    path = path.display().to_string(),
                    error = e.to_string()
                ));
                continue;
            }
        };
        if meta.file_type().is_symlink() {
            problems.push(t!(
                cat,
                "core-integrity-symlink",
                path = path.display().to_string()
            ));
            continue;
        }
        if meta.mode() & 0o077 != 0 {
            problems.push(t!(
                cat,
                "core-integrity-mode",
                path = path.display().to_string(),
                mode = format!("{:o}", meta.mode() & 0o777),
                wanted = if meta.is_dir() { "0700" } else { "0600" }
            ));
        }
        if meta.uid() != uid {
            problems.push(t!(
                cat,
                "core-integrity-owner",
                path = path.display().to_string(),
                owner = meta.uid().to_string(),
                uid = uid.to_string()
            ));
        }
        if meta.is_dir()
            && let Ok(entries) = std::fs::read_dir(&path)
        {
            stack.extend(entries.flatten().map(|e| e.path()));
        }
    }
    problems
}

/// The binary must match a digest the tenant lists, or else the one pinned at enrolment.
pub fn binary_problem(actual: &str, allowed: &[String], pinned: Option<&str>) -> Option<String> {
    if !allowed.is_empty() {
        return (!allowed.iter().any(|a| a.eq_ignore_ascii_case(actual))).then(|| {
            t!(
                kapsel_i18n::current(),
                "core-integrity-binary-unlisted",
                actual = actual
            )
        });
    }
    match pinned {
        Some(p) if !p.eq_ignore_ascii_case(actual) => Some(t!(
            kapsel_i18n::current(),
            "core-integrity-binary-changed",
            actual = actual,
            pinned = p
        )),
        _ => None,
    }
}

pub fn superuser_problem(euid: u32) -> Option<String> {
    (euid == 0).then(|| t!(kapsel_i18n::current(), "core-integrity-superuser"))
}

/// SHA-256 of the running executable.
pub fn current_binary_sha256() -> Result<String> {
    binary_sha256(Path::new("/proc/self/exe"))
}

/// What identifies an executable without reading it: a file changed in place gets a new
/// change time (which no user can set back), a replaced one a new inode.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct FileIdentity {
    dev: u64,
    ino: u64,
    size: u64,
    mtime_ns: i128,
    ctime_ns: i128,
}

/// The identity of the file at `path` (`/proc/<pid>/exe` works, even for a deleted file).
pub fn file_identity(path: &Path) -> Option<FileIdentity> {
    use std::os::unix::fs::MetadataExt;
    let m = std::fs::metadata(path).ok()?;
    Some(FileIdentity {
        dev: m.dev(),
        ino: m.ino(),
        size: m.size(),
        mtime_ns: i128::from(m.mtime()) * 1_000_000_000 + i128::from(m.mtime_nsec()),
        ctime_ns: i128::from(m.ctime()) * 1_000_000_000 + i128::from(m.ctime_nsec()),
    })
}

/// SHA-256 of an executable file.
pub fn binary_sha256(path: &Path) -> Result<String> {
    let unreadable = || t!(kapsel_i18n::current(), "core-integrity-binary-unreadable");
    let exe = std::fs::File::open(path).map_err(Error::io(unreadable()))?;
    let mut reader = std::io::BufReader::new(exe);
    let mut hasher = Sha256::new();
    std::io::copy(&mut reader, &mut hasher).map_err(Error::io(unreadable()))?;
    Ok(hex::encode(hasher.finalize()))
}

pub fn euid() -> u32 {
    rustix::process::geteuid().as_raw()
}

/// When the checks run: a password about to be read gets a floor that no stored file lowers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stage {
    /// A command that reads no secret: the policy's modes apply as written.
    Command,
    /// The directory password is read next (enrol, unlock, password change, the agent).
    BeforePassword,
}

/// The policy's rules, raised to the built-in floor where a password is read next: a tracer
/// or an injected library would capture it, and the stored policy that could switch these
/// checks off may have been replaced while the container was locked (an older, validly
/// signed one). Tenants can tighten the other checks, never loosen these two here.
pub fn rules_for(policy: &IntegrityPolicy, stage: Stage) -> IntegrityPolicy {
    let mut rules = policy.clone();
    if stage == Stage::BeforePassword {
        rules.tracer = CheckMode::Enforce;
        rules.preload = CheckMode::Enforce;
    }
    rules
}

/// What the probes need besides the policy.
pub struct Subject<'a> {
    pub container: Option<&'a Path>,
    pub pinned_binary: Option<&'a str>,
}

/// Run every check the policy does not switch off, against the real process.
pub fn run(policy: &IntegrityPolicy, subject: &Subject) -> Vec<Finding> {
    let mut findings = Vec::new();
    let mut add = |check, mode: CheckMode, message: Option<String>| {
        if let (Some(message), true) = (message, mode != CheckMode::Off) {
            findings.push(Finding {
                check,
                message,
                enforced: mode == CheckMode::Enforce,
            });
        }
    };
    if policy.tracer != CheckMode::Off {
        let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
        add(Check::Tracer, policy.tracer, tracer_from_status(&status));
    }
    if policy.preload != CheckMode::Off {
        let etc = std::fs::read_to_string("/etc/ld.so.preload").ok();
        add(
            Check::Preload,
            policy.preload,
            preload_from(
                std::env::var("LD_PRELOAD").ok().as_deref(),
                std::env::var("LD_AUDIT").ok().as_deref(),
                etc.as_deref(),
            ),
        );
    }
    if policy.permissions != CheckMode::Off
        && let Some(root) = subject.container
    {
        let problems = permission_problems(root, euid());
        if !problems.is_empty() {
            let shown = problems[..problems.len().min(3)].join("; ");
            let message = if problems.len() > 3 {
                t!(
                    kapsel_i18n::current(),
                    "core-integrity-permissions-more",
                    problems = shown,
                    count = problems.len() - 3
                )
            } else {
                shown
            };
            add(Check::Permissions, policy.permissions, Some(message));
        }
    }
    if policy.binary != CheckMode::Off {
        let message = match current_binary_sha256() {
            Ok(actual) => binary_problem(&actual, &policy.binary_sha256, subject.pinned_binary),
            Err(e) => Some(e.to_string()),
        };
        add(Check::Binary, policy.binary, message);
    }
    if policy.superuser != CheckMode::Off {
        add(
            Check::Superuser,
            policy.superuser,
            superuser_problem(euid()),
        );
    }
    findings
}

/// The first enforced finding as an error; the rest are for the caller to print and audit.
pub fn enforce(findings: &[Finding]) -> Result<()> {
    match findings.iter().find(|f| f.enforced) {
        Some(f) => Err(Error::Device(t!(
            kapsel_i18n::current(),
            "core-integrity-refused",
            finding = f.message.as_str()
        ))),
        None => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_floor_before_a_password_cannot_be_switched_off() {
        let off = IntegrityPolicy {
            tracer: CheckMode::Off,
            preload: CheckMode::Warn,
            permissions: CheckMode::Off,
            ..IntegrityPolicy::default()
        };
        let floor = rules_for(&off, Stage::BeforePassword);
        assert_eq!(floor.tracer, CheckMode::Enforce);
        assert_eq!(floor.preload, CheckMode::Enforce);
        assert_eq!(floor.permissions, CheckMode::Off);
        assert_eq!(rules_for(&off, Stage::Command).tracer, CheckMode::Off);
    }

    #[test]
    fn tracer_pid_is_read() {
        assert!(tracer_from_status("Name:\tx\nTracerPid:\t0\n").is_none());
        assert!(
            tracer_from_status("TracerPid:\t4242\n")
                .unwrap()
                .contains("4242")
        );
        assert!(tracer_from_status("TracerPid:\tgarbage\n").is_some());
    }

    #[test]
    fn preload_sources() {
        assert!(preload_from(None, None, None).is_none());
        assert!(preload_from(Some(""), None, Some("# only a comment\n")).is_none());
        assert!(
            preload_from(Some("/tmp/evil.so"), None, None)
                .unwrap()
                .contains("LD_PRELOAD")
        );
        assert!(
            preload_from(None, Some("audit.so"), None)
                .unwrap()
                .contains("LD_AUDIT")
        );
        assert!(
            preload_from(None, None, Some("/lib/hook.so\n"))
                .unwrap()
                .contains("ld.so.preload")
        );
    }

    #[test]
    fn permissions_and_links() {
        use std::os::unix::fs::PermissionsExt;
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path().join("c");
        std::fs::create_dir(&root).unwrap();
        std::fs::set_permissions(&root, std::fs::Permissions::from_mode(0o700)).unwrap();
        let f = root.join("vault.db");
        std::fs::write(&f, b"x").unwrap();
        std::fs::set_permissions(&f, std::fs::Permissions::from_mode(0o600)).unwrap();
        assert!(permission_problems(&root, euid()).is_empty());
        std::fs::set_permissions(&f, std::fs::Permissions::from_mode(0o644)).unwrap();
        let p = permission_problems(&root, euid());
        assert!(p[0].contains("644"), "{p:?}");
        std::fs::set_permissions(&f, std::fs::Permissions::from_mode(0o600)).unwrap();
        std::os::unix::fs::symlink("/etc/passwd", root.join("link")).unwrap();
        assert!(permission_problems(&root, euid())[0].contains("symbolic link"));
        assert!(!permission_problems(&root, euid() + 1).is_empty());
    }

    #[test]
    fn binary_digests() {
        let a = "a".repeat(64);
        let b = "b".repeat(64);
        assert!(binary_problem(&a, &[], None).is_none());
        assert!(binary_problem(&a, &[], Some(&a)).is_none());
        assert!(
            binary_problem(&a, &[], Some(&b))
                .unwrap()
                .contains("modified")
        );
        assert!(
            binary_problem(&a, std::slice::from_ref(&b), Some(&a))
                .unwrap()
                .contains("known-good")
        );
        assert!(binary_problem(&a, std::slice::from_ref(&a), None).is_none());
    }

    #[test]
    fn superuser() {
        assert!(superuser_problem(0).is_some());
        assert!(superuser_problem(1000).is_none());
    }
}
