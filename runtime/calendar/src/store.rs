//! What the container keeps of the user's calendars, task lists and address books, all
//! sealed in the vault: the collections found by discovery with their sync state (one
//! record), every object as the server sent it with its etag and a small index (one record
//! per object, in one namespace per collection), and the queue of edits not yet on the
//! server. A change from one sync is written in one transaction.

use chrono_tz::Tz;
use kapsel_core::vault::Vault;
use kapsel_core::{Error, Result};
use kapsel_i18n::{current as cat, t};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::ical;

const NS_META: &str = "groupware";
const COLLECTIONS: &str = "collections";
pub const NS_QUEUE: &str = "groupware-queue";
const NS_OBJECTS: &str = "gw:";

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    Calendar,
    AddressBook,
}

/// A calendar or address book and where its sync stands.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct StoredCollection {
    pub id: String,
    /// The URL (absolute) of the collection.
    pub url: String,
    pub name: String,
    pub kind: Kind,
    /// VEVENT, VTODO (empty: the server did not say, so both).
    #[serde(default)]
    pub components: Vec<String>,
    #[serde(default)]
    pub writable: bool,
    /// The RFC 6578 token of the last sync (None: the server has no sync-collection).
    #[serde(default)]
    pub sync_token: Option<String>,
    #[serde(default)]
    pub ctag: Option<String>,
    #[serde(default)]
    pub synced_ms: u64,
}

impl StoredCollection {
    pub fn holds(&self, component: &str) -> bool {
        self.components.is_empty() || self.components.iter().any(|c| c == component)
    }
}

pub fn collection_id(kind: Kind, url: &str) -> String {
    let mut h = Sha256::new();
    h.update(format!("{kind:?}\0{url}").as_bytes());
    hex::encode(&h.finalize()[..8])
}

/// One object and its index.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct StoredObject {
    pub etag: Option<String>,
    pub data: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub uid: Option<String>,
    /// Why the object cannot be read (kept as the server sent it: nothing is lost).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub problem: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub span: Option<ical::Span>,
    /// VEVENT / VTODO / VCARD.
    #[serde(default)]
    pub component: String,
}

impl StoredObject {
    /// Read and index what the server sent for a collection of `kind`.
    pub fn from_server(kind: Kind, etag: Option<String>, data: String, local: Tz) -> StoredObject {
        let mut obj = StoredObject {
            etag,
            data,
            uid: None,
            problem: None,
            span: None,
            component: String::new(),
        };
        match kind {
            Kind::Calendar => match ical::parse(&obj.data) {
                Ok(cal) => {
                    obj.uid = ical::master(&cal).and_then(|m| m.uid()).map(str::to_string);
                    let is_event = cal.components.iter().any(|c| {
                        c.component_type == calcard::icalendar::ICalendarComponentType::VEvent
                    });
                    obj.component = if is_event { "VEVENT" } else { "VTODO" }.into();
                    if is_event {
                        obj.span = Some(ical::span(&cal, local));
                    }
                }
                Err(e) => obj.problem = Some(e),
            },
            Kind::AddressBook => match crate::contacts::parse(&obj.data) {
                Ok(card) => {
                    obj.uid = card.uid().map(str::to_string);
                    obj.component = "VCARD".into();
                }
                Err(e) => obj.problem = Some(e),
            },
        }
        if obj.data.len() > ical::MAX_OBJECT {
            // Too large to keep: the server keeps it, Kapsel keeps a note.
            obj.data = String::new();
        }
        obj
    }
}

pub fn objects_ns(id: &str) -> String {
    format!("{NS_OBJECTS}{id}")
}

/// What a stored record is, for the message when it does not read.
#[derive(Clone, Copy)]
enum Record {
    Collections,
    Object,
}

fn decode<T: for<'de> Deserialize<'de>>(bytes: &[u8], what: Record) -> Result<T> {
    serde_json::from_slice(bytes).map_err(|e| {
        let error = e.to_string();
        Error::Tampered(match what {
            Record::Collections => t!(cat(), "cal-stored-collections-unreadable", error = error),
            Record::Object => t!(cat(), "cal-stored-object-unreadable", error = error),
        })
    })
}

fn encode<T: Serialize>(value: &T) -> Result<Vec<u8>> {
    serde_json::to_vec(value)
        .map_err(|e| Error::Agent(t!(cat(), "cal-cannot-encode", error = e.to_string())))
}

pub fn collections(vault: &Vault) -> Result<Vec<StoredCollection>> {
    match vault.get(NS_META, COLLECTIONS)? {
        Some(bytes) => decode(&bytes, Record::Collections),
        None => Ok(Vec::new()),
    }
}

pub fn save_collections(vault: &Vault, list: &[StoredCollection]) -> Result<()> {
    vault.put(NS_META, COLLECTIONS, &encode(&list)?)
}

pub fn object(vault: &Vault, id: &str, href: &str) -> Result<Option<StoredObject>> {
    match vault.get(&objects_ns(id), href)? {
        Some(bytes) => decode(&bytes, Record::Object).map(Some),
        None => Ok(None),
    }
}

pub fn put_object(vault: &Vault, id: &str, href: &str, obj: &StoredObject) -> Result<()> {
    vault.put(&objects_ns(id), href, &encode(obj)?)
}

pub fn delete_object(vault: &Vault, id: &str, href: &str) -> Result<bool> {
    vault.delete(&objects_ns(id), href)
}

/// Every object of a collection (a record that does not read is an integrity error).
pub fn objects(vault: &Vault, id: &str) -> Result<Vec<(String, StoredObject)>> {
    let ns = objects_ns(id);
    let mut out = Vec::new();
    for href in vault.keys_in(&ns)? {
        if let Some(bytes) = vault.get(&ns, &href)? {
            out.push((href, decode(&bytes, Record::Object)?));
        }
    }
    Ok(out)
}

/// Forget a collection the server no longer has.
pub fn drop_collection(vault: &Vault, id: &str) -> Result<()> {
    let ns = objects_ns(id);
    vault.write_tx(|| {
        for href in vault.keys_in(&ns)? {
            vault.delete(&ns, &href)?;
        }
        Ok(())
    })
}
