//! Argument types from Python: bodies as `bytes`, `bytearray` or `str`, and text that must
//! reach Rust unaltered.

use doku_checkout::Error;
use pyo3::prelude::*;
use pyo3::pybacked::{PyBackedBytes, PyBackedStr};
use pyo3::types::PyString;

use crate::errors::to_py;

/// A request or notification body from Python.
#[derive(FromPyObject)]
pub(crate) enum Body {
    /// `bytes` / `bytearray`.
    Bytes(PyBackedBytes),
    /// `str`, hashed as its UTF-8 bytes.
    Text(PyBackedStr),
}

impl Body {
    pub fn as_bytes(&self) -> &[u8] {
        match self {
            Self::Bytes(b) => b,
            Self::Text(s) => s.as_bytes(),
        }
    }
}

/// A `str` argument. One holding a lone surrogate (UTF-8 cannot carry it) is
/// `InvalidInputError`, not `UnicodeEncodeError`; a non-`str` stays `TypeError`.
pub(crate) struct Text(PyBackedStr);

impl<'a, 'py> FromPyObject<'a, 'py> for Text {
    type Error = PyErr;
    fn extract(obj: Borrowed<'a, 'py, PyAny>) -> PyResult<Self> {
        let s = obj.cast::<PyString>()?;
        PyBackedStr::try_from(s.to_owned()).map(Self).map_err(|_| {
            to_py(Error::invalid_input("text", "the text holds a lone surrogate, which UTF-8 cannot carry"))
        })
    }
}

impl std::ops::Deref for Text {
    type Target = str;
    fn deref(&self) -> &str {
        &self.0
    }
}

/// Seconds as a Python `int`; one beyond 64 bits is `InvalidInputError` on `field`, not
/// `OverflowError`.
pub(crate) fn seconds<T: for<'a, 'py> FromPyObject<'a, 'py>>(
    value: Option<&Bound<'_, PyAny>>,
    field: &'static str,
) -> PyResult<Option<T>> {
    value
        .filter(|v| !v.is_none())
        .map(|v| {
            v.extract::<T>().map_err(|_| {
                to_py(Error::invalid_input(field, format!("{field} must be a whole number of seconds in range")))
            })
        })
        .transpose()
}
