//! Hostile app: Reads documents it was not handed and saves with hostile names and sizes.

use kapsel_sdk::prelude::*;

struct DocSnoop;

impl App for DocSnoop {
    fn view(_route: &str) -> Result<View, AppError> {
        let read = documents::read_all(1 << 20).err().unwrap_or_default();
        let open = documents::open("00000000deadbeef").err().unwrap_or_default();
        let saved = documents::save("../../etc/passwd", "text/plain", b"pwned").map(|d| d.name);
        let huge = documents::save("big.bin", "application/octet-stream", &vec![0u8; 40 * 1024 * 1024]).is_err();
        let badtype = documents::save("x.txt", "not a type", b"x").is_err();
        Ok(View::new("docs")
            .text(format!("read={read}"))
            .text(format!("open={open}"))
            .text(format!("saved={saved:?}"))
            .text(format!("huge-refused={huge}"))
            .text(format!("badtype-refused={badtype}")))
    }
}

export_app!(DocSnoop);
