//! The emulator in-process, for `doku_checkout.testing.MockServer`.

use std::sync::{Arc, Mutex, PoisonError};

use doku_checkout::Error;
use doku_checkout_mock::{BackgroundMockServer, MockConfig};
use pyo3::prelude::*;

use crate::errors::IntoPyResult;

/// A running emulator on 127.0.0.1 (JSON in, JSON out; the Python wrapper adds helpers).
#[pyclass(module = "doku_checkout._native", frozen)]
pub(crate) struct NativeMockServer {
    url: String,
    /// Shared, so a long call (waiting for notifications) never holds the lock another Python
    /// thread needs (while holding the GIL) to answer that very notification.
    server: Mutex<Option<Arc<BackgroundMockServer>>>,
}

impl NativeMockServer {
    fn with<T>(&self, f: impl FnOnce(&BackgroundMockServer) -> PyResult<T>) -> PyResult<T> {
        let server = self.server.lock().unwrap_or_else(PoisonError::into_inner).clone();
        match server {
            Some(s) => f(&s),
            None => Err(crate::errors::to_py(Error::config("the mock server is closed"))),
        }
    }
}

#[pymethods]
impl NativeMockServer {
    #[new]
    #[pyo3(signature = (client_id, secret_key, port = 0, notification_url = None))]
    fn new(
        py: Python<'_>,
        client_id: String,
        secret_key: String,
        port: u16,
        notification_url: Option<String>,
    ) -> PyResult<Self> {
        let mut config = MockConfig::new(client_id, secret_key).py_err()?;
        config.port = port;
        config.notification_url = notification_url;
        config.validate().py_err()?;
        let server = py
            .detach(|| BackgroundMockServer::start(config))
            .map_err(|e| crate::errors::to_py(Error::config(format!("cannot start the emulator: {e}"))))?;
        Ok(Self { url: server.url(), server: Mutex::new(Some(Arc::new(server))) })
    }

    /// `http://127.0.0.1:PORT`.
    #[getter]
    fn url(&self) -> String {
        self.url.clone()
    }

    /// Adds orders and queues faults: `{"orders": [...], "faults": [...]}`.
    fn setup_json(&self, spec: &str) -> PyResult<()> {
        self.with(|s| s.control().setup_json(spec).py_err())
    }

    /// Sets an order's state (`PENDING`, `PAID`, `FAILED`, `EXPIRED`, `CANCELLED`, `REFUNDED`); False if unknown.
    fn set_state(&self, invoice_number: &str, state: &str) -> PyResult<bool> {
        self.with(|s| s.control().set_state_named(invoice_number, state).py_err())
    }

    /// The order as JSON, or None.
    fn order_json(&self, invoice_number: &str) -> PyResult<Option<String>> {
        self.with(|s| Ok(s.control().order_json(invoice_number)))
    }

    /// The request log as JSON.
    fn log_json(&self) -> PyResult<String> {
        self.with(|s| Ok(s.control().log_json()))
    }

    /// Forgets orders, faults and the log.
    fn reset(&self) -> PyResult<()> {
        self.with(|s| {
            s.control().reset();
            Ok(())
        })
    }

    /// Sends a signed HTTP Notification for an order to a loopback URL; returns the status.
    fn send_notification(&self, py: Python<'_>, invoice_number: &str, url: &str) -> PyResult<u16> {
        self.with(|s| py.detach(|| s.send_notification(invoice_number, url)).py_err())
    }

    /// Any `/_mock/` control call: `(status, JSON text)`.
    #[pyo3(signature = (method, path, body = None))]
    fn control(&self, py: Python<'_>, method: &str, path: &str, body: Option<&str>) -> PyResult<(u16, String)> {
        let body = body.unwrap_or_default().as_bytes();
        self.with(|s| Ok(py.detach(|| s.control_call(method, path, body))))
    }

    /// Stops the emulator.
    fn close(&self, py: Python<'_>) {
        let server = self.server.lock().unwrap_or_else(PoisonError::into_inner).take();
        py.detach(move || drop(server));
    }
}

pub(crate) fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<NativeMockServer>()
}
