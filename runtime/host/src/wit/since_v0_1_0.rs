//! Bindings of the frozen `kapsel:app@0.1.0` (`wit/since_v0.1.0`), and the adapter that lets
//! a 0.1.0 app run on the host's `latest` implementation: every import delegates to the
//! latest capability and converts the (identically shaped) types across. The bindgen call is
//! never edited once released; only the adapter follows the host's latest version.
//!
//! Capability errors that are WIT variants (`storage-error`, `http-error`) are trappable: a
//! host function returns `Result<T, Failure>` and the conversion decides whether the guest
//! sees the variant or the call traps — no hand-built `Ok(Err(..))`.

wasmtime::component::bindgen!({
    world: "micro-app",
    path: "../../wit/since_v0.1.0",
    imports: { default: trappable },
    trappable_error_type: {
        "kapsel:app/storage.storage-error" => crate::caps::storage::Failure,
        "kapsel:app/http.http-error" => crate::caps::http::Failure,
    },
});

use super::latest::exports::kapsel::app::app as new_app;
use super::latest::kapsel::app as new;
use crate::caps::{http::Failure as HttpFailure, storage::Failure as StorageFailure};
use crate::state::HostState;
use exports::kapsel::app::app as old_app;
use kapsel::app as old;

impl old::ui::Host for HostState {}

impl old::storage::Host for HostState {
    fn get(&mut self, key: String) -> Result<Option<Vec<u8>>, StorageFailure> {
        <HostState as new::storage::Host>::get(self, key)
    }
    fn set(&mut self, key: String, value: Vec<u8>) -> Result<(), StorageFailure> {
        <HostState as new::storage::Host>::set(self, key, value)
    }
    fn delete(&mut self, key: String) -> Result<bool, StorageFailure> {
        <HostState as new::storage::Host>::delete(self, key)
    }
    fn list_keys(&mut self, prefix: String) -> Result<Vec<String>, StorageFailure> {
        <HostState as new::storage::Host>::list_keys(self, prefix)
    }
    fn usage(&mut self) -> Result<(u64, u64), StorageFailure> {
        <HostState as new::storage::Host>::usage(self)
    }
    fn convert_storage_error(
        &mut self,
        err: StorageFailure,
    ) -> wasmtime::Result<old::storage::StorageError> {
        use new::storage::StorageError as N;
        use old::storage::StorageError as O;
        Ok(match err.0 {
            N::Denied(s) => O::Denied(s),
            N::QuotaExceeded(n) => O::QuotaExceeded(n),
            N::InvalidKey(s) => O::InvalidKey(s),
            N::Failed(s) => O::Failed(s),
        })
    }
}

impl old::http::Host for HostState {
    fn send(&mut self, r: old::http::Request) -> Result<old::http::Response, HttpFailure> {
        use new::http::Method as N;
        use old::http::Method as O;
        let method = match r.method {
            O::Get => N::Get,
            O::Head => N::Head,
            O::Post => N::Post,
            O::Put => N::Put,
            O::Delete => N::Delete,
            O::Patch => N::Patch,
            O::Options => N::Options,
            O::Propfind => N::Propfind,
            O::Report => N::Report,
            O::Mkcol => N::Mkcol,
        };
        let request = new::http::Request {
            method,
            url: r.url,
            headers: r.headers,
            body: r.body,
        };
        let response = <HostState as new::http::Host>::send(self, request)?;
        Ok(old::http::Response {
            status: response.status,
            headers: response.headers,
            body: response.body,
            final_url: response.final_url,
        })
    }
    fn convert_http_error(&mut self, err: HttpFailure) -> wasmtime::Result<old::http::HttpError> {
        use new::http::HttpError as N;
        use old::http::HttpError as O;
        Ok(match err.0 {
            N::Denied(s) => O::Denied(s),
            N::InvalidUrl(s) => O::InvalidUrl(s),
            N::Timeout(s) => O::Timeout(s),
            N::TooLarge(n) => O::TooLarge(n),
            N::Tls(s) => O::Tls(s),
            N::Connect(s) => O::Connect(s),
            N::Protocol(s) => O::Protocol(s),
        })
    }
}

impl old::notify::Host for HostState {
    fn post(&mut self, title: String, body: String) -> wasmtime::Result<Result<(), String>> {
        <HostState as new::notify::Host>::post(self, title, body)
    }
}

impl old::log::Host for HostState {
    fn write(&mut self, level: old::log::Level, message: String) -> wasmtime::Result<()> {
        use new::log::Level as N;
        use old::log::Level as O;
        let level = match level {
            O::Debug => N::Debug,
            O::Info => N::Info,
            O::Warn => N::Warn,
            O::Error => N::Error,
        };
        <HostState as new::log::Host>::write(self, level, message)
    }
}

fn document(d: new::documents::Document) -> old::documents::Document {
    old::documents::Document {
        id: d.id,
        name: d.name,
        media_type: d.media_type,
        size: d.size,
    }
}

impl old::documents::Host for HostState {
    fn current(&mut self) -> wasmtime::Result<Option<old::documents::Document>> {
        Ok(<HostState as new::documents::Host>::current(self)?.map(document))
    }
    fn read(&mut self, offset: u64, length: u32) -> wasmtime::Result<Result<Vec<u8>, String>> {
        <HostState as new::documents::Host>::read(self, offset, length)
    }
    fn save(
        &mut self,
        name: String,
        media_type: String,
        data: Vec<u8>,
    ) -> wasmtime::Result<Result<old::documents::Document, String>> {
        Ok(<HostState as new::documents::Host>::save(self, name, media_type, data)?.map(document))
    }
    fn open(&mut self, id: String) -> wasmtime::Result<Result<(), String>> {
        <HostState as new::documents::Host>::open(self, id)
    }
}

impl old::config::Host for HostState {
    fn get(&mut self, key: String) -> wasmtime::Result<Option<String>> {
        <HostState as new::config::Host>::get(self, key)
    }
    fn keys(&mut self) -> wasmtime::Result<Vec<String>> {
        <HostState as new::config::Host>::keys(self)
    }
}

/// A 0.1.0 view in the latest types (0.2.0 only added blocks, so every old block has a twin).
pub fn view(v: old::ui::View) -> new::ui::View {
    use new::ui as n;
    use old::ui as o;
    let blocks = v
        .blocks
        .into_iter()
        .map(|b| match b {
            o::Block::Heading(t) => n::Block::Heading(t),
            o::Block::Text(t) => n::Block::Text(t),
            o::Block::Item(i) => n::Block::Item(n::Item {
                title: i.title,
                subtitle: i.subtitle,
                action: i.action,
                badge: i.badge,
            }),
            o::Block::Button(b) => n::Block::Button(n::Button {
                label: b.label,
                action: b.action,
            }),
            o::Block::Field(f) => n::Block::Field(n::Field {
                name: f.name,
                label: f.label,
                kind: match f.kind {
                    o::FieldKind::Text => n::FieldKind::Text,
                    o::FieldKind::Multiline => n::FieldKind::Multiline,
                    o::FieldKind::Number => n::FieldKind::Number,
                    o::FieldKind::Date => n::FieldKind::Date,
                    o::FieldKind::Checkbox => n::FieldKind::Checkbox,
                },
                value: f.value,
            }),
            o::Block::Table(t) => n::Block::Table(n::Table {
                columns: t.columns,
                rows: t.rows,
            }),
            o::Block::Divider => n::Block::Divider,
            o::Block::Notice(x) => n::Block::Notice(n::Notice {
                level: match x.level {
                    o::NoticeLevel::Info => n::NoticeLevel::Info,
                    o::NoticeLevel::Warning => n::NoticeLevel::Warning,
                    o::NoticeLevel::Error => n::NoticeLevel::Error,
                },
                text: x.text,
            }),
            o::Block::Link(l) => n::Block::Link(n::Link {
                label: l.label,
                url: l.url,
            }),
        })
        .collect();
    n::View {
        title: v.title,
        blocks,
    }
}

/// A 0.1.0 app error in the latest type.
pub fn app_error(e: old_app::AppError) -> new_app::AppError {
    match e {
        old_app::AppError::NotFound(s) => new_app::AppError::NotFound(s),
        old_app::AppError::InvalidInput(s) => new_app::AppError::InvalidInput(s),
        old_app::AppError::Denied(s) => new_app::AppError::Denied(s),
        old_app::AppError::Failed(s) => new_app::AppError::Failed(s),
    }
}
