//! DOKU's Non-SNAP request signature.
//!
//! The string to sign is `Client-Id:…`, `Request-Id:…`, `Request-Timestamp:…`,
//! `Request-Target:…` and, only when there is a body, `Digest:…`, joined by a single LF with
//! no trailing newline. The signature is `HMACSHA256=` + base64(HMAC-SHA256(secret, string)).
//!
//! The components are streamed straight into the MAC, so signing allocates nothing but the
//! final header value; [`signing_string`] writes the very same components into a `String`
//! for people debugging a mismatch.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;

use crate::credentials::SecretKey;
use crate::digest::compute_digest;
use crate::error::Error;
use crate::hygiene::{check_header_value, check_request_target};
use crate::request_id::MAX_REQUEST_ID_LEN;
use crate::timestamp::Timestamp;

/// The prefix of every Non-SNAP signature value.
pub const SIGNATURE_PREFIX: &str = "HMACSHA256=";

type HmacSha256 = Hmac<Sha256>;

/// Which timestamp line the string carries: requests and notifications use
/// `Request-Timestamp`, DOKU's API responses `Response-Timestamp`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TimestampLabel {
    /// `Request-Timestamp` (requests and HTTP Notifications).
    Request,
    /// `Response-Timestamp` (signatures on DOKU's API responses).
    Response,
}

impl TimestampLabel {
    fn as_str(self) -> &'static str {
        match self {
            Self::Request => "Request-Timestamp",
            Self::Response => "Response-Timestamp",
        }
    }
}

/// The inputs of one signature. Build it with [`SigningInput::new`], which checks every
/// header-bound value, so an invalid input can never reach the MAC.
#[derive(Clone, Copy, Debug)]
pub struct SigningInput<'a> {
    client_id: &'a str,
    request_id: &'a str,
    timestamp: &'a str,
    request_target: &'a str,
    body: Option<&'a [u8]>,
    label: TimestampLabel,
}

impl<'a> SigningInput<'a> {
    /// Validates the components: ids and timestamp are visible ASCII (no CR/LF), the
    /// timestamp is strict `YYYY-MM-DDTHH:MM:SSZ`, the target starts with `/`.
    /// `body: None` means a request without a body (GET): no Digest line.
    pub fn new(
        client_id: &'a str,
        request_id: &'a str,
        timestamp: &'a str,
        request_target: &'a str,
        body: Option<&'a [u8]>,
    ) -> Result<Self, Error> {
        check_header_value("client_id", client_id, 128)?;
        check_header_value("request_id", request_id, MAX_REQUEST_ID_LEN)?;
        check_header_value("timestamp", timestamp, 20)?;
        Timestamp::parse(timestamp)?;
        check_request_target(request_target)?;
        Ok(Self { client_id, request_id, timestamp, request_target, body, label: TimestampLabel::Request })
    }

    /// Switches the timestamp line to `Response-Timestamp` (verifying DOKU's API responses).
    pub fn for_response(mut self) -> Self {
        self.label = TimestampLabel::Response;
        self
    }

    /// Feeds the string to sign, piece by piece, to `sink`. The single source of the format.
    fn write_to(&self, digest: Option<&str>, sink: &mut impl FnMut(&[u8])) {
        sink(b"Client-Id:");
        sink(self.client_id.as_bytes());
        sink(b"\nRequest-Id:");
        sink(self.request_id.as_bytes());
        sink(b"\n");
        sink(self.label.as_str().as_bytes());
        sink(b":");
        sink(self.timestamp.as_bytes());
        sink(b"\nRequest-Target:");
        sink(self.request_target.as_bytes());
        if let Some(d) = digest {
            sink(b"\nDigest:");
            sink(d.as_bytes());
        }
    }

    fn digest(&self) -> Option<String> {
        self.body.map(compute_digest)
    }

    /// The exact string to sign (LF separated, no trailing newline).
    pub fn string_to_sign(&self) -> String {
        let digest = self.digest();
        let mut out = Vec::with_capacity(256);
        self.write_to(digest.as_deref(), &mut |part| out.extend_from_slice(part));
        // Every component was checked to be ASCII and the digest is base64.
        String::from_utf8(out).unwrap_or_default()
    }

    fn mac(&self, secret: &SecretKey) -> HmacSha256 {
        // HMAC accepts keys of any length, so this cannot fail.
        let mut mac = <HmacSha256 as KeyInit>::new_from_slice(secret.expose()).unwrap_or_else(|_| unreachable!());
        let digest = self.digest();
        self.write_to(digest.as_deref(), &mut |part| mac.update(part));
        mac
    }

    /// The `Signature` header value: `HMACSHA256=<base64>`.
    pub fn sign(&self, secret: &SecretKey) -> String {
        let tag = self.mac(secret).finalize().into_bytes();
        let mut out = String::with_capacity(SIGNATURE_PREFIX.len() + 44);
        out.push_str(SIGNATURE_PREFIX);
        STANDARD.encode_string(tag, &mut out);
        out
    }

    /// Checks a received `Signature` value against these inputs, in constant time.
    ///
    /// Fails with `invalid_signature` and a reason: `wrong_prefix`, `malformed_signature`
    /// or `signature_mismatch`.
    pub fn verify(&self, secret: &SecretKey, signature: &str) -> Result<(), Error> {
        let tag = decode_signature(signature)?;
        self.mac(secret).verify_slice(&tag).map_err(|_| {
            Error::invalid_signature(
                "signature_mismatch",
                "the signature does not match: check the secret key, that the body is the raw bytes received (not re-serialised JSON), and that the request target is the exact path DOKU calls",
            )
        })
    }
}

/// Splits `HMACSHA256=<base64>` and decodes the 32-byte tag, with errors that name the mistake.
fn decode_signature(signature: &str) -> Result<Vec<u8>, Error> {
    let signature = signature.trim();
    let Some(encoded) = signature.strip_prefix(SIGNATURE_PREFIX) else {
        let hint = if signature.starts_with("HMACHSHA256=") {
            "the signature starts with HMACHSHA256= (an extra H, a known typo in an old DOKU library); DOKU uses HMACSHA256="
        } else {
            "the signature must start with HMACSHA256="
        };
        return Err(Error::invalid_signature("wrong_prefix", hint));
    };
    let looks_hex = encoded.len() == 64 && encoded.bytes().all(|b| b.is_ascii_hexdigit());
    match STANDARD.decode(encoded) {
        Ok(tag) if tag.len() == 32 && !looks_hex => Ok(tag),
        _ if looks_hex => Err(Error::invalid_signature(
            "malformed_signature",
            "the signature is hex-encoded; DOKU signatures are standard base64 (44 characters ending in '=')",
        )),
        _ => Err(Error::invalid_signature(
            "malformed_signature",
            "the signature after HMACSHA256= is not the base64 of a 32-byte HMAC-SHA256",
        )),
    }
}

/// Convenience: the string to sign for these inputs (validating them first).
pub fn signing_string(
    client_id: &str,
    request_id: &str,
    timestamp: &str,
    request_target: &str,
    body: Option<&[u8]>,
) -> Result<String, Error> {
    Ok(SigningInput::new(client_id, request_id, timestamp, request_target, body)?.string_to_sign())
}

/// Convenience: the `Signature` header value for these inputs (validating them first).
pub fn sign_request(
    secret: &SecretKey,
    client_id: &str,
    request_id: &str,
    timestamp: &str,
    request_target: &str,
    body: Option<&[u8]>,
) -> Result<String, Error> {
    Ok(SigningInput::new(client_id, request_id, timestamp, request_target, body)?.sign(secret))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key() -> SecretKey {
        SecretKey::new("SK-TEST-ONLY-0123456789").expect("valid")
    }

    #[test]
    fn reference_vector_v1_get() {
        let input = SigningInput::new(
            "MCH-0001-10791114622547",
            "d895fb53-479c-4f77-a76a-ab81b40d77cb",
            "2020-08-11T08:45:42Z",
            "/orders/v1/status/INV-123123-12313",
            None,
        )
        .expect("valid");
        assert_eq!(
            input.string_to_sign(),
            "Client-Id:MCH-0001-10791114622547\nRequest-Id:d895fb53-479c-4f77-a76a-ab81b40d77cb\nRequest-Timestamp:2020-08-11T08:45:42Z\nRequest-Target:/orders/v1/status/INV-123123-12313"
        );
        assert_eq!(input.sign(&key()), "HMACSHA256=i0P1zaM2J+dMqTB3+KLiq2ZT88tjbVBZPKPDlHBM8dg=");
        let (c, r, t, g, b) = (input.client_id, input.request_id, input.timestamp, input.request_target, input.body);
        assert_eq!(sign_request(&key(), c, r, t, g, b).expect("valid"), input.sign(&key()));
        assert_eq!(signing_string(c, r, t, g, b).expect("valid"), input.string_to_sign());
    }

    #[test]
    fn header_injection_never_signs() {
        let r = sign_request(&key(), "MCH-1", "id\r\nX-Evil: 1", "2020-08-11T08:45:42Z", "/x", None);
        assert_eq!(r.expect_err("refused").field(), Some("request_id"));
    }

    #[test]
    fn verify_reasons() {
        let input = SigningInput::new("C", "R", "2020-08-11T08:45:42Z", "/x", Some(b"{}")).expect("valid");
        let good = input.sign(&key());
        assert!(input.verify(&key(), &good).is_ok());
        let typo = good.replacen("HMACSHA256=", "HMACHSHA256=", 1);
        assert_eq!(input.verify(&key(), &typo).expect_err("typo").reason(), Some("wrong_prefix"));
        let hex = format!("HMACSHA256={}", "ab".repeat(32));
        assert_eq!(input.verify(&key(), &hex).expect_err("hex").reason(), Some("malformed_signature"));
        let other = SecretKey::new("other").expect("valid");
        assert_eq!(input.verify(&other, &good).expect_err("wrong key").reason(), Some("signature_mismatch"));
    }

    fn refusal(signature: &str) -> (String, String) {
        let e = decode_signature(signature).expect_err("refused");
        (e.reason().unwrap_or_default().to_owned(), e.message().to_owned())
    }

    #[test]
    fn decode_signature_accepts_exactly_a_base64_32_byte_tag() {
        let tag = [7u8; 32];
        let encoded = STANDARD.encode(tag);
        assert_eq!(decode_signature(&format!("HMACSHA256={encoded}")).expect("valid"), tag);
        assert_eq!(decode_signature(&format!("  HMACSHA256={encoded}\n")).expect("trimmed"), tag);
        for len in [31, 33, 0] {
            let (reason, message) = refusal(&format!("HMACSHA256={}", STANDARD.encode(vec![7u8; len])));
            assert_eq!(reason, "malformed_signature", "{len} bytes");
            assert!(message.contains("not the base64 of a 32-byte HMAC-SHA256"), "{len}: {message}");
        }
    }

    #[test]
    fn decode_signature_names_a_hex_signature() {
        // 64 hex digits: also valid base64 (of 48 bytes), so only the hex check can name it.
        let hex = "0123456789abcdef".repeat(4);
        let (reason, message) = refusal(&format!("HMACSHA256={hex}"));
        assert_eq!(reason, "malformed_signature");
        assert!(message.contains("hex-encoded"), "{message}");
        // 63 or 65 hex digits, and 64 characters that are base64 but not hex, are not called hex.
        for other in [&hex[..63], &format!("{hex}0")[..], &"QUJD".repeat(16)[..], &"g".repeat(64)[..]] {
            let (reason, message) = refusal(&format!("HMACSHA256={other}"));
            assert_eq!(reason, "malformed_signature", "{other}");
            assert!(!message.contains("hex"), "{other}: {message}");
        }
    }

    #[test]
    fn decode_signature_names_a_wrong_prefix() {
        let (reason, message) = refusal("HMACHSHA256=AAAA");
        assert_eq!(reason, "wrong_prefix");
        assert!(message.contains("an extra H"), "{message}");
        let (reason, message) = refusal("hmacsha256=AAAA");
        assert_eq!(reason, "wrong_prefix");
        assert_eq!(message, "the signature must start with HMACSHA256=");
    }

    #[test]
    fn signing_string_is_the_documented_text() {
        let with_body = signing_string("C", "R", "2020-08-11T08:45:42Z", "/x", Some(b"{}")).expect("valid");
        assert_eq!(
            with_body,
            format!(
                "Client-Id:C\nRequest-Id:R\nRequest-Timestamp:2020-08-11T08:45:42Z\nRequest-Target:/x\nDigest:{}",
                crate::compute_digest(b"{}")
            )
        );
        let response = SigningInput::new("C", "R", "2020-08-11T08:45:42Z", "/x", None).expect("valid").for_response();
        assert_eq!(
            response.string_to_sign(),
            "Client-Id:C\nRequest-Id:R\nResponse-Timestamp:2020-08-11T08:45:42Z\nRequest-Target:/x"
        );
        assert!(signing_string("C", "R", "2020-08-11T08:45:42Z", "no-slash", None).is_err());
    }
}
