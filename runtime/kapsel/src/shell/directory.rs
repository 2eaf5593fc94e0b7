//! `kapsel dir`: look people up in the agency directory. Results are printed and forgotten;
//! the container keeps nothing of them.

use std::path::Path;

use clap::Subcommand;

use super::password;
use super::render::Out;
use super::{PasswordArgs, open_checked};
use crate::session::{self, Request};
use kapsel_core::error::Result;
use kapsel_core::terminal;
use kapsel_directory::{DirectoryAnswer, DirectoryRequest, Field, Found, Query};

#[derive(Subcommand, Debug)]
pub enum DirCommand {
    /// Search the directory by name, mail address, login or phone number.
    Search {
        /// What to look for (a literal text: `*`, `(` and `)` match themselves).
        text: String,
        /// Where to look: any, name, mail, phone, department or login.
        #[arg(long, default_value = "any")]
        field: Field,
    },
    /// Store the password of the tenant's directory service account (sealed).
    ServicePassword {
        #[command(flatten)]
        pw: PasswordArgs,
    },
}

fn call(root: &Path, request: DirectoryRequest) -> Result<DirectoryAnswer> {
    open_checked(root)?;
    session::ask(root, &Request::Directory { request })
}

pub fn run(root: &Path, cmd: DirCommand, out: Out) -> Result<()> {
    match cmd {
        DirCommand::Search { text, field } => {
            let answer = call(
                root,
                DirectoryRequest::Search {
                    query: Query { text, field },
                },
            )?;
            if let DirectoryAnswer::Found(found) = answer {
                out.show(&found, people);
            }
        }
        DirCommand::ServicePassword { pw } => {
            let password =
                password::Reader::new(pw.password_stdin).read("Service account password: ")?;
            let answer = call(root, DirectoryRequest::ServicePassword { password })?;
            out.done("Service account password stored.", &answer);
        }
    }
    Ok(())
}

fn people(found: &Found) -> String {
    let mut out = String::new();
    for p in &found.people {
        out.push_str(&terminal::line(&p.name()));
        out.push('\n');
        let rows = [
            ("Mail", &p.mail),
            ("Phone", &p.phone),
            ("Mobile", &p.mobile),
            ("Title", &p.title),
            ("Department", &p.department),
            ("Office", &p.office),
            ("Company", &p.company),
            ("Login", &p.login),
        ];
        for (label, value) in rows {
            if let Some(v) = value {
                out.push_str(&format!("  {label:<11} {}\n", terminal::line(v)));
            }
        }
    }
    let n = found.people.len();
    out.push_str(&match (n, found.truncated) {
        (0, _) => "No one found.\n".to_string(),
        (n, true) => format!("{n} shown; more match: narrow the search down.\n"),
        (1, false) => "1 person found.\n".to_string(),
        (n, false) => format!("{n} people found.\n"),
    });
    out
}
