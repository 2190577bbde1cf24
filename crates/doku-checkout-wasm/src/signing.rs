//! Pure functions: signing, digests, ids, timestamps, notification and response verification.
//! The JavaScript layer (`node/edge/api.mjs`) checks argument types and turns bodies into
//! bytes; everything else is the core's.

use doku_checkout::{Error, SecretKey, SigningInput, Timestamp, VerifyOptions};
use wasm_bindgen::JsValue;
use wasm_bindgen::prelude::wasm_bindgen;

use crate::convert::{IntoJs, header_pairs, whole_seconds};

/// The `Signature` header value (`HMACSHA256=...`) for one request.
#[wasm_bindgen(js_name = "wasmSignRequest")]
pub fn sign_request(
    client_id: &str,
    secret_key: String,
    request_id: &str,
    timestamp: &str,
    request_target: &str,
    body: Option<Vec<u8>>,
) -> Result<String, JsValue> {
    let sign = || {
        let secret = SecretKey::new(secret_key)?;
        Ok::<_, Error>(
            SigningInput::new(client_id, request_id, timestamp, request_target, body.as_deref())?.sign(&secret),
        )
    };
    sign().js()
}

/// The exact text that is signed, for comparing with DOKU's examples.
#[wasm_bindgen(js_name = "wasmSigningString")]
pub fn signing_string(
    client_id: &str,
    request_id: &str,
    timestamp: &str,
    request_target: &str,
    body: Option<Vec<u8>>,
) -> Result<String, JsValue> {
    SigningInput::new(client_id, request_id, timestamp, request_target, body.as_deref())
        .map(|i| i.string_to_sign())
        .js()
}

/// `base64(sha256(body))`.
#[wasm_bindgen(js_name = "wasmComputeDigest")]
pub fn compute_digest(body: &[u8]) -> String {
    doku_checkout::compute_digest(body)
}

/// A new Request-Id (UUID v4, randomness from WebCrypto).
#[wasm_bindgen(js_name = "wasmNewRequestId")]
pub fn new_request_id() -> String {
    doku_checkout::new_request_id()
}

/// Unix seconds as DOKU's Request-Timestamp text.
#[wasm_bindgen(js_name = "wasmFormatUnixTimestamp")]
pub fn format_unix_timestamp(seconds: f64) -> Result<String, JsValue> {
    whole_seconds(seconds, "timestamp").and_then(Timestamp::from_unix_checked).map(|t| t.to_string()).js()
}

/// Verifies a notification; returns its Request-Id (the JavaScript layer parses the body).
/// `now` is required: WebAssembly has no clock of its own, so the host's time is passed in.
#[wasm_bindgen(js_name = "wasmVerifyNotification")]
pub fn verify_notification(
    secret_key: String,
    headers: Vec<String>,
    body: &[u8],
    notification_path: &str,
    tolerance_seconds: Option<f64>,
    now: f64,
) -> Result<String, JsValue> {
    let verify = || {
        let secret = SecretKey::new(secret_key)?;
        let tolerance = tolerance_seconds
            .map(|t| {
                whole_seconds(t, "tolerance").and_then(|t| {
                    u64::try_from(t)
                        .map_err(|_| Error::invalid_input("tolerance", "tolerance must be zero or more seconds"))
                })
            })
            .transpose()?;
        let now = whole_seconds(now, "now").and_then(Timestamp::from_unix_checked)?;
        let options = VerifyOptions { tolerance_seconds: tolerance, now: Some(now) };
        doku_checkout::verify_notification(&secret, &header_pairs(&headers), body, notification_path, options)
    };
    verify().map(|n| n.request_id).js()
}

/// Verifies DOKU's signature on an API response (Response-Timestamp variant).
#[wasm_bindgen(js_name = "wasmVerifyResponse")]
pub fn verify_response(
    secret_key: String,
    client_id: &str,
    request_id: &str,
    request_target: &str,
    headers: Vec<String>,
    body: &[u8],
    with_digest: bool,
) -> Result<(), JsValue> {
    let verify = || {
        let secret = SecretKey::new(secret_key)?;
        doku_checkout::verify_response(
            &secret,
            client_id,
            request_id,
            request_target,
            &header_pairs(&headers),
            body,
            with_digest,
        )
    };
    verify().js()
}

/// The headers DOKU would send with `body`, as flat `[name, value, ...]` pairs (a test helper).
/// `timestamp` is required: WebAssembly has no clock of its own.
#[wasm_bindgen(js_name = "wasmSignNotification")]
pub fn sign_notification(
    secret_key: String,
    client_id: &str,
    body: &[u8],
    notification_path: &str,
    request_id: Option<String>,
    timestamp: &str,
) -> Result<Vec<String>, JsValue> {
    let sign = || {
        let secret = SecretKey::new(secret_key)?;
        doku_checkout::sign_notification(
            &secret,
            client_id,
            body,
            notification_path,
            request_id.as_deref(),
            Some(timestamp),
        )
    };
    sign().map(|pairs| pairs.into_iter().flat_map(|(n, v)| [n, v]).collect()).js()
}

/// `supported`, `not_supported` or `unknown` for a payment method type (advisory).
#[wasm_bindgen(js_name = "wasmCancelSupport")]
pub fn cancel_support(payment_method_type: &str) -> String {
    doku_checkout::cancel_support(payment_method_type).as_str().to_owned()
}

/// The merchant's order state for DOKU's statuses (`lifecycle::order_lifecycle`).
#[wasm_bindgen(js_name = "wasmOrderLifecycle")]
pub fn order_lifecycle(
    transaction_status: Option<String>,
    order_status: Option<String>,
) -> Result<Option<String>, JsValue> {
    doku_checkout::lifecycle::order_lifecycle(transaction_status.as_deref(), order_status.as_deref()).js()
}

/// `[outcome, state]` (`state` empty unless applied) for a stored state and DOKU's news.
#[wasm_bindgen(js_name = "wasmLifecycleTransition")]
pub fn lifecycle_transition(
    stored: Option<String>,
    transaction_status: Option<String>,
    order_status: Option<String>,
) -> Result<Vec<String>, JsValue> {
    doku_checkout::lifecycle::lifecycle_transition(
        stored.as_deref(),
        transaction_status.as_deref(),
        order_status.as_deref(),
    )
    .map(|(outcome, state)| vec![outcome.to_owned(), state.unwrap_or_default()])
    .js()
}
