//! The employee's shell: `kapsel` without arguments. A full-screen terminal UI (ratatui on
//! crossterm) over the session agent: unlock, mail, calendar, tasks, contacts, directory and
//! micro-apps, a notification area fed by the session's events, and a status line with sync
//! state, outbox and the time left until the session locks itself.
//!
//! `app` holds the state and turns keys into effects (no I/O), `ui` draws it (testable with
//! ratatui's `TestBackend`), `client` carries effects out against the agent, `run` owns the
//! terminal. Every outside string passes `text` on its way to the screen; every string of
//! our own comes from kapsel-i18n's catalogues.

mod app;
mod apps;
mod client;
mod editor;
mod mail;
mod pim;
mod run;
mod text;
mod ui;

pub use app::{App, Effect, Notice, Outcome, StatusLine, SyncLine, Tab, UnlockInfo};
pub use apps::AppPane;
pub use mail::{MailOutcome, Row, thread};
pub use pim::contact_of;
pub use run::run;
pub use ui::draw;
