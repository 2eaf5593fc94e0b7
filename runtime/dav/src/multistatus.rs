//! Multistatus answers (RFC 4918 §13) to PROPFIND and REPORT, read into types. Only the
//! properties a 2xx propstat carries count; a member the server removed since the last sync
//! arrives as a response with status 404 (RFC 6578 §3.5.2).

use roxmltree::{Document, Node, ParsingOptions};

use crate::Error;
use crate::ns::{CALDAV, CALSERVER, CARDDAV, DAV};

/// The largest answer read at all (a multiget of thousands of events fits easily).
pub const MAX_DOCUMENT: usize = 64 * 1024 * 1024;
/// The most XML nodes one answer may have.
const MAX_NODES: u32 = 4_000_000;
/// The largest single calendar object or vCard kept; a larger one is refused by name.
pub const MAX_OBJECT: usize = 1024 * 1024;
/// The longest href, etag, token or name.
const MAX_SHORT: usize = 8 * 1024;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Collection,
    Calendar,
    AddressBook,
    Principal,
}

/// The properties of one resource, as far as the server sent them with a 2xx status.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Props {
    pub kinds: Vec<Kind>,
    pub display_name: Option<String>,
    pub etag: Option<String>,
    pub ctag: Option<String>,
    pub sync_token: Option<String>,
    pub content_type: Option<String>,
    pub current_user_principal: Option<String>,
    pub calendar_home_set: Vec<String>,
    pub addressbook_home_set: Vec<String>,
    /// `supported-calendar-component-set`: VEVENT, VTODO, …
    pub components: Vec<String>,
    pub calendar_data: Option<String>,
    pub address_data: Option<String>,
    /// From `current-user-privilege-set`: may we write into it? (`None`: not sent.)
    pub writable: Option<bool>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Response {
    pub href: String,
    /// The status of the whole response, when it has one instead of propstats (404: gone).
    pub status: Option<u16>,
    pub props: Props,
    /// Why something of this response was not kept (e.g. an object over `MAX_OBJECT`).
    pub refused: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Multistatus {
    pub responses: Vec<Response>,
    /// The new token of a sync-collection report.
    pub sync_token: Option<String>,
}

/// A calendar or address book as discovery found it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Collection {
    pub href: String,
    pub name: String,
    pub kind: Kind,
    pub components: Vec<String>,
    pub sync_token: Option<String>,
    pub ctag: Option<String>,
    pub writable: bool,
}

impl Collection {
    /// The calendars and address books among the responses of a `Depth: 1` PROPFIND.
    pub fn from_responses(ms: &Multistatus) -> Vec<Collection> {
        ms.responses
            .iter()
            .filter_map(|r| {
                let kind = if r.props.kinds.contains(&Kind::Calendar) {
                    Kind::Calendar
                } else if r.props.kinds.contains(&Kind::AddressBook) {
                    Kind::AddressBook
                } else {
                    return None;
                };
                Some(Collection {
                    href: r.href.clone(),
                    name: r
                        .props
                        .display_name
                        .clone()
                        .filter(|n| !n.trim().is_empty())
                        .unwrap_or_else(|| last_segment(&r.href)),
                    kind,
                    components: r.props.components.clone(),
                    sync_token: r.props.sync_token.clone(),
                    ctag: r.props.ctag.clone(),
                    writable: r.props.writable.unwrap_or(true),
                })
            })
            .collect()
    }
}

fn last_segment(href: &str) -> String {
    href.trim_end_matches('/')
        .rsplit('/')
        .next()
        .unwrap_or(href)
        .to_string()
}

fn is(node: &Node, ns: &str, name: &str) -> bool {
    node.is_element() && node.has_tag_name((ns, name))
}

fn child<'a, 'i>(node: &Node<'a, 'i>, ns: &str, name: &str) -> Option<Node<'a, 'i>> {
    node.children().find(|c| is(c, ns, name))
}

/// All text below a node (CDATA and entities already merged by the parser).
fn text(node: &Node) -> String {
    node.descendants()
        .filter(|d| d.is_text())
        .filter_map(|d| d.text())
        .collect()
}

fn short(node: &Node, what: &str) -> Result<String, Error> {
    let t = text(node);
    let t = t.trim();
    if t.len() > MAX_SHORT {
        return Err(Error(format!(
            "the server sent a {what} of {} bytes (at most {MAX_SHORT})",
            t.len()
        )));
    }
    Ok(t.to_string())
}

fn hrefs(node: &Node) -> Result<Vec<String>, Error> {
    node.children()
        .filter(|c| is(c, DAV, "href"))
        .map(|h| short(&h, "href"))
        .collect()
}

/// `HTTP/1.1 404 Not Found` → 404.
fn status_code(node: &Node) -> Option<u16> {
    text(node).split_whitespace().nth(1)?.parse().ok()
}

/// Parse a multistatus answer.
pub fn parse(body: &str) -> Result<Multistatus, Error> {
    if body.len() > MAX_DOCUMENT {
        return Err(Error(format!(
            "the server's answer is {} bytes (at most {MAX_DOCUMENT})",
            body.len()
        )));
    }
    let opts = ParsingOptions {
        allow_dtd: false,
        nodes_limit: MAX_NODES,
    };
    let doc = Document::parse_with_options(body, opts)
        .map_err(|e| Error(format!("the server's answer is not well-formed XML: {e}")))?;
    let root = doc.root_element();
    if !is(&root, DAV, "multistatus") {
        return Err(Error(format!(
            "the server answered with <{}> where a DAV multistatus belongs",
            root.tag_name().name()
        )));
    }
    let mut ms = Multistatus::default();
    for node in root.children().filter(|n| n.is_element()) {
        if is(&node, DAV, "sync-token") {
            ms.sync_token = Some(short(&node, "sync token")?);
        } else if is(&node, DAV, "response") {
            ms.responses.push(response(&node)?);
        }
    }
    Ok(ms)
}

fn response(node: &Node) -> Result<Response, Error> {
    let href = child(node, DAV, "href")
        .ok_or_else(|| Error("a response of the server's answer has no href".into()))?;
    let mut r = Response {
        href: short(&href, "href")?,
        status: child(node, DAV, "status").and_then(|s| status_code(&s)),
        ..Response::default()
    };
    for propstat in node.children().filter(|c| is(c, DAV, "propstat")) {
        let ok = child(&propstat, DAV, "status")
            .and_then(|s| status_code(&s))
            .is_some_and(|c| (200..300).contains(&c));
        if !ok {
            continue;
        }
        if let Some(prop) = child(&propstat, DAV, "prop") {
            props(&prop, &mut r)?;
        }
    }
    Ok(r)
}

fn object(node: &Node, what: &str, r: &mut Response) -> Option<String> {
    let t = text(node);
    if t.len() > MAX_OBJECT {
        r.refused = Some(format!(
            "the {what} at {} is {} bytes (at most {MAX_OBJECT})",
            r.href,
            t.len()
        ));
        return None;
    }
    (!t.trim().is_empty()).then_some(t)
}

fn props(prop: &Node, r: &mut Response) -> Result<(), Error> {
    for p in prop.children().filter(|n| n.is_element()) {
        let tag = p.tag_name();
        match (tag.namespace().unwrap_or(""), tag.name()) {
            (DAV, "resourcetype") => {
                for k in p.children().filter(|n| n.is_element()) {
                    let kind = match (k.tag_name().namespace().unwrap_or(""), k.tag_name().name()) {
                        (DAV, "collection") => Kind::Collection,
                        (DAV, "principal") => Kind::Principal,
                        (CALDAV, "calendar") => Kind::Calendar,
                        (CARDDAV, "addressbook") => Kind::AddressBook,
                        _ => continue,
                    };
                    r.props.kinds.push(kind);
                }
            }
            (DAV, "displayname") => r.props.display_name = Some(short(&p, "display name")?),
            (DAV, "getetag") => r.props.etag = Some(short(&p, "etag")?),
            (DAV, "sync-token") => r.props.sync_token = Some(short(&p, "sync token")?),
            (DAV, "getcontenttype") => r.props.content_type = Some(short(&p, "content type")?),
            (CALSERVER, "getctag") => r.props.ctag = Some(short(&p, "ctag")?),
            (DAV, "current-user-principal") => {
                r.props.current_user_principal = hrefs(&p)?.into_iter().next();
            }
            (CALDAV, "calendar-home-set") => r.props.calendar_home_set = hrefs(&p)?,
            (CARDDAV, "addressbook-home-set") => r.props.addressbook_home_set = hrefs(&p)?,
            (CALDAV, "supported-calendar-component-set") => {
                r.props.components = p
                    .children()
                    .filter(|c| is(c, CALDAV, "comp"))
                    .filter_map(|c| c.attribute("name"))
                    .map(|n| n.chars().take(64).collect())
                    .collect();
            }
            (DAV, "current-user-privilege-set") => {
                let names: Vec<&str> = p
                    .descendants()
                    .filter(|d| d.is_element() && d.tag_name().namespace() == Some(DAV))
                    .map(|d| d.tag_name().name())
                    .collect();
                r.props.writable = Some(
                    names
                        .iter()
                        .any(|n| matches!(*n, "all" | "write" | "write-content" | "bind")),
                );
            }
            (CALDAV, "calendar-data") => r.props.calendar_data = object(&p, "calendar object", r),
            (CARDDAV, "address-data") => r.props.address_data = object(&p, "vCard", r),
            _ => {}
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests;
