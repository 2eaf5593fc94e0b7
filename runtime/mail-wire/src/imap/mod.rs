//! IMAP4rev1 with the extensions Kapsel's sync uses, as data: framing, command arguments and
//! responses.

pub mod command;
pub mod frame;
pub mod response;

pub use command::{Tags, quote, uid_set};
pub use frame::Framer;
pub use response::*;
