//! One entry point that runs any shared vector operation by name, JSON in and JSON out, so
//! every binding runs `tests/vectors/*.json` through the core without a public test hook per
//! operation. Built only with the `conformance` feature (test builds); never in a release.
//!
//! The answer is `{"ok": <the vector's expect shape>}` or `{"error": <ErrorDetails>}`.

use std::time::Duration;

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use serde_json::{Value, json};

use crate::error::{Error, ErrorCode};
use crate::operations::{CancelOrderRequest, OrderStatusRequest};
use crate::retry::{AttemptOutcome, RetryDecision, RetryPolicy};
use crate::timestamp::Timestamp;
use crate::{Classified, classify};

/// The largest body a vector may describe (the biggest case is 1 MiB).
const MAX_VECTOR_BODY: usize = 64 * 1024 * 1024;

/// Runs `operation` on the JSON `input` and answers with JSON text.
pub fn run(operation: &str, input: &str) -> String {
    let answer = serde_json::from_str::<Value>(input)
        .map_err(|e| bad(format!("the input is not JSON: {e}")))
        .and_then(|input| dispatch(operation, &input));
    match answer {
        Ok(value) => json!({ "ok": value }),
        Err(e) => json!({ "error": e.details() }),
    }
    .to_string()
}

fn bad(message: impl Into<String>) -> Error {
    Error::invalid_input("input", message)
}

fn text<'a>(input: &'a Value, key: &str) -> Result<&'a str, Error> {
    input[key].as_str().ok_or_else(|| bad(format!("{key} must be a string")))
}

fn number<T: TryFrom<i64>>(input: &Value, key: &str) -> Result<T, Error> {
    input[key].as_i64().and_then(|n| T::try_from(n).ok()).ok_or_else(|| bad(format!("{key} is not a number in range")))
}

fn optional<T: TryFrom<i64>>(input: &Value, key: &str) -> Result<Option<T>, Error> {
    if input[key].is_null() { Ok(None) } else { number(input, key).map(Some) }
}

/// A vector body spec: `null`, `{"b64"}`, `{"hex"}` or `{"repeat": {"hex", "count"}}`.
fn body(spec: &Value) -> Result<Vec<u8>, Error> {
    let hex = |s: &str| -> Result<Vec<u8>, Error> {
        (0..s.len())
            .step_by(2)
            .map(|i| s.get(i..i + 2).and_then(|h| u8::from_str_radix(h, 16).ok()).ok_or_else(|| bad("bad hex")))
            .collect()
    };
    if spec.is_null() {
        Ok(Vec::new())
    } else if let Some(b64) = spec["b64"].as_str() {
        STANDARD.decode(b64).map_err(|_| bad("bad base64"))
    } else if let Some(h) = spec["hex"].as_str() {
        hex(h)
    } else {
        let unit = hex(text(&spec["repeat"], "hex")?)?;
        let count: usize = number(&spec["repeat"], "count")?;
        if unit.len().saturating_mul(count) > MAX_VECTOR_BODY {
            return Err(bad("the repeated body is too large"));
        }
        Ok(unit.repeat(count))
    }
}

fn dispatch(operation: &str, input: &Value) -> Result<Value, Error> {
    match operation {
        "classify" => match classify(number(input, "http_status")?, &body(&input["body"])?) {
            Classified::Success { replayed } => Ok(json!({ "success": true, "replayed": replayed })),
            Classified::Failure(e) => Err(e),
        },
        "retry_decision" => retry_decision(input),
        "order_lifecycle" => {
            let state = crate::lifecycle::OrderLifecycle::from_statuses(
                input["transaction_status"].as_str(),
                input["order_status"].as_str(),
            );
            Ok(json!({ "state": state.as_ref().map(|s| s.as_str()), "final": state.as_ref().map(|s| s.is_final()) }))
        }
        "lifecycle_transition" => {
            let observed = &input["observed"];
            let (outcome, state) = crate::lifecycle::lifecycle_transition(
                input["stored"].as_str(),
                observed["transaction_status"].as_str(),
                observed["order_status"].as_str(),
            )?;
            Ok(json!({ "outcome": outcome, "state": state }))
        }
        "read_checkout_request" => {
            let facts = crate::checkout_reading::read_checkout_request(&input["body"])?;
            Ok(json!({
                "invoice_number": facts.invoice_number,
                "amount": facts.amount,
                "payment_due_date": facts.due_minutes,
                "payment_method_types": facts.payment_method_types,
                "line_items": facts.line_items.iter().map(|i| json!({ "name": i.name, "price": i.price, "quantity": i.quantity })).collect::<Vec<_>>(),
                "callback_url": facts.callback_url,
                "recover_abandoned_cart": facts.recover_abandoned_cart,
                "override_notification_url": facts.override_notification_url,
            }))
        }
        "cancel_order_request" => {
            let request = CancelOrderRequest::new(
                text(input, "invoice_number")?,
                text(input, "original_request_id")?,
                text(input, "note")?,
            )?;
            Ok(json!({ "body": { "b64": STANDARD.encode(request.prepare().body.unwrap_or_default()) } }))
        }
        "order_status_request" => {
            Ok(json!({ "path": OrderStatusRequest::new(text(input, "invoice_number")?)?.prepare().path }))
        }
        "format_timestamp" => Ok(json!({ "text": Timestamp::from_unix_checked(number(input, "unix")?)?.to_string() })),
        "parse_timestamp" => Ok(json!({ "unix": Timestamp::parse(text(input, "text")?)?.unix() })),
        "parse_wib_compact" => {
            Ok(json!({ "text": Timestamp::parse_wib_compact(text(input, "wib_compact")?)?.to_string() }))
        }
        "from_wib" => {
            let f = |i: usize| -> Result<i64, Error> {
                input["wib"][i].as_i64().ok_or_else(|| bad("wib needs six numbers"))
            };
            let u = |i: usize| f(i).and_then(|n| u32::try_from(n).map_err(|_| bad("wib fields must be positive")));
            let year = i32::try_from(f(0)?).map_err(|_| bad("the year is out of range"))?;
            Timestamp::from_wib(year, u(1)?, u(2)?, u(3)?, u(4)?, u(5)?)
                .map(|t| json!({ "text": t.to_string() }))
                .ok_or_else(|| Error::invalid_input("timestamp", "not a valid WIB date and time"))
        }
        "cancel_support" => {
            Ok(json!({ "support": crate::cancel_support(text(input, "payment_method_type")?).as_str() }))
        }
        "client_config" => {
            let options = crate::config::ClientOptions::from_json_value(input["options"].clone())?;
            let ids = (input["client_id"].as_str(), input["secret_key"].as_str());
            let settings = match ids {
                (Some(id), Some(key)) => options.resolve_config(id, key, crate::UserAgent::default())?.settings(),
                _ => options.resolve()?,
            };
            serde_json::to_value(settings).map_err(|e| bad(e.to_string()))
        }
        "error_codes" => {
            Ok(ErrorCode::ALL.iter().map(|c| json!({ "code": c.as_str(), "class_name": c.class_name() })).collect())
        }
        "surface" => Ok(surface()),
        other => Err(Error::invalid_input("operation", format!("unknown conformance operation {other:?}"))),
    }
}

fn retry_decision(input: &Value) -> Result<Value, Error> {
    let p = &input["policy"];
    let ms = |key: &str| number::<u64>(p, key).map(Duration::from_millis);
    let policy = RetryPolicy {
        max_retries: number(p, "max_retries")?,
        initial_backoff: ms("initial_backoff_ms")?,
        max_backoff: ms("max_backoff_ms")?,
    };
    let o = &input["outcome"];
    let outcome = AttemptOutcome::from_parts(optional(o, "status")?, o["transport"].as_str())
        .ok_or_else(|| bad(format!("unknown outcome {o}")))?;
    let retry_after = optional::<u64>(input, "retry_after_seconds")?.map(Duration::from_secs);
    let jitter = input["jitter"].as_f64().ok_or_else(|| bad("jitter must be a number"))?;
    Ok(match policy.decide(number(input, "attempt")?, outcome, retry_after, jitter) {
        RetryDecision::RetryAfter(d) => json!({ "retry": true, "delay_ms": d.as_millis() }),
        RetryDecision::Stop => json!({ "retry": false }),
    })
}

/// The field names of every result type and of the error record, read from their own
/// serialisation so this list cannot drift from the structs.
pub fn surface() -> Value {
    use crate::operations::{CancelOrderResult, CreateCheckoutResult, OrderStatusResult};
    fn names(value: impl serde::Serialize) -> Value {
        match serde_json::to_value(value) {
            Ok(Value::Object(map)) => map.keys().cloned().collect(),
            _ => Value::Null,
        }
    }
    let ok = br#"{"message":["SUCCESS"],"response":{"payment":{"url":"u"}}}"#;
    json!({
        "CancelOrderResult": CancelOrderResult::from_response("r", 200, ok).ok().map(names),
        "CreateCheckoutResult": CreateCheckoutResult::from_response("r", 200, ok).ok().map(names),
        "OrderStatusResult": OrderStatusResult::from_response("r", 200, ok).ok().map(names),
        "ErrorDetails": names(Error::config("x").details()),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn call(op: &str, input: Value) -> Value {
        serde_json::from_str(&run(op, &input.to_string())).expect("json out")
    }

    #[test]
    fn answers_ok_or_error_and_never_panics_on_bad_input() {
        assert_eq!(call("parse_timestamp", json!({"text": "2020-08-11T08:45:42Z"}))["ok"]["unix"], 1_597_135_542);
        assert_eq!(call("parse_timestamp", json!({"text": "x"}))["error"]["code"], "invalid_input");
        assert_eq!(call("nope", json!({}))["error"]["field"], "operation");
        assert_eq!(call("classify", json!({"http_status": "x"}))["error"]["field"], "input");
        assert_eq!(serde_json::from_str::<Value>(&run("classify", "{")).expect("json")["error"]["field"], "input");
        let body = |count: usize| json!({"http_status": 200, "body": {"repeat": {"hex": "61", "count": count}}});
        assert_eq!(call("classify", body(67_108_865))["error"]["field"], "input");
        // Up to the limit (64 MiB) the body is built (and, not being JSON, is an invalid response).
        assert_eq!(call("classify", body(67_108_864))["error"]["code"], "invalid_response");
        let hex = call(
            "classify",
            json!({"http_status": 200, "body": {"hex": "7b226d657373616765223a5b2253554343455353225d7d"}}),
        );
        assert_eq!(hex["ok"]["success"], true, "{hex}");
        assert_eq!(call("classify", json!({"http_status": 200, "body": {"hex": "7g"}}))["error"]["field"], "input");
    }

    #[test]
    fn the_surface_lists_every_field() {
        let s = surface();
        assert!(s["OrderStatusResult"].as_array().expect("list").contains(&json!("original_request_id")));
        assert_eq!(s["ErrorDetails"].as_array().expect("list").len(), 9);
        assert!(s["CreateCheckoutResult"].as_array().expect("list").contains(&json!("expires_at")));
    }
}
