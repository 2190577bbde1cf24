//! Checking a merchant's notification endpoint the way an attacker and DOKU's retries would.
//!
//! [`cases`] builds a battery of DOKU-style HTTP Notifications for the endpoint's path (a
//! genuine one, the same one again, and forgeries of each kind) and [`judge`] says whether
//! the endpoint's answer to each is right. Both are pure; [`send`] (with the `client` feature)
//! delivers them. DOKU's own QRIS handler once marked orders paid without checking any
//! signature: this is how a merchant finds out before an attacker does.

#[cfg(feature = "client")]
mod send;

use serde::Serialize;
use serde_json::json;

use crate::credentials::SecretKey;
use crate::request_id::RequestId;
use crate::signing::SigningInput;
use crate::timestamp::Timestamp;

#[cfg(feature = "client")]
pub use send::{Delivery, check_url, send};

/// What a correct endpoint does with a case.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Expect {
    /// Answers 2xx (DOKU retries anything else).
    Accept,
    /// Refuses (anything but 2xx).
    Reject,
    /// Should refuse; accepting is worth a warning, not a failure.
    RejectOrWarn,
}

/// One notification to deliver.
#[derive(Clone, Debug)]
pub struct Case {
    /// A stable id, e.g. `forged_signature`.
    pub id: &'static str,
    /// What it is, for a person.
    pub title: &'static str,
    /// What a correct endpoint answers.
    pub expect: Expect,
    /// The headers to send.
    pub headers: Vec<(String, String)>,
    /// The body to send.
    pub body: Vec<u8>,
}

/// How an answer measures up.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "result", content = "message", rename_all = "UPPERCASE")]
pub enum Verdict {
    /// As it should be.
    Pass,
    /// Wrong, and why.
    Fail(String),
    /// Not wrong, but worth a look.
    Warn(String),
}

/// The settings of a battery.
#[derive(Clone, Copy, Debug)]
pub struct BatteryInput<'a> {
    /// The endpoint's secret key.
    pub secret: &'a SecretKey,
    /// The Client-Id the endpoint expects.
    pub client_id: &'a str,
    /// The path of the endpoint's URL (the Request-Target DOKU signs).
    pub path: &'a str,
    /// The invoice number the notifications name.
    pub invoice_number: &'a str,
    /// "Now" for the timestamps.
    pub now: Timestamp,
}

/// How old the stale case's timestamp is: beyond DOKU's last retry (12 h) with margin.
pub const STALE_AFTER_SECONDS: i64 = 48 * 3600;

/// A paid BCA virtual account, as DOKU notifies it (the core's channel-true body); `extra`
/// adds fields a handler does not know yet, as DOKU may.
fn body(invoice: &str, now: Timestamp, extra: bool) -> Vec<u8> {
    let facts = crate::payment_bodies::PaymentFacts {
        invoice_number: invoice,
        amount: 150_000,
        original_request_id: "webhook-check",
        channel: Some("VIRTUAL_ACCOUNT_BCA"),
        status: "SUCCESS",
        date: now,
        created: Timestamp::from_unix(now.unix() - 600),
        expires: Timestamp::from_unix(now.unix() + 3000),
    };
    let mut value = crate::payment_bodies::notification_body(&facts);
    if extra {
        value["additional_info"]["added_by_doku"] = json!("fields a handler does not know yet");
        value["order"]["new_field"] = json!(true);
    }
    value.to_string().into_bytes()
}

struct Notification<'a> {
    client_id: &'a str,
    request_id: String,
    timestamp: String,
    signed_path: &'a str,
    body: Vec<u8>,
}

impl Notification<'_> {
    fn headers(&self, secret: &SecretKey) -> Vec<(String, String)> {
        let signature =
            SigningInput::new(self.client_id, &self.request_id, &self.timestamp, self.signed_path, Some(&self.body))
                .map(|i| i.sign(secret))
                .unwrap_or_default();
        vec![
            ("Content-Type".to_owned(), "application/json".to_owned()),
            ("Client-Id".to_owned(), self.client_id.to_owned()),
            ("Request-Id".to_owned(), self.request_id.clone()),
            ("Request-Timestamp".to_owned(), self.timestamp.clone()),
            ("Signature".to_owned(), signature),
        ]
    }
}

fn set(headers: &mut [(String, String)], name: &str, value: &str) {
    for (n, v) in headers.iter_mut() {
        if n == name {
            *v = value.to_owned();
        }
    }
}

/// The battery, in the order to send it. The `duplicate` case is the `genuine` one again.
pub fn cases(input: &BatteryInput<'_>) -> Vec<Case> {
    let secret = input.secret;
    let fresh = |extra: bool, timestamp: Timestamp| Notification {
        client_id: input.client_id,
        request_id: RequestId::generate().as_str().to_owned(),
        timestamp: timestamp.to_string(),
        signed_path: input.path,
        body: body(input.invoice_number, input.now, extra),
    };
    let case = |id, title, expect, headers, body| Case { id, title, expect, headers, body };
    let genuine = fresh(false, input.now);
    let genuine_headers = genuine.headers(secret);
    let mut out = vec![
        case("genuine", "genuine notification", Expect::Accept, genuine_headers.clone(), genuine.body.clone()),
        case("duplicate", "the same notification delivered again", Expect::Accept, genuine_headers, genuine.body),
    ];

    let n = fresh(false, input.now);
    let mut forged = n.headers(secret);
    set(&mut forged, "Signature", "HMACSHA256=Zm9yZ2VkIHNpZ25hdHVyZSBmb3IgYSB3ZWJob29rIGNoZWNr");
    out.push(case("forged_signature", "forged signature", Expect::Reject, forged, n.body));

    let n = fresh(false, input.now);
    let other_key = SecretKey::new("SK-webhook-check-wrong-key").map_or_else(|_| Vec::new(), |k| n.headers(&k));
    out.push(case("wrong_secret", "signed with another secret key", Expect::Reject, other_key, n.body));

    let n = fresh(false, input.now);
    let headers = n.headers(secret);
    let mut changed = n.body;
    if let Some(digit) = changed.iter().position(|b| *b == b'1') {
        changed[digit] = b'9'; // one digit changed, the signature left as it was
    }
    out.push(case("body_changed", "body changed by one byte after signing", Expect::Reject, headers, changed));

    let n = fresh(false, input.now);
    let mut headers = n.headers(secret);
    headers.retain(|(name, _)| name != "Signature");
    out.push(case("missing_signature", "no Signature header", Expect::Reject, headers, n.body));

    let n = fresh(false, input.now);
    let mut headers = n.headers(secret);
    headers.retain(|(name, _)| name != "Request-Id");
    out.push(case("missing_request_id", "no Request-Id header", Expect::Reject, headers, n.body));

    let n = fresh(false, input.now);
    let mut headers = n.headers(secret);
    set(&mut headers, "Client-Id", "MCH-SOMEONE-ELSE");
    out.push(case("wrong_client_id", "Client-Id changed after signing", Expect::Reject, headers, n.body));

    let mut n = fresh(false, input.now);
    n.signed_path = "/another/path";
    out.push(case("other_path", "signed for another path", Expect::Reject, n.headers(secret), n.body.clone()));

    let n = fresh(false, Timestamp::from_unix(input.now.unix() - STALE_AFTER_SECONDS));
    out.push(case(
        "stale_timestamp",
        "a valid signature 48 hours old (a replay)",
        Expect::RejectOrWarn,
        n.headers(secret),
        n.body,
    ));

    let n = fresh(true, input.now);
    out.push(case(
        "unknown_fields",
        "fields the handler does not know (DOKU adds fields)",
        Expect::Accept,
        n.headers(secret),
        n.body,
    ));
    out
}

/// Whether an answer (`None`: no HTTP answer) is right for a case.
pub fn judge(case: &Case, status: Option<u16>) -> Verdict {
    let accepted = status.is_some_and(|s| (200..300).contains(&s));
    let got = status.map_or_else(|| "no answer".to_owned(), |s| format!("{s}"));
    // A redirect (or any non-final status) is neither an acceptance nor a refusal: DOKU does not
    // follow redirects, so its notification would be lost, and a forgery is not refused either.
    if let Some(s) = status.filter(|s| !(200..300).contains(s) && *s < 400) {
        return Verdict::Fail(format!(
            "{} answered {s}: DOKU does not follow redirects; answer at the notification URL itself (2xx for a genuine notification, 401 for a forgery)",
            case.title
        ));
    }
    match (case.expect, accepted) {
        (Expect::Accept, true) | (Expect::Reject | Expect::RejectOrWarn, false) if status.is_some() => Verdict::Pass,
        (Expect::Accept, _) => {
            Verdict::Fail(format!("{} refused with {got}: DOKU would retry it and then give up", case.title))
        }
        (Expect::Reject, true) => {
            Verdict::Fail(format!("{} accepted with {got}: anyone can mark your orders paid", case.title))
        }
        (Expect::RejectOrWarn, true) => Verdict::Warn(format!(
            "{} accepted with {got}: a recorded notification can be replayed; verify with a tolerance (e.g. 24 h, beyond DOKU's 12 h of retries)",
            case.title
        )),
        (_, false) => Verdict::Fail(format!("{}: {got}", case.title)),
    }
}

#[cfg(test)]
mod tests;
