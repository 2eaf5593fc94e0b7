//! `kapsel dir`: look people up in the agency directory. Results are printed and forgotten;
//! the container keeps nothing of them.

use std::path::Path;

use clap::Subcommand;

use super::password;
use super::render::Out;
use super::{PasswordArgs, cat, open_checked};
use crate::session::{self, Request};
use kapsel_core::error::Result;
use kapsel_core::terminal;
use kapsel_directory::{DirectoryAnswer, DirectoryRequest, Field, Found, Query};
use kapsel_i18n::t;

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
    /// Save the one person a search finds as a personal contact (the only way anything of
    /// the directory is kept in the container).
    Save {
        text: String,
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
        DirCommand::Save { text, field } => {
            let answer = call(
                root,
                DirectoryRequest::Search {
                    query: Query {
                        text: text.clone(),
                        field,
                    },
                },
            )?;
            let DirectoryAnswer::Found(found) = answer else {
                return Err(kapsel_core::Error::Agent(t!(cat(), "cli-dir-odd-answer")));
            };
            let [p] = found.people.as_slice() else {
                return Err(kapsel_core::Error::invalid(t!(
                    cat(),
                    "cli-dir-save-ambiguous",
                    count = found.people.len().to_string(),
                    text = format!("{:?}", terminal::line(&text))
                )));
            };
            let contact = kapsel_shell::contact_of(p);
            let answer = super::groupware::call(
                root,
                kapsel_calendar::GroupwareRequest::AddContact {
                    contact,
                    book: None,
                },
            )?;
            out.show(&answer, |a| match a {
                kapsel_calendar::GroupwareAnswer::Done(d) => {
                    format!(
                        "{} UID {}\n",
                        terminal::line(&d.message),
                        terminal::line(&d.uid)
                    )
                }
                _ => String::new(),
            });
        }
        DirCommand::ServicePassword { pw } => {
            let password = password::Reader::new(pw.password_stdin)
                .read(&t!(cat(), "cli-dir-prompt-service-password"))?;
            let answer = call(root, DirectoryRequest::ServicePassword { password })?;
            out.done(&t!(cat(), "cli-dir-service-password-stored"), &answer);
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
            (t!(cat(), "cli-dir-mail"), &p.mail),
            (t!(cat(), "cli-dir-phone"), &p.phone),
            (t!(cat(), "cli-dir-mobile"), &p.mobile),
            (t!(cat(), "cli-dir-title"), &p.title),
            (t!(cat(), "cli-dir-department"), &p.department),
            (t!(cat(), "cli-dir-office"), &p.office),
            (t!(cat(), "cli-dir-company"), &p.company),
            (t!(cat(), "cli-dir-login"), &p.login),
        ];
        let width = rows
            .iter()
            .map(|(l, _)| l.chars().count())
            .max()
            .unwrap_or(0)
            .max(11);
        for (label, value) in rows {
            if let Some(v) = value {
                out.push_str(&format!("  {label:<width$} {}\n", terminal::line(v)));
            }
        }
    }
    let n = found.people.len();
    out.push_str(&if found.truncated {
        t!(cat(), "cli-dir-truncated", count = n.to_string())
    } else {
        t!(cat(), "cli-dir-found", count = n)
    });
    out.push('\n');
    out
}

/// Recipients as typed: an address stays as it is; a name is looked up in the personal
/// contacts first, then in the directory. One match is taken and
/// said on stderr; several are offered to choose from on a terminal, and refused with the
/// candidates otherwise (a script must not send to a guess).
pub fn resolve_recipients(root: &Path, typed: Vec<String>, json: bool) -> Result<Vec<String>> {
    let mut out = Vec::with_capacity(typed.len());
    for r in typed {
        if r.contains('@') || r.trim().is_empty() {
            out.push(r);
            continue;
        }
        // Personal contacts first: they are the people the user writes to.
        let personal: Vec<(String, String)> = super::groupware::search_contacts(root, &r)
            .map(|c| {
                c.contacts
                    .into_iter()
                    .flat_map(|e| {
                        let name = e.contact.name.clone();
                        e.contact.emails.into_iter().map(move |m| (name.clone(), m))
                    })
                    .collect()
            })
            .unwrap_or_default();
        if !personal.is_empty() {
            let chosen = if personal.len() == 1 {
                personal[0].clone()
            } else {
                choose(&r, &personal, json)?
            };
            if !json {
                eprintln!(
                    "{}",
                    t!(
                        cat(),
                        "cli-dir-resolved-contact",
                        typed = terminal::line(&r),
                        name = terminal::line(&chosen.0),
                        mail = terminal::line(&chosen.1)
                    )
                );
            }
            out.push(chosen.1);
            continue;
        }
        let answer = call(
            root,
            DirectoryRequest::Search {
                query: Query {
                    text: r.clone(),
                    field: Field::Name,
                },
            },
        )
        .map_err(|e| {
            kapsel_core::Error::invalid(t!(
                cat(),
                "cli-dir-cannot-resolve",
                typed = format!("{:?}", terminal::line(&r)),
                error = e.to_string()
            ))
        })?;
        let DirectoryAnswer::Found(found) = answer else {
            continue;
        };
        let with_mail: Vec<_> = found
            .people
            .iter()
            .filter_map(|p| p.mail.as_ref().map(|m| (p.name(), m.clone())))
            .collect();
        let chosen = match with_mail.len() {
            0 => {
                return Err(kapsel_core::Error::invalid(t!(
                    cat(),
                    "cli-dir-no-one-called",
                    typed = format!("{:?}", terminal::line(&r))
                )));
            }
            1 => with_mail[0].clone(),
            _ => choose(&r, &with_mail, json)?,
        };
        if !json {
            eprintln!(
                "{}",
                t!(
                    cat(),
                    "cli-dir-resolved",
                    typed = terminal::line(&r),
                    name = terminal::line(&chosen.0),
                    mail = terminal::line(&chosen.1)
                )
            );
        }
        out.push(chosen.1);
    }
    Ok(out)
}

fn choose(typed: &str, options: &[(String, String)], json: bool) -> Result<(String, String)> {
    use std::io::{BufRead, IsTerminal, Write};
    let shown = options.len().min(20);
    let list: String = options[..shown]
        .iter()
        .enumerate()
        .map(|(i, (name, mail))| {
            format!(
                "  {}. {} <{}>\n",
                i + 1,
                terminal::line(name),
                terminal::line(mail)
            )
        })
        .collect();
    if json || !std::io::stdin().is_terminal() || !std::io::stderr().is_terminal() {
        return Err(kapsel_core::Error::invalid(format!(
            "{}\n{list}",
            t!(
                cat(),
                "cli-dir-ambiguous",
                count = options.len().to_string(),
                typed = format!("{:?}", terminal::line(typed))
            )
        )));
    }
    eprint!(
        "{}\n{list}{}",
        t!(
            cat(),
            "cli-dir-choose",
            count = options.len().to_string(),
            typed = format!("{:?}", terminal::line(typed))
        ),
        t!(cat(), "cli-dir-which-one", shown = shown.to_string())
    );
    let _ = std::io::stderr().flush();
    let mut line = String::new();
    std::io::stdin()
        .lock()
        .read_line(&mut line)
        .map_err(kapsel_core::Error::io(t!(
            cat(),
            "cli-dir-choice-unreadable"
        )))?;
    match line.trim().parse::<usize>() {
        Ok(n) if (1..=shown).contains(&n) => Ok(options[n - 1].clone()),
        _ => Err(kapsel_core::Error::invalid(t!(
            cat(),
            "cli-dir-none-chosen"
        ))),
    }
}
