//! Core errors become the pure-Python exception classes of `doku_checkout.errors`
//! (pure Python so they pickle for Celery), chosen by the stable error code.

use doku_checkout::Error;
use pyo3::prelude::*;
use pyo3::types::PyDict;

/// Builds the Python exception instance for a core error.
pub(crate) fn exception<'py>(py: Python<'py>, e: &Error) -> PyResult<Bound<'py, PyAny>> {
    let class = py.import("doku_checkout.errors")?.getattr(e.code().class_name())?;
    let kwargs = PyDict::new(py);
    kwargs.set_item("code", e.code().as_str())?;
    kwargs.set_item("http_status", e.http_status())?;
    kwargs.set_item("request_id", e.request_id())?;
    kwargs.set_item("retryable", e.retryable())?;
    kwargs.set_item("messages", e.messages().to_vec())?;
    kwargs.set_item("raw_body", e.raw_body())?;
    kwargs.set_item("reason", e.reason())?;
    kwargs.set_item("field", e.field())?;
    class.call((e.message(),), Some(&kwargs))
}

/// Converts a core error into a raisable `PyErr`.
pub(crate) fn to_py(e: Error) -> PyErr {
    Python::attach(|py| match exception(py, &e) {
        Ok(instance) => PyErr::from_value(instance),
        Err(import_failure) => import_failure,
    })
}

/// `Result<T, Error>` → `PyResult<T>`.
pub(crate) trait IntoPyResult<T> {
    fn py_err(self) -> PyResult<T>;
}

impl<T> IntoPyResult<T> for Result<T, Error> {
    fn py_err(self) -> PyResult<T> {
        self.map_err(to_py)
    }
}
