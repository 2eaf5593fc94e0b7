//! Hostile app (0.2): writes documents piece by piece and pushes the writer's edges —
//! a large document, writers dropped or trapped mid-way, the quota, pieces too large, use
//! after finish — and returns pictures, well-formed and not.

use kapsel_sdk::prelude::*;

struct DocWriter;

fn write(name: &str, mib: usize) -> Result<documents::Document, String> {
    let mut w = documents::Writer::create(name, "application/octet-stream")?;
    let mut piece = vec![0u8; 1 << 20];
    for i in 0..mib {
        // Every piece differs, so a reordered or repeated piece would show.
        piece
            .iter_mut()
            .enumerate()
            .for_each(|(k, b)| *b = (i + k) as u8);
        w.append(&piece)?;
    }
    w.finish()
}

impl App for DocWriter {
    fn view(route: &str) -> Result<View, AppError> {
        let v = View::new("writer");
        Ok(match route {
            "big" => {
                let d = write("big.bin", 48)?;
                v.text(format!("saved {} {}", d.name, d.size))
            }
            "abandon" => {
                let mut w = documents::Writer::create("half.bin", "text/plain")?;
                w.append(b"half of it")?;
                drop(w);
                v.text("abandoned")
            }
            "trap" => {
                let mut w = documents::Writer::create("trapped.bin", "text/plain")?;
                w.append(b"before the trap")?;
                let saved = write("finished-then-trap.bin", 1)?;
                panic!("trap after {} and an open writer", saved.name)
            }
            "quota" => match write("too-big.bin", 8) {
                Ok(d) => v.text(format!("quota not enforced: {}", d.size)),
                Err(e) => v.text(format!("quota-refused: {e}")),
            },
            "edges" => {
                let mut w = documents::Writer::create("e.bin", "text/plain")?;
                let piece = w.append(&vec![0u8; 9 << 20]).is_err();
                let bad_name = documents::Writer::create("..", "text/plain").is_err();
                let bad_type = documents::Writer::create("x", "no type").is_err();
                w.append(b"ok")?;
                let d = w.finish()?;
                v.text(format!(
                    "piece-refused={piece} name-refused={bad_name} type-refused={bad_type} size={}",
                    d.size
                ))
            }
            "image" => {
                // A 4×2 picture: red, green, blue, white over black, grey, yellow, cyan.
                let px: [[u8; 3]; 8] = [
                    [255, 0, 0],
                    [0, 255, 0],
                    [0, 0, 255],
                    [255, 255, 255],
                    [0, 0, 0],
                    [128, 128, 128],
                    [255, 255, 0],
                    [0, 255, 255],
                ];
                v.image("test card", 4, 2, px.concat())
                    .image("lies about its size", 100, 100, vec![1, 2, 3])
                    .image("too wide", 4096, 1, vec![0; 4096 * 3])
            }
            _ => v.text("routes: big abandon trap quota edges image"),
        })
    }
}

export_app!(DocWriter);
