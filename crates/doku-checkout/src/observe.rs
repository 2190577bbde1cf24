//! What a logical call does, as it does it: each attempt, how it ended, each wait before a
//! retry. For the bindings' traces and logs (the HTTP happens here, where the host's HTTP
//! instrumentation cannot see it).
//!
//! Nothing is observed, and nothing costs, unless a binding runs the call inside [`observed`];
//! then the client's driver reports to that observer. The events carry no body, header or key:
//! the Request-Id, the method, the URL template, the server, statuses and stable codes only.

#[cfg(feature = "client")]
use std::future::Future;
#[cfg(feature = "client")]
use std::sync::Arc;
use std::time::Duration;

/// One attempt about to be sent.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct AttemptInfo<'a> {
    /// 1 for the first attempt, 2 for the first retry, ...
    pub attempt: u32,
    /// The Request-Id (the same on every attempt).
    pub request_id: &'a str,
    /// `GET` or `POST`.
    pub method: &'static str,
    /// The path with its variable part named, e.g. `/orders/v1/status/{invoice_number}`.
    pub url_template: &'static str,
    /// The host of the base URL.
    pub server_address: &'a str,
    /// Its port (the scheme's default when the URL names none).
    pub server_port: u16,
}

/// How an attempt ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AttemptEnd {
    /// DOKU answered with this status.
    Status(u16),
    /// No (whole) answer: `connect_failed`, `connection_lost`, `timed_out`, `tls_failure`, or
    /// `response_too_large` (with the status).
    Failed(&'static str, Option<u16>),
}

impl AttemptEnd {
    /// The status, when DOKU answered.
    pub fn status(&self) -> Option<u16> {
        match *self {
            Self::Status(s) => Some(s),
            Self::Failed(_, s) => s,
        }
    }

    /// The stable error code of an attempt that failed (OpenTelemetry's `error.type`): the
    /// core's codes for what a status means, or the transport failure; None for 2xx and 409
    /// (a replay of an earlier outcome, read by the operation).
    pub fn error_type(&self) -> Option<&'static str> {
        match *self {
            Self::Failed("timed_out", _) => Some("timeout"),
            Self::Failed("connect_failed" | "connection_lost", _) => Some("network_error"),
            Self::Failed(other, _) => Some(other),
            Self::Status(s) => match s {
                200..=299 | 409 => None,
                401 | 403 => Some("authentication_failed"),
                404 => Some("order_not_found"),
                429 => Some("rate_limited"),
                500..=599 => Some("server_error"),
                _ => Some("invalid_request"),
            },
        }
    }
}

/// Receives a call's events. Called from the client's I/O tasks: be quick, never block long.
pub trait CallObserver: Send + Sync {
    /// An attempt is about to be sent.
    fn attempt_started(&self, info: &AttemptInfo<'_>);
    /// The attempt ended.
    fn attempt_ended(&self, attempt: u32, end: AttemptEnd);
    /// The client waits `wait` before the next attempt, because attempt `attempt` ended so.
    fn retrying(&self, attempt: u32, request_id: &str, wait: Duration, end: AttemptEnd);
}

#[cfg(feature = "client")]
tokio::task_local! {
    static OBSERVER: Arc<dyn CallObserver>;
}

/// Runs `call` (one of the client's calls, or several: a cancel by invoice is two) with
/// `observer` receiving the events of every HTTP exchange in it.
#[cfg(feature = "client")]
pub async fn observed<F: Future>(observer: Arc<dyn CallObserver>, call: F) -> F::Output {
    OBSERVER.scope(observer, call).await
}

/// The observer of the call running in this task, if any.
#[cfg(feature = "client")]
pub(crate) fn current() -> Option<Arc<dyn CallObserver>> {
    OBSERVER.try_with(Arc::clone).ok()
}

/// One event as a [`Recorder`] keeps it, with its wall-clock time.
#[cfg(feature = "client")]
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Recorded {
    /// An attempt was about to be sent.
    Start {
        /// 1 for the first attempt.
        attempt: u32,
        /// When.
        at: std::time::SystemTime,
        /// The Request-Id.
        request_id: String,
        /// `GET` or `POST`.
        method: &'static str,
        /// The URL template.
        url_template: &'static str,
        /// The server's host.
        server_address: String,
        /// Its port.
        server_port: u16,
    },
    /// The attempt ended.
    End {
        /// Which attempt.
        attempt: u32,
        /// When.
        at: std::time::SystemTime,
        /// DOKU's status, if it answered.
        status: Option<u16>,
        /// The stable error type of a failed attempt.
        error_type: Option<&'static str>,
    },
    /// The client waited before the next attempt.
    Retry {
        /// The attempt that ended so.
        attempt: u32,
        /// When the wait began.
        at: std::time::SystemTime,
        /// How long.
        wait: Duration,
        /// Why, in a few words.
        reason: String,
    },
}

/// Keeps a call's events with their times, for bindings that build spans once the call is over
/// (no callback into the host's runtime while it runs).
#[cfg(feature = "client")]
#[derive(Debug, Default)]
pub struct Recorder {
    events: std::sync::Mutex<Vec<Recorded>>,
    attempts: std::sync::atomic::AtomicU32,
}

#[cfg(feature = "client")]
impl Recorder {
    fn push(&self, event: Recorded) {
        self.events.lock().unwrap_or_else(std::sync::PoisonError::into_inner).push(event);
    }

    /// The events so far, in order (taken: a second call gets the later ones).
    pub fn take(&self) -> Vec<Recorded> {
        std::mem::take(&mut *self.events.lock().unwrap_or_else(std::sync::PoisonError::into_inner))
    }

    /// Attempts started, over every HTTP exchange of the call.
    pub fn attempts(&self) -> u32 {
        self.attempts.load(std::sync::atomic::Ordering::Relaxed)
    }
}

#[cfg(feature = "client")]
impl CallObserver for Recorder {
    fn attempt_started(&self, a: &AttemptInfo<'_>) {
        self.attempts.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        self.push(Recorded::Start {
            attempt: a.attempt,
            at: std::time::SystemTime::now(),
            request_id: a.request_id.to_owned(),
            method: a.method,
            url_template: a.url_template,
            server_address: a.server_address.to_owned(),
            server_port: a.server_port,
        });
    }

    fn attempt_ended(&self, attempt: u32, end: AttemptEnd) {
        let at = std::time::SystemTime::now();
        self.push(Recorded::End { attempt, at, status: end.status(), error_type: end.error_type() });
    }

    fn retrying(&self, attempt: u32, _request_id: &str, wait: Duration, end: AttemptEnd) {
        let at = std::time::SystemTime::now();
        self.push(Recorded::Retry { attempt, at, wait, reason: retry_reason(end) });
    }
}

/// What a call's result tells its trace: the Request-Id, and for a cancel whether DOKU replayed.
pub trait CallOutcome {
    /// The call's Request-Id.
    fn request_id(&self) -> &str;
    /// Whether DOKU replayed an earlier outcome (cancels only).
    fn replayed(&self) -> Option<bool> {
        None
    }
}

impl CallOutcome for crate::operations::CancelOrderResult {
    fn request_id(&self) -> &str {
        &self.request_id
    }
    fn replayed(&self) -> Option<bool> {
        Some(self.replayed)
    }
}

impl CallOutcome for crate::operations::CreateCheckoutResult {
    fn request_id(&self) -> &str {
        &self.request_id
    }
}

impl CallOutcome for crate::operations::OrderStatusResult {
    fn request_id(&self) -> &str {
        &self.request_id
    }
}

/// `(request_id, replayed, error_code)` of a finished call, for its span.
pub fn outcome_fields<T: CallOutcome>(
    result: &Result<T, crate::Error>,
) -> (Option<&str>, Option<bool>, Option<&'static str>) {
    match result {
        Ok(r) => (Some(r.request_id()), r.replayed(), None),
        Err(e) => (e.request_id(), None, Some(e.code().as_str())),
    }
}

/// The host and port of a base URL (`https://api.doku.com` → `api.doku.com`, 443).
pub fn server_of(base_url: &str) -> (&str, u16) {
    let (scheme, rest) = base_url.split_once("://").unwrap_or(("https", base_url));
    let authority = rest.split('/').next().unwrap_or(rest);
    let default = if scheme.eq_ignore_ascii_case("http") { 80 } else { 443 };
    // An IPv6 literal keeps its brackets off; its colons are not a port.
    if let Some(v6) = authority.strip_prefix('[') {
        let (host, after) = v6.split_once(']').unwrap_or((v6, ""));
        let port = after.strip_prefix(':').and_then(|p| p.parse().ok()).unwrap_or(default);
        return (host, port);
    }
    match authority.rsplit_once(':') {
        Some((host, port)) => (host, port.parse().unwrap_or(default)),
        None => (authority, default),
    }
}

/// Why an attempt is retried, in a few words for a log line.
pub fn retry_reason(end: AttemptEnd) -> String {
    match end {
        AttemptEnd::Status(s) => format!("HTTP {s}"),
        AttemptEnd::Failed(kind, _) => kind.replace('_', " "),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn servers_and_ports_come_from_the_base_url() {
        assert_eq!(server_of("https://api.doku.com"), ("api.doku.com", 443));
        assert_eq!(server_of("https://api-sandbox.doku.com/"), ("api-sandbox.doku.com", 443));
        assert_eq!(server_of("http://127.0.0.1:8080"), ("127.0.0.1", 8080));
        assert_eq!(server_of("http://localhost"), ("localhost", 80));
        assert_eq!(server_of("http://[::1]:9000"), ("::1", 9000));
        assert_eq!(server_of("https://[::1]"), ("::1", 443));
    }

    #[test]
    fn attempts_have_stable_error_types() {
        assert_eq!(AttemptEnd::Status(200).error_type(), None);
        assert_eq!(AttemptEnd::Status(409).error_type(), None);
        assert_eq!(AttemptEnd::Status(503).error_type(), Some("server_error"));
        assert_eq!(AttemptEnd::Status(429).error_type(), Some("rate_limited"));
        assert_eq!(AttemptEnd::Status(401).error_type(), Some("authentication_failed"));
        assert_eq!(AttemptEnd::Status(400).error_type(), Some("invalid_request"));
        assert_eq!(AttemptEnd::Failed("timed_out", None).error_type(), Some("timeout"));
        assert_eq!(AttemptEnd::Failed("connection_lost", None).error_type(), Some("network_error"));
        assert_eq!(AttemptEnd::Failed("response_too_large", Some(200)).error_type(), Some("response_too_large"));
        assert_eq!(AttemptEnd::Failed("response_too_large", Some(200)).status(), Some(200));
        assert_eq!(retry_reason(AttemptEnd::Status(503)), "HTTP 503");
        assert_eq!(retry_reason(AttemptEnd::Failed("timed_out", None)), "timed out");
    }
}
