//! The emulator as a child process (`doku-checkout mock`), shared by the CLI's test files.
// Each test file uses part of this module.
#![allow(dead_code)]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};

use serde_json::{Value, json};

pub const BIN: &str = env!("CARGO_BIN_EXE_doku-checkout");

/// A running `doku-checkout mock`; killed when dropped.
pub struct Emulator {
    child: Child,
    /// `http://127.0.0.1:PORT`.
    pub url: String,
}

impl Emulator {
    /// Starts it for this Client-Id and secret and waits for its `listening on` line.
    pub fn start(client_id: &str, secret: &str) -> Self {
        let mut child = Command::new(BIN)
            .args(["mock", "--client-id", client_id])
            .env("DOKU_SECRET_KEY", secret)
            .stdout(Stdio::piped())
            .spawn()
            .expect("spawn");
        let mut line = String::new();
        BufReader::new(child.stdout.take().expect("stdout")).read_line(&mut line).expect("line");
        let url = line.trim().strip_prefix("listening on ").expect("first line").to_owned();
        Self { child, url }
    }
}

impl Drop for Emulator {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The emulator's unsigned `/_mock/` controls, for this test.
pub trait Controls {
    fn control(&self, method: &str, path: &str, body: &Value) -> Value;
    fn add_orders(&self, invoices: &[String], faults: Value);
    fn cancels(&self) -> Vec<(String, String, bool)>;
}

impl Controls for Emulator {
    /// One unsigned control call (`/_mock/...`); the JSON answer.
    fn control(&self, method: &str, path: &str, body: &Value) -> Value {
        let body = body.to_string();
        let mut stream = TcpStream::connect(self.url.trim_start_matches("http://")).expect("connect");
        write!(
            stream,
            "{method} {path} HTTP/1.1\r\nHost: emulator\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
            body.len()
        )
        .expect("write");
        let mut answer = String::new();
        stream.read_to_string(&mut answer).expect("read");
        let (_, json) = answer.split_once("\r\n\r\n").expect("http answer");
        serde_json::from_str(json).unwrap_or_else(|e| panic!("{e}: {answer}"))
    }

    fn add_orders(&self, invoices: &[String], faults: Value) {
        let orders: Vec<Value> = invoices
            .iter()
            .map(|i| json!({ "invoice_number": i, "original_request_id": format!("create-{i}") }))
            .collect();
        self.control("POST", "/_mock/setup", &json!({ "orders": orders, "faults": faults }));
    }

    /// Cancel requests seen, as (invoice, Request-Id, changed an order).
    fn cancels(&self) -> Vec<(String, String, bool)> {
        let log = self.control("GET", "/_mock/log", &Value::Null);
        log.as_array()
            .expect("log")
            .iter()
            .filter(|e| e["path"] == "/checkout/v3/cancellations")
            .map(|e| {
                let body: Value = serde_json::from_str(e["body"].as_str().expect("body")).expect("json body");
                (
                    body["order"]["invoice_number"].as_str().expect("invoice").to_owned(),
                    e["request_id"].as_str().expect("request id").to_owned(),
                    e["state_changed"].as_bool().expect("flag"),
                )
            })
            .collect()
    }
}

/// A scratch directory, removed when dropped.
pub struct Dir(pub PathBuf);

impl Dir {
    pub fn new(name: &str) -> Self {
        let dir = std::env::temp_dir().join(format!("doku-batch-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("dir");
        Self(dir)
    }
    pub fn path(&self, name: &str) -> PathBuf {
        self.0.join(name)
    }
}

impl Drop for Dir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// An orders file for these invoices (each created with `create-INVOICE`).
pub fn orders_csv(invoices: &[String]) -> String {
    let mut text = String::from("invoice_number,original_request_id,note\n");
    for i in invoices {
        text.push_str(&format!("{i},create-{i},\"Stale order, unpaid\"\n"));
    }
    text
}
