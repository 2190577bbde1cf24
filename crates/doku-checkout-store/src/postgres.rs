//! The shared store: PostgreSQL, for worker processes on many machines. A claim is one
//! statement (`… FOR UPDATE SKIP LOCKED`): workers never wait on each other's rows and never
//! claim the same one. Times come from PostgreSQL's clock, so leases mean the same to every
//! machine. Every statement commits before the call it allows is sent. The connection is TLS,
//! verified, whenever the URL's `sslmode` asks for it or the server offers it (see `tls.rs`).

use std::time::Duration;

use doku_checkout::Error;
use tokio_postgres::{Client, Row};

use crate::model::{BatchRow, Claim, Claimed, KnownOrder, Observation, Observed, SendRecord, StoredRow};
use crate::sqlite::{changed_row, wait_for};
use crate::{Connection, Store, decide, schema, store_error};

/// PostgreSQL's clock in milliseconds since 1970 (advances within a transaction).
const NOW_MS: &str = "(extract(epoch from clock_timestamp()) * 1000)::bigint";
/// Serialises the migrations of workers that start at once (`pg_advisory_xact_lock`).
const MIGRATION_LOCK: i64 = 0x646f_6b75_6368_6b31;
/// Rows per INSERT when loading a batch.
const LOAD_CHUNK: usize = 2000;

/// A PostgreSQL store (see the module docs).
#[derive(Clone)]
pub struct PostgresStore {
    url: String,
    tls: crate::tls::MakeRustls,
}

impl std::fmt::Debug for PostgresStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The URL may hold the password.
        f.write_str("PostgresStore(***)")
    }
}

/// One task's PostgreSQL connection.
pub struct PostgresConn {
    client: Client,
}

fn failed(what: &'static str) -> impl Fn(tokio_postgres::Error) -> Error {
    move |e| store_error(what, e)
}

impl PostgresStore {
    /// Connects once, and creates or upgrades the schema (serialised between workers).
    pub async fn open(url: &str) -> Result<Self, Error> {
        let store = Self { url: url.to_owned(), tls: crate::tls::MakeRustls::new()? };
        let mut conn = store.connect().await?;
        let tx = conn.client.transaction().await.map_err(failed("migrating"))?;
        tx.execute("SELECT pg_advisory_xact_lock($1)", &[&MIGRATION_LOCK]).await.map_err(failed("migrating"))?;
        tx.batch_execute("CREATE TABLE IF NOT EXISTS doku_schema (version BIGINT NOT NULL)")
            .await
            .map_err(failed("migrating"))?;
        let version: i64 =
            match tx.query_opt("SELECT version FROM doku_schema", &[]).await.map_err(failed("migrating"))? {
                Some(row) => row.get(0),
                None => {
                    tx.execute("INSERT INTO doku_schema (version) VALUES (0)", &[])
                        .await
                        .map_err(failed("migrating"))?;
                    0
                }
            };
        if version > schema::VERSION {
            return Err(schema::too_new(version));
        }
        for sql in schema::MIGRATIONS.iter().skip(usize::try_from(version).unwrap_or(usize::MAX)) {
            tx.batch_execute(sql).await.map_err(failed("migrating"))?;
        }
        tx.execute("UPDATE doku_schema SET version = $1", &[&schema::VERSION]).await.map_err(failed("migrating"))?;
        tx.commit().await.map_err(failed("migrating"))?;
        Ok(store)
    }
}

impl Store for PostgresStore {
    type Conn = PostgresConn;

    async fn connect(&self) -> Result<PostgresConn, Error> {
        let mut config: tokio_postgres::Config = self
            .url
            .parse()
            .map_err(|_| Error::invalid_input("store", "--store is not a PostgreSQL URL the driver can read"))?;
        // What an operator sees in pg_stat_activity, unless the URL names it.
        if config.get_application_name().is_none() {
            config.application_name("doku-checkout");
        }
        let (client, connection) = config.connect(self.tls.clone()).await.map_err(|e| {
            // The driver's message names the host and the cause, never the password.
            Error::config(format!("cannot connect to the PostgreSQL store: {}", crate::described(&e)))
                .with_reason(crate::STORE_FAILURE)
        })?;
        tokio::spawn(async move {
            // Ends when the client is dropped or the server goes away; the next query reports it.
            let _ = connection.await;
        });
        Ok(PostgresConn { client })
    }
}

fn to_i32(value: u32) -> i32 {
    i32::try_from(value).unwrap_or(i32::MAX)
}

fn known_order(row: &Row) -> KnownOrder {
    KnownOrder {
        state: row.get(0),
        transaction_status: row.get(1),
        order_status: row.get(2),
        original_request_id: row.get(3),
        checked_at_ms: row.get(4),
        changed_at_ms: row.get(5),
    }
}

const READ_ORDER: &str =
    "SELECT state, transaction_status, order_status, original_request_id, checked_at_ms, changed_at_ms
     FROM doku_orders WHERE invoice_number = $1";

impl Connection for PostgresConn {
    async fn load_batch(&mut self, batch: &str, rows: &[BatchRow]) -> Result<(), Error> {
        for chunk in rows.chunks(LOAD_CHUNK) {
            let invoices: Vec<&str> = chunk.iter().map(|r| r.invoice_number.as_str()).collect();
            let lines: Vec<i32> = chunk.iter().map(|r| to_i32(r.line)).collect();
            let originals: Vec<&str> = chunk.iter().map(|r| r.original_request_id.as_str()).collect();
            let notes: Vec<&str> = chunk.iter().map(|r| r.note.as_str()).collect();
            let tx = self.client.transaction().await.map_err(failed("loading"))?;
            tx.execute(
                "INSERT INTO doku_batch_rows (batch_id, invoice_number, line, original_request_id, note)
                 SELECT $1, * FROM UNNEST($2::text[], $3::int[], $4::text[], $5::text[])
                 ON CONFLICT DO NOTHING",
                &[&batch, &invoices, &lines, &originals, &notes],
            )
            .await
            .map_err(failed("loading"))?;
            let stored = tx
                .query(
                    "SELECT invoice_number, original_request_id, note FROM doku_batch_rows
                     WHERE batch_id = $1 AND invoice_number = ANY($2)",
                    &[&batch, &invoices],
                )
                .await
                .map_err(failed("loading"))?;
            let stored: std::collections::HashMap<String, (String, String)> =
                stored.iter().map(|r| (r.get(0), (r.get(1), r.get(2)))).collect();
            for row in chunk {
                match stored.get(&row.invoice_number) {
                    Some((original, note)) if *original == row.original_request_id && *note == row.note => {}
                    _ => return Err(changed_row(batch, row)),
                }
            }
            tx.commit().await.map_err(failed("loading"))?;
        }
        Ok(())
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
        let claimed = self
            .client
            .query_opt(
                &format!(
                    "WITH next AS (
                        SELECT invoice_number FROM doku_batch_rows
                        WHERE batch_id = $1 AND NOT settled
                          AND (lease_until_ms IS NULL OR lease_until_ms < {NOW_MS})
                          AND (failed_at_ms IS NULL OR failed_at_ms < $3)
                        ORDER BY line LIMIT 1
                        FOR UPDATE SKIP LOCKED)
                     UPDATE doku_batch_rows r
                     SET lease_owner = $2, lease_until_ms = {NOW_MS} + $4, claims = r.claims + 1,
                         request_id = COALESCE(r.request_id, $5)
                     FROM next WHERE r.batch_id = $1 AND r.invoice_number = next.invoice_number
                     RETURNING r.invoice_number, r.original_request_id, r.note, r.request_id"
                ),
                &[&batch, &worker, &since_ms, &lease_ms, &new_request_id],
            )
            .await
            .map_err(failed("claiming"))?;
        if let Some(row) = claimed {
            let request_id: String = row.get(3);
            return Ok(Claimed::Row(Claim {
                invoice_number: row.get(0),
                original_request_id: row.get(1),
                note: row.get(2),
                resend: request_id != new_request_id,
                request_id,
            }));
        }
        let soonest = self
            .client
            .query_one(
                &format!(
                    "SELECT MIN(lease_until_ms) - {NOW_MS} FROM doku_batch_rows
                     WHERE batch_id = $1 AND NOT settled AND lease_until_ms IS NOT NULL
                       AND (failed_at_ms IS NULL OR failed_at_ms < $2)"
                ),
                &[&batch, &since_ms],
            )
            .await
            .map_err(failed("claiming"))?;
        let left: Option<i64> = soonest.get(0);
        Ok(left.map_or(Claimed::Done, |ms| Claimed::Wait(wait_for(ms))))
    }

    async fn record(&mut self, batch: &str, worker: &str, claim: &Claim, sent: &SendRecord) -> Result<(), Error> {
        let http_status = sent.http_status.map(i32::from);
        self.client
            .execute(
                &format!(
                    "UPDATE doku_batch_rows SET outcome = $4, settled = $5, http_status = $6, replayed = $7, message = $8,
                        lease_until_ms = CASE WHEN lease_owner = $9 THEN NULL ELSE lease_until_ms END,
                        lease_owner = CASE WHEN lease_owner = $9 THEN NULL ELSE lease_owner END,
                        failed_at_ms = CASE WHEN $5 THEN NULL ELSE {NOW_MS} END
                     WHERE batch_id = $1 AND invoice_number = $2 AND request_id = $3 AND NOT settled"
                ),
                &[
                    &batch,
                    &claim.invoice_number,
                    &claim.request_id,
                    &sent.outcome.as_str(),
                    &sent.outcome.is_final(),
                    &http_status,
                    &sent.replayed,
                    &sent.message,
                    &worker,
                ],
            )
            .await
            .map(drop)
            .map_err(failed("recording an outcome"))
    }

    async fn batch_rows(&mut self, batch: &str) -> Result<Vec<StoredRow>, Error> {
        let rows = self
            .client
            .query(
                "SELECT line, invoice_number, request_id, outcome, http_status, replayed, message
                 FROM doku_batch_rows WHERE batch_id = $1 ORDER BY line",
                &[&batch],
            )
            .await
            .map_err(failed("reading the batch"))?;
        Ok(rows
            .iter()
            .map(|r| {
                let line: i32 = r.get(0);
                let outcome: Option<String> = r.get(3);
                let http_status: Option<i32> = r.get(4);
                StoredRow {
                    line: u32::try_from(line).unwrap_or_default(),
                    invoice_number: r.get(1),
                    request_id: r.get(2),
                    last: crate::sqlite::stored_record_of(outcome, http_status.map(i64::from), r.get(5), r.get(6)),
                }
            })
            .collect())
    }

    async fn now_ms(&mut self) -> Result<i64, Error> {
        let row = self.client.query_one(&format!("SELECT {NOW_MS}"), &[]).await.map_err(failed("reading the clock"))?;
        Ok(row.get(0))
    }

    async fn known(&mut self, invoice_number: &str) -> Result<Option<KnownOrder>, Error> {
        let row = self.client.query_opt(READ_ORDER, &[&invoice_number]).await.map_err(failed("reading an order"))?;
        Ok(row.as_ref().map(known_order))
    }

    async fn observe(&mut self, invoice_number: &str, observation: &Observation) -> Result<Observed, Error> {
        let tx = self.client.transaction().await.map_err(failed("observing"))?;
        // The row is locked for the decision; a first observation locks the invoice instead
        // (two workers observing a new order at once decide one after the other).
        tx.execute("SELECT pg_advisory_xact_lock(hashtextextended($1, 0))", &[&invoice_number])
            .await
            .map_err(failed("observing"))?;
        let stored =
            tx.query_opt(&format!("{READ_ORDER} FOR UPDATE"), &[&invoice_number]).await.map_err(failed("observing"))?;
        let now: i64 = tx.query_one(&format!("SELECT {NOW_MS}"), &[]).await.map_err(failed("observing"))?.get(0);
        let observed = decide::decide(stored.as_ref().map(known_order).as_ref(), observation, now);
        let o = &observed.order;
        tx.execute(
            "INSERT INTO doku_orders (invoice_number, state, transaction_status, order_status, original_request_id, checked_at_ms, changed_at_ms)
             VALUES ($1, $2, $3, $4, $5, $6, $7)
             ON CONFLICT (invoice_number) DO UPDATE SET state = $2, transaction_status = $3, order_status = $4,
                original_request_id = $5, checked_at_ms = $6, changed_at_ms = $7",
            &[
                &invoice_number,
                &o.state,
                &o.transaction_status,
                &o.order_status,
                &o.original_request_id,
                &o.checked_at_ms,
                &o.changed_at_ms,
            ],
        )
        .await
        .map_err(failed("observing"))?;
        tx.execute(
            "INSERT INTO doku_order_history (invoice_number, observed_at_ms, transition, state, transaction_status, order_status)
             VALUES ($1, $2, $3, $4, $5, $6)",
            &[
                &invoice_number,
                &o.checked_at_ms,
                &observed.transition,
                &o.state,
                &observation.transaction_status,
                &observation.order_status,
            ],
        )
        .await
        .map_err(failed("observing"))?;
        tx.commit().await.map_err(failed("observing"))?;
        Ok(observed)
    }
}
