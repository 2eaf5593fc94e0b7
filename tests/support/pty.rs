//! The real `kapsel` binary on a pseudo-terminal: keys go in as a terminal sends them,
//! every byte it writes is recorded, and a vt100 emulator keeps the screen a person would
//! see. For the shell's end-to-end test.

use std::io::{Read, Write};
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd};
use std::os::unix::process::CommandExt;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

pub struct Pty {
    master: std::fs::File,
    child: Child,
    output: Arc<Mutex<Vec<u8>>>,
    rows: u16,
    cols: u16,
}

impl Pty {
    /// Start `cmd` on a new pseudo-terminal of `cols`×`rows`, as the session leader with the
    /// terminal as its controlling terminal (what a terminal emulator does).
    pub fn spawn(mut cmd: Command, cols: u16, rows: u16) -> Pty {
        let mut master: libc::c_int = -1;
        let mut slave: libc::c_int = -1;
        let size = libc::winsize {
            ws_row: rows,
            ws_col: cols,
            ws_xpixel: 0,
            ws_ypixel: 0,
        };
        // SAFETY: openpty writes two descriptors into the out-pointers; the winsize is read.
        let rc = unsafe {
            libc::openpty(
                &mut master,
                &mut slave,
                std::ptr::null_mut(),
                std::ptr::null(),
                &size,
            )
        };
        assert_eq!(rc, 0, "openpty failed");
        // SAFETY: both descriptors were just opened by openpty and are owned here.
        let (master, slave) =
            unsafe { (OwnedFd::from_raw_fd(master), OwnedFd::from_raw_fd(slave)) };
        let io = |fd: &OwnedFd| Stdio::from(fd.try_clone().expect("dup the pty"));
        cmd.stdin(io(&slave)).stdout(io(&slave)).stderr(io(&slave));
        // SAFETY: only async-signal-safe calls between fork and exec.
        unsafe {
            cmd.pre_exec(|| {
                if libc::setsid() < 0 {
                    return Err(std::io::Error::last_os_error());
                }
                if libc::ioctl(0, libc::TIOCSCTTY, 0) < 0 {
                    return Err(std::io::Error::last_os_error());
                }
                Ok(())
            });
        }
        let child = cmd.spawn().expect("start the program on the pty");
        drop(slave);
        let master = std::fs::File::from(master);
        let output = Arc::new(Mutex::new(Vec::new()));
        {
            let mut reader = master.try_clone().expect("dup the pty master");
            let output = Arc::clone(&output);
            std::thread::spawn(move || {
                let mut buf = [0u8; 65536];
                loop {
                    match reader.read(&mut buf) {
                        Ok(0) | Err(_) => return,
                        Ok(n) => output.lock().unwrap().extend_from_slice(&buf[..n]),
                    }
                }
            });
        }
        Pty {
            master,
            child,
            output,
            rows,
            cols,
        }
    }

    /// Send bytes as typed.
    pub fn send(&mut self, bytes: &[u8]) {
        self.master.write_all(bytes).expect("write to the pty");
        self.master.flush().ok();
        // One key at a time, as a person types: the shell reads keys as events.
        std::thread::sleep(Duration::from_millis(15));
    }

    pub fn type_text(&mut self, text: &str) {
        for c in text.chars() {
            let mut b = [0u8; 4];
            self.send(c.encode_utf8(&mut b).as_bytes());
        }
    }

    /// Every byte the program wrote so far.
    pub fn bytes(&self) -> Vec<u8> {
        self.output.lock().unwrap().clone()
    }

    /// The screen as the terminal shows it now.
    pub fn screen(&self) -> String {
        let rows = std::num::NonZeroU16::new(self.rows.max(1)).expect("non-zero");
        let cols = std::num::NonZeroU16::new(self.cols.max(1)).expect("non-zero");
        let mut parser = vt100::Parser::new(rows, cols, 0);
        parser.process(&self.bytes());
        parser.screen().contents()
    }

    /// Wait until the screen shows `text`; panics with the screen after `limit`.
    pub fn wait_for(&self, text: &str, limit: Duration) -> String {
        let start = Instant::now();
        loop {
            let screen = self.screen();
            if screen.contains(text) {
                return screen;
            }
            if start.elapsed() > limit {
                let bytes = self.bytes();
                let dump =
                    std::env::temp_dir().join(format!("kapsel-pty-{}.bin", std::process::id()));
                let _ = std::fs::write(&dump, &bytes);
                eprintln!("every byte the program wrote: {}", dump.display());
                let tail = String::from_utf8_lossy(&bytes[bytes.len().saturating_sub(3000)..])
                    .escape_debug()
                    .to_string();
                panic!(
                    "{text:?} did not appear within {limit:?}; the screen:\n{screen}\nthe last bytes:\n{tail}"
                );
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    /// Wait for the program to end; its exit status.
    pub fn wait_exit(&mut self, limit: Duration) -> Option<std::process::ExitStatus> {
        let start = Instant::now();
        while start.elapsed() < limit {
            if let Ok(Some(status)) = self.child.try_wait() {
                return Some(status);
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        None
    }

    pub fn raw_fd(&self) -> i32 {
        self.master.as_raw_fd()
    }
}

impl Drop for Pty {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
