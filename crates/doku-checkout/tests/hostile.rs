//! The client against hostile servers of our own on loopback: endless and oversized bodies,
//! a server that never answers, and settings out of range. Every call must end in a typed
//! error within its deadline, with bounded memory and no panic.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use doku_checkout::{Client, ErrorCode};

const SECRET: &str = "SK-HOSTILE-0123";

/// A server that answers every connection with `respond` (which may write forever).
fn server(respond: fn(&mut std::net::TcpStream)) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let url = format!("http://{}", listener.local_addr().expect("addr"));
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { continue };
            std::thread::spawn(move || {
                let mut reader = BufReader::new(stream.try_clone().expect("clone"));
                let mut line = String::new();
                while reader.read_line(&mut line).is_ok_and(|n| n > 0) && line != "\r\n" {
                    line.clear();
                }
                respond(&mut stream);
            });
        }
    });
    url
}

fn client(url: &str) -> doku_checkout::ClientBuilder {
    Client::builder("MCH-HOSTILE", SECRET).base_url(url).max_retries(0)
}

fn peak_rss_mib() -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find(|l| l.starts_with("VmHWM:"))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|v| v.parse::<f64>().ok())
        .map_or(0.0, |kib| kib / 1024.0)
}

#[tokio::test]
async fn an_endless_body_ends_in_invalid_response_with_bounded_memory() {
    let url = server(|s| {
        let _ = s.write_all(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n");
        let chunk = [b'x'; 65_536];
        loop {
            if s.write_all(b"10000\r\n").and_then(|()| s.write_all(&chunk)).and_then(|()| s.write_all(b"\r\n")).is_err()
            {
                return;
            }
        }
    });
    let c = client(&url).build().expect("client");
    let e = c.order_status("INV-1").await.expect_err("endless");
    assert_eq!((e.code(), e.reason()), (ErrorCode::InvalidResponse, Some("response_too_large")), "{e}");
    assert_eq!(e.raw_body().map(str::len), Some(doku_checkout::DEFAULT_MAX_RESPONSE_BYTES), "the first MiB is kept");
    assert!(e.request_id().is_some() && !e.retryable());
    let small = client(&url).max_response_bytes(4096).build().expect("client");
    let e = small.order_status("INV-1").await.expect_err("endless");
    assert_eq!(e.raw_body().map(str::len), Some(4096));
    assert!(peak_rss_mib() < 100.0, "peak RSS {} MiB", peak_rss_mib());
}

#[tokio::test]
async fn a_declared_500_mb_body_is_not_read() {
    let url = server(|s| {
        let _ = s.write_all(b"HTTP/1.1 502 Bad Gateway\r\nContent-Length: 524288000\r\n\r\n<html>proxy error");
        std::thread::sleep(Duration::from_secs(5));
    });
    let e = client(&url).build().expect("client").order_status("INV-1").await.expect_err("huge");
    assert_eq!(
        (e.code(), e.reason(), e.http_status()),
        (ErrorCode::InvalidResponse, Some("response_too_large"), Some(502))
    );
    assert_eq!(e.raw_body(), Some(""));
}

#[tokio::test]
async fn no_call_outlives_its_deadline() {
    let url = server(|s| {
        let mut sink = [0u8; 1024];
        let _ = s.set_read_timeout(Some(Duration::from_secs(30)));
        let _ = s.read(&mut sink); // never answers
    });
    let c = client(&url)
        .timeout(Duration::from_millis(200))
        .max_retries(10)
        .backoff(Duration::from_millis(100), Duration::from_millis(100))
        .deadline(Duration::from_millis(500))
        .build()
        .expect("client");
    let e = c.cancel_order("INV-1", "req-1", "note", Some("rid-deadline")).await.expect_err("deadline");
    assert_eq!(e.code(), ErrorCode::Timeout, "{e}");
    assert!(e.message().contains("deadline of 500ms") && e.message().contains("rid-deadline"), "{e}");
    assert_eq!(e.request_id(), Some("rid-deadline"));
}

#[test]
fn settings_out_of_range_are_config_errors() {
    let url = "http://127.0.0.1:9";
    let refused = [
        client(url).timeout(Duration::ZERO),
        client(url).timeout(Duration::from_secs(601)),
        client(url).connect_timeout(Duration::from_secs(10_000)),
        client(url).max_retries(11),
        client(url).max_retries(u32::MAX),
        client(url).backoff(Duration::ZERO, Duration::from_secs(1)),
        client(url).backoff(Duration::from_secs(1), Duration::from_secs(61)),
        client(url).backoff(Duration::from_secs(2), Duration::from_secs(1)),
        client(url).max_response_bytes(10),
        client(url).max_response_bytes(usize::MAX),
        client(url).deadline(Duration::from_secs(7200)),
        client(url).proxy("socks5://127.0.0.1:1080"),
        client(url).proxy("http://user:SK-HOSTILE-0123@[bad"),
    ];
    for (n, builder) in refused.into_iter().enumerate() {
        let e = builder.build().expect_err("out of range");
        assert_eq!(e.code(), ErrorCode::ConfigError, "case {n}: {e}");
        assert!(!e.to_string().contains(SECRET), "case {n} echoed a secret: {e}");
    }
    assert!(
        client(url)
            .max_retries(10)
            .timeout(Duration::from_secs(600))
            .deadline(Duration::from_secs(3600))
            .build()
            .is_ok()
    );
}

#[tokio::test]
async fn an_explicit_proxy_carries_the_calls() {
    let seen: Arc<Mutex<Vec<String>>> = Arc::default();
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let proxy = format!("http://{}", listener.local_addr().expect("addr"));
    let record = seen.clone();
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let mut reader = BufReader::new(stream.try_clone().expect("clone"));
            let mut line = String::new();
            let _ = reader.read_line(&mut line);
            record.lock().expect("lock").push(line.trim().to_owned());
            let mut s = stream;
            let _ =
                s.write_all(b"HTTP/1.1 503 Service Unavailable\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}");
        }
    });
    let c = client("http://127.0.0.1:9").proxy(proxy).build().expect("client");
    let e = c.order_status("INV-PROXY").await.expect_err("503 from the proxy");
    assert_eq!(e.http_status(), Some(503));
    let lines = seen.lock().expect("lock").clone();
    assert_eq!(lines, ["GET http://127.0.0.1:9/orders/v1/status/INV-PROXY HTTP/1.1"], "the request went to the proxy");
}

#[tokio::test]
async fn a_failed_tls_handshake_is_final_and_says_what_to_check() {
    // Not TLS at all on the other side: the handshake fails the way an intercepting proxy or
    // a wrong port makes it fail.
    let url = server(|s| {
        let _ = s.write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n{}");
    });
    let c = Client::builder("MCH-HOSTILE", SECRET)
        .base_url(url.replace("http://", "https://"))
        .max_retries(3)
        .backoff(Duration::from_secs(2), Duration::from_secs(2))
        .build()
        .expect("client");
    let e = c.order_status("INV-1").await.expect_err("no TLS");
    assert_eq!((e.code(), e.reason(), e.retryable()), (ErrorCode::NetworkError, Some("tls_failure"), false), "{e}");
    assert!(e.message().contains("retrying will not help") && e.message().contains("CA certificates"), "{e}");
}

/// A body exactly at the cap (declared with Content-Length) is read; one byte more is refused.
#[tokio::test]
async fn a_declared_body_exactly_at_the_cap_is_read_and_one_byte_more_is_not() {
    fn answer(s: &mut std::net::TcpStream, len: usize) {
        let json = br#"{"transaction":{"status":"PENDING"}}"#;
        let mut body = json.to_vec();
        body.resize(len, b' ');
        let head = format!("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {len}\r\n\r\n");
        let _ = s.write_all(head.as_bytes()).and_then(|()| s.write_all(&body));
    }
    let exact = server(|s| answer(s, 1024));
    let status = client(&exact).max_response_bytes(1024).build().expect("client").order_status("INV-1").await;
    assert_eq!(status.expect("exactly the cap is fine").status.as_deref(), Some("PENDING"));
    let over = server(|s| answer(s, 1025));
    let e =
        client(&over).max_response_bytes(1024).build().expect("client").order_status("INV-1").await.expect_err("over");
    assert_eq!((e.code(), e.reason()), (ErrorCode::InvalidResponse, Some("response_too_large")));
}

#[tokio::test]
async fn a_refused_connection_says_why_on_either_transport() {
    let closed = TcpListener::bind("127.0.0.1:0").expect("bind").local_addr().expect("addr");
    let base = format!("http://{closed}");
    let direct = client(&base).build().expect("client");
    // A proxy nobody listens on: reqwest's transport fails the same way.
    let proxied = client("http://127.0.0.1:9").proxy(base.clone()).build().expect("client");
    for (name, c) in [("direct", direct), ("proxied", proxied)] {
        let e = c.order_status("INV-1").await.expect_err("nothing listens");
        assert_eq!((e.code(), e.retryable()), (ErrorCode::NetworkError, true), "{name}: {e}");
        // The operating system's reason, from the bottom of the error chain.
        assert!(e.message().contains("could not connect") && e.message().contains("refused"), "{name}: {e}");
    }
}

/// What the TLS handshake offers, read from the ClientHello (sent in clear): the host name
/// (SNI) and HTTP/1.1 by ALPN, as reqwest offered them.
#[tokio::test]
async fn the_tls_handshake_names_the_host_and_offers_http_1_1() {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = listener.local_addr().expect("addr").port();
    let hello = std::thread::spawn(move || {
        let (mut stream, _) = listener.accept().expect("accept");
        let mut hello = vec![0; 4096];
        let n = stream.read(&mut hello).expect("read");
        hello.truncate(n);
        hello
    });
    let c = client(&format!("https://localhost:{port}")).build().expect("client");
    let _ = c.order_status("INV-1").await.expect_err("no TLS server");
    let hello = hello.join().expect("hello");
    let has = |needle: &[u8]| hello.windows(needle.len()).any(|w| w == needle);
    assert!(has(b"localhost"), "no SNI in the ClientHello");
    assert!(has(b"\x08http/1.1"), "no ALPN http/1.1 in the ClientHello");
}
