//! The core's one shared-vector entry point for the Kotlin and Swift test suites (test builds
//! only), as a plain C function rather than a uniffi export: uniffi's metadata of a test
//! library then equals a release library's, so the Swift sources committed for consumers and
//! the Kotlin sources Maven generates are the release surface whichever library they are
//! generated from. The tests reach it through JNA (Kotlin) or a test-only C module (Swift).
//!
//! JSON text in and out, as NUL-terminated UTF-8 (JSON escapes a NUL, so none can occur).

use std::ffi::{CStr, CString, c_char};

/// Runs `operation` on the JSON `input` and returns `{"ok": ...}` or `{"error": ...}` as a string
/// the caller must release with [`doku_checkout_conformance_free`]; null when an argument is
/// null or not UTF-8, or the core panicked (never expected).
///
/// # Safety
/// `operation` and `input` must be null or point to NUL-terminated strings that stay valid and
/// unmodified for the duration of the call.
#[allow(unsafe_code)]
#[unsafe(no_mangle)]
pub unsafe extern "C" fn doku_checkout_conformance_run(operation: *const c_char, input: *const c_char) -> *mut c_char {
    if operation.is_null() || input.is_null() {
        return std::ptr::null_mut();
    }
    // SAFETY: both are non-null and NUL-terminated (the caller's contract).
    let (operation, input) = unsafe { (CStr::from_ptr(operation), CStr::from_ptr(input)) };
    let (Ok(operation), Ok(input)) = (operation.to_str(), input.to_str()) else {
        return std::ptr::null_mut();
    };
    match std::panic::catch_unwind(|| doku_checkout::conformance::run(operation, input)) {
        Ok(answer) => CString::new(answer).map_or(std::ptr::null_mut(), CString::into_raw),
        Err(_) => std::ptr::null_mut(),
    }
}

/// Releases a string returned by [`doku_checkout_conformance_run`]; null is ignored.
///
/// # Safety
/// `answer` must be null or a pointer returned by `doku_checkout_conformance_run`, released once.
#[allow(unsafe_code)]
#[unsafe(no_mangle)]
pub unsafe extern "C" fn doku_checkout_conformance_free(answer: *mut c_char) {
    if !answer.is_null() {
        // SAFETY: it came from `CString::into_raw` and is released once (the caller's contract).
        drop(unsafe { CString::from_raw(answer) });
    }
}

#[cfg(test)]
#[allow(unsafe_code)]
mod tests {
    use super::*;

    fn call(operation: &CStr, input: &CStr) -> Option<String> {
        // SAFETY: both are valid C strings; the answer is released once below.
        let answer = unsafe { doku_checkout_conformance_run(operation.as_ptr(), input.as_ptr()) };
        if answer.is_null() {
            return None;
        }
        // SAFETY: non-null, from the call above, NUL-terminated.
        let text = unsafe { CStr::from_ptr(answer) }.to_str().expect("UTF-8").to_owned();
        // SAFETY: released once.
        unsafe { doku_checkout_conformance_free(answer) };
        Some(text)
    }

    #[test]
    fn answers_as_the_core_does() {
        let input = r#"{"unix": 1597135542}"#;
        let want = doku_checkout::conformance::run("format_timestamp", input);
        assert!(want.contains("2020-08-11T08:45:42Z"), "{want}");
        assert_eq!(call(c"format_timestamp", &CString::new(input).expect("no NUL")), Some(want));
        let refused = call(c"format_timestamp", c"not json").expect("an answer");
        assert!(refused.starts_with(r#"{"error":"#), "{refused}");
    }

    #[test]
    fn null_or_invalid_arguments_give_null() {
        // SAFETY: nulls are allowed; the byte string is NUL-terminated.
        unsafe {
            assert!(doku_checkout_conformance_run(std::ptr::null(), c"{}".as_ptr()).is_null());
            assert!(doku_checkout_conformance_run(c"surface".as_ptr(), std::ptr::null()).is_null());
            let not_utf8 = b"\xff\0";
            assert!(doku_checkout_conformance_run(not_utf8.as_ptr().cast(), c"{}".as_ptr()).is_null());
            doku_checkout_conformance_free(std::ptr::null_mut());
        }
    }
}
