//! Start-up integrity checks against the real binary: a tracer, preloaded libraries, a
//! container readable by others, a modified binary, and the superuser — each refused with a
//! message that names the problem, and audited.

use std::process::Command;

use kapsel_tests::{Env, PASSWORD, run_command};

fn strace() -> &'static str {
    // Installed by tests/servers/install.sh; a missing strace is a failure, not a skip.
    assert!(
        Command::new("strace")
            .arg("-V")
            .output()
            .is_ok_and(|o| o.status.success()),
        "strace is not installed (run tests/servers/install.sh)"
    );
    "strace"
}

#[test]
fn a_tracer_is_refused() {
    let env = Env::new();
    env.enroll("");
    let mut cmd = Command::new(strace());
    cmd.args(["-f", "-o", "/dev/null"])
        .arg(&env.bin)
        .arg("--container")
        .arg(&env.root)
        .arg("status");
    run_command(&mut cmd, None).fails(5, "tracer");
    // Off by policy: the same run passes.
    let env = Env::new();
    env.enroll("tracer = \"off\"\n");
    let mut cmd = Command::new(strace());
    cmd.args(["-f", "-o", "/dev/null"])
        .arg(&env.bin)
        .arg("--container")
        .arg(&env.root)
        .arg("status");
    run_command(&mut cmd, None).ok();
}

#[test]
fn preloaded_libraries_are_refused() {
    let env = Env::new();
    env.enroll("");
    for var in ["LD_PRELOAD", "LD_AUDIT"] {
        let mut cmd = env.command(&env.bin, &["status"]);
        cmd.env(var, "libm.so.6");
        run_command(&mut cmd, None).fails(5, var);
    }
    // A password never reaches a process with an injected library.
    let mut cmd = env.command(&env.bin, &["unlock", "--password-stdin"]);
    cmd.env("LD_PRELOAD", "libm.so.6");
    run_command(&mut cmd, Some(&format!("{PASSWORD}\n"))).fails(5, "LD_PRELOAD");
    assert!(!env.root.join("run/agent.sock").exists());
}

#[test]
fn a_container_readable_by_others_is_refused() {
    use std::os::unix::fs::PermissionsExt;
    let env = Env::new();
    env.enroll("");
    let db = env.root.join("vault.db");
    std::fs::set_permissions(&db, std::fs::Permissions::from_mode(0o644)).unwrap();
    env.run(&["status"]).fails(5, "accessible to other users");
    std::fs::set_permissions(&db, std::fs::Permissions::from_mode(0o600)).unwrap();
    std::fs::set_permissions(&env.root, std::fs::Permissions::from_mode(0o755)).unwrap();
    env.run(&["status"]).fails(5, "mode 755");
    std::fs::set_permissions(&env.root, std::fs::Permissions::from_mode(0o700)).unwrap();
    std::os::unix::fs::symlink("/etc/hostname", env.root.join("blobs/escape")).unwrap();
    env.run(&["status"]).fails(5, "symbolic link");
    std::fs::remove_file(env.root.join("blobs/escape")).unwrap();
    env.run(&["status"]).ok();
    // The refusals were audited.
    env.unlock().ok();
    let v = env.run(&["--json", "audit-log"]).json();
    let refused = v["entries"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["kind"] == "start-refused")
        .count();
    assert_eq!(refused, 3);
}

#[test]
fn a_modified_binary_is_refused_until_accepted() {
    let env = Env::new();
    env.enroll("");
    let copy = env.tmp.path().join("kapsel-modified");
    let mut bytes = std::fs::read(&env.bin).unwrap();
    bytes.extend_from_slice(b"patched");
    std::fs::write(&copy, &bytes).unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&copy, std::fs::Permissions::from_mode(0o755)).unwrap();
    env.run_bin(&copy, &["status"], None)
        .fails(5, "modified or replaced since enrolment");
    env.run_bin(
        &copy,
        &["unlock", "--password-stdin"],
        Some(&format!("{PASSWORD}\n")),
    )
    .fails(5, "modified");
    // An update the user confirms with the password is pinned.
    env.run_bin(
        &copy,
        &["unlock", "--password-stdin", "--accept-new-binary"],
        Some(&format!("{PASSWORD}\n")),
    )
    .ok();
    env.run_bin(&copy, &["status"], None).ok();
    // While that session runs, a client started from the original binary is refused by the
    // agent (it does not check itself when an agent runs), and the refusal is audited.
    env.run(&["status"])
        .fails(5, "modified or replaced since enrolment");
    env.run(&["doc", "list"]).fails(5, "refuses to serve it");
    let v = env.run_bin(&copy, &["--json", "audit-log"], None).json();
    assert!(
        v["entries"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["kind"] == "client-refused")
    );
    assert!(
        v["entries"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["kind"] == "binary-repinned")
    );
    env.run_bin(&copy, &["lock"], None).ok();
    // Now the original is the stranger.
    env.run(&["status"]).fails(5, "modified");
}

#[test]
fn a_binary_not_on_the_tenants_list_is_refused() {
    let env = Env::new();
    let digest = "0".repeat(64);
    let policy = env.tenant.policy_file(
        "p.toml",
        &kapsel_tests::policy_text(1, &format!("binary_sha256 = [\"{digest}\"]\n")),
    );
    env.try_enroll(
        policy.to_str().unwrap(),
        &env.tenant.public_key(),
        &[],
        &format!("{PASSWORD}\n"),
    )
    .fails(5, "not one the tenant lists");
}

#[test]
fn the_superuser_check_follows_the_policy() {
    let env = Env::new();
    let policy = env.tenant.policy_file(
        "p.toml",
        &kapsel_tests::policy_text(1, "").replace("superuser = \"off\"", "superuser = \"enforce\""),
    );
    let r = env.try_enroll(
        policy.to_str().unwrap(),
        &env.tenant.public_key(),
        &[],
        &format!("{PASSWORD}\n"),
    );
    if kapsel_core::integrity::euid() == 0 {
        r.fails(5, "superuser");
    } else {
        r.ok();
    }
    // "warn" starts, and says so.
    let env = Env::new();
    let policy = env.tenant.policy_file(
        "p.toml",
        &kapsel_tests::policy_text(1, "").replace("superuser = \"off\"", "superuser = \"warn\""),
    );
    let r = env.try_enroll(
        policy.to_str().unwrap(),
        &env.tenant.public_key(),
        &[],
        &format!("{PASSWORD}\n"),
    );
    r.ok();
    let s = env.run(&["status"]);
    s.ok();
    if kapsel_core::integrity::euid() == 0 {
        assert!(
            s.stderr.contains("warning") && s.stderr.contains("superuser"),
            "{}",
            s.stderr
        );
    }
}
