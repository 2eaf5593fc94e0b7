//! The apps screen: the installed apps, or one app's view with every kind of block.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};

use super::{Theme, panel};
use crate::app::App;
use crate::apps::{AppPane, link_origin};
use crate::text::{clean, clean_lines, fit};
use kapsel_host::Block;
use kapsel_i18n::t;

pub fn draw(frame: &mut Frame, app: &App, theme: Theme, area: Rect) {
    let cat = &app.cat;
    let s = &app.apps;
    if let Some(pane) = &s.open {
        return draw_pane(frame, app, pane, theme, area);
    }
    let width = usize::from(area.width.saturating_sub(2));
    let lines: Vec<Line> = if s.list.is_empty() {
        vec![Line::from(Span::styled(t!(cat, "apps-none"), theme.dim()))]
    } else {
        s.list
            .iter()
            .enumerate()
            .map(|(i, a)| {
                let text = format!(
                    "{:<24} {:<10} {}",
                    fit(&clean(&a.name), 24),
                    fit(&clean(&a.version), 10),
                    t!(cat, "apps-signed-by", publisher = clean(&a.publisher))
                );
                let style = if i == s.selected {
                    theme.selected()
                } else {
                    Style::default()
                };
                Line::from(Span::styled(fit(&text, width), style))
            })
            .collect()
    };
    frame.render_widget(
        Paragraph::new(lines).block(panel(t!(cat, "shell-tab-apps"), true, theme)),
        area,
    );
}

/// One app's view (also the viewer showing a mail's attachment).
pub fn draw_pane(frame: &mut Frame, app: &App, pane: &AppPane, theme: Theme, area: Rect) {
    let cat = &app.cat;
    let view = &pane.outcome.view;
    let width = usize::from(area.width.saturating_sub(2));
    let mut lines: Vec<Line> = Vec::new();
    for (i, b) in view.blocks.iter().enumerate() {
        let chosen = pane.selected == Some(i);
        let sel = |s: Style| if chosen { theme.selected() } else { s };
        match b {
            Block::Heading { text } => {
                lines.push(Line::from(Span::styled(clean(text), theme.accent())))
            }
            Block::Text { text } => lines.extend(clean_lines(text).into_iter().map(Line::from)),
            Block::Item {
                title,
                subtitle,
                action,
                badge,
            } => {
                let mark = if action.is_some() { "›" } else { "•" };
                let badge = badge
                    .as_ref()
                    .map(|b| format!(" [{}]", clean(b)))
                    .unwrap_or_default();
                lines.push(Line::from(Span::styled(
                    fit(&format!("{mark} {}{badge}", clean(title)), width),
                    sel(theme.strong()),
                )));
                if let Some(s) = subtitle {
                    lines.push(Line::from(Span::styled(
                        fit(&format!("  {}", clean(s)), width),
                        theme.dim(),
                    )));
                }
            }
            Block::Button { label, .. } => lines.push(Line::from(Span::styled(
                format!("[ {} ]", clean(label)),
                sel(theme.accent()),
            ))),
            Block::Field {
                name, label, kind, ..
            } => {
                let value = match &pane.editing {
                    Some((n, f)) if n == name => format!("{}▏", clean(&f.text)),
                    _ => clean(pane.value(name)),
                };
                let shown = match kind.as_str() {
                    "checkbox" => {
                        if value == "true" {
                            "[x]".to_string()
                        } else {
                            "[ ]".to_string()
                        }
                    }
                    _ => format!("[{value}]"),
                };
                lines.push(Line::from(vec![
                    Span::styled(format!("{}: ", clean(label)), theme.strong()),
                    Span::styled(
                        fit(&shown, width.saturating_sub(label.len() + 2)),
                        sel(Style::default()),
                    ),
                ]));
            }
            Block::Table { columns, rows } => {
                let n = columns.len().max(1);
                let col = (width / n).max(4);
                let row_text = |cells: &[String]| {
                    cells
                        .iter()
                        .map(|c| format!("{:<col$}", fit(&clean(c), col.saturating_sub(1))))
                        .collect::<String>()
                };
                lines.push(Line::from(Span::styled(row_text(columns), theme.strong())));
                for r in rows {
                    lines.push(Line::from(fit(&row_text(r), width)));
                }
            }
            Block::Divider => lines.push(Line::from("─".repeat(width))),
            Block::Notice { level, text } => {
                let (label, style) = match level.as_str() {
                    "error" => (t!(cat, "notice-error"), theme.error()),
                    "warning" => (t!(cat, "notice-warning"), theme.warn()),
                    _ => (t!(cat, "notice-info"), theme.accent()),
                };
                lines.push(Line::from(vec![
                    Span::styled(format!("{label}: "), style),
                    Span::raw(clean(text)),
                ]));
            }
            Block::Link { label, url } => lines.push(Line::from(Span::styled(
                fit(&format!("↗ {} ({})", clean(label), link_origin(url)), width),
                sel(theme.accent()),
            ))),
            Block::Image {
                alt,
                width: w,
                height: h,
                rgb,
            } => {
                lines.push(Line::from(Span::styled(
                    fit(&format!("▣ {} ({w}×{h})", clean(alt)), width),
                    theme.dim(),
                )));
                let columns = u32::try_from(width.min(120)).unwrap_or(120);
                if theme.color {
                    lines.extend(picture_lines(*w, *h, rgb, columns));
                } else {
                    let rows = kapsel_host::view::shade_rows(*w, *h, rgb, columns);
                    lines.extend(rows.into_iter().map(Line::from));
                }
            }
        }
    }
    for denial in &pane.outcome.denials {
        lines.push(Line::from(Span::styled(
            t!(cat, "app-denied", reason = clean(denial)),
            theme.warn(),
        )));
    }
    for opened in &pane.outcome.opened {
        if let kapsel_host::Opened::Failed {
            error, document, ..
        } = opened
        {
            lines.push(Line::from(Span::styled(
                t!(
                    cat,
                    "app-open-failed",
                    document = clean(document),
                    reason = clean(error)
                ),
                theme.warn(),
            )));
        }
    }
    if let Some(note) = &pane.note {
        lines.push(Line::default());
        lines.push(Line::from(Span::styled(note.clone(), theme.warn())));
    }
    let title = format!("{} — {}", clean(&pane.app), clean(&view.title));
    frame.render_widget(
        Paragraph::new(lines)
            .wrap(Wrap { trim: false })
            .scroll((pane.scroll, 0))
            .block(panel(title, true, theme)),
        area,
    );
}

/// A picture in colour: each cell is an upper half block whose foreground is the upper pixel
/// and whose background the lower one, so a cell shows two pixels of a `columns`-wide scaling.
fn picture_lines(width: u32, height: u32, rgb: &[u8], columns: u32) -> Vec<Line<'static>> {
    use ratatui::style::Color;
    let (w, h) = (width.max(1) as usize, height.max(1) as usize);
    let cols = (columns.max(1) as usize).min(w);
    // Nearest-neighbour scaling keeps the aspect ratio: `cols` pixels across, as many down.
    let rows_px = (h * cols).div_ceil(w).max(1);
    let pixel = |x: usize, y: usize| -> Color {
        let (sx, sy) = ((x * w / cols).min(w - 1), (y * h / rows_px).min(h - 1));
        let i = (sy * w + sx) * 3;
        match rgb.get(i..i + 3) {
            Some(p) => Color::Rgb(p[0], p[1], p[2]),
            None => Color::Reset,
        }
    };
    (0..rows_px.div_ceil(2))
        .map(|r| {
            let spans: Vec<Span<'static>> = (0..cols)
                .map(|x| {
                    let top = pixel(x, 2 * r);
                    let bottom = if 2 * r + 1 < rows_px {
                        pixel(x, 2 * r + 1)
                    } else {
                        Color::Reset
                    };
                    Span::styled("▀", Style::default().fg(top).bg(bottom))
                })
                .collect();
            Line::from(spans)
        })
        .collect()
}
