//! The async HTTP client: signing, retries with one Request-Id, typed results.

mod builder;
mod environment;
mod options;
mod send;

use std::sync::Arc;
use std::time::Duration;

pub use builder::{
    ClientBuilder, DEFAULT_CONNECT_TIMEOUT, DEFAULT_MAX_RESPONSE_BYTES, DEFAULT_TIMEOUT, MAX_RETRIES_LIMIT,
};
pub(crate) use builder::{TIMEOUT_RANGE, install_crypto_provider};
pub use environment::Environment;
pub use options::ClientOptions;

use crate::channels::{CancelSupport, cancel_support};
use crate::credentials::{ClientId, SecretKey};
use crate::error::Error;
use crate::operations::{
    CancelOrderRequest, CancelOrderResult, CreateCheckoutRequest, CreateCheckoutResult, OrderStatusRequest,
    OrderStatusResult,
};
use crate::request_id::RequestId;
use crate::retry::RetryPolicy;
use crate::timestamp::Clock;

/// A DOKU Checkout API client. Cheap to clone (shared connection pool); use one per process.
#[derive(Clone)]
pub struct Client {
    inner: Arc<Inner>,
}

struct Inner {
    http: reqwest::Client,
    base_url: String,
    client_id: ClientId,
    secret: SecretKey,
    timeout: Duration,
    connect_timeout: Duration,
    proxy: Option<String>,
    retry: RetryPolicy,
    verify_response_signatures: bool,
    clock: Arc<dyn Clock>,
    max_response_bytes: usize,
    deadline: Duration,
}

/// The settings a client runs with, defaults resolved (what the shared `config.json` vectors
/// compare in every language).
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct ClientSettings {
    /// Where requests go.
    pub base_url: String,
    /// Per-attempt timeout.
    pub timeout_ms: u128,
    /// Connect timeout.
    pub connect_timeout_ms: u128,
    /// Retries after the first attempt.
    pub max_retries: u32,
    /// First backoff.
    pub initial_backoff_ms: u128,
    /// Largest backoff.
    pub max_backoff_ms: u128,
    /// The most one call may take.
    pub deadline_ms: u128,
    /// The largest response body read.
    pub max_response_bytes: usize,
    /// The proxy every request goes through, if any.
    pub proxy: Option<String>,
    /// Whether response signatures are verified.
    pub verify_response_signatures: bool,
}

impl std::fmt::Debug for Client {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Client")
            .field("client_id", &self.inner.client_id.as_str())
            .field("secret_key", &self.inner.secret)
            .field("base_url", &self.inner.base_url)
            .field("timeout", &self.inner.timeout)
            .field("retry", &self.inner.retry)
            .finish()
    }
}

fn request_id_or_new(request_id: Option<&str>) -> Result<RequestId, Error> {
    request_id.map_or_else(|| Ok(RequestId::generate()), RequestId::new)
}

impl Client {
    /// Starts a builder with the merchant's Client ID and Secret Key.
    pub fn builder(client_id: impl Into<String>, secret_key: impl Into<String>) -> ClientBuilder {
        ClientBuilder::new(client_id, SecretKey::new(secret_key))
    }

    /// Starts a builder with an already-loaded [`SecretKey`].
    pub fn builder_with_key(client_id: impl Into<String>, secret_key: SecretKey) -> ClientBuilder {
        ClientBuilder::new(client_id, Ok(secret_key))
    }

    /// The base URL requests go to.
    pub fn base_url(&self) -> &str {
        &self.inner.base_url
    }

    /// The Client ID.
    pub fn client_id(&self) -> &str {
        self.inner.client_id.as_str()
    }

    /// The settings in force, defaults resolved.
    pub fn settings(&self) -> ClientSettings {
        let i = &self.inner;
        ClientSettings {
            base_url: i.base_url.clone(),
            timeout_ms: i.timeout.as_millis(),
            connect_timeout_ms: i.connect_timeout.as_millis(),
            max_retries: i.retry.max_retries,
            initial_backoff_ms: i.retry.initial_backoff.as_millis(),
            max_backoff_ms: i.retry.max_backoff.as_millis(),
            deadline_ms: i.deadline.as_millis(),
            max_response_bytes: i.max_response_bytes,
            proxy: i.proxy.clone(),
            verify_response_signatures: i.verify_response_signatures,
        }
    }

    /// Cancels an unpaid checkout order.
    ///
    /// `original_request_id` is the Request-Id used when the checkout was created. Pass
    /// `request_id` to choose the idempotency key yourself (e.g. to retry a call whose outcome
    /// was unknown); otherwise a UUID v4 is generated before the first attempt. Either way the
    /// same id is sent on every retry, and repeating a call with it is always safe.
    pub async fn cancel_order(
        &self,
        invoice_number: &str,
        original_request_id: &str,
        note: &str,
        request_id: Option<&str>,
    ) -> Result<CancelOrderResult, Error> {
        let request = CancelOrderRequest::new(invoice_number, original_request_id, note)?;
        self.cancel(&request, request_id_or_new(request_id)?).await
    }

    /// [`Client::cancel_order`] with a pre-built request and Request-Id.
    pub async fn cancel(
        &self,
        request: &CancelOrderRequest,
        request_id: RequestId,
    ) -> Result<CancelOrderResult, Error> {
        let reply = self.send(request.prepare(), &request_id).await?;
        CancelOrderResult::from_response(request_id.as_str(), reply.status, &reply.body)
    }

    /// Creates a checkout page. **Store `result.request_id`**: cancelling needs it.
    pub async fn create_checkout(
        &self,
        request: &CreateCheckoutRequest,
        request_id: Option<&str>,
    ) -> Result<CreateCheckoutResult, Error> {
        let prepared = request.prepare()?;
        let request_id = request_id_or_new(request_id)?;
        let reply = self.send(prepared, &request_id).await?;
        CreateCheckoutResult::from_response(request_id.as_str(), reply.status, &reply.body)
    }

    /// The current status of an order (GET, no body; unknown statuses are kept).
    pub async fn order_status(&self, invoice_number: &str) -> Result<OrderStatusResult, Error> {
        let prepared = OrderStatusRequest::new(invoice_number)?.prepare();
        let request_id = RequestId::generate();
        let reply = self.send(prepared, &request_id).await?;
        OrderStatusResult::from_response(request_id.as_str(), reply.status, &reply.body)
    }

    /// Whether DOKU documents cancel support for a payment method (advisory only).
    pub fn cancel_support(&self, payment_method_type: &str) -> CancelSupport {
        cancel_support(payment_method_type)
    }
}
