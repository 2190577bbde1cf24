//! Each call's trace and logs, for Python: the core reports attempts and waits (see
//! `doku_checkout::observe`); `doku_checkout._observe` turns them into OpenTelemetry spans when
//! the application configured a tracer provider, and into `logging` records (`doku_checkout`
//! logger: a WARNING per retry, DEBUG per attempt). The trace starts on the caller's thread, so
//! the caller's current span is its parent in sync and asyncio code alike.

use std::future::Future;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use doku_checkout::Error;
use doku_checkout::observe::{AttemptEnd, AttemptInfo, CallObserver, observed, retry_reason};
use doku_checkout::operations::{CancelOrderResult, CreateCheckoutResult, OrderStatusResult};
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

/// One event, kept until the call ends (no GIL is taken while it runs).
enum Event {
    Start {
        attempt: u32,
        at: u64,
        request_id: String,
        method: &'static str,
        template: &'static str,
        host: String,
        port: u16,
    },
    End {
        attempt: u32,
        at: u64,
        status: Option<u16>,
        error_type: Option<&'static str>,
    },
    Retry {
        attempt: u32,
        at: u64,
        wait_ms: u64,
        reason: String,
    },
}

/// Nanoseconds since the epoch (OpenTelemetry Python's time unit).
fn now_ns() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| u64::try_from(d.as_nanos()).unwrap_or(u64::MAX))
}

/// One call's observer: its `_observe.CallTrace` when spans or DEBUG lines are wanted (the
/// events are kept for it), else only the retry warnings, logged as they happen.
pub(crate) struct Observation {
    operation: &'static str,
    invoice_number: Option<String>,
    trace: Option<Py<PyAny>>,
    attempts: AtomicU32,
    events: Mutex<Vec<Event>>,
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
            events: Mutex::new(Vec::new()),
        })
    }

    fn record(&self, event: Event) {
        if self.trace.is_some() {
            self.events.lock().unwrap_or_else(PoisonError::into_inner).push(event);
        }
    }

    /// Ends the call's trace: its attempt spans from the kept events, then the call span.
    pub(crate) fn end<T: Outcome>(&self, py: Python<'_>, result: &Result<T, Error>) {
        let Some(trace) = &self.trace else { return };
        let (request_id, replayed, code) = match result {
            Ok(r) => (Some(r.request_id()), r.replayed(), None),
            Err(e) => (e.request_id(), None, Some(e.code().as_str())),
        };
        let attempts = self.attempts.load(Ordering::Relaxed);
        let events = std::mem::take(&mut *self.events.lock().unwrap_or_else(PoisonError::into_inner));
        let list = events.into_iter().map(|e| event_tuple(py, e)).collect::<PyResult<Vec<_>>>();
        let finished = list.and_then(|list| {
            trace.call_method1(py, pyo3::intern!(py, "finish"), (list, attempts, request_id, replayed, code))
        });
        report(py, finished);
    }

    /// Runs `call` observed, then ends the trace (taking the GIL only when there is one).
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

fn event_tuple(py: Python<'_>, event: Event) -> PyResult<Bound<'_, PyTuple>> {
    use pyo3::IntoPyObjectExt;
    let items: Vec<Bound<'_, PyAny>> = match event {
        Event::Start { attempt, at, request_id, method, template, host, port } => vec![
            "start".into_bound_py_any(py)?,
            attempt.into_bound_py_any(py)?,
            at.into_bound_py_any(py)?,
            request_id.into_bound_py_any(py)?,
            method.into_bound_py_any(py)?,
            template.into_bound_py_any(py)?,
            host.into_bound_py_any(py)?,
            port.into_bound_py_any(py)?,
        ],
        Event::End { attempt, at, status, error_type } => vec![
            "end".into_bound_py_any(py)?,
            attempt.into_bound_py_any(py)?,
            at.into_bound_py_any(py)?,
            status.into_bound_py_any(py)?,
            error_type.into_bound_py_any(py)?,
        ],
        Event::Retry { attempt, at, wait_ms, reason } => vec![
            "retry".into_bound_py_any(py)?,
            attempt.into_bound_py_any(py)?,
            at.into_bound_py_any(py)?,
            wait_ms.into_bound_py_any(py)?,
            reason.into_bound_py_any(py)?,
        ],
    };
    PyTuple::new(py, items)
}

impl CallObserver for Observation {
    fn attempt_started(&self, a: &AttemptInfo<'_>) {
        self.attempts.fetch_add(1, Ordering::Relaxed);
        self.record(Event::Start {
            attempt: a.attempt,
            at: now_ns(),
            request_id: a.request_id.to_owned(),
            method: a.method,
            template: a.url_template,
            host: a.server_address.to_owned(),
            port: a.server_port,
        });
    }

    fn attempt_ended(&self, attempt: u32, end: AttemptEnd) {
        self.record(Event::End { attempt, at: now_ns(), status: end.status(), error_type: end.error_type() });
    }

    fn retrying(&self, attempt: u32, request_id: &str, wait: Duration, end: AttemptEnd) {
        let wait_ms = u64::try_from(wait.as_millis()).unwrap_or(u64::MAX);
        let reason = retry_reason(end);
        self.record(Event::Retry { attempt, at: now_ns(), wait_ms, reason: reason.clone() });
        // Retries are rare: this warning goes out as it happens, not when the call ends.
        Python::attach(|py| {
            let args = (self.operation, self.invoice_number.as_deref(), request_id, attempt, wait_ms, reason);
            report(py, module(py).and_then(|m| m.call_method1(pyo3::intern!(py, "log_retry"), args)));
        });
    }
}
