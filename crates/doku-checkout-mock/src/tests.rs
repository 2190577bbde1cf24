//! The emulator served over loopback: constant work per request and bounded memory.

use doku_checkout::Client;

use crate::{MockConfig, MockServer, Order, OrderState, server::LOGGED_BODY_LIMIT};

const CLIENT_ID: &str = "MCH-LOAD-0001";
const SECRET: &str = "SK-LOAD-secret";

fn order(invoice: &str) -> Order {
    Order::new(invoice, format!("create-{invoice}"))
}

async fn start(log_size: usize, replay_store_size: usize) -> MockServer {
    let mut config = MockConfig::new(CLIENT_ID, SECRET).expect("config");
    config.log_size = log_size;
    config.replay_store_size = replay_store_size;
    MockServer::start(config).await.expect("emulator")
}

fn client(server: &MockServer) -> Client {
    Client::builder(CLIENT_ID, SECRET).base_url(server.url()).max_retries(0).build().expect("client")
}

/// Log entries looked at while `requests` status calls are served.
async fn visits_for(server: &MockServer, client: &Client, requests: usize) -> u64 {
    let before = server.control().inner.traffic().log.visits();
    for _ in 0..requests {
        client.order_status("INV-LOAD-1").await.expect("status");
    }
    server.control().inner.traffic().log.visits() - before
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn work_per_request_does_not_depend_on_how_many_came_before() {
    let server = start(100, 100).await;
    server.control().add_order(order("INV-LOAD-1")).expect("order");
    let client = client(&server);

    let first = visits_for(&server, &client, 50).await;
    visits_for(&server, &client, 2_000).await; // the log wraps twenty times
    let last = visits_for(&server, &client, 50).await;

    assert_eq!(first, 100, "one append and one update per request");
    assert_eq!(last, first, "requests 2051..2100 cost what requests 1..50 did");
    let seqs: Vec<u64> = server.control().log().iter().map(|e| e.seq).collect();
    assert_eq!(seqs, (2_001..=2_100).collect::<Vec<_>>(), "the log keeps the last 100, numbered in arrival order");
    assert!(server.control().log().iter().all(|e| e.signature_valid && e.status == Some(200)));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_replay_store_keeps_the_last_request_ids() {
    let server = start(10, 3).await;
    for n in 0..5 {
        server.control().add_order(order(&format!("INV-{n}"))).expect("order");
    }
    let client = client(&server);
    for n in 0..5 {
        let invoice = format!("INV-{n}");
        let result = client
            .cancel_order(&invoice, &format!("create-{invoice}"), "load", Some(&format!("cancel-{n}")))
            .await
            .expect("cancel");
        assert!(!result.replayed);
    }
    // The last three Request-Ids replay with 409; the oldest was forgotten and is new again.
    let replay = client.cancel_order("INV-4", "create-INV-4", "load", Some("cancel-4")).await.expect("replay");
    assert!(replay.replayed);
    let forgotten = client.cancel_order("INV-0", "create-INV-0", "load", Some("cancel-0")).await;
    assert_eq!(forgotten.expect_err("already cancelled").code().as_str(), "order_not_cancellable");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn long_bodies_are_logged_cut_short() {
    let server = start(10, 10).await;
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let body = vec![b'x'; LOGGED_BODY_LIMIT + 1_000];
    let addr = server.url().trim_start_matches("http://").to_owned();
    let mut stream = tokio::net::TcpStream::connect(addr).await.expect("connect");
    let head = format!(
        "POST /checkout/v3/cancellations HTTP/1.1\r\nHost: x\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    );
    stream.write_all(head.as_bytes()).await.expect("head");
    stream.write_all(&body).await.expect("body");
    let mut answer = String::new();
    stream.read_to_string(&mut answer).await.expect("answer");
    assert!(answer.starts_with("HTTP/1.1 400"), "no headers: refused, got {answer}");
    let log = server.control().log();
    assert!(log[0].body.starts_with(&"x".repeat(LOGGED_BODY_LIMIT)));
    assert!(log[0].body.ends_with("…[1000 bytes not logged]"), "{}", &log[0].body[LOGGED_BODY_LIMIT..]);
}

#[test]
fn store_sizes_are_range_checked() {
    let mut config = MockConfig::new(CLIENT_ID, SECRET).expect("config");
    config.log_size = 0;
    assert_eq!(config.validate().expect_err("zero").field(), Some("log_size"));
    config.log_size = 1;
    config.replay_store_size = crate::MAX_STORE_SIZE + 1;
    assert_eq!(config.validate().expect_err("too big").field(), Some("replay_store_size"));
}

async fn raw_exchange(server: &MockServer, request: &[u8]) -> String {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let addr = server.url().trim_start_matches("http://").to_owned();
    let mut stream = tokio::net::TcpStream::connect(addr).await.expect("connect");
    stream.write_all(request).await.expect("write");
    let mut answer = Vec::new();
    let _ = tokio::time::timeout(std::time::Duration::from_secs(10), stream.read_to_end(&mut answer)).await;
    String::from_utf8_lossy(&answer).into_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn oversized_bodies_get_413_before_being_read() {
    let server = start(10, 10).await;
    let declared = raw_exchange(
        &server,
        b"POST /checkout/v3/cancellations HTTP/1.1\r\nHost: x\r\nContent-Length: 2097152\r\nConnection: close\r\n\r\n",
    )
    .await;
    assert!(declared.starts_with("HTTP/1.1 413"), "{declared}");
    let mut chunked = b"POST /checkout/v3/cancellations HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n".to_vec();
    for _ in 0..18 {
        chunked.extend_from_slice(b"10000\r\n");
        chunked.extend(std::iter::repeat_n(b'x', 0x10000));
        chunked.extend_from_slice(b"\r\n");
    }
    chunked.extend_from_slice(b"0\r\n\r\n");
    let streamed = raw_exchange(&server, &chunked).await;
    assert!(streamed.starts_with("HTTP/1.1 413"), "{}", &streamed[..streamed.len().min(200)]);
    assert!(server.control().log().is_empty(), "refused before logging");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn idle_and_slow_connections_are_closed() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut config = MockConfig::new(CLIENT_ID, SECRET).expect("config");
    config.read_timeout = std::time::Duration::from_millis(200);
    let server = MockServer::start(config).await.expect("emulator");
    let addr = server.url().trim_start_matches("http://").to_owned();
    let closes = |mut stream: tokio::net::TcpStream| async move {
        let mut rest = Vec::new();
        let read = tokio::time::timeout(std::time::Duration::from_secs(10), stream.read_to_end(&mut rest)).await;
        assert!(read.is_ok(), "the server kept the connection open");
        String::from_utf8_lossy(&rest).into_owned()
    };
    // Connected, never sends a byte.
    closes(tokio::net::TcpStream::connect(&addr).await.expect("connect")).await;
    // Sends half a head and stops.
    let mut half = tokio::net::TcpStream::connect(&addr).await.expect("connect");
    half.write_all(b"GET /orders/v1/status/X HTTP/1.1\r\nHost:").await.expect("write");
    closes(half).await;
    // One request answered, then idle on keep-alive.
    let mut idle = tokio::net::TcpStream::connect(&addr).await.expect("connect");
    idle.write_all(b"GET /orders/v1/status/X HTTP/1.1\r\nHost: x\r\n\r\n").await.expect("write");
    let answered = closes(idle).await;
    assert!(answered.starts_with("HTTP/1.1 400"), "missing headers: {answered}");
    let mut bad = MockConfig::new(CLIENT_ID, SECRET).expect("config");
    bad.read_timeout = std::time::Duration::from_millis(10);
    assert_eq!(bad.validate().expect_err("too short").field(), Some("read_timeout"));
}

/// A one-connection-at-a-time HTTP listener on loopback that answers each request with
/// `answer` (or holds it unanswered when `None`); counts the connections it accepted.
fn listener(answer: Option<String>) -> (String, std::sync::Arc<std::sync::atomic::AtomicUsize>) {
    use std::io::{Read, Write};
    let socket = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let url = format!("http://{}", socket.local_addr().expect("addr"));
    let seen = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let counter = seen.clone();
    std::thread::spawn(move || {
        let mut held = Vec::new();
        for stream in socket.incoming() {
            let Ok(mut stream) = stream else { break };
            counter.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            let mut buf = [0u8; 8192];
            let _ = stream.read(&mut buf);
            match &answer {
                Some(a) => drop(stream.write_all(a.as_bytes())),
                None => held.push(stream),
            }
        }
    });
    (url, seen)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_notification_is_never_redirected_off_loopback() {
    let server = start(10, 10).await;
    server.control().add_order(order("INV-N-1")).expect("order");
    let (elsewhere, visits) = listener(Some("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n".to_owned()));
    for status in ["307 Temporary Redirect", "302 Found", "308 Permanent Redirect"] {
        let redirect = format!("HTTP/1.1 {status}\r\nLocation: {elsewhere}/stolen\r\nContent-Length: 0\r\n\r\n");
        let (url, _) = listener(Some(redirect));
        let answer = server.control().send_notification("INV-N-1", &format!("{url}/notify")).await;
        assert_eq!(answer.expect("answered"), status[..3].parse::<u16>().expect("code"), "{status} is the answer");
    }
    std::thread::sleep(std::time::Duration::from_millis(100));
    assert_eq!(visits.load(std::sync::atomic::Ordering::SeqCst), 0, "the redirect target never saw the notification");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_endpoint_that_never_answers_ends_in_a_timeout() {
    let server = start(10, 10).await;
    server.control().add_order(order("INV-N-2")).expect("order");
    let (url, _) = listener(None);
    let started = std::time::Instant::now();
    let e = server.control().send_notification("INV-N-2", &format!("{url}/notify")).await.expect_err("no answer");
    assert_eq!(e.code(), doku_checkout::ErrorCode::Timeout, "{e}");
    assert!(started.elapsed() < crate::NOTIFY_TIMEOUT + std::time::Duration::from_secs(5), "{:?}", started.elapsed());
}

/// One unsigned control call over HTTP: the status and the body.
fn control_call(server: &MockServer, method: &str, path: &str, body: &str) -> (u16, String) {
    use std::io::{Read, Write};
    let mut stream = std::net::TcpStream::connect(server.url().trim_start_matches("http://")).expect("connect");
    write!(
        stream,
        "{method} {path} HTTP/1.1\r\nHost: e\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )
    .expect("write");
    let mut answer = String::new();
    stream.read_to_string(&mut answer).expect("read");
    let status = answer[9..12].parse().expect("status");
    (status, answer.split_once("\r\n\r\n").map(|(_, b)| b.to_owned()).unwrap_or_default())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn control_calls_past_the_bounds_are_refused_and_change_nothing() {
    use crate::limits::{MAX_FAULTS, MAX_ORDERS};
    let server = start(10, 10).await;
    for count in ["0", "4294967295"] {
        let (status, body) = tokio::task::block_in_place(|| {
            control_call(&server, "POST", "/_mock/faults", &format!(r#"{{"kind":"reset_before","count":{count}}}"#))
        });
        assert_eq!(status, 400, "count {count}: {body}");
        assert!(body.contains("count must be 1 to"), "{body}");
    }
    assert!(server.control().inner.traffic().faults.is_empty(), "no refused fault was queued");
    let faults = format!(r#"{{"faults":[{}]}}"#, vec![r#"{"kind":"malformed_json"}"#; MAX_FAULTS + 1].join(","));
    let (status, _) = tokio::task::block_in_place(|| control_call(&server, "POST", "/_mock/setup", &faults));
    assert_eq!(status, 413);
    let long = format!(r#"{{"orders":[{{"invoice_number":"{}","original_request_id":"r"}}]}}"#, "I".repeat(300));
    let (status, _) = tokio::task::block_in_place(|| control_call(&server, "POST", "/_mock/setup", &long));
    assert_eq!(status, 400);

    // Orders: up to the bound, then a setup that would pass it is refused whole.
    let orders = |from: usize, n: usize| {
        let items: Vec<String> =
            (from..from + n).map(|i| format!(r#"{{"invoice_number":"INV-{i}","original_request_id":"r"}}"#)).collect();
        format!(r#"{{"orders":[{}]}}"#, items.join(","))
    };
    server.control().setup_json(&orders(0, MAX_ORDERS)).expect("at the bound");
    let e = server.control().setup_json(&orders(MAX_ORDERS - 1, 2)).expect_err("one past the bound");
    assert!(e.message().contains("TOO MANY ORDERS"), "{}", e.message());
    assert_eq!(server.control().inner.state().orders.len(), MAX_ORDERS, "nothing of the refused setup was added");
    server.control().setup_json(&orders(0, 5)).expect("replacing held orders adds none");
    server.control().reset();
    assert!(server.control().inner.state().orders.is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_rust_controls_keep_the_same_bounds_as_the_http_ones() {
    use crate::state::{Fault, FaultKind};
    let server = start(10, 10).await;
    let control = server.control();
    let e = control
        .inject_fault(Fault { kind: FaultKind::MalformedJson, count: 0 })
        .expect_err("a fault that would fire on no request");
    assert!(e.message().contains("count must be 1 to"), "{}", e.message());
    let e = control.add_order(order(&"I".repeat(300))).expect_err("an invoice past the field bound");
    assert_eq!(e.code().as_str(), "invalid_input");
    assert!(control.inner.traffic().faults.is_empty() && control.inner.state().orders.is_empty(), "nothing applied");
    control.add_order(order("INV-OK")).expect("within bounds");
    control.inject_fault(Fault { kind: FaultKind::MalformedJson, count: 1 }).expect("within bounds");
    // A field the emulator does not know, and another order's checkout page, are refused.
    let e = control.setup_json(r#"{"orders":[{"invoice_number":"I-X","original_request_id":"r","bogus":1}]}"#);
    assert!(e.expect_err("unknown field").message().contains("bogus"));
    control.add_order(Order { token: Some("tok-1".into()), ..order("INV-PAGE") }).expect("a token");
    let e = control.add_order(Order { token: Some("tok-1".into()), ..order("INV-THIEF") }).expect_err("taken");
    assert!(e.message().contains("another order's checkout page"), "{}", e.message());
    control.add_order(Order { token: Some("tok-1".into()), ..order("INV-PAGE") }).expect("its own token again");
    let e = control.setup_json(r#"{"notification_url":"http://user:pw@127.0.0.1:9/n"}"#).expect_err("credentials");
    assert!(!e.message().contains("pw"), "never echoed: {}", e.message());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_log_keeps_a_bounded_part_of_huge_headers() {
    let server = start(10, 10).await;
    // 315 KB in 90 headers: within hyper's own limits (100 headers, about 400 KB).
    let big: String = (0..90).map(|i| format!("X-Big-{i}: {}\r\n", "v".repeat(3_500))).collect();
    let request = format!("GET /orders/v1/status/INV-1 HTTP/1.1\r\nHost: e\r\n{big}Connection: close\r\n\r\n");
    tokio::task::block_in_place(|| {
        use std::io::{Read, Write};
        let mut stream = std::net::TcpStream::connect(server.url().trim_start_matches("http://")).expect("connect");
        stream.write_all(request.as_bytes()).expect("write");
        let mut answer = Vec::new();
        let _ = stream.read_to_end(&mut answer);
    });
    let log = server.control().log();
    assert_eq!(log.len(), 1, "the request was served and logged");
    let bytes: usize = log[0].headers.iter().map(|(n, v)| n.len() + v.len()).sum();
    assert!(bytes <= crate::limits::LOGGED_HEADERS_LIMIT + 64, "{bytes} bytes of headers logged");
    assert!(log[0].headers.iter().any(|(n, v)| n == "…" && v.contains("headers not logged")));
    // The Request-Id, the path and a fault's description are cut too.
    server
        .control()
        .setup_json(&format!(r#"{{"faults":[{{"kind":"status","status":400,"body":"{}"}}]}}"#, "b".repeat(60_000)))
        .expect("fault");
    let long_id = "r".repeat(50_000);
    let request = format!(
        "GET /orders/v1/status/{} HTTP/1.1\r\nHost: e\r\nRequest-Id: {long_id}\r\nConnection: close\r\n\r\n",
        "I".repeat(20_000)
    );
    tokio::task::block_in_place(|| {
        use std::io::{Read, Write};
        let mut stream = std::net::TcpStream::connect(server.url().trim_start_matches("http://")).expect("connect");
        stream.write_all(request.as_bytes()).expect("write");
        let mut answer = Vec::new();
        let _ = stream.read_to_end(&mut answer);
    });
    let entry = server.control().log().pop().expect("logged");
    assert!(entry.request_id.as_deref().is_some_and(|r| r.len() < crate::limits::LOGGED_HEADER_VALUE_LIMIT + 64));
    assert!(entry.path.len() < crate::limits::LOGGED_HEADER_VALUE_LIMIT + 64);
    assert!(entry.fault.as_deref().is_some_and(|f| f.len() < 200), "{:?}", entry.fault);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_checkout_page_pays_the_order_and_the_dashboard_shows_it() {
    use doku_checkout::operations::{CheckoutLineItem, CreateCheckoutRequest};
    let mut config = MockConfig::new(CLIENT_ID, SECRET).expect("config");
    config.notification_url = Some("/_mock/sink/200/payments/notifications".into());
    let server = MockServer::start(config).await.expect("emulator");
    let request = CreateCheckoutRequest {
        invoice_number: "INV-<PAGE>".into(),
        amount: 150_000,
        payment_method_types: vec!["VIRTUAL_ACCOUNT_BCA".into(), "QRIS".into()],
        line_items: vec![CheckoutLineItem { name: "Kaos <b>".into(), price: 75_000, quantity: 2 }],
        ..Default::default()
    };
    let created = client(&server).create_checkout(&request, None).await.expect("created");
    let http = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().expect("http");
    let page = http.get(&created.payment_url).send().await.expect("page");
    assert_eq!(page.status(), 200);
    assert!(page.headers()["content-type"].to_str().expect("type").starts_with("text/html"));
    let html = page.text().await.expect("html");
    assert!(
        html.contains("Rp 150.000") && html.contains("INV-&lt;PAGE&gt;") && html.contains("Kaos &lt;b&gt;"),
        "{html}"
    );
    assert!(!html.contains("<b>"), "text is escaped");
    assert!(
        html.contains("value=\"VIRTUAL_ACCOUNT_BCA\"")
            && html.contains("value=\"QRIS\"")
            && !html.contains("EMONEY_OVO")
    );
    assert!(html.contains(">Pay</button>") && html.contains(">Fail payment</button>"));

    let paid = http
        .post(&created.payment_url)
        .header("content-type", "application/x-www-form-urlencoded")
        .body("channel=QRIS&action=pay")
        .send()
        .await
        .expect("paid");
    assert_eq!(paid.status(), 303, "back to the page (no callback_url)");
    let order = server.control().order("INV-<PAGE>").expect("order");
    assert_eq!((order.state, order.payment_method.as_deref()), (OrderState::Paid, Some("QRIS")));
    let (_, notifications) = server.control().control_call("POST", "/_mock/notifications/wait", b"").await;
    assert!(notifications.contains("\"delivered\":true"), "{notifications}");
    let after = http.get(&created.payment_url).send().await.expect("page").text().await.expect("html");
    assert!(after.contains("Paid with <strong>QRIS</strong>") && !after.contains(">Pay</button>"), "{after}");
    let again = http.post(&created.payment_url).body("channel=QRIS&action=pay").send().await.expect("again");
    assert_eq!(again.status(), 409, "a paid order cannot be paid twice");

    let dashboard = http.get(format!("{}/_mock/ui", server.url())).send().await.expect("ui");
    assert_eq!(dashboard.status(), 200);
    let ui = dashboard.text().await.expect("html");
    assert!(ui.contains("data-invoice=\"INV-&lt;PAGE&gt;\">PAID<"), "{ui}");
    assert!(ui.contains("/_mock/sink/200/payments/notifications") && ui.contains("+0 s: 200"), "{ui}");
    let unknown = http.get(format!("{}/checkout-link-v2/nope", server.url())).send().await.expect("404");
    assert_eq!(unknown.status(), 404);
}
