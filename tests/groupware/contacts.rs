//! Personal contacts on CardDAV: vCard 3.0 and 4.0 both ways on Radicale and Xandikos,
//! search by name, mail, phone and organisation, names in `mail compose --to` found in the
//! contacts before the directory, and a directory result saved as a contact.

use std::time::Duration;

use kapsel_tests::Env;
use kapsel_tests::dav::DavServer;
use kapsel_tests::mail::{mail_policy, sink_messages, unique, unlocked_env, wait_for};
use kapsel_tests::policy_text;
use kapsel_tests::servers::test_servers;

fn search(env: &Env, query: &str) -> Vec<serde_json::Value> {
    let r = env.run(&["--json", "contacts", "search", query]);
    r.ok();
    r.json()["contacts"].as_array().unwrap().clone()
}

fn round_trip(server: DavServer) {
    let (book, book_name) = server.new_addressbook("kontakte");
    let tag = unique("k");
    // A vCard 3.0 from another client.
    let card = format!(
        "BEGIN:VCARD\r\nVERSION:3.0\r\nUID:{tag}-3\r\nFN:Petra {tag}\r\nN:{tag};Petra;;;\r\nEMAIL;TYPE=INTERNET:petra.{tag}@example.org\r\nTEL;TYPE=WORK:+49 30 1234-567\r\nORG:Senatsverwaltung für Finanzen\r\nEND:VCARD\r\n"
    );
    let r = server.put(&format!("{book}{tag}.vcf"), &card, None);
    assert!(r.status / 100 == 2, "{r:?}");
    let env = server.env();
    env.run(&["sync", "now"]).ok();
    for q in [
        format!("petra {tag}"),
        format!("petra.{tag}@example"),
        format!("{tag} 301234567"),
        format!("{tag} finanzen"),
    ] {
        let found = search(&env, &q);
        assert_eq!(found.len(), 1, "{q}: {found:?}");
        assert_eq!(found[0]["version"], "3.0");
    }
    // Ours, as vCard 4.0, shows up there.
    let r = env.run(&[
        "--json",
        "contacts",
        "add",
        "--name",
        &format!("Jan {tag}"),
        "--email",
        &format!("jan.{tag}@example.org"),
        "--phone",
        "+49 40 555",
        "--org",
        "Bezirksamt",
        "--book",
        &book_name,
    ]);
    r.ok();
    let uid = r.json()["uid"].as_str().unwrap().to_string();
    let (href, _, data) = server.find(&book, &uid).expect("our card is on the server");
    assert!(
        data.contains("VERSION:4.0") && data.contains(&format!("FN:Jan {tag}")),
        "{data}"
    );
    // Their change reaches us; ours reaches them.
    server.put(&href, &data.replace("Bezirksamt", "Landesamt"), None);
    env.run(&["sync", "now"]).ok();
    assert_eq!(search(&env, &format!("jan {tag} landesamt")).len(), 1);
    env.run(&[
        "contacts",
        "edit",
        &format!("{tag}-3"),
        "--email",
        &format!("p.{tag}@example.org"),
    ])
    .ok();
    let (_, _, data) = server.find(&book, &format!("{tag}-3")).unwrap();
    assert!(
        data.contains(&format!("p.{tag}@example.org"))
            && data.contains("VERSION:3.0")
            && data.contains("Finanzen"),
        "{data}"
    );
    // Deleting on either side reaches the other.
    env.run(&["contacts", "rm", &uid]).ok();
    assert!(server.find(&book, &uid).is_none());
    server.request("DELETE", &format!("{book}{tag}.vcf"), &[], None);
    env.run(&["sync", "now"]).ok();
    assert!(search(&env, &tag).is_empty());
}

#[test]
fn contacts_round_trip_both_ways_on_radicale() {
    round_trip(DavServer::radicale());
}

#[test]
fn contacts_round_trip_both_ways_on_xandikos() {
    round_trip(DavServer::xandikos());
}

/// Mail, the directory and personal contacts on Radicale, for alice.
fn mail_contacts_env() -> Env {
    let s = test_servers();
    let servers = format!(
        "[servers]\nldap = \"{}\"\nldap_base_dn = \"dc=corp,dc=test\"\ncarddav = \"{}\"\n",
        s.get("TEST_LDAPS_URL"),
        s.get("TEST_RADICALE_URL")
    );
    let text = policy_text(
        1,
        &mail_policy(&s, "plaintext_hosts = [\"127.0.0.1\"]\n").replacen(
            "[servers]\n",
            &servers,
            1,
        ),
    );
    unlocked_env("alice@corp.test", &text)
}

#[test]
fn mail_compose_finds_a_name_in_the_personal_contacts_before_the_directory() {
    DavServer::radicale().new_addressbook("kontakte");
    let env = mail_contacts_env();
    env.run(&["sync", "now"]).ok();
    // "Berger" is Bob in the directory; the personal contact wins.
    let tag = unique("berger");
    env.run(&[
        "contacts",
        "add",
        "--name",
        &format!("Berger {tag}"),
        "--email",
        "carol@corp.test",
    ])
    .ok();
    let subject = unique("contacts-compose");
    let r = env.run(&[
        "mail",
        "compose",
        "--to",
        &tag,
        "--subject",
        &subject,
        "--body",
        "Hallo",
    ]);
    r.ok();
    assert!(
        r.stderr.contains("(contacts)") && r.stderr.contains("carol@corp.test"),
        "{}",
        r.stderr
    );
    let got = wait_for(Duration::from_secs(15), || {
        let m = sink_messages(&subject);
        (!m.is_empty()).then_some(m)
    })
    .expect("the message reaches the sink");
    assert!(got[0].contains("carol@corp.test"), "{}", got[0]);
}

#[test]
fn a_directory_result_is_kept_only_when_saved_as_a_contact() {
    DavServer::radicale().new_addressbook("kontakte");
    let env = mail_contacts_env();
    env.run(&["sync", "now"]).ok();
    // Other tests keep contacts with carol's address in alice's books: count, do not assume.
    let before = search(&env, "carol@corp.test").len();
    env.run(&["dir", "search", "--field", "login", "carol"])
        .ok();
    assert_eq!(
        search(&env, "carol@corp.test").len(),
        before,
        "a search keeps nothing"
    );
    // Several match: nothing is saved.
    env.run(&["dir", "save", "Nachname1"]).fails(2, "match");
    let r = env.run(&["--json", "dir", "save", "--field", "login", "carol"]);
    r.ok();
    assert_eq!(search(&env, "carol@corp.test").len(), before + 1);
    // It went to the server too: nothing waits in the queue.
    let st = env.run(&["--json", "sync", "status"]);
    st.ok();
    assert_eq!(
        st.json()["groupware"]["queued"].as_array().unwrap().len(),
        0,
        "{}",
        st.stdout
    );
}
