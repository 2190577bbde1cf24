//! `doku-checkout webhook-check URL`: send forged and genuine notifications to your own
//! endpoint and report which it handles wrongly.

use std::io::Write;

use clap::Args;
use doku_checkout::webhook_check::{BatteryInput, Delivery, Verdict, cases, check_url, judge, send};
use doku_checkout::{Error, Timestamp};
use serde_json::json;

use crate::exit::{FAILURE, OK, report};
use crate::{SecretArgs, secret};

#[derive(Args)]
pub(crate) struct WebhookArgs {
    #[command(flatten)]
    secret: SecretArgs,
    /// Your notification endpoint (https, or http on loopback).
    url: String,
    /// The Client-Id your endpoint expects (default: $DOKU_CLIENT_ID).
    #[arg(long, env = "DOKU_CLIENT_ID", hide_env_values = true)]
    client_id: String,
    /// The invoice number the test notifications name (default: a new WEBHOOK-CHECK-… one).
    #[arg(long)]
    invoice: Option<String>,
    /// Seconds to wait for each answer.
    #[arg(long, default_value_t = 10.0)]
    timeout: f64,
    /// Allow plain http to a non-loopback host.
    #[arg(long)]
    allow_http: bool,
    /// Print the results as JSON.
    #[arg(long)]
    json: bool,
}

pub(crate) fn run(args: &WebhookArgs) -> u8 {
    match check(args) {
        Ok(code) => code,
        Err(e) => report(&e),
    }
}

fn check(args: &WebhookArgs) -> Result<u8, Error> {
    let timeout = crate::api::timeout_arg(args.timeout)?;
    let secret = secret::load(&args.secret)?;
    let path = check_url(&args.url, args.allow_http)?;
    let invoice = args
        .invoice
        .clone()
        .unwrap_or_else(|| format!("WEBHOOK-CHECK-{}", &doku_checkout::new_request_id()[..8].to_ascii_uppercase()));
    let battery = cases(&BatteryInput {
        secret: &secret,
        client_id: &args.client_id,
        path: &path,
        invoice_number: &invoice,
        now: Timestamp::now(),
    });
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| Error::config(format!("cannot start the runtime: {e}")))?;
    let deliveries = runtime.block_on(send(&args.url, &battery, timeout))?;
    let verdicts: Vec<Verdict> = battery.iter().zip(&deliveries).map(|(c, d)| judge(c, d.status)).collect();
    let failed = verdicts.iter().filter(|v| matches!(v, Verdict::Fail(_))).count();
    let warned = verdicts.iter().filter(|v| matches!(v, Verdict::Warn(_))).count();
    let passed = verdicts.len() - failed - warned;
    let mut out = std::io::stdout().lock();
    if args.json {
        let results: Vec<_> = battery
            .iter()
            .zip(&deliveries)
            .zip(&verdicts)
            .map(|((case, delivery), verdict)| {
                let (result, message) = match verdict {
                    Verdict::Pass => ("PASS", None),
                    Verdict::Fail(m) => ("FAIL", Some(m)),
                    Verdict::Warn(m) => ("WARN", Some(m)),
                };
                json!({ "id": case.id, "title": case.title, "expect": case.expect, "status": delivery.status,
                        "error": delivery.error, "result": result, "message": message })
            })
            .collect();
        let summary = json!({ "url": args.url, "path": path, "invoice_number": invoice, "cases": results,
                              "passed": passed, "failed": failed, "warnings": warned });
        let _ = writeln!(out, "{summary}");
    } else {
        let _ = writeln!(
            out,
            "webhook-check {} (Request-Target {path}, Client-Id {}, invoice {invoice})",
            args.url, args.client_id
        );
        for ((case, delivery), verdict) in battery.iter().zip(&deliveries).zip(&verdicts) {
            let _ = writeln!(out, "{}", line(case.title, delivery, verdict));
        }
        let _ = writeln!(out, "{} cases: {passed} passed, {failed} failed, {warned} warnings", verdicts.len());
    }
    Ok(if failed == 0 { OK } else { FAILURE })
}

fn line(title: &str, delivery: &Delivery, verdict: &Verdict) -> String {
    let got = delivery.status.map_or_else(|| "---".to_owned(), |s| s.to_string());
    match verdict {
        Verdict::Pass => format!("PASS  {got}  {title}"),
        Verdict::Fail(m) => {
            format!("FAIL  {got}  {m}{}", delivery.error.as_ref().map(|e| format!(" ({e})")).unwrap_or_default())
        }
        Verdict::Warn(m) => format!("WARN  {got}  {m}"),
    }
}
