//! The tokio runtime behind blocking and asyncio calls: created lazily, once per process.
//!
//! A runtime does not survive `fork()` (gunicorn `--preload`, Celery prefork): its worker
//! threads exist only in the parent. So the runtime is keyed by PID; a forked child gets a
//! fresh one on first use, and the parent's copy is leaked rather than dropped (dropping
//! would wait for threads that do not exist in the child). Pure functions never touch it.

use std::sync::{Arc, Mutex, PoisonError};

use doku_checkout::Error;
use tokio::runtime::Runtime;

static RUNTIME: Mutex<Option<(u32, Arc<Runtime>)>> = Mutex::new(None);

/// The runtime of the current process.
pub(crate) fn runtime() -> Result<Arc<Runtime>, Error> {
    let pid = std::process::id();
    let mut slot = RUNTIME.lock().unwrap_or_else(PoisonError::into_inner);
    if let Some((owner, rt)) = slot.as_ref() {
        if *owner == pid {
            return Ok(Arc::clone(rt));
        }
        if let Some(inherited) = slot.take() {
            std::mem::forget(inherited);
        }
    }
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .thread_name("doku-checkout")
        .enable_all()
        .build()
        .map(Arc::new)
        .map_err(|e| Error::config(format!("cannot start the I/O runtime in process {pid}: {e}")))?;
    *slot = Some((pid, Arc::clone(&rt)));
    Ok(rt)
}

/// Whether this process created a runtime (for tests of laziness).
pub(crate) fn started_in_this_process() -> bool {
    RUNTIME.lock().unwrap_or_else(PoisonError::into_inner).as_ref().is_some_and(|(pid, _)| *pid == std::process::id())
}
