#![doc = include_str!("../README.md")]

mod api;
mod bodies;
mod browser_guard;
mod checkout_page;
mod clock;
mod control;
mod dashboard;
mod deliveries;
mod form;
#[cfg(feature = "fuzzing")]
#[doc(hidden)]
pub mod fuzzing;
mod html;
pub mod limits;
mod notify;
mod outcome;
mod server;
mod state;
mod traffic;

use std::net::SocketAddr;
use std::sync::{Arc, Mutex, MutexGuard};

use doku_checkout::{Error, SecretKey};

pub use clock::MAX_ADVANCE_SECONDS;
pub use deliveries::{Attempt, Delivery, MAX_DELIVERIES, RETRY_SCHEDULE};
pub use notify::NOTIFY_TIMEOUT;
pub use state::{Fault, FaultKind, LineItem, LogEntry, Order, OrderState};

/// DOKU-like tolerance for `Request-Timestamp` skew: ±15 minutes.
pub const MAX_SKEW_SECONDS: u64 = 15 * 60;

/// How many API requests the log keeps by default (the oldest are forgotten first).
pub const DEFAULT_LOG_SIZE: usize = 10_000;
/// How many Request-Ids' answers are kept for 409 replays by default.
pub const DEFAULT_REPLAY_STORE_SIZE: usize = 100_000;
/// How long a client may take to send a request, or keep a connection idle, by default.
pub const DEFAULT_READ_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(10);
/// The largest `log_size` and `replay_store_size` accepted.
pub const MAX_STORE_SIZE: usize = 10_000_000;

/// How to start the emulator.
#[derive(Clone, Debug)]
pub struct MockConfig {
    /// The Client ID the emulator accepts.
    pub client_id: String,
    /// The Secret Key it verifies with (and signs responses and notifications with).
    pub secret_key: SecretKey,
    /// Port on 127.0.0.1; 0 picks a free one.
    pub port: u16,
    /// Requests kept in the log (1 to [`MAX_STORE_SIZE`]): a long load test keeps the last ones.
    pub log_size: usize,
    /// Request-Ids whose answers are kept for replay (1 to [`MAX_STORE_SIZE`]); DOKU's own
    /// window is not documented, and a Request-Id older than this many is treated as new.
    pub replay_store_size: usize,
    /// How long a client may take to send a request's head or body, and how long a
    /// keep-alive connection may sit idle (100 ms to 10 min; default 10 s).
    pub read_timeout: std::time::Duration,
    /// The merchant's notification URL (DOKU's Back Office setting): a paid or failed order
    /// is notified there automatically, with DOKU's retry schedule. Loopback only; a path
    /// (`/_mock/sink/200`) means the emulator itself.
    pub notification_url: Option<String>,
}

impl MockConfig {
    /// Client ID and Secret Key, free port, default store sizes.
    pub fn new(client_id: impl Into<String>, secret_key: impl Into<String>) -> Result<Self, Error> {
        Ok(Self {
            client_id: client_id.into(),
            secret_key: SecretKey::new(secret_key)?,
            port: 0,
            log_size: DEFAULT_LOG_SIZE,
            replay_store_size: DEFAULT_REPLAY_STORE_SIZE,
            read_timeout: DEFAULT_READ_TIMEOUT,
            notification_url: None,
        })
    }

    /// Refuses store sizes outside 1 to [`MAX_STORE_SIZE`] and read timeouts outside 100 ms–10 min.
    pub fn validate(&self) -> Result<(), Error> {
        for (field, value) in [("log_size", self.log_size), ("replay_store_size", self.replay_store_size)] {
            if !(1..=MAX_STORE_SIZE).contains(&value) {
                return Err(Error::invalid_input(
                    field,
                    format!("{field} must be between 1 and {MAX_STORE_SIZE}, got {value}"),
                ));
            }
        }
        let timeout_range = std::time::Duration::from_millis(100)..=std::time::Duration::from_secs(600);
        if !timeout_range.contains(&self.read_timeout) {
            return Err(Error::invalid_input("read_timeout", "read_timeout must be between 100 ms and 10 minutes"));
        }
        if let Some(url) = &self.notification_url {
            notify::check_url_form(url)?;
        }
        Ok(())
    }
}

pub(crate) struct Inner {
    pub client_id: String,
    pub secret: SecretKey,
    pub addr: SocketAddr,
    /// Longest wait for a request's head (also for the next request on an idle
    /// connection) and for its body.
    pub read_timeout: std::time::Duration,
    /// The configured notification URL (see [`MockConfig::notification_url`]).
    pub notification_url: Option<String>,
    /// The emulator's own time.
    pub clock: clock::EmulatorClock,
    /// Wakes the notification sender (a notification queued, the clock moved, an attempt done).
    pub wake: tokio::sync::Notify,
    state: Mutex<state::State>,
    traffic: Mutex<traffic::Traffic>,
    deliveries: Mutex<deliveries::Deliveries>,
}

impl Inner {
    fn new(config: MockConfig, addr: SocketAddr) -> Self {
        Self {
            client_id: config.client_id,
            secret: config.secret_key,
            addr,
            read_timeout: config.read_timeout,
            notification_url: config.notification_url,
            clock: clock::EmulatorClock::default(),
            wake: tokio::sync::Notify::new(),
            state: Mutex::new(state::State::new(config.replay_store_size)),
            traffic: Mutex::new(traffic::Traffic::new(config.log_size)),
            deliveries: Mutex::new(deliveries::Deliveries::default()),
        }
    }

    /// The notifications queued and their attempts. Lock order: never take another lock
    /// while holding this one.
    pub fn deliveries(&self) -> MutexGuard<'_, deliveries::Deliveries> {
        self.deliveries.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    pub fn public_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The orders and stored answers; a panic elsewhere never makes the emulator unusable.
    /// Lock order: never take this while holding [`Inner::traffic`].
    pub fn state(&self) -> MutexGuard<'_, state::State> {
        self.state.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// The fault queue and the request log.
    pub fn traffic(&self) -> MutexGuard<'_, traffic::Traffic> {
        self.traffic.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Adds orders and queues faults.
    pub fn apply(&self, setup: state::Setup) -> Result<(), limits::Refusal> {
        // Both locks, in the one order used anywhere (state, then traffic), so that a refused
        // setup applies nothing even while other control calls run.
        let mut state = self.state();
        let mut traffic = self.traffic();
        let new_invoices: std::collections::HashSet<&str> =
            setup.orders.iter().map(|o| o.invoice_number.as_str()).filter(|i| !state.orders.contains_key(*i)).collect();
        let fits = state.fits(&setup.orders, limits::MAX_ORDER_BYTES);
        limits::check_setup(&setup, state.orders.len(), new_invoices.len(), traffic.faults.len(), fits)?;
        // A page token belongs to one order: another order's token is not taken over.
        if let Some(o) = setup.orders.iter().find(|o| {
            o.token.as_ref().and_then(|t| state.tokens.get(t)).is_some_and(|holder| *holder != o.invoice_number)
        }) {
            return Err(limits::Refusal {
                status: 400,
                message: format!("INVALID ORDER: {}'s token is another order's checkout page", o.invoice_number),
            });
        }
        if let Some(url) = &setup.notification_url {
            notify::check_url_form(url)
                .map_err(|e| limits::Refusal { status: 400, message: e.message().to_owned() })?;
            state.notification_url = Some(url.clone());
        }
        // An order set up without a creation time was created now (the dashboard lists by it).
        let now = self.clock.unix();
        state.add_orders(
            setup.orders.into_iter().map(|o| Order { created_at: o.created_at.or(Some(now)), ..o }).collect(),
        );
        traffic.faults.extend(setup.faults);
        Ok(())
    }

    /// Forgets orders, stored answers, faults, the log and the notifications; the clock goes
    /// back to real time (the configured notification URL stays).
    pub fn reset(&self) {
        self.state().clear();
        self.traffic().clear();
        self.deliveries().clear();
        self.clock.reset();
    }

    /// The log's entries, copied outside the lock.
    pub fn log(&self) -> Vec<LogEntry> {
        let snapshot = self.traffic().log.snapshot();
        snapshot.iter().map(|e| LogEntry::clone(e)).collect()
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

    /// Adds (or replaces) an order, as if a checkout had been created; refused past the
    /// emulator's bounds ([`limits`]), as `/_mock/setup` is.
    pub fn add_order(&self, order: Order) -> Result<(), Error> {
        self.apply(state::Setup { orders: vec![order], ..Default::default() })
    }

    /// Sets an order's state; `false` if there is no such invoice.
    pub fn set_state(&self, invoice_number: &str, new_state: OrderState) -> bool {
        self.inner.state().orders.get_mut(invoice_number).map(|o| o.state = new_state).is_some()
    }

    /// The order, if it exists.
    pub fn order(&self, invoice_number: &str) -> Option<Order> {
        self.inner.state().orders.get(invoice_number).cloned()
    }

    /// Queues a fault for the next `fault.count` API requests; refused past the emulator's
    /// bounds (a count of 0, too many queued...), as `/_mock/setup` is.
    pub fn inject_fault(&self, fault: Fault) -> Result<(), Error> {
        self.apply(state::Setup { faults: vec![fault], ..Default::default() })
    }

    fn apply(&self, setup: state::Setup) -> Result<(), Error> {
        self.inner.apply(setup).map_err(|r| Error::invalid_input("setup", r.message))
    }

    /// The API requests received so far, oldest first (the last [`MockConfig::log_size`]).
    pub fn log(&self) -> Vec<LogEntry> {
        self.inner.log()
    }

    /// Forgets orders, stored answers, faults and the log.
    pub fn reset(&self) {
        self.inner.reset();
    }

    /// Adds orders and queues faults from JSON `{"orders": [Order], "faults": [Fault]}` (the
    /// scenario files' `setup`); the form the language bindings and `/_mock/setup` share.
    pub fn setup_json(&self, spec: &str) -> Result<(), Error> {
        let setup: state::Setup = serde_json::from_str(spec)
            .map_err(|e| Error::invalid_input("setup", format!("invalid emulator setup: {e}")))?;
        self.apply(setup)
    }

    /// [`MockControl::set_state`] with the state by name (`PENDING`, `PAID`, `FAILED`, `EXPIRED`,
    /// `CANCELLED`, `REFUNDED`).
    pub fn set_state_named(&self, invoice_number: &str, state: &str) -> Result<bool, Error> {
        let state: OrderState = serde_json::from_value(serde_json::Value::String(state.to_owned())).map_err(|_| {
            Error::invalid_input("state", format!("unknown order state {state:?}: use {}", OrderState::NAMES))
        })?;
        Ok(self.set_state(invoice_number, state))
    }

    /// The order as JSON, if it exists.
    pub fn order_json(&self, invoice_number: &str) -> Option<String> {
        self.order(invoice_number).and_then(|o| serde_json::to_string(&o).ok())
    }

    /// The request log as a JSON array (serialised outside the lock).
    pub fn log_json(&self) -> String {
        let snapshot = self.inner.traffic().log.snapshot();
        let entries: Vec<&LogEntry> = snapshot.iter().map(|e| &**e).collect();
        serde_json::to_string(&entries).unwrap_or_else(|_| "[]".to_owned())
    }

    /// Sends a signed HTTP Notification for an order to `url` (path = the Request-Target);
    /// returns the receiver's HTTP status.
    pub async fn send_notification(&self, invoice_number: &str, url: &str) -> Result<u16, Error> {
        notify::send(&self.inner, invoice_number, url).await
    }

    /// Any `/_mock/` control call in-process, exactly as over HTTP (`method`, a path such as
    /// `/_mock/orders/INV-1/pay`, a JSON body or none): the status and the JSON answer. The
    /// language helpers (`pay`, `advance_clock`, `notifications`...) are built on it.
    pub async fn control_call(&self, method: &str, path: &str, body: &[u8]) -> (u16, String) {
        if !path.starts_with("/_mock/") || body.len() > server::MAX_CONTROL_BODY {
            return (
                400,
                r#"{"message":["A CONTROL PATH STARTS WITH /_mock/ AND ITS BODY IS AT MOST 16 MiB"]}"#.to_owned(),
            );
        }
        control::answer(&self.inner, method, path, body).await
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
        config.validate().map_err(|e| std::io::Error::new(std::io::ErrorKind::InvalidInput, e.to_string()))?;
        let listener = tokio::net::TcpListener::bind(("127.0.0.1", config.port)).await?;
        let addr = listener.local_addr()?;
        let inner = Arc::new(Inner::new(config, addr));
        let (tx, rx) = tokio::sync::oneshot::channel();
        // The notification sender lives as long as the accept loop.
        let sender = tokio::spawn(deliveries::run(Arc::clone(&inner)));
        let serving = Arc::clone(&inner);
        let task = tokio::spawn(async move {
            server::serve(listener, serving, rx).await;
            sender.abort();
        });
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

    /// [`MockControl::control_call`], blocking.
    pub fn control_call(&self, method: &str, path: &str, body: &[u8]) -> (u16, String) {
        match &self.runtime {
            Some(rt) => rt.block_on(self.control.control_call(method, path, body)),
            None => (503, r#"{"message":["THE EMULATOR HAS STOPPED"]}"#.to_owned()),
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

#[cfg(test)]
mod tests;
