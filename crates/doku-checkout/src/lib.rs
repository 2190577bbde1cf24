#![doc = include_str!("../README.md")]

pub mod batch;
mod channels;
pub mod checkout_reading;
mod classify;
mod config;
mod credentials;
mod digest;
pub mod doctor;
mod error;
pub mod exchange;
mod headers;
mod hygiene;
mod json_writer;
pub mod lifecycle;
mod notification;
mod notification_fields;
pub mod observe;
pub mod operations;
pub mod payment_bodies;
mod request_id;
pub mod retry;
mod shown;
mod signing;
mod strict_json;
mod test_notification;
mod timestamp;
mod user_agent;
pub mod webhook_check;

#[cfg(any(feature = "uniffi", feature = "napi", feature = "python"))]
mod binding_support;
#[cfg(feature = "conformance")]
pub mod conformance;
#[cfg(feature = "uniffi")]
uniffi::setup_scaffolding!();

#[cfg(feature = "client")]
pub mod blocking;
#[cfg(feature = "client")]
mod client;

pub use channels::{CancelSupport, cancel_support};
pub use classify::{Classified, classify, doku_messages};
pub use credentials::{ClientId, SecretKey};
pub use digest::compute_digest;
pub use error::{Error, ErrorCode, ErrorDetails};
pub use headers::ReceivedHeaders;
pub use notification::{
    DEFAULT_NOTIFICATION_TOLERANCE_SECONDS, VerifiedNotification, VerifyOptions, verify_notification, verify_response,
};
pub use notification_fields::NotificationFields;
pub use request_id::{MAX_REQUEST_ID_LEN, RequestId, new_request_id};
pub use signing::{SIGNATURE_PREFIX, SigningInput, sign_request, signing_string};
pub use test_notification::sign_notification;
pub use timestamp::{Clock, FixedClock, SystemClock, Timestamp, WIB_OFFSET_SECONDS};
pub use user_agent::UserAgent;

pub use config::{
    ClientBuilder, ClientConfig, ClientOptions, ClientSettings, DEFAULT_CONNECT_TIMEOUT, DEFAULT_MAX_RESPONSE_BYTES,
    DEFAULT_TIMEOUT, Environment, MAX_RETRIES_LIMIT,
};

#[cfg(feature = "client")]
pub use client::Client;

/// This crate's version, as sent in the User-Agent.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");
