//! Device management end to end (part of the `cli` test binary): the tenant publishes signed
//! static files with `kapsel tenant publish` into a folder the real nginx of the test servers
//! serves over TLS with the test CA; containers fetch them at unlock, on the timer and with
//! every sync. The clock is moved through the debug build's hook, never by sleeping.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use kapsel_core::policy::signing;
use kapsel_tests::{Env, Run, files_under, policy_text};

/// A tenant publishing into its own folder under nginx's document root.
struct Publisher {
    www: PathBuf,
    endpoint: String,
    ca: String,
    registry: PathBuf,
    key_file: PathBuf,
    admin: Env,
}

const HELPDESK: &str = "IT-Servicedesk 030 1234-5678";

impl Publisher {
    fn new() -> Publisher {
        let servers = kapsel_tests::servers::test_servers();
        let name = format!("tenant-{}", rand::random::<u64>());
        let www = servers.dir.join("nginx/www").join(&name);
        std::fs::create_dir_all(&www).expect("the nginx document root is writable");
        let endpoint = format!("{}{name}/", servers.get("TEST_HTTPS_URL"));
        let ca = std::fs::read_to_string(servers.get("TEST_CA_FILE")).expect("test CA");
        let admin = Env::new();
        let key_file = admin.tmp.path().join("tenant.key");
        std::fs::write(
            &key_file,
            signing::encode_secret_key(&admin.tenant.key).as_bytes(),
        )
        .expect("key file");
        Publisher {
            registry: admin.tmp.path().join("registry.toml"),
            www,
            endpoint,
            ca,
            key_file,
            admin,
        }
    }

    fn policy(&self, serial: u64, endpoint: &str, ca: &str) -> String {
        policy_text(
            serial,
            &format!(
                "\n[management]\nendpoint = \"{endpoint}\"\ncheck_minutes = 60\ngrace_hours = 24\n\
                 wipe_after_days = 3\nhelpdesk = \"{HELPDESK}\"\n\n[tls]\ntrust_anchors = [\"\"\"\n{ca}\"\"\"]\n"
            ),
        )
    }

    /// A device of this tenant, enrolled and approved.
    fn device(&self) -> Env {
        let mut env = Env::new();
        env.tenant.key = self.admin.tenant.key.clone();
        env.enroll_text(&self.policy(1, &self.endpoint, &self.ca));
        let request = env.root.join("enrolment-request.toml");
        assert!(request.is_file(), "enrolment leaves the signed request");
        self.admin_run(&[
            "tenant",
            "device",
            "approve",
            request.to_str().unwrap(),
            "--registry",
            self.registry.to_str().unwrap(),
            "--tenant",
            "test-agency",
        ])
        .ok();
        env
    }

    fn admin_run(&self, args: &[&str]) -> Run {
        self.admin.run(args)
    }

    fn set_state(&self, device: &str, state: &str) {
        self.admin_run(&[
            "tenant",
            "device",
            state,
            device,
            "--registry",
            self.registry.to_str().unwrap(),
        ])
        .ok();
    }

    fn policy_file(&self, serial: u64) -> PathBuf {
        self.admin.tenant.policy_file(
            &format!("published-{serial}.toml"),
            &self.policy(serial, &self.endpoint, &self.ca),
        )
    }

    fn publish(&self, serial: u64, extra: &[&str]) {
        let policy = self.policy_file(serial);
        let mut args = vec![
            "tenant",
            "publish",
            self.www.to_str().unwrap(),
            "--registry",
            self.registry.to_str().unwrap(),
            "--key",
            self.key_file.to_str().unwrap(),
            "--policy",
            policy.to_str().unwrap(),
        ];
        args.extend_from_slice(extra);
        self.admin_run(&args).ok();
    }
}

fn device_id(env: &Env) -> String {
    let text = std::fs::read_to_string(env.root.join("enrolment-request.toml")).unwrap();
    text.lines()
        .find_map(|l| l.strip_prefix("device_id = \""))
        .and_then(|r| r.strip_suffix('"'))
        .expect("the request names the device")
        .to_string()
}

fn unlock_with(env: &Env, vars: &[(&str, String)]) -> Run {
    let mut cmd = env.command(&env.bin, &["unlock", "--password-stdin"]);
    for (k, v) in vars {
        cmd.env(k, v);
    }
    kapsel_tests::run_command(&mut cmd, Some(&format!("{}\n", kapsel_tests::PASSWORD)))
}

fn status_text(env: &Env, vars: &[(&str, String)]) -> String {
    let mut cmd = env.command(&env.bin, &["status"]);
    for (k, v) in vars {
        cmd.env(k, v);
    }
    kapsel_tests::run_command(&mut cmd, None)
        .ok()
        .stdout
        .clone()
}

fn relock(env: &Env) {
    env.run(&["lock"]).ok();
}

fn serial(env: &Env) -> u64 {
    env.status()["policy_serial"].as_u64().unwrap()
}

const DAY: i64 = 86_400;

#[test]
fn the_tenant_manages_devices_through_signed_static_files_on_nginx() {
    let tenant = Publisher::new();
    let a = tenant.device();
    let b = tenant.device();
    tenant.publish(1, &[]);

    // Both open; the status says when the tenant was last reached.
    a.unlock().ok();
    let s = status_text(&a, &[]);
    assert!(s.contains("Device state") && s.contains("active"), "{s}");
    assert!(s.contains("succeeded"), "{s}");
    relock(&a);

    // A newer policy is applied at the next unlock …
    tenant.publish(2, &[]);
    a.unlock().ok();
    assert_eq!(serial(&a), 2);
    relock(&a);
    // … and on the timer while unlocked.
    let fast = [("KAPSEL_DEBUG_CONTACT_SECONDS", "1".to_string())];
    unlock_with(&a, &fast).ok();
    tenant.publish(3, &[]);
    let deadline = Instant::now() + Duration::from_secs(30);
    while serial(&a) != 3 {
        assert!(
            Instant::now() < deadline,
            "the timer did not apply serial 3"
        );
        std::thread::sleep(Duration::from_millis(300));
    }
    relock(&a);

    // A rollback (an older policy in a newer publication) and a tampered device list are
    // refused; inside the grace period the container still opens and says so.
    // (The admin tool refuses to publish it; a server under someone else's control could.)
    let older = tenant.admin.tenant.policy_file(
        "older.toml",
        &tenant.policy(2, &tenant.endpoint, &tenant.ca),
    );
    std::fs::copy(&older, tenant.www.join("policy.toml")).unwrap();
    let (list, _) = kapsel_device::documents::verify_any::<kapsel_device::DeviceList>(
        &std::fs::read_to_string(tenant.www.join("devices.toml")).unwrap(),
    )
    .unwrap();
    let now = kapsel_device::device::now();
    let fresh = kapsel_device::documents::sign(
        &kapsel_device::Freshness {
            tenant: "test-agency".into(),
            issued_at: now,
            expires_at: now + 3600,
            policy_serial: 2,
            devices_serial: list.serial,
        },
        &tenant.admin.tenant.key,
    )
    .unwrap();
    std::fs::write(tenant.www.join("freshness.toml"), fresh).unwrap();
    a.unlock().ok();
    assert_eq!(serial(&a), 3, "the older policy was not installed");
    let s = status_text(&a, &[]);
    assert!(s.contains("failed") && s.contains("older"), "{s}");
    relock(&a);
    tenant.publish(3, &[]);
    let devices = tenant.www.join("devices.toml");
    let text = std::fs::read_to_string(&devices).unwrap();
    std::fs::write(&devices, text.replace("\"active\"", "\"locked\"")).unwrap();
    a.unlock().ok();
    let s = status_text(&a, &[]);
    assert!(s.contains("not validly signed"), "{s}");
    relock(&a);
    tenant.publish(3, &[]);

    // Lock one device: it refuses with the helpdesk text; the other keeps working.
    tenant.set_state(&device_id(&a), "lock");
    tenant.publish(3, &[]);
    let refused = a.unlock();
    assert_ne!(refused.code, 0);
    assert!(
        refused.stderr.contains("locked this device") && refused.stderr.contains(HELPDESK),
        "{}",
        refused.stderr
    );
    b.unlock().ok();
    relock(&b);

    // Wipe it: the next contact destroys it, even before a password is tried, and leaves
    // only the signed receipt, which the admin's tooling verifies.
    tenant.set_state(&device_id(&a), "wipe");
    tenant.publish(3, &[]);
    let wiped = unlock_with(&a, &[]);
    assert_ne!(wiped.code, 0);
    assert!(wiped.stderr.contains("wiped"), "{}", wiped.stderr);
    let left = files_under(&a.root);
    assert_eq!(left.len(), 1, "{left:?}");
    let receipt = &left[0];
    assert!(receipt.ends_with("wipe-receipt.toml"));
    tenant
        .admin_run(&[
            "tenant",
            "receipt",
            receipt.to_str().unwrap(),
            "--registry",
            tenant.registry.to_str().unwrap(),
        ])
        .ok();
    assert_ne!(a.run(&["status"]).code, 0, "nothing is left to open");

    // The second device: server answering garbage → it opens inside the grace period and
    // says when it last reached the tenant.
    std::fs::write(
        tenant.www.join("freshness.toml"),
        "<html>maintenance</html>",
    )
    .unwrap();
    b.unlock().ok();
    let s = status_text(&b, &[]);
    assert!(s.contains("Last contact") && s.contains("failed"), "{s}");
    relock(&b);

    // A clock set back behind what it has seen: refused, and the tenant's documents too.
    tenant.publish(3, &[]);
    let back = [("KAPSEL_DEBUG_CLOCK_OFFSET", (-2 * DAY).to_string())];
    let r = unlock_with(&b, &back);
    assert_ne!(r.code, 0);
    assert!(r.stderr.contains("clock"), "{}", r.stderr);

    // A key rollover signed by another key is refused; one signed by the pinned key is
    // followed, and later documents signed by the new key are accepted.
    let new_key = signing::generate_key();
    let new_pub = signing::encode_public_key(&new_key.verifying_key());
    let rogue = signing::generate_key();
    let forged = kapsel_device::documents::sign(
        &kapsel_device::Rollover {
            tenant: "test-agency".into(),
            old_key: tenant.admin.tenant.public_key(),
            new_key: new_pub.clone(),
            issued_at: kapsel_device::device::now(),
        },
        &rogue,
    )
    .unwrap();
    std::fs::write(tenant.www.join("rollover.toml"), forged).unwrap();
    b.unlock().ok();
    let s = status_text(&b, &[]);
    assert!(s.contains("rollover"), "{s}");
    relock(&b);
    let rollover = tenant.admin.tmp.path().join("rollover.toml");
    tenant
        .admin_run(&[
            "tenant",
            "rollover",
            "--key",
            tenant.key_file.to_str().unwrap(),
            "--new-key",
            &new_pub,
            "--tenant",
            "test-agency",
            "--out",
            rollover.to_str().unwrap(),
        ])
        .ok();
    let mut rolled = Publisher { ..tenant };
    rolled.admin.tenant.key = new_key.clone();
    std::fs::write(
        &rolled.key_file,
        signing::encode_secret_key(&new_key).as_bytes(),
    )
    .unwrap();
    rolled.publish(4, &["--rollover", rollover.to_str().unwrap()]);
    b.unlock().ok();
    assert_eq!(b.status()["tenant_key"], new_pub.as_str());
    assert_eq!(serial(&b), 4);
    relock(&b);
    std::fs::remove_file(rolled.www.join("rollover.toml")).ok();
    rolled.publish(5, &[]);
    b.unlock().ok();
    assert_eq!(
        serial(&b),
        5,
        "documents signed by the new key are accepted"
    );
    relock(&b);

    // Offline beyond the grace period: refused with the helpdesk text — also after someone
    // holding the device deleted the newest contact and moved the enrolment time in the
    // plaintext table (the sealed standing undoes it right after the password); beyond the
    // offline limit: wiped.
    std::fs::remove_dir_all(&rolled.www).unwrap();
    {
        let c = kapsel_core::container::Container::open(&b.root).unwrap();
        c.vault().meta_put("mgmt_freshness", b"").unwrap();
        let moved = kapsel_device::device::now() + DAY;
        c.vault()
            .meta_put("device_enrolled_at", moved.to_string().as_bytes())
            .unwrap();
    }
    let late = [("KAPSEL_DEBUG_CLOCK_OFFSET", (DAY + 3600).to_string())];
    let r = unlock_with(&b, &late);
    assert_ne!(r.code, 0);
    assert!(
        r.stderr.contains("offline grace period") && r.stderr.contains(HELPDESK),
        "{}",
        r.stderr
    );
    let gone = [("KAPSEL_DEBUG_CLOCK_OFFSET", (6 * DAY).to_string())];
    let r = unlock_with(&b, &gone);
    assert!(r.stderr.contains("wiped"), "{}", r.stderr);
    let left = files_under(&b.root);
    assert_eq!(left.len(), 1, "{left:?}");
}

/// The endpoint answers 1 GB, trickles forever, or redirects elsewhere: each round is
/// refused, and the container still opens inside its grace period.
#[test]
fn hostile_tenant_endpoints_are_refused() {
    use kapsel_tests::https::{Reply, TestCa, serve};
    let ca = TestCa::new();
    let server = serve(&ca, |r| {
        if r.path.starts_with("/big/") {
            Reply::Huge { len: 1 << 30 }
        } else if r.path.starts_with("/slow/") {
            Reply::Trickle {
                len: 4096,
                every: Duration::from_millis(500),
            }
        } else {
            Reply::redirect(302, "https://evil.example/policy.toml")
        }
    });
    let tenant = Publisher::new();
    let env = Env::new();
    let policy = |serial: u64, path: &str| {
        tenant.policy(serial, &format!("{}/{path}/", server.origin()), &ca.pem)
    };
    env.enroll_text(&policy(1, "big"));
    for (serial, path, expect) in [
        (2, "slow", "timed out"),
        (3, "redirect", "redirect"),
        (4, "big", "larger than"),
    ] {
        env.unlock().ok();
        let file = env
            .tenant
            .policy_file(&format!("p{serial}.toml"), &policy(serial, path));
        env.run(&["policy", "update", file.to_str().unwrap()]).ok();
        relock(&env);
        let started = Instant::now();
        env.unlock().ok();
        assert!(started.elapsed() < Duration::from_secs(30));
        let s = status_text(&env, &[]);
        assert!(s.contains(expect), "{path}: {s}");
        relock(&env);
    }
}
