//! Blocking twins of `DokuClient`'s calls, for callers without coroutines or `async` (Java,
//! Spring): one FFI crossing per call, the calling thread parked in Rust until the answer.
//! They run on a runtime of their own, and each call as its own task, so the request is never
//! left half-sent whatever the calling thread does meanwhile.

use std::sync::OnceLock;

use doku_checkout::operations::{CancelOrderResult, CreateCheckoutRequest, CreateCheckoutResult, OrderStatusResult};
use tokio::runtime::Runtime;

use crate::client::DokuClient;
use crate::error::DokuError;

fn runtime() -> Result<&'static Runtime, DokuError> {
    static RUNTIME: OnceLock<Result<Runtime, String>> = OnceLock::new();
    RUNTIME
        .get_or_init(|| {
            tokio::runtime::Builder::new_multi_thread()
                .worker_threads(2)
                .thread_name("doku-checkout-blocking")
                .enable_all()
                .build()
                .map_err(|e| e.to_string())
        })
        .as_ref()
        .map_err(|e| doku_checkout::Error::config(format!("cannot start the I/O runtime: {e}")).into())
}

fn block_on<T: Send + 'static>(
    fut: impl std::future::Future<Output = Result<T, doku_checkout::Error>> + Send + 'static,
) -> Result<T, DokuError> {
    let rt = runtime()?;
    match rt.block_on(rt.spawn(fut)) {
        Ok(result) => Ok(result?),
        Err(join) => Err(doku_checkout::Error::invalid_response(format!("the request task failed: {join}")).into()),
    }
}

#[uniffi::export]
impl DokuClient {
    /// `cancelOrder`, blocking the calling thread (for Java). Retrying with the same
    /// `request_id` is always safe.
    pub fn cancel_order_blocking(
        &self,
        invoice_number: String,
        original_request_id: String,
        note: String,
        request_id: Option<String>,
    ) -> Result<CancelOrderResult, DokuError> {
        block_on(self.cancel_call(invoice_number, original_request_id, note, request_id))
    }

    /// `cancelByInvoice`, blocking the calling thread (for Java).
    pub fn cancel_by_invoice_blocking(
        &self,
        invoice_number: String,
        note: String,
        request_id: Option<String>,
    ) -> Result<CancelOrderResult, DokuError> {
        block_on(self.by_invoice_call(invoice_number, note, request_id))
    }

    /// `createCheckout`, blocking the calling thread (for Java).
    pub fn create_checkout_blocking(
        &self,
        request: CreateCheckoutRequest,
        request_id: Option<String>,
    ) -> Result<CreateCheckoutResult, DokuError> {
        block_on(self.checkout_call(request, request_id))
    }

    /// `orderStatus`, blocking the calling thread (for Java).
    pub fn order_status_blocking(&self, invoice_number: String) -> Result<OrderStatusResult, DokuError> {
        block_on(self.status_call(invoice_number))
    }
}
