//! Verifying DOKU's HTTP Notifications (webhooks) and, opt-in, DOKU's API response signatures.
//!
//! A notification is signed like a request: `Client-Id`, `Request-Id`, `Request-Timestamp`
//! from its headers, `Request-Target` = the path of the merchant's notification URL, and the
//! `Digest` of the **raw body bytes**. Verify before parsing, and pass the raw bytes: JSON
//! that was parsed and re-serialised hashes differently.
//!
//! Replay protection is **on by default**: a notification stamped more than 24 hours from
//! now, either way, is refused. DOKU retries an unacknowledged notification after 30 minutes,
//! 6 hours and 12 hours with the original timestamp, so the window is twice the last retry;
//! pass a wider `tolerance_seconds` to accept older ones.

use crate::credentials::SecretKey;
use crate::digest::compute_digest;
use crate::error::{Error, ErrorCode};
use crate::headers::ReceivedHeaders;
use crate::shown::Quoted;
use crate::signing::SigningInput;
use crate::timestamp::{Clock, SystemClock, Timestamp};

/// The replay window used when none is given: DOKU retries a notification for up to 12 hours
/// after the first attempt, with its original timestamp; twice that, in either direction,
/// leaves margin for clock skew while a notification captured last week no longer verifies.
pub const DEFAULT_NOTIFICATION_TOLERANCE_SECONDS: u64 = 24 * 3600;

/// Options for [`verify_notification`].
#[derive(Clone, Copy, Debug, Default)]
pub struct VerifyOptions {
    /// Maximum distance, in seconds, between the notification's timestamp and now, in either
    /// direction. `None` (the default) is [`DEFAULT_NOTIFICATION_TOLERANCE_SECONDS`] (24 h);
    /// pass a larger window to accept older notifications.
    pub tolerance_seconds: Option<u64>,
    /// "Now" for the tolerance check; `None` uses the system clock.
    pub now: Option<Timestamp>,
}

/// A notification whose signature verified.
#[derive(Clone, Debug, PartialEq)]
pub struct VerifiedNotification {
    /// The `Client-Id` header.
    pub client_id: String,
    /// DOKU's `Request-Id` for this notification (use it to de-duplicate retries).
    pub request_id: String,
    /// The `Request-Timestamp` header.
    pub timestamp: Timestamp,
    /// The parsed JSON body.
    pub body: serde_json::Value,
}

/// A signed header's one value; received under several names (or twice) it is refused.
fn one<'h>(headers: &'h ReceivedHeaders, name: &'static str) -> Result<Option<&'h str>, Error> {
    headers.get_one(name).map_err(|names| {
        let shown: Vec<String> = names.iter().take(4).map(|n| Quoted(&n.chars().take(40).collect::<String>()).to_string()).collect();
        Error::invalid_signature(
            "duplicate_header",
            format!(
                "the {name} header was received {} times (as {}): which one DOKU signed cannot be told, so the notification is refused; pass the headers exactly as received, each once",
                names.len(),
                shown.join(", ")
            ),
        )
    })
}

fn required<'h>(headers: &'h ReceivedHeaders, name: &'static str) -> Result<&'h str, Error> {
    one(headers, name)?.map(str::trim).filter(|v| !v.is_empty()).ok_or_else(|| {
        Error::invalid_signature(
            "missing_header",
            format!("the {name} header is missing: pass every header of the received request (names may be in any case, or with _ instead of -)"),
        )
    })
}

fn parse_header_timestamp(name: &'static str, value: &str) -> Result<Timestamp, Error> {
    Timestamp::parse(value).map_err(|_| {
        Error::invalid_signature(
            "invalid_timestamp",
            format!("the {name} header {} is not UTC in the form YYYY-MM-DDTHH:MM:SSZ", Quoted(value)),
        )
    })
}

/// If the sender included a `Digest` header, it must match the body we were given; a mismatch
/// almost always means the body was re-serialised, so say so.
fn check_digest_header(headers: &ReceivedHeaders, body: &[u8]) -> Result<(), Error> {
    if let Some(sent) = one(headers, "Digest")? {
        let sent = sent.trim();
        let sent = sent.strip_prefix("SHA-256=").unwrap_or(sent);
        if sent != compute_digest(body) {
            return Err(Error::invalid_signature(
                "digest_mismatch",
                "the body's SHA-256 digest does not match the Digest header: the body must be the raw bytes received, not re-serialised JSON",
            ));
        }
    }
    Ok(())
}

/// Verifies a DOKU HTTP Notification and returns its parsed body.
///
/// `notification_path` is the path of your notification URL (e.g. `/payments/notifications`),
/// the same one configured in DOKU Back Office. The JSON body is parsed only after the
/// signature has verified.
pub fn verify_notification(
    secret: &SecretKey,
    headers: &ReceivedHeaders,
    body: &[u8],
    notification_path: &str,
    options: VerifyOptions,
) -> Result<VerifiedNotification, Error> {
    let client_id = required(headers, "Client-Id")?;
    let request_id = required(headers, "Request-Id")?;
    let timestamp_text = required(headers, "Request-Timestamp")?;
    let signature = required(headers, "Signature")?;
    let timestamp = parse_header_timestamp("Request-Timestamp", timestamp_text)?;
    let input =
        SigningInput::new(client_id, request_id, timestamp_text, notification_path, Some(body)).map_err(|e| {
            if e.field() == Some("request_target") {
                e
            } else {
                Error::invalid_signature("malformed_header", format!("a signed header is malformed: {}", e.message()))
            }
        })?;
    check_digest_header(headers, body)?;
    input.verify(secret, signature)?;
    {
        let tolerance = options.tolerance_seconds.unwrap_or(DEFAULT_NOTIFICATION_TOLERANCE_SECONDS);
        let now = options.now.unwrap_or_else(|| SystemClock.now());
        // Positive when the notification was stamped in the past.
        let age = now.unix().saturating_sub(timestamp.unix());
        let skew = age.unsigned_abs();
        if skew > tolerance {
            let direction = match age.signum() {
                -1 => "in the future",
                _ => "old",
            };
            return Err(Error::invalid_signature(
                "timestamp_out_of_tolerance",
                format!(
                    "the notification timestamp {timestamp} is {skew} s {direction}, beyond the tolerance of {tolerance} s; check the server clock, or disable the tolerance (DOKU retries notifications for up to 12 hours)"
                ),
            ));
        }
    }
    let parsed = serde_json::from_slice(body).map_err(|e| {
        // A malformed request made to the merchant, not an answer DOKU gave: `invalid_request`.
        Error::new(
            ErrorCode::InvalidRequest,
            format!(
                "the notification's signature verified but its body is not JSON ({e}); answer 400, nothing to apply"
            ),
        )
        .with_reason("body_not_json")
    })?;
    Ok(VerifiedNotification {
        client_id: client_id.to_owned(),
        request_id: request_id.to_owned(),
        timestamp,
        body: parsed,
    })
}

/// Verifies the signature DOKU puts on an API response (`Response-Timestamp` variant).
///
/// `request_target` is the path that was called; `with_digest` is whether the request had a
/// body (DOKU documents the Digest line "only for POST"). The response's `Client-Id` and
/// `Request-Id` must echo what was sent. DOKU has published no worked example of this
/// scheme, so it is opt-in.
pub fn verify_response(
    secret: &SecretKey,
    sent_client_id: &str,
    sent_request_id: &str,
    request_target: &str,
    headers: &ReceivedHeaders,
    body: &[u8],
    with_digest: bool,
) -> Result<(), Error> {
    let client_id = required(headers, "Client-Id")?;
    let request_id = required(headers, "Request-Id")?;
    let timestamp_text = required(headers, "Response-Timestamp")?;
    let signature = required(headers, "Signature")?;
    parse_header_timestamp("Response-Timestamp", timestamp_text)?;
    if client_id != sent_client_id || request_id != sent_request_id {
        return Err(Error::invalid_signature(
            "echo_mismatch",
            "the response's Client-Id or Request-Id does not echo the request: the answer may not be for this call",
        ));
    }
    let input = SigningInput::new(client_id, request_id, timestamp_text, request_target, with_digest.then_some(body))?;
    input.for_response().verify(secret, signature)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The reference notifications' own moment (2020-08-11T08:45:42Z), inside the default window.
    fn at_sending() -> VerifyOptions {
        VerifyOptions { tolerance_seconds: None, now: Some(Timestamp::from_unix(1_597_135_542)) }
    }

    const V3_BODY: &str = r#"{"service":{"id":"VIRTUAL_ACCOUNT"},"acquirer":{"id":"BCA"},"channel":{"id":"VIRTUAL_ACCOUNT_BCA"},"transaction":{"status":"SUCCESS","date":"2021-01-27T03:24:23Z","original_request_id":"15022aab-444f-4b04-afa8-ddfce89432ec"},"order":{"invoice_number":"INV-20210124-0001","amount":150000}}"#;

    fn v3_headers(signature: &str) -> ReceivedHeaders {
        ReceivedHeaders::new([
            ("client-id", "MCH-0001-10791114622547"),
            ("request-id", "479b663f-5c9d-400d-8e80-3e548a8f7639"),
            ("request-timestamp", "2020-08-11T08:45:42Z"),
            ("signature", signature),
        ])
    }

    fn key() -> SecretKey {
        SecretKey::new("SK-TEST-ONLY-0123456789").expect("valid")
    }

    #[test]
    fn reference_vector_v3() {
        let h = v3_headers("HMACSHA256=QGToWFImcdqd1ZMBQUm2zUIPA5DeF2o1cplE2lUQcak=");
        let n = verify_notification(&key(), &h, V3_BODY.as_bytes(), "/payments/notifications", at_sending())
            .expect("verifies");
        assert_eq!(n.body["order"]["amount"], 150000);
        assert_eq!(n.request_id, "479b663f-5c9d-400d-8e80-3e548a8f7639");
    }

    #[test]
    fn a_given_tolerance_is_symmetric() {
        let h = v3_headers("HMACSHA256=QGToWFImcdqd1ZMBQUm2zUIPA5DeF2o1cplE2lUQcak=");
        let sent = Timestamp::parse("2020-08-11T08:45:42Z").expect("valid");
        let opts = |now: i64| VerifyOptions {
            tolerance_seconds: Some(300),
            now: Some(Timestamp::from_unix(sent.unix() + now)),
        };
        assert!(verify_notification(&key(), &h, V3_BODY.as_bytes(), "/payments/notifications", opts(300)).is_ok());
        for off in [301, -301] {
            let e = verify_notification(&key(), &h, V3_BODY.as_bytes(), "/payments/notifications", opts(off))
                .expect_err("outside");
            assert_eq!(e.reason(), Some("timestamp_out_of_tolerance"));
        }
    }

    fn verify_at(offset: i64, tolerance: u64) -> Result<VerifiedNotification, Error> {
        let h = v3_headers("HMACSHA256=QGToWFImcdqd1ZMBQUm2zUIPA5DeF2o1cplE2lUQcak=");
        let sent = Timestamp::parse("2020-08-11T08:45:42Z").expect("valid");
        let opts =
            VerifyOptions { tolerance_seconds: Some(tolerance), now: Some(Timestamp::from_unix(sent.unix() + offset)) };
        verify_notification(&key(), &h, V3_BODY.as_bytes(), "/payments/notifications", opts)
    }

    #[test]
    fn tolerance_boundaries_in_both_directions() {
        // `offset` is now minus the notification's timestamp: positive = the notification is old.
        for (offset, ok) in
            [(0, true), (299, true), (300, true), (301, false), (-299, true), (-300, true), (-301, false)]
        {
            assert_eq!(verify_at(offset, 300).is_ok(), ok, "skew {offset}");
        }
        assert!(verify_at(0, 0).is_ok(), "tolerance 0 accepts the same second");
        assert!(verify_at(1, 0).is_err() && verify_at(-1, 0).is_err(), "tolerance 0 refuses one second off");
        let old = verify_at(301, 300).expect_err("old");
        assert!(old.message().contains("is 301 s old, beyond the tolerance of 300 s"), "{}", old.message());
        let future = verify_at(-3_600, 300).expect_err("future");
        assert!(future.message().contains("is 3600 s in the future"), "{}", future.message());
    }

    #[test]
    fn the_default_window_is_24_hours_both_ways_and_can_be_widened() {
        let h = v3_headers("HMACSHA256=QGToWFImcdqd1ZMBQUm2zUIPA5DeF2o1cplE2lUQcak=");
        let sent = Timestamp::parse("2020-08-11T08:45:42Z").expect("ts").unix();
        let at = |offset: i64, tolerance: Option<u64>| {
            let opts = VerifyOptions { tolerance_seconds: tolerance, now: Some(Timestamp::from_unix(sent + offset)) };
            verify_notification(&key(), &h, V3_BODY.as_bytes(), "/payments/notifications", opts)
        };
        for offset in [86_400, -86_400, 0] {
            assert!(at(offset, None).is_ok(), "{offset}");
        }
        for offset in [86_401, -86_401, 4_000_000_000 - sent] {
            assert_eq!(at(offset, None).expect_err("stale").reason(), Some("timestamp_out_of_tolerance"), "{offset}");
        }
        assert!(at(4_000_000_000 - sent, Some(u64::MAX)).is_ok(), "a wider window is the caller's choice");
    }

    fn refusal(headers: &[(&str, &str)], body: &[u8], path: &str) -> Error {
        verify_notification(&key(), &ReceivedHeaders::new(headers.iter().copied()), body, path, at_sending())
            .expect_err("refused")
    }

    const GOOD: [(&str, &str); 4] = [
        ("client-id", "MCH-0001-10791114622547"),
        ("request-id", "479b663f-5c9d-400d-8e80-3e548a8f7639"),
        ("request-timestamp", "2020-08-11T08:45:42Z"),
        ("signature", "HMACSHA256=QGToWFImcdqd1ZMBQUm2zUIPA5DeF2o1cplE2lUQcak="),
    ];

    #[test]
    fn each_refusal_has_its_reason_and_field() {
        let body = V3_BODY.as_bytes();
        let path = "/payments/notifications";
        for (i, name) in ["Client-Id", "Request-Id", "Request-Timestamp", "Signature"].iter().enumerate() {
            let mut headers = GOOD.to_vec();
            headers.remove(i);
            let e = refusal(&headers, body, path);
            assert_eq!((e.code().as_str(), e.reason()), ("invalid_signature", Some("missing_header")), "{name}");
            assert!(e.message().starts_with(&format!("the {name} header is missing")), "{}", e.message());
            headers.insert(i, (GOOD[i].0, "   "));
            assert_eq!(refusal(&headers, body, path).reason(), Some("missing_header"), "blank {name}");
        }
        let mut bad_ts = GOOD.to_vec();
        bad_ts[2].1 = "2020-08-11 08:45:42";
        let e = refusal(&bad_ts, body, path);
        assert_eq!(e.reason(), Some("invalid_timestamp"));
        assert!(e.message().contains("Request-Timestamp header \"2020-08-11 08:45:42\""), "{}", e.message());

        // A bad notification path is the caller's input: `invalid_input` naming the field.
        let e = refusal(&GOOD, body, "payments/notifications");
        assert_eq!((e.code().as_str(), e.field()), ("invalid_input", Some("request_target")));
        // A bad signed header is the sender's: `invalid_signature` / `malformed_header`.
        let mut bad_id = GOOD.to_vec();
        bad_id[1].1 = "id with spaces";
        let e = refusal(&bad_id, body, path);
        assert_eq!((e.code().as_str(), e.reason()), ("invalid_signature", Some("malformed_header")));
        assert!(e.message().starts_with("a signed header is malformed: "), "{}", e.message());

        let mut with_digest = GOOD.to_vec();
        with_digest.push(("digest", "SHA-256=AAAA"));
        let e = refusal(&with_digest, body, path);
        assert_eq!(e.reason(), Some("digest_mismatch"));
        assert!(e.message().contains("not re-serialised"), "{}", e.message());
    }

    #[test]
    fn a_matching_digest_header_is_accepted_with_or_without_its_prefix() {
        let digest = compute_digest(V3_BODY.as_bytes());
        for value in [digest.clone(), format!("SHA-256={digest}"), format!(" {digest} ")] {
            let mut headers = GOOD.to_vec();
            headers.push(("digest", &value));
            let h = ReceivedHeaders::new(headers.iter().copied());
            let n = verify_notification(&key(), &h, V3_BODY.as_bytes(), "/payments/notifications", at_sending());
            assert!(n.is_ok(), "{value}: {n:?}");
        }
    }

    #[test]
    fn the_verified_notification_carries_its_headers() {
        let h = ReceivedHeaders::new(GOOD);
        let n = verify_notification(&key(), &h, V3_BODY.as_bytes(), "/payments/notifications", at_sending())
            .expect("verifies");
        assert_eq!(n.client_id, "MCH-0001-10791114622547");
        assert_eq!(n.timestamp, Timestamp::parse("2020-08-11T08:45:42Z").expect("valid"));
    }

    #[test]
    fn a_signed_body_that_is_not_json_is_reported_after_verifying() {
        let input = SigningInput::new("C", "R", "2020-08-11T08:45:42Z", "/n", Some(b"not json")).expect("valid");
        let signature = input.sign(&key());
        let h = ReceivedHeaders::new([
            ("Client-Id", "C"),
            ("Request-Id", "R"),
            ("Request-Timestamp", "2020-08-11T08:45:42Z"),
            ("Signature", signature.as_str()),
        ]);
        let e = verify_notification(&key(), &h, b"not json", "/n", at_sending()).expect_err("not json");
        assert_eq!((e.code().as_str(), e.reason()), ("invalid_request", Some("body_not_json")));
    }

    fn response_headers(signature: &str, client_id: &str, request_id: &str) -> ReceivedHeaders {
        ReceivedHeaders::new([
            ("Client-Id", client_id),
            ("Request-Id", request_id),
            ("Response-Timestamp", "2020-08-11T08:45:42Z"),
            ("Signature", signature),
        ])
    }

    #[test]
    fn response_signatures_verify_and_must_echo_the_request() {
        let body = br#"{"message":["SUCCESS"]}"#;
        let input =
            SigningInput::new("C", "R", "2020-08-11T08:45:42Z", "/x", Some(body)).expect("valid").for_response();
        let signature = input.sign(&key());
        let ok = verify_response(&key(), "C", "R", "/x", &response_headers(&signature, "C", "R"), body, true);
        assert!(ok.is_ok(), "{ok:?}");
        let without_digest =
            verify_response(&key(), "C", "R", "/x", &response_headers(&signature, "C", "R"), body, false);
        assert_eq!(without_digest.expect_err("digest line missing").reason(), Some("signature_mismatch"));
        for (cid, rid) in [("C2", "R"), ("C", "R2")] {
            let e = verify_response(&key(), "C", "R", "/x", &response_headers(&signature, cid, rid), body, true)
                .expect_err("echo");
            assert_eq!(e.reason(), Some("echo_mismatch"), "{cid} {rid}");
        }
        let bad_ts = ReceivedHeaders::new([
            ("Client-Id", "C"),
            ("Request-Id", "R"),
            ("Response-Timestamp", "yesterday"),
            ("Signature", signature.as_str()),
        ]);
        let e = verify_response(&key(), "C", "R", "/x", &bad_ts, body, true).expect_err("timestamp");
        assert_eq!(e.reason(), Some("invalid_timestamp"));
    }

    #[test]
    fn errors_never_contain_the_secret() {
        let h = v3_headers("HMACSHA256=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=");
        let e = verify_notification(&key(), &h, V3_BODY.as_bytes(), "/payments/notifications", at_sending())
            .expect_err("forged");
        assert_eq!(e.reason(), Some("signature_mismatch"));
        assert!(!format!("{e} {e:?}").contains("SK-TEST-ONLY"));
    }
}
