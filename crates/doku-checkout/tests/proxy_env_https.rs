//! Environment proxies and an `https` base URL: calls go through the proxy the environment
//! names (a CONNECT tunnel), unless `NO_PROXY` covers the host. Its own test binary: it sets
//! process-wide environment variables.

use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::sync::mpsc;

use doku_checkout::{Client, ErrorCode};

/// A proxy that records each request line and refuses the tunnel with 502.
fn recording_proxy() -> (String, mpsc::Receiver<String>) {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let url = format!("http://{}", listener.local_addr().expect("addr"));
    let (seen, lines) = mpsc::channel();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { continue };
            let mut reader = BufReader::new(stream.try_clone().expect("clone"));
            let mut line = String::new();
            if reader.read_line(&mut line).is_ok() {
                let _ = seen.send(line.trim_end().to_owned());
            }
            let _ = stream.write_all(b"HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
        }
    });
    (url, lines)
}

#[tokio::test]
async fn an_https_base_url_uses_the_environment_proxy_unless_no_proxy_covers_it() {
    let (proxy, lines) = recording_proxy();
    for (name, value) in [("HTTPS_PROXY", proxy.as_str()), ("NO_PROXY", "127.0.0.1")] {
        // SAFETY (edition 2024 marks this unsafe): this test binary has one test and sets the
        // variables before any other thread reads the environment.
        #[allow(unsafe_code)]
        unsafe {
            std::env::set_var(name, value);
        }
    }
    let client = |base: &str| {
        Client::builder("MCH-PROXY", "SK-PROXY-0123456789").base_url(base).max_retries(0).build().expect("client")
    };

    let tunnelled = client("https://api-sandbox.doku.com").order_status("INV-1").await.expect_err("502 from the proxy");
    assert_eq!(tunnelled.code(), ErrorCode::NetworkError, "{tunnelled}");
    let line = lines.recv_timeout(std::time::Duration::from_secs(10)).expect("the proxy was asked");
    assert_eq!(line, "CONNECT api-sandbox.doku.com:443 HTTP/1.1");

    // Covered by NO_PROXY: straight to the (closed) port, the proxy never hears of it.
    let port = TcpListener::bind("127.0.0.1:0").expect("bind").local_addr().expect("addr").port();
    let direct = client(&format!("https://127.0.0.1:{port}")).order_status("INV-2").await.expect_err("nothing listens");
    assert_eq!(direct.code(), ErrorCode::NetworkError, "{direct}");
    assert!(direct.message().contains("could not connect"), "{direct}");
    assert!(lines.try_recv().is_err(), "the proxy was asked for a NO_PROXY host");
}
