//! How values cross into JavaScript: core errors as thrown `Error`s carrying `dokuDetails`,
//! records as plain objects, both with camelCase keys (the Node addon's shapes).

use doku_checkout::Error;
use js_sys::{JSON, Reflect};
use serde_json::{Map, Value};
use wasm_bindgen::JsValue;

/// `snake_case` → `camelCase` for one key.
fn camel(key: &str) -> String {
    let mut out = String::with_capacity(key.len());
    let mut upper = false;
    for c in key.chars() {
        if c == '_' {
            upper = true;
        } else if upper {
            out.push(c.to_ascii_uppercase());
            upper = false;
        } else {
            out.push(c);
        }
    }
    out
}

/// A serialisable record as a plain JavaScript object, its top-level keys in camelCase.
pub(crate) fn record(value: &impl serde::Serialize) -> JsValue {
    let object = match serde_json::to_value(value) {
        Ok(Value::Object(map)) => Value::Object(map.into_iter().map(|(k, v)| (camel(&k), v)).collect::<Map<_, _>>()),
        Ok(other) => other,
        Err(_) => Value::Null,
    };
    // Text the core just serialised always parses.
    JSON::parse(&object.to_string()).unwrap_or(JsValue::NULL)
}

/// A core error as a JavaScript `Error` with `code` and the structured `dokuDetails`.
pub(crate) fn error(e: &Error) -> JsValue {
    let js = js_sys::Error::new(&e.to_string());
    // Setting a property on a fresh Error object cannot fail.
    let _ = Reflect::set(&js, &"code".into(), &e.code().as_str().into());
    let _ = Reflect::set(&js, &"dokuDetails".into(), &record(&e.details()));
    js.into()
}

/// `Result<T, Error>` → `Result<T, JsValue>` with the structured error.
pub(crate) trait IntoJs<T> {
    fn js(self) -> Result<T, JsValue>;
}

impl<T> IntoJs<T> for Result<T, Error> {
    fn js(self) -> Result<T, JsValue> {
        self.map_err(|e| error(&e))
    }
}

/// A whole number of seconds from JavaScript (a `number`): refused, naming `field`, when it
/// is not finite, not whole, or beyond what a timestamp can hold.
pub(crate) fn whole_seconds(value: f64, field: &'static str) -> Result<i64, Error> {
    // 2^53: the largest range in which every f64 integer is exact.
    const LIMIT: f64 = 9_007_199_254_740_992.0;
    if value.is_finite() && value.fract() == 0.0 && value.abs() <= LIMIT {
        // In range and whole, so the conversion is exact.
        #[allow(clippy::cast_possible_truncation)]
        Ok(value as i64)
    } else {
        Err(Error::invalid_input(field, format!("{field} must be a whole number of seconds")))
    }
}

/// Flat `[name, value, name, value, ...]` pairs (what crosses cheaply) → received headers.
pub(crate) fn header_pairs(flat: &[String]) -> doku_checkout::ReceivedHeaders {
    doku_checkout::ReceivedHeaders::new(flat.chunks_exact(2).map(|p| (p[0].as_str(), p[1].as_str())))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_become_camel_case() {
        assert_eq!(camel("http_status"), "httpStatus");
        assert_eq!(camel("raw_body"), "rawBody");
        assert_eq!(camel("code"), "code");
    }

    #[test]
    fn seconds_must_be_whole_and_finite() {
        assert_eq!(whole_seconds(1_700_000_000.0, "now").ok(), Some(1_700_000_000));
        assert_eq!(whole_seconds(-5.0, "now").ok(), Some(-5));
        for bad in [f64::NAN, f64::INFINITY, 1.5, 1e300] {
            assert_eq!(whole_seconds(bad, "now").expect_err("refused").field(), Some("now"));
        }
    }

    #[test]
    fn odd_header_lists_drop_the_dangling_name() {
        let h = header_pairs(&["Client-Id".into(), "MCH".into(), "Signature".into()]);
        assert_eq!((h.get("client-id"), h.get("signature")), (Some("MCH"), None));
    }
}
