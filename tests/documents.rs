//! The documents app against a real WebDAV server (WsgiDAV from tests/servers, Basic auth
//! added by the host): names with spaces, quotes, %, #, umlauts; a folder with thousands of
//! entries; a download into the container; 401 and 404 as clear messages.

use kapsel_host::{Block, Call, CallOutcome};
use kapsel_tests::action_for;
use kapsel_tests::host::TestHost;
use kapsel_tests::servers::{emulator, test_servers};

const NAMES: &[&str] = &[
    "Bericht März 2026.txt",
    "Angebot \"final\".txt",
    "100% sicher.txt",
    "Nr. #7.txt",
];

struct Fx {
    h: TestHost,
    share: std::path::PathBuf,
    sub: String,
}

impl Drop for Fx {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.share);
    }
}

fn fixture() -> Fx {
    let servers = test_servers();
    let url = servers.get("TEST_WEBDAV_URL"); // http://127.0.0.1:18088/
    static NEXT: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let sub = format!(
        "docs-{}-{}",
        std::process::id(),
        NEXT.fetch_add(1, std::sync::atomic::Ordering::SeqCst)
    );
    let share = servers.dir.join("webdav/share").join(&sub);
    std::fs::create_dir_all(share.join("Unterordner mit Leerzeichen")).unwrap();
    std::fs::create_dir_all(share.join("viele")).unwrap();
    for n in NAMES {
        std::fs::write(share.join(n), format!("Inhalt von {n}")).unwrap();
    }
    std::fs::write(share.join("Unterordner mit Leerzeichen/Ä.txt"), "tief drin").unwrap();
    for i in 0..3000 {
        std::fs::write(share.join(format!("viele/datei-{i:04}.txt")), "x").unwrap();
    }
    let origin = url.trim_end_matches('/').to_string();
    let host_name = origin
        .split("://")
        .nth(1)
        .unwrap()
        .split(':')
        .next()
        .unwrap()
        .to_string();
    let mut h = TestHost::builder()
        .plaintext_host(&host_name)
        .credentials("alice@corp.test", "secret")
        .apps(&format!(
            "[apps.documents]\ndocuments = true\nlog = true\ncall_timeout_ms = 30000\n\
             http_origins = [\"{origin}\"]\nhttp_private_origins = [\"{origin}\"]\nhttp_credentials = {{ \"{origin}\" = \"basic\" }}\n\
             [apps.documents.settings]\n\"library:Team\" = \"webdav:{url}{sub}/\"\n\"library:Fehlt\" = \"webdav:{url}{sub}/gibt-es-nicht/\"\n"
        ))
        .build();
    h.install_builtin("documents");
    Fx { h, share, sub }
}

fn act(fx: &mut Fx, action: &str) -> CallOutcome {
    fx.h.host
        .call(
            "documents",
            &Call::Act {
                action: action.into(),
                form: vec![],
            },
            None,
        )
        .unwrap_or_else(|e| panic!("{action}: {e}"))
}

#[test]
fn browse_a_webdav_share_and_open_files_inside_the_container() {
    let mut fx = fixture();
    let home =
        fx.h.host
            .call("documents", &Call::View(String::new()), None)
            .unwrap();
    let root = act(&mut fx, &action_for(&home, "Team"));
    let t = root.view.render_text();
    for n in NAMES {
        assert!(t.contains(n), "{n} missing in\n{t}");
    }
    assert!(
        t.contains("Unterordner mit Leerzeichen/") && t.contains("viele/"),
        "{t}"
    );
    // Every odd name downloads into the container with its content intact.
    for n in NAMES {
        let o = act(&mut fx, &action_for(&root, n));
        assert_eq!(o.saved_documents.len(), 1, "{n}: {}", o.view.render_text());
        let d = &o.saved_documents[0];
        assert_eq!(d.name, *n);
        assert_eq!(d.size as usize, format!("Inhalt von {n}").len());
        assert_eq!(o.open_requests, vec![d.id.clone()], "handed to the viewer");
    }
    let sub = act(&mut fx, &action_for(&root, "Unterordner mit Leerzeichen/"));
    assert!(
        sub.view.render_text().contains("Ä.txt"),
        "{}",
        sub.view.render_text()
    );
    let o = act(&mut fx, &action_for(&sub, "Ä.txt"));
    assert_eq!(o.saved_documents[0].size, "tief drin".len() as u64);
    // Thousands of entries in one folder.
    let many = act(&mut fx, &action_for(&root, "viele/"));
    let t = many.view.render_text();
    assert!(
        t.contains("3000 entries") && t.contains("datei-0999.txt") && !t.contains("datei-1000.txt"),
        "{}",
        &t[..t.len().min(400)]
    );
    // Paged in the view: the last page holds the rest.
    let next = many
        .view
        .blocks
        .iter()
        .find_map(|b| match b {
            Block::Button { label, action } if label.starts_with("Next") => Some(action.clone()),
            _ => None,
        })
        .expect("a next-page button");
    let last = act(&mut fx, &next.replace("more:1000:", "more:2000:"));
    assert!(
        last.view.render_text().contains("datei-2999.txt"),
        "{}",
        last.view.render_text()
    );
    let _ = &fx.sub;
}

#[test]
fn missing_folders_and_missing_credentials_give_clear_messages() {
    let mut fx = fixture();
    let home =
        fx.h.host
            .call("documents", &Call::View(String::new()), None)
            .unwrap();
    let t = act(&mut fx, &action_for(&home, "Fehlt")).view.render_text();
    assert!(t.contains("HTTP 404"), "{t}");
    // The same share without the tenant's credential grant: 401 in words.
    let servers = test_servers();
    let url = servers.get("TEST_WEBDAV_URL");
    let origin = url.trim_end_matches('/').to_string();
    let mut h = TestHost::builder()
        .plaintext_host("127.0.0.1")
        .apps(&format!(
            "[apps.documents]\ndocuments = true\nlog = true\nhttp_origins = [\"{origin}\"]\nhttp_private_origins = [\"{origin}\"]\n\
             [apps.documents.settings]\n\"library:Team\" = \"webdav:{url}{}/\"\n",
            fx.sub
        ))
        .build();
    h.install_builtin("documents");
    let host = &mut h.host;
    let o = host
        .call(
            "documents",
            &Call::Act {
                action: "dir:Team:".into(),
                form: vec![],
            },
            None,
        )
        .unwrap();
    assert!(
        o.view.render_text().contains("HTTP 401"),
        "{}",
        o.view.render_text()
    );
}

#[test]
fn sharepoint_sites_through_the_rest_api_in_both_json_shapes() {
    let em = emulator("tok-sp-1");
    let origin = format!("https://localhost:{}", em.port);
    let site = format!("{origin}/sites/team");
    let ca = std::fs::read_to_string(test_servers().get("TEST_CA_FILE")).unwrap();
    let mut h = TestHost::builder()
        .trust(&ca)
        .apps(&format!(
            "[apps.documents]\ndocuments = true\nlog = true\ncall_timeout_ms = 30000\n\
             http_origins = [\"{origin}\"]\nhttp_private_origins = [\"{origin}\"]\nhttp_credentials = {{ \"{origin}\" = \"bearer\" }}\n\
             [apps.documents.settings]\n\"library:Intranet\" = \"sharepoint:{site}\"\n\"library:Intranet-verbose\" = \"sharepoint:{site};odata=verbose\"\n"
        ))
        .build();
    h.vault
        .put(
            "credentials",
            &format!("https://localhost:{}", em.port),
            b"tok-sp-1",
        )
        .unwrap();
    h.install_builtin("documents");
    let (host, vault) = (&mut h.host, &h.vault);
    let mut act = |action: String, form: Vec<(String, String)>| {
        host.call(
            "documents",
            &Call::Act {
                action: action.clone(),
                form,
            },
            None,
        )
        .unwrap_or_else(|e| panic!("{action}: {e}"))
    };
    for lib in ["Intranet", "Intranet-verbose"] {
        let libs = act(format!("sp:{lib}:"), vec![]);
        let root = act(action_for(&libs, "Shared Documents"), vec![]);
        let t = root.view.render_text();
        for n in [
            "Angebot 'final'.txt",
            "100% sicher.txt",
            "Nr. #7.txt",
            "Umlaut Ä & Co.csv",
            "Projekte 2026/",
            "viele/",
        ] {
            assert!(t.contains(n), "{lib}: {n} missing in\n{t}");
        }
        assert!(
            !t.contains("Forms/"),
            "{lib}: the hidden Forms folder is not listed"
        );
        for (n, body) in [
            ("Angebot 'final'.txt", "Angebot"),
            ("100% sicher.txt", "sicher"),
            ("Nr. #7.txt", "sieben"),
        ] {
            let o = act(action_for(&root, n), vec![]);
            assert_eq!(
                o.saved_documents.len(),
                1,
                "{lib} {n}: {}",
                o.view.render_text()
            );
            assert_eq!(o.saved_documents[0].size as usize, body.len(), "{lib} {n}");
        }
        let many = act(action_for(&root, "viele/"), vec![]);
        assert!(
            many.view.render_text().contains("1500 entries"),
            "{lib}: paging"
        );
        let denied = act(action_for(&root, "Vertraulich/"), vec![]);
        assert!(
            denied.view.render_text().contains("HTTP 403"),
            "{lib}: {}",
            denied.view.render_text()
        );
        let hits = act(
            format!("sp:{lib}:search:"),
            vec![("q".into(), "sicher".into())],
        );
        let o = act(action_for(&hits, "100% sicher"), vec![]);
        assert_eq!(o.saved_documents.len(), 1, "{lib}: search result opens");
    }
    // Without the stored token the site says 401, in words.
    vault
        .delete("credentials", &format!("https://localhost:{}", em.port))
        .unwrap();
    let o = host
        .call(
            "documents",
            &Call::Act {
                action: "sp:Intranet:".into(),
                form: vec![],
            },
            None,
        )
        .unwrap();
    assert!(
        o.view.render_text().contains("no token stored")
            || o.view.render_text().contains("HTTP 401"),
        "{}",
        o.view.render_text()
    );
    let _ = &em.root;
}
