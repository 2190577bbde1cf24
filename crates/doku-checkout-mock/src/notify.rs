//! Sending a signed HTTP Notification, the way DOKU does after a payment.
//!
//! Only to loopback, and only there: no redirect is followed (a 3xx is the endpoint's answer,
//! and following it would re-send the signed notification elsewhere, past the loopback check),
//! no proxy is used (not even one named by `HTTP_PROXY`), and a delivery that has not been
//! answered within [`NOTIFY_TIMEOUT`] ends as a `timeout` instead of waiting forever. Header
//! names go out exactly as DOKU's sample writes them (`Client-Id`, `Request-Id`,
//! `Request-Timestamp`, `Signature`): DOKU's Magento plugin looks them up by exact name.

use std::time::Duration;

use doku_checkout::{Error, ErrorCode, RequestId, SigningInput, Timestamp};

use crate::Inner;
use crate::deliveries::Delivery;
use crate::state::Order;

/// The longest a delivery may take, from connecting to the last byte of the answer.
pub const NOTIFY_TIMEOUT: Duration = Duration::from_secs(10);
/// The longest the connection itself may take (loopback: anything slower is not listening).
const CONNECT_TIMEOUT: Duration = Duration::from_secs(3);

/// What one POST of a notification got.
pub(crate) struct Sent {
    pub status: Option<u16>,
    /// No answer within [`NOTIFY_TIMEOUT`].
    pub timed_out: bool,
    pub error: Option<String>,
    pub headers: Vec<(String, String)>,
}

/// The longest notification URL accepted.
const MAX_URL_LEN: usize = 2_048;

/// Whether `url` is a notification URL the emulator may send to: `http(s)` on a loopback host
/// (`127.0.0.1`, `[::1]`, `localhost`), or a path (`/_mock/sink/200`) on the emulator itself.
pub(crate) fn check_url_form(url: &str) -> Result<(), Error> {
    absolute_loopback("http://127.0.0.1", url).map(|_| ())
}

fn absolute_loopback(own: &str, url: &str) -> Result<(reqwest::Url, String), Error> {
    if url.len() > MAX_URL_LEN {
        return Err(Error::invalid_input("url", format!("a notification URL is at most {MAX_URL_LEN} bytes")));
    }
    let absolute = if url.starts_with('/') { format!("{own}{url}") } else { url.to_owned() };
    let parsed = reqwest::Url::parse(&absolute).map_err(|e| Error::invalid_input("url", format!("not a URL: {e}")))?;
    if !matches!(parsed.scheme(), "http" | "https") {
        return Err(Error::invalid_input("url", "a notification URL is http or https"));
    }
    let host_ok = parsed.host_str().is_some_and(|h| {
        h == "localhost"
            || h.trim_start_matches('[')
                .trim_end_matches(']')
                .parse::<std::net::IpAddr>()
                .is_ok_and(|ip| ip.is_loopback())
    });
    if !host_ok {
        return Err(Error::invalid_input("url", "the emulator only sends notifications to loopback addresses"));
    }
    if !parsed.username().is_empty() || parsed.password().is_some() {
        // It would be shown in the dashboard and sent as Basic auth: refused, never echoed.
        return Err(Error::invalid_input("url", "a notification URL carries no user name or password"));
    }
    let path = parsed.path().to_owned();
    Ok((parsed, path))
}

/// The absolute URL and the path (the Request-Target) of a notification URL.
pub(crate) fn loopback_url(inner: &Inner, url: &str) -> Result<(String, String), Error> {
    let (parsed, path) = absolute_loopback(&inner.public_url(), url)?;
    Ok((parsed.into(), path))
}

/// The body DOKU would send for `order` now (its state, channel and dates).
pub(crate) fn body_of(order: &Order, now: Timestamp) -> String {
    crate::bodies::notification(order, now)
}

/// POSTs a signed notification (`at` is its Request-Timestamp, on the emulator's clock).
pub(crate) async fn post(inner: &Inner, url: &str, path: &str, request_id: &str, body: &str, at: Timestamp) -> Sent {
    let timestamp = at.to_string();
    let signature = match SigningInput::new(&inner.client_id, request_id, &timestamp, path, Some(body.as_bytes())) {
        Ok(input) => input.sign(&inner.secret),
        Err(e) => return Sent { status: None, timed_out: false, error: Some(e.to_string()), headers: Vec::new() },
    };
    let headers = vec![
        ("Client-Id".to_owned(), inner.client_id.clone()),
        ("Request-Id".to_owned(), request_id.to_owned()),
        ("Request-Timestamp".to_owned(), timestamp),
        ("Signature".to_owned(), signature),
        ("Content-Type".to_owned(), "application/json".to_owned()),
    ];
    let client = match notification_client() {
        Ok(c) => c,
        Err(e) => return Sent { status: None, timed_out: false, error: Some(e.to_string()), headers },
    };
    let mut request = client.post(url).body(body.to_owned());
    for (name, value) in &headers {
        request = request.header(name.as_str(), value.as_str());
    }
    match request.send().await {
        Ok(response) => {
            let status = response.status().as_u16();
            // Read (bounded by the timeout) so the connection ends cleanly; the body is not kept.
            let _ = response.bytes().await;
            Sent { status: Some(status), timed_out: false, error: None, headers }
        }
        Err(e) if e.is_timeout() => Sent {
            status: None,
            timed_out: true,
            error: Some(format!("timeout: no answer within {} s", NOTIFY_TIMEOUT.as_secs())),
            headers,
        },
        Err(e) if e.is_connect() => Sent {
            status: None,
            timed_out: false,
            error: Some(format!("not delivered: cannot connect (refused or unreachable): {e}")),
            headers,
        },
        Err(e) => Sent { status: None, timed_out: false, error: Some(format!("not delivered: {e}")), headers },
    }
}

/// One client for every notification (its connection pool shared), built on first use.
fn notification_client() -> Result<reqwest::Client, Error> {
    static CLIENT: std::sync::OnceLock<reqwest::Client> = std::sync::OnceLock::new();
    if let Some(client) = CLIENT.get() {
        return Ok(client.clone());
    }
    let client = build_client()?;
    Ok(CLIENT.get_or_init(|| client).clone())
}

fn build_client() -> Result<reqwest::Client, Error> {
    let _ = rustls::crypto::ring::default_provider().install_default();
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .no_proxy()
        .http1_title_case_headers()
        .connect_timeout(CONNECT_TIMEOUT)
        .timeout(NOTIFY_TIMEOUT)
        .build()
        .map_err(|e| Error::config(format!("cannot set up the notification client: {e}")))
}

/// Sends one notification for `invoice_number` to `url` now (the `/_mock/notify` control and
/// the test helpers): not queued, not retried. Answers the endpoint's HTTP status.
pub(crate) async fn send(inner: &Inner, invoice_number: &str, url: &str) -> Result<u16, Error> {
    let now = inner.clock.now();
    let order = inner
        .state()
        .order_mut(invoice_number, now.unix())
        .map(|o| o.clone())
        .ok_or_else(|| Error::invalid_input("invoice_number", "no such order"))?;
    let (url, path) = loopback_url(inner, url)?;
    let sent = post(inner, &url, &path, RequestId::generate().as_str(), &body_of(&order, now), now).await;
    match (sent.status, sent.error) {
        (Some(status), _) => Ok(status),
        (None, _) if sent.timed_out => Err(Error::new(
            ErrorCode::Timeout,
            format!("the notification endpoint did not answer within {} s", NOTIFY_TIMEOUT.as_secs()),
        )),
        (None, e) => Err(Error::new(ErrorCode::NetworkError, format!("notification {}", e.unwrap_or_default()))),
    }
}

/// Where `order`'s notifications go: its override, else the one set up, else the configured one.
pub(crate) fn url_for<'a>(inner: &'a Inner, order: &'a Order, setup_url: Option<&'a str>) -> Option<&'a str> {
    order.notification_url.as_deref().or(setup_url).or(inner.notification_url.as_deref())
}

/// Queues the automatic notification for `order` (just paid or failed) if a notification URL
/// is known. One the emulator will not send to (not loopback) is recorded as not sent. Answers
/// whether one was queued.
pub(crate) fn queue(inner: &Inner, order: &Order, setup_url: Option<&str>) -> Result<bool, Error> {
    let Some(url) = url_for(inner, order, setup_url) else {
        return Ok(false);
    };
    // The body is of the order as it is now; the lock on the orders is not held here.
    let now = inner.clock.now();
    let (invoice, status, body) =
        (order.invoice_number.clone(), order.state.transaction_status().to_owned(), body_of(order, now));
    let delivery = match loopback_url(inner, url) {
        Ok((url, path)) => Delivery::new(invoice, status, url, path, body, now.unix()),
        Err(e) => Delivery::unsendable(invoice, status, url.to_owned(), body, now.unix(), e.message()),
    };
    inner.deliveries().push(delivery).map_err(|m| Error::invalid_input("notification", m))?;
    inner.wake.notify_one();
    Ok(true)
}
