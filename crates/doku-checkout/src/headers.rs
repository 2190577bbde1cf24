//! Finding DOKU's headers in whatever map a web framework hands over.
//!
//! Header names match case-insensitively and with `_` in place of `-`, because WSGI/Django
//! (`HTTP_CLIENT_ID` in `request.META`), PHP and WordPress (`client_id`) rewrite them.

/// Received headers, as `(name, value)` pairs in any spelling.
#[derive(Clone, Debug, Default)]
pub struct ReceivedHeaders {
    pairs: Vec<(String, String)>,
}

impl ReceivedHeaders {
    /// Collects pairs from any iterator of name/value strings.
    pub fn new<I, K, V>(pairs: I) -> Self
    where
        I: IntoIterator<Item = (K, V)>,
        K: AsRef<str>,
        V: AsRef<str>,
    {
        Self { pairs: pairs.into_iter().map(|(k, v)| (k.as_ref().to_owned(), v.as_ref().to_owned())).collect() }
    }

    /// The first value whose name matches `canonical` (e.g. `Request-Timestamp`) in any
    /// case, with `_` for `-`, and with a CGI `HTTP_` prefix.
    pub fn get(&self, canonical: &str) -> Option<&str> {
        self.pairs.iter().find(|(name, _)| name_matches(name, canonical)).map(|(_, v)| v.as_str())
    }

    /// The one value whose name matches `canonical` as [`ReceivedHeaders::get`] matches it, or
    /// the names it was received under when there are several (`Request-Id` and `Request_Id`,
    /// or the same name twice): which of them was signed, and which one the application reads,
    /// cannot be told apart, so a signed header must be received once.
    pub fn get_one(&self, canonical: &str) -> Result<Option<&str>, Vec<&str>> {
        let mut found = self.pairs.iter().filter(|(name, _)| name_matches(name, canonical));
        let first = found.next();
        match found.next() {
            None => Ok(first.map(|(_, v)| v.as_str())),
            Some(second) => {
                let names = first.into_iter().chain([second]).chain(found).map(|(n, _)| n.as_str()).collect();
                Err(names)
            }
        }
    }
}

fn name_matches(received: &str, canonical: &str) -> bool {
    let same = |name: &str| {
        name.len() == canonical.len()
            && name.bytes().zip(canonical.bytes()).all(|(a, b)| {
                let a = if a == b'_' { b'-' } else { a };
                a.eq_ignore_ascii_case(&b)
            })
    };
    if same(received) {
        return true;
    }
    received.get(..5).is_some_and(|p| p.eq_ignore_ascii_case("HTTP_")) && same(&received[5..])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spellings() {
        for name in [
            "Request-Timestamp",
            "request-timestamp",
            "REQUEST_TIMESTAMP",
            "request_timestamp",
            "HTTP_REQUEST_TIMESTAMP",
        ] {
            let h = ReceivedHeaders::new([(name, "v")]);
            assert_eq!(h.get("Request-Timestamp"), Some("v"), "{name}");
        }
        let h = ReceivedHeaders::new([("Request-Timestamps", "v"), ("XRequest-Timestamp", "w")]);
        assert_eq!(h.get("Request-Timestamp"), None);
    }

    #[test]
    fn a_header_under_two_spellings_or_twice_is_not_one_value() {
        let h = ReceivedHeaders::new([("Request_Id", "genuine"), ("request-id", "fresh"), ("Client-Id", "c")]);
        assert_eq!(h.get_one("Request-Id"), Err(vec!["Request_Id", "request-id"]));
        assert_eq!(h.get_one("Client-Id"), Ok(Some("c")));
        assert_eq!(h.get_one("Signature"), Ok(None));
        let twice = ReceivedHeaders::new([("Signature", "a"), ("HTTP_SIGNATURE", "a")]);
        assert!(twice.get_one("Signature").is_err(), "the same value twice is still two headers");
    }
}
