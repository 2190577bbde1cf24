//! How DOKU reads a create-checkout body (`POST /checkout/v1/payment`): the number forms its
//! own plugins send, and the refusals. The emulator reads requests with this, so it accepts
//! exactly what this says DOKU accepts; the shared vectors (`checkout_reading.json`) pin it.
//!
//! Why strings: DOKU's WooCommerce plugin sends `"amount":"150000"` (a shop with 0 price
//! decimals) or `"150000.00"` (WooCommerce's default of 2), line-item `price` as strings and
//! `"payment_due_date":"60"`; its Magento plugin sends strings too; both work against
//! production. DOKU documents `order.amount` as a number of rupiah with no decimals, at most
//! 12 digits (`doku-api.md` §2.2), so a fraction that is not zero is refused, as is anything
//! that is not a number.

use serde_json::Value;

use crate::error::{Error, ErrorCode};

/// The largest `order.amount` and line-item `price`: 12 digits (DOKU: "max length 12").
pub const MAX_AMOUNT: u64 = 999_999_999_999;
/// The largest line-item `quantity` (DOKU documents none; a sanity bound).
pub const MAX_QUANTITY: u64 = 1_000_000;
/// The longest `payment.payment_due_date`: one year, in minutes (DOKU: "max length 6").
pub const MAX_DUE_MINUTES: u64 = 366 * 24 * 60;
/// DOKU's default `payment.payment_due_date` (minutes).
pub const DEFAULT_DUE_MINUTES: u64 = 60;
/// The longest `order.invoice_number`.
pub const MAX_INVOICE_LEN: usize = 64;
/// The most line items read.
pub const MAX_LINE_ITEMS: usize = 1_000;
/// The most `payment.payment_method_types` read.
pub const MAX_METHODS: usize = 100;
/// The longest URL read from the body.
pub const MAX_URL_LEN: usize = 2_048;

/// What a create-checkout body asks for, once DOKU's forms are read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CheckoutRequestFacts {
    /// `order.invoice_number`.
    pub invoice_number: String,
    /// `order.amount`, in rupiah.
    pub amount: u64,
    /// `payment.payment_due_date`, in minutes (60 when absent).
    pub due_minutes: u64,
    /// `payment.payment_method_types` (empty: every method of the merchant).
    pub payment_method_types: Vec<String>,
    /// `order.line_items`, read as DOKU reads them (empty when none were sent).
    pub line_items: Vec<CheckoutLine>,
    /// `order.callback_url`, if any.
    pub callback_url: Option<String>,
    /// `order.recover_abandoned_cart`.
    pub recover_abandoned_cart: bool,
    /// `additional_info.override_notification_url`, if any.
    pub override_notification_url: Option<String>,
}

/// One line item as read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CheckoutLine {
    /// `name`, if given.
    pub name: Option<String>,
    /// `price`, rupiah.
    pub price: u64,
    /// `quantity`.
    pub quantity: u64,
}

/// The longest line-item name read (bytes).
pub const MAX_ITEM_NAME: usize = 256;

/// Why a number was refused (the error's `reason`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum NumberProblem {
    NotANumber,
    Fractional,
    OutOfRange,
}

impl NumberProblem {
    fn reason(self) -> &'static str {
        match self {
            Self::NotANumber => "not_a_number",
            Self::Fractional => "fractional",
            Self::OutOfRange => "out_of_range",
        }
    }
}

/// A whole number in DOKU's accepted forms: a JSON integer, a JSON number whose fraction is
/// zero (read as JSON reads numbers, so `1.5e5` is 150000), a string of digits (leading zeros
/// allowed: `"0150000"`), or a string of digits with a fraction of zeros (`"150000.00"`). A
/// string has no sign, exponent or spaces and is not empty. Within `min..=max`.
fn whole_number(value: &Value, min: u64, max: u64) -> Result<u64, NumberProblem> {
    let n = match value {
        Value::Number(n) => {
            if let Some(u) = n.as_u64() {
                u
            } else if n.as_i64().is_some() {
                return Err(NumberProblem::OutOfRange);
            } else {
                let f = n.as_f64().ok_or(NumberProblem::NotANumber)?;
                if f.fract() != 0.0 {
                    return Err(NumberProblem::Fractional);
                }
                // Exact below 2^53; anything larger is past every bound here anyway.
                if !(0.0..=9_007_199_254_740_992.0).contains(&f) {
                    return Err(NumberProblem::OutOfRange);
                }
                f as u64
            }
        }
        Value::String(s) => digits(s)?,
        _ => return Err(NumberProblem::NotANumber),
    };
    if (min..=max).contains(&n) { Ok(n) } else { Err(NumberProblem::OutOfRange) }
}

/// `"150000"` or `"150000.00"` (the fraction all zeros).
fn digits(text: &str) -> Result<u64, NumberProblem> {
    let (whole, fraction) = text.split_once('.').unwrap_or((text, ""));
    let all_digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    if !all_digits(whole) || (text.contains('.') && !all_digits(fraction)) {
        return Err(NumberProblem::NotANumber);
    }
    if fraction.bytes().any(|b| b != b'0') {
        return Err(NumberProblem::Fractional);
    }
    let significant = whole.trim_start_matches('0');
    if significant.len() > 19 {
        return Err(NumberProblem::OutOfRange);
    }
    if significant.is_empty() { Ok(0) } else { significant.parse().map_err(|_| NumberProblem::OutOfRange) }
}

/// An amount of rupiah written as text, in the forms DOKU accepts (`"150000"`, `"150000.00"`):
/// for command lines and forms. `invalid_input` naming `field` otherwise.
pub fn parse_rupiah(text: &str, field: &'static str) -> Result<u64, Error> {
    whole_number(&Value::String(text.to_owned()), 1, MAX_AMOUNT).map_err(|p| {
        Error::invalid_input(
            field,
            format!(
                "{field} must be whole rupiah from 1 to {MAX_AMOUNT} (\"150000\" or \"150000.00\"): {}",
                p.reason()
            ),
        )
        .with_reason(p.reason())
    })
}

fn refused(field: &'static str, reason: &'static str, doku_message: String) -> Error {
    let message = format!("DOKU refuses {field} ({reason}): {doku_message}");
    Error::new(ErrorCode::InvalidRequest, message).with_reason(reason).with_field(field).with_http(
        Some(400),
        vec![doku_message],
        None,
    )
}

fn invalid(field: &'static str, reason: &'static str) -> Error {
    refused(field, reason, format!("INVALID PARAMETER: {field}"))
}

fn at<'v>(v: &'v Value, path: &[&str]) -> Option<&'v Value> {
    path.iter().try_fold(v, |v, k| v.get(k)).filter(|v| !v.is_null())
}

fn number(v: &Value, path: &[&str], field: &'static str, min: u64, max: u64) -> Result<Option<u64>, Error> {
    at(v, path).map(|n| whole_number(n, min, max).map_err(|p| invalid(field, p.reason()))).transpose()
}

/// Text of at most `max` characters (the client counts invoice numbers in characters too).
fn text(v: &Value, path: &[&str], field: &'static str, max: usize) -> Result<Option<String>, Error> {
    match at(v, path) {
        None => Ok(None),
        Some(Value::String(s)) if s.chars().count() <= max => Ok(Some(s.clone())),
        Some(Value::String(_)) => Err(invalid(field, "too_long")),
        Some(_) => Err(invalid(field, "not_text")),
    }
}

/// Reads a create-checkout body as DOKU does. Refusals are `invalid_request` errors carrying
/// DOKU's message (`INVALID PARAMETER: order.amount`, `AMOUNT NOT MATCH`) in `messages`, the
/// field, and a reason (`missing`, `not_a_number`, `fractional`, `out_of_range`, `not_text`,
/// `amount_not_match`).
pub fn read_checkout_request(body: &Value) -> Result<CheckoutRequestFacts, Error> {
    if !body.is_object() {
        return Err(refused("body", "not_an_object", "INVALID JSON BODY".to_owned()));
    }
    let invoice_number = text(body, &["order", "invoice_number"], "order.invoice_number", MAX_INVOICE_LEN)?
        .filter(|s| !s.is_empty())
        .ok_or_else(|| invalid("order.invoice_number", "missing"))?;
    let amount = number(body, &["order", "amount"], "order.amount", 1, MAX_AMOUNT)?
        .ok_or_else(|| invalid("order.amount", "missing"))?;
    let mut line_items = Vec::new();
    if let Some(items) = at(body, &["order", "line_items"]) {
        let items = items
            .as_array()
            .filter(|a| a.len() <= MAX_LINE_ITEMS)
            .ok_or_else(|| invalid("order.line_items", "not_a_list"))?;
        let mut total: u64 = 0;
        for item in items {
            let price = number(item, &["price"], "order.line_items.price", 0, MAX_AMOUNT)?
                .ok_or_else(|| invalid("order.line_items.price", "missing"))?;
            let quantity = number(item, &["quantity"], "order.line_items.quantity", 1, MAX_QUANTITY)?
                .ok_or_else(|| invalid("order.line_items.quantity", "missing"))?;
            // Both bounded (12 digits × 7 digits), so the product fits; the sum is checked.
            total = total.saturating_add(price * quantity);
            let name = text(item, &["name"], "order.line_items.name", MAX_ITEM_NAME)?;
            line_items.push(CheckoutLine { name, price, quantity });
        }
        if total != amount {
            return Err(refused("order.line_items", "amount_not_match", "AMOUNT NOT MATCH".to_owned()));
        }
    }
    let due_minutes = number(body, &["payment", "payment_due_date"], "payment.payment_due_date", 1, MAX_DUE_MINUTES)?
        .unwrap_or(DEFAULT_DUE_MINUTES);
    let payment_method_types = match at(body, &["payment", "payment_method_types"]) {
        None => Vec::new(),
        Some(Value::Array(methods)) if methods.len() <= MAX_METHODS => methods
            .iter()
            .map(|m| m.as_str().filter(|s| !s.is_empty() && s.len() <= 64).map(str::to_owned))
            .collect::<Option<Vec<_>>>()
            .ok_or_else(|| invalid("payment.payment_method_types", "not_text"))?,
        Some(_) => return Err(invalid("payment.payment_method_types", "not_a_list")),
    };
    let recover_abandoned_cart = match at(body, &["order", "recover_abandoned_cart"]) {
        None => false,
        Some(Value::Bool(b)) => *b,
        Some(_) => return Err(invalid("order.recover_abandoned_cart", "not_a_boolean")),
    };
    Ok(CheckoutRequestFacts {
        invoice_number,
        amount,
        due_minutes,
        payment_method_types,
        line_items,
        callback_url: text(body, &["order", "callback_url"], "order.callback_url", MAX_URL_LEN)?,
        recover_abandoned_cart,
        override_notification_url: text(
            body,
            &["additional_info", "override_notification_url"],
            "additional_info.override_notification_url",
            MAX_URL_LEN,
        )?,
    })
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn amount_of(value: Value) -> Result<u64, Error> {
        read_checkout_request(&json!({ "order": { "invoice_number": "INV-1", "amount": value } })).map(|f| f.amount)
    }

    #[test]
    fn every_form_the_plugins_send_reads_as_the_same_rupiah() {
        for form in [json!(150000), json!("150000"), json!("150000.00"), json!("150000.0"), json!(150000.0)] {
            assert_eq!(amount_of(form.clone()).map_err(|e| e.reason().map(str::to_owned)), Ok(150_000), "{form}");
        }
    }

    #[test]
    fn refusals_name_the_field_the_reason_and_dokus_message() {
        for (form, reason) in [
            (json!("150000.50"), "fractional"),
            (json!(150000.5), "fractional"),
            (json!("abc"), "not_a_number"),
            (json!(""), "not_a_number"),
            (json!(" 150000"), "not_a_number"),
            (json!("1e5"), "not_a_number"),
            (json!("-1"), "not_a_number"),
            (json!("150000."), "not_a_number"),
            (json!(true), "not_a_number"),
            (json!(0), "out_of_range"),
            (json!(-5), "out_of_range"),
            (json!("1000000000000"), "out_of_range"),
            (json!("99999999999999999999999"), "out_of_range"),
        ] {
            let e = amount_of(form.clone()).expect_err("refused");
            assert_eq!(
                (e.code(), e.reason(), e.field()),
                (ErrorCode::InvalidRequest, Some(reason), Some("order.amount"))
            );
            assert_eq!(e.messages(), ["INVALID PARAMETER: order.amount"], "{form}");
        }
    }

    #[test]
    fn a_typed_amount_takes_the_same_forms() {
        assert_eq!(parse_rupiah("150000.00", "amount").ok(), Some(150_000));
        assert_eq!(parse_rupiah("150000.5", "amount").expect_err("fraction").reason(), Some("fractional"));
        assert_eq!(parse_rupiah("0", "amount").expect_err("zero").field(), Some("amount"));
    }

    #[test]
    fn line_items_must_add_up_in_any_form() {
        let body = |price: Value| {
            json!({ "order": { "invoice_number": "I", "amount": "150000.00",
                "line_items": [{ "name": "a", "price": price, "quantity": "2" }, { "name": "b", "price": 50000, "quantity": 1 }] } })
        };
        assert_eq!(read_checkout_request(&body(json!("50000.00"))).expect("adds up").amount, 150_000);
        let e = read_checkout_request(&body(json!("50001"))).expect_err("does not add up");
        assert_eq!(e.messages(), ["AMOUNT NOT MATCH"]);
        let e = read_checkout_request(&body(json!("50000.5"))).expect_err("fractional price");
        assert_eq!(e.field(), Some("order.line_items.price"));
    }

    #[test]
    fn the_due_date_takes_the_same_forms_and_defaults_to_an_hour() {
        let due = |d: Value| {
            read_checkout_request(
                &json!({ "order": { "invoice_number": "I", "amount": 1 }, "payment": { "payment_due_date": d } }),
            )
            .map(|f| f.due_minutes)
        };
        assert_eq!(due(json!("60")).ok(), Some(60));
        assert_eq!(due(json!(30)).ok(), Some(30));
        assert_eq!(due(Value::Null).ok(), Some(60));
        assert_eq!(due(json!("0")).expect_err("zero").reason(), Some("out_of_range"));
        assert_eq!(due(json!("1.5")).expect_err("fraction").reason(), Some("fractional"));
    }
}
