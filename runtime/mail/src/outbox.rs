//! The outbox: every message is sealed in the vault before the first attempt and removed only
//! after the submission server accepted it, so nothing is lost across a server outage or a
//! killed process. A message is marked `sending` (durably) right before the final "." of
//! DATA; one still `sending` when the session starts was possibly delivered, so it becomes
//! `in-doubt` and is never resent automatically — `kapsel mail outbox --retry` decides.
//! A delivered message's copy for Sent is owed in the same transaction that removes it from
//! the outbox and filed right after its delivery; a copy still owed (server down, session
//! killed) is filed by the next round, once (the Sent folder is searched for it first).

use serde::{Deserialize, Serialize};

use super::compose::Built;
use super::smtp::{Envelope, SendError, Submission};
use super::{Account, MailStore, cat};
use kapsel_core::audit;
use kapsel_core::error::{Error, Result};
use kapsel_core::vault::Vault;
use kapsel_i18n::t;

const NS: &str = "mail-outbox";
const RAW_NS: &str = "mail-outbox-raw";
/// Sent copies owed: the Message-ID per outbox id, and the message itself.
const OWED_NS: &str = "mail-sent-owed";
const OWED_RAW_NS: &str = "mail-sent-owed-raw";

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum State {
    Queued,
    Sending,
    InDoubt,
    Failed,
}

impl State {
    pub fn word(self) -> &'static str {
        match self {
            State::Queued => "queued",
            State::Sending => "sending",
            State::InDoubt => "in-doubt",
            State::Failed => "failed",
        }
    }
}

fn damaged(e: serde_json::Error) -> Error {
    Error::Tampered(t!(cat(), "mailbox-outbox-damaged", error = e.to_string()))
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Entry {
    pub id: String,
    pub state: State,
    pub from: String,
    pub to: Vec<String>,
    pub subject: String,
    pub message_id: String,
    pub created_ms: u64,
    pub attempts: u32,
    pub last_error: Option<String>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct FlushReport {
    pub sent: Vec<String>,
    pub queued: usize,
    pub failed: usize,
    pub in_doubt: usize,
    pub error: Option<String>,
}

fn put(vault: &Vault, e: &Entry) -> Result<()> {
    let json = serde_json::to_vec(e).map_err(|e| Error::Agent(e.to_string()))?;
    vault.put(NS, &e.id, &json)
}

pub fn queue(vault: &mut Vault, built: &Built, subject: &str) -> Result<Entry> {
    let id = kapsel_core::vault::time_ordered_key();
    let entry = Entry {
        id: id.clone(),
        state: State::Queued,
        from: built.envelope.from.clone(),
        to: built.envelope.to.clone(),
        subject: subject.to_string(),
        message_id: built.message_id.clone(),
        created_ms: kapsel_core::vault::now_ms(),
        attempts: 0,
        last_error: None,
    };
    let json = serde_json::to_vec(&entry).map_err(|e| Error::Agent(e.to_string()))?;
    // Message and entry in one transaction: a crash leaves both or neither.
    vault.write_tx(|| {
        vault.put(RAW_NS, &id, &built.message)?;
        vault.put(NS, &id, &json)
    })?;
    audit::append(
        vault,
        "mail-queued",
        serde_json::json!({ "outbox": id, "recipients": entry.to.len() }),
    )?;
    Ok(entry)
}

pub fn list(vault: &Vault) -> Result<Vec<Entry>> {
    let mut out = Vec::new();
    for key in vault.keys_in(NS)? {
        if let Some(raw) = vault.get(NS, &key)? {
            out.push(serde_json::from_slice::<Entry>(&raw).map_err(damaged)?);
        }
    }
    Ok(out)
}

/// At session start: a message left `sending` by a killed process may have gone out.
pub fn recover(vault: &Vault) -> Result<usize> {
    let mut n = 0;
    for mut e in list(vault)? {
        if e.state == State::Sending {
            e.state = State::InDoubt;
            e.last_error = Some(t!(cat(), "mailbox-outbox-in-doubt"));
            put(vault, &e)?;
            n += 1;
        }
    }
    Ok(n)
}

pub fn retry(vault: &Vault, id: &str) -> Result<Entry> {
    let _one = flush_lock();
    let mut e = get(vault, id)?;
    if e.state == State::Sending {
        return Err(Error::invalid(t!(
            cat(),
            "mailbox-outbox-sending-now",
            id = id
        )));
    }
    e.state = State::Queued;
    e.last_error = None;
    put(vault, &e)?;
    Ok(e)
}

pub fn discard(vault: &mut Vault, id: &str) -> Result<()> {
    get(vault, id)?;
    vault.write_tx(|| {
        vault.delete(NS, id)?;
        vault.delete(RAW_NS, id)
    })?;
    audit::append(vault, "mail-discarded", serde_json::json!({ "outbox": id }))?;
    Ok(())
}

fn get(vault: &Vault, id: &str) -> Result<Entry> {
    let raw = vault
        .get(NS, id)?
        .ok_or_else(|| Error::NotFound(t!(cat(), "mailbox-outbox-no-such", id = id)))?;
    serde_json::from_slice(&raw).map_err(damaged)
}

/// One send round at a time in this process (the background worker and a command may both
/// start one; each has its own database connection).
static FLUSH: std::sync::Mutex<()> = std::sync::Mutex::new(());

fn flush_lock() -> std::sync::MutexGuard<'static, ()> {
    FLUSH.lock().unwrap_or_else(|p| p.into_inner())
}

/// Try to send everything queued, oldest first. A server that cannot be reached stops the
/// round (the rest stays queued); a refused message is kept as `failed` with the reason.
pub fn flush(vault: &mut Vault, account: &Account) -> Result<FlushReport> {
    flush_while(vault, account, &|| true)
}

/// `flush` that sends nothing once `current()` is false: checked after the round lock is
/// held (a round of the new policy may just have finished) and before each connection.
pub fn flush_while(
    vault: &mut Vault,
    account: &Account,
    current: &dyn Fn() -> bool,
) -> Result<FlushReport> {
    let _one = flush_lock();
    let mut report = FlushReport::default();
    let mut entries = list(vault)?;
    entries.sort_by(|a, b| a.id.cmp(&b.id));
    let queued = || entries.iter().filter(|e| e.state == State::Queued).count();
    if !current() {
        report.queued = queued();
        return Ok(report);
    }
    let Some(endpoint) = account.submission.clone() else {
        report.queued = queued();
        if report.queued > 0 {
            report.error = Some(t!(cat(), "mailbox-no-submission-server"));
        }
        return Ok(report);
    };
    let mut session: Option<Submission> = None;
    let mut filer = SentFiler::default();
    for mut e in entries {
        match e.state {
            State::Failed => {
                report.failed += 1;
                continue;
            }
            State::InDoubt | State::Sending => {
                report.in_doubt += 1;
                continue;
            }
            State::Queued => {}
        }
        if report.error.is_some() {
            report.queued += 1;
            continue;
        }
        let Some(raw) = vault.get(RAW_NS, &e.id)? else {
            return Err(Error::Tampered(t!(
                cat(),
                "mailbox-outbox-lost-content",
                id = e.id.as_str()
            )));
        };
        if session.is_none() {
            if !current() {
                report.queued += 1;
                continue;
            }
            match Submission::connect(
                &endpoint,
                &account.tls,
                &account.user,
                &account.password,
                account.timeout,
            ) {
                Ok(s) => session = Some(s),
                Err(err) => {
                    e.attempts += 1;
                    e.last_error = Some(err.to_string());
                    put(vault, &e)?;
                    report.error = Some(err.to_string());
                    report.queued += 1;
                    continue;
                }
            }
        }
        let Some(s) = session.as_mut() else { continue };
        e.attempts += 1;
        let envelope = Envelope {
            from: e.from.clone(),
            to: e.to.clone(),
        };
        let mut marked = e.clone();
        marked.state = State::Sending;
        let v: &Vault = vault;
        let result = s.send(&envelope, &raw, || {
            put(v, &marked).map_err(|x| x.to_string())
        });
        match result {
            Ok(()) => {
                // Delivered: out of the outbox and its Sent copy owed, in one transaction,
                // so no kill from here on loses the copy or sends the message again.
                vault.write_tx(|| {
                    vault.delete(NS, &e.id)?;
                    vault.delete(RAW_NS, &e.id)?;
                    vault.put(OWED_RAW_NS, &e.id, &raw)?;
                    vault.put(OWED_NS, &e.id, e.message_id.as_bytes())
                })?;
                audit::append(
                    vault,
                    "mail-sent",
                    serde_json::json!({ "outbox": e.id, "recipients": e.to.len() }),
                )?;
                report.sent.push(e.id.clone());
                filer.file(vault, account, Some(&e.id));
            }
            Err(SendError::Permanent(msg)) => {
                e.state = State::Failed;
                e.last_error = Some(msg);
                put(vault, &e)?;
                report.failed += 1;
            }
            Err(err) => {
                // A failure after "sending" was recorded (the final dot's answer was lost) is
                // in doubt; anything earlier stays queued.
                let after_commit = vault
                    .get(NS, &e.id)?
                    .and_then(|r| serde_json::from_slice::<Entry>(&r).ok())
                    .is_some_and(|x| x.state == State::Sending);
                e.state = if after_commit {
                    report.in_doubt += 1;
                    State::InDoubt
                } else {
                    report.queued += 1;
                    State::Queued
                };
                e.last_error = Some(err.to_string());
                put(vault, &e)?;
                report.error = Some(err.to_string());
                session = None;
            }
        }
    }
    if let Some(s) = session {
        s.quit();
    }
    // Copies owed by an earlier round (its session was killed, or IMAP was down) come after
    // the sending: an IMAP server that hangs must not hold up the mail.
    filer.file(vault, account, None);
    filer.finish();
    Ok(report)
}

/// Files owed Sent copies over one IMAP connection per round, opened when first needed.
/// A failure is audited and ends filing for the round; the copies stay owed.
#[derive(Default)]
struct SentFiler {
    imap: Option<(super::imap::Imap, String)>,
    gave_up: bool,
}

impl SentFiler {
    /// File the copy of the message just delivered (`Some(id)`), or every copy still owed
    /// (`None`): those may have reached Sent already (a session killed between the APPEND
    /// and the commit that clears them), so Sent is searched for each one first.
    fn file(&mut self, vault: &Vault, account: &Account, just_delivered: Option<&str>) {
        if self.gave_up {
            return;
        }
        if let Err(e) = self.try_file(vault, account, just_delivered) {
            self.gave_up = true;
            // The copy in Sent is a courtesy: failing to file it never un-sends the message.
            let _ = audit::append(
                vault,
                "mail-sent-copy-failed",
                serde_json::json!({ "error": e.to_string() }),
            );
        }
    }

    fn try_file(
        &mut self,
        vault: &Vault,
        account: &Account,
        just_delivered: Option<&str>,
    ) -> Result<()> {
        let owed = match just_delivered {
            Some(id) => vec![id.to_string()],
            None => vault.keys_in(OWED_NS)?,
        };
        let earlier = just_delivered.is_none();
        for id in owed {
            let Some(raw) = vault.get(OWED_RAW_NS, &id)? else {
                vault.delete(OWED_NS, &id)?;
                continue;
            };
            let message_id = vault
                .get(OWED_NS, &id)?
                .map(|m| String::from_utf8_lossy(&m).into_owned())
                .unwrap_or_default();
            let (imap, sent) = self.connect(vault, account)?;
            if !(earlier && already_filed(imap, sent, &message_id)?) {
                imap.append(sent, &["\\Seen"], &raw)?;
            }
            vault.write_tx(|| {
                vault.delete(OWED_NS, &id)?;
                vault.delete(OWED_RAW_NS, &id)
            })?;
        }
        Ok(())
    }

    fn connect(
        &mut self,
        vault: &Vault,
        account: &Account,
    ) -> Result<&mut (super::imap::Imap, String)> {
        let conn = match self.imap.take() {
            Some(c) => c,
            None => {
                let sent = MailStore::new(vault)
                    .folders()?
                    .into_iter()
                    .find(|(_, f)| f.special_use.as_deref() == Some("\\Sent"))
                    .map(|(_, f)| f.raw_name)
                    .unwrap_or_else(|| "Sent".into());
                (account.imap()?, sent)
            }
        };
        Ok(self.imap.insert(conn))
    }

    fn finish(self) {
        if let Some((imap, _)) = self.imap {
            imap.logout();
        }
    }
}

/// Is a message with this Message-ID in Sent already? Only ids we made are looked for; one
/// that could not be quoted safely is treated as not filed.
fn already_filed(imap: &mut super::imap::Imap, sent: &str, message_id: &str) -> Result<bool> {
    let plain = !message_id.is_empty()
        && message_id
            .bytes()
            .all(|b| b.is_ascii_graphic() && b != b'"' && b != b'\\');
    if !plain {
        return Ok(false);
    }
    imap.select(sent, true, None)?;
    Ok(!imap
        .uid_search(&format!("HEADER Message-ID \"{message_id}\""))?
        .is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;
    use kapsel_core::net::stream::{Endpoint, Security};
    use std::net::TcpListener;
    use std::time::Duration;

    /// A worker retired by a policy update still holds the old policy's account: a round it
    /// starts after retiring must not even connect to the old submission server.
    #[test]
    fn a_round_that_is_no_longer_current_connects_to_nothing() {
        let dir = std::env::temp_dir().join(format!("kapsel-outbox-{}", std::process::id()));
        let mut vault =
            Vault::create(&dir, "Test-Password-1", kapsel_core::vault::MIN_PARAMS).unwrap();
        let old_server = TcpListener::bind("127.0.0.1:0").unwrap();
        old_server.set_nonblocking(true).unwrap();
        let port = old_server.local_addr().unwrap().port();
        let account = Account {
            user: "carol@corp.test".into(),
            password: zeroize::Zeroizing::new("pw".into()),
            imap: Endpoint::parse("imap://127.0.0.1:1", crate::imap::SCHEMES).unwrap(),
            submission: Some(
                Endpoint::parse(
                    &format!("submission://127.0.0.1:{port}"),
                    &[("submission", 587, Security::StartTls)],
                )
                .unwrap(),
            ),
            sieve: None,
            tls: kapsel_core::net::tls::client_config(&Default::default()).unwrap(),
            timeout: Duration::from_secs(2),
        };
        let built = Built {
            message: b"Subject: x\r\n\r\nbody\r\n".to_vec(),
            envelope: Envelope {
                from: "carol@corp.test".into(),
                to: vec!["dave@example.org".into()],
            },
            message_id: "<x@corp.test>".into(),
        };
        queue(&mut vault, &built, "x").unwrap();

        let report = flush_while(&mut vault, &account, &|| false).unwrap();
        assert_eq!((report.queued, report.sent.len()), (1, 0));
        assert!(report.error.is_none());
        std::thread::sleep(Duration::from_millis(100));
        assert!(old_server.accept().is_err(), "a stale round connected");
        let left = list(&vault).unwrap();
        assert_eq!(left.len(), 1);
        assert_eq!((left[0].state, left[0].attempts), (State::Queued, 0));

        // The same round while current does connect (and keeps the message on failure).
        let report = flush_while(&mut vault, &account, &|| true).unwrap();
        assert!(report.error.is_some(), "{report:?}");
        assert!(
            old_server.accept().is_ok(),
            "a current round never connected"
        );
        assert_eq!(list(&vault).unwrap()[0].state, State::Queued);
        drop(vault);
        let _ = std::fs::remove_dir_all(&dir);
    }
}
