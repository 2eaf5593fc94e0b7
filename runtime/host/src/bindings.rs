//! Generated host bindings, one module per frozen WIT version (Zed-style). A new API version
//! adds a module here and a dispatch arm in `instance.rs`; old modules never change.

pub mod v0_1 {
    wasmtime::component::bindgen!({
        world: "micro-app",
        path: "../../wit/since_v0.1.0",
        imports: { default: trappable },
    });
}
