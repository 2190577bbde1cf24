//! Where requests go: DOKU's sandbox, production, or a custom base URL (loopback for tests).

use std::net::IpAddr;

use crate::error::Error;

/// DOKU's API environments.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Environment {
    /// `https://api-sandbox.doku.com` (the default).
    #[default]
    Sandbox,
    /// `https://api.doku.com`.
    Production,
}

impl Environment {
    /// The base URL of this environment.
    pub const fn base_url(self) -> &'static str {
        match self {
            Self::Sandbox => "https://api-sandbox.doku.com",
            Self::Production => "https://api.doku.com",
        }
    }

    /// Parses `sandbox` or `production` (case-insensitive).
    pub fn parse(name: &str) -> Result<Self, Error> {
        match name.to_ascii_lowercase().as_str() {
            "sandbox" => Ok(Self::Sandbox),
            "production" | "prod" | "live" => Ok(Self::Production),
            // Not echoed: whatever was passed (an environment map, a secret) could end up in logs.
            _ => Err(Error::config_field("environment", "unknown environment: use \"sandbox\" or \"production\"")),
        }
    }
}

/// Checks a custom base URL and returns it without a trailing slash. Errors never echo the
/// URL: it may carry credentials, or be a secret passed in the wrong place.
///
/// Any `https` URL is accepted; `http` only for loopback hosts (`localhost`, 127.0.0.0/8,
/// `::1`), so a typo can never send signed requests in clear text over a network. A path,
/// query or fragment is refused: the signed Request-Target is the operation's path alone.
pub(crate) fn check_base_url(raw: &str) -> Result<String, Error> {
    let url =
        url::Url::parse(raw).map_err(|e| Error::config_field("base_url", format!("base_url is not a URL: {e}")))?;
    let host = url.host_str().ok_or_else(|| Error::config_field("base_url", "base_url has no host"))?;
    match url.scheme() {
        "https" => {}
        "http" if is_loopback(host) => {}
        "http" => {
            return Err(Error::config_field(
                "base_url",
                "base_url uses http for a non-loopback host; use https (http is allowed only for localhost/127.0.0.1/::1 test servers)",
            ));
        }
        _ => {
            return Err(Error::config_field(
                "base_url",
                "base_url must be an https URL (http only for a loopback test server)",
            ));
        }
    }
    if url.path() != "/"
        || url.query().is_some()
        || url.fragment().is_some()
        || !url.username().is_empty()
        || url.password().is_some()
    {
        // Not echoed: a URL with credentials in it would put them in logs.
        return Err(Error::config_field(
            "base_url",
            "base_url must be scheme://host[:port] only, without path, query or credentials",
        ));
    }
    Ok(url.as_str().trim_end_matches('/').to_owned())
}

fn is_loopback(host: &str) -> bool {
    if host.eq_ignore_ascii_case("localhost") {
        return true;
    }
    host.trim_start_matches('[').trim_end_matches(']').parse::<IpAddr>().is_ok_and(|ip| ip.is_loopback())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base_urls() {
        assert_eq!(check_base_url("https://api.doku.com/").expect("ok"), "https://api.doku.com");
        assert_eq!(check_base_url("http://127.0.0.1:8080").expect("ok"), "http://127.0.0.1:8080");
        assert!(check_base_url("http://127.9.9.9").is_ok());
        assert!(check_base_url("http://[::1]:9").is_ok());
        assert!(check_base_url("http://localhost:9").is_ok());
        for bad in [
            "http://api.doku.com",
            "http://10.0.0.1",
            "http://127.0.0.1.evil.com",
            "ftp://x",
            "https://a/b",
            "https://a/?q",
            "nonsense",
        ] {
            let e = check_base_url(bad).expect_err(bad);
            assert_eq!(e.code(), crate::ErrorCode::ConfigError, "{bad}");
        }
    }
}
