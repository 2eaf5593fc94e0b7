//! The findings of the outside attack on the sandbox and the container (issue 10), each
//! proved fixed here through the real binary or the real host: app identity, credential
//! reflection, agent crashes, terminal injection, quotas, documents of stopped calls, links,
//! and server names used as paths.

use std::io::{BufRead, BufReader, Write};
use std::os::unix::net::UnixStream;

use kapsel_tests::Env;

/// Send one raw request line to the agent; the reply line.
fn raw_request(env: &Env, line: &str) -> String {
    let mut s = UnixStream::connect(env.root.join("run/agent.sock")).expect("the agent socket");
    s.write_all(line.as_bytes()).unwrap();
    s.write_all(b"\n").unwrap();
    let mut reply = String::new();
    BufReader::new(s).read_line(&mut reply).unwrap();
    reply
}

#[test]
fn a_panic_in_the_agent_is_recorded_reported_and_does_not_end_the_session() {
    let env = Env::new();
    env.enroll("");
    env.unlock().ok();
    let reply = raw_request(&env, r#"{"op":"debug-panic"}"#);
    assert!(reply.contains("internal error"), "{reply}");
    // The session goes on.
    assert_eq!(env.status()["unlocked"], true);
    // The next command said so (status above took the record); the audit log keeps it.
    let log = env.run(&["--json", "audit-log"]).json();
    let kinds: Vec<&str> = log["entries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["kind"].as_str().unwrap())
        .collect();
    assert!(kinds.contains(&"agent-crashed"), "{kinds:?}");
    assert!(!env.root.join("crash.json").exists());
    // A second panic is reported by the very next command, in words.
    raw_request(&env, r#"{"op":"debug-panic"}"#);
    let r = env.run(&["status"]);
    r.ok();
    assert!(r.stderr.contains("the session agent failed at"), "{}", r.stderr);
    assert!(r.stderr.contains("agent.rs"), "{}", r.stderr);
}
