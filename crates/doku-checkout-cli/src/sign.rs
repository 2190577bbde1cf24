//! `doku-checkout sign`.

use std::io::Write;
use std::path::PathBuf;

use clap::Args;
use doku_checkout::{Error, RequestId, SigningInput, Timestamp};

use crate::exit::{OK, report};
use crate::{SecretArgs, secret};

#[derive(Args)]
pub(crate) struct SignArgs {
    #[command(flatten)]
    secret: SecretArgs,
    /// Client-Id header value.
    #[arg(long, allow_hyphen_values = true)]
    client_id: String,
    /// Request-Id (default: a new UUID v4).
    #[arg(long, allow_hyphen_values = true)]
    request_id: Option<String>,
    /// Request-Timestamp, YYYY-MM-DDTHH:MM:SSZ (default: now).
    #[arg(long, allow_hyphen_values = true)]
    timestamp: Option<String>,
    /// Request-Target: the path, e.g. /checkout/v3/cancellations.
    #[arg(long)]
    target: String,
    /// The exact body bytes ("-" for stdin). Without it there is no Digest line (GET).
    #[arg(long, value_name = "FILE")]
    body_file: Option<PathBuf>,
    /// Also write the exact string to sign to stderr.
    #[arg(long)]
    print_string: bool,
}

pub(crate) fn read_body(path: &std::path::Path) -> Result<Vec<u8>, Error> {
    crate::files::read_bounded(path, "body_file", crate::files::MAX_INPUT_FILE)
}

pub(crate) fn run(args: &SignArgs) -> u8 {
    match sign(args) {
        Ok(()) => OK,
        Err(e) => report(&e),
    }
}

fn sign(args: &SignArgs) -> Result<(), Error> {
    let secret = secret::load(&args.secret)?;
    let body = args.body_file.as_deref().map(read_body).transpose()?;
    let defaulted = args.request_id.is_none() || args.timestamp.is_none();
    let request_id = args.request_id.clone().unwrap_or_else(|| RequestId::generate().to_string());
    let timestamp = args.timestamp.clone().unwrap_or_else(|| Timestamp::now().to_string());
    let input = SigningInput::new(&args.client_id, &request_id, &timestamp, &args.target, body.as_deref())?;
    let signature = input.sign(&secret);
    if args.print_string {
        let _ = writeln!(std::io::stderr(), "{}", input.string_to_sign());
    }
    let mut out = std::io::stdout().lock();
    let written = if defaulted {
        writeln!(
            out,
            "Client-Id: {}\nRequest-Id: {request_id}\nRequest-Timestamp: {timestamp}\nSignature: {signature}",
            args.client_id
        )
    } else {
        writeln!(out, "{signature}")
    };
    written.map_err(|e| Error::invalid_input("stdout", e.to_string()))
}
