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
