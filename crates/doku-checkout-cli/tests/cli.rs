//! The `doku-checkout` binary, run as a process.

use std::io::Write;
use std::process::{Command, Output, Stdio};

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use hmac::{Hmac, KeyInit, Mac};
use proptest::prelude::*;
use sha2::{Digest, Sha256};

mod support;

use serde_json::{Value, json};
use support::{BIN, Controls, Emulator};

const SECRET: &str = "SK-CLI-TEST-0123";

fn run(args: &[&str], stdin: Option<&[u8]>) -> Output {
    let mut child = Command::new(BIN)
        .args(args)
        .env("DOKU_SECRET_KEY", SECRET)
        .env_remove("DOKU_CLIENT_ID")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn");
    if let Some(input) = stdin {
        child.stdin.take().expect("stdin").write_all(input).expect("write");
    }
    drop(child.stdin.take());
    child.wait_with_output().expect("output")
}

/// The scheme written out from the doc, with the hmac/sha2/base64 crates directly.
fn independent(cid: &str, rid: &str, ts: &str, target: &str, body: Option<&[u8]>) -> String {
    let mut s = format!("Client-Id:{cid}\nRequest-Id:{rid}\nRequest-Timestamp:{ts}\nRequest-Target:{target}");
    if let Some(b) = body {
        s.push_str("\nDigest:");
        s.push_str(&STANDARD.encode(Sha256::digest(b)));
    }
    let mut mac = <Hmac<Sha256> as KeyInit>::new_from_slice(SECRET.as_bytes()).expect("key");
    mac.update(s.as_bytes());
    format!("HMACSHA256={}", STANDARD.encode(mac.finalize().into_bytes()))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    #[test]
    fn sign_agrees_byte_for_byte(cid in "[!-~]{1,40}", rid in "[!-~]{1,128}", secs in 0i64..4_102_444_800, target in "/[!-~]{0,40}", body in proptest::option::of(proptest::collection::vec(any::<u8>(), 0..300))) {
        let ts = doku_checkout::Timestamp::from_unix(secs).to_string();
        // `--flag=value` keeps arbitrary values (even "--") unambiguous.
        let (c, r, t, g) = (format!("--client-id={cid}"), format!("--request-id={rid}"), format!("--timestamp={ts}"), format!("--target={target}"));
        let mut args = vec!["sign", c.as_str(), r.as_str(), t.as_str(), g.as_str()];
        if body.is_some() {
            args.extend(["--body-file", "-"]);
        }
        let out = run(&args, body.as_deref());
        prop_assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
        prop_assert_eq!(String::from_utf8(out.stdout).expect("utf8"), format!("{}\n", independent(&cid, &rid, &ts, &target, body.as_deref())));
    }
}

#[test]
fn reference_v2_from_a_file_and_print_string() {
    let dir = std::env::temp_dir().join(format!("doku-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("dir");
    let body = dir.join("body.json");
    std::fs::write(&body, br#"{"order":{"invoice_number":"INV-20210231-0001"},"payment":{"original_request_id":"fdb69f47-96da-499d-acec-7cdc318ab2fe"},"note":"Customer changed order"}"#).expect("write");
    let key = dir.join("key");
    std::fs::write(&key, "SK-TEST-ONLY-0123456789\n").expect("write");
    let out = Command::new(BIN)
        .args([
            "sign",
            "--secret-key-file",
            key.to_str().expect("path"),
            "--client-id",
            "MCH-0001-10791114622547",
            "--request-id",
            "3f1d2c9e-6b7a-4e55-9f0a-1c2d3e4f5a6b",
        ])
        .args([
            "--timestamp",
            "2020-08-11T08:45:42Z",
            "--target",
            "/checkout/v3/cancellations",
            "--body-file",
            body.to_str().expect("path"),
            "--print-string",
        ])
        .env_remove("DOKU_SECRET_KEY")
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(String::from_utf8_lossy(&out.stdout), "HMACSHA256=paLBuQ4gujjH7MjAQqcOuwE7K3iCwIEW3SV1zFJdJ1E=\n");
    assert!(String::from_utf8_lossy(&out.stderr).ends_with("Digest:Uoy5266u6Udtk2mlgqkYKFqd4pqYJJ1YrM9S/4pMw6I=\n"));
}

#[test]
fn header_injection_exits_2_without_a_signature() {
    for (flag, value) in [
        ("--client-id", "MCH\r\nX: 1"),
        ("--request-id", "r\n1"),
        ("--request-id", "ré"),
        ("--timestamp", "2020-08-11T08:45:42Z\r"),
        ("--target", "/a\nb"),
        ("--target", "/é"),
    ] {
        let mut args = vec![
            "sign",
            "--client-id",
            "MCH-1",
            "--request-id",
            "r",
            "--timestamp",
            "2020-08-11T08:45:42Z",
            "--target",
            "/x",
        ];
        let i = args.iter().position(|a| *a == flag).expect("flag") + 1;
        args[i] = value;
        let out = run(&args, None);
        assert_eq!(out.status.code(), Some(2), "{flag} {value:?}");
        assert!(out.stdout.is_empty(), "printed something for {value:?}");
        assert!(String::from_utf8_lossy(&out.stderr).starts_with("error: invalid_input: "));
    }
}

#[test]
fn defaults_print_all_four_headers() {
    let out = run(&["sign", "--client-id", "MCH-1", "--target", "/orders/v1/status/INV-1"], None);
    let text = String::from_utf8(out.stdout).expect("utf8");
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 4, "{text}");
    for (line, name) in
        lines.iter().zip(["Client-Id: ", "Request-Id: ", "Request-Timestamp: ", "Signature: HMACSHA256="])
    {
        assert!(line.starts_with(name), "{line}");
    }
}

#[test]
fn secret_is_never_an_argument() {
    let out = run(&["sign", "--secret-key", "x", "--client-id", "MCH-1", "--target", "/x"], None);
    assert_eq!(out.status.code(), Some(2));
    let out = Command::new(BIN)
        .args(["sign", "--client-id", "MCH-1", "--target", "/x"])
        .env_remove("DOKU_SECRET_KEY")
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("DOKU_SECRET_KEY"));
}

#[test]
fn verify_notification_exit_codes() {
    let dir = std::env::temp_dir().join(format!("doku-cli-v-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("dir");
    let body = br#"{"order":{"invoice_number":"INV-1"},"transaction":{"status":"SUCCESS"}}"#;
    let sig = independent("MCH-1", "n-1", "2020-08-11T08:45:42Z", "/notify", Some(body));
    let headers = dir.join("headers.txt");
    std::fs::write(
        &headers,
        format!(
            "client_id: MCH-1\r\nREQUEST-ID: n-1\r\nrequest-timestamp: 2020-08-11T08:45:42Z\r\nSignature: {sig}\r\n"
        ),
    )
    .expect("write");
    let body_file = dir.join("body.json");
    std::fs::write(&body_file, body).expect("write");
    let args = |path: &str| {
        vec![
            "verify-notification".to_owned(),
            "--path".into(),
            path.into(),
            "--headers-file".into(),
            headers.display().to_string(),
            "--body-file".into(),
            body_file.display().to_string(),
        ]
    };
    // A 2020 notification is a replay by default; a caller may widen the window on purpose.
    let stale = Command::new(BIN).args(args("/notify")).env("DOKU_SECRET_KEY", SECRET).output().expect("run");
    assert_eq!(stale.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&stale.stderr).contains("timestamp_out_of_tolerance"));
    let mut wide = args("/notify");
    wide.extend(["--tolerance".into(), "2000000000".into()]);
    let ok = Command::new(BIN).args(wide).env("DOKU_SECRET_KEY", SECRET).output().expect("run");
    assert_eq!(ok.status.code(), Some(0), "{}", String::from_utf8_lossy(&ok.stderr));
    let printed: serde_json::Value = serde_json::from_slice(&ok.stdout).expect("json");
    assert_eq!(printed["transaction"]["status"], "SUCCESS");
    let bad = Command::new(BIN).args(args("/other")).env("DOKU_SECRET_KEY", SECRET).output().expect("run");
    assert_eq!(bad.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&bad.stderr).starts_with("error: invalid_signature/signature_mismatch: "));
    let mut tol = args("/notify");
    tol.extend(["--tolerance".into(), "60".into()]);
    let old = Command::new(BIN).args(tol).env("DOKU_SECRET_KEY", SECRET).output().expect("run");
    assert_eq!(old.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&old.stderr).contains("timestamp_out_of_tolerance"));
}

fn api(url: &str, args: &[&str]) -> (Option<i32>, serde_json::Value) {
    let out = Command::new(BIN)
        .args(args)
        .args(["--base-url", url])
        .env("DOKU_SECRET_KEY", SECRET)
        .env("DOKU_CLIENT_ID", "MCH-CLI")
        .output()
        .expect("run");
    (
        out.status.code(),
        serde_json::from_slice(&out.stdout)
            .unwrap_or_else(|_| panic!("json: {}", String::from_utf8_lossy(&out.stdout))),
    )
}

#[test]
fn create_cancel_status_against_the_emulator_process() {
    let emu = Emulator::start("MCH-CLI", SECRET);
    let (code, created) = api(&emu.url, &["create", "--invoice", "INV-CLI-1", "--amount", "25000", "--method", "QRIS"]);
    assert_eq!(code, Some(0), "{created}");
    let rid = created["request_id"].as_str().expect("request id");
    let (code, cancelled) =
        api(&emu.url, &["cancel", "--invoice", "INV-CLI-1", "--original-request-id", rid, "--note", "changed"]);
    assert_eq!((code, cancelled["order_status"].as_str()), (Some(0), Some("CANCELLED")), "{cancelled}");
    let (code, status) = api(&emu.url, &["status", "--invoice", "INV-CLI-1"]);
    assert_eq!((code, status["transaction_status"].as_str()), (Some(0), Some("CANCELLED")), "{status}");
    let (code, again) =
        api(&emu.url, &["cancel", "--invoice", "INV-CLI-1", "--original-request-id", rid, "--note", "changed"]);
    assert_eq!((code, again["error"]["code"].as_str()), (Some(1), Some("order_not_cancellable")), "{again}");
    assert_eq!(again["error"]["retryable"], false);
    let (code, invalid) = api(&emu.url, &["cancel", "--invoice", "", "--original-request-id", rid, "--note", "x"]);
    assert_eq!((code, invalid["error"]["code"].as_str()), (Some(2), Some("invalid_input")), "{invalid}");
}

#[test]
fn cancel_by_invoice_alone_reads_the_checkouts_request_id_and_never_cancels_a_paid_order() {
    let emu = Emulator::start("MCH-CLI", SECRET);
    let (code, created) = api(&emu.url, &["create", "--invoice", "INV-BY-1", "--amount", "25000", "--method", "QRIS"]);
    assert_eq!(code, Some(0), "{created}");
    let checkout_rid = created["request_id"].as_str().expect("request id").to_owned();
    // The caller no longer has the checkout's Request-Id: the invoice number is enough.
    let (code, cancelled) = api(&emu.url, &["cancel", "--invoice", "INV-BY-1", "--note", "changed"]);
    assert_eq!((code, cancelled["order_status"].as_str()), (Some(0), Some("CANCELLED")), "{cancelled}");
    let cancel_rid = cancelled["request_id"].as_str().expect("cancel id").to_owned();
    let cancels = emu.cancels();
    assert_eq!(cancels.len(), 1, "{cancels:?}");
    assert_eq!((cancels[0].0.as_str(), cancels[0].1.as_str()), ("INV-BY-1", cancel_rid.as_str()));
    let log = emu.control("GET", "/_mock/log", &Value::Null);
    let body = log.as_array().expect("log").iter().rev().find(|e| e["path"] == "/checkout/v3/cancellations");
    let body: Value = serde_json::from_str(body.expect("cancel")["body"].as_str().expect("body")).expect("json");
    assert_eq!(body["payment"]["original_request_id"].as_str(), Some(checkout_rid.as_str()));

    // A retry under the same Request-Id (its answer was lost) gets DOKU's replay, not a refusal.
    let (code, again) =
        api(&emu.url, &["cancel", "--invoice", "INV-BY-1", "--note", "changed", "--request-id", &cancel_rid]);
    assert_eq!((code, again["replayed"].as_bool()), (Some(0), Some(true)), "{again}");
    // A new call finds it cancelled and sends nothing.
    let (code, refused) = api(&emu.url, &["cancel", "--invoice", "INV-BY-1", "--note", "changed"]);
    assert_eq!((code, refused["error"]["reason"].as_str()), (Some(1), Some("order_cancelled")), "{refused}");

    // A paid order: the typed refusal, and no cancel on the wire.
    emu.add_orders(&["INV-BY-PAID".to_owned()], json!([]));
    emu.control("POST", "/_mock/orders/INV-BY-PAID/pay", &Value::Null);
    let (code, paid) = api(&emu.url, &["cancel", "--invoice", "INV-BY-PAID", "--note", "changed"]);
    assert_eq!((code, paid["error"]["code"].as_str()), (Some(1), Some("order_not_cancellable")), "{paid}");
    assert_eq!(paid["error"]["reason"].as_str(), Some("order_paid"), "{paid}");
    assert_eq!(emu.cancels().len(), 2, "no cancel was sent for the paid order");
    // An unknown invoice: the status API's own error, and nothing sent.
    let (code, missing) = api(&emu.url, &["cancel", "--invoice", "INV-NOPE", "--note", "changed"]);
    assert_eq!((code, missing["error"]["code"].as_str()), (Some(1), Some("order_not_found")), "{missing}");
    assert_eq!(emu.cancels().len(), 2);
}

#[test]
fn demo_tells_the_whole_story() {
    let out = Command::new(BIN).arg("demo").output().expect("run");
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let text = String::from_utf8(out.stdout).expect("utf8");
    for needle in [
        "status CANCELLED",
        "replayed = true",
        "OrderNotCancellableError (order_not_cancellable)",
        "Signature: HMACSHA256=",
    ] {
        assert!(text.contains(needle), "missing {needle:?} in\n{text}");
    }
    assert!(!text.contains("SK-DEMO"), "secret printed");
}

#[test]
fn values_starting_with_a_hyphen_are_values_not_flags() {
    // Found by the property test: a Client-Id or Request-Id may legitimately start with '-'.
    let args =
        ["sign", "--client-id", "-!", "--request-id", "-r", "--timestamp", "2020-08-11T08:45:42Z", "--target", "/x"];
    let out = run(&args, None);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(
        String::from_utf8(out.stdout).expect("utf8"),
        format!("{}\n", independent("-!", "-r", "2020-08-11T08:45:42Z", "/x", None))
    );
}

#[test]
fn hostile_inputs_exit_2_without_hanging_or_starting() {
    let out = run(&["mock", "--client-id", "MCH-1\r\nX-Evil: 1"], None);
    assert_eq!(
        out.status.code(),
        Some(2),
        "a Client-Id with CR/LF is refused: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let out = run(&["mock", "--log-size", "0"], None);
    assert_eq!(out.status.code(), Some(2));
    let out =
        run(&["sign", "--client-id", "C", "--request-id", "R", "--target", "/x", "--body-file", "/dev/zero"], None);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("larger than 1048576 bytes"));
    let out = run(&["status", "--client-id", "C", "--invoice", "I", "--timeout", "1e20"], None);
    assert_eq!(out.status.code(), Some(2), "{}", String::from_utf8_lossy(&out.stdout));
}

#[test]
fn a_secret_key_that_is_not_utf8_is_named_as_such_not_as_missing() {
    use std::os::unix::ffi::OsStrExt;
    let out = Command::new(BIN)
        .args(["sign", "--client-id", "C", "--request-id", "R", "--target", "/x"])
        .env("DOKU_SECRET_KEY", std::ffi::OsStr::from_bytes(b"SK-\xff\xfe"))
        .output()
        .expect("run");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("not valid UTF-8"), "{stderr}");
}

#[test]
fn environment_proxies_never_carry_plain_http_loopback_calls() {
    let emu = Emulator::start("MCH-CLI", SECRET);
    let out = Command::new(BIN)
        .args(["status", "--invoice", "INV-NONE", "--base-url", &emu.url, "--max-retries", "0"])
        .env("DOKU_SECRET_KEY", SECRET)
        .env("DOKU_CLIENT_ID", "MCH-CLI")
        .env("HTTP_PROXY", "http://127.0.0.1:9")
        .env("http_proxy", "http://127.0.0.1:9")
        .env("ALL_PROXY", "http://127.0.0.1:9")
        .output()
        .expect("run");
    let answer: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(answer["error"]["code"], "order_not_found", "the emulator answered, not the dead proxy: {answer}");
}
