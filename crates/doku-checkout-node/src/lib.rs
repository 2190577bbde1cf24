#![doc = include_str!("../README.md")]
#![allow(missing_docs)] // napi-derive generates undocumented glue; the public docs live in index.d.ts

pub mod client;
mod completions;
mod errors;
mod io_thread;
pub mod mock;
mod observe;
pub mod signing;

/// mimalloc for the addon's own allocations: every call allocates on the I/O worker and much of
/// it is freed on the JS thread, the pattern where glibc's per-thread arenas spend the most.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Runs one shared-vector operation by name, JSON in and out (test builds only).
#[cfg(feature = "conformance")]
#[napi_derive::napi(js_name = "conformance")]
pub fn conformance(operation: String, input: String) -> String {
    doku_checkout::conformance::run(&operation, &input)
}

/// napi's runtime serves the in-process mock server (`doku-checkout/testing`) only: one worker
/// is plenty. Clients' calls run on their own I/O thread (`io_thread`).
#[napi_derive::module_init]
fn init() {
    if let Ok(rt) = tokio::runtime::Builder::new_multi_thread().worker_threads(1).enable_all().build() {
        napi::bindgen_prelude::create_custom_tokio_runtime(rt);
    }
}
