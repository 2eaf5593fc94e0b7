//! Text entry for the shell: a one-line field and a multi-line area. Paste comes only from
//! Kapsel's own copy buffer (see `App::copied`), never from the system clipboard.

/// One line of input; the cursor counts characters.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Field {
    pub text: String,
    pub cursor: usize,
}

fn byte_at(text: &str, chars: usize) -> usize {
    text.char_indices()
        .nth(chars)
        .map_or(text.len(), |(i, _)| i)
}

impl Field {
    pub fn with(text: &str) -> Field {
        Field {
            text: text.to_string(),
            cursor: text.chars().count(),
        }
    }

    pub fn insert(&mut self, c: char) {
        if c.is_control() {
            return;
        }
        let at = byte_at(&self.text, self.cursor);
        self.text.insert(at, c);
        self.cursor += 1;
    }

    pub fn insert_str(&mut self, s: &str) {
        for c in s.chars() {
            self.insert(c);
        }
    }

    pub fn backspace(&mut self) {
        if self.cursor == 0 {
            return;
        }
        let at = byte_at(&self.text, self.cursor - 1);
        self.text.remove(at);
        self.cursor -= 1;
    }

    pub fn left(&mut self) {
        self.cursor = self.cursor.saturating_sub(1);
    }

    pub fn right(&mut self) {
        self.cursor = (self.cursor + 1).min(self.text.chars().count());
    }

    pub fn clear(&mut self) {
        self.text.clear();
        self.cursor = 0;
    }
}

/// Several lines of input (a mail body).
#[derive(Debug, Clone, PartialEq)]
pub struct Area {
    pub lines: Vec<Field>,
    pub row: usize,
}

impl Default for Area {
    fn default() -> Area {
        Area {
            lines: vec![Field::default()],
            row: 0,
        }
    }
}

impl Area {
    pub fn with(text: &str) -> Area {
        let lines: Vec<Field> = text.split('\n').map(Field::with).collect();
        Area {
            row: 0,
            lines: if lines.is_empty() {
                vec![Field::default()]
            } else {
                lines
            },
        }
    }

    pub fn text(&self) -> String {
        self.lines
            .iter()
            .map(|l| l.text.as_str())
            .collect::<Vec<_>>()
            .join("\n")
    }

    fn line(&mut self) -> &mut Field {
        let row = self.row.min(self.lines.len().saturating_sub(1));
        &mut self.lines[row]
    }

    pub fn insert(&mut self, c: char) {
        self.line().insert(c);
    }

    /// Paste text (from Kapsel's own buffer): line ends start new lines.
    pub fn paste(&mut self, text: &str) {
        for (i, part) in text.split('\n').enumerate() {
            if i > 0 {
                self.newline();
            }
            self.line().insert_str(part.trim_end_matches('\r'));
        }
    }

    pub fn newline(&mut self) {
        let line = self.line();
        let at = byte_at(&line.text, line.cursor);
        let rest = line.text.split_off(at);
        self.row += 1;
        self.lines.insert(
            self.row,
            Field {
                text: rest,
                cursor: 0,
            },
        );
    }

    pub fn backspace(&mut self) {
        if self.line().cursor > 0 {
            self.line().backspace();
        } else if self.row > 0 {
            let removed = self.lines.remove(self.row);
            self.row -= 1;
            let line = self.line();
            line.cursor = line.text.chars().count();
            line.text.push_str(&removed.text);
        }
    }

    pub fn up(&mut self) {
        if self.row > 0 {
            let col = self.line().cursor;
            self.row -= 1;
            let line = self.line();
            line.cursor = col.min(line.text.chars().count());
        }
    }

    pub fn down(&mut self) {
        if self.row + 1 < self.lines.len() {
            let col = self.line().cursor;
            self.row += 1;
            let line = self.line();
            line.cursor = col.min(line.text.chars().count());
        }
    }

    pub fn left(&mut self) {
        self.line().left();
    }

    pub fn right(&mut self) {
        self.line().right();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn editing_keeps_multibyte_text_whole() {
        let mut f = Field::with("Müller");
        f.backspace();
        f.left();
        f.insert('ö');
        assert_eq!(f.text, "Müllöe");
        let mut a = Area::with("Hallo");
        a.newline();
        a.paste("Zeile 1\r\nZeile 2");
        assert_eq!(a.text(), "Hallo\nZeile 1\nZeile 2");
        a.backspace();
        assert_eq!(a.lines.len(), 3);
        a.insert('\u{1b}');
        assert!(!a.text().contains('\u{1b}'));
    }
}
