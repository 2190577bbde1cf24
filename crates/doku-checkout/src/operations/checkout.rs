//! `POST /checkout/v1/payment`: create a checkout page and learn the Request-Id to keep.

use serde_json::{Map, Value, json};

use super::prepared::{Method, PreparedRequest};
use super::validate::text;
use crate::classify::{Classified, classify_parsed, doku_messages};
use crate::error::Error;
use crate::shown::Quoted;
use crate::timestamp::Timestamp;

/// The create-checkout path (and Request-Target).
pub const CHECKOUT_PATH: &str = "/checkout/v1/payment";

/// Largest amount DOKU accepts (12 digits, IDR, no decimals).
const MAX_AMOUNT: u64 = 999_999_999_999;

/// A JSON object of extra body fields. Over uniffi it arrives as JSON text; text that is not
/// an object is kept as a refusal and reported by [`CreateCheckoutRequest::validate`] as
/// `invalid_input` on `extra`, so a foreign caller gets the typed error, never a lift failure.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct JsonObject {
    map: Map<String, Value>,
    refused: Option<String>,
}

impl JsonObject {
    /// The fields.
    pub fn fields(&self) -> &Map<String, Value> {
        &self.map
    }

    /// Reads JSON text (at most 256 KiB) that must be an object; never fails here.
    pub fn parse(text: &str) -> Self {
        match serde_json::from_str(text) {
            Ok(Value::Object(map)) if text.len() <= MAX_REQUEST_JSON => Self { map, refused: None },
            _ => Self {
                map: Map::new(),
                refused: Some("extra must be the text of a JSON object (at most 256 KiB)".into()),
            },
        }
    }
}

impl From<Map<String, Value>> for JsonObject {
    fn from(map: Map<String, Value>) -> Self {
        Self { map, refused: None }
    }
}

impl serde::Serialize for JsonObject {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.map.serialize(serializer)
    }
}

impl<'de> serde::Deserialize<'de> for JsonObject {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Map::deserialize(deserializer).map(Self::from)
    }
}

/// Customer details shown on the checkout page.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(default, deny_unknown_fields)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct CheckoutCustomer {
    /// Merchant's customer id.
    #[cfg_attr(feature = "uniffi", uniffi(default = None))]
    pub id: Option<String>,
    /// Name.
    #[cfg_attr(feature = "uniffi", uniffi(default = None))]
    pub name: Option<String>,
    /// E-mail address.
    #[cfg_attr(feature = "uniffi", uniffi(default = None))]
    pub email: Option<String>,
    /// Phone number.
    #[cfg_attr(feature = "uniffi", uniffi(default = None))]
    pub phone: Option<String>,
}

/// One line of the order. DOKU refuses line items that do not add up to the amount.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct CheckoutLineItem {
    /// Item name.
    pub name: String,
    /// Unit price in IDR.
    pub price: u64,
    /// Quantity.
    pub quantity: u32,
}

/// A create-checkout request. Fields we do not model go into `extra`, a JSON object merged
/// into the body (objects merge key by key; `extra` wins on conflicts).
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(default, deny_unknown_fields)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct CreateCheckoutRequest {
    /// `order.invoice_number`, 1–64 characters.
    pub invoice_number: String,
    /// `order.amount` in IDR, a positive integer.
    pub amount: u64,
    /// `payment.payment_due_date` in minutes (DOKU's default is 60).
    #[cfg_attr(feature = "uniffi", uniffi(default = None))]
    pub payment_due_minutes: Option<u32>,
    /// `payment.payment_method_types`, e.g. `["VIRTUAL_ACCOUNT_BCA", "QRIS"]`.
    #[cfg_attr(feature = "uniffi", uniffi(default = []))]
    pub payment_method_types: Vec<String>,
    /// `customer`.
    #[cfg_attr(feature = "uniffi", uniffi(default = None))]
    pub customer: Option<CheckoutCustomer>,
    /// `order.line_items`.
    #[cfg_attr(feature = "uniffi", uniffi(default = []))]
    pub line_items: Vec<CheckoutLineItem>,
    /// `order.callback_url` (after payment).
    #[cfg_attr(feature = "uniffi", uniffi(default = None))]
    pub callback_url: Option<String>,
    /// `order.callback_url_cancel`.
    #[cfg_attr(feature = "uniffi", uniffi(default = None))]
    pub callback_url_cancel: Option<String>,
    /// `order.callback_url_result`.
    #[cfg_attr(feature = "uniffi", uniffi(default = None))]
    pub callback_url_result: Option<String>,
    /// Extra body fields, merged in.
    #[cfg_attr(feature = "uniffi", uniffi(default = None))]
    pub extra: Option<JsonObject>,
}

fn optional(field: &'static str, v: &Option<String>, max: usize) -> Result<(), Error> {
    v.as_deref().map_or(Ok(()), |s| text(field, s, max))
}

fn merge(into: &mut Value, extra: &Value) {
    match (into, extra) {
        (Value::Object(a), Value::Object(b)) => {
            for (k, v) in b {
                merge(a.entry(k.clone()).or_insert(Value::Null), v);
            }
        }
        (slot, v) => *slot = v.clone(),
    }
}

/// The request's field names, for naming the first bad one in a caller's JSON.
const FIELDS: &[&str] = &[
    "invoice_number",
    "amount",
    "payment_due_minutes",
    "payment_method_types",
    "customer",
    "line_items",
    "callback_url",
    "callback_url_cancel",
    "callback_url_result",
    "extra",
];

/// The largest create-checkout request read from a caller's JSON.
const MAX_REQUEST_JSON: usize = 256 * 1024;

impl CreateCheckoutRequest {
    /// Reads a request from a binding's JSON object (snake_case keys): unknown keys and
    /// wrong types are `invalid_input` naming the field; nothing is coerced.
    pub fn from_json_value(value: Value) -> Result<Self, Error> {
        // serde reads a struct from an array by position; a customer or line item must be an object.
        let items = value["line_items"].as_array().map_or(&[][..], Vec::as_slice);
        if value["customer"].is_array() || items.iter().any(|i| !i.is_object()) {
            let field = if value["customer"].is_array() { "customer" } else { "line_items" };
            return Err(Error::invalid_input(field, format!("each {field} entry must be a JSON object")));
        }
        crate::strict_json::deserialize(value, FIELDS, "request", Error::invalid_input)
    }

    /// [`CreateCheckoutRequest::from_json_value`] from JSON text (at most 256 KiB).
    pub fn from_json(text: &str) -> Result<Self, Error> {
        let request =
            Self::from_json_value(crate::strict_json::parse(text, MAX_REQUEST_JSON, "request", Error::invalid_input)?)?;
        crate::strict_json::exact_integers(text, "request", Error::invalid_input)?;
        Ok(request)
    }

    /// Checks every field; the error names the first bad one.
    pub fn validate(&self) -> Result<(), Error> {
        text("invoice_number", &self.invoice_number, 64)?;
        if let Some(refusal) = self.extra.as_ref().and_then(|e| e.refused.as_ref()) {
            return Err(Error::invalid_input("extra", refusal.clone()));
        }
        if self.amount == 0 || self.amount > MAX_AMOUNT {
            return Err(Error::invalid_input(
                "amount",
                format!("amount must be a positive whole number of rupiah up to {MAX_AMOUNT}"),
            ));
        }
        if let Some(m) = self.payment_due_minutes
            && !(1..=999_999).contains(&m)
        {
            return Err(Error::invalid_input(
                "payment_due_minutes",
                "payment_due_minutes must be between 1 and 999999",
            ));
        }
        for t in &self.payment_method_types {
            text("payment_method_types", t, 64)?;
        }
        if let Some(c) = &self.customer {
            optional("customer.id", &c.id, 64)?;
            optional("customer.name", &c.name, 255)?;
            optional("customer.email", &c.email, 128)?;
            optional("customer.phone", &c.phone, 16)?;
        }
        for item in &self.line_items {
            text("line_items.name", &item.name, 255)?;
            if item.quantity == 0 {
                return Err(Error::invalid_input("line_items.quantity", "line item quantity must be at least 1"));
            }
        }
        if !self.line_items.is_empty() {
            let total = self
                .line_items
                .iter()
                .try_fold(0u64, |acc, i| acc.checked_add(i.price.checked_mul(u64::from(i.quantity))?));
            if total != Some(self.amount) {
                return Err(Error::invalid_input(
                    "line_items",
                    format!(
                        "line items add up to {} but amount is {}; DOKU refuses this with AMOUNT NOT MATCH",
                        total.unwrap_or(u64::MAX),
                        self.amount
                    ),
                ));
            }
        }
        optional("callback_url", &self.callback_url, 2048)?;
        optional("callback_url_cancel", &self.callback_url_cancel, 2048)?;
        optional("callback_url_result", &self.callback_url_result, 2048)?;
        Ok(())
    }

    /// Validates and serialises the body once.
    pub fn prepare(&self) -> Result<PreparedRequest, Error> {
        self.validate()?;
        let mut order = json!({ "invoice_number": self.invoice_number, "amount": self.amount });
        let mut payment = json!({});
        if let Some(m) = self.payment_due_minutes {
            payment["payment_due_date"] = json!(m);
        }
        if !self.payment_method_types.is_empty() {
            payment["payment_method_types"] = json!(self.payment_method_types);
        }
        if !self.line_items.is_empty() {
            order["line_items"] = self
                .line_items
                .iter()
                .map(|i| json!({ "name": i.name, "price": i.price, "quantity": i.quantity }))
                .collect();
        }
        for (key, value) in [
            ("callback_url", &self.callback_url),
            ("callback_url_cancel", &self.callback_url_cancel),
            ("callback_url_result", &self.callback_url_result),
        ] {
            if let Some(v) = value {
                order[key] = json!(v);
            }
        }
        let mut body = json!({ "order": order, "payment": payment });
        if let Some(c) = &self.customer {
            let mut customer = Map::new();
            for (k, v) in [("id", &c.id), ("name", &c.name), ("email", &c.email), ("phone", &c.phone)] {
                if let Some(v) = v {
                    customer.insert(k.to_owned(), json!(v));
                }
            }
            body["customer"] = Value::Object(customer);
        }
        if let Some(extra) = &self.extra {
            merge(&mut body, &Value::Object(extra.map.clone()));
        }
        let bytes = serde_json::to_vec(&body)
            .map_err(|e| Error::invalid_input("extra", format!("extra cannot be serialised: {e}")))?;
        Ok(PreparedRequest {
            method: Method::Post,
            path: CHECKOUT_PATH.to_owned(),
            url_template: CHECKOUT_PATH,
            body: Some(bytes),
        })
    }
}

/// A created checkout page.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[cfg_attr(feature = "napi", napi_derive::napi(object, use_nullable = true, object_from_js = false))]
#[cfg_attr(feature = "python", pyo3::pyclass(module = "doku_checkout._native", frozen, get_all))]
pub struct CreateCheckoutResult {
    /// **Store this.** The Request-Id of the create call; cancelling needs it as
    /// `original_request_id`.
    pub request_id: String,
    /// HTTP status of DOKU's answer.
    pub http_status: u16,
    /// DOKU's `message` list.
    pub messages: Vec<String>,
    /// `response.payment.url`: where to send the customer.
    pub payment_url: String,
    /// `response.payment.token_id`.
    pub token_id: Option<String>,
    /// When the page expires (from `expired_datetime`, else the WIB `expired_date`); an ISO
    /// `YYYY-MM-DDTHH:MM:SSZ` string in every binding.
    #[cfg_attr(feature = "napi", napi(ts_type = "string"))]
    pub expires_at: Option<Timestamp>,
    /// The raw response body.
    pub raw_body: String,
}

impl CreateCheckoutResult {
    /// Interprets DOKU's final answer.
    pub fn from_response(request_id: &str, status: u16, body: &[u8]) -> Result<Self, Error> {
        let parsed: Option<Value> = serde_json::from_slice(body).ok();
        if let Classified::Failure(e) = classify_parsed(status, body, parsed.as_ref()) {
            return Err(e.with_request_id(request_id));
        }
        let v = parsed.unwrap_or(Value::Null);
        let payment = &v["response"]["payment"];
        let url = payment["url"].as_str().ok_or_else(|| {
            Error::invalid_response("DOKU's create-checkout answer has no response.payment.url")
                .with_http(Some(status), doku_messages(&v), Some(String::from_utf8_lossy(body).into_owned()))
                .with_request_id(request_id)
        })?;
        let expires_at = match (payment["expired_datetime"].as_str(), payment["expired_date"].as_str()) {
            (Some(utc), _) => Some(
                Timestamp::parse(utc)
                    .map_err(|_| Error::invalid_response(format!("expired_datetime {} is not UTC", Quoted(utc))))?,
            ),
            (None, Some(wib)) => Some(Timestamp::parse_wib_compact(wib)?),
            (None, None) => None,
        };
        Ok(Self {
            request_id: request_id.to_owned(),
            http_status: status,
            messages: doku_messages(&v),
            payment_url: url.to_owned(),
            token_id: payment["token_id"].as_str().map(str::to_owned),
            expires_at,
            raw_body: String::from_utf8_lossy(body).into_owned(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn req() -> CreateCheckoutRequest {
        CreateCheckoutRequest { invoice_number: "INV-1".into(), amount: 20000, ..Default::default() }
    }

    #[test]
    fn validation() {
        assert!(req().validate().is_ok());
        assert_eq!(CreateCheckoutRequest { amount: 0, ..req() }.validate().expect_err("zero").field(), Some("amount"));
        let items = vec![CheckoutLineItem { name: "A".into(), price: 5000, quantity: 3 }];
        assert_eq!(
            CreateCheckoutRequest { line_items: items.clone(), ..req() }.validate().expect_err("sum").field(),
            Some("line_items")
        );
        assert!(CreateCheckoutRequest { line_items: items, amount: 15000, ..req() }.validate().is_ok());
    }

    #[test]
    fn amount_limit_is_inclusive() {
        assert!(CreateCheckoutRequest { amount: MAX_AMOUNT, ..req() }.validate().is_ok());
        let e = CreateCheckoutRequest { amount: MAX_AMOUNT + 1, ..req() }.validate().expect_err("too much");
        assert_eq!(e.field(), Some("amount"));
    }

    #[test]
    fn optional_fields_are_checked_when_present() {
        let customer = |name: &str| CheckoutCustomer { name: Some(name.to_owned()), ..Default::default() };
        let with = |c| CreateCheckoutRequest { customer: Some(c), ..req() };
        assert!(with(customer("Budi")).validate().is_ok());
        assert_eq!(with(customer(&"n".repeat(256))).validate().expect_err("long").field(), Some("customer.name"));
        assert_eq!(with(customer("a\u{0}b")).validate().expect_err("control").field(), Some("customer.name"));
        let phone = CheckoutCustomer { phone: Some("0".repeat(17)), ..Default::default() };
        assert_eq!(with(phone).validate().expect_err("phone").field(), Some("customer.phone"));
        let url = CreateCheckoutRequest { callback_url: Some("x".repeat(2049)), ..req() };
        assert_eq!(url.validate().expect_err("url").field(), Some("callback_url"));
    }

    #[test]
    fn the_body_has_payment_method_types_only_when_given() {
        let body = |r: CreateCheckoutRequest| -> Value {
            serde_json::from_slice(&r.prepare().expect("valid").body.expect("body")).expect("json")
        };
        assert!(body(req())["payment"].get("payment_method_types").is_none());
        let with = body(CreateCheckoutRequest { payment_method_types: vec!["QRIS".into()], ..req() });
        assert_eq!(with["payment"]["payment_method_types"], json!(["QRIS"]));
    }

    #[test]
    fn extra_text_that_is_not_an_object_is_refused_at_validation() {
        for bad in ["[1]", "nope", "1"] {
            let r = CreateCheckoutRequest { extra: Some(JsonObject::parse(bad)), ..req() };
            assert_eq!(r.validate().expect_err(bad).field(), Some("extra"));
        }
        let good = CreateCheckoutRequest { extra: Some(JsonObject::parse(r#"{"a":1}"#)), ..req() };
        assert_eq!(good.extra.as_ref().map(|e| e.fields().len()), Some(1));
        assert!(good.validate().is_ok());
    }

    #[test]
    fn requests_from_json_are_strict_and_name_the_field() {
        let r = CreateCheckoutRequest::from_json(
            r#"{"invoice_number":"INV-1","amount":20000,"customer":{"name":"Budi"},"extra":{"order":{"language":"EN"}}}"#,
        )
        .expect("valid");
        assert_eq!((r.invoice_number.as_str(), r.amount), ("INV-1", 20000));
        assert_eq!(r.customer.and_then(|c| c.name).as_deref(), Some("Budi"));
        assert_eq!(r.extra.map(|e| e.fields()["order"]["language"].clone()), Some(json!("EN")));
        let field = |text: &str| CreateCheckoutRequest::from_json(text).expect_err(text).field().map(str::to_owned);
        assert_eq!(field(r#"{"invoice_number":"I","amount":1.5}"#).as_deref(), Some("amount"));
        assert_eq!(field(r#"{"invoice_number":"I","amount":1,"colour":"red"}"#).as_deref(), Some("request"));
        assert_eq!(
            field(r#"{"invoice_number":"I","amount":1,"line_items":[{"name":"A","price":1,"quantity":-1}]}"#)
                .as_deref(),
            Some("line_items")
        );
        assert_eq!(field("[]").as_deref(), Some("request"));
        assert_eq!(field(r#"{"invoice_number":"I","amount":1,"customer":["a","b"]}"#).as_deref(), Some("customer"));
        assert_eq!(
            field(r#"{"invoice_number":"I","amount":1,"line_items":[["A",1,1]]}"#).as_deref(),
            Some("line_items")
        );
        let long = format!(r#"{{"invoice_number":"{}","amount":1}}"#, "x".repeat(MAX_REQUEST_JSON));
        assert!(CreateCheckoutRequest::from_json(&long).expect_err("long").message().contains("larger than"));
        let value = json!({"invoice_number": "INV-2", "amount": 5});
        assert_eq!(CreateCheckoutRequest::from_json_value(value).expect("valid").amount, 5);
    }

    #[test]
    fn extra_text_is_bounded() {
        // 256 KiB, written out: the constant itself is what this checks.
        let fits = format!(r#"{{"a":"{}"}}"#, "x".repeat(262_144 - 8));
        assert!(JsonObject::parse(&fits).refused.is_none());
        let over = format!(r#"{{"a":"{}"}}"#, "x".repeat(262_144));
        assert!(JsonObject::parse(&over).refused.is_some());
    }

    #[test]
    fn extra_merges_deeply() {
        let mut extra = Map::new();
        extra.insert("order".into(), json!({"language": "EN"}));
        let p = CreateCheckoutRequest { extra: Some(JsonObject::from(extra)), ..req() }.prepare().expect("valid");
        let v: Value = serde_json::from_slice(&p.body.expect("body")).expect("json");
        assert_eq!(v["order"]["language"], "EN");
        assert_eq!(v["order"]["amount"], 20000);
    }

    #[test]
    fn expiry_from_wib_or_utc() {
        let body =
            br#"{"message":["SUCCESS"],"response":{"payment":{"url":"https://x/y","expired_date":"20241122234523"}}}"#;
        let r = CreateCheckoutResult::from_response("r", 200, body).expect("ok");
        assert_eq!(r.expires_at.map(|t| t.to_string()).as_deref(), Some("2024-11-22T16:45:23Z"));
        let body = br#"{"message":["SUCCESS"],"response":{"payment":{"url":"u","expired_date":"20251204145732","expired_datetime":"2025-12-04T07:57:32Z"}}}"#;
        let r = CreateCheckoutResult::from_response("r", 200, body).expect("ok");
        assert_eq!(r.expires_at.map(|t| t.to_string()).as_deref(), Some("2025-12-04T07:57:32Z"));
        assert!(CreateCheckoutResult::from_response("r", 200, br#"{"message":["SUCCESS"]}"#).is_err());
    }
}
