//! A call's events for JavaScript: when the JS layer asks for a trace (an OpenTelemetry tracer
//! provider is registered, or a `doku-checkout:*` diagnostics channel has subscribers), the call
//! runs under the core's [`Recorder`]; its events reach JavaScript with the call's outcome, where
//! `observe.js` turns them into spans and channel messages. Untraced calls record nothing.

use std::time::{SystemTime, UNIX_EPOCH};

use doku_checkout::observe::Recorded;
pub(crate) use doku_checkout::observe::Recorder;
use napi::bindgen_prelude::Array;
use napi::{Env, Result};

/// Milliseconds since the epoch, with the sub-millisecond part (OpenTelemetry JS's time input).
fn ms(at: SystemTime) -> f64 {
    at.duration_since(UNIX_EPOCH).map_or(0.0, |d| d.as_secs_f64() * 1000.0)
}

/// The events as arrays: `['start', attempt, at, requestId, method, template, host, port]`,
/// `['end', attempt, at, status, errorType]`, `['retry', attempt, at, waitMs, reason]`.
pub(crate) fn to_js(env: &Env, events: Vec<Recorded>) -> Result<Array<'_>> {
    let mut out = env.create_array(u32::try_from(events.len()).unwrap_or(u32::MAX))?;
    for (index, event) in (0u32..).zip(events) {
        let mut e = env.create_array(8)?;
        match event {
            Recorded::Start { attempt, at, request_id, method, url_template, server_address, server_port } => {
                e.set(0, "start")?;
                e.set(1, attempt)?;
                e.set(2, ms(at))?;
                e.set(3, request_id)?;
                e.set(4, method)?;
                e.set(5, url_template)?;
                e.set(6, server_address)?;
                e.set(7, u32::from(server_port))?;
            }
            Recorded::End { attempt, at, status, error_type } => {
                e.set(0, "end")?;
                e.set(1, attempt)?;
                e.set(2, ms(at))?;
                e.set(3, status.map(u32::from))?;
                e.set(4, error_type)?;
            }
            Recorded::Retry { attempt, at, wait, reason } => {
                e.set(0, "retry")?;
                e.set(1, attempt)?;
                e.set(2, ms(at))?;
                e.set(3, wait.as_secs_f64() * 1000.0)?;
                e.set(4, reason)?;
            }
        }
        out.set(index, e)?;
    }
    Ok(out)
}
