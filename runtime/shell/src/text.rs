//! Text from elsewhere on its way to the screen. A ratatui cell takes any `char`, and the
//! terminal would obey an ESC, a C1 control or OSC 52 written into one: every string that a
//! mail, a server, an app or a file supplied passes `clean` (one line) or `clean_block`
//! (lines kept, every other control shown visibly) before it becomes a span.

use unicode_width::UnicodeWidthStr;

/// One line, every control and bidi control shown visibly (kapsel-core's terminal rules).
pub fn clean(text: &str) -> String {
    kapsel_core::terminal::line(text)
}

/// Several lines: CR LF and lone CR become line ends, tabs four spaces, every other control
/// visible. Returns the lines.
pub fn clean_lines(text: &str) -> Vec<String> {
    text.replace("\r\n", "\n")
        .replace('\r', "\n")
        .split('\n')
        .map(|l| clean(&l.replace('\t', "    ")))
        .collect()
}

/// Cut to at most `width` columns, with `…` when cut.
pub fn fit(text: &str, width: usize) -> String {
    if text.width() <= width {
        return text.to_string();
    }
    let mut out = String::new();
    let mut used = 0;
    for c in text.chars() {
        let w = unicode_width::UnicodeWidthChar::width(c).unwrap_or(0);
        if used + w + 1 > width {
            break;
        }
        used += w;
        out.push(c);
    }
    out.push('…');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_and_osc52_never_pass() {
        let hostile = "Hi\u{1b}]52;c;ZXZpbA==\u{7}\u{9b}2J\u{202e}txt.exe";
        let out = clean(hostile);
        assert!(!out.chars().any(|c| c.is_control()), "{out:?}");
        for line in clean_lines("a\r\nb\rc\u{1b}[2J") {
            assert!(!line.chars().any(|c| c.is_control()), "{line:?}");
        }
        assert_eq!(clean_lines("a\r\nb"), vec!["a", "b"]);
    }

    #[test]
    fn fit_cuts_by_columns() {
        assert_eq!(fit("Haushaltsplan", 6), "Haush…");
        assert_eq!(fit("kurz", 6), "kurz");
    }
}
