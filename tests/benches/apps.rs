//! Benchmarks of the built-in apps, each printed with a baseline measured in the same run:
//! - news: parse a 1,000-item feed and build its list inside Wasm, against the very same
//!   kapsel-feed code run natively (goal: at most 2× slower); and the same view with the
//!   tenant's `[app_host] engine = "interpreter"` (Pulley) against Cranelift's;
//! - documents: list a 5,000-entry WebDAV folder end to end through the app, the host's http
//!   capability and a real WsgiDAV, against one raw PROPFIND of the same folder from native
//!   code (needs the test servers: tests/servers/servers.sh start);
//! - documents on SharePoint (the REST emulator): a 2,500-file folder's first page and the
//!   walk through all its pages, and the largest download a document may be (32 MiB, in
//!   ranged pieces), against one raw GET of the same first page.

use std::time::Instant;

use kapsel_core::policy::AppEngine;
use kapsel_host::Call;
use kapsel_tests::host::TestHost;

const PROPFIND: &str = r#"<?xml version="1.0" encoding="utf-8"?>
<D:propfind xmlns:D="DAV:"><D:prop><D:displayname/><D:resourcetype/><D:getcontentlength/><D:getlastmodified/><D:getcontenttype/></D:prop></D:propfind>"#;

fn median(mut xs: Vec<f64>) -> f64 {
    xs.sort_by(|a, b| a.total_cmp(b));
    xs[xs.len() / 2]
}

fn main() {
    let rounds = 15;
    let servers = std::fs::read_to_string("/tmp/kts/env")
        .ok()
        .map(|_| kapsel_tests::servers::test_servers());
    let webdav = servers.as_ref().map(|s| s.get("TEST_WEBDAV_URL"));
    let origin = webdav
        .as_deref()
        .map(|u| u.trim_end_matches('/').to_string())
        .unwrap_or_else(|| "http://127.0.0.1:18088".into());
    let sub = format!("bench-{}", std::process::id());
    let mut h = TestHost::builder()
        .plaintext_host("127.0.0.1")
        .credentials("alice@corp.test", "secret")
        .apps(&format!(
            "[apps.news]\nstorage_quota_bytes = 16777216\nnotify = true\ndocuments = true\nlog = true\ncall_timeout_ms = 60000\nhttp_origins = [\"https://intranet.example\"]\n\
             [apps.documents]\ndocuments = true\nlog = true\ncall_timeout_ms = 60000\nhttp_origins = [\"{origin}\"]\nhttp_private_origins = [\"{origin}\"]\n\
             http_credentials = {{ \"{origin}\" = \"basic\" }}\n[apps.documents.settings]\n\"library:Bench\" = \"webdav:{origin}/{sub}/\"\n"
        ))
        .build();
    h.install_builtin("news");
    h.install_builtin("documents");
    let host = &mut h.host;

    // news: the same parse + list code, natively and inside Wasm.
    let mut native = Vec::new();
    for _ in 0..rounds {
        let t = Instant::now();
        let feed = kapsel_feed::sample_feed(1000);
        let articles = kapsel_feed::parse(
            "bench",
            feed.as_bytes(),
            "https://intranet.example/feed.xml",
        )
        .unwrap();
        let rows = kapsel_feed::rows(&articles, &Default::default());
        std::hint::black_box(rows);
        native.push(t.elapsed().as_secs_f64() * 1000.0);
    }
    host.call("news", &Call::View("bench:1000".into()), None)
        .unwrap();
    let mut wasm = Vec::new();
    for _ in 0..rounds {
        let t = Instant::now();
        let o = host
            .call("news", &Call::View("bench:1000".into()), None)
            .unwrap();
        std::hint::black_box(o);
        wasm.push(t.elapsed().as_secs_f64() * 1000.0);
    }
    let (n, w) = (median(native), median(wasm));
    println!(
        "news: parse + list of a 1,000-item feed   wasm {w:8.2} ms   native {n:8.2} ms   ratio {:.2}   goal <= 2.0",
        w / n
    );
    let p = news_under_the_interpreter(rounds);
    println!(
        "news: the same view under Pulley           pulley {p:8.2} ms   cranelift {w:8.2} ms   ratio {:.2}   (native code {:.2}x)",
        p / w,
        p / n
    );

    // documents: a 5,000-entry folder.
    let Some(servers) = servers else {
        println!(
            "documents: not measured — start the test servers (tests/servers/servers.sh start)"
        );
        return;
    };
    let dir = servers.dir.join("webdav/share").join(&sub);
    std::fs::create_dir_all(&dir).unwrap();
    for i in 0..5000 {
        std::fs::write(dir.join(format!("akte-{i:05}.txt")), "x").unwrap();
    }
    let url = format!("{origin}/{sub}/");
    let target = kapsel_core::net::origin::parse_target(&url).unwrap();
    let tls = kapsel_core::net::tls::client_config(&Default::default()).unwrap();
    let addr = std::net::SocketAddr::new(target.ip.unwrap(), target.port);
    let mut raw = Vec::new();
    for _ in 0..5 {
        let t = Instant::now();
        let req = kapsel_core::net::http::Request {
            method: "PROPFIND".into(),
            headers: vec![
                ("Depth".into(), "1".into()),
                (
                    "Content-Type".into(),
                    "application/xml; charset=utf-8".into(),
                ),
                (
                    "Authorization".into(),
                    "Basic YWxpY2VAY29ycC50ZXN0OnNlY3JldA==".into(),
                ),
            ],
            // The same request body the app sends.
            body: Some(PROPFIND.as_bytes().to_vec()),
        };
        let limits = kapsel_core::net::http::Limits {
            deadline: Instant::now() + std::time::Duration::from_secs(60),
            max_body: 64 << 20,
        };
        let r = kapsel_core::net::http::send(addr, &target, &tls, &req, limits).unwrap();
        assert_eq!(r.status, 207);
        raw.push(t.elapsed().as_secs_f64() * 1000.0);
    }
    let mut app = Vec::new();
    for _ in 0..5 {
        let t = Instant::now();
        let o = host
            .call(
                "documents",
                &Call::Act {
                    action: "dir:Bench:".into(),
                    form: vec![],
                },
                None,
            )
            .unwrap();
        assert!(
            o.view.render_text().contains("5000 entries"),
            "{}",
            o.view.render_text()
        );
        app.push(t.elapsed().as_secs_f64() * 1000.0);
    }
    let _ = std::fs::remove_dir_all(&dir);
    let (r, a) = (median(raw), median(app));
    println!(
        "documents: list a 5,000-entry WebDAV folder end to end {a:8.1} ms   raw PROPFIND {r:8.1} ms   ratio {:.2}",
        a / r
    );
    sharepoint(&servers);
}

/// The news bench view in a host whose policy says `[app_host] engine = "interpreter"`:
/// median ms of `rounds` warm calls.
fn news_under_the_interpreter(rounds: usize) -> f64 {
    let mut h = TestHost::builder()
        .engine(AppEngine::Interpreter)
        .apps(
            "[apps.news]\nstorage_quota_bytes = 16777216\nnotify = true\ndocuments = true\nlog = true\ncall_timeout_ms = 60000\nhttp_origins = [\"https://intranet.example\"]\n",
        )
        .build();
    h.install_builtin("news");
    h.host
        .call("news", &Call::View("bench:1000".into()), None)
        .unwrap();
    let mut xs = Vec::new();
    for _ in 0..rounds {
        let t = Instant::now();
        let o = h
            .host
            .call("news", &Call::View("bench:1000".into()), None)
            .unwrap();
        std::hint::black_box(o);
        xs.push(t.elapsed().as_secs_f64() * 1000.0);
    }
    median(xs)
}

/// SharePoint through the emulator, under the default call budget and memory limit.
fn sharepoint(servers: &kapsel_tests::servers::TestServers) {
    let em = kapsel_tests::servers::emulator("tok-bench");
    let origin = format!("https://localhost:{}", em.port);
    let ca = std::fs::read_to_string(servers.get("TEST_CA_FILE")).unwrap();
    let folder = em.root.path().join("gross");
    std::fs::create_dir_all(&folder).unwrap();
    for i in 0..2500 {
        std::fs::write(folder.join(format!("vorgang-{i:04}.txt")), "x").unwrap();
    }
    let big: Vec<u8> = (0..32 * 1024 * 1024u32).map(|i| (i % 251) as u8).collect();
    std::fs::write(em.root.path().join("gross.bin"), &big).unwrap();
    let mut h = TestHost::builder()
        .trust(&ca)
        .apps(&format!(
            "[apps.documents]\ndocuments = true\nlog = true\nhttp_origins = [\"{origin}\"]\nhttp_private_origins = [\"{origin}\"]\n\
             http_credentials = {{ \"{origin}\" = \"bearer\" }}\n[apps.documents.settings]\n\"library:SP\" = \"sharepoint:{origin}/sites/team\"\n"
        ))
        .build();
    h.vault.put("credentials", &origin, b"tok-bench").unwrap();
    h.install_builtin("documents");
    let host = &mut h.host;
    let mut act = |action: &str| {
        host.call(
            "documents",
            &Call::Act {
                action: action.into(),
                form: vec![],
            },
            None,
        )
        .unwrap()
    };
    let next = |o: &kapsel_host::CallOutcome| {
        o.view.blocks.iter().find_map(|b| match b {
            kapsel_host::Block::Button { label, action } if label == "Next page" => {
                Some(action.clone())
            }
            _ => None,
        })
    };
    let first_action = "sp:SP:dir:/sites/team/Shared Documents/gross";
    act(first_action);
    let mut first = Vec::new();
    let mut walk = Vec::new();
    for _ in 0..5 {
        let t = Instant::now();
        let mut o = act(first_action);
        first.push(t.elapsed().as_secs_f64() * 1000.0);
        let mut pages = 1;
        while let Some(a) = next(&o) {
            o = act(&a);
            pages += 1;
        }
        assert_eq!(pages, 5, "{}", o.view.render_text());
        walk.push(t.elapsed().as_secs_f64() * 1000.0);
    }
    // One raw GET of the same first page of files from native code.
    let url = format!(
        "{origin}/sites/team/_api/web/GetFolderByServerRelativePath(decodedurl='/sites/team/Shared%20Documents/gross')/Files?$top=500&$orderby=Name%20asc"
    );
    let target = kapsel_core::net::origin::parse_target(&url).unwrap();
    let tls = kapsel_core::net::tls::client_config(&kapsel_core::policy::Tls {
        trust_anchors: vec![ca.clone()],
        ..Default::default()
    })
    .unwrap();
    let addr = std::net::SocketAddr::from(([127, 0, 0, 1], em.port));
    let mut raw = Vec::new();
    for _ in 0..5 {
        let t = Instant::now();
        let req = kapsel_core::net::http::Request {
            method: "GET".into(),
            headers: vec![
                ("Accept".into(), "application/json;odata=nometadata".into()),
                ("Authorization".into(), "Bearer tok-bench".into()),
            ],
            body: None,
        };
        let limits = kapsel_core::net::http::Limits {
            deadline: Instant::now() + std::time::Duration::from_secs(60),
            max_body: 64 << 20,
        };
        let r = kapsel_core::net::http::send(addr, &target, &tls, &req, limits).unwrap();
        assert_eq!(r.status, 200);
        raw.push(t.elapsed().as_secs_f64() * 1000.0);
    }
    let mut download = Vec::new();
    for _ in 0..3 {
        let t = Instant::now();
        let o = act("sp:SP:file:/sites/team/Shared Documents/gross.bin");
        assert_eq!(o.saved_documents.len(), 1, "{}", o.view.render_text());
        download.push(t.elapsed().as_secs_f64() * 1000.0);
    }
    let (f, w, r, d) = (median(first), median(walk), median(raw), median(download));
    println!(
        "documents: SharePoint 2,500-file folder: first page {f:8.1} ms (raw GET of its 500 files {r:6.1} ms)   all 5 pages {w:8.1} ms"
    );
    println!(
        "documents: SharePoint download of 32 MiB (the largest document) in 4 MiB ranged pieces {d:8.1} ms ({:.0} MiB/s)",
        32.0 / (d / 1000.0)
    );
}
