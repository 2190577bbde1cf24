//! Cancels per second against the emulator over loopback, sequential and with 32 in flight,
//! and the client's own CPU time per call; beside a plain reqwest + hmac implementation of
//! the same request in the same run.
//!
//! The emulator runs in a child process (this binary re-executed), so the CPU time read from
//! `/proc/self/stat` is the client's alone. Run with `cargo bench -p doku-checkout --bench cancel`.
#![allow(missing_docs)]
#![allow(clippy::print_stdout, clippy::unwrap_used)]

use std::io::{BufRead, BufReader, Write};
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use doku_checkout::{Client, Timestamp};
use hmac::{Hmac, KeyInit, Mac};
use sha2::{Digest, Sha256};

const CLIENT_ID: &str = "MCH-BENCH-0001";
const SECRET: &str = "SK-BENCH-0123456789";
const SEQUENTIAL: usize = 2000;
const CONCURRENT: usize = 6000;
/// Each side runs this many alternating rounds; the best round is reported.
const ROUNDS: usize = 3;
const IN_FLIGHT: usize = 32;

fn cpu_seconds() -> f64 {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    let fields: Vec<&str> = stat.rsplit(')').next().unwrap_or("").split_whitespace().collect();
    let ticks = |i: usize| fields.get(i).and_then(|v| v.parse::<f64>().ok()).unwrap_or(0.0);
    (ticks(11) + ticks(12)) / 100.0
}

/// The plain way: hand-built JSON, inline HMAC, one reqwest POST, no validation or retries.
async fn plain_cancel(http: &reqwest::Client, url: &str, invoice: &str) -> u16 {
    let body = format!(
        r#"{{"order":{{"invoice_number":"{invoice}"}},"payment":{{"original_request_id":"orig-{invoice}"}},"note":"bench"}}"#
    );
    let rid = uuid::Uuid::new_v4().to_string();
    let ts = Timestamp::now().to_string();
    let digest = STANDARD.encode(Sha256::digest(body.as_bytes()));
    let text = format!(
        "Client-Id:{CLIENT_ID}\nRequest-Id:{rid}\nRequest-Timestamp:{ts}\nRequest-Target:/checkout/v3/cancellations\nDigest:{digest}"
    );
    let mut mac = <Hmac<Sha256> as KeyInit>::new_from_slice(SECRET.as_bytes()).unwrap();
    mac.update(text.as_bytes());
    let sig = format!("HMACSHA256={}", STANDARD.encode(mac.finalize().into_bytes()));
    let resp = http
        .post(format!("{url}/checkout/v3/cancellations"))
        .header("Client-Id", CLIENT_ID)
        .header("Request-Id", rid)
        .header("Request-Timestamp", ts)
        .header("Signature", sig)
        .header("Content-Type", "application/json")
        .body(body)
        .send()
        .await
        .unwrap();
    let status = resp.status().as_u16();
    let _ = resp.bytes().await.unwrap();
    status
}

struct Figures {
    per_second: f64,
    cpu_us_per_call: f64,
}

async fn measure<F, Fut>(total: usize, in_flight: usize, call: F) -> Figures
where
    F: Fn(usize) -> Fut + Send + Sync + 'static,
    Fut: std::future::Future<Output = bool> + Send,
{
    let call = Arc::new(call);
    let next = Arc::new(AtomicUsize::new(0));
    let cpu0 = cpu_seconds();
    let t0 = Instant::now();
    let mut workers = tokio::task::JoinSet::new();
    for _ in 0..in_flight {
        let (call, next) = (Arc::clone(&call), Arc::clone(&next));
        workers.spawn(async move {
            loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                if i >= total {
                    return;
                }
                assert!(call(i).await, "call {i} failed");
            }
        });
    }
    while workers.join_next().await.is_some() {}
    let elapsed = t0.elapsed().as_secs_f64();
    Figures { per_second: total as f64 / elapsed, cpu_us_per_call: (cpu_seconds() - cpu0) * 1e6 / total as f64 }
}

fn seed(url: &str, prefix: &str, n: usize) {
    let orders: Vec<serde_json::Value> = (0..n)
        .map(|i| serde_json::json!({"invoice_number": format!("{prefix}-{i}"), "original_request_id": format!("orig-{prefix}-{i}")}))
        .collect();
    let body = serde_json::json!({ "orders": orders }).to_string();
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    rt.block_on(async {
        let r = reqwest::Client::new().post(format!("{url}/_mock/setup")).body(body).send().await.unwrap();
        assert!(r.status().is_success());
    });
}

fn run_emulator() {
    let server = doku_checkout_mock::BackgroundMockServer::start(
        doku_checkout_mock::MockConfig::new(CLIENT_ID, SECRET).unwrap(),
    )
    .unwrap();
    println!("{}", server.url());
    std::io::stdout().flush().unwrap();
    let mut line = String::new();
    let _ = std::io::stdin().read_line(&mut line);
}

fn main() {
    if std::env::var_os("DOKU_BENCH_EMULATOR").is_some() {
        return run_emulator();
    }
    if std::env::args().any(|a| a == "--list") {
        return;
    }
    let _ = rustls::crypto::ring::default_provider().install_default();
    let mut child = Command::new(std::env::current_exe().unwrap())
        .env("DOKU_BENCH_EMULATOR", "1")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut url = String::new();
    BufReader::new(child.stdout.take().unwrap()).read_line(&mut url).unwrap();
    let url = url.trim().to_owned();
    for round in 0..ROUNDS {
        for prefix in ["SEQ", "PAR", "PSEQ", "PPAR"] {
            let n = if prefix.ends_with("SEQ") { SEQUENTIAL } else { CONCURRENT };
            seed(&url, &format!("{prefix}{round}"), n);
        }
    }
    let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
    let client =
        Client::builder(CLIENT_ID, SECRET).base_url(url.clone()).timeout(Duration::from_secs(10)).build().unwrap();
    // A sane plain client also bounds each request (as ours does per attempt).
    let http = reqwest::Client::builder().timeout(Duration::from_secs(10)).build().unwrap();
    let report = |name: &str, f: &Figures| {
        println!("{name:<44} {:>9.0} cancels/s   {:>7.1} µs client CPU/call", f.per_second, f.cpu_us_per_call)
    };
    rt.block_on(async {
        for (prefix, n, in_flight, label) in
            [("SEQ", SEQUENTIAL, 1, "sequential"), ("PAR", CONCURRENT, IN_FLIGHT, "32 in flight")]
        {
            let (mut ours, mut plain): (Option<Figures>, Option<Figures>) = (None, None);
            for round in 0..ROUNDS {
                let best = |cur: Option<Figures>, new: Figures| match cur {
                    Some(c) if c.per_second >= new.per_second => Some(c),
                    _ => Some(new),
                };
                let c = client.clone();
                let p = format!("{prefix}{round}");
                let f = measure(n, in_flight, move |i| {
                    let (c, inv) = (c.clone(), format!("{p}-{i}"));
                    async move { c.cancel_order(&inv, &format!("orig-{inv}"), "bench", None).await.is_ok() }
                })
                .await;
                ours = best(ours, f);
                let (h, u, p) = (http.clone(), url.clone(), format!("P{prefix}{round}"));
                let f = measure(n, in_flight, move |i| {
                    let (h, u, inv) = (h.clone(), u.clone(), format!("{p}-{i}"));
                    async move { plain_cancel(&h, &u, &inv).await == 200 }
                })
                .await;
                plain = best(plain, f);
            }
            let (ours, plain) = (ours.unwrap(), plain.unwrap());
            report(&format!("doku_checkout::Client::cancel_order, {label}"), &ours);
            report(&format!("plain reqwest + hmac, {label}"), &plain);
            println!(
                "{:<44} {:>9.2}x throughput, {:.2}x CPU per call\n",
                "  ratio (ours / plain)",
                ours.per_second / plain.per_second,
                ours.cpu_us_per_call / plain.cpu_us_per_call
            );
        }
    });
    drop(child.stdin.take());
    let _ = child.wait();
}
