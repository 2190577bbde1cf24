#!/usr/bin/env bash
# Builds DokuCheckoutFFI.xcframework for Apple platforms (run on macOS with Xcode and rustup).
# Then `swift build` / `swift test` in this folder use it.
set -euo pipefail
cd "$(dirname "$0")"
ROOT="$(cd ../.. && pwd)"
TARGETS=(aarch64-apple-ios aarch64-apple-ios-sim x86_64-apple-ios aarch64-apple-darwin x86_64-apple-darwin)
# The test build carries the shared-vector C entry point the XCTest suite calls (through its
# test-only module DokuCheckoutConformanceFFI); RELEASE=1 (the release workflow) builds the
# shipped library without it. The generated Swift is the same for both.
if [ -n "${RELEASE:-}" ]; then BUILD_ARGS=(--profile dist); PROFILE_DIR=dist; else BUILD_ARGS=(--features conformance --release); PROFILE_DIR=release; fi
for t in "${TARGETS[@]}"; do
  rustup target add "$t" >/dev/null
  cargo build --manifest-path "$ROOT/Cargo.toml" -p doku-checkout-ffi "${BUILD_ARGS[@]}" --target "$t"
done
LIB=libdoku_checkout_ffi.a
OUT="$ROOT/target/apple"
rm -rf "$OUT" DokuCheckoutFFI.xcframework
mkdir -p "$OUT/ios-sim" "$OUT/macos" "$OUT/headers"
lipo -create "$ROOT/target/aarch64-apple-ios-sim/$PROFILE_DIR/$LIB" "$ROOT/target/x86_64-apple-ios/$PROFILE_DIR/$LIB" -output "$OUT/ios-sim/$LIB"
lipo -create "$ROOT/target/aarch64-apple-darwin/$PROFILE_DIR/$LIB" "$ROOT/target/x86_64-apple-darwin/$PROFILE_DIR/$LIB" -output "$OUT/macos/$LIB"
# Regenerate the Swift sources from the built library (library mode: two components, the
# core's types and the client, both compiled into the one Swift module DokuCheckout), then
# package both headers under the one C module.
cargo run --manifest-path "$ROOT/Cargo.toml" -p uniffi-bindgen -- generate "$ROOT/target/aarch64-apple-darwin/$PROFILE_DIR/libdoku_checkout_ffi.dylib" \
  --language swift --no-format --out-dir "$OUT/gen"
cp "$OUT/gen/DokuCheckout.swift" Sources/DokuCheckout/DokuCheckout.swift
cp "$OUT/gen/DokuCheckoutCore.swift" Sources/DokuCheckout/DokuCheckoutCore.swift
cp "$OUT/gen/DokuCheckoutFFI.h" "$OUT/gen/DokuCheckoutCoreFFI.h" "$OUT/headers/"
cp Sources/DokuCheckoutFFI/include/module.modulemap "$OUT/headers/module.modulemap"
xcodebuild -create-xcframework \
  -library "$ROOT/target/aarch64-apple-ios/$PROFILE_DIR/$LIB" -headers "$OUT/headers" \
  -library "$OUT/ios-sim/$LIB" -headers "$OUT/headers" \
  -library "$OUT/macos/$LIB" -headers "$OUT/headers" \
  -output DokuCheckoutFFI.xcframework
echo "built DokuCheckoutFFI.xcframework"
