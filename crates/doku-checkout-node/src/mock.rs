//! The emulator in-process, for `doku-checkout/testing`.

use doku_checkout::Error;
use doku_checkout_mock::{BackgroundMockServer, Fault, MockConfig, MockControl, Order, OrderState};
use napi::bindgen_prelude::PromiseRaw;
use napi::{Env, Result};
use napi_derive::napi;

use crate::errors::{IntoNapi, to_napi};

#[napi]
pub struct NativeMockServer {
    url: String,
    control: MockControl,
    server: Option<BackgroundMockServer>,
}

fn invalid(field: &'static str, e: impl std::fmt::Display) -> napi::Error {
    to_napi(Error::invalid_input(field, e.to_string()))
}

#[napi]
impl NativeMockServer {
    #[napi(constructor)]
    pub fn new(client_id: String, secret_key: String, port: Option<u32>) -> Result<Self> {
        let mut config = MockConfig::new(client_id, secret_key).napi()?;
        config.port = u16::try_from(port.unwrap_or(0)).map_err(|_| invalid("port", "port must be 0-65535"))?;
        let server = BackgroundMockServer::start(config)
            .map_err(|e| to_napi(Error::config(format!("cannot start the emulator: {e}"))))?;
        Ok(Self { url: server.url(), control: server.control().clone(), server: Some(server) })
    }

    #[napi(getter)]
    pub fn url(&self) -> String {
        self.url.clone()
    }

    #[napi]
    pub fn add_order_json(&self, order: String) -> Result<()> {
        let order: Order = serde_json::from_str(&order).map_err(|e| invalid("order", e))?;
        self.control.add_order(order);
        Ok(())
    }

    #[napi]
    pub fn inject_fault_json(&self, fault: String) -> Result<()> {
        let fault: Fault = serde_json::from_str(&fault).map_err(|e| invalid("fault", e))?;
        self.control.inject_fault(fault);
        Ok(())
    }

    #[napi]
    pub fn set_state(&self, invoice_number: String, state: String) -> Result<bool> {
        let state: OrderState =
            serde_json::from_value(serde_json::Value::String(state)).map_err(|e| invalid("state", e))?;
        Ok(self.control.set_state(&invoice_number, state))
    }

    #[napi]
    pub fn order_json(&self, invoice_number: String) -> Option<String> {
        self.control.order(&invoice_number).map(|o| serde_json::to_string(&o).unwrap_or_default())
    }

    #[napi]
    pub fn log_json(&self) -> String {
        serde_json::to_string(&self.control.log()).unwrap_or_default()
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
        env.spawn_future(async move {
            control.send_notification(&invoice_number, &url).await.map(u32::from).map_err(to_napi)
        })
    }

    #[napi]
    pub fn close(&mut self) {
        self.server.take();
    }
}
