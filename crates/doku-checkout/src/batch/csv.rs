//! The batch's CSV: reading the orders file and writing the report (RFC 4180 quoting).

use crate::error::Error;

/// The most rows one orders file may hold.
pub const MAX_ROWS: usize = 1_000_000;
/// The longest field accepted (DOKU's own limits are far lower; this bounds memory).
const MAX_FIELD: usize = 4096;

/// Splits CSV text into records of fields; quoted fields may hold commas, quotes (`""`) and
/// line breaks. `\r\n` and `\n` both end a record; blank lines are skipped.
pub(crate) fn records(text: &str) -> Result<Vec<(usize, Vec<String>)>, Error> {
    let bad = |line: usize, what: &str| Error::invalid_input("input", format!("line {line}: {what}"));
    let mut out = Vec::new();
    let mut chars = text.chars().peekable();
    let mut line = 1;
    while chars.peek().is_some() {
        let start_line = line;
        let mut fields = Vec::new();
        let mut field = String::new();
        let mut quoted_field = false;
        loop {
            match chars.next() {
                None => {
                    fields.push(std::mem::take(&mut field));
                    break;
                }
                Some('"') if field.is_empty() && !quoted_field => {
                    quoted_field = true;
                    loop {
                        match chars.next() {
                            None => return Err(bad(start_line, "a quoted field is not closed")),
                            Some('"') if chars.peek() == Some(&'"') => {
                                chars.next();
                                field.push('"');
                            }
                            Some('"') => break,
                            Some(c) => {
                                if c == '\n' {
                                    line += 1;
                                }
                                field.push(c);
                            }
                        }
                        if field.len() > MAX_FIELD {
                            return Err(bad(start_line, "a field is longer than 4096 bytes"));
                        }
                    }
                    if !matches!(chars.peek(), None | Some(',' | '\n' | '\r')) {
                        return Err(bad(start_line, "text after a closing quote"));
                    }
                }
                Some(',') => {
                    fields.push(std::mem::take(&mut field));
                    quoted_field = false;
                }
                Some('\r') if chars.peek() == Some(&'\n') => {}
                Some('\n') => {
                    line += 1;
                    fields.push(std::mem::take(&mut field));
                    break;
                }
                Some('"') => return Err(bad(start_line, "a quote inside an unquoted field")),
                Some(c) => {
                    field.push(c);
                    if field.len() > MAX_FIELD {
                        return Err(bad(start_line, "a field is longer than 4096 bytes"));
                    }
                }
            }
        }
        if fields.len() == 1 && fields[0].is_empty() && !quoted_field {
            continue;
        }
        if out.len() > MAX_ROWS {
            return Err(Error::invalid_input("input", format!("more than {MAX_ROWS} rows: split the file")));
        }
        out.push((start_line, fields));
    }
    Ok(out)
}

/// One CSV field, quoted when it must be.
pub fn field(value: &str) -> String {
    if value.contains([',', '"', '\n', '\r']) || value.starts_with(' ') || value.ends_with(' ') {
        format!("\"{}\"", value.replace('"', "\"\""))
    } else {
        value.to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoting_and_line_ends() {
        let text = "a,b,c\r\n1,\"x, \"\"y\"\"\",z\n\n2,\"multi\nline\",\n";
        let rows = records(text).expect("valid");
        assert_eq!(rows[0], (1, vec!["a".to_owned(), "b".into(), "c".into()]));
        assert_eq!(rows[1], (2, vec!["1".to_owned(), "x, \"y\"".into(), "z".into()]));
        assert_eq!(rows[2], (4, vec!["2".to_owned(), "multi\nline".into(), String::new()]));
        assert_eq!(rows.len(), 3);
    }

    #[test]
    fn malformed_csv_names_the_line() {
        for (text, words) in [
            ("a\n\"open", "line 2: a quoted field is not closed"),
            ("a\nx\"y", "line 2: a quote inside"),
            ("\"a\"b", "line 1: text after"),
        ] {
            let e = records(text).expect_err(text);
            assert!(e.message().contains(words), "{text:?}: {}", e.message());
        }
        assert!(records(&format!("{}\n", "x".repeat(5000))).is_err());
    }

    #[test]
    fn fields_round_trip() {
        for value in ["plain", "with, comma", "with \"quotes\"", "two\nlines", " padded", ""] {
            let line = format!("{},end\n", field(value));
            assert_eq!(records(&line).expect("valid")[0].1, vec![value.to_owned(), "end".to_owned()], "{value:?}");
        }
    }
}
