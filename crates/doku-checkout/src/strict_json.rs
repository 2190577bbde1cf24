//! Caller-supplied JSON (binding options, request objects) read strictly: unknown keys and
//! wrong types are refused with the first bad field named, never coerced.

use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::error::Error;

/// Deserialises `value`; on failure calls `error(field, message)` where `field` is the first
/// path segment when it is one of `known`, else `fallback`.
pub(crate) fn deserialize<T: DeserializeOwned>(
    value: Value,
    known: &[&'static str],
    fallback: &'static str,
    error: fn(&'static str, String) -> Error,
) -> Result<T, Error> {
    serde_path_to_error::deserialize(value).map_err(|e| {
        let first = e.path().iter().next().and_then(|segment| match segment {
            serde_path_to_error::Segment::Map { key } => known.iter().find(|k| **k == key.as_str()).copied(),
            _ => None,
        });
        let place = e.path().to_string();
        let message = if place == "." { e.inner().to_string() } else { format!("{place}: {}", e.inner()) };
        error(first.unwrap_or(fallback), message)
    })
}

/// Parses JSON text of at most `max_bytes` and deserialises it like [`deserialize`].
pub(crate) fn from_str<T: DeserializeOwned>(
    text: &str,
    max_bytes: usize,
    known: &[&'static str],
    fallback: &'static str,
    error: fn(&'static str, String) -> Error,
) -> Result<T, Error> {
    if text.len() > max_bytes {
        return Err(error(fallback, format!("{fallback} is larger than {max_bytes} bytes")));
    }
    let value = serde_json::from_str(text).map_err(|e| error(fallback, format!("{fallback} is not JSON: {e}")))?;
    deserialize(value, known, fallback, error)
}
