//! Small typed result classes with attributes and `.raw` (the response body).

use doku_checkout::operations::{CancelOrderResult, CreateCheckoutResult, OrderStatusResult};
use pyo3::prelude::*;

/// The outcome of `cancel_order`.
#[pyclass(module = "doku_checkout._native", frozen, get_all)]
pub(crate) struct CancelResult {
    /// The Request-Id sent on every attempt.
    request_id: String,
    /// 200, or 409 when DOKU replayed the original success.
    http_status: u16,
    /// DOKU's `message` list.
    messages: Vec<String>,
    /// The order status in the answer (e.g. `"CANCELLED"`), if any.
    order_status: Option<String>,
    /// True when DOKU answered 409 with the original success of this Request-Id.
    replayed: bool,
    /// The raw response body.
    raw: String,
}

#[pymethods]
impl CancelResult {
    fn __repr__(&self) -> String {
        format!(
            "CancelResult(request_id={:?}, http_status={}, order_status={:?}, replayed={})",
            self.request_id,
            self.http_status,
            self.order_status,
            if self.replayed { "True" } else { "False" }
        )
    }
}

impl From<CancelOrderResult> for CancelResult {
    fn from(r: CancelOrderResult) -> Self {
        Self {
            request_id: r.request_id,
            http_status: r.http_status,
            messages: r.messages,
            order_status: r.order_status,
            replayed: r.replayed,
            raw: r.raw_body,
        }
    }
}

/// A created checkout page.
#[pyclass(module = "doku_checkout._native", frozen, get_all)]
pub(crate) struct CheckoutResult {
    /// **Store this**: cancelling needs it as `original_request_id`.
    request_id: String,
    /// HTTP status.
    http_status: u16,
    /// DOKU's `message` list.
    messages: Vec<String>,
    /// Where to send the customer.
    payment_url: String,
    /// DOKU's token id.
    token_id: Option<String>,
    /// Expiry as `YYYY-MM-DDTHH:MM:SSZ` (from `expired_datetime` or the WIB `expired_date`).
    expires_at: Option<String>,
    /// Expiry in seconds since the epoch.
    expires_at_unix: Option<i64>,
    /// The raw response body.
    raw: String,
}

#[pymethods]
impl CheckoutResult {
    fn __repr__(&self) -> String {
        format!(
            "CheckoutResult(request_id={:?}, payment_url={:?}, expires_at={:?})",
            self.request_id, self.payment_url, self.expires_at
        )
    }
}

impl From<CreateCheckoutResult> for CheckoutResult {
    fn from(r: CreateCheckoutResult) -> Self {
        Self {
            request_id: r.request_id,
            http_status: r.http_status,
            messages: r.messages,
            payment_url: r.payment_url,
            token_id: r.token_id,
            expires_at: r.expires_at.map(|t| t.to_string()),
            expires_at_unix: r.expires_at.map(|t| t.unix()),
            raw: r.raw_body,
        }
    }
}

/// An order's status.
#[pyclass(module = "doku_checkout._native", frozen, get_all)]
pub(crate) struct StatusResult {
    /// The Request-Id sent.
    request_id: String,
    /// HTTP status.
    http_status: u16,
    /// `order.invoice_number`.
    invoice_number: Option<String>,
    /// The most specific status (`transaction.status`, else `order.status`); unknown values kept.
    status: Option<String>,
    /// `transaction.status`.
    transaction_status: Option<String>,
    /// `order.status`.
    order_status: Option<String>,
    /// `transaction.original_request_id`.
    original_request_id: Option<String>,
    /// The raw response body.
    raw: String,
}

#[pymethods]
impl StatusResult {
    fn __repr__(&self) -> String {
        format!("StatusResult(invoice_number={:?}, status={:?})", self.invoice_number, self.status)
    }
}

impl From<OrderStatusResult> for StatusResult {
    fn from(r: OrderStatusResult) -> Self {
        Self {
            status: r.status().map(str::to_owned),
            request_id: r.request_id,
            http_status: r.http_status,
            invoice_number: r.invoice_number,
            transaction_status: r.transaction_status,
            order_status: r.order_status,
            original_request_id: r.original_request_id,
            raw: r.raw_body,
        }
    }
}

pub(crate) fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<CancelResult>()?;
    m.add_class::<CheckoutResult>()?;
    m.add_class::<StatusResult>()?;
    Ok(())
}
