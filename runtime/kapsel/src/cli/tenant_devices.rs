//! Tenant admin tooling for device management: the registry (approve, lock, wipe, activate,
//! list), publishing the signed static files, the key rollover and wipe receipts. Runs on the
//! admin's machine; touches no container. The logic lives in `kapsel_device::registry`.

use std::io::BufReader;
use std::path::{Path, PathBuf};

use clap::{Args, Subcommand};
use ed25519_dalek::SigningKey;
use kapsel_core::error::{Error, Result};
use kapsel_core::policy::signing;
use kapsel_core::terminal;
use kapsel_device::documents::{self, DeviceState, WipeReason};
use kapsel_device::registry::{self, Approval, Registered, Registry, RolloverFile};
use kapsel_i18n::t;
use zeroize::Zeroizing;

use super::{cat, render, tenant, warn};

/// The largest enrolment request or single wipe receipt read.
const MAX_SMALL_DOCUMENT: u64 = 64 * 1024;

#[derive(Subcommand, Debug)]
pub enum DeviceCommand {
    /// Approve a device's enrolment request (the enrolment-request.toml its user sent).
    Approve {
        /// The enrolment request file.
        request: PathBuf,
        /// The device registry (created if missing, with --tenant).
        #[arg(long, value_name = "FILE")]
        registry: PathBuf,
        /// The tenant id: needed to create the registry, checked against an existing one.
        #[arg(long, value_name = "ID")]
        tenant: Option<String>,
    },
    /// Lock a device: from its next contact after publishing it refuses to open; its data stays.
    Lock(DeviceArgs),
    /// Wipe a device: at its next contact after publishing it destroys its container.
    Wipe(DeviceArgs),
    /// Make a locked device active again, or withdraw a wipe it has not carried out yet.
    Activate(DeviceArgs),
    /// The devices in the registry: id, state, login, approval, wipe receipt.
    List {
        /// The device registry.
        #[arg(long, value_name = "FILE")]
        registry: PathBuf,
    },
}

#[derive(Args, Debug)]
pub struct DeviceArgs {
    /// The device id (d-…), as `kapsel tenant device list` shows it.
    id: String,
    /// The device registry.
    #[arg(long, value_name = "FILE")]
    registry: PathBuf,
}

#[derive(Args, Debug)]
pub struct PublishArgs {
    /// The folder the web server serves at the policy's management endpoint.
    dir: PathBuf,
    /// The device registry.
    #[arg(long, value_name = "FILE")]
    registry: PathBuf,
    /// The tenant's secret key file (after a key rollover: the new key).
    #[arg(long, value_name = "FILE")]
    key: PathBuf,
    /// The signed policy to publish.
    #[arg(long, value_name = "FILE")]
    policy: PathBuf,
    /// How long devices may count this publication as contact; publish again well before.
    #[arg(long, value_name = "HOURS", default_value_t = 72)]
    valid_hours: u32,
    /// A key rollover (from `kapsel tenant rollover`) to publish along.
    #[arg(long, value_name = "FILE")]
    rollover: Option<PathBuf>,
}

#[derive(Args, Debug)]
pub struct RolloverArgs {
    /// The secret key file of the old tenant key (the one the devices trust now).
    #[arg(long, value_name = "FILE")]
    key: PathBuf,
    /// The new tenant public key (`ed25519:...`) or a file holding it.
    #[arg(long, value_name = "KEY|FILE")]
    new_key: String,
    /// The tenant id.
    #[arg(long, value_name = "ID")]
    tenant: String,
    /// Where to write the signed key rollover.
    #[arg(long, value_name = "FILE")]
    out: PathBuf,
}

#[derive(Args, Debug)]
pub struct ReceiptArgs {
    /// A wipe-receipt.toml, a web server access log, or one receipt URL from such a log.
    receipt: String,
    /// The device registry.
    #[arg(long, value_name = "FILE")]
    registry: PathBuf,
}

fn secret_key(path: &Path) -> Result<SigningKey> {
    let text = Zeroizing::new(tenant::read_text(
        path,
        tenant::MAX_KEY_FILE,
        &t!(cat(), "cli-what-secret-key"),
    )?);
    signing::parse_secret_key(&text)
}

fn state_word(d: &Registered) -> String {
    match (d.state, d.wiped_at) {
        (_, Some(_)) => t!(cat(), "cli-tenant-state-wiped"),
        (DeviceState::Active, None) => t!(cat(), "cli-tenant-state-active"),
        (DeviceState::Locked, None) => t!(cat(), "cli-tenant-state-locked"),
        (DeviceState::Wipe, None) => t!(cat(), "cli-tenant-state-wipe"),
    }
}

fn plain_state(s: DeviceState) -> String {
    match s {
        DeviceState::Active => t!(cat(), "cli-tenant-state-active"),
        DeviceState::Locked => t!(cat(), "cli-tenant-state-locked"),
        DeviceState::Wipe => t!(cat(), "cli-tenant-state-wipe"),
    }
}

fn reason_word(r: WipeReason) -> String {
    match r {
        WipeReason::RemoteWipe => t!(cat(), "cli-tenant-reason-remote-wipe"),
        WipeReason::OfflineLimit => t!(cat(), "cli-tenant-reason-offline-limit"),
        WipeReason::UnknownDevice => t!(cat(), "cli-tenant-reason-unknown-device"),
    }
}

fn login_of(login: Option<&str>) -> String {
    login.map_or_else(|| t!(cat(), "cli-tenant-no-login"), terminal::line)
}

pub fn run_device(cmd: DeviceCommand, out: render::Out) -> Result<()> {
    let now = kapsel_device::device::now();
    match cmd {
        DeviceCommand::Approve {
            request,
            registry,
            tenant: tenant_id,
        } => {
            let text = tenant::read_text(
                &request,
                MAX_SMALL_DOCUMENT,
                &t!(cat(), "cli-tenant-what-request"),
            )?;
            let (approval, entry, serial) =
                Registry::edit(&registry, tenant_id.as_deref(), |reg| {
                    let (a, e) = reg.approve(&text, now)?;
                    Ok((a, e, reg.serial))
                })?;
            let message = match approval {
                Approval::Added => t!(
                    cat(),
                    "cli-tenant-device-approved",
                    id = entry.id.as_str(),
                    login = login_of(entry.login.as_deref()),
                    serial = serial.to_string()
                ),
                Approval::Already => t!(
                    cat(),
                    "cli-tenant-device-already",
                    id = entry.id.as_str(),
                    state = state_word(&entry)
                ),
            };
            out.done(
                &message,
                &serde_json::json!({ "approval": approval, "device": entry, "serial": serial }),
            );
            Ok(())
        }
        DeviceCommand::Lock(a) => set_state(a, DeviceState::Locked, out),
        DeviceCommand::Wipe(a) => set_state(a, DeviceState::Wipe, out),
        DeviceCommand::Activate(a) => set_state(a, DeviceState::Active, out),
        DeviceCommand::List { registry } => {
            let reg = Registry::load(&registry)?;
            let value = serde_json::json!({
                "tenant": reg.tenant,
                "serial": reg.serial,
                "devices": reg.list(),
            });
            out.show(&value, |_| device_table(&reg));
            Ok(())
        }
    }
}

fn set_state(a: DeviceArgs, state: DeviceState, out: render::Out) -> Result<()> {
    let (changed, entry, serial) = Registry::edit(&a.registry, None, |reg| {
        let (changed, e) = reg.set_state(&a.id, state)?;
        Ok((changed, e, reg.serial))
    })?;
    let id = entry.id.as_str();
    let serial_text = serial.to_string();
    let message = if !changed {
        t!(
            cat(),
            "cli-tenant-device-unchanged",
            id = id,
            state = plain_state(state)
        )
    } else {
        match state {
            DeviceState::Locked => {
                t!(
                    cat(),
                    "cli-tenant-device-locked",
                    id = id,
                    serial = serial_text
                )
            }
            DeviceState::Wipe => t!(
                cat(),
                "cli-tenant-device-wipe",
                id = id,
                serial = serial_text
            ),
            DeviceState::Active => {
                t!(
                    cat(),
                    "cli-tenant-device-activated",
                    id = id,
                    serial = serial_text
                )
            }
        }
    };
    out.done(
        &message,
        &serde_json::json!({ "changed": changed, "device": entry, "serial": serial }),
    );
    Ok(())
}

fn device_table(reg: &Registry) -> String {
    let rows: Vec<[String; 5]> = reg
        .list()
        .iter()
        .map(|d| {
            let receipt = match (d.wiped_at, d.wipe_reason) {
                (Some(at), Some(r)) => format!("{} ({})", documents::utc(at), reason_word(r)),
                (Some(at), None) => documents::utc(at),
                _ => "—".to_string(),
            };
            [
                d.id.clone(),
                state_word(d),
                d.login
                    .as_deref()
                    .map_or_else(|| "—".to_string(), terminal::line),
                documents::utc(d.approved_at),
                receipt,
            ]
        })
        .collect();
    let mut text = String::new();
    if rows.is_empty() {
        text.push_str(&t!(cat(), "cli-tenant-list-empty"));
        text.push('\n');
    } else {
        let header = [
            t!(cat(), "cli-tenant-list-id"),
            t!(cat(), "cli-tenant-list-state"),
            t!(cat(), "cli-tenant-list-login"),
            t!(cat(), "cli-tenant-list-approved"),
            t!(cat(), "cli-tenant-list-receipt"),
        ];
        let mut widths = header.clone().map(|h| h.chars().count());
        for row in &rows {
            for (w, cell) in widths.iter_mut().zip(row) {
                *w = (*w).max(cell.chars().count());
            }
        }
        for row in std::iter::once(&header).chain(&rows) {
            let mut line = String::new();
            for (i, (cell, w)) in row.iter().zip(widths).enumerate() {
                if i + 1 == row.len() {
                    line.push_str(cell);
                } else {
                    let pad = w - cell.chars().count();
                    line.push_str(cell);
                    line.push_str(&" ".repeat(pad + 2));
                }
            }
            text.push_str(line.trim_end());
            text.push('\n');
        }
    }
    text.push_str(&t!(
        cat(),
        "cli-tenant-list-summary",
        count = reg.list().len(),
        serial = reg.serial.to_string(),
        tenant = reg.tenant.as_str()
    ));
    text.push('\n');
    text
}

pub fn run_publish(a: PublishArgs, out: render::Out) -> Result<()> {
    let now = kapsel_device::device::now();
    let key = secret_key(&a.key)?;
    let policy = tenant::read_policy(&a.policy)?;
    let rollover = match &a.rollover {
        Some(path) => Some(tenant::read_text(
            path,
            documents::MAX_DOCUMENT_BYTES as u64,
            &t!(cat(), "cli-tenant-what-rollover"),
        )?),
        None => None,
    };
    let reg = Registry::load(&a.registry)?;
    let p = reg.publish(
        &a.dir,
        &key,
        &policy,
        a.valid_hours,
        rollover.as_deref(),
        now,
    )?;
    if !p.management {
        warn(&t!(cat(), "cli-tenant-published-no-management"));
    }
    let mut message = t!(
        cat(),
        "cli-tenant-published",
        tenant = p.tenant.as_str(),
        dir = p.dir.display().to_string(),
        policy = p.policy_serial.to_string(),
        devices = p.devices_serial.to_string(),
        count = p.devices,
        expires = documents::utc(p.expires_at)
    );
    let rollover_note = match p.rollover {
        RolloverFile::None => None,
        RolloverFile::Written => Some(t!(cat(), "cli-tenant-published-rollover")),
        RolloverFile::Kept => Some(t!(cat(), "cli-tenant-published-rollover-kept")),
        RolloverFile::Removed => Some(t!(cat(), "cli-tenant-published-rollover-removed")),
    };
    if let Some(note) = rollover_note {
        message.push('\n');
        message.push_str(&note);
    }
    out.done(&message, &p);
    Ok(())
}

pub fn run_rollover(a: RolloverArgs, out: render::Out) -> Result<()> {
    let now = kapsel_device::device::now();
    let old = secret_key(&a.key)?;
    let new = tenant::public_key_arg(&a.new_key)?;
    let text = registry::make_rollover(&old, &new, &a.tenant, now)?;
    registry::write_atomic(&a.out, &text, 0o644)?;
    let (old_key, new_key) = (
        signing::encode_public_key(&old.verifying_key()),
        signing::encode_public_key(&new),
    );
    out.done(
        &t!(
            cat(),
            "cli-tenant-rollover-written",
            tenant = a.tenant.as_str(),
            path = a.out.display().to_string(),
            old = old_key.as_str(),
            new = new_key.as_str()
        ),
        &serde_json::json!({ "written": a.out, "tenant": a.tenant, "old_key": old_key, "new_key": new_key, "issued_at": now }),
    );
    Ok(())
}

/// The receipts the argument names, and whether it names exactly one (a receipt file or a
/// receipt URL) rather than a log to scan.
struct Source {
    texts: Vec<String>,
    undecodable: usize,
    single: bool,
}

/// The receipts named by the argument: a receipt file, an access log (read line by line,
/// however long), or a receipt URL.
fn receipts_from(arg: &str) -> Result<Source> {
    let path = Path::new(arg);
    let what = t!(cat(), "cli-tenant-what-receipt");
    if !path.exists() && arg.contains("/receipts/") {
        let (texts, undecodable) = registry::receipts_in(arg);
        return Ok(Source {
            texts,
            undecodable,
            single: true,
        });
    }
    let small = std::fs::metadata(path).is_ok_and(|m| m.len() <= MAX_SMALL_DOCUMENT);
    if small || !path.is_file() {
        let text = tenant::read_text(path, MAX_SMALL_DOCUMENT, &what)?;
        let (texts, undecodable) = registry::receipts_in(&text);
        return Ok(Source {
            single: registry::is_signed_document(&text),
            texts,
            undecodable,
        });
    }
    let file = std::fs::File::open(path).map_err(Error::io(t!(
        cat(),
        "cli-tenant-cannot-read",
        path = path.display().to_string()
    )))?;
    let (texts, undecodable) = registry::receipts_in_log(BufReader::new(file))?;
    Ok(Source {
        texts,
        undecodable,
        single: false,
    })
}

/// One receipt is an answer: refused is an error. A log is scanned: what others requested
/// there (junk, forgeries) is warned about, and finding nothing new is no failure, so a
/// timer can run this over the web server's log.
pub fn run_receipt(a: ReceiptArgs, out: render::Out) -> Result<()> {
    let source = terminal::line(&a.receipt);
    let Source {
        texts,
        undecodable,
        single,
    } = receipts_from(&a.receipt)?;
    if undecodable > 0 {
        warn(&t!(
            cat(),
            "cli-tenant-receipt-undecodable",
            count = undecodable,
            source = source.as_str()
        ));
    }
    if texts.is_empty() {
        if single {
            return Err(Error::invalid(t!(
                cat(),
                "cli-tenant-receipt-none",
                source = source.as_str()
            )));
        }
        out.done(
            &t!(
                cat(),
                "cli-tenant-receipt-log-none",
                source = source.as_str()
            ),
            &serde_json::json!({ "recorded": [], "refused": [], "undecodable": undecodable }),
        );
        return Ok(());
    }
    let (recorded, mut refused, serial) = Registry::edit(&a.registry, None, |reg| {
        let mut recorded = Vec::new();
        let mut refused = Vec::new();
        for text in &texts {
            match reg.verify_receipt(text) {
                Ok(r) => recorded.push(r),
                Err(e) => refused.push(e),
            }
        }
        Ok((recorded, refused, reg.serial))
    })?;
    if single && let Some(e) = refused.pop() {
        return Err(e);
    }
    for e in &refused {
        warn(&t!(
            cat(),
            "cli-tenant-receipt-refused",
            source = source.as_str(),
            error = e.to_string()
        ));
    }
    if recorded.is_empty() {
        let refused: Vec<String> = refused.iter().map(ToString::to_string).collect();
        out.done(
            &t!(
                cat(),
                "cli-tenant-receipt-log-refused",
                source = source.as_str()
            ),
            &serde_json::json!({ "recorded": [], "refused": refused, "undecodable": undecodable, "serial": serial }),
        );
        return Ok(());
    }
    let mut lines = Vec::new();
    for r in &recorded {
        let login = login_of(r.login.as_deref());
        let time = documents::utc(r.wiped_at);
        lines.push(if r.new {
            t!(
                cat(),
                "cli-tenant-receipt-recorded",
                id = r.device_id.as_str(),
                login = login,
                time = time,
                reason = reason_word(r.reason)
            )
        } else {
            t!(
                cat(),
                "cli-tenant-receipt-known",
                id = r.device_id.as_str(),
                login = login,
                time = time
            )
        });
        if r.marked_wipe {
            lines.push(t!(
                cat(),
                "cli-tenant-receipt-marked",
                id = r.device_id.as_str(),
                serial = serial.to_string()
            ));
        }
    }
    let refused: Vec<String> = refused.iter().map(ToString::to_string).collect();
    out.done(
        &lines.join("\n"),
        &serde_json::json!({ "recorded": recorded, "refused": refused, "undecodable": undecodable, "serial": serial }),
    );
    Ok(())
}
