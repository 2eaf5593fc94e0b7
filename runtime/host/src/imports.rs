//! What a component really imports, decoded from its binary (never taken from the manifest),
//! and what each import means for the sandbox.

use serde::{Deserialize, Serialize};

use crate::caps::Capability;
use crate::manifest::Manifest;
use crate::wit::{ApiVersion, VERSION_SECTION};
use kapsel_core::error::{Error, Result};
use kapsel_i18n::{current as cat, t};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
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
    SealedWasi { name: String, note: String },
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
    let refused = |reason: String| Import::Refused {
        name: name.to_string(),
        reason,
    };
    let Some((pkg, iface, version)) = split_name(name) else {
        return refused(t!(cat(), "host-import-not-interface"));
    };
    match pkg {
        "kapsel:app" => {
            if !version
                .and_then(ApiVersion::parse)
                .is_some_and(ApiVersion::supported)
            {
                return refused(t!(cat(), "host-import-unsupported-version"));
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
                None => refused(t!(cat(), "host-import-unknown-app")),
            }
        }
        "wasi:io" | "wasi:clocks" | "wasi:random" => Import::SealedWasi {
            name: name.to_string(),
            note: t!(cat(), "host-wasi-io"),
        },
        "wasi:cli" => Import::SealedWasi {
            name: name.to_string(),
            note: match iface {
                "environment" => t!(cat(), "host-wasi-environment"),
                "stdin" => t!(cat(), "host-wasi-stdin"),
                "stdout" | "stderr" => t!(cat(), "host-wasi-stdout"),
                "exit" => t!(cat(), "host-wasi-exit"),
                _ => t!(cat(), "host-wasi-terminal"),
            },
        },
        "wasi:filesystem" => Import::SealedWasi {
            name: name.to_string(),
            note: t!(cat(), "host-wasi-filesystem"),
        },
        "wasi:sockets" => refused(t!(cat(), "host-import-sockets")),
        "wasi:http" => refused(t!(cat(), "host-import-wasi-http")),
        _ if pkg.starts_with("wasi:") => refused(t!(cat(), "host-import-wasi-other")),
        _ => refused(t!(cat(), "host-import-unknown")),
    }
}

fn malformed(e: wasmparser::BinaryReaderError) -> Error {
    Error::invalid(t!(cat(), "host-component-malformed", error = e.to_string()))
}

/// The component's top-level imports, by name, in binary order.
pub fn component_imports(bytes: &[u8]) -> Result<Vec<String>> {
    use wasmparser::{Parser, Payload};
    if !Parser::is_component(bytes) {
        return Err(Error::invalid(t!(cat(), "host-not-component")));
    }
    let mut depth = 0u32;
    let mut out = Vec::new();
    for payload in Parser::new(0).parse_all(bytes) {
        let payload = payload.map_err(malformed)?;
        match payload {
            Payload::ModuleSection { .. } | Payload::ComponentSection { .. } => depth += 1,
            Payload::End(_) => depth = depth.saturating_sub(1),
            Payload::ComponentImportSection(reader) if depth == 0 => {
                for import in reader {
                    let import = import.map_err(malformed)?;
                    out.push(import.name.name.to_string());
                }
            }
            _ => {}
        }
    }
    Ok(out)
}

/// The API version a component was built against, as its binary says it: the custom section
/// the SDK writes, and the version of its exported `kapsel:app/app`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct EmbeddedApi {
    pub section: Option<ApiVersion>,
    pub export: Option<ApiVersion>,
}

pub fn api_version_of(bytes: &[u8]) -> Result<EmbeddedApi> {
    use wasmparser::{Parser, Payload};
    let mut out = EmbeddedApi::default();
    let mut depth = 0u32;
    for payload in Parser::new(0).parse_all(bytes) {
        match payload.map_err(malformed)? {
            Payload::ModuleSection { .. } | Payload::ComponentSection { .. } => depth += 1,
            Payload::End(_) => depth = depth.saturating_sub(1),
            Payload::CustomSection(c) if c.name() == VERSION_SECTION => {
                let text = std::str::from_utf8(c.data()).map_err(|_| {
                    Error::invalid(t!(
                        cat(),
                        "host-section-not-text",
                        section = VERSION_SECTION
                    ))
                })?;
                let v = ApiVersion::parse(text).ok_or_else(|| {
                    Error::invalid(t!(
                        cat(),
                        "host-section-not-version",
                        section = VERSION_SECTION,
                        text = format!("{text:?}")
                    ))
                })?;
                if out.section.is_some_and(|s| s != v) {
                    return Err(Error::invalid(t!(
                        cat(),
                        "host-two-api-versions",
                        section = VERSION_SECTION
                    )));
                }
                out.section = Some(v);
            }
            Payload::ComponentExportSection(reader) if depth == 0 => {
                for export in reader {
                    let name = export.map_err(malformed)?.name.name;
                    if let Some(v) = name.strip_prefix("kapsel:app/app@") {
                        out.export = ApiVersion::parse(v);
                    }
                }
            }
            _ => {}
        }
    }
    Ok(out)
}

/// The manifest, the SDK's section and the export must agree on the API version, and the
/// host must support it. A component built without the SDK has no section; its export decides.
pub fn check_api_version(component: &[u8], manifest: &Manifest) -> Result<ApiVersion> {
    let embedded = api_version_of(component)?;
    let declared = ApiVersion::require(&manifest.api, &t!(cat(), "host-app-manifest"))?;
    let built = embedded
        .section
        .or(embedded.export)
        .ok_or_else(|| Error::invalid(t!(cat(), "host-not-a-kapsel-app")))?;
    if let (Some(section), Some(export)) = (embedded.section, embedded.export)
        && section != export
    {
        return Err(Error::invalid(t!(
            cat(),
            "host-api-section-export",
            section = section.to_string(),
            export = export.to_string()
        )));
    }
    if built != declared {
        return Err(Error::invalid(t!(
            cat(),
            "host-api-manifest-mismatch",
            declared = format!("{:?}", manifest.api),
            built = built.to_string()
        )));
    }
    if !built.supported() {
        return Err(Error::invalid(t!(
            cat(),
            "host-api-built-unsupported",
            built = built.to_string(),
            supported = ApiVersion::supported_list()
        )));
    }
    Ok(built)
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
