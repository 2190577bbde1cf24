//! The emulator's memory: orders, the idempotency store, queued faults and the request log.

use std::collections::{HashMap, VecDeque};

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
}

impl OrderState {
    /// The `transaction.status` DOKU's status API reports.
    pub fn transaction_status(self) -> &'static str {
        match self {
            Self::Pending => "PENDING",
            Self::Paid => "SUCCESS",
            Self::Expired => "EXPIRED",
            Self::Cancelled => "CANCELLED",
        }
    }
}

/// An order held by the emulator.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
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

/// Orders to add and faults to queue, as the scenarios and the `/_mock/setup` control write them.
#[derive(Debug, Default, Deserialize)]
pub(crate) struct Setup {
    #[serde(default)]
    pub orders: Vec<Order>,
    #[serde(default)]
    pub faults: Vec<Fault>,
}

/// A stored answer for a Request-Id (DOKU replays it with 409).
#[derive(Clone, Debug)]
pub(crate) struct Stored {
    pub path: String,
    pub body_digest: String,
    pub response: Vec<u8>,
}

/// Everything the emulator remembers.
#[derive(Debug, Default)]
pub(crate) struct State {
    pub orders: HashMap<String, Order>,
    pub answers: HashMap<String, Stored>,
    pub faults: VecDeque<Fault>,
    pub log: Vec<LogEntry>,
}

impl State {
    /// Adds the orders and queues the faults of a setup.
    pub fn apply(&mut self, setup: Setup) {
        for order in setup.orders {
            self.orders.insert(order.invoice_number.clone(), order);
        }
        self.faults.extend(setup.faults);
    }

    /// Takes the fault for the next API request, if one is queued.
    pub fn next_fault(&mut self) -> Option<FaultKind> {
        let front = self.faults.front_mut()?;
        let kind = front.kind.clone();
        front.count = front.count.saturating_sub(1);
        if front.count == 0 {
            self.faults.pop_front();
        }
        Some(kind)
    }

    /// Expires orders whose due time has passed.
    pub fn order_mut(&mut self, invoice: &str, now: i64) -> Option<&mut Order> {
        let order = self.orders.get_mut(invoice)?;
        if order.state == OrderState::Pending && order.expires_at <= now {
            order.state = OrderState::Expired;
        }
        Some(order)
    }
}
