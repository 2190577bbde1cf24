//! Core errors cross into JavaScript as real `Error` objects carrying the core's error
//! record as a structured `dokuDetails` property (code, message, httpStatus, requestId,
//! retryable, messages, rawBody, reason, field); `errors.js` picks the `DokuError`
//! subclass by its code.

use doku_checkout::Error;
use napi::Env;
use napi::bindgen_prelude::{JsObjectValue, ToNapiValue};

/// A core error as a thrown (or rejected) JavaScript value.
pub(crate) fn to_js(env: &Env, e: &Error) -> napi::Error {
    let build = || -> napi::Result<napi::Error> {
        let mut error = env.create_error(napi::Error::from_reason(e.to_string()))?;
        error.set_named_property("code", e.code().as_str())?;
        error.set_named_property("dokuDetails", e.details())?;
        Ok(napi::Error::from(error.into_unknown(env)?))
    };
    build().unwrap_or_else(|failed| failed)
}

/// `Result<T, Error>` → `napi::Result<T>` with the structured error.
pub(crate) trait IntoNapi<T> {
    fn napi(self, env: &Env) -> napi::Result<T>;
}

impl<T> IntoNapi<T> for Result<T, Error> {
    fn napi(self, env: &Env) -> napi::Result<T> {
        self.map_err(|e| to_js(env, &e))
    }
}
