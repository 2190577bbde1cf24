//! `cancel-batch` and `reconcile` on real stores against the emulator process: several worker
//! processes on one batch (SQLite: two on one machine; PostgreSQL: four), with injected faults,
//! killed with SIGKILL at random moments and restarted. PostgreSQL is the one `make test` starts
//! (`tools/postgres/run.sh` sets DOKU_TEST_POSTGRES_URL).

use std::collections::{HashMap, HashSet};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use serde_json::{Value, json};

mod support;

use support::{BIN, Controls, Dir, Emulator, orders_csv};

const SECRET: &str = "SK-STORES-0123";
const CLIENT_ID: &str = "MCH-STORES";

fn postgres_url() -> String {
    std::env::var("DOKU_TEST_POSTGRES_URL").unwrap_or_else(|_| {
        panic!("DOKU_TEST_POSTGRES_URL is not set: run `make test`, or `tools/postgres/run.sh cargo test ...`, which start PostgreSQL")
    })
}

/// A name no earlier run used (the PostgreSQL store outlives a test process within `make test`).
fn unique(tag: &str) -> String {
    let nanos = SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_nanos());
    format!("{tag}-{}-{}", std::process::id(), nanos % 1_000_000_000)
}

/// A small xorshift generator: the test's random moments, reproducible from the printed seed.
struct Rng(u64);

impl Rng {
    fn seeded() -> Self {
        let seed = SystemTime::now().duration_since(UNIX_EPOCH).map_or(1, |d| d.as_nanos() as u64) | 1;
        eprintln!("chaos seed {seed}");
        Self(seed)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 % n
    }
}

fn command(emu: &Emulator, args: &[&str]) -> Command {
    let mut c = Command::new(BIN);
    c.args(args).args(["--base-url", &emu.url]).env("DOKU_SECRET_KEY", SECRET).env("DOKU_CLIENT_ID", CLIENT_ID);
    c
}

fn worker(emu: &Emulator, dir: &Dir, store: &str, batch: &str, rate: &str) -> Child {
    let input = dir.path("orders.csv");
    command(
        emu,
        &[
            "cancel-batch",
            "--input",
            input.to_str().expect("path"),
            "--store",
            store,
            "--batch-id",
            batch,
            "--lease-seconds",
            "4",
            "--timeout",
            "0.5",
            "--max-retries",
            "0",
            "--concurrency",
            "4",
            "--rate",
            rate,
        ],
    )
    .stdout(Stdio::null())
    .stderr(Stdio::null())
    .spawn()
    .expect("spawn a worker")
}

/// Several hundred orders, `workers` processes, random SIGKILLs and restarts; then the checks
/// the issue names, from the emulator's own log.
fn chaos(store: &str, workers: usize, orders: usize, tag: &str) {
    let emu = Emulator::start(CLIENT_ID, SECRET);
    let dir = Dir::new(tag);
    let invoices: Vec<String> = (0..orders).map(|i| format!("INV-{tag}-{i:04}")).collect();
    // Refusals to retry (503), answers lost after DOKU acted (reset, too slow): each leaves a
    // row whose outcome is unknown, resent later under the same Request-Id.
    let faults = json!([
        { "kind": "status", "status": 503, "count": 25 },
        { "kind": "reset_after", "count": 15 },
        { "kind": "delay_after", "ms": 900, "count": 8 },
        { "kind": "reset_before", "count": 10 },
        { "kind": "status", "status": 503, "count": 25 },
    ]);
    emu.add_orders(&invoices, faults);
    std::fs::write(dir.path("orders.csv"), orders_csv(&invoices)).expect("orders");
    let batch = unique(tag);
    let rate = (150 / workers).to_string();
    let mut running: Vec<Child> = (0..workers).map(|_| worker(&emu, &dir, store, &batch, &rate)).collect();
    let mut rng = Rng::seeded();
    let (started, mut kills) = (Instant::now(), 0);
    loop {
        assert!(started.elapsed() < Duration::from_secs(240), "the workers did not finish in 4 minutes");
        std::thread::sleep(Duration::from_millis(150 + rng.below(500)));
        let mut all_done = true;
        for slot in &mut running {
            match slot.try_wait().expect("wait") {
                Some(status) if status.success() => {}
                // Rows that failed during its run are left to a rerun: restart it.
                Some(_) => {
                    *slot = worker(&emu, &dir, store, &batch, &rate);
                    all_done = false;
                }
                None => all_done = false,
            }
        }
        if all_done {
            break;
        }
        if kills < 8 {
            let victim = usize::try_from(rng.below(workers as u64)).expect("index");
            if running[victim].try_wait().expect("wait").is_none() {
                running[victim].kill().expect("SIGKILL");
                running[victim].wait().expect("reaped");
                kills += 1;
                running[victim] = worker(&emu, &dir, store, &batch, &rate);
            }
        }
    }
    assert!(kills > 0, "no worker was killed mid-run: the test proved nothing");
    let sent_before = emu.cancels().len();
    // A final run finds nothing left: it exits 0 and sends nothing.
    let last = worker(&emu, &dir, store, &batch, &rate).wait_with_output().expect("final run");
    assert!(last.status.success(), "the final run exited {:?}", last.status.code());
    let cancels = emu.cancels();
    assert_eq!(cancels.len(), sent_before, "the final run sent cancels");
    let mut ids: HashMap<&str, HashSet<&str>> = HashMap::new();
    for (invoice, request_id, _) in &cancels {
        ids.entry(invoice.as_str()).or_default().insert(request_id.as_str());
    }
    for invoice in &invoices {
        let sent = ids.get(invoice.as_str()).map_or(0, HashSet::len);
        assert_eq!(sent, 1, "{invoice} was sent under {sent} Request-Ids");
        let order = emu.control("GET", &format!("/_mock/orders/{invoice}"), &Value::Null);
        assert_eq!(order["state"], "CANCELLED", "{invoice}: {order}");
    }
    let changed: usize = cancels.iter().filter(|c| c.2).count();
    assert_eq!(changed, invoices.len(), "each order cancelled exactly once");
    eprintln!(
        "{tag}: {} orders, {workers} workers, {kills} SIGKILLs, {} cancel requests, {:.1} s",
        invoices.len(),
        cancels.len(),
        started.elapsed().as_secs_f64()
    );
}

#[test]
fn four_workers_on_one_postgres_batch_survive_faults_and_sigkills() {
    chaos(&postgres_url(), 4, 400, "pg-chaos");
}

#[test]
fn two_workers_on_one_sqlite_batch_survive_faults_and_sigkills() {
    let dir = Dir::new("sqlite-store");
    let store = format!("sqlite:{}", dir.path("batch.sqlite").display());
    chaos(&store, 2, 250, "sqlite-chaos");
}

fn run(emu: &Emulator, args: &[&str]) -> std::process::Output {
    command(emu, args).output().expect("run")
}

fn report(path: &std::path::Path) -> Vec<HashMap<String, String>> {
    let text = std::fs::read_to_string(path).expect("report");
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next().expect("header").split(',').collect();
    lines.map(|l| header.iter().map(|h| h.to_string()).zip(l.split(',').map(str::to_owned)).collect()).collect()
}

fn reconcile_states(store: &str, tag: &str) {
    let emu = Emulator::start(CLIENT_ID, SECRET);
    let dir = Dir::new(tag);
    let inv = |s: &str| format!("INV-{}-{s}", unique(tag));
    let (paid, expired, cancelled, pending) = (inv("paid"), inv("expired"), inv("cancelled"), inv("pending"));
    emu.add_orders(&[paid.clone(), expired.clone(), cancelled.clone(), pending.clone()], json!([]));
    emu.control("POST", &format!("/_mock/orders/{paid}/pay"), &Value::Null);
    emu.control("POST", &format!("/_mock/orders/{expired}/expire"), &Value::Null);
    emu.control("POST", &format!("/_mock/orders/{cancelled}/cancel"), &Value::Null);
    let input = dir.path("invoices.csv");
    std::fs::write(&input, format!("invoice_number\n{paid}\n{expired}\n{cancelled}\n{pending}\nINV-{tag}-nope\n"))
        .expect("input");
    let out_path = dir.path("report.csv");
    let args = |extra: &[&'static str]| -> Vec<String> {
        let mut a: Vec<String> = ["reconcile", "--input", input.to_str().expect("p"), "--store", store, "--report"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        a.push(out_path.to_str().expect("p").to_owned());
        a.extend(extra.iter().map(|s| s.to_string()));
        a
    };
    let first_args = args(&[]);
    let out = run(&emu, &first_args.iter().map(String::as_str).collect::<Vec<_>>());
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let rows = report(&out_path);
    let state = |rows: &[HashMap<String, String>], i: &str| {
        rows.iter().find(|r| r["invoice_number"] == i).map(|r| (r["state"].clone(), r["changed"].clone())).expect(i)
    };
    assert_eq!(state(&rows, &paid), ("PAID".into(), "true".into()));
    assert_eq!(state(&rows, &expired), ("EXPIRED".into(), "true".into()));
    assert_eq!(state(&rows, &cancelled), ("CANCELLED".into(), "true".into()));
    assert_eq!(state(&rows, &pending), ("PENDING".into(), "true".into()));
    let nope = rows.iter().find(|r| r["invoice_number"].ends_with("-nope")).expect("unknown invoice");
    assert_eq!((nope["state"].as_str(), nope["error"].as_str()), ("", "order_not_found"));
    let original =
        rows.iter().find(|r| r["invoice_number"] == pending).expect("pending")["original_request_id"].clone();
    assert_eq!(original, format!("create-{pending}"));
    let asked = emu.control("GET", "/_mock/log", &Value::Null).as_array().expect("log").len();

    // A rerun at once is cheap: nothing is asked again, nothing changes.
    let out = run(&emu, &first_args.iter().map(String::as_str).collect::<Vec<_>>());
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(
        emu.control("GET", "/_mock/log", &Value::Null).as_array().expect("log").len(),
        asked + 1,
        "only the unknown invoice is asked again"
    );
    assert!(report(&out_path).iter().all(|r| r["changed"] == "false"));

    // Answers out of order: a second DOKU (a stale replica) says the paid order is pending and
    // the cancelled one paid. The paid order stays PAID; the cancelled one is an anomaly, kept.
    let stale = Emulator::start(CLIENT_ID, SECRET);
    stale.add_orders(&[paid.clone(), cancelled.clone(), pending.clone()], json!([]));
    stale.control("POST", &format!("/_mock/orders/{cancelled}/pay"), &Value::Null);
    stale.control("POST", &format!("/_mock/orders/{pending}/pay"), &Value::Null);
    let late_args = args(&["--min-interval", "0", "--recheck-final"]);
    let out = run(&stale, &late_args.iter().map(String::as_str).collect::<Vec<_>>());
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let rows = report(&out_path);
    assert_eq!(state(&rows, &paid), ("PAID".into(), "false".into()), "never backwards");
    let odd = rows.iter().find(|r| r["invoice_number"] == cancelled).expect("cancelled");
    assert_eq!((odd["state"].as_str(), odd["anomaly"].as_str()), ("CANCELLED", "CANCELLED->PAID"));
    // Just paid: moved forward, and within DOKU's 60 s after a payment it is not asked again.
    assert_eq!(state(&rows, &pending), ("PAID".into(), "true".into()));
    let before = stale.control("GET", "/_mock/log", &Value::Null).as_array().expect("log").len();
    let out = run(&stale, &args(&["--min-interval", "0"]).iter().map(String::as_str).collect::<Vec<_>>());
    assert_eq!(out.status.code(), Some(0));
    let asked_now: Vec<String> = stale.control("GET", "/_mock/log", &Value::Null).as_array().expect("log")[before..]
        .iter()
        .map(|e| e["path"].as_str().expect("path").to_owned())
        .collect();
    assert!(!asked_now.iter().any(|p| p.ends_with(&pending) || p.ends_with(&paid)), "{asked_now:?}");
}

#[test]
fn reconcile_reports_each_state_and_never_moves_one_backwards_on_sqlite() {
    let dir = Dir::new("reconcile-sqlite-store");
    reconcile_states(&format!("sqlite:{}", dir.path("orders.sqlite").display()), "rec-sqlite");
}

#[test]
fn reconcile_reports_each_state_and_never_moves_one_backwards_on_postgres() {
    reconcile_states(&postgres_url(), "rec-pg");
}

#[test]
fn a_changed_file_a_short_lease_and_a_bad_store_are_refused_before_anything_is_sent() {
    let emu = Emulator::start(CLIENT_ID, SECRET);
    let dir = Dir::new("store-refusals");
    let invoices = vec!["INV-R-1".to_owned()];
    emu.add_orders(&invoices, json!([]));
    let input = dir.path("orders.csv");
    let store = format!("sqlite:{}", dir.path("b.sqlite").display());
    let batch = |extra: &[&str]| {
        let mut a = vec!["cancel-batch", "--input", input.to_str().expect("p"), "--store", store.as_str()];
        a.extend_from_slice(extra);
        run(&emu, &a)
    };
    std::fs::write(&input, orders_csv(&invoices)).expect("orders");
    let out = batch(&["--lease-seconds", "10"]);
    assert_eq!(out.status.code(), Some(2), "a 10 s lease is shorter than two 30 s-timeout calls");
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("--lease-seconds must exceed"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(batch(&["--timeout", "1", "--lease-seconds", "30"]).status.code(), Some(0));
    assert_eq!(emu.cancels().len(), 1);
    // The same batch with another note: its Request-Id was chosen for the first body.
    std::fs::write(&input, orders_csv(&invoices).replace("Stale order, unpaid", "another note")).expect("orders");
    let out = batch(&["--timeout", "1", "--lease-seconds", "30"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("a changed file needs a new --batch-id"));
    assert_eq!(emu.cancels().len(), 1, "nothing sent");
    // A bad --store is a usage error (2); a store that cannot be reached is a failure a rerun
    // may cure (1). Neither echoes the password.
    let input_arg = input.to_str().expect("p");
    for (store, code) in [
        ("mysql://x", 2),
        ("sqlite:", 2),
        ("postgres://nobody:hunter2@127.0.0.1:1/db", 1),
        ("postgres://nobody:hunt/er2@127.0.0.1:1/db", 1),
    ] {
        let args = ["cancel-batch", "--input", input_arg, "--store", store, "--timeout", "1", "--lease-seconds", "30"];
        let out = run(&emu, &args);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(code), "{store}: {stderr}");
        assert!(!stderr.contains("hunter2") && !stderr.contains("er2@"), "the password is echoed: {stderr}");
    }
    assert_eq!(emu.cancels().len(), 1, "nothing sent");
}

#[test]
fn rows_without_their_checkouts_request_id_are_cancelled_by_invoice() {
    let emu = Emulator::start(CLIENT_ID, SECRET);
    let dir = Dir::new("by-invoice-rows");
    let [pending, paid, cancelled] = ["INV-BI-PENDING", "INV-BI-PAID", "INV-BI-CANCELLED"].map(str::to_owned);
    emu.add_orders(&[pending.clone(), paid.clone(), cancelled.clone()], json!([]));
    emu.control("POST", &format!("/_mock/orders/{paid}/pay"), &Value::Null);
    emu.control("POST", &format!("/_mock/orders/{cancelled}/cancel"), &Value::Null);
    let input = dir.path("orders.csv");
    // The 183-invoices case: the checkouts' Request-Ids were thrown away.
    std::fs::write(
        &input,
        format!("invoice_number,original_request_id,note\n{pending},,stale\n{paid},,stale\n{cancelled},,stale\nINV-BI-NONE,,stale\n"),
    )
    .expect("orders");
    let (store, report_path) = (format!("sqlite:{}", dir.path("b.sqlite").display()), dir.path("report.csv"));
    let args = [
        "cancel-batch",
        "--input",
        input.to_str().expect("p"),
        "--store",
        &store,
        "--report",
        report_path.to_str().expect("p"),
        "--timeout",
        "2",
        "--lease-seconds",
        "60",
    ];
    let out = run(&emu, &args);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let rows = report(&report_path);
    let outcome = |i: &str| rows.iter().find(|r| r["invoice_number"] == i).expect(i)["outcome"].clone();
    assert_eq!(outcome(&pending), "cancelled");
    assert_eq!(outcome(&paid), "not_cancellable");
    assert_eq!(outcome(&cancelled), "already_cancelled");
    assert_eq!(outcome("INV-BI-NONE"), "not_found");
    let cancels = emu.cancels();
    let mut sent: Vec<&str> = cancels.iter().map(|c| c.0.as_str()).collect();
    sent.sort_unstable();
    // The paid order and the unknown one: refused from the status answer, nothing sent.
    assert_eq!(sent, [cancelled.as_str(), pending.as_str()], "{cancels:?}");
    let log = emu.control("GET", "/_mock/log", &Value::Null);
    let mut quoted: Vec<String> = log
        .as_array()
        .expect("log")
        .iter()
        .filter(|e| e["path"] == "/checkout/v3/cancellations")
        .map(|e| {
            let body: Value = serde_json::from_str(e["body"].as_str().expect("body")).expect("json");
            body["payment"]["original_request_id"].as_str().expect("quoted").to_owned()
        })
        .collect();
    quoted.sort_unstable();
    assert_eq!(quoted, [format!("create-{cancelled}"), format!("create-{pending}")]);
    // A rerun finds everything settled.
    let out = run(&emu, &args);
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(emu.cancels().len(), 2);
}

#[test]
fn a_postgres_server_that_does_not_verify_is_refused_and_nothing_is_sent() {
    // Without PGSSLROOTCERT the test cluster's throwaway CA is unknown: TLS (required, or
    // offered by the server) must fail verification, never fall back to trusting it.
    let url = postgres_url();
    let emu = Emulator::start(CLIENT_ID, SECRET);
    let dir = Dir::new("tls-refused");
    emu.add_orders(&["INV-TLS-1".to_owned()], json!([]));
    let input = dir.path("orders.csv");
    std::fs::write(&input, orders_csv(&["INV-TLS-1".to_owned()])).expect("orders");
    for store in [format!("{url}?sslmode=require"), url.clone()] {
        let out = command(
            &emu,
            &[
                "cancel-batch",
                "--input",
                input.to_str().expect("p"),
                "--store",
                &store,
                "--timeout",
                "1",
                "--lease-seconds",
                "30",
            ],
        )
        .env_remove("PGSSLROOTCERT")
        .output()
        .expect("run");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{store}: {stderr}");
        assert!(
            stderr.contains("certificate") || stderr.contains("Certificate") || stderr.contains("UnknownIssuer"),
            "{stderr}"
        );
    }
    assert!(emu.cancels().is_empty(), "nothing sent");
    // sslmode=disable is the operator's explicit choice: plain, and it works.
    let plain = format!("{url}?sslmode=disable");
    let out = command(
        &emu,
        &[
            "cancel-batch",
            "--input",
            input.to_str().expect("p"),
            "--store",
            &plain,
            "--batch-id",
            &unique("tls-plain"),
            "--timeout",
            "1",
            "--lease-seconds",
            "30",
        ],
    )
    .env_remove("PGSSLROOTCERT")
    .output()
    .expect("run");
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
}
