//! Notifications; while the container is locked the user sees only a count.

pub fn post(title: &str, body: &str) -> Result<(), String> {
    crate::bindings::kapsel::app::notify::post(title, body)
}
