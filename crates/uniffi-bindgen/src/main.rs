#![doc = include_str!("../README.md")]

fn main() {
    uniffi::uniffi_bindgen_main()
}
