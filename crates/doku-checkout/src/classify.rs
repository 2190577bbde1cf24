//! Turning DOKU's HTTP status and `message` list into a result or a typed error.
//!
//! Pure: status + body in, [`Classified`] out. DOKU documents no error codes for the cancel
//! API, only `{"message": [...]}` bodies, so refusals are recognised from their wording.

use serde_json::Value;

use crate::error::{Error, ErrorCode};

/// What a DOKU answer means.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Classified {
    /// The operation succeeded (`replayed` when DOKU answered 409 with the original success).
    Success {
        /// The answer was DOKU replaying an earlier success for the same Request-Id.
        replayed: bool,
    },
    /// A refusal or failure.
    Failure(Error),
}

/// DOKU's `message` list: an array of strings (`{"message":["SUCCESS"]}`), a single string,
/// or `error.message`; empty when the body has none of these.
pub fn doku_messages(body: &Value) -> Vec<String> {
    let mut out: Vec<String> = match body.get("message") {
        Some(Value::Array(items)) => items.iter().filter_map(|v| v.as_str().map(str::to_owned)).collect(),
        Some(Value::String(s)) => vec![s.clone()],
        _ => Vec::new(),
    };
    if let Some(m) = body.get("error").and_then(|e| e.get("message")).and_then(Value::as_str) {
        out.push(m.to_owned());
    }
    out
}

/// The order status in a DOKU body, wherever DOKU puts it (`order.status`,
/// `response.order.status`, or `transaction.status`).
pub fn order_status(body: &Value) -> Option<String> {
    let pick =
        |v: &Value, path: &[&str]| path.iter().try_fold(v, |v, k| v.get(k)).and_then(Value::as_str).map(str::to_owned);
    pick(body, &["order", "status"])
        .or_else(|| pick(body, &["response", "order", "status"]))
        .or_else(|| pick(body, &["transaction", "status"]))
}

/// Words in DOKU's messages that mean the order itself cannot be cancelled.
const NOT_CANCELLABLE_MARKERS: [&str; 8] = [
    "PAID",
    "EXPIRED",
    "ALREADY CANCEL",
    "CANNOT BE CANCEL",
    "NOT CANCELLABLE",
    "NOT CANCELABLE",
    "NOT SUPPORTED",
    "NOT ALLOWED TO CANCEL",
];

fn mentions_any(messages: &[String], markers: &[&str]) -> bool {
    messages.iter().any(|m| {
        let upper = m.to_ascii_uppercase();
        markers.iter().any(|k| upper.contains(k))
    })
}

fn is_success_body(messages: &[String], status: Option<&str>) -> bool {
    messages.iter().any(|m| m.eq_ignore_ascii_case("SUCCESS"))
        || status.is_some_and(|s| s.eq_ignore_ascii_case("CANCELLED"))
}

fn refusal_code(status: u16, messages: &[String]) -> ErrorCode {
    match status {
        401 | 403 => ErrorCode::AuthenticationFailed,
        404 => ErrorCode::OrderNotFound,
        429 => ErrorCode::RateLimited,
        500..=599 => ErrorCode::ServerError,
        _ if mentions_any(messages, &NOT_CANCELLABLE_MARKERS) => ErrorCode::OrderNotCancellable,
        _ if mentions_any(messages, &["NOT FOUND"]) => ErrorCode::OrderNotFound,
        _ => ErrorCode::InvalidRequest,
    }
}

fn advice(code: ErrorCode, status: u16, messages: &[String]) -> String {
    let said = if messages.is_empty() { String::new() } else { format!(" DOKU said: {}.", messages.join("; ")) };
    let what = match code {
        ErrorCode::AuthenticationFailed => {
            "DOKU refused the credentials: check the Client ID and Secret Key for this environment (sandbox and production keys differ), the server clock, and that Cancel Order is activated for the account"
        }
        ErrorCode::OrderNotFound => {
            "DOKU has no order with this invoice number: check the invoice number and the environment"
        }
        ErrorCode::OrderNotCancellable => {
            "DOKU refused to cancel this order: it is paid, expired, already cancelled, or paid through a channel that cannot be cancelled; check its status with order_status"
        }
        ErrorCode::RateLimited => {
            "DOKU is rate limiting this merchant: slow down and retry later with the same request id"
        }
        ErrorCode::ServerError => {
            "DOKU failed to process the request: retry later with the same request id (it is safe)"
        }
        ErrorCode::DuplicateRequest => {
            "DOKU answered 409 for a Request-Id it has seen before, and the original outcome cannot be read from the body: check the order with order_status"
        }
        _ => "DOKU refused the request: check the fields against DOKU's message",
    };
    format!("{what} (HTTP {status}).{said}")
}

/// Classifies one final HTTP answer (after retries). `body` is the raw response body.
pub fn classify(status: u16, body: &[u8]) -> Classified {
    classify_parsed(status, body, serde_json::from_slice(body).ok().as_ref())
}

/// [`classify`] for a body the caller has already parsed (`None` when it is not JSON), so
/// result types parse each answer once.
pub(crate) fn classify_parsed(status: u16, body: &[u8], parsed: Option<&Value>) -> Classified {
    let messages = parsed.map(doku_messages).unwrap_or_default();
    let order = parsed.and_then(order_status);
    let raw = String::from_utf8_lossy(body).into_owned();

    if (200..300).contains(&status) {
        return match parsed {
            Some(Value::Object(_)) => Classified::Success { replayed: false },
            _ => Classified::Failure(
                Error::invalid_response(format!("DOKU answered HTTP {status} with a body that is not a JSON object"))
                    .with_http(Some(status), messages, Some(raw)),
            ),
        };
    }
    let code = if status == 409 {
        if is_success_body(&messages, order.as_deref()) {
            return Classified::Success { replayed: true };
        }
        match refusal_code(400, &messages) {
            ErrorCode::InvalidRequest => ErrorCode::DuplicateRequest,
            other => other,
        }
    } else if (400..600).contains(&status) {
        refusal_code(status, &messages)
    } else {
        return Classified::Failure(
            Error::invalid_response(format!("DOKU answered with unexpected HTTP status {status}")).with_http(
                Some(status),
                messages,
                Some(raw),
            ),
        );
    };
    Classified::Failure(Error::new(code, advice(code, status, &messages)).with_http(Some(status), messages, Some(raw)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn code(status: u16, body: &str) -> Option<ErrorCode> {
        match classify(status, body.as_bytes()) {
            Classified::Success { .. } => None,
            Classified::Failure(e) => Some(e.code()),
        }
    }

    #[test]
    fn table() {
        assert_eq!(code(200, r#"{"message":["SUCCESS"]}"#), None);
        assert_eq!(code(200, "not json"), Some(ErrorCode::InvalidResponse));
        assert_eq!(code(401, r#"{"message":["INVALID SIGNATURE"]}"#), Some(ErrorCode::AuthenticationFailed));
        assert_eq!(code(400, r#"{"message":["ORDER ALREADY PAID"]}"#), Some(ErrorCode::OrderNotCancellable));
        assert_eq!(code(400, r#"{"message":["INVALID PARAMETER"]}"#), Some(ErrorCode::InvalidRequest));
        assert_eq!(code(409, r#"{"message":["SUCCESS"]}"#), None);
        assert_eq!(code(409, r#"{"message":["ORDER EXPIRED"]}"#), Some(ErrorCode::OrderNotCancellable));
        assert_eq!(code(409, "<html>"), Some(ErrorCode::DuplicateRequest));
        assert_eq!(code(503, ""), Some(ErrorCode::ServerError));
    }
}
