//! Reading passwords: from the terminal without echo, or from standard input for scripts.
//! A password never comes from an argument or the environment (both are visible to other
//! processes of the user through /proc).

use std::io::BufRead;

use zeroize::Zeroizing;

use kapsel_core::error::{Error, Result};
use kapsel_i18n::t;

use super::cat;

pub enum Source {
    Terminal,
    /// One password per line on standard input.
    Stdin,
}

pub struct Reader {
    source: Source,
}

impl Reader {
    pub fn new(from_stdin: bool) -> Reader {
        Reader {
            source: if from_stdin {
                Source::Stdin
            } else {
                Source::Terminal
            },
        }
    }

    pub fn read(&mut self, prompt: &str) -> Result<Zeroizing<String>> {
        let pw = match self.source {
            Source::Stdin => {
                let mut line = Zeroizing::new(String::new());
                let n = std::io::stdin()
                    .lock()
                    .read_line(&mut line)
                    .map_err(Error::io(t!(cat(), "cli-password-stdin-unreadable")))?;
                if n == 0 {
                    return Err(Error::invalid(t!(
                        cat(),
                        "cli-password-stdin-ended",
                        prompt = prompt.trim_end_matches([':', ' '])
                    )));
                }
                Zeroizing::new(line.trim_end_matches(['\n', '\r']).to_string())
            }
            Source::Terminal => {
                Zeroizing::new(rpassword::prompt_password(prompt).map_err(|e| {
                    Error::invalid(t!(cat(), "cli-password-no-terminal", error = e.to_string()))
                })?)
            }
        };
        if pw.is_empty() {
            return Err(Error::invalid(t!(cat(), "cli-password-empty")));
        }
        Ok(pw)
    }

    /// A new password: on a terminal asked twice.
    pub fn read_new(&mut self, prompt: &str) -> Result<Zeroizing<String>> {
        let first = self.read(prompt)?;
        if matches!(self.source, Source::Terminal) {
            let again = self.read(&t!(cat(), "cli-prompt-repeat-password"))?;
            if *again != *first {
                return Err(Error::invalid(t!(cat(), "cli-passwords-differ")));
            }
        }
        Ok(first)
    }
}
