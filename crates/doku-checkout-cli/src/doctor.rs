//! `doku-checkout doctor`: why a notification does not verify.

use std::io::Write;

use clap::Args;
use doku_checkout::Error;
use doku_checkout::doctor::{Diagnosis, DoctorInput, diagnose_notification};

use crate::exit::{FAILURE, OK, report};
use crate::secret;
use crate::verify::NotificationArgs;

#[derive(Args)]
pub(crate) struct DoctorArgs {
    #[command(flatten)]
    notification: NotificationArgs,
    /// The notification URL set in DOKU Back Office (its path is what DOKU signs).
    #[arg(long)]
    url: Option<String>,
    /// Your own Client-Id (default: $DOKU_CLIENT_ID).
    #[arg(long, env = "DOKU_CLIENT_ID", hide_env_values = true)]
    client_id: Option<String>,
    /// The replay tolerance you use, in seconds.
    #[arg(long, value_name = "SECS")]
    tolerance: Option<u64>,
    /// Print `{"verified", "cause", "detail", "fix"}` as JSON.
    #[arg(long)]
    json: bool,
}

pub(crate) fn run(args: &DoctorArgs) -> u8 {
    match diagnose(args) {
        Ok(diagnosis) => {
            let text =
                if args.json { serde_json::to_string(&diagnosis).unwrap_or_default() } else { human(&diagnosis) };
            let _ = writeln!(std::io::stdout(), "{text}");
            if diagnosis.verified { OK } else { FAILURE }
        }
        Err(e) => report(&e),
    }
}

fn diagnose(args: &DoctorArgs) -> Result<Diagnosis, Error> {
    let secret = secret::load_raw(&args.notification.secret)?;
    let alternate = secret::from_env("DOKU_SECRET_KEY_ALT")?;
    let (headers, body) = args.notification.read()?;
    Ok(diagnose_notification(&DoctorInput {
        secret_key: &secret,
        alternate_secret_key: alternate.as_deref().map(String::as_str),
        headers: &headers,
        body: &body,
        notification_path: &args.notification.path,
        notification_url: args.url.as_deref(),
        expected_client_id: args.client_id.as_deref(),
        tolerance_seconds: args.tolerance,
        now: None,
    }))
}

fn human(d: &Diagnosis) -> String {
    if d.verified {
        return "verified: the notification's signature is valid".to_owned();
    }
    let cause = d.cause.map_or("unknown", |c| c.as_str());
    let mut text = format!("NOT VERIFIED\ncause:  {cause}\nfound:  {}\nfix:    {}", d.detail, d.fix);
    if let Some(s) = &d.string_to_sign {
        text.push_str("\nstring to sign (as received, with your path):\n");
        for line in s.lines() {
            text.push_str("  ");
            text.push_str(line);
            text.push('\n');
        }
        text.pop();
    }
    text
}
