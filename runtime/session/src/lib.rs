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
use kapsel_i18n::t;
use protocol::AgentStatus;

/// Linux limits a socket path to 107 bytes.
const SUN_PATH_MAX: usize = 107;

pub fn socket_path(root: &Path) -> Result<PathBuf> {
    let path = root.join(RUN_DIR).join("agent.sock");
    if path.as_os_str().len() > SUN_PATH_MAX {
        return Err(Error::invalid(t!(
            kapsel_i18n::current(),
            "session-socket-path-too-long",
            path = root.display().to_string(),
            length = path.as_os_str().len().to_string(),
            max = SUN_PATH_MAX.to_string()
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
        Err(e) => Err(Error::io(t!(
            kapsel_i18n::current(),
            "session-unreachable",
            path = path.display().to_string()
        ))(e)),
    }
}

pub fn is_running(root: &Path) -> bool {
    matches!(connect(root), Ok(Some(_)))
}

/// Connect and write one request line. `Err(Locked)` when no agent runs.
fn send(root: &Path, request: &Request) -> Result<UnixStream> {
    let mut stream = connect(root)?.ok_or(Error::Locked)?;
    let mut line = serde_json::to_vec(request).map_err(|e| {
        Error::Agent(t!(
            kapsel_i18n::current(),
            "session-encode-request",
            error = e.to_string()
        ))
    })?;
    line.push(b'\n');
    stream
        .write_all(&line)
        .map_err(Error::io(t!(kapsel_i18n::current(), "session-cannot-talk")))?;
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
    let cat = kapsel_i18n::current();
    stream
        .set_read_timeout(Some(Duration::from_secs(600)))
        .map_err(Error::io(t!(cat, "session-socket")))?;
    let mut reader = BufReader::new(stream);
    let mut reply = String::new();
    loop {
        reply.clear();
        reader
            .read_line(&mut reply)
            .map_err(Error::io(t!(cat, "session-no-answer")))?;
        match serde_json::from_str::<protocol::ProgressLine>(&reply) {
            Ok(p) => on_progress(&p.progress),
            Err(_) => break,
        }
    }
    if reply.is_empty() {
        return Err(Error::Agent(t!(cat, "session-agent-closed")));
    }
    let reply: Reply<T> = serde_json::from_str(&reply).map_err(unreadable_answer)?;
    reply.into_result()
}

fn unreadable_answer(e: serde_json::Error) -> Error {
    Error::Agent(t!(
        kapsel_i18n::current(),
        "session-unreadable-answer",
        error = e.to_string()
    ))
}

/// After a lock request: wait until the agent has wiped its keys and removed its socket.
pub fn wait_until_gone(root: &Path, timeout: Duration) -> Result<()> {
    let path = socket_path(root)?;
    let start = std::time::Instant::now();
    while path.exists() {
        if start.elapsed() > timeout {
            return Err(Error::Agent(t!(
                kapsel_i18n::current(),
                "session-agent-slow-stop"
            )));
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
        let n = self.reader.read_line(&mut line).map_err(Error::io(t!(
            kapsel_i18n::current(),
            "session-events-broke"
        )))?;
        if n == 0 {
            return Ok(None);
        }
        let parsed: protocol::EventLine = serde_json::from_str(&line).map_err(|e| {
            Error::Agent(t!(
                kapsel_i18n::current(),
                "session-unreadable-event",
                error = e.to_string()
            ))
        })?;
        Ok(Some(parsed.event))
    }
}

/// Subscribe to the session's events. `Err(Locked)` when no agent runs.
pub fn subscribe(root: &Path) -> Result<Subscription> {
    let mut reader = BufReader::new(send(root, &Request::Subscribe)?);
    let mut reply = String::new();
    reader
        .read_line(&mut reply)
        .map_err(Error::io(t!(kapsel_i18n::current(), "session-no-answer")))?;
    let reply: Reply<String> = serde_json::from_str(&reply).map_err(unreadable_answer)?;
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
    let cat = kapsel_i18n::current();
    let exe = std::env::current_exe().map_err(Error::io(t!(cat, "session-binary-not-found")))?;
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
        .map_err(Error::io(t!(cat, "session-agent-start")))?;
    {
        let mut stdin = child
            .stdin
            .take()
            .ok_or_else(|| Error::Agent(t!(cat, "session-no-pipe-to")))?;
        let mut line = zeroize::Zeroizing::new(password.as_bytes().to_vec());
        line.push(b'\n');
        stdin
            .write_all(&line)
            .map_err(Error::io(t!(cat, "session-password-handover")))?;
    }
    let stdout = child
        .stdout
        .take()
        .ok_or_else(|| Error::Agent(t!(cat, "session-no-pipe-from")))?;
    let mut first = String::new();
    std::io::BufReader::new(stdout)
        .read_line(&mut first)
        .map_err(Error::io(t!(cat, "session-no-answer")))?;
    if first.trim().is_empty() {
        let status = child.wait().map_err(Error::io(t!(cat, "session-agent")))?;
        return Err(Error::Agent(t!(
            cat,
            "session-agent-ended",
            status = status.to_string()
        )));
    }
    let reply: Reply<AgentStatus> = serde_json::from_str(&first).map_err(unreadable_answer)?;
    let result = reply.into_result();
    if result.is_err() {
        let _ = child.wait();
    }
    // On success the agent lives on, detached; it is reaped by init when it exits.
    result
}
