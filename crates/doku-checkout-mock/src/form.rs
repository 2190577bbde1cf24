//! `application/x-www-form-urlencoded` bodies (the checkout page's form): `+` is a space and
//! `%XX` a byte; a pair that does not decode as UTF-8 is dropped.

use percent_encoding::percent_decode;

/// The `name=value` pairs, in order.
pub(crate) fn parse(body: &[u8]) -> Vec<(String, String)> {
    body.split(|b| *b == b'&')
        .filter(|pair| !pair.is_empty())
        .filter_map(|pair| {
            let (name, value) = match pair.iter().position(|b| *b == b'=') {
                Some(i) => (&pair[..i], &pair[i + 1..]),
                None => (pair, &b""[..]),
            };
            Some((decode(name)?, decode(value)?))
        })
        .collect()
}

fn decode(part: &[u8]) -> Option<String> {
    let spaced: Vec<u8> = part.iter().map(|b| if *b == b'+' { b' ' } else { *b }).collect();
    percent_decode(&spaced).decode_utf8().ok().map(|s| s.into_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_a_browser_form() {
        assert_eq!(
            parse(b"channel=VIRTUAL_ACCOUNT_BCA&action=pay&note=a+b%2Fc&empty=&flag"),
            [
                ("channel".into(), "VIRTUAL_ACCOUNT_BCA".into()),
                ("action".into(), "pay".into()),
                ("note".into(), "a b/c".into()),
                ("empty".into(), String::new()),
                ("flag".into(), String::new()),
            ]
        );
        assert_eq!(parse(b"x=%FF&y=1"), [("y".into(), "1".into())]);
    }
}
