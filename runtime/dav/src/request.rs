//! The XML bodies of the requests: PROPFIND for discovery and collection listing, REPORT for
//! sync-collection and multiget. Every href is escaped; nothing else in them comes from a
//! server or a user.

/// Escape text for an XML element or attribute.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            c => out.push(c),
        }
    }
    out
}

const HEAD: &str = r#"<?xml version="1.0" encoding="utf-8"?>"#;

/// Step 1 of discovery (RFC 6764 §6): who am I? `Depth: 0` on the well-known URL or the
/// configured one.
pub fn current_user_principal() -> String {
    format!(
        r#"{HEAD}<d:propfind xmlns:d="DAV:"><d:prop><d:current-user-principal/></d:prop></d:propfind>"#
    )
}

/// Step 2: where are my calendars and address books? `Depth: 0` on the principal.
pub fn home_sets() -> String {
    format!(
        r#"{HEAD}<d:propfind xmlns:d="DAV:" xmlns:c="urn:ietf:params:xml:ns:caldav" xmlns:a="urn:ietf:params:xml:ns:carddav"><d:prop><c:calendar-home-set/><a:addressbook-home-set/><d:displayname/></d:prop></d:propfind>"#
    )
}

/// Step 3: the collections in a home set. `Depth: 1` on the home. No sync-token or ctag
/// here: a server may compute them by reading every object (Radicale: 2 s for 5,000), and
/// the sync asks the one collection it syncs (`collection_state`).
pub fn collections() -> String {
    format!(
        r#"{HEAD}<d:propfind xmlns:d="DAV:" xmlns:c="urn:ietf:params:xml:ns:caldav"><d:prop><d:resourcetype/><d:displayname/><c:supported-calendar-component-set/><d:current-user-privilege-set/></d:prop></d:propfind>"#
    )
}

/// A collection's change tags (`Depth: 0`): the ctag, for servers without sync-collection.
pub fn collection_state() -> String {
    format!(
        r#"{HEAD}<d:propfind xmlns:d="DAV:" xmlns:cs="http://calendarserver.org/ns/"><d:prop><d:sync-token/><cs:getctag/></d:prop></d:propfind>"#
    )
}

/// The etags of every member (the fallback when a server has no sync-collection). `Depth: 1`.
pub fn member_etags() -> String {
    format!(
        r#"{HEAD}<d:propfind xmlns:d="DAV:"><d:prop><d:getetag/><d:getcontenttype/></d:prop></d:propfind>"#
    )
}

/// RFC 6578 sync-collection: changes since `token` (empty: the first sync). `Depth` is not
/// sent; the level is in the body.
pub fn sync_collection(token: &str) -> String {
    format!(
        r#"{HEAD}<d:sync-collection xmlns:d="DAV:"><d:sync-token>{}</d:sync-token><d:sync-level>1</d:sync-level><d:prop><d:getetag/></d:prop></d:sync-collection>"#,
        escape(token)
    )
}

/// Which kind of objects a multiget asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Data {
    Calendar,
    AddressBook,
}

/// calendar-multiget / addressbook-multiget: the objects at `hrefs` with their etags.
pub fn multiget(data: Data, hrefs: &[String]) -> String {
    let (root, ns, prop) = match data {
        Data::Calendar => (
            "calendar-multiget",
            "urn:ietf:params:xml:ns:caldav",
            "calendar-data",
        ),
        Data::AddressBook => (
            "addressbook-multiget",
            "urn:ietf:params:xml:ns:carddav",
            "address-data",
        ),
    };
    let mut body = format!(
        r#"{HEAD}<x:{root} xmlns:d="DAV:" xmlns:x="{ns}"><d:prop><d:getetag/><x:{prop}/></d:prop>"#
    );
    for h in hrefs {
        body.push_str("<d:href>");
        body.push_str(&escape(h));
        body.push_str("</d:href>");
    }
    body.push_str(&format!("</x:{root}>"));
    body
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bodies_are_well_formed_and_hrefs_are_escaped() {
        let hostile = vec!["/cal/a&b<c>\"'.ics".to_string()];
        let bodies = [
            current_user_principal(),
            home_sets(),
            collections(),
            collection_state(),
            member_etags(),
            sync_collection("http://x/sync/1?a=1&b=<2>"),
            multiget(Data::Calendar, &hostile),
            multiget(Data::AddressBook, &hostile),
        ];
        for b in &bodies {
            let doc = roxmltree::Document::parse(b).unwrap_or_else(|e| panic!("{e}: {b}"));
            assert_eq!(
                doc.root_element().tag_name().namespace(),
                Some(if b.contains("multiget") {
                    if b.contains("calendar") {
                        crate::ns::CALDAV
                    } else {
                        crate::ns::CARDDAV
                    }
                } else {
                    crate::ns::DAV
                })
            );
        }
        let doc = roxmltree::Document::parse(&bodies[6]).unwrap();
        let href = doc
            .descendants()
            .find(|n| n.has_tag_name((crate::ns::DAV, "href")))
            .and_then(|n| n.text());
        assert_eq!(href, Some(hostile[0].as_str()));
    }
}
