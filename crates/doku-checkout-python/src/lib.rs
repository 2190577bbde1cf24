#![doc = include_str!("../README.md")]

mod asyncio;
mod body;
mod client;
mod errors;
mod mock;
mod observe;
mod runtime;
mod signing;

/// mimalloc for the extension's own allocations (Python objects keep Python's allocator): calls
/// allocate on the I/O worker and much of it is freed on the calling thread, where glibc's
/// per-thread arenas spend the most.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

use doku_checkout::operations::{CancelOrderResult, CreateCheckoutResult, OrderStatusResult};
use pyo3::prelude::*;

/// `doku_checkout._native`: the compiled half of the `doku_checkout` package.
#[pymodule(name = "_native")]
fn native(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add("__version__", doku_checkout::VERSION)?;
    // The core's own result types, passed through as they are.
    m.add_class::<CancelOrderResult>()?;
    m.add_class::<CreateCheckoutResult>()?;
    m.add_class::<OrderStatusResult>()?;
    signing::register(m)?;
    client::register(m)?;
    mock::register(m)?;
    #[cfg(feature = "conformance")]
    m.add_function(wrap_pyfunction!(conformance, m)?)?;
    Ok(())
}

/// Runs one shared-vector operation by name, JSON in and out (test builds only).
#[cfg(feature = "conformance")]
#[pyfunction(name = "_conformance")]
fn conformance(operation: &str, input: &str) -> String {
    doku_checkout::conformance::run(operation, input)
}
