//! `Request-Id`: DOKU's idempotency key, unique per logical request, at most 128 characters.

use std::fmt;

use crate::error::Error;
use crate::hygiene::check_header_value;

/// Longest Request-Id DOKU accepts.
pub const MAX_REQUEST_ID_LEN: usize = 128;

/// A validated Request-Id (1–128 visible ASCII characters).
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct RequestId(String);

impl RequestId {
    /// A fresh random UUID v4, the form every DOKU sample uses.
    pub fn generate() -> Self {
        Self(uuid::Uuid::new_v4().to_string())
    }

    /// Accepts a caller-chosen id if it is 1–128 visible ASCII characters.
    pub fn new(value: impl Into<String>) -> Result<Self, Error> {
        let value = value.into();
        check_header_value("request_id", &value, MAX_REQUEST_ID_LEN)?;
        Ok(Self(value))
    }

    /// The id as sent in the `Request-Id` header.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for RequestId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("RequestId").field(&self.0).finish()
    }
}

impl fmt::Display for RequestId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A new random Request-Id as a string.
pub fn new_request_id() -> String {
    RequestId::generate().0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_ids_are_uuid_v4_and_unique() {
        let a = RequestId::generate();
        let b = RequestId::generate();
        assert_ne!(a, b);
        assert_eq!(a.as_str().len(), 36);
        assert_eq!(a.as_str().as_bytes()[14], b'4');
    }

    #[test]
    fn length_limits() {
        assert!(RequestId::new("a".repeat(128)).is_ok());
        assert!(RequestId::new("a".repeat(129)).is_err());
        assert!(RequestId::new("").is_err());
    }

    #[test]
    fn printing_and_the_string_form() {
        let id = RequestId::new("req-7").expect("valid");
        assert_eq!(format!("{id}"), "req-7");
        assert_eq!(format!("{id:?}"), "RequestId(\"req-7\")");
        let fresh = new_request_id();
        assert_eq!(fresh.len(), 36);
        assert_eq!(fresh.as_bytes()[14], b'4', "{fresh}");
        assert!(RequestId::new(fresh.clone()).is_ok());
        assert_ne!(fresh, new_request_id());
    }
}
