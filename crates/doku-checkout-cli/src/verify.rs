//! `doku-checkout verify-notification`.

use std::io::Write;
use std::path::PathBuf;

use clap::Args;
use doku_checkout::{Error, ReceivedHeaders, VerifyOptions, verify_notification};

use crate::exit::{OK, report};
use crate::sign::read_body;
use crate::{SecretArgs, secret};

/// A received notification, as `verify-notification` and `doctor` take it.
#[derive(Args)]
pub(crate) struct NotificationArgs {
    #[command(flatten)]
    pub secret: SecretArgs,
    /// The path of your notification URL (the Request-Target), e.g. /payments/notifications.
    #[arg(long)]
    pub path: String,
    /// The received headers as `Name: value` lines.
    #[arg(long, value_name = "FILE")]
    pub headers_file: PathBuf,
    /// The raw received body ("-" for stdin).
    #[arg(long, value_name = "FILE")]
    pub body_file: PathBuf,
}

impl NotificationArgs {
    /// The headers and the raw body, read within the size limit.
    pub fn read(&self) -> Result<(ReceivedHeaders, Vec<u8>), Error> {
        let text = crate::files::read_text(&self.headers_file, "headers_file", crate::files::MAX_INPUT_FILE)?;
        Ok((parse_headers(&text)?, read_body(&self.body_file)?))
    }
}

#[derive(Args)]
pub(crate) struct VerifyArgs {
    #[command(flatten)]
    notification: NotificationArgs,
    /// Refuse timestamps more than this many seconds from now (default 86400: DOKU retries for 12 h).
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
        let secret = secret::load(&args.notification.secret)?;
        let (headers, body) = args.notification.read()?;
        verify_notification(
            &secret,
            &headers,
            &body,
            &args.notification.path,
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
