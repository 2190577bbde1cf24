//! Core errors become the pure-Python exception classes of `doku_checkout.errors`
//! (pure Python so they pickle for Celery), chosen by the stable code and built from the
//! core's one error record, field for field.

use doku_checkout::Error;
use pyo3::prelude::*;
use pyo3::types::PyDict;

/// Builds the Python exception instance for a core error.
pub(crate) fn exception<'py>(py: Python<'py>, e: &Error) -> PyResult<Bound<'py, PyAny>> {
    let class = py.import("doku_checkout.errors")?.getattr(e.code().class_name())?;
    let kwargs = PyDict::new(py);
    let details = serde_json::to_value(e.details()).unwrap_or_default();
    for (key, value) in details.as_object().into_iter().flatten() {
        kwargs.set_item(key, json_to_py(py, value)?)?;
    }
    class.call((), Some(&kwargs))
}

/// The scalar, list and null values an error record holds.
fn json_to_py<'py>(py: Python<'py>, value: &serde_json::Value) -> PyResult<Bound<'py, PyAny>> {
    use pyo3::IntoPyObjectExt;
    match value {
        serde_json::Value::Bool(b) => b.into_bound_py_any(py),
        serde_json::Value::Number(n) => n.as_u64().into_bound_py_any(py),
        serde_json::Value::String(s) => s.into_bound_py_any(py),
        serde_json::Value::Array(items) => {
            items.iter().map(|v| json_to_py(py, v)).collect::<PyResult<Vec<_>>>()?.into_bound_py_any(py)
        }
        _ => Ok(py.None().into_bound(py)),
    }
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
