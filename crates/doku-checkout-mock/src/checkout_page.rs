//! The checkout page at the `payment_url` the emulator returns (`/checkout-link-v2/{token}`):
//! the order, the payment methods of the request (all DOKU's when it named none), and the
//! buttons **Pay** and **Fail payment**. Posting the form pays or fails the order exactly as
//! `/_mock/orders/{invoice}/pay` and `/fail` do (the automatic notification included), then
//! follows `order.callback_url`, or shows the result.

use std::fmt::Write;

use bytes::Bytes;
use doku_checkout::Timestamp;
use http_body_util::Full;
use hyper::Response;

use crate::Inner;
use crate::html::{escape, page, response, rupiah, see_other, wib};
use crate::state::{Order, OrderState};

/// The path prefix of checkout pages.
pub(crate) const PREFIX: &str = "/checkout-link-v2/";

/// The largest form body read (a channel id and an action).
pub(crate) const MAX_FORM: usize = 4 * 1024;

fn order_of(inner: &Inner, token: &str) -> Option<Order> {
    let now = inner.clock.unix();
    let mut state = inner.state();
    let invoice = state.tokens.get(token)?.clone();
    state.order_mut(&invoice, now).map(|o| o.clone())
}

fn not_found() -> Response<Full<Bytes>> {
    response(
        404,
        page(
            "Checkout not found",
            "<h1>Checkout not found</h1><p>This payment link is unknown to the emulator (it was reset, or the link is wrong).</p>",
            "",
        ),
    )
}

/// `GET /checkout-link-v2/{token}`.
pub(crate) fn show(inner: &Inner, token: &str) -> Response<Full<Bytes>> {
    match order_of(inner, token) {
        Some(order) => response(200, render(&order, token, inner.clock.now())),
        None => not_found(),
    }
}

/// `POST /checkout-link-v2/{token}` with `channel` and `action` (`pay` or `fail`).
pub(crate) fn submit(inner: &Inner, token: &str, form: &[u8]) -> Response<Full<Bytes>> {
    let Some(order) = order_of(inner, token) else { return not_found() };
    let fields = crate::form::parse(form);
    let field = |name: &str| fields.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str());
    let action = match field("action") {
        Some(a @ ("pay" | "fail")) => a,
        _ => return back(token, "Press Pay or Fail payment"),
    };
    let Some(channel) = field("channel").filter(|c| !c.is_empty()) else {
        return back(token, "Choose a payment method first");
    };
    let body = serde_json::json!({ "channel": channel }).to_string();
    let (status, answer) = crate::control::order_action(inner, &order.invoice_number, action, body.as_bytes());
    if status != 200 {
        let message = answer["message"].get(0).and_then(|m| m.as_str()).unwrap_or("refused").to_owned();
        let html = format!(
            "<h1>Not done</h1><p role=\"alert\">{}</p><p><a href=\"{PREFIX}{}\">Back to the checkout</a></p>",
            escape(&message),
            escape(token)
        );
        return response(status, page("Not done", &html, ""));
    }
    // An http(s) callback URL, written out by the URL parser (percent-encoded); else the page.
    let callback = order
        .callback_url
        .as_deref()
        .and_then(|u| reqwest::Url::parse(u).ok())
        .filter(|u| matches!(u.scheme(), "http" | "https"));
    match callback {
        Some(url) => see_other(url.as_str()),
        None => see_other(&format!("{PREFIX}{token}")),
    }
}

/// A 400 page saying what to do, with the way back to the checkout.
fn back(token: &str, what: &str) -> Response<Full<Bytes>> {
    let html = format!("<h1>{what}</h1><p><a href=\"{PREFIX}{}\">Back to the checkout</a></p>", escape(token));
    response(400, page(what, &html, ""))
}

fn render(order: &Order, token: &str, now: Timestamp) -> String {
    let mut body = String::with_capacity(4096);
    let _ = write!(
        body,
        "<p class=\"banner\" role=\"note\">DOKU Checkout <strong>emulator</strong>: no money moves.</p>\
         <div class=\"card\"><h1>Pay {}</h1><p>Invoice <strong>{}</strong></p>",
        rupiah(order.amount),
        escape(&order.invoice_number)
    );
    if !order.line_items.is_empty() {
        body.push_str("<div class=\"scroll\"><table><caption>Items</caption><thead><tr><th scope=\"col\">Item</th><th scope=\"col\">Quantity</th><th scope=\"col\">Price</th></tr></thead><tbody>");
        for item in &order.line_items {
            let _ = write!(
                body,
                "<tr><td>{}</td><td>{}</td><td>{}</td></tr>",
                escape(item.name.as_deref().unwrap_or("(no name)")),
                item.quantity,
                rupiah(item.price)
            );
        }
        body.push_str("</tbody></table></div>");
    }
    let due = Timestamp::from_unix(order.expires_at);
    let _ = write!(body, "<p>Pay before <time datetime=\"{due}\">{}</time> (now {}).</p></div>", wib(due), wib(now));
    match order.state {
        OrderState::Pending | OrderState::Failed => {
            if order.state == OrderState::Failed {
                body.push_str("<p class=\"bad\" role=\"alert\">The last payment failed. You can try again.</p>");
            }
            let _ = write!(
                body,
                "<form class=\"card\" method=\"post\" action=\"{PREFIX}{}\"><fieldset><legend>Payment method</legend>",
                escape(token)
            );
            let methods: Vec<&str> = if order.payment_method_types.is_empty() {
                doku_checkout::payment_bodies::KNOWN_PAYMENT_METHODS.to_vec()
            } else {
                order.payment_method_types.iter().map(String::as_str).collect()
            };
            let chosen = order.payment_method.as_deref().or(methods.first().copied()).unwrap_or_default();
            for (i, method) in methods.iter().enumerate() {
                let id = format!("method-{i}");
                let _ = write!(
                    body,
                    "<label class=\"method\" for=\"{id}\"><input type=\"radio\" id=\"{id}\" name=\"channel\" value=\"{m}\"{checked} required> {m}</label>",
                    m = escape(method),
                    checked = if *method == chosen { " checked" } else { "" }
                );
            }
            body.push_str(
                "</fieldset><p><button type=\"submit\" name=\"action\" value=\"pay\">Pay</button>\
                 <button type=\"submit\" name=\"action\" value=\"fail\" class=\"secondary\">Fail payment</button></p></form>",
            );
        }
        OrderState::Paid | OrderState::Refunded => {
            let channel = order.payment_method.as_deref().unwrap_or("");
            let _ = write!(
                body,
                "<div class=\"card\" role=\"status\"><h2 class=\"ok\">Paid</h2><p>Paid with <strong>{}</strong>",
                escape(channel)
            );
            if let Some(paid) = order.paid_at {
                let _ = write!(body, " at {}", wib(Timestamp::from_unix(paid)));
            }
            body.push_str(".</p>");
            if let Some((label, value)) =
                doku_checkout::payment_bodies::customer_reference(&order.invoice_number, channel)
            {
                let _ = write!(body, "<p>{label}: <strong>{}</strong></p>", escape(&value));
            }
            if order.state == OrderState::Refunded {
                body.push_str("<p>The payment was refunded.</p>");
            }
            body.push_str("</div>");
        }
        OrderState::Expired | OrderState::Cancelled => {
            let why = if order.state == OrderState::Expired { "expired" } else { "was cancelled" };
            let _ = write!(
                body,
                "<div class=\"card\" role=\"status\"><h2 class=\"bad\">This checkout {why}</h2><p>It can no longer be paid.</p></div>"
            );
        }
    }
    page(&format!("DOKU Checkout (emulator): {}", order.invoice_number), &body, "")
}
