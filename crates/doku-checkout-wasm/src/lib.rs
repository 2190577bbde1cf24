#![doc = include_str!("../README.md")]

mod client;
mod convert;
mod signing;

pub use client::{WasmCall, WasmClient};
pub use signing::*;

/// Every shared vector by name, JSON in and out: the core's one test entry point (test
/// builds only; release builds never carry it).
#[cfg(feature = "conformance")]
#[wasm_bindgen::prelude::wasm_bindgen(js_name = "conformanceRun")]
pub fn conformance_run(operation: &str, input: &str) -> String {
    doku_checkout::conformance::run(operation, input)
}
