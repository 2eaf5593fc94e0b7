//! The binary of every client that talks to the session agent. A command that goes to the
//! agent does not hash its own executable (that cost ~0.1 s per command for a 160 MB release
//! binary); the agent checks the client's executable instead, through `/proc/<pid>/exe`,
//! against the same rules, and remembers the verdict per file identity (inode, size, change
//! time) in memory only — a file on disk could be forged, the agent's memory cannot. The
//! agent's own executable was checked before the password was read, so a client started from
//! the same unchanged file costs one `stat`.

use std::collections::HashMap;
use std::path::Path;

use kapsel_core::audit;
use kapsel_core::container::Container;
use kapsel_core::error::{Error, Result};
use kapsel_core::integrity::{self, FileIdentity};
use kapsel_core::policy::CheckMode;

/// The verdict for one executable: `None` is fine, `Some(message)` is a finding.
type Verdict = Option<String>;

pub struct PeerBinaries {
    /// (policy serial, file) → verdict.
    known: HashMap<(u64, FileIdentity), Verdict>,
    own: Option<FileIdentity>,
}

impl PeerBinaries {
    pub fn new() -> PeerBinaries {
        PeerBinaries {
            known: HashMap::new(),
            own: integrity::file_identity(Path::new("/proc/self/exe")),
        }
    }

    /// Is the client with process id `pid` allowed to be served?
    pub fn check(&mut self, c: &Container, pid: i32) -> Result<()> {
        let rules = &c.policy().integrity;
        if rules.binary == CheckMode::Off {
            return Ok(());
        }
        let exe = format!("/proc/{pid}/exe");
        let Some(id) = integrity::file_identity(Path::new(&exe)) else {
            return Err(Error::Device(kapsel_i18n::t!(
                crate::cli::cat(),
                "cli-agent-unknown-client"
            )));
        };
        if Some(id) == self.own {
            return Ok(());
        }
        let serial = c.policy().serial;
        let verdict = match self.known.get(&(serial, id)) {
            Some(v) => v.clone(),
            None => {
                let v = match integrity::binary_sha256(Path::new(&exe)) {
                    Ok(actual) => integrity::binary_problem(
                        &actual,
                        &rules.binary_sha256,
                        c.pinned_binary()?.as_deref(),
                    ),
                    Err(e) => Some(e.to_string()),
                };
                if let Some(m) = &v {
                    let _ = audit::append(
                        c.vault(),
                        if rules.binary == CheckMode::Enforce {
                            "client-refused"
                        } else {
                            "client-warning"
                        },
                        serde_json::json!({ "reason": m }),
                    );
                }
                self.known.insert((serial, id), v.clone());
                v
            }
        };
        match verdict {
            Some(m) if rules.binary == CheckMode::Enforce => Err(Error::Device(format!(
                "{m}; the session agent refuses to serve it"
            ))),
            _ => Ok(()),
        }
    }
}
