//! How one attempt reaches DOKU. Two transports behind one interface: [`direct`] (hyper's
//! connection pool, rustls) for every call that goes straight to the base URL, and [`proxied`]
//! (reqwest) when a proxy applies: one set in the settings, or for an `https` base URL one
//! named in the environment. reqwest carries a redirect layer and re-parses the URL twice per
//! request: about a quarter of the I/O thread's CPU per call in a profile (BENCHMARKS.md).

mod answer;
mod direct;
mod proxied;

use bytes::Bytes;

pub(super) use answer::{Answer, Stopped};

use crate::config::ClientConfig;
use crate::error::Error;
use crate::operations::{Method, SignedHeaders};

/// The connection pool a client's calls share.
pub(super) enum Transport {
    Direct(direct::Direct),
    Proxied(proxied::Proxied),
}

/// One attempt's request: what the exchange decided to send.
pub(super) struct Attempt<'a> {
    pub(super) method: Method,
    /// The signed path, already percent-encoded.
    pub(super) path: &'a str,
    pub(super) signed: &'a SignedHeaders,
    pub(super) body: Option<&'a Bytes>,
}

impl Transport {
    /// The transport for `config` (nothing is connected yet).
    pub(super) fn new(config: &ClientConfig) -> Result<Self, Error> {
        if proxied::applies(config) {
            Ok(Self::Proxied(proxied::Proxied::new(config)?))
        } else {
            Ok(Self::Direct(direct::Direct::new(config)?))
        }
    }

    /// Sends one attempt and reads its answer, within the per-attempt timeout.
    pub(super) async fn send(&self, config: &ClientConfig, attempt: Attempt<'_>) -> Result<Answer, Stopped> {
        match self {
            Self::Direct(direct) => direct.send(config, attempt).await,
            Self::Proxied(proxied) => proxied.send(config, attempt).await,
        }
    }

    /// Whether calls go through a proxy (for tests and diagnostics).
    #[cfg(test)]
    pub(super) fn is_proxied(&self) -> bool {
        matches!(self, Self::Proxied(_))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Client;
    use crate::exchange::Exchange;
    use crate::operations::{CancelOrderRequest, OrderStatusRequest};
    use crate::request_id::RequestId;
    use crate::timestamp::Timestamp;

    #[test]
    fn each_attempt_goes_to_the_url_the_exchange_signed() {
        let bases = [
            "https://api-sandbox.doku.com",
            "https://API.Doku.com:8443",
            "http://127.0.0.1:8080",
            "http://[::1]:9",
            "http://localhost",
        ];
        let requests = [
            OrderStatusRequest::new("INV 7/8?#\u{e9}%41").expect("valid").prepare(),
            OrderStatusRequest::new("INV-123123-12313").expect("valid").prepare(),
            CancelOrderRequest::new("INV-1", "orig-1", "note").expect("valid").prepare(),
        ];
        for base in bases {
            for proxy in [None, Some("http://127.0.0.1:3128")] {
                let mut builder = Client::builder("MCH-1", "SK-TEST-ONLY-0123456789").base_url(base);
                if let Some(proxy) = proxy {
                    builder = builder.proxy(proxy);
                }
                let config = builder.build().expect(base).inner.config.clone();
                let transport = Transport::new(&config).expect(base);
                assert_eq!(transport.is_proxied(), proxy.is_some(), "{base}");
                for prepared in &requests {
                    let mut exchange = Exchange::new(config.clone(), prepared.clone(), RequestId::generate());
                    let signed = exchange.start_attempt(Timestamp::now()).expect("signed");
                    let body = exchange.body().map(Bytes::copy_from_slice);
                    let attempt = Attempt {
                        method: exchange.method(),
                        path: exchange.path(),
                        signed: &signed,
                        body: body.as_ref(),
                    };
                    let sent = match &transport {
                        Transport::Direct(direct) => direct.request(&attempt).ok().expect("request").uri().to_string(),
                        Transport::Proxied(proxied) => proxied.url(attempt.path).to_string(),
                    };
                    assert_eq!(sent, exchange.url(), "{base} {proxy:?}");
                }
            }
        }
    }
}
