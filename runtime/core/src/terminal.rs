//! The one way text from elsewhere (an app, a server, a mail, a file name, a manifest)
//! reaches a terminal. Terminals obey escape sequences: ESC and the C1 controls can clear the
//! screen, move the cursor to hide lines, rename the window or — OSC 52 — write the system
//! clipboard, which would defeat "no copy out". Bidirectional overrides can make
//! `invoice_<U+202E>txt.exe` read as a text file. So every control character and every bidi
//! control is shown visibly instead of being obeyed: C0 as its Unicode control picture
//! (ESC → ␛), DEL as ␡, C1 and bidi controls as `⟨U+XXXX⟩`.

/// Is this a bidirectional formatting character (overrides, embeddings, isolates, marks)?
pub fn is_bidi_control(c: char) -> bool {
    matches!(
        c,
        '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{200E}' | '\u{200F}' | '\u{061C}'
    )
}

/// Would this character be obeyed by a terminal rather than shown?
pub fn is_unsafe(c: char) -> bool {
    c.is_control() || is_bidi_control(c)
}

fn visible(c: char, out: &mut String) {
    match c {
        '\u{0}'..='\u{1f}' => out.push(char::from_u32(0x2400 + c as u32).unwrap_or('\u{FFFD}')),
        '\u{7f}' => out.push('\u{2421}'),
        c => out.push_str(&format!("⟨U+{:04X}⟩", c as u32)),
    }
}

/// One line: every control (line breaks and tabs included) and bidi control shown visibly,
/// so a subject or a name can never start a new line of output.
pub fn line(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if is_unsafe(c) {
            visible(c, &mut out);
        } else {
            out.push(c);
        }
    }
    out
}

/// A block of text: line breaks (CRLF, CR or LF become LF) and tabs kept, every other control
/// and bidi control shown visibly.
pub fn block(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\r' => {
                if chars.peek() != Some(&'\n') {
                    out.push('\n');
                }
            }
            '\n' | '\t' => out.push(c),
            c if is_unsafe(c) => visible(c, &mut out),
            c => out.push(c),
        }
    }
    out
}

/// The characters of `text` a terminal would obey, for a reviewer's finding.
pub fn unsafe_chars(text: &str) -> Vec<String> {
    let mut out: Vec<String> = text
        .chars()
        .filter(|c| is_unsafe(*c))
        .map(|c| format!("U+{:04X}", c as u32))
        .collect();
    out.dedup();
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escape_sequences_are_shown_not_obeyed() {
        // OSC 52 (clipboard), CSI clear screen, a title change.
        let hostile = "a\x1b]52;c;ZXZpbA==\x07b\x1b[2J\x1b]0;pwned\x07c\u{9b}31m";
        let l = line(hostile);
        assert!(!l.chars().any(|c| c.is_control()), "{l:?}");
        assert!(l.contains('\u{241B}') && l.contains("⟨U+009B⟩"), "{l}");
        assert_eq!(block("x\r\ny\rz\tw\n"), "x\ny\nz\tw\n");
        assert_eq!(
            line("Subject\r\nBcc: a@b"),
            "Subject\u{240D}\u{240A}Bcc: a@b"
        );
    }

    #[test]
    fn bidi_overrides_are_visible() {
        let name = "invoice_\u{202E}txt.exe";
        assert_eq!(line(name), "invoice_⟨U+202E⟩txt.exe");
        assert_eq!(unsafe_chars(name), ["U+202E"]);
        assert_eq!(block("ok \u{2066}x\u{2069}"), "ok ⟨U+2066⟩x⟨U+2069⟩");
        assert!(unsafe_chars("Grüße, 你好").is_empty());
    }
}
