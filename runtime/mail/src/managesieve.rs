//! ManageSieve (RFC 5804) client: the only way Kapsel changes a user's server-side Sieve
//! scripts. It upgrades to TLS before any credential is sent, logs in with SASL PLAIN and
//! reads every server response through `kapsel-mail-wire`'s bounded reader, since the
//! server's bytes are untrusted.

use std::sync::Arc;
use std::time::Duration;

use base64::Engine as _;

pub use kapsel_mail_wire::sieve::MAX_LITERAL;
use kapsel_mail_wire::sieve::{
    Reader, Response, Status, Token, parse_capabilities, parse_script_list, quote, script_name,
    status_line,
};

use crate::cat;
use crate::transport::{self, Handshake, Refusal, Transport};
use kapsel_core::error::{Error, Result};
use kapsel_core::net::stream::{Endpoint, Stream};
use kapsel_i18n::t;

fn protocol(peer: &str, what: impl std::fmt::Display) -> Error {
    Error::Network(t!(
        cat(),
        "mailbox-sieve-protocol",
        peer = peer,
        detail = what.to_string()
    ))
}

/// The server's words, or that it gave none.
fn reason(response: &Response) -> String {
    response.text_or(&t!(cat(), "mailbox-no-reason-given"))
}

fn invalid(e: kapsel_mail_wire::WireError) -> Error {
    Error::invalid(e.0)
}

/// A logged-in ManageSieve session over TLS.
pub struct SieveClient<T: Transport = Stream> {
    io: T,
    reader: Reader,
    peer: String,
    /// What the server offered, last read over TLS.
    caps: Vec<(String, String)>,
    extensions: Vec<String>,
}

impl SieveClient<Stream> {
    /// Connect to `sieve://host[:port]`, upgrade with STARTTLS, and log in with SASL PLAIN.
    /// A server that does not offer STARTTLS is refused before the password leaves.
    pub fn connect(
        endpoint: &Endpoint,
        tls: &Arc<rustls::ClientConfig>,
        user: &str,
        password: &str,
        timeout: Duration,
    ) -> Result<SieveClient> {
        if user.is_empty() || user.contains('\0') || password.contains('\0') {
            return Err(Error::invalid(t!(cat(), "mailbox-sieve-bad-credentials")));
        }
        let stream = Stream::connect(endpoint, tls, timeout)?;
        SieveClient::login_over(stream, endpoint, tls, user, password)
    }
}

impl<T: Transport> SieveClient<T> {
    fn over(io: T) -> SieveClient<T> {
        SieveClient {
            peer: io.peer().to_string(),
            io,
            reader: Reader::default(),
            caps: Vec::new(),
            extensions: Vec::new(),
        }
    }

    /// Greeting, STARTTLS where needed (the capabilities are read again over TLS), login.
    pub fn login_over(
        io: T,
        endpoint: &Endpoint,
        tls: &Arc<rustls::ClientConfig>,
        user: &str,
        password: &str,
    ) -> Result<SieveClient<T>> {
        let mut client = transport::secure(SieveClient::over(io), endpoint, tls)?;
        let sasl = client
            .caps
            .iter()
            .find(|(name, _)| name == "SASL")
            .map(|(_, v)| v.as_str())
            .unwrap_or("");
        if !sasl
            .split_ascii_whitespace()
            .any(|m| m.eq_ignore_ascii_case("PLAIN"))
        {
            return Err(Error::Network(t!(
                cat(),
                "mailbox-sieve-no-plain",
                peer = client.peer.as_str(),
                offered = if sasl.trim().is_empty() {
                    t!(cat(), "mailbox-sieve-offers-nothing")
                } else {
                    sasl.to_string()
                }
            )));
        }
        client.extensions = client
            .caps
            .iter()
            .find(|(name, _)| name == "SIEVE")
            .map(|(_, v)| v.split_ascii_whitespace().map(str::to_string).collect())
            .unwrap_or_default();
        client.authenticate(user, password)?;
        Ok(client)
    }

    fn fill(&mut self) -> Result<()> {
        let mut buf = [0u8; 16 * 1024];
        match transport::read_some(&mut self.io, &mut buf)? {
            0 => Err(Error::Network(t!(
                cat(),
                "mailbox-connection-closed",
                peer = self.peer.as_str()
            ))),
            n => {
                self.reader.push(&buf[..n]);
                Ok(())
            }
        }
    }

    fn read_response(&mut self) -> Result<Response> {
        loop {
            match self.reader.next_response() {
                Ok(Some(r)) => return Ok(r),
                Ok(None) => self.fill()?,
                Err(e) => return Err(protocol(&self.peer, e)),
            }
        }
    }

    fn read_line(&mut self) -> Result<Vec<Token>> {
        loop {
            match self.reader.next_line() {
                Ok(Some(line)) => return Ok(line),
                Ok(None) => self.fill()?,
                Err(e) => return Err(protocol(&self.peer, e)),
            }
        }
    }

    fn authenticate(&mut self, user: &str, password: &str) -> Result<()> {
        let mut plain =
            zeroize::Zeroizing::new(Vec::with_capacity(user.len() + password.len() + 2));
        plain.push(0);
        plain.extend_from_slice(user.as_bytes());
        plain.push(0);
        plain.extend_from_slice(password.as_bytes());
        // The base64 of PLAIN is the password in all but name: every copy is wiped.
        let encoded =
            zeroize::Zeroizing::new(base64::engine::general_purpose::STANDARD.encode(&*plain));
        transport::write_parts(
            &mut self.io,
            &[b"AUTHENTICATE \"PLAIN\" \"", encoded.as_bytes(), b"\"\r\n"],
        )?;
        self.reader.reset_budget();
        let mut challenged = false;
        loop {
            let tokens = self.read_line()?;
            match status_line(&tokens).map_err(|e| protocol(&self.peer, e))? {
                Some((Status::Ok, _, _)) if !challenged => return Ok(()),
                Some((Status::Ok, _, _)) => {
                    return Err(protocol(
                        &self.peer,
                        t!(cat(), "mailbox-sieve-login-after-cancel"),
                    ));
                }
                Some((_, _, text)) if challenged => {
                    return Err(Error::Network(t!(
                        cat(),
                        "mailbox-sieve-extra-challenge",
                        peer = self.peer.as_str(),
                        reason = text.trim()
                    )));
                }
                Some((_, _, text)) => {
                    let text = if text.trim().is_empty() {
                        t!(cat(), "mailbox-no-reason-given")
                    } else {
                        text.trim().to_string()
                    };
                    return Err(Error::Network(t!(
                        cat(),
                        "mailbox-sieve-login-refused",
                        user = user,
                        reason = text
                    )));
                }
                // A server challenge: PLAIN has no second step, so cancel (RFC 5804 §2.1).
                None if !challenged => {
                    challenged = true;
                    self.send(b"\"*\"\r\n")?;
                }
                None => {
                    return Err(protocol(
                        &self.peer,
                        t!(cat(), "mailbox-sieve-second-challenge"),
                    ));
                }
            }
        }
    }

    fn send(&mut self, bytes: &[u8]) -> Result<()> {
        transport::write_all(&mut self.io, bytes)
    }

    /// Send one command and read its response; BYE becomes an error.
    fn command(&mut self, bytes: &[u8]) -> Result<Response> {
        self.send(bytes)?;
        let response = self.read_response()?;
        if response.status == Status::Bye {
            return Err(Error::Network(t!(
                cat(),
                "mailbox-sieve-bye",
                peer = self.peer.as_str(),
                reason = reason(&response)
            )));
        }
        Ok(response)
    }

    /// `action` is what was refused, in the user's language ("to list the scripts").
    fn refused(&self, action: String, response: &Response) -> Error {
        Error::Network(t!(
            cat(),
            "mailbox-sieve-refused",
            peer = self.peer.as_str(),
            action = action,
            reason = reason(response)
        ))
    }

    /// The Sieve extensions the server supports (`vacation`, `date`, `include`, …).
    pub fn extensions(&self) -> &[String] {
        &self.extensions
    }

    /// All scripts with whether each is the active one.
    pub fn list_scripts(&mut self) -> Result<Vec<(String, bool)>> {
        let response = self.command(b"LISTSCRIPTS\r\n")?;
        if response.status != Status::Ok {
            return Err(self.refused(t!(cat(), "mailbox-sieve-action-list"), &response));
        }
        parse_script_list(&response.data).map_err(|e| protocol(&self.peer, e))
    }

    /// A script's text; None when it does not exist.
    pub fn get_script(&mut self, name: &str) -> Result<Option<String>> {
        let line = format!("GETSCRIPT {}\r\n", script_name(name).map_err(invalid)?);
        let response = self.command(line.as_bytes())?;
        if response.status == Status::No {
            if response.code_is("NONEXISTENT") {
                return Ok(None);
            }
            let action = t!(
                cat(),
                "mailbox-sieve-action-get",
                name = format!("{name:?}")
            );
            return Err(self.refused(action, &response));
        }
        let script = match response.data.as_slice() {
            [line] => match line.as_slice() {
                [Token::Str(bytes)] => bytes.clone(),
                _ => {
                    return Err(protocol(
                        &self.peer,
                        t!(cat(), "mailbox-sieve-malformed-getscript"),
                    ));
                }
            },
            _ => {
                return Err(protocol(
                    &self.peer,
                    t!(cat(), "mailbox-sieve-malformed-getscript"),
                ));
            }
        };
        String::from_utf8(script).map(Some).map_err(|_| {
            protocol(
                &self.peer,
                t!(
                    cat(),
                    "mailbox-sieve-script-not-utf8",
                    name = format!("{name:?}")
                ),
            )
        })
    }

    /// Store (create or replace) a script. A script the server cannot compile is
    /// `Error::Invalid` with the server's explanation.
    pub fn put_script(&mut self, name: &str, script: &str) -> Result<()> {
        if script.len() > MAX_LITERAL {
            return Err(Error::invalid(t!(
                cat(),
                "mailbox-sieve-script-too-large",
                name = format!("{name:?}"),
                max = (MAX_LITERAL / (1024 * 1024)).to_string()
            )));
        }
        let mut command = format!(
            "PUTSCRIPT {} {{{}+}}\r\n",
            script_name(name).map_err(invalid)?,
            script.len()
        )
        .into_bytes();
        command.extend_from_slice(script.as_bytes());
        command.extend_from_slice(b"\r\n");
        let response = self.command(&command)?;
        match response.status {
            Status::Ok => Ok(()),
            _ if response.code_is("QUOTA") => Err(Error::invalid(t!(
                cat(),
                "mailbox-sieve-no-room",
                name = format!("{name:?}"),
                reason = response.text_or(&t!(cat(), "mailbox-sieve-quota-exceeded"))
            ))),
            _ if response.code_is("TRYLATER") => {
                let action = t!(
                    cat(),
                    "mailbox-sieve-action-put",
                    name = format!("{name:?}")
                );
                Err(self.refused(action, &response))
            }
            _ => Err(Error::invalid(t!(
                cat(),
                "mailbox-sieve-script-rejected",
                name = format!("{name:?}"),
                reason = reason(&response)
            ))),
        }
    }

    /// Make `name` the active script; `""` deactivates all scripts.
    pub fn set_active(&mut self, name: &str) -> Result<()> {
        let line = format!(
            "SETACTIVE {}\r\n",
            quote(name, "Sieve script name").map_err(invalid)?
        );
        let response = self.command(line.as_bytes())?;
        let action = t!(
            cat(),
            "mailbox-sieve-action-activate",
            name = format!("{name:?}")
        );
        self.script_answer(name, action, &response)
    }

    /// Delete a script; the server refuses to delete the active one.
    pub fn delete_script(&mut self, name: &str) -> Result<()> {
        let line = format!("DELETESCRIPT {}\r\n", script_name(name).map_err(invalid)?);
        let response = self.command(line.as_bytes())?;
        let action = t!(
            cat(),
            "mailbox-sieve-action-delete",
            name = format!("{name:?}")
        );
        self.script_answer(name, action, &response)
    }

    /// The answer to a command on one named script: done, no such script, or refused.
    fn script_answer(&self, name: &str, action: String, response: &Response) -> Result<()> {
        match response.status {
            Status::Ok => Ok(()),
            _ if response.code_is("NONEXISTENT") => Err(Error::NotFound(t!(
                cat(),
                "mailbox-sieve-script-not-found",
                name = format!("{name:?}")
            ))),
            _ => Err(self.refused(action, response)),
        }
    }

    /// End the session politely; errors no longer matter here.
    pub fn logout(mut self) {
        let _ = self.command(b"LOGOUT\r\n");
    }
}

impl<T: Transport> Handshake for SieveClient<T> {
    type Error = Error;

    fn is_tls(&self) -> bool {
        self.io.is_tls()
    }

    fn greet(&mut self) -> Result<bool> {
        let greeting = self.read_response()?;
        if greeting.status != Status::Ok {
            return Err(Error::Network(t!(
                cat(),
                "mailbox-sieve-session-refused",
                peer = self.peer.as_str(),
                reason = reason(&greeting)
            )));
        }
        self.caps = parse_capabilities(&greeting.data).map_err(|e| protocol(&self.peer, e))?;
        Ok(self.caps.iter().any(|(name, _)| name == "STARTTLS"))
    }

    fn request_tls(&mut self) -> Result<()> {
        self.send(b"STARTTLS\r\n")?;
        let answer = self.read_response()?;
        if answer.status != Status::Ok {
            return Err(Error::Network(t!(
                cat(),
                "mailbox-sieve-starttls-refused",
                peer = self.peer.as_str(),
                reason = reason(&answer)
            )));
        }
        Ok(())
    }

    fn buffered(&self) -> usize {
        self.reader.buffered()
    }

    fn upgrade(self, endpoint: &Endpoint, tls: &Arc<rustls::ClientConfig>) -> Result<Self> {
        Ok(SieveClient::over(self.io.start_tls(endpoint, tls)?))
    }

    /// RFC 5804 §2.2: the server repeats its capabilities once TLS is on; only these count,
    /// the plain-text ones could have been forged.
    fn greet_again(&mut self) -> Result<()> {
        let again = self.read_response()?;
        if again.status != Status::Ok {
            return Err(Error::Network(t!(
                cat(),
                "mailbox-sieve-bye-after-starttls",
                peer = self.peer.as_str(),
                reason = reason(&again)
            )));
        }
        self.caps = parse_capabilities(&again.data).map_err(|e| protocol(&self.peer, e))?;
        Ok(())
    }

    fn refuse(&self, why: Refusal) -> Error {
        match why {
            Refusal::NoStartTls => Error::Network(t!(
                cat(),
                "mailbox-sieve-no-starttls",
                peer = self.peer.as_str()
            )),
            Refusal::Injection => Error::Tls(
                protocol(&self.peer, t!(cat(), "mailbox-sieve-data-before-tls")).to_string(),
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::transport::Script;

    fn endpoint() -> Endpoint {
        Endpoint::parse(
            "sieve://server.test",
            &[("sieve", 4190, kapsel_core::net::stream::Security::StartTls)],
        )
        .unwrap()
    }

    fn tls() -> Arc<rustls::ClientConfig> {
        kapsel_core::net::tls::client_config(&kapsel_core::policy::Tls::default()).unwrap()
    }

    #[test]
    fn a_server_without_starttls_never_sees_the_password() {
        let script = Script::new(&[
            b"\"IMPLEMENTATION\" \"fake\"\r\n\"SASL\" \"PLAIN\"\r\n\"SIEVE\" \"vacation\"\r\nOK \"hi\"\r\n",
        ]);
        let sent = script.sent.clone();
        let Err(e) =
            SieveClient::login_over(script, &endpoint(), &tls(), "alice@corp.test", "secret")
        else {
            panic!("connected without TLS");
        };
        assert!(e.to_string().contains("does not offer STARTTLS"), "{e}");
        assert!(sent.borrow().is_empty(), "client sent {:?}", sent.borrow());
    }

    #[test]
    fn bytes_injected_before_the_tls_handshake_are_refused() {
        let script = Script::new(&[
            b"\"STARTTLS\"\r\n\"SASL\" \"PLAIN\"\r\nOK\r\n",
            b"OK \"Begin TLS\"\r\n\"SASL\" \"PLAIN\"\r\nOK\r\n",
        ]);
        let sent = script.sent.clone();
        let Err(e) =
            SieveClient::login_over(script, &endpoint(), &tls(), "alice@corp.test", "secret")
        else {
            panic!("accepted injected capabilities");
        };
        assert!(e.to_string().contains("before TLS"), "{e}");
        assert_eq!(&*sent.borrow(), b"STARTTLS\r\n");
    }

    #[test]
    fn login_scripts_and_logout_over_starttls() {
        let script = Script::new(&[
            b"\"STARTTLS\"\r\nOK\r\n",
            b"OK \"Begin TLS\"\r\n",
            b"\"SASL\" \"PLAIN\"\r\n\"SIEVE\" \"vacation date\"\r\nOK\r\n",
            b"OK \"Logged in\"\r\n",
            b"\"kapsel\" ACTIVE\r\n\"old\"\r\nOK\r\n",
            b"{11}\r\nkeep;\r\nstop\r\nOK\r\n",
            b"NO (NONEXISTENT) \"no such script\"\r\n",
        ])
        .speaks_after_tls();
        let mut c =
            SieveClient::login_over(script, &endpoint(), &tls(), "alice@corp.test", "secret")
                .unwrap();
        assert_eq!(c.extensions(), ["vacation", "date"]);
        assert_eq!(
            c.list_scripts().unwrap(),
            vec![("kapsel".to_string(), true), ("old".to_string(), false)]
        );
        assert_eq!(
            c.get_script("kapsel").unwrap().as_deref(),
            Some("keep;\r\nstop")
        );
        assert_eq!(c.get_script("gone").unwrap(), None);
        assert!(
            c.put_script("bad\r\nname", "keep;").is_err(),
            "a name with a line break"
        );
    }
}
