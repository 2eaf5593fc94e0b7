//! Discovery and sync over CalDAV/CardDAV. Discovery follows RFC 6764 (well-known URL,
//! current-user-principal, home set) and lists every calendar or address book of the user.
//! Sync uses RFC 6578 sync-collection where the server has it and falls back to comparing
//! the collection's ctag and every member's etag where not; changed objects come in
//! multiget batches, and one sync of a collection is written to the vault in one
//! transaction, so a sync cut off half-way leaves the previous state, never half of one.

use std::collections::{BTreeMap, BTreeSet};

use chrono_tz::Tz;
use kapsel_core::vault::Vault;
use kapsel_core::{Error, Result};
use kapsel_dav::request::{self, Data};
use kapsel_dav::{Collection, Kind as DavKind, Multistatus};
use kapsel_i18n::{current as cat, t};
use serde::{Deserialize, Serialize};
use url::Url;

use crate::client::Client;
use crate::store::{self, Kind, StoredCollection, StoredObject};

/// Objects per multiget request: large, because servers answer a multiget in time that
/// grows with the collection, not only with the request (Radicale: 25 requests of 200 took
/// 12 s for 5,000 events); a batch whose answer is too large is halved.
const BATCH: usize = 1000;
const MAX_REDIRECTS: usize = 3;

/// PROPFIND that follows redirects on the same origin (well-known URLs redirect).
fn propfind_follow(
    client: &mut Client,
    url: &Url,
    depth: &str,
    body: &str,
) -> Result<(Url, Option<Multistatus>)> {
    let mut url = url.clone();
    for _ in 0..=MAX_REDIRECTS {
        let response = client.send(
            "PROPFIND",
            &url,
            &[
                ("Depth", depth),
                ("Content-Type", "application/xml; charset=utf-8"),
            ],
            Some(body.as_bytes().to_vec()),
        )?;
        match response.status {
            301 | 302 | 303 | 307 | 308 => {
                let location = response.header("location").unwrap_or_default().to_string();
                url = client.resolve(&location)?;
            }
            207 => {
                let ms =
                    kapsel_dav::parse(&String::from_utf8_lossy(&response.body)).map_err(|e| {
                        Error::Network(t!(cat(), "cal-unreadable-discovery", error = e.to_string()))
                    })?;
                return Ok((url, Some(ms)));
            }
            _ => return Ok((url, None)),
        }
    }
    Err(Error::Network(t!(cat(), "cal-discovery-redirects")))
}

/// Find every collection of `kind` of the user on the server the client talks to.
pub fn discover(client: &mut Client, kind: Kind) -> Result<Vec<(Url, Collection)>> {
    let base = client.base().clone();
    let well_known = match kind {
        Kind::Calendar => "/.well-known/caldav",
        Kind::AddressBook => "/.well-known/carddav",
    };
    let cup = request::current_user_principal();
    // RFC 6764 §5: a bare server URL starts at the well-known URL; a URL with a path is
    // the context path the tenant named.
    let mut found = None;
    if matches!(base.path(), "" | "/") {
        let wk = client.resolve(well_known)?;
        found = propfind_follow(client, &wk, "0", &cup)?.1;
    }
    if found.as_ref().is_none_or(|ms| principal_of(ms).is_none()) {
        found = propfind_follow(client, &base, "0", &cup)?.1;
    }
    let principal = match found.as_ref().and_then(principal_of) {
        Some(href) => client.resolve(&href)?,
        None => base.clone(),
    };
    let (_, homes) = propfind_follow(client, &principal, "0", &request::home_sets())?;
    let home_hrefs: Vec<String> = homes
        .map(|ms| {
            ms.responses
                .iter()
                .flat_map(|r| match kind {
                    Kind::Calendar => r.props.calendar_home_set.clone(),
                    Kind::AddressBook => r.props.addressbook_home_set.clone(),
                })
                .collect()
        })
        .unwrap_or_default();
    let homes: Vec<Url> = if home_hrefs.is_empty() {
        vec![principal]
    } else {
        home_hrefs
            .iter()
            .map(|h| client.resolve(h))
            .collect::<Result<_>>()?
    };
    let want = match kind {
        Kind::Calendar => DavKind::Calendar,
        Kind::AddressBook => DavKind::AddressBook,
    };
    let mut out = Vec::new();
    for home in homes {
        let (_, ms) = propfind_follow(client, &home, "1", &request::collections())?;
        let Some(ms) = ms else {
            return Err(Error::Network(t!(
                cat(),
                "cal-no-collections-listed",
                path = kapsel_core::terminal::line(home.path())
            )));
        };
        for c in Collection::from_responses(&ms) {
            if c.kind == want {
                out.push((client.resolve(&c.href)?, c));
            }
        }
    }
    Ok(out)
}

fn principal_of(ms: &Multistatus) -> Option<String> {
    ms.responses
        .iter()
        .find_map(|r| r.props.current_user_principal.clone())
}

/// Merge what discovery found into the stored list: known collections keep their sync
/// state; those gone from the server are dropped with their objects.
pub fn update_collections(
    vault: &Vault,
    kind: Kind,
    found: Vec<(Url, Collection)>,
) -> Result<Vec<StoredCollection>> {
    let old = store::collections(vault)?;
    let mut list: Vec<StoredCollection> = old.iter().filter(|c| c.kind != kind).cloned().collect();
    let mut seen = BTreeSet::new();
    for (url, c) in found {
        let id = store::collection_id(kind, url.as_str());
        if !seen.insert(id.clone()) {
            continue;
        }
        let previous = old.iter().find(|o| o.id == id);
        list.push(StoredCollection {
            id: id.clone(),
            url: url.to_string(),
            name: c.name,
            kind,
            components: c.components,
            writable: c.writable,
            sync_token: previous.and_then(|p| p.sync_token.clone()),
            ctag: previous.and_then(|p| p.ctag.clone()),
            synced_ms: previous.map_or(0, |p| p.synced_ms),
        });
    }
    for gone in old
        .iter()
        .filter(|o| o.kind == kind && !seen.contains(&o.id))
    {
        store::drop_collection(vault, &gone.id)?;
    }
    store::save_collections(vault, &list)?;
    Ok(list)
}

/// What one sync of one collection did.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct Counts {
    pub added: usize,
    pub changed: usize,
    pub removed: usize,
    /// Objects kept as the server sent them that Kapsel cannot read (malformed, too large).
    pub unreadable: usize,
    /// "sync-collection", "etag" or "unchanged".
    pub method: String,
    /// Where the time went, in milliseconds: asking what changed, fetching the objects
    /// (the server's answer), reading and indexing them, sealing them into the vault.
    #[serde(default)]
    pub ms: Timing,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct Timing {
    pub list: u64,
    pub fetch: u64,
    pub read: u64,
    pub write: u64,
}

fn ms_since(t: std::time::Instant) -> u64 {
    t.elapsed().as_millis() as u64
}

/// Bring one collection up to date with the server.
pub fn sync_collection(
    client: &mut Client,
    vault: &Vault,
    coll: &mut StoredCollection,
    local: Tz,
) -> Result<Counts> {
    let url = Url::parse(&coll.url)
        .map_err(|e| Error::Tampered(t!(cat(), "cal-stored-url", error = e.to_string())))?;
    let known: BTreeMap<String, Option<String>> = store::objects(vault, &coll.id)?
        .into_iter()
        .map(|(h, o)| (h, o.etag))
        .collect();
    let started = std::time::Instant::now();
    let (listed, removed, method, token, ctag) =
        match changes_since(client, &url, coll.sync_token.as_deref())? {
            Some((changed, mut removed, token, full)) => {
                if full {
                    let present: BTreeSet<&String> = changed.iter().map(|(h, _)| h).collect();
                    removed.extend(known.keys().filter(|h| !present.contains(h)).cloned());
                }
                (changed, removed, "sync-collection", token, None)
            }
            None => {
                // No sync-collection: the ctag says whether anything changed at all, the etags
                // which members did.
                let (_, ms) = propfind_follow(client, &url, "0", &request::collection_state())?;
                let ctag = ms
                    .as_ref()
                    .and_then(|m| m.responses.first())
                    .and_then(|r| r.props.ctag.clone());
                if ctag.is_some() && ctag == coll.ctag && !known.is_empty() {
                    coll.synced_ms = kapsel_core::vault::now_ms();
                    return Ok(Counts {
                        method: "unchanged".into(),
                        ..Counts::default()
                    });
                }
                let (_, ms) = propfind_follow(client, &url, "1", &request::member_etags())?;
                let ms = ms.ok_or_else(|| Error::Network(t!(cat(), "cal-no-members-listed")))?;
                let mut listed = Vec::new();
                for r in ms.responses {
                    let href = client.resolve(&r.href)?;
                    if href.path() == url.path() || href.path().ends_with('/') {
                        continue;
                    }
                    listed.push((href.path().to_string(), r.props.etag));
                }
                let present: BTreeSet<&String> = listed.iter().map(|(h, _)| h).collect();
                let removed: Vec<String> = known
                    .keys()
                    .filter(|h| !present.contains(h))
                    .cloned()
                    .collect();
                (listed, removed, "etag", None, ctag)
            }
        };
    // Fetch what is new or has another etag than the stored copy.
    let wanted: Vec<String> = listed
        .iter()
        .filter(|(h, etag)| match known.get(h) {
            None => true,
            Some(stored) => etag.is_none() || stored != etag,
        })
        .map(|(h, _)| h.clone())
        .collect();
    let data = match coll.kind {
        Kind::Calendar => Data::Calendar,
        Kind::AddressBook => Data::AddressBook,
    };
    let list_ms = ms_since(started);
    let mut fetch_ms = 0;
    let mut read_ms = 0;
    let mut fetched: Vec<(String, StoredObject)> = Vec::new();
    let mut gone: Vec<String> = removed;
    let mut pending: Vec<&[String]> = wanted.chunks(BATCH).rev().collect();
    while let Some(batch) = pending.pop() {
        let t = std::time::Instant::now();
        let answer = client.report(&url, Some("1"), request::multiget(data, batch))?;
        fetch_ms += ms_since(t);
        let t = std::time::Instant::now();
        let Some(ms) = answer else {
            if batch.len() == 1 {
                fetched.push((
                    batch[0].clone(),
                    StoredObject {
                        etag: None,
                        data: String::new(),
                        uid: None,
                        problem: Some(t!(cat(), "cal-answer-too-large")),
                        span: None,
                        component: String::new(),
                    },
                ));
            } else {
                let (a, b) = batch.split_at(batch.len() / 2);
                pending.push(b);
                pending.push(a);
            }
            continue;
        };
        for r in ms.responses {
            let href = client.resolve(&r.href)?.path().to_string();
            if r.status == Some(404) {
                gone.push(href);
                continue;
            }
            let body = match coll.kind {
                Kind::Calendar => r.props.calendar_data.clone(),
                Kind::AddressBook => r.props.address_data.clone(),
            };
            let obj = match (body, r.refused) {
                (Some(text), _) => {
                    StoredObject::from_server(coll.kind, r.props.etag.clone(), text, local)
                }
                (None, why) => StoredObject {
                    etag: r.props.etag.clone(),
                    data: String::new(),
                    uid: None,
                    problem: Some(why.unwrap_or_else(|| t!(cat(), "cal-no-data"))),
                    span: None,
                    component: String::new(),
                },
            };
            fetched.push((href, obj));
        }
        read_ms += ms_since(t);
    }
    let mut counts = Counts {
        method: method.into(),
        ..Counts::default()
    };
    let t = std::time::Instant::now();
    vault.write_tx(|| {
        for (href, obj) in &fetched {
            if known.contains_key(href) {
                counts.changed += 1;
            } else {
                counts.added += 1;
            }
            if obj.problem.is_some() {
                counts.unreadable += 1;
            }
            store::put_object(vault, &coll.id, href, obj)?;
        }
        for href in &gone {
            if store::delete_object(vault, &coll.id, href)? {
                counts.removed += 1;
            }
        }
        coll.sync_token = token.clone();
        if ctag.is_some() {
            coll.ctag = ctag.clone();
        }
        coll.synced_ms = kapsel_core::vault::now_ms();
        let mut list = store::collections(vault)?;
        if let Some(c) = list.iter_mut().find(|c| c.id == coll.id) {
            *c = coll.clone();
        }
        store::save_collections(vault, &list)
    })?;
    counts.ms = Timing {
        list: list_ms,
        fetch: fetch_ms,
        read: read_ms,
        write: ms_since(t),
    };
    Ok(counts)
}

/// Changed members with their etags, removed members, the new token, and whether the
/// answer lists the whole collection (an initial sync: whatever it does not list is gone).
type Changes = (
    Vec<(String, Option<String>)>,
    Vec<String>,
    Option<String>,
    bool,
);

/// RFC 6578: the members changed and removed since `token`, and the new token; `None` when
/// the server has no sync-collection. An expired token starts over from the beginning.
fn changes_since(client: &mut Client, url: &Url, token: Option<&str>) -> Result<Option<Changes>> {
    let mut token = token.unwrap_or("").to_string();
    for _ in 0..2 {
        let response = client.send_raw(
            "REPORT",
            url,
            &[("Content-Type", "application/xml; charset=utf-8")],
            Some(request::sync_collection(&token).into_bytes()),
        )?;
        match response.status {
            207 => {
                let ms =
                    kapsel_dav::parse(&String::from_utf8_lossy(&response.body)).map_err(|e| {
                        Error::Network(t!(cat(), "cal-unreadable-sync", error = e.to_string()))
                    })?;
                let mut changed = Vec::new();
                let mut removed = Vec::new();
                for r in ms.responses {
                    let href = client.resolve(&r.href)?;
                    if href.path() == url.path() || href.path().ends_with('/') {
                        continue;
                    }
                    if r.status == Some(404) {
                        removed.push(href.path().to_string());
                    } else {
                        changed.push((href.path().to_string(), r.props.etag));
                    }
                }
                return Ok(Some((changed, removed, ms.sync_token, token.is_empty())));
            }
            // An invalid or expired token (RFC 6578 §3.2: 403 or 409 with valid-sync-token).
            403 | 409 | 412 if !token.is_empty() => token.clear(),
            _ => return Ok(None),
        }
    }
    Ok(None)
}
