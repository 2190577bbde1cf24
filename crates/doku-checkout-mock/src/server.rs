//! The accept loop and per-request flow: log, faults, authentication, processing, signing.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use doku_checkout::{ReceivedHeaders, RequestId, SigningInput, Timestamp};
use http_body_util::{BodyExt, Full, LengthLimitError, Limited};
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Request, Response};
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::net::TcpListener;

use crate::Inner;
use crate::api;
use crate::control;
use crate::state::{FaultKind, LogEntry};

/// The largest API request body read (DOKU's bodies are a few KiB); longer ones get 413.
pub(crate) const MAX_API_BODY: usize = 1024 * 1024;
/// The largest `/_mock/` control body (a setup may carry many orders).
pub(crate) const MAX_CONTROL_BODY: usize = 16 * 1024 * 1024;

/// Request bodies longer than this are logged cut short (the request itself is served whole).
pub(crate) const LOGGED_BODY_LIMIT: usize = 64 * 1024;

/// Closing the connection without an answer: hyper drops it when the service fails.
#[derive(Debug)]
pub(crate) struct Hangup;

impl std::fmt::Display for Hangup {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("connection closed by fault injection")
    }
}
impl std::error::Error for Hangup {}

pub(crate) type Reply = Result<Response<Full<Bytes>>, Hangup>;

pub(crate) async fn serve(listener: TcpListener, inner: Arc<Inner>, mut shutdown: tokio::sync::oneshot::Receiver<()>) {
    loop {
        tokio::select! {
            _ = &mut shutdown => return,
            accepted = listener.accept() => {
                let Ok((stream, peer)) = accepted else { continue };
                let _ = stream.set_nodelay(true);
                let inner = Arc::clone(&inner);
                tokio::spawn(async move {
                    let read_timeout = inner.read_timeout;
                    let service = service_fn(move |req| handle(Arc::clone(&inner), peer, req));
                    // The header timeout also closes a keep-alive connection left idle, so idle
                    // clients cannot use up the process's file descriptors.
                    let _ = http1::Builder::new()
                        .timer(TokioTimer::new())
                        .header_read_timeout(read_timeout)
                        .keep_alive(true)
                        .serve_connection(TokioIo::new(stream), service)
                        .await;
                });
            }
        }
    }
}

pub(crate) fn json_response(status: u16, body: Vec<u8>) -> Response<Full<Bytes>> {
    let mut response = Response::new(Full::new(Bytes::from(body)));
    *response.status_mut() = hyper::StatusCode::from_u16(status).unwrap_or(hyper::StatusCode::INTERNAL_SERVER_ERROR);
    response.headers_mut().insert("content-type", hyper::header::HeaderValue::from_static("application/json"));
    response
}

async fn handle(inner: Arc<Inner>, peer: SocketAddr, req: Request<Incoming>) -> Reply {
    let method = req.method().as_str().to_owned();
    let path = req.uri().path().to_owned();
    let headers: Vec<(String, String)> = req
        .headers()
        .iter()
        .map(|(k, v)| (k.as_str().to_owned(), String::from_utf8_lossy(v.as_bytes()).into_owned()))
        .collect();
    let limit = if path.starts_with("/_mock/") { MAX_CONTROL_BODY } else { MAX_API_BODY };
    let too_large =
        || json_response(413, format!(r#"{{"message":["REQUEST BODY LARGER THAN {limit} BYTES"]}}"#).into_bytes());
    let declared = req.headers().get(hyper::header::CONTENT_LENGTH).and_then(|v| v.to_str().ok()?.parse::<u64>().ok());
    if declared.is_some_and(|n| n > limit as u64) {
        return Ok(too_large());
    }
    let body = match tokio::time::timeout(inner.read_timeout, Limited::new(req.into_body(), limit).collect()).await {
        Ok(Ok(b)) => b.to_bytes(),
        Ok(Err(e)) if e.is::<LengthLimitError>() => return Ok(too_large()),
        Ok(Err(_)) | Err(_) => return Err(Hangup),
    };
    let page_or_control = path.starts_with(crate::checkout_page::PREFIX) || path.starts_with("/_mock/");
    if page_or_control && let Some(why) = crate::browser_guard::refusal(inner.addr, &method, &headers) {
        return Ok(json_response(403, format!(r#"{{"message":["{why}"]}}"#).into_bytes()));
    }
    if let Some(token) = path.strip_prefix(crate::checkout_page::PREFIX) {
        return Ok(match method.as_str() {
            "GET" => crate::checkout_page::show(&inner, token),
            "POST" if body.len() <= crate::checkout_page::MAX_FORM => {
                crate::checkout_page::submit(&inner, token, &body)
            }
            "POST" => json_response(413, br#"{"message":["FORM TOO LARGE"]}"#.to_vec()),
            _ => json_response(405, br#"{"message":["METHOD NOT ALLOWED"]}"#.to_vec()),
        });
    }
    if path.starts_with("/_mock/") {
        if !peer.ip().is_loopback() {
            return Ok(json_response(403, br#"{"message":["CONTROL API IS LOOPBACK ONLY"]}"#.to_vec()));
        }
        return Ok(control::handle(&inner, &method, &path, &body).await);
    }
    api_request(&inner, method, path, headers, body).await
}

async fn api_request(
    inner: &Inner,
    method: String,
    path: String,
    headers: Vec<(String, String)>,
    body: Bytes,
) -> Reply {
    let received = ReceivedHeaders::new(headers.iter().map(|(k, v)| (k.as_str(), v.as_str())));
    let request_id = received.get("Request-Id").map(str::to_owned);
    let logged_body = logged_body(&body);
    let (seq, fault) = {
        let mut traffic = inner.traffic();
        let fault = traffic.next_fault();
        let fault_name = fault.as_ref().map(crate::limits::fault_name);
        let seq = traffic.log.push(|seq| LogEntry {
            seq,
            method: method.clone(),
            path: crate::limits::cut(&path, crate::limits::LOGGED_HEADER_VALUE_LIMIT),
            request_id: request_id.as_deref().map(|r| crate::limits::cut(r, crate::limits::LOGGED_HEADER_VALUE_LIMIT)),
            headers: crate::limits::logged_headers(&headers),
            body: logged_body,
            signature_valid: false,
            state_changed: false,
            status: None,
            fault: fault_name,
        });
        (seq, fault)
    };
    // One log update per request where it ends (two when an answer is delayed after the change).
    let finish = |signature_valid: bool, state_changed: bool, status: Option<u16>| {
        inner.traffic().log.update(seq, |e| {
            e.signature_valid = signature_valid;
            e.state_changed = state_changed;
            e.status = status;
        });
    };

    match &fault {
        Some(FaultKind::ResetBefore) => return Err(Hangup),
        Some(FaultKind::Delay { ms }) => tokio::time::sleep(Duration::from_millis(*ms)).await,
        Some(FaultKind::Status { status, retry_after, body }) => {
            finish(false, false, Some(*status));
            let answer = body.clone().unwrap_or_else(|| format!(r#"{{"message":["INJECTED HTTP {status}"]}}"#));
            let mut r = json_response(*status, answer.into_bytes());
            if let Some(secs) = retry_after {
                r.headers_mut().insert("retry-after", hyper::header::HeaderValue::from(*secs));
            }
            return Ok(r);
        }
        _ => {}
    }

    let (signature_valid, status, state_changed, mut out) =
        match api::authenticate(inner, &method, &path, &received, &body) {
            Err(refusal) => (false, refusal.status(), false, refusal.render()),
            Ok(()) => {
                let call = api::parse(inner, &method, &path, request_id.as_deref().unwrap_or_default(), &body);
                let now = inner.clock.unix();
                let decision = api::decide(&mut inner.state(), call, now);
                (true, decision.status(), decision.state_changed(), decision.outcome.render())
            }
        };

    match fault {
        Some(FaultKind::ResetAfter) => {
            finish(signature_valid, state_changed, None);
            return Err(Hangup);
        }
        Some(FaultKind::DelayAfter { ms }) => {
            // The order has changed already: a test looking while the answer is late sees it.
            finish(signature_valid, state_changed, None);
            tokio::time::sleep(Duration::from_millis(ms)).await;
        }
        _ => {}
    }
    if matches!(fault, Some(FaultKind::MalformedJson)) {
        out = b"{\"message\":[\"SUCC".to_vec();
    }
    finish(signature_valid, state_changed, Some(status));
    let mut signed = response_headers(inner, &method, &path, request_id.as_deref(), &out);
    if matches!(fault, Some(FaultKind::BadResponseSignature)) {
        for (name, value) in &mut signed {
            if *name == "signature" {
                *value = "HMACSHA256=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=".to_owned();
            }
        }
    }
    let mut response = json_response(status, out);
    for (name, value) in signed {
        if let Ok(v) = hyper::header::HeaderValue::from_str(&value) {
            response.headers_mut().insert(name, v);
        }
    }
    Ok(response)
}

/// The body as the log keeps it: lossy UTF-8, cut at [`LOGGED_BODY_LIMIT`] bytes.
fn logged_body(body: &[u8]) -> String {
    let kept = &body[..body.len().min(LOGGED_BODY_LIMIT)];
    let mut text = String::from_utf8_lossy(kept).into_owned();
    if kept.len() < body.len() {
        text.push_str(&format!("…[{} bytes not logged]", body.len() - kept.len()));
    }
    text
}

/// DOKU's response headers: `Client-Id`, `Request-Id`, `Response-Timestamp`, `Signature`
/// (the Digest line covers the response body when the request was a POST).
fn response_headers(
    inner: &Inner,
    method: &str,
    path: &str,
    request_id: Option<&str>,
    body: &[u8],
) -> Vec<(&'static str, String)> {
    let Some(request_id) = request_id.and_then(|r| RequestId::new(r).ok()) else {
        return Vec::new();
    };
    let timestamp = Timestamp::now().to_string();
    let with_body = (method == "POST").then_some(body);
    let Ok(input) = SigningInput::new(&inner.client_id, request_id.as_str(), &timestamp, path, with_body) else {
        return Vec::new();
    };
    let signature = input.for_response().sign(&inner.secret);
    vec![
        ("client-id", inner.client_id.clone()),
        ("request-id", request_id.as_str().to_owned()),
        ("response-timestamp", timestamp),
        ("signature", signature),
    ]
}
