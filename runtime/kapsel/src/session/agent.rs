//! The session agent process: unlock once, serve requests on the socket, lock on idle.

use std::io::{BufRead, BufReader, Read, Write};
use std::os::unix::fs::PermissionsExt;
use std::os::unix::net::{UnixListener, UnixStream};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use zeroize::Zeroizing;

use super::protocol::{
    AgentStatus, Answer, AuditLog, CredentialChanged, Event, EventLine, Locked, Notifications,
    PolicyUpdated, ProgressLine, Removed, Reply, Request,
};
use kapsel_core::audit;
use kapsel_core::container::Container;
use kapsel_core::error::{Error, Result};
use kapsel_core::vault::RUN_DIR;
use kapsel_host::{AppHost, Call, Credentials};
use kapsel_i18n::t;

use crate::cli::cat;

/// Largest request accepted on the socket (policies and later app payloads fit easily).
const MAX_REQUEST: u64 = 64 * 1024 * 1024;

/// Keep secrets out of core dumps and stop other processes of the same user from attaching
/// a debugger (a non-dumpable process can only be traced by root).
pub fn harden_process() {
    let _ = rustix::process::set_dumpable_behavior(rustix::process::DumpableBehavior::NotDumpable);
    let _ = rustix::process::setrlimit(
        rustix::process::Resource::Core,
        rustix::process::Rlimit {
            current: Some(0),
            maximum: Some(0),
        },
    );
}

struct State {
    container: Container,
    mail: kapsel_mail::service::Shared,
    groupware: kapsel_calendar::Shared,
    /// Created on the first app request; dropped on a policy update so grants are re-read.
    apps: Option<AppHost>,
}

fn lock_state(state: &Mutex<State>) -> MutexGuard<'_, State> {
    state
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

fn report(reply: &Reply<Answer>) {
    let mut out = std::io::stdout().lock();
    let _ = serde_json::to_writer(&mut out, reply);
    let _ = out.write_all(b"\n");
    let _ = out.flush();
}

fn read_password() -> Result<Zeroizing<String>> {
    let mut buf = Zeroizing::new(String::new());
    std::io::stdin()
        .lock()
        .take(4096)
        .read_line(&mut buf)
        .map_err(Error::io(t!(cat(), "cli-agent-password-unreadable")))?;
    let trimmed = Zeroizing::new(buf.trim_end_matches(['\n', '\r']).to_string());
    if trimmed.is_empty() {
        return Err(Error::invalid(t!(cat(), "cli-agent-password-empty")));
    }
    Ok(trimmed)
}

fn bind(path: &Path) -> Result<UnixListener> {
    if path.exists() {
        if UnixStream::connect(path).is_ok() {
            return Err(Error::invalid(t!(cat(), "cli-agent-already-running")));
        }
        std::fs::remove_file(path).map_err(Error::io(t!(cat(), "cli-agent-stale-socket")))?;
    }
    let listener = UnixListener::bind(path)
        .map_err(Error::io(format!("cannot listen on {}", path.display())))?;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600))
        .map_err(Error::io(t!(cat(), "cli-agent-socket-mode")))?;
    Ok(listener)
}

fn detach() {
    let _ = rustix::process::setsid();
    if let Ok(null) = std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .open("/dev/null")
    {
        let _ = rustix::stdio::dup2_stdin(&null);
        let _ = rustix::stdio::dup2_stdout(&null);
        let _ = rustix::stdio::dup2_stderr(&null);
    }
}

/// Entry point of `kapsel agent`. Reports the unlock result as one JSON line on stdout, then
/// detaches and serves until locked. Returns the process exit code.
pub fn run_agent(root: &Path, idle_cap: Option<Duration>, accept_new_binary: bool) -> i32 {
    harden_process();
    let setup = || -> Result<(Container, UnixListener, PathBuf, Duration)> {
        let container = Container::open(root)?;
        container.check_integrity(
            accept_new_binary,
            kapsel_core::integrity::Stage::BeforePassword,
        )?;
        let password = read_password()?;
        let path = super::socket_path(root)?;
        if UnixStream::connect(&path).is_ok() {
            return Err(Error::invalid(t!(cat(), "cli-agent-already-running")));
        }
        // The tenant first: a locked or wiped device, or one past its offline grace
        // period, never sees the password tried.
        let (mut container, _) = kapsel_device::device::check(container)?;
        container.unlock(&password, accept_new_binary)?;
        // A newer policy or a key rollover fetched just now needs the keys to install; a
        // refusal is audited by the update path and does not stop the unlock.
        let _ = kapsel_device::device::after_unlock(&mut container);
        // With the keys, the sealed standing speaks too: an edit of the plaintext table
        // made before this unlock does not open the container.
        kapsel_device::device::recheck_unlocked(&mut container)?;
        let listener = bind(&path)?;
        let policy_idle = Duration::from_secs(u64::from(container.policy().lock.idle_minutes) * 60);
        let idle = idle_cap.map_or(policy_idle, |cap| cap.min(policy_idle));
        Ok((container, listener, path, idle))
    };
    let (container, listener, path, idle) = match setup() {
        Ok(x) => x,
        Err(e) => {
            let code = crate::exit::code(&e);
            report(&Reply::from_result(Err(e)));
            return code;
        }
    };
    let status = container.status().map(|s| {
        Answer::Status(Box::new(AgentStatus {
            container: s,
            idle_lock_seconds: idle.as_secs(),
            agent_pid: std::process::id(),
            device: kapsel_device::device::report(&container).ok().flatten(),
        }))
    });
    report(&Reply::from_result(status));
    detach();
    serve(container, listener, path, idle)
}

/// Ask the tenant on the policy's timer (`[management] check_minutes`), whenever a sync is
/// requested and after every round of the background mail sync; a refusal locks the
/// session, a wipe destroys the container and ends it.
fn watch_tenant(agent: &Arc<Agent>) {
    let (rules, mail_status) = {
        let s = agent.state.lock().unwrap_or_else(|p| p.into_inner());
        (
            s.container.policy().management.clone(),
            Arc::clone(&s.mail.status),
        )
    };
    let Some(rules) = rules else {
        return;
    };
    let interval = contact_interval(&rules);
    let agent = Arc::clone(agent);
    let last_round = move || {
        mail_status
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .last_sync_ms
    };
    std::thread::spawn(move || {
        let mut last = Instant::now();
        let mut seen_round = last_round();
        loop {
            std::thread::sleep(Duration::from_millis(500));
            // The background worker finished a sync round since the last look: ask too.
            let round = last_round();
            let new_round = round != seen_round;
            seen_round = round;
            let due = agent.contact_now.swap(false, Ordering::SeqCst)
                || new_round
                || last.elapsed() >= interval;
            if !due || agent.locking.load(Ordering::SeqCst) {
                continue;
            }
            last = Instant::now();
            // The network round runs without the session: everyone else is answered
            // meanwhile.
            let policy = {
                let s = agent.state.lock().unwrap_or_else(|p| p.into_inner());
                s.container.policy().clone()
            };
            let fetched = kapsel_device::device::fetch(&policy);
            if agent.locking.load(Ordering::SeqCst) {
                continue;
            }
            let mut s = agent.state.lock().unwrap_or_else(|p| p.into_inner());
            let decision = kapsel_device::device::decide_with(&s.container, fetched);
            let before = (s.container.policy().serial, *s.container.tenant_key());
            let _ = kapsel_device::device::after_unlock(&mut s.container);
            if before != (s.container.policy().serial, *s.container.tenant_key()) {
                let _ = policy_changed(&mut s);
            }
            match decision {
                Ok(kapsel_device::device::Decision::Open(_)) | Err(_) => {}
                Ok(kapsel_device::device::Decision::Refuse(_)) => {
                    drop(s);
                    agent.lock_now("tenant");
                }
                Ok(kapsel_device::device::Decision::Wipe(w)) => {
                    let _ = kapsel_device::device::wipe(&mut s.container, &w);
                    drop(s);
                    agent.lock_now("wiped by the tenant");
                }
            }
        }
    });
}

/// A new policy is in force: apps restart under its grants, and the mail and groupware
/// workers (which run on the old policy's servers and bounds) are replaced.
fn policy_changed(state: &mut State) -> Result<()> {
    state.apps = None;
    if let Err(e) = kapsel_mail::service::start_background(&state.container, &state.mail) {
        audit::append(
            state.container.vault(),
            "mail-worker-failed",
            serde_json::json!({ "error": e.to_string() }),
        )?;
    }
    state.groupware.retire();
    if let Err(e) = kapsel_calendar::start_background(&state.container, &state.groupware) {
        audit::append(
            state.container.vault(),
            "groupware-worker-failed",
            serde_json::json!({ "error": e.to_string() }),
        )?;
    }
    Ok(())
}

/// The policy's interval; debug builds let tests shorten it (`KAPSEL_DEBUG_CONTACT_SECONDS`).
fn contact_interval(rules: &kapsel_core::policy::Management) -> Duration {
    let policy = Duration::from_secs(u64::from(rules.check_minutes) * 60);
    #[cfg(debug_assertions)]
    if let Some(s) = std::env::var("KAPSEL_DEBUG_CONTACT_SECONDS")
        .ok()
        .and_then(|v| v.parse::<u64>().ok())
    {
        return Duration::from_secs(s.max(1));
    }
    policy
}

/// What every connection thread shares.
struct Agent {
    state: Mutex<State>,
    path: PathBuf,
    root: PathBuf,
    idle: Duration,
    /// Milliseconds since `epoch` of the last request that counts as use; outside the state
    /// mutex so the idle timer and a lock never wait for a running request.
    last_use: AtomicU64,
    epoch: Instant,
    /// Set the moment a lock begins: requests that arrive afterwards are refused.
    locking: AtomicBool,
    subscribers: Mutex<Vec<UnixStream>>,
    connections: AtomicUsize,
    /// Set by a requested sync: the tenant is asked with every sync round.
    contact_now: AtomicBool,
}

/// Connections served at once; more wait in the listen queue's place with a clear refusal.
const MAX_CONNECTIONS: usize = 64;
/// How long a lock waits for a running request to let go of the container before it ends
/// the process anyway (the keys live only in this process's memory).
const LOCK_GRACE: Duration = Duration::from_millis(40);
/// Written when a lock could not wait for a running request; the next unlock records it in
/// the audit log (the log needs the keys, which are gone by then).
const FORCED_LOCK_MARK: &str = "forced-lock.json";

impl Agent {
    fn touch(&self) {
        let now = self.epoch.elapsed().as_millis() as u64;
        self.last_use.store(now, Ordering::Relaxed);
    }

    fn idle_for(&self) -> Duration {
        let now = self.epoch.elapsed().as_millis() as u64;
        Duration::from_millis(now.saturating_sub(self.last_use.load(Ordering::Relaxed)))
    }

    /// Write one event line to every subscriber; a subscriber that cannot take it within
    /// the write timeout is dropped (it missed events and must resubscribe).
    fn publish(&self, event: &Event) {
        let mut line = serde_json::to_vec(&EventLine {
            event: event.clone(),
        })
        .unwrap_or_default();
        line.push(b'\n');
        let mut subs = self.subscribers.lock().unwrap_or_else(|p| p.into_inner());
        subs.retain(|mut s| s.write_all(&line).is_ok());
    }

    /// Lock now: tell the subscribers, wipe the keys, remove the socket, exit. Never waits
    /// more than `LOCK_GRACE` — not for a request that holds the container, not for SQLite
    /// busy with a sync's batch: the process ends with them (the vault is crash-safe) and
    /// the audit entry is written at the next unlock.
    fn lock_now(self: &Arc<Self>, reason: &str) -> ! {
        self.locking.store(true, Ordering::SeqCst);
        self.publish(&Event::Locked {
            reason: reason.to_string(),
        });
        // The orderly lock writes the audit entry, and SQLite may be busy with a sync's
        // batch: it gets `LOCK_GRACE`, then the process ends anyway.
        let (done_tx, done_rx) = std::sync::mpsc::channel();
        let agent = Arc::clone(self);
        let why = reason.to_string();
        std::thread::spawn(move || {
            lock_state(&agent.state).container.lock(&why);
            let _ = done_tx.send(());
        });
        if done_rx.recv_timeout(LOCK_GRACE).is_err() {
            let mark = serde_json::json!({
                "reason": reason,
                "ts_ms": kapsel_core::vault::now_ms(),
                "during_request": true,
            });
            let _ = std::fs::write(
                self.root.join(RUN_DIR).join(FORCED_LOCK_MARK),
                mark.to_string(),
            );
        }
        let _ = std::fs::remove_file(&self.path);
        std::process::exit(0)
    }
}

/// A lock that had to end a running request left a mark; record it now that the audit log
/// can be written again.
fn record_forced_lock(container: &Container) {
    let mark = container.root().join(RUN_DIR).join(FORCED_LOCK_MARK);
    let Ok(text) = std::fs::read_to_string(&mark) else {
        return;
    };
    let detail = serde_json::from_str::<serde_json::Value>(&text)
        .unwrap_or_else(|_| serde_json::json!({ "reason": "unknown" }));
    if audit::append(container.vault(), "lock", detail).is_ok() {
        let _ = std::fs::remove_file(&mark);
    }
}

/// A long request's progress: to its client, and to every subscriber.
fn report_progress(agent: &Agent, stream: &UnixStream, p: &kapsel_mail::sync::Progress) {
    write_line(
        stream,
        &ProgressLine {
            progress: p.clone(),
        },
    );
    agent.publish(&Event::Sync {
        progress: p.clone(),
    });
}

fn write_line(mut stream: &UnixStream, value: &impl serde::Serialize) {
    let mut out = serde_json::to_vec(value).unwrap_or_default();
    out.push(b'\n');
    let _ = stream.write_all(&out);
}

fn serve(container: Container, listener: UnixListener, path: PathBuf, idle: Duration) -> i32 {
    super::crash::install_hook(container.root());
    record_forced_lock(&container);
    let mail = kapsel_mail::service::Shared::default();
    if let Err(e) = kapsel_mail::service::start_background(&container, &mail) {
        let _ = audit::append(
            container.vault(),
            "mail-worker-failed",
            serde_json::json!({ "error": e.to_string() }),
        );
    }
    let groupware = kapsel_calendar::Shared::default();
    if let Err(e) = kapsel_calendar::start_background(&container, &groupware) {
        let _ = audit::append(
            container.vault(),
            "groupware-worker-failed",
            serde_json::json!({ "error": e.to_string() }),
        );
    }
    let root = container.root().to_path_buf();
    let agent = Arc::new(Agent {
        state: Mutex::new(State {
            container,
            mail,
            groupware,
            apps: None,
        }),
        path,
        root,
        idle,
        last_use: AtomicU64::new(0),
        epoch: Instant::now(),
        locking: AtomicBool::new(false),
        subscribers: Mutex::new(Vec::new()),
        connections: AtomicUsize::new(0),
        contact_now: AtomicBool::new(false),
    });
    {
        let agent = Arc::clone(&agent);
        kapsel_core::notifications::watch(move |n| {
            agent.publish(&Event::Notification {
                notification: n.clone(),
            })
        });
    }
    {
        let agent = Arc::clone(&agent);
        std::thread::spawn(move || {
            let tick = (agent.idle / 4).clamp(Duration::from_millis(100), Duration::from_secs(5));
            loop {
                std::thread::sleep(tick);
                if agent.idle_for() >= agent.idle {
                    agent.lock_now("idle");
                }
                // The socket or the container vanished (wiped, or removed by hand): lock.
                if !agent.path.exists() {
                    agent.lock_now("socket removed");
                }
            }
        });
    }
    watch_tenant(&agent);
    {
        let agent = Arc::clone(&agent);
        std::thread::spawn(move || prepare_apps(&agent));
    }
    let me = rustix::process::geteuid().as_raw();
    let peers = Arc::new(Mutex::new(super::peer::PeerBinaries::new()));
    for stream in listener.incoming() {
        let Ok(stream) = stream else { continue };
        let pid = match rustix::net::sockopt::socket_peercred(&stream) {
            Ok(cred) if cred.uid.as_raw() == me => cred.pid.as_raw_nonzero().get(),
            // Another user must not even learn that the session exists.
            _ => continue,
        };
        if agent.connections.fetch_add(1, Ordering::SeqCst) >= MAX_CONNECTIONS {
            agent.connections.fetch_sub(1, Ordering::SeqCst);
            write_line(
                &stream,
                &Reply::from_result(Err(Error::Agent(t!(cat(), "cli-agent-too-many-clients")))),
            );
            continue;
        }
        let agent = Arc::clone(&agent);
        let peers = Arc::clone(&peers);
        std::thread::spawn(move || {
            connection(&agent, &peers, &stream, pid);
            agent.connections.fetch_sub(1, Ordering::SeqCst);
        });
    }
    0
}

/// One client: read its request line, answer it. Requests wait for each other on the
/// container, except a lock (served at once) and a subscription (which only waits for the
/// peer check).
fn connection(
    agent: &Arc<Agent>,
    peers: &Mutex<super::peer::PeerBinaries>,
    stream: &UnixStream,
    pid: i32,
) {
    let _ = stream.set_read_timeout(Some(Duration::from_secs(10)));
    let mut reader = BufReader::new(stream.take(MAX_REQUEST));
    let mut line = String::new();
    if reader.read_line(&mut line).is_err() {
        return;
    }
    let request = match serde_json::from_str::<Request>(&line) {
        Ok(r) => r,
        Err(e) => {
            let e = Error::invalid(format!("malformed request: {e}"));
            return write_line(stream, &Reply::from_result(Err(e)));
        }
    };
    if let Request::Lock = request {
        write_line(stream, &Reply::Ok(Answer::Locked(Locked { locked: true })));
        agent.lock_now("user");
    }
    let mut s = lock_state(&agent.state);
    if agent.locking.load(Ordering::SeqCst) {
        return write_line(stream, &Reply::<Answer>::from_result(Err(Error::Locked)));
    }
    let checked = peers
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .check(&s.container, pid);
    if let Err(e) = checked {
        return write_line(stream, &Reply::from_result(Err(e)));
    }
    if let Request::Subscribe = request {
        drop(s);
        let _ = stream.set_write_timeout(Some(Duration::from_millis(200)));
        write_line(stream, &Reply::Ok(Answer::Text("subscribed".into())));
        if let Ok(copy) = stream.try_clone() {
            agent
                .subscribers
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .push(copy);
        }
        return;
    }
    agent.touch();
    let remaining = agent.idle.saturating_sub(agent.idle_for());
    // A mail sync fetches for minutes on a large mailbox: it runs on its own connection to
    // the vault, without the container, so every other client is answered meanwhile.
    let request = match request {
        Request::Mail {
            request: kapsel_mail::service::MailRequest::Sync { folders },
        } => {
            agent.contact_now.store(true, Ordering::SeqCst);
            let prepared =
                kapsel_mail::service::DetachedSync::prepare(&s.container, &s.mail, folders);
            drop(s);
            let mut progress = |p: &kapsel_mail::sync::Progress| report_progress(agent, stream, p);
            let result = prepared
                .and_then(|sync| sync.run(&mut progress))
                .map(|answer| Answer::Mail(Box::new(answer)));
            agent.touch();
            return write_line(stream, &Reply::from_result(result));
        }
        other => other,
    };
    let mut progress = |p: &kapsel_mail::sync::Progress| report_progress(agent, stream, p);
    // A panic while serving one request ends that request with an error (the hook has
    // recorded it), not the session; the app host, which may have been in the middle of a
    // call, is rebuilt on the next app request.
    let served = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        handle(&mut s, request, remaining, &mut progress)
    }));
    let result = served.unwrap_or_else(|_| {
        s.container.vault().after_panic();
        s.apps = None;
        Err(Error::Agent(t!(cat(), "cli-agent-internal-error")))
    });
    drop(s);
    // A request that ran long still counts as use when it ends.
    agent.touch();
    write_line(stream, &Reply::from_result(result));
}

/// Right after unlock: load every installed app into the host's warm cache, so the first
/// launch the user sees is a warm one. One app per turn of the container lock, so a request
/// that arrives meanwhile waits for at most one app. A failure here (a revoked grant, a
/// damaged artifact) is left for the user's own launch to report.
fn prepare_apps(agent: &Agent) {
    let ids = {
        let s = lock_state(&agent.state);
        match kapsel_host::installed_ids(s.container.vault()) {
            // No apps: no engine either (it reserves its pool of address space).
            Ok(ids) if !ids.is_empty() => ids,
            _ => return,
        }
    };
    for id in ids {
        let mut s = lock_state(&agent.state);
        if let Ok(host) = app_host(&mut s) {
            let _ = host.prepare(&id);
        }
    }
}

fn app_host(state: &mut State) -> Result<&mut AppHost> {
    if state.apps.is_none() {
        let c = &state.container;
        let credentials = match c.user()? {
            Some(user) => Some(Credentials {
                user,
                password: Zeroizing::new(c.password()?.to_string()),
            }),
            None => None,
        };
        state.apps = Some(AppHost::new(c.vault(), c.policy(), credentials)?);
    }
    state
        .apps
        .as_mut()
        .ok_or_else(|| Error::Agent(t!(cat(), "cli-agent-no-app-host")))
}

fn handle(
    state: &mut State,
    request: Request,
    idle_left: Duration,
    progress: &mut dyn FnMut(&kapsel_mail::sync::Progress),
) -> Result<Answer> {
    match request {
        Request::Mail { request } => Ok(Answer::Mail(Box::new(kapsel_mail::service::handle(
            &mut state.container,
            &state.mail,
            request,
            progress,
        )?))),
        Request::Directory { request } => Ok(Answer::Directory(Box::new(
            kapsel_directory::handle(&state.container, request)?,
        ))),
        Request::Groupware { request } => Ok(Answer::Groupware(Box::new(kapsel_calendar::handle(
            &mut state.container,
            request,
        )?))),
        Request::AppInstall { path } => {
            let bytes = kapsel_core::files::read_bounded(
                std::path::Path::new(&path),
                kapsel_host::MAX_PACKAGE as u64,
                "the package",
            )?;
            Ok(Answer::Installed(Box::new(
                app_host(state)?.install(&bytes)?,
            )))
        }
        Request::AppList => Ok(Answer::Apps(app_host(state)?.list()?)),
        Request::AppRemove { id } => {
            app_host(state)?.remove(&id)?;
            Ok(Answer::Removed(Removed { removed: id }))
        }
        Request::AppCall {
            id,
            route,
            action,
            form,
            document,
        } => {
            let call = match (route, action) {
                (_, Some(action)) => Call::Act { action, form },
                (route, None) => Call::View(route.unwrap_or_default()),
            };
            let host = app_host(state)?;
            let mut outcome = host.call(&id, &call, document.as_deref())?;
            outcome.opened = host.open_requested(&outcome);
            Ok(Answer::Outcome(Box::new(outcome)))
        }
        Request::AppLog { id } => Ok(Answer::Log(app_host(state)?.log(&id)?)),
        Request::DocImport { path, media_type } => {
            let file =
                std::fs::File::open(&path).map_err(Error::io(format!("cannot read {path}")))?;
            let media = media_type
                .unwrap_or_else(|| kapsel_core::documents::guess_media_type(&path).to_string());
            let vault = state.container.vault();
            let info = kapsel_core::documents::save(vault, &path, &media, "import", None, file)?;
            audit::append(
                vault,
                "document-imported",
                serde_json::json!({ "document": info.id, "size": info.size }),
            )?;
            Ok(Answer::Document(info))
        }
        Request::DocList => Ok(Answer::Documents(kapsel_core::documents::list(
            state.container.vault(),
        )?)),
        Request::CredentialSet { origin, token } => {
            let key = kapsel_core::net::origin::Origin::parse(&origin)
                .map_err(|e| Error::invalid(e.to_string()))?
                .key()
                .ok_or_else(|| Error::invalid(t!(cat(), "cli-agent-token-wildcard")))?;
            let vault = state.container.vault();
            let stored = match &token {
                Some(t) => {
                    vault.put("credentials", &key, t.as_bytes())?;
                    true
                }
                None => vault.delete("credentials", &key)?,
            };
            audit::append(
                vault,
                if token.is_some() {
                    "credential-stored"
                } else {
                    "credential-removed"
                },
                serde_json::json!({ "origin": key }),
            )?;
            state.apps = None;
            Ok(Answer::CredentialChanged(CredentialChanged {
                origin: key,
                changed: stored,
            }))
        }
        Request::CredentialList => Ok(Answer::Origins(
            state.container.vault().keys_in("credentials")?,
        )),
        Request::Notifications => {
            let notifications = kapsel_core::notifications::list(state.container.vault())?;
            Ok(Answer::Notifications(Notifications {
                count: notifications.len(),
                notifications,
            }))
        }
        Request::PolicyUpdate { text } => {
            let kind = state.container.update_policy(&text)?;
            policy_changed(state)?;
            Ok(Answer::PolicyUpdated(PolicyUpdated {
                updated: kind == kapsel_core::policy::UpdateKind::Newer,
                serial: state.container.policy().serial,
            }))
        }
        other => handle_container(&mut state.container, other, idle_left),
    }
}

fn handle_container(
    container: &mut Container,
    request: Request,
    idle_left: Duration,
) -> Result<Answer> {
    match request {
        Request::Ping => Ok(Answer::Text("pong".into())),
        #[cfg(debug_assertions)]
        Request::DebugPanic => panic!("a panic requested by a debug-build test"),
        #[cfg(debug_assertions)]
        Request::DebugHold { ms } => {
            std::thread::sleep(Duration::from_millis(ms.min(60_000)));
            Ok(Answer::Text("held".into()))
        }
        Request::Status => Ok(Answer::Status(Box::new(AgentStatus {
            container: container.status()?,
            idle_lock_seconds: idle_left.as_secs(),
            agent_pid: std::process::id(),
            device: kapsel_device::device::report(container)?,
        }))),
        Request::AuditLog { limit, verify } => {
            let entries = audit::entries(container.vault(), limit)?;
            let verification = if verify {
                Some(audit::verify(container.vault())?)
            } else {
                None
            };
            Ok(Answer::AuditLog(AuditLog {
                entries,
                verification,
            }))
        }
        // Served by `handle` (they need the app host or the mail worker) or by the
        // connection loop (lock).
        Request::Lock
        | Request::Subscribe
        | Request::PolicyUpdate { .. }
        | Request::AppInstall { .. }
        | Request::AppList
        | Request::AppRemove { .. }
        | Request::AppCall { .. }
        | Request::AppLog { .. }
        | Request::DocImport { .. }
        | Request::DocList
        | Request::Notifications
        | Request::CredentialSet { .. }
        | Request::CredentialList
        | Request::Mail { .. }
        | Request::Directory { .. }
        | Request::Groupware { .. } => Err(Error::Agent(t!(cat(), "cli-agent-misrouted"))),
    }
}
