#![doc = include_str!("../README.md")]
#![allow(missing_docs)] // napi-derive generates undocumented glue; the public docs live in index.d.ts

mod client;
mod conformance;
mod errors;
mod mock;
mod signing;
