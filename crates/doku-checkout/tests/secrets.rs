//! The secret key never appears in Debug/Display output or in any error.

use doku_checkout::{Client, ReceivedHeaders, SecretKey, VerifyOptions, blocking, verify_notification};
use doku_checkout_mock::{BackgroundMockServer, MockConfig};

const SECRET: &str = "SK-SUPER-SECRET-7f3a9c";

#[test]
fn secret_not_in_debug_of_any_public_type() {
    let key = SecretKey::new(SECRET).expect("key");
    let client = Client::builder("MCH-1", SECRET).build().expect("client");
    let builder = Client::builder("MCH-1", SECRET);
    let blocking = blocking::Client::new(client.clone()).expect("blocking");
    for text in [
        format!("{key:?}"),
        format!("{key}"),
        format!("{client:?}"),
        format!("{builder:?}"),
        format!("{blocking:?}"),
        format!("{:?}", MockConfig::new("MCH-1", SECRET).expect("cfg")),
    ] {
        assert!(!text.contains(SECRET) && !text.contains("7f3a9c"), "leaked in {text}");
    }
    let shown = format!("{client:?}");
    assert!(shown.starts_with("Client(") && shown.contains("MCH-1") && shown.contains("***"), "{shown}");
}

#[test]
fn secret_not_in_errors() {
    let key = SecretKey::new(SECRET).expect("key");
    let headers = ReceivedHeaders::new([
        ("Client-Id", "MCH-1"),
        ("Request-Id", "r"),
        ("Request-Timestamp", "2020-08-11T08:45:42Z"),
        ("Signature", "HMACSHA256=x"),
    ]);
    let e = verify_notification(&key, &headers, b"{}", "/n", VerifyOptions::default()).expect_err("malformed");
    assert!(!format!("{e} {e:?} {}", e.to_json()).contains(SECRET));
    let e = Client::builder("MCH-1\n", SECRET).build().expect_err("bad client id");
    assert!(!format!("{e} {e:?}").contains(SECRET));
    let e = Client::builder("MCH-1", format!("{SECRET} ")).build().expect_err("whitespace");
    assert!(!format!("{e} {e:?}").contains(SECRET));
}

#[test]
fn secret_not_in_api_errors_or_on_the_wire_in_clear() {
    let server = BackgroundMockServer::start(MockConfig::new("MCH-1", "SK-OTHER").expect("cfg")).expect("emulator");
    let client = blocking::Client::new(
        Client::builder("MCH-1", SECRET).base_url(server.url()).max_retries(0).build().expect("client"),
    )
    .expect("blocking");
    let e = client.cancel_order("INV-1", "r", "n", None).expect_err("401");
    assert_eq!(e.code().as_str(), "authentication_failed");
    assert!(!format!("{e} {e:?} {}", e.to_json()).contains(SECRET));
    for entry in server.control().log() {
        assert!(!format!("{entry:?}").contains(SECRET), "the secret itself was sent");
    }
}

#[test]
fn http_is_refused_for_remote_hosts() {
    for url in ["http://api.doku.com", "http://192.168.1.10:8080", "http://localhost.evil.example"] {
        let e = Client::builder("MCH-1", SECRET).base_url(url).build().expect_err(url);
        assert_eq!(e.code().as_str(), "config_error", "{url}");
    }
    assert!(Client::builder("MCH-1", SECRET).base_url("http://127.0.0.1:9").build().is_ok());
}
