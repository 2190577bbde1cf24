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

/// Sends each case in order (POST, no redirects followed), each bounded by `timeout`
/// (1 ms–10 min, as for the client).
pub async fn send(url: &str, cases: &[Case], timeout: Duration) -> Result<Vec<Delivery>, Error> {
    if !TIMEOUT_RANGE.contains(&timeout) {
        return Err(Error::invalid_input("timeout", "the timeout must be between 1 ms and 10 minutes"));
    }
    install_crypto_provider();
    let parsed = reqwest::Url::parse(url).map_err(|e| Error::invalid_input("url", format!("not a URL: {e}")))?;
    let mut builder = reqwest::Client::builder().timeout(timeout).redirect(reqwest::redirect::Policy::none());
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
            Err(e) => Delivery { status: None, error: Some(e.to_string()) },
        });
    }
    Ok(out)
}
