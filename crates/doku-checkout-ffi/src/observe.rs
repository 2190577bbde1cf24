//! Each call's trace, for Kotlin and Swift: the application (or `DokuTracing.install()` on the
//! JVM) registers a [`CallTracing`]; every call then asks it for a [`CallTrace`] on the caller's
//! thread (so the caller's current span is the parent), reports each attempt, its end and each
//! wait to it from the I/O threads, and ends it with the outcome. With none registered a call
//! makes one check. No body, header or key is ever passed: the operation, invoice number,
//! Request-Id, URL template, server, statuses and stable error codes only.

use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, PoisonError, RwLock};
use std::time::Duration;

use doku_checkout::observe::{
    AttemptEnd, AttemptInfo, CallObserver, CallOutcome, observed, outcome_fields, retry_reason,
};

/// Starts a trace per call (implemented in Kotlin or Swift).
#[uniffi::export(with_foreign)]
pub trait CallTracing: Send + Sync {
    /// A call begins (`cancel_order`, `cancel_by_invoice`, `create_checkout`, `order_status`):
    /// its trace, or null to leave this call untraced.
    fn start(&self, operation: String, invoice_number: Option<String>) -> Option<Arc<dyn CallTrace>>;
}

/// One call's trace (implemented in Kotlin or Swift). Called from the library's I/O threads.
#[uniffi::export(with_foreign)]
pub trait CallTrace: Send + Sync {
    /// An attempt is about to be sent (`attempt` counts from 1).
    fn attempt_started(
        &self,
        attempt: u32,
        request_id: String,
        method: String,
        url_template: String,
        server_address: String,
        server_port: u16,
    );
    /// The attempt ended: DOKU's status, and the stable error type when it failed.
    fn attempt_ended(&self, attempt: u32, status: Option<u16>, error_type: Option<String>);
    /// The client waits `wait_ms` before the next attempt, because of `reason`.
    fn retrying(&self, attempt: u32, request_id: String, wait_ms: u64, reason: String);
    /// The call is over: its Request-Id, whether DOKU replayed it, the error code when it failed.
    fn end(&self, attempts: u32, request_id: Option<String>, replayed: Option<bool>, error_code: Option<String>);
}

static TRACING: RwLock<Option<Arc<dyn CallTracing>>> = RwLock::new(None);

/// Registers the tracing every call reports to (null: none, the default).
#[uniffi::export]
pub fn set_call_tracing(tracing: Option<Arc<dyn CallTracing>>) {
    *TRACING.write().unwrap_or_else(PoisonError::into_inner) = tracing;
}

struct Traced {
    trace: Arc<dyn CallTrace>,
    attempts: AtomicU32,
}

impl CallObserver for Traced {
    fn attempt_started(&self, a: &AttemptInfo<'_>) {
        self.attempts.fetch_add(1, Ordering::Relaxed);
        self.trace.attempt_started(
            a.attempt,
            a.request_id.to_owned(),
            a.method.to_owned(),
            a.url_template.to_owned(),
            a.server_address.to_owned(),
            a.server_port,
        );
    }

    fn attempt_ended(&self, attempt: u32, end: AttemptEnd) {
        self.trace.attempt_ended(attempt, end.status(), end.error_type().map(str::to_owned));
    }

    fn retrying(&self, attempt: u32, request_id: &str, wait: Duration, end: AttemptEnd) {
        let wait_ms = u64::try_from(wait.as_millis()).unwrap_or(u64::MAX);
        self.trace.retrying(attempt, request_id.to_owned(), wait_ms, retry_reason(end));
    }
}

use crate::client::Call;

/// `call`, traced when tracing is registered: the trace starts now, on the caller's thread.
pub(crate) fn traced<T: CallOutcome + Send + 'static>(
    operation: &str,
    invoice_number: Option<&str>,
    call: Call<T>,
) -> Call<T> {
    let tracing = TRACING.read().unwrap_or_else(PoisonError::into_inner).clone();
    let Some(trace) = tracing.and_then(|t| t.start(operation.to_owned(), invoice_number.map(str::to_owned))) else {
        return call;
    };
    let observer = Arc::new(Traced { trace, attempts: AtomicU32::new(0) });
    Box::pin(async move {
        let result = observed(observer.clone(), call).await;
        let attempts = observer.attempts.load(Ordering::Relaxed);
        let (request_id, replayed, code) = outcome_fields(&result);
        observer.trace.end(attempts, request_id.map(str::to_owned), replayed, code.map(str::to_owned));
        result
    })
}
