//! The built-in apps a tenant preinstalls: read from the packages beside the binary and
//! installed like any other package (signature, grants and imports checked), right after
//! enrolment.

use std::path::{Path, PathBuf};

use crate::AppHost;
use kapsel_core::audit;
use kapsel_core::container::Container;
use kapsel_core::error::Result;
use kapsel_i18n::{current as cat, t};

/// Where the built-in packages live: `apps/builtin` beside the binary's folder.
pub fn default_dir() -> Option<PathBuf> {
    let exe = std::env::current_exe().ok()?;
    Some(exe.parent()?.parent()?.join("apps/builtin"))
}

/// What preinstalling did.
#[derive(Debug, Default)]
pub struct Preinstalled {
    pub installed: Vec<String>,
    /// Apps the tenant marks `preinstall` whose package is not there, with the reason.
    pub missing: Vec<(String, String)>,
}

/// Install every app the tenant marks `preinstall` from `dir` into an unlocked container. A
/// package that is there but refused is an error (the caller decides what happens to the
/// enrolment); one that is missing is reported and audited.
pub fn preinstall(container: &Container, dir: &Path) -> Result<Preinstalled> {
    let wanted: Vec<String> = container
        .policy()
        .apps
        .iter()
        .filter(|(_, g)| g.preinstall)
        .map(|(id, _)| id.clone())
        .collect();
    let mut out = Preinstalled::default();
    if wanted.is_empty() {
        return Ok(out);
    }
    let mut host = AppHost::new(container.vault(), container.policy(), None)?;
    for id in wanted {
        let file = dir.join(format!("{id}.kapp"));
        let what = t!(cat(), "host-the-package");
        match kapsel_core::files::read_bounded(&file, crate::MAX_PACKAGE as u64, &what) {
            Ok(bytes) => {
                host.install(&bytes)?;
                out.installed.push(id);
            }
            Err(e) => {
                audit::append(
                    container.vault(),
                    "app-preinstall-missing",
                    serde_json::json!({ "app": id, "file": file }),
                )?;
                out.missing.push((
                    id,
                    t!(
                        cat(),
                        "host-preinstall-unreadable",
                        file = file.display().to_string(),
                        error = e.to_string()
                    ),
                ));
            }
        }
    }
    Ok(out)
}
