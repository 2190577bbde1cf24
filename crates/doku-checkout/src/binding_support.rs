//! How the core's own types cross into each binding, written once here so binding crates
//! pass them straight through: a `Timestamp` is its ISO `YYYY-MM-DDTHH:MM:SSZ` string in
//! every language, a `JsonObject` is JSON text over uniffi.

#[cfg(feature = "uniffi")]
use crate::operations::JsonObject;
#[cfg(any(feature = "uniffi", feature = "napi"))]
use crate::timestamp::Timestamp;

#[cfg(feature = "uniffi")]
uniffi::custom_type!(Timestamp, String, {
    lower: |t| t.to_string(),
    try_lift: |text| Ok(Timestamp::parse(&text)?),
});

#[cfg(feature = "uniffi")]
uniffi::custom_type!(JsonObject, String, {
    lower: |o| serde_json::Value::Object(o.fields().clone()).to_string(),
    // Never fails: bad text is refused by validation as `invalid_input` on `extra`.
    try_lift: |text| Ok(JsonObject::parse(&text)),
});

/// The napi CLI collects the TypeScript of every crate that derives `#[napi]` while it is
/// compiled, and asks for a rebuild by setting this variable when a crate's declarations are
/// missing. A crate without a build script only notices through `option_env!`, which cargo
/// tracks: without it, an unchanged core is not recompiled and its result types drop out of
/// the generated `index.d.ts`.
#[cfg(feature = "napi")]
const _NAPI_FORCE_BUILD: Option<&str> = option_env!("NAPI_FORCE_BUILD_DOKU_CHECKOUT");

#[cfg(feature = "napi")]
impl napi::bindgen_prelude::TypeName for Timestamp {
    fn type_name() -> &'static str {
        "string"
    }
    fn value_type() -> napi::ValueType {
        napi::ValueType::String
    }
}

// napi's conversion trait is an `unsafe fn` by design; this one only delegates to String's.
#[cfg(feature = "napi")]
#[allow(unsafe_code)]
impl napi::bindgen_prelude::ToNapiValue for Timestamp {
    unsafe fn to_napi_value(env: napi::sys::napi_env, value: Self) -> napi::Result<napi::sys::napi_value> {
        // SAFETY: forwards napi's own contract (a live env on the JS thread) to String's impl.
        unsafe { String::to_napi_value(env, value.to_string()) }
    }
}

#[cfg(feature = "python")]
mod python {
    use pyo3::prelude::*;
    use pyo3::types::PyString;

    use crate::operations::{CancelOrderResult, CreateCheckoutResult, OrderStatusResult};
    use crate::timestamp::Timestamp;

    impl<'py> IntoPyObject<'py> for &Timestamp {
        type Target = PyString;
        type Output = Bound<'py, PyString>;
        type Error = std::convert::Infallible;
        fn into_pyobject(self, py: Python<'py>) -> Result<Self::Output, Self::Error> {
            Ok(PyString::new(py, &self.to_string()))
        }
    }

    /// `Name(field=value, ...)` from the result's own serialisation, so a new field shows up
    /// in `repr()` without an edit here.
    fn repr(name: &str, value: &impl serde::Serialize) -> String {
        let fields = match serde_json::to_value(value) {
            Ok(serde_json::Value::Object(map)) => map
                .into_iter()
                .filter(|(k, _)| k != "raw_body")
                .map(|(k, v)| format!("{k}={}", python_literal(&v)))
                .collect(),
            _ => Vec::new(),
        };
        format!("{name}({})", fields.join(", "))
    }

    /// JSON scalars spelt as Python literals (`True`, `None`); strings and lists as JSON.
    fn python_literal(value: &serde_json::Value) -> String {
        match value {
            serde_json::Value::Bool(true) => "True".to_owned(),
            serde_json::Value::Bool(false) => "False".to_owned(),
            serde_json::Value::Null => "None".to_owned(),
            other => other.to_string(),
        }
    }

    macro_rules! py_repr {
        ($($t:ident),+) => {$(
            #[pymethods]
            impl $t {
                fn __repr__(&self) -> String {
                    repr(stringify!($t), self)
                }
            }
        )+};
    }
    py_repr!(CancelOrderResult, CreateCheckoutResult, OrderStatusResult);
}
