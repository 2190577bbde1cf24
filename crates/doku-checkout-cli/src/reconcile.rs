//! `doku-checkout reconcile`: asks DOKU's status API about each invoice of a file, moves the
//! stored lifecycle state forward through the core's rule (never backwards, disagreeing final
//! states reported as anomalies), keeps a history, and writes a report. A rerun is cheap: an
//! order checked within `--min-interval` is not asked again, nor one that reached a state nothing
//! can move (`EXPIRED`, `CANCELLED`, `REFUNDED`) unless `--recheck-final`; a payment is never
//! asked about within 60 s of being seen (DOKU's advice for Check Status).

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use clap::Args;
use doku_checkout::batch::{csv_field, read_invoices};
use doku_checkout::{Client, Error, ErrorCode};
use doku_checkout_store::{Connection, KnownOrder, Observation, PostgresStore, SqliteStore, Store, StoreUrl};
use tokio::sync::Mutex;

use crate::ApiArgs;
use crate::batch::store_url;
use crate::exit::{FAILURE, OK, report};
use crate::files::read_text;

/// The largest invoices file read.
const MAX_INPUT: u64 = 64 * 1024 * 1024;
/// DOKU: call Check Status no earlier than 60 seconds after payment completion.
const AFTER_PAYMENT_MS: i64 = 60_000;

/// The report's header row.
pub(crate) const RECONCILE_HEADER: &str =
    "invoice_number,state,transaction_status,order_status,original_request_id,changed,anomaly,error";

#[derive(Args)]
pub(crate) struct ReconcileArgs {
    #[command(flatten)]
    api: ApiArgs,
    /// CSV with a header row naming invoice_number (other columns are ignored).
    #[arg(long, value_name = "FILE")]
    input: PathBuf,
    /// Where states and history live: sqlite:PATH (the default: sqlite:INPUT.doku.sqlite) or
    /// postgres://user:password@host:port/database.
    #[arg(long, value_name = "URL", env = "DOKU_STORE", hide_env_values = true)]
    store: Option<String>,
    /// Write one row per invoice: invoice_number,state,transaction_status,order_status,
    /// original_request_id,changed,anomaly,error.
    #[arg(long, value_name = "FILE")]
    report: Option<PathBuf>,
    /// Status checks in flight at once (1-64).
    #[arg(long, default_value_t = 4, value_parser = clap::value_parser!(u16).range(1..=64))]
    concurrency: u16,
    /// At most this many status checks started per second.
    #[arg(long)]
    rate: Option<f64>,
    /// Do not ask again about an order checked less than this many seconds ago (0-604800).
    #[arg(long, default_value_t = 60, value_parser = clap::value_parser!(u64).range(0..=604_800))]
    min_interval: u64,
    /// Ask about orders in a state nothing moves (EXPIRED, CANCELLED, REFUNDED) too.
    #[arg(long)]
    recheck_final: bool,
}

/// One report row.
#[derive(Default)]
struct Line {
    state: String,
    transaction_status: Option<String>,
    order_status: Option<String>,
    original_request_id: Option<String>,
    changed: bool,
    anomaly: Option<String>,
    error: Option<String>,
    /// The check failed in a way a rerun may not (network, server, rate limit).
    rerun: bool,
}

impl Line {
    fn of(order: &KnownOrder) -> Self {
        Self {
            state: order.state.clone(),
            transaction_status: order.transaction_status.clone(),
            order_status: order.order_status.clone(),
            original_request_id: order.original_request_id.clone(),
            ..Self::default()
        }
    }

    fn csv(&self, invoice: &str) -> String {
        let opt = |v: &Option<String>| csv_field(v.as_deref().unwrap_or(""));
        [
            csv_field(invoice),
            csv_field(&self.state),
            opt(&self.transaction_status),
            opt(&self.order_status),
            opt(&self.original_request_id),
            self.changed.to_string(),
            opt(&self.anomaly),
            opt(&self.error),
        ]
        .join(",")
    }
}

pub(crate) fn run(args: &ReconcileArgs) -> u8 {
    match execute(args) {
        Ok(code) => code,
        Err(e) => report(&e),
    }
}

fn execute(args: &ReconcileArgs) -> Result<u8, Error> {
    crate::pace::check_rate(args.rate, "checks")?;
    let invoices = read_invoices(&read_text(&args.input, "input", MAX_INPUT)?)?;
    let url = store_url(args.store.as_deref(), &args.input)?;
    let client = crate::api::async_client(&args.api)?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|e| Error::config(format!("cannot start the runtime: {e}")))?;
    let invoices: Vec<String> = invoices.into_iter().map(|(_, invoice)| invoice).collect();
    let lines = runtime.block_on(async {
        match &url {
            StoreUrl::Sqlite(path) => reconcile(SqliteStore::open(path)?, args, client, &invoices).await,
            StoreUrl::Postgres(url) => reconcile(PostgresStore::open(url).await?, args, client, &invoices).await,
        }
    })?;
    let mut text = String::from(RECONCILE_HEADER);
    text.push('\n');
    let (mut changed, mut anomalies, mut errors) = (0, 0, 0);
    for (invoice, line) in invoices.iter().zip(&lines) {
        changed += usize::from(line.changed);
        anomalies += usize::from(line.anomaly.is_some());
        errors += usize::from(line.rerun);
        text.push_str(&line.csv(invoice));
        text.push('\n');
    }
    if let Some(path) = &args.report {
        std::fs::write(path, text)
            .map_err(|e| Error::invalid_input("report", format!("cannot write {}: {e}", path.display())))?;
    }
    eprintln!(
        "reconcile: {} invoices, {changed} changed, {anomalies} anomalies (final states that disagree: see the report), {errors} could not be checked (rerun)",
        invoices.len()
    );
    Ok(if errors > 0 { FAILURE } else { OK })
}

struct Run<S> {
    store: S,
    client: Client,
    min_interval_ms: i64,
    recheck_final: bool,
    queue: Mutex<std::vec::IntoIter<(usize, String)>>,
    pace: Option<Mutex<tokio::time::Interval>>,
    stop: AtomicBool,
}

async fn reconcile<S: Store>(
    store: S,
    args: &ReconcileArgs,
    client: Client,
    invoices: &[String],
) -> Result<Vec<Line>, Error> {
    let run = Arc::new(Run {
        store,
        client,
        min_interval_ms: i64::try_from(args.min_interval.saturating_mul(1000)).unwrap_or(i64::MAX),
        recheck_final: args.recheck_final,
        queue: Mutex::new(invoices.iter().cloned().enumerate().collect::<Vec<_>>().into_iter()),
        pace: crate::pace::pacer(args.rate),
        stop: AtomicBool::new(false),
    });
    let tasks: Vec<_> = (0..args.concurrency)
        .map(|_| {
            let run = Arc::clone(&run);
            tokio::spawn(async move {
                let result = run.task().await;
                if result.is_err() {
                    run.stop.store(true, Ordering::SeqCst);
                }
                result
            })
        })
        .collect();
    let mut lines: Vec<Line> = invoices.iter().map(|_| Line::default()).collect();
    for task in tasks {
        let done = task.await.map_err(|e| Error::config(format!("a reconcile task failed: {e}")))??;
        for (index, line) in done {
            lines[index] = line;
        }
    }
    Ok(lines)
}

impl<S: Store> Run<S> {
    async fn task(&self) -> Result<Vec<(usize, Line)>, Error> {
        let mut conn = self.store.connect().await?;
        let mut done = Vec::new();
        while !self.stop.load(Ordering::SeqCst) {
            let Some((index, invoice)) = self.queue.lock().await.next() else { break };
            done.push((index, self.one(&mut conn, &invoice).await?));
        }
        Ok(done)
    }

    /// One invoice: skipped (what the store knows), or asked and applied.
    async fn one(&self, conn: &mut S::Conn, invoice: &str) -> Result<Line, Error> {
        let known = conn.known(invoice).await?;
        if let Some(order) = &known {
            let now = conn.now_ms().await?;
            let settled = matches!(order.state.as_str(), "EXPIRED" | "CANCELLED" | "REFUNDED") && !self.recheck_final;
            let recent = now - order.checked_at_ms < self.min_interval_ms;
            let just_paid = order.state == "PAID" && now - order.changed_at_ms < AFTER_PAYMENT_MS;
            if settled || recent || just_paid {
                return Ok(Line::of(order));
            }
        }
        crate::pace::tick(self.pace.as_ref()).await;
        match self.client.order_status(invoice).await {
            Ok(status) => {
                let observation = Observation {
                    transaction_status: status.transaction_status,
                    order_status: status.order_status,
                    original_request_id: status.original_request_id,
                };
                let observed = conn.observe(invoice, &observation).await?;
                Ok(Line {
                    // What DOKU said now; the state is the stored one after the rule.
                    transaction_status: observation.transaction_status,
                    order_status: observation.order_status,
                    changed: observed.changed,
                    anomaly: observed.anomaly,
                    ..Line::of(&observed.order)
                })
            }
            Err(e) => {
                let mut line = known.as_ref().map(Line::of).unwrap_or_default();
                line.error = Some(e.code().to_string());
                line.rerun = e.code() != ErrorCode::OrderNotFound;
                Ok(line)
            }
        }
    }
}
