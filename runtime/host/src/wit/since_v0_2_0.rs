//! Bindings of the frozen `kapsel:app@0.2.0` (`wit/since_v0.2.0`): 0.1.0 plus the `image`
//! view block and the documents `writer`. The host's capabilities are written against these
//! types (`latest`); the bindgen call is never edited once released.
//!
//! Capability errors that are WIT variants (`storage-error`, `http-error`) are trappable: a
//! host function returns `Result<T, Failure>` and the conversion decides whether the guest
//! sees the variant or the call traps — no hand-built `Ok(Err(..))`.

wasmtime::component::bindgen!({
    world: "micro-app",
    path: "../../wit/since_v0.2.0",
    imports: { default: trappable },
    trappable_error_type: {
        "kapsel:app/storage.storage-error" => crate::caps::storage::Failure,
        "kapsel:app/http.http-error" => crate::caps::http::Failure,
    },
    with: {
        "kapsel:app/documents.writer": crate::caps::documents::Writer,
    },
});
