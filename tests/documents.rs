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
        t.contains("3,000 entries")
            && t.contains("datei-0999.txt")
            && !t.contains("datei-1000.txt"),
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
    let last = act(&mut fx, &next.replace("ls:name:1000:", "ls:name:2000:"));
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
    let t = o.view.render_text();
    assert!(
        t.contains("no credential was sent (HTTP 401)")
            && t.contains(&format!("kapsel credential set {origin}"))
            && !t.contains("rejected"),
        "{t}"
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
        let t = many.view.render_text();
        assert!(
            t.contains("Entries 1–500 of 1,500")
                && t.contains("akte-0499.txt")
                && !t.contains("akte-0500.txt"),
            "{lib}: paging\n{}",
            &t[..t.len().min(600)]
        );
        let next = button(&many, "Next page");
        let t = act(next, vec![]).view.render_text();
        assert!(
            t.contains("Entries 501–1,000 of 1,500") && t.contains("akte-0500.txt"),
            "{lib}: the next page\n{}",
            &t[..t.len().min(600)]
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
    let t = o.view.render_text();
    assert!(
        t.contains("no credential is stored for this site")
            && t.contains(&format!(
                "kapsel credential set https://localhost:{}",
                em.port
            )),
        "{t}"
    );
    let _ = &em.root;
}

/// The action of the first button whose label starts with `label`.
fn button(o: &CallOutcome, label: &str) -> String {
    o.view
        .blocks
        .iter()
        .find_map(|b| match b {
            Block::Button { label: l, action } if l.starts_with(label) => Some(action.clone()),
            _ => None,
        })
        .unwrap_or_else(|| panic!("no button {label:?} in\n{}", o.view.render_text()))
}

// ---- SharePoint and WebDAV through the real `kapsel` binary ----------------------------------

/// An enrolled, unlocked container whose documents app may reach the emulator (Bearer, with
/// `token` stored through `kapsel credential set`), under the default call budget.
struct SpCli {
    env: kapsel_tests::Env,
    em: kapsel_tests::servers::Emulator,
    origin: String,
}

fn sharepoint_cli(token: &str, stored: &str) -> SpCli {
    use kapsel_tests::{PASSWORD, policy_text};
    let env = kapsel_tests::Env::new();
    let (dir, key) = kapsel_tests::builtin_apps();
    let em = emulator(token);
    let origin = format!("https://localhost:{}", em.port);
    let ca = std::fs::read_to_string(test_servers().get("TEST_CA_FILE")).unwrap();
    let grants = format!(
        "[[publishers]]\nname = \"Kapsel\"\nkey = \"{key}\"\nbuiltin = true\n\n[apps.viewer]\npreinstall = true\ndocuments = true\nlog = true\n\n\
         [apps.documents]\npreinstall = true\ndocuments = true\nlog = true\nhttp_origins = [\"{origin}\"]\n\
         http_private_origins = [\"{origin}\"]\nhttp_credentials = {{ \"{origin}\" = \"bearer\" }}\n\n\
         [apps.documents.settings]\n\"library:Intranet\" = \"sharepoint:{origin}/sites/team\"\n\n\
         [tls]\ntrust_anchors = [\"\"\"\n{ca}\"\"\"]\n\n[integrity]"
    );
    let p = env.tenant.policy_file(
        "sp.toml",
        &policy_text(1, "").replace("[integrity]", &grants),
    );
    env.try_enroll(
        p.to_str().unwrap(),
        &env.tenant.public_key(),
        &["--apps", dir.to_str().unwrap()],
        &format!("{PASSWORD}\n"),
    )
    .ok();
    env.unlock().ok();
    env.run_stdin(&["credential", "set", &origin], &format!("{stored}\n"))
        .ok();
    SpCli { env, em, origin }
}

/// `kapsel --json app act documents ACTION [--field …]`: the outcome as JSON.
fn cli_act(env: &kapsel_tests::Env, action: &str, fields: &[&str]) -> serde_json::Value {
    let mut args = vec!["--json", "app", "act", "documents", action];
    for f in fields {
        args.extend(["--field", f]);
    }
    let r = env.run(&args);
    r.ok();
    r.json()
}

fn blocks<'a>(v: &'a serde_json::Value, kind: &str) -> Vec<&'a serde_json::Value> {
    v["view"]["blocks"]
        .as_array()
        .map(|b| b.iter().filter(|b| b["type"] == kind).collect())
        .unwrap_or_default()
}

/// Items: (title, subtitle, action).
fn cli_items(v: &serde_json::Value) -> Vec<(String, String, String)> {
    blocks(v, "item")
        .into_iter()
        .map(|b| {
            let s = |k: &str| b[k].as_str().unwrap_or("").to_string();
            (s("title"), s("subtitle"), s("action"))
        })
        .collect()
}

fn cli_button(v: &serde_json::Value, label: &str) -> Option<String> {
    blocks(v, "button").into_iter().find_map(|b| {
        b["label"]
            .as_str()?
            .starts_with(label)
            .then(|| b["action"].as_str().unwrap_or("").to_string())
    })
}

fn cli_text(v: &serde_json::Value) -> String {
    v["view"]["blocks"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|b| b["text"].as_str().or(b["title"].as_str()))
        .collect::<Vec<_>>()
        .join("\n")
}

/// A 2,500-file folder like a busy team library: case files of varying size and age, and one
/// large report.
fn big_folder(root: &std::path::Path) -> std::path::PathBuf {
    let dir = root.join("Vorgänge 2026");
    std::fs::create_dir_all(&dir).unwrap();
    let base = std::time::SystemTime::UNIX_EPOCH + std::time::Duration::from_secs(1_790_000_000);
    for i in 0..2500u64 {
        let f = dir.join(format!("vorgang-{i:04}.txt"));
        std::fs::write(&f, "v".repeat(1 + (i as usize % 300))).unwrap();
        let file = std::fs::File::options().write(true).open(&f).unwrap();
        // Newer with every number, so newest-first is the reverse of the name order.
        file.set_modified(base + std::time::Duration::from_secs(i * 60))
            .unwrap();
    }
    let report = dir.join("Jahresbericht.docx");
    std::fs::write(&report, vec![b'x'; 5 * 1024 * 1024]).unwrap();
    std::fs::File::options()
        .write(true)
        .open(&report)
        .unwrap()
        .set_modified(base - std::time::Duration::from_secs(86_400))
        .unwrap();
    dir
}

#[test]
fn a_2500_file_sharepoint_folder_pages_on_demand_through_the_binary() {
    let cli = sharepoint_cli("tok-walk", "tok-walk");
    big_folder(cli.em.root.path());
    let folder = "/sites/team/Shared Documents/Vorgänge 2026";
    let t0 = std::time::Instant::now();
    let first = cli_act(&cli.env, &format!("sp:Intranet:dir:{folder}"), &[]);
    let first_page = t0.elapsed();
    let text = cli_text(&first);
    assert!(text.contains("Entries 1–500 of 2,501"), "{text}");
    let items = cli_items(&first);
    // The way up leads to the library's root; the report's size and date read as people read them.
    assert_eq!(items[0].0, "↑ Up");
    assert_eq!(
        items[0].2, "sp:Intranet:dir:/sites/team/Shared Documents",
        "up"
    );
    let report = items
        .iter()
        .find(|i| i.0 == "Jahresbericht.docx")
        .expect("the report on the first page");
    assert_eq!(report.1, "5.0 MiB · 2026-09-20 14:13 UTC", "{report:?}");
    // Walk every page through the next-page buttons: every entry once, in name order.
    let mut names: Vec<String> = items
        .iter()
        .filter(|i| i.0 != "↑ Up")
        .map(|i| i.0.clone())
        .collect();
    let mut page = first;
    let mut pages = 1;
    while let Some(next) = cli_button(&page, "Next page") {
        page = cli_act(&cli.env, &next, &[]);
        pages += 1;
        names.extend(
            cli_items(&page)
                .into_iter()
                .filter(|i| i.0 != "↑ Up")
                .map(|i| i.0),
        );
        assert!(pages < 10, "the walk does not end");
    }
    let walk = t0.elapsed();
    assert_eq!(pages, 6, "2,501 entries in pages of 500");
    assert_eq!(names.len(), 2501);
    let mut sorted = names.clone();
    sorted.sort_by_key(|n| n.to_lowercase());
    assert_eq!(names, sorted, "name order across pages");
    sorted.dedup();
    assert_eq!(sorted.len(), 2501, "no entry twice");
    assert!(cli_text(&page).contains("Entries 2,501–2,501 of 2,501"));
    // Sorted by the server: largest first, newest first.
    let by_size = cli_act(
        &cli.env,
        &cli_button(&page, "Sort by size").expect("sort by size"),
        &[],
    );
    assert_eq!(cli_items(&by_size)[1].0, "Jahresbericht.docx");
    let by_date = cli_act(
        &cli.env,
        &cli_button(&by_size, "Sort by date").expect("sort by date"),
        &[],
    );
    let dated = cli_items(&by_date);
    assert_eq!(dated[1].0, "vorgang-2499.txt");
    assert_eq!(dated[2].0, "vorgang-2498.txt");
    let second = cli_act(
        &cli.env,
        &cli_button(&by_date, "Next page").expect("next page by date"),
        &[],
    );
    assert_eq!(
        cli_items(&second)[1].0,
        "vorgang-1999.txt",
        "date order goes on"
    );
    // Up from the library's root: the site's libraries.
    let root = cli_act(&cli.env, &items[0].2, &[]);
    let libs = cli_act(&cli.env, &cli_items(&root)[0].2, &[]);
    assert!(
        cli_items(&libs).iter().any(|i| i.0 == "Shared Documents"),
        "{libs}"
    );
    eprintln!(
        "2,501-entry SharePoint folder through the binary: first page {first_page:?}, full walk ({pages} pages) {walk:?}"
    );
    let _ = &cli.origin;
}

#[test]
fn sharepoint_search_pages_with_the_servers_total_and_the_download_keeps_its_type() {
    let cli = sharepoint_cli("tok-find", "tok-find");
    big_folder(cli.em.root.path());
    let hits = cli_act(&cli.env, "sp:Intranet:search:", &["q=vorgang"]);
    let text = cli_text(&hits);
    assert!(
        text.contains("Results 1–50 of 2,500 (the site's count)"),
        "{text}"
    );
    assert_eq!(cli_items(&hits).len(), 50);
    let next = cli_button(&hits, "Next results").expect("a next page of results");
    let more = cli_act(&cli.env, &next, &[]);
    let text = cli_text(&more);
    assert!(text.contains("Results 51–100 of 2,500"), "{text}");
    let titles: Vec<String> = cli_items(&more).into_iter().map(|i| i.0).collect();
    assert!(
        !cli_items(&hits).iter().any(|i| titles.contains(&i.0)),
        "a new page"
    );
    // The last page: no next button.
    let last = cli_act(&cli.env, "sp:Intranet:find:2450:vorgang", &[]);
    assert!(cli_text(&last).contains("Results 2,451–2,500 of 2,500"));
    assert!(cli_button(&last, "Next results").is_none());
    // SharePoint sends application/octet-stream; the container keeps the name's type.
    let o = cli_act(
        &cli.env,
        "sp:Intranet:file:/sites/team/Shared Documents/Umlaut Ä & Co.csv",
        &[],
    );
    let notice = cli_text(&o);
    assert!(
        notice.contains("text/csv") && notice.contains("3 B"),
        "{notice}"
    );
    let docs = cli.env.run(&["--json", "doc", "list"]);
    docs.ok();
    assert!(docs.stdout.contains("text/csv"), "{}", docs.stdout);
}

#[test]
fn a_rejected_sharepoint_token_is_told_apart_from_a_missing_one() {
    let cli = sharepoint_cli("tok-right", "tok-wrong");
    let o = cli_act(&cli.env, "sp:Intranet:", &[]);
    let text = cli_text(&o);
    assert!(
        text.contains("the site rejected your credential (HTTP 401: Invalid issuer or signature.)")
            && text.contains(&format!("kapsel credential set {}", cli.origin)),
        "{text}"
    );
    cli.env.run(&["credential", "remove", &cli.origin]).ok();
    let text = cli_text(&cli_act(&cli.env, "sp:Intranet:", &[]));
    assert!(
        text.contains("no credential is stored for this site")
            && text.contains(&format!("kapsel credential set {}", cli.origin))
            && !text.contains("rejected"),
        "{text}"
    );
    // The right token opens the site.
    cli.env
        .run_stdin(&["credential", "set", &cli.origin], "tok-right\n")
        .ok();
    let libs = cli_act(&cli.env, "sp:Intranet:", &[]);
    assert!(cli_items(&libs).iter().any(|i| i.0 == "Shared Documents"));
}

#[test]
fn a_site_the_tenant_grants_no_credential_for_says_so() {
    let em = emulator("tok-none");
    let origin = format!("https://localhost:{}", em.port);
    let ca = std::fs::read_to_string(test_servers().get("TEST_CA_FILE")).unwrap();
    let mut h = TestHost::builder()
        .trust(&ca)
        .apps(&format!(
            "[apps.documents]\ndocuments = true\nlog = true\n\
             http_origins = [\"{origin}\"]\nhttp_private_origins = [\"{origin}\"]\n\
             [apps.documents.settings]\n\"library:Intranet\" = \"sharepoint:{origin}/sites/team\"\n"
        ))
        .build();
    h.install_builtin("documents");
    let t = h
        .host
        .call(
            "documents",
            &Call::Act {
                action: "sp:Intranet:".into(),
                form: vec![],
            },
            None,
        )
        .unwrap()
        .view
        .render_text();
    assert!(
        t.contains("no credential was sent (HTTP 401)")
            && t.contains("the tenant has configured no credentials for this site")
            && !t.contains("rejected"),
        "{t}"
    );
}

#[test]
fn files_above_one_answer_arrive_in_ranged_pieces_and_too_large_ones_say_so() {
    let em = emulator("tok-big");
    let origin = format!("https://localhost:{}", em.port);
    let ca = std::fs::read_to_string(test_servers().get("TEST_CA_FILE")).unwrap();
    // 12 MiB: above the default 8 MiB answer; 300 MiB (sparse): above what the app downloads.
    let big: Vec<u8> = (0..12 * 1024 * 1024u32).map(|i| (i % 251) as u8).collect();
    std::fs::write(em.root.path().join("Messdaten.csv"), &big).unwrap();
    std::fs::write(em.root.path().join("leer.txt"), b"").unwrap();
    std::fs::File::create(em.root.path().join("Archiv.zip"))
        .unwrap()
        .set_len(300 * 1024 * 1024)
        .unwrap();
    let mut h = TestHost::builder()
        .trust(&ca)
        .apps(&format!(
            "[apps.documents]\ndocuments = true\nlog = true\ncall_timeout_ms = 20000\n\
             http_origins = [\"{origin}\"]\nhttp_private_origins = [\"{origin}\"]\nhttp_credentials = {{ \"{origin}\" = \"bearer\" }}\n\
             [apps.documents.settings]\n\"library:Intranet\" = \"sharepoint:{origin}/sites/team\"\n"
        ))
        .build();
    h.vault.put("credentials", &origin, b"tok-big").unwrap();
    h.install_builtin("documents");
    let mut act = |a: &str| {
        h.host
            .call(
                "documents",
                &Call::Act {
                    action: a.into(),
                    form: vec![],
                },
                None,
            )
            .unwrap()
    };
    let o = act("sp:Intranet:file:/sites/team/Shared Documents/Messdaten.csv");
    assert_eq!(o.saved_documents.len(), 1, "{}", o.view.render_text());
    assert_eq!(o.saved_documents[0].size, big.len() as u64);
    assert_eq!(o.saved_documents[0].media_type, "text/csv");
    assert!(
        o.view.render_text().contains("12.0 MiB"),
        "{}",
        o.view.render_text()
    );
    // An empty file has no byte to ask a range for (416): it still arrives, empty.
    let o = act("sp:Intranet:file:/sites/team/Shared Documents/leer.txt");
    assert_eq!(o.saved_documents.len(), 1, "{}", o.view.render_text());
    assert_eq!(o.saved_documents[0].size, 0);
    let o = act("sp:Intranet:file:/sites/team/Shared Documents/Archiv.zip");
    assert!(o.saved_documents.is_empty());
    let t = o.view.render_text();
    assert!(
        t.contains(
            "“Archiv.zip” is 300.0 MiB; a document in the container can be at most 256.0 MiB"
        ),
        "{t}"
    );
    let _ = &em.root;
}

#[test]
fn webdav_folders_go_up_sort_read_as_people_read_them_and_large_files_arrive_in_pieces() {
    let mut fx = fixture();
    let big: Vec<u8> = (0..12 * 1024 * 1024u32).map(|i| (i % 253) as u8).collect();
    std::fs::write(
        fx.share.join("Unterordner mit Leerzeichen/Messreihe.csv"),
        &big,
    )
    .unwrap();
    let sub = act(&mut fx, "dir:Team:Unterordner%20mit%20Leerzeichen/");
    let t = sub.view.render_text();
    // Up: the share's root; the big file in MiB; the date parsed from the HTTP date.
    assert_eq!(action_for(&sub, "↑ Up"), "dir:Team:");
    let line = t
        .lines()
        .find(|l| l.contains("Messreihe.csv"))
        .unwrap_or_else(|| panic!("{t}"));
    assert!(
        line.contains("12.0 MiB · 20") && line.contains(" UTC"),
        "{line}"
    );
    assert!(!t.contains("GMT") && !t.contains("bytes"), "{t}");
    // Largest first.
    let by_size = act(&mut fx, &button(&sub, "Sort by size"));
    let files: Vec<String> = by_size
        .view
        .blocks
        .iter()
        .filter_map(|b| match b {
            Block::Item { title, .. } if title != "↑ Up" => Some(title.clone()),
            _ => None,
        })
        .collect();
    assert_eq!(
        files,
        ["Messreihe.csv", "Ä.txt"],
        "{}",
        by_size.view.render_text()
    );
    // 12 MiB is above the 8 MiB answer limit: ranged pieces, put together intact.
    let o = act(&mut fx, &action_for(&sub, "Messreihe.csv"));
    assert_eq!(o.saved_documents.len(), 1, "{}", o.view.render_text());
    assert_eq!(o.saved_documents[0].size, big.len() as u64);
    assert_eq!(o.saved_documents[0].media_type, "text/csv");
    let id = o.saved_documents[0].id.clone();
    let doc = kapsel_core::documents::get(&fx.h.vault, &id)
        .unwrap()
        .expect("the saved document");
    let back = kapsel_core::documents::read_range(&fx.h.vault, &doc, 0, big.len()).unwrap();
    assert!(back == big, "the pieces are put together in order");
    // The root's way up leads home.
    let root = act(&mut fx, "dir:Team:");
    assert_eq!(action_for(&root, "↑ Up"), "home");
}

/// An enrolled, unlocked container for `user` with `password` (the container's password is
/// the account's, which the host sends as Basic) whose documents app reads the WsgiDAV folder
/// `sub`.
fn webdav_cli(user: &str, password: &str, sub: &str) -> kapsel_tests::Env {
    use kapsel_tests::policy_text;
    let env = kapsel_tests::Env::new();
    let (dir, key) = kapsel_tests::builtin_apps();
    let url = test_servers().get("TEST_WEBDAV_URL");
    let origin = url.trim_end_matches('/');
    let grants = format!(
        "[[publishers]]\nname = \"Kapsel\"\nkey = \"{key}\"\nbuiltin = true\n\n[apps.viewer]\npreinstall = true\ndocuments = true\nlog = true\n\n\
         [apps.documents]\npreinstall = true\ndocuments = true\nlog = true\nhttp_origins = [\"{origin}\"]\n\
         http_private_origins = [\"{origin}\"]\nhttp_credentials = {{ \"{origin}\" = \"basic\" }}\n\n\
         [apps.documents.settings]\n\"library:Team\" = \"webdav:{url}{sub}/\"\n\n\
         [tls]\nplaintext_hosts = [\"127.0.0.1\"]\n\n[integrity]"
    );
    let p = env.tenant.policy_file(
        "dav.toml",
        &policy_text(1, "").replace("[integrity]", &grants),
    );
    env.try_enroll(
        p.to_str().unwrap(),
        &env.tenant.public_key(),
        &["--apps", dir.to_str().unwrap(), "--user", user],
        &format!("{password}\n"),
    )
    .ok();
    env.run_stdin(&["unlock", "--password-stdin"], &format!("{password}\n"))
        .ok();
    env
}

#[test]
fn a_webdav_share_through_the_binary_and_a_rejected_password() {
    let servers = test_servers();
    let sub = format!("docs-cli-{}", std::process::id());
    let share = servers.dir.join("webdav/share").join(&sub);
    std::fs::create_dir_all(share.join("Protokolle")).unwrap();
    std::fs::write(share.join("Protokolle/Sitzung 1.md"), "# Sitzung\n").unwrap();
    std::fs::write(
        share.join("Haushalt 2027.csv"),
        "Posten;Betrag\nPapier;12\n",
    )
    .unwrap();
    std::fs::write(share.join("Handbuch.pdf"), vec![b'%'; 3 * 1024 * 1024 / 2]).unwrap();
    struct Cleanup(std::path::PathBuf);
    impl Drop for Cleanup {
        fn drop(&mut self) {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }
    let _cleanup = Cleanup(share.clone());
    // wsgidav.yaml's demo account: the container password is the share's password.
    let env = webdav_cli("alice@demo.example", "Demo-Passwort-2026", &sub);
    let root = cli_act(&env, "dir:Team:", &[]);
    let items = cli_items(&root);
    assert_eq!(items[0].0, "↑ Up");
    assert_eq!(items[0].2, "home");
    let pdf = items
        .iter()
        .find(|i| i.0 == "Handbuch.pdf")
        .expect("the PDF");
    assert!(
        pdf.1.starts_with("1.5 MiB · 20") && pdf.1.ends_with(" UTC"),
        "{pdf:?}"
    );
    let by_size = cli_act(&env, &cli_button(&root, "Sort by size").unwrap(), &[]);
    let order: Vec<String> = cli_items(&by_size).into_iter().map(|i| i.0).collect();
    assert_eq!(
        order,
        ["↑ Up", "Protokolle/", "Handbuch.pdf", "Haushalt 2027.csv"]
    );
    let sub_dir = cli_act(&env, "dir:Team:Protokolle/", &[]);
    assert_eq!(cli_items(&sub_dir)[0].2, "dir:Team:", "up from a subfolder");
    let o = cli_act(&env, "open:Team:Haushalt%202027.csv", &[]);
    assert!(cli_text(&o).contains("text/csv"), "{o}");
    // The same share with a password the server does not accept.
    let wrong = webdav_cli("alice@demo.example", "Anderes-Passwort-2026", &sub);
    let text = cli_text(&cli_act(&wrong, "dir:Team:", &[]));
    assert!(
        text.contains("the server rejected your sign-in (HTTP 401)")
            && text.contains("kapsel passwd")
            && text.contains("kapsel credential set http://127.0.0.1:"),
        "{text}"
    );
}

/// An in-process host whose documents app reads the WsgiDAV folder `sub` as library `Team`;
/// `grant` adds the tenant's Basic grant for the share, `login` is the session's directory
/// login (what the host sends as Basic).
fn dav_host(sub: &str, grant: bool, login: Option<(&str, &str)>) -> TestHost {
    let url = test_servers().get("TEST_WEBDAV_URL");
    let origin = url.trim_end_matches('/');
    let credentials = if grant {
        format!("http_credentials = {{ \"{origin}\" = \"basic\" }}\n")
    } else {
        String::new()
    };
    let mut b = TestHost::builder().plaintext_host("127.0.0.1").apps(&format!(
        "[apps.documents]\ndocuments = true\nlog = true\ncall_timeout_ms = 60000\nhttp_origins = [\"{origin}\"]\nhttp_private_origins = [\"{origin}\"]\n{credentials}\
         [apps.documents.settings]\n\"library:Team\" = \"webdav:{url}{sub}/\"\n"
    ));
    if let Some((user, password)) = login {
        b = b.credentials(user, password);
    }
    let mut h = b.build();
    h.install_builtin("documents");
    h
}

#[test]
fn a_rejected_webdav_password_is_told_apart_from_a_missing_one() {
    let fx = fixture();
    std::fs::write(fx.share.join("Notiz.txt"), "kurz").unwrap();
    let origin = test_servers()
        .get("TEST_WEBDAV_URL")
        .trim_end_matches('/')
        .to_string();
    let set = format!("kapsel credential set {origin}");
    // WsgiDAV answers a wrong password and no password with the same 401; the host says
    // whether it signed in.
    let mut wrong = dav_host(&fx.sub, true, Some(("alice@corp.test", "falsch")));
    for action in ["dir:Team:", "open:Team:Notiz.txt"] {
        let o = wrong.act("documents", action, &[]).unwrap();
        let t = o.view.render_text();
        assert!(o.saved_documents.is_empty(), "{action}");
        assert!(
            t.contains("the server rejected your sign-in (HTTP 401)")
                && t.contains("kapsel passwd")
                && t.contains(&set)
                && !t.contains("no credential was sent"),
            "{action}: {t}"
        );
    }
    // No grant: nothing is sent.
    let mut none = dav_host(&fx.sub, false, Some(("alice@corp.test", "secret")));
    for action in ["dir:Team:", "open:Team:Notiz.txt"] {
        let t = none
            .act("documents", action, &[])
            .unwrap()
            .view
            .render_text();
        assert!(
            t.contains("no credential was sent (HTTP 401)")
                && t.contains("the tenant has configured no credentials for this library")
                && t.contains(&set)
                && !t.contains("rejected"),
            "{action}: {t}"
        );
    }
    // A grant, but the session holds no login: the host refuses before anything is sent.
    let mut no_login = dav_host(&fx.sub, true, None);
    let t = no_login
        .act("documents", "dir:Team:", &[])
        .unwrap()
        .view
        .render_text();
    assert!(
        t.contains("no user credentials in this session") && !t.contains("rejected"),
        "{t}"
    );
    // The right password opens the share and the file.
    let mut right = dav_host(&fx.sub, true, Some(("alice@corp.test", "secret")));
    let t = right
        .act("documents", "dir:Team:", &[])
        .unwrap()
        .view
        .render_text();
    assert!(t.contains("Notiz.txt"), "{t}");
    let o = right.act("documents", "open:Team:Notiz.txt", &[]).unwrap();
    assert_eq!(o.saved_documents.len(), 1, "{}", o.view.render_text());
}

/// `kapsel unlock` with the user's locale `lang`: the session agent (and every app it runs)
/// speaks the language of whoever unlocked.
fn relock_in(env: &kapsel_tests::Env, password: &str, lang: &str) {
    env.run(&["lock"]).ok();
    let mut cmd = env.command(&env.bin, &["unlock", "--password-stdin"]);
    cmd.env("LANG", lang);
    kapsel_tests::run_command(&mut cmd, Some(&format!("{password}\n"))).ok();
}

#[test]
fn the_documents_app_speaks_german_and_english_through_the_binary() {
    let servers = test_servers();
    let sub = format!("docs-lang-{}", std::process::id());
    let share = servers.dir.join("webdav/share").join(&sub);
    std::fs::create_dir_all(share.join("Protokolle")).unwrap();
    std::fs::write(share.join("Protokolle/Sitzung 1.md"), "# Sitzung\n").unwrap();
    let report = share.join("Jahresbericht 2026.pdf");
    std::fs::write(&report, vec![b'%'; 5 * 1024 * 1024 + 300 * 1024]).unwrap();
    // 2 December 2026, 09:30 UTC.
    std::fs::File::options()
        .write(true)
        .open(&report)
        .unwrap()
        .set_modified(
            std::time::SystemTime::UNIX_EPOCH + std::time::Duration::from_secs(1_796_203_800),
        )
        .unwrap();
    struct Cleanup(std::path::PathBuf);
    impl Drop for Cleanup {
        fn drop(&mut self) {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }
    let _cleanup = Cleanup(share.clone());
    let password = "Demo-Passwort-2026";
    let env = webdav_cli("alice@demo.example", password, &sub);

    relock_in(&env, password, "de_DE.UTF-8");
    let home = env.run(&["--json", "app", "open", "documents"]);
    home.ok();
    let home = home.json();
    assert_eq!(home["view"]["title"], "Dokumente", "{home}");
    let root = cli_act(&env, "dir:Team:", &[]);
    let text = cli_text(&root);
    let items = cli_items(&root);
    assert_eq!(items[0].0, "↑ Nach oben");
    assert_eq!(items[0].1, "zur Liste der Bibliotheken");
    assert!(
        text.contains("2 Einträge") && text.contains("Sortiert nach Name (A–Z)"),
        "{text}"
    );
    let pdf = items
        .iter()
        .find(|i| i.0 == "Jahresbericht 2026.pdf")
        .expect("the report");
    assert_eq!(pdf.1, "5,3 MiB · 02.12.2026 09:30 UTC");
    assert!(cli_button(&root, "Sortieren nach Größe (größte zuerst)").is_some());
    assert!(cli_button(&root, "Sortieren nach Datum (neueste zuerst)").is_some());
    let sub_dir = cli_act(&env, "dir:Team:Protokolle/", &[]);
    assert_eq!(cli_items(&sub_dir)[0].1, "zu Team");
    let o = cli_act(&env, "open:Team:Protokolle/Sitzung%201.md", &[]);
    let notice = cli_text(&o);
    assert!(
        notice.contains("In den Container geladen als Dokument") && notice.contains("(10 B, "),
        "{notice}"
    );
    assert!(cli_button(&o, "Zurück zum Ordner").is_some(), "{o}");
    let gone = cli_text(&cli_act(&env, "dir:Team:fehlt/", &[]));
    assert!(
        gone.contains("nicht gefunden: der Ordner oder die Datei existiert nicht mehr (HTTP 404)"),
        "{gone}"
    );
    // Names from the server stay as they are.
    assert!(items.iter().any(|i| i.0 == "Protokolle/"));

    relock_in(&env, password, "en_GB.UTF-8");
    let home = env.run(&["--json", "app", "open", "documents"]).json();
    assert_eq!(home["view"]["title"], "Documents", "{home}");
    let root = cli_act(&env, "dir:Team:", &[]);
    let text = cli_text(&root);
    let items = cli_items(&root);
    assert_eq!(items[0].0, "↑ Up");
    assert_eq!(items[0].1, "to the list of libraries");
    assert!(
        text.contains("2 entries") && text.contains("Sorted by name (A–Z)"),
        "{text}"
    );
    let pdf = items
        .iter()
        .find(|i| i.0 == "Jahresbericht 2026.pdf")
        .expect("the report");
    assert_eq!(pdf.1, "5.3 MiB · 2026-12-02 09:30 UTC");
    assert!(cli_button(&root, "Sort by size (largest first)").is_some());
    let o = cli_act(&env, "open:Team:Protokolle/Sitzung%201.md", &[]);
    assert!(
        cli_text(&o).contains("Downloaded into the container as document"),
        "{o}"
    );
    assert!(
        !text.contains("Einträge") && !text.contains("Sortiert"),
        "{text}"
    );
}

/// A 50 MiB file of varying bytes, made at test time.
fn fifty_mib() -> Vec<u8> {
    (0..50 * 1024 * 1024u32)
        .map(|i| (i.wrapping_mul(2_654_435_761) >> 24) as u8)
        .collect()
}

/// The saved document's bytes, read back from the container.
fn saved_bytes(vault: &kapsel_core::vault::Vault, o: &CallOutcome) -> Vec<u8> {
    assert_eq!(o.saved_documents.len(), 1, "{}", o.view.render_text());
    let doc = kapsel_core::documents::get(vault, &o.saved_documents[0].id)
        .unwrap()
        .expect("the saved document");
    kapsel_core::documents::read_range(vault, &doc, 0, doc.size as usize).unwrap()
}

#[test]
fn a_50_mib_file_streams_into_the_container_from_webdav_and_sharepoint() {
    let data = fifty_mib();
    // WebDAV (WsgiDAV, Basic): ranged pieces, each appended to the document as it arrives.
    let fx = fixture();
    std::fs::write(fx.share.join("Messreihe 2026.bin"), &data).unwrap();
    let mut dav = dav_host(&fx.sub, true, Some(("alice@corp.test", "secret")));
    let t0 = std::time::Instant::now();
    let o = dav
        .act("documents", "open:Team:Messreihe%202026.bin", &[])
        .unwrap();
    let webdav = t0.elapsed();
    assert!(
        o.view.render_text().contains("50.0 MiB"),
        "{:?} {:?}",
        o.view.blocks,
        o.denials
    );
    assert!(
        saved_bytes(&dav.vault, &o) == data,
        "WebDAV: the pieces in order"
    );
    // SharePoint (emulator, Bearer).
    let em = emulator("tok-50");
    let origin = format!("https://localhost:{}", em.port);
    let ca = std::fs::read_to_string(test_servers().get("TEST_CA_FILE")).unwrap();
    std::fs::write(em.root.path().join("Messreihe 2026.bin"), &data).unwrap();
    let sp_host = |quota: &str| {
        let mut h = TestHost::builder()
            .trust(&ca)
            .apps(&format!(
                "[apps.documents]\ndocuments = true\nlog = true\n{quota}                 http_origins = [\"{origin}\"]\nhttp_private_origins = [\"{origin}\"]\nhttp_credentials = {{ \"{origin}\" = \"bearer\" }}\n\
                 [apps.documents.settings]\n\"library:Intranet\" = \"sharepoint:{origin}/sites/team\"\n"
            ))
            .build();
        h.vault.put("credentials", &origin, b"tok-50").unwrap();
        h.install_builtin("documents");
        h
    };
    let file = "sp:Intranet:file:/sites/team/Shared Documents/Messreihe 2026.bin";
    // Under the default call budget.
    let mut sp = sp_host("call_timeout_ms = 60000\n");
    let t0 = std::time::Instant::now();
    let o = sp.act("documents", file, &[]).unwrap();
    let sharepoint = t0.elapsed();
    assert!(
        saved_bytes(&sp.vault, &o) == data,
        "SharePoint: the pieces in order"
    );
    // A quota smaller than the file: the writer stops at the quota and nothing is kept.
    let mut small = sp_host("documents_quota_bytes = 20971520\n");
    let o = small.act("documents", file, &[]).unwrap();
    let t = o.view.render_text();
    assert!(o.saved_documents.is_empty(), "{t}");
    assert!(t.contains("cannot store it in the container"), "{t}");
    assert!(
        kapsel_core::documents::list(&small.vault)
            .unwrap()
            .is_empty(),
        "the unfinished document is discarded"
    );
    eprintln!("50 MiB download into the container: WebDAV {webdav:?}, SharePoint {sharepoint:?}");
    let _ = &em.root;
}

// ---- A hostile document server -------------------------------------------------------------

/// What the hostile server answers right now: a PROPFIND body and a SharePoint REST body.
static ANSWERS: std::sync::Mutex<(Vec<u8>, Vec<u8>)> =
    std::sync::Mutex::new((Vec::new(), Vec::new()));

fn hostile_documents(r: &kapsel_tests::https::Received) -> kapsel_tests::https::Reply {
    let (xml, json) = ANSWERS.lock().map(|a| a.clone()).unwrap_or_default();
    let (status, kind, body) = match r.method.as_str() {
        "PROPFIND" => (207, "application/xml; charset=utf-8", xml),
        _ if r.path.contains("/_api/") => (200, "application/json;odata=nometadata", json),
        _ => (200, "text/plain", b"Inhalt".to_vec()),
    };
    kapsel_tests::https::Reply::Full {
        status,
        headers: vec![("Content-Type".into(), kind.into())],
        body,
    }
}

/// A WebDAV share and a SharePoint site whose every answer is a mutated real one (listings,
/// library lists, paging links, search results, error bodies): the documents app shows a
/// listing or its own error, and is never stopped by the host (a trap from a panic, its time
/// or memory limit: `Error::Agent`). Needs no test servers.
#[test]
fn a_hostile_document_server_gets_a_view_or_the_apps_own_error() {
    use kapsel_tests::fuzz::{Rng, budget, corpus, failure_path, mutate};
    use kapsel_tests::https::{self, TestCa};
    let ca = TestCa::new();
    let (dav, sp) = (
        https::serve(&ca, hostile_documents),
        https::serve(&ca, hostile_documents),
    );
    let (dav_origin, sp_origin) = (dav.origin(), sp.origin());
    let mut h = TestHost::builder()
        .trust(&ca.pem)
        .credentials("alice@corp.test", "secret")
        .apps(&format!(
            "[apps.documents]\ndocuments = true\nlog = true\ncall_timeout_ms = 30000\n\
             http_origins = [\"{dav_origin}\", \"{sp_origin}\"]\n\
             http_private_origins = [\"{dav_origin}\", \"{sp_origin}\"]\n\
             http_credentials = {{ \"{dav_origin}\" = \"basic\", \"{sp_origin}\" = \"bearer\" }}\n\
             [apps.documents.settings]\n\"library:Dav\" = \"webdav:{dav_origin}/dav/\"\n\
             \"library:Sp\" = \"sharepoint:{sp_origin}/sites/team\"\n"
        ))
        .build();
    h.vault
        .put("credentials", &sp_origin, b"tok")
        .expect("token");
    h.install_builtin("documents");
    let mut xml_corpus = corpus("documents", Some("xml"));
    xml_corpus.extend(corpus("multistatus", Some("xml")));
    let json_corpus = corpus("documents", Some("json"));
    let (time, seed) = budget();
    let mut rng = Rng(seed ^ 0x646f_6373);
    let deadline = std::time::Instant::now() + time;
    let mut runs = 0usize;
    while runs < 10 || std::time::Instant::now() < deadline {
        let mut xml = xml_corpus[runs % xml_corpus.len()].clone();
        let mut json = json_corpus[runs % json_corpus.len()].clone();
        if runs >= 2 {
            mutate(&mut rng, &mut xml, &xml_corpus);
            mutate(&mut rng, &mut json, &json_corpus);
        }
        *ANSWERS.lock().expect("answers") = (xml.clone(), json.clone());
        // Each library's first page, then whatever it offers to open next.
        for first in ["dir:Dav:", "sp:Sp:"] {
            let mut action = Some(first.to_string());
            for _ in 0..4 {
                let Some(a) = action.take() else { break };
                let outcome = h.host.call(
                    "documents",
                    &Call::Act {
                        action: a.clone(),
                        form: if a.contains(":search:") {
                            vec![("q".into(), "Haushalt".into())]
                        } else {
                            vec![]
                        },
                    },
                    None,
                );
                let o = match outcome {
                    Ok(o) => o,
                    // The app's own refusal, in its words.
                    Err(e) if !matches!(e, kapsel_core::Error::Agent(_)) => break,
                    Err(e) => {
                        let kept = failure_path(&format!("documents-{runs}.xml"));
                        let _ = std::fs::write(&kept, &xml);
                        let _ = std::fs::write(kept.with_extension("json"), &json);
                        panic!("{a} (run {runs}): {e}; answers saved as {}", kept.display());
                    }
                };
                // The real answers first: a server that hands out the same page of
                // libraries again (its next link repeats) lists each library once.
                if runs < 2 && a == "sp:Sp:" {
                    let t = o.view.render_text();
                    assert_eq!(t.matches("Dokumente — ").count(), 1, "{t}");
                }
                // Anything the view offers (a folder, a file, a page, a sort, a search) but
                // the way home.
                let offered: Vec<&String> = o
                    .view
                    .blocks
                    .iter()
                    .filter_map(|b| match b {
                        Block::Item {
                            action: Some(next), ..
                        }
                        | Block::Button { action: next, .. } => Some(next),
                        _ => None,
                    })
                    .filter(|next| *next != "home")
                    .collect();
                action = (!offered.is_empty()).then(|| offered[rng.below(offered.len())].clone());
            }
        }
        runs += 1;
    }
    eprintln!("documents: {runs} hostile answer pairs");
}
