//! The DOKU endpoints: header and signature checks, idempotent replay, and the three
//! operations over the in-memory orders.
//!
//! A request goes through three steps so that the state lock is held only for the order change:
//! [`authenticate`] and [`parse`] before the lock (HMAC, JSON parsing), [`decide`] under it, and
//! [`Outcome::render`] after it.

use doku_checkout::{ReceivedHeaders, SigningInput, Timestamp, compute_digest};
use percent_encoding::percent_decode_str;
use serde_json::Value;

use crate::outcome::{Created, Outcome};
use crate::state::{Order, OrderState, State, Stored};
use crate::{Inner, MAX_SKEW_SECONDS};

/// Checks the four Non-SNAP headers, the timestamp skew and the signature over the raw body.
pub(crate) fn authenticate(
    inner: &Inner,
    method: &str,
    path: &str,
    headers: &ReceivedHeaders,
    body: &[u8],
) -> Result<(), Outcome> {
    let get = |name: &str| headers.get(name).ok_or_else(|| Outcome::refused(400, format!("MISSING HEADER {name}")));
    let (client_id, request_id, timestamp, signature) =
        (get("Client-Id")?, get("Request-Id")?, get("Request-Timestamp")?, get("Signature")?);
    if client_id != inner.client_id {
        return Err(Outcome::refused(401, "INVALID CLIENT ID"));
    }
    let ts = Timestamp::parse(timestamp).map_err(|_| Outcome::refused(400, "INVALID REQUEST TIMESTAMP FORMAT"))?;
    if ts.unix().abs_diff(Timestamp::now().unix()) > MAX_SKEW_SECONDS {
        return Err(Outcome::refused(401, "REQUEST TIMESTAMP OUT OF ALLOWED RANGE"));
    }
    let body = (method == "POST").then_some(body);
    let input = SigningInput::new(client_id, request_id, timestamp, path, body)
        .map_err(|_| Outcome::refused(400, "INVALID HEADER"))?;
    input.verify(&inner.secret, signature).map_err(|_| Outcome::refused(401, "INVALID SIGNATURE"))
}

/// An authenticated API request, parsed (outside the state lock).
pub(crate) struct Call {
    /// `(path, body digest)` for a POST: the key DOKU replays a Request-Id's answer for.
    replay_key: Option<(String, String)>,
    request_id: String,
    operation: Operation,
}

enum Operation {
    Cancel { invoice: String, original_request_id: String, note: String },
    Create(Box<Created>),
    Status { invoice: String },
    Refused(Outcome),
}

/// What [`decide`] answered.
pub(crate) struct Decision {
    pub outcome: Outcome,
    /// A repeated Request-Id: the stored outcome, answered with 409.
    pub replayed: bool,
}

impl Decision {
    pub fn status(&self) -> u16 {
        if self.replayed { 409 } else { self.outcome.status() }
    }

    pub fn state_changed(&self) -> bool {
        !self.replayed && self.outcome.changes_state()
    }
}

/// Routes and parses a request that [`authenticate`] accepted.
pub(crate) fn parse(inner: &Inner, method: &str, path: &str, request_id: &str, body: &[u8]) -> Call {
    let operation = match (method, path) {
        ("POST", "/checkout/v1/payment") => create(inner, request_id, body).unwrap_or_else(Operation::Refused),
        ("POST", "/checkout/v3/cancellations") => cancel(body).unwrap_or_else(Operation::Refused),
        ("GET", p) if p.starts_with("/orders/v1/status/") => {
            match percent_decode_str(&p["/orders/v1/status/".len()..]).decode_utf8() {
                Ok(invoice) => Operation::Status { invoice: invoice.into_owned() },
                Err(_) => Operation::Refused(Outcome::refused(400, "INVALID INVOICE NUMBER ENCODING")),
            }
        }
        _ => Operation::Refused(Outcome::refused(404, "NOT FOUND")),
    };
    let replay_key = (method == "POST").then(|| (path.to_owned(), compute_digest(body)));
    Call { replay_key, request_id: request_id.to_owned(), operation }
}

/// Applies a call to the orders (the only step that holds the state lock), with DOKU's
/// Request-Id replay rule for POSTs.
pub(crate) fn decide(state: &mut State, call: Call, now: i64) -> Decision {
    let Call { replay_key, request_id, operation } = call;
    let Some((path, body_digest)) = replay_key else {
        return Decision { outcome: apply(state, operation, now), replayed: false };
    };
    if let Some(stored) = state.stored(&request_id) {
        return if stored.path == path && stored.body_digest == body_digest {
            Decision { outcome: stored.outcome.clone(), replayed: true }
        } else {
            Decision {
                outcome: Outcome::refused(409, "REQUEST ID ALREADY USED FOR A DIFFERENT REQUEST"),
                replayed: false,
            }
        };
    }
    let outcome = apply(state, operation, now);
    state.store(&request_id, Stored { path, body_digest, outcome: outcome.clone() });
    Decision { outcome, replayed: false }
}

/// `now` is the emulator's clock (orders expire by it).
fn apply(state: &mut State, operation: Operation, now: i64) -> Outcome {
    match operation {
        Operation::Refused(outcome) => outcome,
        Operation::Status { invoice } => match state.order_mut(&invoice, now) {
            Some(order) => Outcome::Status { order: Box::new(order.for_status()), at: now },
            None => Outcome::refused(404, "ORDER NOT FOUND"),
        },
        Operation::Cancel { invoice, original_request_id, note } => {
            let Some(order) = state.order_mut(&invoice, now) else {
                return Outcome::refused(404, "ORDER NOT FOUND");
            };
            if order.original_request_id != original_request_id {
                return Outcome::refused(400, "ORIGINAL REQUEST ID DOES NOT MATCH THE ORDER");
            }
            match order.state {
                OrderState::Paid => return Outcome::refused(400, "ORDER ALREADY PAID"),
                OrderState::Refunded => return Outcome::refused(400, "ORDER ALREADY PAID AND REFUNDED"),
                OrderState::Expired => return Outcome::refused(400, "ORDER ALREADY EXPIRED"),
                OrderState::Cancelled => return Outcome::refused(400, "ORDER ALREADY CANCELLED"),
                // A failed payment is not final at DOKU: the customer may still pay, so the
                // merchant may still cancel.
                OrderState::Pending | OrderState::Failed => {}
            }
            if order.payment_method.as_deref().map(doku_checkout::cancel_support)
                == Some(doku_checkout::CancelSupport::NotSupported)
            {
                return Outcome::refused(400, "PAYMENT CHANNEL NOT SUPPORTED FOR CANCELLATION");
            }
            order.state = OrderState::Cancelled;
            Outcome::Cancelled { invoice, original_request_id, note }
        }
        Operation::Create(created) => {
            if state.orders.contains_key(&created.invoice) {
                return Outcome::refused(400, "DUPLICATE INVOICE NUMBER");
            }
            let order = Order {
                invoice_number: created.invoice.clone(),
                amount: created.amount,
                original_request_id: created.request_id.clone(),
                payment_method: (created.methods.len() == 1).then(|| created.methods[0].clone()),
                state: OrderState::Pending,
                expires_at: created.expires.unix(),
                payment_method_types: created.methods.clone(),
                recover_abandoned_cart: created.recover_abandoned_cart,
                notification_url: created.notification_url.clone(),
                paid_at: None,
                created_at: Some(created.created.unix()),
                recovered: false,
                line_items: created.line_items.clone(),
                callback_url: created.callback_url.clone(),
                token: Some(created.token.clone()),
            };
            if !state.fits(std::slice::from_ref(&order), crate::limits::MAX_ORDER_BYTES)
                || state.orders.len() >= crate::limits::MAX_ORDERS
            {
                let full = crate::limits::too_full();
                return Outcome::refused(full.status, full.message);
            }
            state.insert(order);
            Outcome::Created(created)
        }
    }
}

fn json_object(body: &[u8]) -> Result<Value, Outcome> {
    serde_json::from_slice::<Value>(body)
        .ok()
        .filter(Value::is_object)
        .ok_or_else(|| Outcome::refused(400, "INVALID JSON BODY"))
}

fn field<'v>(v: &'v Value, path: &[&str]) -> Option<&'v Value> {
    path.iter().try_fold(v, |v, k| v.get(k))
}

fn cancel(body: &[u8]) -> Result<Operation, Outcome> {
    let v = json_object(body)?;
    let text = |path: &[&str]| field(&v, path).and_then(Value::as_str).filter(|s| !s.is_empty()).map(str::to_owned);
    let (Some(invoice), Some(original_request_id), Some(note)) =
        (text(&["order", "invoice_number"]), text(&["payment", "original_request_id"]), text(&["note"]))
    else {
        return Err(Outcome::refused(
            400,
            "INVALID PARAMETER: order.invoice_number, payment.original_request_id and note are mandatory",
        ));
    };
    Ok(Operation::Cancel { invoice, original_request_id, note })
}

fn create(inner: &Inner, request_id: &str, body: &[u8]) -> Result<Operation, Outcome> {
    let v = json_object(body)?;
    // DOKU's accepted forms (digit strings, "150000.00") and its refusals, from the core.
    let facts = doku_checkout::checkout_reading::read_checkout_request(&v).map_err(|e| {
        let message = e.messages().first().cloned().unwrap_or_else(|| "INVALID PARAMETER".to_owned());
        Outcome::refused(400, message)
    })?;
    let notification_url = match facts.override_notification_url.as_deref() {
        Some(url) => Some(override_url(inner, url)?),
        None => None,
    };
    let (invoice, amount, methods) = (facts.invoice_number, facts.amount, facts.payment_method_types);
    let due_minutes = i64::try_from(facts.due_minutes).unwrap_or(i64::MAX);
    let created = inner.clock.now();
    let token = uuid::Uuid::new_v4().simple().to_string();
    Ok(Operation::Create(Box::new(Created {
        invoice,
        amount,
        methods,
        due_minutes,
        url: format!("{}/checkout-link-v2/{token}", inner.public_url()),
        token,
        expires: Timestamp::from_unix(created.unix() + due_minutes * 60),
        request_id: request_id.to_owned(),
        client_id: inner.client_id.clone(),
        created,
        recover_abandoned_cart: facts.recover_abandoned_cart,
        notification_url,
        line_items: facts
            .line_items
            .into_iter()
            .map(|i| crate::state::LineItem { name: i.name, price: i.price, quantity: i.quantity })
            .collect(),
        callback_url: facts.callback_url,
    })))
}

/// `additional_info.override_notification_url`: DOKU takes it only with the same path as the
/// configured notification URL (only the domain may change). The emulator keeps it as given:
/// one it cannot send to (not loopback) is recorded in `/_mock/notifications` as not sent.
fn override_url(inner: &Inner, url: &str) -> Result<String, Outcome> {
    let refuse = || Outcome::refused(400, "INVALID PARAMETER: additional_info.override_notification_url");
    let path = reqwest::Url::parse(url).map_err(|_| refuse())?.path().to_owned();
    let configured = inner.state().notification_url.clone().or_else(|| inner.notification_url.clone());
    if let Some(configured) = configured {
        let (_, configured_path) = crate::notify::loopback_url(inner, &configured).map_err(|_| refuse())?;
        if path != configured_path {
            return Err(refuse());
        }
    }
    Ok(url.to_owned())
}
