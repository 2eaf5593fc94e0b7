//! The shell on a real terminal: raw mode, the alternate screen and mouse capture (so a
//! plain drag selects nothing), one thread reading keys, one following the session's events,
//! and a worker thread per request so a slow app or a sync never freezes the screen.
//!
//! Nothing here writes to the system clipboard: no OSC 52, no helper program. What the
//! terminal can still do on its own (a selection with Shift held, a screenshot) is said in
//! the README.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::mpsc::{Receiver, RecvTimeoutError, Sender, channel};
use std::time::{Duration, Instant};

use ratatui::crossterm::event::{self, DisableMouseCapture, EnableMouseCapture, Event as Input};
use ratatui::crossterm::execute;
use ratatui::crossterm::terminal::{
    Clear, ClearType, EnterAlternateScreen, LeaveAlternateScreen, disable_raw_mode, enable_raw_mode,
};
use ratatui::{Terminal, backend::CrosstermBackend};

use crate::app::{App, Effect, Notice, Outcome};
use kapsel_core::error::{Error, Result};
use kapsel_i18n::{Catalog, t};
use kapsel_session::protocol::Event;

enum Msg {
    Input(Input),
    /// (sequence number of the effect, whether the user waited for it, what came back).
    Outcome(u64, bool, Outcome),
    Event(Event),
    /// The event stream ended: the session is gone.
    SessionEnded,
}

fn restore() {
    let _ = disable_raw_mode();
    let mut out = std::io::stdout();
    let _ = execute!(out, DisableMouseCapture, LeaveAlternateScreen);
    let _ = out.flush();
}

/// Follow the session's events until it ends.
fn follow(root: PathBuf, tx: Sender<Msg>) {
    std::thread::spawn(move || {
        let Ok(mut sub) = kapsel_session::subscribe(&root) else {
            let _ = tx.send(Msg::SessionEnded);
            return;
        };
        loop {
            match sub.next_event() {
                Ok(Some(e)) => {
                    if tx.send(Msg::Event(e)).is_err() {
                        return;
                    }
                }
                _ => {
                    let _ = tx.send(Msg::SessionEnded);
                    return;
                }
            }
        }
    });
}

struct Runner {
    root: PathBuf,
    lang: kapsel_i18n::Lang,
    tx: Sender<Msg>,
    seq: u64,
    /// Answers to waited-for requests issued before this number were cancelled.
    cancel_floor: u64,
    last_touch: Instant,
    /// When the session will lock itself if nothing happens, and its full idle time.
    lock_at: Option<Instant>,
    idle: Option<Duration>,
}

impl Runner {
    fn dispatch(&mut self, effect: Effect) {
        match effect {
            Effect::Touch => {
                if let Some(idle) = self.idle {
                    self.lock_at = Some(Instant::now() + idle);
                }
                // The session counts use by requests: a key press is use, but one ping
                // every few seconds says so.
                if self.last_touch.elapsed() < Duration::from_secs(5) {
                    return;
                }
                self.last_touch = Instant::now();
            }
            Effect::Quit => return,
            _ => {}
        }
        self.seq += 1;
        let seq = self.seq;
        let waits = effect.waits();
        let root = self.root.clone();
        let lang = self.lang;
        let tx = self.tx.clone();
        std::thread::spawn(move || {
            // The process's catalogue, unless this shell speaks another language.
            let shared = kapsel_i18n::current();
            let own;
            let cat = if shared.lang() == lang {
                shared
            } else {
                own = Catalog::new(lang);
                &own
            };
            if let Some(outcome) = crate::client::run(&root, cat, effect) {
                let _ = tx.send(Msg::Outcome(seq, waits, outcome));
            }
        });
    }
}

/// Run the shell until the user quits. Returns when the terminal has been restored.
pub fn run(root: &Path, cat: Catalog, color: bool) -> Result<()> {
    use std::io::IsTerminal;
    if !std::io::stdout().is_terminal() || !std::io::stdin().is_terminal() {
        return Err(Error::invalid(kapsel_i18n::t!(cat, "shell-needs-terminal")));
    }
    let lang = cat.lang();
    let unlocked = kapsel_session::is_running(root);
    let mut app = App::new(cat, crate::client::unlock_info(root));
    app.color = color;
    enable_raw_mode().map_err(Error::io(t!(app.cat, "shell-error-raw-mode")))?;
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        // A parser's panic on hostile bytes is contained and the shell goes on drawing.
        if kapsel_mail_wire::contain::is_containing() {
            return;
        }
        restore();
        previous(info);
    }));
    let mut out = std::io::stdout();
    if let Err(e) = execute!(out, EnterAlternateScreen, EnableMouseCapture) {
        restore();
        return Err(Error::io(t!(app.cat, "shell-error-prepare"))(e));
    }
    let result = event_loop(root, &mut app, lang, unlocked);
    restore();
    result
}

fn event_loop(root: &Path, app: &mut App, lang: kapsel_i18n::Lang, unlocked: bool) -> Result<()> {
    let backend = CrosstermBackend::new(std::io::stdout());
    let mut terminal =
        Terminal::new(backend).map_err(Error::io(t!(app.cat, "shell-error-draw")))?;
    let (tx, rx): (Sender<Msg>, Receiver<Msg>) = channel();
    {
        let tx = tx.clone();
        std::thread::spawn(move || {
            while let Ok(input) = event::read() {
                if tx.send(Msg::Input(input)).is_err() {
                    return;
                }
            }
        });
    }
    let mut runner = Runner {
        root: root.to_path_buf(),
        lang,
        tx: tx.clone(),
        seq: 0,
        cancel_floor: 0,
        last_touch: Instant::now(),
        lock_at: None,
        idle: None,
    };
    if unlocked {
        // A session is already running (unlocked from the command line): join it.
        for e in app.apply(Outcome::Unlocked) {
            runner.dispatch(e);
        }
        follow(root.to_path_buf(), tx.clone());
    }
    loop {
        app.status.lock_in = runner
            .lock_at
            .map(|at| at.saturating_duration_since(Instant::now()));
        terminal
            .draw(|f| crate::ui::draw(f, app))
            .map_err(Error::io(t!(app.cat, "shell-error-draw")))?;
        let msg = match rx.recv_timeout(Duration::from_millis(500)) {
            Ok(m) => m,
            Err(RecvTimeoutError::Timeout) => continue,
            Err(RecvTimeoutError::Disconnected) => return Ok(()),
        };
        let mut effects = Vec::new();
        let mut cleared = false;
        match msg {
            Msg::Input(Input::Key(key)) if key.kind == event::KeyEventKind::Press => {
                let was_busy = app.busy.is_some();
                effects = app.on_key(key);
                if was_busy && app.busy.is_none() {
                    runner.cancel_floor = runner.seq + 1;
                }
            }
            Msg::Input(_) => {}
            Msg::Outcome(seq, waits, outcome) => {
                if waits && seq < runner.cancel_floor {
                    continue;
                }
                let unlocked_now = matches!(outcome, Outcome::Unlocked);
                let locked_now = matches!(outcome, Outcome::Locked);
                if let Outcome::Status(s) = &outcome
                    && let Some(left) = s.lock_in
                {
                    runner.idle = Some(left);
                    runner.lock_at = Some(Instant::now() + left);
                }
                effects = app.apply(outcome);
                if unlocked_now {
                    follow(root.to_path_buf(), tx.clone());
                }
                cleared = locked_now;
            }
            Msg::Event(Event::Locked { .. }) | Msg::SessionEnded => {
                if app.unlocked {
                    app.apply(Outcome::Locked);
                    cleared = true;
                }
            }
            Msg::Event(Event::Notification { notification: n }) => {
                let from_mail = n.app == "mail";
                app.apply(Outcome::Notification(Notice {
                    source: n.app,
                    title: n.title,
                    body: n.body,
                }));
                if from_mail {
                    effects.push(Effect::Mail(crate::mail::MailEffect::Folders));
                    if let Some(f) = app.mail.current.clone() {
                        effects.push(Effect::Mail(crate::mail::MailEffect::List(f)));
                    }
                }
            }
            Msg::Event(Event::Sync { progress }) => {
                app.apply(Outcome::SyncProgress(
                    progress.folder,
                    progress.done,
                    progress.total,
                ));
            }
        }
        if cleared {
            runner.lock_at = None;
            runner.idle = None;
            // Nothing of the container may stay on screen, not even for one frame. (Not
            // `Terminal::clear`: it asks the terminal for the cursor position, and the reply
            // would arrive on the key thread.)
            execute!(std::io::stdout(), Clear(ClearType::All))
                .map_err(Error::io(t!(app.cat, "shell-error-clear")))?;
            terminal.current_buffer_mut().reset();
            terminal.swap_buffers();
            terminal.current_buffer_mut().reset();
            app.unlock.info = crate::client::unlock_info(root);
        }
        for e in effects {
            runner.dispatch(e);
        }
        if app.quit {
            return Ok(());
        }
    }
}
