//! The three DOKU operations as sans-IO request builders and response parsers.
//!
//! Each request type validates its fields when built, serialises its body **once** (the
//! bytes that are signed are the bytes that are sent), and parses DOKU's answer into a typed
//! result that keeps the raw body.

mod by_invoice;
mod cancel;
mod checkout;
mod prepared;
mod status;
mod status_body;
mod validate;

pub use by_invoice::CancelByInvoice;
pub use cancel::{CancelOrderRequest, CancelOrderResult};
pub use checkout::{CheckoutCustomer, CheckoutLineItem, CreateCheckoutRequest, CreateCheckoutResult, JsonObject};
pub use prepared::{Method, PreparedRequest, SignedHeaders};
pub use status::{OrderStatusRequest, OrderStatusResult};
