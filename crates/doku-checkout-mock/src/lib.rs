#![doc = include_str!("../README.md")]

mod api;
mod control;
mod notify;
mod server;
mod state;

use std::net::SocketAddr;
use std::sync::{Arc, Mutex, MutexGuard};

use doku_checkout::{Error, SecretKey};

pub use state::{Fault, FaultKind, LogEntry, Order, OrderState};

/// DOKU-like tolerance for `Request-Timestamp` skew: ±15 minutes.
pub const MAX_SKEW_SECONDS: u64 = 15 * 60;

/// How to start the emulator.
#[derive(Clone, Debug)]
pub struct MockConfig {
    /// The Client ID the emulator accepts.
    pub client_id: String,
    /// The Secret Key it verifies with (and signs responses and notifications with).
    pub secret_key: SecretKey,
    /// Port on 127.0.0.1; 0 picks a free one.
    pub port: u16,
}

impl MockConfig {
    /// Client ID and Secret Key, free port.
    pub fn new(client_id: impl Into<String>, secret_key: impl Into<String>) -> Result<Self, Error> {
        Ok(Self { client_id: client_id.into(), secret_key: SecretKey::new(secret_key)?, port: 0 })
    }
}

pub(crate) struct Inner {
    pub client_id: String,
    pub secret: SecretKey,
    pub addr: SocketAddr,
    state: Mutex<state::State>,
}

impl Inner {
    pub fn public_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The state; a panic elsewhere never makes the emulator unusable.
    pub fn state(&self) -> MutexGuard<'_, state::State> {
        self.state.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

/// Test-side controls over a running emulator (also reachable over HTTP under `/_mock/`).
#[derive(Clone)]
pub struct MockControl {
    inner: Arc<Inner>,
}

impl std::fmt::Debug for MockControl {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MockControl").field("url", &self.url()).finish_non_exhaustive()
    }
}

impl MockControl {
    /// `http://127.0.0.1:PORT`.
    pub fn url(&self) -> String {
        self.inner.public_url()
    }

    /// Adds (or replaces) an order, as if a checkout had been created.
    pub fn add_order(&self, order: Order) {
        self.inner.state().orders.insert(order.invoice_number.clone(), order);
    }

    /// Sets an order's state; `false` if there is no such invoice.
    pub fn set_state(&self, invoice_number: &str, new_state: OrderState) -> bool {
        self.inner.state().orders.get_mut(invoice_number).map(|o| o.state = new_state).is_some()
    }

    /// The order, if it exists.
    pub fn order(&self, invoice_number: &str) -> Option<Order> {
        self.inner.state().orders.get(invoice_number).cloned()
    }

    /// Queues a fault for the next `fault.count` API requests.
    pub fn inject_fault(&self, fault: Fault) {
        self.inner.state().faults.push_back(fault);
    }

    /// Every API request received so far.
    pub fn log(&self) -> Vec<LogEntry> {
        self.inner.state().log.clone()
    }

    /// Forgets orders, stored answers, faults and the log.
    pub fn reset(&self) {
        *self.inner.state() = state::State::default();
    }

    /// Adds orders and queues faults from JSON `{"orders": [Order], "faults": [Fault]}` (the
    /// scenario files' `setup`); the form the language bindings and `/_mock/setup` share.
    pub fn setup_json(&self, spec: &str) -> Result<(), Error> {
        let setup: state::Setup = serde_json::from_str(spec)
            .map_err(|e| Error::invalid_input("setup", format!("invalid emulator setup: {e}")))?;
        self.inner.state().apply(setup);
        Ok(())
    }

    /// [`MockControl::set_state`] with the state by name (`PENDING`, `PAID`, `EXPIRED`, `CANCELLED`).
    pub fn set_state_named(&self, invoice_number: &str, state: &str) -> Result<bool, Error> {
        let state: OrderState = serde_json::from_value(serde_json::Value::String(state.to_owned())).map_err(|_| {
            Error::invalid_input(
                "state",
                format!("unknown order state {state:?}: use PENDING, PAID, EXPIRED or CANCELLED"),
            )
        })?;
        Ok(self.set_state(invoice_number, state))
    }

    /// The order as JSON, if it exists.
    pub fn order_json(&self, invoice_number: &str) -> Option<String> {
        self.order(invoice_number).and_then(|o| serde_json::to_string(&o).ok())
    }

    /// The request log as a JSON array.
    pub fn log_json(&self) -> String {
        serde_json::to_string(&self.log()).unwrap_or_else(|_| "[]".to_owned())
    }

    /// Sends a signed HTTP Notification for an order to `url` (path = the Request-Target);
    /// returns the receiver's HTTP status.
    pub async fn send_notification(&self, invoice_number: &str, url: &str) -> Result<u16, Error> {
        notify::send(&self.inner, invoice_number, url).await
    }
}

/// A running emulator on the caller's tokio runtime.
pub struct MockServer {
    control: MockControl,
    shutdown: Option<tokio::sync::oneshot::Sender<()>>,
    task: tokio::task::JoinHandle<()>,
}

impl MockServer {
    /// Binds 127.0.0.1 and starts serving.
    pub async fn start(config: MockConfig) -> std::io::Result<Self> {
        let listener = tokio::net::TcpListener::bind(("127.0.0.1", config.port)).await?;
        let inner = Arc::new(Inner {
            client_id: config.client_id,
            secret: config.secret_key,
            addr: listener.local_addr()?,
            state: Mutex::new(state::State::default()),
        });
        let (tx, rx) = tokio::sync::oneshot::channel();
        let task = tokio::spawn(server::serve(listener, Arc::clone(&inner), rx));
        Ok(Self { control: MockControl { inner }, shutdown: Some(tx), task })
    }

    /// `http://127.0.0.1:PORT`.
    pub fn url(&self) -> String {
        self.control.url()
    }

    /// The controls.
    pub fn control(&self) -> &MockControl {
        &self.control
    }

    /// Stops accepting connections and waits for the accept loop to end.
    pub async fn shutdown(mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        let _ = (&mut self.task).await;
    }
}

impl Drop for MockServer {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
    }
}

/// An emulator on its own thread and runtime, for synchronous callers (Python, Node, Kotlin
/// test helpers). Stops when dropped.
pub struct BackgroundMockServer {
    control: MockControl,
    runtime: Option<tokio::runtime::Runtime>,
    server: Option<MockServer>,
}

impl BackgroundMockServer {
    /// Starts the emulator on a private one-worker runtime.
    pub fn start(config: MockConfig) -> std::io::Result<Self> {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .thread_name("doku-mock")
            .enable_all()
            .build()?;
        let server = runtime.block_on(MockServer::start(config))?;
        Ok(Self { control: server.control.clone(), runtime: Some(runtime), server: Some(server) })
    }

    /// `http://127.0.0.1:PORT`.
    pub fn url(&self) -> String {
        self.control.url()
    }

    /// The controls.
    pub fn control(&self) -> &MockControl {
        &self.control
    }

    /// Sends a signed notification (blocking).
    pub fn send_notification(&self, invoice_number: &str, url: &str) -> Result<u16, Error> {
        match &self.runtime {
            Some(rt) => rt.block_on(self.control.send_notification(invoice_number, url)),
            None => Err(Error::config("the emulator has stopped")),
        }
    }

    /// Stops the server and its runtime.
    pub fn stop(&mut self) {
        if let (Some(rt), Some(server)) = (self.runtime.as_ref(), self.server.take()) {
            rt.block_on(server.shutdown());
        }
        if let Some(rt) = self.runtime.take() {
            rt.shutdown_background();
        }
    }
}

impl Drop for BackgroundMockServer {
    fn drop(&mut self) {
        self.stop();
    }
}
