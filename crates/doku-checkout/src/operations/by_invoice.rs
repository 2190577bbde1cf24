//! Cancelling with the invoice number alone, sans-IO: the checkout's Request-Id (which the
//! cancel must quote) is read from DOKU's status answer, `transaction.original_request_id`,
//! so a merchant who lost it can still cancel.
//!
//! A call is two requests: a status check, then (unless the order is final) the cancel. The
//! cancel's Request-Id is fixed before the first of them, so a retried call is one logical
//! call. [`CancelByInvoice::decide`] is the whole rule; clients only send what it says.

use super::cancel::CancelOrderRequest;
use super::status::OrderStatusResult;
use super::validate::text;
use crate::error::{Error, ErrorCode};
use crate::lifecycle::OrderLifecycle;
use crate::request_id::RequestId;

/// A validated cancel-by-invoice call and its Request-Id.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CancelByInvoice {
    invoice_number: String,
    note: String,
    request_id: RequestId,
    /// The caller chose the Request-Id: this may be the retry of a call whose cancel DOKU
    /// already carried out, so an order found cancelled is cancelled again under that id
    /// (DOKU replays its first answer) instead of being refused.
    resumed: bool,
}

impl CancelByInvoice {
    /// `invoice_number` (1–64 characters), `note` (1–255), no control characters; the
    /// cancel's `request_id` if the caller chose it (to retry safely), else a new one.
    pub fn new(invoice_number: &str, note: &str, request_id: Option<&str>) -> Result<Self, Error> {
        text("invoice_number", invoice_number, 64)?;
        text("note", note, 255)?;
        let (request_id, resumed) = match request_id {
            Some(id) => (RequestId::new(id)?, true),
            None => (RequestId::generate(), false),
        };
        Ok(Self { invoice_number: invoice_number.to_owned(), note: note.to_owned(), request_id, resumed })
    }

    /// The invoice to look up and cancel.
    pub fn invoice_number(&self) -> &str {
        &self.invoice_number
    }

    /// The Request-Id of the cancel (every attempt, every retry of this call).
    pub fn request_id(&self) -> &RequestId {
        &self.request_id
    }

    /// The cancel to send after DOKU's status answer, or the typed refusal (nothing is sent):
    /// `order_not_cancellable` for a paid, expired, refunded or (on a first call) cancelled
    /// order; `invalid_response` when the answer is about another invoice or carries no
    /// `original_request_id` to quote. A pending or failed order, or a status this version
    /// does not know, is cancelled: DOKU decides.
    pub fn decide(&self, status: &OrderStatusResult) -> Result<CancelOrderRequest, Error> {
        let refused = |code, reason, message: String| {
            Err(Error::new(code, message).with_reason(reason).with_request_id(self.request_id.as_str()).with_http(
                None,
                Vec::new(),
                Some(status.raw_body.clone()),
            ))
        };
        if let Some(answered) = status.invoice_number.as_deref()
            && answered != self.invoice_number
        {
            return refused(
                ErrorCode::InvalidResponse,
                "status_for_another_invoice",
                format!(
                    "DOKU's status answer for {} is about another invoice; no cancel was sent",
                    self.invoice_number
                ),
            );
        }
        let state = OrderLifecycle::from_statuses(status.transaction_status.as_deref(), status.order_status.as_deref());
        let final_reason = match state {
            Some(OrderLifecycle::Paid) => Some("order_paid"),
            Some(OrderLifecycle::Expired) => Some("order_expired"),
            Some(OrderLifecycle::Refunded) => Some("order_refunded"),
            Some(OrderLifecycle::Cancelled) if !self.resumed => Some("order_cancelled"),
            _ => None,
        };
        if let (Some(reason), Some(state)) = (final_reason, &state) {
            return refused(
                ErrorCode::OrderNotCancellable,
                reason,
                format!(
                    "DOKU's status API says {} is {}: it cannot be cancelled, and no cancel was sent",
                    self.invoice_number,
                    state.as_str()
                ),
            );
        }
        let Some(original) = status.original_request_id.as_deref().filter(|id| !id.trim().is_empty()) else {
            return refused(
                ErrorCode::InvalidResponse,
                "no_original_request_id",
                format!(
                    "DOKU's status answer for {} carries no transaction.original_request_id to quote; \
                     no cancel was sent: cancel with the checkout's Request-Id instead",
                    self.invoice_number
                ),
            );
        };
        CancelOrderRequest::new(self.invoice_number.as_str(), original, self.note.as_str()).map_err(|e| {
            Error::invalid_response(format!(
                "DOKU's status answer for {} gives an original_request_id that cannot be sent ({}); no cancel was sent",
                self.invoice_number,
                e.message()
            ))
            .with_reason("no_original_request_id")
            .with_request_id(self.request_id.as_str())
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn status(transaction: Option<&str>, order: Option<&str>, original: Option<&str>) -> OrderStatusResult {
        OrderStatusResult {
            request_id: "status-1".into(),
            http_status: 200,
            invoice_number: Some("INV-1".into()),
            status: transaction.or(order).map(str::to_owned),
            transaction_status: transaction.map(str::to_owned),
            order_status: order.map(str::to_owned),
            original_request_id: original.map(str::to_owned),
            raw_body: "{\"raw\":true}".into(),
        }
    }

    #[test]
    fn an_open_order_is_cancelled_quoting_the_checkouts_request_id() {
        let call = CancelByInvoice::new("INV-1", "changed", None).expect("valid");
        assert_eq!(call.invoice_number(), "INV-1", "the invoice the status check asks about");
        for (t, o) in [
            (Some("PENDING"), None),
            (None, Some("ORDER_GENERATED")),
            (Some("FAILED"), None),
            (Some("TIMEOUT"), None),
            (Some("SOMETHING_NEW"), None),
        ] {
            let request = call.decide(&status(t, o, Some("checkout-rid"))).expect("sent");
            let body = String::from_utf8(request.prepare().body.expect("body")).expect("utf8");
            assert!(body.contains("\"original_request_id\":\"checkout-rid\""), "{body}");
            assert!(body.contains("\"note\":\"changed\""), "{body}");
        }
    }

    #[test]
    fn a_final_order_is_refused_without_a_cancel_naming_its_state() {
        let call = CancelByInvoice::new("INV-1", "changed", None).expect("valid");
        for (t, o, reason, state) in [
            (Some("SUCCESS"), None, "order_paid", "PAID"),
            (Some("EXPIRED"), None, "order_expired", "EXPIRED"),
            (Some("PENDING"), Some("ORDER_EXPIRED"), "order_expired", "EXPIRED"),
            (Some("REFUNDED"), None, "order_refunded", "REFUNDED"),
            (Some("CANCELLED"), None, "order_cancelled", "CANCELLED"),
        ] {
            let e = call.decide(&status(t, o, Some("checkout-rid"))).expect_err("refused");
            assert_eq!((e.code(), e.reason()), (ErrorCode::OrderNotCancellable, Some(reason)));
            assert!(e.message().contains(state) && e.message().contains("no cancel was sent"), "{}", e.message());
            assert_eq!(e.request_id(), Some(call.request_id().as_str()));
            assert_eq!((e.http_status(), e.raw_body()), (None, Some("{\"raw\":true}")));
            assert!(!e.retryable());
        }
    }

    #[test]
    fn a_retry_under_its_own_request_id_cancels_a_cancelled_order_again_for_the_replay() {
        let retry = CancelByInvoice::new("INV-1", "changed", Some("cancel-rid")).expect("valid");
        assert_eq!(retry.request_id().as_str(), "cancel-rid");
        retry.decide(&status(Some("CANCELLED"), None, Some("checkout-rid"))).expect("sent again");
        // Paid stays refused even on a retry: no answer of DOKU's can make it cancellable.
        let e = retry.decide(&status(Some("SUCCESS"), None, Some("checkout-rid"))).expect_err("paid");
        assert_eq!(e.reason(), Some("order_paid"));
    }

    #[test]
    fn an_answer_without_a_request_id_to_quote_or_about_another_invoice_sends_nothing() {
        let call = CancelByInvoice::new("INV-1", "changed", None).expect("valid");
        for original in [None, Some(""), Some("  "), Some("a\u{1}b")] {
            let e = call.decide(&status(Some("PENDING"), None, original)).expect_err("nothing to quote");
            assert_eq!((e.code(), e.reason()), (ErrorCode::InvalidResponse, Some("no_original_request_id")));
        }
        let mut other = status(Some("PENDING"), None, Some("checkout-rid"));
        other.invoice_number = Some("INV-2".into());
        let e = call.decide(&other).expect_err("another invoice");
        assert_eq!(e.reason(), Some("status_for_another_invoice"));
        // An answer that names no invoice is about the one asked for.
        other.invoice_number = None;
        call.decide(&other).expect("sent");
    }

    #[test]
    fn bad_input_is_refused_before_anything_is_sent() {
        let field = |r: Result<CancelByInvoice, Error>| r.expect_err("invalid").field();
        assert_eq!(field(CancelByInvoice::new("", "n", None)), Some("invoice_number"));
        assert_eq!(field(CancelByInvoice::new(&"x".repeat(65), "n", None)), Some("invoice_number"));
        assert_eq!(field(CancelByInvoice::new("i", "", None)), Some("note"));
        assert_eq!(field(CancelByInvoice::new("i", &"n".repeat(256), None)), Some("note"));
        assert_eq!(field(CancelByInvoice::new("i", "n", Some(""))), Some("request_id"));
        assert_eq!(field(CancelByInvoice::new("i", "n", Some(&"r".repeat(129)))), Some("request_id"));
        let first = CancelByInvoice::new("i", "n", None).expect("valid");
        let second = CancelByInvoice::new("i", "n", None).expect("valid");
        assert_ne!(first.request_id(), second.request_id(), "a new id per call");
    }
}
