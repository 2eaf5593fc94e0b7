//! CalDAV/CardDAV test support: the three DAV servers of tests/servers as a second client
//! sees them (plain HTTP through curl, beside Kapsel), policies that name them, and a
//! private Radicale a test can stop and start again (for offline edits).

use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use super::mail::{MAIL_PASSWORD, unique};
use super::servers::{TestServers, test_servers};
use super::{Env, policy_text};

/// One DAV server as the tests use it.
#[derive(Clone, Debug)]
pub struct DavServer {
    pub name: &'static str,
    /// What the tenant policy names (`servers.caldav` / `servers.carddav`).
    pub base: String,
    /// Where a test creates its own calendars and address books.
    pub calendars: String,
    pub addressbooks: String,
    /// Basic credentials the second client sends (None: the server has no accounts).
    pub auth: Option<(String, String)>,
}

impl DavServer {
    pub fn radicale() -> DavServer {
        let s = test_servers();
        let base = s.get("TEST_RADICALE_URL");
        DavServer {
            name: "radicale",
            calendars: format!("{base}alice@corp.test/"),
            addressbooks: format!("{base}alice@corp.test/"),
            base,
            auth: Some(("alice@corp.test".into(), MAIL_PASSWORD.into())),
        }
    }

    /// Radicale as another of the test users sees it.
    pub fn radicale_as(user: &str) -> DavServer {
        let mut r = DavServer::radicale();
        r.calendars = format!("{}{user}/", r.base);
        r.addressbooks = r.calendars.clone();
        r.auth = Some((user.to_string(), MAIL_PASSWORD.into()));
        r
    }

    pub fn xandikos() -> DavServer {
        let s = test_servers();
        let base = s.get("TEST_XANDIKOS_URL");
        DavServer {
            name: "xandikos",
            calendars: format!("{base}alice/calendars/"),
            addressbooks: format!("{base}alice/contacts/"),
            base,
            auth: None,
        }
    }

    /// Xandikos behind nginx: HTTPS with the test CA and Basic auth.
    pub fn xandikos_tls() -> DavServer {
        let s = test_servers();
        let base = s.get("TEST_XANDIKOS_HTTPS_URL");
        DavServer {
            name: "xandikos-tls",
            calendars: format!("{base}alice/calendars/"),
            addressbooks: format!("{base}alice/contacts/"),
            base,
            auth: Some(("alice@corp.test".into(), MAIL_PASSWORD.into())),
        }
    }

    /// A new calendar of this test's own (`MKCALENDAR`), its URL and display name.
    pub fn new_calendar(&self, prefix: &str) -> (String, String) {
        let name = unique(prefix);
        let url = format!("{}{name}/", self.calendars);
        let body = format!(
            r#"<?xml version="1.0" encoding="utf-8"?><c:mkcalendar xmlns:d="DAV:" xmlns:c="urn:ietf:params:xml:ns:caldav"><d:set><d:prop><d:displayname>{name}</d:displayname><c:supported-calendar-component-set><c:comp name="VEVENT"/><c:comp name="VTODO"/></c:supported-calendar-component-set></d:prop></d:set></c:mkcalendar>"#
        );
        let r = self.request(
            "MKCALENDAR",
            &url,
            &[("Content-Type", "application/xml")],
            Some(&body),
        );
        assert_eq!(r.status, 201, "MKCALENDAR {url}: {r:?}");
        (url, name)
    }

    pub fn new_addressbook(&self, prefix: &str) -> (String, String) {
        let name = unique(prefix);
        let url = format!("{}{name}/", self.addressbooks);
        let body = format!(
            r#"<?xml version="1.0" encoding="utf-8"?><d:mkcol xmlns:d="DAV:" xmlns:a="urn:ietf:params:xml:ns:carddav"><d:set><d:prop><d:resourcetype><d:collection/><a:addressbook/></d:resourcetype><d:displayname>{name}</d:displayname></d:prop></d:set></d:mkcol>"#
        );
        let r = self.request(
            "MKCOL",
            &url,
            &[("Content-Type", "application/xml")],
            Some(&body),
        );
        assert_eq!(r.status, 201, "MKCOL {url}: {r:?}");
        (url, name)
    }

    /// One request as a plain second client (curl).
    pub fn request(
        &self,
        method: &str,
        url: &str,
        headers: &[(&str, &str)],
        body: Option<&str>,
    ) -> Reply {
        let s = test_servers();
        let mut cmd = Command::new("curl");
        cmd.args(["-sS", "-i", "-X", method, "--cacert"])
            .arg(s.get("TEST_CA_FILE"))
            .args(["-m", "30"]);
        if let Some((u, p)) = &self.auth {
            cmd.arg("-u").arg(format!("{u}:{p}"));
        }
        for (k, v) in headers {
            cmd.arg("-H").arg(format!("{k}: {v}"));
        }
        if let Some(b) = body {
            cmd.arg("--data-binary").arg(b);
        }
        cmd.arg(url);
        let out = cmd.output().expect("curl runs");
        let text = String::from_utf8_lossy(&out.stdout).replace("\r\n", "\n");
        // Skip interim "100 Continue" heads.
        let mut rest = text.as_str();
        loop {
            let Some((head, body)) = rest.split_once("\n\n") else {
                return Reply {
                    status: 0,
                    etag: None,
                    body: text.clone(),
                };
            };
            let status: u16 = head
                .split_whitespace()
                .nth(1)
                .and_then(|c| c.parse().ok())
                .unwrap_or(0);
            if status == 100 {
                rest = body;
                continue;
            }
            let etag = head.lines().find_map(|l| {
                l.to_ascii_lowercase()
                    .starts_with("etag:")
                    .then(|| l[5..].trim().to_string())
            });
            return Reply {
                status,
                etag,
                body: body.to_string(),
            };
        }
    }

    pub fn put(&self, url: &str, data: &str, if_match: Option<&str>) -> Reply {
        let ct = if data.contains("BEGIN:VCARD") {
            "text/vcard; charset=utf-8"
        } else {
            "text/calendar; charset=utf-8"
        };
        let mut headers = vec![("Content-Type", ct)];
        if let Some(m) = if_match {
            headers.push(("If-Match", m));
        }
        self.request("PUT", url, &headers, Some(data))
    }

    pub fn get(&self, url: &str) -> Reply {
        self.request("GET", url, &[], None)
    }

    /// Every object in a collection as (URL, etag, data), by a calendar-query or an
    /// addressbook-query without a filter.
    pub fn objects(&self, collection: &str) -> Vec<(String, Option<String>, String)> {
        // Kapsel's tests name every address book they create "kontakte…".
        let card = collection
            .trim_end_matches('/')
            .rsplit('/')
            .next()
            .is_some_and(|n| n.starts_with("kontakte"));
        let body = if card {
            r#"<?xml version="1.0"?><a:addressbook-query xmlns:d="DAV:" xmlns:a="urn:ietf:params:xml:ns:carddav"><d:prop><d:getetag/><a:address-data/></d:prop></a:addressbook-query>"#
        } else {
            r#"<?xml version="1.0"?><c:calendar-query xmlns:d="DAV:" xmlns:c="urn:ietf:params:xml:ns:caldav"><d:prop><d:getetag/><c:calendar-data/></d:prop><c:filter><c:comp-filter name="VCALENDAR"/></c:filter></c:calendar-query>"#
        };
        let r = self.request(
            "REPORT",
            collection,
            &[("Depth", "1"), ("Content-Type", "application/xml")],
            Some(body),
        );
        assert_eq!(r.status, 207, "REPORT {collection}: {r:?}");
        let ms = kapsel_dav::parse(&r.body).expect("a multistatus");
        let base = url::Url::parse(collection).unwrap();
        ms.responses
            .into_iter()
            .filter_map(|resp| {
                let data = resp.props.calendar_data.or(resp.props.address_data)?;
                Some((
                    base.join(&resp.href).unwrap().to_string(),
                    resp.props.etag,
                    data,
                ))
            })
            .collect()
    }

    /// The calendars under this server's calendar home.
    pub fn calendar_urls(&self) -> Vec<String> {
        let r = self.request(
            "PROPFIND",
            &self.calendars,
            &[("Depth", "1"), ("Content-Type", "application/xml")],
            Some(r#"<?xml version="1.0"?><d:propfind xmlns:d="DAV:"><d:prop><d:resourcetype/></d:prop></d:propfind>"#),
        );
        assert_eq!(r.status, 207, "PROPFIND {}: {r:?}", self.calendars);
        let ms = kapsel_dav::parse(&r.body).expect("a multistatus");
        let base = url::Url::parse(&self.calendars).unwrap();
        kapsel_dav::Collection::from_responses(&ms)
            .into_iter()
            .filter(|c| c.kind == kapsel_dav::Kind::Calendar)
            .map(|c| base.join(&c.href).unwrap().to_string())
            .collect()
    }

    /// The object whose data contains `needle` in any of the user's calendars.
    pub fn find_in_any_calendar(&self, needle: &str) -> Option<(String, Option<String>, String)> {
        self.calendar_urls()
            .into_iter()
            .find_map(|c| self.find(&c, needle))
    }

    /// The object whose data contains `needle`, if exactly one does.
    pub fn find(&self, collection: &str, needle: &str) -> Option<(String, Option<String>, String)> {
        let mut found: Vec<_> = self
            .objects(collection)
            .into_iter()
            .filter(|(_, _, d)| d.contains(needle))
            .collect();
        assert!(
            found.len() <= 1,
            "{} objects contain {needle:?}",
            found.len()
        );
        found.pop()
    }

    /// The tenant policy text naming this server for calendars and contacts.
    pub fn policy(&self, extra: &str) -> String {
        let s = test_servers();
        policy_text(1, &dav_policy(&s, &self.base, extra))
    }

    /// An unlocked container for alice whose tenant names this server.
    pub fn env(&self) -> Env {
        super::mail::unlocked_env("alice@corp.test", &self.policy(""))
    }
}

pub fn dav_policy(s: &TestServers, base: &str, extra: &str) -> String {
    let ca = std::fs::read_to_string(s.get("TEST_CA_FILE")).expect("test CA");
    format!(
        r#"[sync]
min_interval_minutes = 1
max_interval_minutes = 240

[servers]
caldav = "{base}"
carddav = "{base}"

[tls]
trust_anchors = ['''{ca}''']
plaintext_hosts = ["127.0.0.1"]
{extra}"#
    )
}

#[derive(Debug, Clone)]
pub struct Reply {
    pub status: u16,
    pub etag: Option<String>,
    pub body: String,
}

/// An event as a second client writes it.
pub fn event(uid: &str, summary: &str, start: &str, end: &str, extra: &str) -> String {
    format!(
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//curl//EN\r\nBEGIN:VEVENT\r\nUID:{uid}\r\nDTSTAMP:20260101T000000Z\r\nDTSTART;TZID=Europe/Berlin:{start}\r\nDTEND;TZID=Europe/Berlin:{end}\r\nSUMMARY:{summary}\r\n{extra}END:VEVENT\r\nEND:VCALENDAR\r\n"
    )
}

/// A Radicale of one test's own, on its own port and storage, that the test may stop and
/// start again.
pub struct PrivateRadicale {
    pub dir: std::path::PathBuf,
    _tmp: Option<tempfile::TempDir>,
    pub port: u16,
    child: Option<Child>,
}

impl PrivateRadicale {
    pub fn start() -> PrivateRadicale {
        let tmp = tempfile::Builder::new()
            .prefix("krad")
            .tempdir_in("/tmp")
            .unwrap();
        let mut r = Self::start_in(tmp.path().to_path_buf());
        r._tmp = Some(tmp);
        r
    }

    /// On storage that outlives the run (a benchmark reuses its 5,000 indexed events).
    pub fn start_in(dir: std::path::PathBuf) -> PrivateRadicale {
        std::fs::create_dir_all(&dir).unwrap();
        let port = {
            let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
            l.local_addr().unwrap().port()
        };
        std::fs::write(
            dir.join("htpasswd"),
            format!("alice@corp.test:{MAIL_PASSWORD}\n"),
        )
        .unwrap();
        std::fs::write(
            dir.join("config"),
            format!(
                "[server]\nhosts = 127.0.0.1:{port}\n[auth]\ntype = htpasswd\nhtpasswd_filename = {d}/htpasswd\nhtpasswd_encryption = plain\ndelay = 0\n[rights]\ntype = owner_only\n[storage]\nfilesystem_folder = {d}/collections\n[web]\ntype = none\n",
                d = dir.display()
            ),
        )
        .unwrap();
        let mut r = PrivateRadicale {
            dir,
            _tmp: None,
            port,
            child: None,
        };
        r.resume();
        r
    }

    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}/", self.port)
    }

    pub fn server(&self) -> DavServer {
        DavServer {
            name: "radicale-private",
            base: self.url(),
            calendars: format!("{}alice@corp.test/", self.url()),
            addressbooks: format!("{}alice@corp.test/", self.url()),
            auth: Some(("alice@corp.test".into(), MAIL_PASSWORD.into())),
        }
    }

    pub fn stop(&mut self) {
        if let Some(mut c) = self.child.take() {
            let _ = c.kill();
            let _ = c.wait();
        }
    }

    /// Start (again) on the same port and storage; waits until it answers.
    pub fn resume(&mut self) {
        let python = std::env::var("PYTHON").unwrap_or_else(|_| "python3".into());
        let child = Command::new(python)
            .args(["-m", "radicale", "--config"])
            .arg(self.dir.join("config"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("radicale (pip install radicale) runs");
        self.child = Some(child);
        let deadline = Instant::now() + Duration::from_secs(30);
        while Instant::now() < deadline {
            if std::net::TcpStream::connect(("127.0.0.1", self.port)).is_ok() {
                return;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        panic!("the private Radicale did not start on port {}", self.port);
    }
}

impl Drop for PrivateRadicale {
    fn drop(&mut self) {
        self.stop();
    }
}
