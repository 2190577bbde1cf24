#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| doku_checkout_fuzz_targets::binding_input(data));
