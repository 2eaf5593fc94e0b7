//! The tenant's settings for this app (`[apps.<id>.settings]` in its policy): read-only.

pub fn get(key: &str) -> Option<String> {
    crate::bindings::kapsel::app::config::get(key)
}

pub fn keys() -> Vec<String> {
    crate::bindings::kapsel::app::config::keys()
}
