//! Images: format, dimensions and size from the header, and — for PNG (plain and Adam7
//! interlaced), JPEG and GIF — the picture itself: decoded here, inside the sandbox, averaged
//! down to at most 512 pixels on its longer side, and returned as an image block (RGB pixels)
//! that the shell draws — in colour, or as shades where it has none; `--json` carries the
//! pixels. Nothing is fetched; decoding is bounded by the file size and the pixel count.

use std::io::Cursor;

use super::Page;
use crate::source::Source;
use crate::text;

/// Largest image file decoded for a preview.
const MAX_FILE: u64 = 16 * 1024 * 1024;
/// Largest picture decoded, by what the decoder holds in memory: PNG rows are streamed,
/// JPEG is decoded whole (in colour up to 6 Mpx, above that as one grey byte a pixel, so a
/// 12 Mpx phone photo fits), GIF frames as four bytes a pixel — all beside the file itself,
/// inside the app's 64 MiB.
fn max_pixels(kind: Decode) -> u64 {
    match kind {
        Decode::Png => 64_000_000,
        Decode::Jpeg => 13_000_000,
        Decode::Gif => 6_000_000,
    }
}

pub fn render(
    head: &[u8],
    name: &str,
    size: u64,
    src: &Source,
    page: &mut Page,
) -> Result<(), String> {
    let damaged = |e: imagesize::ImageError| text::picture_damaged(&format!("{e:?}"));
    let format = imagesize::image_type(head).map_err(damaged)?;
    let dims = imagesize::blob_size(head).map_err(damaged)?;
    page.table(
        vec![text::property().into(), text::value().into()],
        vec![
            vec![text::format_label().into(), format!("{format:?}")],
            vec![text::width().into(), format!("{} px", dims.width)],
            vec![text::height().into(), format!("{} px", dims.height)],
            vec![text::size().into(), text::bytes(size)],
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
        page.text(text::picture_too_large());
        return Ok(());
    }
    let bytes = src.prefix(size as usize)?;
    match decode(kind, &bytes) {
        Ok(canvas) => page.image(
            &text::picture_alt(name, dims.width, dims.height),
            canvas.cols as u32,
            canvas.rows as u32,
            canvas.rgb(),
        ),
        Err(e) => page.notice(kapsel_sdk::Level::Warning, &text::picture_undecodable(&e)),
    }
    Ok(())
}

#[derive(Clone, Copy)]
enum Decode {
    Png,
    Jpeg,
    Gif,
}

/// Longest side of the shrunk picture (the most the host accepts in an image block).
pub const SIDE: usize = 512;
/// JPEGs up to this many pixels are decoded in colour (three bytes a pixel); larger ones in
/// grey (one), so a 12 Mpx phone photo still fits beside its file in the app's memory.
const JPEG_COLOUR: u64 = 6_000_000;

/// The picture shrunk to at most [`SIDE`] pixels on its longer side, each pixel the average
/// of the source pixels that fall into it. Decoders feed it one pixel at a time, so none
/// needs the whole picture at full size beside it.
pub struct Canvas {
    w: u64,
    h: u64,
    pub cols: usize,
    pub rows: usize,
    sum: Vec<[u32; 3]>,
    count: Vec<u32>,
}

impl Canvas {
    fn new(w: usize, h: usize) -> Canvas {
        let (w, h) = (w.max(1), h.max(1));
        let long = w.max(h);
        let (cols, rows) = if long <= SIDE {
            (w, h)
        } else {
            let shrink = |side: usize| ((side as u64 * SIDE as u64 / long as u64) as usize).max(1);
            (shrink(w), shrink(h))
        };
        Canvas {
            w: w as u64,
            h: h as u64,
            cols,
            rows,
            sum: vec![[0; 3]; cols * rows],
            count: vec![0; cols * rows],
        }
    }

    fn add(&mut self, x: usize, y: usize, rgb: [u8; 3]) {
        let (x, y) = (x as u64, y as u64);
        if x >= self.w || y >= self.h {
            return;
        }
        // In u64: on wasm32 a row number times the rows overflows usize.
        let r = (y * self.rows as u64 / self.h) as usize;
        let c = (x * self.cols as u64 / self.w) as usize;
        let i = r * self.cols + c;
        if let (Some(sum), Some(n)) = (self.sum.get_mut(i), self.count.get_mut(i)) {
            for (s, v) in sum.iter_mut().zip(rgb) {
                *s = s.saturating_add(v as u32);
            }
            *n = n.saturating_add(1);
        }
    }

    /// Transparent pixels count as the dark background a terminal has.
    fn add_alpha(&mut self, x: usize, y: usize, [r, g, b]: [u8; 3], a: u8) {
        self.add(x, y, [with_alpha(r, a), with_alpha(g, a), with_alpha(b, a)]);
    }

    /// The shrunk picture, three bytes (red, green, blue) a pixel, row by row.
    pub fn rgb(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(self.cols * self.rows * 3);
        for (sum, &n) in self.sum.iter().zip(&self.count) {
            for s in sum {
                out.push(s.checked_div(n).unwrap_or(0).min(255) as u8);
            }
        }
        out
    }
}

fn with_alpha(v: u8, a: u8) -> u8 {
    (v as u32 * a as u32 / 255) as u8
}

/// Where the rows of an Adam7-interlaced PNG go: pass by pass (the first pixel column and
/// row of the pass, and its steps), as the PNG specification orders them. Passes without
/// pixels in a small picture are skipped, as the decoder skips them.
struct Adam7 {
    w: u32,
    h: u32,
    pass: u8,
    line: u32,
}

const ADAM7: [(u32, u32, u32, u32); 7] = [
    (0, 0, 8, 8),
    (4, 0, 8, 8),
    (0, 4, 4, 8),
    (2, 0, 4, 4),
    (0, 2, 2, 4),
    (1, 0, 2, 2),
    (0, 1, 1, 2),
];

impl Adam7 {
    fn new(w: u32, h: u32) -> Adam7 {
        Adam7 {
            w,
            h,
            pass: 0,
            line: 0,
        }
    }

    fn size(&self, pass: usize) -> (u32, u32) {
        let (x0, y0, dx, dy) = ADAM7[pass];
        let n = |len: u32, start: u32, step: u32| len.saturating_sub(start).div_ceil(step);
        (n(self.w, x0, dx), n(self.h, y0, dy))
    }

    /// The next row's pass (1-based), line within the pass, width, first pixel and steps.
    fn next(&mut self) -> Option<(png::Adam7Info, u32, u32, u32, u32)> {
        while (self.pass as usize) < ADAM7.len() {
            let p = self.pass as usize;
            let (width, lines) = self.size(p);
            if width > 0 && self.line < lines {
                let line = self.line;
                self.line += 1;
                let (x0, y0, dx, dy) = ADAM7[p];
                let info = png::Adam7Info::new(self.pass + 1, line, width);
                return Some((info, x0, y0 + line * dy, dx, width));
            }
            self.pass += 1;
            self.line = 0;
        }
        None
    }
}

fn decode(kind: Decode, bytes: &[u8]) -> Result<Canvas, String> {
    match kind {
        Decode::Png => {
            let mut dec = png::Decoder::new(Cursor::new(bytes));
            dec.set_transformations(png::Transformations::EXPAND | png::Transformations::STRIP_16);
            let mut reader = dec.read_info().map_err(|e| e.to_string())?;
            let info = reader.info();
            let (w, h) = (info.width, info.height);
            let mut passes = info.interlaced.then(|| Adam7::new(w, h));
            let (color, _) = reader.output_color_type();
            let n = color.samples();
            let mut canvas = Canvas::new(w as usize, h as usize);
            let mut y = 0u32;
            while let Some(row) = reader.next_interlaced_row().map_err(|e| e.to_string())? {
                // Plain rows come top to bottom; interlaced ones pass by pass, each pixel
                // `dx` apart.
                let (x0, row_y, dx) = match (row.interlace(), passes.as_mut()) {
                    (png::InterlaceInfo::Adam7(got), Some(order)) => match order.next() {
                        Some((want, x0, y, dx, _)) if *got == want => (x0, y, dx),
                        _ => return Err(text::png_rows_out_of_order()),
                    },
                    (png::InterlaceInfo::Null(_), None) => {
                        y += 1;
                        (0, y - 1, 1)
                    }
                    _ => return Err(text::png_rows_out_of_order()),
                };
                for (i, px) in row.data().chunks_exact(n).enumerate() {
                    let x = (x0 as u64 + i as u64 * dx as u64) as usize;
                    let (rgb, a) = match px {
                        [g] => ([*g; 3], 255),
                        [g, a] => ([*g; 3], *a),
                        [r, g, b] => ([*r, *g, *b], 255),
                        [r, g, b, a] => ([*r, *g, *b], *a),
                        _ => ([0; 3], 255),
                    };
                    canvas.add_alpha(x, row_y as usize, rgb, a);
                }
            }
            Ok(canvas)
        }
        Decode::Jpeg => {
            use zune_jpeg::zune_core::colorspace::ColorSpace;
            use zune_jpeg::zune_core::options::DecoderOptions;
            let mut dec = zune_jpeg::JpegDecoder::new(bytes);
            dec.decode_headers().map_err(|e| format!("{e:?}"))?;
            let (w, h) = dec.dimensions().ok_or_else(text::no_dimensions)?;
            if w == 0 || h == 0 {
                return Err(text::empty_picture());
            }
            let colour = (w as u64) * (h as u64) <= JPEG_COLOUR;
            let opts = DecoderOptions::default()
                .jpeg_set_out_colorspace(if colour {
                    ColorSpace::RGB
                } else {
                    ColorSpace::Luma
                })
                .set_max_width(16_384)
                .set_max_height(16_384);
            let mut dec = zune_jpeg::JpegDecoder::new_with_options(bytes, opts);
            let pixels = dec.decode().map_err(|e| format!("{e:?}"))?;
            let mut canvas = Canvas::new(w, h);
            if colour {
                for (i, px) in pixels.chunks_exact(3).enumerate().take(w * h) {
                    canvas.add(i % w, i / w, [px[0], px[1], px[2]]);
                }
            } else {
                for (i, v) in pixels.iter().enumerate().take(w * h) {
                    canvas.add(i % w, i / w, [*v; 3]);
                }
            }
            Ok(canvas)
        }
        Decode::Gif => {
            let mut opts = gif::DecodeOptions::new();
            opts.set_color_output(gif::ColorOutput::RGBA);
            let mut dec = opts
                .read_info(Cursor::new(bytes))
                .map_err(|e| e.to_string())?;
            let (w, h) = (dec.width() as usize, dec.height() as usize);
            if w == 0 || h == 0 {
                return Err(text::empty_picture());
            }
            let mut canvas = Canvas::new(w, h);
            // The first frame: what a mail program shows before any animation.
            if let Some(frame) = dec.read_next_frame().map_err(|e| e.to_string())? {
                let fw = (frame.width as usize).max(1);
                for (i, px) in frame.buffer.chunks_exact(4).enumerate() {
                    let x = frame.left as usize + i % fw;
                    let y = frame.top as usize + i / fw;
                    canvas.add_alpha(x, y, [px[0], px[1], px[2]], px[3]);
                }
            }
            Ok(canvas)
        }
    }
}
