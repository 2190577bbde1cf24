//! The Request-Targets a notification may really have been signed over, given the path the
//! merchant verified with and, optionally, the notification URL set in DOKU's Back Office.

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, percent_decode_str, utf8_percent_encode};

/// Characters left as they are when percent-encoding a path (RFC 3986 unreserved, `/`).
const PATH_KEEP: &AsciiSet = &NON_ALPHANUMERIC.remove(b'-').remove(b'.').remove(b'_').remove(b'~').remove(b'/');

/// One candidate target, and how to say it to a person.
pub(crate) struct TargetForm {
    pub target: String,
    pub description: String,
}

fn toggle_slash(path: &str) -> String {
    match path.strip_suffix('/') {
        Some(without) if !without.is_empty() => without.to_owned(),
        _ => format!("{path}/"),
    }
}

/// The path and query of `url` (an absolute URL or a path).
fn split_url(url: &str) -> (String, Option<String>) {
    let after_scheme = url.split_once("://").map_or(url, |(_, rest)| rest);
    let path_and_query =
        if url.contains("://") { after_scheme.find('/').map_or("/", |i| &after_scheme[i..]) } else { after_scheme };
    let without_fragment = path_and_query.split('#').next().unwrap_or("/");
    match without_fragment.split_once('?') {
        Some((path, query)) => (path.to_owned(), Some(query.to_owned())),
        None => (without_fragment.to_owned(), None),
    }
}

/// Every candidate other than `given` itself, most likely first.
pub(crate) fn target_forms(given: &str, notification_url: Option<&str>) -> Vec<TargetForm> {
    let mut forms: Vec<TargetForm> = Vec::new();
    let mut add = |target: String, description: String| {
        if target != given && target.starts_with('/') && !forms.iter().any(|f| f.target == target) {
            forms.push(TargetForm { target, description });
        }
    };
    if let Some(url) = notification_url {
        let (path, query) = split_url(url);
        add(path.clone(), format!("the path of the notification URL set in DOKU Back Office, {path}"));
        add(
            toggle_slash(&path),
            format!("the notification URL's path with its trailing slash toggled, {}", toggle_slash(&path)),
        );
        if let Some(query) = query {
            add(
                format!("{path}?{query}"),
                format!("the notification URL's path with its query string, {path}?{query}"),
            );
        }
    }
    let (path, query) = split_url(given);
    if query.is_some() {
        add(path.clone(), format!("the path without its query string, {path}"));
    }
    add(toggle_slash(given), format!("the path with its trailing slash toggled, {}", toggle_slash(given)));
    if let Ok(decoded) = percent_decode_str(given).decode_utf8() {
        add(decoded.clone().into_owned(), format!("the path percent-decoded, {decoded}"));
        let encoded = utf8_percent_encode(&decoded, PATH_KEEP).to_string();
        add(encoded.clone(), format!("the path percent-encoded, {encoded}"));
        let lower = lowercase_escapes(&encoded);
        add(lower.clone(), format!("the path percent-encoded with lower-case hex, {lower}"));
    }
    forms
}

fn lowercase_escapes(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    let mut rest = path;
    while let Some(i) = rest.find('%') {
        out.push_str(&rest[..i]);
        let escape = rest.get(i..i + 3).unwrap_or(&rest[i..]);
        out.push_str(&escape.to_ascii_lowercase());
        rest = &rest[i + escape.len()..];
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn targets(given: &str, url: Option<&str>) -> Vec<String> {
        target_forms(given, url).into_iter().map(|f| f.target).collect()
    }

    #[test]
    fn the_back_office_url_comes_first() {
        let t = targets("/notify", Some("https://shop.example/api/doku/notify?src=doku"));
        assert_eq!(&t[..3], ["/api/doku/notify", "/api/doku/notify/", "/api/doku/notify?src=doku"]);
        assert!(t.contains(&"/notify/".to_owned()));
    }

    #[test]
    fn slash_query_and_percent_forms() {
        assert_eq!(targets("/notify/", None), ["/notify"]);
        let t = targets("/notify?x=1", None);
        assert_eq!(t[0], "/notify");
        let t = targets("/hooks/doku%20pay", None);
        assert!(t.contains(&"/hooks/doku pay".to_owned()), "{t:?}");
        let t = targets("/hooks/caf\u{e9}", None);
        assert!(t.contains(&"/hooks/caf%C3%A9".to_owned()) && t.contains(&"/hooks/caf%c3%a9".to_owned()), "{t:?}");
        assert!(targets("/", None).iter().all(|t| t != "/"));
    }
}
