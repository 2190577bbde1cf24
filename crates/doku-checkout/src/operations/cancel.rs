//! `POST /checkout/v3/cancellations`: cancel an unpaid checkout order.

use serde::Serialize;
use serde_json::Value;

use super::prepared::{Method, PreparedRequest};
use super::validate::text;
use crate::classify::{Classified, classify_parsed, doku_messages, order_status};
use crate::error::Error;

/// The cancel endpoint path (and Request-Target).
pub const CANCEL_PATH: &str = "/checkout/v3/cancellations";

/// A validated cancel request.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CancelOrderRequest {
    invoice_number: String,
    original_request_id: String,
    note: String,
}

#[derive(Serialize)]
struct Body<'a> {
    order: OrderRef<'a>,
    payment: PaymentRef<'a>,
    note: &'a str,
}
#[derive(Serialize)]
struct OrderRef<'a> {
    invoice_number: &'a str,
}
#[derive(Serialize)]
struct PaymentRef<'a> {
    original_request_id: &'a str,
}

impl CancelOrderRequest {
    /// `invoice_number` (1–64 characters), `original_request_id` (the Request-Id used to
    /// create the checkout, 1–128), `note` (1–255); no control characters anywhere.
    pub fn new(
        invoice_number: impl Into<String>,
        original_request_id: impl Into<String>,
        note: impl Into<String>,
    ) -> Result<Self, Error> {
        let (invoice_number, original_request_id, note) =
            (invoice_number.into(), original_request_id.into(), note.into());
        text("invoice_number", &invoice_number, 64)?;
        text("original_request_id", &original_request_id, 128)?;
        text("note", &note, 255)?;
        Ok(Self { invoice_number, original_request_id, note })
    }

    /// The invoice number to cancel.
    pub fn invoice_number(&self) -> &str {
        &self.invoice_number
    }

    /// The compact JSON body, serialised once.
    pub fn prepare(&self) -> PreparedRequest {
        let body = Body {
            order: OrderRef { invoice_number: &self.invoice_number },
            payment: PaymentRef { original_request_id: &self.original_request_id },
            note: &self.note,
        };
        // Serialising plain strings into a Vec cannot fail.
        let bytes = serde_json::to_vec(&body).unwrap_or_default();
        PreparedRequest {
            method: Method::Post,
            path: CANCEL_PATH.to_owned(),
            url_template: CANCEL_PATH,
            body: Some(bytes),
        }
    }
}

/// The outcome of a successful cancel.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[cfg_attr(feature = "napi", napi_derive::napi(object, use_nullable = true, object_from_js = false))]
#[cfg_attr(feature = "python", pyo3::pyclass(module = "doku_checkout._native", frozen, get_all))]
pub struct CancelOrderResult {
    /// The Request-Id that was sent (on every attempt).
    pub request_id: String,
    /// HTTP status of DOKU's answer (200, or 409 for a replay).
    pub http_status: u16,
    /// DOKU's `message` list.
    pub messages: Vec<String>,
    /// The order status in the body, if DOKU included one (e.g. `CANCELLED`).
    pub order_status: Option<String>,
    /// True when DOKU answered 409, replaying the original success of this Request-Id.
    pub replayed: bool,
    /// The raw response body.
    pub raw_body: String,
}

impl CancelOrderResult {
    /// Interprets DOKU's final answer.
    pub fn from_response(request_id: &str, status: u16, body: &[u8]) -> Result<Self, Error> {
        let parsed: Option<Value> = serde_json::from_slice(body).ok();
        match classify_parsed(status, body, parsed.as_ref()) {
            Classified::Failure(e) => Err(e.with_request_id(request_id)),
            Classified::Success { replayed } => {
                let parsed = parsed.unwrap_or(Value::Null);
                Ok(Self {
                    request_id: request_id.to_owned(),
                    http_status: status,
                    messages: doku_messages(&parsed),
                    order_status: order_status(&parsed),
                    replayed,
                    raw_body: String::from_utf8_lossy(body).into_owned(),
                })
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn body_matches_reference_vector_v2() {
        let req = CancelOrderRequest::new(
            "INV-20210231-0001",
            "fdb69f47-96da-499d-acec-7cdc318ab2fe",
            "Customer changed order",
        )
        .expect("valid");
        let p = req.prepare();
        assert_eq!(
            String::from_utf8(p.body.expect("body")).expect("utf8"),
            r#"{"order":{"invoice_number":"INV-20210231-0001"},"payment":{"original_request_id":"fdb69f47-96da-499d-acec-7cdc318ab2fe"},"note":"Customer changed order"}"#
        );
    }

    #[test]
    fn validation_names_fields() {
        let field = |r: Result<CancelOrderRequest, Error>| r.expect_err("invalid").field();
        assert_eq!(field(CancelOrderRequest::new("", "r", "n")), Some("invoice_number"));
        assert_eq!(field(CancelOrderRequest::new("x".repeat(65), "r", "n")), Some("invoice_number"));
        assert_eq!(field(CancelOrderRequest::new("i", "r".repeat(129), "n")), Some("original_request_id"));
        assert_eq!(field(CancelOrderRequest::new("i", "r", "")), Some("note"));
        assert_eq!(field(CancelOrderRequest::new("i", "r", "n".repeat(256))), Some("note"));
        assert_eq!(field(CancelOrderRequest::new("i", "r", "a\u{7}b")), Some("note"));
        assert!(CancelOrderRequest::new("x".repeat(64), "r".repeat(128), "é".repeat(255)).is_ok());
    }

    #[test]
    fn the_request_knows_its_invoice_and_is_a_post_to_the_cancel_path() {
        let req = CancelOrderRequest::new("INV-9", "r", "n").expect("valid");
        assert_eq!(req.invoice_number(), "INV-9");
        let p = req.prepare();
        assert_eq!((p.method, p.method.as_str(), p.path.as_str()), (Method::Post, "POST", CANCEL_PATH));
        assert_eq!(Method::Get.as_str(), "GET");
    }
}
