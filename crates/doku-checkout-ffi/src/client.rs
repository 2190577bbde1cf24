//! `DokuClient`: async calls for Kotlin coroutines and Swift `async`.
//!
//! Each call runs as its own tokio task, so cancelling the calling coroutine or Task never
//! leaves a cancel half-sent: the request finishes in the background, and calling again with
//! the same `request_id` returns DOKU's replay. Pass your own `request_id` (see
//! `newRequestId()`) when you may need to retry.

use std::time::Duration;

use doku_checkout::operations::{
    CancelOrderResult, CheckoutCustomer, CheckoutLineItem, CreateCheckoutRequest, CreateCheckoutResult,
    OrderStatusResult,
};
use doku_checkout::{Client, Environment, UserAgent};

use crate::error::{DokuError, internal};

/// Client settings (the secret key is passed separately so no record ever prints it).
#[derive(Debug, Clone, uniffi::Record)]
pub struct ClientOptions {
    /// `sandbox` or `production`.
    #[uniffi(default = "sandbox")]
    pub environment: String,
    /// A custom base URL (https, or http for loopback).
    #[uniffi(default = None)]
    pub base_url: Option<String>,
    /// Per-attempt timeout.
    #[uniffi(default = 30000)]
    pub timeout_ms: u64,
    /// Connect timeout.
    #[uniffi(default = 10000)]
    pub connect_timeout_ms: u64,
    /// Retries after the first attempt.
    #[uniffi(default = 2)]
    pub max_retries: u32,
    /// Verify DOKU's response signatures (opt-in).
    #[uniffi(default = false)]
    pub verify_response_signatures: bool,
    /// Runtime for the User-Agent, e.g. `kotlin/2.4.21` or `swift/6.0`.
    #[uniffi(default = "kotlin")]
    pub runtime: String,
}

/// The outcome of `cancelOrder`.
#[derive(Debug, Clone, uniffi::Record)]
pub struct CancelResult {
    /// The Request-Id sent on every attempt.
    pub request_id: String,
    /// 200, or 409 when DOKU replayed the original success.
    pub http_status: u16,
    /// DOKU's `message` list.
    pub messages: Vec<String>,
    /// The order status in the answer, if any.
    pub order_status: Option<String>,
    /// DOKU replayed the original success of this Request-Id.
    pub replayed: bool,
    /// The raw response body.
    pub raw: String,
}

impl From<CancelOrderResult> for CancelResult {
    fn from(r: CancelOrderResult) -> Self {
        Self {
            request_id: r.request_id,
            http_status: r.http_status,
            messages: r.messages,
            order_status: r.order_status,
            replayed: r.replayed,
            raw: r.raw_body,
        }
    }
}

/// One order line.
#[derive(Debug, Clone, uniffi::Record)]
pub struct LineItem {
    /// Name.
    pub name: String,
    /// Unit price in IDR.
    pub price: u64,
    /// Quantity.
    pub quantity: u32,
}

/// A create-checkout request.
#[derive(Debug, Clone, uniffi::Record)]
pub struct CreateCheckoutInput {
    /// Invoice number, 1–64 characters.
    pub invoice_number: String,
    /// IDR.
    pub amount: u64,
    /// Minutes until the page expires.
    #[uniffi(default = None)]
    pub payment_due_minutes: Option<u32>,
    /// Allowed payment method types.
    #[uniffi(default = [])]
    pub payment_method_types: Vec<String>,
    /// Customer name.
    #[uniffi(default = None)]
    pub customer_name: Option<String>,
    /// Customer e-mail.
    #[uniffi(default = None)]
    pub customer_email: Option<String>,
    /// Order lines (must add up to `amount`).
    #[uniffi(default = [])]
    pub line_items: Vec<LineItem>,
    /// After-payment callback URL.
    #[uniffi(default = None)]
    pub callback_url: Option<String>,
    /// Extra body fields as a JSON object string, merged into the request.
    #[uniffi(default = None)]
    pub extra_json: Option<String>,
    /// Request-Id for the create call.
    #[uniffi(default = None)]
    pub request_id: Option<String>,
}

/// A created checkout page.
#[derive(Debug, Clone, uniffi::Record)]
pub struct CheckoutResult {
    /// Store this: cancelling needs it as `originalRequestId`.
    pub request_id: String,
    /// HTTP status.
    pub http_status: u16,
    /// DOKU's `message` list.
    pub messages: Vec<String>,
    /// Where to send the customer.
    pub payment_url: String,
    /// DOKU's token id.
    pub token_id: Option<String>,
    /// Expiry as Unix seconds.
    pub expires_at_unix: Option<i64>,
    /// The raw response body.
    pub raw: String,
}

impl From<CreateCheckoutResult> for CheckoutResult {
    fn from(r: CreateCheckoutResult) -> Self {
        Self {
            request_id: r.request_id,
            http_status: r.http_status,
            messages: r.messages,
            payment_url: r.payment_url,
            token_id: r.token_id,
            expires_at_unix: r.expires_at.map(|t| t.unix()),
            raw: r.raw_body,
        }
    }
}

/// An order's status.
#[derive(Debug, Clone, uniffi::Record)]
pub struct StatusResult {
    /// The Request-Id sent.
    pub request_id: String,
    /// HTTP status.
    pub http_status: u16,
    /// `order.invoice_number`.
    pub invoice_number: Option<String>,
    /// The most specific status; unknown values are kept.
    pub status: Option<String>,
    /// `transaction.status`.
    pub transaction_status: Option<String>,
    /// `order.status`.
    pub order_status: Option<String>,
    /// The raw response body.
    pub raw: String,
}

impl From<OrderStatusResult> for StatusResult {
    fn from(r: OrderStatusResult) -> Self {
        Self {
            status: r.status().map(str::to_owned),
            request_id: r.request_id,
            http_status: r.http_status,
            invoice_number: r.invoice_number,
            transaction_status: r.transaction_status,
            order_status: r.order_status,
            raw: r.raw_body,
        }
    }
}

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

/// Runs `fut` as its own task: dropping the caller's future (a cancelled coroutine) does not
/// abort a request that may already be on the wire.
async fn detached<T: Send + 'static>(
    fut: impl std::future::Future<Output = Result<T, doku_checkout::Error>> + Send + 'static,
) -> Result<T, DokuError> {
    match tokio::spawn(fut).await {
        Ok(result) => Ok(result?),
        Err(join) => Err(internal(format!("the request task failed: {join}"))),
    }
}

#[uniffi::export(async_runtime = "tokio")]
impl DokuClient {
    /// Builds a client; configuration errors throw `ConfigError`.
    #[uniffi::constructor]
    pub fn new(client_id: String, secret_key: String, options: ClientOptions) -> Result<Self, DokuError> {
        let mut b = Client::builder(client_id, secret_key)
            .timeout(Duration::from_millis(options.timeout_ms))
            .connect_timeout(Duration::from_millis(options.connect_timeout_ms))
            .max_retries(options.max_retries)
            .verify_response_signatures(options.verify_response_signatures)
            .user_agent(UserAgent::new("uniffi", options.runtime));
        b = match options.base_url {
            Some(url) => b.base_url(url),
            None => b.environment(Environment::parse(&options.environment)?),
        };
        Ok(Self { inner: b.build()? })
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
    ) -> Result<CancelResult, DokuError> {
        let client = self.inner.clone();
        detached(async move {
            client.cancel_order(&invoice_number, &original_request_id, &note, request_id.as_deref()).await
        })
        .await
        .map(CancelResult::from)
    }

    /// Creates a checkout page; store `requestId` to cancel later.
    pub async fn create_checkout(&self, input: CreateCheckoutInput) -> Result<CheckoutResult, DokuError> {
        let extra = match input.extra_json.as_deref() {
            None => None,
            Some(text) => match serde_json::from_str(text) {
                Ok(serde_json::Value::Object(map)) => Some(map),
                _ => {
                    return Err(
                        doku_checkout::Error::invalid_input("extra_json", "extra_json must be a JSON object").into()
                    );
                }
            },
        };
        let request = CreateCheckoutRequest {
            invoice_number: input.invoice_number,
            amount: input.amount,
            payment_due_minutes: input.payment_due_minutes,
            payment_method_types: input.payment_method_types,
            customer: (input.customer_name.is_some() || input.customer_email.is_some()).then(|| CheckoutCustomer {
                name: input.customer_name,
                email: input.customer_email,
                ..Default::default()
            }),
            line_items: input
                .line_items
                .into_iter()
                .map(|i| CheckoutLineItem { name: i.name, price: i.price, quantity: i.quantity })
                .collect(),
            callback_url: input.callback_url,
            extra,
            ..Default::default()
        };
        let client = self.inner.clone();
        let request_id = input.request_id;
        detached(async move { client.create_checkout(&request, request_id.as_deref()).await })
            .await
            .map(CheckoutResult::from)
    }

    /// The current status of an order.
    pub async fn order_status(&self, invoice_number: String) -> Result<StatusResult, DokuError> {
        let client = self.inner.clone();
        detached(async move { client.order_status(&invoice_number).await }).await.map(StatusResult::from)
    }
}
