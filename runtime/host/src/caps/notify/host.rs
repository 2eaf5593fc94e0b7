//! Notification calls: checked against the grant, bounded per call.

use crate::state::HostState;
use crate::wit::latest::kapsel::app::notify::Host;
use kapsel_i18n::{current as cat, t};

pub const MAX_PER_CALL: usize = 20;
const MAX_TEXT: usize = 1024;

#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct Notification {
    pub title: String,
    pub body: String,
}

/// Notifications posted in the current call.
#[derive(Debug, Default)]
pub struct CallState {
    pub posted: Vec<Notification>,
}

impl Host for HostState {
    fn post(&mut self, title: String, body: String) -> wasmtime::Result<Result<(), String>> {
        Ok(self.post_checked(title, body))
    }
}

impl HostState {
    fn post_checked(&mut self, title: String, body: String) -> Result<(), String> {
        if self.grants.caps.notify.is_none() {
            return Err(self.deny(
                "notify",
                t!(cat(), "host-deny-notify", app = self.grants.app_id.as_str()),
            ));
        }
        if self.effects.notify.posted.len() >= MAX_PER_CALL {
            return Err(t!(cat(), "host-notify-limit", max = MAX_PER_CALL));
        }
        let cut = |s: String| s.chars().take(MAX_TEXT).collect::<String>();
        self.effects.notify.posted.push(Notification {
            title: cut(title),
            body: cut(body),
        });
        Ok(())
    }
}
