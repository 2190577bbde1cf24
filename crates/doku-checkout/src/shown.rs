//! Values shown inside error messages, without `{:?}`: Rust's `Debug` for strings and
//! durations pulls Unicode tables and float formatting into the WebAssembly build (about
//! 20 KB of its 300 KB budget), and a message only needs a quoted, escaped value.

use std::fmt;
use std::time::Duration;

/// A string in double quotes, every character outside printable ASCII (and `"`, `\`)
/// escaped as `\u{..}`, so a message never carries control characters or look-alikes from
/// a value received from outside.
pub(crate) struct Quoted<'a>(pub(crate) &'a str);

impl fmt::Display for Quoted<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("\"")?;
        for c in self.0.chars() {
            match c {
                '"' => f.write_str("\\\"")?,
                '\\' => f.write_str("\\\\")?,
                ' '..='~' => fmt::Write::write_char(f, c)?,
                _ => write!(f, "\\u{{{:x}}}", u32::from(c))?,
            }
        }
        f.write_str("\"")
    }
}

/// A duration as whole seconds (`10s`) or, when not whole, milliseconds (`1500ms`).
pub(crate) struct Millis(pub(crate) Duration);

impl fmt::Display for Millis {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let ms = self.0.as_millis();
        if ms.is_multiple_of(1000) { write!(f, "{}s", ms / 1000) } else { write!(f, "{ms}ms") }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoted_escapes_everything_but_printable_ascii() {
        assert_eq!(Quoted("ab c").to_string(), "\"ab c\"");
        assert_eq!(Quoted("a\"b\\c").to_string(), "\"a\\\"b\\\\c\"");
        assert_eq!(Quoted("x\ny\u{7f}\u{202e}é").to_string(), "\"x\\u{a}y\\u{7f}\\u{202e}\\u{e9}\"");
        assert_eq!(Quoted("").to_string(), "\"\"");
    }

    #[test]
    fn millis_prefers_whole_seconds() {
        assert_eq!(Millis(Duration::from_secs(10)).to_string(), "10s");
        assert_eq!(Millis(Duration::from_millis(500)).to_string(), "500ms");
        assert_eq!(Millis(Duration::from_millis(1500)).to_string(), "1500ms");
        assert_eq!(Millis(Duration::ZERO).to_string(), "0s");
    }
}
