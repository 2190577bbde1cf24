//! The unsigned test controls under `/_mock/` (loopback only).
//!
//! | method | path | body | effect |
//! |---|---|---|---|
//! | POST | `/_mock/setup` | `{"orders":[Order], "faults":[Fault], "notification_url"}` | add orders, queue faults, set the notification URL |
//! | POST | `/_mock/orders` | `Order` | add an order |
//! | POST | `/_mock/orders/{invoice}/pay` / `fail` | `{"channel"}` (optional) | the customer pays / a payment fails: notified automatically |
//! | POST | `/_mock/orders/{invoice}/refund` | – | a paid order is refunded |
//! | POST | `/_mock/orders/{invoice}/recover` | – | an expired order created with `recover_abandoned_cart` is recovered |
//! | POST | `/_mock/orders/{invoice}/expire` / `cancel` | – | force that state |
//! | GET | `/_mock/orders/{invoice}` | – | the order |
//! | POST | `/_mock/faults` | `Fault` | queue a fault |
//! | GET | `/_mock/log` | – | received API requests |
//! | GET / POST | `/_mock/clock` | `{"advance_seconds": N}` or `{"set": "2026-01-01T00:00:00Z"}` | the emulator's time |
//! | GET | `/_mock/notifications` | – | every notification and its attempts |
//! | POST | `/_mock/notifications/wait` | – | the same, once no attempt is due or in flight (at most 45 s) |
//! | POST | `/_mock/sink/{status}/...` | anything | answers `status` (a notification endpoint for tests) |
//! | GET | `/_mock/ui` | – | the dashboard (HTML) |
//! | POST | `/_mock/reset` | – | forget everything, back to real time |
//! | POST | `/_mock/notify` | `{"invoice_number","url"}` | send one signed notification now (not retried) |

use bytes::Bytes;
use http_body_util::Full;
use hyper::Response;
use serde::Deserialize;
use serde_json::json;

use crate::state::{Fault, LogEntry, Order, OrderState, Setup};
use crate::{Inner, deliveries, notify, server::json_response};

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Notify {
    invoice_number: String,
    url: String,
}

/// `/pay` and `/fail`: the channel the customer used, when the test names one.
#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct Payment {
    #[serde(default)]
    channel: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ClockChange {
    #[serde(default)]
    advance_seconds: Option<i64>,
    #[serde(default)]
    set: Option<String>,
}

/// How long `/_mock/notifications/wait` waits for the attempts due to finish (a silent
/// endpoint and a clock jump past every retry: three attempts of 10 s in a row).
const WAIT_LIMIT: std::time::Duration = std::time::Duration::from_secs(45);

fn clock_answer(inner: &Inner) -> Answer {
    ok(json!({
        "now": inner.clock.now().to_string(),
        "unix": inner.clock.unix(),
        "offset_seconds": inner.clock.offset(),
        "frozen": inner.clock.is_frozen(),
    }))
}

/// An absent body, `null` or `{}`: no fields given.
fn optional<'a, T: Deserialize<'a> + Default>(body: &'a [u8]) -> Result<T, Answer> {
    if body.iter().all(u8::is_ascii_whitespace) || body == b"null" { Ok(T::default()) } else { parse(body) }
}

/// A control answer: status and JSON body.
type Answer = (u16, serde_json::Value);

fn ok(value: serde_json::Value) -> Answer {
    (200, value)
}

fn bad(message: String) -> Answer {
    (400, json!({ "message": [message] }))
}

fn refused(r: crate::limits::Refusal) -> Answer {
    (r.status, json!({ "message": [r.message] }))
}

fn parse<'a, T: Deserialize<'a>>(body: &'a [u8]) -> Result<T, Answer> {
    serde_json::from_slice(body).map_err(|e| bad(format!("invalid control body: {e}")))
}

pub(crate) async fn handle(inner: &Inner, method: &str, path: &str, body: &[u8]) -> Response<Full<Bytes>> {
    if method == "GET" && path == "/_mock/ui" {
        return crate::dashboard::show(inner);
    }
    let (status, text) = answer(inner, method, path, body).await;
    json_response(status, text.into_bytes())
}

/// A control call's status and JSON text (over HTTP, or in-process for the language helpers).
pub(crate) async fn answer(inner: &Inner, method: &str, path: &str, body: &[u8]) -> (u16, String) {
    let (status, value) = route(inner, method, path, body).await.unwrap_or_else(|r| r);
    (status, value.to_string())
}

async fn route(inner: &Inner, method: &str, path: &str, body: &[u8]) -> Result<Answer, Answer> {
    let rest = &path["/_mock/".len()..];
    match (method, rest) {
        ("POST", "setup") => {
            let setup: Setup = parse(body)?;
            inner.apply(setup).map_err(refused)?;
            Ok(ok(json!({ "ok": true })))
        }
        ("POST", "orders") => {
            let order: Order = parse(body)?;
            inner.apply(Setup { orders: vec![order], ..Default::default() }).map_err(refused)?;
            Ok(ok(json!({ "ok": true })))
        }
        ("POST", "faults") => {
            let fault: Fault = parse(body)?;
            inner.apply(Setup { faults: vec![fault], ..Default::default() }).map_err(refused)?;
            Ok(ok(json!({ "ok": true })))
        }
        ("GET", "log") => {
            let snapshot = inner.traffic().log.snapshot();
            let entries: Vec<&LogEntry> = snapshot.iter().map(|e| &**e).collect();
            Ok(ok(serde_json::to_value(entries).unwrap_or_default()))
        }
        ("POST", "reset") => {
            inner.reset();
            Ok(ok(json!({ "ok": true })))
        }
        ("POST", "notify") => {
            let n: Notify = parse(body)?;
            match notify::send(inner, &n.invoice_number, &n.url).await {
                Ok(status) => Ok(ok(json!({ "status": status }))),
                Err(e) => Err(bad(e.to_string())),
            }
        }
        ("GET", "clock") => Ok(clock_answer(inner)),
        ("POST", "clock") => {
            let change: ClockChange = parse(body)?;
            let moved = match (change.advance_seconds, change.set) {
                (Some(seconds), None) => inner.clock.advance(seconds),
                (None, Some(at)) => doku_checkout::Timestamp::parse(&at)
                    .map_err(|e| e.message().to_owned())
                    .and_then(|t| inner.clock.set(t)),
                _ => Err("give either advance_seconds or set".to_owned()),
            };
            moved.map_err(bad)?;
            inner.wake.notify_one();
            Ok(clock_answer(inner))
        }
        ("GET", "notifications") => Ok(ok(serde_json::to_value(inner.deliveries().list()).unwrap_or_default())),
        ("POST", "notifications/wait") => {
            if !deliveries::settle(inner, WAIT_LIMIT).await {
                return Err((504, json!({ "message": ["NOTIFICATIONS STILL IN FLIGHT AFTER 45 S"] })));
            }
            Ok(ok(serde_json::to_value(inner.deliveries().list()).unwrap_or_default()))
        }
        ("POST", r) if r.starts_with("sink/") => {
            let code = r["sink/".len()..].split('/').next().unwrap_or_default();
            match code.parse::<u16>() {
                Ok(status) if (200..=599).contains(&status) => Ok((status, json!({}))),
                _ => Err(bad(format!("a sink answers a status from 200 to 599, not {code:?}"))),
            }
        }
        (m, r) if r.starts_with("orders/") => order_control(inner, m, &r["orders/".len()..], body),
        _ => Err(bad(format!("unknown control {method} {path}"))),
    }
}

/// `/_mock/orders/{invoice}[/action]`.
fn order_control(inner: &Inner, method: &str, tail: &str, body: &[u8]) -> Result<Answer, Answer> {
    let (invoice, action) = tail.rsplit_once('/').map_or((tail, None), |(i, a)| (i, Some(a)));
    let invoice = percent_encoding::percent_decode_str(invoice).decode_utf8_lossy().into_owned();
    change_order(inner, method, &invoice, action, body)
}

/// Pays or fails `invoice` as its checkout page does (`action` `pay` or `fail`): the status
/// and JSON answer of the same control.
pub(crate) fn order_action(inner: &Inner, invoice: &str, action: &str, body: &[u8]) -> Answer {
    change_order(inner, "POST", invoice, Some(action), body).unwrap_or_else(|r| r)
}

fn change_order(
    inner: &Inner,
    method: &str,
    invoice: &str,
    action: Option<&str>,
    body: &[u8],
) -> Result<Answer, Answer> {
    let now = inner.clock.unix();
    // Checked before anything changes: a paid order always gets its notification queued.
    let room = inner.deliveries().has_room();
    let (order, setup_url, notify) = {
        let mut state = inner.state();
        let setup_url = state.notification_url.clone();
        let Some(order) = state.order_mut(invoice, now) else {
            return Err((404, json!({ "message": ["ORDER NOT FOUND"] })));
        };
        let conflict =
            |what: &str| (409, json!({ "message": [format!("ORDER IS {} ({what})", order_name(order.state))] }));
        let notify = match (method, action) {
            ("GET", None) => return Ok(ok(serde_json::to_value(&*order).unwrap_or_default())),
            ("POST", Some(action @ ("pay" | "fail"))) => {
                let payment: Payment = optional(body)?;
                if !order.state.is_open() {
                    return Err(conflict("only an open order can be paid, or fail"));
                }
                if !room {
                    return Err((
                        413,
                        json!({ "message": [format!("TOO MANY NOTIFICATIONS IN FLIGHT: at most {}", deliveries::MAX_DELIVERIES)] }),
                    ));
                }
                let channel = match payment.channel {
                    Some(c) if !order.payment_method_types.is_empty() && !order.payment_method_types.contains(&c) => {
                        return Err(bad(format!("{c} is not among the checkout's payment_method_types")));
                    }
                    Some(c) if c.is_empty() || c.len() > 64 => {
                        return Err(bad("channel must be 1 to 64 characters".into()));
                    }
                    Some(c) => c,
                    None => order
                        .payment_method
                        .clone()
                        .or_else(|| order.payment_method_types.first().cloned())
                        .unwrap_or_else(|| "VIRTUAL_ACCOUNT_BCA".to_owned()),
                };
                order.payment_method = Some(channel);
                order.state = if action == "pay" { OrderState::Paid } else { OrderState::Failed };
                order.paid_at = Some(now);
                true
            }
            ("POST", Some("refund")) => {
                if order.state != OrderState::Paid {
                    return Err(conflict("only a paid order can be refunded"));
                }
                order.state = OrderState::Refunded;
                false
            }
            ("POST", Some("recover")) => {
                if order.state != OrderState::Expired || !order.recover_abandoned_cart {
                    return Err(conflict("only an expired order created with recover_abandoned_cart can be recovered"));
                }
                // The recovered cart is open again for as long as the checkout first was.
                let created = order.created_at.unwrap_or(order.expires_at.saturating_sub(3600));
                let lasted = order.expires_at.saturating_sub(created).clamp(60, 366 * 24 * 3600);
                order.state = OrderState::Pending;
                order.recovered = true;
                order.expires_at = now.saturating_add(lasted);
                false
            }
            ("POST", Some("expire")) => {
                order.state = OrderState::Expired;
                false
            }
            ("POST", Some("cancel")) => {
                order.state = OrderState::Cancelled;
                false
            }
            _ => return Err(bad(format!("unknown order control {method} {}", action.unwrap_or("(none)")))),
        };
        (order.clone(), setup_url, notify)
    };
    if notify {
        // Room was checked above and the URL when it was given: this does not fail in practice.
        notify::queue(inner, &order, setup_url.as_deref()).map_err(|e| (413, json!({ "message": [e.message()] })))?;
    }
    Ok(ok(serde_json::to_value(&order).unwrap_or_default()))
}

fn order_name(state: OrderState) -> String {
    serde_json::to_value(state).ok().and_then(|v| v.as_str().map(str::to_owned)).unwrap_or_default()
}
