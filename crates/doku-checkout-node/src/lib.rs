#![doc = include_str!("../README.md")]
#![allow(missing_docs)] // napi-derive generates undocumented glue; the public docs live in index.d.ts

pub mod client;
mod completions;
mod errors;
pub mod mock;
pub mod signing;

/// Runs one shared-vector operation by name, JSON in and out (test builds only).
#[cfg(feature = "conformance")]
#[napi_derive::napi(js_name = "conformance")]
pub fn conformance(operation: String, input: String) -> String {
    doku_checkout::conformance::run(&operation, &input)
}
