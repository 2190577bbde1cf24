//! `Client` (blocking, GIL released while waiting) and `AsyncClient` (asyncio awaitables).

use std::sync::{Mutex, PoisonError};
use std::time::Duration;

use doku_checkout::operations::{CheckoutCustomer, CheckoutLineItem, CreateCheckoutRequest};
use doku_checkout::{Environment, Error, SecretKey, UserAgent};
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList};

use crate::asyncio;
use crate::errors::{IntoPyResult, to_py};
use crate::results::{CancelResult, CheckoutResult, StatusResult};
use crate::runtime::runtime;

/// Settings kept so a forked child can rebuild its own connection pool.
struct Settings {
    client_id: String,
    secret: SecretKey,
    base_url: Option<String>,
    environment: Environment,
    timeout: Duration,
    connect_timeout: Duration,
    max_retries: u32,
    verify_response_signatures: bool,
    user_agent: UserAgent,
}

/// The core client of the current process (rebuilt after `fork()`: the parent's sockets and
/// pool must not be shared with a child).
struct Core {
    settings: Settings,
    client: Mutex<Option<(u32, doku_checkout::Client)>>,
}

fn seconds(name: &str, value: f64) -> Result<Duration, Error> {
    if value.is_finite() && value > 0.0 {
        Ok(Duration::from_secs_f64(value))
    } else {
        Err(Error::config(format!("{name} must be a positive number of seconds")))
    }
}

impl Core {
    #[allow(clippy::too_many_arguments)]
    fn new(
        py: Python<'_>,
        client_id: String,
        secret_key: &str,
        environment: &str,
        base_url: Option<String>,
        timeout: f64,
        connect_timeout: f64,
        max_retries: u32,
        verify_response_signatures: bool,
    ) -> PyResult<Self> {
        let v = py.version_info();
        let settings = Settings {
            client_id,
            secret: SecretKey::new(secret_key)
                .map_err(|e| Error::config(format!("secret_key: {}", e.message())))
                .py_err()?,
            base_url,
            environment: Environment::parse(environment).py_err()?,
            timeout: seconds("timeout", timeout).py_err()?,
            connect_timeout: seconds("connect_timeout", connect_timeout).py_err()?,
            max_retries,
            verify_response_signatures,
            user_agent: UserAgent::new("python", format!("python/{}.{}.{}", v.major, v.minor, v.patch)),
        };
        let core = Self { settings, client: Mutex::new(None) };
        core.client().py_err()?; // report configuration errors at construction
        Ok(core)
    }

    fn build(&self) -> Result<doku_checkout::Client, Error> {
        let s = &self.settings;
        let mut b = doku_checkout::Client::builder_with_key(s.client_id.clone(), s.secret.clone())
            .environment(s.environment)
            .timeout(s.timeout)
            .connect_timeout(s.connect_timeout)
            .max_retries(s.max_retries)
            .verify_response_signatures(s.verify_response_signatures)
            .user_agent(s.user_agent.clone());
        if let Some(url) = &s.base_url {
            b = b.base_url(url.clone());
        }
        b.build()
    }

    fn client(&self) -> Result<doku_checkout::Client, Error> {
        let pid = std::process::id();
        let mut slot = self.client.lock().unwrap_or_else(PoisonError::into_inner);
        match slot.as_ref() {
            Some((owner, c)) if *owner == pid => Ok(c.clone()),
            _ => {
                if let Some(inherited) = slot.take() {
                    std::mem::forget(inherited); // the parent's pool: never touch its sockets here
                }
                let c = self.build()?;
                *slot = Some((pid, c.clone()));
                Ok(c)
            }
        }
    }

    fn repr(&self, class: &str) -> String {
        let s = &self.settings;
        let url = s.base_url.clone().unwrap_or_else(|| s.environment.base_url().to_owned());
        format!("{class}(client_id={:?}, base_url={url:?}, secret_key='***')", s.client_id)
    }
}

fn optional_str(d: &Bound<'_, PyDict>, key: &str) -> PyResult<Option<String>> {
    d.get_item(key)?.filter(|v| !v.is_none()).map(|v| v.extract()).transpose()
}

#[allow(clippy::too_many_arguments)]
fn checkout_request(
    py: Python<'_>,
    invoice_number: String,
    amount: u64,
    payment_due_minutes: Option<u32>,
    payment_method_types: Option<Vec<String>>,
    customer: Option<Bound<'_, PyDict>>,
    line_items: Option<Bound<'_, PyList>>,
    callback_url: Option<String>,
    callback_url_cancel: Option<String>,
    callback_url_result: Option<String>,
    extra: Option<Bound<'_, PyAny>>,
) -> PyResult<CreateCheckoutRequest> {
    let customer = customer
        .map(|c| -> PyResult<CheckoutCustomer> {
            Ok(CheckoutCustomer {
                id: optional_str(&c, "id")?,
                name: optional_str(&c, "name")?,
                email: optional_str(&c, "email")?,
                phone: optional_str(&c, "phone")?,
            })
        })
        .transpose()?;
    let mut items = Vec::new();
    for item in line_items.iter().flat_map(|l| l.iter()) {
        let d = item.cast::<PyDict>().map_err(|_| {
            to_py(Error::invalid_input("line_items", "each line item must be a dict with name, price and quantity"))
        })?;
        let get = |k: &str| {
            d.get_item(k)?.ok_or_else(|| to_py(Error::invalid_input("line_items", format!("a line item has no {k:?}"))))
        };
        items.push(CheckoutLineItem {
            name: get("name")?.extract()?,
            price: get("price")?.extract()?,
            quantity: get("quantity")?.extract()?,
        });
    }
    let extra = match extra {
        None => None,
        Some(e) if e.is_none() => None,
        Some(e) => {
            let text: String = py.import("json")?.call_method1("dumps", (e,))?.extract()?;
            match serde_json::from_str::<serde_json::Value>(&text) {
                Ok(serde_json::Value::Object(map)) => Some(map),
                _ => return Err(to_py(Error::invalid_input("extra", "extra must be a dict of JSON values"))),
            }
        }
    };
    Ok(CreateCheckoutRequest {
        invoice_number,
        amount,
        payment_due_minutes,
        payment_method_types: payment_method_types.unwrap_or_default(),
        customer,
        line_items: items,
        callback_url,
        callback_url_cancel,
        callback_url_result,
        extra,
    })
}

/// A blocking DOKU Checkout client for Django views, Celery tasks and scripts.
///
/// Calls release the GIL while they wait, so other threads keep running. Safe to share
/// between threads and to use after `os.fork()`.
#[pyclass(module = "doku_checkout._native", frozen)]
pub(crate) struct Client {
    core: Core,
}

#[pymethods]
impl Client {
    #[new]
    #[pyo3(signature = (client_id, secret_key, *, environment = "sandbox", base_url = None, timeout = 30.0, max_retries = 2, connect_timeout = 10.0, verify_response_signatures = false))]
    #[allow(clippy::too_many_arguments)]
    fn new(
        py: Python<'_>,
        client_id: String,
        secret_key: &str,
        environment: &str,
        base_url: Option<String>,
        timeout: f64,
        max_retries: u32,
        connect_timeout: f64,
        verify_response_signatures: bool,
    ) -> PyResult<Self> {
        let core = Core::new(
            py,
            client_id,
            secret_key,
            environment,
            base_url,
            timeout,
            connect_timeout,
            max_retries,
            verify_response_signatures,
        )?;
        Ok(Self { core })
    }

    fn __repr__(&self) -> String {
        self.core.repr("Client")
    }

    /// Cancels an unpaid checkout order. Re-using `request_id` makes a retry safe.
    #[pyo3(signature = (*, invoice_number, original_request_id, note, request_id = None))]
    fn cancel_order(
        &self,
        py: Python<'_>,
        invoice_number: &str,
        original_request_id: &str,
        note: &str,
        request_id: Option<&str>,
    ) -> PyResult<CancelResult> {
        let client = self.core.client().py_err()?;
        let rt = runtime().py_err()?;
        py.detach(|| rt.block_on(client.cancel_order(invoice_number, original_request_id, note, request_id)))
            .map(CancelResult::from)
            .py_err()
    }

    /// Creates a checkout page; store `result.request_id` to cancel later.
    #[pyo3(signature = (*, invoice_number, amount, payment_due_minutes = None, payment_method_types = None, customer = None, line_items = None, callback_url = None, callback_url_cancel = None, callback_url_result = None, extra = None, request_id = None))]
    #[allow(clippy::too_many_arguments)]
    fn create_checkout(
        &self,
        py: Python<'_>,
        invoice_number: String,
        amount: u64,
        payment_due_minutes: Option<u32>,
        payment_method_types: Option<Vec<String>>,
        customer: Option<Bound<'_, PyDict>>,
        line_items: Option<Bound<'_, PyList>>,
        callback_url: Option<String>,
        callback_url_cancel: Option<String>,
        callback_url_result: Option<String>,
        extra: Option<Bound<'_, PyAny>>,
        request_id: Option<String>,
    ) -> PyResult<CheckoutResult> {
        let request = checkout_request(
            py,
            invoice_number,
            amount,
            payment_due_minutes,
            payment_method_types,
            customer,
            line_items,
            callback_url,
            callback_url_cancel,
            callback_url_result,
            extra,
        )?;
        let client = self.core.client().py_err()?;
        let rt = runtime().py_err()?;
        py.detach(|| rt.block_on(client.create_checkout(&request, request_id.as_deref())))
            .map(CheckoutResult::from)
            .py_err()
    }

    /// The current status of an order.
    fn order_status(&self, py: Python<'_>, invoice_number: &str) -> PyResult<StatusResult> {
        let client = self.core.client().py_err()?;
        let rt = runtime().py_err()?;
        py.detach(|| rt.block_on(client.order_status(invoice_number))).map(StatusResult::from).py_err()
    }
}

/// The asyncio twin of `Client`: the same methods, as coroutines-compatible awaitables.
#[pyclass(module = "doku_checkout._native", frozen)]
pub(crate) struct AsyncClient {
    core: Core,
}

fn into_py<T: pyo3::PyClass + Into<pyo3::PyClassInitializer<T>>>(py: Python<'_>, value: T) -> PyResult<Py<PyAny>> {
    Py::new(py, value).map(Py::into_any)
}

#[pymethods]
impl AsyncClient {
    #[new]
    #[pyo3(signature = (client_id, secret_key, *, environment = "sandbox", base_url = None, timeout = 30.0, max_retries = 2, connect_timeout = 10.0, verify_response_signatures = false))]
    #[allow(clippy::too_many_arguments)]
    fn new(
        py: Python<'_>,
        client_id: String,
        secret_key: &str,
        environment: &str,
        base_url: Option<String>,
        timeout: f64,
        max_retries: u32,
        connect_timeout: f64,
        verify_response_signatures: bool,
    ) -> PyResult<Self> {
        let core = Core::new(
            py,
            client_id,
            secret_key,
            environment,
            base_url,
            timeout,
            connect_timeout,
            max_retries,
            verify_response_signatures,
        )?;
        Ok(Self { core })
    }

    fn __repr__(&self) -> String {
        self.core.repr("AsyncClient")
    }

    /// Awaitable `cancel_order`. The Request-Id is fixed before the first attempt; if the
    /// awaiting task is cancelled, the call still completes in the background, and calling
    /// again with the same `request_id` is always safe.
    #[pyo3(signature = (*, invoice_number, original_request_id, note, request_id = None))]
    fn cancel_order<'py>(
        &self,
        py: Python<'py>,
        invoice_number: String,
        original_request_id: String,
        note: String,
        request_id: Option<String>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let client = self.core.client().py_err()?;
        let fut = async move {
            client.cancel_order(&invoice_number, &original_request_id, &note, request_id.as_deref()).await
        };
        asyncio::spawn(py, fut, |py, r| into_py(py, CancelResult::from(r)))
    }

    /// Awaitable `create_checkout`.
    #[pyo3(signature = (*, invoice_number, amount, payment_due_minutes = None, payment_method_types = None, customer = None, line_items = None, callback_url = None, callback_url_cancel = None, callback_url_result = None, extra = None, request_id = None))]
    #[allow(clippy::too_many_arguments)]
    fn create_checkout<'py>(
        &self,
        py: Python<'py>,
        invoice_number: String,
        amount: u64,
        payment_due_minutes: Option<u32>,
        payment_method_types: Option<Vec<String>>,
        customer: Option<Bound<'py, PyDict>>,
        line_items: Option<Bound<'py, PyList>>,
        callback_url: Option<String>,
        callback_url_cancel: Option<String>,
        callback_url_result: Option<String>,
        extra: Option<Bound<'py, PyAny>>,
        request_id: Option<String>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let request = checkout_request(
            py,
            invoice_number,
            amount,
            payment_due_minutes,
            payment_method_types,
            customer,
            line_items,
            callback_url,
            callback_url_cancel,
            callback_url_result,
            extra,
        )?;
        let client = self.core.client().py_err()?;
        let fut = async move { client.create_checkout(&request, request_id.as_deref()).await };
        asyncio::spawn(py, fut, |py, r| into_py(py, CheckoutResult::from(r)))
    }

    /// Awaitable `order_status`.
    fn order_status<'py>(&self, py: Python<'py>, invoice_number: String) -> PyResult<Bound<'py, PyAny>> {
        let client = self.core.client().py_err()?;
        let fut = async move { client.order_status(&invoice_number).await };
        asyncio::spawn(py, fut, |py, r| into_py(py, StatusResult::from(r)))
    }
}

/// Whether this process has started the I/O runtime (pure functions never do).
#[pyfunction]
fn runtime_started() -> bool {
    crate::runtime::started_in_this_process()
}

pub(crate) fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<Client>()?;
    m.add_class::<AsyncClient>()?;
    m.add_function(wrap_pyfunction!(runtime_started, m)?)?;
    Ok(())
}
