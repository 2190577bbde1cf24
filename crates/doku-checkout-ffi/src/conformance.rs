//! The core's pure decisions, exported so the shared vectors run in Kotlin and Swift too.

use std::time::Duration;

use doku_checkout::operations::{CancelOrderRequest, OrderStatusRequest};
use doku_checkout::retry::{AttemptOutcome, RetryDecision, RetryPolicy};
use doku_checkout::{Classified, Timestamp};

use crate::error::{DokuError, internal};

/// Classifies DOKU's final answer: `replayed` on success, the typed error otherwise.
#[uniffi::export]
pub fn classify_response(http_status: u16, body: Vec<u8>) -> Result<bool, DokuError> {
    match doku_checkout::classify(http_status, &body) {
        Classified::Success { replayed } => Ok(replayed),
        Classified::Failure(e) => Err(e.into()),
    }
}

/// The delay in ms before retrying, or null to stop. `transport`: `connect_failed`,
/// `connection_lost` or `timed_out` when there was no HTTP status.
#[uniffi::export]
#[allow(clippy::too_many_arguments)]
pub fn retry_decision(
    max_retries: u32,
    initial_backoff_ms: u64,
    max_backoff_ms: u64,
    attempt: u32,
    status: Option<u16>,
    transport: Option<String>,
    retry_after_seconds: Option<u64>,
    jitter: f64,
) -> Result<Option<u64>, DokuError> {
    let policy = RetryPolicy {
        max_retries,
        initial_backoff: Duration::from_millis(initial_backoff_ms),
        max_backoff: Duration::from_millis(max_backoff_ms),
    };
    let outcome = AttemptOutcome::from_parts(status, transport.as_deref())
        .ok_or_else(|| internal(format!("unknown outcome {transport:?}")))?;
    Ok(match policy.decide(attempt, outcome, retry_after_seconds.map(Duration::from_secs), jitter) {
        RetryDecision::RetryAfter(d) => Some(u64::try_from(d.as_millis()).unwrap_or(u64::MAX)),
        RetryDecision::Stop => None,
    })
}

/// The exact cancel body bytes.
#[uniffi::export]
pub fn cancel_order_body(
    invoice_number: String,
    original_request_id: String,
    note: String,
) -> Result<Vec<u8>, DokuError> {
    Ok(CancelOrderRequest::new(invoice_number, original_request_id, note)?.prepare().body.unwrap_or_default())
}

/// The signed status path for an invoice number.
#[uniffi::export]
pub fn order_status_path(invoice_number: String) -> Result<String, DokuError> {
    Ok(OrderStatusRequest::new(invoice_number)?.prepare().path)
}

/// Strict `YYYY-MM-DDTHH:MM:SSZ` → Unix seconds.
#[uniffi::export]
pub fn parse_timestamp(text: String) -> Result<i64, DokuError> {
    Ok(Timestamp::parse(&text)?.unix())
}

/// WIB (UTC+7) wall-clock time → Unix seconds.
#[uniffi::export]
pub fn from_wib(year: i32, month: u32, day: u32, hour: u32, minute: u32, second: u32) -> Result<i64, DokuError> {
    Timestamp::from_wib(year, month, day, hour, minute, second).map(Timestamp::unix).ok_or_else(|| {
        DokuError::from(doku_checkout::Error::invalid_input("timestamp", "not a valid WIB date and time"))
    })
}

/// DOKU's WIB `yyyyMMddHHmmss` → Unix seconds.
#[uniffi::export]
pub fn parse_wib_compact(text: String) -> Result<i64, DokuError> {
    Ok(Timestamp::parse_wib_compact(&text)?.unix())
}

/// `[code, ClassName]` for every stable code (the names the other bindings use).
#[uniffi::export]
pub fn error_codes() -> Vec<Vec<String>> {
    doku_checkout::ErrorCode::ALL.iter().map(|c| vec![c.as_str().to_owned(), c.class_name().to_owned()]).collect()
}
