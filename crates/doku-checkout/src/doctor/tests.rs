use super::*;

const SECRET: &str = "SK-doctor-a&b-0123";
const CLIENT: &str = "MCH-0001-DOCTOR";
const PATH: &str = "/api/doku/notify";
const TS: &str = "2026-11-26T03:00:00Z";
/// As DOKU would send it: PHP-style escapes, key order of its own.
const BODY: &str = r#"{"order":{"invoice_number":"INV\/2026\/7","amount":150000},"customer":{"name":"Budi \u015a"},"transaction":{"status":"SUCCESS"}}"#;

fn headers(client_id: &str, signature: &str) -> ReceivedHeaders {
    ReceivedHeaders::new([
        ("Client-Id", client_id),
        ("Request-Id", "notif-7"),
        ("Request-Timestamp", TS),
        ("Signature", signature),
    ])
}

fn genuine() -> ReceivedHeaders {
    let key = SecretKey::new(SECRET).expect("key");
    let signature = SigningInput::new(CLIENT, "notif-7", TS, PATH, Some(BODY.as_bytes())).expect("input").sign(&key);
    headers(CLIENT, &signature)
}

fn diagnose(
    headers: &ReceivedHeaders,
    body: &str,
    path: &str,
    secret: &str,
    tweak: impl FnOnce(&mut DoctorInput<'_>),
) -> Diagnosis {
    let mut input = DoctorInput {
        secret_key: secret,
        alternate_secret_key: None,
        headers,
        body: body.as_bytes(),
        notification_path: path,
        notification_url: None,
        expected_client_id: None,
        tolerance_seconds: None,
        // A fixed clock just after the notification was sent: with the real one, the default
        // tolerance (24 h) would turn every test into a clock-skew case a day after `TS`.
        now: Some(Timestamp::from_unix(Timestamp::parse(TS).expect("ts").unix() + 5)),
    };
    tweak(&mut input);
    let diagnosis = diagnose_notification(&input);
    let printed = format!("{diagnosis:?} {}", serde_json::to_string(&diagnosis).expect("json"));
    assert!(!printed.contains("SK-doctor") && !printed.contains("SK-other"), "a secret leaked: {printed}");
    diagnosis
}

#[test]
fn a_genuine_notification_verifies() {
    let d = diagnose(&genuine(), BODY, PATH, SECRET, |_| {});
    assert!(d.verified && d.cause.is_none(), "{d:?}");
}

#[test]
fn a_re_serialised_body_is_named() {
    let node = r#"{"order":{"invoice_number":"INV/2026/7","amount":150000},"customer":{"name":"Budi Ś"},"transaction":{"status":"SUCCESS"}}"#;
    let cases = [
        (node.to_owned(), "written the way PHP's json_encode does by default"),
        (BODY.replace("\\/", "/"), "'\\/'"),
        (format!("{BODY}\n"), "with its trailing newline removed"),
        (json_forms_pretty(), "the body compacted"),
    ];
    for (changed, words) in cases {
        let d = diagnose(&genuine(), &changed, PATH, SECRET, |_| {});
        assert_eq!(d.cause, Some(Cause::Body), "{changed}: {d:?}");
        assert!(d.detail.contains(words), "{words}: {}", d.detail);
        assert!(d.fix.contains("request.body") && d.fix.contains("express.raw"), "{}", d.fix);
    }
}

fn json_forms_pretty() -> String {
    BODY.replace(",\"", ",\n  \"").replace('{', "{\n  ").replace('}', "\n}")
}

#[test]
fn a_mounted_path_is_named_with_the_back_office_url() {
    let d = diagnose(&genuine(), BODY, "/notify", SECRET, |i| {
        i.notification_url = Some("https://shop.example/api/doku/notify")
    });
    assert_eq!(d.cause, Some(Cause::RequestTarget), "{d:?}");
    assert!(d.detail.contains("/api/doku/notify"), "{}", d.detail);
    assert!(
        d.fix.contains("verify with the notification path /api/doku/notify") && d.fix.contains("req.originalUrl"),
        "{}",
        d.fix
    );
    let d = diagnose(&genuine(), BODY, "/api/doku/notify/", SECRET, |_| {});
    assert_eq!(d.cause, Some(Cause::RequestTarget), "{d:?}");
    assert!(d.detail.contains("trailing slash"), "{}", d.detail);
}

#[test]
fn secret_key_mistakes_are_named() {
    let newline = format!("{SECRET}\n");
    let d = diagnose(&genuine(), BODY, PATH, &newline, |_| {});
    assert_eq!(d.cause, Some(Cause::SecretKey), "{d:?}");
    assert!(d.detail.contains("trimmed"), "{}", d.detail);
    let escaped = SECRET.replace('&', "&amp;");
    let d = diagnose(&genuine(), BODY, PATH, &escaped, |_| {});
    assert_eq!(d.cause, Some(Cause::SecretKey), "{d:?}");
    assert!(d.detail.contains("HTML-unescaped"), "{}", d.detail);
    let d = diagnose(&genuine(), BODY, PATH, "SK-other-environment", |i| i.alternate_secret_key = Some(SECRET));
    assert_eq!(d.cause, Some(Cause::SecretKey), "{d:?}");
    assert!(d.detail.contains("DOKU_SECRET_KEY_ALT") && d.fix.contains("sandbox and production"), "{d:?}");
}

#[test]
fn another_client_id_is_named() {
    let d = diagnose(&genuine(), BODY, PATH, "SK-other", |i| i.expected_client_id = Some("MCH-0002-MINE"));
    assert_eq!(d.cause, Some(Cause::ClientId), "{d:?}");
    assert!(d.detail.contains("MCH-0001-DOCTOR") && d.detail.contains("MCH-0002-MINE"), "{}", d.detail);
    // Signed for the right Client-Id, but the header was altered on the way.
    let key = SecretKey::new(SECRET).expect("key");
    let sig = SigningInput::new(CLIENT, "notif-7", TS, PATH, Some(BODY.as_bytes())).expect("input").sign(&key);
    let d = diagnose(&headers("MCH-9999-ALTERED", &sig), BODY, PATH, SECRET, |i| i.expected_client_id = Some(CLIENT));
    assert_eq!(d.cause, Some(Cause::ClientId), "{d:?}");
    assert!(d.detail.contains("signed for Client-Id MCH-0001-DOCTOR"), "{}", d.detail);
}

#[test]
fn a_skewed_clock_is_named_only_with_a_tolerance() {
    let sent = Timestamp::parse(TS).expect("ts").unix();
    let d = diagnose(&genuine(), BODY, PATH, SECRET, |i| {
        i.tolerance_seconds = Some(600);
        i.now = Some(Timestamp::from_unix(sent + 3_600));
    });
    assert_eq!(d.cause, Some(Cause::Clock), "{d:?}");
    assert!(!d.verified && d.detail.contains("3600 s old"), "{}", d.detail);
    let d = diagnose(&genuine(), BODY, PATH, SECRET, |i| {
        i.tolerance_seconds = Some(600);
        i.now = Some(Timestamp::from_unix(sent - 601));
    });
    assert!(d.detail.contains("601 s in the future"), "{}", d.detail);
    let d = diagnose(&genuine(), BODY, PATH, SECRET, |i| {
        i.tolerance_seconds = Some(600);
        i.now = Some(Timestamp::from_unix(sent + 600));
    });
    assert!(d.verified, "at the tolerance: {d:?}");
}

#[test]
fn two_mistakes_at_once_are_both_named() {
    let compact_utf8 = BODY.replace("\\/", "/");
    let d = diagnose(&genuine(), &compact_utf8, "/notify", SECRET, |i| {
        i.notification_url = Some("https://shop.example/api/doku/notify")
    });
    assert_eq!(d.cause, Some(Cause::RequestTarget), "{d:?}");
    assert!(d.detail.contains("and over the body"), "{}", d.detail);
    assert!(d.fix.contains("express.raw"), "{}", d.fix);
    let d = diagnose(&genuine(), &compact_utf8, PATH, &format!(" {SECRET}"), |_| {});
    assert_eq!(d.cause, Some(Cause::SecretKey), "{d:?}");
    assert!(d.detail.contains("and over the body"), "{}", d.detail);
}

#[test]
fn nothing_explains_a_forgery() {
    let d = diagnose(&genuine(), BODY, PATH, "SK-other-key", |_| {});
    assert_eq!(d.cause, Some(Cause::Unknown), "{d:?}");
    let text = d.string_to_sign.expect("string to sign");
    assert!(text.starts_with("Client-Id:MCH-0001-DOCTOR\nRequest-Id:notif-7\nRequest-Timestamp:2026-11-26T03:00:00Z\nRequest-Target:/api/doku/notify\nDigest:"), "{text}");
}

#[test]
fn malformed_notifications_say_what_is_missing() {
    let h = ReceivedHeaders::new([("Client-Id", CLIENT), ("Request-Id", "n"), ("Request-Timestamp", TS)]);
    let d = diagnose(&h, BODY, PATH, SECRET, |_| {});
    assert_eq!(d.cause, Some(Cause::Unknown));
    assert!(d.detail.contains("Signature header is missing"), "{}", d.detail);
    let d = diagnose(&genuine(), BODY, "api/doku/notify", SECRET, |_| {});
    assert_eq!(d.cause, Some(Cause::RequestTarget), "{d:?}");
    assert_eq!(diagnose(&genuine(), BODY, PATH, "", |_| {}).cause, Some(Cause::SecretKey));
}
