//! IMAP's modified UTF-7 for mailbox names (RFC 3501 5.1.3): "Entwürfe" travels as
//! "Entw&APw-rfe". Decoding is forgiving (a broken name stays as sent), encoding is exact.

use base64::Engine as _;

const ALPHABET: base64::alphabet::Alphabet = match base64::alphabet::Alphabet::new(
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+,",
) {
    Ok(a) => a,
    Err(_) => panic!("the modified base64 alphabet is valid"),
};

fn engine() -> base64::engine::GeneralPurpose {
    base64::engine::GeneralPurpose::new(
        &ALPHABET,
        base64::engine::GeneralPurposeConfig::new()
            .with_encode_padding(false)
            .with_decode_padding_mode(base64::engine::DecodePaddingMode::Indifferent)
            .with_decode_allow_trailing_bits(true),
    )
}

/// Server name → display name. Returns the input unchanged if it is not valid mUTF-7.
pub fn decode(name: &str) -> String {
    decode_strict(name).unwrap_or_else(|| name.to_string())
}

fn decode_strict(name: &str) -> Option<String> {
    let mut out = String::with_capacity(name.len());
    let mut rest = name;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        let after = &rest[amp + 1..];
        let dash = after.find('-')?;
        let chunk = &after[..dash];
        if chunk.is_empty() {
            out.push('&');
        } else {
            let bytes = engine().decode(chunk).ok()?;
            if bytes.len() % 2 != 0 {
                return None;
            }
            let units: Vec<u16> = bytes
                .chunks_exact(2)
                .map(|c| u16::from_be_bytes([c[0], c[1]]))
                .collect();
            out.push_str(&String::from_utf16(&units).ok()?);
        }
        rest = &after[dash + 1..];
    }
    out.push_str(rest);
    Some(out)
}

/// Display name → server name.
pub fn encode(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    let mut pending: Vec<u16> = Vec::new();
    let flush = |pending: &mut Vec<u16>, out: &mut String| {
        if pending.is_empty() {
            return;
        }
        let bytes: Vec<u8> = pending.iter().flat_map(|u| u.to_be_bytes()).collect();
        out.push('&');
        out.push_str(&engine().encode(bytes));
        out.push('-');
        pending.clear();
    };
    for c in name.chars() {
        if (' '..='~').contains(&c) {
            flush(&mut pending, &mut out);
            if c == '&' {
                out.push_str("&-");
            } else {
                out.push(c);
            }
        } else {
            let mut buf = [0u16; 2];
            pending.extend_from_slice(c.encode_utf16(&mut buf));
        }
    }
    flush(&mut pending, &mut out);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_umlauts_ampersands_and_astral_characters() {
        assert_eq!(encode("Entwürfe"), "Entw&APw-rfe");
        assert_eq!(decode("Entw&APw-rfe"), "Entwürfe");
        for name in ["A & B", "Grüße/Ärger", "日本語", "📁 Ablage", "plain"] {
            assert_eq!(decode(&encode(name)), name);
        }
    }

    #[test]
    fn broken_names_stay_as_sent() {
        assert_eq!(decode("&AB"), "&AB");
        assert_eq!(decode("&!!!-"), "&!!!-");
    }
}
