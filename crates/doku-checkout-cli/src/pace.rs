//! What the bulk commands (`cancel-batch`, `reconcile`) share: `--rate`, checked and turned
//! into a pacer, and Ctrl-C, which stops taking new work.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use doku_checkout::Error;
use tokio::sync::Mutex;

/// Refuses a `--rate` outside 0.01–10 000 per second (`what`: "cancels", "checks").
pub(crate) fn check_rate(rate: Option<f64>, what: &str) -> Result<(), Error> {
    match rate {
        Some(rate) if !(rate.is_finite() && (0.01..=10_000.0).contains(&rate)) => {
            Err(Error::invalid_input("rate", format!("--rate must be between 0.01 and 10000 {what} per second")))
        }
        _ => Ok(()),
    }
}

/// One tick per start, shared by the tasks (inside the runtime; the rate checked before).
pub(crate) fn pacer(rate: Option<f64>) -> Option<Mutex<tokio::time::Interval>> {
    rate.map(|rate| {
        let mut interval = tokio::time::interval(Duration::from_secs_f64(1.0 / rate));
        interval.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        Mutex::new(interval)
    })
}

/// Waits for the next tick, when paced.
pub(crate) async fn tick(pace: Option<&Mutex<tokio::time::Interval>>) {
    if let Some(pace) = pace {
        pace.lock().await.tick().await;
    }
}

/// On Ctrl-C: sets `interrupted` and calls `stop` (the tasks take no new work). Abort the
/// handle when the run ends.
pub(crate) fn on_ctrl_c(
    interrupted: Arc<AtomicBool>,
    stop: impl FnOnce() + Send + 'static,
) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        if tokio::signal::ctrl_c().await.is_ok() {
            interrupted.store(true, Ordering::SeqCst);
            stop();
        }
    })
}
