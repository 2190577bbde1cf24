//! The async HTTP client: signing, retries with one Request-Id, typed results.

mod build;
mod send;
mod transport;

use std::sync::Arc;

pub(crate) use build::install_crypto_provider;

use crate::channels::{CancelSupport, cancel_support};
use crate::config::{ClientBuilder, ClientConfig, ClientSettings};
use crate::credentials::SecretKey;
use crate::error::Error;
use crate::operations::{
    CancelByInvoice, CancelOrderRequest, CancelOrderResult, CreateCheckoutRequest, CreateCheckoutResult,
    OrderStatusRequest, OrderStatusResult,
};
use crate::request_id::RequestId;

/// A DOKU Checkout API client. Cheap to clone (shared connection pool); use one per process.
#[derive(Clone)]
pub struct Client {
    inner: Arc<Inner>,
}

struct Inner {
    transport: transport::Transport,
    config: Arc<ClientConfig>,
}

impl std::fmt::Debug for Client {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The settings' own Debug: the key prints as `***`.
        f.debug_tuple("Client").field(&self.inner.config).finish()
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
        self.inner.config.base_url()
    }

    /// The Client ID.
    pub fn client_id(&self) -> &str {
        self.inner.config.client_id()
    }

    /// The settings in force, defaults resolved.
    pub fn settings(&self) -> ClientSettings {
        self.inner.config.settings()
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
        let reply = self.send(request.prepare(), request_id.clone()).await?;
        CancelOrderResult::from_response(request_id.as_str(), reply.status, &reply.body)
    }

    /// Cancels an unpaid order by its invoice number alone: reads the order's status first,
    /// refuses a paid, expired, refunded or cancelled order with `order_not_cancellable`
    /// without sending a cancel, and otherwise cancels quoting the checkout's Request-Id from
    /// the status answer (`transaction.original_request_id`). `request_id` is the cancel's, as
    /// in [`Client::cancel_order`]; retrying with it after an unknown outcome is safe.
    pub async fn cancel_by_invoice(
        &self,
        invoice_number: &str,
        note: &str,
        request_id: Option<&str>,
    ) -> Result<CancelOrderResult, Error> {
        self.cancel_planned(&CancelByInvoice::new(invoice_number, note, request_id)?).await
    }

    /// [`Client::cancel_by_invoice`] with a pre-built call.
    pub async fn cancel_planned(&self, call: &CancelByInvoice) -> Result<CancelOrderResult, Error> {
        let status = self.order_status(call.invoice_number()).await?;
        let request = call.decide(&status)?;
        self.cancel(&request, call.request_id().clone()).await
    }

    /// Creates a checkout page. **Store `result.request_id`**: cancelling needs it.
    pub async fn create_checkout(
        &self,
        request: &CreateCheckoutRequest,
        request_id: Option<&str>,
    ) -> Result<CreateCheckoutResult, Error> {
        let prepared = request.prepare()?;
        let request_id = request_id_or_new(request_id)?;
        let reply = self.send(prepared, request_id.clone()).await?;
        CreateCheckoutResult::from_response(request_id.as_str(), reply.status, &reply.body)
    }

    /// The current status of an order (GET, no body; unknown statuses are kept).
    pub async fn order_status(&self, invoice_number: &str) -> Result<OrderStatusResult, Error> {
        let prepared = OrderStatusRequest::new(invoice_number)?.prepare();
        let request_id = RequestId::generate();
        let reply = self.send(prepared, request_id.clone()).await?;
        OrderStatusResult::from_response(request_id.as_str(), reply.status, &reply.body)
    }

    /// Whether DOKU documents cancel support for a payment method (advisory only).
    pub fn cancel_support(&self, payment_method_type: &str) -> CancelSupport {
        cancel_support(payment_method_type)
    }
}
