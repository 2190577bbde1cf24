#!/usr/bin/env bash
# Builds dist/android/doku-checkout-<version>.aar: the uniffi Kotlin (Android flavour) as
# classes.jar and the native library for arm64-v8a, armeabi-v7a and x86_64 under jni/.
# Needs the Android NDK (r26 or later) at ANDROID_NDK_HOME and an SDK platform jar at
# ANDROID_JAR (e.g. $ANDROID_HOME/platforms/android-34/android.jar). Our Linux machines have
# neither: this script has not been run here (see the README).
set -euo pipefail
: "${ANDROID_NDK_HOME:?set ANDROID_NDK_HOME to an Android NDK (r26+)}"
: "${ANDROID_JAR:?set ANDROID_JAR to platforms/android-NN/android.jar of an Android SDK}"
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../../.." && pwd)
VERSION=$(sed -n 's/^version = "\(.*\)"/\1/p' "$ROOT/Cargo.toml" | head -1)
OUT=$ROOT/build/android-aar
API=21
LLVM=$(echo "$ANDROID_NDK_HOME"/toolchains/llvm/prebuilt/*/bin)
rm -rf "$OUT" && mkdir -p "$OUT/aar" "$ROOT/dist/android"

# abi : rust target : clang prefix
for spec in arm64-v8a:aarch64-linux-android:aarch64-linux-android \
            armeabi-v7a:armv7-linux-androideabi:armv7a-linux-androideabi \
            x86_64:x86_64-linux-android:x86_64-linux-android; do
  IFS=: read -r abi target clang <<<"$spec"
  upper=$(echo "$target" | tr 'a-z-' 'A-Z_')
  rustup target add "$target" >/dev/null
  # 16 KB pages: required by Android 15+ devices that use them.
  env "CARGO_TARGET_${upper}_LINKER=$LLVM/${clang}${API}-clang" "CC_${target//-/_}=$LLVM/${clang}${API}-clang" \
    "AR_${target//-/_}=$LLVM/llvm-ar" "CARGO_TARGET_${upper}_RUSTFLAGS=-C link-arg=-Wl,-z,max-page-size=16384" \
    cargo build --manifest-path "$ROOT/Cargo.toml" --profile dist -p doku-checkout-ffi --lib --target "$target"
  mkdir -p "$OUT/aar/jni/$abi"
  cp "$ROOT/target/$target/dist/libdoku_checkout_ffi.so" "$OUT/aar/jni/$abi/"
done

# The Kotlin sources, generated from one of the built libraries with the Android settings,
# compiled against android.jar, JNA and kotlinx-coroutines.
cargo build --manifest-path "$ROOT/Cargo.toml" -p uniffi-bindgen --quiet
"$ROOT/target/debug/uniffi-bindgen" generate "$OUT/aar/jni/arm64-v8a/libdoku_checkout_ffi.so" \
  --language kotlin --no-format --config "$HERE/uniffi-android.toml" --out-dir "$OUT/src"
cp "$ROOT/bindings/kotlin/src/main/kotlin/doku/checkout/"*.kt "$OUT/src/doku/checkout/"
mvn -B -q -f "$HERE/pom.xml" "-Dsources=$OUT/src" "-Dandroid.jar=$ANDROID_JAR" "-DbuildDirectory=$OUT/classes" package
cp "$OUT/classes/doku-checkout-android-classes.jar" "$OUT/aar/classes.jar"

cat >"$OUT/aar/AndroidManifest.xml" <<XML
<?xml version="1.0" encoding="utf-8"?>
<manifest xmlns:android="http://schemas.android.com/apk/res/android" package="doku.checkout">
  <uses-sdk android:minSdkVersion="$API" />
  <uses-permission android:name="android.permission.INTERNET" />
</manifest>
XML
: >"$OUT/aar/R.txt"
(cd "$OUT/aar" && rm -f "$ROOT/dist/android/doku-checkout-$VERSION.aar" && zip -qr "$ROOT/dist/android/doku-checkout-$VERSION.aar" .)
echo "dist/android/doku-checkout-$VERSION.aar (depend also on net.java.dev.jna:jna:5.19.1@aar and kotlinx-coroutines-android)"
