//! Mail, the core module: the account from the tenant policy and the user's credentials,
//! and the operations the session agent offers — sync, read, search, flags, moves,
//! attachments, compose/reply/forward through the outbox, other users' and shared mailboxes,
//! and out-of-office. Protocol clients live in their own modules; this one decides.

pub mod answers;
pub mod autoreply;
pub mod compose;
pub mod imap;
pub mod managesieve;
pub mod mime;
pub mod outbox;
pub mod schedule;
pub mod search;
pub mod service;
pub mod smtp;
pub mod store;
pub mod sync;
pub mod transport;

pub use kapsel_mail_wire::utf7;

use std::sync::Arc;
use std::time::Duration;

use serde::{Deserialize, Serialize};
use zeroize::Zeroizing;

pub use store::MailStore;

use kapsel_core::audit;
use kapsel_core::container::Container;
use kapsel_core::error::{Error, Result};
use kapsel_core::net::stream::{Endpoint, Security};
use kapsel_core::vault::Vault;
use kapsel_i18n::t;
use store::{MessageMeta, Origin};

/// The catalogue of this process: every user-facing text of this crate comes from it.
pub(crate) fn cat() -> &'static kapsel_i18n::Catalog {
    kapsel_i18n::current()
}

/// The user's mail settings (opened mailboxes, the sync schedule), sealed.
pub(crate) const SETTINGS_NS: &str = "mail-settings";

/// Everything needed to reach the user's mail servers.
#[derive(Clone)]
pub struct Account {
    pub user: String,
    pub password: Zeroizing<String>,
    pub imap: Endpoint,
    pub submission: Option<Endpoint>,
    pub sieve: Option<Endpoint>,
    pub tls: Arc<rustls::ClientConfig>,
    pub timeout: Duration,
}

impl Account {
    pub fn from_container(c: &Container) -> Result<Account> {
        let policy = c.policy();
        if !policy.modules.mail {
            return Err(Error::Policy(t!(cat(), "mailbox-mail-not-enabled")));
        }
        let imap = policy
            .servers
            .imap
            .as_deref()
            .ok_or_else(|| Error::Policy(t!(cat(), "mailbox-no-imap-server")))?;
        let user = c
            .user()?
            .ok_or_else(|| Error::invalid(t!(cat(), "mailbox-no-login-stored")))?;
        let submission = match &policy.servers.submission {
            Some(s) => Some(Endpoint::parse(
                s,
                &[
                    ("submissions", 465, Security::Implicit),
                    ("submission", 587, Security::StartTls),
                ],
            )?),
            None => None,
        };
        let sieve = match &policy.servers.managesieve {
            Some(s) => Some(Endpoint::parse(s, &[("sieve", 4190, Security::StartTls)])?),
            None => None,
        };
        Ok(Account {
            user,
            password: Zeroizing::new(c.password()?.to_string()),
            imap: Endpoint::parse(imap, imap::SCHEMES)?,
            submission,
            sieve,
            tls: kapsel_core::net::tls::client_config(&policy.tls)?,
            timeout: Duration::from_secs(30),
        })
    }

    pub fn imap(&self) -> Result<imap::Imap> {
        imap::Imap::connect(
            &self.imap,
            &self.tls,
            &self.user,
            &self.password,
            self.timeout,
        )
    }

    pub fn autoreply(&self) -> Result<autoreply::SieveAutoReply> {
        let endpoint = self
            .sieve
            .as_ref()
            .ok_or_else(|| Error::Policy(t!(cat(), "mailbox-no-sieve-server")))?;
        let client = managesieve::SieveClient::connect(
            endpoint,
            &self.tls,
            &self.user,
            &self.password,
            self.timeout,
        )?;
        Ok(autoreply::SieveAutoReply::new(client, &self.user))
    }
}

/// Other users' and shared mailboxes the user opened (server names).
pub fn opened(vault: &Vault) -> Result<Vec<String>> {
    Ok(match vault.get(SETTINGS_NS, "opened")? {
        Some(raw) => serde_json::from_slice(&raw).unwrap_or_default(),
        None => Vec::new(),
    })
}

fn set_opened(vault: &Vault, list: &[String]) -> Result<()> {
    vault.put(
        SETTINGS_NS,
        "opened",
        &serde_json::to_vec(list).map_err(|e| Error::Agent(e.to_string()))?,
    )
}

/// Sync folders (all, or the named ones), file notifications for new mail, then send what
/// the outbox holds.
pub fn sync_now(
    vault: &mut Vault,
    account: &Account,
    only: Option<Vec<String>>,
    progress: &mut dyn FnMut(&sync::Progress),
) -> Result<answers::Synced> {
    sync_then_send(vault, account, only, progress, &|| true)
}

/// `sync_now` for a caller whose account may go stale while it syncs (the background
/// worker, retired by a policy update): the outbox is sent only while `current()` holds, so
/// a message queued under the new policy never leaves through the old policy's server.
pub fn sync_then_send(
    vault: &mut Vault,
    account: &Account,
    only: Option<Vec<String>>,
    progress: &mut dyn FnMut(&sync::Progress),
    current: &dyn Fn() -> bool,
) -> Result<answers::Synced> {
    let opened_list = opened(vault)?;
    let mut imap = account.imap()?;
    let report = {
        let store = MailStore::new(vault);
        let opts = sync::Options {
            only,
            opened: &opened_list,
        };
        sync::sync(&store, &mut imap, &opts, progress)?
    };
    imap.logout();
    for n in &report.arrived {
        kapsel_core::notifications::file(
            vault,
            "mail",
            &n.from,
            &n.subject,
            Some((n.id, n.folder.as_str())),
        )?;
    }
    let flush = outbox::flush_while(vault, account, current)?;
    audit::append(
        vault,
        "mail-synced",
        serde_json::json!({
            "folders": report.folders, "new": report.new_messages,
            "expunged": report.expunged, "resets": report.uidvalidity_resets,
            "sent": flush.sent.len(),
        }),
    )?;
    Ok(answers::Synced {
        report,
        outbox: flush,
    })
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct FolderView {
    pub name: String,
    pub server_name: String,
    pub origin: Origin,
    pub special_use: Option<String>,
    pub messages: u64,
    pub unread: u64,
    pub rights: Option<String>,
}

pub fn folders(vault: &Vault) -> Result<Vec<FolderView>> {
    let store = MailStore::new(vault);
    let mut out = Vec::new();
    for (id, f) in store.folders()? {
        let list = store.list(id, usize::MAX)?;
        out.push(FolderView {
            name: f.name,
            server_name: f.raw_name,
            origin: f.origin,
            special_use: f.special_use,
            messages: list.len() as u64,
            unread: list.iter().filter(|(_, m)| !m.seen()).count() as u64,
            rights: f.rights,
        });
    }
    Ok(out)
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ListItem {
    pub id: i64,
    pub date: i64,
    pub from: String,
    pub subject: String,
    pub seen: bool,
    pub flagged: bool,
    pub attachments: usize,
    pub size: u64,
    pub folder: Option<String>,
    /// For threading in the shell.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub in_reply_to: Option<String>,
}

fn item(id: i64, m: &MessageMeta, folder: Option<String>) -> ListItem {
    ListItem {
        id,
        date: m.summary.date,
        from: m.summary.from.clone(),
        subject: m.summary.subject.clone(),
        seen: m.seen(),
        flagged: m.flags.iter().any(|f| f.eq_ignore_ascii_case("\\Flagged")),
        // Images the text shows are no attachments to the reader.
        attachments: m.summary.attachments.iter().filter(|a| !a.inline).count(),
        size: m.size,
        folder,
        message_id: m.summary.message_id.clone(),
        in_reply_to: m.summary.in_reply_to.clone(),
    }
}

pub fn list(vault: &Vault, folder: &str, limit: usize) -> Result<Vec<ListItem>> {
    let store = MailStore::new(vault);
    let (id, _) = store.folder_by_name(folder)?;
    Ok(store
        .list(id, limit)?
        .iter()
        .map(|(i, m)| item(*i, m, None))
        .collect())
}

pub fn search(vault: &Vault, query: &str, limit: usize) -> Result<Vec<ListItem>> {
    let store = MailStore::new(vault);
    let index = search::Index::new(vault.keys()?);
    let groups = index.query(query)?;
    let names: std::collections::HashMap<i64, String> = store
        .folders()?
        .into_iter()
        .map(|(i, f)| (i, f.name))
        .collect();
    let mut out = Vec::new();
    for (id, meta) in store.search(&groups, limit)? {
        let (folder, _) = store.locate(id)?;
        out.push(item(id, &meta, names.get(&folder).cloned()));
    }
    Ok(out)
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Read {
    pub id: i64,
    pub folder: String,
    #[serde(flatten)]
    pub meta: MessageMeta,
    pub text: String,
}

/// Fetch the whole message of one that sync stored headers-only (it was large).
pub fn complete_message(vault: &Vault, account: &Account, id: i64) -> Result<()> {
    let store = MailStore::new(vault);
    let (folder, uid, meta) = store.meta(id)?;
    let state = store.folder(folder)?;
    let mut imap = account.imap()?;
    imap.select(&state.raw_name, true, None)?;
    let mut got = None;
    imap.uid_fetch(
        &uid.to_string(),
        "UID FLAGS INTERNALDATE RFC822.SIZE BODY.PEEK[]",
        &mut |f| {
            // Only the message asked for (flag updates of others arrive as FETCH too).
            if f.uid == uid && f.body.is_some() {
                got = Some(f);
            }
            Ok(())
        },
    )?;
    imap.logout();
    let f = got.ok_or_else(|| {
        Error::NotFound(t!(
            cat(),
            "mailbox-message-gone-from-server",
            id = id.to_string()
        ))
    })?;
    let index = search::Index::new(vault.keys()?);
    store.transaction(|| {
        let new_id = sync::store_fetched(&store, &index, folder, f)?;
        // Keep local flag changes made before the body arrived.
        let (_, _, mut fresh) = store.meta(new_id)?;
        fresh.flags = meta.flags.clone();
        fresh.pending_add = meta.pending_add.clone();
        fresh.pending_remove = meta.pending_remove.clone();
        let dirty = !fresh.pending_add.is_empty() || !fresh.pending_remove.is_empty();
        store.write_meta(new_id, &fresh, dirty)
    })
}

/// Show a message; marks it read (pushed at the next sync). A large message is fetched
/// now if it is not in the container yet.
pub fn read(vault: &Vault, account: Option<&Account>, id: i64) -> Result<Read> {
    let store = MailStore::new(vault);
    let (_, _, meta) = store.meta(id)?;
    if !meta.complete {
        let account =
            account.ok_or_else(|| Error::Network(t!(cat(), "mailbox-large-message-no-server")))?;
        complete_message(vault, account, id)?;
    }
    // Reading in a folder where we may not set \Seen leaves it unread on both sides.
    if flag_refusal(vault, id, "\\Seen")?.is_none() {
        set_flag(vault, id, "\\Seen", true)?;
    }
    let (folder, _, meta) = store.meta(id)?;
    Ok(Read {
        id,
        folder: store.folder(folder)?.name,
        meta,
        // Texts stored before line ends were normalised at parse time still carry CRs.
        text: mime::normalize_lines(&store.text(id)?).into_owned(),
    })
}

/// The refusal for changing `flag` on message `id` when its folder does not allow it.
pub fn flag_refusal(vault: &Vault, id: i64, flag: &str) -> Result<Option<Error>> {
    let store = MailStore::new(vault);
    let (folder, _, _) = store.meta(id)?;
    Ok(store.folder(folder)?.flag_refusal(flag))
}

/// Set or clear a flag here; the next sync pushes it. Refused in a folder where the server
/// would not take it (read-only, or rights without the needed letter).
pub fn set_flag(vault: &Vault, id: i64, flag: &str, on: bool) -> Result<bool> {
    let store = MailStore::new(vault);
    let (folder, _, mut meta) = store.meta(id)?;
    if let Some(refused) = store.folder(folder)?.flag_refusal(flag) {
        return Err(refused);
    }
    let has = meta.flags.iter().any(|f| f.eq_ignore_ascii_case(flag));
    if has == on {
        return Ok(false);
    }
    if on {
        meta.flags.push(flag.to_string());
        meta.pending_remove
            .retain(|f| !f.eq_ignore_ascii_case(flag));
        meta.pending_add.push(flag.to_string());
    } else {
        meta.flags.retain(|f| !f.eq_ignore_ascii_case(flag));
        meta.pending_add.retain(|f| !f.eq_ignore_ascii_case(flag));
        meta.pending_remove.push(flag.to_string());
    }
    store.write_meta(id, &meta, true)?;
    Ok(true)
}

/// Move a message to another folder now (online), then sync both folders.
pub fn move_to(vault: &mut Vault, account: &Account, id: i64, target: &str) -> Result<()> {
    let (source, target_raw, uid) = {
        let store = MailStore::new(vault);
        let (folder, uid, _) = store.meta(id)?;
        let source = store.folder(folder)?.raw_name;
        let (_, t) = store.folder_by_name(target)?;
        (source, t.raw_name, uid)
    };
    let mut imap = account.imap()?;
    imap.select(&source, false, None)?;
    imap.uid_move(&uid.to_string(), &target_raw)?;
    imap.logout();
    sync_now(vault, account, Some(vec![source, target_raw]), &mut |_| {})?;
    Ok(())
}

/// Keep an attachment inside the container as a document (for the viewer and editor).
pub fn save_attachment(
    vault: &Vault,
    account: Option<&Account>,
    id: i64,
    index: usize,
) -> Result<kapsel_core::documents::DocumentInfo> {
    let store = MailStore::new(vault);
    let (_, _, meta) = store.meta(id)?;
    if !meta.complete {
        let account =
            account.ok_or_else(|| Error::Network(t!(cat(), "mailbox-no-server-to-fetch-from")))?;
        complete_message(vault, account, id)?;
    }
    let raw = store.raw(id)?.ok_or_else(|| {
        Error::NotFound(t!(cat(), "mailbox-message-no-content", id = id.to_string()))
    })?;
    let (info, bytes) = mime::attachment(&raw, index).ok_or_else(|| {
        Error::NotFound(t!(
            cat(),
            "mailbox-no-such-attachment",
            id = id.to_string(),
            index = index.to_string(),
            count = meta.summary.attachments.len().to_string()
        ))
    })?;
    let media = if info.media_type == "application/octet-stream" {
        kapsel_core::documents::guess_media_type(&info.name).to_string()
    } else {
        info.media_type.clone()
    };
    let doc = kapsel_core::documents::save(
        vault,
        &info.name,
        &media,
        &format!("mail:{id}"),
        None,
        &bytes[..],
    )?;
    audit::append(
        vault,
        "mail-attachment-opened",
        serde_json::json!({ "message": id, "attachment": index, "document": doc.id }),
    )?;
    Ok(doc)
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct MailboxInfo {
    pub name: String,
    pub server_name: String,
    pub kind: Origin,
    /// The address one sends as on its behalf.
    pub address: Option<String>,
    pub rights: String,
    pub opened: bool,
}

/// The address of another user's or a function mailbox: `shared/bob@x/…` → bob@x,
/// `Public/poststelle` → poststelle@<the user's domain>.
fn mailbox_address(raw: &str, origin: Origin, ns: &imap::Namespaces, user: &str) -> Option<String> {
    let prefixes = match origin {
        Origin::OtherUser => &ns.other_users,
        Origin::Shared => &ns.shared,
        Origin::Own => return None,
    };
    let rest = prefixes
        .iter()
        .find_map(|(p, _)| raw.strip_prefix(p.as_str()))?;
    let first = rest.split('/').next()?;
    if first.contains('@') {
        Some(first.to_string())
    } else {
        let domain = user.rsplit_once('@')?.1;
        Some(format!("{first}@{domain}"))
    }
}

/// Other users' and shared mailboxes the server shows us, with our rights.
pub fn mailboxes(vault: &Vault, account: &Account) -> Result<Vec<MailboxInfo>> {
    let opened_list = opened(vault)?;
    let mut imap = account.imap()?;
    let ns = imap.namespaces()?;
    let mut seen = Vec::new();
    for (prefix, _) in ns.other_users.iter().chain(&ns.shared) {
        for m in imap.list(&format!("{prefix}*"))? {
            if !seen
                .iter()
                .any(|x: &imap::ListedMailbox| x.raw_name == m.raw_name)
            {
                seen.push(m);
            }
        }
    }
    let mut out = Vec::new();
    for m in seen {
        let o = sync::origin_of(&m.raw_name, &ns);
        let rights = imap.my_rights(&m.raw_name)?.unwrap_or_default();
        out.push(MailboxInfo {
            name: utf7::decode(&m.raw_name),
            address: mailbox_address(&m.raw_name, o, &ns, &account.user),
            opened: opened_list.contains(&m.raw_name),
            server_name: m.raw_name,
            kind: o,
            rights,
        });
    }
    imap.logout();
    Ok(out)
}

/// Open another user's or a shared mailbox: only where the server grants us read access.
pub fn open_mailbox(
    vault: &mut Vault,
    account: &Account,
    name: &str,
    progress: &mut dyn FnMut(&sync::Progress),
) -> Result<answers::MailboxesAnswer> {
    let raw = utf7::encode(name);
    let mut imap = account.imap()?;
    let ns = imap.namespaces()?;
    let o = sync::origin_of(&raw, &ns);
    if o == Origin::Own {
        imap.logout();
        return Err(Error::invalid(t!(
            cat(),
            "mailbox-open-own-folder",
            name = name
        )));
    }
    let rights = imap.my_rights(&raw)?.unwrap_or_default();
    let denied = || Error::Policy(t!(cat(), "mailbox-no-read-access", name = name));
    if !rights.contains('r') {
        imap.logout();
        return Err(denied());
    }
    match imap.try_select(&raw, true, None) {
        Ok(Ok(_)) => {}
        // The server would not open it: no access, whatever MYRIGHTS said.
        Ok(Err(_)) => {
            imap.logout();
            return Err(denied());
        }
        Err(e) => {
            imap.logout();
            return Err(e);
        }
    }
    imap.logout();
    let mut list = opened(vault)?;
    if !list.contains(&raw) {
        list.push(raw.clone());
        set_opened(vault, &list)?;
    }
    audit::append(
        vault,
        "mail-mailbox-opened",
        serde_json::json!({ "mailbox": name, "rights": rights }),
    )?;
    let report = sync_now(vault, account, Some(vec![raw]), progress)?;
    Ok(answers::MailboxesAnswer::Opened {
        opened: name.to_string(),
        rights,
        sync: Box::new(report),
    })
}

pub fn close_mailbox(vault: &Vault, name: &str) -> Result<()> {
    let raw = utf7::encode(name);
    let mut list = opened(vault)?;
    list.retain(|x| x != &raw);
    set_opened(vault, &list)?;
    let store = MailStore::new(vault);
    for (id, f) in store.folders()? {
        if f.origin != Origin::Own
            && (f.raw_name == raw || f.raw_name.starts_with(&format!("{raw}/")))
        {
            store.transaction(|| store.delete_folder(id))?;
        }
    }
    audit::append(
        vault,
        "mail-mailbox-closed",
        serde_json::json!({ "mailbox": name }),
    )?;
    Ok(())
}

/// Check that the user may send on behalf of `address`: one of the opened mailboxes has it
/// and grants the post right ('p', RFC 4314).
pub fn check_send_on_behalf(vault: &Vault, account: &Account, address: &str) -> Result<()> {
    let (_, wanted) = compose::split_address(address)?;
    if wanted.eq_ignore_ascii_case(&account.user) {
        return Ok(());
    }
    let store = MailStore::new(vault);
    let mut imap = account.imap()?;
    let ns = imap.namespaces()?;
    imap.logout();
    for (_, f) in store.folders()? {
        if f.origin == Origin::Own {
            continue;
        }
        let addr = mailbox_address(&f.raw_name, f.origin, &ns, &account.user);
        if addr.is_some_and(|a| a.eq_ignore_ascii_case(&wanted)) {
            if f.rights.as_deref().is_some_and(|r| r.contains('p')) {
                return Ok(());
            }
            return Err(Error::Policy(t!(
                cat(),
                "mailbox-no-post-right",
                address = wanted.as_str()
            )));
        }
    }
    Err(Error::Policy(t!(
        cat(),
        "mailbox-cannot-send-on-behalf",
        address = wanted
    )))
}

/// Build, queue and try to send; returns the outbox entry and what the send round did.
pub fn send(vault: &mut Vault, account: &Account, draft: &compose::Draft) -> Result<answers::Sent> {
    send_with(vault, account, draft, Vec::new())
}

/// `send` with attachments made in memory (an invitation's text/calendar part) after the
/// draft's stored documents.
pub fn send_with(
    vault: &mut Vault,
    account: &Account,
    draft: &compose::Draft,
    extra: Vec<compose::Attachment>,
) -> Result<answers::Sent> {
    if let Some(addr) = &draft.on_behalf_of {
        check_send_on_behalf(vault, account, addr)?;
    }
    let mut attachments = Vec::new();
    for doc in &draft.attachments {
        let info = kapsel_core::documents::get(vault, doc)?.ok_or_else(|| {
            Error::NotFound(t!(cat(), "mailbox-no-such-document", id = doc.as_str()))
        })?;
        let bytes = vault.blob_reader(&info.blob)?.read_all()?.to_vec();
        attachments.push((info.name, info.media_type, bytes));
    }
    attachments.extend(extra);
    let built = compose::build(draft, &account.user, attachments)?;
    let entry = outbox::queue(vault, &built, &draft.subject)?;
    // Queued is what counts from here: a failing send round must not read as "not sent,
    // try again" (that would send it twice).
    let flush = outbox::flush(vault, account).unwrap_or_else(|e| outbox::FlushReport {
        queued: 1,
        error: Some(e.to_string()),
        ..outbox::FlushReport::default()
    });
    let sent = flush.sent.contains(&entry.id);
    Ok(answers::Sent::Queued {
        outbox: entry.id,
        message_id: built.message_id,
        sent,
        flush,
    })
}

pub const DRAFTS_NS: &str = "mail-drafts";

pub fn save_draft(vault: &Vault, draft: &compose::Draft) -> Result<String> {
    let id = kapsel_core::vault::time_ordered_key();
    vault.put(
        DRAFTS_NS,
        &id,
        &serde_json::to_vec(draft).map_err(|e| Error::Agent(e.to_string()))?,
    )?;
    Ok(id)
}

pub fn drafts(vault: &Vault) -> Result<Vec<(String, compose::Draft)>> {
    let mut out = Vec::new();
    for k in vault.keys_in(DRAFTS_NS)? {
        if let Some(raw) = vault.get(DRAFTS_NS, &k)? {
            let d: compose::Draft = serde_json::from_slice(&raw).map_err(|e| {
                Error::Tampered(t!(cat(), "mailbox-draft-damaged", error = e.to_string()))
            })?;
            out.push((k, d));
        }
    }
    Ok(out)
}

pub fn take_draft(vault: &Vault, id: &str) -> Result<compose::Draft> {
    let raw = vault
        .get(DRAFTS_NS, id)?
        .ok_or_else(|| Error::NotFound(t!(cat(), "mailbox-no-such-draft", id = id)))?;
    serde_json::from_slice(&raw)
        .map_err(|e| Error::Tampered(t!(cat(), "mailbox-draft-damaged", error = e.to_string())))
}
