//! `kapsel:app/log`: the app's log lines, kept inside the container with the call's
//! captured stdout and stderr. Without the grant, lines are dropped.

use crate::bindings::v0_1::kapsel::app::log::{Host, Level};
use crate::state::{HostState, LogLine};

const MAX_LINES: usize = 1000;
const MAX_LINE: usize = 4096;

impl Host for HostState {
    fn write(&mut self, level: Level, message: String) -> wasmtime::Result<()> {
        if !self.grants.log || self.effects.log.len() >= MAX_LINES {
            return Ok(());
        }
        let level = match level {
            Level::Debug => "debug",
            Level::Info => "info",
            Level::Warn => "warn",
            Level::Error => "error",
        };
        self.effects.log.push(LogLine {
            level: level.into(),
            message: message.chars().take(MAX_LINE).collect(),
        });
        Ok(())
    }
}
