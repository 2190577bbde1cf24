//! One row's cancel, as both kinds of batch send it: the answer, or (when the answer cannot
//! settle the row) DOKU's status API, read by the core's batch rules.

use doku_checkout::batch::{Outcome, Settle};
use doku_checkout::operations::CancelOrderRequest;
use doku_checkout::{Client, Error, RequestId};

/// How a row's send ended.
pub(crate) struct Sent {
    pub outcome: Outcome,
    pub message: String,
    pub http_status: Option<u16>,
    pub replayed: bool,
}

/// Cancels `request` under `request_id` and settles the row.
pub(crate) async fn cancel_row(client: &Client, request: &CancelOrderRequest, request_id: RequestId) -> Sent {
    let result = client.cancel(request, request_id).await;
    let (outcome, message) = match Outcome::settle(&result) {
        Settle::Final(outcome, message) => (outcome, message),
        // The answer cannot settle the row (a lost refusal replayed as 409, an unreadable
        // 4xx): DOKU's status API says where the order is, instead of a guess.
        Settle::AskStatus(unsettled) => {
            Outcome::from_status(&unsettled, &client.order_status(request.invoice_number()).await)
        }
    };
    Sent {
        outcome,
        message,
        http_status: result.as_ref().map_or_else(Error::http_status, |r| Some(r.http_status)),
        replayed: result.as_ref().is_ok_and(|r| r.replayed),
    }
}
