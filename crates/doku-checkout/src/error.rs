//! The one error type of the library, with stable `code` strings that every binding reuses.

use std::fmt;

/// Stable error codes. The string forms ([`ErrorCode::as_str`]) are part of the public
/// contract: Python, Node, Kotlin and Swift expose exactly these.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorCode {
    /// The caller passed something DOKU would refuse; nothing was sent.
    InvalidInput,
    /// DOKU answered 401/403: wrong Client ID or Secret Key, or the feature is not enabled.
    AuthenticationFailed,
    /// DOKU answered 404: no such invoice number.
    OrderNotFound,
    /// The order is paid, expired, already cancelled, or its channel cannot be cancelled.
    OrderNotCancellable,
    /// Any other 4xx refusal; also a notification whose signature verifies but whose body
    /// is not JSON (the request made to the merchant is malformed, reason `body_not_json`).
    InvalidRequest,
    /// A 409 replay whose body cannot be read as the original outcome.
    DuplicateRequest,
    /// 429 after all retries.
    RateLimited,
    /// 5xx after all retries.
    ServerError,
    /// The connection failed.
    NetworkError,
    /// The request was sent but no answer came in time: the outcome is unknown.
    Timeout,
    /// DOKU's answer is not what DOKU sends.
    InvalidResponse,
    /// A signature (notification or response) did not verify.
    InvalidSignature,
    /// The client was configured wrongly (bad base URL, http for a non-loopback host, ...).
    ConfigError,
}

/// `[ErrorCode::A, ...]` from the one list.
macro_rules! error_code_array {
    ($($v:ident),+) => { [$(ErrorCode::$v),+] };
}

impl ErrorCode {
    /// Every code, in documentation order: the list bindings generate their error cases from
    /// (`for_each_error_code!`).
    pub const ALL: [ErrorCode; 13] = crate::for_each_error_code!(error_code_array);

    /// The stable string, e.g. `order_not_cancellable`.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::InvalidInput => "invalid_input",
            Self::AuthenticationFailed => "authentication_failed",
            Self::OrderNotFound => "order_not_found",
            Self::OrderNotCancellable => "order_not_cancellable",
            Self::InvalidRequest => "invalid_request",
            Self::DuplicateRequest => "duplicate_request",
            Self::RateLimited => "rate_limited",
            Self::ServerError => "server_error",
            Self::NetworkError => "network_error",
            Self::Timeout => "timeout",
            Self::InvalidResponse => "invalid_response",
            Self::InvalidSignature => "invalid_signature",
            Self::ConfigError => "config_error",
        }
    }

    /// The exception class name every binding uses for this code.
    pub const fn class_name(self) -> &'static str {
        match self {
            Self::InvalidInput => "InvalidInputError",
            Self::AuthenticationFailed => "AuthenticationError",
            Self::OrderNotFound => "OrderNotFoundError",
            Self::OrderNotCancellable => "OrderNotCancellableError",
            Self::InvalidRequest => "InvalidRequestError",
            Self::DuplicateRequest => "DuplicateRequestError",
            Self::RateLimited => "RateLimitError",
            Self::ServerError => "ServerError",
            Self::NetworkError => "NetworkError",
            Self::Timeout => "RequestTimeoutError",
            Self::InvalidResponse => "InvalidResponseError",
            Self::InvalidSignature => "SignatureVerificationError",
            Self::ConfigError => "ConfigurationError",
        }
    }

    /// Parses the stable string form.
    pub fn from_str_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|c| c.as_str() == code)
    }

    /// Whether repeating the same call (same Request-Id) may succeed.
    pub const fn default_retryable(self) -> bool {
        matches!(self, Self::RateLimited | Self::ServerError | Self::NetworkError | Self::Timeout)
    }
}

impl fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// An error from signing, verification, validation or a DOKU call.
///
/// Carries the stable [`ErrorCode`], a finer `reason` where one helps (e.g. `digest_mismatch`),
/// the input `field` for validation errors, a message that says what to do, and, for API
/// errors, the HTTP status, the Request-Id, DOKU's `message` list and the raw body.
/// It never contains the secret key.
#[derive(Clone, PartialEq, Eq)]
pub struct Error(Box<ErrorInner>);

#[derive(Clone, Debug, PartialEq, Eq)]
struct ErrorInner {
    code: ErrorCode,
    reason: Option<&'static str>,
    field: Option<&'static str>,
    message: String,
    http_status: Option<u16>,
    request_id: Option<String>,
    retryable: bool,
    messages: Vec<String>,
    raw_body: Option<String>,
}

impl Error {
    /// A new error with the code's default retryability and no API details.
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        Self(Box::new(ErrorInner {
            code,
            reason: None,
            field: None,
            message: message.into(),
            http_status: None,
            request_id: None,
            retryable: code.default_retryable(),
            messages: Vec::new(),
            raw_body: None,
        }))
    }

    /// `invalid_input` naming the offending field.
    pub fn invalid_input(field: &'static str, message: impl Into<String>) -> Self {
        let mut e = Self::new(ErrorCode::InvalidInput, message);
        e.0.field = Some(field);
        e
    }

    /// `invalid_signature` with a finer reason such as `digest_mismatch`.
    pub fn invalid_signature(reason: &'static str, message: impl Into<String>) -> Self {
        Self::new(ErrorCode::InvalidSignature, message).with_reason(reason)
    }

    /// `invalid_response`: DOKU (or whatever answered) sent something unexpected.
    pub fn invalid_response(message: impl Into<String>) -> Self {
        Self::new(ErrorCode::InvalidResponse, message)
    }

    /// `config_error`.
    pub fn config(message: impl Into<String>) -> Self {
        Self::new(ErrorCode::ConfigError, message)
    }

    /// `config_error` naming the refused setting (`timeout_ms`, `base_url`, ...).
    pub fn config_field(field: &'static str, message: impl Into<String>) -> Self {
        let mut e = Self::config(message);
        e.0.field = Some(field);
        e
    }

    /// Sets the finer reason code.
    pub fn with_reason(mut self, reason: &'static str) -> Self {
        self.0.reason = Some(reason);
        self
    }

    /// Names the field the error is about.
    pub fn with_field(mut self, field: &'static str) -> Self {
        self.0.field = Some(field);
        self
    }

    /// Attaches the HTTP exchange details.
    pub fn with_http(mut self, status: Option<u16>, messages: Vec<String>, raw_body: Option<String>) -> Self {
        self.0.http_status = status;
        self.0.messages = messages;
        self.0.raw_body = raw_body;
        self
    }

    /// Attaches the Request-Id of the call.
    pub fn with_request_id(mut self, request_id: impl Into<String>) -> Self {
        self.0.request_id = Some(request_id.into());
        self
    }

    /// Overrides retryability.
    pub fn with_retryable(mut self, retryable: bool) -> Self {
        self.0.retryable = retryable;
        self
    }

    /// The stable code.
    pub fn code(&self) -> ErrorCode {
        self.0.code
    }
    /// A finer, stable reason (e.g. `missing_header`, `wrong_prefix`), when there is one.
    pub fn reason(&self) -> Option<&'static str> {
        self.0.reason
    }
    /// For `invalid_input`: the field that was refused.
    pub fn field(&self) -> Option<&'static str> {
        self.0.field
    }
    /// What went wrong and what to do, for a person.
    pub fn message(&self) -> &str {
        &self.0.message
    }
    /// The HTTP status DOKU answered, if it answered.
    pub fn http_status(&self) -> Option<u16> {
        self.0.http_status
    }
    /// The Request-Id of the call (the idempotency key to retry with).
    pub fn request_id(&self) -> Option<&str> {
        self.0.request_id.as_deref()
    }
    /// Whether repeating the call with the same Request-Id may succeed.
    pub fn retryable(&self) -> bool {
        self.0.retryable
    }
    /// DOKU's `message` list from the response body.
    pub fn messages(&self) -> &[String] {
        &self.0.messages
    }
    /// The raw response body, if any.
    pub fn raw_body(&self) -> Option<&str> {
        self.0.raw_body.as_deref()
    }
}

/// Every field of an [`Error`] as one plain record: what each binding's error object carries,
/// under the same names (in each language's casing) everywhere.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[cfg_attr(feature = "napi", napi_derive::napi(object, use_nullable = true, object_from_js = false))]
pub struct ErrorDetails {
    /// The stable code, e.g. `order_not_cancellable`.
    pub code: String,
    /// What happened and what to do.
    pub message: String,
    /// HTTP status DOKU answered, if any.
    pub http_status: Option<u16>,
    /// The Request-Id of the call (retry with it).
    pub request_id: Option<String>,
    /// Whether repeating the call with the same Request-Id may succeed.
    pub retryable: bool,
    /// DOKU's `message` list.
    pub messages: Vec<String>,
    /// The raw response body, if there was one.
    pub raw_body: Option<String>,
    /// A finer reason, e.g. `digest_mismatch`.
    pub reason: Option<String>,
    /// The refused input or setting.
    pub field: Option<String>,
}

impl Error {
    /// The error as a plain record (bindings hand this across).
    pub fn details(&self) -> ErrorDetails {
        let i = &self.0;
        ErrorDetails {
            code: i.code.as_str().to_owned(),
            message: i.message.clone(),
            http_status: i.http_status,
            request_id: i.request_id.clone(),
            retryable: i.retryable,
            messages: i.messages.clone(),
            raw_body: i.raw_body.clone(),
            reason: i.reason.map(str::to_owned),
            field: i.field.map(str::to_owned),
        }
    }

    /// `{"code", "reason", "field", "message", "http_status", "request_id", "retryable", "messages"}`:
    /// the shape the CLI prints and bindings may forward.
    pub fn to_json(&self) -> serde_json::Value {
        let i = &self.0;
        serde_json::json!({
            "code": i.code.as_str(),
            "reason": i.reason,
            "field": i.field,
            "message": i.message,
            "http_status": i.http_status,
            "request_id": i.request_id,
            "retryable": i.retryable,
            "messages": i.messages,
        })
    }
}

impl fmt::Debug for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let i = &self.0;
        f.debug_struct("Error")
            .field("code", &i.code.as_str())
            .field("reason", &i.reason)
            .field("field", &i.field)
            .field("message", &i.message)
            .field("http_status", &i.http_status)
            .field("request_id", &i.request_id)
            .field("retryable", &i.retryable)
            .field("messages", &i.messages)
            .finish_non_exhaustive()
    }
}

/// `code: message (HTTP s, request id r)`: the one text form of an error in every language.
fn display(
    f: &mut fmt::Formatter<'_>,
    code: &str,
    message: &str,
    http_status: Option<u16>,
    request_id: Option<&str>,
) -> fmt::Result {
    write!(f, "{code}: {message}")?;
    match (http_status, request_id) {
        (Some(s), Some(r)) => write!(f, " (HTTP {s}, request id {r})"),
        (Some(s), None) => write!(f, " (HTTP {s})"),
        (None, Some(r)) => write!(f, " (request id {r})"),
        (None, None) => Ok(()),
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let i = &self.0;
        display(f, i.code.as_str(), &i.message, i.http_status, i.request_id.as_deref())
    }
}

impl fmt::Display for ErrorDetails {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        display(f, &self.code, &self.message, self.http_status, self.request_id.as_deref())
    }
}

/// Calls `$callback!(Variant, ...)` with every [`ErrorCode`] variant, so a binding can
/// generate one error case per code from this single list.
#[macro_export]
macro_rules! for_each_error_code {
    ($callback:ident) => {
        $callback! {
            InvalidInput,
            AuthenticationFailed,
            OrderNotFound,
            OrderNotCancellable,
            InvalidRequest,
            DuplicateRequest,
            RateLimited,
            ServerError,
            NetworkError,
            Timeout,
            InvalidResponse,
            InvalidSignature,
            ConfigError
        }
    };
}

impl std::error::Error for Error {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_and_errors_print_their_code() {
        assert_eq!(ErrorCode::Timeout.to_string(), "timeout");
        let e = Error::invalid_input("note", "too long");
        let debug = format!("{e:?}");
        assert!(debug.contains("invalid_input") && debug.contains("note"), "{debug}");
    }

    #[test]
    fn details_display_like_the_error() {
        let e = Error::config_field("timeout_ms", "too long").with_http(Some(400), vec![], None).with_request_id("r");
        assert_eq!(e.details().to_string(), e.to_string());
        assert_eq!(e.details().field.as_deref(), Some("timeout_ms"));
    }

    #[test]
    fn codes_round_trip_and_are_unique() {
        let mut seen = std::collections::HashSet::new();
        for c in ErrorCode::ALL {
            assert!(seen.insert(c.as_str()));
            assert_eq!(ErrorCode::from_str_code(c.as_str()), Some(c));
            assert!(c.class_name().ends_with("Error"));
        }
    }

    #[test]
    fn display_includes_status_and_request_id() {
        let e = Error::new(ErrorCode::ServerError, "DOKU failed")
            .with_http(Some(503), vec!["BUSY".into()], Some("{}".into()))
            .with_request_id("rid-1");
        assert_eq!(e.to_string(), "server_error: DOKU failed (HTTP 503, request id rid-1)");
        assert!(e.retryable());
    }
}
