//! What an API request decided, as data, and its rendering to DOKU's JSON.
//!
//! Deciding needs the state lock; rendering does not, so the server renders after releasing
//! it. A stored outcome renders to the same bytes every time, which is what a 409 replay sends.

use std::borrow::Cow;

use doku_checkout::Timestamp;
use serde_json::json;

use crate::state::Order;

/// An API request's result before it becomes a body.
#[derive(Clone, Debug)]
pub(crate) enum Outcome {
    /// `{"message":[message]}` with this status.
    Refused { status: u16, message: Cow<'static, str> },
    /// A cancelled order.
    Cancelled { invoice: String, original_request_id: String, note: String },
    /// A created checkout.
    Created(Box<Created>),
    /// An order's state for the status API, `at` the emulator's time it was read.
    Status { order: Box<Order>, at: i64 },
}

/// The values of a created checkout that its answer quotes.
#[derive(Clone, Debug)]
pub(crate) struct Created {
    pub invoice: String,
    pub amount: u64,
    pub methods: Vec<String>,
    pub due_minutes: i64,
    pub token: String,
    pub url: String,
    pub expires: Timestamp,
    pub request_id: String,
    pub client_id: String,
    pub created: Timestamp,
    pub recover_abandoned_cart: bool,
    pub notification_url: Option<String>,
    pub line_items: Vec<crate::state::LineItem>,
    pub callback_url: Option<String>,
}

impl Outcome {
    pub fn refused(status: u16, message: impl Into<Cow<'static, str>>) -> Self {
        Self::Refused { status, message: message.into() }
    }

    /// Whether the request changed an order.
    pub fn changes_state(&self) -> bool {
        matches!(self, Self::Cancelled { .. } | Self::Created(_))
    }

    /// The HTTP status DOKU answers the first time.
    pub fn status(&self) -> u16 {
        match self {
            Self::Refused { status, .. } => *status,
            _ => 200,
        }
    }

    /// The JSON body, as bytes.
    pub fn render(&self) -> Vec<u8> {
        if let Self::Status { order, at } = self {
            // Written as text by the core: the hottest answer of a load test.
            return crate::bodies::status(order, Timestamp::from_unix(*at)).into_bytes();
        }
        let value = match self {
            Self::Refused { message, .. } => json!({ "message": [message] }),
            Self::Cancelled { invoice, original_request_id, note } => json!({
                "message": ["SUCCESS"],
                "response": {
                    "order": { "invoice_number": invoice, "status": "CANCELLED" },
                    "payment": { "original_request_id": original_request_id },
                    "note": note,
                }
            }),
            Self::Created(c) => json!({
                "message": ["SUCCESS"],
                "response": {
                    "order": { "amount": c.amount.to_string(), "invoice_number": c.invoice, "currency": "IDR" },
                    "payment": {
                        "payment_method_types": c.methods,
                        "payment_due_date": c.due_minutes,
                        "token_id": c.token,
                        "url": c.url,
                        "expired_date": c.expires.to_wib_compact(),
                        "expired_datetime": c.expires.to_string(),
                    },
                    "headers": {
                        "request_id": c.request_id,
                        "client_id": c.client_id,
                        "date": c.created.to_string(),
                    },
                }
            }),
            Self::Status { .. } => serde_json::Value::Null,
        };
        value.to_string().into_bytes()
    }
}
