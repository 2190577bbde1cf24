//! The bodies DOKU sends about a payment, per channel family: the HTTP Notification and the
//! Check Status answer. Written once here; the emulator, `webhook-check` and every
//! language's test helpers (`notification_body`) build theirs with it, so they agree with each
//! other and with DOKU's samples.
//!
//! Where each shape comes from (and what is left out because no source shows it):
//! - Envelope (`service.id`, `acquirer.id`, `channel.id`, `transaction {status, date,
//!   original_request_id}`, `order {invoice_number, amount}`): DOKU's non-SNAP notification
//!   sample (developers.doku.com, "HTTP Notification Sample Non-SNAP"; `doku-api.md` §1.5).
//!   The acquirer is named by the channel's suffix in every DOKU sample (`VIRTUAL_ACCOUNT_BCA`
//!   → `BCA`, `VIRTUAL_ACCOUNT_BANK_MANDIRI` → `BANK_MANDIRI`, `EMONEY_DANA` → `DANA`,
//!   `PEER_TO_PEER_AKULAKU` → `AKULAKU`), except CIMB's virtual account (`CIMB`).
//!   `additional_info.origin` as real Checkout notifications carry it (`doku-api.md` §1.5).
//! - Virtual accounts: `virtual_account_info.virtual_account_number` (DOKU's sample), and
//!   `virtual_account_payment` as real Checkout VA notifications carry it (`date` in WIB,
//!   `systrace_number`, `reference_number`, `channel_code`, `request_id`, `identifier[]` with
//!   REQUEST_ID, REFERENCE, CHANNEL_TYPE). DOKU's documentation sample spells the list
//!   `identifer`; live traffic spells it `identifier`, which is what is sent here.
//! - Convenience stores: `online_to_offline_info.payment_code` (DOKU's sample; DOKU's
//!   WooCommerce plugin reads it) and `online_to_offline_payment.identifier[]` (AGENT_ID,
//!   AGENT_STORE_ID, AGENT_TRX_ID) from copies of DOKU's Alfamart sample.
//! - Cards: `transaction.type` `SALE`, `card_payment {masked_card_number, approval_code,
//!   response_code, response_message}` and a top-level `authorize_id`, from a card
//!   notification sample quoted from DOKU's docs by third parties (not on DOKU's page as read
//!   here); the acquiring bank is the sample's `BANK_MANDIRI`.
//! - E-money: nothing beyond the envelope (a real DANA notification carried no wallet object).
//! - QRIS: `emoney_payment {account_id, approval_code}` and the acquirer `{id: "93600899",
//!   name: "DOKU"}` of a real QRIS notification (DOKU's QRIS product; what QRIS inside Checkout
//!   adds is not published). Acquirer names go in status answers only, for every family alike.
//! - Paylater: `peer_to_peer_info {virtual_account_number, created_date, expired_date, status,
//!   merchant_unique_reference, identifier[]}` from DOKU's Akulaku sample; the Akulaku
//!   identifiers only for Akulaku (other lenders' are not published).
//! - Direct debit: `card_payment {masked_card_number, response_code, response_message,
//!   payment_id}` as third-party types of DOKU's sample page list it (no values published).
//! - Jenius Pay: `service.id` `DIGITAL_BANKING`, acquirer `BTPN` (DOKU's changelog example).
//! - Status answers (`doku-api.md` §3, an observed sandbox answer): the same envelope with
//!   `transaction.type` `PAYMENT`, `order.status`, and for a virtual account
//!   `virtual_account_info {virtual_account_number, created_date, expired_date, reusable_status}`.
//!   Before a channel is chosen, `service`, `acquirer` and `channel` ids are `null`.
//!
//! Channels no source describes (internet banking, unknown codes) get the envelope with
//! `service.id` and `acquirer.id` `null` and no channel object.

use serde_json::Value;
use sha2::{Digest, Sha256};

use crate::json_writer::JsonWriter;
use crate::timestamp::Timestamp;

/// What a body says about one order's payment.
#[derive(Clone, Copy, Debug)]
pub struct PaymentFacts<'a> {
    /// `order.invoice_number`.
    pub invoice_number: &'a str,
    /// `order.amount`, in rupiah.
    pub amount: u64,
    /// The create call's Request-Id (`transaction.original_request_id`).
    pub original_request_id: &'a str,
    /// `channel.id` (`VIRTUAL_ACCOUNT_BCA`, `QRIS`...); `None` before the customer chose one.
    pub channel: Option<&'a str>,
    /// `transaction.status`: `SUCCESS`, `FAILED`, `PENDING`, `EXPIRED`, `REFUNDED`...
    pub status: &'a str,
    /// `transaction.date`: when the payment (or the failed attempt) happened.
    pub date: Timestamp,
    /// When the checkout was created (a virtual account's `created_date`).
    pub created: Timestamp,
    /// When it expires (a virtual account's `expired_date`).
    pub expires: Timestamp,
}

/// A channel's family, by DOKU's `payment_method_types` prefix.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ChannelFamily {
    /// `VIRTUAL_ACCOUNT_*`.
    VirtualAccount,
    /// `ONLINE_TO_OFFLINE_*` (Alfamart, Indomaret).
    ConvenienceStore,
    /// `CREDIT_CARD`, `KARTU_KREDIT_INDONESIA`.
    Card,
    /// `EMONEY_*`.
    Emoney,
    /// `QRIS`.
    Qris,
    /// `PEER_TO_PEER_*`.
    Paylater,
    /// `DIRECT_DEBIT_*`.
    DirectDebit,
    /// `JENIUS_PAY`.
    DigitalBanking,
}

impl ChannelFamily {
    /// The family of a channel id, if DOKU's samples describe it.
    pub fn of(channel: &str) -> Option<Self> {
        Some(match channel {
            c if c.starts_with("VIRTUAL_ACCOUNT_") => Self::VirtualAccount,
            c if c.starts_with("ONLINE_TO_OFFLINE_") => Self::ConvenienceStore,
            "CREDIT_CARD" | "KARTU_KREDIT_INDONESIA" => Self::Card,
            c if c.starts_with("EMONEY_") => Self::Emoney,
            "QRIS" => Self::Qris,
            c if c.starts_with("PEER_TO_PEER_") => Self::Paylater,
            c if c.starts_with("DIRECT_DEBIT_") => Self::DirectDebit,
            "JENIUS_PAY" => Self::DigitalBanking,
            _ => return None,
        })
    }

    /// `service.id`.
    pub fn service_id(self) -> &'static str {
        match self {
            Self::VirtualAccount => "VIRTUAL_ACCOUNT",
            Self::ConvenienceStore => "ONLINE_TO_OFFLINE",
            Self::Card => "CREDIT_CARD",
            Self::Emoney => "EMONEY",
            Self::Qris => "QRIS",
            Self::Paylater => "PEER_TO_PEER",
            Self::DirectDebit => "DIRECT_DEBIT",
            Self::DigitalBanking => "DIGITAL_BANKING",
        }
    }
}

/// `acquirer {id[, name]}` for a channel, or `None` when no source names it.
fn acquirer(channel: &str, family: ChannelFamily) -> Option<(&str, Option<&'static str>)> {
    let suffix = |prefix: &str| channel.strip_prefix(prefix).filter(|s| !s.is_empty());
    match family {
        ChannelFamily::VirtualAccount => match suffix("VIRTUAL_ACCOUNT_")? {
            "BANK_CIMB" => Some(("CIMB", None)),
            "BANK_DANAMON" => Some(("BANK_DANAMON", Some("Bank Danamon"))),
            bank => Some((bank, None)),
        },
        ChannelFamily::ConvenienceStore => suffix("ONLINE_TO_OFFLINE_").map(|s| (s, None)),
        ChannelFamily::Card => Some(("BANK_MANDIRI", None)),
        ChannelFamily::Emoney => suffix("EMONEY_").map(|s| (s, None)),
        ChannelFamily::Qris => Some(("93600899", Some("DOKU"))),
        ChannelFamily::Paylater => suffix("PEER_TO_PEER_").map(|s| (s, None)),
        ChannelFamily::DirectDebit => suffix("DIRECT_DEBIT_").map(|s| (s, None)),
        ChannelFamily::DigitalBanking => Some(("BTPN", Some("Bank Tabungan Pensiunan Nasional"))),
    }
}

/// Decimal digits derived from the invoice, so the status answer and every notification of one
/// order show the same numbers: one SHA-256 of the invoice, read from a field's own offset.
struct Digits([u8; 32]);

impl Digits {
    fn of(invoice: &str) -> Self {
        Self(Sha256::digest(invoice.as_bytes()).into())
    }

    fn take(&self, offset: usize, count: usize) -> String {
        (0..count).map(|i| char::from(b'0' + self.0[(offset + i) % 32] % 10)).collect()
    }

    fn va_number(&self) -> String {
        format!("8{}", self.take(0, 15))
    }
}

fn identifiers(w: &mut JsonWriter, pairs: &[(&str, &str)]) {
    w.open_list();
    for (name, value) in pairs {
        w.open().key("name").text(name).key("value").text(value).close();
    }
    w.close_list();
}

/// Whether a body is a notification or a status answer (they differ in a few members).
#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    Notification,
    Status,
}

/// The channel objects (none when the channel has none, or the payment did not happen).
fn channel_objects(w: &mut JsonWriter, f: &PaymentFacts<'_>, channel: &str, family: ChannelFamily, kind: Kind) {
    let paid = f.status == "SUCCESS";
    let d = Digits::of(f.invoice_number);
    match family {
        ChannelFamily::VirtualAccount => {
            w.key("virtual_account_info").open().key("virtual_account_number").text(&d.va_number());
            if kind == Kind::Status {
                w.key("created_date").text(&f.created.to_wib_compact());
                w.key("expired_date").text(&f.expires.to_wib_compact());
                w.key("reusable_status").boolean(false);
            }
            w.close();
            if paid {
                let (request_id, reference) = (d.take(15, 6), d.take(21, 5));
                w.key("virtual_account_payment").open();
                w.key("date").text(&f.date.to_wib_compact());
                w.key("systrace_number").text(&d.take(26, 6));
                w.key("reference_number").text(&reference);
                w.key("channel_code").text("");
                w.key("request_id").text(&request_id);
                w.key("identifier");
                identifiers(w, &[("REQUEST_ID", &request_id), ("REFERENCE", &reference), ("CHANNEL_TYPE", "6014")]);
                w.close();
            }
        }
        ChannelFamily::ConvenienceStore => {
            w.key("online_to_offline_info").open().key("payment_code").text(&d.take(0, 16)).close();
            if paid {
                let agent = channel.strip_prefix("ONLINE_TO_OFFLINE_").unwrap_or(channel);
                let agent = if agent == "ALFA" { "ALFAMART" } else { agent };
                let store = format!("STORE-{}", d.take(16, 4));
                w.key("online_to_offline_payment").open().key("identifier");
                identifiers(w, &[("AGENT_ID", agent), ("AGENT_STORE_ID", &store), ("AGENT_TRX_ID", &d.take(20, 8))]);
                w.close();
            }
        }
        ChannelFamily::Card => {
            let (code, message) = if paid { ("00", "PAYMENT APPROVED") } else { ("05", "DO NOT HONOR") };
            w.key("card_payment").open();
            w.key("masked_card_number").text(&format!("557338******{}", d.take(0, 4)));
            w.key("response_code").text(code).key("response_message").text(message);
            if paid {
                w.key("approval_code").text(&d.take(4, 6));
            }
            w.close();
            w.key("authorize_id").text(&d.take(10, 17));
        }
        ChannelFamily::Qris if paid => {
            w.key("emoney_payment").open().key("account_id").text("");
            w.key("approval_code").text(&format!("00{}", d.take(0, 10))).close();
        }
        ChannelFamily::Paylater => {
            w.key("peer_to_peer_info").open();
            w.key("virtual_account_number").text(&d.va_number());
            w.key("created_date").text(&f.created.to_wib_compact());
            w.key("expired_date").text(&f.expires.to_wib_compact());
            w.key("status").text(f.status);
            w.key("merchant_unique_reference").text(&d.take(15, 5));
            if channel == "PEER_TO_PEER_AKULAKU" {
                w.key("identifier");
                identifiers(w, &[("AKULAKU_UNIQUE_REFERENCE", f.invoice_number), ("ORDER_ID", f.invoice_number)]);
            }
            w.close();
        }
        ChannelFamily::DirectDebit if paid => {
            w.key("card_payment").open();
            w.key("masked_card_number").text(&format!("******{}", d.take(0, 4)));
            w.key("response_code").text("00").key("response_message").text("SUCCESS");
            w.key("payment_id").text(&d.take(4, 12));
            w.close();
        }
        _ => {}
    }
}

/// The whole body: envelope, order, transaction, channel objects, origin.
fn render(f: &PaymentFacts<'_>, kind: Kind, order_status: Option<&str>) -> String {
    let family = f.channel.and_then(|c| ChannelFamily::of(c).map(|fam| (c, fam)));
    let acquirer = family.and_then(|(c, fam)| acquirer(c, fam));
    let mut w = JsonWriter::with_capacity(768);
    w.open();
    w.key("service").open().key("id").text_or_null(family.map(|(_, fam)| fam.service_id())).close();
    w.key("acquirer").open().key("id").text_or_null(acquirer.map(|a| a.0));
    if kind == Kind::Status
        && let Some((_, Some(name))) = acquirer
    {
        w.key("name").text(name);
    }
    w.close();
    w.key("channel").open().key("id").text_or_null(f.channel).close();
    w.key("order").open().key("invoice_number").text(f.invoice_number).key("amount").number(f.amount);
    if let Some(status) = order_status {
        w.key("status").text(status);
    }
    w.close();
    w.key("transaction").open().key("status").text(f.status);
    match (kind, family) {
        (Kind::Status, _) => {
            w.key("type").text("PAYMENT");
        }
        (Kind::Notification, Some((_, ChannelFamily::Card))) => {
            w.key("type").text("SALE");
        }
        _ => {}
    }
    w.key("date").text(&f.date.to_string());
    w.key("original_request_id").text(f.original_request_id).close();
    if let Some((channel, family)) = family {
        channel_objects(&mut w, f, channel, family, kind);
    }
    // Real Checkout notifications spell it `apiFormat`, status answers `api_format` (§1.5, §3).
    let format_key = if kind == Kind::Status { "api_format" } else { "apiFormat" };
    w.key("additional_info").open().key("origin").open();
    w.key("source").text("direct").key("system").text("mid-jokul-checkout-system").key("product").text("CHECKOUT");
    w.key(format_key).text("JOKUL").close().close();
    w.close();
    w.finish()
}

/// The HTTP Notification DOKU sends about a payment (`SUCCESS` or `FAILED`; other statuses are
/// built the same way, though DOKU's plugins only act on those two), as JSON text.
pub fn notification_json(f: &PaymentFacts<'_>) -> String {
    render(f, Kind::Notification, None)
}

/// [`notification_json`], parsed.
pub fn notification_body(f: &PaymentFacts<'_>) -> Value {
    serde_json::from_str(&notification_json(f)).unwrap_or(Value::Null)
}

/// DOKU's Check Status answer (`GET /orders/v1/status/{invoice}`) for the same payment, as JSON
/// text; `order_status` is the checkout's `order.status` (`ORDER_GENERATED`, `ORDER_EXPIRED`,
/// `ORDER_RECOVERED`).
pub fn status_json(f: &PaymentFacts<'_>, order_status: &str) -> String {
    render(f, Kind::Status, Some(order_status))
}

/// DOKU's `payment_method_types` codes seen in its answers (`doku-api.md` §2.3): what a checkout
/// page offers when the request named none.
pub const KNOWN_PAYMENT_METHODS: &[&str] = &[
    "VIRTUAL_ACCOUNT_BCA",
    "VIRTUAL_ACCOUNT_BANK_MANDIRI",
    "VIRTUAL_ACCOUNT_BANK_SYARIAH_MANDIRI",
    "VIRTUAL_ACCOUNT_BRI",
    "VIRTUAL_ACCOUNT_BNI",
    "VIRTUAL_ACCOUNT_DOKU",
    "VIRTUAL_ACCOUNT_BANK_PERMATA",
    "VIRTUAL_ACCOUNT_BANK_CIMB",
    "VIRTUAL_ACCOUNT_BANK_DANAMON",
    "ONLINE_TO_OFFLINE_ALFA",
    "ONLINE_TO_OFFLINE_INDOMARET",
    "CREDIT_CARD",
    "QRIS",
    "EMONEY_OVO",
    "EMONEY_SHOPEE_PAY",
    "EMONEY_DANA",
    "EMONEY_LINKAJA",
    "EMONEY_DOKU",
    "PEER_TO_PEER_AKULAKU",
    "PEER_TO_PEER_KREDIVO",
    "PEER_TO_PEER_INDODANA",
    "DIRECT_DEBIT_BRI",
    "DIRECT_DEBIT_MANDIRI",
    "JENIUS_PAY",
];

/// What a customer is shown after paying on `channel`, as DOKU's page would: a virtual
/// account number or a convenience-store payment code (the same numbers the bodies carry).
pub fn customer_reference(invoice_number: &str, channel: &str) -> Option<(&'static str, String)> {
    let d = Digits::of(invoice_number);
    match ChannelFamily::of(channel)? {
        ChannelFamily::VirtualAccount | ChannelFamily::Paylater => Some(("Virtual account number", d.va_number())),
        ChannelFamily::ConvenienceStore => Some(("Payment code", d.take(0, 16))),
        _ => None,
    }
}

/// The longest channel id, status and invoice number a test body takes.
const MAX_NAME: usize = 64;

fn name_like(field: &'static str, value: &str) -> Result<(), crate::Error> {
    let ok = !value.is_empty()
        && value.len() <= MAX_NAME
        && value.bytes().all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'_');
    if ok {
        Ok(())
    } else {
        Err(crate::Error::invalid_input(
            field,
            format!("{field} is 1 to {MAX_NAME} of A-Z, 0-9 and _ (like DOKU's codes)"),
        ))
    }
}

/// The channel a test body is about when none is named: DOKU's own sample's.
pub const DEFAULT_SAMPLE_CHANNEL: &str = "VIRTUAL_ACCOUNT_BCA";

/// A notification body DOKU would send, for a merchant's tests (`notification_body` /
/// `notificationBody` in each language): `channel` defaults to [`DEFAULT_SAMPLE_CHANNEL`]
/// (DOKU notifies only once a channel was used), `status` to `SUCCESS`, `timestamp` (DOKU's
/// text form) to now. Inputs are checked like a request's.
pub fn sample_notification(
    channel: Option<&str>,
    status: Option<&str>,
    invoice_number: &str,
    amount: u64,
    original_request_id: &str,
    timestamp: Option<&str>,
) -> Result<String, crate::Error> {
    let date = timestamp.map(Timestamp::parse).transpose()?;
    let status = status.unwrap_or("SUCCESS");
    let channel = channel.unwrap_or(DEFAULT_SAMPLE_CHANNEL);
    name_like("channel", channel)?;
    name_like("status", status)?;
    if invoice_number.is_empty() || invoice_number.chars().count() > crate::checkout_reading::MAX_INVOICE_LEN {
        return Err(crate::Error::invalid_input("invoice_number", "invoice_number is 1 to 64 characters"));
    }
    if !(1..=crate::checkout_reading::MAX_AMOUNT).contains(&amount) {
        return Err(crate::Error::invalid_input("amount", "amount is 1 to 999999999999 rupiah"));
    }
    if original_request_id.is_empty() || original_request_id.len() > crate::MAX_REQUEST_ID_LEN {
        return Err(crate::Error::invalid_input("original_request_id", "original_request_id is 1 to 128 characters"));
    }
    let date = date.unwrap_or_else(Timestamp::now);
    let created = Timestamp::from_unix(date.unix() - 600);
    let facts = PaymentFacts {
        invoice_number,
        amount,
        original_request_id,
        channel: Some(channel),
        status,
        date,
        created,
        expires: Timestamp::from_unix(created.unix() + 3600),
    };
    Ok(notification_json(&facts))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn facts<'a>(channel: Option<&'a str>, status: &'a str) -> PaymentFacts<'a> {
        PaymentFacts {
            invoice_number: "INV-1",
            amount: 150_000,
            original_request_id: "req-create-1",
            channel,
            status,
            date: Timestamp::from_unix(1_764_770_461),
            created: Timestamp::from_unix(1_764_766_000),
            expires: Timestamp::from_unix(1_764_769_600),
        }
    }

    #[test]
    fn every_family_names_dokus_service_acquirer_channel_and_object() {
        for (channel, service, acquirer, object) in [
            ("VIRTUAL_ACCOUNT_BCA", "VIRTUAL_ACCOUNT", "BCA", "virtual_account_payment"),
            ("VIRTUAL_ACCOUNT_BANK_MANDIRI", "VIRTUAL_ACCOUNT", "BANK_MANDIRI", "virtual_account_info"),
            ("VIRTUAL_ACCOUNT_BANK_CIMB", "VIRTUAL_ACCOUNT", "CIMB", "virtual_account_info"),
            ("ONLINE_TO_OFFLINE_ALFA", "ONLINE_TO_OFFLINE", "ALFA", "online_to_offline_info"),
            ("ONLINE_TO_OFFLINE_INDOMARET", "ONLINE_TO_OFFLINE", "INDOMARET", "online_to_offline_payment"),
            ("CREDIT_CARD", "CREDIT_CARD", "BANK_MANDIRI", "card_payment"),
            ("QRIS", "QRIS", "93600899", "emoney_payment"),
            ("PEER_TO_PEER_AKULAKU", "PEER_TO_PEER", "AKULAKU", "peer_to_peer_info"),
            ("DIRECT_DEBIT_BRI", "DIRECT_DEBIT", "BRI", "card_payment"),
            ("EMONEY_DANA", "EMONEY", "DANA", "order"),
        ] {
            let body = notification_body(&facts(Some(channel), "SUCCESS"));
            assert_eq!(body["service"]["id"], service, "{channel}");
            assert_eq!(body["acquirer"]["id"], acquirer, "{channel}");
            assert_eq!(body["channel"]["id"], channel);
            assert!(body.get(object).is_some(), "{channel}: {object} in {body}");
            assert_eq!(body["order"]["amount"], 150_000);
            assert_eq!(body["transaction"]["original_request_id"], "req-create-1");
        }
    }

    #[test]
    fn the_va_payment_matches_dokus_live_shape_and_the_status_answer_agrees() {
        let f = facts(Some("VIRTUAL_ACCOUNT_BCA"), "SUCCESS");
        let n = notification_body(&f);
        let payment = &n["virtual_account_payment"];
        assert_eq!(payment["date"], f.date.to_wib_compact());
        let names: Vec<&str> =
            payment["identifier"].as_array().expect("list").iter().filter_map(|i| i["name"].as_str()).collect();
        assert_eq!(names, ["REQUEST_ID", "REFERENCE", "CHANNEL_TYPE"]);
        let s: Value = serde_json::from_str(&status_json(&f, "ORDER_GENERATED")).expect("json");
        assert_eq!(
            s["virtual_account_info"]["virtual_account_number"],
            n["virtual_account_info"]["virtual_account_number"]
        );
        assert_eq!(s["channel"], n["channel"]);
        assert_eq!(s["transaction"]["type"], "PAYMENT");
        assert_eq!(s["order"]["status"], "ORDER_GENERATED");
        assert_eq!(s["additional_info"]["origin"]["api_format"], "JOKUL");
        assert_eq!(n["additional_info"]["origin"]["apiFormat"], "JOKUL");
    }

    #[test]
    fn a_sample_for_tests_checks_its_inputs() {
        let body = sample_notification(Some("ONLINE_TO_OFFLINE_ALFA"), Some("SUCCESS"), "INV-9", 5000, "r-1", None)
            .expect("body");
        let v: Value = serde_json::from_str(&body).expect("json");
        assert_eq!(v["service"]["id"], "ONLINE_TO_OFFLINE");
        let default: Value =
            serde_json::from_str(&sample_notification(None, Some("SUCCESS"), "I", 1, "r", None).expect("body"))
                .expect("json");
        assert_eq!(default["channel"]["id"], DEFAULT_SAMPLE_CHANNEL);
        for bad in [
            sample_notification(Some("va bca"), Some("SUCCESS"), "I", 1, "r", None),
            sample_notification(None, Some(""), "I", 1, "r", None),
            sample_notification(Some(""), Some("SUCCESS"), "I", 1, "r", None),
            sample_notification(None, Some("SUCCESS"), "", 1, "r", None),
            sample_notification(None, Some("SUCCESS"), "I", 0, "r", None),
            sample_notification(None, Some("SUCCESS"), "I", 1, &"r".repeat(129), None),
        ] {
            assert_eq!(bad.expect_err("refused").code(), crate::ErrorCode::InvalidInput);
        }
    }

    #[test]
    fn no_channel_yet_is_null_ids_and_a_failed_card_says_why() {
        let s: Value = serde_json::from_str(&status_json(&facts(None, "PENDING"), "ORDER_GENERATED")).expect("json");
        assert_eq!(
            (&s["service"]["id"], &s["acquirer"]["id"], &s["channel"]["id"]),
            (&Value::Null, &Value::Null, &Value::Null)
        );
        let n = notification_body(&facts(Some("CREDIT_CARD"), "FAILED"));
        assert_eq!(n["card_payment"]["response_code"], "05");
        assert!(n["card_payment"].get("approval_code").is_none());
        let unknown = notification_body(&facts(Some("KLIKPAY_BCA"), "SUCCESS"));
        assert_eq!(unknown["service"]["id"], Value::Null);
        assert_eq!(unknown["channel"]["id"], "KLIKPAY_BCA");
    }
}
