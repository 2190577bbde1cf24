//! [`ClientOptions`]: every client setting as one record that each binding passes straight
//! through, so the defaults, the environment/base-URL rule and every refusal live here once.

use std::time::Duration;

use super::builder::ClientBuilder;
use super::environment::Environment;
use super::{ClientConfig, ClientSettings};
use crate::credentials::SecretKey;
use crate::error::Error;
use crate::user_agent::UserAgent;

/// Client settings; every field is optional and an unset one takes its documented default.
///
/// Times are whole milliseconds. `base_url` wins over `environment`, but a given
/// `environment` is always checked, so a typo never goes unnoticed.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(default, deny_unknown_fields)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct ClientOptions {
    /// `sandbox` (default) or `production`.
    #[cfg_attr(feature = "uniffi", uniffi(default = None))]
    pub environment: Option<String>,
    /// A custom base URL: https, or http for a loopback test server only.
    #[cfg_attr(feature = "uniffi", uniffi(default = None))]
    pub base_url: Option<String>,
    /// Per-attempt timeout (default 30 000 ms; 1 ms–10 min).
    #[cfg_attr(feature = "uniffi", uniffi(default = None))]
    pub timeout_ms: Option<u32>,
    /// Connect timeout (default 10 000 ms; 1 ms–10 min).
    #[cfg_attr(feature = "uniffi", uniffi(default = None))]
    pub connect_timeout_ms: Option<u32>,
    /// Retries after the first attempt (default 2; at most 10).
    #[cfg_attr(feature = "uniffi", uniffi(default = None))]
    pub max_retries: Option<u32>,
    /// First backoff (default 500 ms; 1 ms–60 s).
    #[cfg_attr(feature = "uniffi", uniffi(default = None))]
    pub initial_backoff_ms: Option<u32>,
    /// Largest backoff (default 5 000 ms; 1 ms–60 s).
    #[cfg_attr(feature = "uniffi", uniffi(default = None))]
    pub max_backoff_ms: Option<u32>,
    /// The most one call may take, retries included (default: every attempt and backoff plus 1 s).
    #[cfg_attr(feature = "uniffi", uniffi(default = None))]
    pub deadline_ms: Option<u32>,
    /// The largest response body read (default 1 MiB; 1 KiB–64 MiB).
    #[cfg_attr(feature = "uniffi", uniffi(default = None))]
    pub max_response_bytes: Option<u32>,
    /// An `http://` or `https://` proxy for every request.
    #[cfg_attr(feature = "uniffi", uniffi(default = None))]
    pub proxy: Option<String>,
    /// Verify DOKU's signature on API responses (default off).
    #[cfg_attr(feature = "uniffi", uniffi(default = None))]
    pub verify_response_signatures: Option<bool>,
}

/// Option names, for naming the first bad one in a caller's JSON.
const FIELDS: &[&str] = &[
    "environment",
    "base_url",
    "timeout_ms",
    "connect_timeout_ms",
    "max_retries",
    "initial_backoff_ms",
    "max_backoff_ms",
    "deadline_ms",
    "max_response_bytes",
    "proxy",
    "verify_response_signatures",
];

fn ms(value: u32) -> Duration {
    Duration::from_millis(u64::from(value))
}

impl ClientOptions {
    /// Reads options from a binding's JSON object (snake_case keys): unknown keys and wrong
    /// types are `config_error` naming the option; nothing is coerced.
    pub fn from_json_value(value: serde_json::Value) -> Result<Self, Error> {
        crate::strict_json::deserialize(value, FIELDS, "options", Error::config_field)
    }

    /// [`ClientOptions::from_json_value`] from JSON text (at most 64 KiB).
    pub fn from_json(text: &str) -> Result<Self, Error> {
        crate::strict_json::from_str(text, 64 * 1024, FIELDS, "options", Error::config_field)
    }

    /// Applies every set option to `builder`.
    pub fn apply(self, mut b: ClientBuilder) -> Result<ClientBuilder, Error> {
        if let Some(name) = &self.environment {
            b = b.environment(Environment::parse(name)?);
        }
        if let Some(url) = self.base_url {
            b = b.base_url(url);
        }
        if let Some(v) = self.timeout_ms {
            b = b.timeout(ms(v));
        }
        if let Some(v) = self.connect_timeout_ms {
            b = b.connect_timeout(ms(v));
        }
        if let Some(v) = self.max_retries {
            b = b.max_retries(v);
        }
        if self.initial_backoff_ms.is_some() || self.max_backoff_ms.is_some() {
            let (initial, max) = b.backoff_bounds();
            b = b.backoff(self.initial_backoff_ms.map_or(initial, ms), self.max_backoff_ms.map_or(max, ms));
        }
        if let Some(v) = self.deadline_ms {
            b = b.deadline(ms(v));
        }
        if let Some(v) = self.max_response_bytes {
            b = b.max_response_bytes(usize::try_from(v).unwrap_or(usize::MAX));
        }
        if let Some(url) = self.proxy {
            b = b.proxy(url);
        }
        if let Some(on) = self.verify_response_signatures {
            b = b.verify_response_signatures(on);
        }
        Ok(b)
    }

    /// Checks these options with the merchant's credentials and resolves every default: how
    /// every binding (the native client and the WebAssembly one) starts a client.
    pub fn resolve_config(
        self,
        client_id: impl Into<String>,
        secret_key: impl Into<String>,
        user_agent: UserAgent,
    ) -> Result<ClientConfig, Error> {
        self.apply(ClientBuilder::new(client_id, SecretKey::new(secret_key)).user_agent(user_agent))?.resolve()
    }

    /// The settings a client built from these options would use, or the refusal.
    pub fn resolve(self) -> Result<ClientSettings, Error> {
        self.resolve_config("settings-check", "settings-check-key", UserAgent::default()).map(|c| c.settings())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn options_from_json_text_are_strict_and_bounded() {
        let o = ClientOptions::from_json(r#"{"timeout_ms":5000,"environment":"production"}"#).expect("valid");
        assert_eq!((o.timeout_ms, o.environment.as_deref()), (Some(5000), Some("production")));
        let proxy = format!(r#"{{"proxy":"http://{}"}}"#, "a".repeat(2000));
        assert!(ClientOptions::from_json(&proxy).is_ok(), "a few KiB of options are fine");
        let huge = format!(r#"{{"proxy":"http://{}"}}"#, "a".repeat(64 * 1024));
        let e = ClientOptions::from_json(&huge).expect_err("too large");
        assert_eq!((e.code(), e.field()), (crate::ErrorCode::ConfigError, Some("options")));
        assert_eq!(ClientOptions::from_json(r#"{"timeout":1}"#).expect_err("unknown").field(), Some("options"));
        assert_eq!(
            ClientOptions::from_json(r#"{"max_retries":-1}"#).expect_err("negative").field(),
            Some("max_retries")
        );
    }

    #[test]
    fn every_option_reaches_the_settings() {
        let o = ClientOptions {
            environment: Some("production".into()),
            timeout_ms: Some(1000),
            connect_timeout_ms: Some(2000),
            max_retries: Some(1),
            initial_backoff_ms: Some(10),
            max_backoff_ms: Some(20),
            deadline_ms: Some(3000),
            max_response_bytes: Some(4096),
            proxy: Some("http://127.0.0.1:3128".into()),
            verify_response_signatures: Some(true),
            ..Default::default()
        };
        let s = o.resolve().expect("valid");
        assert_eq!(s.base_url, "https://api.doku.com");
        assert_eq!((s.timeout_ms, s.connect_timeout_ms, s.max_retries), (1000, 2000, 1));
        assert_eq!((s.initial_backoff_ms, s.max_backoff_ms, s.deadline_ms, s.max_response_bytes), (10, 20, 3000, 4096));
        assert_eq!((s.proxy.as_deref(), s.verify_response_signatures), (Some("http://127.0.0.1:3128"), true));
        // Only the maximum backoff given: the initial one keeps its default when it still fits.
        let only_max = ClientOptions { max_backoff_ms: Some(8000), ..Default::default() }.resolve().expect("valid");
        assert_eq!((only_max.initial_backoff_ms, only_max.max_backoff_ms), (500, 8000));
    }
}
