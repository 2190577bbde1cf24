//! What the emulator's pages share: HTML escaping, rupiah and WIB formatting, the page frame
//! (one small style sheet, embedded: no CDN, nothing fetched at run time) and the response.

use std::fmt::Write;

use bytes::Bytes;
use doku_checkout::Timestamp;
use http_body_util::Full;
use hyper::Response;

/// Text made safe for HTML content and attribute values.
pub(crate) fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            // Control characters (a NUL in an invoice) are not text HTML can carry.
            c if c.is_control() && !matches!(c, '\t' | '\n' | '\r') => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
    out
}

/// `Rp 150.000`, as Indonesian shops write rupiah.
pub(crate) fn rupiah(amount: u64) -> String {
    let digits = amount.to_string();
    let mut out = String::from("Rp ");
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push('.');
        }
        out.push(c);
    }
    out
}

/// `2026-12-03 21:01 WIB` (Jakarta time, as DOKU's pages show it).
pub(crate) fn wib(at: Timestamp) -> String {
    let (y, mo, d, h, mi, _) = Timestamp::from_unix(at.unix() + doku_checkout::WIB_OFFSET_SECONDS).to_utc_fields();
    format!("{y:04}-{mo:02}-{d:02} {h:02}:{mi:02} WIB")
}

const STYLE: &str = "\
*{box-sizing:border-box}body{margin:0;font:16px/1.5 system-ui,sans-serif;color:#1b1b1f;background:#f4f5f7}\
main{max-width:58rem;margin:0 auto;padding:1rem;overflow-wrap:anywhere}h1{font-size:1.5rem;margin:.5rem 0}h2{font-size:1.15rem;margin:1.5rem 0 .5rem}\
.card{background:#fff;border:1px solid #d5d8de;border-radius:.5rem;padding:1rem;margin:0 0 1rem}\
.note{font-size:.9rem;color:#4a4f59}.banner{background:#fff4d6;border:1px solid #e8c766;border-radius:.5rem;padding:.5rem 1rem}\
table{width:100%;border-collapse:collapse;font-size:.9rem}caption{text-align:left;font-weight:600;padding:.25rem 0}\
th,td{text-align:left;padding:.35rem .5rem;border-bottom:1px solid #e3e5e9;vertical-align:top}\
.scroll{overflow-x:auto}fieldset{border:1px solid #d5d8de;border-radius:.5rem;padding:.5rem 1rem}\
label.method{display:flex;gap:.5rem;align-items:center;padding:.4rem 0;font-family:ui-monospace,monospace;font-size:.95rem;min-width:0}\
button{font:inherit;padding:.55rem 1rem;border-radius:.4rem;border:1px solid #0b5cad;background:#0b5cad;color:#fff;cursor:pointer;margin:.25rem .25rem .25rem 0}\
button.secondary{background:#fff;color:#0b5cad}button.small{padding:.35rem .6rem;font-size:.85rem;min-height:2.25rem}\
button:focus-visible,input:focus-visible,select:focus-visible{outline:3px solid #f2a900;outline-offset:2px}\
input,select{font:inherit;padding:.35rem;border:1px solid #9aa1ad;border-radius:.3rem}\
.state{font-weight:600}.ok{color:#11693a}.bad{color:#a3161a}";

/// A whole page: `title`, then `body` (already HTML), then `script` (may be empty).
pub(crate) fn page(title: &str, body: &str, script: &str) -> String {
    let mut out = String::with_capacity(body.len() + STYLE.len() + 512);
    let _ = write!(
        out,
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>{}</title><style>{STYLE}</style></head><body><main>{body}</main>",
        escape(title)
    );
    if !script.is_empty() {
        let _ = write!(out, "<script>{script}</script>");
    }
    out.push_str("</body></html>");
    out
}

/// An HTML answer with no script, never cached, never framed by another site.
pub(crate) fn response(status: u16, html: String) -> Response<Full<Bytes>> {
    response_with(status, html, false)
}

/// An HTML answer; `inline_script` allows the page's own inline script (the dashboard).
pub(crate) fn response_with(status: u16, html: String, inline_script: bool) -> Response<Full<Bytes>> {
    let mut response = Response::new(Full::new(Bytes::from(html)));
    *response.status_mut() = hyper::StatusCode::from_u16(status).unwrap_or(hyper::StatusCode::OK);
    let headers = response.headers_mut();
    headers.insert("content-type", hyper::header::HeaderValue::from_static("text/html; charset=utf-8"));
    headers.insert("cache-control", hyper::header::HeaderValue::from_static("no-store"));
    headers.insert("x-frame-options", hyper::header::HeaderValue::from_static("DENY"));
    headers.insert("x-content-type-options", hyper::header::HeaderValue::from_static("nosniff"));
    // The checkout token is in the URL: never sent on to the callback page (a same-origin
    // form post still carries its Origin, which `browser_guard` checks).
    headers.insert("referrer-policy", hyper::header::HeaderValue::from_static("same-origin"));
    let policy = if inline_script {
        "default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'"
    } else {
        "default-src 'none'; style-src 'unsafe-inline'; form-action 'self' http: https:; frame-ancestors 'none'"
    };
    headers.insert("content-security-policy", hyper::header::HeaderValue::from_static(policy));
    response
}

/// A `303 See Other` to `location` (after a form was posted).
pub(crate) fn see_other(location: &str) -> Response<Full<Bytes>> {
    let mut response = Response::new(Full::new(Bytes::new()));
    *response.status_mut() = hyper::StatusCode::SEE_OTHER;
    if let Ok(value) = hyper::header::HeaderValue::from_str(location) {
        response.headers_mut().insert("location", value);
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_and_formats() {
        assert_eq!(escape("<a href=\"x\">&'"), "&lt;a href=&quot;x&quot;&gt;&amp;&#39;");
        assert_eq!(escape("INV\u{0}x\u{7f}"), "INV\u{FFFD}x\u{FFFD}");
        assert_eq!(rupiah(150_000), "Rp 150.000");
        assert_eq!(rupiah(1_000_000_000), "Rp 1.000.000.000");
        assert_eq!(rupiah(999), "Rp 999");
        assert_eq!(wib(Timestamp::parse("2025-12-03T14:01:01Z").expect("ts")), "2025-12-03 21:01 WIB");
    }
}
