//! The unsigned test controls under `/_mock/` (loopback only).
//!
//! | method | path | body | effect |
//! |---|---|---|---|
//! | POST | `/_mock/setup` | `{"orders":[Order], "faults":[Fault]}` | add orders, queue faults |
//! | POST | `/_mock/orders` | `Order` | add an order |
//! | POST | `/_mock/orders/{invoice}/pay` / `expire` / `cancel` | – | change its state |
//! | GET | `/_mock/orders/{invoice}` | – | the order |
//! | POST | `/_mock/faults` | `Fault` | queue a fault |
//! | GET | `/_mock/log` | – | received API requests |
//! | POST | `/_mock/reset` | – | forget everything |
//! | POST | `/_mock/notify` | `{"invoice_number","url"}` | send a signed notification |

use bytes::Bytes;
use http_body_util::Full;
use hyper::Response;
use serde::Deserialize;
use serde_json::json;

use crate::state::{Fault, LogEntry, Order, OrderState, Setup};
use crate::{Inner, notify, server::json_response};

#[derive(Deserialize)]
struct Notify {
    invoice_number: String,
    url: String,
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
    let (status, value) = route(inner, method, path, body).await.unwrap_or_else(|r| r);
    json_response(status, value.to_string().into_bytes())
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
            inner.apply(Setup { orders: vec![order], faults: Vec::new() }).map_err(refused)?;
            Ok(ok(json!({ "ok": true })))
        }
        ("POST", "faults") => {
            let fault: Fault = parse(body)?;
            inner.apply(Setup { orders: Vec::new(), faults: vec![fault] }).map_err(refused)?;
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
        (m, r) if r.starts_with("orders/") => {
            let tail = &r["orders/".len()..];
            let (invoice, action) = tail.rsplit_once('/').map_or((tail, None), |(i, a)| (i, Some(a)));
            let invoice = percent_encoding::percent_decode_str(invoice).decode_utf8_lossy().into_owned();
            let mut state = inner.state();
            let Some(order) = state.orders.get_mut(&invoice) else {
                return Err((404, json!({ "message": ["ORDER NOT FOUND"] })));
            };
            let new_state = match (m, action) {
                ("GET", None) => return Ok(ok(serde_json::to_value(&*order).unwrap_or_default())),
                ("POST", Some("pay")) => OrderState::Paid,
                ("POST", Some("expire")) => OrderState::Expired,
                ("POST", Some("cancel")) => OrderState::Cancelled,
                _ => return Err(bad(format!("unknown control {m} {path}"))),
            };
            order.state = new_state;
            Ok(ok(serde_json::to_value(&*order).unwrap_or_default()))
        }
        _ => Err(bad(format!("unknown control {method} {path}"))),
    }
}
