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
    pub fn link(self, label: impl Into<String>, url: impl Into<String>) -> View {
        self.push(wit::Block::Link(wit::Link {
            label: label.into(),
            url: url.into(),
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
