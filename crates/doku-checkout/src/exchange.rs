//! One logical call as a state machine without I/O: sign an attempt, hand it to a transport,
//! feed back what came of it, and be told to wait and retry (same Request-Id) or to stop with
//! DOKU's final answer or a typed error.
//!
//! The native client drives it with hyper (reqwest through a proxy) and tokio, the WebAssembly client with the host's
//! `fetch` and timers: the retry policy, the response checks and every error text live here.

use std::sync::Arc;
use std::time::Duration;

use crate::config::ClientConfig;
use crate::error::{Error, ErrorCode};
use crate::headers::ReceivedHeaders;
use crate::notification::verify_response;
use crate::operations::{Method, PreparedRequest, SignedHeaders};
use crate::request_id::RequestId;
use crate::retry::{AttemptOutcome, RetryDecision, parse_retry_after};
use crate::shown::Millis;
use crate::timestamp::Timestamp;

/// DOKU's final HTTP answer to a call, before it is read as an operation's result.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Reply {
    /// The HTTP status.
    pub status: u16,
    /// The body, at most the configured cap.
    pub body: Vec<u8>,
}

/// How an attempt failed before a whole answer arrived.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TransportFailure {
    /// No connection could be made: nothing reached DOKU.
    ConnectFailed,
    /// The connection broke after the request was (maybe) sent.
    ConnectionLost,
    /// No answer within the per-attempt timeout.
    TimedOut,
}

impl TransportFailure {
    /// `connect_failed`, `connection_lost` or `timed_out`.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::ConnectFailed => "connect_failed",
            Self::ConnectionLost => "connection_lost",
            Self::TimedOut => "timed_out",
        }
    }
}

/// What the driver does next.
#[derive(Debug)]
pub enum Next {
    /// Wait this long, then start another attempt.
    Wait(Duration),
    /// The call is over.
    Done(Result<Reply, Error>),
}

/// One logical call: the request, its Request-Id (the same on every attempt) and the attempts
/// made so far.
#[derive(Debug)]
pub struct Exchange {
    config: Arc<ClientConfig>,
    prepared: PreparedRequest,
    request_id: RequestId,
    attempts: u32,
}

impl Exchange {
    /// A call of `prepared` under `config`, sent with `request_id` on every attempt.
    pub fn new(config: Arc<ClientConfig>, prepared: PreparedRequest, request_id: RequestId) -> Self {
        Self { config, prepared, request_id, attempts: 0 }
    }

    /// The Request-Id of every attempt.
    pub fn request_id(&self) -> &RequestId {
        &self.request_id
    }

    /// GET or POST.
    pub fn method(&self) -> Method {
        self.prepared.method
    }

    /// The signed path (percent-encoded, no query): what goes after the base URL.
    pub fn path(&self) -> &str {
        &self.prepared.path
    }

    /// The path with its variable part named (for traces).
    pub fn url_template(&self) -> &'static str {
        self.prepared.url_template
    }

    /// The full URL: base URL and the signed path.
    pub fn url(&self) -> String {
        format!("{}{}", self.config.base_url, self.prepared.path)
    }

    /// The exact body bytes to send (POST only); sent with `Content-Type: application/json`.
    pub fn body(&self) -> Option<&[u8]> {
        self.prepared.body.as_deref()
    }

    /// Attempts started so far.
    pub fn attempts(&self) -> u32 {
        self.attempts
    }

    /// Starts the next attempt: the DOKU headers signed at `now` (a new timestamp each time,
    /// the same Request-Id always).
    pub fn start_attempt(&mut self, now: Timestamp) -> Result<SignedHeaders, Error> {
        self.attempts += 1;
        let c = &self.config;
        self.prepared.sign(&c.client_id, &c.secret, &self.request_id, now).map_err(|e| self.tagged(e))
    }

    /// The attempt got an answer. `retry_after` is the raw `Retry-After` header; `headers` are
    /// needed only when [`ClientConfig::verify_response_signatures`] is on; `body` must not be
    /// longer than the cap (see [`Exchange::too_large`]); `jitter` is a random number in `[0, 1)`.
    pub fn on_answer(
        &mut self,
        status: u16,
        retry_after: Option<&str>,
        headers: Option<&ReceivedHeaders>,
        body: Vec<u8>,
        jitter: f64,
    ) -> Next {
        let wait = retry_after.and_then(parse_retry_after);
        if let RetryDecision::RetryAfter(d) =
            self.config.retry.decide(self.attempts, AttemptOutcome::Status(status), wait, jitter)
        {
            return Next::Wait(d);
        }
        Next::Done(self.finish(status, headers, body))
    }

    /// The attempt failed in transport; `detail` says how. The request URL is cut out of it
    /// (some hosts' `fetch` errors name it, and its path holds the caller's invoice number).
    pub fn on_failure(&mut self, failure: TransportFailure, detail: &str, jitter: f64) -> Next {
        let detail = detail.replace(&self.url(), "(the request URL)");
        let outcome = match failure {
            TransportFailure::ConnectFailed => AttemptOutcome::ConnectFailed,
            TransportFailure::ConnectionLost => AttemptOutcome::ConnectionLost,
            TransportFailure::TimedOut => AttemptOutcome::TimedOut,
        };
        match self.config.retry.decide(self.attempts, outcome, None, jitter) {
            RetryDecision::RetryAfter(d) => Next::Wait(d),
            RetryDecision::Stop => Next::Done(Err(self.transport_error(failure, &detail))),
        }
    }

    fn finish(&self, status: u16, headers: Option<&ReceivedHeaders>, body: Vec<u8>) -> Result<Reply, Error> {
        let signed_answer = (200..300).contains(&status) || status == 409;
        if self.config.verify_response_signatures && signed_answer {
            let none = ReceivedHeaders::default();
            verify_response(
                &self.config.secret,
                self.config.client_id.as_str(),
                self.request_id.as_str(),
                &self.prepared.path,
                headers.unwrap_or(&none),
                &body,
                self.prepared.body.is_some(),
            )
            .map_err(|e| {
                self.tagged(e.with_http(Some(status), Vec::new(), Some(String::from_utf8_lossy(&body).into_owned())))
            })?;
        }
        Ok(Reply { status, body })
    }

    fn tagged(&self, e: Error) -> Error {
        e.with_request_id(self.request_id.as_str())
    }

    /// The call ran past its deadline (retries included): final.
    pub fn deadline_error(&self) -> Error {
        let deadline = self.config.deadline;
        self.tagged(Error::new(
            ErrorCode::Timeout,
            format!(
                "the call did not finish within its deadline of {} (retries included); the outcome is unknown: call again with request id {}, which is safe because DOKU de-duplicates by request id",
                Millis(deadline),
                self.request_id.as_str()
            ),
        ))
    }

    /// The TLS handshake failed (an untrusted certificate, a proxy intercepting, not TLS at
    /// all): retrying cannot help, so the call ends at once.
    pub fn tls_error(&self, detail: &str) -> Error {
        self.tagged(
            Error::new(
                ErrorCode::NetworkError,
                format!(
                    "the TLS handshake with {} failed, so nothing was sent; retrying will not help: check the machine's CA certificates, the clock, and any proxy that intercepts TLS ({detail})",
                    self.config.base_url
                ),
            )
            .with_reason("tls_failure")
            .with_retryable(false),
        )
    }

    /// The answer was longer than the cap: final, never retried. `head` is what was read.
    pub fn too_large(&self, status: u16, head: &[u8]) -> Error {
        self.tagged(
            Error::invalid_response(format!(
                "the answer (HTTP {status}) is longer than {} bytes, so it was not read to the end; DOKU's answers are a few KiB: check the base URL and any proxy in between, then call again with request id {}",
                self.config.max_response_bytes,
                self.request_id.as_str()
            ))
            .with_reason("response_too_large")
            .with_http(Some(status), Vec::new(), Some(String::from_utf8_lossy(head).into_owned())),
        )
    }

    fn transport_error(&self, failure: TransportFailure, detail: &str) -> Error {
        let rid = self.request_id.as_str();
        let tries = if self.attempts == 1 { "1 attempt".to_owned() } else { format!("{} attempts", self.attempts) };
        let (code, message) = match failure {
            TransportFailure::TimedOut => (
                ErrorCode::Timeout,
                format!(
                    "no answer from DOKU within {} per attempt ({tries}); the outcome is unknown: call again with request id {rid}, which is safe because DOKU de-duplicates by request id ({detail})",
                    Millis(self.config.timeout)
                ),
            ),
            TransportFailure::ConnectFailed => (
                ErrorCode::NetworkError,
                format!(
                    "could not connect to {} ({tries}); nothing was processed, retry later ({detail})",
                    self.config.base_url
                ),
            ),
            TransportFailure::ConnectionLost => (
                ErrorCode::NetworkError,
                format!(
                    "the connection to DOKU broke before an answer arrived ({tries}); DOKU may have processed the request: call again with request id {rid}, which is safe ({detail})"
                ),
            ),
        };
        Error::new(code, message).with_request_id(rid)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::ClientOptions;
    use crate::operations::CancelOrderRequest;
    use crate::{ErrorCode, UserAgent};

    const SECRET: &str = "SK-exchange-test-secret";

    fn exchange(options: &str) -> Exchange {
        let config = ClientOptions::from_json(options)
            .and_then(|o| o.resolve_config("MCH-X", SECRET, UserAgent::default()))
            .expect("valid options");
        let prepared = CancelOrderRequest::new("INV-1", "orig", "note").expect("valid").prepare();
        Exchange::new(Arc::new(config), prepared, RequestId::new("rid-1").expect("valid"))
    }

    fn now() -> Timestamp {
        Timestamp::from_unix_checked(1_700_000_000).expect("valid")
    }

    #[test]
    fn retries_keep_the_request_id_and_stop_at_the_limit() {
        let mut ex = exchange(r#"{"max_retries":1,"initial_backoff_ms":100}"#);
        assert_eq!(ex.url(), "https://api-sandbox.doku.com/checkout/v3/cancellations");
        assert_eq!(ex.method(), Method::Post);
        assert!(ex.body().is_some_and(|b| b.starts_with(b"{\"order\"")));
        let first = ex.start_attempt(now()).expect("signed");
        assert_eq!(first.request_id, "rid-1");
        assert!(
            matches!(ex.on_answer(503, None, None, b"{}".to_vec(), 1.0), Next::Wait(d) if d == Duration::from_millis(100))
        );
        let second = ex.start_attempt(now()).expect("signed");
        assert_eq!((second.request_id.as_str(), ex.attempts()), ("rid-1", 2));
        match ex.on_answer(503, None, None, b"{}".to_vec(), 1.0) {
            Next::Done(Ok(reply)) => assert_eq!(reply.status, 503),
            other => panic!("expected the final answer, got {other:?}"),
        }
    }

    #[test]
    fn retry_after_is_honoured_and_capped() {
        let mut ex = exchange(r#"{"max_backoff_ms":2000}"#);
        ex.start_attempt(now()).expect("signed");
        assert!(
            matches!(ex.on_answer(429, Some("60"), None, Vec::new(), 0.0), Next::Wait(d) if d == Duration::from_secs(2))
        );
    }

    #[test]
    fn transport_failures_name_the_attempts_and_never_the_secret() {
        let mut ex = exchange(r#"{"max_retries":0}"#);
        ex.start_attempt(now()).expect("signed");
        let Next::Done(Err(e)) = ex.on_failure(TransportFailure::TimedOut, "deadline elapsed", 0.5) else {
            panic!("no retries allowed")
        };
        assert_eq!((e.code(), e.request_id()), (ErrorCode::Timeout, Some("rid-1")));
        assert!(e.message().contains("(1 attempt)") && e.message().contains("deadline elapsed"), "{}", e.message());
        let mut twice = exchange(r#"{"max_retries":1,"initial_backoff_ms":1}"#);
        twice.start_attempt(now()).expect("signed");
        assert!(matches!(twice.on_failure(TransportFailure::ConnectionLost, "reset", 0.5), Next::Wait(_)));
        twice.start_attempt(now()).expect("signed");
        let Next::Done(Err(e)) = twice.on_failure(TransportFailure::ConnectionLost, "reset", 0.5) else { panic!() };
        assert!(e.message().contains("(2 attempts)") && e.message().contains("may have processed"), "{}", e.message());
        let mut ex = exchange(r#"{"max_retries":0}"#);
        ex.start_attempt(now()).expect("signed");
        let detail = format!("error sending request for url ({}): connection refused", ex.url());
        let Next::Done(Err(e)) = ex.on_failure(TransportFailure::ConnectFailed, &detail, 0.5) else { panic!() };
        assert_eq!(e.code(), ErrorCode::NetworkError);
        assert!(e.message().contains("could not connect") && e.message().contains("connection refused"));
        assert!(!e.message().contains("cancellations"), "the URL is cut out: {}", e.message());
        for e in [ex.deadline_error(), ex.tls_error("bad cert"), ex.too_large(200, b"head")] {
            assert!(!e.message().contains(SECRET));
            assert_eq!(e.request_id(), Some("rid-1"));
        }
        assert_eq!(ex.too_large(200, b"head").reason(), Some("response_too_large"));
        assert!(!ex.tls_error("x").retryable());
    }

    #[test]
    fn response_signatures_are_checked_when_asked_for() {
        let mut ex = exchange(r#"{"verify_response_signatures":true}"#);
        ex.start_attempt(now()).expect("signed");
        let Next::Done(Err(e)) = ex.on_answer(200, None, None, b"{}".to_vec(), 0.0) else {
            panic!("an unsigned answer must not pass")
        };
        assert_eq!(e.code(), ErrorCode::InvalidSignature);
        // Failures are not signed by DOKU: they pass through to classification.
        let mut ex = exchange(r#"{"verify_response_signatures":true}"#);
        ex.start_attempt(now()).expect("signed");
        assert!(matches!(ex.on_answer(404, None, None, b"{}".to_vec(), 0.0), Next::Done(Ok(_))));
    }
}
