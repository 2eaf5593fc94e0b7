//! The employee's shell end to end: the real `kapsel` binary on a pseudo-terminal against
//! the real test servers (Dovecot over LMTP and IMAP IDLE, the SMTP sink, nginx serving a
//! feed to the news app, the viewer app), in German. Every byte the shell writes is
//! recorded and checked for clipboard and other escape sequences from mail or app content.
//! And a lock from a second process while a 10,000-message sync holds the session.

use std::process::Command;
use std::time::{Duration, Instant};

use kapsel_tests::kapsel_bin;
use kapsel_tests::mail::{
    MAIL_PASSWORD, lmtp_deliver, mail_env_with, sink_messages, unique, unlock, wait_for,
};
use kapsel_tests::pty::Pty;
use kapsel_tests::servers::test_servers;

const WAIT: Duration = Duration::from_secs(60);

/// One test at a time: the lock tests measure milliseconds, which the shell test's load on a
/// two-core machine would blur.
fn turn() -> std::sync::MutexGuard<'static, ()> {
    static TURN: std::sync::Mutex<()> = std::sync::Mutex::new(());
    TURN.lock().unwrap_or_else(|p| p.into_inner())
}
/// What a hostile mail or feed would like the terminal to do: set the clipboard (OSC 52),
/// retitle the window, clear the screen.
const HOSTILE: &str = "\u{1b}]52;c;Z2VoZWlt\u{7}\u{1b}]0;PWNED\u{7}\u{1b}[2J";

fn message_with_attachment(user: &str, token: &str) -> Vec<u8> {
    format!(
        "From: Erika Mustermann <erika@behoerde.example>\r\nTo: {user}\r\nSubject: Vermerk {token}\r\n\
         Date: Tue, 01 Dec 2026 09:00:00 +0100\r\nMessage-ID: <{token}@behoerde.example>\r\n\
         MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"b1\"\r\n\r\n\
         --b1\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n\
         Inhalt der Testnachricht {token}.\r\n{HOSTILE}Zeile danach.\r\n\
         --b1\r\nContent-Type: text/plain; charset=utf-8; name=\"notiz.txt\"\r\n\
         Content-Disposition: attachment; filename=\"notiz.txt\"\r\n\r\n\
         Anhang-Inhalt {token}\r\n--b1--\r\n"
    )
    .into_bytes()
}

#[test]
fn unlock_read_reply_attachment_news_push_and_auto_lock_in_a_real_terminal() {
    let _t = turn();
    let user = "bob@corp.test";
    let servers = test_servers();
    let token = unique("shell");
    // The news app's feed, served by nginx over TLS with the test CA.
    let base = servers.get("TEST_HTTPS_URL");
    let origin = base.trim_end_matches('/').to_string();
    let sub = format!("shell-{}", std::process::id());
    let www = servers.dir.join("nginx/www").join(&sub);
    std::fs::create_dir_all(&www).unwrap();
    std::fs::write(
        www.join("feed.xml"),
        format!(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<rss version=\"2.0\"><channel><title>Intranet</title>\
             <link>{origin}/</link><description>d</description><item><title>Betriebsausflug &#x1b;]52;c;eA==&#x7;</title>\
             <guid>n1</guid><description>Treffpunkt am Haupteingang um neun Uhr.</description></item></channel></rss>\n"
        ),
    )
    .unwrap();
    let (apps, key) = kapsel_tests::builtin_apps();
    let extra = format!(
        "[[publishers]]\nname = \"Kapsel\"\nkey = \"{key}\"\nbuiltin = true\n\n\
         [apps.viewer]\npreinstall = true\ndocuments = true\nlog = true\n\n\
         [apps.news]\npreinstall = true\nstorage_quota_bytes = 16777216\nnotify = true\ndocuments = true\nlog = true\n\
         http_origins = [\"{origin}\"]\nhttp_private_origins = [\"{origin}\"]\ncall_timeout_ms = 20000\n\
         [apps.news.settings]\n\"feed:intranet\" = \"{base}{sub}/feed.xml\"\n"
    );
    let env = mail_env_with(user, &extra, &["--apps", apps.to_str().unwrap()]);
    lmtp_deliver(
        "erika@behoerde.example",
        user,
        &message_with_attachment(user, &token),
    );

    let mut cmd = env.command(&kapsel_bin(), &[]);
    cmd.env("LANG", "de_DE.UTF-8")
        .env("TERM", "xterm-256color")
        .env("KAPSEL_IDLE_SECONDS", "20");
    let mut pty = Pty::spawn(cmd, 120, 40);

    // Unlock: nothing of the password on screen.
    pty.wait_for("Der Arbeitscontainer ist gesperrt", WAIT);
    pty.type_text(MAIL_PASSWORD);
    assert!(
        !pty.screen().contains("Kapsel-Test"),
        "the password was echoed"
    );
    pty.send(b"\r");
    pty.wait_for("F1 Post", WAIT);
    // The background worker's first sync after the unlock; then ours.
    wait_for(WAIT, || {
        let v = env.run(&["sync", "status", "--json"]).json();
        (v["sync"]["running"] == false && v["sync"]["last_sync_ms"].is_u64()).then_some(())
    })
    .expect("the first sync never finished");

    // Sync, find the mail, read it.
    pty.send(b"\x13"); // Ctrl+S
    pty.wait_for("Synchronisiert.", WAIT);
    pty.send(b"/");
    pty.type_text(&token);
    pty.send(b"\r");
    pty.wait_for("Suche: 1 Treffer", WAIT);
    pty.send(b"\r");
    let screen = pty.wait_for(&format!("Inhalt der Testnachricht {token}."), WAIT);
    assert!(screen.contains("notiz.txt"), "{screen}");
    assert!(screen.contains("danach."), "{screen}");

    // Reply from the editor pane; the sink receives it.
    pty.send(b"r");
    pty.wait_for("Antworten", WAIT);
    pty.type_text("Danke, erledigt.");
    pty.send(b"\x13");
    pty.wait_for("Gesendet", WAIT);
    wait_for(WAIT, || {
        sink_messages(&token)
            .into_iter()
            .find(|m| m.contains("Danke, erledigt."))
    })
    .expect("the reply reached the SMTP sink");

    // The attachment opens in the viewer app, inside the shell.
    pty.send(b"o");
    pty.wait_for(&format!("Anhang-Inhalt {token}"), WAIT);
    pty.send(b"\x1b");
    std::thread::sleep(Duration::from_millis(300));

    // The news app and an article.
    pty.send(b"\x1b[17~"); // F6
    pty.wait_for("news", WAIT);
    let screen = pty.screen();
    let rows: Vec<&str> = screen
        .lines()
        .filter(|l| l.contains("signiert von"))
        .collect();
    let news_row = rows
        .iter()
        .position(|l| l.contains("news"))
        .expect("news is installed");
    for _ in 0..news_row {
        pty.send(b"\x1b[B");
    }
    pty.send(b"\r");
    pty.wait_for("Betriebsausflug", WAIT);
    pty.send(b"\r");
    pty.wait_for("Treffpunkt am Haupteingang", WAIT);

    // New mail by IDLE push: the notification area shows it without any key.
    let pushed = unique("push");
    lmtp_deliver(
        "max@behoerde.example",
        user,
        &kapsel_tests::mail::simple_message(
            "Max Müller <max@behoerde.example>",
            user,
            &format!("Eilt {pushed}"),
            "Bitte bis morgen.",
        ),
    );
    pty.wait_for(&format!("Eilt {pushed}"), WAIT);

    // Hands off the keyboard: the session locks itself and the screen forgets the mail.
    let locked = pty.wait_for("Kapsel ist gesperrt.", Duration::from_secs(90));
    for gone in [
        token.as_str(),
        "Inhalt der Testnachricht",
        "Treffpunkt",
        "Erika",
        pushed.as_str(),
    ] {
        assert!(
            !locked.contains(gone),
            "{gone:?} still on screen after the lock:\n{locked}"
        );
    }

    // Every byte the shell wrote: no clipboard or title sequence, no raw ESC from content.
    let bytes = pty.bytes();
    let text = String::from_utf8_lossy(&bytes);
    assert!(
        !text.contains("\u{1b}]"),
        "an OSC sequence reached the terminal"
    );
    assert!(
        !text.contains('\u{9d}') && !text.contains('\u{9b}'),
        "a C1 control reached the terminal"
    );
    assert!(!text.contains("\u{1b}]52") && !text.contains("\u{1b}]0;PWNED"));
    assert!(
        text.contains("␛]52;c;"),
        "the hostile sequence was shown, visibly"
    );

    pty.send(b"\x11"); // Ctrl+Q
    let status = pty
        .wait_exit(Duration::from_secs(10))
        .expect("the shell quits");
    assert!(status.success(), "{status:?}");
    let _ = std::fs::remove_dir_all(&www);
}

/// Lock from this (second) process, as `kapsel lock` does it: the lock request on the
/// session socket, then the time until the agent has wiped its keys and removed the socket.
/// Measured from the request, not from starting a process (which a loaded machine delays).
fn lock_and_time(env: &kapsel_tests::Env) -> Duration {
    use std::io::{BufRead, Write};
    let socket = env.root.join("run/agent.sock");
    let mut s = std::os::unix::net::UnixStream::connect(&socket).expect("the session socket");
    let start = Instant::now();
    s.write_all(b"{\"op\":\"lock\"}\n").unwrap();
    let mut reply = String::new();
    std::io::BufReader::new(&s).read_line(&mut reply).unwrap();
    assert!(reply.contains("locked"), "{reply}");
    while socket.exists() && start.elapsed() < Duration::from_secs(10) {
        std::thread::sleep(Duration::from_millis(1));
    }
    start.elapsed()
}

fn seeded(user: &str, folder: &str, n: u32) {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let status = Command::new("bash")
        .arg(root.join("servers/servers.sh"))
        .args(["seed", user, &n.to_string(), folder])
        .status()
        .expect("servers.sh seed");
    assert!(status.success(), "seeding {n} messages failed");
}

#[test]
fn lock_from_a_second_process_wins_within_100_ms_while_a_10000_message_sync_runs() {
    let _t = turn();
    let user = "alice@corp.test";
    let folder = unique("Lock");
    let env = mail_env_with(user, "", &[]);
    unlock(&env).ok();
    // The background worker syncs once at unlock, then not for hours: the 10,000 messages
    // arrive after that, so the sync below is the one the user asked for.
    env.run(&["sync", "schedule", "--every", "240", "--push", "off"])
        .ok();
    seeded(user, &folder, 10_000);
    let mut sync = env.command(&env.bin, &["sync", "now", "--folder", &folder]);
    let mut sync = sync
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    // Wait until the sync reports fetched messages: it is in the middle of its work.
    let (tx, rx) = std::sync::mpsc::channel();
    let stderr = sync.stderr.take().unwrap();
    std::thread::spawn(move || {
        use std::io::BufRead;
        for line in std::io::BufReader::new(stderr)
            .lines()
            .map_while(Result::ok)
        {
            let fetched = line
                .split_whitespace()
                .last()
                .and_then(|p| p.split_once('/'))
                .and_then(|(done, _)| done.parse::<u64>().ok())
                .is_some_and(|done| done > 0);
            if fetched {
                let _ = tx.send(());
            }
        }
    });
    rx.recv_timeout(Duration::from_secs(120))
        .expect("the sync never reported progress");
    assert!(
        sync.try_wait().unwrap().is_none(),
        "the sync ended before the lock"
    );
    let took = lock_and_time(&env);
    eprintln!("lock during a 10,000-message sync: {} ms", took.as_millis());
    let socket = env.root.join("run/agent.sock");
    assert!(!socket.exists(), "the session did not lock");
    assert!(took < Duration::from_millis(100), "the lock took {took:?}");
    let _ = sync.wait();
    // The lock is in the audit log and the container, killed in the middle of a sync, is
    // whole: it unlocks, its log verifies, and the next sync finishes the folder.
    unlock(&env).ok();
    let log = env.run(&["audit-log", "--verify", "--json"]);
    let v = log.json();
    let entries = v["entries"].as_array().expect("entries");
    assert!(
        entries
            .iter()
            .any(|e| e["kind"] == "lock" && e["detail"]["reason"] == "user"),
        "{v}"
    );
    assert_eq!(v["verification"]["ok"], true, "{v}");
    env.run(&["lock"]).ok();
    kapsel_tests::mail::doveadm(&["mailbox", "delete", "-u", user, "-s", &folder]);
}

#[test]
fn a_lock_does_not_wait_for_a_request_that_holds_the_container() {
    let _t = turn();
    use std::io::{BufRead, Write};
    let env = kapsel_tests::Env::new();
    // The held request comes from this test process, not from a kapsel binary.
    env.enroll("binary = \"off\"\n").ok();
    env.unlock().ok();
    let socket = env.root.join("run/agent.sock");
    // A request that keeps the container for 20 s (a debug-build stand-in for a long app
    // call or calendar sync).
    let mut held = std::os::unix::net::UnixStream::connect(&socket).unwrap();
    held.write_all(b"{\"op\":\"debug-hold\",\"ms\":20000}\n")
        .unwrap();
    std::thread::sleep(Duration::from_millis(300));
    let took = lock_and_time(&env);
    eprintln!(
        "lock while a request held the container: {} ms",
        took.as_millis()
    );
    assert!(took < Duration::from_millis(100), "the lock took {took:?}");
    // The held request ends with the session, without an answer.
    let mut answer = String::new();
    let _ = std::io::BufReader::new(&held).read_line(&mut answer);
    assert!(!answer.contains("held"), "{answer}");
    // The next unlock writes the lock the audit log could not take at the time.
    env.unlock().ok();
    let v = env.run(&["audit-log", "--verify", "--json"]).json();
    let entries = v["entries"].as_array().expect("entries");
    assert!(
        entries
            .iter()
            .any(|e| e["kind"] == "lock" && e["detail"]["during_request"] == true),
        "{v}"
    );
    assert_eq!(v["verification"]["ok"], true, "{v}");
    env.run(&["lock"]).ok();
}

#[test]
fn the_shell_without_a_terminal_says_so_in_the_users_language() {
    let env = kapsel_tests::Env::new();
    env.enroll("").ok();
    let mut cmd = env.command(&env.bin, &[]);
    cmd.env("LANG", "de_DE.UTF-8");
    let run = kapsel_tests::run_command(&mut cmd, None);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(
        run.stderr.contains("braucht ein Terminal"),
        "{}",
        run.stderr
    );
}

#[test]
fn the_command_line_speaks_german_and_keeps_its_exit_codes() {
    let env = kapsel_tests::Env::new();
    env.enroll("").ok();
    let german = |args: &[&str], stdin: Option<&str>| {
        let mut cmd = env.command(&env.bin, args);
        cmd.env("LANG", "de_DE.UTF-8");
        kapsel_tests::run_command(&mut cmd, stdin)
    };
    let status = german(&["status"], None);
    assert_eq!(status.code, 0, "{}", status.stderr);
    assert!(
        status.stdout.contains("Zustand") && status.stdout.contains("gesperrt"),
        "{}",
        status.stdout
    );
    let help = german(&["--help"], None);
    assert!(help.stdout.contains("Befehle:"), "{}", help.stdout);
    assert!(!help.stdout.contains("Print help"), "{}", help.stdout);
    // Same failure, same exit code, in either language.
    let locked_de = german(&["mail", "list"], None);
    let locked_en = env.run(&["mail", "list"]);
    assert_eq!(locked_de.code, locked_en.code);
    assert!(
        locked_de.stderr.contains("der Container ist gesperrt"),
        "{}",
        locked_de.stderr
    );
    let wrong_de = german(&["unlock", "--password-stdin"], Some("falsch\n"));
    // Past the back-off the first failure started (200 ms in the test policy).
    std::thread::sleep(std::time::Duration::from_millis(800));
    let wrong_en = env.run_stdin(&["unlock", "--password-stdin"], "wrong\n");
    assert_eq!(wrong_de.code, wrong_en.code);
    assert_ne!(wrong_de.code, 0);
    assert!(
        wrong_de.stderr.contains("falsches Passwort"),
        "{}",
        wrong_de.stderr
    );
    assert!(
        wrong_en.stderr.contains("wrong password"),
        "{}",
        wrong_en.stderr
    );
}
