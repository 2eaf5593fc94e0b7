//! `kapsel --help` in the user's language. The clap definition (its doc comments, in
//! English) stays the source of the command tree; the words come from the catalogues
//! (`cli-help.ftl`) under ids derived from the command path — `cli-help-mail-read` for a
//! command, `cli-help-mail-read--id` for its option `id` — so a test can walk the tree and
//! prove that no command or option lacks a text in either language.
//!
//! What clap writes by itself when parsing fails (`error: unexpected argument …`) stays in
//! English: clap has no catalogues; our own errors after parsing are translated.

use clap::{Arg, ArgAction, Command, CommandFactory};
use kapsel_i18n::{Catalog, t};

/// The root id; every command's id extends it with `-<name>`.
pub const ROOT: &str = "cli-help";

/// The id of an option's help: the command's id, `--`, the option's id with `_` as `-`.
pub fn arg_id(command_id: &str, arg: &str) -> String {
    format!("{command_id}--{}", arg.replace('_', "-"))
}

/// The whole command tree with every text in `cat`'s language.
pub fn command(cat: &Catalog) -> Command {
    let headings = Headings {
        usage: t!(cat, "cli-help-heading-usage"),
        commands: t!(cat, "cli-help-heading-commands"),
        options: t!(cat, "cli-help-heading-options"),
        arguments: t!(cat, "cli-help-heading-arguments"),
        help: t!(cat, "cli-help-flag-help"),
        version: t!(cat, "cli-help-flag-version"),
    };
    let root = super::Cli::command().disable_version_flag(true).arg(
        Arg::new("version")
            .short('V')
            .long("version")
            .action(ArgAction::Version)
            .help(headings.version.clone()),
    );
    localize(root, ROOT, cat, &headings)
}

struct Headings {
    usage: String,
    commands: String,
    options: String,
    arguments: String,
    help: String,
    version: String,
}

fn localize(cmd: Command, id: &str, cat: &Catalog, h: &Headings) -> Command {
    let mut cmd = cmd
        // `kapsel help X` would answer in clap's English; `kapsel X --help` is ours.
        .disable_help_subcommand(true)
        .disable_help_flag(true)
        .arg(
            Arg::new("help")
                .short('h')
                .long("help")
                .action(ArgAction::Help)
                .help(h.help.clone()),
        )
        .subcommand_help_heading(h.commands.clone())
        .help_template(format!(
            "{{before-help}}{{about-with-newline}}\n{} {{usage}}\n\n{{all-args}}{{after-help}}",
            h.usage
        ));
    if cat.has(id) {
        cmd = cmd.about(cat.message(id, &[])).long_about(None);
    }
    // Re-headed arguments would be listed alphabetically: keep the order of definition.
    let mut order = 0;
    cmd = cmd.mut_args(|a| {
        order += 1;
        let a = a.display_order(order);
        let heading = if a.is_positional() {
            &h.arguments
        } else {
            &h.options
        };
        let a = a.help_heading(heading.clone());
        let arg = arg_id(id, a.get_id().as_str());
        if cat.has(&arg) {
            let text = cat.message(&arg, &[]);
            a.help(text).long_help(None)
        } else {
            a
        }
    });
    let names: Vec<String> = cmd
        .get_subcommands()
        .map(|s| s.get_name().to_string())
        .collect();
    for name in names {
        let sub = format!("{id}-{name}");
        cmd = cmd.mut_subcommand(name, |s| localize(s, &sub, cat, h));
    }
    cmd
}

/// Every id the tree needs: each command's and each of its own options' (the ones added
/// here, `help` and `version`, have fixed ids).
#[cfg(test)]
fn needed_ids() -> Vec<String> {
    fn walk(cmd: &Command, id: &str, out: &mut Vec<String>) {
        out.push(id.to_string());
        for a in cmd.get_arguments() {
            if a.is_hide_set() {
                continue;
            }
            out.push(arg_id(id, a.get_id().as_str()));
        }
        for s in cmd.get_subcommands() {
            if s.is_hide_set() {
                continue;
            }
            walk(s, &format!("{id}-{}", s.get_name()), out);
        }
    }
    let mut out = Vec::new();
    walk(&super::Cli::command(), ROOT, &mut out);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use kapsel_i18n::Lang;

    #[test]
    fn every_command_and_option_has_help_in_both_languages() {
        for lang in [Lang::De, Lang::En] {
            let cat = Catalog::new(lang);
            let missing: Vec<_> = needed_ids().into_iter().filter(|id| !cat.has(id)).collect();
            assert!(missing.is_empty(), "{lang:?} lacks {missing:?}");
        }
    }

    #[test]
    fn the_english_help_is_the_doc_comment() {
        // The clap doc comments and the English catalogue must not drift apart.
        fn walk(cmd: &Command, id: &str, cat: &Catalog) {
            if let Some(about) = cmd.get_about() {
                assert_eq!(cat.message(id, &[]), about.to_string(), "{id}");
            }
            for a in cmd.get_arguments() {
                if let Some(help) = a.get_help()
                    && !a.is_hide_set()
                {
                    let aid = arg_id(id, a.get_id().as_str());
                    assert_eq!(cat.message(&aid, &[]), help.to_string(), "{aid}");
                }
            }
            for s in cmd.get_subcommands() {
                if !s.is_hide_set() {
                    walk(s, &format!("{id}-{}", s.get_name()), cat);
                }
            }
        }
        walk(&super::super::Cli::command(), ROOT, &Catalog::new(Lang::En));
    }

    #[test]
    fn german_help_renders_in_german() {
        let mut cmd = command(&Catalog::new(Lang::De));
        let text = cmd.render_help().to_string();
        assert!(text.contains("Befehle:"), "{text}");
        assert!(!text.contains("Print help"), "{text}");
        let mut mail = command(&Catalog::new(Lang::De));
        let sub = mail.find_subcommand_mut("mail").expect("mail is a command");
        let text = sub.render_help().to_string();
        assert!(text.contains("Optionen:"), "{text}");
    }

    /// `cargo test -p kapsel dump_english_help -- --ignored --nocapture` prints the English
    /// catalogue entries from the doc comments (for a new command).
    #[test]
    #[ignore]
    fn dump_english_help() {
        fn walk(cmd: &Command, id: &str) {
            if let Some(about) = cmd.get_about() {
                println!("{id} = {about}");
            }
            for a in cmd.get_arguments() {
                if let Some(help) = a.get_help()
                    && !a.is_hide_set()
                {
                    println!("{} = {help}", arg_id(id, a.get_id().as_str()));
                }
            }
            for s in cmd.get_subcommands() {
                if !s.is_hide_set() {
                    walk(s, &format!("{id}-{}", s.get_name()));
                }
            }
        }
        walk(&super::super::Cli::command(), ROOT);
    }
}
