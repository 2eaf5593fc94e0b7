//! Drawing the shell: one function per screen, all from the [`App`] state and the
//! catalogue, nothing else — so a frame can be rendered into ratatui's `TestBackend` and its
//! text checked. Colour is decoration only: with `NO_COLOR` every distinction survives as
//! bold, reverse or a marker character.

mod apps;
mod mail;
mod pim;
mod unlock;

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block as Panel, Clear, Paragraph, Tabs};

use crate::app::{App, Tab};
use crate::text::{clean, fit};
use kapsel_i18n::{Catalog, t};

pub(crate) use apps::draw_pane;

/// Styles, with or without colour.
#[derive(Debug, Clone, Copy)]
pub struct Theme {
    pub color: bool,
}

impl Theme {
    pub fn selected(self) -> Style {
        Style::default().add_modifier(Modifier::REVERSED)
    }
    pub fn strong(self) -> Style {
        Style::default().add_modifier(Modifier::BOLD)
    }
    pub fn accent(self) -> Style {
        if self.color {
            Style::default()
                .fg(Color::Cyan)
                .add_modifier(Modifier::BOLD)
        } else {
            self.strong()
        }
    }
    pub fn dim(self) -> Style {
        if self.color {
            Style::default().fg(Color::DarkGray)
        } else {
            Style::default()
        }
    }
    pub fn warn(self) -> Style {
        if self.color {
            Style::default()
                .fg(Color::Yellow)
                .add_modifier(Modifier::BOLD)
        } else {
            self.strong()
        }
    }
    pub fn error(self) -> Style {
        if self.color {
            Style::default().fg(Color::Red).add_modifier(Modifier::BOLD)
        } else {
            self.strong()
        }
    }
}

/// Rows `selected` must be visible in, out of `len`, for a list `height` rows high: the
/// first row to draw.
pub fn window_start(selected: usize, len: usize, height: usize) -> usize {
    if height == 0 || len <= height {
        return 0;
    }
    selected.saturating_sub(height - 1).min(len - height)
}

/// Draw the whole screen.
pub fn draw(frame: &mut Frame, app: &App) {
    let theme = Theme { color: app.color };
    let area = frame.area();
    if area.width < 20 || area.height < 6 {
        frame.render_widget(Paragraph::new(t!(app.cat, "shell-too-small")), area);
        return;
    }
    if !app.unlocked {
        unlock::draw(frame, app, theme, area);
        if app.help {
            help(frame, app, theme, area);
        }
        return;
    }
    let [tabs, body, notice, status] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Min(1),
        Constraint::Length(1),
        Constraint::Length(1),
    ])
    .areas(area);
    let titles: Vec<Line> = Tab::ALL
        .iter()
        .enumerate()
        .map(|(i, t)| Line::from(format!("F{} {}", i + 1, t.title(&app.cat))))
        .collect();
    let selected = Tab::ALL.iter().position(|t| *t == app.tab).unwrap_or(0);
    frame.render_widget(
        Tabs::new(titles)
            .select(selected)
            .highlight_style(theme.selected())
            .divider("│"),
        tabs,
    );
    if let Some((_, why)) = app.unavailable.iter().find(|(t, _)| *t == app.tab) {
        let lines = vec![
            Line::from(Span::styled(
                t!(app.cat, "shell-not-configured"),
                theme.strong(),
            )),
            Line::default(),
            Line::from(Span::styled(clean(why), theme.dim())),
        ];
        frame.render_widget(
            Paragraph::new(lines)
                .wrap(ratatui::widgets::Wrap { trim: false })
                .block(panel(app.tab.title(&app.cat), true, theme)),
            body,
        );
    } else {
        match app.tab {
            Tab::Mail => mail::draw(frame, app, theme, body),
            Tab::Calendar => pim::agenda(frame, app, theme, body),
            Tab::Tasks => pim::tasks(frame, app, theme, body),
            Tab::Contacts => pim::contacts(frame, app, theme, body),
            Tab::Directory => pim::directory(frame, app, theme, body),
            Tab::Apps => apps::draw(frame, app, theme, body),
        }
    }
    notice_line(frame, app, theme, notice);
    status_line(frame, app, theme, status);
    if app.help {
        help(frame, app, theme, area);
    }
}

fn notice_line(frame: &mut Frame, app: &App, theme: Theme, area: Rect) {
    let width = usize::from(area.width);
    let line = if let Some(busy) = &app.busy {
        // What is going on may name something long (a mailbox): it gives way, the hint not.
        let hint = t!(app.cat, "shell-esc-cancels");
        let room = width.saturating_sub(unicode_width::UnicodeWidthStr::width(hint.as_str()) + 4);
        Line::from(vec![
            Span::styled(format!("⏳ {} ", fit(&clean(busy), room)), theme.warn()),
            Span::styled(hint, theme.dim()),
        ])
    } else if let Some(message) = &app.message {
        Line::from(Span::styled(fit(&clean(message), width), theme.strong()))
    } else if let Some(n) = app.notices.front() {
        let text = format!(
            "» {}: {} — {}",
            clean(&n.source),
            clean(&n.title),
            clean(&n.body)
        );
        Line::from(Span::styled(fit(&text, width), theme.accent()))
    } else {
        Line::default()
    };
    frame.render_widget(Paragraph::new(line), area);
}

fn status_line(frame: &mut Frame, app: &App, theme: Theme, area: Rect) {
    let cat = &app.cat;
    let f = cat.formats();
    let s = &app.status;
    let sync = match (&s.sync.running, &s.sync.error, s.sync.last_ms) {
        (Some((folder, done, total)), _, _) => t!(
            cat,
            "status-syncing",
            folder = clean(folder),
            done = *done as i64,
            total = *total as i64
        ),
        (None, Some(e), _) => t!(cat, "status-sync-failed", reason = fit(&clean(e), 40)),
        (None, None, Some(ms)) => {
            let when = chrono::DateTime::from_timestamp_millis(ms as i64)
                .map(|d| f.time(d.with_timezone(&chrono::Local).time()))
                .unwrap_or_default();
            t!(cat, "status-synced", time = when)
        }
        (None, None, None) => t!(cat, "status-not-synced"),
    };
    let outbox = t!(cat, "status-outbox", count = s.outbox as i64);
    let lock = match s.lock_in {
        Some(d) => {
            let secs = d.as_secs();
            t!(
                cat,
                "status-lock-in",
                time = format!("{}:{:02}", secs / 60, secs % 60)
            )
        }
        None => String::new(),
    };
    let right = format!("{lock} │ ? {}", t!(cat, "status-help"));
    let left = format!(" {sync} │ {outbox}");
    let width = usize::from(area.width);
    let room = width.saturating_sub(unicode_width::UnicodeWidthStr::width(right.as_str()) + 1);
    let left = fit(&left, room);
    let pad = width
        .saturating_sub(unicode_width::UnicodeWidthStr::width(left.as_str()))
        .saturating_sub(unicode_width::UnicodeWidthStr::width(right.as_str()));
    let line = Line::from(vec![
        Span::raw(left),
        Span::raw(" ".repeat(pad)),
        Span::raw(right),
    ]);
    frame.render_widget(Paragraph::new(line).style(theme.selected()), area);
}

fn help(frame: &mut Frame, app: &App, theme: Theme, area: Rect) {
    let mut lines = vec![Line::from(Span::styled(
        t!(app.cat, "help-title"),
        theme.accent(),
    ))];
    for table in app.keys() {
        lines.push(Line::default());
        for (key, id) in table.iter() {
            lines.push(Line::from(vec![
                Span::styled(format!("{key:>14}  "), theme.strong()),
                Span::raw(app.cat.message(id, &[])),
            ]));
        }
    }
    lines.push(Line::default());
    lines.push(Line::from(Span::styled(
        t!(app.cat, "help-close"),
        theme.dim(),
    )));
    let rect = centered(area, 64, lines.len() as u16 + 2);
    frame.render_widget(Clear, rect);
    frame.render_widget(Paragraph::new(lines).block(Panel::bordered()), rect);
}

/// A box of at most `width`×`height` in the middle of `area`.
pub fn centered(area: Rect, width: u16, height: u16) -> Rect {
    let (width, height) = (width.min(area.width), height.min(area.height));
    Rect {
        x: area.x + (area.width - width) / 2,
        y: area.y + (area.height - height) / 2,
        width,
        height,
    }
}

/// A bordered panel with a title, highlighted when it has the focus.
pub fn panel<'a>(title: String, focused: bool, theme: Theme) -> Panel<'a> {
    let style = if focused { theme.accent() } else { theme.dim() };
    Panel::bordered().title(Span::styled(title, style))
}

/// A short date for lists: the time today, else the day.
pub fn list_date(cat: &Catalog, seconds: i64) -> String {
    let f = cat.formats();
    let Some(dt) = chrono::DateTime::from_timestamp(seconds, 0) else {
        return String::new();
    };
    let local = dt.with_timezone(&chrono::Local);
    if local.date_naive() == chrono::Local::now().date_naive() {
        f.time(local.time())
    } else {
        f.date(local.date_naive())
    }
}

#[cfg(test)]
mod tests;
