//! `doku-checkout cancel-batch`: cancel the orders of a CSV file, resumably.
//!
//! Each row's Request-Id is appended to the journal and synced to disk before its cancel is
//! sent; its outcome is appended after. A rerun with the same journal skips settled rows and
//! resends the others with their journaled Request-Id (DOKU replays an answer it has given),
//! so an order is never cancelled twice nor under two Request-Ids, even after `kill -9`.
//! Losing an outcome line (a crash between the answer and the write) only means the rerun
//! asks again and gets DOKU's replay.

mod journal_file;
mod journal_lock;
mod lock_holder;
mod progress;
mod send;
mod stored;

pub(crate) use stored::store_url;

use std::io::Write;
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use clap::Args;
use doku_checkout::batch::{Action, Entry, Journal, OrderRow, REPORT_HEADER, plan, read_orders, report_line};
use doku_checkout::{Client, Error, RequestId};
use tokio::sync::Mutex;

use crate::ApiArgs;
use crate::exit::{FAILURE, OK, USAGE, report};
use crate::files::read_text;
use journal_file::JournalFile;
use journal_lock::LockedJournal;
use progress::Progress;

/// The largest orders file read.
const MAX_INPUT: u64 = 256 * 1024 * 1024;

#[derive(Args)]
pub(crate) struct BatchArgs {
    #[command(flatten)]
    api: ApiArgs,
    /// CSV with a header row: invoice_number,original_request_id,note (an empty
    /// original_request_id: cancelled by invoice, the checkout's Request-Id read from DOKU).
    #[arg(long, value_name = "FILE")]
    input: PathBuf,
    /// A JSON-lines journal instead of a store (the format before stores; an existing journal is
    /// read and resumed as it is, one process at a time).
    #[arg(long, value_name = "FILE", conflicts_with = "store")]
    journal: Option<PathBuf>,
    /// Where the batch's state lives: sqlite:PATH (the default: sqlite:INPUT.doku.sqlite) or
    /// postgres://user:password@host:port/database, shared by workers on many machines.
    #[arg(long, value_name = "URL", env = "DOKU_STORE", hide_env_values = true)]
    store: Option<String>,
    /// The batch's name in the store: every worker of one batch gives the same name and input.
    #[arg(long, default_value = "default", value_name = "NAME")]
    batch_id: String,
    /// How long a worker holds a claimed row before another may take it over and resend it
    /// under the same Request-Id (1-86400; more than twice the client's call deadline).
    #[arg(long, default_value_t = 600, value_parser = clap::value_parser!(u64).range(1..=86_400))]
    lease_seconds: u64,
    /// Write one row per input row: invoice_number,outcome,request_id,http_status,replayed,message.
    #[arg(long, value_name = "FILE")]
    report: Option<PathBuf>,
    /// Cancels in flight at once (1-64).
    #[arg(long, default_value_t = 4, value_parser = clap::value_parser!(u16).range(1..=64))]
    concurrency: u16,
    /// At most this many cancels started per second.
    #[arg(long)]
    rate: Option<f64>,
    /// Check the file and show what would be sent; send nothing, write no journal.
    #[arg(long)]
    dry_run: bool,
}

pub(crate) fn run(args: &BatchArgs) -> u8 {
    match execute(args) {
        Ok(code) => code,
        Err(e) => report(&e),
    }
}

fn execute(args: &BatchArgs) -> Result<u8, Error> {
    crate::pace::check_rate(args.rate, "cancels")?;
    let rows = Arc::new(read_orders(&read_text(&args.input, "input", MAX_INPUT)?)?);
    let Some(journal_path) = &args.journal else {
        if args.dry_run {
            return Ok(stored::dry_run(&rows));
        }
        return stored::run(args, &rows);
    };
    // Locked before it is read, and held until the run ends: no second run plans from it meanwhile.
    let locked = LockedJournal::open(journal_path, !args.dry_run)?;
    let journal_text = locked.as_ref().map_or("", |j| j.text.as_str());
    let journal = Journal::parse(journal_text)?;
    let actions = plan(&rows, &journal)?;
    if args.dry_run {
        return Ok(dry_run(&rows, &actions));
    }
    let client = crate::api::async_client(&args.api)?;
    if !actions.iter().any(|a| matches!(a, Action::Send { .. })) {
        // Nothing to send: the journal is only read (it may be read-only).
        Progress::new(0, rows.len());
        let outcomes = actions.into_iter().map(|a| if let Action::Settled(e) = a { Some(e) } else { None }).collect();
        return finish(args, &rows, &outcomes);
    }
    let (keep, terminate) = Journal::resume_point(journal_text);
    let Some(locked) = locked.as_ref() else {
        return Err(Error::config("the journal was not opened; nothing was sent"));
    };
    let journal_file = JournalFile::open(journal_path, keep as u64, terminate, locked)?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|e| Error::config(format!("cannot start the runtime: {e}")))?;
    let outcomes = runtime.block_on(send_all(args, client, journal_file, Arc::clone(&rows), actions))?;
    finish(args, &rows, &outcomes)
}

fn dry_run(rows: &[OrderRow], actions: &[Action]) -> u8 {
    let mut lines = Vec::new();
    let (mut send, mut settled, mut invalid) = (0, 0, 0);
    for (row, action) in rows.iter().zip(actions) {
        lines.push(match action {
            Action::Send { request_id, resend: false } => {
                send += 1;
                format!(
                    "line {}: would cancel {} with a new Request-Id {}",
                    row.line,
                    row.invoice_number,
                    request_id.as_str()
                )
            }
            Action::Send { request_id, resend: true } => {
                send += 1;
                format!(
                    "line {}: would resend {} with its journaled Request-Id {}",
                    row.line,
                    row.invoice_number,
                    request_id.as_str()
                )
            }
            Action::Settled(Entry::Outcome { outcome, .. }) => {
                settled += 1;
                format!("line {}: {} is settled ({}), skipped", row.line, row.invoice_number, outcome.as_str())
            }
            Action::Settled(_) => format!("line {}: {} is settled, skipped", row.line, row.invoice_number),
            Action::Invalid(reason) => {
                invalid += 1;
                format!("line {}: {} is invalid: {reason}", row.line, row.invoice_number)
            }
        });
    }
    lines.push(format!("dry run: {send} to send, {settled} settled, {invalid} invalid; nothing was sent"));
    let _ = writeln!(std::io::stdout().lock(), "{}", lines.join("\n"));
    if invalid > 0 { USAGE } else { OK }
}

/// The last journal entry of each row after the run (`None`: never sent).
type Outcomes = Vec<Option<Entry>>;

/// What the workers share.
struct Run {
    client: Client,
    rows: Arc<Vec<OrderRow>>,
    journal: Mutex<JournalFile>,
    queue: Mutex<std::vec::IntoIter<(usize, RequestId, bool)>>,
    pace: Option<Mutex<tokio::time::Interval>>,
    progress: Arc<Progress>,
    /// Set by Ctrl-C or a failed journal write: workers take no new row.
    stop: AtomicBool,
}

impl Run {
    /// Takes rows until the queue is empty or the run is stopped; the entries journaled.
    async fn worker(&self) -> Result<Vec<(usize, Entry)>, Error> {
        let mut done = Vec::new();
        while !self.stop.load(Ordering::SeqCst) {
            let Some((index, request_id, resend)) = self.queue.lock().await.next() else { break };
            crate::pace::tick(self.pace.as_ref()).await;
            match self.send(index, request_id, resend).await {
                Ok(entry) => done.push((index, entry)),
                Err(e) => {
                    self.stop.store(true, Ordering::SeqCst); // the journal failed: send nothing more
                    return Err(e);
                }
            }
        }
        Ok(done)
    }

    /// Journals the Request-Id (durably, unless it was journaled before), cancels, journals
    /// the outcome.
    async fn send(&self, index: usize, request_id: RequestId, resend: bool) -> Result<Entry, Error> {
        let row = &self.rows[index];
        let request = row.request.clone().map_err(|reason| Error::invalid_input("input", reason))?;
        if !resend {
            let entry = Entry::Assigned {
                invoice_number: row.invoice_number.clone(),
                request_id: request_id.as_str().to_owned(),
                original_request_id: row.original_request_id.clone(),
                note: row.note.clone(),
            };
            self.journal.lock().await.append(&entry, true)?;
        }
        let sent = send::cancel_row(&self.client, &row.invoice_number, &request, request_id.clone()).await;
        let entry = Entry::Outcome {
            invoice_number: row.invoice_number.clone(),
            request_id: request_id.as_str().to_owned(),
            outcome: sent.outcome,
            http_status: sent.http_status,
            replayed: sent.replayed,
            message: sent.message,
        };
        let outcome = sent.outcome;
        self.journal.lock().await.append(&entry, false)?;
        self.progress.record(outcome);
        Ok(entry)
    }
}

async fn send_all(
    args: &BatchArgs,
    client: Client,
    journal: JournalFile,
    rows: Arc<Vec<OrderRow>>,
    actions: Vec<Action>,
) -> Result<Outcomes, Error> {
    let mut outcomes: Outcomes = vec![None; rows.len()];
    let mut queue = Vec::new();
    for (index, action) in actions.into_iter().enumerate() {
        match action {
            Action::Settled(entry) => outcomes[index] = Some(entry),
            Action::Send { request_id, resend } => queue.push((index, request_id, resend)),
            Action::Invalid(_) => {}
        }
    }
    let progress = Arc::new(Progress::new(queue.len(), rows.len() - queue.len()));
    let pace = crate::pace::pacer(args.rate);
    let run = Arc::new(Run {
        client,
        rows,
        journal: Mutex::new(journal),
        queue: Mutex::new(queue.into_iter()),
        pace,
        progress: Arc::clone(&progress),
        stop: AtomicBool::new(false),
    });
    let workers: Vec<_> = (0..args.concurrency)
        .map(|_| {
            let run = Arc::clone(&run);
            tokio::spawn(async move { run.worker().await })
        })
        .collect();
    let ticker = progress.clone().spawn_ticker();
    let interrupted = Arc::new(AtomicBool::new(false));
    let on_ctrl_c = {
        let run = Arc::clone(&run);
        crate::pace::on_ctrl_c(Arc::clone(&interrupted), move || run.stop.store(true, Ordering::SeqCst))
    };
    let mut failure = None;
    for worker in workers {
        match worker.await {
            Ok(Ok(done)) => done.into_iter().for_each(|(index, entry)| outcomes[index] = Some(entry)),
            Ok(Err(e)) => failure = Some(e),
            Err(e) => failure = Some(Error::config(format!("a worker failed: {e}"))),
        }
    }
    on_ctrl_c.abort();
    ticker.abort();
    run.journal.lock().await.sync()?;
    progress.finish(interrupted.load(Ordering::SeqCst));
    failure.map_or(Ok(outcomes), Err)
}

fn finish(args: &BatchArgs, rows: &[OrderRow], outcomes: &Outcomes) -> Result<u8, Error> {
    let mut report = String::from(REPORT_HEADER);
    report.push('\n');
    let (mut invalid, mut unsettled) = (false, false);
    for (row, outcome) in rows.iter().zip(outcomes) {
        let reason = row.request.as_ref().err().map(String::as_str);
        invalid |= reason.is_some();
        let settled = matches!(outcome, Some(Entry::Outcome { outcome, .. }) if outcome.is_final());
        unsettled |= reason.is_none() && !settled;
        report.push_str(&report_line(&row.invoice_number, outcome.as_ref(), reason));
        report.push('\n');
    }
    if let Some(path) = &args.report {
        std::fs::write(path, report)
            .map_err(|e| Error::invalid_input("report", format!("cannot write {}: {e}", path.display())))?;
    }
    Ok(if invalid {
        USAGE
    } else if unsettled {
        FAILURE
    } else {
        OK
    })
}
