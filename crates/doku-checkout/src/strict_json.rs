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
    // serde would also read a struct from an array, by position: never wanted here.
    if !value.is_object() {
        return Err(error(fallback, format!("{fallback} must be a JSON object")));
    }
    serde_path_to_error::deserialize(value).map_err(|e| {
        let first = e.path().iter().next().and_then(|segment| match segment {
            serde_path_to_error::Segment::Map { key } => known.iter().find(|k| **k == key.as_str()).copied(),
            _ => None,
        });
        let place = e.path().to_string();
        let what = without_value(&e.inner().to_string());
        let message = if place == "." { what } else { format!("{place}: {what}") };
        error(first.unwrap_or(fallback), message)
    })
}

/// serde's `invalid type: string "…", expected u32` without the value: a caller may have put
/// a secret (or a whole environment) where an option belongs, and errors end up in logs.
fn without_value(message: &str) -> String {
    let is_type_error = message.starts_with("invalid type: ") || message.starts_with("invalid value: ");
    match message.split_once(", expected ") {
        Some((found, expected)) if is_type_error => {
            let kind: Vec<&str> = found.split(' ').take_while(|w| !w.starts_with(['"', '`'])).collect();
            format!("{}, expected {expected}", kind.join(" "))
        }
        _ => message.to_owned(),
    }
}

/// Parses JSON text of at most `max_bytes`.
pub(crate) fn parse(
    text: &str,
    max_bytes: usize,
    fallback: &'static str,
    error: fn(&'static str, String) -> Error,
) -> Result<Value, Error> {
    if text.len() > max_bytes {
        return Err(error(fallback, format!("{fallback} is larger than {max_bytes} bytes")));
    }
    serde_json::from_str(text).map_err(|e| error(fallback, format!("{fallback} is not JSON: {e}")))
}

/// Refuses text holding a whole number beyond 64 bits: serde reads one as a float, and the
/// request would carry another number than the caller wrote. Checked after deserialising, so
/// a typed field refuses it first under its own name.
pub(crate) fn exact_integers(
    text: &str,
    fallback: &'static str,
    error: fn(&'static str, String) -> Error,
) -> Result<(), Error> {
    if has_oversized_integer(text) {
        let message = format!("{fallback} holds a whole number beyond 64 bits, which cannot be sent exactly");
        return Err(error(fallback, message));
    }
    Ok(())
}

/// [`parse`], [`deserialize`], then [`exact_integers`].
pub(crate) fn from_str<T: DeserializeOwned>(
    text: &str,
    max_bytes: usize,
    known: &[&'static str],
    fallback: &'static str,
    error: fn(&'static str, String) -> Error,
) -> Result<T, Error> {
    let value = deserialize(parse(text, max_bytes, fallback, error)?, known, fallback, error)?;
    exact_integers(text, fallback, error)?;
    Ok(value)
}

/// Whether a number token outside strings is an integer (no `.`, `e`) that fits neither
/// `i64` nor `u64`.
fn has_oversized_integer(text: &str) -> bool {
    let (mut in_string, mut escaped, mut token) = (false, false, String::new());
    let oversized = |t: &str| {
        !t.is_empty() && !t.contains(['.', 'e', 'E']) && t.parse::<i64>().is_err() && t.parse::<u64>().is_err()
    };
    for c in text.chars() {
        if in_string {
            (escaped, in_string) = (!escaped && c == '\\', escaped || c != '"');
        } else if c == '-' || c.is_ascii_alphanumeric() || c == '.' || c == '+' {
            token.push(c);
        } else {
            if oversized(&token) {
                return true;
            }
            token.clear();
            in_string = c == '"';
        }
    }
    oversized(&token)
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[derive(Debug, serde::Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Probe {
        count: Option<u32>,
        name: Option<String>,
    }

    fn refuse(value: Value) -> Error {
        deserialize::<Probe>(value, &["count", "name"], "probe", Error::invalid_input).expect_err("refused")
    }

    #[test]
    fn names_the_field_and_never_echoes_the_value() {
        let e = refuse(json!({"count": "SK-SECRET-1"}));
        assert_eq!(e.field(), Some("count"));
        assert_eq!(e.message(), "count: invalid type: string, expected u32");
        let e = refuse(json!({"name": 12, "count": 1}));
        assert_eq!((e.field(), e.message()), (Some("name"), "name: invalid type: integer, expected a string"));
        let e = refuse(json!({"count": -1}));
        assert!(e.message().starts_with("count: invalid value: integer, expected u32"), "{}", e.message());
        let e = refuse(json!({"count": 1.5}));
        assert!(!e.message().contains("1.5"), "{}", e.message());
        let e = refuse(json!({"cuont": 1}));
        assert_eq!(e.field(), Some("probe"));
        assert!(e.message().contains("unknown field `cuont`"), "{}", e.message());
        assert_eq!(refuse(json!([1])).field(), Some("probe"));
        assert_eq!(refuse(json!([])).message(), "probe must be a JSON object");
    }

    #[test]
    fn integers_beyond_64_bits_are_refused_not_rounded() {
        assert!(!has_oversized_integer(r#"{"a":18446744073709551615,"b":-9223372036854775808,"c":1.5e300}"#));
        assert!(has_oversized_integer(r#"{"a":18446744073709551616}"#));
        assert!(!has_oversized_integer("[1e+99999999999999999999]"), "an exponent is part of a float, not an integer");
        assert!(has_oversized_integer(r#"[-9223372036854775809]"#));
        assert!(has_oversized_integer("123456789012345678901234567890"));
        assert!(!has_oversized_integer(r#"{"s":"123456789012345678901234567890","t":"\"9999999999999999999999\""}"#));
        assert!(has_oversized_integer(r#"{"s":"x\\","n":99999999999999999999999}"#));
        let e =
            from_str::<Value>(r#"{"extra":{"n":99999999999999999999999}}"#, 1024, &[], "request", Error::invalid_input);
        assert!(e.expect_err("big").message().contains("beyond 64 bits"));
    }

    #[test]
    fn text_is_bounded_and_must_be_json() {
        let r = |t: &str| from_str::<Probe>(t, 16, &["count"], "probe", Error::invalid_input).map(|_| ());
        assert!(r(r#"{"count":1}"#).is_ok());
        assert!(r(r#"{"count":123456}"#).is_ok(), "exactly 16 bytes fit");
        assert!(
            r(&format!(r#"{{"name":"{}"}}"#, "x".repeat(20))).expect_err("long").message().contains("larger than 16")
        );
        assert!(r("{").expect_err("json").message().contains("not JSON"));
    }
}
