//! An emulator order as the core's payment facts: the notification and status bodies come
//! from `doku_checkout::payment_bodies`, so both agree with each other and with DOKU's samples.

use doku_checkout::Timestamp;
use doku_checkout::payment_bodies::{PaymentFacts, notification_json, status_json};

use crate::state::{Order, OrderState};

fn facts(order: &Order, now: Timestamp) -> PaymentFacts<'_> {
    // A checkout lasts `expires_at - created` seconds; an order given without a creation time
    // (a test's setup) reads as created an hour before it expires.
    let expires = Timestamp::from_unix(order.expires_at);
    PaymentFacts {
        invoice_number: &order.invoice_number,
        amount: order.amount,
        original_request_id: &order.original_request_id,
        channel: order.payment_method.as_deref(),
        status: order.state.transaction_status(),
        date: order.paid_at.map_or(now, Timestamp::from_unix),
        created: Timestamp::from_unix(order.created_at.unwrap_or(order.expires_at.saturating_sub(3600))),
        expires,
    }
}

/// The notification DOKU would send about `order` (`now` on the emulator's clock), as JSON text.
pub(crate) fn notification(order: &Order, now: Timestamp) -> String {
    notification_json(&facts(order, now))
}

/// The checkout's `order.status`: `ORDER_EXPIRED` once past its due date unpaid,
/// `ORDER_RECOVERED` after an abandoned cart was recovered, else `ORDER_GENERATED`.
pub(crate) fn order_status(order: &Order) -> &'static str {
    match order.state {
        OrderState::Expired => "ORDER_EXPIRED",
        _ if order.recovered => "ORDER_RECOVERED",
        _ => "ORDER_GENERATED",
    }
}

/// The Check Status answer for `order` (`now` on the emulator's clock), as JSON text.
pub(crate) fn status(order: &Order, now: Timestamp) -> String {
    status_json(&facts(order, now), order_status(order))
}
