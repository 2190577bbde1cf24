#![doc = include_str!("../README.md")]

use doku_checkout::doctor::{DoctorInput, diagnose_notification};
use doku_checkout::operations::OrderStatusResult;
use doku_checkout::{ReceivedHeaders, SecretKey, Timestamp, VerifyOptions, classify, verify_notification};
use serde_json::Value;

/// A fuzz target's body: must return normally for any input.
pub type Target = fn(&[u8]);

/// Every target, by the name of its corpus directory.
pub const TARGETS: [(&str, Target); 9] = [
    ("notification", notification),
    ("classify", classify_response),
    ("headers", headers),
    ("timestamp", timestamp),
    ("emulator", emulator),
    ("doctor", doctor),
    ("orders_csv", orders_csv),
    ("journal", journal),
    ("binding_input", binding_input),
];

/// Splits fuzz input into `n` parts at 0xFF bytes (missing parts are empty).
fn parts(data: &[u8], n: usize) -> Vec<&[u8]> {
    let mut out: Vec<&[u8]> = data.splitn(n, |b| *b == 0xFF).collect();
    out.resize(n, &[]);
    out
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// `Name: value` lines into received headers.
fn header_lines(bytes: &[u8]) -> ReceivedHeaders {
    let text = text(bytes);
    ReceivedHeaders::new(
        text.lines().filter_map(|l| l.split_once(':')).map(|(n, v)| (n.trim().to_owned(), v.trim().to_owned())),
    )
}

/// Notification verification: headers, body and path from the input; never panics, and a
/// notification that verifies really carries a signature of the key.
pub fn notification(data: &[u8]) {
    let [h, body, path, tolerance] = parts(data, 4)[..] else { return };
    let Ok(key) = SecretKey::new("SK-FUZZ-0123") else { return };
    let options = VerifyOptions {
        tolerance_seconds: tolerance.first().map(|t| u64::from(*t) * 60),
        now: Some(Timestamp::from_unix(1_764_126_000)),
    };
    let headers = header_lines(h);
    if verify_notification(&key, &headers, body, &text(path), options).is_ok() {
        assert!(headers.get("Signature").is_some());
    }
}

/// Response classification of any status and body; a status answer's fields, read straight
/// from the bytes, must be what a `serde_json::Value` tree gives.
pub fn classify_response(data: &[u8]) {
    let status = data.first().map_or(200, |s| 100 + u16::from(*s) * 2);
    let body = data.get(1..).unwrap_or_default();
    let _ = classify(status, body);
    let read = OrderStatusResult::from_response("r", status, body);
    if !(200..300).contains(&status) {
        return;
    }
    let Ok(Value::Object(tree)) = serde_json::from_slice::<Value>(body) else {
        assert!(read.is_err(), "a 2xx answer that is not a JSON object was read");
        return;
    };
    let field = |section: &str, name: &str| tree.get(section)?.get(name)?.as_str().map(str::to_owned);
    let read = read.expect("a 2xx JSON object is a status answer");
    assert_eq!(read.invoice_number, field("order", "invoice_number"));
    assert_eq!(read.order_status, field("order", "status"));
    assert_eq!(read.transaction_status, field("transaction", "status"));
    assert_eq!(read.original_request_id, field("transaction", "original_request_id"));
}

/// Header lookup and the header hygiene of the string to sign.
pub fn headers(data: &[u8]) {
    let [h, name] = parts(data, 2)[..] else { return };
    let headers = header_lines(h);
    let name = text(name);
    let value = headers.get(&name).unwrap_or_default();
    if let Ok(input) = doku_checkout::SigningInput::new(value, value, "2026-11-26T03:00:00Z", "/x", None) {
        assert!(!input.string_to_sign().contains('\r'));
    }
}

/// Timestamp parsing: anything that parses prints back as itself.
pub fn timestamp(data: &[u8]) {
    let t = text(data);
    if let Ok(parsed) = Timestamp::parse(&t) {
        assert_eq!(parsed.to_string(), t);
    }
    if let Ok(parsed) = Timestamp::parse_wib_compact(&t) {
        assert_eq!(parsed.to_wib_compact(), t);
    }
}

/// The emulator's request handling: method, path, headers and body from the input.
pub fn emulator(data: &[u8]) {
    let [method, path, h, body] = parts(data, 4)[..] else { return };
    let fuzz = doku_checkout_mock::fuzzing::Emulator::new();
    let pairs: Vec<(String, String)> = text(h)
        .lines()
        .filter_map(|l| l.split_once(':'))
        .map(|(n, v)| (n.trim().to_owned(), v.trim().to_owned()))
        .collect();
    let path = format!("/{}", text(path));
    if path.starts_with("/_mock/") {
        // The control API: whatever it is sent, what the emulator holds stays within its bounds.
        let status = fuzz.control(&path, body);
        assert!(matches!(status, 200 | 400 | 404 | 413), "{status}");
        let (orders, faults, faults_in_range) = fuzz.holds();
        assert!(orders <= doku_checkout_mock::limits::MAX_ORDERS && faults <= doku_checkout_mock::limits::MAX_FAULTS);
        assert!(faults_in_range, "a queued fault is out of range");
        return;
    }
    let status = fuzz.handle(&text(method), &path, &pairs, body);
    assert!((200..600).contains(&status));
}

/// The signature doctor on any notification and settings.
pub fn doctor(data: &[u8]) {
    let [secret, h, body, path, url] = parts(data, 5)[..] else { return };
    let (secret, path, url) = (text(secret), text(path), text(url));
    let headers = header_lines(h);
    let d = diagnose_notification(&DoctorInput {
        secret_key: &secret,
        alternate_secret_key: None,
        headers: &headers,
        body,
        notification_path: &path,
        notification_url: Some(url.as_str()).filter(|u| !u.is_empty()),
        expected_client_id: None,
        tolerance_seconds: None,
        now: Some(Timestamp::from_unix(1_764_126_000)),
    });
    assert_eq!(d.verified, d.cause.is_none());
}

/// The batch's orders file.
pub fn orders_csv(data: &[u8]) {
    let _ = doku_checkout::batch::read_orders(&text(data));
}

/// The batch's journal.
pub fn journal(data: &[u8]) {
    // As cancel-batch reads it: the bytes as text (a last line cut inside a character is a torn
    // line), then the lines.
    if let Ok(text) = doku_checkout::batch::Journal::text_of(data.to_vec()) {
        assert!(text.len() <= data.len());
        let _ = doku_checkout::batch::Journal::parse(&text);
    }
}

/// What bindings hand the core as JSON text (client options, create-checkout requests, uniffi's
/// `extra`): never panics; a request that is accepted also validates or is refused with a
/// field, and an option set that parses either builds a client or names the option it refuses.
pub fn binding_input(data: &[u8]) {
    let text = text(data);
    if let Ok(options) = doku_checkout::ClientOptions::from_json(&text)
        && let Err(e) = options.resolve()
    {
        assert!(e.field().is_some(), "a refused setting names its option: {e}");
    }
    if let Ok(request) = doku_checkout::operations::CreateCheckoutRequest::from_json(&text)
        && let Err(e) = request.prepare()
    {
        assert!(e.field().is_some(), "a refused request names its field: {e}");
    }
    let _ = doku_checkout::operations::JsonObject::parse(&text).fields().len();
    base_url(&text);
}

/// The text as a base URL (the core's own parser): refused with `base_url` named, or accepted in
/// a canonical form that is accepted again unchanged and carries nothing but scheme, host, port.
fn base_url(text: &str) {
    let options = doku_checkout::ClientOptions { base_url: Some(text.to_owned()), ..Default::default() };
    match options.resolve() {
        Err(e) => assert_eq!(e.field(), Some("base_url"), "{e}"),
        Ok(settings) => {
            let url = settings.base_url;
            let rest = url.strip_prefix("https://").or_else(|| url.strip_prefix("http://"));
            let rest = rest.unwrap_or_else(|| panic!("accepted without http(s): {url:?}"));
            assert!(!rest.contains(['/', '?', '#', '@', '\\', ' ']) && !rest.is_empty(), "{url:?}");
            assert_eq!(url, url.to_ascii_lowercase(), "not lower case");
            let again = doku_checkout::ClientOptions { base_url: Some(url.clone()), ..Default::default() };
            assert_eq!(again.resolve().map(|s| s.base_url).ok(), Some(url), "not canonical");
        }
    }
}
