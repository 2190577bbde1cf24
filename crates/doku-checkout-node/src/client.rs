//! `NativeClient`: every call returns a Promise and runs on napi's tokio runtime, so the
//! event loop never waits on the network. Settings and create-checkout input arrive as the JS
//! layer's JSON text (snake_case keys) and are read once by the core's strict readers; results
//! are the core's own types.

use doku_checkout::operations::{CancelOrderResult, CreateCheckoutRequest, CreateCheckoutResult, OrderStatusResult};
use doku_checkout::{Client, ClientOptions, UserAgent};
use napi::bindgen_prelude::PromiseRaw;
use napi::{Env, Result};
use napi_derive::napi;

use crate::errors::{IntoNapi, to_js};

#[napi]
pub struct NativeClient {
    inner: Client,
}

#[napi]
impl NativeClient {
    #[napi(constructor)]
    pub fn new(env: Env, client_id: String, secret_key: String, options_json: String, runtime: String) -> Result<Self> {
        let options = ClientOptions::from_json(&options_json).napi(&env)?;
        let inner = options.build(client_id, secret_key, UserAgent::new("node", runtime)).napi(&env)?;
        Ok(Self { inner })
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
    ) -> Result<PromiseRaw<'env, CancelOrderResult>> {
        let client = self.inner.clone();
        let fut = async move {
            client.cancel_order(&invoice_number, &original_request_id, &note, request_id.as_deref()).await
        };
        env.spawn_future_with_callback(async move { Ok(fut.await) }, |env, r| r.map_err(|e| to_js(env, &e)))
    }

    #[napi]
    pub fn create_checkout<'env>(
        &self,
        env: &'env Env,
        input_json: String,
        request_id: Option<String>,
    ) -> Result<PromiseRaw<'env, CreateCheckoutResult>> {
        let request = CreateCheckoutRequest::from_json(&input_json).napi(env)?;
        let client = self.inner.clone();
        let fut = async move { client.create_checkout(&request, request_id.as_deref()).await };
        env.spawn_future_with_callback(async move { Ok(fut.await) }, |env, r| r.map_err(|e| to_js(env, &e)))
    }

    #[napi]
    pub fn order_status<'env>(
        &self,
        env: &'env Env,
        invoice_number: String,
    ) -> Result<PromiseRaw<'env, OrderStatusResult>> {
        let client = self.inner.clone();
        let fut = async move { client.order_status(&invoice_number).await };
        env.spawn_future_with_callback(async move { Ok(fut.await) }, |env, r| r.map_err(|e| to_js(env, &e)))
    }
}
