//! `kapsel:app/notify`: notifications are collected per call and stored in the container;
//! the shell shows them by the tenant's DLP rules (a bare count while locked).

use crate::bindings::v0_1::kapsel::app::notify::Host;
use crate::state::{HostState, Notification};

const MAX_PER_CALL: usize = 20;
const MAX_TEXT: usize = 1024;

impl Host for HostState {
    fn post(&mut self, title: String, body: String) -> wasmtime::Result<Result<(), String>> {
        if !self.grants.notify {
            return Ok(Err(self.deny(
                "notify",
                "notifications are not granted to this app".into(),
            )));
        }
        if self.effects.notifications.len() >= MAX_PER_CALL {
            return Ok(Err(format!(
                "at most {MAX_PER_CALL} notifications per call"
            )));
        }
        let cut = |s: String| s.chars().take(MAX_TEXT).collect::<String>();
        self.effects.notifications.push(Notification {
            title: cut(title),
            body: cut(body),
        });
        Ok(Ok(()))
    }
}
