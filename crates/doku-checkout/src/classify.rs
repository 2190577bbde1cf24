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

/// The words of DOKU's refusal to cancel an order that is cancelled already.
const ALREADY_CANCELLED_MARKER: &str = "ALREADY CANCEL";

/// Words in DOKU's messages that mean the order itself cannot be cancelled.
const NOT_CANCELLABLE_MARKERS: [&str; 8] = [
    "PAID",
    "EXPIRED",
    ALREADY_CANCELLED_MARKER,
    "CANNOT BE CANCEL",
    "NOT CANCELLABLE",
    "NOT CANCELABLE",
    "NOT SUPPORTED",
    "NOT ALLOWED TO CANCEL",
];

/// Whether DOKU's messages say the order was cancelled before (a refusal, not a failure).
pub(crate) fn says_already_cancelled(messages: &[String]) -> bool {
    mentions_any(messages, &[ALREADY_CANCELLED_MARKER])
}

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
    // A success is the common answer: it needs neither DOKU's messages nor a copy of the body.
    if (200..300).contains(&status) && matches!(parsed, Some(Value::Object(_))) {
        return Classified::Success { replayed: false };
    }
    let messages = parsed.map(doku_messages).unwrap_or_default();
    let raw = String::from_utf8_lossy(body).into_owned();
    if (200..300).contains(&status) {
        return Classified::Failure(
            Error::invalid_response(format!("DOKU answered HTTP {status} with a body that is not a JSON object"))
                .with_http(Some(status), messages, Some(raw)),
        );
    }
    let code = if status == 409 {
        if is_success_body(&messages, parsed.and_then(order_status).as_deref()) {
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

    fn failure(status: u16, body: &str) -> Error {
        match classify(status, body.as_bytes()) {
            Classified::Success { replayed } => panic!("HTTP {status} {body}: success (replayed {replayed})"),
            Classified::Failure(e) => e,
        }
    }

    #[test]
    fn status_ranges_decide_before_wording() {
        // A 404 means "not found" whatever DOKU's wording; 401/403 are credentials; 5xx server.
        assert_eq!(code(404, "{}"), Some(ErrorCode::OrderNotFound));
        assert_eq!(code(404, r#"{"message":["ORDER ALREADY PAID"]}"#), Some(ErrorCode::OrderNotFound));
        assert_eq!(code(403, "{}"), Some(ErrorCode::AuthenticationFailed));
        assert_eq!(code(429, "{}"), Some(ErrorCode::RateLimited));
        assert_eq!(code(500, r#"{"message":["ORDER ALREADY PAID"]}"#), Some(ErrorCode::ServerError));
        assert_eq!(code(599, "{}"), Some(ErrorCode::ServerError));
        assert_eq!(code(499, "{}"), Some(ErrorCode::InvalidRequest));
        assert_eq!(code(400, r#"{"message":["INVOICE NOT FOUND"]}"#), Some(ErrorCode::OrderNotFound));
        for status in [100, 199, 302, 399, 600, 999] {
            let e = failure(status, r#"{"message":["SUCCESS"]}"#);
            assert_eq!(e.code(), ErrorCode::InvalidResponse, "{status}");
            assert!(e.message().contains(&format!("unexpected HTTP status {status}")), "{}", e.message());
        }
        for status in [200, 201, 299] {
            assert_eq!(code(status, r#"{"message":["SUCCESS"]}"#), None, "{status}");
            assert_eq!(code(status, "[]"), Some(ErrorCode::InvalidResponse), "{status}: not an object");
        }
    }

    #[test]
    fn every_not_cancellable_wording_in_any_case() {
        for marker in NOT_CANCELLABLE_MARKERS {
            let body = serde_json::json!({ "message": [format!("order {}", marker.to_ascii_lowercase())] });
            assert_eq!(code(400, &body.to_string()), Some(ErrorCode::OrderNotCancellable), "{marker}");
        }
    }

    #[test]
    fn messages_are_read_from_each_place_doku_puts_them() {
        let bare = failure(400, r#"{"message":"ORDER ALREADY PAID"}"#);
        assert_eq!(bare.code(), ErrorCode::OrderNotCancellable);
        assert_eq!(bare.messages(), ["ORDER ALREADY PAID"]);
        let nested = failure(400, r#"{"message":["A", 7, "B"],"error":{"message":"ORDER EXPIRED"}}"#);
        assert_eq!(nested.messages(), ["A", "B", "ORDER EXPIRED"]);
        assert_eq!(nested.code(), ErrorCode::OrderNotCancellable);
        assert!(failure(400, r#"{"message":{"x":1}}"#).messages().is_empty());
        assert_eq!(nested.http_status(), Some(400));
        assert_eq!(nested.raw_body(), Some(r#"{"message":["A", 7, "B"],"error":{"message":"ORDER EXPIRED"}}"#));
    }

    #[test]
    fn order_status_is_read_in_precedence_order() {
        let v = |s: &str| serde_json::from_str::<Value>(s).expect("json");
        assert_eq!(order_status(&v(r#"{"order":{"status":"A"},"transaction":{"status":"C"}}"#)).as_deref(), Some("A"));
        assert_eq!(
            order_status(&v(r#"{"response":{"order":{"status":"B"}},"transaction":{"status":"C"}}"#)).as_deref(),
            Some("B")
        );
        assert_eq!(order_status(&v(r#"{"transaction":{"status":"C"}}"#)).as_deref(), Some("C"));
        assert_eq!(order_status(&v(r#"{"order":{"status":1}}"#)), None);
    }

    #[test]
    fn a_409_replay_is_a_success_when_the_original_was() {
        assert_eq!(classify(409, br#"{"message":["success"]}"#), Classified::Success { replayed: true });
        assert_eq!(
            classify(409, br#"{"response":{"order":{"status":"cancelled"}}}"#),
            Classified::Success { replayed: true }
        );
        assert_eq!(code(409, r#"{"message":["NOT SUCCESS"]}"#), Some(ErrorCode::DuplicateRequest));
        assert_eq!(code(409, r#"{"message":["ORDER NOT FOUND"]}"#), Some(ErrorCode::OrderNotFound));
        assert_eq!(classify(200, b"{}"), Classified::Success { replayed: false });
    }

    #[test]
    fn advice_says_what_to_do_for_each_code() {
        let cases: [(u16, &str, ErrorCode, &[&str]); 7] = [
            (401, "INVALID SIGNATURE", ErrorCode::AuthenticationFailed, &["Client ID and Secret Key", "server clock"]),
            (404, "ORDER NOT FOUND", ErrorCode::OrderNotFound, &["no order with this invoice number"]),
            (400, "ORDER ALREADY PAID", ErrorCode::OrderNotCancellable, &["refused to cancel", "order_status"]),
            (429, "TOO MANY", ErrorCode::RateLimited, &["rate limiting", "same request id"]),
            (502, "BAD GATEWAY", ErrorCode::ServerError, &["retry later with the same request id"]),
            (409, "CONFLICT", ErrorCode::DuplicateRequest, &["409", "order_status"]),
            (400, "INVALID PARAMETER", ErrorCode::InvalidRequest, &["check the fields"]),
        ];
        for (status, said, expected, words) in cases {
            let e = failure(status, &serde_json::json!({ "message": [said] }).to_string());
            assert_eq!(e.code(), expected, "{status} {said}");
            for word in words {
                assert!(e.message().contains(word), "{expected:?} lacks {word:?}: {}", e.message());
            }
            assert!(e.message().contains(&format!("(HTTP {status}). DOKU said: {said}.")), "{}", e.message());
        }
        let silent = failure(503, "");
        assert!(silent.message().ends_with("(HTTP 503)."), "{}", silent.message());
        let two = failure(400, r#"{"message":["A","B"]}"#);
        assert!(two.message().ends_with("DOKU said: A; B."), "{}", two.message());
    }
}
