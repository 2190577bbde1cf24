//! [`ClientBuilder`]: every setting with its documented default.

use std::sync::{Arc, Once};
use std::time::Duration;

use super::environment::{Environment, check_base_url};
use super::{Client, Inner};
use crate::credentials::{ClientId, SecretKey};
use crate::error::Error;
use crate::retry::RetryPolicy;
use crate::timestamp::{Clock, SystemClock};
use crate::user_agent::UserAgent;

/// Default connect timeout.
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// Default per-attempt timeout (the whole exchange of one attempt).
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);

/// Builds a [`Client`]. Credential errors are reported by [`ClientBuilder::build`].
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

pub(crate) fn install_crypto_provider() {
    static ONCE: Once = Once::new();
    // Another part of the process may have installed a provider already; that is fine.
    ONCE.call_once(|| {
        let _ = rustls::crypto::ring::default_provider().install_default();
    });
}

impl ClientBuilder {
    pub(super) fn new(client_id: impl Into<String>, secret_key: Result<SecretKey, Error>) -> Self {
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
    /// The clock used for `Request-Timestamp` (tests).
    pub fn clock(mut self, clock: Arc<dyn Clock>) -> Self {
        self.clock = clock;
        self
    }

    /// Checks the settings and builds the client. Does not touch the network.
    pub fn build(self) -> Result<Client, Error> {
        let client_id = self.client_id.map_err(|e| Error::config(format!("client_id: {}", e.message())))?;
        let secret = self.secret_key.map_err(|e| Error::config(format!("secret_key: {}", e.message())))?;
        let base_url = match &self.base_url {
            Some(url) => check_base_url(url)?,
            None => self.environment.base_url().to_owned(),
        };
        if self.timeout.is_zero() || self.connect_timeout.is_zero() {
            return Err(Error::config("timeouts must be greater than zero"));
        }
        if self.retry.initial_backoff > self.retry.max_backoff {
            return Err(Error::config("initial backoff must not exceed the maximum backoff"));
        }
        install_crypto_provider();
        let http = reqwest::Client::builder()
            .connect_timeout(self.connect_timeout)
            .user_agent(self.user_agent.header_value())
            .redirect(reqwest::redirect::Policy::none())
            .https_only(base_url.starts_with("https://"))
            .build()
            .map_err(|e| Error::config(format!("cannot build the HTTP client: {e}")))?;
        Ok(Client {
            inner: Arc::new(Inner {
                http,
                base_url,
                client_id,
                secret,
                timeout: self.timeout,
                retry: self.retry,
                verify_response_signatures: self.verify_response_signatures,
                clock: self.clock,
            }),
        })
    }
}
