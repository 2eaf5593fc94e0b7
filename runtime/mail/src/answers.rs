//! What the mail module answers the session agent, one type per request, so the agent and
//! every client (the CLI, the terminal shell) read fields, never JSON by key. The wire
//! shape of each is its serde form; [`MailAnswer`] carries whichever one a request produced.

use serde::{Deserialize, Serialize};

use crate::autoreply::OutOfOffice;
use crate::compose::Draft;
use crate::outbox::{Entry, FlushReport};
use crate::schedule::Schedule;
use crate::service::SyncStatus;
use crate::sync::SyncReport;
use crate::{FolderView, ListItem, MailboxInfo, Read};
use kapsel_core::documents::DocumentInfo;
use kapsel_core::policy::SyncBounds;

/// `sync now`: what the round did, and the outbox after it.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Synced {
    #[serde(flatten)]
    pub report: SyncReport,
    pub outbox: FlushReport,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct MailStatus {
    pub sync: SyncStatus,
    /// Messages waiting in the outbox.
    pub outbox: usize,
    pub schedule: Schedule,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ScheduleAnswer {
    pub schedule: Schedule,
    pub tenant_bounds: SyncBounds,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SearchAnswer {
    pub hits: Vec<ListItem>,
    pub micros: u64,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Flagged {
    pub id: i64,
    pub flag: String,
    pub on: bool,
    pub changed: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Moved {
    pub moved: i64,
    pub to: String,
}

/// A message handed to the outbox (and perhaps sent at once), or kept as a draft.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Sent {
    Draft {
        draft: String,
    },
    Queued {
        outbox: String,
        message_id: String,
        sent: bool,
        flush: FlushReport,
    },
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct DraftEntry {
    pub id: String,
    pub draft: Draft,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(untagged)]
pub enum OutboxAnswer {
    Retried { retried: String, flush: FlushReport },
    Discarded { discarded: String },
    List(Vec<Entry>),
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(untagged)]
pub enum MailboxesAnswer {
    Opened {
        opened: String,
        rights: String,
        sync: Box<Synced>,
    },
    Closed {
        closed: String,
    },
    List(Vec<MailboxInfo>),
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct OofAnswer {
    pub out_of_office: Option<OutOfOffice>,
}

/// Whatever a mail request produced.
#[derive(Debug, Clone, Serialize)]
#[serde(untagged)]
pub enum MailAnswer {
    Synced(Synced),
    Status(MailStatus),
    Schedule(ScheduleAnswer),
    Folders(Vec<FolderView>),
    List(Vec<ListItem>),
    Read(Box<Read>),
    Search(SearchAnswer),
    Flagged(Flagged),
    Moved(Moved),
    Attachment(DocumentInfo),
    Sent(Sent),
    Drafts(Vec<DraftEntry>),
    Outbox(OutboxAnswer),
    Mailboxes(MailboxesAnswer),
    Oof(OofAnswer),
}
