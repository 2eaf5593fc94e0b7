//! Calendar, tasks, contacts and the directory in the shell: each a list that moves with
//! the arrow keys, with the few actions an employee needs on the spot.

use ratatui::crossterm::event::{KeyCode, KeyEvent};

use crate::app::{Effect, KeyHelp};
use crate::editor::Field;
use kapsel_calendar::{AgendaAnswer, Contact, ContactsAnswer, TasksAnswer, Window};
use kapsel_directory::{Found, Person};
use kapsel_i18n::msg;

pub const AGENDA_KEYS: KeyHelp = &[
    ("↑ ↓", msg!("key-move")),
    ("← →", msg!("key-week")),
    ("t", msg!("key-today")),
];
pub const TASKS_KEYS: KeyHelp = &[("↑ ↓", msg!("key-move")), ("Space", msg!("key-task-done"))];
pub const CONTACTS_KEYS: KeyHelp = &[
    ("↑ ↓", msg!("key-move")),
    ("/", msg!("key-filter")),
    ("Esc", msg!("key-clear")),
];
pub const DIRECTORY_KEYS: KeyHelp = &[
    ("Enter", msg!("key-search")),
    ("↑ ↓", msg!("key-move")),
    ("Ctrl+K", msg!("key-save-contact")),
];

fn step(selected: &mut usize, len: usize, key: KeyCode) {
    if len == 0 {
        *selected = 0;
        return;
    }
    match key {
        KeyCode::Up => *selected = selected.saturating_sub(1),
        KeyCode::Down => *selected = (*selected + 1).min(len - 1),
        KeyCode::PageUp => *selected = selected.saturating_sub(20),
        KeyCode::PageDown => *selected = (*selected + 20).min(len - 1),
        _ => {}
    }
}

#[derive(Debug, Default)]
pub struct AgendaState {
    pub answer: Option<AgendaAnswer>,
    pub selected: usize,
    /// Weeks from this one (negative: earlier).
    pub week: i64,
}

impl AgendaState {
    pub fn set(&mut self, a: AgendaAnswer) {
        self.selected = self.selected.min(a.events.len().saturating_sub(1));
        self.answer = Some(a);
    }

    fn window(&self) -> Window {
        if self.week == 0 {
            return Window::Week;
        }
        let today = chrono::Local::now().date_naive();
        let monday = today
            - chrono::Duration::days(i64::from(
                chrono::Datelike::weekday(&today).num_days_from_monday(),
            ));
        let from = monday + chrono::Duration::weeks(self.week);
        Window::Days {
            from: from.format("%Y-%m-%d").to_string(),
            days: 7,
        }
    }

    pub fn on_key(&mut self, key: KeyEvent) -> Vec<Effect> {
        let len = self.answer.as_ref().map_or(0, |a| a.events.len());
        match key.code {
            KeyCode::Left | KeyCode::Right | KeyCode::Char('t') => {
                self.week = match key.code {
                    KeyCode::Left => self.week - 1,
                    KeyCode::Right => self.week + 1,
                    _ => 0,
                };
                self.selected = 0;
                vec![Effect::Agenda(self.window())]
            }
            code => {
                step(&mut self.selected, len, code);
                vec![]
            }
        }
    }
}

#[derive(Debug, Default)]
pub struct TasksState {
    pub answer: Option<TasksAnswer>,
    pub selected: usize,
}

impl TasksState {
    pub fn set(&mut self, t: TasksAnswer) {
        self.selected = self.selected.min(t.tasks.len().saturating_sub(1));
        self.answer = Some(t);
    }

    pub fn on_key(&mut self, key: KeyEvent) -> Vec<Effect> {
        let tasks = self
            .answer
            .as_ref()
            .map(|a| a.tasks.as_slice())
            .unwrap_or(&[]);
        match key.code {
            KeyCode::Char(' ') | KeyCode::Enter => match tasks.get(self.selected) {
                Some(t) => vec![Effect::CompleteTask(t.task.uid.clone())],
                None => vec![],
            },
            code => {
                step(&mut self.selected, tasks.len(), code);
                vec![]
            }
        }
    }
}

#[derive(Debug, Default)]
pub struct ContactsState {
    pub answer: Option<ContactsAnswer>,
    pub selected: usize,
    pub filter: Field,
    pub filtering: bool,
}

impl ContactsState {
    pub fn set(&mut self, c: ContactsAnswer) {
        self.selected = self.selected.min(c.contacts.len().saturating_sub(1));
        self.answer = Some(c);
    }

    pub fn on_key(&mut self, key: KeyEvent) -> Vec<Effect> {
        let len = self.answer.as_ref().map_or(0, |a| a.contacts.len());
        if self.filtering {
            match key.code {
                KeyCode::Enter => self.filtering = false,
                KeyCode::Esc => {
                    self.filtering = false;
                    self.filter.clear();
                }
                KeyCode::Backspace => self.filter.backspace(),
                KeyCode::Char(c) => self.filter.insert(c),
                _ => return vec![],
            }
            let q = self.filter.text.trim();
            return vec![Effect::Contacts((!q.is_empty()).then(|| q.to_string()))];
        }
        match key.code {
            KeyCode::Char('/') => {
                self.filtering = true;
                vec![]
            }
            KeyCode::Esc => {
                self.filter.clear();
                vec![Effect::Contacts(None)]
            }
            code => {
                step(&mut self.selected, len, code);
                vec![]
            }
        }
    }
}

#[derive(Debug, Default)]
pub struct DirectoryState {
    pub query: Field,
    pub found: Option<Found>,
    pub selected: usize,
}

/// A directory entry as a personal contact (the shell's Ctrl+K and `kapsel dir save`).
pub fn contact_of(p: &Person) -> Contact {
    Contact {
        uid: String::new(),
        name: p.name(),
        emails: p.mail.iter().cloned().collect(),
        phones: p.phone.iter().chain(p.mobile.iter()).cloned().collect(),
        organization: p.department.clone().or_else(|| p.company.clone()),
        title: p.title.clone(),
        version: "4.0".into(),
    }
}

impl DirectoryState {
    pub fn set(&mut self, found: Found) {
        self.selected = 0;
        self.found = Some(found);
    }

    pub fn on_key(&mut self, key: KeyEvent) -> Vec<Effect> {
        let people = self
            .found
            .as_ref()
            .map(|f| f.people.as_slice())
            .unwrap_or(&[]);
        let ctrl = key
            .modifiers
            .contains(ratatui::crossterm::event::KeyModifiers::CONTROL);
        match key.code {
            KeyCode::Enter => {
                let q = self.query.text.trim().to_string();
                if q.is_empty() {
                    vec![]
                } else {
                    vec![Effect::Directory(q)]
                }
            }
            KeyCode::Char('k') if ctrl => match people.get(self.selected) {
                Some(p) => vec![Effect::SaveContact(contact_of(p))],
                None => vec![],
            },
            KeyCode::Char(c) if !ctrl => {
                self.query.insert(c);
                vec![]
            }
            KeyCode::Backspace => {
                self.query.backspace();
                vec![]
            }
            KeyCode::Left => {
                self.query.left();
                vec![]
            }
            KeyCode::Right => {
                self.query.right();
                vec![]
            }
            KeyCode::Esc => {
                self.query.clear();
                self.found = None;
                vec![]
            }
            code => {
                step(&mut self.selected, people.len(), code);
                vec![]
            }
        }
    }
}
