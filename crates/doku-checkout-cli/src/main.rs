#![doc = include_str!("../README.md")]

mod api;
mod batch;
mod demo;
mod doctor;
mod exit;
mod files;
mod mock;
mod pace;
mod reconcile;
mod secret;
mod sign;
mod verify;
mod webhook;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};

/// mimalloc: the emulator (`mock`) allocates per request on several worker threads, where
/// glibc's allocator spent about a quarter of its CPU; benchmarks need the server cheap.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// DOKU Checkout from the command line. The secret key comes from DOKU_SECRET_KEY or
/// --secret-key-file, never from a plain argument.
#[derive(Parser)]
#[command(name = "doku-checkout", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

/// Where the secret key comes from.
#[derive(Args, Clone)]
pub(crate) struct SecretArgs {
    /// Read the secret key from this file (one trailing newline is ignored). Default: $DOKU_SECRET_KEY.
    #[arg(long, value_name = "FILE")]
    secret_key_file: Option<PathBuf>,
}

/// Where API calls go and as whom.
#[derive(Args, Clone)]
pub(crate) struct ApiArgs {
    #[command(flatten)]
    secret: SecretArgs,
    /// Client ID (default: $DOKU_CLIENT_ID).
    #[arg(long, env = "DOKU_CLIENT_ID", hide_env_values = true, allow_hyphen_values = true)]
    client_id: String,
    /// sandbox or production.
    #[arg(long = "env", default_value = "sandbox", conflicts_with = "base_url")]
    environment: String,
    /// A custom base URL (https, or http for loopback, e.g. the emulator).
    #[arg(long)]
    base_url: Option<String>,
    /// Per-attempt timeout in seconds.
    #[arg(long, default_value_t = 30.0)]
    timeout: f64,
    /// Retries after the first attempt.
    #[arg(long, default_value_t = 2)]
    max_retries: u32,
}

#[derive(Subcommand)]
enum Command {
    /// Print the Signature header value for a request.
    Sign(sign::SignArgs),
    /// Verify a received HTTP Notification; print its JSON body when valid.
    VerifyNotification(verify::VerifyArgs),
    /// Find out why a notification does not verify (and what to change).
    ///
    /// It re-serialises the body the ways frameworks do (compacted, spaced, pretty-printed,
    /// keys sorted, PHP's and JavaScript's escaping) and tries each with the usual path and key
    /// mistakes. Limits: a body of at most 1 MiB; one nested deeper than 32 levels is not
    /// re-serialised, and no re-serialisation larger than 4 MiB is built.
    Doctor(doctor::DoctorArgs),
    /// Send genuine and forged notifications to your endpoint; report what it gets wrong.
    WebhookCheck(webhook::WebhookArgs),
    /// Cancel an unpaid checkout order.
    Cancel(api::CancelArgs),
    /// Cancel the orders of a CSV file, resumably, from one or many workers (store, report, progress).
    CancelBatch(batch::BatchArgs),
    /// Ask DOKU about each invoice of a file; move stored states forward; report.
    Reconcile(reconcile::ReconcileArgs),
    /// Check an order's status.
    Status(api::StatusArgs),
    /// Create a checkout page.
    Create(api::CreateArgs),
    /// Run the local DOKU emulator.
    Mock(mock::MockArgs),
    /// The whole story on the embedded emulator: create, cancel, status, a refused cancel.
    Demo,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let code = match cli.command {
        Command::Sign(a) => sign::run(&a),
        Command::VerifyNotification(a) => verify::run(&a),
        Command::Doctor(a) => doctor::run(&a),
        Command::WebhookCheck(a) => webhook::run(&a),
        Command::Cancel(a) => api::cancel(&a),
        Command::CancelBatch(a) => batch::run(&a),
        Command::Reconcile(a) => reconcile::run(&a),
        Command::Status(a) => api::status(&a),
        Command::Create(a) => api::create(&a),
        Command::Mock(a) => mock::run(&a),
        Command::Demo => demo::run(),
    };
    ExitCode::from(code)
}
