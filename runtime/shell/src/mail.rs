//! Mail in the shell: folders, the message list (threaded by In-Reply-To, else by subject),
//! the reader with its attachments (opened by the viewer app inside the container), the
//! editor for new mail, replies and forwards with recipient completion, drafts, the outbox
//! with its in-doubt state, search, out-of-office and shared mailboxes.

use std::collections::HashMap;

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use zeroize::Zeroizing;

use crate::app::{Effect, KeyHelp};
use crate::apps::AppPane;
use crate::editor::{Area, Field};
use kapsel_i18n::{Catalog, msg, t};
use kapsel_mail::answers::DraftEntry;
use kapsel_mail::autoreply::OutOfOffice;
use kapsel_mail::compose::Draft;
use kapsel_mail::outbox::Entry;
use kapsel_mail::{FolderView, ListItem, MailboxInfo, Read};

/// Which list the middle pane shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ListKind {
    #[default]
    Messages,
    Search,
    Drafts,
    Outbox,
    Mailboxes,
    OutOfOffice,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Pane {
    Folders,
    #[default]
    List,
    Reader,
}

/// One row of the message list: the message and how deep in its thread it sits.
#[derive(Debug, Clone)]
pub struct Row {
    pub item: ListItem,
    pub depth: usize,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ComposeKind {
    New,
    Reply { id: i64, all: bool },
    Forward { id: i64 },
}

/// The editor pane.
#[derive(Debug, Clone)]
pub struct Compose {
    pub kind: ComposeKind,
    pub to: Field,
    pub cc: Field,
    pub subject: Field,
    pub body: Area,
    /// 0 to, 1 cc, 2 subject, 3 body.
    pub focus: usize,
    pub completions: Vec<String>,
    pub picked: usize,
}

impl Compose {
    fn new(kind: ComposeKind, subject: &str, body: &str) -> Compose {
        Compose {
            kind,
            to: Field::default(),
            cc: Field::default(),
            subject: Field::with(subject),
            body: Area::with(body),
            focus: match kind {
                ComposeKind::Reply { .. } => 3,
                _ => 0,
            },
            completions: Vec::new(),
            picked: 0,
        }
    }

    /// The recipient word being typed in the focused address field.
    fn token(&self) -> Option<String> {
        let field = match self.focus {
            0 => &self.to,
            1 => &self.cc,
            _ => return None,
        };
        let last = field.text.rsplit(',').next().unwrap_or("").trim();
        (last.chars().count() >= 2).then(|| last.to_string())
    }

    fn accept(&mut self) {
        let Some(choice) = self.completions.get(self.picked).cloned() else {
            return;
        };
        let field = if self.focus == 1 {
            &mut self.cc
        } else {
            &mut self.to
        };
        let kept: Vec<&str> = field.text.rsplit_once(',').map_or(vec![], |(a, _)| vec![a]);
        let mut text = kept.join("");
        if !text.is_empty() {
            text.push_str(", ");
        }
        text.push_str(&choice);
        *field = Field::with(&text);
        self.completions.clear();
    }

    /// Send (or keep as a draft) what is written.
    fn send(&self, save_only: bool) -> Effect {
        let draft = Draft {
            on_behalf_of: None,
            to: Compose::addresses(&self.to),
            cc: Compose::addresses(&self.cc),
            bcc: Vec::new(),
            subject: self.subject.text.clone(),
            body: self.body.text(),
            in_reply_to: None,
            references: Vec::new(),
            attachments: Vec::new(),
        };
        Effect::Mail(MailEffect::Send {
            kind: self.kind,
            draft: Box::new(draft),
            save_only,
        })
    }

    fn addresses(field: &Field) -> Vec<String> {
        field
            .text
            .split(',')
            .map(|a| a.trim().to_string())
            .filter(|a| !a.is_empty())
            .collect()
    }
}

/// The out-of-office editor: the period, the subject and the replies. It stays open while
/// the server is asked, so a refusal (a bad date, the end before the start) leaves what was
/// typed in place.
#[derive(Debug, Clone)]
pub struct OofForm {
    pub start: Field,
    pub end: Field,
    pub subject: Field,
    pub internal: Area,
    /// The reply to senders outside the organisation; empty means the same reply.
    pub external: Area,
    /// 0 start, 1 end, 2 subject, 3 reply, 4 reply to others.
    pub focus: usize,
    /// Kept as the reply had them (the shell does not edit them).
    domains: Vec<String>,
}

impl OofForm {
    const FIELDS: usize = 5;

    /// Prefilled with the reply that is on (its text as the screen shows it), else empty for
    /// `today` (`YYYY-MM-DD`) with the default subject.
    pub fn new(current: Option<&OutOfOffice>, today: &str, subject: &str) -> OofForm {
        let text = |t: &str| crate::text::clean_lines(t).join("\n");
        let (start, end, subject, internal, external, domains) = match current {
            Some(o) => (
                crate::text::clean(&o.start),
                crate::text::clean(&o.end),
                crate::text::clean(&o.subject),
                text(&o.internal_text),
                // The same text for everyone shows as an empty second field.
                if o.external_text == o.internal_text {
                    String::new()
                } else {
                    text(&o.external_text)
                },
                o.internal_domains.clone(),
            ),
            None => (
                today.to_string(),
                today.to_string(),
                subject.to_string(),
                String::new(),
                String::new(),
                Vec::new(),
            ),
        };
        OofForm {
            start: Field::with(&start),
            end: Field::with(&end),
            subject: Field::with(&subject),
            internal: Area::with(&internal),
            external: Area::with(&external),
            focus: 0,
            domains,
        }
    }

    /// What is written, as the mail module takes it (it checks the dates and texts).
    pub fn reply(&self) -> OutOfOffice {
        let internal_text = self.internal.text();
        let external = self.external.text();
        OutOfOffice {
            start: self.start.text.trim().to_string(),
            end: self.end.text.trim().to_string(),
            subject: self.subject.text.trim().to_string(),
            external_text: if external.trim().is_empty() {
                internal_text.clone()
            } else {
                external
            },
            internal_text,
            internal_domains: self.domains.clone(),
        }
    }

    fn field(&mut self) -> Option<&mut Field> {
        match self.focus {
            0 => Some(&mut self.start),
            1 => Some(&mut self.end),
            2 => Some(&mut self.subject),
            _ => None,
        }
    }

    fn area(&mut self) -> &mut Area {
        if self.focus == 3 {
            &mut self.internal
        } else {
            &mut self.external
        }
    }

    fn edit(&mut self, code: KeyCode) {
        if let Some(f) = self.field() {
            match code {
                KeyCode::Char(ch) => f.insert(ch),
                KeyCode::Backspace => f.backspace(),
                KeyCode::Left => f.left(),
                KeyCode::Right => f.right(),
                KeyCode::Enter => self.focus += 1,
                _ => {}
            }
            return;
        }
        let a = self.area();
        match code {
            KeyCode::Char(ch) => a.insert(ch),
            KeyCode::Enter => a.newline(),
            KeyCode::Backspace => a.backspace(),
            KeyCode::Up => a.up(),
            KeyCode::Down => a.down(),
            KeyCode::Left => a.left(),
            KeyCode::Right => a.right(),
            _ => {}
        }
    }

    fn paste(&mut self, text: &str) {
        match self.field() {
            Some(f) => f.insert_str(text.lines().next().unwrap_or("")),
            None => self.area().paste(text),
        }
    }
}

#[derive(Debug, Clone)]
pub enum MailEffect {
    Folders,
    List(String),
    Read(i64),
    Search(String),
    Flag {
        id: i64,
        flag: String,
        on: bool,
    },
    OpenAttachment {
        id: i64,
        index: usize,
    },
    Send {
        kind: ComposeKind,
        draft: Box<Draft>,
        save_only: bool,
    },
    Drafts,
    SendDraft(String),
    Outbox,
    Retry(String),
    Mailboxes,
    /// Open a shared mailbox (its folders are synced) or close it (its messages leave the
    /// container).
    Mailbox {
        name: String,
        open: bool,
    },
    OutOfOffice,
    SetOof(Box<OutOfOffice>),
    ClearOof,
}

impl MailEffect {
    /// What the progress line says while the user waits for this one, where "working" is
    /// not enough.
    pub fn busy(&self, cat: &Catalog) -> Option<String> {
        Some(match self {
            MailEffect::Mailbox { name, open: true } => {
                t!(cat, "mail-mailbox-opening", name = crate::text::clean(name))
            }
            MailEffect::Mailbox { name, open: false } => {
                t!(cat, "mail-mailbox-closing", name = crate::text::clean(name))
            }
            MailEffect::SetOof(_) => t!(cat, "oof-saving"),
            MailEffect::ClearOof => t!(cat, "oof-clearing"),
            _ => return None,
        })
    }
}

#[derive(Debug)]
pub enum MailOutcome {
    Folders(Vec<FolderView>),
    List(String, Vec<ListItem>),
    Read(Box<Read>),
    Search(Vec<ListItem>),
    Drafts(Vec<DraftEntry>),
    Outbox(Vec<Entry>),
    Mailboxes(Vec<MailboxInfo>),
    OutOfOffice(Option<OutOfOffice>),
    Sent {
        queued: bool,
    },
    /// A shared mailbox was opened (`opened`) or closed.
    MailboxChanged {
        name: String,
        opened: bool,
    },
    /// The out-of-office reply was set (`cleared` false) or switched off; `now` is what the
    /// server has after it.
    OofChanged {
        now: Option<OutOfOffice>,
        cleared: bool,
    },
}

#[derive(Default)]
pub struct MailState {
    pub folders: Vec<FolderView>,
    pub folder: usize,
    pub current: Option<String>,
    pub rows: Vec<Row>,
    pub selected: usize,
    pub kind: ListKind,
    pub pane: Pane,
    pub reading: Option<Box<Read>>,
    pub scroll: u16,
    pub search: Option<Field>,
    pub drafts: Vec<DraftEntry>,
    pub outbox: Vec<Entry>,
    pub mailboxes: Vec<MailboxInfo>,
    pub oof: Option<OutOfOffice>,
    pub compose: Option<Compose>,
    /// The out-of-office editor, when open.
    pub oof_form: Option<OofForm>,
    /// `x` was pressed in the out-of-office view: `x` or `y` switches the reply off, any
    /// other key keeps it.
    pub confirm_clear: bool,
    /// A document from a mail, as the viewer app shows it.
    pub viewer: Option<AppPane>,
    /// `o` was pressed on a message with several attachments: the next digit picks one.
    pub picking: bool,
}

const LIST_KEYS: KeyHelp = &[
    ("↑ ↓ PgUp PgDn", msg!("key-move")),
    ("Enter", msg!("key-open")),
    ("← →", msg!("key-panes")),
    ("c", msg!("key-compose")),
    ("r / a", msg!("key-reply")),
    ("f", msg!("key-forward")),
    ("u", msg!("key-toggle-read")),
    ("!", msg!("key-toggle-flag")),
    ("o", msg!("key-open-attachment")),
    ("y", msg!("key-copy")),
    ("/", msg!("key-search")),
    ("d", msg!("key-drafts")),
    ("b", msg!("key-outbox")),
    ("m", msg!("key-mailboxes")),
    ("O", msg!("key-oof")),
];

const COMPOSE_KEYS: KeyHelp = &[
    ("Tab", msg!("key-next-field")),
    ("↑ ↓ Enter", msg!("key-pick-recipient")),
    ("Ctrl+V", msg!("key-paste")),
    ("Ctrl+S", msg!("key-send")),
    ("Ctrl+D", msg!("key-save-draft")),
    ("Esc", msg!("key-close-keep")),
];

/// The mailboxes view's own keys (shown above the list's).
const MAILBOX_KEYS: KeyHelp = &[
    ("Enter", msg!("key-mailbox-toggle")),
    ("Esc", msg!("key-back-to-messages")),
];

/// The out-of-office view's own keys (shown above the list's).
const OOF_KEYS: KeyHelp = &[
    ("e", msg!("key-oof-edit")),
    ("x", msg!("key-oof-clear")),
    ("Esc", msg!("key-back-to-messages")),
];

const OOF_FORM_KEYS: KeyHelp = &[
    ("Tab", msg!("key-next-field")),
    ("Shift+Tab", msg!("key-previous-field")),
    ("Ctrl+V", msg!("key-paste")),
    ("Ctrl+S", msg!("key-save")),
    ("Esc", msg!("key-cancel")),
];

const VIEWER_KEYS: KeyHelp = &[("↑ ↓", msg!("key-scroll")), ("Esc", msg!("key-back"))];

/// A subject without its reply and forward prefixes (Re:, AW:, Fwd:, WG:, …), lower case.
pub fn thread_subject(subject: &str) -> String {
    let mut s = subject.trim();
    loop {
        let lower = s.to_lowercase();
        let cut = ["re:", "aw:", "fwd:", "fw:", "wg:", "antw:"]
            .iter()
            .find(|p| lower.starts_with(*p))
            .map(|p| p.len());
        match cut {
            Some(n) => s = s[n..].trim_start(),
            None => return lower,
        }
    }
}

/// Order a folder's messages as threads: newest thread first, each thread's messages in
/// date order under its first, replies one level deeper than what they answer.
pub fn thread(mut items: Vec<ListItem>) -> Vec<Row> {
    items.sort_by_key(|i| (i.date, i.id));
    let by_message_id: HashMap<&str, usize> = items
        .iter()
        .enumerate()
        .filter_map(|(n, i)| i.message_id.as_deref().map(|m| (m, n)))
        .collect();
    let mut root_of = vec![0usize; items.len()];
    let mut depth = vec![0usize; items.len()];
    let mut by_subject: HashMap<String, usize> = HashMap::new();
    for n in 0..items.len() {
        let parent = items[n]
            .in_reply_to
            .as_deref()
            .and_then(|r| by_message_id.get(r).copied())
            .filter(|p| *p < n);
        let subject = thread_subject(&items[n].subject);
        match parent {
            Some(p) => {
                root_of[n] = root_of[p];
                depth[n] = (depth[p] + 1).min(8);
            }
            None => match by_subject.get(&subject) {
                Some(&root) if !subject.is_empty() => {
                    root_of[n] = root;
                    depth[n] = 1;
                }
                _ => root_of[n] = n,
            },
        }
        by_subject.entry(subject).or_insert(root_of[n]);
    }
    let mut latest: HashMap<usize, (i64, i64)> = HashMap::new();
    for (n, item) in items.iter().enumerate() {
        let e = latest.entry(root_of[n]).or_insert((item.date, item.id));
        *e = (*e).max((item.date, item.id));
    }
    let mut order: Vec<usize> = (0..items.len()).collect();
    order.sort_by_key(|&n| {
        let root = root_of[n];
        (
            std::cmp::Reverse(latest[&root]),
            root,
            (n != root) as u8,
            items[n].date,
            n,
        )
    });
    let mut slots: Vec<Option<ListItem>> = items.into_iter().map(Some).collect();
    order
        .into_iter()
        .filter_map(|n| {
            slots[n].take().map(|item| Row {
                item,
                depth: if n == root_of[n] { 0 } else { depth[n].max(1) },
            })
        })
        .collect()
}

fn move_in(selected: &mut usize, len: usize, key: KeyCode, page: usize) {
    if len == 0 {
        *selected = 0;
        return;
    }
    *selected = match key {
        KeyCode::Up | KeyCode::Char('k') => selected.saturating_sub(1),
        KeyCode::Down | KeyCode::Char('j') => (*selected + 1).min(len - 1),
        KeyCode::PageUp => selected.saturating_sub(page),
        KeyCode::PageDown => (*selected + page).min(len - 1),
        KeyCode::Home => 0,
        KeyCode::End => len - 1,
        _ => *selected,
    };
}

/// Lines of a page for PgUp/PgDn in lists.
const PAGE: usize = 20;

impl MailState {
    /// The keys of what is on screen, most specific first.
    pub fn keys(&self) -> Vec<KeyHelp> {
        if self.compose.is_some() {
            vec![COMPOSE_KEYS]
        } else if self.oof_form.is_some() {
            vec![OOF_FORM_KEYS]
        } else if self.viewer.is_some() {
            vec![VIEWER_KEYS]
        } else {
            match self.kind {
                ListKind::Mailboxes => vec![MAILBOX_KEYS, LIST_KEYS],
                ListKind::OutOfOffice => vec![OOF_KEYS, LIST_KEYS],
                _ => vec![LIST_KEYS],
            }
        }
    }

    pub fn typing(&self) -> bool {
        self.editing() || self.search.is_some()
    }

    /// An editor is open (Ctrl+S belongs to it, not to sync).
    pub fn editing(&self) -> bool {
        self.compose.is_some() || self.oof_form.is_some()
    }

    fn list_len(&self) -> usize {
        match self.kind {
            ListKind::Messages | ListKind::Search => self.rows.len(),
            ListKind::Drafts => self.drafts.len(),
            ListKind::Outbox => self.outbox.len(),
            ListKind::Mailboxes => self.mailboxes.len(),
            ListKind::OutOfOffice => 0,
        }
    }

    pub fn selected_row(&self) -> Option<&Row> {
        match self.kind {
            ListKind::Messages | ListKind::Search => self.rows.get(self.selected),
            _ => None,
        }
    }

    pub fn on_key(
        &mut self,
        key: KeyEvent,
        cat: &Catalog,
        copied: &mut Option<Zeroizing<String>>,
    ) -> Vec<Effect> {
        if self.compose.is_some() {
            return self.compose_key(key, copied);
        }
        if self.oof_form.is_some() {
            return self.oof_key(key, copied);
        }
        if let Some(viewer) = &mut self.viewer {
            if key.code == KeyCode::Esc {
                self.viewer = None;
                return vec![];
            }
            return viewer.scroll_key(key);
        }
        if let Some(search) = &mut self.search {
            match key.code {
                KeyCode::Esc => self.search = None,
                KeyCode::Enter => {
                    let q = search.text.trim().to_string();
                    self.search = None;
                    if !q.is_empty() {
                        return vec![Effect::Mail(MailEffect::Search(q))];
                    }
                }
                KeyCode::Backspace => search.backspace(),
                KeyCode::Left => search.left(),
                KeyCode::Right => search.right(),
                KeyCode::Char(c) => search.insert(c),
                _ => {}
            }
            return vec![];
        }
        if self.picking {
            self.picking = false;
            if let (KeyCode::Char(c @ '1'..='9'), Some(read)) = (key.code, &self.reading) {
                let index = c as usize - '1' as usize;
                if let Some(a) = read.meta.summary.attachments.get(index) {
                    return vec![Effect::Mail(MailEffect::OpenAttachment {
                        id: read.id,
                        index: a.index,
                    })];
                }
            }
            return vec![];
        }
        if self.confirm_clear {
            self.confirm_clear = false;
            if matches!(key.code, KeyCode::Char('x' | 'y')) {
                return vec![Effect::Mail(MailEffect::ClearOof)];
            }
            return vec![];
        }
        let mail = |e| vec![Effect::Mail(e)];
        match key.code {
            KeyCode::Left | KeyCode::Char('h') => {
                self.pane = match self.pane {
                    Pane::Reader => Pane::List,
                    _ => Pane::Folders,
                };
                vec![]
            }
            KeyCode::Right | KeyCode::Char('l') => {
                self.pane = match self.pane {
                    Pane::Folders => Pane::List,
                    _ if self.reading.is_some() => Pane::Reader,
                    p => p,
                };
                vec![]
            }
            KeyCode::Esc => {
                if self.pane == Pane::Reader {
                    self.pane = Pane::List;
                } else if self.kind != ListKind::Messages {
                    self.kind = ListKind::Messages;
                    self.selected = 0;
                    if let Some(f) = self.current.clone() {
                        return mail(MailEffect::List(f));
                    }
                }
                vec![]
            }
            KeyCode::Up
            | KeyCode::Down
            | KeyCode::Char('k')
            | KeyCode::Char('j')
            | KeyCode::PageUp
            | KeyCode::PageDown
            | KeyCode::Home
            | KeyCode::End => {
                match self.pane {
                    Pane::Folders => move_in(&mut self.folder, self.folders.len(), key.code, PAGE),
                    Pane::List => {
                        let len = self.list_len();
                        move_in(&mut self.selected, len, key.code, PAGE)
                    }
                    Pane::Reader => {
                        self.scroll = match key.code {
                            KeyCode::Up | KeyCode::Char('k') => self.scroll.saturating_sub(1),
                            KeyCode::PageUp => self.scroll.saturating_sub(PAGE as u16),
                            KeyCode::Home => 0,
                            KeyCode::PageDown => self.scroll.saturating_add(PAGE as u16),
                            _ => self.scroll.saturating_add(1),
                        }
                    }
                }
                vec![]
            }
            KeyCode::Enter => match self.pane {
                Pane::Folders => {
                    let Some(f) = self.folders.get(self.folder) else {
                        return vec![];
                    };
                    self.current = Some(f.name.clone());
                    self.kind = ListKind::Messages;
                    self.pane = Pane::List;
                    mail(MailEffect::List(f.name.clone()))
                }
                Pane::List => match self.kind {
                    ListKind::Messages | ListKind::Search => match self.selected_row() {
                        Some(row) => mail(MailEffect::Read(row.item.id)),
                        None => vec![],
                    },
                    ListKind::Drafts => match self.drafts.get(self.selected) {
                        Some(d) => mail(MailEffect::SendDraft(d.id.clone())),
                        None => vec![],
                    },
                    ListKind::Outbox => match self.outbox.get(self.selected) {
                        Some(e) => mail(MailEffect::Retry(e.id.clone())),
                        None => vec![],
                    },
                    ListKind::Mailboxes => match self.mailboxes.get(self.selected) {
                        Some(b) => mail(MailEffect::Mailbox {
                            name: b.name.clone(),
                            open: !b.opened,
                        }),
                        None => vec![],
                    },
                    ListKind::OutOfOffice => vec![],
                },
                Pane::Reader => vec![],
            },
            KeyCode::Char('c') => {
                self.compose = Some(Compose::new(ComposeKind::New, "", ""));
                vec![]
            }
            KeyCode::Char(c @ ('r' | 'a' | 'f')) => {
                let Some(read) = &self.reading else {
                    return vec![];
                };
                let subject = &read.meta.summary.subject;
                let quoted: String = crate::text::clean_lines(&read.text)
                    .iter()
                    .map(|l| format!("> {l}\n"))
                    .collect();
                let (kind, subject) = match c {
                    'f' => (
                        ComposeKind::Forward { id: read.id },
                        format!("Fwd: {subject}"),
                    ),
                    _ => (
                        ComposeKind::Reply {
                            id: read.id,
                            all: c == 'a',
                        },
                        format!("Re: {subject}"),
                    ),
                };
                let body = match kind {
                    ComposeKind::Reply { .. } => format!("\n\n{quoted}"),
                    _ => String::new(),
                };
                let mut compose = Compose::new(kind, &crate::text::clean(&subject), &body);
                if let ComposeKind::Reply { .. } = kind {
                    compose.to = Field::with(&crate::text::clean(&read.meta.summary.from));
                }
                self.compose = Some(compose);
                vec![]
            }
            KeyCode::Char('u') | KeyCode::Char('!') => {
                if !matches!(self.kind, ListKind::Messages | ListKind::Search) {
                    return vec![];
                }
                let Some(row) = self.rows.get_mut(self.selected) else {
                    return vec![];
                };
                let (flag, on) = if key.code == KeyCode::Char('u') {
                    row.item.seen = !row.item.seen;
                    ("\\Seen", row.item.seen)
                } else {
                    row.item.flagged = !row.item.flagged;
                    ("\\Flagged", row.item.flagged)
                };
                mail(MailEffect::Flag {
                    id: row.item.id,
                    flag: flag.into(),
                    on,
                })
            }
            KeyCode::Char('o') => {
                let Some(read) = &self.reading else {
                    return vec![];
                };
                match read.meta.summary.attachments.as_slice() {
                    [] => vec![],
                    [one] => mail(MailEffect::OpenAttachment {
                        id: read.id,
                        index: one.index,
                    }),
                    _ => {
                        self.picking = true;
                        vec![]
                    }
                }
            }
            KeyCode::Char('y') => {
                if let Some(read) = &self.reading {
                    *copied = Some(Zeroizing::new(read.text.replace("\r\n", "\n")));
                }
                vec![]
            }
            KeyCode::Char('/') => {
                self.search = Some(Field::default());
                vec![]
            }
            KeyCode::Char('d') => self.show(ListKind::Drafts, MailEffect::Drafts),
            KeyCode::Char('b') => self.show(ListKind::Outbox, MailEffect::Outbox),
            KeyCode::Char('m') => self.show(ListKind::Mailboxes, MailEffect::Mailboxes),
            KeyCode::Char('O') => self.show(ListKind::OutOfOffice, MailEffect::OutOfOffice),
            KeyCode::Char('e') if self.kind == ListKind::OutOfOffice => {
                let today = chrono::Local::now().date_naive().format("%Y-%m-%d");
                self.oof_form = Some(OofForm::new(
                    self.oof.as_ref(),
                    &today.to_string(),
                    &t!(cat, "oof-default-subject"),
                ));
                vec![]
            }
            KeyCode::Char('x') if self.kind == ListKind::OutOfOffice && self.oof.is_some() => {
                self.confirm_clear = true;
                vec![]
            }
            _ => vec![],
        }
    }

    fn show(&mut self, kind: ListKind, load: MailEffect) -> Vec<Effect> {
        self.kind = kind;
        self.selected = 0;
        self.pane = Pane::List;
        vec![Effect::Mail(load)]
    }

    fn compose_key(
        &mut self,
        key: KeyEvent,
        copied: &mut Option<Zeroizing<String>>,
    ) -> Vec<Effect> {
        let Some(c) = &mut self.compose else {
            return vec![];
        };
        let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
        let popup = !c.completions.is_empty() && c.focus < 2;
        match (ctrl, key.code) {
            (true, KeyCode::Char('s')) | (true, KeyCode::Char('d')) => {
                let send = c.send(key.code == KeyCode::Char('d'));
                self.compose = None;
                return vec![send];
            }
            (true, KeyCode::Char('v')) => {
                if let Some(text) = copied.as_ref() {
                    match c.focus {
                        0 => c.to.insert_str(text.lines().next().unwrap_or("")),
                        1 => c.cc.insert_str(text.lines().next().unwrap_or("")),
                        2 => c.subject.insert_str(text.lines().next().unwrap_or("")),
                        _ => c.body.paste(text),
                    }
                }
                return vec![];
            }
            (_, KeyCode::Esc) if popup => c.completions.clear(),
            (_, KeyCode::Esc) => {
                // Closing keeps what was written: as a draft, unless nothing was.
                let empty = c.body.text().trim().is_empty() && c.to.text.trim().is_empty();
                let keep = c.send(true);
                self.compose = None;
                if !empty {
                    return vec![keep];
                }
            }
            (_, KeyCode::Up) if popup => c.picked = c.picked.saturating_sub(1),
            (_, KeyCode::Down) if popup => {
                c.picked = (c.picked + 1).min(c.completions.len().saturating_sub(1))
            }
            (_, KeyCode::Enter) if popup => c.accept(),
            (_, KeyCode::Tab) => {
                c.completions.clear();
                c.focus = (c.focus + 1) % 4;
            }
            (_, KeyCode::BackTab) => {
                c.completions.clear();
                c.focus = (c.focus + 3) % 4;
            }
            (_, code) => {
                let field = match c.focus {
                    0 => Some(&mut c.to),
                    1 => Some(&mut c.cc),
                    2 => Some(&mut c.subject),
                    _ => None,
                };
                match (field, code) {
                    (Some(f), KeyCode::Char(ch)) => f.insert(ch),
                    (Some(f), KeyCode::Backspace) => f.backspace(),
                    (Some(f), KeyCode::Left) => f.left(),
                    (Some(f), KeyCode::Right) => f.right(),
                    (Some(_), KeyCode::Enter) => c.focus += 1,
                    (None, KeyCode::Char(ch)) => c.body.insert(ch),
                    (None, KeyCode::Enter) => c.body.newline(),
                    (None, KeyCode::Backspace) => c.body.backspace(),
                    (None, KeyCode::Up) => c.body.up(),
                    (None, KeyCode::Down) => c.body.down(),
                    (None, KeyCode::Left) => c.body.left(),
                    (None, KeyCode::Right) => c.body.right(),
                    _ => {}
                }
                if matches!(code, KeyCode::Char(_) | KeyCode::Backspace) {
                    match c.token() {
                        Some(token) => return vec![Effect::Complete(token)],
                        None => c.completions.clear(),
                    }
                }
            }
        }
        vec![]
    }

    fn oof_key(&mut self, key: KeyEvent, copied: &Option<Zeroizing<String>>) -> Vec<Effect> {
        let Some(f) = &mut self.oof_form else {
            return vec![];
        };
        let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
        match (ctrl, key.code) {
            // The form stays open until the server has taken it (see `apply`).
            (true, KeyCode::Char('s')) => {
                return vec![Effect::Mail(MailEffect::SetOof(Box::new(f.reply())))];
            }
            (true, KeyCode::Char('v')) => {
                if let Some(text) = copied.as_ref() {
                    f.paste(text);
                }
            }
            (true, _) => {}
            (_, KeyCode::Esc) => self.oof_form = None,
            (_, KeyCode::Tab) => f.focus = (f.focus + 1) % OofForm::FIELDS,
            (_, KeyCode::BackTab) => f.focus = (f.focus + OofForm::FIELDS - 1) % OofForm::FIELDS,
            (_, code) => f.edit(code),
        }
        vec![]
    }

    /// Candidates for the recipient being typed; stale answers (for an older prefix) are
    /// dropped.
    pub fn completions(&mut self, prefix: &str, names: Vec<String>) {
        if let Some(c) = &mut self.compose
            && c.token().as_deref() == Some(prefix)
        {
            c.completions = names;
            c.picked = 0;
        }
    }

    pub fn apply(
        &mut self,
        outcome: MailOutcome,
        cat: &Catalog,
        message: &mut Option<String>,
    ) -> Vec<Effect> {
        match outcome {
            MailOutcome::Folders(folders) => {
                let first_load = self.folders.is_empty();
                // The open folder may be gone (its shared mailbox was closed): back to INBOX.
                let gone = self
                    .current
                    .as_ref()
                    .is_some_and(|c| !folders.iter().any(|f| &f.name == c));
                if gone {
                    self.current = None;
                    self.rows.clear();
                    self.selected = 0;
                }
                self.folders = folders;
                self.folder = self.folder.min(self.folders.len().saturating_sub(1));
                if (first_load || gone)
                    && let Some(inbox) = self.folders.iter().position(is_inbox)
                {
                    self.folder = inbox;
                    let name = self.folders[inbox].name.clone();
                    self.current = Some(name.clone());
                    return vec![Effect::Mail(MailEffect::List(name))];
                }
            }
            MailOutcome::List(folder, items) => {
                if self.current.as_deref() == Some(folder.as_str())
                    && self.kind == ListKind::Messages
                {
                    let keep = self.selected_row().map(|r| r.item.id);
                    self.rows = thread(items);
                    self.selected = keep
                        .and_then(|id| self.rows.iter().position(|r| r.item.id == id))
                        .unwrap_or(0);
                }
            }
            MailOutcome::Read(read) => {
                if let Some(row) = self.rows.iter_mut().find(|r| r.item.id == read.id) {
                    row.item.seen = true;
                }
                self.reading = Some(read);
                self.scroll = 0;
                self.pane = Pane::Reader;
            }
            MailOutcome::Search(hits) => {
                self.kind = ListKind::Search;
                self.rows = hits
                    .into_iter()
                    .map(|item| Row { item, depth: 0 })
                    .collect();
                self.selected = 0;
                self.pane = Pane::List;
                *message = Some(t!(cat, "mail-search-hits", count = self.rows.len()));
            }
            MailOutcome::Drafts(d) => self.drafts = d,
            MailOutcome::Outbox(o) => self.outbox = o,
            MailOutcome::Mailboxes(m) => self.mailboxes = m,
            MailOutcome::OutOfOffice(o) => self.oof = o,
            MailOutcome::Sent { queued } => {
                *message = Some(if queued {
                    t!(cat, "mail-sent")
                } else {
                    t!(cat, "mail-draft-saved")
                });
                return vec![Effect::Status];
            }
            MailOutcome::MailboxChanged { name, opened } => {
                *message = Some(if opened {
                    t!(cat, "mail-mailbox-opened", name = crate::text::clean(&name))
                } else {
                    t!(cat, "mail-mailbox-closed", name = crate::text::clean(&name))
                });
                // The ✓ and the folders show the new state.
                return vec![
                    Effect::Mail(MailEffect::Mailboxes),
                    Effect::Mail(MailEffect::Folders),
                    Effect::Status,
                ];
            }
            MailOutcome::OofChanged { now, cleared } => {
                // The server's answer is its state after the change: the view's reload.
                self.oof = now;
                if cleared {
                    *message = Some(t!(cat, "oof-cleared"));
                } else {
                    self.oof_form = None;
                    *message = Some(t!(cat, "oof-saved"));
                }
            }
        }
        vec![]
    }
}

fn is_inbox(f: &FolderView) -> bool {
    f.name.eq_ignore_ascii_case("INBOX")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn item(id: i64, date: i64, subject: &str, mid: &str, irt: Option<&str>) -> ListItem {
        ListItem {
            id,
            date,
            from: "a@b".into(),
            subject: subject.into(),
            seen: false,
            flagged: false,
            attachments: 0,
            size: 1,
            folder: None,
            message_id: Some(mid.into()),
            in_reply_to: irt.map(str::to_string),
        }
    }

    #[test]
    fn replies_sit_under_what_they_answer_and_threads_sort_by_latest() {
        let rows = thread(vec![
            item(1, 10, "Haushalt", "<1@x>", None),
            item(2, 20, "Urlaub", "<2@x>", None),
            item(3, 30, "AW: Haushalt", "<3@x>", Some("<1@x>")),
            item(4, 40, "Re: Re: Haushalt", "<4@x>", Some("<3@x>")),
            item(5, 15, "WG: Urlaub", "<5@x>", None),
        ]);
        let order: Vec<(i64, usize)> = rows.iter().map(|r| (r.item.id, r.depth)).collect();
        // "WG: Urlaub" came first, so the later "Urlaub" joins its thread.
        assert_eq!(order, vec![(1, 0), (3, 1), (4, 2), (5, 0), (2, 1)]);
    }

    fn press(m: &mut MailState, code: KeyCode) -> Vec<Effect> {
        m.on_key(
            KeyEvent::new(code, KeyModifiers::NONE),
            &Catalog::new(kapsel_i18n::Lang::En),
            &mut None,
        )
    }

    fn ctrl(m: &mut MailState, c: char) -> Vec<Effect> {
        m.on_key(
            KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL),
            &Catalog::new(kapsel_i18n::Lang::En),
            &mut None,
        )
    }

    fn mailboxes() -> Vec<MailboxInfo> {
        serde_json::from_value(serde_json::json!([
            {"name": "Public/Poststelle", "server_name": "Public/Poststelle", "kind": "shared",
             "address": "poststelle@behoerde.example", "rights": "lrswipkxtea", "opened": false},
            {"name": "shared/bob@behoerde.example", "server_name": "shared/bob@behoerde.example",
             "kind": "other-user", "address": "bob@behoerde.example", "rights": "lr",
             "opened": true}
        ]))
        .expect("mailboxes")
    }

    fn oof(internal: &str, external: &str) -> OutOfOffice {
        OutOfOffice {
            start: "2026-12-21".into(),
            end: "2027-01-02".into(),
            subject: "Urlaub".into(),
            internal_text: internal.into(),
            external_text: external.into(),
            internal_domains: vec!["behoerde.example".into()],
        }
    }

    #[test]
    fn enter_opens_a_closed_mailbox_and_closes_an_open_one_then_both_lists_reload() {
        let mut m = MailState::default();
        press(&mut m, KeyCode::Char('m'));
        assert_eq!(m.kind, ListKind::Mailboxes);
        m.apply(
            MailOutcome::Mailboxes(mailboxes()),
            &Catalog::new(kapsel_i18n::Lang::En),
            &mut None,
        );
        let open = press(&mut m, KeyCode::Enter);
        assert!(
            matches!(open.as_slice(), [Effect::Mail(MailEffect::Mailbox { name, open: true })]
                if name == "Public/Poststelle"),
            "{open:?}"
        );
        assert!(
            open[0].waits(),
            "opening syncs: the user waits and may cancel"
        );
        press(&mut m, KeyCode::Down);
        let close = press(&mut m, KeyCode::Enter);
        assert!(
            matches!(close.as_slice(), [Effect::Mail(MailEffect::Mailbox { name, open: false })]
                if name == "shared/bob@behoerde.example"),
            "{close:?}"
        );
        // `u` and `!` act on messages only, never on a message hidden behind this view.
        m.rows = thread(vec![item(1, 10, "Haushalt", "<1@x>", None)]);
        assert!(press(&mut m, KeyCode::Char('u')).is_empty());
        assert!(!m.rows[0].item.seen);
        let mut message = None;
        let reload = m.apply(
            MailOutcome::MailboxChanged {
                name: "shared/bob@behoerde.example".into(),
                opened: false,
            },
            &Catalog::new(kapsel_i18n::Lang::En),
            &mut message,
        );
        assert!(
            reload
                .iter()
                .any(|e| matches!(e, Effect::Mail(MailEffect::Mailboxes)))
                && reload
                    .iter()
                    .any(|e| matches!(e, Effect::Mail(MailEffect::Folders))),
            "{reload:?}"
        );
        assert_eq!(
            message.as_deref(),
            Some(
                "shared/bob@behoerde.example is closed; its messages were removed from the container."
            )
        );
        assert_eq!(m.keys()[0], MAILBOX_KEYS);
    }

    #[test]
    fn a_folder_of_a_closed_mailbox_gives_way_to_the_inbox() {
        let mut m = MailState::default();
        let folders = |names: &[&str]| -> Vec<FolderView> {
            serde_json::from_value(serde_json::Value::Array(
                names
                    .iter()
                    .map(|n| {
                        serde_json::json!({"name": n, "server_name": n, "origin": "own",
                            "special_use": null, "messages": 1, "unread": 0, "rights": null})
                    })
                    .collect(),
            ))
            .expect("folders")
        };
        let cat = Catalog::new(kapsel_i18n::Lang::En);
        m.apply(
            MailOutcome::Folders(folders(&["INBOX", "Poststelle/INBOX"])),
            &cat,
            &mut None,
        );
        m.folder = 1;
        m.current = Some("Poststelle/INBOX".into());
        m.rows = thread(vec![item(7, 10, "Antrag", "<7@x>", None)]);
        let effects = m.apply(MailOutcome::Folders(folders(&["INBOX"])), &cat, &mut None);
        assert_eq!(m.current.as_deref(), Some("INBOX"));
        assert!(m.rows.is_empty() && m.folder == 0);
        assert!(matches!(effects.as_slice(), [Effect::Mail(MailEffect::List(f))] if f == "INBOX"));
    }

    #[test]
    fn the_oof_form_starts_today_moves_between_fields_saves_and_esc_drops_it() {
        let mut m = MailState::default();
        press(&mut m, KeyCode::Char('O'));
        assert_eq!(m.kind, ListKind::OutOfOffice);
        assert_eq!(m.keys()[0], OOF_KEYS);
        assert!(press(&mut m, KeyCode::Char('e')).is_empty());
        let today = chrono::Local::now()
            .date_naive()
            .format("%Y-%m-%d")
            .to_string();
        let f = m.oof_form.as_ref().expect("the form is open");
        assert_eq!(
            (f.start.text.as_str(), f.end.text.as_str()),
            (today.as_str(), today.as_str())
        );
        assert_eq!(f.subject.text, "Abwesenheitsnotiz / Out of office");
        assert_eq!(f.focus, 0);
        assert!(m.typing() && m.editing());
        assert_eq!(m.keys(), vec![OOF_FORM_KEYS]);
        // Tab goes round all five fields; Shift+Tab goes back, from the first to the last.
        for want in [1, 2, 3, 4, 0] {
            press(&mut m, KeyCode::Tab);
            assert_eq!(m.oof_form.as_ref().map(|f| f.focus), Some(want));
        }
        press(&mut m, KeyCode::BackTab);
        assert_eq!(m.oof_form.as_ref().map(|f| f.focus), Some(4));
        press(&mut m, KeyCode::BackTab);
        press(&mut m, KeyCode::BackTab);
        press(&mut m, KeyCode::BackTab);
        // The end date: replace the last two digits.
        press(&mut m, KeyCode::Backspace);
        press(&mut m, KeyCode::Backspace);
        press(&mut m, KeyCode::Char('3'));
        press(&mut m, KeyCode::Char('1'));
        // Enter in a one-line field moves on; in the reply it starts a new line.
        press(&mut m, KeyCode::Enter);
        press(&mut m, KeyCode::Enter);
        for c in "Bin weg.".chars() {
            press(&mut m, KeyCode::Char(c));
        }
        press(&mut m, KeyCode::Enter);
        for c in "Ab 2.1. wieder da.".chars() {
            press(&mut m, KeyCode::Char(c));
        }
        let save = ctrl(&mut m, 's');
        let Some(Effect::Mail(MailEffect::SetOof(reply))) = save.first() else {
            panic!("Ctrl+S saves: {save:?}");
        };
        assert!(save[0].waits());
        assert_eq!(reply.start, today);
        assert!(
            reply.end.ends_with("-31") && reply.end.len() == 10,
            "{}",
            reply.end
        );
        assert_eq!(reply.internal_text, "Bin weg.\nAb 2.1. wieder da.");
        assert_eq!(
            reply.external_text, reply.internal_text,
            "an empty second text means the same reply for everyone"
        );
        assert!(
            m.oof_form.is_some(),
            "the form stays until the server took it"
        );
        // Esc drops the form and asks nothing.
        assert!(press(&mut m, KeyCode::Esc).is_empty());
        assert!(m.oof_form.is_none());
        assert_eq!(m.kind, ListKind::OutOfOffice);
    }

    #[test]
    fn the_oof_form_holds_the_reply_that_is_on_and_keeps_its_domains() {
        let same = OofForm::new(
            Some(&oof("Bin weg.\r\nBis bald.", "Bin weg.\r\nBis bald.")),
            "x",
            "y",
        );
        assert_eq!(same.start.text, "2026-12-21");
        assert_eq!(same.subject.text, "Urlaub");
        assert_eq!(same.internal.text(), "Bin weg.\nBis bald.");
        assert_eq!(
            same.external.text(),
            "",
            "the same text shows as an empty second field"
        );
        let other = OofForm::new(Some(&oof("Intern", "Extern\u{1b}[2J")), "x", "y");
        assert!(!other.external.text().contains('\u{1b}'));
        let reply = other.reply();
        assert_eq!(reply.internal_text, "Intern");
        assert!(reply.external_text.starts_with("Extern"));
        assert_eq!(reply.internal_domains, vec!["behoerde.example".to_string()]);
    }

    #[test]
    fn a_reload_leaves_the_form_alone_and_a_taken_save_closes_it() {
        let cat = Catalog::new(kapsel_i18n::Lang::En);
        let mut m = MailState::default();
        press(&mut m, KeyCode::Char('O'));
        press(&mut m, KeyCode::Char('e'));
        press(&mut m, KeyCode::Tab);
        press(&mut m, KeyCode::Tab);
        press(&mut m, KeyCode::Tab);
        for c in "Bin weg.".chars() {
            press(&mut m, KeyCode::Char(c));
        }
        ctrl(&mut m, 's');
        // A plain reload of the view while the form is open changes nothing in it.
        m.apply(MailOutcome::OutOfOffice(None), &cat, &mut None);
        assert_eq!(
            m.oof_form.as_ref().map(|f| f.internal.text()).as_deref(),
            Some("Bin weg.")
        );
        let mut message = None;
        m.apply(
            MailOutcome::OofChanged {
                now: Some(oof("Bin weg.", "Bin weg.")),
                cleared: false,
            },
            &cat,
            &mut message,
        );
        assert!(m.oof_form.is_none() && m.oof.is_some());
        assert_eq!(message.as_deref(), Some("The out-of-office reply is set."));
    }

    #[test]
    fn x_switches_the_reply_off_only_after_x_or_y() {
        let mut m = MailState::default();
        press(&mut m, KeyCode::Char('O'));
        assert!(
            press(&mut m, KeyCode::Char('x')).is_empty(),
            "nothing to switch off"
        );
        assert!(!m.confirm_clear);
        m.oof = Some(oof("a", "a"));
        for (second, clears) in [('x', true), ('y', true), ('n', false), ('e', false)] {
            assert!(press(&mut m, KeyCode::Char('x')).is_empty());
            assert!(m.confirm_clear);
            let effects = press(&mut m, KeyCode::Char(second));
            assert!(!m.confirm_clear);
            assert_eq!(
                matches!(effects.as_slice(), [Effect::Mail(MailEffect::ClearOof)]),
                clears,
                "{second}: {effects:?}"
            );
            if clears {
                assert!(effects[0].waits());
            }
            // The key that said no does nothing else (`e` does not open the form).
            assert!(m.oof_form.is_none());
        }
        press(&mut m, KeyCode::Char('x'));
        assert!(press(&mut m, KeyCode::Esc).is_empty());
        assert_eq!(
            m.kind,
            ListKind::OutOfOffice,
            "Esc only answered the question"
        );
        let mut message = None;
        m.apply(
            MailOutcome::OofChanged {
                now: None,
                cleared: true,
            },
            &Catalog::new(kapsel_i18n::Lang::En),
            &mut message,
        );
        assert!(m.oof.is_none());
        assert_eq!(message.as_deref(), Some("The out-of-office reply is off."));
    }
}
