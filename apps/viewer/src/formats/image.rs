//! Images: format, dimensions and size from the header, and — for PNG, JPEG and GIF — a
//! preview: the picture is decoded here, inside the sandbox, and shrunk to a grid of at
//! most 64 × 32 cells, each shown as a shade character (` ░▒▓█`, brighter is denser) in a
//! text block, so every shell (terminal, text, `--json`) can show it. Nothing is fetched;
//! decoding is bounded by the file size and the pixel count.

use std::io::Cursor;

use super::Page;
use crate::source::Source;

/// Largest image file decoded for a preview.
const MAX_FILE: u64 = 16 * 1024 * 1024;
/// Largest picture decoded, by what the decoder holds in memory: PNG rows are streamed,
/// JPEG is decoded whole as one grey byte a pixel (a 12 Mpx phone photo fits), GIF frames
/// as four bytes a pixel — all beside the file itself, inside the app's 64 MiB.
fn max_pixels(kind: Decode) -> u64 {
    match kind {
        Decode::Png => 64_000_000,
        Decode::Jpeg => 13_000_000,
        Decode::Gif => 6_000_000,
    }
}
const COLS: usize = 64;
const MAX_ROWS: usize = 32;

pub fn render(head: &[u8], size: u64, src: &Source, page: &mut Page) -> Result<(), String> {
    let damaged = |e: imagesize::ImageError| {
        format!("the picture is damaged: its header is incomplete ({e:?})")
    };
    let format = imagesize::image_type(head).map_err(damaged)?;
    let dims = imagesize::blob_size(head).map_err(damaged)?;
    page.table(
        vec!["Property".into(), "Value".into()],
        vec![
            vec!["Format".into(), format!("{format:?}")],
            vec!["Width".into(), format!("{} px", dims.width)],
            vec!["Height".into(), format!("{} px", dims.height)],
            vec!["Size".into(), format!("{size} bytes")],
        ],
    );
    let kind = match format {
        imagesize::ImageType::Png => Decode::Png,
        imagesize::ImageType::Jpeg => Decode::Jpeg,
        imagesize::ImageType::Gif => Decode::Gif,
        _ => return Ok(()),
    };
    let (w, h) = (dims.width as u64, dims.height as u64);
    if size > MAX_FILE || w == 0 || h == 0 || w.saturating_mul(h) > max_pixels(kind) {
        page.text("(no preview: the picture is too large to decode here)");
        return Ok(());
    }
    let bytes = src.prefix(size as usize)?;
    match preview(kind, &bytes) {
        Ok(grid) => page.text(&grid),
        Err(e) => page.notice(
            kapsel_sdk::Level::Warning,
            &format!("No preview: the picture does not decode ({e})."),
        ),
    }
    Ok(())
}

#[derive(Clone, Copy)]
enum Decode {
    Png,
    Jpeg,
    Gif,
}

/// Brightness sums per grid cell, filled pixel by pixel.
struct Grid {
    w: usize,
    h: usize,
    cols: usize,
    rows: usize,
    sum: Vec<u64>,
    count: Vec<u64>,
}

impl Grid {
    fn new(w: usize, h: usize) -> Grid {
        let (w, h) = (w.max(1), h.max(1));
        let cols = COLS.min(w).max(1);
        // A terminal cell is about twice as tall as wide.
        let rows = ((h * cols) / (w * 2)).clamp(1, MAX_ROWS);
        Grid {
            w,
            h,
            cols,
            rows,
            sum: vec![0; cols * rows],
            count: vec![0; cols * rows],
        }
    }

    fn add(&mut self, x: usize, y: usize, luma: u8) {
        if x >= self.w || y >= self.h {
            return;
        }
        let i = (y * self.rows / self.h) * self.cols + x * self.cols / self.w;
        self.sum[i] += luma as u64;
        self.count[i] += 1;
    }

    fn text(&self) -> String {
        const SHADES: [char; 5] = [' ', '░', '▒', '▓', '█'];
        let mut out = String::new();
        for r in 0..self.rows {
            out.push('│');
            for c in 0..self.cols {
                let i = r * self.cols + c;
                let v = self.sum[i].checked_div(self.count[i]).unwrap_or(0);
                out.push(SHADES[(v as usize * SHADES.len() / 256).min(SHADES.len() - 1)]);
            }
            out.push_str("│\n");
        }
        out
    }
}

fn luma(r: u8, g: u8, b: u8) -> u8 {
    ((299 * r as u32 + 587 * g as u32 + 114 * b as u32) / 1000) as u8
}

/// Transparent pixels count as the dark background.
fn with_alpha(v: u8, a: u8) -> u8 {
    (v as u32 * a as u32 / 255) as u8
}

fn preview(kind: Decode, bytes: &[u8]) -> Result<String, String> {
    match kind {
        Decode::Png => {
            let mut dec = png::Decoder::new(Cursor::new(bytes));
            dec.set_transformations(png::Transformations::EXPAND | png::Transformations::STRIP_16);
            let mut reader = dec.read_info().map_err(|e| e.to_string())?;
            let info = reader.info();
            let (w, h) = (info.width as usize, info.height as usize);
            if info.interlaced {
                return Err("interlaced PNGs are not previewed".into());
            }
            let (color, _) = reader.output_color_type();
            let n = color.samples();
            let mut grid = Grid::new(w, h);
            let mut y = 0;
            while let Some(row) = reader.next_row().map_err(|e| e.to_string())? {
                for (x, px) in row.data().chunks_exact(n).enumerate() {
                    let v = match px {
                        [g] => *g,
                        [g, a] => with_alpha(*g, *a),
                        [r, g, b] => luma(*r, *g, *b),
                        [r, g, b, a] => with_alpha(luma(*r, *g, *b), *a),
                        _ => 0,
                    };
                    grid.add(x, y, v);
                }
                y += 1;
            }
            Ok(grid.text())
        }
        Decode::Jpeg => {
            use zune_jpeg::zune_core::colorspace::ColorSpace;
            use zune_jpeg::zune_core::options::DecoderOptions;
            let opts = DecoderOptions::default()
                .jpeg_set_out_colorspace(ColorSpace::Luma)
                .set_max_width(16_384)
                .set_max_height(16_384);
            let mut dec = zune_jpeg::JpegDecoder::new_with_options(bytes, opts);
            let pixels = dec.decode().map_err(|e| format!("{e:?}"))?;
            let (w, h) = dec.dimensions().ok_or("no dimensions")?;
            if w == 0 || h == 0 {
                return Err("an empty picture".into());
            }
            let mut grid = Grid::new(w, h);
            for (i, v) in pixels.iter().enumerate().take(w * h) {
                grid.add(i % w, i / w, *v);
            }
            Ok(grid.text())
        }
        Decode::Gif => {
            let mut opts = gif::DecodeOptions::new();
            opts.set_color_output(gif::ColorOutput::RGBA);
            let mut dec = opts
                .read_info(Cursor::new(bytes))
                .map_err(|e| e.to_string())?;
            let (w, h) = (dec.width() as usize, dec.height() as usize);
            if w == 0 || h == 0 {
                return Err("an empty picture".into());
            }
            let mut grid = Grid::new(w, h);
            // The first frame: what a mail program shows before any animation.
            if let Some(frame) = dec.read_next_frame().map_err(|e| e.to_string())? {
                let fw = frame.width as usize;
                for (i, px) in frame.buffer.chunks_exact(4).enumerate() {
                    let x = frame.left as usize + i % fw.max(1);
                    let y = frame.top as usize + i / fw.max(1);
                    grid.add(x, y, with_alpha(luma(px[0], px[1], px[2]), px[3]));
                }
            }
            Ok(grid.text())
        }
    }
}
