//! `NativeClient`: every call returns a Promise and runs on napi's tokio runtime, so the
//! event loop never waits on the network.

use std::time::Duration;

use doku_checkout::operations::{
    CancelOrderResult, CheckoutCustomer, CheckoutLineItem, CreateCheckoutRequest, CreateCheckoutResult,
    OrderStatusResult,
};
use doku_checkout::{Client, Environment, Error, UserAgent};
use napi::bindgen_prelude::PromiseRaw;
use napi::{Env, Result};
use napi_derive::napi;

use crate::errors::{IntoNapi, to_napi};

#[napi(object)]
pub struct ClientOptions {
    pub client_id: String,
    pub secret_key: String,
    pub environment: Option<String>,
    pub base_url: Option<String>,
    pub timeout_ms: Option<u32>,
    pub connect_timeout_ms: Option<u32>,
    pub max_retries: Option<u32>,
    pub verify_response_signatures: Option<bool>,
    /// e.g. `node/20.20.2`, for the User-Agent.
    pub runtime: Option<String>,
}

#[napi(object)]
pub struct CancelResult {
    pub request_id: String,
    pub http_status: u32,
    pub messages: Vec<String>,
    pub order_status: Option<String>,
    pub replayed: bool,
    pub raw: String,
}

impl From<CancelOrderResult> for CancelResult {
    fn from(r: CancelOrderResult) -> Self {
        Self {
            request_id: r.request_id,
            http_status: r.http_status.into(),
            messages: r.messages,
            order_status: r.order_status,
            replayed: r.replayed,
            raw: r.raw_body,
        }
    }
}

#[napi(object)]
pub struct CheckoutResult {
    pub request_id: String,
    pub http_status: u32,
    pub messages: Vec<String>,
    pub payment_url: String,
    pub token_id: Option<String>,
    /// `YYYY-MM-DDTHH:MM:SSZ`.
    pub expires_at: Option<String>,
    pub raw: String,
}

impl From<CreateCheckoutResult> for CheckoutResult {
    fn from(r: CreateCheckoutResult) -> Self {
        Self {
            request_id: r.request_id,
            http_status: r.http_status.into(),
            messages: r.messages,
            payment_url: r.payment_url,
            token_id: r.token_id,
            expires_at: r.expires_at.map(|t| t.to_string()),
            raw: r.raw_body,
        }
    }
}

#[napi(object)]
pub struct StatusResult {
    pub request_id: String,
    pub http_status: u32,
    pub invoice_number: Option<String>,
    pub status: Option<String>,
    pub transaction_status: Option<String>,
    pub order_status: Option<String>,
    pub original_request_id: Option<String>,
    pub raw: String,
}

impl From<OrderStatusResult> for StatusResult {
    fn from(r: OrderStatusResult) -> Self {
        Self {
            status: r.status().map(str::to_owned),
            request_id: r.request_id,
            http_status: r.http_status.into(),
            invoice_number: r.invoice_number,
            transaction_status: r.transaction_status,
            order_status: r.order_status,
            original_request_id: r.original_request_id,
            raw: r.raw_body,
        }
    }
}

#[napi(object)]
pub struct Customer {
    pub id: Option<String>,
    pub name: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
}

#[napi(object)]
pub struct LineItem {
    pub name: String,
    pub price: f64,
    pub quantity: u32,
}

#[napi(object)]
pub struct CreateCheckoutInput {
    pub invoice_number: String,
    pub amount: f64,
    pub payment_due_minutes: Option<u32>,
    pub payment_method_types: Option<Vec<String>>,
    pub customer: Option<Customer>,
    pub line_items: Option<Vec<LineItem>>,
    pub callback_url: Option<String>,
    pub callback_url_cancel: Option<String>,
    pub callback_url_result: Option<String>,
    pub extra: Option<serde_json::Map<String, serde_json::Value>>,
    pub request_id: Option<String>,
}

/// A JS number that must be a whole, non-negative amount of rupiah.
fn whole(field: &'static str, value: f64) -> std::result::Result<u64, Error> {
    if value.is_finite() && value >= 0.0 && value.fract() == 0.0 && value <= 9_007_199_254_740_991.0 {
        #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
        Ok(value as u64)
    } else {
        Err(Error::invalid_input(field, format!("{field} must be a whole number of rupiah")))
    }
}

fn checkout_request(input: CreateCheckoutInput) -> std::result::Result<CreateCheckoutRequest, Error> {
    let mut line_items = Vec::new();
    for item in input.line_items.unwrap_or_default() {
        line_items.push(CheckoutLineItem {
            name: item.name,
            price: whole("line_items.price", item.price)?,
            quantity: item.quantity,
        });
    }
    Ok(CreateCheckoutRequest {
        invoice_number: input.invoice_number,
        amount: whole("amount", input.amount)?,
        payment_due_minutes: input.payment_due_minutes,
        payment_method_types: input.payment_method_types.unwrap_or_default(),
        customer: input.customer.map(|c| CheckoutCustomer { id: c.id, name: c.name, email: c.email, phone: c.phone }),
        line_items,
        callback_url: input.callback_url,
        callback_url_cancel: input.callback_url_cancel,
        callback_url_result: input.callback_url_result,
        extra: input.extra,
    })
}

#[napi]
pub struct NativeClient {
    inner: Client,
}

#[napi]
impl NativeClient {
    #[napi(constructor)]
    pub fn new(options: ClientOptions) -> Result<Self> {
        let ms = |v: Option<u32>, default: Duration| v.map_or(default, |m| Duration::from_millis(m.into()));
        let mut b = Client::builder(options.client_id, options.secret_key)
            .timeout(ms(options.timeout_ms, doku_checkout::DEFAULT_TIMEOUT))
            .connect_timeout(ms(options.connect_timeout_ms, doku_checkout::DEFAULT_CONNECT_TIMEOUT))
            .max_retries(options.max_retries.unwrap_or(2))
            .verify_response_signatures(options.verify_response_signatures.unwrap_or(false))
            .user_agent(UserAgent::new("node", options.runtime.unwrap_or_else(|| "node".to_owned())));
        b = match options.base_url {
            Some(url) => b.base_url(url),
            None => b.environment(Environment::parse(options.environment.as_deref().unwrap_or("sandbox")).napi()?),
        };
        Ok(Self { inner: b.build().napi()? })
    }

    #[napi(getter)]
    pub fn base_url(&self) -> String {
        self.inner.base_url().to_owned()
    }

    #[napi(getter)]
    pub fn client_id(&self) -> String {
        self.inner.client_id().to_owned()
    }

    #[napi]
    pub fn cancel_order<'env>(
        &self,
        env: &'env Env,
        invoice_number: String,
        original_request_id: String,
        note: String,
        request_id: Option<String>,
    ) -> Result<PromiseRaw<'env, CancelResult>> {
        let client = self.inner.clone();
        env.spawn_future(async move {
            client
                .cancel_order(&invoice_number, &original_request_id, &note, request_id.as_deref())
                .await
                .map(CancelResult::from)
                .map_err(to_napi)
        })
    }

    #[napi]
    pub fn create_checkout<'env>(
        &self,
        env: &'env Env,
        input: CreateCheckoutInput,
    ) -> Result<PromiseRaw<'env, CheckoutResult>> {
        let client = self.inner.clone();
        env.spawn_future(async move {
            let request_id = input.request_id.clone();
            let request = checkout_request(input).map_err(to_napi)?;
            client.create_checkout(&request, request_id.as_deref()).await.map(CheckoutResult::from).map_err(to_napi)
        })
    }

    #[napi]
    pub fn order_status<'env>(&self, env: &'env Env, invoice_number: String) -> Result<PromiseRaw<'env, StatusResult>> {
        let client = self.inner.clone();
        env.spawn_future(
            async move { client.order_status(&invoice_number).await.map(StatusResult::from).map_err(to_napi) },
        )
    }
}
