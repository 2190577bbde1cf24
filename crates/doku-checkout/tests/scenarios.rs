//! Runs every scenario of `tests/scenarios/` against the real emulator over loopback.

use std::path::PathBuf;
use std::time::Duration;

use doku_checkout::operations::{CheckoutLineItem, CreateCheckoutRequest};
use doku_checkout::{Client, Error};
use doku_checkout_mock::{Fault, MockConfig, MockServer, Order};
use serde_json::{Value, json};

fn scenario_files() -> Vec<PathBuf> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/scenarios");
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .expect("tests/scenarios")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    files.sort();
    files
}

fn build_client(doc: &Value, cfg: &Value, url: &str) -> Result<Client, Error> {
    let ms = |k: &str| Duration::from_millis(cfg[k].as_u64().unwrap_or_else(|| panic!("client.{k}")));
    Client::builder(
        cfg["client_id"].as_str().unwrap_or_else(|| doc["client_id"].as_str().expect("client_id")),
        cfg["secret_key"].as_str().unwrap_or_else(|| doc["secret_key"].as_str().expect("secret_key")),
    )
    .base_url(cfg["base_url"].as_str().unwrap_or(url))
    .timeout(ms("timeout_ms"))
    .max_retries(u32::try_from(cfg["max_retries"].as_u64().expect("max_retries")).expect("u32"))
    .backoff(ms("initial_backoff_ms"), ms("max_backoff_ms"))
    .verify_response_signatures(cfg["verify_response_signatures"].as_bool().unwrap_or(false))
    .build()
}

/// Replaces `{"from_step": N, "field": F}` with that earlier result's field.
fn resolve(args: &Value, results: &[Value]) -> Value {
    match args {
        Value::Object(m) if m.contains_key("from_step") => {
            let step = usize::try_from(m["from_step"].as_u64().expect("step")).expect("usize");
            results[step][m["field"].as_str().expect("field")].clone()
        }
        Value::Object(m) => Value::Object(m.iter().map(|(k, v)| (k.clone(), resolve(v, results))).collect()),
        other => other.clone(),
    }
}

async fn call(client: &Client, op: &str, a: &Value) -> Result<Value, Error> {
    let s = |k: &str| a[k].as_str().unwrap_or_else(|| panic!("arg {k}"));
    let to_value = |v: Result<Value, serde_json::Error>| v.expect("serialisable");
    match op {
        "cancel_order" => client
            .cancel_order(s("invoice_number"), s("original_request_id"), s("note"), a["request_id"].as_str())
            .await
            .map(|r| to_value(serde_json::to_value(r))),
        "cancel_by_invoice" => client
            .cancel_by_invoice(s("invoice_number"), s("note"), a["request_id"].as_str())
            .await
            .map(|r| to_value(serde_json::to_value(r))),
        "order_status" => client.order_status(s("invoice_number")).await.map(|r| to_value(serde_json::to_value(r))),
        "create_checkout" => {
            let request = CreateCheckoutRequest {
                invoice_number: s("invoice_number").to_owned(),
                amount: a["amount"].as_u64().expect("amount"),
                payment_due_minutes: a["payment_due_minutes"].as_u64().map(|m| u32::try_from(m).expect("u32")),
                payment_method_types: a["payment_method_types"]
                    .as_array()
                    .map(|v| v.iter().map(|x| x.as_str().expect("str").to_owned()).collect())
                    .unwrap_or_default(),
                line_items: a["line_items"]
                    .as_array()
                    .map(|items| {
                        items
                            .iter()
                            .map(|i| CheckoutLineItem {
                                name: i["name"].as_str().expect("name").to_owned(),
                                price: i["price"].as_u64().expect("price"),
                                quantity: u32::try_from(i["quantity"].as_u64().expect("qty")).expect("u32"),
                            })
                            .collect()
                    })
                    .unwrap_or_default(),
                ..Default::default()
            };
            client.create_checkout(&request, a["request_id"].as_str()).await.map(|r| {
                let mut v = to_value(serde_json::to_value(&r));
                v["has_payment_url"] = json!(!r.payment_url.is_empty());
                v["has_expiry"] = json!(r.expires_at.is_some());
                v
            })
        }
        other => panic!("unknown op {other}"),
    }
}

fn check_step(id: &str, outcome: &Result<Value, Error>, expect: &Value, secret: &str) {
    match (outcome, expect.get("result"), expect.get("error")) {
        (Ok(got), Some(want), None) => {
            for (k, v) in want.as_object().expect("result object") {
                assert_eq!(&got[k], v, "{id}: result.{k} in {got}");
            }
        }
        (Err(e), None, Some(want)) => {
            assert!(!format!("{e} {e:?}").contains(secret), "{id}: secret leaked");
            let got = e.to_json();
            for (k, v) in want.as_object().expect("error object") {
                assert_eq!(&got[k], v, "{id}: error.{k} in {got}");
            }
        }
        (got, _, _) => panic!("{id}: expected {expect}, got {got:?}"),
    }
}

/// Whether `want` is contained in `got`: objects key by key, lists element by element (same
/// length), anything else equal. The path of the first difference, if any.
fn subset(want: &Value, got: &Value, at: &str) -> Result<(), String> {
    match (want, got) {
        (Value::Object(w), Value::Object(g)) => {
            w.iter().try_for_each(|(k, v)| subset(v, g.get(k).unwrap_or(&Value::Null), &format!("{at}.{k}")))
        }
        (Value::Array(w), Value::Array(g)) if w.len() == g.len() => {
            w.iter().zip(g).enumerate().try_for_each(|(i, (w, g))| subset(w, g, &format!("{at}[{i}]")))
        }
        (w, g) if w == g => Ok(()),
        (w, g) => Err(format!("{at}: expected {w}, got {g}")),
    }
}

/// An unsigned `/_mock/` control call over HTTP: (status, JSON answer).
async fn control(url: &str, method: &str, path: &str, body: &Value) -> (u16, Value) {
    let http = reqwest::Client::new();
    let request = match method {
        "GET" => http.get(format!("{url}{path}")),
        _ => http.post(format!("{url}{path}")).body(if body.is_null() { String::new() } else { body.to_string() }),
    };
    let response = request.send().await.expect("control call");
    let status = response.status().as_u16();
    let bytes = response.bytes().await.expect("control answer");
    (status, serde_json::from_slice(&bytes).unwrap_or(Value::Null))
}

/// The notifications the emulator delivered, once none is due or in flight, against the
/// expected ones; each delivery's last attempt is verified as the merchant would verify it.
async fn check_notifications(id: &str, url: &str, secret: &str, expected: &[Value]) {
    let (status, list) = control(url, "POST", "/_mock/notifications/wait", &Value::Null).await;
    assert_eq!(status, 200, "{id}: {list}");
    let list = list.as_array().expect("list");
    assert_eq!(list.len(), expected.len(), "{id}: notifications {list:#?}");
    for (want, got) in expected.iter().zip(list) {
        let mut plain = want.clone();
        let (names, verified) = {
            let m = plain.as_object_mut().expect("object");
            (m.remove("header_names"), m.remove("verified"))
        };
        subset(&plain, got, "notification").unwrap_or_else(|e| panic!("{id}: {e}"));
        let attempt = got["attempts"].as_array().and_then(|a| a.last()).expect("an attempt");
        let headers: Vec<(String, String)> = serde_json::from_value(attempt["headers"].clone()).expect("headers");
        for name in names.iter().flat_map(|n| n.as_array()).flatten() {
            assert!(
                headers.iter().any(|(h, _)| h == name.as_str().expect("name")),
                "{id}: no header named exactly {name}"
            );
        }
        if let Some(verified) = verified {
            let secret = doku_checkout::SecretKey::new(secret).expect("secret");
            let received = doku_checkout::ReceivedHeaders::new(headers.iter().map(|(k, v)| (k.as_str(), v.as_str())));
            let n = doku_checkout::verify_notification(
                &secret,
                &received,
                got["body"].as_str().expect("body").as_bytes(),
                got["path"].as_str().expect("path"),
                doku_checkout::VerifyOptions::default(),
            )
            .unwrap_or_else(|e| panic!("{id}: the notification does not verify: {e}"));
            subset(&verified, &n.body, "verified").unwrap_or_else(|e| panic!("{id}: {e}"));
        }
    }
}

fn check_wire(id: &str, log: &[doku_checkout_mock::LogEntry], wire: &Value) {
    if let Some(n) = wire["requests"].as_u64() {
        assert_eq!(log.len() as u64, n, "{id}: requests {log:#?}");
    }
    if wire["same_request_id"].as_bool() == Some(true) {
        let first = log.first().and_then(|e| e.request_id.clone());
        assert!(first.is_some() && log.iter().all(|e| e.request_id == first), "{id}: request ids differ");
    }
    if let Some(n) = wire["state_changes"].as_u64() {
        assert_eq!(log.iter().filter(|e| e.state_changed).count() as u64, n, "{id}: state changes");
    }
    if let Some(valid) = wire["all_signatures_valid"].as_bool() {
        assert_eq!(log.iter().all(|e| e.signature_valid), valid, "{id}: signatures");
    }
    if let Some(paths) = wire["paths"].as_array() {
        let got: Vec<&str> = log.iter().map(|e| e.path.as_str()).collect();
        let want: Vec<&str> = paths.iter().map(|p| p.as_str().expect("path")).collect();
        assert_eq!(got, want, "{id}: paths");
    }
    if let Some(quoted) = wire["cancel_original_request_ids"].as_array() {
        let got: Vec<Value> = log
            .iter()
            .filter(|e| e.path == "/checkout/v3/cancellations")
            .map(|e| {
                serde_json::from_str::<Value>(&e.body).expect("cancel body")["payment"]["original_request_id"].clone()
            })
            .collect();
        assert_eq!(&got, quoted, "{id}: the original_request_id each cancel quoted");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_scenario_passes() {
    let mut total = 0;
    for file in scenario_files() {
        let doc: Value = serde_json::from_str(&std::fs::read_to_string(&file).expect("read")).expect("json");
        let secret = doc["secret_key"].as_str().expect("secret");
        for sc in doc["scenarios"].as_array().expect("scenarios") {
            let id = sc["id"].as_str().expect("id");
            let server =
                MockServer::start(MockConfig::new(doc["client_id"].as_str().expect("cid"), secret).expect("config"))
                    .await
                    .expect("emulator");
            for o in sc["setup"]["orders"].as_array().expect("orders") {
                server
                    .control()
                    .add_order(serde_json::from_value::<Order>(o.clone()).expect("order"))
                    .expect("order within bounds");
            }
            for f in sc["setup"]["faults"].as_array().expect("faults") {
                server
                    .control()
                    .inject_fault(serde_json::from_value::<Fault>(f.clone()).expect("fault"))
                    .expect("fault within bounds");
            }
            let client = build_client(&doc, &sc["client"], &server.url());
            let mut results = Vec::new();
            for (n, step) in sc["steps"].as_array().expect("steps").iter().enumerate() {
                if let Some(c) = step.get("control") {
                    let path = c["path"].as_str().expect("path");
                    let (status, answer) =
                        control(&server.url(), c["method"].as_str().expect("method"), path, &c["body"]).await;
                    assert_eq!(Some(u64::from(status)), step["expect"]["status"].as_u64(), "{id} step {n}: {answer}");
                    results.push(answer);
                    continue;
                }
                if let Some(expected) = step.get("notifications") {
                    check_notifications(
                        &format!("{id} step {n}"),
                        &server.url(),
                        secret,
                        expected.as_array().expect("list"),
                    )
                    .await;
                    results.push(Value::Null);
                    continue;
                }
                let op = step["call"]["op"].as_str().expect("op");
                let args = resolve(&step["call"]["args"], &results);
                let outcome = match &client {
                    Ok(c) => call(c, op, &args).await,
                    Err(e) => Err(e.clone()),
                };
                check_step(&format!("{id} step {n}"), &outcome, &step["expect"], secret);
                results.push(outcome.unwrap_or(Value::Null));
            }
            check_wire(id, &server.control().log(), &sc["wire"]);
            for (invoice, state) in sc["final_states"].as_object().expect("final_states") {
                let order = server.control().order(invoice).unwrap_or_else(|| panic!("{id}: no order {invoice}"));
                assert_eq!(&serde_json::to_value(order.state).expect("state"), state, "{id}: final state of {invoice}");
            }
            server.shutdown().await;
            total += 1;
        }
    }
    assert!(total >= 40, "only {total} scenarios");
    eprintln!("ran {total} scenarios");
}
