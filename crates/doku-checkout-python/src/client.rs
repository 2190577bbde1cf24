//! `Client` (blocking, GIL released while waiting) and `AsyncClient` (asyncio awaitables).
//!
//! Both take the core's `ClientOptions` as keywords and `create_checkout` takes the core's
//! `CreateCheckoutRequest` as keywords: the names, defaults and refusals are the core's.

use std::sync::{Mutex, PoisonError};

use doku_checkout::operations::{CancelOrderResult, CreateCheckoutRequest, CreateCheckoutResult, OrderStatusResult};
use doku_checkout::{ClientOptions, Error, SecretKey, UserAgent};
use pyo3::prelude::*;
use pyo3::types::PyDict;

use crate::asyncio;
use crate::body::Text;
use crate::errors::IntoPyResult;
use crate::observe::Observation;
use crate::runtime::runtime;

/// Keyword arguments as JSON text, for the core's strict readers (no coercion, unknown
/// names refused). `None` values are dropped, so `timeout_ms=None` means the default.
fn kwargs_json(py: Python<'_>, kwargs: Option<&Bound<'_, PyDict>>, refuse: fn(String) -> Error) -> PyResult<String> {
    let Some(kwargs) = kwargs else { return Ok("{}".to_owned()) };
    let set = PyDict::new(py);
    for (k, v) in kwargs.iter() {
        if !v.is_none() {
            set.set_item(k, v)?;
        }
    }
    let strict = PyDict::new(py);
    strict.set_item("allow_nan", false)?; // NaN and infinities are refused, never sent as text
    match py.import("json")?.call_method("dumps", (set,), Some(&strict)) {
        // Not echoed: the value may be anything, a secret included.
        Ok(text) => text.extract(),
        Err(_) => {
            Err(refuse("every value must be a str, int, bool, list or dict (no NaN or infinity)".to_owned())).py_err()
        }
    }
}

/// The core client of the current process (rebuilt after `fork()`: the parent's sockets and
/// pool must not be shared with a child).
struct Core {
    client_id: String,
    secret: SecretKey,
    options: ClientOptions,
    user_agent: UserAgent,
    client: Mutex<Option<(u32, doku_checkout::Client)>>,
}

impl Core {
    fn new(py: Python<'_>, client_id: String, secret_key: &str, options: Option<&Bound<'_, PyDict>>) -> PyResult<Self> {
        let options = kwargs_json(py, options, |m| Error::config_field("options", m))?;
        let v = py.version_info();
        let core = Self {
            client_id,
            secret: SecretKey::new(secret_key)
                .map_err(|e| Error::config_field("secret_key", format!("secret_key: {}", e.message())))
                .py_err()?,
            options: ClientOptions::from_json(&options).py_err()?,
            user_agent: UserAgent::new("python", format!("python/{}.{}.{}", v.major, v.minor, v.patch)),
            client: Mutex::new(None),
        };
        core.client().py_err()?; // report configuration errors at construction
        Ok(core)
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
                let builder = doku_checkout::Client::builder_with_key(self.client_id.clone(), self.secret.clone())
                    .user_agent(self.user_agent.clone());
                let c = self.options.clone().apply(builder)?.build()?;
                *slot = Some((pid, c.clone()));
                Ok(c)
            }
        }
    }

    fn repr(&self, class: &str) -> PyResult<String> {
        let url = self.client().py_err()?.base_url().to_owned();
        Ok(format!("{class}(client_id={:?}, base_url={url:?}, secret_key='***')", self.client_id))
    }

    fn checkout(py: Python<'_>, fields: Option<&Bound<'_, PyDict>>) -> PyResult<CreateCheckoutRequest> {
        let json = kwargs_json(py, fields, |m| Error::invalid_input("request", m))?;
        CreateCheckoutRequest::from_json(&json).py_err()
    }
}

/// Runs `call` on the I/O runtime with the GIL released, observed; the span ends with the GIL back.
fn blocking<T: doku_checkout::observe::CallOutcome + Send>(
    py: Python<'_>,
    observation: std::sync::Arc<Observation>,
    call: impl std::future::Future<Output = Result<T, Error>> + Send,
) -> PyResult<T> {
    let rt = runtime().py_err()?;
    let result = py.detach(|| rt.block_on(doku_checkout::observe::observed(observation.clone(), call)));
    observation.end(py, &result);
    result.py_err()
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
    #[pyo3(signature = (client_id, secret_key, **options))]
    fn new(py: Python<'_>, client_id: Text, secret_key: Text, options: Option<&Bound<'_, PyDict>>) -> PyResult<Self> {
        Ok(Self { core: Core::new(py, client_id.to_owned(), &secret_key, options)? })
    }

    fn __repr__(&self) -> PyResult<String> {
        self.core.repr("Client")
    }

    /// Cancels an unpaid checkout order. Re-using `request_id` makes a retry safe.
    #[pyo3(signature = (*, invoice_number, original_request_id, note, request_id = None))]
    fn cancel_order(
        &self,
        py: Python<'_>,
        invoice_number: Text,
        original_request_id: Text,
        note: Text,
        request_id: Option<Text>,
    ) -> PyResult<CancelOrderResult> {
        let client = self.core.client().py_err()?;
        let call = client.cancel_order(&invoice_number, &original_request_id, &note, request_id.as_deref());
        blocking(py, Observation::start(py, "cancel_order", Some(&invoice_number)), call)
    }

    /// Cancels an unpaid order by its invoice number alone: DOKU's status is read first; a
    /// paid, expired, refunded or cancelled order is refused without a cancel being sent.
    #[pyo3(signature = (*, invoice_number, note, request_id = None))]
    fn cancel_by_invoice(
        &self,
        py: Python<'_>,
        invoice_number: Text,
        note: Text,
        request_id: Option<Text>,
    ) -> PyResult<CancelOrderResult> {
        let client = self.core.client().py_err()?;
        let call = client.cancel_by_invoice(&invoice_number, &note, request_id.as_deref());
        blocking(py, Observation::start(py, "cancel_by_invoice", Some(&invoice_number)), call)
    }

    /// Creates a checkout page; store `result.request_id` to cancel later.
    #[pyo3(signature = (*, request_id = None, **fields))]
    fn create_checkout(
        &self,
        py: Python<'_>,
        request_id: Option<String>,
        fields: Option<&Bound<'_, PyDict>>,
    ) -> PyResult<CreateCheckoutResult> {
        let request = Core::checkout(py, fields)?;
        let client = self.core.client().py_err()?;
        let observation = Observation::start(py, "create_checkout", Some(&request.invoice_number));
        blocking(py, observation, client.create_checkout(&request, request_id.as_deref()))
    }

    /// The current status of an order.
    fn order_status(&self, py: Python<'_>, invoice_number: Text) -> PyResult<OrderStatusResult> {
        let client = self.core.client().py_err()?;
        blocking(
            py,
            Observation::start(py, "order_status", Some(&invoice_number)),
            client.order_status(&invoice_number),
        )
    }
}

/// The asyncio twin of `Client`: the same methods, as awaitables.
#[pyclass(module = "doku_checkout._native", frozen)]
pub(crate) struct AsyncClient {
    core: Core,
    completions: asyncio::Completions,
}

fn into_py<T: pyo3::PyClass + Into<pyo3::PyClassInitializer<T>>>(py: Python<'_>, value: T) -> PyResult<Py<PyAny>> {
    Py::new(py, value).map(Py::into_any)
}

#[pymethods]
impl AsyncClient {
    #[new]
    #[pyo3(signature = (client_id, secret_key, **options))]
    fn new(py: Python<'_>, client_id: Text, secret_key: Text, options: Option<&Bound<'_, PyDict>>) -> PyResult<Self> {
        Ok(Self { core: Core::new(py, client_id.to_owned(), &secret_key, options)?, completions: Default::default() })
    }

    fn __repr__(&self) -> PyResult<String> {
        self.core.repr("AsyncClient")
    }

    /// Awaitable `cancel_order`. The Request-Id is fixed before the first attempt; if the
    /// awaiting task is cancelled, the call still completes in the background, and calling
    /// again with the same `request_id` is always safe.
    #[pyo3(signature = (*, invoice_number, original_request_id, note, request_id = None))]
    fn cancel_order<'py>(
        &self,
        py: Python<'py>,
        invoice_number: Text,
        original_request_id: Text,
        note: Text,
        request_id: Option<Text>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let client = self.core.client().py_err()?;
        let (invoice_number, original_request_id, note) =
            (invoice_number.to_owned(), original_request_id.to_owned(), note.to_owned());
        let request_id = request_id.map(|r| r.to_owned());
        let observation = Observation::start(py, "cancel_order", Some(&invoice_number));
        let fut = async move {
            let call = client.cancel_order(&invoice_number, &original_request_id, &note, request_id.as_deref());
            observation.around(call).await
        };
        asyncio::spawn(py, &self.completions, fut, into_py)
    }

    /// Awaitable `cancel_by_invoice`; its Request-Id is fixed before the status check.
    #[pyo3(signature = (*, invoice_number, note, request_id = None))]
    fn cancel_by_invoice<'py>(
        &self,
        py: Python<'py>,
        invoice_number: Text,
        note: Text,
        request_id: Option<Text>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let client = self.core.client().py_err()?;
        let call =
            doku_checkout::operations::CancelByInvoice::new(&invoice_number, &note, request_id.as_deref()).py_err()?;
        let observation = Observation::start(py, "cancel_by_invoice", Some(&invoice_number));
        let fut = async move { observation.around(client.cancel_planned(&call)).await };
        asyncio::spawn(py, &self.completions, fut, into_py)
    }

    /// Awaitable `create_checkout`.
    #[pyo3(signature = (*, request_id = None, **fields))]
    fn create_checkout<'py>(
        &self,
        py: Python<'py>,
        request_id: Option<String>,
        fields: Option<&Bound<'py, PyDict>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let request = Core::checkout(py, fields)?;
        let client = self.core.client().py_err()?;
        let observation = Observation::start(py, "create_checkout", Some(&request.invoice_number));
        let fut = async move { observation.around(client.create_checkout(&request, request_id.as_deref())).await };
        asyncio::spawn(py, &self.completions, fut, into_py)
    }

    /// Awaitable `order_status`.
    fn order_status<'py>(&self, py: Python<'py>, invoice_number: Text) -> PyResult<Bound<'py, PyAny>> {
        let client = self.core.client().py_err()?;
        let invoice_number = invoice_number.to_owned();
        let observation = Observation::start(py, "order_status", Some(&invoice_number));
        let fut = async move { observation.around(client.order_status(&invoice_number)).await };
        asyncio::spawn(py, &self.completions, fut, into_py)
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
