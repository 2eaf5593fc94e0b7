//! IDLE (RFC 2177): wait for the server to report a change in the selected mailbox. The wait
//! wakes every second to check whether it should stop (a policy update, a lock), so a server
//! that says nothing cannot hold the worker.

use std::time::{Duration, Instant};

use kapsel_mail_wire::imap::{is_tagged, parse_tagged, reports_change};

use super::Imap;
use crate::cat;
use crate::transport::Transport;
use kapsel_core::error::{Error, Result};
use kapsel_i18n::t;

/// How often a waiting IDLE looks at `stop()`.
const TICK: Duration = Duration::from_secs(1);
/// The read time-out outside IDLE.
const NORMAL_TIMEOUT: Duration = Duration::from_secs(60);

impl<T: Transport> Imap<T> {
    /// Wait at most `max_wait`, or until `stop()` says so. True if something changed.
    pub fn idle(&mut self, max_wait: Duration, stop: &dyn Fn() -> bool) -> Result<bool> {
        if !self.has("IDLE") {
            return Ok(false);
        }
        let tag = self.send_command("IDLE")?;
        loop {
            let frame = self.read_frame()?;
            if frame.starts_with(b"+") {
                break;
            }
            if is_tagged(&frame, &tag) {
                return Err(Error::Network(t!(
                    cat(),
                    "mailbox-idle-refused",
                    reason = parse_tagged(&frame).text
                )));
            }
        }
        let started = Instant::now();
        self.io.set_read_timeout(Some(TICK))?;
        let waited = self.wait_for_change(started, max_wait, stop);
        self.io.set_read_timeout(Some(NORMAL_TIMEOUT))?;
        let changed = waited?;
        self.write_raw(b"DONE\r\n")?;
        self.complete(&tag, &mut |_| Ok(()))?;
        Ok(changed)
    }

    fn wait_for_change(
        &mut self,
        started: Instant,
        max_wait: Duration,
        stop: &dyn Fn() -> bool,
    ) -> Result<bool> {
        loop {
            if started.elapsed() >= max_wait || stop() {
                return Ok(false);
            }
            if self.framer.has_line() {
                let frame = self.read_frame()?;
                if reports_change(&frame) {
                    return Ok(true);
                }
                continue;
            }
            if self.framer.buffered() > kapsel_mail_wire::imap::frame::MAX_LINE {
                return Err(Error::Network(t!(
                    cat(),
                    "mailbox-idle-long-line",
                    peer = self.peer.as_str()
                )));
            }
            const CHUNK: usize = 64 * 1024;
            let buf = self.framer.read_buf(CHUNK);
            match self.io.read(buf) {
                Ok(0) => {
                    self.framer.filled(CHUNK, 0);
                    return Err(Error::Network(t!(
                        cat(),
                        "mailbox-connection-closed",
                        peer = self.peer.as_str()
                    )));
                }
                Ok(n) => self.framer.filled(CHUNK, n),
                Err(e)
                    if matches!(
                        e.kind(),
                        std::io::ErrorKind::WouldBlock
                            | std::io::ErrorKind::TimedOut
                            | std::io::ErrorKind::Interrupted
                    ) =>
                {
                    self.framer.filled(CHUNK, 0)
                }
                Err(e) => {
                    self.framer.filled(CHUNK, 0);
                    return Err(kapsel_core::net::stream::describe(&e, &self.peer));
                }
            }
        }
    }
}
