//! Building views: a title and a flat list of blocks, chained.

use crate::bindings::kapsel::app::ui as wit;

pub use wit::FieldKind;
pub use wit::NoticeLevel as Level;

/// A line in a list.
#[derive(Clone, Debug, Default)]
pub struct Item {
    title: String,
    subtitle: Option<String>,
    action: Option<String>,
    badge: Option<String>,
}

impl Item {
    pub fn new(title: impl Into<String>) -> Item {
        Item {
            title: title.into(),
            ..Default::default()
        }
    }
    pub fn subtitle(mut self, s: impl Into<String>) -> Item {
        self.subtitle = Some(s.into());
        self
    }
    pub fn action(mut self, a: impl Into<String>) -> Item {
        self.action = Some(a.into());
        self
    }
    pub fn badge(mut self, b: impl Into<String>) -> Item {
        self.badge = Some(b.into());
        self
    }
}

/// A declarative view.
#[derive(Clone, Debug)]
pub struct View {
    title: String,
    blocks: Vec<wit::Block>,
}

impl View {
    pub fn new(title: impl Into<String>) -> View {
        View {
            title: title.into(),
            blocks: Vec::new(),
        }
    }
    fn push(mut self, b: wit::Block) -> View {
        self.blocks.push(b);
        self
    }
    pub fn heading(self, text: impl Into<String>) -> View {
        self.push(wit::Block::Heading(text.into()))
    }
    pub fn text(self, text: impl Into<String>) -> View {
        self.push(wit::Block::Text(text.into()))
    }
    pub fn item(self, item: Item) -> View {
        self.push(wit::Block::Item(wit::Item {
            title: item.title,
            subtitle: item.subtitle,
            action: item.action,
            badge: item.badge,
        }))
    }
    pub fn button(self, label: impl Into<String>, action: impl Into<String>) -> View {
        self.push(wit::Block::Button(wit::Button {
            label: label.into(),
            action: action.into(),
        }))
    }
    pub fn field(
        self,
        name: impl Into<String>,
        label: impl Into<String>,
        kind: FieldKind,
        value: impl Into<String>,
    ) -> View {
        self.push(wit::Block::Field(wit::Field {
            name: name.into(),
            label: label.into(),
            kind,
            value: value.into(),
        }))
    }
    pub fn table(self, columns: Vec<String>, rows: Vec<Vec<String>>) -> View {
        self.push(wit::Block::Table(wit::Table { columns, rows }))
    }
    pub fn divider(self) -> View {
        self.push(wit::Block::Divider)
    }
    pub fn notice(self, level: Level, text: impl Into<String>) -> View {
        self.push(wit::Block::Notice(wit::Notice {
            level,
            text: text.into(),
        }))
    }
    /// A link the shell shows with its origin and never follows on its own. Only absolute
    /// http(s) addresses make a link; anything else (`file:`, `javascript:`, `data:`, a
    /// relative path) becomes plain text, as the host would refuse it anyway.
    pub fn link(self, label: impl Into<String>, url: impl Into<String>) -> View {
        let (label, url) = (label.into(), url.into());
        if !is_web_address(&url) {
            return self.text(label);
        }
        self.push(wit::Block::Link(wit::Link { label, url }))
    }
    /// A picture: `rgb` holds 3 bytes a pixel, rows top to bottom; each side 1–512 pixels
    /// (scale larger pictures down first). The host replaces a malformed one with a notice.
    pub fn image(self, alt: impl Into<String>, width: u32, height: u32, rgb: Vec<u8>) -> View {
        self.push(wit::Block::Image(wit::Image {
            alt: alt.into(),
            width,
            height,
            rgb,
        }))
    }
    /// Append blocks in a loop: `view.extend(items, |v, it| v.item(...))`.
    pub fn extend<T>(
        self,
        things: impl IntoIterator<Item = T>,
        f: impl Fn(View, T) -> View,
    ) -> View {
        things.into_iter().fold(self, f)
    }
    pub fn into_wit(self) -> wit::View {
        wit::View {
            title: self.title,
            blocks: self.blocks,
        }
    }
}

/// `http://host…` or `https://host…` (scheme case-insensitive), nothing else.
pub fn is_web_address(url: &str) -> bool {
    let lower = url.trim_start().to_ascii_lowercase();
    let rest = lower
        .strip_prefix("https://")
        .or_else(|| lower.strip_prefix("http://"));
    rest.is_some_and(|r| {
        r.chars()
            .next()
            .is_some_and(|c| c.is_ascii_alphanumeric() || c == '[')
    }) && !url.chars().any(|c| c.is_control() || c == ' ')
}

#[cfg(test)]
mod tests {
    #[test]
    fn only_web_addresses_make_links() {
        for ok in [
            "https://intranet.example/a",
            "HTTP://x.example",
            "https://[::1]/",
        ] {
            assert!(super::is_web_address(ok), "{ok}");
        }
        for bad in [
            "file:///etc/passwd",
            "javascript:alert(1)",
            "data:text/html,x",
            "/relative",
            "https://",
            "https://a b",
        ] {
            assert!(!super::is_web_address(bad), "{bad}");
        }
    }
}
