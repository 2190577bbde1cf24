//! The accept loop and per-request flow: log, faults, authentication, processing, signing.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use doku_checkout::{ReceivedHeaders, RequestId, SigningInput, Timestamp};
use http_body_util::{BodyExt, Full};
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Request, Response};
use hyper_util::rt::TokioIo;
use tokio::net::TcpListener;

use crate::Inner;
use crate::api::{self, ApiAnswer};
use crate::control;
use crate::state::{FaultKind, LogEntry};

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
                    let service = service_fn(move |req| handle(Arc::clone(&inner), peer, req));
                    let _ = http1::Builder::new().keep_alive(true).serve_connection(TokioIo::new(stream), service).await;
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
    let body = match req.into_body().collect().await {
        Ok(b) => b.to_bytes(),
        Err(_) => return Err(Hangup),
    };
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
    let (seq, fault) = {
        let mut state = inner.state();
        let seq = state.log.len() as u64 + 1;
        let fault = state.next_fault();
        state.log.push(LogEntry {
            seq,
            method: method.clone(),
            path: path.clone(),
            request_id: request_id.clone(),
            headers: headers.clone(),
            body: String::from_utf8_lossy(&body).into_owned(),
            signature_valid: false,
            state_changed: false,
            status: None,
            fault: fault.as_ref().map(|f| format!("{f:?}")),
        });
        (seq, fault)
    };
    let update = |f: &dyn Fn(&mut LogEntry)| {
        if let Some(entry) = inner.state().log.iter_mut().find(|e| e.seq == seq) {
            f(entry);
        }
    };

    match &fault {
        Some(FaultKind::ResetBefore) => return Err(Hangup),
        Some(FaultKind::Delay { ms }) => tokio::time::sleep(Duration::from_millis(*ms)).await,
        Some(FaultKind::Status { status, retry_after }) => {
            update(&|e| e.status = Some(*status));
            let mut r = json_response(*status, format!(r#"{{"message":["INJECTED HTTP {status}"]}}"#).into_bytes());
            if let Some(secs) = retry_after {
                r.headers_mut().insert("retry-after", hyper::header::HeaderValue::from(*secs));
            }
            return Ok(r);
        }
        _ => {}
    }

    let answer = match api::authenticate(inner, &method, &path, &received, &body) {
        Err(refusal) => refusal,
        Ok(()) => {
            update(&|e| e.signature_valid = true);
            let rid = request_id.clone().unwrap_or_default();
            let mut state = inner.state();
            api::handle(inner, &mut state, &method, &path, &rid, &body)
        }
    };
    let changed = answer.state_changed;
    update(&|e| e.state_changed = changed);

    match fault {
        Some(FaultKind::ResetAfter) => return Err(Hangup),
        Some(FaultKind::DelayAfter { ms }) => tokio::time::sleep(Duration::from_millis(ms)).await,
        _ => {}
    }
    let ApiAnswer { status, body: mut out, .. } = answer;
    if matches!(fault, Some(FaultKind::MalformedJson)) {
        out = b"{\"message\":[\"SUCC".to_vec();
    }
    update(&|e| e.status = Some(status));
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
