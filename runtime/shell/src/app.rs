//! The shell's state and what keys do to it. Nothing here does I/O: a key yields
//! [`Effect`]s, the runner carries them out on worker threads and hands back an
//! [`Outcome`], and [`App::apply`] takes it in. So every screen can be driven and rendered
//! in tests without a terminal or a session.

use std::collections::VecDeque;
use std::time::Duration;

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use zeroize::Zeroizing;

use crate::apps::{AppPane, AppsState};
use crate::mail::MailState;
use crate::pim::{AgendaState, ContactsState, DirectoryState, TasksState};
use kapsel_i18n::{Catalog, msg, t};

/// The six parts of the main screen, in tab order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tab {
    Mail,
    Calendar,
    Tasks,
    Contacts,
    Directory,
    Apps,
}

impl Tab {
    pub const ALL: [Tab; 6] = [
        Tab::Mail,
        Tab::Calendar,
        Tab::Tasks,
        Tab::Contacts,
        Tab::Directory,
        Tab::Apps,
    ];

    pub fn title(self, cat: &Catalog) -> String {
        match self {
            Tab::Mail => t!(cat, "shell-tab-mail"),
            Tab::Calendar => t!(cat, "shell-tab-calendar"),
            Tab::Tasks => t!(cat, "shell-tab-tasks"),
            Tab::Contacts => t!(cat, "shell-tab-contacts"),
            Tab::Directory => t!(cat, "shell-tab-directory"),
            Tab::Apps => t!(cat, "shell-tab-apps"),
        }
    }

    fn index(self) -> usize {
        Tab::ALL.iter().position(|t| *t == self).unwrap_or(0)
    }
}

/// What the unlock screen knows before the password is typed.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct UnlockInfo {
    pub tenant: String,
    pub failures: u32,
    pub max_failures: u32,
    /// Milliseconds until the next attempt is allowed (0: now).
    pub retry_after_ms: u64,
}

#[derive(Debug, Default)]
pub struct UnlockState {
    pub info: UnlockInfo,
    /// Never drawn: only its length decides nothing either (no dots are shown).
    pub password: Zeroizing<String>,
    pub message: Option<String>,
    pub working: bool,
}

/// Sync as the status line shows it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SyncLine {
    pub running: Option<(String, u64, u64)>,
    pub last_ms: Option<u64>,
    pub error: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct StatusLine {
    pub sync: SyncLine,
    pub outbox: usize,
    /// Time left until the session locks itself (set by the runner each tick).
    pub lock_in: Option<Duration>,
    pub user: Option<String>,
}

/// One line in the notification area.
#[derive(Debug, Clone, PartialEq)]
pub struct Notice {
    pub source: String,
    pub title: String,
    pub body: String,
}

/// A request the runner carries out; its answer comes back as an [`Outcome`].
#[derive(Debug, Clone)]
pub enum Effect {
    Unlock(Zeroizing<String>),
    Lock,
    Quit,
    /// Tell the session the user is active (resets its idle lock).
    Touch,
    Status,
    SyncNow,
    Mail(crate::mail::MailEffect),
    Agenda(kapsel_calendar::Window),
    Tasks,
    CompleteTask(String),
    Contacts(Option<String>),
    SaveContact(kapsel_calendar::Contact),
    Directory(String),
    Complete(String),
    Apps,
    AppCall {
        app: String,
        route: Option<String>,
        action: Option<String>,
        form: Vec<(String, String)>,
    },
}

/// What came back.
#[derive(Debug)]
pub enum Outcome {
    Unlocked,
    UnlockFailed(UnlockInfo, String),
    Locked,
    Status(StatusLine),
    Mail(crate::mail::MailOutcome),
    Agenda(kapsel_calendar::AgendaAnswer),
    Tasks(kapsel_calendar::TasksAnswer),
    Contacts(kapsel_calendar::ContactsAnswer),
    Directory(kapsel_directory::Found),
    Completions(String, Vec<String>),
    Apps(Vec<kapsel_host::InstalledApp>),
    /// An app's answer; `viewer` when it was a document opened from mail.
    App(Box<kapsel_host::CallOutcome>),
    Notification(Notice),
    /// A sync the user asked for finished.
    Synced,
    /// The tenant has not set up what this tab shows (with the module's own words).
    NotConfigured(Tab, String),
    SyncProgress(String, u64, u64),
    Done(String),
    Failed(String),
}

/// The whole shell.
pub struct App {
    pub cat: Catalog,
    pub unlocked: bool,
    pub unlock: UnlockState,
    pub tab: Tab,
    pub help: bool,
    pub mail: MailState,
    pub agenda: AgendaState,
    pub tasks: TasksState,
    pub contacts: ContactsState,
    pub directory: DirectoryState,
    pub apps: AppsState,
    pub notices: VecDeque<Notice>,
    pub status: StatusLine,
    /// A request in flight that the user waits for (shown with progress; Esc cancels).
    pub busy: Option<String>,
    /// The last message for the user (done or failed).
    pub message: Option<String>,
    /// Kapsel's own copy buffer: "copy" fills it, paste reads it, and it never reaches the
    /// system clipboard.
    pub copied: Option<Zeroizing<String>>,
    /// Tabs whose module the tenant has not set up, and why.
    pub unavailable: Vec<(Tab, String)>,
    pub color: bool,
    pub quit: bool,
}

/// The keys of one screen for the help overlay: (key, message id of what it does).
pub type KeyHelp = &'static [(&'static str, &'static str)];

const GLOBAL_KEYS: KeyHelp = &[
    ("F1…F6", msg!("key-tabs")),
    ("Tab", msg!("key-next-tab")),
    ("?", msg!("key-help")),
    ("Ctrl+S", msg!("key-sync")),
    ("Ctrl+L", msg!("key-lock")),
    ("Ctrl+Q", msg!("key-quit")),
];

const UNLOCK_KEYS: KeyHelp = &[
    ("Enter", msg!("key-unlock")),
    ("Esc", msg!("key-clear")),
    ("Ctrl+Q", msg!("key-quit")),
];

impl App {
    pub fn new(cat: Catalog, info: UnlockInfo) -> App {
        App {
            cat,
            unlocked: false,
            unlock: UnlockState {
                info,
                ..UnlockState::default()
            },
            tab: Tab::Mail,
            help: false,
            mail: MailState::default(),
            agenda: AgendaState::default(),
            tasks: TasksState::default(),
            contacts: ContactsState::default(),
            directory: DirectoryState::default(),
            apps: AppsState::default(),
            notices: VecDeque::new(),
            status: StatusLine::default(),
            busy: None,
            message: None,
            copied: None,
            unavailable: Vec::new(),
            color: true,
            quit: false,
        }
    }

    /// Forget everything that came from the container: the screen after a lock shows
    /// nothing of it.
    pub fn wipe(&mut self) {
        self.unlocked = false;
        self.mail = MailState::default();
        self.agenda = AgendaState::default();
        self.tasks = TasksState::default();
        self.contacts = ContactsState::default();
        self.directory = DirectoryState::default();
        self.apps = AppsState::default();
        self.notices.clear();
        self.status = StatusLine::default();
        self.busy = None;
        self.message = None;
        self.copied = None;
        self.unavailable.clear();
        self.help = false;
        self.unlock.password = Zeroizing::new(String::new());
        self.unlock.working = false;
    }

    /// The keys the help overlay lists for what is on screen now.
    pub fn keys(&self) -> Vec<KeyHelp> {
        if !self.unlocked {
            return vec![UNLOCK_KEYS];
        }
        let mut keys = match self.tab {
            Tab::Mail => self.mail.keys(),
            Tab::Calendar => vec![crate::pim::AGENDA_KEYS],
            Tab::Tasks => vec![crate::pim::TASKS_KEYS],
            Tab::Contacts => vec![crate::pim::CONTACTS_KEYS],
            Tab::Directory => vec![crate::pim::DIRECTORY_KEYS],
            Tab::Apps => vec![crate::apps::APPS_KEYS],
        };
        keys.push(GLOBAL_KEYS);
        keys
    }

    /// Is a text field taking the keys (so letters are text, not commands)?
    fn typing(&self) -> bool {
        match self.tab {
            Tab::Mail => self.mail.typing(),
            Tab::Contacts => self.contacts.filtering,
            Tab::Directory => true,
            Tab::Apps => self.apps.typing(),
            _ => false,
        }
    }

    /// The screens' first data after an unlock.
    pub fn initial_effects() -> Vec<Effect> {
        vec![
            Effect::Status,
            Effect::Mail(crate::mail::MailEffect::Folders),
            Effect::Agenda(kapsel_calendar::Window::Week),
            Effect::Tasks,
            Effect::Contacts(None),
            Effect::Apps,
        ]
    }

    pub fn on_key(&mut self, key: KeyEvent) -> Vec<Effect> {
        let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
        if ctrl && key.code == KeyCode::Char('q') {
            self.quit = true;
            return vec![Effect::Quit];
        }
        if !self.unlocked {
            return self.unlock_key(key);
        }
        if self.help {
            self.help = false;
            return vec![];
        }
        if key.code == KeyCode::Esc && self.busy.is_some() {
            // The request goes on in the session; its answer is dropped when it comes.
            self.busy = None;
            self.message = Some(t!(self.cat, "shell-cancelled"));
            return vec![Effect::Touch];
        }
        let mut effects = vec![Effect::Touch];
        match (ctrl, key.code) {
            (true, KeyCode::Char('l')) => return vec![Effect::Lock],
            (true, KeyCode::Char('s')) if !self.composing() => {
                self.message = Some(t!(self.cat, "shell-sync-started"));
                effects.push(Effect::SyncNow);
                return effects;
            }
            (_, KeyCode::F(n)) if (1..=6).contains(&n) => {
                self.tab = Tab::ALL[usize::from(n - 1)];
                return effects;
            }
            (_, KeyCode::Tab) if !self.typing() && !self.composing() => {
                self.tab = Tab::ALL[(self.tab.index() + 1) % Tab::ALL.len()];
                return effects;
            }
            (_, KeyCode::BackTab) if !self.typing() && !self.composing() => {
                self.tab = Tab::ALL[(self.tab.index() + Tab::ALL.len() - 1) % Tab::ALL.len()];
                return effects;
            }
            (_, KeyCode::Char('?')) if !self.typing() && !self.composing() => {
                self.help = true;
                return effects;
            }
            _ => {}
        }
        self.message = None;
        let more = match self.tab {
            Tab::Mail => self.mail.on_key(key, &self.cat, &mut self.copied),
            Tab::Calendar => self.agenda.on_key(key),
            Tab::Tasks => self.tasks.on_key(key),
            Tab::Contacts => self.contacts.on_key(key),
            Tab::Directory => self.directory.on_key(key),
            Tab::Apps => self.apps.on_key(key, &self.cat),
        };
        if more.iter().any(Effect::waits) {
            let what = more.iter().find_map(|e| match e {
                Effect::Mail(m) => m.busy(&self.cat),
                _ => None,
            });
            self.busy = Some(what.unwrap_or_else(|| t!(self.cat, "shell-working")));
        }
        effects.extend(more);
        effects
    }

    /// An editor (a message or the out-of-office reply) is open, and Ctrl+S belongs to it.
    fn composing(&self) -> bool {
        self.tab == Tab::Mail && self.mail.editing()
    }

    fn unlock_key(&mut self, key: KeyEvent) -> Vec<Effect> {
        if self.unlock.working {
            return vec![];
        }
        match key.code {
            KeyCode::Enter if !self.unlock.password.is_empty() => {
                self.unlock.working = true;
                self.unlock.message = Some(t!(self.cat, "shell-unlocking"));
                let password = std::mem::take(&mut self.unlock.password);
                vec![Effect::Unlock(password)]
            }
            KeyCode::Esc => {
                self.unlock.password = Zeroizing::new(String::new());
                vec![]
            }
            KeyCode::Backspace => {
                self.unlock.password.pop();
                vec![]
            }
            KeyCode::Char('?') if self.unlock.password.is_empty() => {
                self.help = !self.help;
                vec![]
            }
            KeyCode::Char(c) if !key.modifiers.contains(KeyModifiers::CONTROL) => {
                self.help = false;
                if self.unlock.password.len() < 4096 {
                    self.unlock.password.push(c);
                }
                vec![]
            }
            _ => vec![],
        }
    }

    /// Take in what a request answered or an event reported.
    pub fn apply(&mut self, outcome: Outcome) -> Vec<Effect> {
        let answers_wait = matches!(
            outcome,
            Outcome::Mail(_)
                | Outcome::App(_)
                | Outcome::Directory(_)
                | Outcome::Done(_)
                | Outcome::Failed(_)
        );
        if answers_wait {
            self.busy = None;
        }
        match outcome {
            Outcome::Unlocked => {
                self.unlocked = true;
                self.unlock = UnlockState {
                    info: self.unlock.info.clone(),
                    ..UnlockState::default()
                };
                return App::initial_effects();
            }
            Outcome::UnlockFailed(info, why) => {
                self.unlock.working = false;
                self.unlock.info = info;
                self.unlock.message = Some(why);
            }
            Outcome::Locked => {
                self.wipe();
                self.unlock.message = Some(t!(self.cat, "shell-locked"));
            }
            Outcome::Status(s) => {
                let lock_in = self.status.lock_in;
                self.status = s;
                self.status.lock_in = self.status.lock_in.or(lock_in);
            }
            Outcome::Mail(m) => return self.mail.apply(m, &self.cat, &mut self.message),
            Outcome::Agenda(a) => self.agenda.set(a),
            Outcome::Tasks(t) => self.tasks.set(t),
            Outcome::Contacts(c) => self.contacts.set(c),
            Outcome::Directory(found) => self.directory.set(found),
            Outcome::Completions(prefix, names) => self.mail.completions(&prefix, names),
            Outcome::Apps(list) => self.apps.list = list,
            Outcome::App(mut outcome) => {
                // A document the app asked to open is shown by the viewer, in its place.
                let shown = outcome
                    .opened
                    .iter()
                    .position(|o| matches!(o, kapsel_host::Opened::Shown(_)));
                if let Some(n) = shown
                    && let kapsel_host::Opened::Shown(viewer) = outcome.opened.remove(n)
                {
                    outcome = viewer;
                }
                let pane = AppPane::from_outcome(*outcome);
                if pane.app == "viewer" && self.tab == Tab::Mail {
                    self.mail.viewer = Some(pane);
                } else {
                    self.apps.open = Some(pane);
                }
            }
            Outcome::Notification(n) => {
                self.notices.push_front(n);
                self.notices.truncate(20);
            }
            Outcome::SyncProgress(folder, done, total) => {
                self.status.sync.running = (done < total).then_some((folder, done, total));
            }
            Outcome::Done(text) => self.message = Some(text),
            Outcome::NotConfigured(tab, why) => {
                if !self.unavailable.iter().any(|(t, _)| *t == tab) {
                    self.unavailable.push((tab, why));
                }
            }
            Outcome::Synced => {
                self.message = Some(t!(self.cat, "sync-done"));
                let mut reload = vec![
                    Effect::Status,
                    Effect::Mail(crate::mail::MailEffect::Folders),
                    Effect::Agenda(kapsel_calendar::Window::Week),
                    Effect::Tasks,
                ];
                if let Some(f) = self.mail.current.clone() {
                    reload.push(Effect::Mail(crate::mail::MailEffect::List(f)));
                }
                return reload;
            }
            Outcome::Failed(text) => {
                self.message = Some(t!(self.cat, "shell-failed", reason = text));
            }
        }
        vec![]
    }
}

impl Effect {
    /// Does the user wait for this one (a progress line shows, Esc cancels)?
    pub fn waits(&self) -> bool {
        matches!(
            self,
            Effect::AppCall { .. }
                | Effect::Directory(_)
                | Effect::Mail(
                    crate::mail::MailEffect::Send { .. }
                        | crate::mail::MailEffect::OpenAttachment { .. }
                        | crate::mail::MailEffect::Search(_)
                        | crate::mail::MailEffect::Mailbox { .. }
                        | crate::mail::MailEffect::SetOof(_)
                        | crate::mail::MailEffect::ClearOof
                )
        )
    }
}
