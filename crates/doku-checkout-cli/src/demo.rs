//! `doku-checkout demo`: the full cancel story against the embedded emulator.

use std::io::Write;

use doku_checkout::operations::CreateCheckoutRequest;
use doku_checkout::{Client, Error, SecretKey, Timestamp, UserAgent};
use doku_checkout_mock::{MockConfig, MockControl, MockServer, OrderState};

use crate::exit::{FAILURE, OK, report};

const DEMO_CLIENT_ID: &str = "MCH-DEMO-0001";
const DEMO_SECRET: &str = "SK-DEMO-not-a-real-key";

struct Out(std::io::Stdout);

impl Out {
    fn line(&mut self, text: impl AsRef<str>) {
        let _ = writeln!(self.0, "{}", text.as_ref());
    }

    /// Prints the signed headers of the last request the emulator received.
    fn sent(&mut self, control: &MockControl) {
        let Some(entry) = control.log().pop() else {
            return;
        };
        self.line(format!("   → {} {}", entry.method, entry.path));
        for name in ["client-id", "request-id", "request-timestamp", "signature"] {
            if let Some((_, v)) = entry.headers.iter().find(|(k, _)| k == name) {
                let pretty = match name {
                    "client-id" => "Client-Id",
                    "request-id" => "Request-Id",
                    "request-timestamp" => "Request-Timestamp",
                    _ => "Signature",
                };
                self.line(format!("       {pretty}: {v}"));
            }
        }
        if !entry.body.is_empty() {
            self.line(format!("       body: {}", entry.body));
        }
        self.line(format!(
            "     (emulator: signature {})",
            if entry.signature_valid { "verified" } else { "REJECTED" }
        ));
    }
}

pub(crate) fn run() -> u8 {
    let runtime = match tokio::runtime::Builder::new_current_thread().enable_all().build() {
        Ok(rt) => rt,
        Err(e) => return report(&Error::config(format!("cannot start the runtime: {e}"))),
    };
    match runtime.block_on(story()) {
        Ok(()) => OK,
        Err(e) => {
            report(&e);
            FAILURE
        }
    }
}

async fn story() -> Result<(), Error> {
    let mut out = Out(std::io::stdout());
    let config = MockConfig::new(DEMO_CLIENT_ID, DEMO_SECRET)?;
    let server =
        MockServer::start(config).await.map_err(|e| Error::config(format!("cannot start the emulator: {e}")))?;
    let control = server.control().clone();
    let secret = SecretKey::new(DEMO_SECRET)?;
    out.line(format!("DOKU Checkout demo on the embedded emulator at {} (loopback only, no real money)", server.url()));
    out.line(format!("Client-Id {DEMO_CLIENT_ID}, secret key {secret} (never printed)\n"));

    let client = Client::builder_with_key(DEMO_CLIENT_ID, secret)
        .base_url(server.url())
        .user_agent(UserAgent::new("cli-demo", "rust"))
        .build()?;
    let stamp = Timestamp::now().unix();
    let invoice = format!("INV-DEMO-{stamp}");

    out.line(format!("1. Create a checkout page for {invoice} (Rp 150000, VIRTUAL_ACCOUNT_BCA)"));
    let request = CreateCheckoutRequest {
        invoice_number: invoice.clone(),
        amount: 150_000,
        payment_due_minutes: Some(60),
        payment_method_types: vec!["VIRTUAL_ACCOUNT_BCA".into()],
        ..Default::default()
    };
    let created = client.create_checkout(&request, None).await?;
    out.sent(&control);
    out.line(format!("   ← HTTP {} {:?}: pay at {}", created.http_status, created.messages, created.payment_url));
    if let Some(t) = created.expires_at {
        out.line(format!("     expires {t} (DOKU's WIB form: {})", t.to_wib_compact()));
    }
    out.line(format!("   Store this Request-Id with the order; cancel needs it: {}\n", created.request_id));

    out.line(format!("2. The customer changed the order: cancel {invoice}"));
    let cancelled = client.cancel_order(&invoice, &created.request_id, "Customer changed order", None).await?;
    out.sent(&control);
    out.line(format!(
        "   ← HTTP {} {:?}, order status {}\n",
        cancelled.http_status,
        cancelled.messages,
        cancelled.order_status.as_deref().unwrap_or("-")
    ));

    out.line("3. Check the status (GET, signed without a Digest line)");
    let status = client.order_status(&invoice).await?;
    out.sent(&control);
    out.line(format!("   ← HTTP {}: status {}\n", status.http_status, status.status.as_deref().unwrap_or("-")));

    out.line("4. Retry the same cancel with the same Request-Id (e.g. after a timeout): safe");
    let replay = client
        .cancel_order(&invoice, &created.request_id, "Customer changed order", Some(&cancelled.request_id))
        .await?;
    out.sent(&control);
    out.line(format!(
        "   ← HTTP {}: DOKU replayed the original answer; success, replayed = {}\n",
        replay.http_status, replay.replayed
    ));

    let paid = format!("INV-DEMO-PAID-{stamp}");
    out.line(format!("5. Another customer already paid {paid}; try to cancel it"));
    let paid_order =
        client.create_checkout(&CreateCheckoutRequest { invoice_number: paid.clone(), ..request }, None).await?;
    control.set_state(&paid, OrderState::Paid);
    match client.cancel_order(&paid, &paid_order.request_id, "Out of stock", None).await {
        Ok(r) => {
            return Err(Error::invalid_response(format!("the emulator cancelled a paid order: {r:?}")));
        }
        Err(e) => {
            out.sent(&control);
            out.line(format!(
                "   ← {} ({}), HTTP {}, retryable: {}",
                e.code().class_name(),
                e.code(),
                e.http_status().unwrap_or(0),
                e.retryable()
            ));
            out.line(format!("     {}", e.message()));
        }
    }
    out.line("\nDone: every request above was signed with HMAC-SHA256 and verified by the emulator.");
    server.shutdown().await;
    Ok(())
}
