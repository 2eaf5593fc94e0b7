//! The shell's speed, against baselines measured in the same run:
//! - frame time while scrolling a 10,000-message folder (goal: under 16 ms per frame) beside
//!   the same scrolling in a 50-message folder, rendered through crossterm's real escape
//!   output into memory at 200×50 and at 80×24;
//! - with the real release binary on a pseudo-terminal and the test servers: launch to an
//!   interactive unlock screen, beside `kapsel status` (a process start with the container
//!   opened); unlock to the first mail list, beside `kapsel unlock` + `kapsel mail list` on
//!   the command line.
//!
//! `CARGO_TARGET_DIR=target/rel cargo bench -p kapsel-tests --bench shell` (servers running;
//! `KAPSEL_BIN` may name the release binary).

use std::time::{Duration, Instant};

use kapsel_i18n::{Catalog, Lang};
use kapsel_shell::{App, MailOutcome, Outcome, UnlockInfo};
use kapsel_tests::mail::{MAIL_PASSWORD, mail_env, unlock};
use kapsel_tests::pty::Pty;
use ratatui::Terminal;
use ratatui::backend::CrosstermBackend;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::layout::Rect;
use ratatui::{TerminalOptions, Viewport};

fn items(n: usize) -> Vec<kapsel_mail::ListItem> {
    let subjects = [
        "Haushaltsplan 2027",
        "Dienstreise Berlin",
        "Vermerk zur Sitzung",
        "Urlaubsantrag",
    ];
    (0..n)
        .map(|i| {
            serde_json::from_value(serde_json::json!({
                "id": i as i64 + 1,
                "date": 1_764_000_000i64 + i as i64 * 600,
                "from": format!("Absender {} <absender{}@behoerde.example>", i % 50, i % 50),
                "subject": if i % 3 == 0 { format!("AW: {}", subjects[i % 4]) } else { format!("{} ({i})", subjects[i % 4]) },
                "seen": i % 4 != 0, "flagged": i % 70 == 0, "attachments": i % 5,
                "size": 4096, "folder": null,
                "message_id": format!("<m{i}@behoerde.example>"),
                "in_reply_to": if i % 3 == 0 && i > 0 { Some(format!("<m{}@behoerde.example>", i - 1)) } else { None },
            }))
            .expect("a list item")
        })
        .collect()
}

fn app_with(n: usize) -> App {
    let mut app = App::new(Catalog::new(Lang::De), UnlockInfo::default());
    app.apply(Outcome::Unlocked);
    let folders = serde_json::from_value(serde_json::json!([{
        "name": "INBOX", "server_name": "INBOX", "origin": "own", "special_use": null,
        "messages": n, "unread": n / 4, "rights": null
    }]))
    .expect("folders");
    app.apply(Outcome::Mail(MailOutcome::Folders(folders)));
    app.apply(Outcome::Mail(MailOutcome::List("INBOX".into(), items(n))));
    app
}

/// Per-frame times for `frames` key presses (each followed by a frame), p50 and p95.
fn scroll(n: usize, width: u16, height: u16, key: KeyCode, frames: usize) -> (Duration, Duration) {
    let mut app = app_with(n);
    let backend = CrosstermBackend::new(Sink(0));
    let mut terminal = Terminal::with_options(
        backend,
        TerminalOptions {
            viewport: Viewport::Fixed(Rect::new(0, 0, width, height)),
        },
    )
    .expect("terminal");
    terminal
        .draw(|f| kapsel_shell::draw(f, &app))
        .expect("draw");
    let mut times = Vec::with_capacity(frames);
    for i in 0..frames {
        let k = if i % 400 < 200 { key } else { KeyCode::PageUp };
        let start = Instant::now();
        app.on_key(KeyEvent::new(k, KeyModifiers::NONE));
        terminal
            .draw(|f| kapsel_shell::draw(f, &app))
            .expect("draw");
        times.push(start.elapsed());
    }
    times.sort();
    (times[times.len() / 2], times[times.len() * 95 / 100])
}

/// Where the frames' escape output goes: counted and dropped, as a fast terminal would take it.
struct Sink(u64);

impl std::io::Write for Sink {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0 += buf.len() as u64;
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn median(mut xs: Vec<Duration>) -> Duration {
    xs.sort();
    xs[xs.len() / 2]
}

fn main() {
    println!("== shell: frame time while scrolling (goal: p95 < 16 ms)");
    let start = Instant::now();
    let threaded = kapsel_shell::thread(items(10_000));
    println!(
        "threading 10,000 messages: {:.1} ms ({} rows)",
        ms(start.elapsed()),
        threaded.len()
    );
    for (w, h) in [(200u16, 50u16), (80, 24)] {
        for key in [KeyCode::Down, KeyCode::PageDown] {
            let (base50, base95) = scroll(50, w, h, key, 1000);
            let (p50, p95) = scroll(10_000, w, h, key, 2000);
            println!(
                "{w}x{h} {key:?}: 10,000 messages p50 {:.2} ms p95 {:.2} ms | 50 messages p50 {:.2} ms p95 {:.2} ms | ratio p95 {:.2} | goal {}",
                ms(p50),
                ms(p95),
                ms(base50),
                ms(base95),
                ms(p95) / ms(base95).max(0.001),
                if p95 < Duration::from_millis(16) {
                    "met"
                } else {
                    "MISSED"
                }
            );
        }
    }

    println!("== shell: launch and unlock with the real binary on a pseudo-terminal");
    let env = mail_env("carol@corp.test", "");
    unlock(&env).ok();
    env.run(&["sync", "schedule", "--every", "240", "--push", "off"])
        .ok();
    env.run(&["sync", "now", "--folder", "INBOX"]).ok();
    let listed = env
        .run(&["--json", "mail", "list", "INBOX", "--limit", "100000"])
        .json();
    let inbox = listed.as_array().map_or(0, Vec::len);
    env.run(&["lock"]).ok();
    let runs = 5;
    let mut launch = Vec::new();
    let mut status = Vec::new();
    let mut to_list = Vec::new();
    let mut cli_list = Vec::new();
    let title = format!(
        "INBOX — {} Nachrichten",
        kapsel_i18n::Formats::new(Lang::De).int(inbox as i64)
    );
    for _ in 0..runs {
        let start = Instant::now();
        env.run(&["status"]).ok();
        status.push(start.elapsed());

        let mut cmd = env.command(&env.bin, &[]);
        cmd.env("LANG", "de_DE.UTF-8").env("TERM", "xterm-256color");
        let start = Instant::now();
        let mut pty = Pty::spawn(cmd, 200, 50);
        pty.wait_for("Der Arbeitscontainer ist gesperrt", Duration::from_secs(30));
        launch.push(start.elapsed());
        pty.type_text(MAIL_PASSWORD);
        let start = Instant::now();
        pty.send(b"\r");
        pty.wait_for(&title, Duration::from_secs(60));
        to_list.push(start.elapsed());
        pty.send(b"\x0c"); // Ctrl+L: lock
        pty.wait_for("Kapsel ist gesperrt.", Duration::from_secs(30));
        pty.send(b"\x11");
        let _ = pty.wait_exit(Duration::from_secs(10));
        drop(pty);

        let start = Instant::now();
        unlock(&env).ok();
        env.run(&["--json", "mail", "list", "INBOX", "--limit", "100000"])
            .ok();
        cli_list.push(start.elapsed());
        env.run(&["lock"]).ok();
    }
    let (launch, status, to_list, cli_list) = (
        median(launch),
        median(status),
        median(to_list),
        median(cli_list),
    );
    println!(
        "launch → unlock screen: {:.0} ms (median of {runs}) | `kapsel status`: {:.0} ms | ratio {:.2}",
        ms(launch),
        ms(status),
        ms(launch) / ms(status)
    );
    println!(
        "unlock → first mail list ({inbox} messages): {:.0} ms | CLI unlock + mail list: {:.0} ms | ratio {:.2}",
        ms(to_list),
        ms(cli_list),
        ms(to_list) / ms(cli_list)
    );
}
