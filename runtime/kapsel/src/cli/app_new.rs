//! `kapsel app new NAME`: a ready app project, so the first build is one command. The SDK this
//! binary's host speaks is carried inside the binary (its files, WIT included, and the
//! dependency versions the template is tested with) and written beside the app, unless the
//! developer points at an SDK folder of their own.

use std::path::{Path, PathBuf};

use kapsel_core::error::{Error, Result};
use kapsel_i18n::t;

use super::tenant;

/// The SDK as this binary was built with it: (path inside the SDK folder, content). A test
/// checks that it lists every file of `sdk/` outside the template.
pub(crate) const SDK_FILES: &[(&str, &str)] = &[
    ("Cargo.toml", include_str!("../../../../sdk/Cargo.toml")),
    ("README.md", include_str!("../../../../sdk/README.md")),
    ("src/lib.rs", include_str!("../../../../sdk/src/lib.rs")),
    (
        "src/config.rs",
        include_str!("../../../../sdk/src/config.rs"),
    ),
    (
        "src/documents.rs",
        include_str!("../../../../sdk/src/documents.rs"),
    ),
    ("src/http.rs", include_str!("../../../../sdk/src/http.rs")),
    ("src/i18n.rs", include_str!("../../../../sdk/src/i18n.rs")),
    ("src/log.rs", include_str!("../../../../sdk/src/log.rs")),
    (
        "src/notify.rs",
        include_str!("../../../../sdk/src/notify.rs"),
    ),
    (
        "src/storage.rs",
        include_str!("../../../../sdk/src/storage.rs"),
    ),
    ("src/view.rs", include_str!("../../../../sdk/src/view.rs")),
    (
        "wit/since_v0.1.0/kapsel.wit",
        include_str!("../../../../sdk/wit/since_v0.1.0/kapsel.wit"),
    ),
    (
        "wit/since_v0.2.0/kapsel.wit",
        include_str!("../../../../sdk/wit/since_v0.2.0/kapsel.wit"),
    ),
];

const TEMPLATE_LIB: &str = include_str!("../../../../sdk/template/src/lib.rs");
/// The versions the template builds with; a new project starts from them (no registry
/// resolution before the first build).
const TEMPLATE_LOCK: &str = include_str!("../../../../sdk/template/Cargo.lock");
const TEMPLATE_CRATE: &str = "kapsel-hello";

/// Where the generated project finds the SDK.
pub enum Sdk {
    /// The binary's copy, written to `<project>/kapsel-sdk`.
    Bundled,
    /// An SDK folder (a copy of the repository's `sdk/`).
    Path(PathBuf),
}

pub struct Created {
    pub dir: PathBuf,
    pub wasm: String,
    pub publisher_key: String,
}

fn cargo_toml(name: &str, sdk_path: &str) -> String {
    format!(
        r#"[package]
name = "{name}"
version = "0.1.0"
edition = "2024"
publish = false

[lib]
crate-type = ["cdylib"]

[dependencies]
kapsel-sdk = {{ path = {sdk_path:?} }}

# A micro-app builds on its own (for wasm32-wasip2).
[workspace]

[profile.release]
opt-level = "s"
lto = true
strip = true
codegen-units = 1
"#
    )
}

fn manifest(name: &str) -> String {
    format!(
        r#"id = "{name}"                 # a-z, 0-9, -: the app's namespace in the container
name = "{name}"
version = "0.1.0"
publisher = "Your agency"
api = "0.2"                  # the kapsel:app version the SDK builds against
description = "A counter and a note."

[capabilities]
storage = {{ quota_bytes = 65536 }}
# http = {{ origins = ["https://intranet.agency.example"] }}   # or ["tenant-configured"]
# notify = true
# log = true
# documents = true
"#
    )
}

/// A complete policy for a development container that grants exactly what the manifest
/// declares, trusting the project's development publisher key.
fn policy(name: &str, publisher_key: &str) -> String {
    format!(
        r#"# A development tenant for {name}: sign it with your tenant key (kapsel tenant sign) and
# enrol a test container with it. The agency's real policy grants the same [apps.{name}] table.
serial = 1

[tenant]
id = "dev"
name = "Development"

[[publishers]]
name = "Your agency"
key = "{publisher_key}"

[apps.{name}]
publisher = "Your agency"
storage_quota_bytes = 65536
# http_origins = ["https://intranet.agency.example"]
# http_private_origins = ["https://intranet.agency.example"]   # it resolves to 10.x/192.168.x
# notify = true
# log = true
# documents = true

# [apps.{name}.settings]     # read by the app with config::get("menu_url")
# menu_url = "https://intranet.agency.example/menu.json"

# [tls]                      # an agency CA for intranet servers (PEM text)
# trust_anchors = ["""
# -----BEGIN CERTIFICATE-----
# ...
# -----END CERTIFICATE-----
# """]
"#
    )
}

const GITIGNORE: &str = "/target\n*.key\n*.kapp\n";

fn write_new(path: &Path, text: &str) -> Result<()> {
    use std::io::Write;
    let shown = path.display().to_string();
    let mut f = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)
        .map_err(Error::io(t!(
            kapsel_i18n::current(),
            "cli-app-new-cannot-create",
            path = shown.as_str()
        )))?;
    f.write_all(text.as_bytes()).map_err(Error::io(t!(
        kapsel_i18n::current(),
        "cli-app-cannot-write",
        path = shown.as_str()
    )))
}

fn mkdir(path: &Path) -> Result<()> {
    std::fs::create_dir_all(path).map_err(Error::io(t!(
        kapsel_i18n::current(),
        "cli-app-new-cannot-create",
        path = path.display().to_string()
    )))
}

/// Write the project `name` under `parent`; refuses a folder that already exists.
pub fn create(parent: &Path, name: &str, sdk: Sdk) -> Result<Created> {
    let cat = kapsel_i18n::current();
    if !kapsel_core::policy::valid_app_id(name)
        || !name.starts_with(|c: char| c.is_ascii_lowercase())
    {
        return Err(Error::invalid(t!(
            cat,
            "cli-app-new-name",
            name = format!("{name:?}")
        )));
    }
    let dir = parent.join(name);
    if dir.exists() {
        return Err(Error::invalid(t!(
            cat,
            "cli-app-new-exists",
            path = dir.display().to_string()
        )));
    }
    let sdk_path = match &sdk {
        Sdk::Bundled => "kapsel-sdk".to_string(),
        Sdk::Path(p) => {
            let shown = p.display().to_string();
            let abs = std::fs::canonicalize(p)
                .ok()
                .filter(|a| a.join("Cargo.toml").is_file() && a.join("wit").is_dir())
                .ok_or_else(|| Error::invalid(t!(cat, "cli-app-new-no-sdk", path = shown)))?;
            abs.to_str()
                .map(str::to_string)
                .ok_or_else(|| Error::invalid(t!(cat, "cli-app-path-not-utf8")))?
        }
    };
    mkdir(&dir.join("src"))?;
    write_new(&dir.join("Cargo.toml"), &cargo_toml(name, &sdk_path))?;
    write_new(
        &dir.join("Cargo.lock"),
        &TEMPLATE_LOCK.replace(
            &format!("name = \"{TEMPLATE_CRATE}\""),
            &format!("name = \"{name}\""),
        ),
    )?;
    write_new(
        &dir.join("src/lib.rs"),
        &TEMPLATE_LIB.replace("View::new(\"Hello\")", &format!("View::new({name:?})")),
    )?;
    write_new(&dir.join("manifest.toml"), &manifest(name))?;
    write_new(&dir.join(".gitignore"), GITIGNORE)?;
    if let Sdk::Bundled = sdk {
        for (file, text) in SDK_FILES {
            let path = dir.join("kapsel-sdk").join(file);
            if let Some(parent) = path.parent() {
                mkdir(parent)?;
            }
            write_new(&path, text)?;
        }
    }
    // A development publisher key, so the project packages and installs on a test
    // container as it is; the agency signs releases with its own key.
    let (_, _, publisher_key) = tenant::keygen(&dir.join("dev-publisher"))?;
    write_new(&dir.join("policy.toml"), &policy(name, &publisher_key))?;
    Ok(Created {
        wasm: format!(
            "target/wasm32-wasip2/release/{}.wasm",
            name.replace('-', "_")
        ),
        dir,
        publisher_key,
    })
}

/// The component `cargo build --release --target wasm32-wasip2` writes for the Cargo project
/// in `dir`: `$CARGO_TARGET_DIR` (else `dir/target`), then the package name with `-` as `_`.
pub fn default_component(dir: &Path) -> Result<PathBuf> {
    let cat = kapsel_i18n::current();
    let cargo = dir.join("Cargo.toml");
    let name = kapsel_core::files::read_text_bounded(&cargo, 1 << 20, "Cargo.toml")
        .ok()
        .and_then(|text| package_name(&text))
        .ok_or_else(|| Error::invalid(t!(cat, "cli-app-no-component")))?;
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| dir.join("target"));
    Ok(target
        .join("wasm32-wasip2/release")
        .join(format!("{}.wasm", name.replace('-', "_"))))
}

/// `name` of the `[package]` table (a plain `name = "…"` line, as cargo new writes it).
fn package_name(cargo_toml: &str) -> Option<String> {
    let mut in_package = false;
    for l in cargo_toml.lines().map(str::trim) {
        if l.starts_with('[') {
            in_package = l == "[package]";
        } else if in_package
            && let Some(v) = l.strip_prefix("name").map(str::trim_start)
            && let Some(v) = v.strip_prefix('=')
        {
            let v = v.trim().strip_prefix('"')?;
            let name = &v[..v.find('"')?];
            return (!name.is_empty()
                && name
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_'))
            .then(|| name.to_string());
        }
    }
    None
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_package_name_is_read_from_cargo_toml() {
        assert_eq!(
            package_name("[package]\nname = \"canteen-menu\"\nversion = \"0.1.0\"\n").as_deref(),
            Some("canteen-menu")
        );
        assert_eq!(package_name("[lib]\nname = \"x\"\n"), None);
        assert_eq!(package_name("[package]\nname = \"../x\"\n"), None);
    }

    use super::*;

    /// Every file of the SDK (outside its template) travels with the binary.
    #[test]
    fn the_bundled_sdk_is_the_whole_sdk() {
        let sdk = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../sdk");
        let mut found = Vec::new();
        let mut stack = vec![sdk.clone()];
        while let Some(d) = stack.pop() {
            for e in std::fs::read_dir(&d).unwrap() {
                let p = e.unwrap().path();
                let rel = p.strip_prefix(&sdk).unwrap().to_str().unwrap().to_string();
                if rel == "template" || rel == "target" || rel == "Cargo.lock" {
                    continue;
                }
                if p.is_dir() {
                    stack.push(p);
                } else {
                    found.push(rel);
                }
            }
        }
        found.sort();
        let mut bundled: Vec<String> = SDK_FILES.iter().map(|(f, _)| f.to_string()).collect();
        bundled.sort();
        assert_eq!(found, bundled);
        assert!(TEMPLATE_LOCK.contains(&format!("name = \"{TEMPLATE_CRATE}\"")));
        assert!(TEMPLATE_LIB.contains("View::new(\"Hello\")"));
    }

    #[test]
    fn a_project_has_everything_for_the_first_build() {
        let tmp = tempfile::tempdir().unwrap();
        let c = create(tmp.path(), "canteen-menu", Sdk::Bundled).unwrap();
        let read = |f: &str| std::fs::read_to_string(c.dir.join(f)).unwrap();
        assert!(read("Cargo.toml").contains("kapsel-sdk = { path = \"kapsel-sdk\" }"));
        assert!(read("Cargo.lock").contains("name = \"canteen-menu\""));
        assert!(read("src/lib.rs").contains("View::new(\"canteen-menu\")"));
        let m = kapsel_host::Manifest::parse(&read("manifest.toml")).unwrap();
        assert_eq!(m.id, "canteen-menu");
        let p = kapsel_core::policy::Policy::parse(&read("policy.toml")).unwrap();
        assert_eq!(p.publishers[0].key, c.publisher_key);
        assert_eq!(p.apps["canteen-menu"].storage_quota_bytes, Some(65536));
        assert!(
            c.dir
                .join("kapsel-sdk/wit/since_v0.1.0/kapsel.wit")
                .is_file()
        );
        assert!(c.dir.join("dev-publisher.key").is_file());
        assert_eq!(c.wasm, "target/wasm32-wasip2/release/canteen_menu.wasm");
        // Never over an existing folder, never a name that is not an app id.
        assert!(create(tmp.path(), "canteen-menu", Sdk::Bundled).is_err());
        for bad in ["Canteen", "../x", "", "9lives", "a b"] {
            assert!(create(tmp.path(), bad, Sdk::Bundled).is_err(), "{bad}");
        }
    }
}
