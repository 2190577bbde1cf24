//! The DOKU endpoints: header and signature checks, idempotent replay, and the three
//! operations over the in-memory orders.

use doku_checkout::{ReceivedHeaders, SigningInput, Timestamp, compute_digest};
use percent_encoding::percent_decode_str;
use serde_json::{Value, json};

use crate::state::{Order, OrderState, State, Stored};
use crate::{Inner, MAX_SKEW_SECONDS};

/// An answer before it is signed and sent.
pub(crate) struct ApiAnswer {
    pub status: u16,
    pub body: Vec<u8>,
    pub state_changed: bool,
}

fn answer(status: u16, messages: &[&str]) -> ApiAnswer {
    ApiAnswer { status, body: json!({ "message": messages }).to_string().into_bytes(), state_changed: false }
}

/// Checks the four Non-SNAP headers, the timestamp skew and the signature over the raw body.
pub(crate) fn authenticate(
    inner: &Inner,
    method: &str,
    path: &str,
    headers: &ReceivedHeaders,
    body: &[u8],
) -> Result<(), ApiAnswer> {
    let get = |name: &str| headers.get(name).ok_or_else(|| answer(400, &[&format!("MISSING HEADER {name}")]));
    let (client_id, request_id, timestamp, signature) =
        (get("Client-Id")?, get("Request-Id")?, get("Request-Timestamp")?, get("Signature")?);
    if client_id != inner.client_id {
        return Err(answer(401, &["INVALID CLIENT ID"]));
    }
    let ts = Timestamp::parse(timestamp).map_err(|_| answer(400, &["INVALID REQUEST TIMESTAMP FORMAT"]))?;
    if ts.unix().abs_diff(Timestamp::now().unix()) > MAX_SKEW_SECONDS {
        return Err(answer(401, &["REQUEST TIMESTAMP OUT OF ALLOWED RANGE"]));
    }
    let body = (method == "POST").then_some(body);
    let input = SigningInput::new(client_id, request_id, timestamp, path, body)
        .map_err(|_| answer(400, &["INVALID HEADER"]))?;
    input.verify(&inner.secret, signature).map_err(|_| answer(401, &["INVALID SIGNATURE"]))
}

/// Routes an authenticated API request, applying DOKU's Request-Id replay rule to POSTs.
pub(crate) fn handle(
    inner: &Inner,
    state: &mut State,
    method: &str,
    path: &str,
    request_id: &str,
    body: &[u8],
) -> ApiAnswer {
    if method == "POST" {
        let digest = compute_digest(body);
        if let Some(stored) = state.answers.get(request_id) {
            return if stored.path == path && stored.body_digest == digest {
                ApiAnswer { status: 409, body: stored.response.clone(), state_changed: false }
            } else {
                answer(409, &["REQUEST ID ALREADY USED FOR A DIFFERENT REQUEST"])
            };
        }
        let result = route(inner, state, method, path, request_id, body);
        state.answers.insert(
            request_id.to_owned(),
            Stored { path: path.to_owned(), body_digest: digest, response: result.body.clone() },
        );
        return result;
    }
    route(inner, state, method, path, request_id, body)
}

fn route(inner: &Inner, state: &mut State, method: &str, path: &str, request_id: &str, body: &[u8]) -> ApiAnswer {
    match (method, path) {
        ("POST", "/checkout/v1/payment") => create(inner, state, request_id, body),
        ("POST", "/checkout/v3/cancellations") => cancel(state, body),
        ("GET", p) if p.starts_with("/orders/v1/status/") => {
            let raw = &p["/orders/v1/status/".len()..];
            match percent_decode_str(raw).decode_utf8() {
                Ok(invoice) => status(state, &invoice),
                Err(_) => answer(400, &["INVALID INVOICE NUMBER ENCODING"]),
            }
        }
        _ => answer(404, &["NOT FOUND"]),
    }
}

fn parse(body: &[u8]) -> Result<Value, ApiAnswer> {
    serde_json::from_slice::<Value>(body)
        .ok()
        .filter(Value::is_object)
        .ok_or_else(|| answer(400, &["INVALID JSON BODY"]))
}

fn field<'v>(v: &'v Value, path: &[&str]) -> Option<&'v Value> {
    path.iter().try_fold(v, |v, k| v.get(k))
}

fn cancel(state: &mut State, body: &[u8]) -> ApiAnswer {
    let v = match parse(body) {
        Ok(v) => v,
        Err(a) => return a,
    };
    let text = |path: &[&str]| field(&v, path).and_then(Value::as_str).filter(|s| !s.is_empty());
    let (Some(invoice), Some(original), Some(note)) =
        (text(&["order", "invoice_number"]), text(&["payment", "original_request_id"]), text(&["note"]))
    else {
        return answer(
            400,
            &["INVALID PARAMETER: order.invoice_number, payment.original_request_id and note are mandatory"],
        );
    };
    let Some(order) = state.order_mut(invoice, Timestamp::now().unix()) else {
        return answer(404, &["ORDER NOT FOUND"]);
    };
    if order.original_request_id != original {
        return answer(400, &["ORIGINAL REQUEST ID DOES NOT MATCH THE ORDER"]);
    }
    match order.state {
        OrderState::Paid => return answer(400, &["ORDER ALREADY PAID"]),
        OrderState::Expired => return answer(400, &["ORDER ALREADY EXPIRED"]),
        OrderState::Cancelled => return answer(400, &["ORDER ALREADY CANCELLED"]),
        OrderState::Pending => {}
    }
    if order.payment_method.as_deref().map(doku_checkout::cancel_support)
        == Some(doku_checkout::CancelSupport::NotSupported)
    {
        return answer(400, &["PAYMENT CHANNEL NOT SUPPORTED FOR CANCELLATION"]);
    }
    order.state = OrderState::Cancelled;
    let body = json!({
        "message": ["SUCCESS"],
        "response": {
            "order": { "invoice_number": invoice, "status": "CANCELLED" },
            "payment": { "original_request_id": original },
            "note": note,
        }
    });
    ApiAnswer { status: 200, body: body.to_string().into_bytes(), state_changed: true }
}

fn create(inner: &Inner, state: &mut State, request_id: &str, body: &[u8]) -> ApiAnswer {
    let v = match parse(body) {
        Ok(v) => v,
        Err(a) => return a,
    };
    let Some(invoice) =
        field(&v, &["order", "invoice_number"]).and_then(Value::as_str).filter(|s| !s.is_empty() && s.len() <= 64)
    else {
        return answer(400, &["INVALID PARAMETER: order.invoice_number"]);
    };
    let Some(amount) = field(&v, &["order", "amount"]).and_then(Value::as_u64).filter(|a| *a > 0) else {
        return answer(400, &["INVALID PARAMETER: order.amount"]);
    };
    if let Some(items) = field(&v, &["order", "line_items"]).and_then(Value::as_array) {
        let total: u64 =
            items.iter().map(|i| i["price"].as_u64().unwrap_or(0) * i["quantity"].as_u64().unwrap_or(0)).sum();
        if total != amount {
            return answer(400, &["AMOUNT NOT MATCH"]);
        }
    }
    if state.orders.contains_key(invoice) {
        return answer(400, &["DUPLICATE INVOICE NUMBER"]);
    }
    let due = field(&v, &["payment", "payment_due_date"]).and_then(Value::as_i64).unwrap_or(60);
    let methods: Vec<String> = field(&v, &["payment", "payment_method_types"])
        .and_then(Value::as_array)
        .map(|a| a.iter().filter_map(|m| m.as_str().map(str::to_owned)).collect())
        .unwrap_or_default();
    let now = Timestamp::now();
    let expires = Timestamp::from_unix(now.unix() + due * 60);
    let order = Order {
        invoice_number: invoice.to_owned(),
        amount,
        original_request_id: request_id.to_owned(),
        payment_method: (methods.len() == 1).then(|| methods[0].clone()),
        state: OrderState::Pending,
        expires_at: expires.unix(),
    };
    state.orders.insert(invoice.to_owned(), order);
    let token = uuid::Uuid::new_v4().simple().to_string();
    let body = json!({
        "message": ["SUCCESS"],
        "response": {
            "order": { "amount": amount.to_string(), "invoice_number": invoice, "currency": "IDR" },
            "payment": {
                "payment_method_types": methods,
                "payment_due_date": due,
                "token_id": token,
                "url": format!("{}/checkout-link-v2/{token}", inner.public_url()),
                "expired_date": expires.to_wib_compact(),
                "expired_datetime": expires.to_string(),
            },
            "headers": { "request_id": request_id, "client_id": inner.client_id, "date": now.to_string() },
        }
    });
    ApiAnswer { status: 200, body: body.to_string().into_bytes(), state_changed: true }
}

fn status(state: &mut State, invoice: &str) -> ApiAnswer {
    let Some(order) = state.order_mut(invoice, Timestamp::now().unix()) else {
        return answer(404, &["ORDER NOT FOUND"]);
    };
    let body = json!({
        "order": { "invoice_number": order.invoice_number, "amount": order.amount },
        "transaction": {
            "status": order.state.transaction_status(),
            "date": Timestamp::now().to_string(),
            "original_request_id": order.original_request_id,
        },
        "channel": { "id": order.payment_method },
    });
    ApiAnswer { status: 200, body: body.to_string().into_bytes(), state_changed: false }
}
