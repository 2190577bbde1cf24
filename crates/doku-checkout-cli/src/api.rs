//! `doku-checkout cancel | status | create`: one JSON object on stdout.

use std::io::Write;
use std::time::Duration;

use clap::Args;
use doku_checkout::operations::{CheckoutCustomer, CreateCheckoutRequest};
use doku_checkout::{Client, Environment, Error, UserAgent, blocking};
use serde::Serialize;
use serde_json::json;

use crate::exit::{OK, code_for};
use crate::{ApiArgs, secret};

#[derive(Args)]
pub(crate) struct CancelArgs {
    #[command(flatten)]
    api: ApiArgs,
    /// The order's invoice number.
    #[arg(long, allow_hyphen_values = true)]
    invoice: String,
    /// The Request-Id used when the checkout was created. Without it, DOKU's status API is
    /// asked first: a paid, expired or cancelled order is refused without a cancel, an open
    /// one is cancelled quoting the Request-Id DOKU reports.
    #[arg(long, allow_hyphen_values = true)]
    original_request_id: Option<String>,
    /// Why the order is cancelled (1-255 characters).
    #[arg(long, allow_hyphen_values = true)]
    note: String,
    /// Idempotency key for this cancel (default: a new UUID); re-use it to retry safely.
    #[arg(long, allow_hyphen_values = true)]
    request_id: Option<String>,
}

#[derive(Args)]
pub(crate) struct StatusArgs {
    #[command(flatten)]
    api: ApiArgs,
    /// The order's invoice number.
    #[arg(long)]
    invoice: String,
}

#[derive(Args)]
pub(crate) struct CreateArgs {
    #[command(flatten)]
    api: ApiArgs,
    /// Invoice number (1-64 characters).
    #[arg(long)]
    invoice: String,
    /// Amount in IDR, whole rupiah: 150000 or 150000.00 (as shop systems write it).
    #[arg(long, value_parser = parse_amount)]
    amount: u64,
    /// Payment due, in minutes.
    #[arg(long)]
    due_minutes: Option<u32>,
    /// Allowed payment method types (repeat), e.g. --method VIRTUAL_ACCOUNT_BCA --method QRIS.
    #[arg(long = "method")]
    methods: Vec<String>,
    /// Customer name.
    #[arg(long)]
    customer_name: Option<String>,
    /// Customer e-mail.
    #[arg(long)]
    customer_email: Option<String>,
    /// Request-Id for the create call (default: a new UUID). Store it: cancel needs it.
    #[arg(long)]
    request_id: Option<String>,
}

/// `--timeout` seconds as a duration; the range is the core's to check (no value can panic here).
pub(crate) fn timeout_arg(seconds: f64) -> Result<Duration, Error> {
    Duration::try_from_secs_f64(seconds)
        .map_err(|_| Error::invalid_input("timeout", "--timeout must be a non-negative number of seconds"))
}

/// The async client for these settings (checked here, so no value can reach a panic).
pub(crate) fn async_client(args: &ApiArgs) -> Result<Client, Error> {
    let secret = secret::load(&args.secret)?;
    let mut builder = Client::builder_with_key(args.client_id.clone(), secret)
        .timeout(timeout_arg(args.timeout)?)
        .max_retries(args.max_retries)
        .user_agent(UserAgent::new("cli", "rust"));
    builder = match &args.base_url {
        Some(url) => builder.base_url(url.clone()),
        None => builder.environment(Environment::parse(&args.environment)?),
    };
    builder.build()
}

fn client(args: &ApiArgs) -> Result<blocking::Client, Error> {
    blocking::Client::new(async_client(args)?)
}

fn print<T: Serialize>(result: Result<T, Error>) -> u8 {
    let (value, code) = match result {
        Ok(r) => (serde_json::to_value(r).unwrap_or_default(), OK),
        Err(e) => (json!({ "error": e.to_json() }), code_for(&e)),
    };
    let _ = writeln!(std::io::stdout(), "{value}");
    code
}

pub(crate) fn cancel(a: &CancelArgs) -> u8 {
    print(client(&a.api).and_then(|c| match &a.original_request_id {
        Some(original) => c.cancel_order(&a.invoice, original, &a.note, a.request_id.as_deref()),
        None => c.cancel_by_invoice(&a.invoice, &a.note, a.request_id.as_deref()),
    }))
}

pub(crate) fn status(a: &StatusArgs) -> u8 {
    print(client(&a.api).and_then(|c| c.order_status(&a.invoice)))
}

pub(crate) fn create(a: &CreateArgs) -> u8 {
    let request = CreateCheckoutRequest {
        invoice_number: a.invoice.clone(),
        amount: a.amount,
        payment_due_minutes: a.due_minutes,
        payment_method_types: a.methods.clone(),
        customer: (a.customer_name.is_some() || a.customer_email.is_some()).then(|| CheckoutCustomer {
            name: a.customer_name.clone(),
            email: a.customer_email.clone(),
            ..Default::default()
        }),
        ..Default::default()
    };
    print(client(&a.api).and_then(|c| c.create_checkout(&request, a.request_id.as_deref())))
}

/// `--amount`: the forms DOKU accepts, read by the core.
fn parse_amount(text: &str) -> Result<u64, String> {
    doku_checkout::checkout_reading::parse_rupiah(text, "amount").map_err(|e| e.message().to_owned())
}
