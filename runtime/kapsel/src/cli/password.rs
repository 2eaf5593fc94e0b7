//! Reading passwords: from the terminal without echo, or from standard input for scripts.
//! A password never comes from an argument or the environment (both are visible to other
//! processes of the user through /proc).

use std::io::BufRead;

use zeroize::Zeroizing;

use kapsel_core::error::{Error, Result};

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
                    .map_err(Error::io("cannot read the password from standard input"))?;
                if n == 0 {
                    return Err(Error::invalid(format!(
                        "standard input ended before the password ({})",
                        prompt.trim_end_matches([':', ' '])
                    )));
                }
                Zeroizing::new(line.trim_end_matches(['\n', '\r']).to_string())
            }
            Source::Terminal => {
                Zeroizing::new(rpassword::prompt_password(prompt).map_err(|e| {
                    Error::invalid(format!(
                        "cannot ask for the password on a terminal ({e}); use --password-stdin"
                    ))
                })?)
            }
        };
        if pw.is_empty() {
            return Err(Error::invalid("the password is empty"));
        }
        Ok(pw)
    }

    /// A new password: on a terminal asked twice.
    pub fn read_new(&mut self, prompt: &str) -> Result<Zeroizing<String>> {
        let first = self.read(prompt)?;
        if matches!(self.source, Source::Terminal) {
            let again = self.read("Repeat the new password: ")?;
            if *again != *first {
                return Err(Error::invalid("the two passwords differ"));
            }
        }
        Ok(first)
    }
}
