//! `GET /orders/v1/status/{invoice_number}`: the current state of an order.

use std::borrow::Cow;

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
use serde_json::Value;

use super::prepared::{Method, PreparedRequest};
use super::status_body::StatusBody;
use super::validate::text;
use crate::classify::{Classified, classify_parsed};
use crate::error::Error;

/// Everything but RFC 3986 unreserved characters is percent-encoded in the path segment.
const SEGMENT: &AsciiSet = &NON_ALPHANUMERIC.remove(b'-').remove(b'.').remove(b'_').remove(b'~');

/// The status path with its variable part named (what traces show).
pub const STATUS_TEMPLATE: &str = "/orders/v1/status/{invoice_number}";

/// A validated status request.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OrderStatusRequest {
    invoice_number: String,
}

impl OrderStatusRequest {
    /// `invoice_number`: 1–64 characters, no control characters.
    pub fn new(invoice_number: impl Into<String>) -> Result<Self, Error> {
        let invoice_number = invoice_number.into();
        text("invoice_number", &invoice_number, 64)?;
        Ok(Self { invoice_number })
    }

    /// GET with the invoice number percent-encoded; the encoded path is what is signed.
    pub fn prepare(&self) -> PreparedRequest {
        let path = format!("/orders/v1/status/{}", utf8_percent_encode(&self.invoice_number, SEGMENT));
        PreparedRequest { method: Method::Get, path, url_template: STATUS_TEMPLATE, body: None }
    }
}

/// An order's state as DOKU reports it. Unknown status values are kept as they are.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[cfg_attr(feature = "napi", napi_derive::napi(object, use_nullable = true, object_from_js = false))]
#[cfg_attr(feature = "python", pyo3::pyclass(module = "doku_checkout._native", frozen, get_all))]
pub struct OrderStatusResult {
    /// The Request-Id that was sent.
    pub request_id: String,
    /// HTTP status of DOKU's answer.
    pub http_status: u16,
    /// `order.invoice_number` from the body.
    pub invoice_number: Option<String>,
    /// The most specific status: `transaction_status`, else `order_status`.
    pub status: Option<String>,
    /// `transaction.status` (`PENDING`, `SUCCESS`, `EXPIRED`, `CANCELLED`, ... or anything new).
    pub transaction_status: Option<String>,
    /// `order.status` (`ORDER_GENERATED`, `ORDER_EXPIRED`, ... or anything new).
    pub order_status: Option<String>,
    /// `transaction.original_request_id`: the Request-Id of the checkout, needed to cancel.
    pub original_request_id: Option<String>,
    /// The raw response body.
    pub raw_body: String,
}

impl OrderStatusResult {
    /// Interprets DOKU's final answer.
    pub fn from_response(request_id: &str, status: u16, body: &[u8]) -> Result<Self, Error> {
        // The common answer, a 2xx JSON object, is read without building a JSON tree.
        if (200..300).contains(&status)
            && let Some(fields) = StatusBody::parse(body)
        {
            let (order, transaction) = (fields.order, fields.transaction);
            let owned = |field: Option<Cow<'_, str>>| field.map(Cow::into_owned);
            let read = Fields {
                invoice_number: owned(order.invoice_number),
                transaction_status: owned(transaction.status),
                order_status: owned(order.status),
                original_request_id: owned(transaction.original_request_id),
            };
            return Ok(read.into_result(request_id, status, body));
        }
        Self::from_tree(request_id, status, body)
    }

    /// Every other answer (and the reference the fast reading is tested against).
    fn from_tree(request_id: &str, status: u16, body: &[u8]) -> Result<Self, Error> {
        let parsed: Option<Value> = serde_json::from_slice(body).ok();
        if let Classified::Failure(e) = classify_parsed(status, body, parsed.as_ref()) {
            return Err(e.with_request_id(request_id));
        }
        let v = parsed.unwrap_or(Value::Null);
        let s = |a: &str, b: &str| v.get(a).and_then(|x| x.get(b)).and_then(Value::as_str).map(str::to_owned);
        let read = Fields {
            invoice_number: s("order", "invoice_number"),
            transaction_status: s("transaction", "status"),
            order_status: s("order", "status"),
            original_request_id: s("transaction", "original_request_id"),
        };
        Ok(read.into_result(request_id, status, body))
    }
}

/// The strings a status answer is read for, however it was read.
struct Fields {
    invoice_number: Option<String>,
    transaction_status: Option<String>,
    order_status: Option<String>,
    original_request_id: Option<String>,
}

impl Fields {
    fn into_result(self, request_id: &str, http_status: u16, body: &[u8]) -> OrderStatusResult {
        OrderStatusResult {
            request_id: request_id.to_owned(),
            http_status,
            invoice_number: self.invoice_number,
            status: self.transaction_status.clone().or_else(|| self.order_status.clone()),
            transaction_status: self.transaction_status,
            order_status: self.order_status,
            original_request_id: self.original_request_id,
            raw_body: String::from_utf8_lossy(body).into_owned(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn path_is_percent_encoded() {
        let p = OrderStatusRequest::new("INV 1/2?#é").expect("valid").prepare();
        assert_eq!(p.path, "/orders/v1/status/INV%201%2F2%3F%23%C3%A9");
        assert_eq!(
            OrderStatusRequest::new("INV-123123-12313").expect("valid").prepare().path,
            "/orders/v1/status/INV-123123-12313"
        );
    }

    #[test]
    fn unknown_status_is_kept() {
        let r =
            OrderStatusResult::from_response("r", 200, br#"{"transaction":{"status":"SOMETHING_NEW"}}"#).expect("ok");
        assert_eq!(r.status.as_deref(), Some("SOMETHING_NEW"));
    }

    /// Both readings of one answer: the fast one must give exactly what the tree gives, and must
    /// not skip a 2xx object the tree reads (that would only cost time, but hide a gap).
    fn same_reading(body: &[u8]) {
        for status in [200, 201, 299] {
            let fast = StatusBody::parse(body).map(|_| OrderStatusResult::from_response("r", status, body));
            let tree = OrderStatusResult::from_tree("r", status, body);
            match fast {
                Some(fast) => assert_eq!(fast.ok(), tree.ok(), "{}", String::from_utf8_lossy(body)),
                None => assert!(tree.is_err(), "fast reading skipped {}", String::from_utf8_lossy(body)),
            }
        }
    }

    #[test]
    fn fast_reading_matches_the_tree() {
        let bodies: &[&[u8]] = &[
            br#"{"order":{"invoice_number":"INV-1","status":"ORDER_GENERATED"},"transaction":{"status":"PENDING","original_request_id":"o-1"}}"#,
            br#"{"order":{"status":"ORDER_EXPIRED"}}"#,
            br#"{"transaction":{"status":"A"},"transaction":{"status":7}}"#,
            br#"{"transaction":{"status":7},"transaction":{"status":"B"}}"#,
            br#"{"order":{"status":"X","status":null}}"#,
            br#"{"order":"ORDER","transaction":["PENDING","o-1"]}"#,
            br#"{"order":["S","INV","o"],"transaction":{"status":{"nested":"x"}}}"#,
            br#"{"order":1,"transaction":true,"x":null,"y":-0.5e-3}"#,
            br#"{"o\u0072der":{"st\u0061tus":"ESC\u00e9\n"}}"#,
            br#"{"order":{"invoice_number":"\ud83d\ude00"}}"#,
            br#"{"order":{"invoice_number":"\ud83d"}}"#,
            br#"{"other":"\ud800","order":{"status":"S"}}"#,
            br#"{"other":1e400,"order":{"status":"S"}}"#,
            br#"{"other":[1e400],"order":{"status":"S"}}"#,
            br#"{"other":{"k":"\x"},"order":{"status":"S"}}"#,
            br#"{"other":18446744073709551616,"order":{"status":"S"}}"#,
            "{\"other\":\"\u{e9}\",\"order\":{\"status\":\"S\u{1f600}\"}}".as_bytes(),
            b"{\"other\":\"\xff\",\"order\":{\"status\":\"S\"}}",
            b"{\"other\":\"\x01\",\"order\":{\"status\":\"S\"}}",
            br#"{"order":{"status":"S"}} "#,
            br#" {"order":{"status":"S"}}x"#,
            br#"{"order":{"status":"S"},}"#,
            br#"[{"status":"S"}]"#,
            br#""order""#,
            b"",
            b"null",
            b"{}",
            b"\xef\xbb\xbf{}",
        ];
        for body in bodies {
            same_reading(body);
        }
        // Nesting at and beyond serde_json's recursion limit, in a skipped value and in a section.
        for depth in [126, 127, 128, 129, 200] {
            let skipped = format!(r#"{{"x":{}1{},"order":{{"status":"S"}}}}"#, "[".repeat(depth), "]".repeat(depth));
            same_reading(skipped.as_bytes());
            let section = format!(r#"{{"order":{}1{}}}"#, "[".repeat(depth), "]".repeat(depth));
            same_reading(section.as_bytes());
        }
    }

    #[test]
    fn fast_reading_matches_the_tree_on_mutated_answers() {
        let answer = br#"{"order":{"invoice_number":"INV-1","status":"ORDER_GENERATED","amount":10000},"transaction":{"status":"PENDING","date":"2020-08-11T08:45:42Z","original_request_id":"o-1"},"extra":[1,2.5,"\u00e9",null,{"k":false}]}"#;
        let alphabet = b"{}[]\":,\\u0d8e9x. -+\x01\xff";
        let mut seed = 0x9e37_79b9_7f4a_7c15_u64;
        let mut next = move |n: usize| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            usize::try_from(seed % n as u64).unwrap_or(0)
        };
        for _ in 0..20_000 {
            let mut body = answer.to_vec();
            for _ in 0..=next(3) {
                let at = next(body.len());
                match next(3) {
                    0 => body[at] = alphabet[next(alphabet.len())],
                    1 => body.insert(at, alphabet[next(alphabet.len())]),
                    _ => {
                        body.remove(at);
                    }
                }
            }
            same_reading(&body);
        }
    }
}
