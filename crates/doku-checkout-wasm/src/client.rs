//! `WasmClient` and `WasmCall`: a client's checked settings, and one call as the core's
//! [`Exchange`] state machine. JavaScript sends each attempt with `fetch` and reports what came
//! of it; the core decides every retry, wait, check and error.

use std::sync::Arc;

use doku_checkout::exchange::{Exchange, Next, Reply, TransportFailure};
use doku_checkout::operations::{
    CancelByInvoice, CancelOrderRequest, CancelOrderResult, CreateCheckoutRequest, CreateCheckoutResult,
    OrderStatusRequest, OrderStatusResult,
};
use doku_checkout::{ClientConfig, ClientOptions, Error, RequestId, Timestamp, UserAgent};
use wasm_bindgen::JsValue;
use wasm_bindgen::prelude::wasm_bindgen;

use crate::convert::{IntoJs, error, header_pairs, record, whole_seconds};

/// A client's settings, checked once; calls share them.
#[wasm_bindgen]
pub struct WasmClient {
    config: Arc<ClientConfig>,
}

fn request_id_or_new(request_id: Option<String>) -> Result<RequestId, Error> {
    request_id.map_or_else(|| Ok(RequestId::generate()), RequestId::new)
}

#[wasm_bindgen]
impl WasmClient {
    /// `options_json` is the core's `ClientOptions` (snake_case keys); `runtime` names the host
    /// for the User-Agent (e.g. `workerd`, `deno/2.1.0`).
    #[wasm_bindgen(constructor)]
    pub fn new(
        client_id: String,
        secret_key: String,
        options_json: &str,
        runtime: &str,
    ) -> Result<WasmClient, JsValue> {
        let options = ClientOptions::from_json(options_json).js()?;
        let config = options.resolve_config(client_id, secret_key, UserAgent::new("wasm", runtime)).js()?;
        Ok(Self { config: Arc::new(config) })
    }

    /// Where requests go.
    #[wasm_bindgen(getter, js_name = "baseUrl")]
    pub fn base_url(&self) -> String {
        self.config.base_url().to_owned()
    }

    /// The Client ID.
    #[wasm_bindgen(getter, js_name = "clientId")]
    pub fn client_id(&self) -> String {
        self.config.client_id().to_owned()
    }

    /// The settings in force, defaults resolved (camelCase keys).
    pub fn settings(&self) -> JsValue {
        record(&self.config.settings())
    }

    /// Starts a cancel (nothing is sent until the first attempt).
    #[wasm_bindgen(js_name = "cancelOrder")]
    pub fn cancel_order(
        &self,
        invoice_number: String,
        original_request_id: String,
        note: String,
        request_id: Option<String>,
    ) -> Result<WasmCall, JsValue> {
        let start = || {
            let request = CancelOrderRequest::new(invoice_number, original_request_id, note)?;
            Ok::<_, Error>((request.prepare(), request_id_or_new(request_id)?))
        };
        let (prepared, request_id) = start().js()?;
        self.call(Operation::Cancel, prepared, request_id)
    }

    /// Starts a cancel by invoice number alone: validated now, its Request-Id fixed now; the
    /// status check and the cancel are the two calls it gives.
    #[wasm_bindgen(js_name = "cancelByInvoice")]
    pub fn cancel_by_invoice(
        &self,
        invoice_number: String,
        note: String,
        request_id: Option<String>,
    ) -> Result<WasmCancelByInvoice, JsValue> {
        let call = CancelByInvoice::new(&invoice_number, &note, request_id.as_deref()).js()?;
        Ok(WasmCancelByInvoice { call, config: self.config.clone() })
    }

    /// Starts a checkout creation from the core's request JSON (snake_case keys).
    #[wasm_bindgen(js_name = "createCheckout")]
    pub fn create_checkout(&self, input_json: &str, request_id: Option<String>) -> Result<WasmCall, JsValue> {
        let start = || {
            let prepared = CreateCheckoutRequest::from_json(input_json)?.prepare()?;
            Ok::<_, Error>((prepared, request_id_or_new(request_id)?))
        };
        let (prepared, request_id) = start().js()?;
        self.call(Operation::CreateCheckout, prepared, request_id)
    }

    /// Starts a status check.
    #[wasm_bindgen(js_name = "orderStatus")]
    pub fn order_status(&self, invoice_number: String) -> Result<WasmCall, JsValue> {
        let prepared = OrderStatusRequest::new(invoice_number).js()?.prepare();
        self.call(Operation::Status, prepared, RequestId::generate())
    }
}

impl WasmClient {
    fn call(
        &self,
        operation: Operation,
        prepared: doku_checkout::operations::PreparedRequest,
        id: RequestId,
    ) -> Result<WasmCall, JsValue> {
        start_call(&self.config, operation, prepared, id)
    }
}

/// A cancel by invoice number: first [`WasmCancelByInvoice::status_call`], then, with that
/// finished call, [`WasmCancelByInvoice::cancel_call`] (which the core may refuse: a final order).
#[wasm_bindgen]
pub struct WasmCancelByInvoice {
    call: CancelByInvoice,
    config: Arc<ClientConfig>,
}

#[wasm_bindgen]
impl WasmCancelByInvoice {
    /// The status check.
    #[wasm_bindgen(js_name = "statusCall")]
    pub fn status_call(&self) -> Result<WasmCall, JsValue> {
        let prepared = OrderStatusRequest::new(self.call.invoice_number()).js()?.prepare();
        let mut status = start_call(&self.config, Operation::ByInvoiceStatus, prepared, RequestId::generate())?;
        status.asked_for = Some(self.call.invoice_number().to_owned());
        Ok(status)
    }

    /// The cancel, after the status check `status` answered; throws the core's refusal.
    #[wasm_bindgen(js_name = "cancelCall")]
    pub fn cancel_call(&self, status: &WasmCall) -> Result<WasmCall, JsValue> {
        let answer = match &status.status_answer {
            Some(answer) if status.asked_for.as_deref() == Some(self.call.invoice_number()) => answer,
            _ => {
                return Err(error(&Error::config("this cancel's own status check has not answered; nothing was sent")));
            }
        };
        let request = self.call.decide(answer).js()?;
        start_call(&self.config, Operation::Cancel, request.prepare(), self.call.request_id().clone())
    }
}

fn start_call(
    config: &Arc<ClientConfig>,
    operation: Operation,
    prepared: doku_checkout::operations::PreparedRequest,
    id: RequestId,
) -> Result<WasmCall, JsValue> {
    if config.proxy().is_some() {
        // The host's fetch picks its own route: a call would go around the proxy, so none
        // is made. The setting itself is valid (and reported by `settings()`).
        return Err(error(&Error::config_field(
            "proxy",
            "the proxy option cannot be honoured by the WebAssembly backend: the runtime's fetch decides the route; configure the proxy in the runtime, or use the native addon",
        )));
    }
    Ok(WasmCall {
        exchange: Exchange::new(config.clone(), prepared, id),
        operation,
        config: config.clone(),
        status_answer: None,
        asked_for: None,
    })
}

#[derive(Clone, Copy)]
enum Operation {
    Cancel,
    CreateCheckout,
    Status,
    /// A status check whose answer a cancel by invoice reads next.
    ByInvoiceStatus,
}

/// One logical call in flight.
#[wasm_bindgen]
pub struct WasmCall {
    exchange: Exchange,
    operation: Operation,
    config: Arc<ClientConfig>,
    /// The status answer, kept for [`WasmCancelByInvoice::cancel_call`].
    status_answer: Option<OrderStatusResult>,
    /// The invoice a by-invoice status check asked about (its answer serves only that cancel).
    asked_for: Option<String>,
}

#[wasm_bindgen]
impl WasmCall {
    /// `GET` or `POST`.
    #[wasm_bindgen(getter)]
    pub fn method(&self) -> String {
        self.exchange.method().as_str().to_owned()
    }

    /// The full request URL.
    #[wasm_bindgen(getter)]
    pub fn url(&self) -> String {
        self.exchange.url()
    }

    /// The exact body bytes (POST), the same on every attempt.
    #[wasm_bindgen(getter)]
    pub fn body(&self) -> Option<Vec<u8>> {
        self.exchange.body().map(<[u8]>::to_vec)
    }

    /// The Request-Id of every attempt.
    #[wasm_bindgen(getter, js_name = "requestId")]
    pub fn request_id(&self) -> String {
        self.exchange.request_id().as_str().to_owned()
    }

    /// The per-attempt timeout.
    #[wasm_bindgen(getter, js_name = "timeoutMs")]
    pub fn timeout_ms(&self) -> f64 {
        self.config.timeout().as_millis() as f64
    }

    /// The most the whole call may take, retries and waits included.
    #[wasm_bindgen(getter, js_name = "deadlineMs")]
    pub fn deadline_ms(&self) -> f64 {
        self.config.deadline().as_millis() as f64
    }

    /// The largest response body to read.
    #[wasm_bindgen(getter, js_name = "maxResponseBytes")]
    pub fn max_response_bytes(&self) -> f64 {
        self.config.max_response_bytes() as f64
    }

    /// Whether `onAnswer` needs the response headers (response signatures are verified).
    #[wasm_bindgen(getter, js_name = "wantsHeaders")]
    pub fn wants_headers(&self) -> bool {
        self.config.verify_response_signatures()
    }

    /// Starts an attempt signed at `now` (Unix seconds): the request headers as flat
    /// `[name, value, ...]` pairs, `Content-Type` and `User-Agent` included.
    #[wasm_bindgen(js_name = "startAttempt")]
    pub fn start_attempt(&mut self, now: f64) -> Result<Vec<String>, JsValue> {
        let now = whole_seconds(now, "now").and_then(Timestamp::from_unix_checked).js()?;
        let signed = self.exchange.start_attempt(now).js()?;
        let mut headers: Vec<String> =
            signed.pairs().into_iter().flat_map(|(n, v)| [n.to_owned(), v.to_owned()]).collect();
        if self.exchange.body().is_some() {
            headers.extend(["Content-Type".to_owned(), "application/json".to_owned()]);
        }
        headers.extend(["User-Agent".to_owned(), self.config.user_agent()]);
        Ok(headers)
    }

    /// The attempt got an answer (`body` at most `maxResponseBytes`). Returns the milliseconds
    /// to wait before the next attempt, or the call's result; throws the call's error.
    #[wasm_bindgen(js_name = "onAnswer")]
    pub fn on_answer(
        &mut self,
        status: u16,
        retry_after: Option<String>,
        headers: Option<Vec<String>>,
        body: Vec<u8>,
        jitter: f64,
    ) -> Result<JsValue, JsValue> {
        let headers = headers.map(|h| header_pairs(&h));
        let next = self.exchange.on_answer(status, retry_after.as_deref(), headers.as_ref(), body, jitter);
        self.next(next)
    }

    /// The attempt failed in transport: `kind` is `connect_failed`, `connection_lost` or
    /// `timed_out`. Returns the milliseconds to wait, or throws the call's error.
    #[wasm_bindgen(js_name = "onFailure")]
    pub fn on_failure(&mut self, kind: &str, detail: &str, jitter: f64) -> Result<JsValue, JsValue> {
        let failure = match kind {
            "connect_failed" => TransportFailure::ConnectFailed,
            "timed_out" => TransportFailure::TimedOut,
            _ => TransportFailure::ConnectionLost,
        };
        let next = self.exchange.on_failure(failure, detail, jitter);
        self.next(next)
    }

    /// The error for an answer longer than the cap (`head` is what was read): final.
    #[wasm_bindgen(js_name = "tooLarge")]
    pub fn too_large(&self, status: u16, head: &[u8]) -> JsValue {
        error(&self.exchange.too_large(status, head))
    }

    /// The error for a TLS failure: final, never retried.
    #[wasm_bindgen(js_name = "tlsError")]
    pub fn tls_error(&self, detail: &str) -> JsValue {
        error(&self.exchange.tls_error(detail))
    }

    /// The error for a call that ran past its deadline: final.
    #[wasm_bindgen(js_name = "deadlineError")]
    pub fn deadline_error(&self) -> JsValue {
        error(&self.exchange.deadline_error())
    }
}

impl WasmCall {
    fn next(&mut self, next: Next) -> Result<JsValue, JsValue> {
        match next {
            Next::Wait(wait) => Ok(JsValue::from_f64(wait.as_millis() as f64)),
            Next::Done(Ok(reply)) => self.result(&reply).js(),
            Next::Done(Err(e)) => Err(error(&e)),
        }
    }

    fn result(&mut self, reply: &Reply) -> Result<JsValue, Error> {
        let id = self.exchange.request_id().as_str();
        Ok(match self.operation {
            Operation::ByInvoiceStatus => {
                let answer = OrderStatusResult::from_response(id, reply.status, &reply.body)?;
                let seen = record(&answer);
                self.status_answer = Some(answer);
                seen
            }
            Operation::Cancel => record(&CancelOrderResult::from_response(id, reply.status, &reply.body)?),
            Operation::CreateCheckout => record(&CreateCheckoutResult::from_response(id, reply.status, &reply.body)?),
            Operation::Status => record(&OrderStatusResult::from_response(id, reply.status, &reply.body)?),
        })
    }
}
