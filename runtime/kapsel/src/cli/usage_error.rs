//! Mistakes on the command line, said in the user's language: clap finds them and names the
//! argument, the catalogue says what is wrong (clap's own sentences are English only).

use clap::error::{ContextKind, ErrorKind};
use kapsel_core::terminal::line;
use kapsel_i18n::t;

use super::cat;

/// Print the mistake, a suggestion if clap has one, the usage line and where help is; then
/// exit with clap's code for a usage error. Help and version requests print as clap has them
/// (their texts come from the catalogues already).
pub fn exit(e: clap::Error) -> ! {
    if matches!(
        e.kind(),
        ErrorKind::DisplayHelp
            | ErrorKind::DisplayVersion
            | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand
    ) {
        e.exit()
    }
    eprint!("{}", text(&e, cat()));
    std::process::exit(2)
}

fn text(e: &clap::Error, cat: &kapsel_i18n::Catalog) -> String {
    // Every value is the user's own argv or our own names; still one clean line each.
    let get = |k: ContextKind| e.get(k).map(|v| line(&v.to_string()));
    let arg = get(ContextKind::InvalidArg).unwrap_or_default();
    let message = match e.kind() {
        ErrorKind::UnknownArgument => t!(cat, "cli-usage-unknown-argument", arg = arg),
        ErrorKind::InvalidSubcommand => t!(
            cat,
            "cli-usage-unknown-command",
            command = get(ContextKind::InvalidSubcommand).unwrap_or_default()
        ),
        ErrorKind::InvalidValue | ErrorKind::ValueValidation => t!(
            cat,
            "cli-usage-invalid-value",
            value = get(ContextKind::InvalidValue).unwrap_or_default(),
            arg = arg
        ),
        ErrorKind::MissingRequiredArgument => t!(cat, "cli-usage-missing-argument", args = arg),
        ErrorKind::MissingSubcommand => t!(
            cat,
            "cli-usage-missing-command",
            command = get(ContextKind::InvalidSubcommand).unwrap_or_default()
        ),
        ErrorKind::ArgumentConflict => t!(
            cat,
            "cli-usage-conflict",
            arg = arg,
            other = get(ContextKind::PriorArg).unwrap_or_default()
        ),
        ErrorKind::TooManyValues
        | ErrorKind::TooFewValues
        | ErrorKind::WrongNumberOfValues
        | ErrorKind::NoEquals => t!(cat, "cli-usage-values", arg = arg),
        ErrorKind::InvalidUtf8 => t!(cat, "cli-usage-not-utf8"),
        _ => t!(cat, "cli-usage-other"),
    };
    let mut out = t!(cat, "cli-error-line", message = message);
    out.push('\n');
    let suggestion =
        get(ContextKind::SuggestedArg).or_else(|| get(ContextKind::SuggestedSubcommand));
    if let Some(s) = suggestion {
        out.push_str(&t!(cat, "cli-usage-did-you-mean", suggestion = s));
        out.push('\n');
    }
    if let Some(values) = get(ContextKind::ValidValue) {
        out.push_str(&t!(cat, "cli-usage-possible-values", values = values));
        out.push('\n');
    }
    if let Some(usage) = get(ContextKind::Usage) {
        // clap writes its English heading in front; ours replaces it.
        let usage = usage.trim();
        let usage = usage.strip_prefix("Usage:").unwrap_or(usage).trim();
        out.push_str(&format!(
            "\n{} {usage}\n",
            t!(cat, "cli-help-heading-usage")
        ));
    }
    out.push_str(&format!("\n{}\n", t!(cat, "cli-usage-more")));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mistake(args: &[&str]) -> String {
        let de = kapsel_i18n::Catalog::new(kapsel_i18n::Lang::De);
        let e = super::super::help::command(&de)
            .try_get_matches_from(args)
            .expect_err("a mistake");
        text(&e, &de)
    }

    #[test]
    fn mistakes_are_said_in_german_with_the_users_argument_and_a_suggestion() {
        let t = mistake(&["kapsel", "mail", "compose", "--too", "x"]);
        assert!(t.contains("unbekannte Option '--too'"), "{t}");
        assert!(t.contains("Meinten Sie '--to'?"), "{t}");
        assert!(t.contains("Aufruf: kapsel mail compose"), "{t}");
        assert!(!t.contains("Usage") && !t.contains("tip:"), "{t}");
        let t = mistake(&["kapsel", "mail", "frobnicate"]);
        assert!(t.contains("unbekannter Befehl 'frobnicate'"), "{t}");
        let t = mistake(&["kapsel", "sync", "schedule", "--every", "abc"]);
        assert!(
            t.contains("'abc' ist kein gültiger Wert für '--every"),
            "{t}"
        );
        let t = mistake(&["kapsel", "mail", "forward", "3"]);
        assert!(t.contains("fehlt: --to"), "{t}");
        let t = mistake(&["kapsel", "mail", "compose", "--x\u{1b}[2J"]);
        assert!(
            t.contains("unbekannte Option") && !t.contains('\u{1b}'),
            "{t:?}"
        );
    }
}
