//! Core errors cross into JavaScript as a JSON payload in the message; the package's
//! `errors.js` turns it into the right `DokuError` subclass by its stable code.

use doku_checkout::Error;

/// Marker that tells `errors.js` the message is a serialised core error.
pub(crate) const MARKER: &str = "__doku_checkout_error__:";

/// A core error as a napi error.
pub(crate) fn to_napi(e: Error) -> napi::Error {
    let mut payload = e.to_json();
    payload["raw_body"] = serde_json::json!(e.raw_body());
    napi::Error::new(napi::Status::GenericFailure, format!("{MARKER}{payload}"))
}

/// `Result<T, Error>` → `napi::Result<T>`.
pub(crate) trait IntoNapi<T> {
    fn napi(self) -> napi::Result<T>;
}

impl<T> IntoNapi<T> for Result<T, Error> {
    fn napi(self) -> napi::Result<T> {
        self.map_err(to_napi)
    }
}
