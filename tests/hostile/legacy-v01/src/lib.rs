//! Not hostile, but old: an app built against the frozen `kapsel:app@0.1.0` with
//! wit-bindgen directly, as apps were before 0.2. The host must keep running it unchanged —
//! storage, config, notify, log and every 0.1 block kind — through its 0.1 adapter.

wit_bindgen::generate!({
    path: "../../../wit/since_v0.1.0",
    world: "micro-app",
});

use exports::kapsel::app::app::{AppError, Guest};
use kapsel::app::ui::{Block, Item, Notice, NoticeLevel, View};
use kapsel::app::{config, log, notify, storage};

#[used]
#[unsafe(link_section = "kapsel:api-version")]
static KAPSEL_API_VERSION: [u8; 5] = *b"0.1.0";

struct Legacy;

impl Guest for Legacy {
    fn view(route: String) -> Result<View, AppError> {
        let visits = match storage::get("visits") {
            Ok(Some(v)) => v.first().copied().unwrap_or(0),
            Ok(None) => 0,
            Err(e) => return Err(AppError::Failed(format!("storage: {e:?}"))),
        }
        .wrapping_add(1);
        storage::set("visits", &[visits]).map_err(|e| AppError::Failed(format!("{e:?}")))?;
        log::write(log::Level::Info, &format!("visit {visits}"));
        let locale = config::get("kapsel.locale").unwrap_or_default();
        Ok(View {
            title: "Legacy 0.1".into(),
            blocks: vec![
                Block::Heading(format!("route {route:?}")),
                Block::Text(format!("visits={visits}")),
                Block::Text(format!("locale={locale}")),
                Block::Item(Item {
                    title: "ping".into(),
                    subtitle: None,
                    action: Some("ping".into()),
                    badge: None,
                }),
                Block::Notice(Notice {
                    level: NoticeLevel::Info,
                    text: "built against 0.1".into(),
                }),
            ],
        })
    }

    fn act(action: String, _form: Vec<(String, String)>) -> Result<View, AppError> {
        match action.as_str() {
            "ping" => {
                let posted = notify::post("Legacy", "pong").is_ok();
                Ok(View {
                    title: "Legacy 0.1".into(),
                    blocks: vec![Block::Text(format!("notified={posted}"))],
                })
            }
            other => Err(AppError::NotFound(other.to_string())),
        }
    }
}

export!(Legacy);
