//! The emulator under load: requests per second in 5-second rounds over a million signed status
//! GETs and a million signed cancels, and the emulator's memory after each phase.
//!
//! The emulator is the release CLI (`doku-checkout mock`) in its own process, so its RSS is its
//! own; the load comes from this binary (raw HTTP/1.1 keep-alive connections on one thread, each
//! cancel signed with a fresh Request-Id) and, when `wrk` is on the PATH, from `wrk -t2 -c32` in
//! four 5-second rounds of one pre-signed status GET.
//!
//! `make bench-emulator` builds the CLI and runs this; settings by environment:
//! `DOKU_CLI` (the binary), `LOAD_REQUESTS` (per phase, default 1,000,000), `LOAD_CONNECTIONS` (32).
#![allow(missing_docs)]
#![allow(clippy::print_stdout, clippy::unwrap_used, clippy::expect_used)]

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use doku_checkout::{SecretKey, SigningInput, Timestamp};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

const CLIENT_ID: &str = "MCH-LOAD-0001";
const SECRET: &str = "SK-LOAD-0123456789";
const STATUS_INVOICE: &str = "INV-LOAD-STATUS";
const STATUS_PATH: &str = "/orders/v1/status/INV-LOAD-STATUS";
const CANCEL_PATH: &str = "/checkout/v3/cancellations";
/// Orders the cancel phase cycles through: the first cancel of each succeeds, later ones are
/// refused as already cancelled (both are full signed POSTs that the idempotency store keeps).
const CANCEL_POOL: usize = 100_000;
const ROUND: Duration = Duration::from_secs(5);

fn env_number(name: &str, default: u64) -> u64 {
    std::env::var(name).ok().and_then(|v| v.parse().ok()).unwrap_or(default)
}

struct Emulator {
    child: Child,
    addr: String,
}

impl Emulator {
    fn start() -> Self {
        let cli = std::env::var("DOKU_CLI").unwrap_or_else(|_| {
            let dir = std::env::var("CARGO_TARGET_DIR")
                .unwrap_or_else(|_| concat!(env!("CARGO_MANIFEST_DIR"), "/../../target").to_owned());
            format!("{dir}/release/doku-checkout")
        });
        let mut child = Command::new(&cli)
            .args(["mock", "--port", "0", "--client-id", CLIENT_ID])
            .env("DOKU_SECRET_KEY", SECRET)
            .stdout(Stdio::piped())
            .spawn()
            .unwrap_or_else(|e| {
                panic!("cannot start {cli}: {e} (build it with `cargo build --release -p doku-checkout-cli`)")
            });
        let mut line = String::new();
        BufReader::new(child.stdout.take().expect("stdout")).read_line(&mut line).expect("listening line");
        let addr = line.trim().trim_start_matches("listening on http://").to_owned();
        Self { child, addr }
    }

    /// `(VmRSS, VmHWM)` in MiB from `/proc/PID/status`.
    fn memory_mib(&self) -> (f64, f64) {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.child.id())).unwrap_or_default();
        let kib = |key: &str| {
            status
                .lines()
                .find(|l| l.starts_with(key))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|v| v.parse::<f64>().ok())
                .unwrap_or(0.0)
        };
        (kib("VmRSS:") / 1024.0, kib("VmHWM:") / 1024.0)
    }
}

impl Drop for Emulator {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// One keep-alive HTTP/1.1 connection that sends a request and reads one answer.
struct Connection {
    stream: TcpStream,
    buf: Vec<u8>,
}

impl Connection {
    async fn open(addr: &str) -> Self {
        let stream = TcpStream::connect(addr).await.expect("connect");
        stream.set_nodelay(true).expect("nodelay");
        Self { stream, buf: Vec::with_capacity(4096) }
    }

    /// Sends `request` and returns the answer's status code.
    async fn exchange(&mut self, request: &[u8]) -> u16 {
        self.stream.write_all(request).await.expect("write");
        loop {
            if let Some(end) = self.buf.windows(4).position(|w| w == b"\r\n\r\n") {
                let head = std::str::from_utf8(&self.buf[..end]).expect("ascii head");
                let status: u16 = head[9..12].parse().expect("status");
                let length: usize = head
                    .lines()
                    .find_map(|l| {
                        let (name, value) = l.split_once(':')?;
                        name.eq_ignore_ascii_case("content-length").then(|| value.trim().parse().ok())?
                    })
                    .expect("content-length");
                let total = end + 4 + length;
                while self.buf.len() < total {
                    self.fill().await;
                }
                self.buf.drain(..total);
                return status;
            }
            self.fill().await;
        }
    }

    async fn fill(&mut self) {
        let mut chunk = [0u8; 8192];
        let n = self.stream.read(&mut chunk).await.expect("read");
        assert!(n > 0, "the emulator closed the connection");
        self.buf.extend_from_slice(&chunk[..n]);
    }
}

fn signed_headers(secret: &SecretKey, request_id: &str, path: &str, body: Option<&[u8]>) -> String {
    let timestamp = Timestamp::now().to_string();
    let signature = SigningInput::new(CLIENT_ID, request_id, &timestamp, path, body).expect("input").sign(secret);
    format!(
        "Client-Id: {CLIENT_ID}\r\nRequest-Id: {request_id}\r\nRequest-Timestamp: {timestamp}\r\nSignature: {signature}\r\n"
    )
}

fn status_request(secret: &SecretKey) -> Vec<u8> {
    let headers = signed_headers(secret, "load-status", STATUS_PATH, None);
    format!("GET {STATUS_PATH} HTTP/1.1\r\nHost: emulator\r\n{headers}\r\n").into_bytes()
}

fn cancel_request(secret: &SecretKey, n: u64) -> Vec<u8> {
    let invoice = format!("INV-POOL-{}", n % CANCEL_POOL as u64);
    let body = format!(
        r#"{{"order":{{"invoice_number":"{invoice}"}},"payment":{{"original_request_id":"create-{invoice}"}},"note":"load"}}"#
    );
    let headers = signed_headers(secret, &format!("load-cancel-{n}"), CANCEL_PATH, Some(body.as_bytes()));
    format!(
        "POST {CANCEL_PATH} HTTP/1.1\r\nHost: emulator\r\nContent-Type: application/json\r\nContent-Length: {}\r\n{headers}\r\n{body}",
        body.len()
    )
    .into_bytes()
}

async fn control(addr: &str, path: &str, body: &str) {
    let request = format!(
        "POST {path} HTTP/1.1\r\nHost: emulator\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    );
    let status = Connection::open(addr).await.exchange(request.as_bytes()).await;
    assert_eq!(status, 200, "control {path}");
}

async fn set_up_orders(addr: &str) {
    let order = |invoice: &str| {
        format!(r#"{{"invoice_number":"{invoice}","original_request_id":"create-{invoice}","expires_at":4102444800}}"#)
    };
    control(addr, "/_mock/setup", &format!(r#"{{"orders":[{}]}}"#, order(STATUS_INVOICE))).await;
    for chunk in (0..CANCEL_POOL).collect::<Vec<_>>().chunks(10_000) {
        let orders: Vec<String> = chunk.iter().map(|n| order(&format!("INV-POOL-{n}"))).collect();
        control(addr, "/_mock/setup", &format!(r#"{{"orders":[{}]}}"#, orders.join(","))).await;
    }
}

/// Statuses answered, by code, over one phase.
#[derive(Default)]
struct Tally {
    ok: AtomicU64,
    refused: AtomicU64,
    other: AtomicU64,
}

/// Sends `total` requests over `connections` connections; prints req/s per 5-second round.
async fn phase(
    label: &str,
    emulator: &Emulator,
    total: u64,
    connections: u64,
    request: Arc<dyn Fn(u64) -> Vec<u8> + Send + Sync>,
) -> Vec<f64> {
    let next = Arc::new(AtomicU64::new(0));
    let done = Arc::new(AtomicU64::new(0));
    let tally = Arc::new(Tally::default());
    let started = Instant::now();
    let mut workers = Vec::new();
    for _ in 0..connections {
        let (next, done, tally, request) = (next.clone(), done.clone(), tally.clone(), request.clone());
        let addr = emulator.addr.clone();
        workers.push(tokio::spawn(async move {
            let mut conn = Connection::open(&addr).await;
            loop {
                let n = next.fetch_add(1, Ordering::Relaxed);
                if n >= total {
                    return;
                }
                let counter = match conn.exchange(&request(n)).await {
                    200 => &tally.ok,
                    400 => &tally.refused,
                    _ => &tally.other,
                };
                counter.fetch_add(1, Ordering::Relaxed);
                done.fetch_add(1, Ordering::Relaxed);
            }
        }));
    }
    let mut rounds = Vec::new();
    let mut last = 0;
    let mut round_start = Instant::now();
    while done.load(Ordering::Relaxed) < total {
        tokio::time::sleep(Duration::from_millis(50)).await;
        let elapsed = round_start.elapsed();
        let now = done.load(Ordering::Relaxed);
        if elapsed >= ROUND || now >= total {
            let rate = (now - last) as f64 / elapsed.as_secs_f64();
            let (rss, _) = emulator.memory_mib();
            println!(
                "{label}: round {:>2}: {rate:>9.0} req/s  ({now} done, emulator RSS {rss:.1} MiB)",
                rounds.len() + 1
            );
            rounds.push(rate);
            last = now;
            round_start = Instant::now();
        }
    }
    for w in workers {
        w.await.expect("worker");
    }
    let seconds = started.elapsed().as_secs_f64();
    println!(
        "{label}: {total} requests in {seconds:.1} s = {:.0} req/s; answers 200: {}, 400: {}, other: {}",
        total as f64 / seconds,
        tally.ok.load(Ordering::Relaxed),
        tally.refused.load(Ordering::Relaxed),
        tally.other.load(Ordering::Relaxed),
    );
    assert_eq!(tally.other.load(Ordering::Relaxed), 0, "{label}: unexpected answers");
    rounds
}

/// `wrk -t2 -c32 -d5s` four times in a row on the pre-signed status GET; `None` without wrk.
fn wrk_rounds(emulator: &Emulator, secret: &SecretKey) -> Option<Vec<f64>> {
    let signed = signed_headers(secret, "wrk-status", STATUS_PATH, None);
    let mut args = vec!["-t2".to_owned(), "-c32".to_owned(), "-d5s".to_owned()];
    for line in signed.lines() {
        args.extend(["-H".to_owned(), line.to_owned()]);
    }
    args.push(format!("http://{}{STATUS_PATH}", emulator.addr));
    let mut rounds = Vec::new();
    for round in 1..=4 {
        let output = Command::new("wrk").args(&args).output().ok()?;
        let text = String::from_utf8_lossy(&output.stdout);
        assert!(!text.contains("Non-2xx"), "wrk saw refusals:\n{text}");
        let rate: f64 = text
            .lines()
            .find_map(|l| l.strip_prefix("Requests/sec:"))
            .and_then(|v| v.trim().parse().ok())
            .unwrap_or_else(|| panic!("no Requests/sec in wrk output:\n{text}"));
        let (rss, _) = emulator.memory_mib();
        println!("wrk status GET: round {round}: {rate:>9.0} req/s  (emulator RSS {rss:.1} MiB)");
        rounds.push(rate);
    }
    Some(rounds)
}

fn summary(label: &str, rounds: &[f64]) {
    let (Some(first), Some(last)) = (rounds.first(), rounds.last()) else { return };
    let min = rounds.iter().copied().fold(f64::INFINITY, f64::min);
    println!(
        "{label}: first round {first:.0}, last round {last:.0} ({:+.1}%), slowest round {min:.0} req/s",
        (last / first - 1.0) * 100.0
    );
}

fn main() {
    let total = env_number("LOAD_REQUESTS", 1_000_000);
    let connections = env_number("LOAD_CONNECTIONS", 32);
    let emulator = Emulator::start();
    let secret = SecretKey::new(SECRET).expect("secret");
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("runtime");
    runtime.block_on(set_up_orders(&emulator.addr));
    println!("emulator at {} with {} orders; RSS {:.1} MiB", emulator.addr, CANCEL_POOL + 1, emulator.memory_mib().0);

    let wrk = wrk_rounds(&emulator, &secret);
    if wrk.is_none() {
        println!("wrk status GET: skipped (wrk is not on the PATH)");
    }
    let status = status_request(&secret);
    let status_rounds =
        runtime.block_on(phase("status GET", &emulator, total, connections, Arc::new(move |_| status.clone())));
    let cancel_secret = secret.clone();
    let cancel_rounds = runtime.block_on(phase(
        "cancel POST",
        &emulator,
        total,
        connections,
        Arc::new(move |n| cancel_request(&cancel_secret, n)),
    ));

    println!();
    if let Some(rounds) = &wrk {
        summary("wrk status GET (4 x 5 s)", rounds);
    }
    summary("status GET", &status_rounds);
    summary("cancel POST", &cancel_rounds);
    let (rss, peak) = emulator.memory_mib();
    println!("emulator RSS after {} requests: {rss:.1} MiB (peak {peak:.1} MiB)", 2 * total);
}
