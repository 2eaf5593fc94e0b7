//! The hostile-app corpus against the real host: each component tries one thing a micro-app
//! must never get away with, and each is refused at install or contained at run time with a
//! clear error — while the host lives on and a well-behaved app in the same process keeps
//! working. HTTP cases run against real HTTPS servers on loopback with a test CA.

use std::net::SocketAddr;
use std::time::Duration;

use kapsel_core::Error;
use kapsel_core::policy::{AppEngine, signing};
use kapsel_host::{Call, CallOutcome, Package, Resolver, SystemResolver};
use kapsel_tests::component;
use kapsel_tests::host::{Picture, TestHost, manifest};
use kapsel_tests::https::{self, HttpsServer, Received, Reply, TestCa};

/// `metadata.test` resolves to the cloud metadata address; everything else as usual.
struct TestResolver;

impl Resolver for TestResolver {
    fn resolve(&self, host: &str, port: u16) -> std::io::Result<Vec<SocketAddr>> {
        if host == "metadata.test" {
            return Ok(vec![SocketAddr::new(
                "169.254.169.254".parse().unwrap(),
                port,
            )]);
        }
        SystemResolver.resolve(host, port)
    }
}

fn routes(r: &Received) -> Reply {
    let path = r.path.as_str();
    if let Some(to) = path.strip_prefix("/redirect-out?to=") {
        return Reply::redirect(302, to);
    }
    match path {
        "/ok" => Reply::ok("hello from the test server"),
        "/redirect-same" => Reply::redirect(301, "/ok"),
        "/loop" => Reply::redirect(302, "/loop"),
        "/big" => Reply::Huge {
            len: 20 * 1024 * 1024,
        },
        "/trickle" => Reply::Trickle {
            len: 1000,
            every: Duration::from_millis(100),
        },
        _ => Reply::Full {
            status: 404,
            headers: vec![],
            body: b"no such route".to_vec(),
        },
    }
}

struct Servers {
    ca: TestCa,
    a: HttpsServer,
    b: HttpsServer,
    c: HttpsServer,
}

fn servers() -> Servers {
    let ca = TestCa::new();
    let a = https::serve(&ca, routes);
    let b = https::serve(&ca, routes);
    let c = https::serve(&ca, routes);
    Servers { ca, a, b, c }
}

struct Fx {
    h: TestHost,
}

fn hello_manifest() -> String {
    manifest("hello", "storage = { quota_bytes = 65536 }")
}

impl Fx {
    fn new(s: &Servers, engine: AppEngine, apps_toml: &str) -> Fx {
        let h = TestHost::builder()
            .engine(engine)
            .trust(&s.ca.pem)
            .credentials("alice@corp.test", "secret")
            .resolver(Box::new(TestResolver))
            .apps(&format!(
                "[apps.hello]\nstorage_quota_bytes = 100000\n\n{apps_toml}"
            ))
            .build();
        assert_eq!(h.host.engine_kind(), engine);
        let mut fx = Fx { h };
        fx.install_ok(&hello_manifest(), "kapsel-hello");
        fx
    }

    fn package(&self, manifest: &str, crate_name: &str) -> Vec<u8> {
        self.h.package(manifest, crate_name)
    }

    fn install_ok(&mut self, manifest: &str, crate_name: &str) {
        let bytes = self.package(manifest, crate_name);
        self.h
            .host
            .install(&bytes)
            .unwrap_or_else(|e| panic!("install {crate_name}: {e}"));
    }

    fn install_err(&mut self, manifest: &str, crate_name: &str) -> String {
        let bytes = self.package(manifest, crate_name);
        match self.h.host.install(&bytes) {
            Ok(_) => panic!("{crate_name} was installed but must be refused"),
            Err(e) => e.to_string(),
        }
    }

    fn view(&mut self, id: &str, route: &str) -> Result<CallOutcome, Error> {
        self.h.host.call(id, &Call::View(route.into()), None)
    }

    fn text(&mut self, id: &str, route: &str) -> String {
        match self.view(id, route) {
            Ok(o) => o.view.render_text(),
            Err(e) => panic!("{id} {route:?}: {e}"),
        }
    }

    /// The well-behaved app still works: its counter goes up by one.
    fn hello_still_works(&mut self) {
        let before = self.h.host.native_storage_get("hello", "visits").unwrap();
        let n: u64 = before
            .map(|b| String::from_utf8(b).unwrap().parse().unwrap())
            .unwrap_or(0);
        let t = self.text("hello", "");
        assert!(t.contains(&format!("{} time(s)", n + 1)), "{t}");
    }

    fn audit_kinds(&self) -> Vec<String> {
        kapsel_core::audit::entries(&self.h.vault, 10_000)
            .unwrap()
            .into_iter()
            .map(|e| e.kind)
            .collect()
    }
}

#[test]
fn runaway_apps_are_stopped_and_the_host_lives() {
    runaway_apps_are_stopped_and_the_host_lives_on(AppEngine::Native);
}

fn runaway_apps_are_stopped_and_the_host_lives_on(engine: AppEngine) {
    let s = servers();
    let limits =
        "call_timeout_ms = 500\nmemory_limit_bytes = 33554432\nstorage_quota_bytes = 50000\n";
    let mut fx = Fx::new(
        &s,
        engine,
        &format!(
            "[apps.spin-loop]\n{limits}\n[apps.memory-bomb]\n{limits}\n[apps.deep-recursion]\n{limits}\n\
         [apps.huge-view]\n{limits}\n[apps.panicker]\n{limits}\n[apps.exit-caller]\n{limits}\n[apps.stdout-flood]\n{limits}\n\
         [apps.trap-mid-write]\n{limits}\n[apps.quota-overflow]\n{limits}\n[apps.sleeper]\n{limits}\n"
        ),
    );
    fx.hello_still_works();
    let cases: &[(&str, &str, &str)] = &[
        ("spin-loop", "", "ran longer than its 500 ms budget"),
        ("sleeper", "", "ran longer than its 500 ms budget"),
        ("memory-bomb", "", "memory limit of 32 MiB"),
        ("deep-recursion", "", "overflowed its stack"),
        ("huge-view", "", "blocks (at most 5000)"),
        ("huge-view", "text", "bytes of text"),
        ("panicker", "", "crashed"),
        ("exit-caller", "", "the app exited with status"),
        ("stdout-flood", "", "app stdout-flood"),
    ];
    for (id, route, expected) in cases {
        if fx.h.host.call_budget(id).is_none() {
            let caps = if *id == "trap-mid-write" || *id == "quota-overflow" {
                "storage = { quota_bytes = 50000 }"
            } else {
                ""
            };
            fx.install_ok(&manifest(id, caps), &format!("hostile-{id}"));
        }
        let started = std::time::Instant::now();
        let err = fx
            .view(id, route)
            .err()
            .unwrap_or_else(|| panic!("{id} {route:?} must fail"))
            .to_string();
        assert!(err.contains(expected), "{id} {route:?}: {err}");
        assert!(
            started.elapsed() < Duration::from_secs(10),
            "{id} was not stopped in time"
        );
        fx.hello_still_works();
        // The same app can be called again (a fresh store each call).
        assert!(fx.view(id, route).is_err());
    }
    // A crash in the middle of storage writes leaves none of them.
    fx.install_ok(
        &manifest("trap-mid-write", "storage = { quota_bytes = 50000 }"),
        "hostile-trap-mid-write",
    );
    assert!(fx.view("trap-mid-write", "crash").is_err());
    assert_eq!(
        fx.h.host.native_storage_get("trap-mid-write", "a").unwrap(),
        None
    );
    assert_eq!(
        fx.h.host.native_storage_get("trap-mid-write", "b").unwrap(),
        None
    );
    fx.text("trap-mid-write", "");
    assert_eq!(
        fx.h.host
            .native_storage_get("trap-mid-write", "a")
            .unwrap()
            .as_deref(),
        Some(&b"half"[..])
    );
    // The quota holds: writes stop at the quota and a big value is refused.
    fx.install_ok(
        &manifest("quota-overflow", "storage = { quota_bytes = 1000000 }"),
        "hostile-quota-overflow",
    );
    let t = fx.text("quota-overflow", "");
    assert!(t.contains("quota of 50000 bytes exceeded"), "{t}");
    assert!(t.contains("big-refused=true"), "{t}");
    let used: u64 = t
        .split("\nused=")
        .nth(1)
        .and_then(|r| r.split_whitespace().next())
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("no usage in {t}"));
    assert!(used <= 50_000, "{t}");
    assert!(
        fx.audit_kinds()
            .iter()
            .filter(|k| *k == "app-stopped")
            .count()
            >= 8
    );
    fx.hello_still_works();
}

#[test]
fn imports_that_are_not_declared_and_granted_are_refused_at_install() {
    imports_that_are_not_declared_and_granted_are_refused_at_install_on(AppEngine::Native);
}

fn imports_that_are_not_declared_and_granted_are_refused_at_install_on(engine: AppEngine) {
    let s = servers();
    let mut fx = Fx::new(
        &s,
        engine,
        "[apps.sockets]\n[apps.wasi-http]\n[apps.unknown-import]\n[apps.manifest-liar]\nstorage_quota_bytes = 1000\nhttp_origins = [\"https://intranet.example\"]\n",
    );
    let e = fx.install_err(&manifest("sockets", ""), "hostile-sockets");
    assert!(e.contains("wasi:sockets"), "{e}");
    let e = fx.install_err(&manifest("wasi-http", ""), "hostile-wasi-http");
    assert!(e.contains("wasi:http"), "{e}");
    let e = fx.install_err(&manifest("unknown-import", ""), "hostile-unknown-import");
    assert!(e.contains("evil:clipboard/copy"), "{e}");
    let e = fx.install_err(
        &manifest("manifest-liar", "storage = { quota_bytes = 1000 }"),
        "hostile-manifest-liar",
    );
    assert!(e.contains("the manifest does not declare http"), "{e}");
    // Declared but not granted: the policy has no http grant for hello.
    let e = fx.install_err(
        &manifest(
            "hello",
            "storage = { quota_bytes = 100 }\nhttp = { origins = [\"https://x.example\"] }",
        ),
        "hostile-manifest-liar",
    );
    assert!(e.contains("does not grant http"), "{e}");
    // Tampered bytes and a stranger's signature.
    let mut bytes = fx.package(&hello_manifest(), "kapsel-hello");
    let mid = bytes.len() / 2;
    bytes[mid] ^= 0x01;
    let e = fx.h.host.install(&bytes).unwrap_err().to_string();
    assert!(e.contains("altered"), "{e}");
    let mut p = Package::new(&hello_manifest(), component("kapsel-hello")).unwrap();
    p.sign(&signing::generate_key());
    let e = fx.h.host.install(&p.to_bytes()).unwrap_err().to_string();
    assert!(e.contains("not a publisher this tenant trusts"), "{e}");
    let e =
        fx.h.host
            .install(
                &Package::new(&hello_manifest(), component("kapsel-hello"))
                    .unwrap()
                    .to_bytes(),
            )
            .unwrap_err()
            .to_string();
    assert!(e.contains("not signed"), "{e}");
    let e =
        fx.h.host
            .install(b"KAPP\x01\x00\x00\x00\x05ab")
            .unwrap_err()
            .to_string();
    assert!(e.contains("truncated"), "{e}");
    assert!(
        fx.audit_kinds()
            .iter()
            .filter(|k| *k == "app-install-refused")
            .count()
            >= 8
    );
    fx.hello_still_works();
}

#[test]
fn sealed_wasi_gives_nothing() {
    sealed_wasi_gives_nothing_on(AppEngine::Native);
}

fn sealed_wasi_gives_nothing_on(engine: AppEngine) {
    let s = servers();
    let mut fx = Fx::new(&s, engine, "[apps.env-reader]\n[apps.fs-snoop]\n");
    fx.install_ok(&manifest("env-reader", ""), "hostile-env-reader");
    let t = fx.text("env-reader", "");
    assert!(t.contains("vars=0") && t.contains("home=None"), "{t}");
    fx.install_ok(&manifest("fs-snoop", ""), "hostile-fs-snoop");
    let t = fx.text("fs-snoop", "");
    for probe in ["read=false", "list=false", "write=false"] {
        assert!(t.contains(probe), "{probe}: {t}");
    }
    assert!(!std::path::Path::new("/tmp/kapsel-escape").exists());
    fx.hello_still_works();
}

#[test]
fn storage_namespaces_do_not_leak() {
    storage_namespaces_do_not_leak_on(AppEngine::Native);
}

fn storage_namespaces_do_not_leak_on(engine: AppEngine) {
    let s = servers();
    let mut fx = Fx::new(
        &s,
        engine,
        "[apps.key-escape]\nstorage_quota_bytes = 1000\n",
    );
    fx.h.host
        .call(
            "hello",
            &Call::Act {
                action: "save".into(),
                form: vec![("note".into(), "Geheimnis".into())],
            },
            None,
        )
        .unwrap();
    fx.install_ok(
        &manifest("key-escape", "storage = { quota_bytes = 1000 }"),
        "hostile-key-escape",
    );
    let t = fx.text("key-escape", "");
    assert!(!t.contains("FOUND") && !t.contains("Geheimnis"), "{t}");
    assert_eq!(
        t.matches("InvalidInput").count(),
        4,
        "malformed keys are refused: {t}"
    );
    fx.hello_still_works();
}

#[test]
fn notifications_and_documents_stay_in_bounds() {
    notifications_and_documents_stay_in_bounds_on(AppEngine::Native);
}

fn notifications_and_documents_stay_in_bounds_on(engine: AppEngine) {
    let s = servers();
    let mut fx = Fx::new(
        &s,
        engine,
        "[apps.notify-spam]\nnotify = true\n[apps.doc-snoop]\ndocuments = true\n",
    );
    fx.install_ok(
        &manifest("notify-spam", "notify = true"),
        "hostile-notify-spam",
    );
    let o = fx.view("notify-spam", "").unwrap();
    assert!(o.view.render_text().contains("ok=20 refused=80"));
    assert_eq!(o.notifications.len(), 20);
    fx.install_ok(
        &manifest("doc-snoop", "documents = true"),
        "hostile-doc-snoop",
    );
    let o = fx.view("doc-snoop", "").unwrap();
    let t = o.view.render_text();
    assert!(t.contains("read=no document was handed"), "{t}");
    assert!(t.contains("open=no document 00000000deadbeef"), "{t}");
    assert!(
        t.contains("saved=Ok(\"passwd\")"),
        "the name is cleaned: {t}"
    );
    assert!(
        t.contains("huge-refused=true") && t.contains("badtype-refused=true"),
        "{t}"
    );
    assert_eq!(o.saved_documents.len(), 1);
    assert_eq!(o.saved_documents[0].source, "app:doc-snoop");
    // Without the grant, the same calls are denied.
    let mut fx2 = Fx::new(&s, engine, "[apps.notify-spam]\n");
    let e = fx2.install_err(
        &manifest("notify-spam", "notify = true"),
        "hostile-notify-spam",
    );
    assert!(e.contains("does not grant notify"), "{e}");
}

/// Partial files of writers that never finished: there must be none once a call is over.
fn partial_blobs(fx: &Fx) -> Vec<String> {
    std::fs::read_dir(fx.h.container().join("blobs"))
        .unwrap()
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".tmp"))
        .collect()
}

#[test]
fn documents_written_piece_by_piece_stay_whole_and_in_bounds() {
    documents_written_piece_by_piece_stay_whole_and_in_bounds_on(AppEngine::Native);
}

fn documents_written_piece_by_piece_stay_whole_and_in_bounds_on(engine: AppEngine) {
    let s = servers();
    let mut fx = Fx::new(
        &s,
        engine,
        "[apps.doc-writer]\ndocuments = true\ndocuments_quota_bytes = 55000000\ncall_timeout_ms = 60000\n",
    );
    fx.install_ok(
        &manifest("doc-writer", "documents = true"),
        "hostile-doc-writer",
    );
    // 48 MiB through 1 MiB pieces: more than `save` takes at once, never whole in the app.
    let o = fx.view("doc-writer", "big").unwrap();
    assert!(
        o.view.render_text().contains("saved big.bin 50331648"),
        "{}",
        o.view.render_text()
    );
    assert_eq!(o.saved_documents.len(), 1);
    let doc = &o.saved_documents[0];
    assert_eq!(doc.size, 48 << 20);
    // The pieces are where they were written: check the first byte of every piece.
    for i in [0usize, 1, 17, 47] {
        let at = (i << 20) as u64;
        let got = kapsel_core::documents::read_range(&fx.h.vault, doc, at, 2).unwrap();
        assert_eq!(got, [i as u8, (i + 1) as u8], "piece {i}");
    }
    // Dropped unfinished: nothing saved, no partial file.
    let o = fx.view("doc-writer", "abandon").unwrap();
    assert!(o.saved_documents.is_empty());
    assert_eq!(partial_blobs(&fx), Vec::<String>::new());
    // A trap with one finished and one open writer: neither stays.
    let before = kapsel_core::documents::list(&fx.h.vault).unwrap().len();
    let e = fx.view("doc-writer", "trap").unwrap_err().to_string();
    assert!(e.contains("1"), "names the discarded document: {e}");
    assert_eq!(
        kapsel_core::documents::list(&fx.h.vault).unwrap().len(),
        before
    );
    assert_eq!(partial_blobs(&fx), Vec::<String>::new());
    // The quota counts what is still being written: 48 MiB kept + 8 more > 55 MB.
    let t = fx.text("doc-writer", "quota");
    assert!(t.contains("quota-refused:"), "{t}");
    assert!(
        t.contains("documents_quota_bytes"),
        "names the policy key: {t}"
    );
    assert_eq!(partial_blobs(&fx), Vec::<String>::new());
    let t = fx.text("doc-writer", "edges");
    assert!(
        t.contains("piece-refused=true name-refused=true type-refused=true size=2"),
        "{t}"
    );
    // Without the grant, a writer is refused like every documents call.
    let mut fx2 = Fx::new(&s, engine, "[apps.doc-writer]\n");
    let e = fx2.install_err(
        &manifest("doc-writer", "documents = true"),
        "hostile-doc-writer",
    );
    assert!(e.contains("does not grant documents"), "{e}");
}

#[test]
fn pictures_arrive_as_pixels_and_malformed_ones_as_notices() {
    pictures_arrive_as_pixels_and_malformed_ones_as_notices_on(AppEngine::Native);
}

fn pictures_arrive_as_pixels_and_malformed_ones_as_notices_on(engine: AppEngine) {
    let s = servers();
    let mut fx = Fx::new(&s, engine, "[apps.doc-writer]\ndocuments = true\n");
    fx.install_ok(
        &manifest("doc-writer", "documents = true"),
        "hostile-doc-writer",
    );
    let o = fx.view("doc-writer", "image").unwrap();
    let images = Picture::all_in(&o.view);
    assert_eq!(images.len(), 1, "{:?}", o.view.blocks);
    let p = &images[0];
    assert_eq!((p.alt.as_str(), p.width, p.height), ("test card", 4, 2));
    assert_eq!(p.at(0, 0), [255, 0, 0]);
    assert_eq!(p.at(3, 1), [0, 255, 255]);
    let notices = o
        .view
        .blocks
        .iter()
        .filter(|b| matches!(b, kapsel_host::Block::Notice { level, .. } if level == "warning"))
        .count();
    assert_eq!(notices, 2, "both malformed pictures become notices");
    // JSON carries the pixels as base64; plain text shows the picture in shades.
    let json = serde_json::to_value(&o.view).unwrap();
    let img = &json["blocks"][0];
    assert_eq!(img["type"], "image");
    assert_eq!(img["rgb"], "/wAAAP8AAAD/////AAAAgICA//8AAP//");
    let text = o.view.render_text();
    assert!(text.contains("test card, 4×2"), "{text}");
}

/// An app built against the frozen 0.1 contract (wit-bindgen directly, no SDK) runs
/// unchanged beside 0.2 apps: storage, config, log, notify and its views.
#[test]
fn apps_built_against_0_1_still_run() {
    apps_built_against_0_1_still_run_on(AppEngine::Native);
}

fn apps_built_against_0_1_still_run_on(engine: AppEngine) {
    let s = servers();
    let mut fx = Fx::new(
        &s,
        engine,
        "[apps.legacy]\nstorage_quota_bytes = 4096\nnotify = true\nlog = true\n",
    );
    let m = manifest(
        "legacy",
        "storage = { quota_bytes = 4096 }\nnotify = true\nlog = true",
    )
    .replace("api = \"0.2\"", "api = \"0.1\"");
    fx.install_ok(&m, "hostile-legacy-v01");
    let t = fx.text("legacy", "");
    assert!(t.contains("visits=1"), "{t}");
    assert!(t.contains("locale=en"), "{t}");
    assert!(t.contains("built against 0.1"), "{t}");
    assert!(fx.text("legacy", "").contains("visits=2"));
    let o = fx.h.act("legacy", "ping", &[]).unwrap();
    assert!(o.view.render_text().contains("notified=true"));
    assert_eq!(o.notifications.len(), 1);
    // Declaring 0.2 for a 0.1 component is caught.
    let lie = manifest(
        "legacy",
        "storage = { quota_bytes = 4096 }\nnotify = true\nlog = true",
    );
    let e = fx.install_err(&lie, "hostile-legacy-v01");
    assert!(e.contains("0.1"), "{e}");
}

#[test]
fn http_is_confined_to_granted_origins() {
    http_is_confined_to_granted_origins_on(AppEngine::Native);
}

fn http_is_confined_to_granted_origins_on(engine: AppEngine) {
    let s = servers();
    let (a, b, c) = (s.a.origin(), s.b.origin(), s.c.origin());
    let localhost = format!("https://localhost:{}", s.a.port);
    let declared = format!(
        "\"{a}\", \"{c}\", \"{localhost}\", \"https://metadata.test\", \"http://127.0.0.1:{}\"",
        s.a.port
    );
    let apps = format!(
        "[apps.fetcher]\nhttp_origins = [{declared}]\nhttp_private_origins = [\"{a}\", \"{c}\"]\n\
         http_credentials = {{ \"{a}\" = \"basic\" }}\nhttp_max_response_bytes = 1048576\nhttp_timeout_ms = 1500\n\
         [apps.header-smuggler]\nhttp_origins = [\"{a}\"]\nhttp_private_origins = [\"{a}\"]\n"
    );
    let mut fx = Fx::new(&s, engine, &apps);
    fx.install_ok(
        &manifest("fetcher", &format!("http = {{ origins = [{declared}] }}")),
        "hostile-fetcher",
    );
    let fetch = |fx: &mut Fx, url: String| fx.text("fetcher", &url);

    // Allowed, with the user's credentials added by the host.
    let t = fetch(&mut fx, format!("{a}/ok"));
    assert!(t.contains("status=200") && t.contains("auth=yes"), "{t}");
    // A redirect inside the granted origin is followed.
    let t = fetch(&mut fx, format!("{a}/redirect-same"));
    assert!(
        t.contains("status=200") && t.contains(&format!("final={a}/ok")),
        "{t}"
    );
    // Credentials never follow a redirect to another (granted) origin.
    let t = fetch(&mut fx, format!("{a}/redirect-out?to={c}/ok"));
    assert!(t.contains("status=200") && t.contains("auth=none"), "{t}");
    let denied: Vec<(String, &str)> = vec![
        // Each denial names the policy key that would allow it.
        (
            format!("{b}/ok"),
            "is not an origin granted to this app (the manifest's `http` origins and `http_origins` in the policy's [apps.fetcher]",
        ),
        (
            format!("{a}/redirect-out?to={b}/ok"),
            "is not an origin granted",
        ),
        (
            format!("https://alice:secret@127.0.0.1:{}/ok", s.a.port),
            "user names or passwords",
        ),
        (
            format!("{localhost}/ok"),
            "resolves to 127.0.0.1, a loopback, private or link-local address the tenant did not grant (`http_private_origins` in the policy's [apps.fetcher]",
        ),
        (
            "https://metadata.test/latest/meta-data".to_string(),
            "resolves to 169.254.169.254",
        ),
        (format!("http://127.0.0.1:{}/ok", s.a.port), "plain http"),
        (
            format!("https://2130706433:{}/ok", s.a.port),
            "odd IP address encoding",
        ),
        (format!("{a}/big"), "larger than 1048576 bytes"),
        (format!("{a}/trickle"), "timed out"),
        (format!("{a}/loop"), "redirects"),
        ("file:///etc/passwd".to_string(), "not HTTP(S)"),
    ];
    for (url, expected) in denied {
        let started = std::time::Instant::now();
        let t = fetch(&mut fx, url.clone());
        assert!(t.contains(expected), "{url}: {t}");
        assert!(
            started.elapsed() < Duration::from_secs(5),
            "{url} took too long"
        );
        fx.hello_still_works();
    }
    assert!(
        fx.audit_kinds()
            .iter()
            .filter(|k| *k == "app-denied")
            .count()
            >= 4
    );

    // Headers only the host sets (and header injection) are refused.
    fx.install_ok(
        &manifest(
            "header-smuggler",
            &format!("http = {{ origins = [\"{a}\"] }}"),
        ),
        "hostile-header-smuggler",
    );
    let t = fx.text("header-smuggler", &format!("{a}/ok"));
    assert!(!t.contains("SENT"), "{t}");
    assert_eq!(t.matches("refused").count(), 5, "{t}");
}

#[test]
fn bearer_tokens_come_from_the_vault_and_only_for_their_origin() {
    bearer_tokens_come_from_the_vault_and_only_for_their_origin_on(AppEngine::Native);
}

fn bearer_tokens_come_from_the_vault_and_only_for_their_origin_on(engine: AppEngine) {
    let s = servers();
    let a = s.a.origin();
    let apps = format!(
        "[apps.fetcher]\nhttp_origins = [\"{a}\"]\nhttp_private_origins = [\"{a}\"]\nhttp_credentials = {{ \"{a}\" = \"bearer\" }}\n"
    );
    let mut fx = Fx::new(&s, engine, &apps);
    fx.install_ok(
        &manifest("fetcher", &format!("http = {{ origins = [\"{a}\"] }}")),
        "hostile-fetcher",
    );
    let t = fx.text("fetcher", &format!("{a}/ok"));
    assert!(t.contains("no token stored for"), "{t}");
    fx.h.vault
        .put(
            "credentials",
            &format!("https://127.0.0.1:{}", s.a.port),
            b"tok-123",
        )
        .unwrap();
    let t = fx.text("fetcher", &format!("{a}/ok"));
    assert!(t.contains("status=200") && t.contains("auth=yes"), "{t}");
}

/// A case of the corpus by name, run under the given engine.
type Case = (&'static str, fn(AppEngine));

/// The corpus again with the tenant's `[app_host] engine = "interpreter"`: the same components
/// as Pulley bytecode are refused, stopped and denied exactly as native code is. Left out:
/// the 48 MiB writer (host-side bookkeeping that no engine touches, and slow to interpret).
#[test]
fn the_hostile_corpus_holds_under_the_interpreter() {
    let cases: &[Case] = &[
        ("runaway", runaway_apps_are_stopped_and_the_host_lives_on),
        (
            "imports",
            imports_that_are_not_declared_and_granted_are_refused_at_install_on,
        ),
        ("sealed wasi", sealed_wasi_gives_nothing_on),
        ("storage", storage_namespaces_do_not_leak_on),
        (
            "notify/documents",
            notifications_and_documents_stay_in_bounds_on,
        ),
        (
            "pictures",
            pictures_arrive_as_pixels_and_malformed_ones_as_notices_on,
        ),
        ("0.1 apps", apps_built_against_0_1_still_run_on),
        ("http", http_is_confined_to_granted_origins_on),
        (
            "bearer",
            bearer_tokens_come_from_the_vault_and_only_for_their_origin_on,
        ),
    ];
    for (name, case) in cases {
        let started = std::time::Instant::now();
        case(AppEngine::Interpreter);
        eprintln!(
            "interpreter: {name} in {:.1} s",
            started.elapsed().as_secs_f64()
        );
    }
}
