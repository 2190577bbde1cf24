//! `cancel-batch` on a store (SQLite or PostgreSQL): every worker process loads the same input
//! into the named batch, then claims rows under a lease until none is left. A row's Request-Id
//! is stored with its first claim, before its cancel is sent; a worker taking over an expired
//! lease resends that same Request-Id, so DOKU replays instead of acting twice.

use std::collections::HashMap;
use std::io::Write;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use doku_checkout::batch::{Entry, OrderRow, RowCancel};
use doku_checkout::{Client, Error, RequestId};
use doku_checkout_store::{
    BatchRow, Claim, Claimed, Connection, PostgresStore, SendRecord, SqliteStore, Store, StoreUrl, StoredRow,
};
use tokio::sync::Mutex;

use super::progress::Progress;
use super::send::cancel_row;
use super::{BatchArgs, Outcomes, finish};

/// The store a command uses: `--store`, else an SQLite file next to the input.
pub(crate) fn store_url(store: Option<&str>, input: &std::path::Path) -> Result<StoreUrl, Error> {
    match store {
        Some(url) => StoreUrl::parse(url),
        None => {
            let mut path = input.as_os_str().to_owned();
            path.push(".doku.sqlite");
            Ok(StoreUrl::Sqlite(path.into()))
        }
    }
}

/// `--dry-run` with a store: what would be sent, without touching the store (Request-Ids are
/// chosen by the store when a worker claims a row).
pub(crate) fn dry_run(rows: &[OrderRow]) -> u8 {
    let mut lines = Vec::new();
    let (mut send, mut invalid) = (0, 0);
    for row in rows {
        match &row.request {
            Ok(_) => {
                send += 1;
                lines.push(format!(
                    "line {}: would cancel {} unless the store has settled it",
                    row.line, row.invoice_number
                ));
            }
            Err(reason) => {
                invalid += 1;
                lines.push(format!("line {}: {} is invalid: {reason}", row.line, row.invoice_number));
            }
        }
    }
    lines.push(format!("dry run: {send} to send, {invalid} invalid; nothing was sent, the store was not opened"));
    let _ = writeln!(std::io::stdout().lock(), "{}", lines.join("\n"));
    if invalid > 0 { crate::exit::USAGE } else { crate::exit::OK }
}

pub(crate) fn run(args: &BatchArgs, rows: &[OrderRow]) -> Result<u8, Error> {
    let url = store_url(args.store.as_deref(), &args.input)?;
    if args.batch_id.is_empty() || args.batch_id.len() > 128 || args.batch_id.chars().any(char::is_control) {
        return Err(Error::invalid_input("batch_id", "--batch-id is 1-128 characters with no control characters"));
    }
    let client = crate::api::async_client(&args.api)?;
    let lease = Duration::from_secs(args.lease_seconds);
    // A cancel may be followed by a status check: a lease shorter than both would let a second
    // worker resend while the first still waits for an answer.
    let longest_call_ms = client.settings().deadline_ms.saturating_mul(2);
    if lease.as_millis() <= longest_call_ms {
        return Err(Error::invalid_input(
            "lease_seconds",
            format!(
                "--lease-seconds must exceed {} s, twice the longest call with these --timeout and --max-retries",
                longest_call_ms / 1000
            ),
        ));
    }
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|e| Error::config(format!("cannot start the runtime: {e}")))?;
    eprintln!("store: {url}, batch {}", args.batch_id);
    let stored = runtime.block_on(async {
        match &url {
            StoreUrl::Sqlite(path) => work(SqliteStore::open(path)?, args, client, rows, lease).await,
            StoreUrl::Postgres(url) => work(PostgresStore::open(url).await?, args, client, rows, lease).await,
        }
    })?;
    let by_invoice: HashMap<&str, &StoredRow> = stored.iter().map(|r| (r.invoice_number.as_str(), r)).collect();
    let outcomes: Outcomes =
        rows.iter().map(|row| by_invoice.get(row.invoice_number.as_str()).and_then(|s| entry_of(s))).collect();
    finish(args, rows, &outcomes)
}

/// A stored row as the journal's entry the report is written from.
fn entry_of(row: &StoredRow) -> Option<Entry> {
    let request_id = row.request_id.clone()?;
    Some(match &row.last {
        Some(sent) => Entry::Outcome {
            invoice_number: row.invoice_number.clone(),
            request_id,
            outcome: sent.outcome,
            http_status: sent.http_status,
            replayed: sent.replayed,
            message: sent.message.clone(),
        },
        None => Entry::Assigned {
            invoice_number: row.invoice_number.clone(),
            request_id,
            original_request_id: String::new(),
            note: String::new(),
        },
    })
}

/// What the tasks of one worker process share.
struct Worker<S> {
    store: S,
    client: Client,
    batch: String,
    id: String,
    lease: Duration,
    since_ms: i64,
    pace: Option<Mutex<tokio::time::Interval>>,
    progress: Arc<Progress>,
    stop: AtomicBool,
}

async fn work<S: Store>(
    store: S,
    args: &BatchArgs,
    client: Client,
    rows: &[OrderRow],
    lease: Duration,
) -> Result<Vec<StoredRow>, Error> {
    let mut conn = store.connect().await?;
    let valid: Vec<BatchRow> = rows
        .iter()
        .filter(|row| row.request.is_ok())
        .map(|row| BatchRow {
            line: u32::try_from(row.line).unwrap_or(u32::MAX),
            invoice_number: row.invoice_number.clone(),
            original_request_id: row.original_request_id.clone(),
            note: row.note.clone(),
        })
        .collect();
    conn.load_batch(&args.batch_id, &valid).await?;
    let before = conn.batch_rows(&args.batch_id).await?;
    let open = before.iter().filter(|r| !r.last.as_ref().is_some_and(|l| l.outcome.is_final())).count();
    let worker = Arc::new(Worker {
        store,
        client,
        batch: args.batch_id.clone(),
        id: format!("{}:{}", hostname(), std::process::id()),
        lease,
        since_ms: conn.now_ms().await?,
        pace: crate::pace::pacer(args.rate),
        progress: Arc::new(Progress::new(open, before.len() - open + rows.len() - valid.len())),
        stop: AtomicBool::new(false),
    });
    let tasks: Vec<_> = (0..args.concurrency)
        .map(|_| {
            let worker = Arc::clone(&worker);
            tokio::spawn(async move { worker.task().await })
        })
        .collect();
    let ticker = worker.progress.clone().spawn_ticker();
    let interrupted = Arc::new(AtomicBool::new(false));
    let on_ctrl_c = {
        let worker = Arc::clone(&worker);
        crate::pace::on_ctrl_c(Arc::clone(&interrupted), move || worker.stop.store(true, Ordering::SeqCst))
    };
    let mut failure = None;
    for task in tasks {
        match task.await {
            Ok(Ok(())) => {}
            Ok(Err(e)) => failure = Some(e),
            Err(e) => {
                failure = Some(
                    Error::config(format!("a worker task failed: {e}")).with_reason(doku_checkout_store::STORE_FAILURE),
                );
            }
        }
    }
    on_ctrl_c.abort();
    ticker.abort();
    worker.progress.finish(interrupted.load(Ordering::SeqCst));
    if let Some(e) = failure {
        return Err(e);
    }
    conn.batch_rows(&args.batch_id).await
}

impl<S: Store> Worker<S> {
    /// Claims and sends rows until none is left or the run stops; a store failure stops the
    /// whole worker (nothing is sent whose Request-Id was not stored).
    async fn task(&self) -> Result<(), Error> {
        let result = self.claim_and_send().await;
        if result.is_err() {
            self.stop.store(true, Ordering::SeqCst);
        }
        result
    }

    async fn claim_and_send(&self) -> Result<(), Error> {
        let mut conn = self.store.connect().await?;
        while !self.stop.load(Ordering::SeqCst) {
            // Paced before the claim: a claimed row is never held while waiting for the rate
            // (the lease covers the call, not the queue).
            crate::pace::tick(self.pace.as_ref()).await;
            let fresh = RequestId::generate();
            match conn.claim(&self.batch, &self.id, self.lease, self.since_ms, fresh.as_str()).await? {
                Claimed::Done => break,
                Claimed::Wait(wait) => tokio::time::sleep(wait).await,
                Claimed::Row(claim) => {
                    let sent = self.send(&claim).await?;
                    conn.record(&self.batch, &self.id, &claim, &sent).await?;
                    self.progress.record(sent.outcome);
                }
            }
        }
        Ok(())
    }

    async fn send(&self, claim: &Claim) -> Result<SendRecord, Error> {
        let request_id = RequestId::new(claim.request_id.as_str())
            .map_err(|e| Error::invalid_input("store", format!("{}: {}", claim.invoice_number, e.message())))?;
        let cancel = RowCancel::for_row(&claim.invoice_number, &claim.original_request_id, &claim.note)
            .map_err(|e| Error::invalid_input("store", format!("{}: {}", claim.invoice_number, e.message())))?;
        let sent = cancel_row(&self.client, &claim.invoice_number, &cancel, request_id).await;
        Ok(SendRecord {
            outcome: sent.outcome,
            http_status: sent.http_status,
            replayed: sent.replayed,
            message: sent.message,
        })
    }
}

/// This machine's name, for lease owners (what an operator sees in the store).
fn hostname() -> String {
    std::fs::read_to_string("/proc/sys/kernel/hostname")
        .ok()
        .map(|h| h.trim().chars().filter(|c| c.is_ascii_graphic()).take(64).collect())
        .filter(|h: &String| !h.is_empty())
        .unwrap_or_else(|| "host".to_owned())
}
