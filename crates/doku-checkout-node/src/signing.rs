//! Pure functions: signing, digests, ids, notification and response verification.

use doku_checkout::{Error, ReceivedHeaders, SecretKey, SigningInput, Timestamp, VerifyOptions};
use napi::Env;
use napi::bindgen_prelude::Buffer;
use napi_derive::napi;

use crate::errors::IntoNapi;

fn input<'a>(
    client_id: &'a str,
    request_id: &'a str,
    timestamp: &'a str,
    request_target: &'a str,
    body: Option<&'a [u8]>,
) -> Result<SigningInput<'a>, Error> {
    SigningInput::new(client_id, request_id, timestamp, request_target, body)
}

#[napi(js_name = "nativeSignRequest")]
pub fn sign_request(
    env: Env,
    client_id: String,
    secret_key: String,
    request_id: String,
    timestamp: String,
    request_target: String,
    body: Option<Buffer>,
) -> napi::Result<String> {
    let sign = || {
        Ok(input(&client_id, &request_id, &timestamp, &request_target, body.as_deref())?
            .sign(&SecretKey::new(secret_key)?))
    };
    sign().napi(&env)
}

#[napi(js_name = "nativeSigningString")]
pub fn signing_string(
    env: Env,
    client_id: String,
    request_id: String,
    timestamp: String,
    request_target: String,
    body: Option<Buffer>,
) -> napi::Result<String> {
    input(&client_id, &request_id, &timestamp, &request_target, body.as_deref()).map(|i| i.string_to_sign()).napi(&env)
}

#[napi(js_name = "nativeComputeDigest")]
pub fn compute_digest(body: Buffer) -> String {
    doku_checkout::compute_digest(&body)
}

#[napi(js_name = "nativeNewRequestId")]
pub fn new_request_id() -> String {
    doku_checkout::new_request_id()
}

#[napi(js_name = "nativeFormatUnixTimestamp")]
pub fn format_unix_timestamp(env: Env, seconds: i64) -> napi::Result<String> {
    Timestamp::from_unix_checked(seconds).map(|t| t.to_string()).napi(&env)
}

fn headers(pairs: Vec<Vec<String>>) -> ReceivedHeaders {
    ReceivedHeaders::new(pairs.into_iter().filter_map(|p| {
        let mut it = p.into_iter();
        Some((it.next()?, it.next()?))
    }))
}

/// Verifies a notification; returns its Request-Id (the JS layer parses the body).
#[napi(js_name = "nativeVerifyNotification")]
pub fn verify_notification(
    env: Env,
    secret_key: String,
    header_pairs: Vec<Vec<String>>,
    body: Buffer,
    notification_path: String,
    tolerance_seconds: Option<i64>,
    now: Option<i64>,
) -> napi::Result<String> {
    let verify = || {
        let secret = SecretKey::new(secret_key)?;
        let tolerance = tolerance_seconds
            .map(|t| {
                u64::try_from(t)
                    .map_err(|_| Error::invalid_input("tolerance", "tolerance must be zero or more seconds"))
            })
            .transpose()?;
        let now = now.map(Timestamp::from_unix_checked).transpose()?;
        let options = VerifyOptions { tolerance_seconds: tolerance, now };
        doku_checkout::verify_notification(&secret, &headers(header_pairs), &body, &notification_path, options)
    };
    verify().map(|n| n.request_id).napi(&env)
}

#[napi(js_name = "nativeVerifyResponse")]
#[allow(clippy::too_many_arguments)]
pub fn verify_response(
    env: Env,
    secret_key: String,
    client_id: String,
    request_id: String,
    request_target: String,
    header_pairs: Vec<Vec<String>>,
    body: Buffer,
    with_digest: bool,
) -> napi::Result<()> {
    let verify = || {
        let secret = SecretKey::new(secret_key)?;
        let h = headers(header_pairs);
        doku_checkout::verify_response(&secret, &client_id, &request_id, &request_target, &h, &body, with_digest)
    };
    verify().napi(&env)
}

/// The headers DOKU would send with `body` (a test helper: `doku-checkout/testing`).
#[napi(js_name = "nativeSignNotification")]
pub fn sign_notification(
    env: Env,
    secret_key: String,
    client_id: String,
    body: Buffer,
    notification_path: String,
    request_id: Option<String>,
    timestamp: Option<String>,
) -> napi::Result<Vec<Vec<String>>> {
    let sign = || {
        let secret = SecretKey::new(secret_key)?;
        doku_checkout::sign_notification(
            &secret,
            &client_id,
            &body,
            &notification_path,
            request_id.as_deref(),
            timestamp.as_deref(),
        )
    };
    sign().map(|pairs| pairs.into_iter().map(|(n, v)| vec![n, v]).collect()).napi(&env)
}

/// A notification body DOKU would send, as JSON text (a test helper: `doku-checkout/testing`).
#[napi(js_name = "nativeNotificationBody")]
pub fn notification_body(
    env: Env,
    invoice_number: String,
    amount: f64,
    original_request_id: String,
    channel: Option<String>,
    status: Option<String>,
    timestamp: Option<String>,
) -> napi::Result<String> {
    let build = || {
        // A JS number: whole and in range, never truncated.
        let max = doku_checkout::checkout_reading::MAX_AMOUNT as f64;
        if !(amount.fract() == 0.0 && (1.0..=max).contains(&amount)) {
            return Err(Error::invalid_input("amount", "amount is a whole number of rupiah, 1 to 999999999999"));
        }
        let amount = amount as u64;
        let n = doku_checkout::payment_bodies::sample_notification;
        n(channel.as_deref(), status.as_deref(), &invoice_number, amount, &original_request_id, timestamp.as_deref())
    };
    build().napi(&env)
}

#[napi(js_name = "nativeCancelSupport")]
pub fn cancel_support(payment_method_type: String) -> &'static str {
    doku_checkout::cancel_support(&payment_method_type).as_str()
}

/// The merchant's order state for DOKU's statuses (`lifecycle::order_lifecycle`).
#[napi(js_name = "nativeOrderLifecycle")]
pub fn order_lifecycle(
    env: Env,
    transaction_status: Option<String>,
    order_status: Option<String>,
) -> napi::Result<Option<String>> {
    doku_checkout::lifecycle::order_lifecycle(transaction_status.as_deref(), order_status.as_deref()).napi(&env)
}

/// What a stored state does with DOKU's news.
#[napi(object)]
pub struct NativeLifecycleTransition {
    /// `apply`, `unchanged`, `anomaly` or `unrecognised`.
    pub outcome: String,
    /// The new state, when applied.
    pub state: Option<String>,
}

/// [`NativeLifecycleTransition`] for a stored state and DOKU's statuses.
#[napi(js_name = "nativeLifecycleTransition")]
pub fn lifecycle_transition(
    env: Env,
    stored: Option<String>,
    transaction_status: Option<String>,
    order_status: Option<String>,
) -> napi::Result<NativeLifecycleTransition> {
    doku_checkout::lifecycle::lifecycle_transition(
        stored.as_deref(),
        transaction_status.as_deref(),
        order_status.as_deref(),
    )
    .map(|(outcome, state)| NativeLifecycleTransition { outcome: outcome.to_owned(), state })
    .napi(&env)
}
