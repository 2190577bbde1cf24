//! The documented fields of a notification body as a typed record, for languages where the
//! caller would otherwise dig through JSON text (Kotlin, Swift). Unknown fields stay in the
//! raw body; every field here is optional because DOKU varies them by channel.

use serde_json::Value;

/// What DOKU documents in a payment notification: `order`, `transaction`, and which
/// service, acquirer and channel paid.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct NotificationFields {
    /// `order.invoice_number`.
    pub invoice_number: Option<String>,
    /// `order.amount` as text (DOKU sends a number or a string).
    pub amount: Option<String>,
    /// `transaction.status`, e.g. `SUCCESS` or `FAILED`.
    pub transaction_status: Option<String>,
    /// `transaction.date`.
    pub transaction_date: Option<String>,
    /// `transaction.original_request_id`: the Request-Id of the checkout.
    pub original_request_id: Option<String>,
    /// `service.id`, e.g. `VIRTUAL_ACCOUNT`.
    pub service_id: Option<String>,
    /// `acquirer.id`, e.g. `BCA`.
    pub acquirer_id: Option<String>,
    /// `channel.id`, e.g. `VIRTUAL_ACCOUNT_BCA`.
    pub channel_id: Option<String>,
}

impl NotificationFields {
    /// Reads the fields from a parsed body; anything missing or of another type is `None`.
    pub fn from_body(body: &Value) -> Self {
        let text = |a: &str, b: &str| match &body[a][b] {
            Value::String(s) => Some(s.clone()),
            Value::Number(n) => Some(n.to_string()),
            _ => None,
        };
        Self {
            invoice_number: text("order", "invoice_number"),
            amount: text("order", "amount"),
            transaction_status: text("transaction", "status"),
            transaction_date: text("transaction", "date"),
            original_request_id: text("transaction", "original_request_id"),
            service_id: text("service", "id"),
            acquirer_id: text("acquirer", "id"),
            channel_id: text("channel", "id"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_documented_fields_are_read_and_the_rest_is_none() {
        let body: Value = serde_json::from_str(
            r#"{"service":{"id":"VIRTUAL_ACCOUNT"},"acquirer":{"id":"BCA"},"channel":{"id":"VIRTUAL_ACCOUNT_BCA"},"transaction":{"status":"SUCCESS","date":"2021-01-27T03:24:23Z","original_request_id":"r-1"},"order":{"invoice_number":"INV-1","amount":150000}}"#,
        )
        .expect("json");
        let f = NotificationFields::from_body(&body);
        assert_eq!(f.invoice_number.as_deref(), Some("INV-1"));
        assert_eq!(f.amount.as_deref(), Some("150000"));
        assert_eq!(f.transaction_status.as_deref(), Some("SUCCESS"));
        assert_eq!(f.transaction_date.as_deref(), Some("2021-01-27T03:24:23Z"));
        assert_eq!(f.original_request_id.as_deref(), Some("r-1"));
        assert_eq!((f.service_id.as_deref(), f.acquirer_id.as_deref()), (Some("VIRTUAL_ACCOUNT"), Some("BCA")));
        assert_eq!(f.channel_id.as_deref(), Some("VIRTUAL_ACCOUNT_BCA"));
        let odd: Value = serde_json::from_str(r#"{"order":{"amount":"340000","invoice_number":[1]}}"#).expect("json");
        let f = NotificationFields::from_body(&odd);
        assert_eq!((f.amount.as_deref(), f.invoice_number), (Some("340000"), None));
        assert_eq!(NotificationFields::from_body(&Value::Null), NotificationFields::default());
    }
}
