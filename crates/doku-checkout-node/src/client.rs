//! `NativeClient`: every call returns a Promise and runs on napi's tokio runtime, so the
//! event loop never waits on the network. Settings and create-checkout input arrive as plain
//! objects and are read by the core's strict readers; results are the core's own types.

use doku_checkout::operations::{CancelOrderResult, CreateCheckoutRequest, CreateCheckoutResult, OrderStatusResult};
use doku_checkout::{Client, ClientOptions, UserAgent};
use napi::bindgen_prelude::PromiseRaw;
use napi::{Env, Result};
use napi_derive::napi;
use serde_json::{Map, Number, Value};

use crate::errors::{IntoNapi, to_js};

/// `timeoutMs` → `timeout_ms`: the core reads snake_case keys.
fn snake(key: &str) -> String {
    let mut out = String::with_capacity(key.len() + 4);
    for c in key.chars() {
        if c.is_ascii_uppercase() {
            out.push('_');
            out.push(c.to_ascii_lowercase());
        } else {
            out.push(c);
        }
    }
    out
}

/// napi hands whole numbers above 2^32 over as floats; give the core the integer JavaScript
/// meant (up to 2^53, where JS numbers stop being exact).
fn whole_numbers(value: &mut Value) {
    match value {
        Value::Number(n) => {
            if let Some(f) = n.as_f64().filter(|f| n.is_f64() && f.fract() == 0.0 && f.abs() <= 9_007_199_254_740_991.0)
            {
                #[allow(clippy::cast_possible_truncation)]
                let whole = f as i64;
                *n = Number::from(whole);
            }
        }
        Value::Array(items) => items.iter_mut().for_each(whole_numbers),
        Value::Object(map) => map.values_mut().for_each(whole_numbers),
        _ => {}
    }
}

/// A JS options object as the core's snake_case JSON (top-level keys renamed only: nested
/// values such as `extra` are DOKU's own field names).
fn core_json(value: Value) -> Value {
    match value {
        Value::Object(map) => Value::Object(
            map.into_iter()
                .map(|(k, mut v)| {
                    whole_numbers(&mut v);
                    (snake(&k), v)
                })
                .collect::<Map<_, _>>(),
        ),
        other => other,
    }
}

#[napi]
pub struct NativeClient {
    inner: Client,
}

#[napi]
impl NativeClient {
    #[napi(constructor)]
    pub fn new(env: Env, client_id: String, secret_key: String, options: Value, runtime: String) -> Result<Self> {
        let options = ClientOptions::from_json_value(core_json(options)).napi(&env)?;
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
        input: Value,
        request_id: Option<String>,
    ) -> Result<PromiseRaw<'env, CreateCheckoutResult>> {
        let request = CreateCheckoutRequest::from_json_value(core_json(input)).napi(env)?;
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
