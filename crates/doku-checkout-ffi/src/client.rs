//! `DokuClient`: async calls for Kotlin coroutines and Swift `async`, taking and returning
//! the core's own types (`ClientOptions`, `CreateCheckoutRequest`, the result records).
//!
//! Each call runs as its own tokio task, so cancelling the calling coroutine or Task never
//! leaves a cancel half-sent: the request finishes in the background, and calling again with
//! the same `request_id` returns DOKU's replay. Pass your own `request_id` (see
//! `newRequestId()`) when you may need to retry.

use doku_checkout::operations::{CancelOrderResult, CreateCheckoutRequest, CreateCheckoutResult, OrderStatusResult};
use doku_checkout::{Client, ClientOptions, UserAgent};

use crate::error::DokuError;
use crate::observe::traced;

/// The DOKU Checkout client. `toString()` never shows the secret.
#[derive(Debug, uniffi::Object)]
#[uniffi::export(Debug, Display)]
pub struct DokuClient {
    inner: Client,
}

impl std::fmt::Display for DokuClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "DokuClient(clientId={}, baseUrl={}, secretKey=***)", self.inner.client_id(), self.inner.base_url())
    }
}

pub(crate) type Call<T> = std::pin::Pin<Box<dyn std::future::Future<Output = Result<T, doku_checkout::Error>> + Send>>;

/// Each operation once, as an owned future: the async methods below and their blocking twins
/// (`blocking.rs`) only differ in how they wait for it.
impl DokuClient {
    pub(crate) fn cancel_call(
        &self,
        invoice_number: String,
        original_request_id: String,
        note: String,
        request_id: Option<String>,
    ) -> Call<CancelOrderResult> {
        let client = self.inner.clone();
        let invoice = invoice_number.clone();
        let call = Box::pin(async move {
            client.cancel_order(&invoice_number, &original_request_id, &note, request_id.as_deref()).await
        });
        traced("cancel_order", Some(&invoice), call)
    }

    pub(crate) fn by_invoice_call(
        &self,
        invoice_number: String,
        note: String,
        request_id: Option<String>,
    ) -> Call<CancelOrderResult> {
        let client = self.inner.clone();
        let invoice = invoice_number.clone();
        let call =
            Box::pin(async move { client.cancel_by_invoice(&invoice_number, &note, request_id.as_deref()).await });
        traced("cancel_by_invoice", Some(&invoice), call)
    }

    pub(crate) fn checkout_call(
        &self,
        request: CreateCheckoutRequest,
        request_id: Option<String>,
    ) -> Call<CreateCheckoutResult> {
        let client = self.inner.clone();
        let invoice = request.invoice_number.clone();
        let call = Box::pin(async move { client.create_checkout(&request, request_id.as_deref()).await });
        traced("create_checkout", Some(&invoice), call)
    }

    pub(crate) fn status_call(&self, invoice_number: String) -> Call<OrderStatusResult> {
        let client = self.inner.clone();
        let invoice = invoice_number.clone();
        traced("order_status", Some(&invoice), Box::pin(async move { client.order_status(&invoice_number).await }))
    }
}

/// Runs `fut` as its own task: dropping the caller's future (a cancelled coroutine) does not
/// abort a request that may already be on the wire.
async fn detached<T: Send + 'static>(
    fut: impl std::future::Future<Output = Result<T, doku_checkout::Error>> + Send + 'static,
) -> Result<T, DokuError> {
    match tokio::spawn(fut).await {
        Ok(result) => Ok(result?),
        Err(join) => Err(doku_checkout::Error::invalid_response(format!("the request task failed: {join}")).into()),
    }
}

#[uniffi::export(async_runtime = "tokio")]
impl DokuClient {
    /// Builds a client; bad settings throw `ConfigError` naming the setting in `details().field`.
    #[uniffi::constructor]
    pub fn new(client_id: String, secret_key: String, options: ClientOptions) -> Result<Self, DokuError> {
        Ok(Self { inner: options.build(client_id, secret_key, UserAgent::new("uniffi", "uniffi"))? })
    }

    /// Builds a client from its settings as JSON text, e.g. `{"environment":"production",
    /// "timeout_ms":10000}` (the snake_case names of the settings table; `{}` for the
    /// defaults), read as strictly as everywhere else. For Java, which cannot call the
    /// `ClientOptions` constructor (it takes Kotlin's unsigned types).
    #[uniffi::constructor]
    pub fn from_options_json(client_id: String, secret_key: String, options_json: String) -> Result<Self, DokuError> {
        Self::new(client_id, secret_key, ClientOptions::from_json(&options_json)?)
    }

    /// The base URL requests go to.
    pub fn base_url(&self) -> String {
        self.inner.base_url().to_owned()
    }

    /// Cancels an unpaid order. Retrying with the same `request_id` is always safe.
    pub async fn cancel_order(
        &self,
        invoice_number: String,
        original_request_id: String,
        note: String,
        request_id: Option<String>,
    ) -> Result<CancelOrderResult, DokuError> {
        detached(self.cancel_call(invoice_number, original_request_id, note, request_id)).await
    }

    /// Cancels an unpaid order by its invoice number alone: DOKU's status is read first; a
    /// paid, expired, refunded or cancelled order is refused without a cancel being sent.
    pub async fn cancel_by_invoice(
        &self,
        invoice_number: String,
        note: String,
        request_id: Option<String>,
    ) -> Result<CancelOrderResult, DokuError> {
        detached(self.by_invoice_call(invoice_number, note, request_id)).await
    }

    /// Creates a checkout page; store `requestId` to cancel later.
    pub async fn create_checkout(
        &self,
        request: CreateCheckoutRequest,
        request_id: Option<String>,
    ) -> Result<CreateCheckoutResult, DokuError> {
        detached(self.checkout_call(request, request_id)).await
    }

    /// The current status of an order.
    pub async fn order_status(&self, invoice_number: String) -> Result<OrderStatusResult, DokuError> {
        detached(self.status_call(invoice_number)).await
    }
}
