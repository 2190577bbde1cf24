//! Runs every case of every file in `tests/vectors/` against the Rust core.

use std::path::PathBuf;
use std::time::Duration;

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use doku_checkout::operations::{CancelOrderRequest, OrderStatusRequest};
use doku_checkout::retry::{AttemptOutcome, RetryDecision, RetryPolicy};
use doku_checkout::{
    Classified, Error, ReceivedHeaders, SecretKey, SigningInput, Timestamp, VerifyOptions, cancel_support, classify,
    compute_digest, verify_notification, verify_response,
};
use serde_json::Value;

fn vectors_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/vectors")
}

fn hex(s: &str) -> Vec<u8> {
    (0..s.len()).step_by(2).map(|i| u8::from_str_radix(&s[i..i + 2], 16).expect("hex")).collect()
}

/// Decodes a body spec: null, {"b64"}, {"hex"} or {"repeat": {"hex", "count"}}.
fn body(spec: &Value) -> Option<Vec<u8>> {
    match spec {
        Value::Null => None,
        v if v.get("b64").is_some() => Some(STANDARD.decode(v["b64"].as_str().expect("b64")).expect("base64")),
        v if v.get("hex").is_some() => Some(hex(v["hex"].as_str().expect("hex"))),
        v if v.get("repeat").is_some() => {
            let unit = hex(v["repeat"]["hex"].as_str().expect("hex"));
            Some(unit.repeat(usize::try_from(v["repeat"]["count"].as_u64().expect("count")).expect("fits")))
        }
        other => panic!("unknown body spec {other}"),
    }
}

fn s<'a>(v: &'a Value, k: &str) -> &'a str {
    v[k].as_str().unwrap_or_else(|| panic!("missing string {k}"))
}

fn headers(v: &Value) -> ReceivedHeaders {
    ReceivedHeaders::new(v.as_array().expect("headers").iter().map(|p| (s2(&p[0]), s2(&p[1]))))
}

fn s2(v: &Value) -> String {
    v.as_str().expect("string").to_owned()
}

/// Compares an error with `{"code", "reason"?, "field"?, "retryable"?}`.
fn check_error(id: &str, got: &Error, want: &Value) {
    assert_eq!(got.code().as_str(), s(want, "code"), "{id}: {got}");
    if let Some(r) = want.get("reason") {
        assert_eq!(got.reason(), r.as_str(), "{id}: {got}");
    }
    if let Some(f) = want.get("field") {
        assert_eq!(got.field(), f.as_str(), "{id}: {got}");
    }
    if let Some(r) = want.get("retryable") {
        assert_eq!(got.retryable(), r.as_bool().expect("bool"), "{id}");
    }
    assert!(!got.to_string().contains("SK-TEST-ONLY"), "{id}: secret leaked");
}

fn run_case(op: &str, id: &str, input: &Value, expect: &Value) {
    match op {
        "sign_request" => {
            let b = body(&input["body"]);
            let secret = SecretKey::new(s(input, "secret_key")).expect("secret");
            let result = SigningInput::new(
                s(input, "client_id"),
                s(input, "request_id"),
                s(input, "timestamp"),
                s(input, "request_target"),
                b.as_deref(),
            );
            match (result, expect.get("error")) {
                (Ok(si), None) => {
                    assert_eq!(si.string_to_sign(), s(expect, "string_to_sign"), "{id}");
                    assert_eq!(si.sign(&secret), s(expect, "signature"), "{id}");
                    assert_eq!(b.as_deref().map(compute_digest).as_deref(), expect["digest"].as_str(), "{id}");
                    si.verify(&secret, s(expect, "signature")).unwrap_or_else(|e| panic!("{id}: {e}"));
                }
                (Err(e), Some(want)) => check_error(id, &e, want),
                (r, _) => panic!("{id}: unexpected {r:?}"),
            }
        }
        "verify_notification" => {
            let secret = SecretKey::new(s(input, "secret_key")).expect("secret");
            let opts = VerifyOptions {
                tolerance_seconds: input["tolerance_seconds"].as_u64(),
                now: input["now"].as_i64().map(Timestamp::from_unix),
            };
            let b = body(&input["body"]).expect("body");
            match (
                verify_notification(&secret, &headers(&input["headers"]), &b, s(input, "notification_path"), opts),
                expect.get("error"),
            ) {
                (Ok(n), None) => {
                    assert_eq!(n.request_id, s(expect, "request_id"), "{id}");
                    assert_eq!(n.body, serde_json::from_slice::<Value>(&b).expect("json"), "{id}");
                }
                (Err(e), Some(want)) => check_error(id, &e, want),
                (r, _) => panic!("{id}: unexpected {r:?}"),
            }
        }
        "verify_response" => {
            let secret = SecretKey::new(s(input, "secret_key")).expect("secret");
            let b = body(&input["body"]).expect("body");
            let r = verify_response(
                &secret,
                s(input, "sent_client_id"),
                s(input, "sent_request_id"),
                s(input, "request_target"),
                &headers(&input["headers"]),
                &b,
                input["with_digest"].as_bool().expect("bool"),
            );
            match (r, expect.get("error")) {
                (Ok(()), None) => {}
                (Err(e), Some(want)) => check_error(id, &e, want),
                (r, _) => panic!("{id}: unexpected {r:?}"),
            }
        }
        "format_timestamp" => assert_eq!(
            Timestamp::from_unix(input["unix"].as_i64().expect("unix")).to_string(),
            s(expect, "text"),
            "{id}"
        ),
        "parse_timestamp" => match (Timestamp::parse(s(input, "text")), expect.get("error")) {
            (Ok(t), None) => assert_eq!(t.unix(), expect["unix"].as_i64().expect("unix"), "{id}"),
            (Err(e), Some(want)) => check_error(id, &e, want),
            (r, _) => panic!("{id}: unexpected {r:?}"),
        },
        "from_wib" => {
            let f: Vec<u32> = input["wib"]
                .as_array()
                .expect("fields")
                .iter()
                .map(|x| u32::try_from(x.as_u64().expect("n")).expect("u32"))
                .collect();
            let year = i32::try_from(f[0]).expect("year");
            let t = Timestamp::from_wib(year, f[1], f[2], f[3], f[4], f[5]).expect("valid");
            assert_eq!(t.to_string(), s(expect, "text"), "{id}");
        }
        "parse_wib_compact" => {
            let t = Timestamp::parse_wib_compact(s(input, "wib_compact")).expect("valid");
            assert_eq!(t.to_string(), s(expect, "text"), "{id}");
            assert_eq!(t.to_wib_compact(), s(input, "wib_compact"), "{id}");
        }
        "classify" => {
            let b = body(&input["body"]).unwrap_or_default();
            let status = u16::try_from(input["http_status"].as_u64().expect("status")).expect("u16");
            match (classify(status, &b), expect.get("error")) {
                (Classified::Success { replayed }, None) => {
                    assert_eq!(replayed, expect["replayed"].as_bool().expect("bool"), "{id}")
                }
                (Classified::Failure(e), Some(want)) => {
                    check_error(id, &e, want);
                    assert_eq!(e.http_status(), Some(status), "{id}");
                    assert_eq!(e.raw_body().map(str::as_bytes), Some(b.as_slice()), "{id}");
                }
                (r, _) => panic!("{id}: unexpected {r:?}"),
            }
        }
        "retry_decision" => {
            let p = &input["policy"];
            let policy = RetryPolicy {
                max_retries: u32::try_from(p["max_retries"].as_u64().expect("n")).expect("u32"),
                initial_backoff: Duration::from_millis(p["initial_backoff_ms"].as_u64().expect("ms")),
                max_backoff: Duration::from_millis(p["max_backoff_ms"].as_u64().expect("ms")),
            };
            let status = input["outcome"]["status"].as_u64().map(|n| u16::try_from(n).expect("u16"));
            let outcome = AttemptOutcome::from_parts(status, input["outcome"]["transport"].as_str())
                .unwrap_or_else(|| panic!("{id}: outcome {}", input["outcome"]));
            let attempt = u32::try_from(input["attempt"].as_u64().expect("attempt")).expect("u32");
            let decision = policy.decide(
                attempt,
                outcome,
                input["retry_after_seconds"].as_u64().map(Duration::from_secs),
                input["jitter"].as_f64().expect("jitter"),
            );
            let want = if expect["retry"].as_bool().expect("bool") {
                RetryDecision::RetryAfter(Duration::from_millis(expect["delay_ms"].as_u64().expect("ms")))
            } else {
                RetryDecision::Stop
            };
            assert_eq!(decision, want, "{id}");
        }
        "cancel_support" => {
            assert_eq!(cancel_support(s(input, "payment_method_type")).as_str(), s(expect, "support"), "{id}")
        }
        "cancel_order_request" => {
            match (
                CancelOrderRequest::new(s(input, "invoice_number"), s(input, "original_request_id"), s(input, "note")),
                expect.get("error"),
            ) {
                (Ok(r), None) => assert_eq!(r.prepare().body, body(&expect["body"]), "{id}"),
                (Err(e), Some(want)) => check_error(id, &e, want),
                (r, _) => panic!("{id}: unexpected {r:?}"),
            }
        }
        "order_status_request" => match (OrderStatusRequest::new(s(input, "invoice_number")), expect.get("error")) {
            (Ok(r), None) => assert_eq!(r.prepare().path, s(expect, "path"), "{id}"),
            (Err(e), Some(want)) => check_error(id, &e, want),
            (r, _) => panic!("{id}: unexpected {r:?}"),
        },
        "client_config" => {
            let built = doku_checkout::ClientOptions::from_json_value(input["options"].clone()).and_then(|o| {
                o.build(s(input, "client_id"), s(input, "secret_key"), doku_checkout::UserAgent::default())
            });
            match (built, expect.get("error")) {
                (Ok(c), None) => {
                    assert_eq!(serde_json::to_value(c.settings()).expect("json"), expect["settings"], "{id}")
                }
                (Err(e), Some(want)) => check_error(id, &e, want),
                (r, _) => panic!("{id}: unexpected {:?}", r.map(|c| c.settings())),
            }
        }
        "read_checkout_request" => {
            match (doku_checkout::checkout_reading::read_checkout_request(&input["body"]), expect.get("error")) {
                (Ok(f), None) => {
                    assert_eq!(f.invoice_number, s(expect, "invoice_number"), "{id}");
                    assert_eq!(Some(f.amount), expect["amount"].as_u64(), "{id}");
                    assert_eq!(Some(f.due_minutes), expect["payment_due_date"].as_u64(), "{id}");
                    assert_eq!(serde_json::json!(f.payment_method_types), expect["payment_method_types"], "{id}");
                    let items: Vec<Value> = f
                        .line_items
                        .iter()
                        .map(|i| serde_json::json!({ "name": i.name, "price": i.price, "quantity": i.quantity }))
                        .collect();
                    assert_eq!(Value::Array(items), expect["line_items"], "{id}");
                    assert_eq!(f.callback_url.as_deref(), expect["callback_url"].as_str(), "{id}");
                    assert_eq!(Some(f.recover_abandoned_cart), expect["recover_abandoned_cart"].as_bool(), "{id}");
                    assert_eq!(
                        f.override_notification_url.as_deref(),
                        expect["override_notification_url"].as_str(),
                        "{id}"
                    );
                }
                (Err(e), Some(want)) => {
                    check_error(id, &e, want);
                    assert_eq!(serde_json::json!(e.messages()), want["messages"], "{id}");
                    assert_eq!(e.http_status(), want["http_status"].as_u64().map(|n| n as u16), "{id}");
                }
                (r, _) => panic!("{id}: unexpected {r:?}"),
            }
        }
        "order_lifecycle" => {
            let state = doku_checkout::lifecycle::OrderLifecycle::from_statuses(
                input["transaction_status"].as_str(),
                input["order_status"].as_str(),
            );
            assert_eq!(state.as_ref().map(|s| s.as_str()), expect["state"].as_str(), "{id}");
            assert_eq!(state.as_ref().map(|s| s.is_final()), expect["final"].as_bool(), "{id}");
        }
        "lifecycle_transition" => {
            use doku_checkout::lifecycle::{OrderLifecycle, Transition, transition};
            let stored = input["stored"].as_str().map(OrderLifecycle::from_name);
            let observed = OrderLifecycle::from_statuses(input["observed"]["transaction_status"].as_str(), None)
                .expect("a status");
            let t = transition(stored.as_ref(), &observed);
            assert_eq!(t.as_str(), s(expect, "outcome"), "{id}");
            let applied = if let Transition::Apply(s) = &t { Some(s.as_str()) } else { None };
            assert_eq!(applied, expect["state"].as_str(), "{id}");
        }
        other => panic!("unknown operation {other}"),
    }
}

#[test]
fn every_vector_file_passes() {
    let mut files: Vec<PathBuf> = std::fs::read_dir(vectors_dir())
        .expect("tests/vectors exists")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    files.sort();
    assert!(files.len() >= 8, "vector files missing: {files:?}");
    let mut total = 0;
    for file in &files {
        let doc: Value = serde_json::from_str(&std::fs::read_to_string(file).expect("read")).expect("json");
        let mut in_file = 0;
        for group in doc["groups"].as_array().expect("groups") {
            let op = s(group, "operation");
            for case in group["cases"].as_array().expect("cases") {
                run_case(op, s(case, "id"), &case["input"], &case["expect"]);
                in_file += 1;
            }
        }
        assert_eq!(in_file, doc["number_of_cases"].as_u64().expect("count") as usize, "{file:?}");
        total += in_file;
    }
    assert!(total >= 40, "only {total} cases");
    eprintln!("ran {total} vector cases from {} files", files.len());
}

/// The same cases through the one entry point every binding uses for the operations it does
/// not expose (`conformance::run`), so that entry point is held to the files as well.
#[cfg(feature = "conformance")]
#[test]
fn every_vector_through_the_conformance_entry_point() {
    const VIA_ENTRY_POINT: [&str; 13] = [
        "classify",
        "read_checkout_request",
        "order_lifecycle",
        "lifecycle_transition",
        "retry_decision",
        "cancel_order_request",
        "order_status_request",
        "format_timestamp",
        "parse_timestamp",
        "from_wib",
        "parse_wib_compact",
        "cancel_support",
        "client_config",
    ];
    let mut ran = 0;
    for entry in std::fs::read_dir(vectors_dir()).expect("tests/vectors") {
        let path = entry.expect("entry").path();
        if path.extension().is_none_or(|x| x != "json") {
            continue;
        }
        let doc: Value = serde_json::from_str(&std::fs::read_to_string(&path).expect("read")).expect("json");
        for group in doc["groups"].as_array().expect("groups") {
            let op = s(group, "operation");
            if !VIA_ENTRY_POINT.contains(&op) {
                continue;
            }
            for case in group["cases"].as_array().expect("cases") {
                let (id, expect) = (s(case, "id"), &case["expect"]);
                let out: Value = serde_json::from_str(&doku_checkout::conformance::run(op, &case["input"].to_string()))
                    .expect("json");
                match expect.get("error") {
                    Some(want) => {
                        for (k, v) in want.as_object().expect("error") {
                            assert_eq!(&out["error"][k], v, "{id}: {k} in {out}");
                        }
                    }
                    None if op == "client_config" => assert_eq!(out["ok"], expect["settings"], "{id}"),
                    None => assert_eq!(out["ok"], *expect, "{id}"),
                }
                ran += 1;
            }
        }
    }
    assert!(ran >= 100, "only {ran} cases");
}
