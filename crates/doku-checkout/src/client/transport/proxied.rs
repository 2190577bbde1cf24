//! Through a proxy, over reqwest: a proxy set in the settings (any base URL), or one the
//! environment names for an `https` base URL (`HTTPS_PROXY`, `ALL_PROXY`, `NO_PROXY`, as reqwest
//! reads them). Signed requests to a plain-http (loopback) base URL never go through a proxy
//! named in the environment: that would hand them to a third party in clear text.

use hyper_util::client::proxy::matcher::Matcher;

use super::Attempt;
use super::answer::{Answer, Failure, Reading, Stopped, describe, is_tls_failure};
use crate::config::ClientConfig;
use crate::error::Error;
use crate::exchange::TransportFailure;
use crate::operations::Method;

pub(in crate::client) struct Proxied {
    http: reqwest::Client,
    /// The base URL parsed once: each attempt only sets its path on a copy.
    base_url: reqwest::Url,
}

/// Whether calls under `config` go through a proxy.
pub(super) fn applies(config: &ClientConfig) -> bool {
    if config.proxy().is_some() {
        return true;
    }
    let base = config.base_url();
    base.starts_with("https://")
        && base.parse::<http::Uri>().is_ok_and(|uri| Matcher::from_system().intercept(&uri).is_some())
}

impl Proxied {
    pub(super) fn new(config: &ClientConfig) -> Result<Self, Error> {
        let base_url = config.base_url();
        let mut http = reqwest::Client::builder()
            .connect_timeout(config.connect_timeout)
            .user_agent(config.user_agent())
            .redirect(reqwest::redirect::Policy::none())
            .https_only(base_url.starts_with("https://"));
        if let Some(proxy) = config.proxy() {
            let proxy =
                reqwest::Proxy::all(proxy).map_err(|_| Error::config_field("proxy", "the proxy is not a valid URL"))?;
            http = http.proxy(proxy);
        } else if !base_url.starts_with("https://") {
            http = http.no_proxy();
        }
        let http = http.build().map_err(|e| Error::config(format!("cannot build the HTTP client: {e}")))?;
        // Already checked by the core's own parser; the url crate must agree.
        let base_url = reqwest::Url::parse(base_url)
            .map_err(|_| Error::config_field("base_url", "base_url is not a URL the HTTP client accepts"))?;
        Ok(Self { http, base_url })
    }

    /// The URL the exchange signed, without parsing it: the parsed base URL with the signed path
    /// set (already percent-encoded, so the url crate keeps it byte for byte).
    pub(super) fn url(&self, path: &str) -> reqwest::Url {
        let mut url = self.base_url.clone();
        url.set_path(path);
        url
    }

    pub(super) async fn send(&self, config: &ClientConfig, attempt: Attempt<'_>) -> Result<Answer, Stopped> {
        let method = match attempt.method {
            Method::Get => reqwest::Method::GET,
            Method::Post => reqwest::Method::POST,
        };
        let mut builder = self.http.request(method, self.url(attempt.path)).timeout(config.timeout());
        for (name, value) in attempt.signed.pairs() {
            builder = builder.header(name, value);
        }
        if let Some(body) = attempt.body {
            builder = builder.header("Content-Type", "application/json").body(body.clone());
        }
        let mut response = builder.send().await.map_err(|e| stopped(&e))?;
        let mut reading = Reading::start(
            response.status().as_u16(),
            response.headers(),
            response.content_length(),
            config.max_response_bytes(),
            config.verify_response_signatures(),
        )?;
        while let Some(chunk) = response.chunk().await.map_err(|e| Stopped::Transport(failure(&e)))? {
            reading.push(&chunk)?;
        }
        Ok(reading.finish())
    }
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
    let own = match e.url() {
        Some(url) => e.to_string().replace(&format!(" for url ({url})"), ""),
        None => e.to_string(),
    };
    Failure { kind, detail: describe(e, own) }
}
