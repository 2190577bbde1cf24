//! A synchronous client for code without an async runtime (Django views, Celery tasks, CLIs).
//!
//! It wraps the async [`crate::Client`] and drives it on a small private tokio runtime, so
//! both clients share every line of signing, retry and classification logic.

use std::sync::Arc;

use crate::error::Error;
use crate::operations::{CancelOrderResult, CreateCheckoutRequest, CreateCheckoutResult, OrderStatusResult};

/// The blocking twin of [`crate::Client`]. Safe to share between threads.
#[derive(Clone, Debug)]
pub struct Client {
    inner: crate::Client,
    runtime: Arc<tokio::runtime::Runtime>,
}

impl Client {
    /// Wraps an async client. Creates one worker thread for I/O.
    ///
    /// Do not call its methods from inside an async runtime (use the async client there).
    pub fn new(client: crate::Client) -> Result<Self, Error> {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .thread_name("doku-checkout-io")
            .enable_all()
            .build()
            .map_err(|e| Error::config(format!("cannot start the I/O runtime: {e}")))?;
        Ok(Self { inner: client, runtime: Arc::new(runtime) })
    }

    /// The async client inside.
    pub fn async_client(&self) -> &crate::Client {
        &self.inner
    }

    /// See [`crate::Client::cancel_order`].
    pub fn cancel_order(
        &self,
        invoice_number: &str,
        original_request_id: &str,
        note: &str,
        request_id: Option<&str>,
    ) -> Result<CancelOrderResult, Error> {
        self.runtime.block_on(self.inner.cancel_order(invoice_number, original_request_id, note, request_id))
    }

    /// See [`crate::Client::cancel_by_invoice`].
    pub fn cancel_by_invoice(
        &self,
        invoice_number: &str,
        note: &str,
        request_id: Option<&str>,
    ) -> Result<CancelOrderResult, Error> {
        self.runtime.block_on(self.inner.cancel_by_invoice(invoice_number, note, request_id))
    }

    /// See [`crate::Client::create_checkout`].
    pub fn create_checkout(
        &self,
        request: &CreateCheckoutRequest,
        request_id: Option<&str>,
    ) -> Result<CreateCheckoutResult, Error> {
        self.runtime.block_on(self.inner.create_checkout(request, request_id))
    }

    /// See [`crate::Client::order_status`].
    pub fn order_status(&self, invoice_number: &str) -> Result<OrderStatusResult, Error> {
        self.runtime.block_on(self.inner.order_status(invoice_number))
    }
}
