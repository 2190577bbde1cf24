//! The values that cross the store interface.

use doku_checkout::batch::Outcome;

/// One order of a batch, as loaded from the input.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BatchRow {
    /// Its line in the input (the report's order).
    pub line: u32,
    /// The invoice to cancel (unique within a batch).
    pub invoice_number: String,
    /// The checkout's Request-Id the cancel quotes.
    pub original_request_id: String,
    /// The cancel's note.
    pub note: String,
}

/// A row this worker holds the lease of.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Claim {
    /// The invoice.
    pub invoice_number: String,
    /// The checkout's Request-Id the cancel quotes.
    pub original_request_id: String,
    /// The cancel's note.
    pub note: String,
    /// The Request-Id of every send of this row, stored before the first.
    pub request_id: String,
    /// An earlier claim chose the Request-Id: DOKU may have acted on it already.
    pub resend: bool,
}

/// What [`crate::Connection::claim`] found.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Claimed {
    /// A row to send.
    Row(Claim),
    /// Nothing to claim now, but other workers hold leases on unsettled rows: ask again after
    /// this long (they may die and their leases expire).
    Wait(std::time::Duration),
    /// Nothing left this worker can do.
    Done,
}

/// How a send ended.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SendRecord {
    /// The batch's outcome.
    pub outcome: Outcome,
    /// DOKU's HTTP status, if it answered.
    pub http_status: Option<u16>,
    /// DOKU replayed an earlier answer.
    pub replayed: bool,
    /// One line for the report.
    pub message: String,
}

/// A batch row as stored.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StoredRow {
    /// Its line in the input.
    pub line: u32,
    /// The invoice.
    pub invoice_number: String,
    /// The Request-Id, once claimed.
    pub request_id: Option<String>,
    /// How its latest send ended.
    pub last: Option<SendRecord>,
}

/// What DOKU's status API said of an order, read by the core.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Observation {
    /// `transaction.status`.
    pub transaction_status: Option<String>,
    /// `order.status`.
    pub order_status: Option<String>,
    /// `transaction.original_request_id`.
    pub original_request_id: Option<String>,
}

/// An order as stored.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KnownOrder {
    /// The lifecycle state's name (`PENDING`, `PAID`, ... or an unknown value as DOKU sent it).
    pub state: String,
    /// The last `transaction.status` seen.
    pub transaction_status: Option<String>,
    /// The last `order.status` seen.
    pub order_status: Option<String>,
    /// The checkout's Request-Id, once seen.
    pub original_request_id: Option<String>,
    /// When the order was last checked (store clock, ms since 1970).
    pub checked_at_ms: i64,
    /// When the state last changed (store clock, ms since 1970).
    pub changed_at_ms: i64,
}

/// What [`crate::Connection::observe`] did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Observed {
    /// The order after it.
    pub order: KnownOrder,
    /// The state changed.
    pub changed: bool,
    /// The rule's word: `apply`, `unchanged`, `anomaly` or `unrecognised`.
    pub transition: &'static str,
    /// For an anomaly, `stored->observed` (e.g. `CANCELLED->PAID`), kept and not applied.
    pub anomaly: Option<String>,
}
