//! Exit codes: part of the command line's contract (README, "Exit codes"). The library
//! crates say what went wrong; only the binary decides how a process reports it.

use kapsel_core::Error;

/// The process exit code for an error.
pub fn code(e: &Error) -> i32 {
    match e {
        Error::Invalid(_) => 2,
        Error::Locked => 3,
        Error::WrongPassword { .. } | Error::BackOff { .. } => 4,
        Error::Device(_) => 5,
        Error::Policy(_) => 6,
        Error::NotEnrolled(_) | Error::AlreadyEnrolled(_) | Error::NotFound(_) => 7,
        Error::Tampered(_) => 8,
        Error::Wiped(_) => 9,
        Error::Remote { code, .. } | Error::Reported { code, .. } => *code,
        Error::Network(_) | Error::Tls(_) => 10,
        Error::Agent(_) | Error::Storage(_) | Error::Io { .. } => 1,
    }
}
