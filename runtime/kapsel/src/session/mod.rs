//! The unlocked session: how the key outlives a short CLI process.
//!
//! `kapsel unlock` starts a session agent (`kapsel agent`, a child that detaches) and hands
//! it the password over a pipe — never through arguments, environment or disk. The agent
//! holds the unlocked container in memory, answers requests on a unix socket at
//! `<container>/run/agent.sock` (folder 0700, socket 0600, peer uid checked with
//! SO_PEERCRED), refuses core dumps and ptrace by other processes of the same user, and locks
//! itself — wiping the keys and exiting — after the policy's idle time or on `kapsel lock`.
//! Every CLI command that needs the data asks the agent; without an agent the container
//! is locked.

mod agent;
pub mod crash;
mod peer;
pub mod protocol;

use std::io::{BufRead, BufReader, Write};
use std::os::unix::net::UnixStream;
use std::path::{Path, PathBuf};
use std::time::Duration;

pub use agent::{harden_process, run_agent};
pub use protocol::{Reply, Request};

use kapsel_core::error::{Error, Result};
use kapsel_core::vault::RUN_DIR;

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
    let mut stream = connect(root)?.ok_or(Error::Locked)?;
    stream
        .set_read_timeout(Some(Duration::from_secs(600)))
        .map_err(Error::io("session socket"))?;
    let mut line = serde_json::to_vec(request)
        .map_err(|e| Error::Agent(format!("cannot encode the request: {e}")))?;
    line.push(b'\n');
    stream
        .write_all(&line)
        .map_err(Error::io("cannot talk to the session agent"))?;
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
