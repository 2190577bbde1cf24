#![doc = include_str!("../README.md")]

uniffi::setup_scaffolding!();

mod client;
mod conformance;
mod error;
mod signing;

pub use client::{
    CancelResult, CheckoutResult, ClientOptions, CreateCheckoutInput, DokuClient, LineItem, StatusResult,
};
pub use error::DokuError;
pub use signing::{HeaderPair, VerifiedNotification};
