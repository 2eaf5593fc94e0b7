//! A micro-app host built from an inline policy, for tests that drive the host in process
//! (Spin's `factors-test` in spirit): a fresh unlocked vault in a temporary folder, a tenant
//! policy made of the `[apps.*]` text the test writes (plus TLS anchors, plain-text hosts and
//! a trusted publisher), and helpers to package, install and call apps.
//!
//! ```ignore
//! let mut h = TestHost::builder()
//!     .apps("[apps.hello]\nstorage_quota_bytes = 1000\n")
//!     .build();
//! h.install(&manifest("hello", "storage = { quota_bytes = 500 }"), "kapsel-hello").unwrap();
//! let text = h.text("hello", "");
//! ```

use kapsel_core::Error;
use kapsel_core::policy::{AppEngine, Policy, signing};
use kapsel_core::vault::{MIN_PARAMS, Vault};
use kapsel_host::{AppHost, Call, CallOutcome, Credentials, InstallReport, Package, Resolver};

/// A test app manifest: `id`, API 0.1, publisher "Test", and the given `[capabilities]` lines.
pub fn manifest(id: &str, caps: &str) -> String {
    format!(
        "id = \"{id}\"\nname = \"{id}\"\nversion = \"1.0.0\"\npublisher = \"Test\"\napi = \"0.2\"\n\n[capabilities]\n{caps}\n"
    )
}

pub struct TestHost {
    pub host: AppHost,
    pub vault: Vault,
    pub policy: Policy,
    /// The publisher the policy trusts (as "Test publisher"); packages are signed with it.
    pub publisher: signing::SigningKey,
    /// More publishers the policy trusts, by name (see [`HostBuilder::publisher`]).
    pub publishers: std::collections::BTreeMap<String, signing::SigningKey>,
    _tmp: tempfile::TempDir,
}

#[derive(Default)]
pub struct HostBuilder {
    apps: String,
    anchors: Vec<String>,
    plaintext: Vec<String>,
    credentials: Option<(String, String)>,
    resolver: Option<Box<dyn Resolver>>,
    /// (name, builtin, key)
    publishers: Vec<(String, bool, signing::SigningKey)>,
    engine: AppEngine,
}

impl HostBuilder {
    /// Policy text appended after the tenant, TLS and publisher tables: `[apps.<id>]` grants.
    pub fn apps(mut self, toml: &str) -> Self {
        self.apps.push_str(toml);
        self.apps.push('\n');
        self
    }

    /// Trust this CA (PEM) and only it.
    pub fn trust(mut self, pem: &str) -> Self {
        self.anchors.push(pem.to_string());
        self
    }

    /// Allow plain http to this host.
    pub fn plaintext_host(mut self, host: &str) -> Self {
        self.plaintext.push(host.to_string());
        self
    }

    /// The user's directory credentials in this session (for `basic` credential grants).
    pub fn credentials(mut self, user: &str, password: &str) -> Self {
        self.credentials = Some((user.into(), password.into()));
        self
    }

    /// Another publisher the tenant trusts (not the built-in one unless `builtin`).
    pub fn publisher(mut self, name: &str, builtin: bool) -> Self {
        self.publishers
            .push((name.to_string(), builtin, signing::generate_key()));
        self
    }

    /// What runs the apps (`[app_host] engine`; native code unless set).
    pub fn engine(mut self, engine: AppEngine) -> Self {
        self.engine = engine;
        self
    }

    pub fn resolver(mut self, r: Box<dyn Resolver>) -> Self {
        self.resolver = Some(r);
        self
    }

    pub fn policy_text(&self, publisher: &signing::SigningKey) -> String {
        let mut tls = String::new();
        if !self.anchors.is_empty() {
            let pems: Vec<String> = self
                .anchors
                .iter()
                .map(|p| format!("'''\n{p}'''"))
                .collect();
            tls.push_str(&format!(
                "trust_anchors = [{}]\nonly_anchors = true\n",
                pems.join(", ")
            ));
        }
        if !self.plaintext.is_empty() {
            let hosts: Vec<String> = self.plaintext.iter().map(|h| format!("{h:?}")).collect();
            tls.push_str(&format!("plaintext_hosts = [{}]\n", hosts.join(", ")));
        }
        let mut more = String::new();
        for (name, builtin, key) in &self.publishers {
            more.push_str(&format!(
                "[[publishers]]\nname = {name:?}\nkey = \"{}\"\nbuiltin = {builtin}\n\n",
                signing::encode_public_key(&key.verifying_key())
            ));
        }
        format!(
            "serial = 1\n[tenant]\nid = \"t\"\nname = \"T\"\n\n[app_host]\nengine = \"{}\"\n\n[tls]\n{tls}\n\
             [[publishers]]\nname = \"Test publisher\"\nkey = \"{}\"\nbuiltin = true\n\n{more}{}",
            self.engine.as_str(),
            signing::encode_public_key(&publisher.verifying_key()),
            self.apps
        )
    }

    pub fn build(self) -> TestHost {
        let tmp = tempfile::tempdir().expect("a temporary folder");
        let vault =
            Vault::create(&tmp.path().join("c"), "Test-Password-1", MIN_PARAMS).expect("vault");
        let publisher = signing::generate_key();
        let text = self.policy_text(&publisher);
        let policy =
            Policy::parse(&text).unwrap_or_else(|e| panic!("the test policy: {e}\n{text}"));
        let credentials = self.credentials.map(|(user, password)| Credentials {
            user,
            password: zeroize::Zeroizing::new(password),
        });
        let host = match self.resolver {
            Some(r) => AppHost::with_resolver(&vault, &policy, credentials, r),
            None => AppHost::new(&vault, &policy, credentials),
        }
        .expect("the app host");
        TestHost {
            host,
            vault,
            policy,
            publisher,
            publishers: self
                .publishers
                .into_iter()
                .map(|(name, _, key)| (name, key))
                .collect(),
            _tmp: tmp,
        }
    }
}

impl TestHost {
    pub fn builder() -> HostBuilder {
        HostBuilder::default()
    }

    /// The container's folder (to look at what is on disk).
    pub fn container(&self) -> std::path::PathBuf {
        self._tmp.path().join("c")
    }

    /// A package of `component` (a crate built by scripts/build-apps) with `manifest`,
    /// signed by the trusted publisher.
    pub fn package(&self, manifest: &str, component: &str) -> Vec<u8> {
        let mut p = Package::new(manifest, crate::component(component)).expect("a valid package");
        p.sign(&self.publisher);
        p.to_bytes()
    }

    /// Install a package signed by the named extra publisher.
    pub fn install_as(
        &mut self,
        publisher: &str,
        manifest: &str,
        component: &str,
    ) -> Result<InstallReport, Error> {
        let mut p = Package::new(manifest, crate::component(component)).expect("a valid package");
        p.sign(&self.publishers[publisher]);
        self.host.install(&p.to_bytes())
    }

    pub fn install(&mut self, manifest: &str, component: &str) -> Result<InstallReport, Error> {
        let bytes = self.package(manifest, component);
        self.host.install(&bytes)
    }

    /// Install the built-in app `apps/<app>` with its own manifest.
    pub fn install_builtin(&mut self, app: &str) {
        crate::install_builtin(&mut self.host, &self.publisher, app);
    }

    pub fn view(&mut self, id: &str, route: &str) -> Result<CallOutcome, Error> {
        self.host.call(id, &Call::View(route.into()), None)
    }

    pub fn act(
        &mut self,
        id: &str,
        action: &str,
        form: &[(&str, &str)],
    ) -> Result<CallOutcome, Error> {
        let form = form
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        self.host.call(
            id,
            &Call::Act {
                action: action.into(),
                form,
            },
            None,
        )
    }

    /// The text of a view, or a panic naming the app and route.
    pub fn text(&mut self, id: &str, route: &str) -> String {
        match self.view(id, route) {
            Ok(o) => o.view.render_text(),
            Err(e) => panic!("{id} {route:?}: {e}"),
        }
    }
}

/// A picture block of a view: its size and pixels (RGB, 3 bytes a pixel).
pub struct Picture {
    pub alt: String,
    pub width: usize,
    pub height: usize,
    pub rgb: Vec<u8>,
}

impl Picture {
    /// Every picture block of `view`, in order.
    pub fn all_in(view: &kapsel_host::View) -> Vec<Picture> {
        view.blocks
            .iter()
            .filter_map(|b| match b {
                kapsel_host::Block::Image {
                    alt,
                    width,
                    height,
                    rgb,
                } => Some(Picture {
                    alt: alt.clone(),
                    width: *width as usize,
                    height: *height as usize,
                    rgb: rgb.clone(),
                }),
                _ => None,
            })
            .collect()
    }

    pub fn at(&self, x: usize, y: usize) -> [u8; 3] {
        assert!(
            x < self.width && y < self.height,
            "({x}, {y}) outside the picture"
        );
        let i = (y * self.width + x) * 3;
        [self.rgb[i], self.rgb[i + 1], self.rgb[i + 2]]
    }

    /// Asserts that the pixel at (x, y) is `want` within `tolerance` per channel (JPEG is
    /// lossy; PNG and GIF are exact).
    pub fn assert_near(&self, x: usize, y: usize, want: [u8; 3], tolerance: u8) {
        let got = self.at(x, y);
        assert!(
            got.iter()
                .zip(want)
                .all(|(g, w)| g.abs_diff(w) <= tolerance),
            "{}: pixel ({x}, {y}) is {got:?}, not {want:?}",
            self.alt
        );
    }
}
