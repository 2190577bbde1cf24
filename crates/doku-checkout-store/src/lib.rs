#![doc = include_str!("../README.md")]

mod decide;
mod model;
mod postgres;
mod schema;
mod sqlite;
mod tls;
mod url;

use std::future::Future;
use std::time::Duration;

use doku_checkout::Error;

pub use model::{BatchRow, Claim, Claimed, KnownOrder, Observation, Observed, SendRecord, StoredRow};
pub use postgres::PostgresStore;
pub use sqlite::SqliteStore;
pub use url::StoreUrl;

/// A place to keep batches and orders: opened once per process, one [`Connection`] per task.
pub trait Store: Clone + Send + Sync + 'static {
    /// One task's connection.
    type Conn: Connection;

    /// A new connection (the schema is already checked: see the backend's `open`).
    fn connect(&self) -> impl Future<Output = Result<Self::Conn, Error>> + Send;
}

/// What `cancel-batch` and `reconcile` ask of a store. Every method is one transaction.
pub trait Connection: Send + 'static {
    /// Adds the batch's rows; rows already there are kept as they are. Refuses a row the batch
    /// holds with another `original_request_id` or note (its Request-Id was chosen for that body).
    fn load_batch(&mut self, batch: &str, rows: &[BatchRow]) -> impl Future<Output = Result<(), Error>> + Send;

    /// Claims the next unsettled row whose lease is free or expired (and which has not failed
    /// since `since_ms`, this worker's start, by the store's clock), for `lease`. The row's
    /// Request-Id is chosen (`new_request_id`) and stored with its first claim.
    fn claim(
        &mut self,
        batch: &str,
        worker: &str,
        lease: Duration,
        since_ms: i64,
        new_request_id: &str,
    ) -> impl Future<Output = Result<Claimed, Error>> + Send;

    /// Records a send's end and frees the row's lease if `worker` still holds it. A row
    /// another worker settled meanwhile keeps that outcome.
    fn record(
        &mut self,
        batch: &str,
        worker: &str,
        claim: &Claim,
        sent: &SendRecord,
    ) -> impl Future<Output = Result<(), Error>> + Send;

    /// Every row of the batch, in input order.
    fn batch_rows(&mut self, batch: &str) -> impl Future<Output = Result<Vec<StoredRow>, Error>> + Send;

    /// The store's clock, in milliseconds since 1970 (a worker's `since_ms`).
    fn now_ms(&mut self) -> impl Future<Output = Result<i64, Error>> + Send;

    /// What is known of an order.
    fn known(&mut self, invoice_number: &str) -> impl Future<Output = Result<Option<KnownOrder>, Error>> + Send;

    /// Applies what DOKU said of an order through the lifecycle rule (read, decide, write in
    /// one transaction, the row locked), with a history row.
    fn observe(
        &mut self,
        invoice_number: &str,
        observation: &Observation,
    ) -> impl Future<Output = Result<Observed, Error>> + Send;
}

/// A lease must outlast the longest call (attempts, waits and the status check after an
/// unreadable answer), or a second worker would resend while the first still waits; the
/// clients' deadline is at most 10 minutes.
pub const MIN_LEASE: Duration = Duration::from_secs(1);
/// The longest lease taken.
pub const MAX_LEASE: Duration = Duration::from_secs(24 * 3600);

/// The `reason` of every error the store itself fails with (an outage, a lock held too long, a
/// full disk): a rerun may succeed, unlike a bad `--store`.
pub const STORE_FAILURE: &str = "store_failure";

fn store_error(what: &str, e: impl std::error::Error) -> Error {
    Error::config(format!("the store failed while {what}: {}", described(&e))).with_reason(STORE_FAILURE)
}

/// An error with its causes (`error performing TLS handshake: invalid peer certificate:
/// UnknownIssuer`): the drivers' own text says what happened only at the top.
fn described(e: &dyn std::error::Error) -> String {
    let mut text = e.to_string();
    let mut cause = e.source();
    while let Some(c) = cause {
        let next = c.to_string();
        if !text.contains(&next) {
            text.push_str(": ");
            text.push_str(&next);
        }
        cause = c.source();
    }
    text
}
