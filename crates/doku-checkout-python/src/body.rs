//! Bodies arrive as `bytes`, `bytearray` or `str` (encoded as UTF-8).

use pyo3::prelude::*;
use pyo3::pybacked::{PyBackedBytes, PyBackedStr};

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
