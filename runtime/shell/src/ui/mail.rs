//! The mail screen: folders | messages | reader, or the editor, or a document in the viewer.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Clear, Paragraph, Wrap};

use super::{Theme, list_date, panel, window_start};
use crate::app::App;
use crate::mail::{ComposeKind, ListKind, Pane};
use crate::text::{clean, clean_lines, fit};
use kapsel_i18n::t;

pub fn draw(frame: &mut Frame, app: &App, theme: Theme, area: Rect) {
    let m = &app.mail;
    if let Some(pane) = &m.viewer {
        return super::draw_pane(frame, app, pane, theme, area);
    }
    if m.compose.is_some() {
        return compose(frame, app, theme, area);
    }
    if m.oof_form.is_some() {
        return oof_form(frame, app, theme, area);
    }
    let wide = area.width >= 120;
    let (folders, list, reader) = if wide {
        let [a, b, c] = Layout::horizontal([
            Constraint::Length(24),
            Constraint::Percentage(45),
            Constraint::Min(20),
        ])
        .areas(area);
        (Some(a), b, Some(c))
    } else {
        // 80 columns: folders beside the list; the reader takes the whole width when open.
        match m.pane {
            Pane::Reader => (None, Rect::default(), Some(area)),
            _ => {
                let [a, b] =
                    Layout::horizontal([Constraint::Length(18), Constraint::Min(20)]).areas(area);
                (Some(a), b, None)
            }
        }
    };
    if let Some(r) = folders {
        folder_list(frame, app, theme, r);
    }
    if list.width > 0 {
        match m.kind {
            ListKind::Messages | ListKind::Search => messages(frame, app, theme, list),
            _ => other_list(frame, app, theme, list),
        }
    }
    if let Some(r) = reader {
        read(frame, app, theme, r);
    }
    if let Some(search) = &m.search {
        let rect = Rect {
            x: area.x + 2,
            y: area.y + area.height.saturating_sub(3),
            width: area.width.saturating_sub(4).min(60),
            height: 3.min(area.height),
        };
        frame.render_widget(Clear, rect);
        frame.render_widget(
            Paragraph::new(clean(&search.text)).block(panel(
                t!(app.cat, "mail-search"),
                true,
                theme,
            )),
            rect,
        );
        frame.set_cursor_position((rect.x + 1 + search.cursor as u16, rect.y + 1));
    }
}

fn folder_list(frame: &mut Frame, app: &App, theme: Theme, area: Rect) {
    let m = &app.mail;
    let inner = usize::from(area.height.saturating_sub(2));
    let start = window_start(m.folder, m.folders.len(), inner);
    let width = usize::from(area.width.saturating_sub(2));
    let lines: Vec<Line> = m
        .folders
        .iter()
        .enumerate()
        .skip(start)
        .take(inner)
        .map(|(i, f)| {
            let unread = if f.unread > 0 {
                format!(" ({})", app.cat.formats().int(f.unread as i64))
            } else {
                String::new()
            };
            let text = fit(&format!("{}{unread}", clean(&f.name)), width);
            let style = if i == m.folder && m.pane == Pane::Folders {
                theme.selected()
            } else if i == m.folder || f.unread > 0 {
                theme.strong()
            } else {
                ratatui::style::Style::default()
            };
            Line::from(Span::styled(text, style))
        })
        .collect();
    frame.render_widget(
        Paragraph::new(lines).block(panel(
            t!(app.cat, "mail-folders"),
            m.pane == Pane::Folders,
            theme,
        )),
        area,
    );
}

fn messages(frame: &mut Frame, app: &App, theme: Theme, area: Rect) {
    let m = &app.mail;
    let cat = &app.cat;
    let inner = usize::from(area.height.saturating_sub(2));
    let width = usize::from(area.width.saturating_sub(2));
    // Only the visible rows are built: a 10,000-message folder costs what one screen does.
    let start = window_start(m.selected, m.rows.len(), inner);
    let from_width = (width / 4).clamp(8, 24);
    let lines: Vec<Line> = m.rows[start..(start + inner).min(m.rows.len())]
        .iter()
        .enumerate()
        .map(|(n, row)| {
            let i = &row.item;
            let marks = format!(
                "{}{}{}",
                if i.seen { ' ' } else { '●' },
                if i.flagged { '!' } else { ' ' },
                if i.attachments > 0 { '+' } else { ' ' }
            );
            let date = format!("{:>10}", list_date(cat, i.date));
            let from = format!("{:<from_width$}", fit(&clean(&i.from), from_width));
            let indent = if row.depth > 0 {
                format!("{}↳ ", "  ".repeat(row.depth - 1))
            } else {
                String::new()
            };
            let used = 3 + 1 + 10 + 1 + from_width + 1;
            let subject = fit(
                &format!("{indent}{}", clean(&i.subject)),
                width.saturating_sub(used),
            );
            let text = format!("{marks} {date} {from} {subject}");
            let style = if start + n == m.selected && m.pane == Pane::List {
                theme.selected()
            } else if !i.seen {
                theme.strong()
            } else {
                ratatui::style::Style::default()
            };
            Line::from(Span::styled(text, style))
        })
        .collect();
    let title = match (&m.kind, &m.current) {
        (ListKind::Search, _) => t!(cat, "mail-search-results", count = m.rows.len() as i64),
        (_, Some(f)) => format!(
            "{} — {}",
            clean(f),
            t!(cat, "mail-messages", count = m.rows.len() as i64)
        ),
        _ => t!(cat, "mail-messages", count = m.rows.len() as i64),
    };
    let body = if m.rows.is_empty() {
        Paragraph::new(Span::styled(t!(cat, "mail-empty"), theme.dim()))
    } else {
        Paragraph::new(lines)
    };
    frame.render_widget(body.block(panel(title, m.pane == Pane::List, theme)), area);
}

fn other_list(frame: &mut Frame, app: &App, theme: Theme, area: Rect) {
    let m = &app.mail;
    let cat = &app.cat;
    let width = usize::from(area.width.saturating_sub(2));
    let sel = |i: usize| {
        if i == m.selected {
            theme.selected()
        } else {
            ratatui::style::Style::default()
        }
    };
    let (title, lines): (String, Vec<Line>) = match m.kind {
        ListKind::Drafts => (
            t!(cat, "mail-drafts"),
            m.drafts
                .iter()
                .enumerate()
                .map(|(i, d)| {
                    let to = clean(&d.draft.to.join(", "));
                    Line::from(Span::styled(
                        fit(&format!("{} → {}", clean(&d.draft.subject), to), width),
                        sel(i),
                    ))
                })
                .collect(),
        ),
        ListKind::Outbox => (
            t!(cat, "mail-outbox"),
            m.outbox
                .iter()
                .enumerate()
                .flat_map(|(i, e)| {
                    let state = match e.state {
                        kapsel_mail::outbox::State::Queued => t!(cat, "outbox-queued"),
                        kapsel_mail::outbox::State::Sending => t!(cat, "outbox-sending"),
                        kapsel_mail::outbox::State::InDoubt => t!(cat, "outbox-in-doubt"),
                        kapsel_mail::outbox::State::Failed => t!(cat, "outbox-failed"),
                    };
                    let mut v = vec![Line::from(Span::styled(
                        fit(
                            &format!(
                                "[{state}] {} → {}",
                                clean(&e.subject),
                                clean(&e.to.join(", "))
                            ),
                            width,
                        ),
                        sel(i),
                    ))];
                    if let Some(err) = &e.last_error {
                        v.push(Line::from(Span::styled(
                            fit(&format!("    {}", clean(err)), width),
                            theme.dim(),
                        )));
                    }
                    if matches!(e.state, kapsel_mail::outbox::State::InDoubt) {
                        v.push(Line::from(Span::styled(
                            fit(&format!("    {}", t!(cat, "outbox-in-doubt-help")), width),
                            theme.warn(),
                        )));
                    }
                    v
                })
                .collect(),
        ),
        ListKind::Mailboxes => (
            t!(cat, "mail-mailboxes"),
            m.mailboxes
                .iter()
                .enumerate()
                .map(|(i, b)| {
                    let open = if b.opened { "✓" } else { " " };
                    Line::from(Span::styled(
                        fit(
                            &format!(
                                "{open} {} {} ({})",
                                clean(&b.name),
                                clean(b.address.as_deref().unwrap_or("")),
                                clean(&b.rights)
                            ),
                            width,
                        ),
                        sel(i),
                    ))
                })
                .collect(),
        ),
        _ => (
            t!(cat, "mail-oof"),
            match &m.oof {
                None => vec![Line::from(t!(cat, "oof-off"))],
                Some(o) => {
                    let mut v = vec![
                        Line::from(t!(
                            cat,
                            "oof-on",
                            start = clean(&o.start),
                            end = clean(&o.end)
                        )),
                        Line::from(clean(&o.subject)),
                        Line::default(),
                    ];
                    v.extend(clean_lines(&o.internal_text).into_iter().map(Line::from));
                    if o.external_text != o.internal_text {
                        v.push(Line::default());
                        v.push(Line::from(Span::styled(
                            t!(cat, "oof-to-others"),
                            theme.strong(),
                        )));
                        v.extend(clean_lines(&o.external_text).into_iter().map(Line::from));
                    }
                    v
                }
            },
        ),
    };
    // The question before the reply is switched off stands above everything else.
    let lines = if m.kind == ListKind::OutOfOffice && m.confirm_clear {
        let mut v = vec![
            Line::from(Span::styled(t!(cat, "oof-confirm-clear"), theme.warn())),
            Line::from(Span::styled(t!(cat, "oof-confirm-keys"), theme.strong())),
            Line::default(),
        ];
        v.extend(lines);
        v
    } else {
        lines
    };
    let body = if lines.is_empty() {
        Paragraph::new(Span::styled(t!(cat, "mail-empty"), theme.dim()))
    } else {
        Paragraph::new(lines)
    };
    frame.render_widget(body.block(panel(title, m.pane == Pane::List, theme)), area);
}

fn read(frame: &mut Frame, app: &App, theme: Theme, area: Rect) {
    let m = &app.mail;
    let cat = &app.cat;
    let focused = m.pane == Pane::Reader;
    let Some(r) = &m.reading else {
        frame.render_widget(
            Paragraph::new(Span::styled(t!(cat, "mail-nothing-open"), theme.dim())).block(panel(
                t!(cat, "mail-reader"),
                focused,
                theme,
            )),
            area,
        );
        return;
    };
    let s = &r.meta.summary;
    let f = cat.formats();
    let date = chrono::DateTime::from_timestamp(s.date, 0)
        .map(|d| f.datetime(d.with_timezone(&chrono::Local).naive_local()))
        .unwrap_or_default();
    let field = |label: String, value: String| {
        Line::from(vec![
            Span::styled(format!("{label}: "), theme.strong()),
            Span::raw(value),
        ])
    };
    let mut lines = vec![
        field(t!(cat, "mail-from"), clean(&s.from)),
        field(t!(cat, "mail-to"), clean(&s.to.join(", "))),
    ];
    if !s.cc.is_empty() {
        lines.push(field(t!(cat, "mail-cc"), clean(&s.cc.join(", "))));
    }
    let date = if s.date_from_arrival {
        format!("{date} {}", t!(cat, "mail-date-arrival"))
    } else {
        date
    };
    lines.push(field(t!(cat, "mail-date"), date));
    lines.push(field(t!(cat, "mail-subject"), clean(&s.subject)));
    match s.security {
        Some(kapsel_mail::mime::Security::Signed) => {
            lines.push(Line::from(Span::styled(
                t!(cat, "mail-signed"),
                theme.dim(),
            )));
        }
        Some(kapsel_mail::mime::Security::Encrypted) => {
            lines.push(Line::from(Span::styled(
                t!(cat, "mail-encrypted"),
                theme.warn(),
            )));
        }
        None => {}
    }
    for (n, a) in s.attachments.iter().enumerate() {
        let inline = if a.inline {
            format!(" {}", t!(cat, "mail-attachment-inline"))
        } else {
            String::new()
        };
        lines.push(Line::from(Span::styled(
            format!(
                "  [{}] {} ({}, {}){inline}",
                n + 1,
                clean(&a.name),
                clean(&a.media_type),
                f.size(a.size)
            ),
            theme.accent(),
        )));
        for w in &a.warnings {
            let text = match w {
                kapsel_mail::mime::Warning::Dangerous => t!(cat, "mail-attachment-dangerous"),
                kapsel_mail::mime::Warning::Mismatch { named, content } => t!(
                    cat,
                    "mail-attachment-mismatch",
                    named = clean(named),
                    content = clean(content)
                ),
            };
            lines.push(Line::from(Span::styled(
                format!("      {text}"),
                theme.warn(),
            )));
        }
    }
    if m.picking {
        lines.push(Line::from(Span::styled(
            t!(cat, "mail-pick-attachment"),
            theme.warn(),
        )));
    }
    lines.push(Line::default());
    lines.extend(clean_lines(&r.text).into_iter().map(Line::from));
    frame.render_widget(
        Paragraph::new(lines)
            .wrap(Wrap { trim: false })
            .scroll((m.scroll, 0))
            .block(panel(t!(cat, "mail-reader"), focused, theme)),
        area,
    );
}

fn compose(frame: &mut Frame, app: &App, theme: Theme, area: Rect) {
    let cat = &app.cat;
    let Some(c) = &app.mail.compose else {
        return;
    };
    let title = match c.kind {
        ComposeKind::New => t!(cat, "compose-new"),
        ComposeKind::Reply { all: false, .. } => t!(cat, "compose-reply"),
        ComposeKind::Reply { all: true, .. } => t!(cat, "compose-reply-all"),
        ComposeKind::Forward { .. } => t!(cat, "compose-forward"),
    };
    let block = panel(title, true, theme);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let [to, cc, subject, rule, body, hint] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Length(1),
        Constraint::Length(1),
        Constraint::Length(1),
        Constraint::Min(1),
        Constraint::Length(1),
    ])
    .areas(inner);
    // Replies go to the original's sender(s): the address fields are shown, not edited.
    let fixed = matches!(c.kind, ComposeKind::Reply { .. });
    let rows = [
        (t!(cat, "mail-to"), &c.to, to, 0),
        (t!(cat, "mail-cc"), &c.cc, cc, 1),
        (t!(cat, "mail-subject"), &c.subject, subject, 2),
    ];
    for (label, field, rect, n) in rows {
        let style = if c.focus == n {
            theme.accent()
        } else {
            theme.strong()
        };
        let label = format!("{label:>10}: ");
        let label_width = unicode_width::UnicodeWidthStr::width(label.as_str()) as u16;
        frame.render_widget(
            Paragraph::new(Line::from(vec![
                Span::styled(label, style),
                Span::raw(clean(&field.text)),
            ])),
            rect,
        );
        if c.focus == n && !(fixed && n < 2) {
            frame.set_cursor_position((rect.x + label_width + field.cursor as u16, rect.y));
        }
    }
    frame.render_widget(Paragraph::new("─".repeat(usize::from(rule.width))), rule);
    let height = usize::from(body.height);
    let start = window_start(c.body.row, c.body.lines.len(), height);
    let lines: Vec<Line> = c.body.lines[start..(start + height).min(c.body.lines.len())]
        .iter()
        .map(|l| Line::from(clean(&l.text)))
        .collect();
    frame.render_widget(Paragraph::new(lines), body);
    if c.focus == 3 {
        let row = c.body.row.saturating_sub(start) as u16;
        let col = c.body.lines.get(c.body.row).map_or(0, |l| l.cursor) as u16;
        frame.set_cursor_position((body.x + col.min(body.width), body.y + row));
    }
    frame.render_widget(
        Paragraph::new(Span::styled(t!(cat, "compose-keys"), theme.dim())),
        hint,
    );
    if !c.completions.is_empty() && c.focus < 2 {
        let rows = c.completions.len().min(8) as u16;
        let rect = Rect {
            x: inner.x + 12,
            y: inner.y + c.focus as u16 + 1,
            width: inner.width.saturating_sub(12).min(60),
            height: (rows + 2).min(inner.height),
        };
        let lines: Vec<Line> = c
            .completions
            .iter()
            .take(8)
            .enumerate()
            .map(|(i, name)| {
                let style = if i == c.picked {
                    theme.selected()
                } else {
                    ratatui::style::Style::default()
                };
                Line::from(Span::styled(clean(name), style))
            })
            .collect();
        frame.render_widget(Clear, rect);
        frame.render_widget(
            Paragraph::new(lines).block(panel(t!(cat, "compose-suggestions"), true, theme)),
            rect,
        );
    }
}

/// The out-of-office editor: three one-line fields, then the reply and the reply to others.
fn oof_form(frame: &mut Frame, app: &App, theme: Theme, area: Rect) {
    let cat = &app.cat;
    let Some(f) = &app.mail.oof_form else {
        return;
    };
    let block = panel(t!(cat, "oof-edit-title"), true, theme);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let [
        start,
        end,
        subject,
        internal_label,
        internal,
        external_label,
        external,
        hint,
    ] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Length(1),
        Constraint::Length(1),
        Constraint::Length(1),
        Constraint::Fill(1),
        Constraint::Length(1),
        Constraint::Fill(1),
        Constraint::Length(1),
    ])
    .areas(inner);
    let style = |n: usize| {
        if f.focus == n {
            theme.accent()
        } else {
            theme.strong()
        }
    };
    let labels = [
        t!(cat, "oof-start"),
        t!(cat, "oof-end"),
        t!(cat, "mail-subject"),
    ];
    let width = labels
        .iter()
        .map(|l| unicode_width::UnicodeWidthStr::width(l.as_str()))
        .max()
        .unwrap_or(0);
    let date_hint = t!(cat, "oof-date-format");
    let rows = [(&f.start, start), (&f.end, end), (&f.subject, subject)];
    for (n, ((field, rect), label)) in rows.into_iter().zip(labels).enumerate() {
        let label = format!("{label:>width$}: ");
        let label_width = unicode_width::UnicodeWidthStr::width(label.as_str()) as u16;
        let mut spans = vec![Span::styled(label, style(n)), Span::raw(clean(&field.text))];
        if n < 2 {
            spans.push(Span::styled(format!("  {date_hint}"), theme.dim()));
        }
        frame.render_widget(Paragraph::new(Line::from(spans)), rect);
        if f.focus == n {
            let col = (label_width + field.cursor as u16).min(rect.width.saturating_sub(1));
            frame.set_cursor_position((rect.x + col, rect.y));
        }
    }
    let sections = [
        (
            t!(cat, "oof-reply"),
            &f.internal,
            internal_label,
            internal,
            3,
        ),
        (
            t!(cat, "oof-reply-others"),
            &f.external,
            external_label,
            external,
            4,
        ),
    ];
    for (label, text, label_rect, rect, n) in sections {
        let rule = format!("── {label} ");
        let fill = usize::from(label_rect.width)
            .saturating_sub(unicode_width::UnicodeWidthStr::width(rule.as_str()));
        frame.render_widget(
            Paragraph::new(Span::styled(
                fit(
                    &format!("{rule}{}", "─".repeat(fill)),
                    usize::from(label_rect.width),
                ),
                style(n),
            )),
            label_rect,
        );
        let height = usize::from(rect.height);
        let first = window_start(text.row, text.lines.len(), height);
        let lines: Vec<Line> = text.lines[first..(first + height).min(text.lines.len())]
            .iter()
            .map(|l| Line::from(clean(&l.text)))
            .collect();
        frame.render_widget(Paragraph::new(lines), rect);
        if f.focus == n && rect.height > 0 {
            let row = text.row.saturating_sub(first) as u16;
            let col = text.lines.get(text.row).map_or(0, |l| l.cursor) as u16;
            frame.set_cursor_position((
                rect.x + col.min(rect.width.saturating_sub(1)),
                rect.y + row.min(rect.height - 1),
            ));
        }
    }
    frame.render_widget(
        Paragraph::new(Span::styled(t!(cat, "oof-keys"), theme.dim())),
        hint,
    );
}
