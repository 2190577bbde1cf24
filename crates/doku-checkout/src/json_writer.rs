//! A small JSON text writer for bodies built on hot paths (the emulator's status answers):
//! writing the text directly is about three times cheaper than building a `serde_json::Value`
//! and serialising it. Strings are escaped as JSON requires; the caller writes keys in order.

use std::fmt::Write;

/// Appends JSON to a `String`, tracking whether a comma is due before the next member.
pub(crate) struct JsonWriter {
    out: String,
    /// Whether the container being written already has a member.
    has_member: bool,
}

impl JsonWriter {
    pub fn with_capacity(capacity: usize) -> Self {
        Self { out: String::with_capacity(capacity), has_member: false }
    }

    /// A comma before any member or list element but the first of its container (a value
    /// right after `key` is not a member of its own: `key` clears the flag).
    fn comma(&mut self) {
        if self.has_member {
            self.out.push(',');
        }
        self.has_member = true;
    }

    fn string(&mut self, text: &str) {
        self.out.push('"');
        let mut start = 0;
        for (i, b) in text.bytes().enumerate() {
            let escape = match b {
                b'"' => "\\\"",
                b'\\' => "\\\\",
                b'\n' => "\\n",
                b'\r' => "\\r",
                b'\t' => "\\t",
                0..=0x1f => "",
                _ => continue,
            };
            self.out.push_str(&text[start..i]);
            if escape.is_empty() {
                let _ = write!(self.out, "\\u{b:04x}");
            } else {
                self.out.push_str(escape);
            }
            start = i + 1;
        }
        self.out.push_str(&text[start..]);
        self.out.push('"');
    }

    /// `"key":` inside an object.
    pub fn key(&mut self, key: &str) -> &mut Self {
        self.comma();
        self.string(key);
        self.out.push(':');
        self.has_member = false;
        self
    }

    /// `{`; the members follow as `key(..).value`.
    pub fn open(&mut self) -> &mut Self {
        self.comma();
        self.out.push('{');
        self.has_member = false;
        self
    }

    /// `}`.
    pub fn close(&mut self) -> &mut Self {
        self.out.push('}');
        self.has_member = true;
        self
    }

    /// `[`.
    pub fn open_list(&mut self) -> &mut Self {
        self.comma();
        self.out.push('[');
        self.has_member = false;
        self
    }

    /// `]`.
    pub fn close_list(&mut self) -> &mut Self {
        self.out.push(']');
        self.has_member = true;
        self
    }

    /// A string value.
    pub fn text(&mut self, value: &str) -> &mut Self {
        self.comma();
        self.string(value);
        self
    }

    /// A string value, or `null`.
    pub fn text_or_null(&mut self, value: Option<&str>) -> &mut Self {
        match value {
            Some(v) => self.text(v),
            None => {
                self.comma();
                self.out.push_str("null");
                self
            }
        }
    }

    /// A whole number.
    pub fn number(&mut self, value: u64) -> &mut Self {
        self.comma();
        let _ = write!(self.out, "{value}");
        self
    }

    /// `true` or `false`.
    pub fn boolean(&mut self, value: bool) -> &mut Self {
        self.comma();
        self.out.push_str(if value { "true" } else { "false" });
        self
    }

    pub fn finish(self) -> String {
        self.out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_what_serde_json_reads_back() {
        let mut w = JsonWriter::with_capacity(64);
        w.open();
        w.key("a").text("x\"y\\z\n\u{1}é");
        w.key("b").number(7);
        w.key("c").text_or_null(None);
        w.key("d").open_list();
        w.open().key("n").boolean(true).close();
        w.open().close();
        w.close_list();
        w.key("e").open().close();
        w.close();
        let text = w.finish();
        let v: serde_json::Value = serde_json::from_str(&text).expect(&text);
        assert_eq!(
            v,
            serde_json::json!({ "a": "x\"y\\z\n\u{1}é", "b": 7, "c": null, "d": [{ "n": true }, {}], "e": {} })
        );
    }

    #[test]
    fn escapes_as_serde_json_does_byte_for_byte() {
        // The bodies are signed as written: the short escapes, not \u000a, as DOKU's own
        // serialisers and serde_json write them.
        for text in ["a\nb\rc\td", "\"q\" \\ \u{1f} \u{7f} é", ""] {
            let mut w = JsonWriter::with_capacity(16);
            w.open();
            w.key("k").text(text);
            w.close();
            let expected = serde_json::to_string(&serde_json::json!({ "k": text })).expect("json");
            assert_eq!(w.finish(), expected, "{text:?}");
        }
    }
}
