//! One exported error enum, a variant per stable code, each with the same fields.
//! Kotlin sees `DokuException.OrderNotCancellable`, Swift `DokuError.orderNotCancellable`;
//! `toString()`/`description` is the Rust Display (`code: message`).

/// Declares the variants once, with identical fields, plus the code mapping.
macro_rules! doku_error {
    ($($variant:ident => $doc:literal),+ $(,)?) => {
        /// A doku-checkout failure. `detail` says what went wrong and what to do.
        #[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, uniffi::Error)]
        #[uniffi::export(Debug, Display)]
        pub enum DokuError {
            $(
                #[doc = $doc]
                #[error("{code}: {detail}", code = doku_checkout::ErrorCode::$variant.as_str())]
                $variant {
                    /// The human message (what happened, what to do).
                    detail: String,
                    /// HTTP status DOKU answered, if any.
                    http_status: Option<u16>,
                    /// The Request-Id of the call (retry with it).
                    request_id: Option<String>,
                    /// Whether repeating the call with the same Request-Id may succeed.
                    retryable: bool,
                    /// DOKU's `message` list.
                    messages: Vec<String>,
                    /// A finer reason (e.g. `digest_mismatch`).
                    reason: Option<String>,
                    /// For invalid input: the refused field.
                    field: Option<String>,
                    /// The raw response body.
                    raw_body: Option<String>,
                },
            )+
        }

        impl From<doku_checkout::Error> for DokuError {
            fn from(e: doku_checkout::Error) -> Self {
                let detail = e.message().to_owned();
                let http_status = e.http_status();
                let request_id = e.request_id().map(str::to_owned);
                let retryable = e.retryable();
                let messages = e.messages().to_vec();
                let reason = e.reason().map(str::to_owned);
                let field = e.field().map(str::to_owned);
                let raw_body = e.raw_body().map(str::to_owned);
                match e.code() {
                    $(doku_checkout::ErrorCode::$variant => Self::$variant { detail, http_status, request_id, retryable, messages, reason, field, raw_body },)+
                    _ => Self::InvalidResponse { detail, http_status, request_id, retryable, messages, reason, field, raw_body },
                }
            }
        }

        impl DokuError {
            /// The stable code string.
            pub fn code(&self) -> &'static str {
                match self {
                    $(Self::$variant { .. } => doku_checkout::ErrorCode::$variant.as_str(),)+
                }
            }
        }
    };
}

doku_error! {
    InvalidInput => "Stable code `invalid_input`.",
    AuthenticationFailed => "Stable code `authentication_failed`.",
    OrderNotFound => "Stable code `order_not_found`.",
    OrderNotCancellable => "Stable code `order_not_cancellable`.",
    InvalidRequest => "Stable code `invalid_request`.",
    DuplicateRequest => "Stable code `duplicate_request`.",
    RateLimited => "Stable code `rate_limited`.",
    ServerError => "Stable code `server_error`.",
    NetworkError => "Stable code `network_error`.",
    Timeout => "Stable code `timeout`.",
    InvalidResponse => "Stable code `invalid_response`.",
    InvalidSignature => "Stable code `invalid_signature`.",
    ConfigError => "Stable code `config_error`.",
}

/// The stable code of an error (`order_not_cancellable`, ...), the same in every language.
#[uniffi::export]
pub fn error_code(error: &DokuError) -> String {
    error.code().to_owned()
}

pub(crate) fn internal(detail: impl Into<String>) -> DokuError {
    DokuError::from(doku_checkout::Error::invalid_response(detail))
}
