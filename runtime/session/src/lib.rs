//! The session socket from the client's side: how the CLI and the terminal shell reach the
//! session agent (`kapsel agent`), which holds the unlocked container in memory and answers
//! on a unix socket at `<container>/run/agent.sock` (folder 0700, socket 0600, peer uid
//! checked). The wire format (`protocol`) and the exit codes every client reports (`exit`)
//! live here too, so the agent, the CLI and the shell share one definition.

pub mod exit;
pub mod protocol;

use std::io::{BufRead, BufReader, Write};
use std::os::unix::net::UnixStream;
use std::path::{Path, PathBuf};
use std::time::Duration;

pub use protocol::{Reply, Request};

use kapsel_core::error::{Error, Result};
use kapsel_core::vault::RUN_DIR;
use protocol::AgentStatus;

/// Linux limits a socket path to 107 bytes.
const SUN_PATH_MAX: usize = 107;

pub fn socket_path(root: &Path) -> Result<PathBuf> {
    let path = root.join(RUN_DIR).join("agent.sock");
    if path.as_os_str().len() > SUN_PATH_MAX {
        return Err(Error::invalid(format!(
            "the container path {} is too long for the session socket ({} bytes, at most {SUN_PATH_MAX}); use a shorter --container",
            root.display(),
            path.as_os_str().len()
        )));
    }
    Ok(path)
}

fn connect(root: &Path) -> Result<Option<UnixStream>> {
    let path = socket_path(root)?;
    match UnixStream::connect(&path) {
        Ok(s) => Ok(Some(s)),
        Err(e)
            if matches!(
                e.kind(),
                std::io::ErrorKind::NotFound | std::io::ErrorKind::ConnectionRefused
            ) =>
        {
            Ok(None)
        }
        Err(e) => Err(Error::io(format!(
            "cannot reach the session agent at {}",
            path.display()
        ))(e)),
    }
}

pub fn is_running(root: &Path) -> bool {
    matches!(connect(root), Ok(Some(_)))
}

/// Connect and write one request line. `Err(Locked)` when no agent runs.
fn send(root: &Path, request: &Request) -> Result<UnixStream> {
    let mut stream = connect(root)?.ok_or(Error::Locked)?;
    let mut line = serde_json::to_vec(request)
        .map_err(|e| Error::Agent(format!("cannot encode the request: {e}")))?;
    line.push(b'\n');
    stream
        .write_all(&line)
        .map_err(Error::io("cannot talk to the session agent"))?;
    Ok(stream)
}

/// Send one request to the agent and read its typed answer. `Err(Locked)` when no agent
/// runs.
pub fn ask<T: serde::de::DeserializeOwned>(root: &Path, request: &Request) -> Result<T> {
    ask_with_progress(root, request, &mut |_| {})
}

/// Like `ask`, for long requests (sync): progress lines before the reply go to
/// `on_progress`.
pub fn ask_with_progress<T: serde::de::DeserializeOwned>(
    root: &Path,
    request: &Request,
    on_progress: &mut dyn FnMut(&kapsel_mail::sync::Progress),
) -> Result<T> {
    let stream = send(root, request)?;
    stream
        .set_read_timeout(Some(Duration::from_secs(600)))
        .map_err(Error::io("session socket"))?;
    let mut reader = BufReader::new(stream);
    let mut reply = String::new();
    loop {
        reply.clear();
        reader
            .read_line(&mut reply)
            .map_err(Error::io("no answer from the session agent"))?;
        match serde_json::from_str::<protocol::ProgressLine>(&reply) {
            Ok(p) => on_progress(&p.progress),
            Err(_) => break,
        }
    }
    if reply.is_empty() {
        return Err(Error::Agent(
            "the session agent closed the connection (it may have locked itself)".into(),
        ));
    }
    let reply: Reply<T> = serde_json::from_str(&reply)
        .map_err(|e| Error::Agent(format!("unreadable answer: {e}")))?;
    reply.into_result()
}

/// After a lock request: wait until the agent has wiped its keys and removed its socket.
pub fn wait_until_gone(root: &Path, timeout: Duration) -> Result<()> {
    let path = socket_path(root)?;
    let start = std::time::Instant::now();
    while path.exists() {
        if start.elapsed() > timeout {
            return Err(Error::Agent(
                "the session agent did not stop in time".into(),
            ));
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    Ok(())
}

/// The events of the running session, as they happen (see [`protocol::Event`]).
pub struct Subscription {
    reader: BufReader<UnixStream>,
}

impl Subscription {
    /// Wait for the next event. `Ok(None)` when the session ended (locked or gone).
    pub fn next_event(&mut self) -> Result<Option<protocol::Event>> {
        let mut line = String::new();
        let n = self
            .reader
            .read_line(&mut line)
            .map_err(Error::io("the session's event stream broke"))?;
        if n == 0 {
            return Ok(None);
        }
        let parsed: protocol::EventLine = serde_json::from_str(&line)
            .map_err(|e| Error::Agent(format!("unreadable event: {e}")))?;
        Ok(Some(parsed.event))
    }
}

/// Subscribe to the session's events. `Err(Locked)` when no agent runs.
pub fn subscribe(root: &Path) -> Result<Subscription> {
    let mut reader = BufReader::new(send(root, &Request::Subscribe)?);
    let mut reply = String::new();
    reader
        .read_line(&mut reply)
        .map_err(Error::io("no answer from the session agent"))?;
    let reply: Reply<String> = serde_json::from_str(&reply)
        .map_err(|e| Error::Agent(format!("unreadable answer: {e}")))?;
    reply.into_result()?;
    Ok(Subscription { reader })
}

/// Start the session agent (`kapsel agent`, the same binary, detached) and hand it the
/// password over a pipe — never through arguments, environment or disk. Returns the
/// agent's first answer: its status, or why it refused to unlock.
pub fn start_agent(
    root: &Path,
    password: &str,
    idle_seconds: Option<u64>,
    accept_new_binary: bool,
) -> Result<AgentStatus> {
    use std::io::{BufRead, Write};
    use std::process::{Command as Proc, Stdio};
    let exe = std::env::current_exe().map_err(Error::io("cannot find the kapsel binary"))?;
    let mut cmd = Proc::new(exe);
    cmd.arg("--container").arg(root).arg("agent");
    if let Some(s) = idle_seconds {
        cmd.arg("--idle-seconds").arg(s.to_string());
    }
    if accept_new_binary {
        cmd.arg("--accept-new-binary");
    }
    let mut child = cmd
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .map_err(Error::io("cannot start the session agent"))?;
    {
        let mut stdin = child
            .stdin
            .take()
            .ok_or_else(|| Error::Agent("no pipe to the agent".into()))?;
        let mut line = zeroize::Zeroizing::new(password.as_bytes().to_vec());
        line.push(b'\n');
        stdin
            .write_all(&line)
            .map_err(Error::io("cannot hand the password to the session agent"))?;
    }
    let stdout = child
        .stdout
        .take()
        .ok_or_else(|| Error::Agent("no pipe from the agent".into()))?;
    let mut first = String::new();
    std::io::BufReader::new(stdout)
        .read_line(&mut first)
        .map_err(Error::io("no answer from the session agent"))?;
    if first.trim().is_empty() {
        let status = child.wait().map_err(Error::io("session agent"))?;
        return Err(Error::Agent(format!(
            "the session agent ended without an answer ({status})"
        )));
    }
    let reply: Reply<AgentStatus> = serde_json::from_str(&first)
        .map_err(|e| Error::Agent(format!("unreadable answer: {e}")))?;
    let result = reply.into_result();
    if result.is_err() {
        let _ = child.wait();
    }
    // On success the agent lives on, detached; it is reaped by init when it exits.
    result
}
