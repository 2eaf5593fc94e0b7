//! Edits of events, tasks and contacts: applied to the sealed copy at once, queued sealed,
//! and sent to the server in order whenever it can be reached (now, or at the next sync
//! after an outage). A 412 (someone else changed the object meanwhile) is merged field by
//! field against the version the edit was based on; where both sides changed the same
//! field, both versions are kept — the server's in place, ours as a copy — and the user is
//! told. Nothing is lost on the way: an edit leaves the queue only when the server took it.

use chrono_tz::Tz;
use kapsel_core::vault::{Vault, time_ordered_key};
use kapsel_core::{Error, Result};
use kapsel_i18n::{current as cat, t};
use serde::{Deserialize, Serialize};
use url::Url;

use crate::client::Client;
use crate::store::{self, Kind, StoredObject};

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(tag = "op", rename_all = "lowercase")]
pub enum Op {
    /// Create (`if_match` None: the object must not exist yet) or replace.
    Put {
        data: String,
        if_match: Option<String>,
        /// The text the edit started from (for a merge after a 412).
        #[serde(default)]
        base: Option<String>,
    },
    Delete {
        if_match: Option<String>,
    },
}

/// One edit waiting for the server.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Queued {
    pub collection: String,
    pub href: String,
    pub op: Op,
    /// What the user did, for `sync status` ("add event Teambesprechung").
    pub what: String,
    /// Set when the server refused the edit for good; it stays listed, never silently lost.
    #[serde(default)]
    pub failed: Option<String>,
}

impl Queued {
    /// A new object at `href` (it must not exist on the server yet).
    pub fn create(collection: &str, href: String, data: String, what: String) -> Queued {
        Queued::put(collection, href, data, None, None, what)
    }

    /// Write `data` at `href`; `if_match` and `base` are the etag and the text of the
    /// version the edit started from (None for a new object).
    pub fn put(
        collection: &str,
        href: String,
        data: String,
        if_match: Option<String>,
        base: Option<String>,
        what: String,
    ) -> Queued {
        Queued {
            collection: collection.to_string(),
            href,
            op: Op::Put {
                data,
                if_match,
                base,
            },
            what,
            failed: None,
        }
    }

    /// Replace `obj` (the stored version the edit started from) at `href`.
    pub fn replace(
        collection: &str,
        href: String,
        data: String,
        obj: &StoredObject,
        what: String,
    ) -> Queued {
        Queued::put(
            collection,
            href,
            data,
            obj.etag.clone(),
            Some(obj.data.clone()),
            what,
        )
    }

    pub fn delete(
        collection: &str,
        href: String,
        if_match: Option<String>,
        what: String,
    ) -> Queued {
        Queued {
            collection: collection.to_string(),
            href,
            op: Op::Delete { if_match },
            what,
            failed: None,
        }
    }
}

/// Apply an edit locally and queue it, in one transaction.
pub fn apply(vault: &Vault, kind: Kind, edit: Queued, local: Tz) -> Result<()> {
    vault.write_tx(|| {
        match &edit.op {
            Op::Put { data, .. } => {
                let obj = StoredObject::from_server(kind, None, data.clone(), local);
                if let Some(problem) = &obj.problem {
                    return Err(Error::invalid(t!(
                        cat(),
                        "cal-edited-unreadable",
                        problem = problem.as_str()
                    )));
                }
                store::put_object(vault, &edit.collection, &edit.href, &obj)?;
            }
            Op::Delete { .. } => {
                store::delete_object(vault, &edit.collection, &edit.href)?;
            }
        }
        let bytes = serde_json::to_vec(&edit).map_err(|e| Error::Agent(e.to_string()))?;
        vault.put(store::NS_QUEUE, &time_ordered_key(), &bytes)
    })
}

pub fn queued(vault: &Vault) -> Result<Vec<(String, Queued)>> {
    let mut out = Vec::new();
    for key in vault.keys_in(store::NS_QUEUE)? {
        if let Some(bytes) = vault.get(store::NS_QUEUE, &key)? {
            let q: Queued = serde_json::from_slice(&bytes).map_err(|e| {
                Error::Tampered(t!(cat(), "cal-queued-unreadable", error = e.to_string()))
            })?;
            out.push((key, q));
        }
    }
    Ok(out)
}

/// What a replay did.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct Replay {
    pub sent: usize,
    /// Edits merged with a concurrent change on the server.
    pub merged: Vec<String>,
    /// Edits kept as a copy beside the server's version.
    pub kept_both: Vec<String>,
    pub refused: Vec<String>,
    pub pending: usize,
    /// Why the replay stopped early (the server is unreachable).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub offline: Option<String>,
}

fn content_type(kind: Kind) -> &'static str {
    match kind {
        Kind::Calendar => "text/calendar; charset=utf-8",
        Kind::AddressBook => "text/vcard; charset=utf-8",
    }
}

/// Send queued edits for the collections `client` serves, oldest first. A network failure
/// stops the replay (order matters); a refusal marks that edit and goes on.
pub fn replay(client: &mut Client, vault: &Vault, local: Tz) -> Result<Replay> {
    let collections = store::collections(vault)?;
    let mut report = Replay::default();
    for (key, q) in queued(vault)? {
        if q.failed.is_some() {
            report.pending += 1;
            continue;
        }
        let Some(coll) = collections.iter().find(|c| c.id == q.collection) else {
            continue;
        };
        let Ok(coll_url) = Url::parse(&coll.url) else {
            continue;
        };
        if client.resolve(coll_url.as_str()).is_err() {
            // Another server's collection.
            continue;
        }
        if report.offline.is_some() {
            report.pending += 1;
            continue;
        }
        let url = client.resolve(&q.href)?;
        match send_one(client, vault, coll.kind, &q, &url, local) {
            Ok(Outcome::Done) => report.sent += 1,
            Ok(Outcome::Merged) => {
                report.sent += 1;
                report.merged.push(q.what.clone());
            }
            Ok(Outcome::KeptBoth) => {
                report.sent += 1;
                report.kept_both.push(q.what.clone());
            }
            Ok(Outcome::Refused(why)) => {
                report.refused.push(format!("{}: {why}", q.what));
                let mut failed = q.clone();
                failed.failed = Some(why);
                let bytes = serde_json::to_vec(&failed).map_err(|e| Error::Agent(e.to_string()))?;
                vault.put(store::NS_QUEUE, &key, &bytes)?;
                report.pending += 1;
                continue;
            }
            Err(e @ (Error::Network(_) | Error::Tls(_))) => {
                report.offline = Some(e.to_string());
                report.pending += 1;
                continue;
            }
            Err(e) => return Err(e),
        }
        vault.delete(store::NS_QUEUE, &key)?;
    }
    Ok(report)
}

enum Outcome {
    Done,
    Merged,
    KeptBoth,
    Refused(String),
}

fn send_one(
    client: &mut Client,
    vault: &Vault,
    kind: Kind,
    q: &Queued,
    url: &Url,
    local: Tz,
) -> Result<Outcome> {
    match &q.op {
        Op::Delete { if_match } => {
            let mut headers = Vec::new();
            if let Some(etag) = if_match {
                headers.push(("If-Match", etag.as_str()));
            }
            let r = client.send_raw("DELETE", url, &headers, None)?;
            match r.status {
                200..=299 | 404 | 410 => Ok(Outcome::Done),
                // Changed on the server since: the user deleted an older version. Keep the
                // server's (the next sync brings it back) and say so.
                412 => Ok(Outcome::KeptBoth),
                500..=599 => Err(Error::Network(t!(
                    cat(),
                    "cal-server-failed",
                    status = r.status.to_string()
                ))),
                s => Ok(Outcome::Refused(t!(
                    cat(),
                    "cal-server-refused-deletion",
                    status = s.to_string()
                ))),
            }
        }
        Op::Put {
            data,
            if_match,
            base,
        } => {
            let r = put(client, url, kind, data, if_match.as_deref())?;
            match r.status {
                200..=299 => {
                    store_etag(vault, &q.collection, url.path(), r.header("etag"))?;
                    Ok(Outcome::Done)
                }
                412 => resolve_conflict(client, vault, kind, q, url, data, base.as_deref(), local),
                500..=599 => Err(Error::Network(t!(
                    cat(),
                    "cal-server-failed",
                    status = r.status.to_string()
                ))),
                s => Ok(Outcome::Refused(t!(
                    cat(),
                    "cal-server-refused-body",
                    status = s.to_string(),
                    body = kapsel_core::terminal::line(&String::from_utf8_lossy(
                        &r.body[..r.body.len().min(160)]
                    ))
                ))),
            }
        }
    }
}

fn put(
    client: &mut Client,
    url: &Url,
    kind: Kind,
    data: &str,
    if_match: Option<&str>,
) -> Result<kapsel_core::net::http::Response> {
    let mut headers = vec![("Content-Type", content_type(kind))];
    match if_match {
        Some(etag) => headers.push(("If-Match", etag)),
        None => headers.push(("If-None-Match", "*")),
    }
    client.send_raw("PUT", url, &headers, Some(data.as_bytes().to_vec()))
}

fn store_etag(vault: &Vault, collection: &str, href: &str, etag: Option<&str>) -> Result<()> {
    if let Some(mut obj) = store::object(vault, collection, href)? {
        // Without an ETag in the answer the next sync fetches the object again.
        obj.etag = etag.map(str::to_string);
        store::put_object(vault, collection, href, &obj)?;
    }
    Ok(())
}

#[allow(clippy::too_many_arguments)]
fn resolve_conflict(
    client: &mut Client,
    vault: &Vault,
    kind: Kind,
    q: &Queued,
    url: &Url,
    ours: &str,
    base: Option<&str>,
    local: Tz,
) -> Result<Outcome> {
    let r = client.send("GET", url, &[], None)?;
    if r.status == 404 {
        // Deleted on the server meanwhile: ours is the only version; create it again.
        let again = put(client, url, kind, ours, None)?;
        return if again.status / 100 == 2 {
            store_etag(vault, &q.collection, url.path(), again.header("etag"))?;
            Ok(Outcome::Merged)
        } else {
            Ok(Outcome::Refused(t!(
                cat(),
                "cal-server-refused",
                status = again.status.to_string()
            )))
        };
    }
    if r.status != 200 {
        return Err(Error::Network(t!(
            cat(),
            "cal-server-get",
            status = r.status.to_string()
        )));
    }
    let theirs = String::from_utf8_lossy(&r.body).into_owned();
    let their_etag = r.header("etag").map(str::to_string);
    let merged = base.and_then(|b| merge(b, ours, &theirs));
    if let Some(merged) = merged {
        let again = put(client, url, kind, &merged, their_etag.as_deref())?;
        if again.status / 100 == 2 {
            let mut obj = StoredObject::from_server(
                kind,
                again.header("etag").map(str::to_string),
                merged,
                local,
            );
            if again.header("etag").is_none() {
                obj.etag = None;
            }
            store::put_object(vault, &q.collection, url.path(), &obj)?;
            return Ok(Outcome::Merged);
        }
    }
    // Both changed the same field: the server's version stays, ours becomes a copy.
    let copy = as_copy(kind, ours);
    let copy_href = format!(
        "{}/{}.{}",
        url.path().rsplit_once('/').map_or("", |(dir, _)| dir),
        hex::encode(kapsel_core::vault::crypto::random_bytes::<12>()),
        match kind {
            Kind::Calendar => "ics",
            Kind::AddressBook => "vcf",
        }
    );
    let copy_url = client.resolve(&copy_href)?;
    let created = put(client, &copy_url, kind, &copy, None)?;
    if created.status / 100 != 2 {
        return Ok(Outcome::Refused(t!(
            cat(),
            "cal-copy-failed",
            status = created.status.to_string()
        )));
    }
    vault.write_tx(|| {
        store::put_object(
            vault,
            &q.collection,
            url.path(),
            &StoredObject::from_server(kind, their_etag.clone(), theirs.clone(), local),
        )?;
        store::put_object(
            vault,
            &q.collection,
            copy_url.path(),
            &StoredObject::from_server(
                kind,
                created.header("etag").map(str::to_string),
                copy.clone(),
                local,
            ),
        )
    })?;
    Ok(Outcome::KeptBoth)
}

/// Our version as a separate object: a new UID, and the title says it is a copy.
fn as_copy(kind: Kind, ours: &str) -> String {
    let uid = crate::ical::new_uid();
    let title = match kind {
        Kind::Calendar => "SUMMARY",
        Kind::AddressBook => "FN",
    };
    let mut out = String::new();
    let mut in_master = 0;
    for l in unfold(ours) {
        let name = prop_name(&l);
        if name == "BEGIN" {
            in_master += 1;
        } else if name == "END" {
            in_master -= 1;
        }
        let top = in_master == 2 || (kind == Kind::AddressBook && in_master == 1);
        if top && name == "UID" {
            crate::ical::prop_line(&mut out, "UID", &uid);
        } else if top && name == title {
            crate::ical::fold(&mut out, &format!("{l} (conflict copy)"));
        } else {
            crate::ical::fold(&mut out, &l);
        }
    }
    out
}

/// Content lines with folding undone.
fn unfold(text: &str) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    for raw in text.split('\n') {
        let raw = raw.strip_suffix('\r').unwrap_or(raw);
        if let Some(cont) = raw.strip_prefix([' ', '\t'])
            && let Some(last) = lines.last_mut()
        {
            last.push_str(cont);
            continue;
        }
        if !raw.is_empty() {
            lines.push(raw.to_string());
        }
    }
    lines
}

fn prop_name(line: &str) -> String {
    line.split([':', ';'])
        .next()
        .unwrap_or("")
        .to_ascii_uppercase()
}

/// Fields that change with every save and never make a conflict.
const VOLATILE: &[&str] = &["DTSTAMP", "LAST-MODIFIED", "SEQUENCE", "REV", "PRODID"];

/// The master component's properties by name (nested components such as VALARM count as
/// one field), and the lines around it.
struct Split {
    before: Vec<String>,
    fields: Vec<(String, Vec<String>)>,
    after: Vec<String>,
}

fn split(text: &str) -> Option<Split> {
    let lines = unfold(text);
    // The master: the first VEVENT/VTODO without RECURRENCE-ID, or the VCARD.
    let mut start = None;
    let mut i = 0;
    while i < lines.len() {
        let l = lines[i].to_ascii_uppercase();
        if l == "BEGIN:VEVENT" || l == "BEGIN:VTODO" || l == "BEGIN:VCARD" {
            let end_tag = l.replace("BEGIN", "END");
            let end = lines[i..]
                .iter()
                .position(|x| x.eq_ignore_ascii_case(&end_tag))?
                + i;
            let is_override = lines[i..end]
                .iter()
                .any(|x| prop_name(x) == "RECURRENCE-ID");
            if !is_override {
                start = Some((i, end));
                break;
            }
            i = end;
        }
        i += 1;
    }
    let (s, e) = start?;
    let mut fields: Vec<(String, Vec<String>)> = Vec::new();
    let mut j = s + 1;
    while j < e {
        let name = prop_name(&lines[j]);
        if name == "BEGIN" {
            let inner = lines[j].get(6..).unwrap_or("");
            let nested_end = lines[j..e].iter().position(|x| {
                prop_name(x) == "END" && x.get(4..).unwrap_or("").eq_ignore_ascii_case(inner)
            })? + j;
            let key = format!("NESTED:{}", inner.to_ascii_uppercase());
            let block = lines[j..=nested_end].to_vec();
            match fields.iter_mut().find(|(k, _)| *k == key) {
                Some((_, v)) => v.extend(block),
                None => fields.push((key, block)),
            }
            j = nested_end + 1;
            continue;
        }
        match fields.iter_mut().find(|(k, _)| *k == name) {
            Some((_, v)) => v.push(lines[j].clone()),
            None => fields.push((name, vec![lines[j].clone()])),
        }
        j += 1;
    }
    Some(Split {
        before: lines[..=s].to_vec(),
        fields,
        after: lines[e..].to_vec(),
    })
}

/// A three-way merge of the master component, field by field; `None` when both sides
/// changed the same field differently (or a version does not read).
pub fn merge(base: &str, ours: &str, theirs: &str) -> Option<String> {
    let (b, o, t) = (split(base)?, split(ours)?, split(theirs)?);
    let get = |s: &Split, k: &str| {
        s.fields
            .iter()
            .find(|(n, _)| n == k)
            .map(|(_, v)| v.clone())
    };
    let mut names: Vec<String> = t.fields.iter().map(|(n, _)| n.clone()).collect();
    for (n, _) in &o.fields {
        if !names.contains(n) {
            names.push(n.clone());
        }
    }
    let mut merged: Vec<String> = Vec::new();
    for n in names {
        let (bv, ov, tv) = (get(&b, &n), get(&o, &n), get(&t, &n));
        let pick = if VOLATILE.contains(&n.as_str()) || ov == tv || ov == bv {
            tv
        } else if tv == bv {
            ov
        } else {
            return None;
        };
        if let Some(lines) = pick {
            merged.extend(lines);
        }
    }
    let mut out = String::new();
    for l in t.before.iter().chain(merged.iter()).chain(t.after.iter()) {
        crate::ical::fold(&mut out, l);
    }
    Some(out)
}
