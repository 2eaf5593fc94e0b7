//! Tenant admin tooling: key generation, policy signing and verification. Runs on the
//! admin's machine; touches no container.

use std::path::{Path, PathBuf};

use kapsel_core::error::{Error, Result};
use kapsel_core::policy::{self, Domain, signing};
use kapsel_i18n::t;

use super::cat;

fn write_private(path: &Path, text: &str) -> Result<()> {
    use std::io::Write;
    use std::os::unix::fs::OpenOptionsExt;
    let mut f = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)
        .map_err(Error::io(t!(
            cat(),
            "cli-cannot-create-new",
            path = path.display().to_string()
        )))?;
    f.write_all(text.as_bytes()).map_err(Error::io(t!(
        cat(),
        "cli-cannot-write",
        path = path.display().to_string()
    )))
}

/// The largest key file read (a key is one line of text).
pub const MAX_KEY_FILE: u64 = 4096;

pub fn read_text(path: &Path, max: u64, what: &str) -> Result<String> {
    kapsel_core::files::read_text_bounded(path, max, what)
}

/// A signed policy file, refused above the policy size limit before it is read whole.
pub fn read_policy(path: &Path) -> Result<String> {
    read_text(
        path,
        kapsel_core::policy::MAX_POLICY_BYTES as u64,
        &t!(cat(), "cli-what-policy"),
    )
}

/// Writes `<prefix>.key` (secret, 0600) and `<prefix>.pub`; returns the public key.
pub fn keygen(prefix: &Path) -> Result<(PathBuf, PathBuf, String)> {
    let key = signing::generate_key();
    let secret = prefix.with_extension("key");
    let public = prefix.with_extension("pub");
    let pub_text = signing::encode_public_key(&key.verifying_key());
    write_private(&secret, &signing::encode_secret_key(&key))?;
    std::fs::write(&public, format!("{pub_text}\n")).map_err(Error::io(t!(
        cat(),
        "cli-cannot-write",
        path = public.display().to_string()
    )))?;
    Ok((secret, public, pub_text))
}

/// A public key given either literally (`ed25519:...`) or as a file holding it.
pub fn public_key_arg(arg: &str) -> Result<ed25519_dalek::VerifyingKey> {
    if arg.starts_with("ed25519:") {
        return signing::parse_public_key(arg);
    }
    signing::parse_public_key(&read_text(
        Path::new(arg),
        MAX_KEY_FILE,
        &t!(cat(), "cli-what-public-key"),
    )?)
}

pub fn sign(secret_key: &Path, policy_path: &Path) -> Result<String> {
    let key = signing::parse_secret_key(&read_text(
        secret_key,
        MAX_KEY_FILE,
        &t!(cat(), "cli-what-secret-key"),
    )?)?;
    let text = read_policy(policy_path)?;
    // Refuse to sign something the container would refuse to install.
    let body = match signing::parse_document(&text) {
        Ok(doc) => doc.body.to_string(),
        Err(_) => text.clone(),
    };
    policy::Policy::parse(&body)?;
    Ok(signing::sign_document(Domain::Policy, &key, &text))
}
