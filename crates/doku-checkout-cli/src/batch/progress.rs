//! Progress on stderr: a redrawn bar on a terminal, a plain line every few seconds otherwise.

use std::io::{IsTerminal, Write};
use std::sync::Arc;
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use doku_checkout::batch::Outcome;

pub(crate) struct Progress {
    total: usize,
    done: AtomicUsize,
    counts: Mutex<[usize; 6]>,
    started: Instant,
    terminal: bool,
}

impl Progress {
    /// `to_send` rows will be sent; `skipped` were settled or invalid before the run.
    pub fn new(to_send: usize, skipped: usize) -> Self {
        let terminal = std::io::stderr().is_terminal();
        if skipped > 0 {
            print_lines(&[format!("{skipped} rows settled by an earlier run or invalid; {to_send} to send")]);
        }
        Self {
            total: to_send,
            done: AtomicUsize::new(0),
            counts: Mutex::new([0; 6]),
            started: Instant::now(),
            terminal,
        }
    }

    pub fn record(&self, outcome: Outcome) {
        let index = Outcome::ALL.iter().position(|o| *o == outcome).unwrap_or(0);
        self.counts.lock().unwrap_or_else(std::sync::PoisonError::into_inner)[index] += 1;
        self.done.fetch_add(1, Ordering::Relaxed);
    }

    fn line(&self) -> String {
        let done = self.done.load(Ordering::Relaxed);
        let seconds = self.started.elapsed().as_secs_f64().max(0.001);
        let rate = done as f64 / seconds;
        let eta = if rate > 0.0 {
            format!("{:.0} s", (self.total - done.min(self.total)) as f64 / rate)
        } else {
            "?".to_owned()
        };
        let counts = *self.counts.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        let by_outcome: Vec<String> = Outcome::ALL
            .iter()
            .zip(counts)
            .filter(|(_, n)| *n > 0)
            .map(|(o, n)| format!("{} {n}", o.as_str()))
            .collect();
        let width = 24;
        let filled = (done * width).checked_div(self.total).unwrap_or(width).min(width);
        let bar = format!("[{}{}]", "=".repeat(filled), " ".repeat(width - filled.min(width)));
        format!("{bar} {done}/{} {rate:.1}/s ETA {eta}  {}", self.total, by_outcome.join(", "))
    }

    /// Redraws (terminal) or prints (otherwise) the progress until aborted.
    pub fn spawn_ticker(self: Arc<Self>) -> tokio::task::JoinHandle<()> {
        tokio::spawn(async move {
            let every = if self.terminal { Duration::from_millis(200) } else { Duration::from_secs(5) };
            loop {
                tokio::time::sleep(every).await;
                let line = self.line();
                let mut err = std::io::stderr().lock();
                let _ = if self.terminal { write!(err, "\r{line}\x1b[K") } else { writeln!(err, "progress: {line}") };
                let _ = err.flush();
            }
        })
    }

    /// The closing summary.
    pub fn finish(&self, interrupted: bool) {
        let mut err = std::io::stderr().lock();
        if self.terminal {
            let _ = write!(err, "\r\x1b[K");
        }
        let how = if interrupted { "interrupted: sending stopped, journal flushed; rerun to continue" } else { "done" };
        let _ = writeln!(err, "{how}: {}", self.line());
    }
}

/// Lines for a person, on stderr.
pub(crate) fn print_lines(lines: &[String]) {
    let mut err = std::io::stderr().lock();
    for line in lines {
        let _ = writeln!(err, "{line}");
    }
}
