//! The network edge: origins and address checks, TLS settings from the policy, and a
//! minimal HTTP/1.1 client. Capabilities and protocol modules build on these; nothing here
//! decides what is allowed — callers check grants first.

pub mod http;
pub mod origin;
pub mod stream;
pub mod tls;
