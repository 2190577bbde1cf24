//! What keeps other websites out of the emulator's pages and controls. A browser on the
//! developer's machine is itself on loopback, so "the peer is loopback" is not enough:
//! - a page of another site may POST to `http://127.0.0.1:PORT/_mock/reset` (no preflight for
//!   a plain body), so a POST that a browser marks as coming from another site (`Origin` not
//!   this host, or `Sec-Fetch-Site` other than `same-origin`/`none`) is refused;
//! - a site whose name is re-pointed to 127.0.0.1 (DNS rebinding) would read the log and the
//!   dashboard as same-origin, so a browser's request (browsers send `Sec-Fetch-*` headers)
//!   with a `Host` other than this loopback address is refused.
//!
//! Test tools and the SDKs send no `Origin` or `Sec-Fetch-*`, whatever `Host` they write.

use std::net::SocketAddr;

fn header<'a>(headers: &'a [(String, String)], name: &str) -> Option<&'a str> {
    headers.iter().find(|(k, _)| k.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
}

/// Why a request to the pages or controls is refused, if it is.
pub(crate) fn refusal(addr: SocketAddr, method: &str, headers: &[(String, String)]) -> Option<&'static str> {
    let port = addr.port();
    let allowed = [format!("127.0.0.1:{port}"), format!("localhost:{port}"), format!("[::1]:{port}")];
    let from_browser = headers.iter().any(|(k, _)| k.len() > 10 && k[..10].eq_ignore_ascii_case("sec-fetch-"));
    let host = header(headers, "host");
    if from_browser && !host.is_some_and(|h| allowed.iter().any(|a| a.eq_ignore_ascii_case(h))) {
        return Some("HOST IS NOT THIS EMULATOR'S LOOPBACK ADDRESS");
    }
    if method != "POST" {
        return None;
    }
    // A browser's own word first; `Origin` for browsers that send no `Sec-Fetch-Site`.
    if let Some(site) = header(headers, "sec-fetch-site") {
        return (!matches!(site, "same-origin" | "none")).then_some("CROSS-SITE REQUEST REFUSED");
    }
    if let Some(origin) = header(headers, "origin")
        && !allowed.iter().any(|a| origin.eq_ignore_ascii_case(&format!("http://{a}")))
    {
        return Some("CROSS-SITE REQUEST REFUSED");
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn h(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect()
    }

    #[test]
    fn another_site_is_refused_and_tools_are_not() {
        let addr: SocketAddr = "127.0.0.1:4000".parse().expect("addr");
        assert_eq!(refusal(addr, "POST", &h(&[("Host", "127.0.0.1:4000")])), None, "a test tool");
        assert_eq!(refusal(addr, "GET", &h(&[])), None, "no Host at all (HTTP/1.0)");
        assert_eq!(refusal(addr, "POST", &h(&[("Host", "emulator")])), None, "a tool writing its own Host");
        let same =
            h(&[("host", "localhost:4000"), ("origin", "http://localhost:4000"), ("sec-fetch-site", "same-origin")]);
        assert_eq!(refusal(addr, "POST", &same), None, "the dashboard's own script");
        let rebound =
            h(&[("host", "evil.example:4000"), ("sec-fetch-site", "same-origin"), ("sec-fetch-mode", "cors")]);
        assert!(refusal(addr, "GET", &rebound).is_some(), "DNS rebinding");
        assert!(refusal(addr, "POST", &h(&[("host", "127.0.0.1:4000"), ("origin", "https://evil.example")])).is_some());
        assert!(refusal(addr, "POST", &h(&[("host", "127.0.0.1:4000"), ("origin", "null")])).is_some());
        assert!(refusal(addr, "POST", &h(&[("host", "127.0.0.1:4000"), ("sec-fetch-site", "cross-site")])).is_some());
        assert_eq!(
            refusal(addr, "GET", &h(&[("host", "127.0.0.1:4000"), ("sec-fetch-site", "cross-site")])),
            None,
            "a link"
        );
    }
}
