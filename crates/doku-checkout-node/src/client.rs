//! `NativeClient`: every call runs on the addon's I/O thread (`io_thread`), so the event loop
//! never waits on the network; its outcome comes back through the client's batched completions
//! (the JS layer turns call ids into Promises). Settings and create-checkout input arrive as the JS layer's
//! JSON text (snake_case keys) and are read once by the core's strict readers; results are the
//! core's own types.

use doku_checkout::operations::CreateCheckoutRequest;
use doku_checkout::{Client, ClientOptions, UserAgent};
use napi::bindgen_prelude::{Array, Function};
use napi::{Env, Result};
use napi_derive::napi;

use crate::completions::{Completions, Outcome};
use crate::errors::IntoNapi;

#[napi]
pub struct NativeClient {
    inner: Client,
    completions: Completions,
}

#[napi]
impl NativeClient {
    #[napi(constructor)]
    pub fn new(
        env: Env,
        client_id: String,
        secret_key: String,
        options_json: String,
        runtime: String,
        on_complete: Function<(), ()>,
    ) -> Result<Self> {
        let options = ClientOptions::from_json(&options_json).napi(&env)?;
        let inner = options.build(client_id, secret_key, UserAgent::new("node", runtime)).napi(&env)?;
        Ok(Self { inner, completions: Completions::new(&env, on_complete)? })
    }

    /// The calls finished since the last take, as `[id, ok, value]`.
    #[napi]
    pub fn take_completed<'env>(&self, env: &'env Env) -> Result<Array<'env>> {
        self.completions.take(env)
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
    #[allow(clippy::too_many_arguments)] // positional, as the JS layer passes them
    pub fn cancel_order(
        &self,
        env: Env,
        id: u32,
        traced: bool,
        invoice_number: String,
        original_request_id: String,
        note: String,
        request_id: Option<String>,
    ) -> Result<()> {
        let client = self.inner.clone();
        self.completions.start(&env, id, traced, async move {
            Outcome::Cancel(
                client.cancel_order(&invoice_number, &original_request_id, &note, request_id.as_deref()).await,
            )
        })
    }

    #[napi]
    pub fn cancel_by_invoice(
        &self,
        env: Env,
        id: u32,
        traced: bool,
        invoice_number: String,
        note: String,
        request_id: Option<String>,
    ) -> Result<()> {
        let client = self.inner.clone();
        self.completions.start(&env, id, traced, async move {
            Outcome::Cancel(client.cancel_by_invoice(&invoice_number, &note, request_id.as_deref()).await)
        })
    }

    #[napi]
    pub fn create_checkout(
        &self,
        env: Env,
        id: u32,
        traced: bool,
        input_json: String,
        request_id: Option<String>,
    ) -> Result<()> {
        let request = CreateCheckoutRequest::from_json(&input_json).napi(&env)?;
        let client = self.inner.clone();
        self.completions.start(&env, id, traced, async move {
            Outcome::Checkout(client.create_checkout(&request, request_id.as_deref()).await)
        })
    }

    #[napi]
    pub fn order_status(&self, env: Env, id: u32, traced: bool, invoice_number: String) -> Result<()> {
        let client = self.inner.clone();
        self.completions.start(
            &env,
            id,
            traced,
            async move { Outcome::Status(client.order_status(&invoice_number).await) },
        )
    }
}
