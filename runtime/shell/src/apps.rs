//! Micro-apps in the shell: the installed apps, and one app's view as a pane. Every block
//! of the WIT `ui` interface is shown; items with an action, buttons, fields and links can
//! be selected. A field is edited in place and sent with the next action as the form. A
//! link shows where it points and is never followed. An app's failure stays in its pane.

use ratatui::crossterm::event::{KeyCode, KeyEvent};

use crate::app::{Effect, KeyHelp};
use crate::editor::Field;
use kapsel_host::Block;
use kapsel_host::{CallOutcome, InstalledApp};
use kapsel_i18n::{Catalog, msg, t};

pub const APPS_KEYS: KeyHelp = &[
    ("↑ ↓", msg!("key-move")),
    ("Enter", msg!("key-open-act")),
    ("Space", msg!("key-toggle")),
    ("Esc", msg!("key-back")),
];

/// One app's view as the shell holds it.
#[derive(Debug, Clone)]
pub struct AppPane {
    pub app: String,
    pub outcome: CallOutcome,
    /// Index into `outcome.view.blocks` of the selected block (only selectable ones).
    pub selected: Option<usize>,
    /// Form values by field name, as edited here.
    pub form: Vec<(String, String)>,
    /// The field being edited.
    pub editing: Option<(String, Field)>,
    pub scroll: u16,
    /// Shown under the view (a link's origin, say).
    pub note: Option<String>,
}

/// Can this block be selected?
pub fn selectable(b: &Block) -> bool {
    match b {
        Block::Item { action, .. } => action.is_some(),
        Block::Button { .. } | Block::Field { .. } | Block::Link { .. } => true,
        _ => false,
    }
}

impl AppPane {
    pub fn from_outcome(outcome: CallOutcome) -> AppPane {
        let form = outcome
            .view
            .blocks
            .iter()
            .filter_map(|b| match b {
                Block::Field { name, value, .. } => Some((name.clone(), value.clone())),
                _ => None,
            })
            .collect();
        let selected = outcome.view.blocks.iter().position(selectable);
        AppPane {
            app: outcome.app.clone(),
            outcome,
            selected,
            form,
            editing: None,
            scroll: 0,
            note: None,
        }
    }

    pub fn value(&self, name: &str) -> &str {
        self.form
            .iter()
            .find(|(n, _)| n == name)
            .map_or("", |(_, v)| v.as_str())
    }

    fn set(&mut self, name: &str, value: String) {
        match self.form.iter_mut().find(|(n, _)| n == name) {
            Some(slot) => slot.1 = value,
            None => self.form.push((name.to_string(), value)),
        }
    }

    fn step(&mut self, forward: bool) {
        let blocks = &self.outcome.view.blocks;
        let Some(current) = self.selected else {
            return;
        };
        let next = if forward {
            (current + 1..blocks.len()).find(|&i| selectable(&blocks[i]))
        } else {
            (0..current).rev().find(|&i| selectable(&blocks[i]))
        };
        if let Some(n) = next {
            self.selected = Some(n);
        }
    }

    /// Scrolling only (the viewer, a document).
    pub fn scroll_key(&mut self, key: KeyEvent) -> Vec<Effect> {
        match key.code {
            KeyCode::Up => self.scroll = self.scroll.saturating_sub(1),
            KeyCode::Down => self.scroll = self.scroll.saturating_add(1),
            KeyCode::PageUp => self.scroll = self.scroll.saturating_sub(20),
            KeyCode::PageDown => self.scroll = self.scroll.saturating_add(20),
            KeyCode::Home => self.scroll = 0,
            _ => {}
        }
        vec![]
    }

    pub fn on_key(&mut self, key: KeyEvent, cat: &Catalog) -> Vec<Effect> {
        if let Some((name, field)) = &mut self.editing {
            match key.code {
                KeyCode::Enter | KeyCode::Esc => {
                    let (name, field) = (name.clone(), field.text.clone());
                    self.editing = None;
                    if key.code == KeyCode::Enter {
                        self.set(&name, field);
                    }
                }
                KeyCode::Backspace => field.backspace(),
                KeyCode::Left => field.left(),
                KeyCode::Right => field.right(),
                KeyCode::Char(c) => field.insert(c),
                _ => {}
            }
            return vec![];
        }
        self.note = None;
        let block = self
            .selected
            .and_then(|i| self.outcome.view.blocks.get(i))
            .cloned();
        match (key.code, block) {
            (KeyCode::Up, _) => self.step(false),
            (KeyCode::Down, _) => self.step(true),
            (KeyCode::PageUp, _) => self.scroll = self.scroll.saturating_sub(20),
            (KeyCode::PageDown, _) => self.scroll = self.scroll.saturating_add(20),
            (
                KeyCode::Enter,
                Some(Block::Item {
                    action: Some(a), ..
                }),
            )
            | (KeyCode::Enter, Some(Block::Button { action: a, .. })) => {
                return vec![Effect::AppCall {
                    app: self.app.clone(),
                    route: None,
                    action: Some(a),
                    form: self.form.clone(),
                }];
            }
            (KeyCode::Enter | KeyCode::Char(' '), Some(Block::Field { name, kind, .. }))
                if kind == "checkbox" =>
            {
                let on = self.value(&name) == "true";
                self.set(&name, (!on).to_string());
            }
            (KeyCode::Enter, Some(Block::Field { name, .. })) => {
                let current = Field::with(self.value(&name));
                self.editing = Some((name, current));
            }
            (KeyCode::Enter, Some(Block::Link { url, .. })) => {
                self.note = Some(t!(cat, "app-link-not-followed", origin = link_origin(&url)));
            }
            _ => {}
        }
        vec![]
    }
}

/// Where a link points, as a person should judge it: scheme and host (with port).
pub fn link_origin(url: &str) -> String {
    match url::Url::parse(url) {
        Ok(u) => crate::text::clean(&u.origin().ascii_serialization()),
        Err(_) => crate::text::clean(url),
    }
}

#[derive(Debug, Default)]
pub struct AppsState {
    pub list: Vec<InstalledApp>,
    pub selected: usize,
    pub open: Option<AppPane>,
}

impl AppsState {
    pub fn typing(&self) -> bool {
        self.open.as_ref().is_some_and(|p| p.editing.is_some())
    }

    pub fn on_key(&mut self, key: KeyEvent, cat: &Catalog) -> Vec<Effect> {
        if let Some(pane) = &mut self.open {
            if key.code == KeyCode::Esc && pane.editing.is_none() {
                self.open = None;
                return vec![];
            }
            return pane.on_key(key, cat);
        }
        match key.code {
            KeyCode::Up => self.selected = self.selected.saturating_sub(1),
            KeyCode::Down => {
                self.selected = (self.selected + 1).min(self.list.len().saturating_sub(1))
            }
            KeyCode::Enter => {
                if let Some(app) = self.list.get(self.selected) {
                    return vec![Effect::AppCall {
                        app: app.id.clone(),
                        route: Some(String::new()),
                        action: None,
                        form: Vec::new(),
                    }];
                }
            }
            _ => {}
        }
        vec![]
    }
}
