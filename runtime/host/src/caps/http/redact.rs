//! Credentials the host injected never come back to the app. A server that echoes request
//! headers (a debugging endpoint, a misconfigured proxy) would otherwise hand the app the
//! `Authorization` header — with Basic, the user's directory password. Every response is
//! searched for each form the secret could take (raw, as `user:password`, base64 in both
//! alphabets, percent-encoded, JSON-escaped) and each occurrence replaced.

use base64::Engine as _;
use zeroize::Zeroizing;

const REPLACEMENT: &[u8] = b"[redacted by Kapsel]";
/// Shorter needles would redact ordinary text; passwords and tokens are longer.
const MIN_SECRET: usize = 6;

#[derive(Default)]
pub struct Secrets {
    needles: Vec<Zeroizing<Vec<u8>>>,
}

fn percent_encode(bytes: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(bytes.len() * 3);
    for &b in bytes {
        if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
            out.push(b);
        } else {
            out.extend_from_slice(format!("%{b:02X}").as_bytes());
        }
    }
    out
}

impl Secrets {
    pub fn is_empty(&self) -> bool {
        self.needles.is_empty()
    }

    /// Add a secret in all the forms a server could echo it in.
    pub fn add(&mut self, secret: &[u8]) {
        let b64 = base64::engine::general_purpose::STANDARD.encode(secret);
        let forms = [
            secret.to_vec(),
            b64.clone().into_bytes(),
            b64.trim_end_matches('=').as_bytes().to_vec(),
            base64::engine::general_purpose::URL_SAFE_NO_PAD
                .encode(secret)
                .into_bytes(),
            b64.replace('/', "\\/").into_bytes(),
            percent_encode(secret),
            serde_json::to_string(&String::from_utf8_lossy(secret))
                .map(|s| s.trim_matches('"').as_bytes().to_vec())
                .unwrap_or_default(),
        ];
        for form in forms {
            if form.len() >= MIN_SECRET && !self.needles.iter().any(|n| **n == form) {
                self.needles.push(Zeroizing::new(form));
            }
        }
        // Longest first, so a longer form is replaced before a shorter one inside it.
        self.needles.sort_by_key(|n| std::cmp::Reverse(n.len()));
    }

    /// Replace every occurrence in `bytes`; how many were found.
    pub fn redact(&self, bytes: &mut Vec<u8>) -> usize {
        let mut hits = 0;
        for needle in &self.needles {
            let (replaced, n) = replace_all(bytes, needle);
            if n > 0 {
                *bytes = replaced;
                hits += n;
            }
        }
        hits
    }

    pub fn redact_text(&self, text: &mut String) -> usize {
        let mut bytes = std::mem::take(text).into_bytes();
        let hits = self.redact(&mut bytes);
        *text = String::from_utf8_lossy(&bytes).into_owned();
        hits
    }
}

/// `bytes` with every `needle` replaced, and how many there were (no copy when none).
fn replace_all(bytes: &[u8], needle: &[u8]) -> (Vec<u8>, usize) {
    // Every response passes here, a large download in 4 MiB pieces: a vectorised search keeps
    // that at memory speed (a window-by-window compare cost seconds for 50 MiB).
    let find = |from: usize| memchr::memmem::find(&bytes[from..], needle).map(|p| from + p);
    let Some(mut at) = find(0) else {
        return (Vec::new(), 0);
    };
    let mut out = Vec::with_capacity(bytes.len());
    let mut from = 0;
    let mut n = 0;
    loop {
        out.extend_from_slice(&bytes[from..at]);
        out.extend_from_slice(REPLACEMENT);
        n += 1;
        from = at + needle.len();
        match find(from) {
            Some(next) => at = next,
            None => break,
        }
    }
    out.extend_from_slice(&bytes[from..]);
    (out, n)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_echoed_form_is_redacted() {
        let mut s = Secrets::default();
        s.add(b"alice@corp.test:S3cret/Pass+word");
        s.add(b"S3cret/Pass+word");
        let b64 =
            base64::engine::general_purpose::STANDARD.encode("alice@corp.test:S3cret/Pass+word");
        let mut body = format!(
            "{{\"headers\":{{\"Authorization\":\"Basic {}\"}},\"raw\":\"S3cret/Pass+word\",\"pct\":\"S3cret%2FPass%2Bword\"}}",
            b64.replace('/', "\\/")
        )
        .into_bytes();
        let hits = s.redact(&mut body);
        let text = String::from_utf8(body).unwrap();
        assert!(hits >= 3, "{hits}: {text}");
        assert!(!text.contains("S3cret"), "{text}");
        assert!(!text.contains(&b64[..20]), "{text}");
        let mut plain = b"nothing to see".to_vec();
        assert_eq!(s.redact(&mut plain), 0);
    }
}
