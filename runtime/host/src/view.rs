//! Views as the shell sees them: a serde model of the WIT `ui` types, the limits a view must
//! stay within, and a plain-text rendering. Apps never draw; they describe.

use serde::{Deserialize, Serialize};

use crate::wit::latest::kapsel::app::ui as wit;
use kapsel_core::error::{Error, Result};
use kapsel_i18n::{current as cat, t};

/// `Ok` for an absolute http(s) URL; otherwise why not.
pub fn web_link(url: &str) -> std::result::Result<(), String> {
    match url::Url::parse(url) {
        Ok(u) if matches!(u.scheme(), "http" | "https") && u.host_str().is_some() => Ok(()),
        Ok(u) => Err(t!(
            cat(),
            "host-link-scheme",
            scheme = kapsel_core::terminal::line(u.scheme())
        )),
        Err(_) => Err(t!(cat(), "host-link-not-absolute")),
    }
}

/// Largest view accepted from an app: blocks, and text in total.
pub const MAX_BLOCKS: usize = 5_000;
pub const MAX_TEXT: usize = 2 * 1024 * 1024;

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct View {
    pub title: String,
    pub blocks: Vec<Block>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(tag = "type", rename_all = "kebab-case")]
pub enum Block {
    Heading {
        text: String,
    },
    Text {
        text: String,
    },
    Item {
        title: String,
        subtitle: Option<String>,
        action: Option<String>,
        badge: Option<String>,
    },
    Button {
        label: String,
        action: String,
    },
    Field {
        name: String,
        label: String,
        kind: String,
        value: String,
    },
    Table {
        columns: Vec<String>,
        rows: Vec<Vec<String>>,
    },
    Divider,
    Notice {
        level: String,
        text: String,
    },
    Link {
        label: String,
        url: String,
    },
    /// A picture the app decoded itself: RGB, 3 bytes a pixel, rows top to bottom. The shell
    /// draws it with coloured half blocks or shades; JSON carries the pixels as base64. It is
    /// data, never a reference: nothing is ever loaded from elsewhere to show it.
    Image {
        alt: String,
        width: u32,
        height: u32,
        #[serde(with = "base64_bytes")]
        rgb: Vec<u8>,
    },
}

/// Largest picture side in pixels: enough for a terminal (a cell is 1×2 pixels) and for a
/// preview; an app scales larger pictures down before it returns them.
pub const MAX_IMAGE_SIDE: u32 = 512;

impl Block {
    /// A picture block, refused when its size and pixel data disagree or exceed the limits.
    pub fn image(alt: String, width: u32, height: u32, rgb: Vec<u8>) -> Result<Block> {
        let expected = (width as usize)
            .saturating_mul(height as usize)
            .saturating_mul(3);
        if width == 0
            || height == 0
            || width > MAX_IMAGE_SIDE
            || height > MAX_IMAGE_SIDE
            || rgb.len() != expected
        {
            return Err(Error::invalid(t!(
                cat(),
                "host-view-image",
                width = width.to_string(),
                height = height.to_string(),
                bytes = rgb.len().to_string(),
                max = MAX_IMAGE_SIDE.to_string()
            )));
        }
        Ok(Block::Image {
            alt,
            width,
            height,
            rgb,
        })
    }
}

mod base64_bytes {
    use base64::Engine as _;
    use base64::engine::general_purpose::STANDARD;
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(bytes: &[u8], s: S) -> std::result::Result<S::Ok, S::Error> {
        s.serialize_str(&STANDARD.encode(bytes))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> std::result::Result<Vec<u8>, D::Error> {
        let text = String::deserialize(d)?;
        STANDARD.decode(text).map_err(serde::de::Error::custom)
    }
}

/// Luminance shades for a picture in plain text, darkest first.
const SHADES: [char; 5] = [' ', '░', '▒', '▓', '█'];

/// A picture as rows of shade characters at most `columns` wide (a cell covers a pixel
/// block twice as tall as wide, as terminal cells are).
pub fn shade_rows(width: u32, height: u32, rgb: &[u8], columns: u32) -> Vec<String> {
    let (w, h) = (width.max(1) as usize, height.max(1) as usize);
    let cols = (columns.max(1) as usize).min(w);
    let cell_w = w.div_ceil(cols);
    let cell_h = cell_w * 2;
    let rows = h.div_ceil(cell_h);
    let mut out = Vec::with_capacity(rows);
    for r in 0..rows {
        let mut line = String::with_capacity(cols * 3);
        for c in 0..w.div_ceil(cell_w) {
            let (mut sum, mut n) = (0u64, 0u64);
            for y in r * cell_h..((r + 1) * cell_h).min(h) {
                for x in c * cell_w..((c + 1) * cell_w).min(w) {
                    let i = (y * w + x) * 3;
                    if let Some(p) = rgb.get(i..i + 3) {
                        // Rec. 601 luma in integers.
                        sum += (299 * p[0] as u64 + 587 * p[1] as u64 + 114 * p[2] as u64) / 1000;
                        n += 1;
                    }
                }
            }
            let luma = sum.checked_div(n).unwrap_or(0);
            line.push(SHADES[(luma as usize * SHADES.len() / 256).min(SHADES.len() - 1)]);
        }
        out.push(line.trim_end().to_string());
    }
    out
}

impl View {
    /// Convert what an app returned, refusing views beyond the limits.
    pub fn from_wit(v: wit::View) -> Result<View> {
        if v.blocks.len() > MAX_BLOCKS {
            return Err(Error::invalid(t!(
                cat(),
                "host-view-blocks",
                count = v.blocks.len().to_string(),
                max = MAX_BLOCKS.to_string()
            )));
        }
        let mut text = v.title.len();
        // Pixel data counts against the same budget as text: it all crosses to the shell.
        let mut pixels = 0usize;
        let mut add = |s: &str| {
            text += s.len();
        };
        let blocks: Vec<Block> = v
            .blocks
            .into_iter()
            .map(|b| match b {
                wit::Block::Heading(t) => Block::Heading { text: t },
                wit::Block::Text(t) => Block::Text { text: t },
                wit::Block::Item(i) => Block::Item {
                    title: i.title,
                    subtitle: i.subtitle,
                    action: i.action,
                    badge: i.badge,
                },
                wit::Block::Button(b) => Block::Button {
                    label: b.label,
                    action: b.action,
                },
                wit::Block::Field(f) => Block::Field {
                    name: f.name,
                    label: f.label,
                    kind: match f.kind {
                        wit::FieldKind::Text => "text",
                        wit::FieldKind::Multiline => "multiline",
                        wit::FieldKind::Number => "number",
                        wit::FieldKind::Date => "date",
                        wit::FieldKind::Checkbox => "checkbox",
                    }
                    .into(),
                    value: f.value,
                },
                wit::Block::Table(t) => Block::Table {
                    columns: t.columns,
                    rows: t.rows,
                },
                wit::Block::Divider => Block::Divider,
                wit::Block::Notice(n) => Block::Notice {
                    level: match n.level {
                        wit::NoticeLevel::Info => "info",
                        wit::NoticeLevel::Warning => "warning",
                        wit::NoticeLevel::Error => "error",
                    }
                    .into(),
                    text: n.text,
                },
                wit::Block::Link(l) => match web_link(&l.url) {
                    Ok(()) => Block::Link {
                        label: l.label,
                        url: l.url,
                    },
                    // Only web links: `file:`, `javascript:`, `data:` and the like never
                    // reach the shell, which could otherwise be asked to follow them.
                    Err(why) => Block::Notice {
                        level: "warning".into(),
                        text: t!(cat(), "host-link-removed", reason = why),
                    },
                },
                // A malformed picture costs the picture, not the view.
                wit::Block::Image(i) => match Block::image(i.alt, i.width, i.height, i.rgb) {
                    Ok(b) => b,
                    Err(e) => Block::Notice {
                        level: "warning".into(),
                        text: e.to_string(),
                    },
                },
            })
            .collect();
        for b in &blocks {
            match b {
                Block::Heading { text } | Block::Text { text } => add(text),
                Block::Item {
                    title,
                    subtitle,
                    action,
                    badge,
                } => {
                    add(title);
                    for s in [subtitle, action, badge].into_iter().flatten() {
                        add(s);
                    }
                }
                Block::Button { label, action } => {
                    add(label);
                    add(action)
                }
                Block::Field {
                    name, label, value, ..
                } => {
                    add(name);
                    add(label);
                    add(value)
                }
                Block::Table { columns, rows } => {
                    columns.iter().for_each(|c| add(c));
                    rows.iter().flatten().for_each(|c| add(c));
                }
                Block::Notice { text, .. } => add(text),
                Block::Link { label, url } => {
                    add(label);
                    add(url)
                }
                Block::Divider => {}
                Block::Image { alt, rgb, .. } => {
                    add(alt);
                    pixels += rgb.len();
                }
            }
        }
        let text = text + pixels;
        if text > MAX_TEXT {
            return Err(Error::invalid(t!(
                cat(),
                "host-view-text",
                bytes = text.to_string(),
                max = MAX_TEXT.to_string()
            )));
        }
        Ok(View {
            title: v.title,
            blocks,
        })
    }

    /// Plain text for the terminal, through the one sanitiser: control and bidi characters
    /// from the app are shown, never obeyed (no escape sequences, no fake lines).
    pub fn render_text(&self) -> String {
        use kapsel_core::terminal::{block, line as clean};
        let mut out = format!("== {} ==\n", clean(&self.title));
        for b in &self.blocks {
            match b {
                Block::Heading { text } => out.push_str(&format!("\n# {}\n", clean(text))),
                Block::Text { text } => out.push_str(&format!("{}\n", block(text))),
                Block::Item {
                    title,
                    subtitle,
                    action,
                    badge,
                } => {
                    out.push_str(&format!("  • {}", clean(title)));
                    if let Some(b) = badge {
                        out.push_str(&format!(" [{}]", clean(b)));
                    }
                    if let Some(s) = subtitle {
                        out.push_str(&format!(" — {}", clean(s)));
                    }
                    if let Some(a) = action {
                        out.push_str(&format!("   → {}", clean(a)));
                    }
                    out.push('\n');
                }
                Block::Button { label, action } => {
                    out.push_str(&format!("  [{}]   → {}\n", clean(label), clean(action)))
                }
                Block::Field {
                    name,
                    label,
                    kind,
                    value,
                } => out.push_str(&format!(
                    "  {}: {}   (--field {}=…, {kind})\n",
                    clean(label),
                    clean(value),
                    clean(name)
                )),
                Block::Table { columns, rows } => {
                    let mut widths: Vec<usize> =
                        columns.iter().map(|c| c.chars().count()).collect();
                    for r in rows {
                        for (i, c) in r.iter().enumerate() {
                            if i < widths.len() {
                                widths[i] = widths[i].max(c.chars().count()).min(40);
                            }
                        }
                    }
                    let line = |cells: &[String]| -> String {
                        let mut l = String::from(" ");
                        for (i, w) in widths.iter().enumerate() {
                            let c = clean(cells.get(i).map(String::as_str).unwrap_or(""));
                            let c: String = c.chars().take(*w).collect();
                            l.push_str(&format!(" {c:<w$} |", w = *w));
                        }
                        l.push('\n');
                        l
                    };
                    out.push_str(&line(columns));
                    out.push_str(&format!(
                        "  {}\n",
                        "-".repeat(widths.iter().map(|w| w + 3).sum::<usize>())
                    ));
                    for r in rows {
                        out.push_str(&line(r));
                    }
                }
                Block::Divider => out.push_str("  ────────\n"),
                Block::Notice { level, text } => {
                    out.push_str(&format!("  ! {}: {}\n", clean(level), block(text)))
                }
                Block::Image {
                    alt,
                    width,
                    height,
                    rgb,
                } => {
                    out.push_str(&format!(
                        "  [{}: {}, {width}×{height}]\n",
                        t!(cat(), "host-view-picture"),
                        clean(alt)
                    ));
                    for row in shade_rows(*width, *height, rgb, 64) {
                        out.push_str(&format!("  {row}\n"));
                    }
                }
                Block::Link { label, url } => {
                    let origin = url::Url::parse(url)
                        .ok()
                        .and_then(|u| u.host_str().map(|h| format!("{}://{h}", u.scheme())))
                        .unwrap_or_else(|| t!(cat(), "host-not-a-url"));
                    out.push_str(&format!(
                        "  ↗ {} <{}> ({origin})\n",
                        clean(label),
                        clean(url)
                    ))
                }
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pictures_must_match_their_size_and_stay_small() {
        assert!(Block::image("a".into(), 2, 1, vec![0; 6]).is_ok());
        for (w, h, len) in [
            (2, 1, 5),
            (0, 1, 0),
            (1, 0, 0),
            (513, 1, 513 * 3),
            (2, 2, 6),
        ] {
            assert!(
                Block::image("a".into(), w, h, vec![0; len]).is_err(),
                "{w}×{h} with {len} bytes"
            );
        }
    }

    #[test]
    fn shades_follow_brightness_and_fit_the_width() {
        // Black, grey, white across; one pixel row is half a cell, so one text row.
        let rgb = [0, 0, 0, 128, 128, 128, 255, 255, 255].repeat(2);
        assert_eq!(shade_rows(3, 2, &rgb, 80), vec![" ▒█".to_string()]);
        let wide = vec![255u8; 300 * 4 * 3];
        let rows = shade_rows(300, 4, &wide, 64);
        assert!(rows.iter().all(|r| r.chars().count() <= 64), "{rows:?}");
    }
}
