//! Each call's trace and logs, for Python: the core reports attempts and waits (see
//! `doku_checkout::observe`); `doku_checkout._observe` turns them into OpenTelemetry spans when
//! the application configured a tracer provider, and into `logging` records (`doku_checkout`
//! logger: a WARNING per retry, DEBUG per attempt). The trace starts on the caller's thread, so
//! the caller's current span is its parent in sync and asyncio code alike.

use std::future::Future;
use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Duration;

use doku_checkout::Error;
use doku_checkout::observe::{AttemptEnd, AttemptInfo, CallObserver, observed, retry_reason};
use doku_checkout::operations::{CancelOrderResult, CreateCheckoutResult, OrderStatusResult};
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;

static MODULE: PyOnceLock<Py<PyModule>> = PyOnceLock::new();

fn module(py: Python<'_>) -> PyResult<&Bound<'_, PyModule>> {
    MODULE.get_or_try_init(py, || py.import("doku_checkout._observe").map(Bound::unbind)).map(|m| m.bind(py))
}

/// A failure inside the tracing code is reported (as Python reports an exception in a
/// `__del__`), never raised into the call it observes.
fn report<T>(py: Python<'_>, result: PyResult<T>) {
    if let Err(e) = result {
        e.write_unraisable(py, None);
    }
}

/// What a result tells the call's span.
pub(crate) trait Outcome {
    fn request_id(&self) -> &str;
    fn replayed(&self) -> Option<bool> {
        None
    }
}

impl Outcome for CancelOrderResult {
    fn request_id(&self) -> &str {
        &self.request_id
    }
    fn replayed(&self) -> Option<bool> {
        Some(self.replayed)
    }
}

impl Outcome for CreateCheckoutResult {
    fn request_id(&self) -> &str {
        &self.request_id
    }
}

impl Outcome for OrderStatusResult {
    fn request_id(&self) -> &str {
        &self.request_id
    }
}

/// One call's observer: its `_observe.CallTrace` when spans or DEBUG lines are wanted, else
/// only the retry warnings.
pub(crate) struct Observation {
    operation: &'static str,
    invoice_number: Option<String>,
    trace: Option<Py<PyAny>>,
    attempts: AtomicU32,
}

impl Observation {
    /// Starts a call's trace on the caller's thread.
    pub(crate) fn start(py: Python<'_>, operation: &'static str, invoice_number: Option<&str>) -> Arc<Self> {
        let trace =
            match module(py).and_then(|m| m.call_method1(pyo3::intern!(py, "start"), (operation, invoice_number))) {
                Ok(t) if !t.is_none() => Some(t.unbind()),
                Ok(_) => None,
                Err(e) => {
                    e.write_unraisable(py, None);
                    None
                }
            };
        Arc::new(Self {
            operation,
            invoice_number: invoice_number.map(str::to_owned),
            trace,
            attempts: AtomicU32::new(0),
        })
    }

    /// Ends the call's span with its outcome.
    pub(crate) fn end<T: Outcome>(&self, py: Python<'_>, result: &Result<T, Error>) {
        let Some(trace) = &self.trace else { return };
        let (request_id, replayed, code) = match result {
            Ok(r) => (Some(r.request_id()), r.replayed(), None),
            Err(e) => (e.request_id(), None, Some(e.code().as_str())),
        };
        let attempts = self.attempts.load(Ordering::Relaxed);
        report(py, trace.call_method1(py, pyo3::intern!(py, "end"), (attempts, request_id, replayed, code)));
    }

    /// Runs `call` observed, then ends the span (taking the GIL only when there is one).
    pub(crate) async fn around<T: Outcome, F: Future<Output = Result<T, Error>>>(
        self: Arc<Self>,
        call: F,
    ) -> Result<T, Error> {
        let result = observed(self.clone(), call).await;
        if self.trace.is_some() {
            Python::attach(|py| self.end(py, &result));
        }
        result
    }
}

impl CallObserver for Observation {
    fn attempt_started(&self, a: &AttemptInfo<'_>) {
        self.attempts.fetch_add(1, Ordering::Relaxed);
        let Some(trace) = &self.trace else { return };
        Python::attach(|py| {
            let args = (a.attempt, a.request_id, a.method, a.url_template, a.server_address, a.server_port);
            report(py, trace.call_method1(py, pyo3::intern!(py, "attempt_started"), args));
        });
    }

    fn attempt_ended(&self, attempt: u32, end: AttemptEnd) {
        let Some(trace) = &self.trace else { return };
        Python::attach(|py| {
            report(
                py,
                trace.call_method1(py, pyo3::intern!(py, "attempt_ended"), (attempt, end.status(), end.error_type())),
            );
        });
    }

    fn retrying(&self, attempt: u32, request_id: &str, wait: Duration, end: AttemptEnd) {
        let wait_ms = u64::try_from(wait.as_millis()).unwrap_or(u64::MAX);
        let reason = retry_reason(end);
        Python::attach(|py| match &self.trace {
            Some(trace) => {
                report(
                    py,
                    trace.call_method1(py, pyo3::intern!(py, "retrying"), (attempt, request_id, wait_ms, reason)),
                );
            }
            None => {
                let args = (self.operation, self.invoice_number.as_deref(), request_id, attempt, wait_ms, reason);
                report(py, module(py).and_then(|m| m.call_method1(pyo3::intern!(py, "log_retry"), args)));
            }
        });
    }
}
