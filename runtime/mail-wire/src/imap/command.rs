//! IMAP command arguments: quoting and sequence sets. Commands are built by the client;
//! everything that goes into a command line from elsewhere passes through here.

use crate::{WireError, err};

/// Quote a string argument; names and search words never need literals in our use, so
/// anything with CR/LF is refused rather than sent.
pub fn quote(s: &str) -> Result<String, WireError> {
    if s.bytes().any(|b| b == b'\r' || b == b'\n' || b == 0) {
        return err(format!("{s:?} cannot be sent to IMAP"));
    }
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        if c == '"' || c == '\\' {
            out.push('\\');
        }
        out.push(c);
    }
    out.push('"');
    Ok(out)
}

/// Compress sorted UIDs into an IMAP sequence set ("1:5,9,12:13").
pub fn uid_set(uids: &[u32]) -> String {
    let mut out = String::new();
    let mut i = 0;
    while i < uids.len() {
        let start = uids[i];
        let mut end = start;
        while i + 1 < uids.len() && uids[i + 1] == end.saturating_add(1) {
            i += 1;
            end = uids[i];
        }
        if !out.is_empty() {
            out.push(',');
        }
        if start == end {
            out.push_str(&start.to_string());
        } else {
            out.push_str(&format!("{start}:{end}"));
        }
        i += 1;
    }
    out
}

/// Command tags: `k1`, `k2`, … unique per connection (also across STARTTLS).
#[derive(Debug, Default, Clone, Copy)]
pub struct Tags {
    next: u32,
}

impl Tags {
    pub fn next_tag(&mut self) -> String {
        self.next = self.next.wrapping_add(1);
        format!("k{}", self.next)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uid_sets_compress_runs() {
        assert_eq!(uid_set(&[1, 2, 3, 5, 7, 8]), "1:3,5,7:8");
        assert_eq!(uid_set(&[]), "");
        assert_eq!(uid_set(&[u32::MAX]), u32::MAX.to_string());
    }

    #[test]
    fn quoting_escapes_and_refuses_line_breaks() {
        assert_eq!(quote("a\"b\\c").unwrap(), "\"a\\\"b\\\\c\"");
        assert!(quote("a\r\nb").is_err());
    }

    #[test]
    fn tags_are_unique() {
        let mut t = Tags::default();
        assert_eq!(
            (t.next_tag(), t.next_tag()),
            ("k1".to_string(), "k2".to_string())
        );
    }
}
