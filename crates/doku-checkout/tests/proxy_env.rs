//! Environment proxies and a plain-http (loopback) base URL: signed requests in clear text are
//! never handed to a proxy named in the environment. Its own test binary: it sets process-wide
//! environment variables.

use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;

use doku_checkout::Client;

#[tokio::test]
async fn a_loopback_http_base_url_ignores_the_environment_proxies() {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let url = format!("http://{}", listener.local_addr().expect("addr"));
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { continue };
            let mut reader = BufReader::new(stream.try_clone().expect("clone"));
            let mut line = String::new();
            while reader.read_line(&mut line).is_ok_and(|n| n > 0) && line != "\r\n" {
                line.clear();
            }
            let body = br#"{"transaction":{"status":"PENDING"}}"#;
            let head = format!("HTTP/1.1 200 OK\r\nContent-Length: {}\r\n\r\n", body.len());
            let _ = stream.write_all(head.as_bytes()).and_then(|()| stream.write_all(body));
        }
    });
    // A proxy that refuses every connection: a request sent through it fails.
    let dead = TcpListener::bind("127.0.0.1:0").expect("bind");
    let dead_url = format!("http://{}", dead.local_addr().expect("addr"));
    drop(dead);
    for name in ["HTTP_PROXY", "http_proxy", "ALL_PROXY", "all_proxy"] {
        // SAFETY (edition 2024 marks this unsafe): this test binary has one test and sets the
        // variables before any other thread reads the environment.
        #[allow(unsafe_code)]
        unsafe {
            std::env::set_var(name, &dead_url);
        }
    }
    let client =
        Client::builder("MCH-PROXY", "SK-PROXY-0123456789").base_url(url).max_retries(0).build().expect("client");
    let status = client.order_status("INV-1").await.expect("sent directly, not through the dead proxy");
    assert_eq!(status.status.as_deref(), Some("PENDING"));
}
