//! Awaitables for asyncio without a second runtime. The future runs on the process runtime;
//! its result is queued for its event loop, and the loop is woken once per batch: every
//! completion that arrives while a wake-up is pending rides along with it (one GIL
//! acquisition and one `call_soon_threadsafe` per batch, not per call). Results become Python
//! objects on the loop thread, which holds the GIL anyway.
//!
//! The GIL is taken only on a blocking-pool thread, never on a tokio worker, so Python
//! holding the GIL can never stall the I/O threads.

use std::future::Future;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Mutex, PoisonError};

use doku_checkout::Error;
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;

use crate::errors::{exception, to_py};
use crate::runtime::runtime;

/// Turns a finished call into `(ok, value)` for its future; runs on the loop thread.
type Completion = Box<dyn FnOnce(Python<'_>) -> (bool, Py<PyAny>) + Send>;

/// The finished calls waiting for one event loop, and whether a wake-up is already pending.
#[pyclass(module = "doku_checkout._native", frozen)]
pub(crate) struct LoopCompletions {
    event_loop: Py<PyAny>,
    queue: Mutex<Vec<(Py<PyAny>, Completion)>>,
    wake_pending: AtomicBool,
}

#[pymethods]
impl LoopCompletions {
    /// Scheduled on the loop: resolves every queued future. One that was cancelled meanwhile
    /// is skipped (its call still completed: DOKU's replay makes a retry safe).
    fn drain(&self, py: Python<'_>) -> PyResult<()> {
        // Cleared before the queue is taken: a call queued after the take sees no pending
        // wake-up and schedules one; a call queued before it is in this batch.
        self.wake_pending.store(false, Ordering::SeqCst);
        let batch = std::mem::take(&mut *self.queue.lock().unwrap_or_else(PoisonError::into_inner));
        let mut first_error = None;
        for (future, complete) in batch {
            if let Err(e) = resolve(py, future.bind(py), complete) {
                first_error.get_or_insert(e); // the rest of the batch is still resolved
            }
        }
        first_error.map_or(Ok(()), Err)
    }
}

fn resolve(py: Python<'_>, future: &Bound<'_, PyAny>, complete: Completion) -> PyResult<()> {
    if future.call_method0(pyo3::intern!(py, "cancelled"))?.is_truthy()? {
        return Ok(());
    }
    let (ok, value) = complete(py);
    let method = if ok { pyo3::intern!(py, "set_result") } else { pyo3::intern!(py, "set_exception") };
    future.call_method1(method, (value,)).map(drop)
}

impl LoopCompletions {
    /// Queues one finished call (any thread, no GIL needed unless a wake-up must be sent).
    fn push(this: Py<Self>, future: Py<PyAny>, complete: Completion) {
        let me = this.get();
        me.queue.lock().unwrap_or_else(PoisonError::into_inner).push((future, complete));
        if me.wake_pending.swap(true, Ordering::SeqCst) {
            return; // a wake-up is on its way and will take this one too
        }
        // The GIL is taken on the blocking pool, never on an I/O worker.
        drop(tokio::task::spawn_blocking(move || {
            Python::attach(|py| {
                let me = this.get();
                // The loop may have closed meanwhile; then nobody is waiting.
                if let Ok(drain) = this.bind(py).getattr(pyo3::intern!(py, "drain")) {
                    let _ = me.event_loop.call_method1(py, pyo3::intern!(py, "call_soon_threadsafe"), (drain,));
                }
            });
        }));
    }
}

/// Per-client cache of the completion queue of the loop it was last awaited in.
#[derive(Default)]
pub(crate) struct Completions(Mutex<Option<Py<LoopCompletions>>>);

impl Completions {
    fn for_loop(&self, py: Python<'_>, event_loop: &Bound<'_, PyAny>) -> PyResult<Py<LoopCompletions>> {
        let mut slot = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(current) = slot.as_ref().filter(|c| c.get().event_loop.is(event_loop)) {
            return Ok(current.clone_ref(py));
        }
        let fresh = Py::new(
            py,
            LoopCompletions {
                event_loop: event_loop.clone().unbind(),
                queue: Mutex::new(Vec::new()),
                wake_pending: AtomicBool::new(false),
            },
        )?;
        *slot = Some(fresh.clone_ref(py));
        Ok(fresh)
    }
}

static GET_RUNNING_LOOP: PyOnceLock<Py<PyAny>> = PyOnceLock::new();

/// Starts `fut` and returns an `asyncio.Future` that completes with `convert(result)` or
/// raises the mapped exception.
pub(crate) fn spawn<'py, T, F, C>(
    py: Python<'py>,
    completions: &Completions,
    fut: F,
    convert: C,
) -> PyResult<Bound<'py, PyAny>>
where
    T: Send + 'static,
    F: Future<Output = Result<T, Error>> + Send + 'static,
    C: FnOnce(Python<'_>, T) -> PyResult<Py<PyAny>> + Send + 'static,
{
    let get_running_loop = GET_RUNNING_LOOP.import(py, "asyncio", "get_running_loop")?;
    let event_loop = get_running_loop.call0()?;
    let future = event_loop.call_method0(pyo3::intern!(py, "create_future"))?;
    let queue = completions.for_loop(py, &event_loop)?;
    let handle = future.clone().unbind();
    let rt = runtime().map_err(to_py)?;
    rt.spawn(async move {
        let result = fut.await;
        let complete: Completion = Box::new(move |py| match result.map(|v| convert(py, v)) {
            Ok(Ok(v)) => (true, v),
            Ok(Err(conversion)) => (false, conversion.into_value(py).into_any()),
            Err(e) => (false, exception(py, &e).map_or_else(|err| err.into_value(py).into_any(), Bound::unbind)),
        });
        LoopCompletions::push(queue, handle, complete);
    });
    Ok(future)
}
