//! The `kapsel` command line: parses arguments, reads passwords, talks to the container
//! (directly while locked, through the session agent while unlocked) and prints text or
//! JSON. No business logic lives here.

mod app_new;
mod apps;
mod audit;
mod directory;
mod groupware;
mod help;
mod mail;
mod password;
mod render;
pub mod tenant;
mod tenant_devices;
mod usage_error;

use std::path::{Path, PathBuf};
use std::time::Duration;

use clap::{Args, FromArgMatches, Parser, Subcommand};

use crate::session::protocol::{AgentStatus, AuditLog, Locked, PolicyUpdated};
use crate::session::{self, Request};
use kapsel_core::container::{self, Container};
use kapsel_core::error::{Error, Result};
use kapsel_core::integrity::Stage;
use kapsel_i18n::t;

/// The catalogue of this process, in the language [`language`] chose.
pub(crate) fn cat() -> &'static kapsel_i18n::Catalog {
    kapsel_i18n::current()
}

/// A warning on stderr, one line, in the user's language.
pub(crate) fn warn(message: &str) {
    eprintln!(
        "{}",
        t!(
            cat(),
            "cli-warning",
            message = kapsel_core::terminal::line(message)
        )
    );
}

#[derive(Parser, Debug)]
#[command(name = "kapsel", version, about = "Kapsel — the secure work container", long_about = None)]
pub struct Cli {
    /// The container folder (default: $XDG_DATA_HOME/kapsel or ~/.local/share/kapsel).
    #[arg(long, global = true, env = "KAPSEL_CONTAINER", value_name = "DIR")]
    pub container: Option<PathBuf>,
    /// Print data as JSON.
    #[arg(long, global = true)]
    pub json: bool,
    /// Without a command, the full-screen shell opens.
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Args, Debug, Clone, Copy)]
pub struct PasswordArgs {
    /// Read the password(s) from standard input, one per line, instead of the terminal.
    #[arg(long)]
    pub password_stdin: bool,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Create the container for a tenant: pins the tenant key, installs its signed policy.
    Enroll {
        /// The tenant's signed policy file.
        #[arg(long, value_name = "FILE")]
        policy: PathBuf,
        /// The tenant's public key (`ed25519:...`) or a file holding it, received out of band.
        #[arg(long, value_name = "KEY|FILE")]
        tenant_key: String,
        /// Your directory login (e.g. `alice@agency.example`): used to sign in to the tenant's
        /// servers; kept sealed.
        #[arg(long, value_name = "LOGIN")]
        user: Option<String>,
        /// Folder with the built-in app packages to preinstall (default: `apps/builtin`
        /// beside the binary's folder, or $KAPSEL_APPS_DIR).
        #[arg(long, value_name = "DIR", env = "KAPSEL_APPS_DIR")]
        apps: Option<PathBuf>,
        #[command(flatten)]
        pw: PasswordArgs,
    },
    /// Unlock with your directory password; starts the session agent.
    Unlock {
        #[command(flatten)]
        pw: PasswordArgs,
        /// Accept (and pin) a changed kapsel binary after a legitimate update.
        #[arg(long)]
        accept_new_binary: bool,
        /// Lock after this many idle seconds if that is sooner than the tenant's idle lock.
        #[arg(long, value_name = "SECONDS")]
        idle_seconds: Option<u64>,
    },
    /// Lock now: the session agent wipes the keys and exits.
    Lock,
    /// Change the container password (only the key wrap changes).
    Passwd {
        #[command(flatten)]
        pw: PasswordArgs,
    },
    /// Show the container's state.
    Status,
    /// Destroy the container and everything in it.
    Wipe {
        /// Confirm: without it nothing is deleted.
        #[arg(long)]
        yes: bool,
    },
    /// Show the audit log (needs an unlocked container).
    AuditLog {
        /// Check the hash chain and MACs of every entry.
        #[arg(long)]
        verify: bool,
        /// How many of the newest entries to show.
        #[arg(long, default_value_t = 50)]
        limit: usize,
    },
    /// The tenant policy of this container.
    #[command(subcommand)]
    Policy(PolicyCommand),
    /// Tenant admin tools: keys, policy signing, devices and publishing.
    #[command(subcommand)]
    Tenant(TenantCommand),
    /// Micro-apps: package, sign, install, open.
    #[command(subcommand)]
    App(AppCommand),
    /// For the security reviewer: what an app package may do, or what a tenant policy allows.
    Audit {
        /// The app package (.kapp) to review.
        package: Option<PathBuf>,
        /// Judge against this tenant policy file (default: the container's installed policy);
        /// without a package, review the policy itself.
        #[arg(long, value_name = "FILE")]
        policy: Option<PathBuf>,
        /// Compare two versions of an app (OLD NEW): added and removed capabilities, origins and
        /// imports, and what the new one gets under the policy
        #[arg(long, num_args = 2, value_names = ["OLD", "NEW"], conflicts_with = "package")]
        diff: Option<Vec<PathBuf>>,
    },
    /// Documents inside the container.
    #[command(subcommand)]
    Doc(DocCommand),
    /// Notifications from apps and new mail (a bare count while locked).
    Notifications,
    /// Mail: folders, reading, search, writing, attachments, shared mailboxes, out-of-office.
    #[command(subcommand)]
    Mail(mail::MailCommand),
    /// The agency directory: look people up (online only, nothing is kept).
    #[command(subcommand)]
    Dir(directory::DirCommand),
    /// Calendar: today, this week, the next appointment; add, change, remove events.
    #[command(subcommand)]
    Cal(groupware::CalCommand),
    /// Tasks: open and overdue; add, change, mark done.
    Tasks {
        #[command(subcommand)]
        cmd: Option<groupware::TasksCommand>,
    },
    /// Personal contacts (CardDAV): list, search, add, change, remove.
    #[command(subcommand)]
    Contacts(groupware::ContactsCommand),
    /// Sync mail, calendars, tasks and contacts: now, status, your schedule.
    #[command(subcommand)]
    Sync(mail::SyncCommand),
    /// Bearer tokens the host adds for origins the tenant marks `bearer` (apps never see them).
    #[command(subcommand)]
    Credential(CredentialCommand),
    /// Benchmarks that print ratios against a baseline measured in the same run.
    Bench {
        /// What to measure.
        #[arg(value_enum)]
        target: crate::bench::Target,
        /// Fewer iterations (a smoke run, numbers are noisier).
        #[arg(long)]
        quick: bool,
        /// Folder with the benchmark components (kapsel_hello.wasm, bench_bulk.wasm), as
        /// written by scripts/build-apps.
        #[arg(long, value_name = "DIR", default_value = "target/apps")]
        components: PathBuf,
    },
    /// The session agent (started by `kapsel unlock`; not for direct use).
    #[command(hide = true)]
    Agent {
        #[arg(long)]
        idle_seconds: Option<u64>,
        #[arg(long)]
        accept_new_binary: bool,
    },
}

#[derive(Subcommand, Debug)]
pub enum PolicyCommand {
    /// Install a newer policy signed by the pinned tenant key.
    Update { file: PathBuf },
    /// Print the installed policy.
    Show,
}

#[derive(Subcommand, Debug)]
pub enum AppCommand {
    /// Start an app: NAME/ with Cargo.toml, src/lib.rs, manifest.toml, a matching policy.toml
    /// and a development publisher key; the SDK comes along unless --sdk names one.
    New {
        name: String,
        /// Use this SDK folder (a copy of the repository's sdk/) instead of the bundled one.
        #[arg(long, value_name = "DIR")]
        sdk: Option<PathBuf>,
    },
    /// Create a publisher signing key pair: PREFIX.key (secret, 0600) and PREFIX.pub.
    Keygen {
        #[arg(long, value_name = "PREFIX")]
        out: PathBuf,
    },
    /// Build a package from a manifest and a component (signed when --key is given).
    Package {
        #[arg(long, value_name = "FILE", default_value = "manifest.toml")]
        manifest: PathBuf,
        /// The app's compiled component (.wasm; default: the release build of the Cargo project
        /// here, in $CARGO_TARGET_DIR or target/)
        #[arg(long, value_name = "FILE")]
        component: Option<PathBuf>,
        #[arg(long, value_name = "FILE")]
        out: PathBuf,
        #[arg(long, value_name = "FILE")]
        key: Option<PathBuf>,
    },
    /// Sign a package with the publisher's secret key (in place).
    Sign {
        #[arg(long, value_name = "FILE")]
        key: PathBuf,
        package: PathBuf,
    },
    /// Install (or update) a package the tenant's policy allows.
    Install { package: PathBuf },
    /// Installed apps and their effective grants.
    List,
    /// Remove an app and all its data.
    Remove { id: String },
    /// Show an app's view.
    Open {
        id: String,
        #[arg(default_value = "")]
        route: String,
        /// Hand a document (by id) to the app.
        #[arg(long, value_name = "ID")]
        doc: Option<String>,
    },
    /// Perform an action in an app.
    Act {
        id: String,
        action: String,
        /// A form value, `name=value` (repeatable).
        #[arg(long = "field", value_name = "NAME=VALUE")]
        fields: Vec<String>,
        #[arg(long, value_name = "ID")]
        doc: Option<String>,
    },
    /// The app's log (its log lines and captured output).
    Log { id: String },
}

#[derive(Subcommand, Debug)]
pub enum CredentialCommand {
    /// Store a token for an origin, read from standard input (never from the arguments).
    Set { origin: String },
    /// Forget the token of an origin.
    Remove { origin: String },
    /// Origins with a stored token (the tokens are never shown).
    List,
}

#[derive(Subcommand, Debug)]
pub enum DocCommand {
    /// Copy a file from the device into the container (there is no way back out).
    Import {
        file: PathBuf,
        #[arg(long, value_name = "TYPE")]
        media_type: Option<String>,
    },
    /// Documents in the container.
    List,
}

#[derive(Subcommand, Debug)]
pub enum TenantCommand {
    /// Create a tenant signing key pair: PREFIX.key (secret, 0600) and PREFIX.pub.
    Keygen {
        #[arg(long, value_name = "PREFIX")]
        out: PathBuf,
    },
    /// Sign a policy; writes the signed policy to --out or standard output.
    Sign {
        #[arg(long, value_name = "FILE")]
        key: PathBuf,
        policy: PathBuf,
        #[arg(long, value_name = "FILE")]
        out: Option<PathBuf>,
    },
    /// Verify a signed policy against a tenant public key.
    Verify {
        policy: PathBuf,
        #[arg(long, value_name = "KEY|FILE")]
        key: String,
    },
    /// Devices: approve enrolment requests, lock, wipe, activate, list (the admin's registry).
    #[command(subcommand)]
    Device(tenant_devices::DeviceCommand),
    /// Write the signed policy, device list and freshness document into the folder a web server publishes.
    Publish(tenant_devices::PublishArgs),
    /// Write a key rollover: the old tenant key names the new one.
    Rollover(tenant_devices::RolloverArgs),
    /// Record wipe receipts from a receipt file, a receipt URL or a web server access log.
    Receipt(tenant_devices::ReceiptArgs),
}

/// Run the CLI; returns the process exit code.
pub fn main() -> i32 {
    // Whatever kapsel creates is private to the user, whatever the caller's umask.
    rustix::process::umask(rustix::fs::Mode::from_raw_mode(0o077));
    crate::session::harden_process();
    // The language comes first, so that even `--help` speaks it; the container (for the
    // tenant's default language) is looked up the way clap will find it.
    kapsel_i18n::init(language(&root_before_parsing()));
    let matches = match help::command(cat()).try_get_matches() {
        Ok(m) => m,
        Err(e) => usage_error::exit(e),
    };
    let cli = match Cli::from_arg_matches(&matches) {
        Ok(cli) => cli,
        Err(e) => usage_error::exit(e),
    };
    let json = cli.json;
    match run(cli) {
        Ok(()) => 0,
        Err(e) => {
            if json && !matches!(e, Error::Reported { .. }) {
                println!(
                    "{}",
                    serde_json::json!({ "error": { "kind": e.kind(), "message": e.to_string() } })
                );
            }
            eprintln!(
                "{}",
                t!(
                    cat(),
                    "cli-error-line",
                    message = kapsel_core::terminal::block(&e.to_string())
                )
            );
            crate::exit::code(&e)
        }
    }
}

/// The language of everything this process says: the user's locale if Kapsel speaks it,
/// else the tenant's `[tenant] language` from the installed policy, else English. The
/// session agent inherits the locale of whoever unlocked, so its messages match.
fn language(root: &Path) -> kapsel_i18n::Lang {
    if let Some(lang) = kapsel_i18n::Lang::from_env() {
        return lang;
    }
    let tenant = Container::open(root)
        .ok()
        .and_then(|c| c.policy().tenant.language.clone());
    kapsel_i18n::Lang::choose(tenant.as_deref())
}

/// Tell the user, once, that the session agent crashed since the last command.
fn report_crash(c: &Container) {
    if let Some(r) = session::crash::take(c) {
        let place = match r.message {
            Some(m) => format!("{}: {m}", r.location),
            None => r.location.clone(),
        };
        eprintln!(
            "{}",
            t!(
                cat(),
                "cli-agent-crashed",
                time = render::format_ts(r.ts_ms),
                place = place
            )
        );
    }
}

/// `--container DIR` / `--container=DIR`, else `$KAPSEL_CONTAINER`, else the default: what
/// clap will make of the arguments, read before clap runs.
fn root_before_parsing() -> PathBuf {
    let mut args = std::env::args_os().skip(1);
    while let Some(a) = args.next() {
        if a == "--container" {
            if let Some(dir) = args.next() {
                return PathBuf::from(dir);
            }
        } else if let Some(dir) = a.to_str().and_then(|s| s.strip_prefix("--container=")) {
            return PathBuf::from(dir);
        } else if a == "--" {
            break;
        }
    }
    std::env::var_os("KAPSEL_CONTAINER")
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
        .unwrap_or_else(container::default_dir)
}

fn root_of(cli: &Cli) -> PathBuf {
    cli.container.clone().unwrap_or_else(container::default_dir)
}

/// Open the container and run the start-up checks; warnings go to stderr.
pub(crate) fn open_checked(root: &Path) -> Result<Container> {
    open_checked_at(root, Stage::Command)
}

fn open_checked_at(root: &Path, stage: Stage) -> Result<Container> {
    let c = Container::open(root)?;
    report_crash(&c);
    // With a session running, the agent checks this process's executable (session::peer)
    // before it serves anything; without one, nothing decrypted is reachable and the
    // command checks itself.
    let agent_checks_binary = stage == Stage::Command && session::is_running(root);
    for f in c.check_integrity(agent_checks_binary, stage)? {
        warn(&f.message);
    }
    Ok(c)
}

/// `kapsel` without a command: the full-screen shell, in the user's language (else the
/// tenant's), after the same checks as `kapsel unlock` makes before the password.
fn shell(root: &Path) -> Result<()> {
    let c = Container::open(root)?;
    report_crash(&c);
    for f in c.check_integrity(false, Stage::BeforePassword)? {
        warn(&f.message);
    }
    let lang = kapsel_i18n::current().lang();
    drop(c);
    let color = std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty());
    kapsel_shell::run(root, kapsel_i18n::Catalog::new(lang), color)
}

fn run(cli: Cli) -> Result<()> {
    let root = root_of(&cli);
    let out = render::Out { json: cli.json };
    let Some(command) = cli.command else {
        return shell(&root);
    };
    match command {
        Command::Enroll {
            policy,
            tenant_key,
            user,
            apps,
            pw,
        } => {
            if let Some(u) = &user
                && (u.is_empty() || u.len() > 256 || u.chars().any(|c| c.is_control() || c == ':'))
            {
                return Err(Error::invalid(t!(
                    cat(),
                    "cli-not-a-login",
                    login = format!("{u:?}")
                )));
            }
            let key = tenant::public_key_arg(&tenant_key)?;
            let text = tenant::read_policy(&policy)?;
            let verified = kapsel_core::policy::verify(&text, Some(&key))?;
            let findings = kapsel_core::integrity::run(
                &kapsel_core::integrity::rules_for(
                    &verified.policy.integrity,
                    Stage::BeforePassword,
                ),
                &kapsel_core::integrity::Subject {
                    container: None,
                    pinned_binary: None,
                },
            );
            kapsel_core::integrity::enforce(&findings)?;
            if kapsel_core::vault::Vault::exists(&root) {
                return Err(Error::AlreadyEnrolled(root));
            }
            session::socket_path(&root)?;
            let mut reader = password::Reader::new(pw.password_stdin);
            let password = reader.read_new(&t!(cat(), "cli-prompt-password"))?;
            // All or nothing: a container whose enrolment or preinstall failed half-way is
            // removed again, so the next attempt starts clean.
            let installed = Container::enroll(&root, &text, &key, user.as_deref(), &password)
                .and_then(|()| preinstall(&root, &password, apps))
                .map_err(|e| undo_enrolment(&root, e))?;
            let (device_id, request) = Container::open(&root)
                .and_then(|c| kapsel_device::device::enrol(&c, user.as_deref()))
                .map_err(|e| undo_enrolment(&root, e))?;
            if !cli.json {
                println!(
                    "{}",
                    t!(
                        cat(),
                        "cli-enrol-request",
                        id = device_id.as_str(),
                        path = request.display().to_string()
                    )
                );
            }
            if !installed.is_empty() && !cli.json {
                println!(
                    "{}",
                    t!(cat(), "cli-preinstalled", apps = installed.join(", "))
                );
            }
            out.done(
                &t!(
                    cat(),
                    "cli-enrolled",
                    tenant = verified.policy.tenant.name.as_str(),
                    id = verified.policy.tenant.id.as_str(),
                    path = root.display().to_string()
                ),
                &serde_json::json!({ "enrolled": true, "container": root, "tenant": verified.policy.tenant.id }),
            );
            Ok(())
        }
        Command::Unlock {
            pw,
            accept_new_binary,
            idle_seconds,
        } => {
            let c = Container::open(&root)?;
            report_crash(&c);
            for f in c.check_integrity(accept_new_binary, Stage::BeforePassword)? {
                warn(&f.message);
            }
            drop(c);
            if session::is_running(&root) {
                return Err(Error::invalid(t!(cat(), "cli-already-unlocked")));
            }
            let mut reader = password::Reader::new(pw.password_stdin);
            let password = reader.read(&t!(cat(), "cli-prompt-password"))?;
            let status = session::start_agent(&root, &password, idle_seconds, accept_new_binary)?;
            out.show(&status, |a| render::status(&a.container, Some(a), None));
            Ok(())
        }
        Command::Lock => {
            let locked = Locked { locked: true };
            match session::ask::<Locked>(&root, &Request::Lock) {
                Ok(_) => {
                    session::wait_until_gone(&root, Duration::from_secs(10))?;
                    out.done(&t!(cat(), "cli-locked"), &locked)
                }
                Err(Error::Locked) => {
                    Container::open(&root)?;
                    out.done(&t!(cat(), "cli-already-locked"), &locked)
                }
                Err(e) => return Err(e),
            }
            Ok(())
        }
        Command::Passwd { pw } => {
            let mut c = open_checked_at(&root, Stage::BeforePassword)?;
            let mut reader = password::Reader::new(pw.password_stdin);
            let old = reader.read(&t!(cat(), "cli-prompt-current-password"))?;
            let new = reader.read_new(&t!(cat(), "cli-prompt-new-password"))?;
            c.change_password(&old, &new)?;
            out.done(
                &t!(cat(), "cli-password-changed"),
                &serde_json::json!({ "changed": true }),
            );
            Ok(())
        }
        Command::Status => {
            let c = open_checked(&root)?;
            match session::ask::<AgentStatus>(&root, &Request::Status) {
                Ok(a) => out.show(&a, |a| render::status(&a.container, Some(a), None)),
                Err(Error::Locked) => {
                    let device = kapsel_device::device::report(&c).ok().flatten();
                    out.show(&c.status()?, |s| render::status(s, None, device.as_ref()))
                }
                Err(e) => return Err(e),
            }
            Ok(())
        }
        Command::Wipe { yes } => {
            if !yes {
                return Err(Error::invalid(t!(cat(), "cli-wipe-confirm")));
            }
            if session::ask::<Locked>(&root, &Request::Lock).is_ok() {
                session::wait_until_gone(&root, Duration::from_secs(10))?;
            }
            Container::open(&root)?.wipe()?;
            out.done(
                &t!(cat(), "cli-wiped"),
                &serde_json::json!({ "wiped": true }),
            );
            Ok(())
        }
        Command::AuditLog { verify, limit } => {
            open_checked(&root)?;
            let v: AuditLog = session::ask(&root, &Request::AuditLog { limit, verify })?;
            out.show(&v, render::audit_log);
            if verify && !v.verification.as_ref().is_some_and(|ver| ver.ok) {
                return Err(Error::Reported {
                    message: t!(cat(), "cli-audit-log-altered"),
                    code: 8,
                });
            }
            Ok(())
        }
        Command::Policy(PolicyCommand::Update { file }) => {
            open_checked(&root)?;
            let text = tenant::read_policy(&file)?;
            let v: PolicyUpdated = session::ask(&root, &Request::PolicyUpdate { text })?;
            let msg = if v.updated {
                t!(cat(), "cli-policy-installed", serial = v.serial.to_string())
            } else {
                t!(cat(), "cli-policy-current", serial = v.serial.to_string())
            };
            out.done(&msg, &v);
            Ok(())
        }
        Command::Policy(PolicyCommand::Show) => {
            let c = open_checked(&root)?;
            if cli.json {
                println!(
                    "{}",
                    serde_json::to_string_pretty(c.policy()).unwrap_or_default()
                );
            } else {
                print!("{}", c.verified_policy().text);
            }
            Ok(())
        }
        Command::Tenant(t) => run_tenant(t, out),
        Command::App(a) => apps::run(&root, a, out),
        Command::Audit {
            package,
            policy,
            diff,
        } => audit::run(&root, package, policy, diff, out),
        Command::Doc(d) => apps::doc(&root, d, out),
        Command::Notifications => apps::notifications(&root, out),
        Command::Mail(m) => mail::run(&root, m, out),
        Command::Dir(d) => directory::run(&root, d, out),
        Command::Cal(c) => groupware::run_cal(&root, c, out),
        Command::Tasks { cmd } => groupware::run_tasks(&root, cmd, out),
        Command::Contacts(c) => groupware::run_contacts(&root, c, out),
        Command::Sync(s) => mail::run_sync(&root, s, out),
        Command::Credential(c) => apps::credential(&root, c, out),
        Command::Bench {
            target,
            quick,
            components,
        } => {
            let report = crate::bench::run(target, quick, &components)?;
            out.show(&report, render::bench);
            Ok(())
        }
        Command::Agent {
            idle_seconds,
            accept_new_binary,
        } => {
            let code = session::run_agent(
                &root,
                idle_seconds.map(Duration::from_secs),
                accept_new_binary,
            );
            std::process::exit(code)
        }
    }
}

/// Install the apps the tenant marks `preinstall` from the built-in packages. A package the
/// tenant asks for but that is missing is reported, not fatal: enrolment stands.
/// Remove what a failed enrolment created and say so alongside the reason; the exit code
/// stays the reason's.
fn undo_enrolment(root: &Path, cause: Error) -> Error {
    if !kapsel_core::vault::Vault::exists(root) {
        return cause;
    }
    let code = crate::exit::code(&cause);
    let undone = match Container::open(root) {
        Ok(c) => c.wipe(),
        Err(_) => kapsel_core::vault::remove_container_files(root),
    };
    let message = match undone {
        Ok(()) => t!(
            cat(),
            "cli-enrol-undone",
            path = root.display().to_string(),
            cause = cause.to_string()
        ),
        Err(e) => t!(
            cat(),
            "cli-enrol-undo-failed",
            path = root.display().to_string(),
            cause = cause.to_string(),
            error = e.to_string()
        ),
    };
    Error::Remote {
        kind: cause.kind().to_string(),
        message,
        code,
    }
}

fn preinstall(root: &Path, password: &str, dir: Option<PathBuf>) -> Result<Vec<String>> {
    let mut c = Container::open(root)?;
    if !c.policy().apps.values().any(|g| g.preinstall) {
        return Ok(Vec::new());
    }
    let dir = dir
        .or_else(kapsel_host::builtin::default_dir)
        .unwrap_or_else(|| PathBuf::from("apps/builtin"));
    c.unlock(password, false)?;
    let done = kapsel_host::builtin::preinstall(&c, &dir);
    c.lock("enrolment done");
    let done = done?;
    for (id, why) in &done.missing {
        warn(&t!(
            cat(),
            "cli-preinstall-missing",
            id = id.as_str(),
            why = why.as_str()
        ));
    }
    Ok(done.installed)
}

fn run_tenant(cmd: TenantCommand, out: render::Out) -> Result<()> {
    match cmd {
        TenantCommand::Keygen { out: prefix } => {
            let (secret, public, key) = tenant::keygen(&prefix)?;
            out.done(
                &t!(
                    cat(),
                    "cli-tenant-keys",
                    secret = secret.display().to_string(),
                    public = public.display().to_string(),
                    key = key.as_str()
                ),
                &serde_json::json!({ "secret_key_file": secret, "public_key_file": public, "public_key": key }),
            );
            Ok(())
        }
        TenantCommand::Sign {
            key,
            policy,
            out: target,
        } => {
            let signed = tenant::sign(&key, &policy)?;
            match target {
                Some(path) => {
                    std::fs::write(&path, &signed).map_err(Error::io(t!(
                        cat(),
                        "cli-cannot-write",
                        path = path.display().to_string()
                    )))?;
                    out.done(
                        &t!(
                            cat(),
                            "cli-policy-signed",
                            path = path.display().to_string()
                        ),
                        &serde_json::json!({ "written": path }),
                    );
                }
                None => print!("{signed}"),
            }
            Ok(())
        }
        TenantCommand::Verify { policy, key } => {
            let key = tenant::public_key_arg(&key)?;
            let text = tenant::read_policy(&policy)?;
            let v = kapsel_core::policy::verify(&text, Some(&key))?;
            out.done(
                &t!(
                    cat(),
                    "cli-policy-valid",
                    tenant = v.policy.tenant.name.as_str(),
                    id = v.policy.tenant.id.as_str(),
                    serial = v.policy.serial.to_string(),
                    sha256 = v.sha256()
                ),
                &serde_json::json!({ "valid": true, "tenant": v.policy.tenant.id, "serial": v.policy.serial, "sha256": v.sha256() }),
            );
            Ok(())
        }
        TenantCommand::Device(cmd) => tenant_devices::run_device(cmd, out),
        TenantCommand::Publish(args) => tenant_devices::run_publish(args, out),
        TenantCommand::Rollover(args) => tenant_devices::run_rollover(args, out),
        TenantCommand::Receipt(args) => tenant_devices::run_receipt(args, out),
    }
}
