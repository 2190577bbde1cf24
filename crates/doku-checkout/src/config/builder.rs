//! [`ClientBuilder`]: every setting with its documented default, checked without any I/O.

use std::sync::Arc;
use std::time::Duration;

use super::ClientConfig;
use super::environment::{Environment, check_base_url};
use crate::credentials::{ClientId, SecretKey};
use crate::error::Error;
use crate::retry::RetryPolicy;
use crate::timestamp::{Clock, SystemClock};
use crate::user_agent::UserAgent;

/// Default connect timeout.
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// Default per-attempt timeout (the whole exchange of one attempt).
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);
/// Default cap on a response body: DOKU's answers are a few KiB; anything near this is a
/// proxy's error page or a broken server, and reading more would only cost memory.
pub const DEFAULT_MAX_RESPONSE_BYTES: usize = 1024 * 1024;

/// Accepted range of the connect and per-attempt timeouts.
pub(crate) const TIMEOUT_RANGE: std::ops::RangeInclusive<Duration> =
    Duration::from_millis(1)..=Duration::from_secs(600);
/// Accepted range of the backoff bounds.
const BACKOFF_RANGE: std::ops::RangeInclusive<Duration> = Duration::from_millis(1)..=Duration::from_secs(60);
/// Accepted range of the total deadline of one call.
const DEADLINE_RANGE: std::ops::RangeInclusive<Duration> = Duration::from_millis(1)..=Duration::from_secs(3600);
/// The most retries after the first attempt.
pub const MAX_RETRIES_LIMIT: u32 = 10;
/// Accepted range of the response cap.
const RESPONSE_CAP_RANGE: std::ops::RangeInclusive<usize> = 1024..=64 * 1024 * 1024;

/// Builds a client (`Client`, with the `client` feature) or a [`ClientConfig`] (any build).
/// Credential errors are reported when it is built or resolved.
#[must_use]
pub struct ClientBuilder {
    client_id: Result<ClientId, Error>,
    secret_key: Result<SecretKey, Error>,
    environment: Environment,
    base_url: Option<String>,
    connect_timeout: Duration,
    timeout: Duration,
    retry: RetryPolicy,
    user_agent: UserAgent,
    verify_response_signatures: bool,
    clock: Arc<dyn Clock>,
    max_response_bytes: usize,
    deadline: Option<Duration>,
    proxy: Option<String>,
}

impl std::fmt::Debug for ClientBuilder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ClientBuilder")
            .field("client_id", &self.client_id.as_ref().ok())
            .field("secret_key", &"***")
            .field("environment", &self.environment)
            .field("base_url", &self.base_url)
            .field("timeout", &self.timeout)
            .field("retry", &self.retry)
            .finish_non_exhaustive()
    }
}

impl ClientBuilder {
    pub(crate) fn new(client_id: impl Into<String>, secret_key: Result<SecretKey, Error>) -> Self {
        Self {
            client_id: ClientId::new(client_id),
            secret_key,
            environment: Environment::Sandbox,
            base_url: None,
            connect_timeout: DEFAULT_CONNECT_TIMEOUT,
            timeout: DEFAULT_TIMEOUT,
            retry: RetryPolicy::default(),
            user_agent: UserAgent::default(),
            verify_response_signatures: false,
            clock: Arc::new(SystemClock),
            max_response_bytes: DEFAULT_MAX_RESPONSE_BYTES,
            deadline: None,
            proxy: None,
        }
    }

    /// Sandbox (default) or Production.
    pub fn environment(mut self, environment: Environment) -> Self {
        self.environment = environment;
        self
    }
    /// A custom base URL (https, or http for loopback only); overrides `environment`.
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.base_url = Some(url.into());
        self
    }
    /// Connect timeout (default 10 s).
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = timeout;
        self
    }
    /// Per-attempt timeout (default 30 s). With retries the total can reach about
    /// `(max_retries + 1) × timeout` plus backoff.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }
    /// Retries after the first attempt (default 2).
    pub fn max_retries(mut self, retries: u32) -> Self {
        self.retry.max_retries = retries;
        self
    }
    /// Initial and maximum backoff (defaults 0.5 s and 5 s).
    pub fn backoff(mut self, initial: Duration, max: Duration) -> Self {
        self.retry.initial_backoff = initial;
        self.retry.max_backoff = max;
        self
    }
    /// The current (initial, maximum) backoff.
    pub fn backoff_bounds(&self) -> (Duration, Duration) {
        (self.retry.initial_backoff, self.retry.max_backoff)
    }
    /// Who is calling, for the User-Agent (bindings set this).
    pub fn user_agent(mut self, user_agent: UserAgent) -> Self {
        self.user_agent = user_agent;
        self
    }
    /// Verify DOKU's signature on API responses (off by default: DOKU has published no
    /// worked example of the response scheme).
    pub fn verify_response_signatures(mut self, on: bool) -> Self {
        self.verify_response_signatures = on;
        self
    }
    /// The largest response body read (default 1 MiB, 1 KiB–64 MiB). A longer answer ends the
    /// call at once with `invalid_response`, its first bytes in `raw_body`.
    pub fn max_response_bytes(mut self, bytes: usize) -> Self {
        self.max_response_bytes = bytes;
        self
    }
    /// The most one call may take, retries and waits included (1 ms–1 h). Default: every
    /// attempt's timeout plus every backoff, `(max_retries + 1) × timeout + max_retries × max_backoff + 1 s`.
    pub fn deadline(mut self, deadline: Duration) -> Self {
        self.deadline = Some(deadline);
        self
    }
    /// Send through this proxy (`http://` or `https://` URL). Without it, the `HTTPS_PROXY`
    /// family of environment variables is honoured for an https base URL only: a plain-http
    /// loopback base URL (the emulator) is never proxied.
    pub fn proxy(mut self, url: impl Into<String>) -> Self {
        self.proxy = Some(url.into());
        self
    }
    /// The clock used for `Request-Timestamp` (tests).
    pub fn clock(mut self, clock: Arc<dyn Clock>) -> Self {
        self.clock = clock;
        self
    }

    /// Checks every setting and resolves the defaults: what [`ClientBuilder::build`] and the
    /// WebAssembly client (which sends with the host's `fetch`) both run with.
    pub fn resolve(self) -> Result<ClientConfig, Error> {
        let client_id =
            self.client_id.map_err(|e| Error::config_field("client_id", format!("client_id: {}", e.message())))?;
        let secret =
            self.secret_key.map_err(|e| Error::config_field("secret_key", format!("secret_key: {}", e.message())))?;
        let base_url = match &self.base_url {
            Some(url) => check_base_url(url)?,
            None => self.environment.base_url().to_owned(),
        };
        if !TIMEOUT_RANGE.contains(&self.timeout) {
            return Err(Error::config_field("timeout_ms", "the timeout must be between 1 ms and 10 minutes"));
        }
        if !TIMEOUT_RANGE.contains(&self.connect_timeout) {
            return Err(Error::config_field(
                "connect_timeout_ms",
                "the connect timeout must be between 1 ms and 10 minutes",
            ));
        }
        if self.retry.max_retries > MAX_RETRIES_LIMIT {
            return Err(Error::config_field(
                "max_retries",
                format!("max_retries must be between 0 and {MAX_RETRIES_LIMIT}"),
            ));
        }
        if !BACKOFF_RANGE.contains(&self.retry.initial_backoff) {
            return Err(Error::config_field("initial_backoff_ms", "the initial backoff must be between 1 ms and 60 s"));
        }
        if !BACKOFF_RANGE.contains(&self.retry.max_backoff) {
            return Err(Error::config_field("max_backoff_ms", "the maximum backoff must be between 1 ms and 60 s"));
        }
        if self.retry.initial_backoff > self.retry.max_backoff {
            return Err(Error::config_field(
                "initial_backoff_ms",
                "the initial backoff must not exceed the maximum backoff",
            ));
        }
        if !RESPONSE_CAP_RANGE.contains(&self.max_response_bytes) {
            return Err(Error::config_field(
                "max_response_bytes",
                "max_response_bytes must be between 1 KiB and 64 MiB",
            ));
        }
        let deadline = match self.deadline {
            Some(d) if DEADLINE_RANGE.contains(&d) => d,
            Some(_) => return Err(Error::config_field("deadline_ms", "the deadline must be between 1 ms and 1 hour")),
            // Both factors were range-checked above, so this cannot overflow. The second of
            // margin lets the last attempt's own timeout report first.
            None => {
                self.timeout * (self.retry.max_retries + 1)
                    + self.retry.max_backoff * self.retry.max_retries
                    + Duration::from_secs(1)
            }
        };
        if let Some(proxy) = &self.proxy {
            check_proxy(proxy)?;
        }
        Ok(ClientConfig {
            base_url,
            client_id,
            secret,
            timeout: self.timeout,
            connect_timeout: self.connect_timeout,
            proxy: self.proxy,
            retry: self.retry,
            user_agent: self.user_agent,
            verify_response_signatures: self.verify_response_signatures,
            clock: self.clock,
            max_response_bytes: self.max_response_bytes,
            deadline,
        })
    }
}

/// A proxy must be an `http://` or `https://` URL naming a host, without spaces or control
/// characters (the native client's HTTP stack parses it fully when it is built). Never echoed:
/// it may carry credentials.
fn check_proxy(proxy: &str) -> Result<(), Error> {
    let Some(rest) = proxy.strip_prefix("http://").or_else(|| proxy.strip_prefix("https://")) else {
        return Err(Error::config_field("proxy", "the proxy must be an http:// or https:// URL"));
    };
    let host = rest.rsplit_once('@').map_or(rest, |(_, h)| h);
    if host.is_empty() || host.starts_with(['/', ':']) || proxy.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(Error::config_field("proxy", "the proxy is not a valid URL"));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_shows_the_settings_and_never_the_key() {
        let b = ClientBuilder::new("MCH-B", SecretKey::new("SK-builder-secret-1")).base_url("https://a.example");
        let text = format!("{b:?}");
        assert!(text.starts_with("ClientBuilder {") && text.contains("MCH-B") && text.contains("***"), "{text}");
        assert!(text.contains("a.example") && !text.contains("SK-builder-secret-1"), "{text}");
    }

    #[test]
    fn proxies_need_a_scheme_a_host_and_no_spaces() {
        for good in ["http://127.0.0.1:3128", "https://proxy.example", "http://user:pw@proxy.example:8080"] {
            assert!(check_proxy(good).is_ok(), "{good}");
        }
        for bad in [
            "socks5://127.0.0.1:1080",
            "127.0.0.1:3128",
            "http://",
            "http://user@",
            "http:///path",
            "http://:3128",
            "http://proxy example",
            "http://proxy\u{7}.example",
            "https://",
        ] {
            let e = check_proxy(bad).expect_err(bad);
            assert_eq!(e.field(), Some("proxy"), "{bad}");
            assert!(!e.message().contains("example"), "never echoed: {}", e.message());
        }
    }
}
