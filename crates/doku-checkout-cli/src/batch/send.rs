//! One row's cancel, as both kinds of batch send it: the answer, or (when the answer cannot
//! settle the row) DOKU's status API, read by the core's batch rules.

use doku_checkout::batch::{Outcome, RowCancel, Settle};
use doku_checkout::{Client, Error, RequestId};

/// How a row's send ended.
pub(crate) struct Sent {
    pub outcome: Outcome,
    pub message: String,
    pub http_status: Option<u16>,
    pub replayed: bool,
}

/// Cancels the row under `request_id` (quoting its original Request-Id, or by invoice) and
/// settles it.
pub(crate) async fn cancel_row(
    client: &Client,
    invoice_number: &str,
    cancel: &RowCancel,
    request_id: RequestId,
) -> Sent {
    let result = match (cancel, cancel.by_invoice_call(&request_id)) {
        (RowCancel::Direct(request), _) => client.cancel(request, request_id).await,
        (RowCancel::ByInvoice { .. }, Ok(Some(call))) => client.cancel_planned(&call).await,
        (RowCancel::ByInvoice { .. }, Ok(None)) => Err(Error::config("a by-invoice row without its call")),
        (RowCancel::ByInvoice { .. }, Err(e)) => Err(e),
    };
    let (outcome, message) = match Outcome::settle(&result) {
        Settle::Final(outcome, message) => (outcome, message),
        // The answer cannot settle the row (a lost refusal replayed as 409, an unreadable
        // 4xx): DOKU's status API says where the order is, instead of a guess.
        Settle::AskStatus(unsettled) => Outcome::from_status(&unsettled, &client.order_status(invoice_number).await),
    };
    Sent {
        outcome,
        message,
        http_status: result.as_ref().map_or_else(Error::http_status, |r| Some(r.http_status)),
        replayed: result.as_ref().is_ok_and(|r| r.replayed),
    }
}
