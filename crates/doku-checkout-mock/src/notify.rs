//! Sending a signed HTTP Notification, the way DOKU does after a payment.
//!
//! Only to loopback, and only there: no redirect is followed (a 3xx is the endpoint's answer,
//! and following it would re-send the signed notification elsewhere, past the loopback check),
//! no proxy is used (not even one named by `HTTP_PROXY`), and a delivery that has not been
//! answered within [`NOTIFY_TIMEOUT`] ends as a `timeout` instead of waiting forever.

use std::time::Duration;

use doku_checkout::{Error, ErrorCode, RequestId, SigningInput, Timestamp};
use serde_json::json;

use crate::Inner;
use crate::state::OrderState;

/// The longest a delivery may take, from connecting to the last byte of the answer.
pub const NOTIFY_TIMEOUT: Duration = Duration::from_secs(10);
/// The longest the connection itself may take (loopback: anything slower is not listening).
const CONNECT_TIMEOUT: Duration = Duration::from_secs(3);

/// POSTs a DOKU-shaped notification for `invoice_number` to `url`, signed with the
/// emulator's secret and the URL's path as Request-Target.
pub(crate) async fn send(inner: &Inner, invoice_number: &str, url: &str) -> Result<u16, Error> {
    let order = inner
        .state()
        .orders
        .get(invoice_number)
        .cloned()
        .ok_or_else(|| Error::invalid_input("invoice_number", "no such order"))?;
    let parsed = reqwest::Url::parse(url).map_err(|e| Error::invalid_input("url", format!("not a URL: {e}")))?;
    let host_ok = parsed.host_str().is_some_and(|h| {
        h == "localhost" || h.parse::<std::net::IpAddr>().is_ok_and(|ip| ip.is_loopback()) || h == "[::1]"
    });
    if !host_ok {
        return Err(Error::invalid_input("url", "the emulator only sends notifications to loopback addresses"));
    }
    let status = match order.state {
        OrderState::Paid => "SUCCESS",
        OrderState::Expired => "EXPIRED",
        OrderState::Cancelled => "CANCELLED",
        OrderState::Pending => "PENDING",
    };
    let channel = order.payment_method.clone().unwrap_or_else(|| "VIRTUAL_ACCOUNT_BCA".to_owned());
    let body = json!({
        "service": { "id": channel.split('_').take(2).collect::<Vec<_>>().join("_") },
        "channel": { "id": channel },
        "order": { "invoice_number": order.invoice_number, "amount": order.amount },
        "transaction": {
            "status": status,
            "date": Timestamp::now().to_string(),
            "original_request_id": order.original_request_id,
        },
    })
    .to_string();
    let request_id = RequestId::generate();
    let timestamp = Timestamp::now().to_string();
    let signature =
        SigningInput::new(&inner.client_id, request_id.as_str(), &timestamp, parsed.path(), Some(body.as_bytes()))?
            .sign(&inner.secret);
    let _ = rustls::crypto::ring::default_provider().install_default();
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .no_proxy()
        .connect_timeout(CONNECT_TIMEOUT)
        .timeout(NOTIFY_TIMEOUT)
        .build()
        .map_err(|e| Error::config(format!("cannot set up the notification client: {e}")))?;
    let response = client
        .post(parsed)
        .header("Client-Id", &inner.client_id)
        .header("Request-Id", request_id.as_str())
        .header("Request-Timestamp", &timestamp)
        .header("Signature", signature)
        .header("Content-Type", "application/json")
        .body(body)
        .send()
        .await
        .map_err(|e| {
            if e.is_timeout() {
                Error::new(
                    ErrorCode::Timeout,
                    format!("the notification endpoint did not answer within {} s", NOTIFY_TIMEOUT.as_secs()),
                )
            } else {
                Error::new(ErrorCode::NetworkError, format!("notification not delivered: {e}"))
            }
        })?;
    Ok(response.status().as_u16())
}
