//! Each call's trace and logs, for Python: the core reports attempts and waits (see
//! `doku_checkout::observe`); `doku_checkout._observe` turns them into OpenTelemetry spans when
//! the application configured a tracer provider, and into `logging` records (`doku_checkout`
//! logger: a WARNING per retry, DEBUG per attempt). The trace starts on the caller's thread, so
//! the caller's current span is its parent in sync and asyncio code alike.

use std::future::Future;
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use doku_checkout::Error;
use doku_checkout::observe::{
    AttemptEnd, AttemptInfo, CallObserver, CallOutcome, Recorded, Recorder, observed, outcome_fields, retry_reason,
};
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::PyTuple;

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

/// Nanoseconds since the epoch (OpenTelemetry Python's time unit).
fn ns(at: SystemTime) -> u64 {
    at.duration_since(UNIX_EPOCH).map_or(0, |d| u64::try_from(d.as_nanos()).unwrap_or(u64::MAX))
}

/// One call's observer: its `_observe.CallTrace` when spans or DEBUG lines are wanted (the
/// events are kept for it), else only the retry warnings, logged as they happen.
pub(crate) struct Observation {
    operation: &'static str,
    invoice_number: Option<String>,
    trace: Option<Py<PyAny>>,
    recorder: Recorder,
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
            recorder: Recorder::default(),
        })
    }

    /// Ends the call's trace: its attempt spans from the kept events, then the call span.
    pub(crate) fn end<T: CallOutcome>(&self, py: Python<'_>, result: &Result<T, Error>) {
        let Some(trace) = &self.trace else { return };
        let (request_id, replayed, code) = outcome_fields(result);
        let attempts = self.recorder.attempts();
        let events = self.recorder.take();
        let list = events.into_iter().map(|e| event_tuple(py, e)).collect::<PyResult<Vec<_>>>();
        let finished = list.and_then(|list| {
            trace.call_method1(py, pyo3::intern!(py, "finish"), (list, attempts, request_id, replayed, code))
        });
        report(py, finished);
    }

    /// Runs `call` observed, then ends the trace (taking the GIL only when there is one).
    pub(crate) async fn around<T: CallOutcome, F: Future<Output = Result<T, Error>>>(
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

fn event_tuple(py: Python<'_>, event: Recorded) -> PyResult<Bound<'_, PyTuple>> {
    use pyo3::IntoPyObjectExt;
    let items: Vec<Bound<'_, PyAny>> = match event {
        Recorded::Start { attempt, at, request_id, method, url_template, server_address, server_port } => vec![
            "start".into_bound_py_any(py)?,
            attempt.into_bound_py_any(py)?,
            ns(at).into_bound_py_any(py)?,
            request_id.into_bound_py_any(py)?,
            method.into_bound_py_any(py)?,
            url_template.into_bound_py_any(py)?,
            server_address.into_bound_py_any(py)?,
            server_port.into_bound_py_any(py)?,
        ],
        Recorded::End { attempt, at, status, error_type } => vec![
            "end".into_bound_py_any(py)?,
            attempt.into_bound_py_any(py)?,
            ns(at).into_bound_py_any(py)?,
            status.into_bound_py_any(py)?,
            error_type.into_bound_py_any(py)?,
        ],
        Recorded::Retry { attempt, at, wait, reason } => vec![
            "retry".into_bound_py_any(py)?,
            attempt.into_bound_py_any(py)?,
            ns(at).into_bound_py_any(py)?,
            u64::try_from(wait.as_millis()).unwrap_or(u64::MAX).into_bound_py_any(py)?,
            reason.into_bound_py_any(py)?,
        ],
    };
    PyTuple::new(py, items)
}

impl CallObserver for Observation {
    // Events (and the attempt count) are kept only for a trace; a retry is logged either way.
    fn attempt_started(&self, a: &AttemptInfo<'_>) {
        if self.trace.is_some() {
            self.recorder.attempt_started(a);
        }
    }

    fn attempt_ended(&self, attempt: u32, end: AttemptEnd) {
        if self.trace.is_some() {
            self.recorder.attempt_ended(attempt, end);
        }
    }

    fn retrying(&self, attempt: u32, request_id: &str, wait: Duration, end: AttemptEnd) {
        if self.trace.is_some() {
            self.recorder.retrying(attempt, request_id, wait, end);
        }
        // Retries are rare: this warning goes out as it happens, not when the call ends.
        let wait_ms = u64::try_from(wait.as_millis()).unwrap_or(u64::MAX);
        Python::attach(|py| {
            let args =
                (self.operation, self.invoice_number.as_deref(), request_id, attempt, wait_ms, retry_reason(end));
            report(py, module(py).and_then(|m| m.call_method1(pyo3::intern!(py, "log_retry"), args)));
        });
    }
}
