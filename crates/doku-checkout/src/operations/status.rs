//! `GET /orders/v1/status/{invoice_number}`: the current state of an order.

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
use serde_json::Value;

use super::prepared::{Method, PreparedRequest};
use super::validate::text;
use crate::classify::{Classified, classify_parsed};
use crate::error::Error;

/// Everything but RFC 3986 unreserved characters is percent-encoded in the path segment.
const SEGMENT: &AsciiSet = &NON_ALPHANUMERIC.remove(b'-').remove(b'.').remove(b'_').remove(b'~');

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
        PreparedRequest { method: Method::Get, path, body: None }
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
        let parsed: Option<Value> = serde_json::from_slice(body).ok();
        if let Classified::Failure(e) = classify_parsed(status, body, parsed.as_ref()) {
            return Err(e.with_request_id(request_id));
        }
        let v = parsed.unwrap_or(Value::Null);
        let s = |a: &str, b: &str| v.get(a).and_then(|x| x.get(b)).and_then(Value::as_str).map(str::to_owned);
        let (transaction_status, order_status) = (s("transaction", "status"), s("order", "status"));
        Ok(Self {
            request_id: request_id.to_owned(),
            http_status: status,
            invoice_number: s("order", "invoice_number"),
            status: transaction_status.clone().or_else(|| order_status.clone()),
            transaction_status,
            order_status,
            original_request_id: s("transaction", "original_request_id"),
            raw_body: String::from_utf8_lossy(body).into_owned(),
        })
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
}
