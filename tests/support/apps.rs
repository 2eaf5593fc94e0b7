//! The developer's side through the real binary: a publisher key, a signed package from a
//! manifest and a built component, and a tenant policy that trusts the publisher.

use crate::{Env, component, policy_text};

/// A manifest for app `id` with these capabilities (the publisher `policy_with` trusts).
pub fn manifest_text(id: &str, name: &str, version: &str, caps: &str) -> String {
    format!(
        "id = \"{id}\"\nname = \"{name}\"\nversion = \"{version}\"\npublisher = \"Agency IT\"\napi = \"0.2\"\n[capabilities]\n{caps}\n"
    )
}

/// `kapsel app package` of `crate_name` under `manifest`, into `<file>.kapp` (the manifest and
/// component are written beside it as `<file>.toml` and `<file>.wasm`).
pub fn package_manifest(
    env: &Env,
    dev: &Dev,
    file: &str,
    manifest: &str,
    crate_name: &str,
) -> String {
    let manifest = write(env, &format!("{file}.toml"), manifest.as_bytes());
    let wasm = write(env, &format!("{file}.wasm"), &component(crate_name));
    let out = env.tmp.path().join(format!("{file}.kapp"));
    env.run(&[
        "app",
        "package",
        "--manifest",
        &manifest,
        "--component",
        &wasm,
        "--out",
        out.to_str().unwrap(),
        "--key",
        &dev.key,
    ])
    .ok();
    out.to_str().unwrap().to_string()
}

/// `kapsel app package` of `crate_name` with a manifest whose name is `name`.
pub fn package_named(
    env: &Env,
    dev: &Dev,
    id: &str,
    name: &str,
    caps: &str,
    crate_name: &str,
) -> String {
    let manifest = manifest_text(id, name, "1.0.0", caps);
    package_manifest(env, dev, &format!("{id}-named"), &manifest, crate_name)
}

pub fn write(env: &Env, name: &str, bytes: &[u8]) -> String {
    let p = env.tmp.path().join(name);
    std::fs::write(&p, bytes).unwrap();
    p.to_str().unwrap().to_string()
}

pub struct Dev {
    pub key: String,
    pub public: String,
}

pub fn publisher(env: &Env) -> Dev {
    let prefix = env.tmp.path().join("publisher");
    let r = env.run(&["--json", "app", "keygen", "--out", prefix.to_str().unwrap()]);
    r.ok();
    Dev {
        key: prefix.with_extension("key").to_str().unwrap().into(),
        public: r.json()["public_key"].as_str().unwrap().into(),
    }
}

pub fn package(env: &Env, dev: &Dev, id: &str, caps: &str, crate_name: &str) -> String {
    let manifest = manifest_text(id, &format!("{id} app"), "1.0.0", caps);
    package_manifest(env, dev, id, &manifest, crate_name)
}

pub fn policy_with(dev: &Dev, serial: u64, apps: &str) -> String {
    policy_text(serial, "").replace(
        "[integrity]",
        &format!(
            "[[publishers]]\nname = \"Agency IT\"\nkey = \"{}\"\n\n{apps}\n[integrity]",
            dev.public
        ),
    )
}

/// A signed package made with the library, bypassing `kapsel app package`'s check of the
/// imports against the manifest: what a careless or hostile publisher could ship, for the
/// reviewer's and the installer's checks.
pub fn package_unchecked(env: &Env, dev: &Dev, id: &str, caps: &str, crate_name: &str) -> String {
    let manifest = manifest_text(id, &format!("{id} app"), "1.0.0", caps);
    let mut p = kapsel_host::Package::new(&manifest, component(crate_name)).unwrap();
    let secret = std::fs::read_to_string(&dev.key).unwrap();
    p.sign(&kapsel_core::policy::signing::parse_secret_key(&secret).unwrap());
    write(env, &format!("{id}.kapp"), &p.to_bytes())
}
