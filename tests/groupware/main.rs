//! Issue 12's modules end to end through the binary against the real servers of
//! tests/servers: calendars, tasks and contacts on Radicale and Xandikos (plain and behind
//! nginx with TLS + Basic), the directory on slapd. One test binary, one module per concern.

mod calendar;
mod contacts;
mod directory;
mod invitations;
