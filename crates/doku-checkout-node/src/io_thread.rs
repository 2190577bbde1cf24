//! The one I/O thread every client's calls run on: a current-thread tokio runtime driven by a
//! thread of its own. A Node process already has its event loop thread; one I/O thread beside
//! it is all a client needs, and a current-thread runtime spends measurably less per call than
//! a one-worker multi-thread one (no work-stealing bookkeeping; see BENCHMARKS.md).

use std::sync::{Mutex, OnceLock, PoisonError};

use doku_checkout::Error;
use tokio::runtime::Handle;

static IO: OnceLock<Handle> = OnceLock::new();
/// Serialises the first start; a failed start is not remembered, the next call tries again.
static STARTING: Mutex<()> = Mutex::new(());

/// The I/O runtime, its thread started on first use.
pub(crate) fn handle() -> Result<&'static Handle, Error> {
    if let Some(handle) = IO.get() {
        return Ok(handle);
    }
    let _starting = STARTING.lock().unwrap_or_else(PoisonError::into_inner);
    if let Some(handle) = IO.get() {
        return Ok(handle);
    }
    let failed = |e: std::io::Error| Error::config(format!("cannot start the doku-checkout I/O thread: {e}"));
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().map_err(failed)?;
    let handle = runtime.handle().clone();
    std::thread::Builder::new()
        .name("doku-checkout-io".into())
        // Runs for the life of the process: Node never joins addon threads.
        .spawn(move || runtime.block_on(std::future::pending::<()>()))
        .map_err(failed)?;
    Ok(IO.get_or_init(|| handle))
}
