//! The core's pure decisions, exposed so the shared vectors run in Python too
//! (`tests/vectors/*.json`). Not part of the documented API.

use std::time::Duration;

use doku_checkout::operations::{CancelOrderRequest, OrderStatusRequest};
use doku_checkout::retry::{AttemptOutcome, RetryDecision, RetryPolicy};
use doku_checkout::{Classified, Timestamp};
use pyo3::prelude::*;
use pyo3::types::PyBytes;

use crate::body::Body;
use crate::errors::{IntoPyResult, exception};

/// `(True, replayed, None)` or `(False, False, exception)`.
#[pyfunction]
fn classify(py: Python<'_>, http_status: u16, body: Body) -> PyResult<(bool, bool, Option<Bound<'_, PyAny>>)> {
    Ok(match doku_checkout::classify(http_status, body.as_bytes()) {
        Classified::Success { replayed } => (true, replayed, None),
        Classified::Failure(e) => (false, false, Some(exception(py, &e)?)),
    })
}

/// The delay in milliseconds before retrying, or `None` to stop.
#[pyfunction]
#[pyo3(signature = (*, max_retries, initial_backoff_ms, max_backoff_ms, attempt, status = None, transport = None, retry_after_seconds = None, jitter))]
#[allow(clippy::too_many_arguments)]
fn retry_decision(
    max_retries: u32,
    initial_backoff_ms: u64,
    max_backoff_ms: u64,
    attempt: u32,
    status: Option<u16>,
    transport: Option<&str>,
    retry_after_seconds: Option<u64>,
    jitter: f64,
) -> PyResult<Option<u128>> {
    let policy = RetryPolicy {
        max_retries,
        initial_backoff: Duration::from_millis(initial_backoff_ms),
        max_backoff: Duration::from_millis(max_backoff_ms),
    };
    let outcome = AttemptOutcome::from_parts(status, transport)
        .ok_or_else(|| pyo3::exceptions::PyValueError::new_err(format!("unknown outcome {transport:?}")))?;
    Ok(match policy.decide(attempt, outcome, retry_after_seconds.map(Duration::from_secs), jitter) {
        RetryDecision::RetryAfter(d) => Some(d.as_millis()),
        RetryDecision::Stop => None,
    })
}

/// The exact cancel body bytes.
#[pyfunction]
fn cancel_order_body<'py>(
    py: Python<'py>,
    invoice_number: &str,
    original_request_id: &str,
    note: &str,
) -> PyResult<Bound<'py, PyBytes>> {
    let request = CancelOrderRequest::new(invoice_number, original_request_id, note).py_err()?;
    Ok(PyBytes::new(py, &request.prepare().body.unwrap_or_default()))
}

/// The signed status path for an invoice number.
#[pyfunction]
fn order_status_path(invoice_number: &str) -> PyResult<String> {
    Ok(OrderStatusRequest::new(invoice_number).py_err()?.prepare().path)
}

/// Strict `YYYY-MM-DDTHH:MM:SSZ` → seconds since the epoch.
#[pyfunction]
fn parse_timestamp(text: &str) -> PyResult<i64> {
    Ok(Timestamp::parse(text).py_err()?.unix())
}

/// WIB wall-clock fields → seconds since the epoch.
#[pyfunction]
fn from_wib(year: i32, month: u32, day: u32, hour: u32, minute: u32, second: u32) -> PyResult<i64> {
    Timestamp::from_wib(year, month, day, hour, minute, second)
        .map(Timestamp::unix)
        .ok_or_else(|| pyo3::exceptions::PyValueError::new_err("not a valid WIB date and time"))
}

/// DOKU's WIB `yyyyMMddHHmmss` → seconds since the epoch.
#[pyfunction]
fn parse_wib_compact(text: &str) -> PyResult<i64> {
    Ok(Timestamp::parse_wib_compact(text).py_err()?.unix())
}

pub(crate) fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(classify, m)?)?;
    m.add_function(wrap_pyfunction!(retry_decision, m)?)?;
    m.add_function(wrap_pyfunction!(cancel_order_body, m)?)?;
    m.add_function(wrap_pyfunction!(order_status_path, m)?)?;
    m.add_function(wrap_pyfunction!(parse_timestamp, m)?)?;
    m.add_function(wrap_pyfunction!(from_wib, m)?)?;
    m.add_function(wrap_pyfunction!(parse_wib_compact, m)?)?;
    Ok(())
}
