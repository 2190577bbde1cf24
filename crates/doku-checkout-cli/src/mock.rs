//! `doku-checkout mock`: the emulator as a process (for Kotlin, other languages, and people).

use std::io::Write;

use clap::Args;
use doku_checkout::Error;
use doku_checkout_mock::{MockConfig, MockServer};

use crate::exit::report;
use crate::{SecretArgs, secret};

#[derive(Args)]
pub(crate) struct MockArgs {
    #[command(flatten)]
    secret: SecretArgs,
    /// Port on 127.0.0.1 (0 picks a free one).
    #[arg(long, default_value_t = 0)]
    port: u16,
    /// The Client ID the emulator accepts.
    #[arg(long, env = "DOKU_CLIENT_ID", default_value = "MCH-TEST-0001")]
    client_id: String,
    /// How many API requests the log (`GET /_mock/log`) keeps; the oldest are forgotten first.
    #[arg(long, default_value_t = doku_checkout_mock::DEFAULT_LOG_SIZE)]
    log_size: usize,
    /// How many Request-Ids' answers are kept for 409 replays.
    #[arg(long, default_value_t = doku_checkout_mock::DEFAULT_REPLAY_STORE_SIZE)]
    replay_store_size: usize,
    /// Your notification URL (DOKU's Back Office setting; loopback only): paid and failed
    /// orders are notified there automatically, retried at +30 min, +6 h and +12 h on the
    /// emulator's clock (`POST /_mock/clock` moves it).
    #[arg(long)]
    notification_url: Option<String>,
    /// Open the dashboard (`/_mock/ui`) in the default browser, when there is one.
    #[arg(long)]
    open: bool,
}

/// Opens `url` with the platform's opener; says so when there is none (a server, CI).
fn open_in_browser(url: &str) {
    let opener = if cfg!(target_os = "macos") { "open" } else { "xdg-open" };
    let opened = std::process::Command::new(opener)
        .arg(url)
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .is_ok();
    if !opened {
        eprintln!("no browser to open here ({opener} not found): open {url} yourself");
    }
}

pub(crate) fn run(args: &MockArgs) -> u8 {
    let secret_key = match secret::load(&args.secret) {
        Ok(k) => k,
        Err(e) => return report(&e),
    };
    if let Err(e) = doku_checkout::ClientId::new(args.client_id.as_str()) {
        return report(&e);
    }
    let config = MockConfig {
        client_id: args.client_id.clone(),
        secret_key,
        port: args.port,
        log_size: args.log_size,
        replay_store_size: args.replay_store_size,
        read_timeout: doku_checkout_mock::DEFAULT_READ_TIMEOUT,
        notification_url: args.notification_url.clone(),
    };
    if let Err(e) = config.validate() {
        return report(&e);
    }
    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(rt) => rt,
        Err(e) => return report(&Error::config(format!("cannot start the runtime: {e}"))),
    };
    runtime.block_on(async {
        let server = match MockServer::start(config).await {
            Ok(s) => s,
            Err(e) => {
                return report(&Error::config(format!("cannot listen on 127.0.0.1:{}: {e}", args.port)));
            }
        };
        let mut out = std::io::stdout();
        let _ = writeln!(out, "listening on {}", server.url());
        let _ = writeln!(out, "dashboard: {}/_mock/ui", server.url());
        let _ = out.flush();
        if args.open {
            open_in_browser(&format!("{}/_mock/ui", server.url()));
        }
        // Serve until interrupted (Ctrl-C) or until stdin is closed by a parent test process.
        let _ = tokio::signal::ctrl_c().await;
        server.shutdown().await;
        crate::exit::OK
    })
}
