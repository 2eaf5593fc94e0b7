//! The unlocked session: how the key outlives a short CLI process.
//!
//! `kapsel unlock` starts a session agent (`kapsel agent`, a child that detaches) and hands
//! it the password over a pipe — never through arguments, environment or disk. The agent
//! holds the unlocked container in memory, answers requests on a unix socket at
//! `<container>/run/agent.sock` (folder 0700, socket 0600, peer uid checked with
//! SO_PEERCRED), refuses core dumps and ptrace by other processes of the same user, and locks
//! itself — wiping the keys and exiting — after the policy's idle time or on `kapsel lock`.
//! Every CLI command that needs the data asks the agent; without an agent the container
//! is locked.

mod agent;
pub mod crash;
mod peer;

pub use agent::{harden_process, run_agent};
pub use kapsel_session::*;
