//! Calendar (the week's agenda), tasks, contacts and the directory.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::{Theme, panel, window_start};
use crate::app::App;
use crate::text::{clean, fit};
use kapsel_i18n::t;

fn style_of(selected: bool, theme: Theme) -> Style {
    if selected {
        theme.selected()
    } else {
        Style::default()
    }
}

pub fn agenda(frame: &mut Frame, app: &App, theme: Theme, area: Rect) {
    let cat = &app.cat;
    let f = cat.formats();
    let a = &app.agenda;
    let width = usize::from(area.width.saturating_sub(2));
    let mut lines = Vec::new();
    let mut selected_line = 0;
    let title = match a.answer.as_ref().and_then(|x| x.from.zip(x.to)) {
        Some((from, to)) => t!(
            cat,
            "agenda-title",
            from = f.date(from.date_naive()),
            to = f.date((to - chrono::Duration::seconds(1)).date_naive())
        ),
        None => t!(cat, "shell-tab-calendar"),
    };
    match &a.answer {
        None => lines.push(Line::from(Span::styled(
            t!(cat, "shell-loading"),
            theme.dim(),
        ))),
        Some(ans) if ans.events.is_empty() => lines.push(Line::from(Span::styled(
            t!(cat, "agenda-empty"),
            theme.dim(),
        ))),
        Some(ans) => {
            let mut day = None;
            for (i, e) in ans.events.iter().enumerate() {
                let o = &e.occurrence;
                let start = o.start.with_timezone(&chrono::Local);
                let end = o.end.with_timezone(&chrono::Local);
                if day != Some(start.date_naive()) {
                    day = Some(start.date_naive());
                    lines.push(Line::from(Span::styled(
                        format!(
                            "{} {}",
                            weekday(cat, start.date_naive()),
                            f.date(start.date_naive())
                        ),
                        theme.accent(),
                    )));
                }
                let when = if o.all_day {
                    format!("{:<13}", t!(cat, "agenda-all-day"))
                } else {
                    format!("{}–{}", f.time(start.time()), f.time(end.time()))
                };
                let mut text = format!("  {when}  {}", clean(&o.summary));
                if let Some(loc) = &o.location {
                    text.push_str(&format!(" — {}", clean(loc)));
                }
                if o.recurring {
                    text.push_str(" ↻");
                }
                if i == a.selected {
                    selected_line = lines.len();
                }
                lines.push(Line::from(Span::styled(
                    fit(&text, width),
                    style_of(i == a.selected, theme),
                )));
            }
            if ans.unreadable > 0 {
                lines.push(Line::from(Span::styled(
                    t!(cat, "agenda-unreadable", count = ans.unreadable as i64),
                    theme.warn(),
                )));
            }
        }
    }
    let inner = usize::from(area.height.saturating_sub(2));
    let start = window_start(selected_line, lines.len(), inner);
    let lines: Vec<Line> = lines.into_iter().skip(start).collect();
    frame.render_widget(Paragraph::new(lines).block(panel(title, true, theme)), area);
}

fn weekday(cat: &kapsel_i18n::Catalog, d: chrono::NaiveDate) -> String {
    use chrono::Datelike;
    match d.weekday() {
        chrono::Weekday::Mon => t!(cat, "day-mon"),
        chrono::Weekday::Tue => t!(cat, "day-tue"),
        chrono::Weekday::Wed => t!(cat, "day-wed"),
        chrono::Weekday::Thu => t!(cat, "day-thu"),
        chrono::Weekday::Fri => t!(cat, "day-fri"),
        chrono::Weekday::Sat => t!(cat, "day-sat"),
        chrono::Weekday::Sun => t!(cat, "day-sun"),
    }
}

pub fn tasks(frame: &mut Frame, app: &App, theme: Theme, area: Rect) {
    let cat = &app.cat;
    let f = cat.formats();
    let s = &app.tasks;
    let width = usize::from(area.width.saturating_sub(2));
    let inner = usize::from(area.height.saturating_sub(2));
    let lines: Vec<Line> = match &s.answer {
        None => vec![Line::from(Span::styled(
            t!(cat, "shell-loading"),
            theme.dim(),
        ))],
        Some(a) if a.tasks.is_empty() => {
            vec![Line::from(Span::styled(
                t!(cat, "tasks-empty"),
                theme.dim(),
            ))]
        }
        Some(a) => {
            let start = window_start(s.selected, a.tasks.len(), inner);
            a.tasks
                .iter()
                .enumerate()
                .skip(start)
                .take(inner)
                .map(|(i, t)| {
                    let done = t.task.status.eq_ignore_ascii_case("COMPLETED");
                    let due = t
                        .task
                        .due
                        .map(|d| f.date(d.with_timezone(&chrono::Local).date_naive()))
                        .unwrap_or_default();
                    let mark = if done { "[x]" } else { "[ ]" };
                    let late = if t.overdue {
                        t!(cat, "tasks-overdue")
                    } else {
                        String::new()
                    };
                    let text = format!("{mark} {:<10} {} {late}", due, clean(&t.task.summary));
                    let style = if i == s.selected {
                        theme.selected()
                    } else if t.overdue {
                        theme.warn()
                    } else {
                        Style::default()
                    };
                    Line::from(Span::styled(fit(&text, width), style))
                })
                .collect()
        }
    };
    frame.render_widget(
        Paragraph::new(lines).block(panel(t!(cat, "shell-tab-tasks"), true, theme)),
        area,
    );
}

pub fn contacts(frame: &mut Frame, app: &App, theme: Theme, area: Rect) {
    let cat = &app.cat;
    let s = &app.contacts;
    let width = usize::from(area.width.saturating_sub(2));
    let inner = usize::from(area.height.saturating_sub(2));
    let lines: Vec<Line> = match &s.answer {
        None => vec![Line::from(Span::styled(
            t!(cat, "shell-loading"),
            theme.dim(),
        ))],
        Some(a) if a.contacts.is_empty() => {
            vec![Line::from(Span::styled(
                t!(cat, "contacts-empty"),
                theme.dim(),
            ))]
        }
        Some(a) => {
            let start = window_start(s.selected, a.contacts.len(), inner);
            a.contacts
                .iter()
                .enumerate()
                .skip(start)
                .take(inner)
                .map(|(i, c)| {
                    let c = &c.contact;
                    let text = format!(
                        "{:<28} {:<32} {}",
                        fit(&clean(&c.name), 28),
                        fit(&clean(&c.emails.join(", ")), 32),
                        clean(&c.phones.join(", "))
                    );
                    Line::from(Span::styled(
                        fit(&text, width),
                        style_of(i == s.selected, theme),
                    ))
                })
                .collect()
        }
    };
    let title = if s.filtering || !s.filter.text.is_empty() {
        t!(cat, "contacts-filtered", filter = clean(&s.filter.text))
    } else {
        t!(cat, "shell-tab-contacts")
    };
    frame.render_widget(Paragraph::new(lines).block(panel(title, true, theme)), area);
}

pub fn directory(frame: &mut Frame, app: &App, theme: Theme, area: Rect) {
    let cat = &app.cat;
    let s = &app.directory;
    let [field, list] = Layout::vertical([Constraint::Length(3), Constraint::Min(1)]).areas(area);
    frame.render_widget(
        Paragraph::new(clean(&s.query.text)).block(panel(t!(cat, "directory-search"), true, theme)),
        field,
    );
    frame.set_cursor_position((field.x + 1 + s.query.cursor as u16, field.y + 1));
    let width = usize::from(list.width.saturating_sub(2));
    let inner = usize::from(list.height.saturating_sub(2));
    let lines: Vec<Line> = match &s.found {
        None => vec![Line::from(Span::styled(
            t!(cat, "directory-hint"),
            theme.dim(),
        ))],
        Some(found) if found.people.is_empty() => {
            vec![Line::from(Span::styled(
                t!(cat, "directory-none"),
                theme.dim(),
            ))]
        }
        Some(found) => {
            let start = window_start(s.selected, found.people.len(), inner);
            let mut v: Vec<Line> = found
                .people
                .iter()
                .enumerate()
                .skip(start)
                .take(inner)
                .map(|(i, p)| {
                    let text = format!(
                        "{:<28} {:<30} {:<16} {}",
                        fit(&clean(&p.name()), 28),
                        fit(&clean(p.mail.as_deref().unwrap_or("")), 30),
                        fit(&clean(p.phone.as_deref().unwrap_or("")), 16),
                        clean(p.department.as_deref().unwrap_or(""))
                    );
                    Line::from(Span::styled(
                        fit(&text, width),
                        style_of(i == s.selected, theme),
                    ))
                })
                .collect();
            if found.truncated {
                v.push(Line::from(Span::styled(
                    t!(cat, "directory-truncated"),
                    theme.warn(),
                )));
            }
            v
        }
    };
    frame.render_widget(
        Paragraph::new(lines).block(panel(t!(cat, "directory-results"), false, theme)),
        list,
    );
}
