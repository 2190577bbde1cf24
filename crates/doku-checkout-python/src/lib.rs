#![doc = include_str!("../README.md")]

mod asyncio;
mod body;
mod client;
mod conformance;
mod errors;
mod mock;
mod results;
mod runtime;
mod signing;

use pyo3::prelude::*;

/// `doku_checkout._native`: the compiled half of the `doku_checkout` package.
#[pymodule(name = "_native")]
fn native(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add("__version__", doku_checkout::VERSION)?;
    signing::register(m)?;
    conformance::register(m)?;
    client::register(m)?;
    results::register(m)?;
    mock::register(m)?;
    Ok(())
}
