//! Input hygiene for everything that ends up in an HTTP header or in the string to sign.
//!
//! A value with CR or LF could smuggle an extra header (or an extra line into the signed
//! string), so such input is refused before any signature is computed.

use crate::error::Error;

/// Checks that `value` is 1..=`max_len` visible ASCII characters (0x21..=0x7E).
///
/// Spaces are refused too: none of DOKU's header values (ids, timestamps) contain them.
pub(crate) fn check_header_value(field: &'static str, value: &str, max_len: usize) -> Result<(), Error> {
    if value.is_empty() {
        return Err(Error::invalid_input(field, format!("{field} must not be empty")));
    }
    // Bytes, not chars: every byte of a non-ASCII character is >= 0x80, so the first refused
    // byte starts the first refused character (signing checks four values per request).
    if let Some(bad) = value.bytes().position(|b| !b.is_ascii_graphic()).and_then(|at| value[at..].chars().next()) {
        let what = describe_char(bad);
        return Err(Error::invalid_input(
            field,
            format!("{field} contains {what}; only visible ASCII characters may go into a DOKU header"),
        ));
    }
    if value.len() > max_len {
        return Err(Error::invalid_input(
            field,
            format!("{field} is {} characters long; DOKU allows at most {max_len}", value.len()),
        ));
    }
    Ok(())
}

/// Checks a Request-Target: an ASCII path starting with `/`, no control characters or spaces.
pub(crate) fn check_request_target(target: &str) -> Result<(), Error> {
    check_header_value("request_target", target, 2048)?;
    if !target.starts_with('/') {
        return Err(Error::invalid_input(
            "request_target",
            "request_target must be a path starting with '/', without scheme or host (e.g. /checkout/v3/cancellations)",
        ));
    }
    Ok(())
}

/// Refuses control characters in free text that goes into a JSON body (note, invoice number).
pub(crate) fn check_no_control_chars(field: &'static str, value: &str) -> Result<(), Error> {
    if let Some(bad) = value.chars().find(|c| c.is_control()) {
        return Err(Error::invalid_input(
            field,
            format!("{field} contains {}; remove control characters", describe_char(bad)),
        ));
    }
    Ok(())
}

fn describe_char(c: char) -> String {
    match c {
        '\r' => "a carriage return (CR)".to_owned(),
        '\n' => "a line feed (LF)".to_owned(),
        ' ' => "a space".to_owned(),
        c if c.is_control() => format!("a control character (U+{:04X})", c as u32),
        c => format!("a non-ASCII character (U+{:04X})", c as u32),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_values() {
        assert!(check_header_value("f", "abc-123", 10).is_ok());
        for bad in ["", "a\rb", "a\nb", "a b", "a\tb", "é", "a\u{0}b"] {
            assert!(check_header_value("f", bad, 10).is_err(), "{bad:?}");
        }
        assert!(check_header_value("f", "12345678901", 10).is_err());
    }

    fn message(result: Result<(), Error>) -> String {
        result.expect_err("refused").message().to_owned()
    }

    #[test]
    fn each_refused_character_is_named() {
        let named = [
            ("a\rb", "contains a carriage return (CR);"),
            ("a\nb", "contains a line feed (LF);"),
            ("a b", "contains a space;"),
            ("a\tb", "contains a control character (U+0009);"),
            ("a\u{7f}b", "contains a control character (U+007F);"),
            ("caf\u{e9}", "contains a non-ASCII character (U+00E9);"),
            ("\u{1F600}", "contains a non-ASCII character (U+1F600);"),
        ];
        for (value, expected) in named {
            let text = message(check_header_value("request_id", value, 64));
            assert!(text.starts_with(&format!("request_id {expected}")), "{value:?}: {text}");
            assert!(text.ends_with("only visible ASCII characters may go into a DOKU header"), "{text}");
        }
        assert_eq!(message(check_header_value("client_id", "", 10)), "client_id must not be empty");
    }

    #[test]
    fn length_limit_is_inclusive_and_reported() {
        assert!(check_header_value("f", "1234567890", 10).is_ok());
        assert_eq!(
            message(check_header_value("f", "12345678901", 10)),
            "f is 11 characters long; DOKU allows at most 10"
        );
        let err = check_header_value("request_id", "x y", 10).expect_err("space");
        assert_eq!((err.code().as_str(), err.field()), ("invalid_input", Some("request_id")));
    }

    #[test]
    fn free_text_refuses_only_control_characters() {
        assert!(check_no_control_chars("note", "Batal: pelanggan minta \u{e9} \u{1F600}").is_ok());
        let err = check_no_control_chars("note", "a\u{0}b").expect_err("nul");
        assert_eq!(err.field(), Some("note"));
        assert_eq!(err.message(), "note contains a control character (U+0000); remove control characters");
        assert_eq!(
            message(check_no_control_chars("note", "line\nbreak")),
            "note contains a line feed (LF); remove control characters"
        );
    }

    #[test]
    fn targets() {
        assert!(check_request_target("/checkout/v3/cancellations").is_ok());
        assert!(check_request_target("checkout").is_err());
        assert!(check_request_target("https://api.doku.com/x").is_err());
        let err = check_request_target("checkout").expect_err("relative");
        assert_eq!(err.field(), Some("request_target"));
        assert!(err.message().starts_with("request_target must be a path starting with '/'"), "{}", err.message());
        assert_eq!(check_request_target("/a b").expect_err("space").field(), Some("request_target"));
        assert!(check_request_target(&format!("/{}", "a".repeat(2047))).is_ok());
        assert!(check_request_target(&format!("/{}", "a".repeat(2048))).is_err());
    }
}
