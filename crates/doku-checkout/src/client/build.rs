//! Turning checked settings into a client: the reqwest side of [`ClientBuilder`] and
//! [`ClientOptions`].

use std::sync::{Arc, Once};

use super::{Client, Inner};
use crate::config::{ClientBuilder, ClientConfig, ClientOptions};
use crate::error::Error;
use crate::user_agent::UserAgent;

pub(crate) fn install_crypto_provider() {
    static ONCE: Once = Once::new();
    // Another part of the process may have installed a provider already; that is fine.
    ONCE.call_once(|| {
        let _ = rustls::crypto::ring::default_provider().install_default();
    });
}

impl ClientBuilder {
    /// Checks the settings and builds the client. Does not touch the network.
    pub fn build(self) -> Result<Client, Error> {
        Client::from_config(self.resolve()?)
    }
}

impl ClientOptions {
    /// Builds a client: how every native binding constructs one.
    pub fn build(
        self,
        client_id: impl Into<String>,
        secret_key: impl Into<String>,
        user_agent: UserAgent,
    ) -> Result<Client, Error> {
        Client::from_config(self.resolve_config(client_id, secret_key, user_agent)?)
    }
}

impl Client {
    /// A client running with `config` (its HTTP connection pool is made here).
    pub fn from_config(config: ClientConfig) -> Result<Self, Error> {
        install_crypto_provider();
        let base_url = config.base_url();
        let mut http = reqwest::Client::builder()
            .connect_timeout(config.connect_timeout)
            .user_agent(config.user_agent())
            .redirect(reqwest::redirect::Policy::none())
            .https_only(base_url.starts_with("https://"));
        if let Some(proxy) = config.proxy() {
            let proxy =
                reqwest::Proxy::all(proxy).map_err(|_| Error::config_field("proxy", "the proxy is not a valid URL"))?;
            http = http.proxy(proxy);
        } else if !base_url.starts_with("https://") {
            // Signed requests to a plain-http (loopback) base URL never go through a proxy
            // named in the environment: that would hand them to a third party in clear text.
            http = http.no_proxy();
        }
        let http = http.build().map_err(|e| Error::config(format!("cannot build the HTTP client: {e}")))?;
        // Already checked by the core's own parser; the url crate must agree.
        let base_url = reqwest::Url::parse(base_url)
            .map_err(|_| Error::config_field("base_url", "base_url is not a URL the HTTP client accepts"))?;
        Ok(Self { inner: Arc::new(Inner { http, base_url, config: Arc::new(config) }) })
    }
}
