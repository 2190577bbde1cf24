//! The ways a framework re-writes a JSON body before it reaches the signature check.
//!
//! Each form works on the raw text, so key order and number spelling survive unless the form
//! is about changing them. The input must already be valid JSON.

use serde_json::Value;

/// A rewrite of JSON text.
type Rewrite = fn(&str) -> String;

/// The deepest nesting re-laid out. DOKU's bodies nest three or four levels; pretty-printing
/// multiplies deep nesting (each level indents every line below it), so a deeper body is not
/// re-serialised at all.
pub const MAX_FORM_DEPTH: usize = 32;
/// The largest candidate body built (a re-layout or re-escaping past it is skipped): DOKU's
/// notifications are a few KiB.
pub const MAX_FORM_BYTES: usize = 4 * 1024 * 1024;

/// Tries every distinct re-serialisation of `raw` (without `raw` itself) with `verifies`, one at
/// a time, and names the first that verifies. Only one candidate and one layout exist at a time,
/// each at most [`MAX_FORM_BYTES`]; none is tried for a body nested deeper than
/// [`MAX_FORM_DEPTH`].
pub(crate) fn find_body_form(raw: &[u8], mut verifies: impl FnMut(&[u8]) -> bool) -> Option<String> {
    let text = std::str::from_utf8(raw).ok()?;
    if nesting_depth(text) > MAX_FORM_DEPTH {
        return None;
    }
    let value = serde_json::from_str::<Value>(text).ok()?;
    let layouts: [(&str, &dyn Fn() -> Option<String>); 7] = [
        ("as received", &|| Some(text.strip_suffix('\n').unwrap_or(text).to_owned())),
        ("compacted (no spaces, as JSON.stringify writes it)", &|| reformat_capped(text, Layout::Compact)),
        ("with spaces after ',' and ':' (as Python's json.dumps writes it)", &|| reformat_capped(text, Layout::Spaced)),
        ("pretty-printed with 2 spaces", &|| reformat_capped(text, Layout::Pretty(2))),
        ("pretty-printed with 4 spaces (as PHP's JSON_PRETTY_PRINT writes it)", &|| {
            reformat_capped(text, Layout::Pretty(4))
        }),
        ("with its keys sorted", &|| Some(sorted_compact(&value))),
        ("with its keys sorted and pretty-printed", &|| reformat_capped(&sorted_compact(&value), Layout::Pretty(2))),
    ];
    let escapes: [(&str, Rewrite); 7] = [
        ("", |s| s.to_owned()),
        (", written the way PHP's json_encode does by default ('\\/' and \\u escapes)", |s| {
            escape_in_strings(&escape_non_ascii(s), '/', "\\/")
        }),
        (", with '\\/' and \\u escapes written plainly (as JSON.stringify writes them)", |s| {
            unescape_unicode(&s.replace("\\/", "/"))
        }),
        (", non-ASCII characters written as \\u escapes", escape_non_ascii),
        (", \\u escapes written as UTF-8", unescape_unicode),
        (", '/' written as '\\/' (PHP's default)", |s| escape_in_strings(s, '/', "\\/")),
        (", '\\/' written as '/'", |s| s.replace("\\/", "/")),
    ];
    // Fingerprints of the candidates tried, so none is tried twice (nor `raw` itself).
    let mut tried: std::collections::HashSet<[u8; 32]> = std::collections::HashSet::new();
    tried.insert(fingerprint(raw));
    for (layout, build) in layouts {
        let Some(base) = build() else { continue };
        for (escape_note, escape) in &escapes {
            let mut bytes = escape(&base).into_bytes();
            if bytes.len() >= MAX_FORM_BYTES {
                continue;
            }
            for newline in [false, true] {
                if newline {
                    bytes.push(b'\n');
                }
                if !tried.insert(fingerprint(&bytes)) {
                    continue;
                }
                if verifies(&bytes) {
                    let ending = match (newline, raw.ends_with(b"\n")) {
                        (true, false) => ", with a trailing newline added",
                        (false, true) => ", with its trailing newline removed",
                        _ => "",
                    };
                    return Some(format!("the body {layout}{escape_note}{ending}"));
                }
            }
        }
    }
    None
}

fn fingerprint(bytes: &[u8]) -> [u8; 32] {
    use sha2::Digest;
    sha2::Sha256::digest(bytes).into()
}

/// How deeply arrays and objects nest in JSON text (brackets inside strings not counted).
fn nesting_depth(text: &str) -> usize {
    let (mut depth, mut deepest, mut in_string, mut escaped) = (0usize, 0usize, false, false);
    for b in text.bytes() {
        match (in_string, b) {
            (true, _) if escaped => escaped = false,
            (true, b'\\') => escaped = true,
            (true, b'"') => in_string = false,
            (true, _) => {}
            (false, b'"') => in_string = true,
            (false, b'{' | b'[') => {
                depth += 1;
                deepest = deepest.max(depth);
            }
            (false, b'}' | b']') => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    deepest
}

/// Why `raw` cannot be the bytes DOKU sent, when it shows a re-serialiser's hand: DOKU sends
/// compact JSON, so whitespace between tokens means someone re-wrote it (and when they also
/// sorted the keys, the original order cannot be rebuilt). `None` when it looks untouched.
pub(crate) fn reserialised_evidence(raw: &[u8]) -> Option<String> {
    let text = std::str::from_utf8(raw).ok()?;
    serde_json::from_str::<Value>(text).ok()?;
    if reformat(text, Layout::Compact) == text {
        return None;
    }
    let sorted = keys_sorted(text);
    Some(format!(
        "the body has whitespace between its JSON tokens{}, but DOKU sends compact JSON: it was re-serialised before it reached the check, and no re-serialisation of it verifies, so the original bytes are lost",
        if sorted { " and its keys in alphabetical order" } else { "" }
    ))
}

/// Whether the keys of every object appear in sorted order (and some object has several).
fn keys_sorted(text: &str) -> bool {
    fn has_several_keys(v: &Value) -> bool {
        match v {
            Value::Object(map) => map.len() > 1 || map.values().any(has_several_keys),
            Value::Array(items) => items.iter().any(has_several_keys),
            _ => false,
        }
    }
    let Ok(value) = serde_json::from_str::<Value>(text) else { return false };
    has_several_keys(&value)
        && order_of_keys(&reformat(text, Layout::Compact)) == order_of_keys(&sorted_compact(&value))
}

/// The object keys of compact JSON text in the order they appear (strings followed by ':').
fn order_of_keys(compact: &str) -> Vec<&str> {
    compact
        .match_indices("\":")
        .filter_map(|(end, _)| compact[..end].rfind('"').map(|start| &compact[start..end]))
        .collect()
}

/// Compact JSON with every object's keys sorted (whatever order serde_json's map keeps).
fn sorted_compact(value: &Value) -> String {
    match value {
        Value::Object(map) => {
            let mut keys: Vec<&String> = map.keys().collect();
            keys.sort();
            let members: Vec<String> =
                keys.into_iter().map(|k| format!("{}:{}", Value::String(k.clone()), sorted_compact(&map[k]))).collect();
            format!("{{{}}}", members.join(","))
        }
        Value::Array(items) => format!("[{}]", items.iter().map(sorted_compact).collect::<Vec<_>>().join(",")),
        scalar => scalar.to_string(),
    }
}

enum Layout {
    Compact,
    Spaced,
    Pretty(usize),
}

/// [`reformat`], or `None` once the result would reach [`MAX_FORM_BYTES`].
fn reformat_capped(text: &str, layout: Layout) -> Option<String> {
    reformat_within(text, layout, MAX_FORM_BYTES)
}

/// Re-lays out JSON text, leaving strings and numbers exactly as written.
fn reformat(text: &str, layout: Layout) -> String {
    reformat_within(text, layout, usize::MAX).unwrap_or_default()
}

fn reformat_within(text: &str, layout: Layout, cap: usize) -> Option<String> {
    let mut out = String::with_capacity(text.len().min(cap));
    let mut depth = 0usize;
    let mut chars = text.chars().peekable();
    let newline = |out: &mut String, depth: usize| {
        if let Layout::Pretty(width) = layout {
            out.push('\n');
            out.extend(std::iter::repeat_n(' ', depth * width));
        }
    };
    while let Some(c) = chars.next() {
        match c {
            '"' => {
                out.push('"');
                while let Some(s) = chars.next() {
                    out.push(s);
                    match s {
                        '\\' => out.extend(chars.next()),
                        '"' => break,
                        _ => {}
                    }
                }
            }
            '{' | '[' => {
                out.push(c);
                let close = if c == '{' { '}' } else { ']' };
                while chars.peek().is_some_and(|n| n.is_ascii_whitespace()) {
                    chars.next();
                }
                if chars.peek() == Some(&close) {
                    out.push(close);
                    chars.next();
                } else {
                    depth += 1;
                    newline(&mut out, depth);
                }
            }
            '}' | ']' => {
                depth = depth.saturating_sub(1);
                newline(&mut out, depth);
                out.push(c);
            }
            ',' => {
                out.push(',');
                match layout {
                    Layout::Spaced => out.push(' '),
                    Layout::Pretty(_) => newline(&mut out, depth),
                    Layout::Compact => {}
                }
            }
            ':' => {
                out.push(':');
                if !matches!(layout, Layout::Compact) {
                    out.push(' ');
                }
            }
            c if c.is_ascii_whitespace() => {}
            c => out.push(c),
        }
        if out.len() >= cap {
            return None;
        }
    }
    Some(out)
}

/// Applies `f` to the text inside each JSON string, escapes included.
fn map_strings(text: &str, mut f: impl FnMut(&str, &mut String)) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(start) = rest.find('"') {
        out.push_str(&rest[..=start]);
        let inner = &rest[start + 1..];
        let mut end = 0;
        let bytes = inner.as_bytes();
        while end < bytes.len() && bytes[end] != b'"' {
            end += if bytes[end] == b'\\' { 2 } else { 1 };
        }
        let end = end.min(inner.len());
        f(&inner[..end], &mut out);
        out.push('"');
        rest = inner.get(end + 1..).unwrap_or("");
    }
    out.push_str(rest);
    out
}

fn escape_non_ascii(text: &str) -> String {
    map_strings(text, |s, out| {
        for c in s.chars() {
            if c.is_ascii() {
                out.push(c);
            } else {
                let mut units = [0u16; 2];
                for unit in c.encode_utf16(&mut units) {
                    out.push_str(&format!("\\u{unit:04x}"));
                }
            }
        }
    })
}

fn unescape_unicode(text: &str) -> String {
    map_strings(text, |s, out| {
        let units: Vec<char> = s.chars().collect();
        let mut i = 0;
        while i < units.len() {
            if units[i] == '\\' && units.get(i + 1) == Some(&'u') {
                let hex = |at: usize| -> Option<u32> {
                    let digits: String = units.get(at..at + 4)?.iter().collect();
                    u32::from_str_radix(&digits, 16).ok()
                };
                if let Some(high) = hex(i + 2) {
                    let pair = (0xD800..0xDC00).contains(&high) && units.get(i + 6) == Some(&'\\');
                    let low = if pair { hex(i + 8) } else { None };
                    let decoded = match low {
                        Some(low) => char::decode_utf16([high as u16, low as u16]).next().and_then(Result::ok),
                        None => char::from_u32(high),
                    };
                    if let Some(c) = decoded.filter(|c| !c.is_control() && *c != '"' && *c != '\\') {
                        out.push(c);
                        i += if low.is_some() { 12 } else { 6 };
                        continue;
                    }
                }
            }
            out.push(units[i]);
            if units[i] == '\\' {
                if let Some(next) = units.get(i + 1) {
                    out.push(*next);
                }
                i += 1;
            }
            i += 1;
        }
    })
}

fn escape_in_strings(text: &str, find: char, replace: &str) -> String {
    map_strings(text, |s, out| {
        let mut escaped = false;
        for c in s.chars() {
            if c == find && !escaped {
                out.push_str(replace);
            } else {
                out.push(c);
            }
            escaped = c == '\\' && !escaped;
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const BODY: &str =
        r#"{"order":{"invoice_number":"INV/1","amount":150000},"customer":{"name":"Budi Ś"},"items":[],"e":{}}"#;

    #[test]
    fn layouts_keep_key_order_and_values() {
        assert_eq!(reformat(BODY, Layout::Compact), BODY);
        assert_eq!(
            reformat(BODY, Layout::Spaced),
            r#"{"order": {"invoice_number": "INV/1", "amount": 150000}, "customer": {"name": "Budi Ś"}, "items": [], "e": {}}"#
        );
        let pretty = reformat(BODY, Layout::Pretty(2));
        assert!(pretty.starts_with("{\n  \"order\": {\n    \"invoice_number\": \"INV/1\",\n"), "{pretty}");
        assert_eq!(reformat(&pretty, Layout::Compact), BODY);
        let tricky = r#"{"a":"x, y: {z}","b":"q\"{"}"#;
        assert_eq!(reformat(&reformat(tricky, Layout::Pretty(4)), Layout::Compact), tricky);
    }

    #[test]
    fn escapes_round_trip() {
        let escaped = escape_non_ascii(BODY);
        assert!(escaped.contains(r#""Budi \u015a""#), "{escaped}");
        assert_eq!(unescape_unicode(&escaped), BODY);
        let emoji = escape_non_ascii(r#"{"a":"😀"}"#);
        assert_eq!(emoji, r#"{"a":"\ud83d\ude00"}"#);
        assert_eq!(unescape_unicode(&emoji), r#"{"a":"😀"}"#);
        assert_eq!(
            unescape_unicode(r#"{"a":"\u0022\u000a"}"#),
            r#"{"a":"\u0022\u000a"}"#,
            "quotes and controls stay escaped"
        );
        assert_eq!(escape_in_strings(BODY, '/', "\\/"), BODY.replace("INV/1", "INV\\/1"));
    }

    #[test]
    fn evidence_of_re_serialisation() {
        assert_eq!(reserialised_evidence(BODY.as_bytes()), None, "compact: could be DOKU's own bytes");
        let spaced = reserialised_evidence(reformat(BODY, Layout::Spaced).as_bytes()).expect("spaced");
        assert!(spaced.starts_with("the body has whitespace between its JSON tokens, but"), "{spaced}");
        let sorted = reformat(&sorted_compact(&serde_json::from_str(BODY).expect("json")), Layout::Pretty(2));
        let evidence = reserialised_evidence(sorted.as_bytes()).expect("sorted");
        assert!(evidence.contains("and its keys in alphabetical order"), "{evidence}");
        assert_eq!(reserialised_evidence(b"not json"), None);
        assert_eq!(
            sorted_compact(&serde_json::json!({"b": [{"d": 1, "c": "x"}], "a": null})),
            r#"{"a":null,"b":[{"c":"x","d":1}]}"#
        );
    }

    struct Form {
        bytes: Vec<u8>,
        description: String,
    }

    /// Every candidate `find_body_form` tries, in order.
    fn body_forms(raw: &[u8]) -> Vec<Form> {
        let mut forms: Vec<Vec<u8>> = Vec::new();
        find_body_form(raw, |bytes| {
            forms.push(bytes.to_vec());
            false
        });
        forms
            .into_iter()
            .map(|bytes| {
                let description = find_body_form(raw, |b| b == bytes.as_slice()).expect("found again");
                Form { bytes, description }
            })
            .collect()
    }

    #[test]
    fn forms_are_distinct_and_valid_json() {
        let forms = body_forms(BODY.as_bytes());
        assert!(forms.len() > 20, "{}", forms.len());
        for form in &forms {
            assert_ne!(form.bytes, BODY.as_bytes());
            let text = std::str::from_utf8(&form.bytes).expect("utf8");
            let parsed: Value =
                serde_json::from_str(text).unwrap_or_else(|e| panic!("{}: {e}: {text}", form.description));
            assert_eq!(parsed, serde_json::from_str::<Value>(BODY).expect("json"), "{}", form.description);
        }
        assert!(body_forms(b"not json").is_empty());
        let distinct: std::collections::HashSet<&[u8]> = forms.iter().map(|f| f.bytes.as_slice()).collect();
        assert_eq!(distinct.len(), forms.len(), "each candidate once");
    }

    #[test]
    fn deep_or_huge_bodies_build_no_candidate_past_the_limits() {
        // Nested past the limit: nothing is re-laid out at all.
        let deep = format!("{}1{}", "[".repeat(MAX_FORM_DEPTH + 1), "]".repeat(MAX_FORM_DEPTH + 1));
        assert!(body_forms(deep.as_bytes()).is_empty());
        let at_limit = format!("{}1{}", "[".repeat(MAX_FORM_DEPTH), "]".repeat(MAX_FORM_DEPTH));
        assert!(!body_forms(at_limit.as_bytes()).is_empty());
        assert_eq!(nesting_depth(r#"{"a":"[[[[{{{","b":[{"c":"\"]["}]}"#), 3, "brackets in strings do not count");
        // The kind of body that once took 2.68 GB: 1 MiB nested deep (here 24, within the
        // limit), with non-ASCII and '/'.
        let mut big = String::from(r#"{"a":"é/","b":"#);
        let depth = MAX_FORM_DEPTH - 8;
        big.push_str(&"[".repeat(depth));
        while big.len() < 1024 * 1024 {
            big.push_str(r#"{"k":"é/","v":[1,2,3]},"#);
        }
        big.push('0');
        big.push_str(&"]".repeat(depth));
        big.push('}');
        let (mut tried, mut largest) = (0, 0);
        find_body_form(big.as_bytes(), |bytes| {
            tried += 1;
            largest = largest.max(bytes.len());
            false
        });
        assert!(tried > 0 && largest <= MAX_FORM_BYTES, "{tried} candidates, the largest {largest} bytes");
    }
}
