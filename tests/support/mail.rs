//! Mail test support: a container enrolled for one of the test server's users, plus the
//! server-side tools tests use to change the mailbox behind the container's back — IMAP as
//! the user (our own client), LMTP delivery, the SMTP sink's Maildir and doveadm.

use std::io::{BufRead, BufReader, Write};
use std::net::TcpStream;
use std::path::PathBuf;
use std::process::Command;
use std::time::{Duration, Instant};

use kapsel_core::net::stream::Endpoint;
use kapsel_mail::imap::{Imap, SCHEMES};

use super::servers::{TestServers, test_servers};
use super::{Env, Run, policy_text};

/// The users' directory password as Dovecot also accepts it (see servers.sh `users-strong`):
/// long enough for the default tenant password rules.
pub const MAIL_PASSWORD: &str = "Kapsel-Test-2026";

/// The mail part of a tenant policy for the test servers (IMAP and submission over
/// STARTTLS, ManageSieve) trusting the test CA.
pub fn mail_policy(s: &TestServers, extra: &str) -> String {
    let host = s.get("TEST_HOST");
    let ca = std::fs::read_to_string(s.get("TEST_CA_FILE")).expect("test CA");
    format!(
        r#"[sync]
min_interval_minutes = 1
max_interval_minutes = 240

[servers]
imap = "imap://{host}:{imap}"
submission = "submission://{host}:{sub}"
managesieve = "sieve://{host}:{sieve}"

[tls]
trust_anchors = ['''{ca}''']
{extra}"#,
        imap = s.get("TEST_IMAP_PORT"),
        sub = s.get("TEST_SUBMISSION_PORT"),
        sieve = s.get("TEST_SIEVE_PORT"),
    )
}

/// An enrolled (not yet unlocked) container for `user` with the mail policy plus `extra`.
pub fn mail_env(user: &str, extra: &str) -> Env {
    mail_env_with(user, extra, &[])
}

/// Like `mail_env`, with more `kapsel enroll` arguments (e.g. `--apps DIR`).
pub fn mail_env_with(user: &str, extra: &str, args: &[&str]) -> Env {
    let s = test_servers();
    let env = Env::new();
    let text = policy_text(1, &mail_policy(&s, extra));
    let policy = env.tenant.policy_file("policy-1.toml", &text);
    env.try_enroll(
        policy.to_str().unwrap(),
        &env.tenant.public_key(),
        &[&["--user", user], args].concat(),
        &format!("{MAIL_PASSWORD}\n"),
    )
    .ok();
    env
}

/// An enrolled and unlocked container for `user` (with the servers' strong password) under
/// this whole policy text.
pub fn unlocked_env(user: &str, policy: &str) -> Env {
    let env = Env::new();
    let file = env.tenant.policy_file("policy-1.toml", policy);
    env.try_enroll(
        file.to_str().unwrap(),
        &env.tenant.public_key(),
        &["--user", user],
        &format!("{MAIL_PASSWORD}\n"),
    )
    .ok();
    unlock(&env).ok();
    env
}

pub fn unlock(env: &Env) -> Run {
    env.run_stdin(
        &["unlock", "--password-stdin"],
        &format!("{MAIL_PASSWORD}\n"),
    )
}

/// Our IMAP client logged in as `user`, for changing the server side in tests.
pub fn imap_as(user: &str) -> Imap {
    let s = test_servers();
    let endpoint = Endpoint::parse(
        &format!("imap://{}:{}", s.get("TEST_HOST"), s.get("TEST_IMAP_PORT")),
        SCHEMES,
    )
    .unwrap();
    let tls = tls_config(&s);
    Imap::connect(
        &endpoint,
        &tls,
        user,
        MAIL_PASSWORD,
        Duration::from_secs(20),
    )
    .unwrap()
}

pub fn tls_config(s: &TestServers) -> std::sync::Arc<rustls::ClientConfig> {
    let pem = std::fs::read_to_string(s.get("TEST_CA_FILE")).unwrap();
    kapsel_core::net::tls::client_config(&kapsel_core::policy::Tls {
        trust_anchors: vec![pem],
        only_anchors: true,
        ..Default::default()
    })
    .unwrap()
}

/// Deliver a message over LMTP (through Sieve, like real incoming mail).
pub fn lmtp_deliver(from: &str, rcpt: &str, message: &[u8]) {
    let s = test_servers();
    let mut tcp = TcpStream::connect(format!(
        "{}:{}",
        s.get("TEST_HOST"),
        s.get("TEST_LMTP_PORT")
    ))
    .expect("LMTP is not reachable");
    tcp.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
    let mut r = BufReader::new(tcp.try_clone().unwrap());
    let expect = |r: &mut BufReader<TcpStream>, code: &str| loop {
        let mut line = String::new();
        r.read_line(&mut line).unwrap();
        assert!(
            line.starts_with(code),
            "LMTP: expected {code}, got {line:?}"
        );
        if line.as_bytes().get(3) != Some(&b'-') {
            break;
        }
    };
    expect(&mut r, "220");
    for (cmd, code) in [
        ("LHLO kapsel-tests".to_string(), "250"),
        (format!("MAIL FROM:<{from}>"), "250"),
        (format!("RCPT TO:<{rcpt}>"), "250"),
        ("DATA".to_string(), "354"),
    ] {
        tcp.write_all(format!("{cmd}\r\n").as_bytes()).unwrap();
        expect(&mut r, code);
    }
    let mut body = Vec::with_capacity(message.len() + 16);
    for line in message.split(|&b| b == b'\n') {
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        if line.starts_with(b".") {
            body.push(b'.');
        }
        body.extend_from_slice(line);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(b".\r\n");
    tcp.write_all(&body).unwrap();
    expect(&mut r, "250");
    tcp.write_all(b"QUIT\r\n").unwrap();
}

/// A small message with a unique marker in the subject.
pub fn simple_message(from: &str, to: &str, subject: &str, body: &str) -> Vec<u8> {
    format!(
        "From: {from}\r\nTo: {to}\r\nSubject: {subject}\r\nDate: Fri, 27 Nov 2026 09:00:00 +0000\r\nMessage-ID: <{}@kapsel-tests>\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n{body}\r\n",
        unique("m")
    )
    .into_bytes()
}

/// The UTC date `offset` days from today as YYYY-MM-DD (the test servers run in UTC).
pub fn day(offset: i64) -> String {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64;
    // Howard Hinnant's civil_from_days.
    let z = secs.div_euclid(86_400) + offset + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!("{year:04}-{month:02}-{day:02}")
}

pub fn unique(prefix: &str) -> String {
    use rand::Rng;
    format!("{prefix}{:08x}", rand::thread_rng().r#gen::<u32>())
}

/// Files in the SMTP sink's Maildir (new/ and cur/) whose content contains `needle`.
pub fn sink_messages(needle: &str) -> Vec<String> {
    let s = test_servers();
    let dir = PathBuf::from(s.get("TEST_SMTP_SINK_MAILDIR"));
    let mut out = Vec::new();
    for sub in ["new", "cur"] {
        let Ok(rd) = std::fs::read_dir(dir.join(sub)) else {
            continue;
        };
        for e in rd.flatten() {
            if let Ok(bytes) = std::fs::read(e.path()) {
                let text = String::from_utf8_lossy(&bytes).into_owned();
                if text.contains(needle) {
                    out.push(text);
                }
            }
        }
    }
    out
}

/// Wait until `f` returns Some, at most `limit`.
pub fn wait_for<T>(limit: Duration, mut f: impl FnMut() -> Option<T>) -> Option<T> {
    let start = Instant::now();
    loop {
        if let Some(v) = f() {
            return Some(v);
        }
        if start.elapsed() > limit {
            return None;
        }
        std::thread::sleep(Duration::from_millis(200));
    }
}

/// `doveadm` against the test Dovecot (e.g. to force a new UIDVALIDITY).
pub fn doveadm(args: &[&str]) {
    let s = test_servers();
    let conf = s.get("TEST_DOVECOT_CONF");
    let out = Command::new("doveadm")
        .arg("-c")
        .arg(conf)
        .args(args)
        .output()
        .expect("doveadm is installed with the test servers");
    assert!(
        out.status.success(),
        "doveadm {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// A TCP forwarder in front of a server, to take the server "down" and "up" again without
/// touching the real one (other tests use it).
pub struct Relay {
    pub port: u16,
    stop: std::sync::Arc<std::sync::atomic::AtomicBool>,
    handle: Option<std::thread::JoinHandle<()>>,
}

impl Relay {
    /// Listen on `port` (0: any) and forward each connection to `target`.
    pub fn start(port: u16, target: String) -> Relay {
        use std::sync::atomic::{AtomicBool, Ordering};
        let listener = std::net::TcpListener::bind(("127.0.0.1", port)).unwrap();
        listener.set_nonblocking(true).unwrap();
        let port = listener.local_addr().unwrap().port();
        let stop = std::sync::Arc::new(AtomicBool::new(false));
        let flag = stop.clone();
        let handle = std::thread::spawn(move || {
            while !flag.load(Ordering::SeqCst) {
                match listener.accept() {
                    Ok((client, _)) => {
                        client.set_nonblocking(false).unwrap();
                        let Ok(server) = TcpStream::connect(&target) else {
                            continue;
                        };
                        for (mut a, mut b) in [
                            (client.try_clone().unwrap(), server.try_clone().unwrap()),
                            (server, client),
                        ] {
                            std::thread::spawn(move || {
                                let _ = std::io::copy(&mut a, &mut b);
                                let _ = b.shutdown(std::net::Shutdown::Both);
                            });
                        }
                    }
                    Err(_) => std::thread::sleep(Duration::from_millis(20)),
                }
            }
        });
        Relay {
            port,
            stop,
            handle: Some(handle),
        }
    }

    pub fn stop(mut self) {
        self.stop.store(true, std::sync::atomic::Ordering::SeqCst);
        if let Some(h) = self.handle.take() {
            let _ = h.join();
        }
    }
}

/// `servers.sh seed`: `n` small messages into a new folder of `user`.
pub fn seed(user: &str, folder: &str, n: u32) {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let status = Command::new("bash")
        .arg(root.join("servers/servers.sh"))
        .args(["seed", user, &n.to_string(), folder])
        .status()
        .expect("servers.sh seed");
    assert!(status.success(), "seeding {n} messages failed");
}
