#![doc = include_str!("../README.md")]
// uniffi errors cross the FFI by value as a buffer; boxing them is neither possible nor useful.
#![allow(clippy::result_large_err)]

uniffi::setup_scaffolding!();

mod client;
mod conformance;
mod error;
mod signing;

pub use client::{
    CancelResult, CheckoutResult, ClientOptions, CreateCheckoutInput, DokuClient, LineItem, StatusResult,
};
pub use error::DokuError;
pub use signing::{DokuSigner, HeaderPair, SigningRequest, VerifiedNotification};
