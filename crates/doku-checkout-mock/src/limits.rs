//! What the emulator holds is bounded by its settings, whatever a test sends it: how many
//! orders and queued faults, how long their fields, how many requests a fault lasts, and how
//! much of each request the log keeps. Past a bound a control call is refused (413 for too
//! many, 400 for a value out of range) and nothing of it is applied.

use crate::state::{Fault, FaultKind, Order, Setup};

/// Orders held at once (the load benchmark holds 100,001).
pub const MAX_ORDERS: usize = 200_000;
/// The bytes all orders may hold together ([`Order::size`]: their text, line items and method
/// lists); a setup or create past it is refused (413) until the emulator is reset.
pub const MAX_ORDER_BYTES: usize = 256 * 1024 * 1024;
/// Faults queued at once.
pub const MAX_FAULTS: usize = 1_000;
/// API requests one fault may last.
pub const MAX_FAULT_COUNT: u32 = 10_000;
/// The longest delay a fault may hold a request (ms).
pub const MAX_FAULT_DELAY_MS: u64 = 120_000;
/// The longest `Retry-After` a 429 fault may send (s).
pub const MAX_RETRY_AFTER_S: u64 = 86_400;
/// The longest body a status fault may answer (bytes).
pub const MAX_FAULT_BODY: usize = 64 * 1024;
/// The longest text field of an order (bytes).
pub const MAX_ORDER_FIELD: usize = 256;
/// The most payment method codes an order lists, and the longest code (bytes).
pub const MAX_METHODS: usize = 100;
/// The longest payment method code (bytes).
pub const MAX_METHOD_LEN: usize = 64;
/// The most line items an order holds.
pub const MAX_LINE_ITEMS: usize = 1_000;
/// The longest URL an order holds (bytes).
pub const MAX_URL_LEN: usize = 2_048;
/// What the log keeps of one request's headers (bytes of names and values).
pub const LOGGED_HEADERS_LIMIT: usize = 16 * 1024;
/// What the log keeps of one header value (bytes).
pub const LOGGED_HEADER_VALUE_LIMIT: usize = 4 * 1024;

/// A refused control call: its HTTP status and the message.
#[derive(Debug, PartialEq, Eq)]
pub struct Refusal {
    /// 413 for too many, 400 for a value out of range.
    pub status: u16,
    /// What was refused and the bound, in DOKU's upper-case message style.
    pub message: String,
}

fn bad(message: String) -> Refusal {
    Refusal { status: 400, message }
}

/// Checks a setup against the bounds, given what is already held.
/// The refusal past [`MAX_ORDER_BYTES`].
pub(crate) fn too_full() -> Refusal {
    Refusal {
        status: 413,
        message: format!(
            "TOO MUCH ORDER DATA: the emulator holds at most {MAX_ORDER_BYTES} bytes of orders (reset it between tests)"
        ),
    }
}

pub(crate) fn check_setup(
    setup: &Setup,
    orders_held: usize,
    new_invoices: usize,
    faults_queued: usize,
    fits: bool,
) -> Result<(), Refusal> {
    setup.orders.iter().try_for_each(check_order)?;
    setup.faults.iter().try_for_each(check_fault)?;
    if orders_held + new_invoices > MAX_ORDERS {
        return Err(Refusal {
            status: 413,
            message: format!("TOO MANY ORDERS: the emulator holds at most {MAX_ORDERS} (reset it between tests)"),
        });
    }
    if !fits {
        return Err(too_full());
    }
    if faults_queued + setup.faults.len() > MAX_FAULTS {
        return Err(Refusal { status: 413, message: format!("TOO MANY FAULTS: at most {MAX_FAULTS} queued at once") });
    }
    Ok(())
}

pub(crate) fn check_order(order: &Order) -> Result<(), Refusal> {
    if order.invoice_number.is_empty() {
        return Err(bad("INVALID ORDER: invoice_number is empty".to_owned()));
    }
    for (name, value) in [
        ("invoice_number", Some(&order.invoice_number)),
        ("original_request_id", Some(&order.original_request_id)),
        ("payment_method", order.payment_method.as_ref()),
    ] {
        if value.is_some_and(|v| v.len() > MAX_ORDER_FIELD) {
            return Err(bad(format!("INVALID ORDER: {name} is longer than {MAX_ORDER_FIELD} bytes")));
        }
    }
    for (name, value) in
        [("expires_at", Some(order.expires_at)), ("created_at", order.created_at), ("paid_at", order.paid_at)]
    {
        if value.is_some_and(|t| !crate::clock::in_range(t)) {
            return Err(bad(format!("INVALID ORDER: {name} must be a time between 2000 and 2100 (Unix seconds)")));
        }
    }
    if order.payment_method_types.len() > MAX_METHODS
        || order.payment_method_types.iter().any(|m| m.is_empty() || m.len() > MAX_METHOD_LEN)
    {
        return Err(bad(format!(
            "INVALID ORDER: payment_method_types holds at most {MAX_METHODS} codes of 1 to {MAX_METHOD_LEN} bytes"
        )));
    }
    if order.line_items.len() > MAX_LINE_ITEMS
        || order.line_items.iter().any(|i| i.name.as_ref().is_some_and(|n| n.len() > MAX_ORDER_FIELD))
    {
        return Err(bad(format!(
            "INVALID ORDER: line_items holds at most {MAX_LINE_ITEMS} items, names of at most {MAX_ORDER_FIELD} bytes"
        )));
    }
    for url in [&order.notification_url, &order.callback_url].into_iter().flatten() {
        if url.len() > MAX_URL_LEN {
            return Err(bad(format!("INVALID ORDER: a URL is at most {MAX_URL_LEN} bytes")));
        }
    }
    if order.token.as_ref().is_some_and(|t| {
        t.is_empty() || t.len() > 64 || !t.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
    }) {
        return Err(bad("INVALID ORDER: token is 1 to 64 of A-Z, a-z, 0-9, - and _".to_owned()));
    }
    if let Some(url) = &order.notification_url {
        crate::notify::check_url_form(url)
            .map_err(|e| bad(format!("INVALID ORDER: notification_url: {}", e.message())))?;
    }
    Ok(())
}

pub(crate) fn check_fault(fault: &Fault) -> Result<(), Refusal> {
    if !(1..=MAX_FAULT_COUNT).contains(&fault.count) {
        return Err(bad(format!("INVALID FAULT: count must be 1 to {MAX_FAULT_COUNT}, not {}", fault.count)));
    }
    match fault.kind {
        FaultKind::Delay { ms } | FaultKind::DelayAfter { ms } if ms > MAX_FAULT_DELAY_MS => {
            Err(bad(format!("INVALID FAULT: a delay is at most {MAX_FAULT_DELAY_MS} ms")))
        }
        FaultKind::Status { status, .. } if !(100..=599).contains(&status) => {
            Err(bad(format!("INVALID FAULT: status {status} is not an HTTP status")))
        }
        FaultKind::Status { retry_after: Some(s), .. } if s > MAX_RETRY_AFTER_S => {
            Err(bad(format!("INVALID FAULT: retry_after is at most {MAX_RETRY_AFTER_S} s")))
        }
        FaultKind::Status { body: Some(ref b), .. } if b.len() > MAX_FAULT_BODY => {
            Err(bad(format!("INVALID FAULT: body is at most {MAX_FAULT_BODY} bytes")))
        }
        _ => Ok(()),
    }
}

/// The headers as the log keeps them: each value cut at [`LOGGED_HEADER_VALUE_LIMIT`] bytes and
/// at most [`LOGGED_HEADERS_LIMIT`] bytes in all, with a last `…` entry saying what was left out.
pub(crate) fn logged_headers(headers: &[(String, String)]) -> Vec<(String, String)> {
    let mut kept = Vec::new();
    let (mut used, mut left_out) = (0usize, 0usize);
    for (name, value) in headers {
        let value = cut(value, LOGGED_HEADER_VALUE_LIMIT);
        if used + name.len() + value.len() > LOGGED_HEADERS_LIMIT {
            left_out += 1;
            continue;
        }
        used += name.len() + value.len();
        kept.push((name.clone(), value));
    }
    if left_out > 0 {
        kept.push(("…".to_owned(), format!("[{left_out} headers not logged]")));
    }
    kept
}

/// How the log names a fault: its kind and numbers, never a status fault's body.
pub(crate) fn fault_name(kind: &FaultKind) -> String {
    match kind {
        FaultKind::Status { status, retry_after, body } => format!(
            "Status {{ status: {status}, retry_after: {retry_after:?}{} }}",
            body.as_ref().map(|b| format!(", body: {} bytes", b.len())).unwrap_or_default()
        ),
        other => format!("{other:?}"),
    }
}

/// `text` cut at a character boundary at most `limit` bytes in, with a note when cut.
pub(crate) fn cut(text: &str, limit: usize) -> String {
    if text.len() <= limit {
        return text.to_owned();
    }
    let end = (0..=limit).rev().find(|&i| text.is_char_boundary(i)).unwrap_or(0);
    format!("{}…[{} bytes not logged]", &text[..end], text.len() - end)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fault(kind: FaultKind, count: u32) -> Fault {
        Fault { kind, count }
    }

    #[test]
    fn fault_counts_and_values_are_range_checked() {
        assert!(check_fault(&fault(FaultKind::ResetBefore, 1)).is_ok());
        assert!(check_fault(&fault(FaultKind::ResetBefore, MAX_FAULT_COUNT)).is_ok());
        for count in [0, MAX_FAULT_COUNT + 1, u32::MAX] {
            assert_eq!(check_fault(&fault(FaultKind::ResetBefore, count)).expect_err("count").status, 400, "{count}");
        }
        assert!(check_fault(&fault(FaultKind::Delay { ms: MAX_FAULT_DELAY_MS + 1 }, 1)).is_err());
        assert!(check_fault(&fault(FaultKind::Status { status: 1000, retry_after: None, body: None }, 1)).is_err());
        assert!(
            check_fault(&fault(FaultKind::Status { status: 429, retry_after: Some(u64::MAX), body: None }, 1)).is_err()
        );
    }

    #[test]
    fn the_log_keeps_a_bounded_part_of_the_headers() {
        let headers: Vec<(String, String)> = (0..120).map(|i| (format!("x-h{i}"), "v".repeat(3_000))).collect();
        let kept = logged_headers(&headers);
        let bytes: usize = kept.iter().map(|(n, v)| n.len() + v.len()).sum();
        assert!(bytes <= LOGGED_HEADERS_LIMIT + 64, "{bytes}");
        assert_eq!(kept.last().map(|(n, _)| n.as_str()), Some("…"));
        let long = logged_headers(&[("x-long".to_owned(), "é".repeat(10_000))]);
        assert!(long[0].1.len() < LOGGED_HEADER_VALUE_LIMIT + 64 && long[0].1.ends_with("bytes not logged]"));
        let small = vec![("client-id".to_owned(), "MCH-1".to_owned())];
        assert_eq!(logged_headers(&small), small, "ordinary headers are kept whole");
    }
}
