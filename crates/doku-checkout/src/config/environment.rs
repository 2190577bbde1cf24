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

/// Checks a custom base URL and returns it in canonical form: scheme and host in lower case,
/// the scheme's default port dropped, no trailing slash. Errors never echo the URL: it may
/// carry credentials, or be a secret passed in the wrong place.
///
/// Only `scheme://host[:port]` (with an optional `/`) is accepted: any `https` host; `http`
/// only for loopback hosts (`localhost`, 127.0.0.0/8, `::1`), so a typo can never send signed
/// requests in clear text over a network. A path, query, fragment or credentials are refused
/// (the signed Request-Target is the operation's path alone), and so are host names outside
/// ASCII letters, digits, `-` and `.`: DOKU's hosts and test servers need nothing else.
pub(crate) fn check_base_url(raw: &str) -> Result<String, Error> {
    let refuse = |why: &str| Error::config_field("base_url", format!("base_url is not a URL: {why}"));
    let (scheme, rest) = raw.split_once("://").ok_or_else(|| refuse("expected scheme://host"))?;
    let scheme = scheme.to_ascii_lowercase();
    let default_port = match scheme.as_str() {
        "https" => "443",
        "http" => "80",
        _ => {
            return Err(Error::config_field(
                "base_url",
                "base_url must be an https URL (http only for a loopback test server)",
            ));
        }
    };
    let authority = rest.strip_suffix('/').unwrap_or(rest);
    if authority.contains(['/', '?', '#', '@', '\\']) {
        // Not echoed: a URL with credentials in it would put them in logs.
        return Err(Error::config_field(
            "base_url",
            "base_url must be scheme://host[:port] only, without path, query or credentials",
        ));
    }
    let (host, port) = split_host_port(authority).ok_or_else(|| refuse("the host or port is not valid"))?;
    if scheme == "http" && !is_loopback(&host) {
        return Err(Error::config_field(
            "base_url",
            "base_url uses http for a non-loopback host; use https (http is allowed only for localhost/127.0.0.1/::1 test servers)",
        ));
    }
    Ok(match port {
        Some(p) if p != default_port => format!("{scheme}://{host}:{p}"),
        _ => format!("{scheme}://{host}"),
    })
}

/// `host[:port]` or `[ipv6][:port]` → the lower-cased host and the port digits, if both are
/// well formed (a port is 1–65535, written without leading zeros).
fn split_host_port(authority: &str) -> Option<(String, Option<&str>)> {
    let (host, port) = if let Some(rest) = authority.strip_prefix('[') {
        let (inside, after) = rest.split_once(']')?;
        inside.parse::<std::net::Ipv6Addr>().ok()?;
        let port = match after {
            "" => None,
            _ => Some(after.strip_prefix(':')?),
        };
        (format!("[{}]", inside.to_ascii_lowercase()), port)
    } else {
        let (host, port) = match authority.rsplit_once(':') {
            Some((h, p)) => (h, Some(p)),
            None => (authority, None),
        };
        let labels_ok = host.split('.').all(|label| {
            !label.is_empty()
                && label.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
                && !label.starts_with('-')
                && !label.ends_with('-')
        });
        if !labels_ok {
            return None;
        }
        (host.to_ascii_lowercase(), port)
    };
    if let Some(p) = port {
        // No leading zero (so not 0 either), and within u16: 1–65535.
        let ok = !p.is_empty() && !p.starts_with('0') && p.parse::<u16>().is_ok();
        if !ok {
            return None;
        }
    }
    Some((host, port))
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
    fn environments_parse_in_any_case() {
        for (name, want) in [
            ("sandbox", Environment::Sandbox),
            ("SANDBOX", Environment::Sandbox),
            ("production", Environment::Production),
            ("Prod", Environment::Production),
            ("live", Environment::Production),
        ] {
            assert_eq!(Environment::parse(name).expect(name), want);
        }
        assert_eq!(Environment::parse("staging").expect_err("unknown").field(), Some("environment"));
        assert_eq!(Environment::Sandbox.base_url(), "https://api-sandbox.doku.com");
    }

    #[test]
    fn base_urls() {
        assert_eq!(check_base_url("https://api.doku.com/").expect("ok"), "https://api.doku.com");
        assert_eq!(check_base_url("http://127.0.0.1:8080").expect("ok"), "http://127.0.0.1:8080");
        assert!(check_base_url("http://127.9.9.9").is_ok());
        assert!(check_base_url("http://[::1]:9").is_ok());
        assert!(check_base_url("http://localhost:9").is_ok());
        // Canonical form: lower case, the default port dropped, no trailing slash.
        assert_eq!(check_base_url("HTTPS://API.Doku.COM:443/").expect("ok"), "https://api.doku.com");
        assert_eq!(check_base_url("http://[::1]:80").expect("ok"), "http://[::1]");
        assert_eq!(check_base_url("http://[::1]").expect("ok"), "http://[::1]");
        assert_eq!(check_base_url("https://a.b:65535").expect("ok"), "https://a.b:65535");
        assert_eq!(check_base_url("http://LOCALHOST:8080/").expect("ok"), "http://localhost:8080");
        assert_eq!(check_base_url("https://api.doku.com:8443").expect("ok"), "https://api.doku.com:8443");
        for bad in [
            "http://api.doku.com",
            "http://10.0.0.1",
            "http://127.0.0.1.evil.com",
            "ftp://x",
            "https://a/b",
            "https://bücher.example",
            "https://a..b",
            "https://-a.b",
            "https://a.b:0",
            "https://a.b:65536",
            "https://a.b:",
            "https://[::1",
            "https://[nonsense]",
            "https://a b",
            "https://a.b\\x",
            " https://a.b",
            "https://a/?q",
            "nonsense",
        ] {
            let e = check_base_url(bad).expect_err(bad);
            assert_eq!(e.code(), crate::ErrorCode::ConfigError, "{bad}");
        }
    }
}
