//! A request ready to send: method, path, body bytes, and the signed DOKU headers.

use crate::credentials::{ClientId, SecretKey};
use crate::error::Error;
use crate::request_id::RequestId;
use crate::signing::SigningInput;
use crate::timestamp::Timestamp;

/// HTTP method of a DOKU operation.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Method {
    /// GET (no body, no Digest).
    Get,
    /// POST (JSON body, with Digest).
    Post,
}

impl Method {
    /// `GET` or `POST`.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Get => "GET",
            Self::Post => "POST",
        }
    }
}

/// Method, path (the Request-Target, already percent-encoded) and body of one operation.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PreparedRequest {
    /// GET or POST.
    pub method: Method,
    /// The path sent on the wire and signed as `Request-Target`.
    pub path: String,
    /// The path with its variable part named (`/orders/v1/status/{invoice_number}`): what
    /// traces show, since the path itself may hold the caller's invoice number.
    pub url_template: &'static str,
    /// The exact body bytes (compact JSON) for POST.
    pub body: Option<Vec<u8>>,
}

/// The four DOKU headers of one attempt.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SignedHeaders {
    /// `Client-Id`.
    pub client_id: String,
    /// `Request-Id`.
    pub request_id: String,
    /// `Request-Timestamp`.
    pub timestamp: String,
    /// `Signature`.
    pub signature: String,
}

impl SignedHeaders {
    /// As `(name, value)` pairs in DOKU's spelling.
    pub fn pairs(&self) -> [(&'static str, &str); 4] {
        [
            ("Client-Id", &self.client_id),
            ("Request-Id", &self.request_id),
            ("Request-Timestamp", &self.timestamp),
            ("Signature", &self.signature),
        ]
    }
}

impl PreparedRequest {
    /// Signs this request for one attempt at time `now`.
    pub fn sign(
        &self,
        client_id: &ClientId,
        secret: &SecretKey,
        request_id: &RequestId,
        now: Timestamp,
    ) -> Result<SignedHeaders, Error> {
        let timestamp = now.to_string();
        let input =
            SigningInput::new(client_id.as_str(), request_id.as_str(), &timestamp, &self.path, self.body.as_deref())?;
        let signature = input.sign(secret);
        Ok(SignedHeaders {
            client_id: client_id.as_str().to_owned(),
            request_id: request_id.as_str().to_owned(),
            timestamp,
            signature,
        })
    }
}
