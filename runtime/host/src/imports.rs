//! What a component really imports, decoded from its binary (never taken from the manifest),
//! and what each import means for the sandbox.

use serde::Serialize;

use super::manifest::Capability;
use kapsel_core::error::{Error, Result};

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum Import {
    /// A `kapsel:app` capability interface.
    Capability {
        name: String,
        capability: Capability,
    },
    /// A `kapsel:app` interface every app has: `ui` (types only) and `config` (the tenant's
    /// read-only settings for this app).
    Types { name: String },
    /// WASI that Rust std needs, linked sealed: nothing granted behind it.
    SealedWasi { name: String, note: &'static str },
    /// Never linked: networking outside the host's checks, and anything unknown.
    Refused { name: String, reason: String },
}

impl Import {
    pub fn name(&self) -> &str {
        match self {
            Import::Capability { name, .. }
            | Import::Types { name }
            | Import::SealedWasi { name, .. }
            | Import::Refused { name, .. } => name,
        }
    }
}

/// `ns:pkg/iface@ver` → (`ns:pkg`, `iface`, `ver`).
fn split_name(name: &str) -> Option<(&str, &str, Option<&str>)> {
    let (pkg, rest) = name.split_once('/')?;
    let (iface, ver) = match rest.split_once('@') {
        Some((i, v)) => (i, Some(v)),
        None => (rest, None),
    };
    Some((pkg, iface, ver))
}

pub fn classify(name: &str) -> Import {
    let refused = |reason: &str| Import::Refused {
        name: name.to_string(),
        reason: reason.to_string(),
    };
    let Some((pkg, iface, version)) = split_name(name) else {
        return refused("not an interface import");
    };
    match pkg {
        "kapsel:app" => {
            if !version.is_some_and(|v| v.starts_with("0.1.")) {
                return refused("unsupported kapsel:app version");
            }
            if iface == "ui" || iface == "config" {
                return Import::Types {
                    name: name.to_string(),
                };
            }
            match Capability::from_interface(iface) {
                Some(capability) => Import::Capability {
                    name: name.to_string(),
                    capability,
                },
                None => refused("unknown kapsel:app interface"),
            }
        }
        "wasi:io" | "wasi:clocks" | "wasi:random" => Import::SealedWasi {
            name: name.to_string(),
            note: "in-process streams, clocks and randomness only",
        },
        "wasi:cli" => Import::SealedWasi {
            name: name.to_string(),
            note: match iface {
                "environment" => "empty environment, no arguments",
                "stdin" => "stdin is closed",
                "stdout" | "stderr" => "written into the app's log inside the container",
                "exit" => "ends the call with an error",
                _ => "no terminal",
            },
        },
        "wasi:filesystem" => Import::SealedWasi {
            name: name.to_string(),
            note: "no preopened directories: nothing can be opened",
        },
        "wasi:sockets" => refused("sockets bypass the host's origin checks; use kapsel:app/http"),
        "wasi:http" => refused("wasi:http bypasses the host's origin checks; use kapsel:app/http"),
        _ if pkg.starts_with("wasi:") => refused("WASI interface not provided by Kapsel"),
        _ => refused("unknown interface"),
    }
}

/// The component's top-level imports, by name, in binary order.
pub fn component_imports(bytes: &[u8]) -> Result<Vec<String>> {
    use wasmparser::{Parser, Payload};
    if !Parser::is_component(bytes) {
        return Err(Error::invalid("not a WebAssembly component"));
    }
    let mut depth = 0u32;
    let mut out = Vec::new();
    for payload in Parser::new(0).parse_all(bytes) {
        let payload =
            payload.map_err(|e| Error::invalid(format!("the component is malformed: {e}")))?;
        match payload {
            Payload::ModuleSection { .. } | Payload::ComponentSection { .. } => depth += 1,
            Payload::End(_) => depth = depth.saturating_sub(1),
            Payload::ComponentImportSection(reader) if depth == 0 => {
                for import in reader {
                    let import = import
                        .map_err(|e| Error::invalid(format!("the component is malformed: {e}")))?;
                    out.push(import.name.name.to_string());
                }
            }
            _ => {}
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classification() {
        assert!(matches!(
            classify("kapsel:app/storage@0.1.0"),
            Import::Capability {
                capability: Capability::Storage,
                ..
            }
        ));
        assert!(matches!(
            classify("kapsel:app/ui@0.1.0"),
            Import::Types { .. }
        ));
        assert!(matches!(
            classify("kapsel:app/storage@0.9.0"),
            Import::Refused { .. }
        ));
        assert!(matches!(
            classify("kapsel:app/clipboard@0.1.0"),
            Import::Refused { .. }
        ));
        assert!(matches!(
            classify("wasi:cli/environment@0.2.6"),
            Import::SealedWasi { .. }
        ));
        assert!(matches!(
            classify("wasi:filesystem/preopens@0.2.6"),
            Import::SealedWasi { .. }
        ));
        assert!(matches!(
            classify("wasi:sockets/tcp@0.2.6"),
            Import::Refused { .. }
        ));
        assert!(matches!(
            classify("wasi:http/outgoing-handler@0.2.6"),
            Import::Refused { .. }
        ));
        assert!(matches!(
            classify("evil:clip/board@1.0.0"),
            Import::Refused { .. }
        ));
        assert!(matches!(classify("plainname"), Import::Refused { .. }));
    }
}
