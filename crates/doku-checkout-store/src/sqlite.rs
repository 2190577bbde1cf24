//! The embedded store: one SQLite file (WAL), shared by the processes of one machine. A claim is
//! an immediate transaction (SQLite's write lock), so two processes never claim one row, and it
//! is synced to disk (it carries the Request-Id) before the cancel is sent. An outcome is
//! committed without waiting for the disk: losing it to a power cut only means a rerun resends
//! the row's Request-Id and reads DOKU's replay. The tasks of one process share one connection
//! (SQLite writes one at a time anyway; this spares them waiting on each other's file lock).

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use doku_checkout::Error;
use rusqlite::{OptionalExtension, TransactionBehavior, params};

use crate::model::{BatchRow, Claim, Claimed, KnownOrder, Observation, Observed, SendRecord, StoredRow};
use crate::{Connection, Store, decide, schema, store_error};

/// How long a connection waits for another process's write lock before failing.
const BUSY_TIMEOUT: Duration = Duration::from_secs(30);

/// An SQLite store (see the module docs).
#[derive(Clone, Debug)]
pub struct SqliteStore {
    path: PathBuf,
    shared: Arc<Mutex<rusqlite::Connection>>,
}

/// A task's handle on the process's SQLite connection.
pub struct SqliteConn {
    shared: Arc<Mutex<rusqlite::Connection>>,
}

impl SqliteConn {
    fn lock(&self) -> MutexGuard<'_, rusqlite::Connection> {
        // A task that panicked mid-call left no transaction open (rusqlite rolls back on drop).
        self.shared.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

fn failed(what: &'static str) -> impl Fn(rusqlite::Error) -> Error {
    move |e| store_error(what, e)
}

fn now_ms() -> i64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
}

impl SqliteStore {
    /// Opens (creating if missing) the file and brings its schema to this build's version.
    pub fn open(path: &Path) -> Result<Self, Error> {
        let mut conn = open_conn(path)?;
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate).map_err(failed("migrating"))?;
        let version: i64 = tx.query_row("PRAGMA user_version", [], |r| r.get(0)).map_err(failed("migrating"))?;
        if version > schema::VERSION {
            return Err(schema::too_new(version));
        }
        for sql in schema::MIGRATIONS.iter().skip(usize::try_from(version).unwrap_or(usize::MAX)) {
            tx.execute_batch(sql).map_err(failed("migrating"))?;
        }
        tx.execute_batch(&format!("PRAGMA user_version = {}", schema::VERSION)).map_err(failed("migrating"))?;
        tx.commit().map_err(failed("migrating"))?;
        Ok(Self { path: path.to_owned(), shared: Arc::new(Mutex::new(conn)) })
    }

    /// The database file.
    pub fn path(&self) -> &Path {
        &self.path
    }
}

fn open_conn(path: &Path) -> Result<rusqlite::Connection, Error> {
    let conn = rusqlite::Connection::open(path)
        .map_err(|e| Error::invalid_input("store", format!("cannot open the SQLite store {}: {e}", path.display())))?;
    conn.busy_timeout(BUSY_TIMEOUT).map_err(failed("opening"))?;
    // Switching a new file to WAL needs it to itself, and SQLite answers "busy" at once rather
    // than waiting when another process opens it at the same moment: wait here instead.
    let started = std::time::Instant::now();
    loop {
        match conn.execute_batch("PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON;") {
            Ok(()) => return Ok(conn),
            Err(e) if is_busy(&e) && started.elapsed() < BUSY_TIMEOUT => {
                std::thread::sleep(Duration::from_millis(10));
            }
            Err(e) if e.sqlite_error_code() == Some(rusqlite::ErrorCode::NotADatabase) => {
                return Err(Error::invalid_input("store", format!("{} is not an SQLite store: {e}", path.display())));
            }
            Err(e) => return Err(store_error("opening", e)),
        }
    }
}

fn is_busy(e: &rusqlite::Error) -> bool {
    matches!(e.sqlite_error_code(), Some(rusqlite::ErrorCode::DatabaseBusy | rusqlite::ErrorCode::DatabaseLocked))
}

impl Store for SqliteStore {
    type Conn = SqliteConn;

    async fn connect(&self) -> Result<SqliteConn, Error> {
        Ok(SqliteConn { shared: Arc::clone(&self.shared) })
    }
}

/// SQLite calls block (on a busy lock, up to [`BUSY_TIMEOUT`]): run them where blocking is allowed.
fn blocking<T>(f: impl FnOnce() -> T) -> T {
    match tokio::runtime::Handle::try_current() {
        Ok(handle) if handle.runtime_flavor() == tokio::runtime::RuntimeFlavor::MultiThread => {
            tokio::task::block_in_place(f)
        }
        _ => f(),
    }
}

pub(crate) fn stored_record_of(
    outcome: Option<String>,
    http_status: Option<i64>,
    replayed: bool,
    message: String,
) -> Option<SendRecord> {
    let outcome = doku_checkout::batch::Outcome::ALL.into_iter().find(|o| Some(o.as_str()) == outcome.as_deref())?;
    Some(SendRecord { outcome, http_status: http_status.and_then(|s| u16::try_from(s).ok()), replayed, message })
}

impl Connection for SqliteConn {
    async fn load_batch(&mut self, batch: &str, rows: &[BatchRow]) -> Result<(), Error> {
        blocking(|| {
            let mut conn = self.lock();
            let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate).map_err(failed("loading"))?;
            {
                let mut insert = tx
                    .prepare_cached(
                        "INSERT INTO doku_batch_rows (batch_id, invoice_number, line, original_request_id, note)
                         VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT DO NOTHING",
                    )
                    .map_err(failed("loading"))?;
                let mut read = tx
                    .prepare_cached(
                        "SELECT original_request_id, note FROM doku_batch_rows WHERE batch_id = ?1 AND invoice_number = ?2",
                    )
                    .map_err(failed("loading"))?;
                for row in rows {
                    insert
                        .execute(params![batch, row.invoice_number, row.line, row.original_request_id, row.note])
                        .map_err(failed("loading"))?;
                    let (original, note): (String, String) = read
                        .query_row(params![batch, row.invoice_number], |r| Ok((r.get(0)?, r.get(1)?)))
                        .map_err(failed("loading"))?;
                    if original != row.original_request_id || note != row.note {
                        return Err(changed_row(batch, row));
                    }
                }
            }
            tx.commit().map_err(failed("loading"))
        })
    }

    async fn claim(
        &mut self,
        batch: &str,
        worker: &str,
        lease: Duration,
        since_ms: i64,
        new_request_id: &str,
    ) -> Result<Claimed, Error> {
        let lease_ms = i64::try_from(lease.as_millis()).unwrap_or(i64::MAX);
        blocking(|| {
            let mut conn = self.lock();
            let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate).map_err(failed("claiming"))?;
            let now = now_ms();
            let next: Option<(String, String, String, Option<String>)> = tx
                .query_row(
                    "SELECT invoice_number, original_request_id, note, request_id FROM doku_batch_rows
                     WHERE batch_id = ?1 AND NOT settled
                       AND (lease_until_ms IS NULL OR lease_until_ms < ?2)
                       AND (failed_at_ms IS NULL OR failed_at_ms < ?3)
                     ORDER BY line LIMIT 1",
                    params![batch, now, since_ms],
                    |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
                )
                .optional()
                .map_err(failed("claiming"))?;
            let Some((invoice_number, original_request_id, note, request_id)) = next else {
                let soonest: Option<i64> = tx
                    .query_row(
                        "SELECT MIN(lease_until_ms) FROM doku_batch_rows
                         WHERE batch_id = ?1 AND NOT settled AND lease_until_ms >= ?2
                           AND (failed_at_ms IS NULL OR failed_at_ms < ?3)",
                        params![batch, now, since_ms],
                        |r| r.get(0),
                    )
                    .map_err(failed("claiming"))?;
                return Ok(soonest.map_or(Claimed::Done, |until| Claimed::Wait(wait_for(until - now))));
            };
            let resend = request_id.is_some();
            let request_id = request_id.unwrap_or_else(|| new_request_id.to_owned());
            tx.execute(
                "UPDATE doku_batch_rows SET lease_owner = ?3, lease_until_ms = ?4, claims = claims + 1, request_id = ?5
                 WHERE batch_id = ?1 AND invoice_number = ?2",
                params![batch, invoice_number, worker, now.saturating_add(lease_ms), request_id],
            )
            .map_err(failed("claiming"))?;
            tx.commit().map_err(failed("claiming"))?;
            Ok(Claimed::Row(Claim { invoice_number, original_request_id, note, request_id, resend }))
        })
    }

    async fn record(&mut self, batch: &str, worker: &str, claim: &Claim, sent: &SendRecord) -> Result<(), Error> {
        blocking(|| {
            let conn = self.lock();
            // The outcome need not wait for the disk (see the module docs); the claim does.
            conn.pragma_update(None, "synchronous", "NORMAL").map_err(failed("recording an outcome"))?;
            let written = conn
                .execute(
                    "UPDATE doku_batch_rows SET outcome = ?4, settled = ?5, http_status = ?6, replayed = ?7, message = ?8,
                        lease_until_ms = CASE WHEN lease_owner = ?10 THEN NULL ELSE lease_until_ms END,
                        lease_owner = CASE WHEN lease_owner = ?10 THEN NULL ELSE lease_owner END,
                        failed_at_ms = CASE WHEN ?5 THEN NULL ELSE ?9 END
                     WHERE batch_id = ?1 AND invoice_number = ?2 AND request_id = ?3 AND NOT settled",
                    params![
                        batch,
                        claim.invoice_number,
                        claim.request_id,
                        sent.outcome.as_str(),
                        sent.outcome.is_final(),
                        sent.http_status,
                        sent.replayed,
                        sent.message,
                        now_ms(),
                        worker
                    ],
                )
                .map(drop)
                .map_err(failed("recording an outcome"));
            conn.pragma_update(None, "synchronous", "FULL").map_err(failed("recording an outcome"))?;
            written
        })
    }

    async fn batch_rows(&mut self, batch: &str) -> Result<Vec<StoredRow>, Error> {
        blocking(|| {
            let conn = self.lock();
            let mut read = conn
                .prepare(
                    "SELECT line, invoice_number, request_id, outcome, http_status, replayed, message
                     FROM doku_batch_rows WHERE batch_id = ?1 ORDER BY line",
                )
                .map_err(failed("reading the batch"))?;
            let rows = read
                .query_map(params![batch], |r| {
                    Ok(StoredRow {
                        line: r.get(0)?,
                        invoice_number: r.get(1)?,
                        request_id: r.get(2)?,
                        last: stored_record_of(r.get(3)?, r.get(4)?, r.get(5)?, r.get(6)?),
                    })
                })
                .map_err(failed("reading the batch"))?;
            rows.collect::<Result<Vec<_>, _>>().map_err(failed("reading the batch"))
        })
    }

    async fn now_ms(&mut self) -> Result<i64, Error> {
        Ok(now_ms())
    }

    async fn known(&mut self, invoice_number: &str) -> Result<Option<KnownOrder>, Error> {
        blocking(|| read_order(&self.lock(), invoice_number))
    }

    async fn observe(&mut self, invoice_number: &str, observation: &Observation) -> Result<Observed, Error> {
        blocking(|| {
            let mut conn = self.lock();
            let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate).map_err(failed("observing"))?;
            let stored = read_order(&tx, invoice_number)?;
            let observed = decide::decide(stored.as_ref(), observation, now_ms());
            let o = &observed.order;
            tx.execute(
                "INSERT INTO doku_orders (invoice_number, state, transaction_status, order_status, original_request_id, checked_at_ms, changed_at_ms)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
                 ON CONFLICT (invoice_number) DO UPDATE SET state = ?2, transaction_status = ?3, order_status = ?4,
                    original_request_id = ?5, checked_at_ms = ?6, changed_at_ms = ?7",
                params![
                    invoice_number,
                    o.state,
                    o.transaction_status,
                    o.order_status,
                    o.original_request_id,
                    o.checked_at_ms,
                    o.changed_at_ms
                ],
            )
            .map_err(failed("observing"))?;
            tx.execute(
                "INSERT INTO doku_order_history (invoice_number, observed_at_ms, transition, state, transaction_status, order_status)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                params![
                    invoice_number,
                    o.checked_at_ms,
                    observed.transition,
                    o.state,
                    observation.transaction_status,
                    observation.order_status
                ],
            )
            .map_err(failed("observing"))?;
            tx.commit().map_err(failed("observing"))?;
            Ok(observed)
        })
    }
}

fn read_order(conn: &rusqlite::Connection, invoice_number: &str) -> Result<Option<KnownOrder>, Error> {
    conn.query_row(
        "SELECT state, transaction_status, order_status, original_request_id, checked_at_ms, changed_at_ms
         FROM doku_orders WHERE invoice_number = ?1",
        params![invoice_number],
        |r| {
            Ok(KnownOrder {
                state: r.get(0)?,
                transaction_status: r.get(1)?,
                order_status: r.get(2)?,
                original_request_id: r.get(3)?,
                checked_at_ms: r.get(4)?,
                changed_at_ms: r.get(5)?,
            })
        },
    )
    .optional()
    .map_err(failed("reading an order"))
}

/// How long to wait for leases held by others: until the soonest expires, at most a second.
pub(crate) fn wait_for(ms: i64) -> Duration {
    Duration::from_millis(u64::try_from(ms.clamp(50, 1000)).unwrap_or(1000))
}

pub(crate) fn changed_row(batch: &str, row: &BatchRow) -> Error {
    Error::invalid_input(
        "input",
        format!(
            "line {}: batch {batch} already holds {} with another original_request_id or note; \
             a changed file needs a new --batch-id",
            row.line, row.invoice_number
        ),
    )
}
