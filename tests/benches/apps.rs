//! Benchmarks of the built-in apps, each printed with a baseline measured in the same run:
//! - news: parse a 1,000-item feed and build its list inside Wasm, against the very same
//!   kapsel-feed code run natively (goal: at most 2× slower);
//! - documents: list a 5,000-entry WebDAV folder end to end through the app, the host's http
//!   capability and a real WsgiDAV, against one raw PROPFIND of the same folder from native
//!   code (needs the test servers: tests/servers/servers.sh start).

use std::time::Instant;

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
}
