//! `uniffi-bindgen generate <library> --language kotlin|swift`, same uniffi version as the FFI crate.

fn main() {
    uniffi::uniffi_bindgen_main()
}
