//! Shared test support: find the real `kapsel` binary, make tenants (keys and signed
//! policies), and run the CLI against a container in a temporary folder.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::OnceLock;

use kapsel_core::policy::{Domain, signing};

pub mod apps;
pub mod dav;
pub mod fuzz;
pub mod host;
pub mod https;
pub mod mail;
pub mod mail_corpus;
pub mod pty;
pub mod servers;

pub const PASSWORD: &str = "Dienst-Passwort-2026";

/// The `kapsel` binary of this workspace and profile (built on first use if missing).
pub fn kapsel_bin() -> PathBuf {
    static BIN: OnceLock<PathBuf> = OnceLock::new();
    BIN.get_or_init(|| {
        if let Some(p) = std::env::var_os("KAPSEL_BIN") {
            return PathBuf::from(p);
        }
        // target/<profile>/deps/<test> → target/<profile>/kapsel
        let exe = std::env::current_exe().expect("test binary path");
        let profile_dir = exe
            .parent()
            .and_then(Path::parent)
            .expect("target/<profile>");
        let bin = profile_dir.join("kapsel");
        let release = profile_dir.ends_with("release");
        let mut cmd = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()));
        cmd.args(["build", "-q", "-p", "kapsel", "--bin", "kapsel"]);
        // `cargo test` sets these for the test process; ring's build script (through cc)
        // tracks some of them, so passing them on made every nested build and the next
        // `cargo test` rebuild ring and everything above it (a minute each).
        for (name, _) in std::env::vars_os() {
            let name = name.to_string_lossy();
            if [
                "CARGO_PKG_",
                "CARGO_MANIFEST_",
                "CARGO_CRATE_",
                "CARGO_BIN_",
                "CARGO_PRIMARY_",
                "CARGO_TARGET_TMPDIR",
            ]
            .iter()
            .any(|p| name.starts_with(p))
            {
                cmd.env_remove(name.as_ref());
            }
        }
        if release {
            cmd.arg("--release");
        }
        // Always ask cargo: it is a no-op when the binary is fresh, and a stale binary
        // would test old code.
        let status = cmd.status().expect("cargo build of the kapsel binary");
        assert!(status.success(), "building the kapsel binary failed");
        assert!(bin.is_file(), "no kapsel binary at {}", bin.display());
        bin
    })
    .clone()
}

pub struct Tenant {
    pub key: signing::SigningKey,
    pub dir: PathBuf,
}

/// A policy text for tests: fast back-off, superuser check off (CI runs as root).
pub fn policy_text(serial: u64, extra: &str) -> String {
    format!(
        r#"serial = {serial}

[tenant]
id = "test-agency"
name = "Test Agency"

[lock]
idle_minutes = 15
max_failed_unlocks = 5
on_limit = "wipe"
backoff_base_ms = 200
backoff_max_seconds = 60

[integrity]
superuser = "off"
{extra}
"#
    )
}

impl Tenant {
    pub fn new(dir: &Path) -> Tenant {
        Tenant {
            key: signing::generate_key(),
            dir: dir.to_path_buf(),
        }
    }

    pub fn public_key(&self) -> String {
        signing::encode_public_key(&self.key.verifying_key())
    }

    pub fn sign(&self, text: &str) -> String {
        signing::sign_document(Domain::Policy, &self.key, text)
    }

    /// Write a signed policy file and return its path.
    pub fn policy_file(&self, name: &str, text: &str) -> PathBuf {
        let path = self.dir.join(name);
        std::fs::write(&path, self.sign(text)).unwrap();
        path
    }
}

pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.stdout).unwrap_or_else(|e| {
            panic!(
                "stdout is not JSON ({e}): {}\nstderr: {}",
                self.stdout, self.stderr
            )
        })
    }

    #[track_caller]
    pub fn ok(&self) -> &Run {
        assert_eq!(
            self.code, 0,
            "expected success\nstdout: {}\nstderr: {}",
            self.stdout, self.stderr
        );
        self
    }

    #[track_caller]
    pub fn fails(&self, code: i32, needle: &str) -> &Run {
        assert_eq!(
            self.code, code,
            "exit code\nstdout: {}\nstderr: {}",
            self.stdout, self.stderr
        );
        assert!(
            self.stderr.contains(needle) || self.stdout.contains(needle),
            "expected {needle:?} in the output\nstdout: {}\nstderr: {}",
            self.stdout,
            self.stderr
        );
        self
    }
}

impl From<Output> for Run {
    fn from(o: Output) -> Run {
        Run {
            code: o.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&o.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&o.stderr).into_owned(),
        }
    }
}

/// A container in a temporary folder with its own tenant.
pub struct Env {
    pub tmp: tempfile::TempDir,
    pub root: PathBuf,
    pub tenant: Tenant,
    pub bin: PathBuf,
}

impl Env {
    pub fn new() -> Env {
        let tmp = tempfile::Builder::new()
            .prefix("kt")
            .tempdir_in("/tmp")
            .unwrap();
        let root = tmp.path().join("c");
        let tenant = Tenant::new(tmp.path());
        Env {
            root,
            tenant,
            bin: kapsel_bin(),
            tmp,
        }
    }

    pub fn command(&self, bin: &Path, args: &[&str]) -> Command {
        let mut cmd = Command::new(bin);
        cmd.arg("--container").arg(&self.root).args(args);
        cmd.env_remove("KAPSEL_CONTAINER")
            .env_remove("LD_PRELOAD")
            .env_remove("LD_AUDIT")
            // Human output in one language, whatever the machine's locale.
            .env_remove("LC_ALL")
            .env_remove("LC_MESSAGES")
            .env("LANG", "en_GB.UTF-8")
            // Calendar tests reason in the agencies' zone, whatever the machine's is.
            .env("KAPSEL_TZ", "Europe/Berlin");
        cmd
    }

    pub fn run_bin(&self, bin: &Path, args: &[&str], stdin: Option<&str>) -> Run {
        let mut cmd = self.command(bin, args);
        run_command(&mut cmd, stdin)
    }

    pub fn run(&self, args: &[&str]) -> Run {
        self.run_bin(&self.bin, args, None)
    }

    pub fn run_stdin(&self, args: &[&str], stdin: &str) -> Run {
        self.run_bin(&self.bin, args, Some(stdin))
    }

    /// Enrol with the standard test policy plus `extra` TOML.
    pub fn enroll(&self, extra: &str) -> Run {
        self.enroll_text(&policy_text(1, extra))
    }

    /// Enrol with this policy text, signed by the test tenant.
    pub fn enroll_text(&self, text: &str) -> Run {
        let policy = self.tenant.policy_file("policy-1.toml", text);
        let key = self.tenant.public_key();
        let r = self.try_enroll(
            policy.to_str().unwrap(),
            &key,
            &[],
            &format!("{PASSWORD}\n"),
        );
        r.ok();
        r
    }

    /// `kapsel enroll --policy POLICY --tenant-key KEY [EXTRA…] --password-stdin`, with
    /// `stdin` as input; the caller checks the outcome.
    pub fn try_enroll(&self, policy: &str, tenant_key: &str, extra: &[&str], stdin: &str) -> Run {
        let mut args = vec!["enroll", "--policy", policy, "--tenant-key", tenant_key];
        args.extend_from_slice(extra);
        args.push("--password-stdin");
        self.run_stdin(&args, stdin)
    }

    pub fn unlock(&self) -> Run {
        self.run_stdin(&["unlock", "--password-stdin"], &format!("{PASSWORD}\n"))
    }

    pub fn status(&self) -> serde_json::Value {
        let r = self.run(&["--json", "status"]);
        r.ok();
        r.json()
    }
}

impl Default for Env {
    fn default() -> Self {
        Env::new()
    }
}

impl Drop for Env {
    fn drop(&mut self) {
        // Never leave a session agent behind.
        let _ = Command::new(&self.bin)
            .arg("--container")
            .arg(&self.root)
            .arg("lock")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status();
    }
}

pub fn run_command(cmd: &mut Command, stdin: Option<&str>) -> Run {
    cmd.stdin(if stdin.is_some() {
        Stdio::piped()
    } else {
        Stdio::null()
    })
    .stdout(Stdio::piped())
    .stderr(Stdio::piped());
    let mut child = cmd.spawn().expect("spawn kapsel");
    if let Some(input) = stdin {
        let mut pipe = child.stdin.take().unwrap();
        // The process may refuse before it reads its input (a broken pipe is fine then).
        let _ = pipe.write_all(input.as_bytes());
    }
    child.wait_with_output().expect("wait for kapsel").into()
}

/// Every file below `root`, recursively.
pub fn files_under(root: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(p) = stack.pop() {
        if p.is_dir() {
            stack.extend(std::fs::read_dir(&p).unwrap().map(|e| e.unwrap().path()));
        } else {
            out.push(p);
        }
    }
    out
}

/// A copy of the folder `from` at `to` (replaced if there), folders private as a
/// container's are.
pub fn copy_dir(from: &Path, to: &Path) {
    use std::os::unix::fs::DirBuilderExt;
    let _ = std::fs::remove_dir_all(to);
    std::fs::DirBuilder::new().mode(0o700).create(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

pub fn contains(hay: &[u8], needle: &[u8]) -> bool {
    hay.windows(needle.len()).any(|w| w == needle)
}

/// The value the crash writer stores under index `i`: deterministic so the checker can
/// recompute it.
pub fn crash_value(i: u64) -> Vec<u8> {
    let len = 16 + (i * 7919 % 3000) as usize;
    (0..len).map(|j| (i as usize * 31 + j) as u8).collect()
}

/// A guest component built by scripts/build-apps (`target/apps/<crate>.wasm`); builds them
/// on first use.
pub fn component(crate_name: &str) -> Vec<u8> {
    static BUILT: OnceLock<()> = OnceLock::new();
    let root = Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("workspace root")
        .to_path_buf();
    BUILT.get_or_init(|| {
        let status = Command::new("bash")
            .arg(root.join("scripts/build-apps"))
            .status()
            .expect("run scripts/build-apps");
        assert!(status.success(), "scripts/build-apps failed");
    });
    let file = root
        .join("target/apps")
        .join(format!("{}.wasm", crate_name.replace('-', "_")));
    std::fs::read(&file).unwrap_or_else(|e| panic!("{}: {e}", file.display()))
}

/// The built-in app packages (scripts/package-builtin), signed with the development
/// built-in publisher key; returns (folder, publisher public key).
pub fn builtin_apps() -> (PathBuf, String) {
    static DONE: OnceLock<()> = OnceLock::new();
    let root = Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("workspace root")
        .to_path_buf();
    DONE.get_or_init(|| {
        component("kapsel-viewer");
        let status = Command::new("bash")
            .arg(root.join("scripts/package-builtin"))
            .status()
            .expect("run scripts/package-builtin");
        assert!(status.success(), "scripts/package-builtin failed");
    });
    let dir = root.join("target/apps/builtin");
    let key = std::fs::read_to_string(dir.join("publisher.pub"))
        .expect("publisher.pub")
        .trim()
        .to_string();
    (dir, key)
}

/// Package the built-in app `apps/<app>` (its manifest and its built component), sign it
/// with `publisher`, and install it into `host`.
pub fn install_builtin(
    host: &mut kapsel_host::AppHost,
    publisher: &signing::SigningKey,
    app: &str,
) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../apps")
        .join(app);
    let manifest = std::fs::read_to_string(root.join("manifest.toml")).expect("the app's manifest");
    let mut p = kapsel_host::Package::new(&manifest, component(&format!("kapsel-{app}")))
        .expect("a valid package");
    p.sign(publisher);
    host.install(&p.to_bytes())
        .unwrap_or_else(|e| panic!("installing {app}: {e}"));
}

/// The action of the list item titled `title` in an app's view.
pub fn action_for(o: &kapsel_host::CallOutcome, title: &str) -> String {
    o.view
        .blocks
        .iter()
        .find_map(|b| match b {
            kapsel_host::Block::Item {
                title: t,
                action: Some(a),
                ..
            } if t == title => Some(a.clone()),
            _ => None,
        })
        .unwrap_or_else(|| panic!("no item {title:?} in\n{}", o.view.render_text()))
}
