//! Cancelling many orders, resumably: the sans-IO part of `doku-checkout cancel-batch`.
//!
//! [`read_orders`] validates the orders file, [`Journal`] reads back what an earlier run did,
//! [`plan`] decides per row whether to skip it (settled), resend it with its journaled
//! Request-Id, or send it with a new one, and [`Outcome::of`] names what a cancel's answer
//! means for the report. The CLI adds the I/O: the journal file, the HTTP calls, the progress.

mod csv;
mod journal;

use serde::{Deserialize, Serialize};

pub use csv::{MAX_ROWS, field as csv_field};
pub use journal::{Entry, Journal, JournaledRow, MAX_JOURNAL_BYTES};

use crate::classify::says_already_cancelled;
use crate::error::{Error, ErrorCode};
use crate::operations::{CancelByInvoice, CancelOrderRequest, CancelOrderResult, OrderStatusResult};
use crate::request_id::RequestId;

/// Where a row ended up.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// DOKU cancelled it (now or, replayed, earlier).
    Cancelled,
    /// It was cancelled before this batch.
    AlreadyCancelled,
    /// DOKU refused: paid, expired, or a channel that cannot be cancelled.
    NotCancellable,
    /// DOKU has no such order.
    NotFound,
    /// The row (or DOKU's view of it) is invalid: fix the input.
    Invalid,
    /// No final answer (network, timeout, server, rate limit, credentials): rerun.
    Error,
}

impl Outcome {
    /// Every outcome, in report order.
    pub const ALL: [Self; 6] =
        [Self::Cancelled, Self::AlreadyCancelled, Self::NotCancellable, Self::NotFound, Self::Invalid, Self::Error];

    /// The report's word for it.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Cancelled => "cancelled",
            Self::AlreadyCancelled => "already_cancelled",
            Self::NotCancellable => "not_cancellable",
            Self::NotFound => "not_found",
            Self::Invalid => "invalid",
            Self::Error => "error",
        }
    }

    /// Settled: a rerun skips the row.
    pub fn is_final(self) -> bool {
        self != Self::Error
    }

    /// What a cancel's answer means for the batch: settled, or to be learned from DOKU's status
    /// API. The answer alone cannot settle a row when it is a 409 that does not replay a
    /// readable outcome (the resend of a Request-Id whose refusal was lost: DOKU will not say
    /// what it answered the first time) or a 4xx refusal whose body says nothing (an unreadable
    /// 400 may hide "already paid" as well as a bad row): guessing `invalid` there would settle
    /// a paid, expired or cancelled order as a fault of the input.
    pub fn settle(result: &Result<CancelOrderResult, Error>) -> Settle {
        if let Err(e) = result {
            let unreadable_refusal = e.code() == ErrorCode::InvalidRequest && e.messages().is_empty();
            if e.code() == ErrorCode::DuplicateRequest || unreadable_refusal {
                let why = match e.http_status() {
                    Some(status) => format!("{} (HTTP {status})", e.code()),
                    None => e.code().to_string(),
                };
                return Settle::AskStatus(Unsettled { why, refused: !e.messages().is_empty() });
            }
        }
        let (outcome, message) = Self::of(result);
        Settle::Final(outcome, message)
    }

    /// What DOKU's status API says of an order whose cancel answer could not settle it. A final
    /// status decides (CANCELLED: cancelled; paid, expired or refunded: not cancellable; the
    /// order not found: not found). A still-open order (PENDING, ORDER_GENERATED) is `invalid`
    /// only when DOKU's answer was a readable refusal (it refused this cancel); after an answer
    /// that said nothing (a proxy's page, a request still being processed) it is left to a rerun,
    /// as is FAILED (not final in DOKU's table), anything unknown, and no answer.
    pub fn from_status(unsettled: &Unsettled, status: &Result<OrderStatusResult, Error>) -> (Self, String) {
        let why = &unsettled.why;
        let asked = |what: &str| format!("{why}; DOKU's status API says {what}");
        match status {
            Ok(s) => {
                // `status` is the transaction's status, else the order's (the core's reading).
                let said: String = s.status.as_deref().unwrap_or("").chars().take(64).collect();
                let outcome = match said.as_str() {
                    "CANCELLED" => Self::Cancelled,
                    "SUCCESS" | "EXPIRED" | "REFUNDED" | "ORDER_EXPIRED" => Self::NotCancellable,
                    "PENDING" | "ORDER_GENERATED" if unsettled.refused => Self::Invalid,
                    _ => Self::Error,
                };
                let detail = match outcome {
                    Self::Invalid => {
                        asked(&format!("{said}: DOKU refused this cancel; check the row's original_request_id"))
                    }
                    Self::Error => asked(&format!("{said:?}, which settles nothing: rerun")),
                    _ => asked(&said),
                };
                (outcome, detail)
            }
            Err(e) if e.code() == ErrorCode::OrderNotFound => (Self::NotFound, asked("the order does not exist")),
            Err(e) => (Self::Error, format!("{why}; the status API did not answer ({}): rerun", e.code())),
        }
    }

    /// What a cancel's answer means for the batch, and a one-line message.
    pub fn of(result: &Result<CancelOrderResult, Error>) -> (Self, String) {
        match result {
            Ok(done) if done.replayed => (Self::Cancelled, "cancelled (DOKU replayed the earlier answer)".to_owned()),
            Ok(_) => (Self::Cancelled, "cancelled".to_owned()),
            Err(e) => {
                let outcome = match e.code() {
                    ErrorCode::OrderNotCancellable if says_already_cancelled(e.messages()) => Self::AlreadyCancelled,
                    ErrorCode::OrderNotCancellable => Self::NotCancellable,
                    ErrorCode::OrderNotFound => Self::NotFound,
                    ErrorCode::InvalidInput | ErrorCode::InvalidRequest => Self::Invalid,
                    // Cancel by invoice: DOKU's status answer names no checkout Request-Id to quote
                    // (no transaction yet); a rerun would read the same.
                    ErrorCode::InvalidResponse if e.reason() == Some("no_original_request_id") => Self::Invalid,
                    _ => Self::Error,
                };
                let said = if e.messages().is_empty() { e.message().to_owned() } else { e.messages().join("; ") };
                (outcome, format!("{}: {said}", e.code()))
            }
        }
    }
}

/// A cancel's answer, for the batch: the row's outcome, or the status API must be asked.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Settle {
    /// Settled (or left to a rerun) by the answer itself.
    Final(Outcome, String),
    /// Ask DOKU's status API.
    AskStatus(Unsettled),
}

/// An answer that could not settle a row on its own.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Unsettled {
    /// What the answer was (`duplicate_request (HTTP 409)`), for the report.
    pub why: String,
    /// It carried DOKU's readable refusal (a 409 replaying one): an order still open refused it.
    pub refused: bool,
}

/// One row of the orders file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OrderRow {
    /// Its line in the file (for messages).
    pub line: usize,
    /// `invoice_number`.
    pub invoice_number: String,
    /// How the row is cancelled, or why it cannot be sent.
    pub request: Result<RowCancel, String>,
    /// `original_request_id` as written.
    pub original_request_id: String,
    /// `note` as written.
    pub note: String,
}

/// How a row is cancelled.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RowCancel {
    /// Quoting the checkout's Request-Id the file gives.
    Direct(CancelOrderRequest),
    /// By invoice number alone (the file leaves `original_request_id` empty): DOKU's status
    /// answer gives the checkout's Request-Id, and a final order is refused without a cancel
    /// (see [`CancelByInvoice`]).
    ByInvoice {
        /// The invoice.
        invoice_number: String,
        /// The cancel's note.
        note: String,
    },
}

impl RowCancel {
    /// A row's cancel: by invoice when `original_request_id` is empty, else direct; validated.
    pub fn for_row(invoice_number: &str, original_request_id: &str, note: &str) -> Result<Self, Error> {
        if original_request_id.is_empty() {
            CancelByInvoice::new(invoice_number, note, None)?;
            return Ok(Self::ByInvoice { invoice_number: invoice_number.to_owned(), note: note.to_owned() });
        }
        Ok(Self::Direct(CancelOrderRequest::new(invoice_number, original_request_id, note)?))
    }

    /// The call to make under the row's Request-Id. A by-invoice call always counts as a retry
    /// ([`CancelByInvoice::new`] with the id): the row's Request-Id may have reached DOKU in an
    /// earlier run, so an order found cancelled is cancelled again under it, and DOKU replays
    /// its first answer (or refuses, as already cancelled, a cancel made elsewhere).
    pub fn by_invoice_call(&self, request_id: &RequestId) -> Result<Option<CancelByInvoice>, Error> {
        match self {
            Self::Direct(_) => Ok(None),
            Self::ByInvoice { invoice_number, note } => {
                CancelByInvoice::new(invoice_number, note, Some(request_id.as_str())).map(Some)
            }
        }
    }
}

/// Reads the orders file: a header row naming `invoice_number`, `original_request_id` and
/// `note` (in any order; other columns are ignored), then one order per row. A row whose
/// `original_request_id` is empty is cancelled by invoice number alone. A row that
/// cannot be sent (a missing or over-long field, a control character, an invoice already
/// listed) is kept with the reason, to be reported as `invalid`; a file without those columns
/// is refused whole.
pub fn read_orders(text: &str) -> Result<Vec<OrderRow>, Error> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut records = csv::records(text)?.into_iter();
    let Some((_, header)) = records.next() else {
        return Err(Error::invalid_input(
            "input",
            "the orders file is empty: expected a header row invoice_number,original_request_id,note",
        ));
    };
    let column = |name: &str| {
        header.iter().position(|h| h.trim() == name).ok_or_else(|| {
            Error::invalid_input(
                "input",
                format!("the header row has no {name} column: expected invoice_number,original_request_id,note"),
            )
        })
    };
    let (invoice_at, original_at, note_at) =
        (column("invoice_number")?, column("original_request_id")?, column("note")?);
    let mut seen = std::collections::HashSet::new();
    let mut rows = Vec::new();
    for (line, fields) in records {
        let get = |i: usize| fields.get(i).map(|f| f.trim().to_owned()).unwrap_or_default();
        let (invoice_number, original_request_id, note) = (get(invoice_at), get(original_at), get(note_at));
        let request = if !seen.insert(invoice_number.clone()) && !invoice_number.is_empty() {
            Err(format!("invoice {invoice_number} is listed more than once; it is cancelled for its first row"))
        } else {
            RowCancel::for_row(&invoice_number, &original_request_id, &note).map_err(|e| e.message().to_owned())
        };
        rows.push(OrderRow { line, invoice_number, request, original_request_id, note });
    }
    Ok(rows)
}

/// Reads a list of invoices (`reconcile`'s input): a header row naming `invoice_number` (other
/// columns are ignored), then one invoice per row, as `(line, invoice_number)`. An invoice that
/// cannot be asked for (empty, over 64 characters, a control character) refuses the file with
/// its line; one listed twice is asked once.
pub fn read_invoices(text: &str) -> Result<Vec<(usize, String)>, Error> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut records = csv::records(text)?.into_iter();
    let Some((_, header)) = records.next() else {
        return Err(Error::invalid_input(
            "input",
            "the invoices file is empty: expected a header row naming invoice_number",
        ));
    };
    let Some(at) = header.iter().position(|h| h.trim() == "invoice_number") else {
        return Err(Error::invalid_input("input", "the header row has no invoice_number column"));
    };
    let mut seen = std::collections::HashSet::new();
    let mut out = Vec::new();
    for (line, fields) in records {
        let invoice = fields.get(at).map(|f| f.trim().to_owned()).unwrap_or_default();
        crate::operations::OrderStatusRequest::new(invoice.as_str())
            .map_err(|e| Error::invalid_input("input", format!("line {line}: {}", e.message())))?;
        if seen.insert(invoice.clone()) {
            out.push((line, invoice));
        }
    }
    Ok(out)
}

/// What to do with a row.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Action {
    /// Settled by an earlier run: report it, send nothing.
    Settled(Entry),
    /// Send with this Request-Id; `resend` when an earlier run already assigned it.
    Send {
        /// The Request-Id for every send of this row.
        request_id: RequestId,
        /// It was journaled before: DOKU may have acted on it already.
        resend: bool,
    },
    /// The row cannot be sent.
    Invalid(String),
}

/// Decides each row's action from the journal. Refuses a journal that assigned a row's
/// Request-Id for another body (its original Request-Id or note changed since): resending
/// that id with a different body would be refused by DOKU, and a new id could cancel twice.
pub fn plan(rows: &[OrderRow], journal: &Journal) -> Result<Vec<Action>, Error> {
    rows.iter()
        .map(|row| {
            if let Err(reason) = &row.request {
                return Ok(Action::Invalid(reason.clone()));
            }
            let Some(known) = journal.rows.get(&row.invoice_number) else {
                return Ok(Action::Send { request_id: RequestId::generate(), resend: false });
            };
            if known.original_request_id != row.original_request_id || known.note != row.note {
                return Err(Error::invalid_input(
                    "journal",
                    format!(
                        "line {}: the journal sent {} with another original_request_id or note; use a new journal for a changed file",
                        row.line, row.invoice_number
                    ),
                ));
            }
            if known.settled().is_some()
                && let Some(last) = &known.last
            {
                return Ok(Action::Settled(last.clone()));
            }
            let request_id = RequestId::new(known.request_id.clone())
                .map_err(|e| Error::invalid_input("journal", format!("line {}: {}", row.line, e.message())))?;
            Ok(Action::Send { request_id, resend: true })
        })
        .collect()
}

/// One report row: `invoice_number,outcome,request_id,http_status,replayed,message`.
pub fn report_line(invoice_number: &str, entry: Option<&Entry>, invalid: Option<&str>) -> String {
    let (outcome, request_id, status, replayed, message) = match (entry, invalid) {
        (_, Some(reason)) => (Outcome::Invalid.as_str(), "", String::new(), false, reason.to_owned()),
        (Some(Entry::Outcome { outcome, request_id, http_status, replayed, message, .. }), None) => (
            outcome.as_str(),
            request_id.as_str(),
            http_status.map(|s| s.to_string()).unwrap_or_default(),
            *replayed,
            message.clone(),
        ),
        (Some(Entry::Assigned { request_id, .. }), None) => {
            (Outcome::Error.as_str(), request_id.as_str(), String::new(), false, "not sent yet: rerun".to_owned())
        }
        (None, None) => (Outcome::Error.as_str(), "", String::new(), false, "not sent: rerun".to_owned()),
    };
    [
        csv::field(invoice_number),
        outcome.to_owned(),
        csv::field(request_id),
        status,
        replayed.to_string(),
        csv::field(&message),
    ]
    .join(",")
}

/// The report's header row.
pub const REPORT_HEADER: &str = "invoice_number,outcome,request_id,http_status,replayed,message";

#[cfg(test)]
mod tests;
