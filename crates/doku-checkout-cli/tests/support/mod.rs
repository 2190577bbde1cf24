//! The emulator as a child process (`doku-checkout mock`), shared by the CLI's test files.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};

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
