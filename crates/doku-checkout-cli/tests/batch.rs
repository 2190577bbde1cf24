//! `doku-checkout cancel-batch` as a process against the emulator process, killed and resumed.

use std::collections::{HashMap, HashSet};
use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

const SECRET: &str = "SK-BATCH-0123";
const CLIENT_ID: &str = "MCH-BATCH";

mod support;

use support::{BIN, Controls, Dir, Emulator, orders_csv};

fn batch_command(emu: &Emulator, dir: &Dir, extra: &[&str]) -> Command {
    batch_command_on(emu, dir, &dir.path("run.jsonl"), extra)
}

fn batch_command_on(emu: &Emulator, dir: &Dir, journal: &Path, extra: &[&str]) -> Command {
    let mut command = Command::new(BIN);
    command
        .args(["cancel-batch", "--base-url", &emu.url, "--client-id", CLIENT_ID])
        .args(["--input", path_str(&dir.path("orders.csv")), "--journal", path_str(journal)])
        .args(["--report", path_str(&dir.path("report.csv"))])
        .args(extra)
        .env("DOKU_SECRET_KEY", SECRET)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    command
}

fn path_str(p: &Path) -> &str {
    p.to_str().expect("utf8 path")
}

fn run_batch(emu: &Emulator, dir: &Dir, extra: &[&str]) -> Output {
    batch_command(emu, dir, extra).output().expect("run")
}

fn journal(dir: &Dir) -> Vec<Value> {
    std::fs::read_to_string(dir.path("run.jsonl"))
        .unwrap_or_default()
        .lines()
        .filter_map(|l| serde_json::from_str(l).ok())
        .collect()
}

/// Waits (20 s at most) until the journal holds `n` entries of `event`.
fn wait_for_journal(dir: &Dir, event: &str, n: usize) {
    let deadline = Instant::now() + Duration::from_secs(20);
    while journal(dir).iter().filter(|e| e["event"] == event).count() < n {
        assert!(Instant::now() < deadline, "the batch never journaled {n} {event} entries");
        std::thread::sleep(Duration::from_millis(10));
    }
}

fn report(dir: &Dir) -> Vec<Vec<String>> {
    std::fs::read_to_string(dir.path("report.csv"))
        .expect("report")
        .lines()
        .skip(1)
        .map(|l| l.split(',').map(str::to_owned).collect())
        .collect()
}

#[test]
fn a_batch_killed_with_sigkill_and_resumed_cancels_each_order_once_with_one_request_id() {
    let emu = Emulator::start(CLIENT_ID, SECRET);
    let dir = Dir::new("kill");
    let invoices: Vec<String> = (0..40).map(|i| format!("INV-KILL-{i:02}")).collect();
    // The first 8 cancels are processed at once but answered only after 400 ms (so some are
    // done at DOKU when the batch dies); the rest take 60 ms each.
    emu.add_orders(
        &invoices,
        json!([{ "kind": "delay_after", "ms": 400, "count": 8 }, { "kind": "delay", "ms": 60, "count": 60 }]),
    );
    std::fs::write(dir.path("orders.csv"), orders_csv(&invoices)).expect("csv");

    let mut first = batch_command(&emu, &dir, &["--concurrency", "4"]).spawn().expect("spawn");
    wait_for_journal(&dir, "assigned", 4);
    std::thread::sleep(Duration::from_millis(100));
    first.kill().expect("SIGKILL");
    let _ = first.wait();
    let after_kill = journal(&dir);
    let outcomes = after_kill.iter().filter(|e| e["event"] == "outcome").count();
    assert!(outcomes < invoices.len(), "killed mid-run: {outcomes} outcomes");
    let processed_unanswered = emu
        .cancels()
        .iter()
        .filter(|(inv, _, changed)| {
            *changed && !after_kill.iter().any(|e| e["event"] == "outcome" && e["invoice_number"] == inv.as_str())
        })
        .count();
    assert!(processed_unanswered > 0, "some orders were cancelled at DOKU but not yet journaled");

    let resumed = run_batch(&emu, &dir, &["--concurrency", "4"]);
    assert_eq!(resumed.status.code(), Some(0), "{}", String::from_utf8_lossy(&resumed.stderr));

    // The journal: one Request-Id per invoice, every invoice settled.
    let entries = journal(&dir);
    let mut ids: HashMap<String, HashSet<String>> = HashMap::new();
    for e in entries.iter().filter(|e| e["event"] == "assigned") {
        ids.entry(e["invoice_number"].as_str().expect("inv").to_owned())
            .or_default()
            .insert(e["request_id"].as_str().expect("rid").to_owned());
    }
    assert_eq!(ids.len(), invoices.len());
    assert!(ids.values().all(|set| set.len() == 1), "one Request-Id per invoice: {ids:?}");
    // DOKU's side: each order cancelled exactly once, only ever with its journaled Request-Id.
    let cancels = emu.cancels();
    for invoice in &invoices {
        let mine: Vec<&(String, String, bool)> = cancels.iter().filter(|(i, _, _)| i == invoice).collect();
        assert_eq!(mine.iter().filter(|(_, _, changed)| *changed).count(), 1, "{invoice} cancelled once");
        assert!(mine.iter().all(|(_, rid, _)| ids[invoice].contains(rid)), "{invoice}: {mine:?}");
        let order = emu.control("GET", &format!("/_mock/orders/{invoice}"), &Value::Null);
        assert_eq!(order["state"], "CANCELLED", "{invoice}");
    }
    let rows = report(&dir);
    assert_eq!(rows.len(), invoices.len());
    assert!(rows.iter().all(|r| r[1] == "cancelled"), "{rows:?}");
    assert!(rows.iter().any(|r| r[4] == "true"), "the resent ones were DOKU's replays");
    // A third run sends nothing: everything is settled.
    let before = emu.cancels().len();
    assert_eq!(run_batch(&emu, &dir, &[]).status.code(), Some(0));
    assert_eq!(emu.cancels().len(), before);
}

#[test]
fn a_readable_last_line_without_its_newline_is_kept_and_its_request_id_used() {
    let emu = Emulator::start(CLIENT_ID, SECRET);
    let dir = Dir::new("unterminated");
    let invoices: Vec<String> = (1..=2).map(|i| format!("INV-UT-{i}")).collect();
    emu.add_orders(&invoices, json!([]));
    std::fs::write(dir.path("orders.csv"), orders_csv(&invoices)).expect("csv");
    // A run died after writing the entry but before its newline.
    let line = json!({
        "event": "assigned", "invoice_number": "INV-UT-1", "request_id": "rid-kept-1",
        "original_request_id": "create-INV-UT-1", "note": "Stale order, unpaid",
    });
    std::fs::write(dir.path("run.jsonl"), line.to_string()).expect("journal");
    let out = run_batch(&emu, &dir, &[]);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let sent: Vec<String> = emu.cancels().into_iter().filter(|(i, _, _)| i == "INV-UT-1").map(|(_, r, _)| r).collect();
    assert_eq!(sent, ["rid-kept-1"]);
    let text = std::fs::read_to_string(dir.path("run.jsonl")).expect("journal");
    assert!(text.starts_with(&format!("{line}\n")), "the entry is kept on a line of its own: {text}");
    let entries = journal(&dir);
    let assigned: Vec<&Value> =
        entries.iter().filter(|e| e["event"] == "assigned" && e["invoice_number"] == "INV-UT-1").collect();
    assert_eq!(assigned.len(), 1, "{entries:?}");
    assert!(report(&dir).iter().all(|r| r[1] == "cancelled"), "{:?}", report(&dir));
}

#[test]
fn outcomes_invalid_rows_dry_run_and_exit_codes() {
    let emu = Emulator::start(CLIENT_ID, SECRET);
    let dir = Dir::new("outcomes");
    let invoices: Vec<String> = ["INV-OK", "INV-PAID", "INV-GONE-BEFORE"].iter().map(|s| (*s).to_owned()).collect();
    emu.add_orders(&invoices, json!([]));
    emu.control("POST", "/_mock/orders/INV-PAID/pay", &Value::Null);
    emu.control("POST", "/_mock/orders/INV-GONE-BEFORE/cancel", &Value::Null);
    let mut csv = orders_csv(&invoices);
    csv.push_str("INV-UNKNOWN,create-INV-UNKNOWN,x\n");
    std::fs::write(dir.path("orders.csv"), &csv).expect("csv");

    let dry = run_batch(&emu, &dir, &["--dry-run"]);
    assert_eq!(dry.status.code(), Some(0), "{}", String::from_utf8_lossy(&dry.stderr));
    let shown = String::from_utf8_lossy(&dry.stdout);
    assert!(
        shown.contains("line 2: would cancel INV-OK with a new Request-Id")
            && shown.ends_with("dry run: 4 to send, 0 settled, 0 invalid; nothing was sent\n"),
        "{shown}"
    );
    assert!(emu.cancels().is_empty() && !dir.path("run.jsonl").exists(), "a dry run sends and writes nothing");

    // DOKU is down for the first attempts: those rows end in `error`, exit 1.
    emu.control("POST", "/_mock/faults", &json!({ "kind": "status", "status": 503, "count": 6 }));
    let out = run_batch(&emu, &dir, &["--concurrency", "1", "--max-retries", "0"]);
    assert_eq!(out.status.code(), Some(1), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(report(&dir).iter().any(|r| r[1] == "error"));
    // Rerun: settled as far as DOKU allows, exit 0.
    let out = run_batch(&emu, &dir, &["--concurrency", "2", "--rate", "50"]);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let outcomes: HashMap<String, String> = report(&dir).into_iter().map(|r| (r[0].clone(), r[1].clone())).collect();
    assert_eq!(outcomes["INV-OK"], "cancelled");
    assert_eq!(outcomes["INV-PAID"], "not_cancellable");
    assert_eq!(outcomes["INV-GONE-BEFORE"], "already_cancelled");
    assert_eq!(outcomes["INV-UNKNOWN"], "not_found");

    // A row that cannot be sent: reported invalid, nothing sent for it, exit 2.
    std::fs::write(dir.path("orders.csv"), format!("{csv}INV-NO-NOTE,create-x,\n")).expect("csv");
    let before = emu.cancels().len();
    let out = run_batch(&emu, &dir, &[]);
    assert_eq!(out.status.code(), Some(2), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(emu.cancels().len(), before);
    assert!(report(&dir).iter().any(|r| r[0] == "INV-NO-NOTE" && r[1] == "invalid"));
    // A file without the columns, or a bad setting: exit 2 before anything is sent.
    std::fs::write(dir.path("orders.csv"), "invoice,note\nx,y\n").expect("csv");
    assert_eq!(run_batch(&emu, &dir, &[]).status.code(), Some(2));
    std::fs::write(dir.path("orders.csv"), &csv).expect("csv");
    assert_eq!(run_batch(&emu, &dir, &["--concurrency", "0"]).status.code(), Some(2));
    assert_eq!(run_batch(&emu, &dir, &["--rate", "-1"]).status.code(), Some(2));
}

#[test]
fn ctrl_c_stops_sending_flushes_the_journal_and_a_rerun_finishes() {
    let emu = Emulator::start(CLIENT_ID, SECRET);
    let dir = Dir::new("interrupt");
    let invoices: Vec<String> = (0..30).map(|i| format!("INV-INT-{i:02}")).collect();
    emu.add_orders(&invoices, json!([{ "kind": "delay", "ms": 100, "count": 30 }]));
    std::fs::write(dir.path("orders.csv"), orders_csv(&invoices)).expect("csv");

    let run = batch_command(&emu, &dir, &["--concurrency", "2"]).spawn().expect("spawn");
    wait_for_journal(&dir, "outcome", 3);
    let sent = Command::new("kill").args(["-INT", &run.id().to_string()]).status().expect("kill");
    assert!(sent.success());
    let out = run.wait_with_output().expect("wait");
    assert_eq!(out.status.code(), Some(1), "rows left to send: {}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stderr).contains("interrupted: sending stopped, journal flushed"));
    let entries = journal(&dir);
    let assigned = entries.iter().filter(|e| e["event"] == "assigned").count();
    let outcomes = entries.iter().filter(|e| e["event"] == "outcome").count();
    assert!(assigned < invoices.len(), "sending stopped early: {assigned} assigned");
    assert_eq!(outcomes, assigned, "the calls in flight finished and were journaled");

    let rerun = run_batch(&emu, &dir, &["--concurrency", "2"]);
    assert_eq!(rerun.status.code(), Some(0), "{}", String::from_utf8_lossy(&rerun.stderr));
    assert!(report(&dir).iter().all(|r| r[1] == "cancelled"));
    assert_eq!(emu.cancels().iter().filter(|(_, _, changed)| *changed).count(), invoices.len());
}

#[test]
fn an_overlapping_second_run_refuses_at_once_and_no_invoice_gets_two_request_ids() {
    let emu = Emulator::start(CLIENT_ID, SECRET);
    let dir = Dir::new("overlap");
    let invoices: Vec<String> = (0..40).map(|i| format!("INV-OVL-{i:02}")).collect();
    emu.add_orders(&invoices, json!([{ "kind": "delay", "ms": 40, "count": 40 }]));
    std::fs::write(dir.path("orders.csv"), orders_csv(&invoices)).expect("csv");

    let first = batch_command(&emu, &dir, &["--concurrency", "2"]).spawn().expect("spawn");
    wait_for_journal(&dir, "assigned", 2);
    // A cron overlap: the same command again while the first is mid-run.
    let started = Instant::now();
    let second = run_batch(&emu, &dir, &["--concurrency", "4"]);
    let stderr = String::from_utf8_lossy(&second.stderr);
    assert_eq!(second.status.code(), Some(2), "{stderr}");
    assert!(started.elapsed() < Duration::from_secs(5), "refused at once, not after waiting");
    assert!(stderr.contains("another cancel-batch is using this journal"), "{stderr}");
    assert!(
        stderr.contains(&format!("process {} (doku-checkout cancel-batch)", first.id())),
        "names the holder: {stderr}"
    );
    let out = first.wait_with_output().expect("first run");
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));

    let mut ids: HashMap<String, HashSet<String>> = HashMap::new();
    for (invoice, request_id, _) in emu.cancels() {
        ids.entry(invoice).or_default().insert(request_id);
    }
    assert_eq!(ids.len(), invoices.len());
    assert!(ids.values().all(|set| set.len() == 1), "one Request-Id per invoice: {ids:?}");
    // Once the first run is over, the lock is free again.
    assert_eq!(run_batch(&emu, &dir, &[]).status.code(), Some(0));
}

#[test]
fn a_journal_that_is_not_a_regular_file_too_large_or_read_only_is_handled() {
    let emu = Emulator::start(CLIENT_ID, SECRET);
    let dir = Dir::new("journal-edges");
    let invoices: Vec<String> = vec!["INV-EDGE-1".into(), "INV-EDGE-2".into()];
    emu.add_orders(&invoices, json!([]));
    std::fs::write(dir.path("orders.csv"), orders_csv(&invoices)).expect("csv");
    let with_journal = |journal: &Path| {
        let started = Instant::now();
        let out = batch_command_on(&emu, &dir, journal, &[]).output().expect("run");
        assert!(started.elapsed() < Duration::from_secs(10), "never blocks");
        out
    };
    // A device, a FIFO (opening it would block), a directory: refused before anything is sent.
    let fifo = dir.path("journal.fifo");
    assert!(Command::new("mkfifo").arg(&fifo).status().expect("mkfifo").success());
    for journal in [Path::new("/dev/zero"), fifo.as_path(), dir.0.as_path()] {
        let out = with_journal(journal);
        assert_eq!(out.status.code(), Some(2), "{}", journal.display());
        assert!(
            String::from_utf8_lossy(&out.stderr).contains("is not a regular file"),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    // Larger than any journal: refused from its size, without reading it.
    let huge = dir.path("huge.jsonl");
    std::fs::File::create(&huge).expect("create").set_len(doku_checkout::batch::MAX_JOURNAL_BYTES + 1).expect("sparse");
    let out = with_journal(&huge);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("is larger than"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(emu.cancels().is_empty(), "nothing was sent");

    // A journal whose last line was cut inside a multi-byte character resumes like any torn one.
    let journal = dir.path("run.jsonl");
    let first = run_batch(&emu, &dir, &[]);
    assert_eq!(first.status.code(), Some(0), "{}", String::from_utf8_lossy(&first.stderr));
    let mut bytes = std::fs::read(&journal).expect("journal");
    bytes.extend_from_slice(
        "{\"event\":\"assigned\",\"invoice_number\":\"INV-EDGE-3\",\"note\":\"dibatalkan \u{e9}".as_bytes(),
    );
    bytes.pop(); // half of 'é'
    std::fs::write(&journal, &bytes).expect("torn");
    // Every row settled and the journal read-only: read, reported, nothing written or sent.
    let mut perms = std::fs::metadata(&journal).expect("meta").permissions();
    perms.set_readonly(true);
    std::fs::set_permissions(&journal, perms).expect("chmod");
    let before = emu.cancels().len();
    let again = run_batch(&emu, &dir, &[]);
    assert_eq!(again.status.code(), Some(0), "{}", String::from_utf8_lossy(&again.stderr));
    assert_eq!(emu.cancels().len(), before);
    assert_eq!(std::fs::read(&journal).expect("journal"), bytes, "a settled run writes nothing");
    assert!(report(&dir).iter().all(|r| r[1] == "cancelled"), "{:?}", report(&dir));
}

#[test]
fn a_lost_refusal_and_an_unreadable_refusal_are_settled_from_the_status_api() {
    let emu = Emulator::start(CLIENT_ID, SECRET);
    let dir = Dir::new("status-settles");
    let invoices: Vec<String> =
        ["INV-LOST-WRONG", "INV-UNREAD-CANCELLED", "INV-PLAIN"].iter().map(|s| (*s).to_owned()).collect();
    // The first cancel quotes an original Request-Id the order does not have: DOKU refuses it
    // (400) and the answer is lost (the connection drops after DOKU acted). The second gets a
    // 400 whose body is a proxy's HTML page.
    emu.add_orders(
        &invoices,
        json!([
            { "kind": "reset_after", "count": 1 },
            { "kind": "status", "status": 400, "body": "<html><body>400 Bad Request</body></html>", "count": 1 }
        ]),
    );
    emu.control(
        "POST",
        "/_mock/orders",
        &json!({ "invoice_number": "INV-LOST-WRONG", "original_request_id": "another-create" }),
    );
    emu.control("POST", "/_mock/orders/INV-UNREAD-CANCELLED/cancel", &Value::Null);
    std::fs::write(dir.path("orders.csv"), orders_csv(&invoices)).expect("csv");

    let first = run_batch(&emu, &dir, &["--concurrency", "1", "--max-retries", "0"]);
    assert_eq!(
        first.status.code(),
        Some(1),
        "the lost answer leaves a row to rerun: {}",
        String::from_utf8_lossy(&first.stderr)
    );
    let rows: HashMap<String, Vec<String>> = report(&dir).into_iter().map(|r| (r[0].clone(), r)).collect();
    assert_eq!(rows["INV-LOST-WRONG"][1], "error");
    assert_eq!(
        rows["INV-UNREAD-CANCELLED"][1], "cancelled",
        "not settled as invalid by a guess: {:?}",
        rows["INV-UNREAD-CANCELLED"]
    );
    assert!(
        rows["INV-UNREAD-CANCELLED"][5].contains("status API says CANCELLED"),
        "{:?}",
        rows["INV-UNREAD-CANCELLED"]
    );
    assert_eq!(rows["INV-PLAIN"][1], "cancelled");

    // The rerun resends the journaled Request-Id: DOKU replays its refusal as a 409 the client
    // cannot read as an outcome (duplicate_request); before, the row stayed `error` forever.
    // The status API settles it: still PENDING, so DOKU refused this cancel.
    let rerun = run_batch(&emu, &dir, &["--concurrency", "1"]);
    assert_eq!(rerun.status.code(), Some(0), "{}", String::from_utf8_lossy(&rerun.stderr));
    let rows: HashMap<String, Vec<String>> = report(&dir).into_iter().map(|r| (r[0].clone(), r)).collect();
    assert_eq!(rows["INV-LOST-WRONG"][1], "invalid", "{:?}", rows["INV-LOST-WRONG"]);
    assert!(rows["INV-LOST-WRONG"][5].contains("duplicate_request (HTTP 409)"), "{:?}", rows["INV-LOST-WRONG"]);
    assert!(rows["INV-LOST-WRONG"][5].contains("status API says PENDING"), "{:?}", rows["INV-LOST-WRONG"]);
    let cancels: Vec<(String, String, bool)> =
        emu.cancels().into_iter().filter(|(i, _, _)| i == "INV-LOST-WRONG").collect();
    assert_eq!(cancels.len(), 2, "sent, then resent: {cancels:?}");
    assert_eq!(cancels[0].1, cancels[1].1, "under one Request-Id");
    assert_eq!(emu.control("GET", "/_mock/orders/INV-LOST-WRONG", &Value::Null)["state"], "PENDING");
    // Settled: a third run sends nothing.
    let before = emu.cancels().len();
    assert_eq!(run_batch(&emu, &dir, &[]).status.code(), Some(0));
    assert_eq!(emu.cancels().len(), before);
}
