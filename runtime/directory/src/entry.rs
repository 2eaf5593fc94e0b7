//! Search result entries read without trusting the server: ldap3's own `SearchEntry::construct`
//! panics on a malformed entry, so the BER structure is walked here and anything unexpected
//! is skipped. Values are kept to a bounded length and the attribute map of the policy decides
//! which field each lands in.

use kapsel_core::policy::DirectoryAttributes;
use ldap3::asn1::{PL, StructureTag, TagClass};
use serde::{Deserialize, Serialize};

/// The longest value kept of one attribute (longer ones are cut at a character boundary).
const MAX_VALUE_CHARS: usize = 512;
/// SearchResultEntry, `[APPLICATION 4]` (RFC 4511 §4.5.2).
const SEARCH_RESULT_ENTRY: u64 = 4;

/// One person from the directory, as the tenant's attribute map names the fields.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Person {
    pub dn: String,
    pub display_name: Option<String>,
    pub given_name: Option<String>,
    pub surname: Option<String>,
    pub mail: Option<String>,
    pub phone: Option<String>,
    pub mobile: Option<String>,
    pub department: Option<String>,
    pub title: Option<String>,
    pub office: Option<String>,
    pub manager: Option<String>,
    pub company: Option<String>,
    pub login: Option<String>,
    pub upn: Option<String>,
}

impl Person {
    /// The best name to show: display name, else given name and surname, else the DN.
    pub fn name(&self) -> String {
        if let Some(n) = &self.display_name {
            return n.clone();
        }
        match (&self.given_name, &self.surname) {
            (Some(g), Some(s)) => format!("{g} {s}"),
            (None, Some(s)) => s.clone(),
            _ => self.dn.clone(),
        }
    }

    fn slot(&mut self, field: &str) -> Option<&mut Option<String>> {
        Some(match field {
            "display_name" => &mut self.display_name,
            "given_name" => &mut self.given_name,
            "surname" => &mut self.surname,
            "mail" => &mut self.mail,
            "phone" => &mut self.phone,
            "mobile" => &mut self.mobile,
            "department" => &mut self.department,
            "title" => &mut self.title,
            "office" => &mut self.office,
            "manager" => &mut self.manager,
            "company" => &mut self.company,
            "login" => &mut self.login,
            "upn" => &mut self.upn,
            _ => return None,
        })
    }
}

fn primitive(t: &StructureTag) -> Option<&[u8]> {
    match &t.payload {
        PL::P(bytes) => Some(bytes),
        PL::C(_) => None,
    }
}

fn constructed(t: &StructureTag) -> Option<&[StructureTag]> {
    match &t.payload {
        PL::C(items) => Some(items),
        PL::P(_) => None,
    }
}

fn text(bytes: &[u8]) -> Option<String> {
    let s = std::str::from_utf8(bytes).ok()?;
    Some(match s.char_indices().nth(MAX_VALUE_CHARS) {
        Some((cut, _)) => s[..cut].to_string(),
        None => s.to_string(),
    })
}

/// The DN of a result entry, or `None` when it is not a well-formed entry.
pub fn dn(tag: &StructureTag) -> Option<String> {
    let items = entry_items(tag)?;
    let dn = std::str::from_utf8(primitive(items.first()?)?).ok()?;
    Some(dn.to_string())
}

fn entry_items(tag: &StructureTag) -> Option<&[StructureTag]> {
    if tag.class != TagClass::Application || tag.id != SEARCH_RESULT_ENTRY {
        return None;
    }
    constructed(tag)
}

/// A result entry as a person, or `None` when it is not a well-formed entry (skipped).
pub fn person(tag: &StructureTag, attrs: &DirectoryAttributes) -> Option<Person> {
    let items = entry_items(tag)?;
    let mut p = Person {
        dn: dn(tag)?,
        ..Person::default()
    };
    for attribute in constructed(items.get(1)?)? {
        let Some([name, values]) = constructed(attribute) else {
            continue;
        };
        let (Some(name), Some(values)) = (primitive(name), constructed(values)) else {
            continue;
        };
        let Ok(name) = std::str::from_utf8(name) else {
            continue;
        };
        // Attribute names compare without case (RFC 4512 §2.5).
        for (field, attr) in attrs.fields() {
            if !attr.eq_ignore_ascii_case(name) {
                continue;
            }
            let first = values.iter().filter_map(primitive).find_map(text);
            if let (Some(slot), Some(v)) = (p.slot(field), first)
                && slot.is_none()
            {
                *slot = Some(v);
            }
        }
    }
    Some(p)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(bytes: &[u8]) -> StructureTag {
        StructureTag {
            class: TagClass::Universal,
            id: 4,
            payload: PL::P(bytes.to_vec()),
        }
    }
    fn c(class: TagClass, id: u64, items: Vec<StructureTag>) -> StructureTag {
        StructureTag {
            class,
            id,
            payload: PL::C(items),
        }
    }
    fn seq(items: Vec<StructureTag>) -> StructureTag {
        c(TagClass::Universal, 16, items)
    }
    fn attr(name: &str, values: &[&[u8]]) -> StructureTag {
        seq(vec![
            p(name.as_bytes()),
            c(
                TagClass::Universal,
                17,
                values.iter().map(|v| p(v)).collect(),
            ),
        ])
    }

    #[test]
    fn a_well_formed_entry_maps_through_the_attribute_names() {
        let tag = c(
            TagClass::Application,
            4,
            vec![
                p(b"cn=Bob Berger,ou=Users,dc=corp,dc=test"),
                seq(vec![
                    attr("DISPLAYNAME", &[b"Berger, Bob"]),
                    attr("mail", &[b"bob@corp.test", b"second@corp.test"]),
                    attr("telephoneNumber", &[&[0xff, 0xfe], b"+49 30 1"]),
                    attr("unasked", &[b"x"]),
                ]),
            ],
        );
        let who = person(&tag, &DirectoryAttributes::default()).unwrap();
        assert_eq!(who.display_name.as_deref(), Some("Berger, Bob"));
        assert_eq!(who.mail.as_deref(), Some("bob@corp.test"));
        assert_eq!(
            who.phone.as_deref(),
            Some("+49 30 1"),
            "non-UTF-8 values are skipped"
        );
        assert_eq!(who.name(), "Berger, Bob");
    }

    #[test]
    fn malformed_entries_are_skipped_not_panicked_on() {
        let attrs = DirectoryAttributes::default();
        let bad = [
            p(b"just bytes"),
            c(TagClass::Application, 4, vec![]),
            c(TagClass::Application, 4, vec![seq(vec![])]),
            c(TagClass::Application, 4, vec![p(&[0xff]), seq(vec![])]),
            c(TagClass::Application, 5, vec![p(b"cn=x"), seq(vec![])]),
        ];
        for tag in &bad {
            assert!(person(tag, &attrs).is_none(), "{tag:?}");
        }
        // Damaged attributes inside a good entry are skipped one by one.
        let tag = c(
            TagClass::Application,
            4,
            vec![
                p(b"cn=x"),
                seq(vec![
                    p(b"not a sequence"),
                    seq(vec![p(b"mail")]),
                    seq(vec![p(&[0xc3]), seq(vec![])]),
                    attr("mail", &[&"a".repeat(5000).into_bytes()]),
                ]),
            ],
        );
        let who = person(&tag, &attrs).unwrap();
        assert_eq!(who.mail.map(|m| m.len()), Some(MAX_VALUE_CHARS));
    }
}
