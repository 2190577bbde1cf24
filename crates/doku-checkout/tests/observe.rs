//! A call observed: the client reports each attempt, how it ended and each wait, to the
//! observer of the task it runs in, and to nobody otherwise.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use doku_checkout::Client;
use doku_checkout::observe::{AttemptEnd, AttemptInfo, CallObserver, observed};
use doku_checkout_mock::{Fault, MockConfig, MockServer, Order};

const SECRET: &str = "SK-OBSERVE-0123456789";

#[derive(Default)]
struct Recorder(Mutex<Vec<String>>);

impl CallObserver for Recorder {
    fn attempt_started(&self, a: &AttemptInfo<'_>) {
        let line = format!(
            "start {} {} {} {} {}:{}",
            a.attempt, a.method, a.url_template, a.request_id, a.server_address, a.server_port
        );
        self.0.lock().expect("events").push(line);
    }
    fn attempt_ended(&self, attempt: u32, end: AttemptEnd) {
        self.0.lock().expect("events").push(format!("end {attempt} {:?} {:?}", end.status(), end.error_type()));
    }
    fn retrying(&self, attempt: u32, request_id: &str, wait: Duration, end: AttemptEnd) {
        assert!(wait > Duration::ZERO);
        let reason = doku_checkout::observe::retry_reason(end);
        self.0.lock().expect("events").push(format!("retry {attempt} {request_id} {reason}"));
    }
}

fn fault(json: &str) -> Fault {
    serde_json::from_str(json).expect("fault")
}

#[tokio::test]
async fn a_retried_cancel_reports_both_attempts_and_the_wait_with_its_request_id() {
    let mock = MockServer::start(MockConfig::new("MCH-OBS", SECRET).expect("config")).await.expect("mock");
    let order: Order =
        serde_json::from_str(r#"{"invoice_number":"INV-OBS-1","original_request_id":"co-1"}"#).expect("order");
    mock.control().add_order(order).expect("order");
    mock.control().inject_fault(fault(r#"{"kind":"status","status":503}"#)).expect("fault");
    let client = Client::builder("MCH-OBS", SECRET)
        .base_url(mock.url())
        .backoff(Duration::from_millis(5), Duration::from_millis(20))
        .build()
        .expect("client");
    let port = mock.url().rsplit(':').next().expect("port").trim_end_matches('/').to_owned();

    let recorder = Arc::new(Recorder::default());
    let result = observed(recorder.clone(), client.cancel_order("INV-OBS-1", "co-1", "test", Some("rid-obs-1"))).await;
    assert_eq!(result.expect("cancelled").request_id, "rid-obs-1");
    let events = recorder.0.lock().expect("events").clone();
    assert_eq!(
        events,
        [
            format!("start 1 POST /checkout/v3/cancellations rid-obs-1 127.0.0.1:{port}"),
            "end 1 Some(503) Some(\"server_error\")".to_owned(),
            "retry 1 rid-obs-1 HTTP 503".to_owned(),
            format!("start 2 POST /checkout/v3/cancellations rid-obs-1 127.0.0.1:{port}"),
            "end 2 Some(200) None".to_owned(),
        ]
    );

    // A status check names its template, not the invoice number; and without an observer the
    // same calls report to nobody.
    let status = Arc::new(Recorder::default());
    observed(status.clone(), client.order_status("INV-OBS-1")).await.expect("status");
    assert!(status.0.lock().expect("events")[0].starts_with("start 1 GET /orders/v1/status/{invoice_number} "));
    client.order_status("INV-OBS-1").await.expect("status");
    assert_eq!(recorder.0.lock().expect("events").len(), 5);
    mock.shutdown().await;
}

#[tokio::test]
async fn a_failed_connection_and_a_cancel_by_invoice_are_reported_too() {
    let mock = MockServer::start(MockConfig::new("MCH-OBS", SECRET).expect("config")).await.expect("mock");
    let order: Order =
        serde_json::from_str(r#"{"invoice_number":"INV-OBS-2","original_request_id":"co-2"}"#).expect("order");
    mock.control().add_order(order).expect("order");
    mock.control().inject_fault(fault(r#"{"kind":"reset_before"}"#)).expect("fault");
    let client = Client::builder("MCH-OBS", SECRET)
        .base_url(mock.url())
        .backoff(Duration::from_millis(5), Duration::from_millis(20))
        .build()
        .expect("client");
    let recorder = Arc::new(Recorder::default());
    observed(recorder.clone(), client.cancel_by_invoice("INV-OBS-2", "test", None)).await.expect("cancelled");
    let events = recorder.0.lock().expect("events").clone();
    // The status check (its first attempt lost), then the cancel: one observer for the whole call.
    assert!(events[0].starts_with("start 1 GET /orders/v1/status/{invoice_number}"), "{events:?}");
    assert_eq!(events[1], "end 1 None Some(\"network_error\")");
    assert!(events[2].starts_with("retry 1 ") && events[2].ends_with(" connection lost"), "{events:?}");
    assert!(events[3].starts_with("start 2 GET"));
    assert!(events[5].starts_with("start 1 POST /checkout/v3/cancellations"), "{events:?}");
    assert_eq!(events.len(), 7);
    mock.shutdown().await;
}

#[tokio::test]
async fn the_core_recorder_keeps_the_events_in_order_with_their_times_and_the_outcome_reads_the_result() {
    use doku_checkout::observe::{Recorded, Recorder as CoreRecorder, outcome_fields};
    let mock = MockServer::start(MockConfig::new("MCH-OBS", SECRET).expect("config")).await.expect("mock");
    let order: Order =
        serde_json::from_str(r#"{"invoice_number":"INV-OBS-3","original_request_id":"co-3"}"#).expect("order");
    mock.control().add_order(order).expect("order");
    mock.control().inject_fault(fault(r#"{"kind":"status","status":429}"#)).expect("fault");
    let client = Client::builder("MCH-OBS", SECRET)
        .base_url(mock.url())
        .backoff(Duration::from_millis(5), Duration::from_millis(20))
        .build()
        .expect("client");
    let recorder = Arc::new(CoreRecorder::default());
    let before = std::time::SystemTime::now();
    let result = observed(recorder.clone(), client.cancel_order("INV-OBS-3", "co-3", "test", Some("rid-obs-3"))).await;
    assert_eq!(outcome_fields(&result), (Some("rid-obs-3"), Some(false), None));
    assert_eq!(recorder.attempts(), 2);
    let events = recorder.take();
    let kinds: Vec<&str> = events
        .iter()
        .map(|e| match e {
            Recorded::Start { .. } => "start",
            Recorded::End { .. } => "end",
            Recorded::Retry { .. } => "retry",
        })
        .collect();
    assert_eq!(kinds, ["start", "end", "retry", "start", "end"]);
    let times: Vec<std::time::SystemTime> = events
        .iter()
        .map(|e| match e {
            Recorded::Start { at, .. } | Recorded::End { at, .. } | Recorded::Retry { at, .. } => *at,
        })
        .collect();
    assert!(times[0] >= before && times.windows(2).all(|w| w[0] <= w[1]), "{times:?}");
    assert!(matches!(&events[1], Recorded::End { status: Some(429), error_type: Some("rate_limited"), .. }));
    assert!(matches!(&events[2], Recorded::Retry { reason, .. } if reason == "HTTP 429"));
    assert!(recorder.take().is_empty(), "taken once");

    let refused = client.cancel_order("INV-NOWHERE", "co-x", "test", Some("rid-obs-4")).await;
    assert_eq!(outcome_fields(&refused), (Some("rid-obs-4"), None, Some("order_not_found")));
    mock.shutdown().await;
}
