//! Sending a signed HTTP Notification, the way DOKU does after a payment.

use doku_checkout::{Error, RequestId, SigningInput, Timestamp};
use serde_json::json;

use crate::Inner;
use crate::state::OrderState;

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
    let response = reqwest::Client::new()
        .post(parsed)
        .header("Client-Id", &inner.client_id)
        .header("Request-Id", request_id.as_str())
        .header("Request-Timestamp", &timestamp)
        .header("Signature", signature)
        .header("Content-Type", "application/json")
        .body(body)
        .send()
        .await
        .map_err(|e| Error::new(doku_checkout::ErrorCode::NetworkError, format!("notification not delivered: {e}")))?;
    Ok(response.status().as_u16())
}
