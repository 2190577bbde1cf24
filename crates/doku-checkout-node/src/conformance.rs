//! The core's pure decisions, exposed so the shared vectors run in Node too.

use std::time::Duration;

use doku_checkout::operations::{CancelOrderRequest, OrderStatusRequest};
use doku_checkout::retry::{AttemptOutcome, RetryDecision, RetryPolicy};
use doku_checkout::{Classified, Timestamp};
use napi::bindgen_prelude::Buffer;
use napi_derive::napi;

use crate::errors::IntoNapi;

#[napi(object)]
pub struct ClassifyOutcome {
    pub success: bool,
    pub replayed: bool,
    /// The serialised error (the same payload errors carry), when not a success.
    pub error: Option<String>,
}

#[napi(js_name = "nativeClassify")]
pub fn classify(http_status: u32, body: Buffer) -> ClassifyOutcome {
    let status = u16::try_from(http_status).unwrap_or(u16::MAX);
    match doku_checkout::classify(status, &body) {
        Classified::Success { replayed } => ClassifyOutcome { success: true, replayed, error: None },
        Classified::Failure(e) => {
            ClassifyOutcome { success: false, replayed: false, error: Some(crate::errors::to_napi(e).reason) }
        }
    }
}

/// Delay in ms, or null to stop.
#[napi(js_name = "nativeRetryDecision")]
#[allow(clippy::too_many_arguments)]
pub fn retry_decision(
    max_retries: u32,
    initial_backoff_ms: u32,
    max_backoff_ms: u32,
    attempt: u32,
    status: Option<u32>,
    transport: Option<String>,
    retry_after_seconds: Option<u32>,
    jitter: f64,
) -> napi::Result<Option<u32>> {
    let policy = RetryPolicy {
        max_retries,
        initial_backoff: Duration::from_millis(initial_backoff_ms.into()),
        max_backoff: Duration::from_millis(max_backoff_ms.into()),
    };
    let outcome =
        AttemptOutcome::from_parts(status.map(|s| u16::try_from(s).unwrap_or(u16::MAX)), transport.as_deref())
            .ok_or_else(|| napi::Error::from_reason(format!("unknown outcome {transport:?}")))?;
    Ok(match policy.decide(attempt, outcome, retry_after_seconds.map(|s| Duration::from_secs(s.into())), jitter) {
        RetryDecision::RetryAfter(d) => Some(u32::try_from(d.as_millis()).unwrap_or(u32::MAX)),
        RetryDecision::Stop => None,
    })
}

#[napi(js_name = "nativeCancelOrderBody")]
pub fn cancel_order_body(invoice_number: String, original_request_id: String, note: String) -> napi::Result<Buffer> {
    let request = CancelOrderRequest::new(invoice_number, original_request_id, note).napi()?;
    Ok(request.prepare().body.unwrap_or_default().into())
}

#[napi(js_name = "nativeOrderStatusPath")]
pub fn order_status_path(invoice_number: String) -> napi::Result<String> {
    Ok(OrderStatusRequest::new(invoice_number).napi()?.prepare().path)
}

#[napi(js_name = "nativeParseTimestamp")]
pub fn parse_timestamp(text: String) -> napi::Result<i64> {
    Ok(Timestamp::parse(&text).napi()?.unix())
}

#[napi(js_name = "nativeFromWib")]
pub fn from_wib(year: i32, month: u32, day: u32, hour: u32, minute: u32, second: u32) -> napi::Result<i64> {
    Timestamp::from_wib(year, month, day, hour, minute, second)
        .map(Timestamp::unix)
        .ok_or_else(|| napi::Error::from_reason("not a valid WIB date and time"))
}

#[napi(js_name = "nativeParseWibCompact")]
pub fn parse_wib_compact(text: String) -> napi::Result<i64> {
    Ok(Timestamp::parse_wib_compact(&text).napi()?.unix())
}
