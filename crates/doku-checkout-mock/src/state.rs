//! The emulator's memory of orders and of answered Request-Ids (its idempotency store).
//! The faults and the request log live in `traffic.rs`.

use std::collections::{HashMap, VecDeque};

use crate::outcome::Outcome;

use doku_checkout::Timestamp;
use serde::{Deserialize, Serialize};

/// Where an order is in its life.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum OrderState {
    /// Created, waiting for payment.
    Pending,
    /// Paid (`SUCCESS` in DOKU's status API).
    Paid,
    /// Past its due date.
    Expired,
    /// Cancelled through the Cancel Order API.
    Cancelled,
    /// A payment attempt failed; DOKU does not call this final (the customer may pay again).
    Failed,
    /// Paid, then refunded.
    Refunded,
}

impl OrderState {
    /// The names the controls take, in order.
    pub const NAMES: &'static str = "PENDING, PAID, FAILED, EXPIRED, CANCELLED or REFUNDED";

    /// The `transaction.status` DOKU's status API reports.
    pub fn transaction_status(self) -> &'static str {
        match self {
            Self::Pending => "PENDING",
            Self::Paid => "SUCCESS",
            Self::Expired => "EXPIRED",
            Self::Cancelled => "CANCELLED",
            Self::Failed => "FAILED",
            Self::Refunded => "REFUNDED",
        }
    }

    /// Whether the customer may still pay (and the merchant still cancel).
    pub fn is_open(self) -> bool {
        matches!(self, Self::Pending | Self::Failed)
    }
}

/// An order held by the emulator.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Order {
    /// `order.invoice_number`.
    pub invoice_number: String,
    /// `order.amount`.
    #[serde(default = "default_amount")]
    pub amount: u64,
    /// The Request-Id of the create call; cancel must quote it.
    pub original_request_id: String,
    /// The channel the customer picked (e.g. `VIRTUAL_ACCOUNT_BCA`, `CREDIT_CARD`), if any.
    #[serde(default)]
    pub payment_method: Option<String>,
    /// Current state.
    #[serde(default = "default_state", alias = "status")]
    pub state: OrderState,
    /// Expiry, seconds since the epoch.
    #[serde(default = "default_expiry")]
    pub expires_at: i64,
    /// The methods the checkout offered (`payment.payment_method_types`; empty: all).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub payment_method_types: Vec<String>,
    /// Created with `order.recover_abandoned_cart`.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub recover_abandoned_cart: bool,
    /// `additional_info.override_notification_url` of the create request, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub notification_url: Option<String>,
    /// When the last payment (or failed attempt) happened, seconds since the epoch.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub paid_at: Option<i64>,
    /// When the checkout was created, seconds since the epoch (set by create-checkout).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub created_at: Option<i64>,
    /// Its abandoned cart was recovered after it expired (`order.status` `ORDER_RECOVERED`).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub recovered: bool,
    /// `order.line_items` of the create request (shown on the checkout page).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub line_items: Vec<LineItem>,
    /// `order.callback_url`: where the checkout page sends the customer after paying.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub callback_url: Option<String>,
    /// The `token_id` of its `payment_url` (`/checkout-link-v2/{token}`), for a created checkout.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub token: Option<String>,
}

/// One line of an order, as the create request gave it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LineItem {
    /// `name`, if given.
    #[serde(default)]
    pub name: Option<String>,
    /// Unit price, rupiah.
    pub price: u64,
    /// Quantity.
    pub quantity: u64,
}

impl Order {
    /// A pending order of 10,000 rupiah created with `original_request_id`, due in an hour, with
    /// no channel chosen yet: change what a test needs with `Order { state: ..., ..Order::new(..) }`.
    pub fn new(invoice_number: impl Into<String>, original_request_id: impl Into<String>) -> Self {
        Self {
            invoice_number: invoice_number.into(),
            amount: default_amount(),
            original_request_id: original_request_id.into(),
            payment_method: None,
            state: OrderState::Pending,
            expires_at: default_expiry(),
            payment_method_types: Vec::new(),
            recover_abandoned_cart: false,
            notification_url: None,
            paid_at: None,
            created_at: None,
            recovered: false,
            line_items: Vec::new(),
            callback_url: None,
            token: None,
        }
    }

    /// What a status answer shows of the order: its fields without the lists (line items,
    /// methods) and URLs, so answering costs the same however large the order is.
    pub(crate) fn for_status(&self) -> Self {
        Self {
            invoice_number: self.invoice_number.clone(),
            amount: self.amount,
            original_request_id: self.original_request_id.clone(),
            payment_method: self.payment_method.clone(),
            state: self.state,
            expires_at: self.expires_at,
            paid_at: self.paid_at,
            created_at: self.created_at,
            recovered: self.recovered,
            recover_abandoned_cart: self.recover_abandoned_cart,
            ..Self::new(String::new(), String::new())
        }
    }

    /// About how many bytes the order holds (its text and lists), for the emulator's budget.
    pub fn size(&self) -> usize {
        let text = |s: &Option<String>| s.as_ref().map_or(0, String::len);
        128 + self.invoice_number.len()
            + self.original_request_id.len()
            + text(&self.payment_method)
            + text(&self.notification_url)
            + text(&self.callback_url)
            + text(&self.token)
            + self.payment_method_types.iter().map(|m| m.len() + 24).sum::<usize>()
            + self.line_items.iter().map(|i| 48 + text(&i.name)).sum::<usize>()
    }
}

fn default_amount() -> u64 {
    10_000
}
fn default_state() -> OrderState {
    OrderState::Pending
}
fn default_expiry() -> i64 {
    Timestamp::now().unix() + 3600
}

/// A misbehaviour to apply to the next `count` API requests.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum FaultKind {
    /// Wait before processing.
    Delay {
        /// Milliseconds.
        ms: u64,
    },
    /// Process the request, then wait before answering (a timeout after DOKU acted).
    DelayAfter {
        /// Milliseconds.
        ms: u64,
    },
    /// Close the connection without processing or answering.
    ResetBefore,
    /// Process the request, then close the connection without answering.
    ResetAfter,
    /// Answer this status without processing (`{"message":[...]}` body).
    Status {
        /// 500, 502, 503, 429, ...
        status: u16,
        /// `Retry-After` seconds, for 429.
        #[serde(default)]
        retry_after: Option<u64>,
        /// The body to answer instead of `{"message":[...]}` (e.g. a proxy's HTML page), sent
        /// as it is.
        #[serde(default)]
        body: Option<String>,
    },
    /// Process, then answer 200 with a body that is not JSON.
    MalformedJson,
    /// Process normally, but put a wrong `Signature` on the response.
    BadResponseSignature,
}

/// A queued fault.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Fault {
    /// What to do.
    #[serde(flatten)]
    pub kind: FaultKind,
    /// For how many API requests (default 1).
    #[serde(default = "one")]
    pub count: u32,
}

fn one() -> u32 {
    1
}

/// One received API request, as the emulator saw it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LogEntry {
    /// Order of arrival, from 1.
    pub seq: u64,
    /// HTTP method.
    pub method: String,
    /// Path as received (percent-encoded).
    pub path: String,
    /// The `Request-Id` header, if any.
    pub request_id: Option<String>,
    /// Every header, names in lower case.
    pub headers: Vec<(String, String)>,
    /// The body (lossy UTF-8).
    pub body: String,
    /// Whether the four headers and the signature verified.
    pub signature_valid: bool,
    /// Whether the request changed an order.
    pub state_changed: bool,
    /// The status answered; `None` when the connection was closed instead.
    pub status: Option<u16>,
    /// The fault applied, if any.
    pub fault: Option<String>,
}

/// Orders to add and faults to queue, as the scenarios and the `/_mock/setup` control write them,
/// and the merchant's notification URL (the Back Office setting) when one is given.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Setup {
    #[serde(default)]
    pub orders: Vec<Order>,
    #[serde(default)]
    pub faults: Vec<Fault>,
    #[serde(default)]
    pub notification_url: Option<String>,
}

/// A stored answer for a Request-Id (DOKU replays it with 409).
#[derive(Clone, Debug)]
pub(crate) struct Stored {
    pub path: String,
    pub body_digest: String,
    pub outcome: Outcome,
}

/// Everything the emulator remembers about orders and Request-Ids.
#[derive(Debug)]
pub(crate) struct State {
    pub orders: HashMap<String, Order>,
    /// The notification URL a setup gave (overrides the configured one until a reset).
    pub notification_url: Option<String>,
    /// Checkout page token → invoice.
    pub tokens: HashMap<String, String>,
    /// About how many bytes the orders hold ([`Order::size`]).
    pub order_bytes: usize,
    answers: HashMap<String, Stored>,
    /// Request-Ids in the order their answers were stored, to forget the oldest first.
    answer_order: VecDeque<String>,
    answer_capacity: usize,
}

impl State {
    /// No orders; remembers the answers of the last `answer_capacity` Request-Ids.
    pub fn new(answer_capacity: usize) -> Self {
        Self {
            orders: HashMap::new(),
            notification_url: None,
            tokens: HashMap::new(),
            order_bytes: 0,
            answers: HashMap::new(),
            answer_order: VecDeque::new(),
            answer_capacity: answer_capacity.max(1),
        }
    }

    /// Forgets orders and stored answers; keeps the capacity.
    pub fn clear(&mut self) {
        *self = Self::new(self.answer_capacity);
    }

    /// Adds (or replaces) orders; a created checkout's page token is kept for its page.
    pub fn add_orders(&mut self, orders: Vec<Order>) {
        for order in orders {
            self.insert(order);
        }
    }

    /// Adds or replaces one order, keeping [`State::order_bytes`] and the page tokens.
    pub fn insert(&mut self, order: Order) {
        if let Some(old) = self.orders.remove(&order.invoice_number) {
            // Saturating: a control may have grown an order a little since it was counted.
            self.order_bytes = self.order_bytes.saturating_sub(old.size());
            if let Some(token) = old.token {
                self.tokens.remove(&token);
            }
        }
        self.order_bytes += order.size();
        if let Some(token) = &order.token {
            self.tokens.insert(token.clone(), order.invoice_number.clone());
        }
        self.orders.insert(order.invoice_number.clone(), order);
    }

    /// The bytes held by orders would stay within `budget` after adding `orders` (replacing
    /// held ones of the same invoice).
    pub fn fits(&self, orders: &[Order], budget: usize) -> bool {
        let delta: isize = orders
            .iter()
            .map(|o| o.size() as isize - self.orders.get(&o.invoice_number).map_or(0, |old| old.size() as isize))
            .sum();
        (self.order_bytes as isize + delta) as usize <= budget
    }

    /// The answer stored for a Request-Id, if it is still remembered.
    pub fn stored(&self, request_id: &str) -> Option<&Stored> {
        self.answers.get(request_id)
    }

    /// Stores the answer for a new Request-Id, forgetting the oldest one when full (O(1)).
    pub fn store(&mut self, request_id: &str, stored: Stored) {
        if self.answers.len() >= self.answer_capacity
            && let Some(oldest) = self.answer_order.pop_front()
        {
            self.answers.remove(&oldest);
        }
        self.answer_order.push_back(request_id.to_owned());
        self.answers.insert(request_id.to_owned(), stored);
    }

    /// The order, expired first if its due time has passed by `now` (the emulator's clock).
    /// DOKU sends no notification for an expiry, and neither does the emulator.
    pub fn order_mut(&mut self, invoice: &str, now: i64) -> Option<&mut Order> {
        let order = self.orders.get_mut(invoice)?;
        if order.state.is_open() && order.expires_at <= now {
            order.state = OrderState::Expired;
        }
        Some(order)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stored(path: &str) -> Stored {
        Stored { path: path.into(), body_digest: String::new(), outcome: Outcome::refused(400, "X") }
    }

    #[test]
    fn the_answer_store_forgets_the_oldest_request_id_when_full() {
        let mut state = State::new(2);
        state.store("a", stored("/a"));
        state.store("b", stored("/b"));
        state.store("c", stored("/c"));
        assert!(state.stored("a").is_none());
        assert_eq!(state.stored("b").map(|s| s.path.as_str()), Some("/b"));
        assert_eq!(state.stored("c").map(|s| s.path.as_str()), Some("/c"));
        assert_eq!(state.answers.len(), 2);
        assert_eq!(state.answer_order.len(), 2);
    }
}
