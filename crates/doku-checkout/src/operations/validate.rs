//! Field checks shared by the operations: lengths in characters, no control characters.

use crate::error::Error;
use crate::hygiene::check_no_control_chars;

/// 1..=max characters, no control characters; the message names the field and the rule.
pub(crate) fn text(field: &'static str, value: &str, max_chars: usize) -> Result<(), Error> {
    if value.trim().is_empty() {
        return Err(Error::invalid_input(field, format!("{field} must not be empty")));
    }
    let len = value.chars().count();
    if len > max_chars {
        return Err(Error::invalid_input(
            field,
            format!("{field} is {len} characters long; DOKU allows at most {max_chars}"),
        ));
    }
    check_no_control_chars(field, value)
}
