//! What an attempt ends with, whichever transport made it: the answer, or why there is none.

use crate::exchange::TransportFailure;
use crate::headers::ReceivedHeaders;

/// A transport failure of one attempt.
pub(in crate::client) struct Failure {
    pub(in crate::client) kind: TransportFailure,
    pub(in crate::client) detail: String,
}

/// Why an attempt ended without a usable answer.
pub(in crate::client) enum Stopped {
    /// The transport failed; the retry policy decides.
    Transport(Failure),
    /// The TLS handshake failed (an untrusted certificate, a proxy intercepting, not TLS at
    /// all): retrying cannot help, so the call ends at once.
    Tls(String),
    /// The answer was longer than the cap: final, never retried.
    TooLarge { status: u16, head: Vec<u8> },
}

/// DOKU's answer to one attempt.
pub(in crate::client) struct Answer {
    pub(in crate::client) status: u16,
    /// The response headers, kept only when response signatures are verified.
    pub(in crate::client) headers: Option<ReceivedHeaders>,
    pub(in crate::client) retry_after: Option<String>,
    pub(in crate::client) body: Vec<u8>,
}

/// The head of an answer whose body is being read, never past the cap.
pub(super) struct Reading {
    status: u16,
    headers: Option<ReceivedHeaders>,
    retry_after: Option<String>,
    cap: usize,
    body: Vec<u8>,
}

impl Reading {
    /// Starts reading an answer; refuses it at once when its declared length is over `cap`.
    pub(super) fn start(
        status: u16,
        head: &http::HeaderMap,
        declared: Option<u64>,
        cap: usize,
        keep_headers: bool,
    ) -> Result<Self, Stopped> {
        let declared = declared.unwrap_or(0);
        if declared > cap as u64 {
            return Err(Stopped::TooLarge { status, head: Vec::new() });
        }
        let retry_after = head.get("retry-after").and_then(|v| v.to_str().ok()).map(str::to_owned);
        let headers = keep_headers
            .then(|| ReceivedHeaders::new(head.iter().filter_map(|(k, v)| Some((k.as_str(), v.to_str().ok()?)))));
        let body = Vec::with_capacity(usize::try_from(declared).unwrap_or(0));
        Ok(Self { status, headers, retry_after, cap, body })
    }

    /// Adds a chunk of the body: never more than the cap in memory (the part over it is dropped
    /// and the answer refused).
    pub(super) fn push(&mut self, chunk: &[u8]) -> Result<(), Stopped> {
        if self.body.len() + chunk.len() > self.cap {
            let room = self.cap - self.body.len();
            self.body.extend_from_slice(&chunk[..room]);
            return Err(Stopped::TooLarge { status: self.status, head: std::mem::take(&mut self.body) });
        }
        self.body.extend_from_slice(chunk);
        Ok(())
    }

    pub(super) fn finish(self) -> Answer {
        Answer { status: self.status, headers: self.headers, retry_after: self.retry_after, body: self.body }
    }
}

/// Whether a TLS error (from rustls) caused `e`, however deeply it is wrapped: the
/// connectors nest it in `io::Error`s, whose `source()` skips the error they wrap.
pub(super) fn is_tls_failure(e: &(dyn std::error::Error + 'static)) -> bool {
    if e.is::<rustls::Error>() {
        return true;
    }
    let wrapped = e.downcast_ref::<std::io::Error>().and_then(std::io::Error::get_ref);
    if wrapped.is_some_and(|inner| is_tls_failure(inner)) {
        return true;
    }
    e.source().is_some_and(is_tls_failure)
}

/// `e`'s text followed by each of its sources', `: `-separated.
pub(super) fn describe(e: &(dyn std::error::Error + 'static), own: String) -> String {
    let mut detail = own;
    let mut source = e.source();
    while let Some(s) = source {
        detail.push_str(": ");
        detail.push_str(&s.to_string());
        source = s.source();
    }
    detail
}
