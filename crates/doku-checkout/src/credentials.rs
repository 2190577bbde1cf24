//! Merchant credentials: the public Client ID and the Secret Key that must never leak.

use std::fmt;

use zeroize::Zeroizing;

use crate::error::Error;
use crate::hygiene::check_header_value;

/// The merchant's Client ID from DOKU Back Office (e.g. `BRN-0239-...` or `MCH-0001-...`).
///
/// It goes into a header and into the string to sign, so it is checked for header hygiene
/// when constructed.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct ClientId(String);

impl ClientId {
    /// Checks the value (1–128 visible ASCII characters, no CR/LF/control) and wraps it.
    pub fn new(value: impl Into<String>) -> Result<Self, Error> {
        let value = value.into();
        check_header_value("client_id", &value, 128)?;
        Ok(Self(value))
    }

    /// The Client ID as sent in the `Client-Id` header.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for ClientId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("ClientId").field(&self.0).finish()
    }
}

impl fmt::Display for ClientId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// The merchant's Secret Key. Used as its raw UTF-8 bytes as the HMAC key (DOKU never
/// base64-decodes it). Debug and Display print `***`; the memory is zeroed on drop.
#[derive(Clone)]
pub struct SecretKey(Zeroizing<Vec<u8>>);

impl SecretKey {
    /// Wraps a secret key. It must not be empty.
    ///
    /// Leading or trailing whitespace is refused: it is nearly always a copy-paste accident,
    /// and DOKU would compute a different signature with it.
    pub fn new(value: impl Into<String>) -> Result<Self, Error> {
        let value = Zeroizing::new(value.into());
        if value.is_empty() {
            return Err(Error::invalid_input(
                "secret_key",
                "the secret key is empty: copy it from DOKU Back Office → Integration → API Keys",
            ));
        }
        if value.trim() != value.as_str() {
            return Err(Error::invalid_input(
                "secret_key",
                "the secret key has leading or trailing whitespace: check how it is loaded (a trailing newline from a file is the usual cause)",
            ));
        }
        Ok(Self(Zeroizing::new(value.as_bytes().to_vec())))
    }

    /// Any non-empty text, whitespace included: the signature doctor tries keys exactly as a
    /// merchant's program might hold them, mistakes and all.
    pub(crate) fn from_raw(value: &str) -> Option<Self> {
        (!value.is_empty()).then(|| Self(Zeroizing::new(value.as_bytes().to_vec())))
    }

    /// The key bytes, for the HMAC only.
    pub(crate) fn expose(&self) -> &[u8] {
        &self.0
    }
}

impl fmt::Debug for SecretKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SecretKey(***)")
    }
}

impl fmt::Display for SecretKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("***")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secret_never_prints() {
        let key = SecretKey::new("SK-very-secret-value").expect("valid key");
        assert_eq!(format!("{key}"), "***");
        assert_eq!(format!("{key:?}"), "SecretKey(***)");
        assert!(!format!("{key:#?}").contains("very-secret"));
    }

    #[test]
    fn secret_with_whitespace_is_refused_without_echoing_it() {
        let err = SecretKey::new("SK-abc\n").expect_err("must refuse");
        assert_eq!(err.code(), crate::ErrorCode::InvalidInput);
        assert!(!err.to_string().contains("SK-abc"));
        assert!(SecretKey::new("").is_err());
    }

    #[test]
    fn client_id_rejects_injection() {
        assert!(ClientId::new("MCH-1\r\nX-Evil: 1").is_err());
        assert!(ClientId::new("").is_err());
        assert_eq!(ClientId::new("MCH-1").expect("valid").as_str(), "MCH-1");
    }

    #[test]
    fn client_id_prints_itself() {
        let id = ClientId::new("MCH-0001").expect("valid");
        assert_eq!(format!("{id}"), "MCH-0001");
        assert_eq!(format!("{id:?}"), "ClientId(\"MCH-0001\")");
    }
}
