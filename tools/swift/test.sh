#!/usr/bin/env bash
# `make swift-test`: the Swift package built and tested with a real Swift toolchain on Linux,
# then used as a consumer would use it.
#
# 1. `swift test` in bindings/swift: the XCTest suite against the FFI library built by
#    `make ffi-build` (a test build: it carries the shared-vector entry point) and the emulator CLI.
# 2. A consumer package outside the repo (tests/swift-consumer copied to a temporary folder) that
#    depends on bindings/swift by path, built with DOKU_CHECKOUT_FFI_DIR and run: it signs DOKU's
#    documented status example and creates and cancels an order on a running emulator.
#
# Swift comes from the machine when it has one, else from Debian trixie's `swiftlang` in a chroot
# under build/ (tools/swift/chroot.sh). Where neither can be had, it says so and skips (exit 0).
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
BUILD="$ROOT/build"
TARGET="${CARGO_TARGET_DIR:-$ROOT/target}"
export DOKU_CHECKOUT_FFI_DIR="$TARGET/debug"
export DOKU_CLI="$TARGET/debug/doku-checkout"
export DOKU_REPO_ROOT="$ROOT"
for f in "$DOKU_CHECKOUT_FFI_DIR/libdoku_checkout_ffi.so" "$DOKU_CLI"; do
  [ -e "$f" ] || { echo "swift-test: $f is missing (make ffi-build)" >&2; exit 2; }
done

# Each Swift step is bounded: a hung test fails the run instead of holding it forever (the
# chroot's PID namespace takes every process of the step with it).
if command -v swift >/dev/null 2>&1; then
  swift_run() { timeout -k 30 1200 "$@"; }
  echo "swift-test: using this machine's $(swift --version 2>/dev/null | head -1)"
else
  status=0
  "$ROOT/tools/swift/chroot.sh" ensure || status=$?
  if [ "$status" = 3 ]; then
    echo "swift-test: SKIPPED: no Swift toolchain here and no chroot can be made (see above)."
    exit 0
  fi
  [ "$status" = 0 ] || exit "$status"
  # The chroot sees the repo at the same path (and its own /tmp).
  swift_run() { (cd "$ROOT" && timeout -k 30 1200 "$ROOT/tools/swift/chroot.sh" run "$@"); }
fi

echo "swift-test: building the package and running its XCTest suite (about a minute cold)"
# XCTest only: the suite has no Swift Testing tests, whose runner (Swift 6 on) would add a
# "0 tests" summary of its own.
only_xctest=()
swift_run swift test --help 2>/dev/null | grep -q -- '--disable-swift-testing' && only_xctest=(--disable-swift-testing)
swift_run swift test "${only_xctest[@]}" --package-path "$ROOT/bindings/swift" --scratch-path "$BUILD/swift/package"

# The consumer, outside the repo, against an emulator of its own.
echo "swift-test: a consumer package outside the repo, depending on bindings/swift by path"
work="$(mktemp -d)"
emulator_pid=""
cleanup() {
  if [ -n "$emulator_pid" ]; then kill "$emulator_pid" 2>/dev/null || true; wait "$emulator_pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

export DOKU_CLIENT_ID=MCH-SWIFT-CONSUMER DOKU_SECRET_KEY=SK-SWIFT-CONSUMER-0123456789
"$DOKU_CLI" mock --port 0 --client-id "$DOKU_CLIENT_ID" >"$work/emulator.out" 2>"$work/emulator.err" </dev/null &
emulator_pid=$!
for _ in $(seq 100); do grep -q '^listening on ' "$work/emulator.out" && break; sleep 0.1; done
export DOKU_BASE_URL="$(sed -n 's/^listening on //p' "$work/emulator.out")"
[ -n "$DOKU_BASE_URL" ] || { cat "$work/emulator.err" >&2; echo "swift-test: the emulator did not start" >&2; exit 1; }

# Copied into a temporary folder (in the chroot, its own /tmp, a tmpfs gone when it ends), its path
# dependency pointed at bindings/swift, built and run, all where Swift runs.
swift_run bash -euc '
  temporary="$(mktemp -d)"
  trap "rm -rf \"$temporary\"" EXIT
  consumer="$temporary/consumer"
  cp -r "$1/tests/swift-consumer" "$consumer"
  sed -i "s|path: \"../../bindings/swift\"|path: \"$1/bindings/swift\"|" "$consumer/Package.swift"
  grep -q "path: \"$1/bindings/swift\"" "$consumer/Package.swift"
  swift build --package-path "$consumer" --scratch-path "$2"
  "$2/debug/Consumer"
' _ "$ROOT" "$BUILD/swift/consumer" | tee "$work/consumer.out"
expected="signature HMACSHA256=i0P1zaM2J+dMqTB3+KLiq2ZT88tjbVBZPKPDlHBM8dg="
grep -qxF "$expected" "$work/consumer.out" || { echo "swift-test: FAILED: the consumer did not sign the documented example exactly" >&2; exit 1; }
grep -q '^cancelled INV-SWIFT-CONSUMER-1 CANCELLED ' "$work/consumer.out" || { echo "swift-test: FAILED: the consumer's cancel" >&2; exit 1; }
state="$(python3 -c 'import json,sys,urllib.request; print(json.load(urllib.request.urlopen(sys.argv[1] + "/_mock/orders/INV-SWIFT-CONSUMER-1"))["state"])' "$DOKU_BASE_URL")"
[ "$state" = CANCELLED ] || { echo "swift-test: FAILED: the emulator says $state" >&2; exit 1; }
echo "swift-test: the consumer built outside the repo, signed the documented example and cancelled an order"
