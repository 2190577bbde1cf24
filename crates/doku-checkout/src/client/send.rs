//! One logical call: sign, send, retry with the same Request-Id, verify, hand back the answer.

use bytes::Bytes;

use super::Client;
use crate::error::{Error, ErrorCode};
use crate::headers::ReceivedHeaders;
use crate::notification::verify_response;
use crate::operations::{Method, PreparedRequest, SignedHeaders};
use crate::request_id::RequestId;
use crate::retry::{AttemptOutcome, RetryDecision, parse_retry_after};

/// DOKU's final HTTP answer to a call.
pub(super) struct Reply {
    pub status: u16,
    pub body: Bytes,
}

/// A transport failure of one attempt.
struct Failure {
    outcome: AttemptOutcome,
    detail: String,
}

/// Why an attempt ended without a usable answer.
enum Stopped {
    /// The transport failed; the retry policy decides.
    Transport(Failure),
    /// The TLS handshake failed (an untrusted certificate, a proxy intercepting, not TLS at
    /// all): retrying cannot help, so the call ends at once.
    Tls(String),
    /// The answer was longer than the cap: final, never retried.
    TooLarge { status: u16, head: Bytes },
}

struct Answer {
    status: u16,
    /// The response headers, kept only when response signatures are verified.
    headers: Option<reqwest::header::HeaderMap>,
    retry_after: Option<std::time::Duration>,
    body: Bytes,
}

/// Whether a TLS error (from rustls) caused `e`, however deeply it is wrapped: the
/// connector nests it in `io::Error`s, whose `source()` skips the error they wrap.
fn is_tls_failure(e: &(dyn std::error::Error + 'static)) -> bool {
    if e.is::<rustls::Error>() {
        return true;
    }
    let wrapped = e.downcast_ref::<std::io::Error>().and_then(std::io::Error::get_ref);
    if wrapped.is_some_and(|inner| is_tls_failure(inner)) {
        return true;
    }
    e.source().is_some_and(is_tls_failure)
}

/// The transport failure of one attempt, TLS failures apart.
fn stopped(e: &reqwest::Error) -> Stopped {
    let f = failure(e);
    if is_tls_failure(e) { Stopped::Tls(f.detail) } else { Stopped::Transport(f) }
}

fn failure(e: &reqwest::Error) -> Failure {
    let outcome = if e.is_timeout() {
        AttemptOutcome::TimedOut
    } else if e.is_connect() {
        AttemptOutcome::ConnectFailed
    } else {
        AttemptOutcome::ConnectionLost
    };
    // Without the URL: its path holds the caller's invoice number, and errors end up in logs.
    let mut detail = match e.url() {
        Some(url) => e.to_string().replace(&format!(" for url ({url})"), ""),
        None => e.to_string(),
    };
    let mut source = std::error::Error::source(e);
    while let Some(s) = source {
        detail.push_str(": ");
        detail.push_str(&s.to_string());
        source = s.source();
    }
    Failure { outcome, detail }
}

impl Client {
    async fn attempt(
        &self,
        prepared: &PreparedRequest,
        body: Option<&Bytes>,
        signed: &SignedHeaders,
    ) -> Result<Answer, Stopped> {
        let inner = &self.inner;
        let url = format!("{}{}", inner.base_url, prepared.path);
        let method = match prepared.method {
            Method::Get => reqwest::Method::GET,
            Method::Post => reqwest::Method::POST,
        };
        let mut builder = inner.http.request(method, url).timeout(inner.timeout);
        for (name, value) in signed.pairs() {
            builder = builder.header(name, value);
        }
        if let Some(body) = body {
            builder = builder.header("Content-Type", "application/json").body(body.clone());
        }
        let mut response = builder.send().await.map_err(|e| stopped(&e))?;
        let status = response.status().as_u16();
        let retry_after =
            response.headers().get("retry-after").and_then(|v| v.to_str().ok()).and_then(parse_retry_after);
        let headers = inner.verify_response_signatures.then(|| response.headers().clone());
        let cap = inner.max_response_bytes;
        let declared = response.content_length().unwrap_or(0);
        if declared > cap as u64 {
            return Err(Stopped::TooLarge { status, head: Bytes::new() });
        }
        // Read chunk by chunk: never more than the cap plus one chunk in memory.
        let mut body = Vec::with_capacity(usize::try_from(declared).unwrap_or(0));
        while let Some(chunk) = response.chunk().await.map_err(|e| Stopped::Transport(failure(&e)))? {
            if body.len() + chunk.len() > cap {
                let room = cap - body.len();
                body.extend_from_slice(&chunk[..room]);
                return Err(Stopped::TooLarge { status, head: Bytes::from(body) });
            }
            body.extend_from_slice(&chunk);
        }
        Ok(Answer { status, headers, retry_after, body: Bytes::from(body) })
    }

    /// Sends `prepared`, retrying per the policy with the same `request_id` on every attempt,
    /// all within the client's deadline.
    pub(super) async fn send(&self, prepared: PreparedRequest, request_id: &RequestId) -> Result<Reply, Error> {
        let deadline = self.inner.deadline;
        match tokio::time::timeout(deadline, self.send_with_retries(prepared, request_id)).await {
            Ok(result) => result,
            Err(_) => Err(Error::new(
                ErrorCode::Timeout,
                format!(
                    "the call did not finish within its deadline of {deadline:?} (retries included); the outcome is unknown: call again with request id {}, which is safe because DOKU de-duplicates by request id",
                    request_id.as_str()
                ),
            )
            .with_request_id(request_id.as_str())),
        }
    }

    async fn send_with_retries(&self, prepared: PreparedRequest, request_id: &RequestId) -> Result<Reply, Error> {
        let body = prepared.body.clone().map(Bytes::from);
        let mut attempt = 0u32;
        loop {
            attempt += 1;
            // Signed afresh per attempt (a new timestamp), always with the same Request-Id.
            let inner = &self.inner;
            let signed = prepared
                .sign(&inner.client_id, &inner.secret, request_id, inner.clock.now())
                .map_err(|e| e.with_request_id(request_id.as_str()))?;
            let (outcome, result) = match self.attempt(&prepared, body.as_ref(), &signed).await {
                Ok(answer) => (AttemptOutcome::Status(answer.status), Ok(answer)),
                Err(Stopped::Transport(f)) => (f.outcome, Err(f)),
                Err(Stopped::TooLarge { status, head }) => return Err(self.too_large(status, &head, request_id)),
                Err(Stopped::Tls(detail)) => return Err(self.tls_error(&detail, request_id)),
            };
            let retry_after = result.as_ref().ok().and_then(|a| a.retry_after);
            if let RetryDecision::RetryAfter(wait) =
                self.inner.retry.decide(attempt, outcome, retry_after, fastrand::f64())
            {
                tokio::time::sleep(wait).await;
                continue;
            }
            return match result {
                Ok(answer) => self.finish(&prepared, request_id, answer),
                Err(f) => Err(self.transport_error(f, attempt, request_id)),
            };
        }
    }

    fn tls_error(&self, detail: &str, request_id: &RequestId) -> Error {
        Error::new(
            ErrorCode::NetworkError,
            format!(
                "the TLS handshake with {} failed, so nothing was sent; retrying will not help: check the machine's CA certificates, the clock, and any proxy that intercepts TLS ({detail})",
                self.inner.base_url
            ),
        )
        .with_reason("tls_failure")
        .with_retryable(false)
        .with_request_id(request_id.as_str())
    }

    fn too_large(&self, status: u16, head: &[u8], request_id: &RequestId) -> Error {
        Error::invalid_response(format!(
            "the answer (HTTP {status}) is longer than {} bytes, so it was not read to the end; DOKU's answers are a few KiB: check the base URL and any proxy in between, then call again with request id {}",
            self.inner.max_response_bytes,
            request_id.as_str()
        ))
        .with_reason("response_too_large")
        .with_http(Some(status), Vec::new(), Some(String::from_utf8_lossy(head).into_owned()))
        .with_request_id(request_id.as_str())
    }

    fn finish(&self, prepared: &PreparedRequest, request_id: &RequestId, answer: Answer) -> Result<Reply, Error> {
        let signed_answer = (200..300).contains(&answer.status) || answer.status == 409;
        if let (Some(received), true) = (&answer.headers, signed_answer) {
            let headers =
                ReceivedHeaders::new(received.iter().filter_map(|(k, v)| Some((k.as_str(), v.to_str().ok()?))));
            verify_response(
                &self.inner.secret,
                self.inner.client_id.as_str(),
                request_id.as_str(),
                &prepared.path,
                &headers,
                &answer.body,
                prepared.body.is_some(),
            )
            .map_err(|e| {
                e.with_http(Some(answer.status), Vec::new(), Some(String::from_utf8_lossy(&answer.body).into_owned()))
                    .with_request_id(request_id.as_str())
            })?;
        }
        Ok(Reply { status: answer.status, body: answer.body })
    }

    fn transport_error(&self, f: Failure, attempts: u32, request_id: &RequestId) -> Error {
        let rid = request_id.as_str();
        let tries = if attempts == 1 { "1 attempt".to_owned() } else { format!("{attempts} attempts") };
        let (code, message) = match f.outcome {
            AttemptOutcome::TimedOut => (
                ErrorCode::Timeout,
                format!(
                    "no answer from DOKU within {:?} per attempt ({tries}); the outcome is unknown: call again with request id {rid}, which is safe because DOKU de-duplicates by request id ({})",
                    self.inner.timeout, f.detail
                ),
            ),
            AttemptOutcome::ConnectFailed => (
                ErrorCode::NetworkError,
                format!(
                    "could not connect to {} ({tries}); nothing was processed, retry later ({})",
                    self.inner.base_url, f.detail
                ),
            ),
            _ => (
                ErrorCode::NetworkError,
                format!(
                    "the connection to DOKU broke before an answer arrived ({tries}); DOKU may have processed the request: call again with request id {rid}, which is safe ({})",
                    f.detail
                ),
            ),
        };
        Error::new(code, message).with_request_id(rid)
    }
}
