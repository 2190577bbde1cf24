//! Awaitables for asyncio without a second runtime: the future runs on the process runtime
//! and its result is handed to the event loop with `call_soon_threadsafe`.
//!
//! The GIL is taken only on a blocking-pool thread, never on a tokio worker, so Python
//! holding the GIL can never stall the I/O threads.

use std::future::Future;

use doku_checkout::Error;
use pyo3::prelude::*;

use crate::errors::{exception, to_py};
use crate::runtime::runtime;

/// Starts `fut` and returns an `asyncio.Future` that completes with `convert(result)` or
/// raises the mapped exception.
pub(crate) fn spawn<'py, T, F, C>(py: Python<'py>, fut: F, convert: C) -> PyResult<Bound<'py, PyAny>>
where
    T: Send + 'static,
    F: Future<Output = Result<T, Error>> + Send + 'static,
    C: FnOnce(Python<'_>, T) -> PyResult<Py<PyAny>> + Send + 'static,
{
    let event_loop = py.import("asyncio")?.call_method0("get_running_loop")?;
    let future = event_loop.call_method0("create_future")?;
    let resolve = py.import("doku_checkout._bridge")?.getattr("resolve")?;
    let (event_loop, handle, resolve) = (event_loop.unbind(), future.clone().unbind(), resolve.unbind());
    let rt = runtime().map_err(to_py)?;
    rt.spawn(async move {
        let result = fut.await;
        let _ = tokio::task::spawn_blocking(move || {
            Python::attach(|py| {
                let (ok, value) = match result.map(|v| convert(py, v)) {
                    Ok(Ok(v)) => (true, v),
                    Ok(Err(conversion)) => (false, conversion.into_value(py).into_any()),
                    Err(e) => {
                        (false, exception(py, &e).map_or_else(|err| err.into_value(py).into_any(), Bound::unbind))
                    }
                };
                // The loop may have closed meanwhile; then nobody is waiting.
                let _ = event_loop.call_method1(py, "call_soon_threadsafe", (resolve, handle, ok, value));
            });
        })
        .await;
    });
    Ok(future)
}
