//! Client settings without any I/O: the builder, the options record every binding passes
//! through, the environments, and the resolved [`ClientConfig`] that the native client and
//! the WebAssembly client (which sends with the host's `fetch`) both run with.

mod builder;
mod environment;
mod options;

use std::sync::Arc;
use std::time::Duration;

#[cfg(feature = "client")]
pub(crate) use builder::TIMEOUT_RANGE;
pub use builder::{
    ClientBuilder, DEFAULT_CONNECT_TIMEOUT, DEFAULT_MAX_RESPONSE_BYTES, DEFAULT_TIMEOUT, MAX_RETRIES_LIMIT,
};
pub use environment::Environment;
pub use options::ClientOptions;

use crate::credentials::{ClientId, SecretKey};
use crate::retry::RetryPolicy;
use crate::timestamp::Clock;
use crate::user_agent::UserAgent;

/// Every setting of one client, checked and with its defaults resolved.
#[derive(Clone)]
pub struct ClientConfig {
    pub(crate) base_url: String,
    pub(crate) client_id: ClientId,
    pub(crate) secret: SecretKey,
    pub(crate) timeout: Duration,
    pub(crate) connect_timeout: Duration,
    pub(crate) proxy: Option<String>,
    pub(crate) retry: RetryPolicy,
    pub(crate) user_agent: UserAgent,
    pub(crate) verify_response_signatures: bool,
    pub(crate) clock: Arc<dyn Clock>,
    pub(crate) max_response_bytes: usize,
    pub(crate) deadline: Duration,
}

impl std::fmt::Debug for ClientConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ClientConfig")
            .field("client_id", &self.client_id.as_str())
            .field("secret_key", &self.secret)
            .field("base_url", &self.base_url)
            .field("timeout", &self.timeout)
            .field("retry", &self.retry)
            .finish_non_exhaustive()
    }
}

impl ClientConfig {
    /// Where requests go (no trailing slash).
    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    /// The Client ID.
    pub fn client_id(&self) -> &str {
        self.client_id.as_str()
    }

    /// The per-attempt timeout.
    pub fn timeout(&self) -> Duration {
        self.timeout
    }

    /// The most one call may take, retries and waits included.
    pub fn deadline(&self) -> Duration {
        self.deadline
    }

    /// The largest response body read.
    pub fn max_response_bytes(&self) -> usize {
        self.max_response_bytes
    }

    /// Whether response signatures are verified (the transport then hands over the headers).
    pub fn verify_response_signatures(&self) -> bool {
        self.verify_response_signatures
    }

    /// The proxy every request goes through, if any.
    pub fn proxy(&self) -> Option<&str> {
        self.proxy.as_deref()
    }

    /// The clock Request-Timestamps are read from (a WebAssembly host passes its own time
    /// instead: `std::time` has no clock there).
    pub fn clock(&self) -> &dyn Clock {
        self.clock.as_ref()
    }

    /// The User-Agent header value.
    pub fn user_agent(&self) -> String {
        self.user_agent.header_value()
    }

    /// The settings in force, as the shared `config.json` vectors compare them.
    pub fn settings(&self) -> ClientSettings {
        ClientSettings {
            base_url: self.base_url.clone(),
            timeout_ms: self.timeout.as_millis(),
            connect_timeout_ms: self.connect_timeout.as_millis(),
            max_retries: self.retry.max_retries,
            initial_backoff_ms: self.retry.initial_backoff.as_millis(),
            max_backoff_ms: self.retry.max_backoff.as_millis(),
            deadline_ms: self.deadline.as_millis(),
            max_response_bytes: self.max_response_bytes,
            proxy: self.proxy.clone(),
            verify_response_signatures: self.verify_response_signatures,
        }
    }
}

/// The settings a client runs with, defaults resolved (what the shared `config.json` vectors
/// compare in every language).
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct ClientSettings {
    /// Where requests go.
    pub base_url: String,
    /// Per-attempt timeout.
    pub timeout_ms: u128,
    /// Connect timeout.
    pub connect_timeout_ms: u128,
    /// Retries after the first attempt.
    pub max_retries: u32,
    /// First backoff.
    pub initial_backoff_ms: u128,
    /// Largest backoff.
    pub max_backoff_ms: u128,
    /// The most one call may take.
    pub deadline_ms: u128,
    /// The largest response body read.
    pub max_response_bytes: usize,
    /// The proxy every request goes through, if any.
    pub proxy: Option<String>,
    /// Whether response signatures are verified.
    pub verify_response_signatures: bool,
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECRET: &str = "SK-config-test-secret";

    fn config(options: &str) -> ClientConfig {
        ClientOptions::from_json(options)
            .and_then(|o| o.resolve_config("MCH-CONFIG", SECRET, UserAgent::new("test", "runtime/1")))
            .expect("valid")
    }

    #[test]
    fn the_getters_give_what_the_transports_run_with() {
        let c = config(
            r#"{"base_url":"http://127.0.0.1:9/","timeout_ms":1500,"deadline_ms":9000,"max_response_bytes":4096,"verify_response_signatures":true,"proxy":"http://127.0.0.1:3128"}"#,
        );
        assert_eq!((c.base_url(), c.client_id()), ("http://127.0.0.1:9", "MCH-CONFIG"));
        assert_eq!((c.timeout(), c.deadline()), (Duration::from_millis(1500), Duration::from_secs(9)));
        assert_eq!((c.max_response_bytes(), c.verify_response_signatures()), (4096, true));
        assert_eq!(c.proxy(), Some("http://127.0.0.1:3128"));
        assert!(c.user_agent().contains("test") && c.user_agent().contains("runtime/1"));
        let defaults = config("{}");
        assert_eq!((defaults.proxy(), defaults.verify_response_signatures()), (None, false));
        assert!(defaults.clock().now().unix() > 1_700_000_000);
    }

    #[test]
    fn debug_names_the_client_and_never_the_secret() {
        let text = format!("{:?}", config("{}"));
        assert!(text.starts_with("ClientConfig {") && text.contains("MCH-CONFIG") && text.contains("***"), "{text}");
        assert!(!text.contains(SECRET));
    }
}
