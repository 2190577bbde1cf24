use super::*;
use crate::headers::ReceivedHeaders;
use crate::notification::{VerifyOptions, verify_notification};

const SECRET: &str = "SK-webhook-0123";

fn battery() -> Vec<Case> {
    let key = SecretKey::new(SECRET).expect("key");
    let now = Timestamp::parse("2026-11-26T03:00:00Z").expect("ts");
    cases(&BatteryInput { secret: &key, client_id: "MCH-HOOK", path: "/hooks/doku", invoice_number: "INV-CHECK", now })
}

/// What a correct endpoint does: verify with a 24 h tolerance and its own Client-Id.
fn correct_endpoint(case: &Case) -> u16 {
    let key = SecretKey::new(SECRET).expect("key");
    let headers = ReceivedHeaders::new(case.headers.iter().map(|(n, v)| (n.as_str(), v.as_str())));
    let options =
        VerifyOptions { tolerance_seconds: Some(24 * 3600), now: Timestamp::parse("2026-11-26T03:00:05Z").ok() };
    match verify_notification(&key, &headers, &case.body, "/hooks/doku", options) {
        Ok(n) if n.client_id == "MCH-HOOK" => 200,
        _ => 401,
    }
}

#[test]
fn a_correct_endpoint_passes_every_case() {
    let cases = battery();
    assert_eq!(cases.len(), 11);
    for case in &cases {
        assert_eq!(judge(case, Some(correct_endpoint(case))), Verdict::Pass, "{}", case.id);
    }
}

#[test]
fn an_endpoint_that_accepts_everything_fails_every_forgery() {
    for case in battery() {
        let verdict = judge(&case, Some(200));
        match case.expect {
            Expect::Accept => assert_eq!(verdict, Verdict::Pass, "{}", case.id),
            Expect::Reject => {
                let Verdict::Fail(message) = verdict else { panic!("{}: {verdict:?}", case.id) };
                assert!(message.ends_with("accepted with 200: anyone can mark your orders paid"), "{message}");
            }
            Expect::RejectOrWarn => assert!(matches!(verdict, Verdict::Warn(_)), "{}", case.id),
        }
    }
    let forged = &battery()[2];
    assert_eq!(
        judge(forged, Some(200)),
        Verdict::Fail("forged signature accepted with 200: anyone can mark your orders paid".into())
    );
}

#[test]
fn refusing_genuine_notifications_fails() {
    let cases = battery();
    assert_eq!(
        judge(&cases[0], Some(500)),
        Verdict::Fail("genuine notification refused with 500: DOKU would retry it and then give up".into())
    );
    assert!(matches!(judge(&cases[10], None), Verdict::Fail(m) if m.contains("no answer")));
    assert!(matches!(judge(&cases[2], None), Verdict::Fail(_)), "no answer is not a refusal");
}

#[test]
fn each_forgery_differs_from_the_genuine_notification_in_one_way() {
    let cases = battery();
    let get = |case: &Case, name: &str| case.headers.iter().find(|(n, _)| n == name).map(|(_, v)| v.clone());
    assert_eq!(cases[1].headers, cases[0].headers, "duplicate = genuine");
    let ids: std::collections::HashSet<_> = cases[2..].iter().filter_map(|c| get(c, "Request-Id")).collect();
    assert_eq!(ids.len(), cases.len() - 3, "every other case has its own Request-Id (one has none)");
    assert_eq!(get(&cases[5], "Signature"), None);
    assert_eq!(get(&cases[6], "Request-Id"), None);
    assert_eq!(get(&cases[7], "Client-Id").as_deref(), Some("MCH-SOMEONE-ELSE"));
    assert!(get(&cases[9], "Request-Timestamp").is_some_and(|t| t.starts_with("2026-11-24T03:00:00Z")));
    assert!(String::from_utf8_lossy(&cases[10].body).contains("additional_info"));
    assert_eq!(cases[4].body.len(), cases[0].body.len());
    assert_eq!(cases[4].body.iter().zip(&cases[0].body).filter(|(a, b)| a != b).count(), 1, "one byte changed");
}

#[cfg(feature = "client")]
#[test]
fn urls_must_be_https_or_loopback() {
    assert_eq!(check_url("https://shop.example/hooks/doku?x=1", false).expect("https"), "/hooks/doku");
    assert_eq!(check_url("http://127.0.0.1:8080/h", false).expect("loopback"), "/h");
    assert_eq!(check_url("http://[::1]:8080/h", false).expect("loopback v6"), "/h");
    assert_eq!(check_url("http://localhost/h", false).expect("localhost"), "/h");
    assert!(check_url("http://shop.example/h", false).expect_err("clear text").message().contains("--allow-http"));
    assert!(check_url("http://shop.example/h", true).is_ok());
    assert!(check_url("ftp://shop.example/h", true).is_err());
    assert!(check_url("not a url", true).is_err());
}

#[test]
fn a_redirect_is_neither_an_acceptance_nor_a_refusal() {
    for case in &battery() {
        for status in [301, 302, 307, 308, 100] {
            let Verdict::Fail(why) = judge(case, Some(status)) else { panic!("{} passed with {status}", case.id) };
            assert!(why.contains("does not follow redirects"), "{why}");
        }
    }
}

/// A loopback server answering each connection by `answer` (raw bytes, then closed, or held
/// open unanswered when `None`), reading the request first.
fn server(answer: Option<&'static [u8]>) -> String {
    server_holding(answer, false)
}

/// [`server`], holding the connection open after the answer when `hold`.
fn server_holding(answer: Option<&'static [u8]>, hold: bool) -> String {
    use std::io::{Read, Write};
    let socket = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let url = format!("http://{}/hooks/doku", socket.local_addr().expect("addr"));
    std::thread::spawn(move || {
        let mut held = Vec::new();
        for mut stream in socket.incoming().flatten() {
            let mut buf = [0u8; 16 * 1024];
            let _ = stream.read(&mut buf);
            if let Some(bytes) = answer {
                let _ = stream.write_all(bytes);
            }
            if hold || answer.is_none() {
                held.push(stream);
            } else {
                // One answer per connection, closed a moment later without Connection: close: a
                // client that reuses the connection meanwhile sends its next request into it.
                std::thread::spawn(move || {
                    std::thread::sleep(std::time::Duration::from_millis(100));
                    drop(stream);
                });
            }
        }
    });
    url
}

fn deliver(url: &str, timeout_ms: u64) -> Vec<Delivery> {
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("runtime");
    runtime.block_on(send(url, &battery(), std::time::Duration::from_millis(timeout_ms))).expect("sent")
}

#[test]
fn an_endpoint_that_closes_after_each_answer_gets_every_case() {
    let url = server(Some(b"HTTP/1.1 401 Unauthorized\r\nContent-Length: 0\r\n\r\n"));
    let deliveries = deliver(&url, 5_000);
    assert_eq!(deliveries.len(), 11);
    assert!(deliveries.iter().all(|d| d.status == Some(401)), "{deliveries:?}");
}

#[test]
fn each_kind_of_failure_is_named() {
    let refused = {
        let socket = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
        let url = format!("http://{}/hooks/doku", socket.local_addr().expect("addr"));
        drop(socket);
        url
    };
    let cases = [
        (refused, "connection refused"),
        (server(Some(b"SSH-2.0-OpenSSH_9.6\r\n")), "not HTTP"),
        (server(None), "timeout: no answer within 300 ms"),
        (server_holding(Some(b"HTTP/1.1 100 Continue\r\n\r\n"), true), "timeout"),
        (server(Some(b"HTTP/1.1 100 Continue\r\n\r\n")), "the endpoint closed the connection without answering"),
    ];
    for (url, want) in cases {
        let first = deliver(&url, 300).remove(0);
        assert_eq!(first.status, None, "{want}");
        let error = first.error.expect("an error");
        assert!(error.starts_with(want), "{want}: {error}");
    }
}
