//! A notification to loopback never goes through a proxy named in the environment (its own
//! test binary: it sets the process's proxy variables).

use std::io::{Read, Write};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use doku_checkout_mock::{MockConfig, MockServer, Order, OrderState};

fn listener(answer: &'static str) -> (String, Arc<AtomicUsize>) {
    let socket = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let url = format!("http://{}", socket.local_addr().expect("addr"));
    let seen = Arc::new(AtomicUsize::new(0));
    let counter = seen.clone();
    std::thread::spawn(move || {
        for mut stream in socket.incoming().flatten() {
            counter.fetch_add(1, Ordering::SeqCst);
            let mut buf = [0u8; 8192];
            let _ = stream.read(&mut buf);
            let _ = stream.write_all(answer.as_bytes());
        }
    });
    (url, seen)
}

#[tokio::test]
async fn a_notification_ignores_the_proxy_variables() {
    let (proxy, proxied) = listener("HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\n\r\n");
    let (shop, delivered) = listener("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n");
    // SAFETY (edition 2024 marks these unsafe): this test binary has one test, on one thread,
    // and sets the variables before anything reads the environment.
    #[allow(unsafe_code)]
    unsafe {
        for name in ["HTTP_PROXY", "http_proxy", "ALL_PROXY", "all_proxy"] {
            std::env::set_var(name, &proxy);
        }
        std::env::remove_var("NO_PROXY");
        std::env::remove_var("no_proxy");
    }
    let server =
        MockServer::start(MockConfig::new("MCH-PROXY", "SK-PROXY-secret").expect("config")).await.expect("start");
    server
        .control()
        .add_order(Order { state: OrderState::Paid, ..Order::new("INV-P", "create-INV-P") })
        .expect("order");
    let status = server.control().send_notification("INV-P", &format!("{shop}/notify")).await.expect("delivered");
    assert_eq!(status, 200);
    assert_eq!(delivered.load(Ordering::SeqCst), 1);
    assert_eq!(proxied.load(Ordering::SeqCst), 0, "the proxy saw nothing");
}
