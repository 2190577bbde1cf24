//! Turning checked settings into a client: the transport side of [`ClientBuilder`] and
//! [`ClientOptions`].

use std::sync::{Arc, Once};

use super::transport::Transport;
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
        let transport = Transport::new(&config)?;
        Ok(Self { inner: Arc::new(Inner { transport, config: Arc::new(config) }) })
    }
}
