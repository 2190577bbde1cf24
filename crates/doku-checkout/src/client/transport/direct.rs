//! Straight to the base URL over hyper's HTTP/1.1 connection pool (rustls for `https`, with the
//! platform's certificate verifier, as reqwest sets it up). The request is built from parts
//! parsed once per client: no URL parsing, redirect layer or response URL per call.

use std::sync::Arc;

use bytes::Bytes;
use http::header::{ACCEPT, CONTENT_TYPE, HeaderName, HeaderValue, USER_AGENT};
use http::uri::{Authority, PathAndQuery, Scheme};
use http_body_util::{BodyExt, Full};
use hyper::body::Body;
use hyper_rustls::HttpsConnector;
use hyper_util::client::legacy::Client as Pool;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::{TokioExecutor, TokioTimer};

use super::Attempt;
use super::answer::{Answer, Failure, Reading, Stopped, describe, is_tls_failure};
use crate::config::ClientConfig;
use crate::error::Error;
use crate::exchange::TransportFailure;
use crate::operations::Method;

/// [`SignedHeaders::pairs`](crate::operations::SignedHeaders::pairs)' names, in its order
/// (HTTP/1 sends names in lower case whichever way they are spelled).
const SIGNED: [HeaderName; 4] = [
    HeaderName::from_static("client-id"),
    HeaderName::from_static("request-id"),
    HeaderName::from_static("request-timestamp"),
    HeaderName::from_static("signature"),
];

pub(in crate::client) struct Direct {
    pool: Pool<HttpsConnector<HttpConnector>, Full<Bytes>>,
    scheme: Scheme,
    authority: Authority,
    user_agent: HeaderValue,
}

/// rustls with the process's crypto provider and the platform's verifier, offering HTTP/1.1 by
/// ALPN as reqwest did (hyper-rustls's builder offers no ALPN at all for HTTP/1 only).
fn tls_config() -> Result<rustls::ClientConfig, Error> {
    let failed = |e: rustls::Error| Error::config(format!("cannot set up TLS: {e}"));
    let provider = rustls::crypto::CryptoProvider::get_default()
        .cloned()
        .unwrap_or_else(|| Arc::new(rustls::crypto::ring::default_provider()));
    let verifier = rustls_platform_verifier::Verifier::new(Arc::clone(&provider)).map_err(failed)?;
    let mut tls = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(failed)?
        .dangerous()
        .with_custom_certificate_verifier(Arc::new(verifier))
        .with_no_client_auth();
    tls.alpn_protocols = vec![b"http/1.1".to_vec()];
    Ok(tls)
}

impl Direct {
    pub(super) fn new(config: &ClientConfig) -> Result<Self, Error> {
        // The base URL is canonical (`scheme://host[:port]`, checked by the settings).
        let base: http::Uri = config
            .base_url()
            .parse()
            .map_err(|_| Error::config_field("base_url", "base_url is not a URL the HTTP client accepts"))?;
        let (Some(scheme), Some(authority)) = (base.scheme().cloned(), base.authority().cloned()) else {
            return Err(Error::config_field("base_url", "base_url is not a URL the HTTP client accepts"));
        };
        let mut tcp = HttpConnector::new();
        tcp.set_connect_timeout(Some(config.connect_timeout));
        tcp.set_nodelay(true);
        tcp.enforce_http(false);
        let mut connector = HttpsConnector::from((tcp, tls_config()?));
        // An `https` base URL never falls back to clear text.
        if scheme == Scheme::HTTPS {
            connector.enforce_https();
        }
        let pool =
            Pool::builder(TokioExecutor::new()).pool_timer(TokioTimer::new()).timer(TokioTimer::new()).build(connector);
        let user_agent = HeaderValue::from_str(&config.user_agent())
            .map_err(|_| Error::config("the User-Agent is not a valid header value"))?;
        Ok(Self { pool, scheme, authority, user_agent })
    }

    pub(super) async fn send(&self, config: &ClientConfig, attempt: Attempt<'_>) -> Result<Answer, Stopped> {
        match tokio::time::timeout(config.timeout(), self.exchange(config, attempt)).await {
            Ok(answer) => answer,
            Err(_) => Err(Stopped::Transport(Failure { kind: TransportFailure::TimedOut, detail: "timed out".into() })),
        }
    }

    pub(super) fn request(&self, attempt: &Attempt<'_>) -> Result<http::Request<Full<Bytes>>, Stopped> {
        let path = PathAndQuery::try_from(attempt.path).map_err(|e| unsendable(format!("invalid path: {e}")))?;
        let uri = http::Uri::builder()
            .scheme(self.scheme.clone())
            .authority(self.authority.clone())
            .path_and_query(path)
            .build()
            .map_err(|e| unsendable(format!("invalid URL: {e}")))?;
        let method = match attempt.method {
            Method::Get => http::Method::GET,
            Method::Post => http::Method::POST,
        };
        let body = attempt.body.cloned().map(Full::new).unwrap_or_default();
        let mut request = http::Request::new(body);
        *request.method_mut() = method;
        *request.uri_mut() = uri;
        let headers = request.headers_mut();
        headers.insert(USER_AGENT, self.user_agent.clone());
        headers.insert(ACCEPT, HeaderValue::from_static("*/*"));
        for (name, (spelled, value)) in SIGNED.iter().zip(attempt.signed.pairs()) {
            debug_assert!(name.as_str().eq_ignore_ascii_case(spelled));
            let value = HeaderValue::from_str(value)
                .map_err(|_| unsendable(format!("the {spelled} header is not a valid header value")))?;
            headers.insert(name.clone(), value);
        }
        if attempt.body.is_some() {
            headers.insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
        }
        Ok(request)
    }

    async fn exchange(&self, config: &ClientConfig, attempt: Attempt<'_>) -> Result<Answer, Stopped> {
        let request = self.request(&attempt)?;
        let response = self.pool.request(request).await.map_err(|e| stopped(&e))?;
        let (head, mut body) = response.into_parts();
        let mut reading = Reading::start(
            head.status.as_u16(),
            &head.headers,
            body.size_hint().exact(),
            config.max_response_bytes(),
            config.verify_response_signatures(),
        )?;
        while let Some(frame) = body.frame().await {
            let frame = frame.map_err(|e| Stopped::Transport(lost(&e)))?;
            if let Some(chunk) = frame.data_ref() {
                reading.push(chunk)?;
            }
        }
        Ok(reading.finish())
    }
}

/// A request that cannot be written (the core checks every part first, so this is defensive):
/// nothing was sent.
fn unsendable(detail: String) -> Stopped {
    Stopped::Transport(Failure { kind: TransportFailure::ConnectFailed, detail })
}

/// The transport failure of a request that got no answer.
fn stopped(e: &hyper_util::client::legacy::Error) -> Stopped {
    let detail = describe(e, e.to_string());
    if is_tls_failure(e) {
        return Stopped::Tls(detail);
    }
    // Not connected: nothing was sent. Otherwise the request may have reached DOKU.
    let kind = if e.is_connect() { TransportFailure::ConnectFailed } else { TransportFailure::ConnectionLost };
    Stopped::Transport(Failure { kind, detail })
}

/// The connection broke while the answer's body was being read.
fn lost(e: &hyper::Error) -> Failure {
    Failure { kind: TransportFailure::ConnectionLost, detail: describe(e, format!("error reading the answer: {e}")) }
}
