//! Exit codes and the one-line error format.

use doku_checkout::{Error, ErrorCode};

/// Success.
pub(crate) const OK: u8 = 0;
/// Verification or request failure.
pub(crate) const FAILURE: u8 = 1;
/// Invalid input or usage.
pub(crate) const USAGE: u8 = 2;

/// The exit code for an error: 2 for bad input or configuration, 1 otherwise (a store that
/// failed while running is not a usage error: a rerun may succeed).
pub(crate) fn code_for(e: &Error) -> u8 {
    if e.reason() == Some(doku_checkout_store::STORE_FAILURE) {
        return FAILURE;
    }
    match e.code() {
        ErrorCode::InvalidInput | ErrorCode::ConfigError => USAGE,
        _ => FAILURE,
    }
}

/// Prints `error: <code>[/<reason>]: <message>` on stderr and returns the exit code.
#[allow(clippy::print_stderr)]
pub(crate) fn report(e: &Error) -> u8 {
    let reason = e.reason().map(|r| format!("/{r}")).unwrap_or_default();
    eprintln!("error: {}{reason}: {}", e.code(), e.message());
    code_for(e)
}
