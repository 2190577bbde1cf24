//! A call's events, recorded for JavaScript: when the JS layer asks for a trace (an
//! OpenTelemetry tracer provider is registered, or a `doku-checkout:*` diagnostics channel has
//! subscribers), the call runs observed and its attempts, their ends and the waits are kept with
//! their wall-clock times; they reach JavaScript with the call's outcome, where `observe.js`
//! turns them into spans and channel messages. Untraced calls record nothing.

use std::sync::{Mutex, PoisonError};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use doku_checkout::observe::{AttemptEnd, AttemptInfo, CallObserver, retry_reason};
use napi::bindgen_prelude::Array;
use napi::{Env, Result};

/// One event, as it will cross.
pub(crate) enum Event {
    Start {
        attempt: u32,
        at: f64,
        request_id: String,
        method: &'static str,
        template: &'static str,
        host: String,
        port: u16,
    },
    End {
        attempt: u32,
        at: f64,
        status: Option<u16>,
        error_type: Option<&'static str>,
    },
    Retry {
        attempt: u32,
        at: f64,
        wait_ms: f64,
        reason: String,
    },
}

/// Milliseconds since the epoch, with the sub-millisecond part (OpenTelemetry JS's time input).
fn now_ms() -> f64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map_or(0.0, |d| d.as_secs_f64() * 1000.0)
}

#[derive(Default)]
pub(crate) struct Recorder(Mutex<Vec<Event>>);

impl Recorder {
    fn push(&self, event: Event) {
        self.0.lock().unwrap_or_else(PoisonError::into_inner).push(event);
    }

    pub(crate) fn take(&self) -> Vec<Event> {
        std::mem::take(&mut *self.0.lock().unwrap_or_else(PoisonError::into_inner))
    }
}

impl CallObserver for Recorder {
    fn attempt_started(&self, a: &AttemptInfo<'_>) {
        self.push(Event::Start {
            attempt: a.attempt,
            at: now_ms(),
            request_id: a.request_id.to_owned(),
            method: a.method,
            template: a.url_template,
            host: a.server_address.to_owned(),
            port: a.server_port,
        });
    }

    fn attempt_ended(&self, attempt: u32, end: AttemptEnd) {
        self.push(Event::End { attempt, at: now_ms(), status: end.status(), error_type: end.error_type() });
    }

    fn retrying(&self, attempt: u32, _request_id: &str, wait: Duration, end: AttemptEnd) {
        self.push(Event::Retry {
            attempt,
            at: now_ms(),
            wait_ms: wait.as_secs_f64() * 1000.0,
            reason: retry_reason(end),
        });
    }
}

/// The events as arrays: `['start', attempt, at, requestId, method, template, host, port]`,
/// `['end', attempt, at, status, errorType]`, `['retry', attempt, at, waitMs, reason]`.
pub(crate) fn to_js<'env>(env: &'env Env, events: Vec<Event>) -> Result<Array<'env>> {
    let mut out = env.create_array(u32::try_from(events.len()).unwrap_or(u32::MAX))?;
    for (index, event) in (0u32..).zip(events) {
        let mut e = env.create_array(8)?;
        match event {
            Event::Start { attempt, at, request_id, method, template, host, port } => {
                e.set(0, "start")?;
                e.set(1, attempt)?;
                e.set(2, at)?;
                e.set(3, request_id)?;
                e.set(4, method)?;
                e.set(5, template)?;
                e.set(6, host)?;
                e.set(7, u32::from(port))?;
            }
            Event::End { attempt, at, status, error_type } => {
                e.set(0, "end")?;
                e.set(1, attempt)?;
                e.set(2, at)?;
                e.set(3, status.map(u32::from))?;
                e.set(4, error_type)?;
            }
            Event::Retry { attempt, at, wait_ms, reason } => {
                e.set(0, "retry")?;
                e.set(1, attempt)?;
                e.set(2, at)?;
                e.set(3, wait_ms)?;
                e.set(4, reason)?;
            }
        }
        out.set(index, e)?;
    }
    Ok(out)
}
