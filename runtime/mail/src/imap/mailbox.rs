//! The IMAP operations sync and the mail module use: namespaces, LIST, SELECT/EXAMINE with
//! CONDSTORE/QRESYNC, streaming UID FETCH, SEARCH, STORE, MOVE, APPEND, CREATE/DELETE and ACL.

use kapsel_mail_wire::imap::{
    MailboxDatum, Response, ResponseCode, append_uid, fetched, listed, parse_namespace,
};
use kapsel_mail_wire::utf7;

use super::{DoneExt, Fetched, Imap, ListedMailbox, Namespaces, Outcome, Selected, Untagged};
use crate::cat;
use crate::transport::Transport;
use kapsel_core::error::{Error, Result};
use kapsel_i18n::t;

/// A quoted argument; a name with a line break cannot be sent.
fn q(s: &str) -> Result<String> {
    super::quote(s).map_err(|e| Error::invalid(e.0))
}

impl<T: Transport> Imap<T> {
    pub fn namespaces(&mut self) -> Result<Namespaces> {
        let mut ns = Namespaces {
            personal: vec![(String::new(), "/".into())],
            ..Namespaces::default()
        };
        if !self.has("NAMESPACE") {
            return Ok(ns);
        }
        self.run("NAMESPACE", &mut |u| {
            if let Untagged::Raw(raw) = u
                && let Some(parsed) = parse_namespace(raw)
            {
                ns = parsed;
            }
            Ok(())
        })?
        .ok_or("NAMESPACE")?;
        Ok(ns)
    }

    /// LIST reference "" with `pattern` ("*" everything, "shared/%" one level).
    pub fn list(&mut self, pattern: &str) -> Result<Vec<ListedMailbox>> {
        let mut out = Vec::new();
        let command = format!("LIST \"\" {}", q(pattern)?);
        self.run(&command, &mut |u| {
            if let Untagged::Parsed(Response::MailboxData(MailboxDatum::List(l))) = u {
                out.push(listed(&l));
            }
            Ok(())
        })?
        .ok_or("LIST")?;
        Ok(out)
    }

    /// SELECT (or EXAMINE with `read_only`); with QRESYNC state, the server also reports
    /// what vanished and changed since then.
    pub fn select(
        &mut self,
        raw_name: &str,
        read_only: bool,
        since: Option<(u32, u64)>,
    ) -> Result<Selected> {
        self.try_select(raw_name, read_only, since)?
            .map_err(|reason| {
                Error::Network(t!(
                    cat(),
                    "mailbox-cannot-open",
                    name = utf7::decode(raw_name),
                    reason = reason
                ))
            })
    }

    /// [`select`](Self::select), with the server's refusal to open the mailbox apart from
    /// other failures: `Ok(Err(the server's words))`.
    pub(crate) fn try_select(
        &mut self,
        raw_name: &str,
        read_only: bool,
        since: Option<(u32, u64)>,
    ) -> Result<std::result::Result<Selected, String>> {
        let verb = if read_only { "EXAMINE" } else { "SELECT" };
        let mut command = format!("{verb} {}", q(raw_name)?);
        match since {
            Some((validity, modseq)) if self.qresync && modseq > 0 => {
                command.push_str(&format!(" (QRESYNC ({validity} {modseq}))"));
            }
            _ if self.condstore() && !self.qresync => command.push_str(" (CONDSTORE)"),
            _ => {}
        }
        let mut sel = Selected {
            read_only,
            ..Selected::default()
        };
        let done = self.run(&command, &mut |u| {
            match u {
                Untagged::Parsed(Response::MailboxData(MailboxDatum::Exists(n))) => sel.exists = n,
                Untagged::Parsed(Response::Data { outcome, .. }) => match outcome.code {
                    Some(ResponseCode::UidValidity(v)) => sel.uid_validity = v,
                    Some(ResponseCode::UidNext(v)) => sel.uid_next = v,
                    Some(ResponseCode::HighestModSeq(v)) => sel.highest_modseq = Some(v),
                    _ => {}
                },
                Untagged::Parsed(Response::Vanished { uids, .. })
                    if sel.vanished.len() < 1_000_000 =>
                {
                    sel.vanished.extend(uids);
                }
                Untagged::Parsed(Response::Fetch(_, attrs)) => {
                    sel.changed.push(fetched(&attrs));
                }
                _ => {}
            }
            Ok(())
        })?;
        if done.outcome != Outcome::Ok {
            return Ok(Err(done.text));
        }
        if done.text.to_ascii_uppercase().contains("[READ-ONLY]") {
            sel.read_only = true;
        }
        if sel.uid_validity == 0 {
            return Err(Error::Network(t!(
                cat(),
                "mailbox-no-uidvalidity",
                peer = self.peer.as_str(),
                name = utf7::decode(raw_name)
            )));
        }
        Ok(Ok(sel))
    }

    /// UID FETCH `set` `items`; each response goes to `on` as it arrives (no buffering of
    /// the whole mailbox).
    pub fn uid_fetch(
        &mut self,
        set: &str,
        items: &str,
        on: &mut dyn FnMut(Fetched) -> Result<()>,
    ) -> Result<()> {
        let command = format!("UID FETCH {set} ({items})");
        self.run(&command, &mut |u| {
            if let Untagged::Parsed(Response::Fetch(_, attrs)) = u {
                let f = fetched(&attrs);
                if f.uid != 0 {
                    on(f)?;
                }
            }
            Ok(())
        })?
        .ok_or("FETCH")?;
        Ok(())
    }

    pub fn uid_search(&mut self, criteria: &str) -> Result<Vec<u32>> {
        let mut out = Vec::new();
        let mut answered = false;
        self.run(&format!("UID SEARCH {criteria}"), &mut |u| {
            if let Untagged::Parsed(Response::MailboxData(MailboxDatum::Search(ids))) = u {
                answered = true;
                out.extend(ids);
            }
            Ok(())
        })?
        .ok_or("SEARCH")?;
        // No SEARCH response at all is not "nothing matched": never treat it as an empty
        // mailbox (that would delete every local copy).
        if !answered {
            return Err(Error::Network(t!(
                cat(),
                "mailbox-search-no-results",
                peer = self.peer.as_str()
            )));
        }
        out.sort_unstable();
        Ok(out)
    }

    /// `+FLAGS.SILENT` / `-FLAGS.SILENT` on some UIDs.
    pub fn uid_store(&mut self, set: &str, add: bool, flags: &[&str]) -> Result<()> {
        let sign = if add { '+' } else { '-' };
        self.run(
            &format!("UID STORE {set} {sign}FLAGS.SILENT ({})", flags.join(" ")),
            &mut |_| Ok(()),
        )?
        .ok_or("STORE")?;
        Ok(())
    }

    /// Move messages; MOVE where offered, else COPY + \Deleted + UID EXPUNGE.
    pub fn uid_move(&mut self, set: &str, target_raw: &str) -> Result<()> {
        let target = q(target_raw)?;
        if self.has("MOVE") {
            self.run(&format!("UID MOVE {set} {target}"), &mut |_| Ok(()))?
                .ok_or("MOVE")?;
            return Ok(());
        }
        self.run(&format!("UID COPY {set} {target}"), &mut |_| Ok(()))?
            .ok_or("COPY")?;
        self.uid_store(set, true, &["\\Deleted"])?;
        if self.has("UIDPLUS") {
            self.run(&format!("UID EXPUNGE {set}"), &mut |_| Ok(()))?
                .ok_or("EXPUNGE")?;
        }
        Ok(())
    }

    pub fn expunge_uids(&mut self, set: &str) -> Result<()> {
        self.uid_store(set, true, &["\\Deleted"])?;
        let cmd = if self.has("UIDPLUS") {
            format!("UID EXPUNGE {set}")
        } else {
            "EXPUNGE".into()
        };
        self.run(&cmd, &mut |_| Ok(()))?.ok_or("EXPUNGE")?;
        Ok(())
    }

    /// APPEND a message; returns its UID where the server says it (UIDPLUS).
    pub fn append(
        &mut self,
        raw_name: &str,
        flags: &[&str],
        message: &[u8],
    ) -> Result<Option<u32>> {
        let head = format!("APPEND {} ({})", q(raw_name)?, flags.join(" "));
        let done = self.run_with_literal(&head, message)?.ok_or("APPEND")?;
        Ok(append_uid(&done.text))
    }

    pub fn create(&mut self, raw_name: &str) -> Result<()> {
        let done = self.run(&format!("CREATE {}", q(raw_name)?), &mut |_| Ok(()))?;
        if done.outcome == Outcome::Ok || done.text.to_ascii_uppercase().contains("ALREADYEXISTS") {
            Ok(())
        } else {
            Err(Error::Network(format!("CREATE: {}", done.text)))
        }
    }

    pub fn delete(&mut self, raw_name: &str) -> Result<()> {
        self.run(&format!("DELETE {}", q(raw_name)?), &mut |_| Ok(()))?
            .ok_or("DELETE")?;
        Ok(())
    }

    /// The rights the server grants us on a mailbox (RFC 4314 MYRIGHTS), as letters.
    pub fn my_rights(&mut self, raw_name: &str) -> Result<Option<String>> {
        if !self.has("ACL") {
            return Ok(None);
        }
        let mut rights = None;
        let done = self.run(&format!("MYRIGHTS {}", q(raw_name)?), &mut |u| {
            if let Untagged::Parsed(Response::MyRights(r)) = u {
                rights = Some(r.rights.iter().map(|r| char::from(*r)).collect::<String>());
            }
            Ok(())
        })?;
        match done.outcome {
            Outcome::Ok => Ok(rights),
            _ => Ok(Some(String::new())),
        }
    }

    /// Grant (or with empty rights, revoke) `identifier` on one of our mailboxes.
    pub fn set_acl(&mut self, raw_name: &str, identifier: &str, rights: &str) -> Result<()> {
        let command = if rights.is_empty() {
            format!("DELETEACL {} {}", q(raw_name)?, q(identifier)?)
        } else {
            format!("SETACL {} {} {}", q(raw_name)?, q(identifier)?, q(rights)?)
        };
        self.run(&command, &mut |_| Ok(()))?.ok_or("SETACL")?;
        Ok(())
    }
}
