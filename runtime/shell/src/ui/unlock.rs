//! The unlock screen: who the container belongs to, the password prompt (nothing of what
//! is typed is shown, not even its length), failed attempts, the back-off and what happens
//! at the limit.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::{Theme, panel};
use crate::app::App;
use crate::text::clean;
use kapsel_i18n::t;

pub fn draw(frame: &mut Frame, app: &App, theme: Theme, area: Rect) {
    let cat = &app.cat;
    let u = &app.unlock;
    let mut lines = vec![
        Line::from(Span::styled(t!(cat, "unlock-title"), theme.accent())),
        Line::from(clean(&u.info.tenant)),
        Line::default(),
        Line::from(vec![
            Span::styled(t!(cat, "unlock-password"), theme.strong()),
            Span::raw(" "),
            Span::styled("▁▁▁▁▁▁▁▁", theme.dim()),
        ]),
        Line::default(),
    ];
    if u.info.failures > 0 {
        let remaining = u.info.max_failures.saturating_sub(u.info.failures);
        lines.push(Line::from(Span::styled(
            t!(
                cat,
                "unlock-failures",
                count = i64::from(u.info.failures),
                remaining = i64::from(remaining)
            ),
            theme.warn(),
        )));
    }
    if u.info.retry_after_ms > 0 {
        let secs = u.info.retry_after_ms.div_ceil(1000) as i64;
        lines.push(Line::from(Span::styled(
            t!(cat, "unlock-backoff", seconds = secs),
            theme.warn(),
        )));
    }
    if let Some(m) = &u.message {
        lines.push(Line::from(Span::styled(clean(m), theme.strong())));
    }
    lines.push(Line::default());
    lines.push(Line::from(Span::styled(
        t!(cat, "unlock-keys"),
        theme.dim(),
    )));
    let rect = super::centered(area, 60, lines.len() as u16 + 2);
    frame.render_widget(
        Paragraph::new(lines).block(panel(t!(cat, "unlock-panel"), true, theme)),
        rect,
    );
}
