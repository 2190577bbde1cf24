//! `doku-checkout webhook-check` against endpoints of our own over loopback: one that verifies
//! correctly, one without replay protection, one that accepts everything, one that refuses all.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::process::{Command, Output};

use doku_checkout::{ReceivedHeaders, SecretKey, Timestamp, VerifyOptions, verify_notification};
use serde_json::Value;

const BIN: &str = env!("CARGO_BIN_EXE_doku-checkout");
const SECRET: &str = "SK-HOOK-0123";
const CLIENT_ID: &str = "MCH-HOOK";
const PATH: &str = "/hooks/doku";

type Handler = fn(&ReceivedHeaders, &[u8]) -> u16;

/// An HTTP/1.1 endpoint on a free loopback port, one connection at a time; returns its URL.
fn endpoint(handler: Handler) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let url = format!("http://{}{PATH}", listener.local_addr().expect("addr"));
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(stream) = stream else { continue };
            let mut reader = BufReader::new(stream);
            let mut headers = Vec::new();
            let mut line = String::new();
            let _ = reader.read_line(&mut line); // request line
            loop {
                line.clear();
                if reader.read_line(&mut line).unwrap_or(0) == 0 || line == "\r\n" {
                    break;
                }
                if let Some((name, value)) = line.trim_end().split_once(':') {
                    headers.push((name.trim().to_owned(), value.trim().to_owned()));
                }
            }
            let length = headers
                .iter()
                .find(|(n, _)| n.eq_ignore_ascii_case("content-length"))
                .and_then(|(_, v)| v.parse().ok())
                .unwrap_or(0);
            let mut body = vec![0; length];
            let _ = reader.read_exact(&mut body);
            let status = handler(&ReceivedHeaders::new(headers), &body);
            let _ = write!(reader.get_mut(), "HTTP/1.1 {status} X\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
        }
    });
    url
}

fn verifies(headers: &ReceivedHeaders, body: &[u8], tolerance: Option<u64>) -> u16 {
    let key = SecretKey::new(SECRET).expect("key");
    let options = VerifyOptions { tolerance_seconds: tolerance, now: Some(Timestamp::now()) };
    match verify_notification(&key, headers, body, PATH, options) {
        Ok(n) if n.client_id == CLIENT_ID => 200,
        _ => 401,
    }
}

fn check(url: &str, extra: &[&str]) -> Output {
    Command::new(BIN)
        .args(["webhook-check", url, "--client-id", CLIENT_ID])
        .args(extra)
        .env("DOKU_SECRET_KEY", SECRET)
        .output()
        .expect("run")
}

fn text(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn a_correct_endpoint_passes_everything() {
    let url = endpoint(|h, b| verifies(h, b, Some(24 * 3600)));
    let out = check(&url, &[]);
    let shown = text(&out);
    assert_eq!(out.status.code(), Some(0), "{shown}");
    assert_eq!(shown.lines().filter(|l| l.starts_with("PASS  ")).count(), 11, "{shown}");
    assert!(shown.ends_with("11 cases: 11 passed, 0 failed, 0 warnings\n"), "{shown}");
    let json: Value = serde_json::from_slice(&check(&url, &["--json"]).stdout).expect("json");
    assert_eq!((json["failed"].as_u64(), json["path"].as_str()), (Some(0), Some(PATH)), "{json}");
    assert_eq!(json["cases"][2]["id"], "forged_signature");
    assert_eq!(json["cases"][2]["status"], 401);
}

#[test]
fn no_replay_protection_is_a_warning_only() {
    // An endpoint that turned the replay window off (the library's default is 24 h).
    let url = endpoint(|h, b| verifies(h, b, Some(u64::MAX)));
    let out = check(&url, &[]);
    let shown = text(&out);
    assert_eq!(out.status.code(), Some(0), "{shown}");
    assert!(shown.contains("WARN  200  a valid signature 48 hours old (a replay) accepted with 200"), "{shown}");
    assert!(shown.ends_with("11 cases: 10 passed, 0 failed, 1 warnings\n"), "{shown}");
}

#[test]
fn an_endpoint_that_accepts_everything_fails_each_forgery() {
    let url = endpoint(|_, _| 200);
    let out = check(&url, &[]);
    let shown = text(&out);
    assert_eq!(out.status.code(), Some(1), "{shown}");
    for forgery in [
        "forged signature",
        "signed with another secret key",
        "body changed by one byte after signing",
        "no Signature header",
        "no Request-Id header",
        "Client-Id changed after signing",
        "signed for another path",
    ] {
        assert!(
            shown.contains(&format!("FAIL  200  {forgery} accepted with 200: anyone can mark your orders paid")),
            "{forgery}: {shown}"
        );
    }
    assert!(shown.ends_with("11 cases: 3 passed, 7 failed, 1 warnings\n"), "{shown}");
}

#[test]
fn an_endpoint_that_refuses_genuine_notifications_fails_them() {
    let url = endpoint(|h, b| {
        if String::from_utf8_lossy(b).contains("additional_info") { 400 } else { verifies(h, b, Some(86_400)) }
    });
    let out = check(&url, &[]);
    let shown = text(&out);
    assert_eq!(out.status.code(), Some(1), "{shown}");
    assert!(
        shown.contains("FAIL  400  fields the handler does not know (DOKU adds fields) refused with 400"),
        "{shown}"
    );
    let refuse_all = endpoint(|_, _| 401);
    let shown = text(&check(&refuse_all, &[]));
    assert!(
        shown.contains("FAIL  401  genuine notification refused with 401: DOKU would retry it and then give up"),
        "{shown}"
    );
    assert!(shown.contains("FAIL  401  the same notification delivered again refused with 401"), "{shown}");
}

#[test]
fn clear_text_urls_and_bad_settings_exit_2() {
    assert_eq!(check("http://shop.example/hooks", &[]).status.code(), Some(2));
    assert_eq!(check("http://127.0.0.1:9/hooks", &["--timeout", "0"]).status.code(), Some(2));
    let down = check("http://127.0.0.1:9/hooks", &["--timeout", "1"]);
    assert_eq!(down.status.code(), Some(1), "nothing listening: every case fails");
    assert!(text(&down).contains("FAIL  ---  genuine notification refused with no answer"), "{}", text(&down));
}
