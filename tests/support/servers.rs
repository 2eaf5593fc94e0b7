//! The real test servers started by tests/servers/servers.sh: their addresses come from the
//! env file it writes. A test that needs them fails — it never skips — when they are absent.

use std::collections::BTreeMap;
use std::path::PathBuf;

pub struct TestServers {
    pub dir: PathBuf,
    vars: BTreeMap<String, String>,
}

impl TestServers {
    pub fn get(&self, name: &str) -> String {
        self.vars
            .get(name)
            .cloned()
            .unwrap_or_else(|| panic!("{name} is not in {}/env", self.dir.display()))
    }
}

/// Read `$KAPSEL_TEST_SERVERS_DIR/env` (default /tmp/kts).
pub fn test_servers() -> TestServers {
    let dir = PathBuf::from(
        std::env::var("KAPSEL_TEST_SERVERS_DIR").unwrap_or_else(|_| "/tmp/kts".into()),
    );
    let text = std::fs::read_to_string(dir.join("env")).unwrap_or_else(|e| {
        panic!(
            "the test servers are not running ({}/env: {e}); start them with tests/servers/servers.sh start (scripts/test does)",
            dir.display()
        )
    });
    let mut vars = BTreeMap::new();
    for line in text.lines() {
        let line = line.trim();
        let Some(assign) = line.strip_prefix("export ") else {
            continue;
        };
        if let Some((k, v)) = assign.split_once('=') {
            vars.insert(
                k.to_string(),
                v.trim_matches('\'').trim_matches('"').to_string(),
            );
        }
    }
    TestServers { dir, vars }
}

/// The SharePoint REST emulator (tests/servers/sharepoint_emulator.py) over HTTPS with the
/// test CA, serving a folder tree; stopped when dropped.
pub struct Emulator {
    child: std::process::Child,
    pub port: u16,
    pub root: tempfile::TempDir,
}

impl Drop for Emulator {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub fn emulator(token: &str) -> Emulator {
    let servers = test_servers();
    let certs = std::path::Path::new(&servers.get("TEST_CA_FILE"))
        .parent()
        .unwrap()
        .to_path_buf();
    let root = tempfile::tempdir().unwrap();
    let r = root.path();
    for (name, body) in [
        ("Angebot 'final'.txt", "Angebot"),
        ("100% sicher.txt", "sicher"),
        ("Nr. #7.txt", "sieben"),
        ("Umlaut Ä & Co.csv", "a;b"),
    ] {
        std::fs::write(r.join(name), body).unwrap();
    }
    std::fs::create_dir_all(r.join("Projekte 2026")).unwrap();
    std::fs::write(r.join("Projekte 2026/Plan.txt"), "Plan").unwrap();
    std::fs::create_dir_all(r.join("Vertraulich")).unwrap();
    std::fs::write(r.join("Vertraulich/geheim.txt"), "geheim").unwrap();
    std::fs::create_dir_all(r.join("viele")).unwrap();
    for i in 0..1500 {
        std::fs::write(r.join(format!("viele/akte-{i:04}.txt")), "x").unwrap();
    }
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let script =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("servers/sharepoint_emulator.py");
    let child = std::process::Command::new("python3")
        .arg(script)
        .args([
            "--root",
            r.to_str().unwrap(),
            "--port",
            &port.to_string(),
            "--token",
            token,
        ])
        .arg("--cert")
        .arg(certs.join("chain.pem"))
        .arg("--key")
        .arg(certs.join("server.key"))
        .stdout(std::process::Stdio::null())
        .spawn()
        .expect("python3 for the SharePoint emulator");
    for _ in 0..100 {
        if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    Emulator { child, port, root }
}
