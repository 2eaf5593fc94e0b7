//! The app's log inside the container (`kapsel app log <id>`).

use crate::bindings::kapsel::app::log as wit;

pub fn debug(msg: &str) {
    wit::write(wit::Level::Debug, msg)
}
pub fn info(msg: &str) {
    wit::write(wit::Level::Info, msg)
}
pub fn warn(msg: &str) {
    wit::write(wit::Level::Warn, msg)
}
pub fn error(msg: &str) {
    wit::write(wit::Level::Error, msg)
}
