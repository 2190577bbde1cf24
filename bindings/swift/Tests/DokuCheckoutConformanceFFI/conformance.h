// The core's shared-vector entry point, in test builds of libdoku_checkout_ffi only
// (crates/doku-checkout-ffi/src/conformance.rs): JSON text in, `{"ok"|"error": ...}` out.
#pragma once

// The answer, to be released with doku_checkout_conformance_free; NULL when an argument is
// NULL or not UTF-8.
char *doku_checkout_conformance_run(const char *operation, const char *input);
void doku_checkout_conformance_free(char *answer);
