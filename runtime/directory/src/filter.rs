//! Search filters (RFC 4515) from what the user typed: every byte of the input is escaped,
//! so `*)(mail=*` is a literal text and can never widen or change the filter. No I/O.

use kapsel_core::policy::DirectoryAttributes;
use kapsel_core::{Error, Result};
use kapsel_i18n::{current as cat, t};
use serde::{Deserialize, Serialize};

/// The longest text a search takes (a name, an address, a number).
const MAX_QUERY_CHARS: usize = 128;

/// Which fields a search looks in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum Field {
    /// Name, mail address, login and phone numbers.
    #[default]
    Any,
    Name,
    Mail,
    Phone,
    Department,
    /// The login (`sAMAccountName`) or `userPrincipalName`, exactly.
    Login,
}

impl std::str::FromStr for Field {
    type Err = Error;
    fn from_str(s: &str) -> Result<Field> {
        Ok(match s {
            "any" => Field::Any,
            "name" => Field::Name,
            "mail" => Field::Mail,
            "phone" => Field::Phone,
            "department" => Field::Department,
            "login" => Field::Login,
            other => {
                return Err(Error::invalid(t!(
                    cat(),
                    "ldap-unknown-field",
                    field = format!("{other:?}")
                )));
            }
        })
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Query {
    pub text: String,
    #[serde(default)]
    pub field: Field,
}

fn escape(text: &str) -> String {
    ldap3::ldap_escape(text).into_owned()
}

/// The filter for a query: people only, the text escaped, substring or exact per field.
pub fn build(query: &Query, attrs: &DirectoryAttributes) -> Result<String> {
    let text = query.text.trim();
    if text.is_empty() {
        return Err(Error::invalid(t!(cat(), "ldap-query-empty")));
    }
    if text.chars().count() > MAX_QUERY_CHARS {
        return Err(Error::invalid(t!(
            cat(),
            "ldap-query-too-long",
            max = MAX_QUERY_CHARS.to_string()
        )));
    }
    if text.chars().any(char::is_control) {
        return Err(Error::invalid(t!(cat(), "ldap-query-control")));
    }
    let t = escape(text);
    let contains = |a: &str| format!("({a}=*{t}*)");
    let starts = |a: &str| format!("({a}={t}*)");
    let exact = |a: &str| format!("({a}={t})");
    // A number is looked for in the phone fields only, a name everywhere else: a substring
    // term on an attribute the server has no index for scans the whole directory.
    let number = text
        .chars()
        .all(|c| c.is_ascii_digit() || " +-/()".contains(c));
    let terms: Vec<String> = match query.field {
        Field::Any if number => vec![contains(&attrs.phone), contains(&attrs.mobile)],
        Field::Any => vec![
            contains(&attrs.display_name),
            starts(&attrs.given_name),
            starts(&attrs.surname),
            starts(&attrs.mail),
            starts(&attrs.login),
        ],
        Field::Name => vec![
            contains(&attrs.display_name),
            starts(&attrs.given_name),
            starts(&attrs.surname),
        ],
        Field::Mail => vec![starts(&attrs.mail), starts(&attrs.upn)],
        Field::Phone => vec![contains(&attrs.phone), contains(&attrs.mobile)],
        Field::Department => vec![starts(&attrs.department)],
        Field::Login => vec![exact(&attrs.login), exact(&attrs.upn)],
    };
    Ok(format!("(&(objectClass=person)(|{}))", terms.concat()))
}

/// The filter that finds the entry of a login (for binding as the user).
pub fn login(login: &str, attrs: &DirectoryAttributes) -> String {
    let t = escape(login);
    format!(
        "(&(objectClass=person)(|({}={t})({}={t})({}={t})))",
        attrs.upn, attrs.mail, attrs.login
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn q(text: &str, field: Field) -> Result<String> {
        build(
            &Query {
                text: text.into(),
                field,
            },
            &DirectoryAttributes::default(),
        )
    }

    #[test]
    fn an_injection_stays_a_literal_text() {
        let f = q("*)(mail=*", Field::Mail).unwrap();
        assert_eq!(
            f,
            r"(&(objectClass=person)(|(mail=\2a\29\28mail=\2a*)(userPrincipalName=\2a\29\28mail=\2a*)))"
        );
        // Every ( and ) in the filter is ours: the input added none.
        let f = q(r"x)(|(objectClass=*))\", Field::Login).unwrap();
        assert_eq!(f.matches('(').count(), f.matches(')').count());
        assert!(f.contains(r"x\29\28|\28objectClass=\2a\29\29\5c"), "{f}");
        // The parsed filter has exactly the shape we built.
        assert!(ldap3::parse_filter(&f).is_ok());
    }

    #[test]
    fn umlauts_pass_and_bad_input_is_refused_with_a_reason() {
        let f = q("Müller", Field::Name).unwrap();
        assert!(f.contains("(sn=Müller*)"), "{f}");
        assert!(ldap3::parse_filter(&f).is_ok());
        assert!(
            q("   ", Field::Any)
                .unwrap_err()
                .to_string()
                .contains("type a name")
        );
        assert!(q(&"a".repeat(200), Field::Any).is_err());
        assert!(q("a\u{1b}[2J", Field::Any).is_err());
        assert!("everything".parse::<Field>().is_err());
        let f = q("+49 30 100", Field::Any).unwrap();
        assert!(
            f.contains("(telephoneNumber=*+49 30 100*)") && !f.contains("mail="),
            "{f}"
        );
    }

    #[test]
    fn the_login_filter_is_escaped_too() {
        let f = login("*", &DirectoryAttributes::default());
        assert!(!f.contains("=*)"), "{f}");
    }
}
