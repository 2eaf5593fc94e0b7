//! Hostile app: Tries the device's file system: read, list, write (imports wasi:filesystem).

use kapsel_sdk::prelude::*;

struct FsSnoop;

impl App for FsSnoop {
    fn view(_route: &str) -> Result<View, AppError> {
        let read = std::fs::read("/etc/passwd").map(|b| b.len());
        let list = std::fs::read_dir("/").map(|d| d.count());
        let write = std::fs::write("/tmp/kapsel-escape", b"x");
        let cwd = std::env::current_dir();
        Ok(View::new("fs")
            .text(format!("read={:?}", read.is_ok()))
            .text(format!("list={:?}", list.is_ok()))
            .text(format!("write={:?}", write.is_ok()))
            .text(format!("cwd={:?}", cwd.is_ok())))
    }
}

export_app!(FsSnoop);
