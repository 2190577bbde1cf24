//! Build script: napi-rs linker setup for the Node addon.

fn main() {
    napi_build::setup();
}
