//! Log calls: lines of the current call, cut to size; kept (the newest `KEPT_LINES`) when
//! the call ends, whether it returned or trapped.

use crate::state::HostState;
use crate::wit::latest::kapsel::app::log::{Host, Level};

const MAX_LINES: usize = 1000;
const MAX_LINE: usize = 4096;
/// Lines kept per app across calls.
pub const KEPT_LINES: usize = 500;

#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct LogLine {
    pub level: String,
    pub message: String,
}

/// Lines written (and captured from stdout/stderr) in the current call.
#[derive(Debug, Default)]
pub struct CallState {
    pub lines: Vec<LogLine>,
}

impl Host for HostState {
    fn write(&mut self, level: Level, message: String) -> wasmtime::Result<()> {
        if self.grants.caps.log.is_none() || self.effects.log.lines.len() >= MAX_LINES {
            return Ok(());
        }
        let level = match level {
            Level::Debug => "debug",
            Level::Info => "info",
            Level::Warn => "warn",
            Level::Error => "error",
        };
        self.effects.log.lines.push(LogLine {
            level: level.into(),
            message: message.chars().take(MAX_LINE).collect(),
        });
        Ok(())
    }
}
