//! Pure functions: signing, digests, ids, notification and response verification.

use doku_checkout::{Error, ReceivedHeaders, SecretKey, SigningInput, Timestamp, VerifyOptions};
use pyo3::prelude::*;
use pyo3::types::PyMapping;

use crate::body::{Body, Text, seconds};
use crate::errors::{IntoPyResult, to_py};

fn input<'a>(
    client_id: &'a str,
    request_id: &'a str,
    timestamp: &'a str,
    request_target: &'a str,
    body: Option<&'a Body>,
) -> PyResult<SigningInput<'a>> {
    SigningInput::new(client_id, request_id, timestamp, request_target, body.map(Body::as_bytes)).py_err()
}

/// The `Signature` header value (`HMACSHA256=...`) for a request.
#[pyfunction]
#[pyo3(signature = (*, client_id, secret_key, request_id, timestamp, request_target, body = None))]
fn sign_request(
    client_id: Text,
    secret_key: Text,
    request_id: Text,
    timestamp: Text,
    request_target: Text,
    body: Option<Body>,
) -> PyResult<String> {
    let secret = SecretKey::new(&*secret_key).py_err()?;
    Ok(input(&client_id, &request_id, &timestamp, &request_target, body.as_ref())?.sign(&secret))
}

/// The exact string that is signed (for debugging a signature mismatch). Accepts the same
/// keyword arguments as `sign_request`, so a call can be switched between the two; the
/// secret key is not part of the string and is ignored.
#[pyfunction]
#[pyo3(signature = (*, client_id, secret_key = None, request_id, timestamp, request_target, body = None))]
fn signing_string(
    client_id: Text,
    secret_key: Option<Text>,
    request_id: Text,
    timestamp: Text,
    request_target: Text,
    body: Option<Body>,
) -> PyResult<String> {
    let _ = secret_key; // not part of the signed string
    Ok(input(&client_id, &request_id, &timestamp, &request_target, body.as_ref())?.string_to_sign())
}

/// base64(SHA-256(body)).
#[pyfunction]
fn compute_digest(body: Body) -> String {
    doku_checkout::compute_digest(body.as_bytes())
}

/// A new random Request-Id (UUID v4).
#[pyfunction]
fn new_request_id() -> String {
    doku_checkout::new_request_id()
}

/// Seconds since the epoch → `YYYY-MM-DDTHH:MM:SSZ` (years 0000–9999).
#[pyfunction]
fn format_unix_timestamp(seconds: i64) -> PyResult<String> {
    Timestamp::from_unix_checked(seconds).map(|t| t.to_string()).py_err()
}

/// Collects `(str, str)` pairs from any mapping; non-string entries (WSGI's `wsgi.input`
/// and friends in Django's `request.META`) are skipped.
fn collect_headers(headers: &Bound<'_, PyAny>) -> PyResult<ReceivedHeaders> {
    let items = match headers.cast::<PyMapping>() {
        Ok(m) => m.items()?.into_any(),
        Err(_) => headers.call_method0("items").map_err(|_| {
            to_py(Error::invalid_input(
                "headers",
                "headers must be a mapping of the received headers (request.headers or request.META)",
            ))
        })?,
    };
    let mut pairs = Vec::new();
    for item in items.try_iter()? {
        let (k, v): (Bound<'_, PyAny>, Bound<'_, PyAny>) = item?.extract()?;
        if let (Ok(k), Ok(v)) = (k.extract::<String>(), v.extract::<String>()) {
            pairs.push((k, v));
        }
    }
    Ok(ReceivedHeaders::new(pairs))
}

/// Verifies an HTTP Notification; returns `(client_id, request_id, timestamp_unix)`.
/// The Python wrapper parses the body with `json.loads` (exact big integers) afterwards.
#[pyfunction]
#[pyo3(signature = (*, secret_key, headers, body, notification_path, tolerance = None, now = None))]
fn verify_notification_raw(
    py: Python<'_>,
    secret_key: Text,
    headers: &Bound<'_, PyAny>,
    body: Body,
    notification_path: Text,
    tolerance: Option<&Bound<'_, PyAny>>,
    now: Option<&Bound<'_, PyAny>>,
) -> PyResult<(String, String, i64)> {
    let secret = SecretKey::new(&*secret_key).py_err()?;
    let headers = collect_headers(headers)?;
    let now = seconds::<i64>(now, "now")?.map(Timestamp::from_unix_checked).transpose().py_err()?;
    let options = VerifyOptions { tolerance_seconds: seconds(tolerance, "tolerance")?, now };
    let bytes = body.as_bytes();
    let n = py
        .detach(|| doku_checkout::verify_notification(&secret, &headers, bytes, &notification_path, options))
        .py_err()?;
    Ok((n.client_id, n.request_id, n.timestamp.unix()))
}

/// Verifies DOKU's signature on an API response (`Response-Timestamp` variant).
#[pyfunction]
#[pyo3(signature = (*, secret_key, client_id, request_id, request_target, headers, body, with_digest = true))]
fn verify_response(
    secret_key: Text,
    client_id: Text,
    request_id: Text,
    request_target: Text,
    headers: &Bound<'_, PyAny>,
    body: Body,
    with_digest: bool,
) -> PyResult<()> {
    let secret = SecretKey::new(&*secret_key).py_err()?;
    let headers = collect_headers(headers)?;
    doku_checkout::verify_response(
        &secret,
        &client_id,
        &request_id,
        &request_target,
        &headers,
        body.as_bytes(),
        with_digest,
    )
    .py_err()
}

/// The headers DOKU would send with `body` to `notification_path` (a test helper; the Python
/// wrapper is `doku_checkout.testing.sign_notification`).
#[pyfunction]
#[pyo3(signature = (*, secret_key, client_id, body, notification_path, request_id = None, timestamp = None))]
fn sign_notification(
    secret_key: Text,
    client_id: Text,
    body: Body,
    notification_path: Text,
    request_id: Option<Text>,
    timestamp: Option<Text>,
) -> PyResult<Vec<(String, String)>> {
    let secret = SecretKey::new(&*secret_key).py_err()?;
    doku_checkout::sign_notification(
        &secret,
        &client_id,
        body.as_bytes(),
        &notification_path,
        request_id.as_deref(),
        timestamp.as_deref(),
    )
    .py_err()
}

/// A notification body DOKU would send (JSON text; the Python wrapper is
/// `doku_checkout.testing.notification_body`).
#[pyfunction]
#[pyo3(signature = (*, invoice_number, amount, original_request_id, channel = None, status = None, timestamp = None))]
fn notification_body(
    invoice_number: Text,
    amount: u64,
    original_request_id: Text,
    channel: Option<Text>,
    status: Option<Text>,
    timestamp: Option<Text>,
) -> PyResult<String> {
    let n = doku_checkout::payment_bodies::sample_notification;
    n(channel.as_deref(), status.as_deref(), &invoice_number, amount, &original_request_id, timestamp.as_deref())
        .py_err()
}

/// The merchant's order state for DOKU's statuses, or None (`doku_checkout.order_lifecycle`).
#[pyfunction]
#[pyo3(signature = (*, transaction_status = None, order_status = None))]
fn order_lifecycle(transaction_status: Option<Text>, order_status: Option<Text>) -> PyResult<Option<String>> {
    doku_checkout::lifecycle::order_lifecycle(transaction_status.as_deref(), order_status.as_deref()).py_err()
}

/// `(outcome, state)` for a stored state and DOKU's statuses (`doku_checkout.lifecycle_transition`).
#[pyfunction]
#[pyo3(signature = (stored, *, transaction_status = None, order_status = None))]
fn lifecycle_transition(
    stored: Option<Text>,
    transaction_status: Option<Text>,
    order_status: Option<Text>,
) -> PyResult<(&'static str, Option<String>)> {
    doku_checkout::lifecycle::lifecycle_transition(
        stored.as_deref(),
        transaction_status.as_deref(),
        order_status.as_deref(),
    )
    .py_err()
}

/// `"supported"`, `"not_supported"` or `"unknown"` for a payment method type (advisory).
#[pyfunction]
fn cancel_support(payment_method_type: Text) -> &'static str {
    doku_checkout::cancel_support(&payment_method_type).as_str()
}

pub(crate) fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(sign_request, m)?)?;
    m.add_function(wrap_pyfunction!(signing_string, m)?)?;
    m.add_function(wrap_pyfunction!(compute_digest, m)?)?;
    m.add_function(wrap_pyfunction!(new_request_id, m)?)?;
    m.add_function(wrap_pyfunction!(format_unix_timestamp, m)?)?;
    m.add_function(wrap_pyfunction!(verify_notification_raw, m)?)?;
    m.add_function(wrap_pyfunction!(verify_response, m)?)?;
    m.add_function(wrap_pyfunction!(cancel_support, m)?)?;
    m.add_function(wrap_pyfunction!(sign_notification, m)?)?;
    m.add_function(wrap_pyfunction!(notification_body, m)?)?;
    m.add_function(wrap_pyfunction!(order_lifecycle, m)?)?;
    m.add_function(wrap_pyfunction!(lifecycle_transition, m)?)?;
    Ok(())
}
