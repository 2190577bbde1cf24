#![doc = include_str!("../README.md")]
// uniffi errors cross the FFI by value as a buffer; boxing them is neither possible nor useful.
#![allow(clippy::result_large_err)]

uniffi::setup_scaffolding!();

mod blocking;
mod client;
#[cfg(feature = "conformance")]
mod conformance;
mod direct;
mod error;
mod observe;
mod signing;

/// mimalloc for the library's own allocations: calls allocate on the I/O worker and are freed
/// on the caller's threads, where glibc's per-thread arenas spend the most.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

pub use client::DokuClient;
pub use error::DokuError;
pub use observe::{CallTrace, CallTracing, set_call_tracing};
pub use signing::{DokuSigner, HeaderPair, SigningRequest, VerifiedNotification};
