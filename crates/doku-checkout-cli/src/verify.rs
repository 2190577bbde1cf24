//! `doku-checkout verify-notification`.

use std::io::Write;
use std::path::PathBuf;

use clap::Args;
use doku_checkout::{Error, ReceivedHeaders, VerifyOptions, verify_notification};

use crate::exit::{OK, report};
use crate::sign::read_body;
use crate::{SecretArgs, secret};

#[derive(Args)]
pub(crate) struct VerifyArgs {
    #[command(flatten)]
    secret: SecretArgs,
    /// The path of your notification URL (the Request-Target), e.g. /payments/notifications.
    #[arg(long)]
    path: String,
    /// The received headers as `Name: value` lines.
    #[arg(long, value_name = "FILE")]
    headers_file: PathBuf,
    /// The raw received body ("-" for stdin).
    #[arg(long, value_name = "FILE")]
    body_file: PathBuf,
    /// Refuse timestamps more than this many seconds from now (off by default: DOKU retries for 12 h).
    #[arg(long, value_name = "SECS")]
    tolerance: Option<u64>,
}

pub(crate) fn parse_headers(text: &str) -> Result<ReceivedHeaders, Error> {
    let mut pairs = Vec::new();
    for (n, line) in text.lines().enumerate() {
        let line = line.trim_end_matches('\r');
        if line.trim().is_empty() {
            continue;
        }
        let (name, value) = line
            .split_once(':')
            .ok_or_else(|| Error::invalid_input("headers_file", format!("line {} is not `Name: value`", n + 1)))?;
        pairs.push((name.trim().to_owned(), value.trim().to_owned()));
    }
    Ok(ReceivedHeaders::new(pairs))
}

pub(crate) fn run(args: &VerifyArgs) -> u8 {
    let result = (|| {
        let secret = secret::load(&args.secret)?;
        let text = crate::files::read_text(&args.headers_file, "headers_file", crate::files::MAX_INPUT_FILE)?;
        let headers = parse_headers(&text)?;
        let body = read_body(&args.body_file)?;
        verify_notification(
            &secret,
            &headers,
            &body,
            &args.path,
            VerifyOptions { tolerance_seconds: args.tolerance, now: None },
        )
    })();
    match result {
        Ok(n) => {
            let _ = writeln!(std::io::stdout(), "{}", n.body);
            OK
        }
        Err(e) => report(&e),
    }
}
