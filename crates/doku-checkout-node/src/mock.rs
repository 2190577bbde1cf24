//! The emulator in-process, for `doku-checkout/testing`.

use doku_checkout::Error;
use doku_checkout_mock::{BackgroundMockServer, MockConfig, MockControl};
use napi::bindgen_prelude::PromiseRaw;
use napi::{Env, Result};
use napi_derive::napi;

use crate::errors::{IntoNapi, to_js};

#[napi]
pub struct NativeMockServer {
    url: String,
    control: MockControl,
    server: Option<BackgroundMockServer>,
}

#[napi]
impl NativeMockServer {
    #[napi(constructor)]
    pub fn new(
        env: Env,
        client_id: String,
        secret_key: String,
        port: Option<u32>,
        notification_url: Option<String>,
    ) -> Result<Self> {
        let mut config = MockConfig::new(client_id, secret_key).napi(&env)?;
        config.port = u16::try_from(port.unwrap_or(0))
            .map_err(|_| Error::invalid_input("port", "port must be 0-65535"))
            .napi(&env)?;
        config.notification_url = notification_url;
        config.validate().napi(&env)?;
        let server = BackgroundMockServer::start(config)
            .map_err(|e| Error::config(format!("cannot start the emulator: {e}")))
            .napi(&env)?;
        Ok(Self { url: server.url(), control: server.control().clone(), server: Some(server) })
    }

    #[napi(getter)]
    pub fn url(&self) -> String {
        self.url.clone()
    }

    /// Adds orders and queues faults: `{"orders": [...], "faults": [...]}`.
    #[napi]
    pub fn setup_json(&self, env: Env, spec: String) -> Result<()> {
        self.control.setup_json(&spec).napi(&env)
    }

    #[napi]
    pub fn set_state(&self, env: Env, invoice_number: String, state: String) -> Result<bool> {
        self.control.set_state_named(&invoice_number, &state).napi(&env)
    }

    #[napi]
    pub fn order_json(&self, invoice_number: String) -> Option<String> {
        self.control.order_json(&invoice_number)
    }

    #[napi]
    pub fn log_json(&self) -> String {
        self.control.log_json()
    }

    #[napi]
    pub fn reset(&self) {
        self.control.reset();
    }

    /// Sends a signed notification; resolves to the receiver's HTTP status. Async, so a
    /// receiver in this same Node process can answer.
    #[napi]
    pub fn send_notification<'env>(
        &self,
        env: &'env Env,
        invoice_number: String,
        url: String,
    ) -> Result<PromiseRaw<'env, u32>> {
        let control = self.control.clone();
        let fut = async move { control.send_notification(&invoice_number, &url).await.map(u32::from) };
        env.spawn_future_with_callback(async move { Ok(fut.await) }, |env, r| r.map_err(|e| to_js(env, &e)))
    }

    /// Any `/_mock/` control call, async (a notification receiver in this same process must
    /// be able to answer while the call waits): resolves to its status and JSON text.
    #[napi]
    pub fn control<'env>(
        &self,
        env: &'env Env,
        method: String,
        path: String,
        body: Option<String>,
    ) -> Result<PromiseRaw<'env, ControlAnswer>> {
        let control = self.control.clone();
        let fut = async move {
            let (status, body) = control.control_call(&method, &path, body.unwrap_or_default().as_bytes()).await;
            Ok::<_, Error>(ControlAnswer { status: u32::from(status), body })
        };
        env.spawn_future_with_callback(async move { Ok(fut.await) }, |env, r| r.map_err(|e| to_js(env, &e)))
    }

    #[napi]
    pub fn close(&mut self) {
        self.server.take();
    }
}

/// A control call's answer.
#[napi(object)]
pub struct ControlAnswer {
    /// The HTTP status the control API answers.
    pub status: u32,
    /// The JSON answer, as text.
    pub body: String,
}
