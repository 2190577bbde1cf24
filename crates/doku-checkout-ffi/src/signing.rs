//! Pure functions: signing, digests, ids, notification and response verification.

use doku_checkout::{NotificationFields, ReceivedHeaders, SecretKey, SigningInput, Timestamp, VerifyOptions};

use crate::error::DokuError;

/// One received header.
#[derive(Debug, Clone, uniffi::Record)]
pub struct HeaderPair {
    /// The name, in any case, `-` or `_`.
    pub name: String,
    /// The value.
    pub value: String,
}

/// A notification whose signature verified.
#[derive(Debug, Clone, uniffi::Record)]
pub struct VerifiedNotification {
    /// `Client-Id`.
    pub client_id: String,
    /// DOKU's `Request-Id` (de-duplicate retries with it).
    pub request_id: String,
    /// `Request-Timestamp` as Unix seconds.
    pub timestamp_unix: i64,
    /// The raw JSON body, verified; parse it with your JSON library for fields not below.
    pub body_json: String,
    /// The documented fields of the body, typed.
    pub fields: NotificationFields,
}

/// The public parts of a request to sign (the secret key is passed separately, so this
/// record's `toString()` can never print it).
#[derive(Debug, Clone, uniffi::Record)]
pub struct SigningRequest {
    /// `Client-Id`.
    pub client_id: String,
    /// `Request-Id` (1–128 visible ASCII characters).
    pub request_id: String,
    /// `Request-Timestamp`, UTC `YYYY-MM-DDTHH:MM:SSZ`.
    pub timestamp: String,
    /// The path, e.g. `/checkout/v3/cancellations`.
    pub request_target: String,
    /// The exact body bytes; null for GET (no Digest line).
    #[uniffi(default = None)]
    pub body: Option<Vec<u8>>,
}

impl SigningRequest {
    fn input(&self) -> Result<SigningInput<'_>, DokuError> {
        Ok(SigningInput::new(
            &self.client_id,
            &self.request_id,
            &self.timestamp,
            &self.request_target,
            self.body.as_deref(),
        )?)
    }
}

/// The `Signature` header value (`HMACSHA256=...`).
///
/// One record instead of six arguments: on the JVM every argument crossing JNA costs a
/// native allocation, so this shape is several times faster. For many signatures with one
/// key, `DokuSigner` is faster still.
#[uniffi::export]
pub fn sign_request(secret_key: String, request: SigningRequest) -> Result<String, DokuError> {
    let secret = SecretKey::new(secret_key)?;
    Ok(request.input()?.sign(&secret))
}

/// The exact string that is signed.
#[uniffi::export]
pub fn signing_string(request: SigningRequest) -> Result<String, DokuError> {
    Ok(request.input()?.string_to_sign())
}

/// Signs requests with one Secret Key held on the Rust side (created once, reused; its
/// `toString()` prints `***`).
#[derive(uniffi::Object)]
#[uniffi::export(Display)]
pub struct DokuSigner {
    secret: SecretKey,
}

impl std::fmt::Display for DokuSigner {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "DokuSigner(secretKey={})", self.secret)
    }
}

#[uniffi::export]
impl DokuSigner {
    /// Checks and keeps the key.
    #[uniffi::constructor]
    pub fn new(secret_key: String) -> Result<Self, DokuError> {
        Ok(Self { secret: SecretKey::new(secret_key)? })
    }

    /// The `Signature` header value for `request`.
    pub fn sign(&self, request: SigningRequest) -> Result<String, DokuError> {
        Ok(request.input()?.sign(&self.secret))
    }
}

/// base64(SHA-256(body)).
#[uniffi::export]
pub fn compute_digest(body: Vec<u8>) -> String {
    doku_checkout::compute_digest(&body)
}

/// A new UUID v4 Request-Id.
#[uniffi::export]
pub fn new_request_id() -> String {
    doku_checkout::new_request_id()
}

/// Unix seconds → `YYYY-MM-DDTHH:MM:SSZ` (years 0000–9999; others throw `InvalidInput`).
#[uniffi::export]
pub fn format_timestamp(unix_seconds: i64) -> Result<String, DokuError> {
    Ok(Timestamp::from_unix_checked(unix_seconds)?.to_string())
}

fn headers(pairs: Vec<HeaderPair>) -> ReceivedHeaders {
    ReceivedHeaders::new(pairs.into_iter().map(|p| (p.name, p.value)))
}

/// Verifies a DOKU HTTP Notification over its raw body. `tolerance_seconds` is the replay
/// window either way; null is the default 24 h (DOKU retries for up to 12 hours).
#[uniffi::export]
pub fn verify_notification(
    secret_key: String,
    headers_received: Vec<HeaderPair>,
    body: Vec<u8>,
    notification_path: String,
    tolerance_seconds: Option<u64>,
    now_unix: Option<i64>,
) -> Result<VerifiedNotification, DokuError> {
    let secret = SecretKey::new(secret_key)?;
    let now = now_unix.map(Timestamp::from_unix_checked).transpose()?;
    let options = VerifyOptions { tolerance_seconds, now };
    let n =
        doku_checkout::verify_notification(&secret, &headers(headers_received), &body, &notification_path, options)?;
    Ok(VerifiedNotification {
        client_id: n.client_id,
        request_id: n.request_id,
        timestamp_unix: n.timestamp.unix(),
        body_json: String::from_utf8_lossy(&body).into_owned(),
        fields: NotificationFields::from_body(&n.body),
    })
}

/// Verifies DOKU's signature on an API response (`Response-Timestamp` variant).
#[uniffi::export]
pub fn verify_response(
    secret_key: String,
    client_id: String,
    request_id: String,
    request_target: String,
    headers_received: Vec<HeaderPair>,
    body: Vec<u8>,
    with_digest: bool,
) -> Result<(), DokuError> {
    let secret = SecretKey::new(secret_key)?;
    Ok(doku_checkout::verify_response(
        &secret,
        &client_id,
        &request_id,
        &request_target,
        &headers(headers_received),
        &body,
        with_digest,
    )?)
}

/// The headers DOKU would send with `body` to `notification_path`, for testing your own
/// notification endpoint. `request_id` defaults to a new UUID, `timestamp` (ISO) to now.
#[uniffi::export(default(request_id = None, timestamp = None))]
pub fn sign_notification(
    secret_key: String,
    client_id: String,
    body: Vec<u8>,
    notification_path: String,
    request_id: Option<String>,
    timestamp: Option<String>,
) -> Result<Vec<HeaderPair>, DokuError> {
    let secret = SecretKey::new(secret_key)?;
    let pairs = doku_checkout::sign_notification(
        &secret,
        &client_id,
        &body,
        &notification_path,
        request_id.as_deref(),
        timestamp.as_deref(),
    )?;
    Ok(pairs.into_iter().map(|(name, value)| HeaderPair { name, value }).collect())
}

/// The JSON body DOKU sends about a payment on `channel` (`VIRTUAL_ACCOUNT_BCA` when `None`,
/// `ONLINE_TO_OFFLINE_ALFA`, `CREDIT_CARD`, `QRIS`...), for
/// testing your own notification endpoint with [`sign_notification`]. `status` defaults to
/// `SUCCESS`, `timestamp` (ISO) to now.
#[uniffi::export(default(channel = None, status = None, timestamp = None))]
pub fn notification_body(
    invoice_number: String,
    amount: u64,
    original_request_id: String,
    channel: Option<String>,
    status: Option<String>,
    timestamp: Option<String>,
) -> Result<String, DokuError> {
    let n = doku_checkout::payment_bodies::sample_notification;
    Ok(n(channel.as_deref(), status.as_deref(), &invoice_number, amount, &original_request_id, timestamp.as_deref())?)
}

/// `supported`, `not_supported` or `unknown` for a payment method type (advisory).
#[uniffi::export]
pub fn cancel_support(payment_method_type: String) -> String {
    doku_checkout::cancel_support(&payment_method_type).as_str().to_owned()
}

/// The merchant's order state (`PENDING`, `PAID`, `FAILED`, `EXPIRED`, `CANCELLED`,
/// `REFUNDED`, or an unknown value as DOKU sent it) for a status answer's or a notification's
/// `transaction.status` and `order.status`; `null` when neither says anything.
#[uniffi::export(default(transaction_status = None, order_status = None))]
pub fn order_lifecycle(
    transaction_status: Option<String>,
    order_status: Option<String>,
) -> Result<Option<String>, DokuError> {
    Ok(doku_checkout::lifecycle::order_lifecycle(transaction_status.as_deref(), order_status.as_deref())?)
}

/// What a stored order state does with DOKU's news.
#[derive(uniffi::Record)]
pub struct LifecycleTransition {
    /// `apply` (store `state`), `unchanged` (late news), `anomaly` (final states that
    /// disagree: tell someone) or `unrecognised` (a value this version does not know).
    pub outcome: String,
    /// The new state, when applied.
    pub state: Option<String>,
}

/// The forward-only rule: `stored` (a state name, or `null` for a new order) and what DOKU
/// says now (`transaction_status`, `order_status`).
#[uniffi::export(default(transaction_status = None, order_status = None))]
pub fn lifecycle_transition(
    stored: Option<String>,
    transaction_status: Option<String>,
    order_status: Option<String>,
) -> Result<LifecycleTransition, DokuError> {
    let (outcome, state) = doku_checkout::lifecycle::lifecycle_transition(
        stored.as_deref(),
        transaction_status.as_deref(),
        order_status.as_deref(),
    )?;
    Ok(LifecycleTransition { outcome: outcome.to_owned(), state })
}
