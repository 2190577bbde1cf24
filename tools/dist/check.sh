#!/usr/bin/env bash
# `make dist-check`: install each artifact of dist/ afresh, with nothing from the build tree on
# any path, and run the shared signing vectors through it (and, where a package carries its own
# emulator, a checkout, its status and its cancel over HTTP: the packaged transport):
#   python   the manylinux x86_64 wheel into a new venv (pip --no-index); the sdist without
#            Rust (one clear line) and with Rust (builds, installs, passes); calls sync and asyncio
#   node     the main + linux-x64-gnu tarballs into an empty project (native with calls, and
#            doku-checkout/edge on WebAssembly); the main tarball alone (--omit=optional) runs
#            on WebAssembly with a warning naming the platform package, and with
#            DOKU_CHECKOUT_BACKEND=native the error names it
#   jvm      both jars into a fresh Maven repository, a consumer that signs and runs a cancel
#            against the emulator of the released CLI, JNA loading the library from the jar
#   aarch64  the CLI and the manylinux aarch64 wheel under qemu-user (Debian's arm64 Python)
#   musl     the musllinux wheels and musl addons linked by musl's own loader (Debian's musl)
#   tls      no shipped shared library asks for static TLS (they are all dlopen()ed)
# CHECK_PARTS="python node" checks a subset.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
DIST=$ROOT/dist
BUILD=$ROOT/build
WORK=$BUILD/dist-check
PARTS=${CHECK_PARTS:-cli python node jvm aarch64 musl tls}
VERSION=$(sed -n 's/^version = "\(.*\)"/\1/p' "$ROOT/Cargo.toml" | head -1)
export PIP_CACHE_DIR=$BUILD/pip-cache npm_config_cache=$BUILD/npm-cache
unset CARGO_TARGET_DIR

step() { printf '\n== dist-check: %s (%s)\n' "$*" "$(date +%T)"; }
fail() { echo "dist-check: FAILED: $*" >&2; exit 1; }
one() { local f=("$@"); [ ${#f[@]} -eq 1 ] && [ -e "${f[0]}" ] || fail "expected one file, found: ${f[*]}"; echo "${f[0]}"; }

rm -rf "$WORK" && mkdir -p "$WORK"
cp "$ROOT/tests/vectors/signing.json" "$ROOT"/tools/dist/signing_vectors.py "$ROOT"/tools/dist/signing-vectors.js "$WORK/"
cd "$WORK"
# The machine's own Python (resolved through pyenv's shims where it has them); then nothing from
# the build tree: no target/ or ~/.cargo/bin on PATH, no library paths.
PY=$(python3 -c 'import sys; print(sys.executable)')
CARGO_BIN=$(dirname "$(command -v cargo)")
export PATH=/usr/local/bin:/usr/bin:/bin
unset LD_LIBRARY_PATH PYTHONPATH NODE_PATH
CLI_X64=$(one "$DIST"/cli/doku-checkout-*-x86_64-unknown-linux-musl)
CLI_ARM=$(one "$DIST"/cli/doku-checkout-*-aarch64-unknown-linux-musl)

# The CLI's `sign` over every signing vector: `cli_vectors <command prefix...>`.
cli_vectors() {
  "$PY" - "$@" <<'EOF'
import base64, json, os, subprocess, sys, tempfile
cmd = sys.argv[1:]
cases = [c for g in json.load(open("signing.json"))["groups"] if g["operation"] == "sign_request" for c in g["cases"]]
failed = []
for c in cases:
    inp, expect = c["input"], c["expect"]
    args = ["sign", "--client-id", inp["client_id"], "--request-id", inp["request_id"], "--timestamp", inp["timestamp"], "--target", inp["request_target"]]
    spec = inp["body"]
    if spec is not None:
        raw = base64.b64decode(spec["b64"]) if "b64" in spec else bytes.fromhex(spec["hex"]) if "hex" in spec else bytes.fromhex(spec["repeat"]["hex"]) * spec["repeat"]["count"]
        f = tempfile.NamedTemporaryFile(delete=False); f.write(raw); f.close()
        args += ["--body-file", f.name]
    try:
        run = subprocess.run(cmd + args, capture_output=True, env={**os.environ, "DOKU_SECRET_KEY": inp["secret_key"]})
    except ValueError:  # a NUL cannot reach a command line at all: refused before the CLI
        run = None
    if "error" in expect:
        ok = run is None or run.returncode == 2
    else:
        ok = run is not None and run.returncode == 0 and run.stdout.decode().strip() == expect["signature"]
    if not ok:
        failed.append(c["id"])
print(f"cli signing vectors ({os.path.basename(cmd[-1])}): {len(cases) - len(failed)} of {len(cases)} passed")
if failed: print("failed:", failed)
sys.exit(1 if failed or not cases else 0)
EOF
}

check_cli() {
  step "cli: static, checksums, vectors"
  (cd "$DIST/cli" && sha256sum --quiet -c ./*.sha256) || fail "a CLI checksum does not match"
  for cli in "$CLI_X64" "$CLI_ARM"; do
    file -b "$cli" | grep -q 'statically linked' || fail "$cli is not statically linked: $(file -b "$cli")"
  done
  cli_vectors "$CLI_X64"
}

check_python() {
  step "python: manylinux x86_64 wheel into a new venv"
  "$PY" -m venv "$WORK/py"
  local whl
  whl=$(one "$DIST"/python/doku_checkout-*manylinux_2_17_x86_64.whl)
  "$WORK/py/bin/pip" install --quiet --no-index "$whl"
  "$WORK/py/bin/python" signing_vectors.py signing.json "$WORK/py/"

  step "python: the sdist without Rust stops with one line"
  local sdist out
  sdist=$(one "$DIST"/python/doku_checkout-*.tar.gz)
  "$PY" -m venv "$WORK/py-norust"
  if out=$(env -u CARGO -u RUSTUP_HOME HOME="$WORK/home" PATH="$WORK/py-norust/bin:/usr/bin:/bin" \
    "$WORK/py-norust/bin/pip" install --quiet "$sdist" 2>&1); then
    fail "the sdist installed without Rust"
  fi
  grep -q "doku-checkout: no prebuilt wheel matches this platform, and building it from source needs Rust" <<<"$out" \
    || { echo "$out"; fail "the sdist without Rust did not say so"; }
  grep -qi "puccinialin\|rustup-init\|Downloading.*rust" <<<"$out" && fail "the sdist tried to download Rust"
  echo "sdist without Rust: $(grep -m1 -o "doku-checkout: no prebuilt.*from source needs Rust[^:]*" <<<"$out")"

  step "python: the sdist with Rust builds and passes"
  "$PY" -m venv "$WORK/py-sdist"
  PATH="$WORK/py-sdist/bin:$CARGO_BIN:$PATH" CARGO_TARGET_DIR="$WORK/sdist-target" \
    "$WORK/py-sdist/bin/pip" install --quiet "$sdist"
  "$WORK/py-sdist/bin/python" signing_vectors.py signing.json "$WORK/py-sdist/"
}

check_node() {
  step "node: main + linux-x64-gnu tarballs into an empty project"
  local main gnu
  main=$(one "$DIST"/node/doku-checkout-"$VERSION".tgz)
  gnu=$(one "$DIST"/node/doku-checkout-linux-x64-gnu-"$VERSION".tgz)
  mkdir -p app && cp signing-vectors.js app/
  (cd app && echo '{"name":"app","version":"1.0.0","private":true}' >package.json \
    && npm install --offline --no-audit --no-fund --loglevel=error "$main" "$gnu" >/dev/null \
    && node signing-vectors.js ../signing.json "$WORK/app/node_modules/doku-checkout/" main native \
    && node signing-vectors.js ../signing.json "$WORK/app/node_modules/doku-checkout/" edge)
  [ ! -e app/node_modules/doku-checkout/native/doku-checkout.linux-x64-gnu.node ] || fail "the main package carries an addon"
  local wasm size
  wasm=app/node_modules/doku-checkout/wasm/doku_checkout_wasm_bg.wasm
  size=$(stat -c %s "$wasm")
  [ "$size" -le $((300 * 1024)) ] || fail "the packaged WebAssembly build is $size bytes (over 300 KB)"
  grep -q conformanceRun app/node_modules/doku-checkout/wasm/doku_checkout_wasm.mjs && fail "the packaged WebAssembly build is a test build"
  echo "packaged .wasm: $size bytes ($(gzip -9c "$wasm" | wc -c) gzipped)"

  step "node: without the optional platform package it runs on WebAssembly and says which package is missing"
  mkdir -p app-noopt && cp signing-vectors.js app-noopt/
  (cd app-noopt && echo '{"name":"app","version":"1.0.0","private":true}' >package.json \
    && npm install --offline --omit=optional --no-audit --no-fund --loglevel=error "$main" >/dev/null)
  local out
  out=$(cd app-noopt && node signing-vectors.js ../signing.json "$WORK/app-noopt/node_modules/doku-checkout/" main wasm 2>&1) \
    || { echo "$out"; fail "the main package alone does not run on WebAssembly"; }
  grep -q "DOKU_CHECKOUT_WASM_FALLBACK" <<<"$out" && grep -q "doku-checkout-linux-x64-gnu" <<<"$out" \
    || { echo "$out"; fail "the WebAssembly fallback does not warn with the missing package"; }
  echo "$out" | grep "signing vectors"
  if out=$(cd app-noopt && DOKU_CHECKOUT_BACKEND=native node -e "require('doku-checkout')" 2>&1); then fail "DOKU_CHECKOUT_BACKEND=native succeeded without an addon"; fi
  grep -q "ERR_DOKU_CHECKOUT_NATIVE_MISSING" <<<"$out" && grep -q "doku-checkout-linux-x64-gnu@$VERSION" <<<"$out" \
    || { echo "$out"; fail "the missing-addon error does not name the package"; }
  echo "missing addon: $(grep -m1 -o 'doku-checkout [0-9.]*: no native addon[^)]*)' <<<"$out")"
}

check_jvm() {
  step "jvm: the jars into a fresh Maven repository, a consumer project"
  local m2=$WORK/m2 mvn=(mvn -B --no-transfer-progress -q -Dstyle.color=never "-Dmaven.repo.local=$WORK/m2")
  # Third-party artifacts may come from the build's Maven cache (they are Maven Central's);
  # ours never do.
  if [ -d "$BUILD/m2" ]; then cp -r "$BUILD/m2" "$m2"; fi
  rm -rf "$m2/com/doku-checkout"
  for a in doku-checkout doku-checkout-testing; do
    "${mvn[@]}" install:install-file "-Dfile=$DIST/jvm/$a-$VERSION.jar" "-DpomFile=$DIST/jvm/$a-$VERSION.pom"
  done
  cp -r "$ROOT/tools/dist/jvm-consumer" consumer
  (cd consumer && "${mvn[@]}" package dependency:build-classpath -Dmdep.outputFile=cp.txt)
  local log=$WORK/jvm.log
  (cd consumer && env -u LD_LIBRARY_PATH DOKU_CHECKOUT_CLI="$CLI_X64" \
    java -Djna.debug_load=true -cp "target/classes:$(cat cp.txt)" MainKt ../signing.json) 2>"$log" \
    || { cat "$log"; fail "the JVM consumer failed"; }
  grep -q "doku-checkout-$VERSION.jar!/linux-x86-64/libdoku_checkout_ffi.so" "$log" \
    || { cat "$log"; fail "JNA did not load the library from the jar"; }
  echo "jna loaded linux-x86-64/libdoku_checkout_ffi.so from doku-checkout-$VERSION.jar"
}

# Debian's arm64 packages through a private apt state (the system's package configuration
# is untouched): `arm64_apt <apt-get args>`.
ARM64_APT=$BUILD/arm64-apt
arm64_apt_opts() {
  echo -o "Dir::State::Lists=$ARM64_APT/lists" -o "Dir::Cache=$ARM64_APT" -o "Dir::Cache::archives=$ARM64_APT/archives" \
    -o APT::Architecture=arm64 -o APT::Architectures=arm64 -o Debug::NoLocking=1 -o APT::Sandbox::User=root -qq
}
arm64_apt_update() {
  [ -d "$ARM64_APT/lists" ] && ls "$ARM64_APT"/lists/*Packages* >/dev/null 2>&1 && return
  mkdir -p "$ARM64_APT/lists/partial" "$ARM64_APT/archives/partial"
  # shellcheck disable=SC2046
  apt-get $(arm64_apt_opts) update >&2
}

# Debian's arm64 CPython unpacked into a folder, run by qemu-user.
arm64_python() {
  local root=$BUILD/arm64-python apt=$ARM64_APT
  [ -x "$root/usr/bin/python3.11" ] && { echo "$root"; return; }
  mkdir -p "$root"
  arm64_apt_update
  local opts
  read -ra opts <<<"$(arm64_apt_opts)"
  local pkgs
  pkgs=$(apt-cache "${opts[@]}" depends --recurse --no-recommends --no-suggests --no-conflicts --no-breaks \
    --no-replaces --no-enhances --no-pre-depends python3.11-minimal libpython3.11-stdlib libgcc-s1 \
    | grep -v '^ ' | grep -v '^<' | sed 's/:arm64$//' | sort -u | grep -vE '^(debconf|perl-base|dpkg|tar|coreutils|install-info|debianutils|sensible-utils|readline-common|tzdata)$')
  (cd "$apt/archives" && apt-get "${opts[@]}" download $pkgs >&2)
  for deb in "$apt"/archives/*.deb; do dpkg-deb -x "$deb" "$root"; done
  echo "$root"
}

check_aarch64() {
  step "aarch64: the CLI and the manylinux wheel under qemu-user"
  if ! command -v qemu-aarch64-static >/dev/null; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq qemu-user-static >/dev/null
  fi
  cli_vectors qemu-aarch64-static "$CLI_ARM"
  local root whl site=$WORK/arm64-site
  whl=$(one "$DIST"/python/doku_checkout-*manylinux_2_17_aarch64.whl)
  root=$(arm64_python)
  mkdir -p "$site" && (cd "$site" && "$PY" -m zipfile -e "$whl" .)
  PYTHONPATH="$site" qemu-aarch64-static -L "$root" "$root/usr/bin/python3.11" -c 'import platform; print("arm64 python:", platform.machine(), platform.python_version())'
  PYTHONPATH="$site" qemu-aarch64-static -L "$root" "$root/usr/bin/python3.11" signing_vectors.py signing.json "$site/"
}

# musl's own dynamic loader (Debian's `musl`, 1.2.3) in ldd mode: it must resolve the C library
# the musl wheels and addons name, and every symbol they need except the host's own API
# (Python's Py*, Node's napi_*/node_api_*) must resolve against musl. Neither Debian nor
# PyPI/npm offers a musl Python or Node to load them for real.
check_musl() {
  step "musl: the musllinux wheels and musl addons against musl's own loader"
  local arch deb root loader run so out unresolved
  arm64_apt_update
  for arch in x86_64 aarch64; do
    root=$BUILD/musl-$arch
    if [ ! -e "$root/lib/ld-musl-$arch.so.1" ]; then
      mkdir -p "$root/deb"
      if [ "$arch" = x86_64 ]; then
        (cd "$root/deb" && apt-get download -qq -o APT::Sandbox::User=root musl)
      else
        # shellcheck disable=SC2046
        (cd "$root/deb" && apt-get $(arm64_apt_opts) download musl)
      fi
      for deb in "$root"/deb/*.deb; do dpkg-deb -x "$deb" "$root"; done
    fi
    loader=$root/lib/ld-musl-$arch.so.1
    run=("$loader")
    [ "$arch" = aarch64 ] && run=(qemu-aarch64-static "$loader")
    rm -rf "$WORK/musl-$arch" && mkdir -p "$WORK/musl-$arch"
    (cd "$WORK/musl-$arch" && "$PY" -m zipfile -e "$(one "$DIST"/python/doku_checkout-*musllinux_1_2_"$arch".whl)" wheel \
      && tar xzf "$(one "$DIST"/node/doku-checkout-linux-"$([ "$arch" = x86_64 ] && echo x64 || echo arm64)"-musl-"$VERSION".tgz)")
    for so in "$WORK/musl-$arch"/wheel/doku_checkout/_native.abi3.so "$WORK/musl-$arch"/package/*.node; do
      out=$("${run[@]}" --list "$so" 2>&1 || true)
      grep -q "libc.musl-$arch.so.1 => .*ld-musl-$arch.so.1" <<<"$out" || { echo "$out" | head; fail "$so: musl's loader did not resolve its C library"; }
      unresolved=$(sed -n 's/.*: \([^:]*\): symbol not found$/\1/p' <<<"$out" | grep -vE '^(_?Py|napi_|node_api_)' || true)
      [ -z "$unresolved" ] || fail "$so needs symbols musl does not have: $unresolved"
      echo "musl $arch: $(basename "$so"): the C library and all $(grep -c 'symbol not found' <<<"$out") host-API symbols aside, everything resolves against musl"
    done
  done
}

# Every wheel, addon and JVM library is loaded with dlopen(). A library flagged STATIC_TLS
# (initial-exec TLS, e.g. an allocator built that way) must fit the few hundred bytes of static
# TLS the loader keeps spare; in a process that has loaded enough such libraries, dlopen() fails
# with "cannot allocate memory in static TLS block".
check_tls() {
  step "tls: no shipped shared library needs static TLS"
  local dir=$WORK/tls lib count=0
  rm -rf "$dir" && mkdir -p "$dir"
  "$PY" - "$dir" "$DIST"/python/*.whl "$DIST"/node/doku-checkout-linux-*.tgz "$DIST"/jvm/doku-checkout-"$VERSION".jar <<'EOF'
import os, sys, tarfile, zipfile
out, n = sys.argv[1], 0
for archive in sys.argv[2:]:
    if archive.endswith(".tgz"):
        with tarfile.open(archive) as t:
            libs = [(m.name, t.extractfile(m).read()) for m in t.getmembers() if m.name.endswith(".node")]
    else:
        with zipfile.ZipFile(archive) as z:
            libs = [(name, z.read(name)) for name in z.namelist() if name.endswith(".so")]
    for name, data in libs:
        n += 1
        with open(os.path.join(out, f"{n}-{os.path.basename(archive)}-{os.path.basename(name)}"), "wb") as f:
            f.write(data)
EOF
  for lib in "$dir"/*; do
    readelf -dW "$lib" >/dev/null || fail "$lib: not an ELF shared library"
    if readelf -dW "$lib" | grep -q 'STATIC_TLS'; then fail "$(basename "$lib") is flagged STATIC_TLS"; fi
    count=$((count + 1))
  done
  [ "$count" -ge 9 ] || fail "expected the wheels', addons' and JVM libraries, found $count"
  echo "tls: $count shared libraries (wheels, addons, JVM), none flagged STATIC_TLS"
}

START=$SECONDS
for part in $PARTS; do "check_$part"; done
step "all checks passed in $((SECONDS - START)) s"
