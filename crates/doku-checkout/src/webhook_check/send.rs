//! Delivering the battery to a URL.

use std::time::Duration;

use super::Case;
use crate::client::install_crypto_provider;
use crate::config::TIMEOUT_RANGE;
use crate::error::Error;

/// What became of one delivery.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Delivery {
    /// The HTTP status answered; `None` when there was no answer.
    pub status: Option<u16>,
    /// Why there was no answer.
    pub error: Option<String>,
}

/// Checks the endpoint URL and returns its path (the Request-Target). https anywhere, plain
/// http only to a loopback address unless `allow_http` (signed notifications in clear text
/// over a network are readable by anyone on the way).
pub fn check_url(url: &str, allow_http: bool) -> Result<String, Error> {
    let parsed = reqwest::Url::parse(url).map_err(|e| Error::invalid_input("url", format!("not a URL: {e}")))?;
    match parsed.scheme() {
        "https" => {}
        "http" if is_loopback(&parsed) || allow_http => {}
        "http" => {
            return Err(Error::invalid_input(
                "url",
                "plain http to a non-loopback host sends signed notifications in clear text: use https, or pass --allow-http",
            ));
        }
        other => return Err(Error::invalid_input("url", format!("unsupported scheme {other:?}: use https"))),
    }
    Ok(parsed.path().to_owned())
}

fn is_loopback(url: &reqwest::Url) -> bool {
    let host = url.host_str().unwrap_or_default();
    host == "localhost"
        || host
            .trim_start_matches('[')
            .trim_end_matches(']')
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

/// Sends each case in order (POST, no redirects followed, a fresh connection each: an endpoint
/// that closes after every answer without saying so must not turn the next case into "no
/// answer"), each bounded by `timeout` (1 ms–10 min, as for the client).
pub async fn send(url: &str, cases: &[Case], timeout: Duration) -> Result<Vec<Delivery>, Error> {
    if !TIMEOUT_RANGE.contains(&timeout) {
        return Err(Error::invalid_input("timeout", "the timeout must be between 1 ms and 10 minutes"));
    }
    install_crypto_provider();
    let parsed = reqwest::Url::parse(url).map_err(|e| Error::invalid_input("url", format!("not a URL: {e}")))?;
    let mut builder = reqwest::Client::builder()
        .timeout(timeout)
        .redirect(reqwest::redirect::Policy::none())
        .pool_max_idle_per_host(0);
    if is_loopback(&parsed) {
        builder = builder.no_proxy(); // never send a loopback call through an environment proxy
    }
    let http = builder.build().map_err(|e| Error::config(format!("cannot build the HTTP client: {e}")))?;
    let mut out = Vec::with_capacity(cases.len());
    for case in cases {
        let mut request = http.post(url).body(case.body.clone());
        for (name, value) in &case.headers {
            request = request.header(name, value);
        }
        out.push(match request.send().await {
            Ok(response) => Delivery { status: Some(response.status().as_u16()), error: None },
            Err(e) => Delivery { status: None, error: Some(describe(&e, timeout)) },
        });
    }
    Ok(out)
}

/// Why a delivery got no answer, in words a person can act on, with the underlying reason
/// (reqwest's own text is "error sending request for url (...)" for all of them).
fn describe(e: &reqwest::Error, timeout: Duration) -> String {
    let mut chain = Vec::new();
    let mut source: Option<&dyn std::error::Error> = std::error::Error::source(e);
    while let Some(cause) = source {
        chain.push(cause.to_string());
        source = cause.source();
    }
    let detail = chain.join(": ");
    let lower = detail.to_ascii_lowercase();
    let what = if e.is_timeout() {
        format!(
            "timeout: no answer within {} ms (an endpoint must answer quickly; DOKU gives up too)",
            timeout.as_millis()
        )
    } else if lower.contains("connection refused") {
        "connection refused: nothing listens at that address and port".to_owned()
    } else if ["certificate", "tls", "handshake", "invalidcontenttype", "corrupt message"]
        .iter()
        .any(|w| lower.contains(w))
    {
        "TLS failed: the endpoint's certificate or TLS set-up is not one DOKU can connect to".to_owned()
    } else if ["invalid http", "parse", "invalid status", "header"].iter().any(|w| lower.contains(w)) {
        "not HTTP: the port answered something that is not an HTTP response".to_owned()
    } else if lower.contains("closed") || lower.contains("reset") {
        "the endpoint closed the connection without answering".to_owned()
    } else {
        "no HTTP answer".to_owned()
    };
    if detail.is_empty() { what } else { format!("{what} ({detail})") }
}
