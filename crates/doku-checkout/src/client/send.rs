//! The reqwest transport of one logical call; what to send, when to retry and what the
//! answer means are decided by the sans-IO [`Exchange`].

use bytes::Bytes;

use super::Client;
use crate::error::Error;
use crate::exchange::{Exchange, Next, Reply, TransportFailure};
use crate::headers::ReceivedHeaders;
use crate::operations::{Method, PreparedRequest, SignedHeaders};
use crate::request_id::RequestId;

/// A transport failure of one attempt.
struct Failure {
    kind: TransportFailure,
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
    TooLarge { status: u16, head: Vec<u8> },
}

struct Answer {
    status: u16,
    /// The response headers, kept only when response signatures are verified.
    headers: Option<ReceivedHeaders>,
    retry_after: Option<String>,
    body: Vec<u8>,
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
    let kind = if e.is_timeout() {
        TransportFailure::TimedOut
    } else if e.is_connect() {
        TransportFailure::ConnectFailed
    } else {
        TransportFailure::ConnectionLost
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
    Failure { kind, detail }
}

impl Client {
    /// [`Exchange::url`] without parsing it: the client's parsed base URL with the signed path
    /// set (already percent-encoded, so the url crate keeps it byte for byte).
    fn attempt_url(&self, exchange: &Exchange) -> reqwest::Url {
        let mut url = self.inner.base_url.clone();
        url.set_path(exchange.path());
        url
    }

    async fn attempt(
        &self,
        exchange: &Exchange,
        body: Option<&Bytes>,
        signed: &SignedHeaders,
    ) -> Result<Answer, Stopped> {
        let config = &self.inner.config;
        let method = match exchange.method() {
            Method::Get => reqwest::Method::GET,
            Method::Post => reqwest::Method::POST,
        };
        let mut builder = self.inner.http.request(method, self.attempt_url(exchange)).timeout(config.timeout());
        for (name, value) in signed.pairs() {
            builder = builder.header(name, value);
        }
        if let Some(body) = body {
            builder = builder.header("Content-Type", "application/json").body(body.clone());
        }
        let mut response = builder.send().await.map_err(|e| stopped(&e))?;
        let status = response.status().as_u16();
        let retry_after = response.headers().get("retry-after").and_then(|v| v.to_str().ok()).map(str::to_owned);
        let headers = config.verify_response_signatures().then(|| {
            ReceivedHeaders::new(response.headers().iter().filter_map(|(k, v)| Some((k.as_str(), v.to_str().ok()?))))
        });
        let cap = config.max_response_bytes();
        let declared = response.content_length().unwrap_or(0);
        if declared > cap as u64 {
            return Err(Stopped::TooLarge { status, head: Vec::new() });
        }
        // Read chunk by chunk: never more than the cap plus one chunk in memory.
        let mut body = Vec::with_capacity(usize::try_from(declared).unwrap_or(0));
        while let Some(chunk) = response.chunk().await.map_err(|e| Stopped::Transport(failure(&e)))? {
            if body.len() + chunk.len() > cap {
                let room = cap - body.len();
                body.extend_from_slice(&chunk[..room]);
                return Err(Stopped::TooLarge { status, head: body });
            }
            body.extend_from_slice(&chunk);
        }
        Ok(Answer { status, headers, retry_after, body })
    }

    /// Sends `prepared`, retrying per the policy with the same `request_id` on every attempt,
    /// all within the client's deadline.
    pub(super) async fn send(&self, prepared: PreparedRequest, request_id: RequestId) -> Result<Reply, Error> {
        let mut exchange = Exchange::new(self.inner.config.clone(), prepared, request_id);
        let deadline = self.inner.config.deadline();
        match tokio::time::timeout(deadline, self.drive(&mut exchange)).await {
            Ok(result) => result,
            Err(_) => Err(exchange.deadline_error()),
        }
    }

    async fn drive(&self, exchange: &mut Exchange) -> Result<Reply, Error> {
        let body = exchange.body().map(Bytes::copy_from_slice);
        loop {
            let signed = exchange.start_attempt(self.inner.config.clock().now())?;
            let next = match self.attempt(exchange, body.as_ref(), &signed).await {
                Ok(a) => {
                    exchange.on_answer(a.status, a.retry_after.as_deref(), a.headers.as_ref(), a.body, fastrand::f64())
                }
                Err(Stopped::Transport(f)) => exchange.on_failure(f.kind, &f.detail, fastrand::f64()),
                Err(Stopped::TooLarge { status, head }) => return Err(exchange.too_large(status, &head)),
                Err(Stopped::Tls(detail)) => return Err(exchange.tls_error(&detail)),
            };
            match next {
                Next::Wait(wait) => tokio::time::sleep(wait).await,
                Next::Done(result) => return result,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::operations::{CancelOrderRequest, OrderStatusRequest};

    #[test]
    fn each_attempt_goes_to_the_url_the_exchange_signed() {
        let bases = [
            "https://api-sandbox.doku.com",
            "https://API.Doku.com:8443",
            "http://127.0.0.1:8080",
            "http://[::1]:9",
            "http://localhost",
        ];
        let requests = [
            OrderStatusRequest::new("INV 7/8?#\u{e9}%41").expect("valid").prepare(),
            OrderStatusRequest::new("INV-123123-12313").expect("valid").prepare(),
            CancelOrderRequest::new("INV-1", "orig-1", "note").expect("valid").prepare(),
        ];
        for base in bases {
            let client = Client::builder("MCH-1", "SK-TEST-ONLY-0123456789").base_url(base).build().expect(base);
            for prepared in &requests {
                let exchange = Exchange::new(client.inner.config.clone(), prepared.clone(), RequestId::generate());
                assert_eq!(client.attempt_url(&exchange).as_str(), exchange.url(), "{base}");
            }
        }
    }
}
