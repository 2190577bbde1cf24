#![doc = include_str!("../README.md")]
#![allow(missing_docs)] // napi-derive generates undocumented glue; the public docs live in index.d.ts

pub mod client;
pub mod conformance;
mod errors;
pub mod mock;
pub mod signing;
