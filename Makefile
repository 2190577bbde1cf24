# doku-checkout: two commands do everything.
#   make demo   the full cancel story on the embedded emulator
#   make test   every suite, every language
# Everything builds into ./target (one cargo target dir) and ./build (venvs, npm, maven output).

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
ROOT := $(CURDIR)
BUILD := $(ROOT)/build
export CARGO_TARGET_DIR := $(ROOT)/target
export CARGO_TERM_COLOR ?= never
CARGO ?= cargo
CLI := $(CARGO_TARGET_DIR)/debug/doku-checkout
# Package-manager caches stay inside the repo's build dir.
export npm_config_cache := $(BUILD)/npm-cache
export PIP_CACHE_DIR := $(BUILD)/pip-cache

FFI_LIB := $(CARGO_TARGET_DIR)/debug/libdoku_checkout_ffi.so
BINDGEN := $(CARGO_TARGET_DIR)/debug/uniffi-bindgen
MVN ?= mvn
MVN_FLAGS := -B --no-transfer-progress -Dmaven.repo.local=$(BUILD)/m2
SWIFT_GEN := $(BUILD)/swift-gen
PYTHON ?= python3
PY_TOOLS := $(BUILD)/py-tools
PY_TEST := $(BUILD)/py-test
WHEELS := $(BUILD)/wheels

.PHONY: bench-stores dist dist-check rust-wasm-check fuzz mutants bench-emulator demo test rust-fmt rust-clippy rust-test python-wheel python-test node-deps node-build node-wasm node-edge-tools node-test browser-test ffi-build kotlin-test swift-check swift-test swift-generate bench-node bench-edge bench-kotlin bench bench-rust bench-python vectors build

demo: build
	@$(CLI) demo

build:
	$(CARGO) build --workspace --quiet

test: rust-fmt rust-clippy rust-test rust-wasm-check python-test node-test browser-test kotlin-test swift-test
	@echo "make test: all suites passed"

rust-fmt:
	$(CARGO) fmt --all --check

rust-clippy:
	$(CARGO) clippy --workspace --all-targets --quiet -- -D warnings

# The Python and Node crates are tested by pytest and node --test; leaving them out here keeps
# pyo3/napi (and libpython) out of the Rust test binaries. Test builds carry the one
# `conformance` entry point; release builds never do. A throwaway PostgreSQL (Debian's, installed
# when missing) runs beside them for the store tests, started and stopped by tools/postgres/run.sh.
TEST_FEATURES := --features doku-checkout-ffi/conformance
rust-test:
	tools/postgres/run.sh $(CARGO) test --workspace --exclude doku-checkout-python --exclude doku-checkout-node $(TEST_FEATURES)

# The sans-IO core must keep building for WebAssembly (the edge-runtime path). The target is
# added with rustup when missing; where that cannot be done the check says so and is skipped.
rust-wasm-check:
	@if rustup target list --installed 2>/dev/null | grep -q '^wasm32-unknown-unknown$$' \
		|| rustup target add wasm32-unknown-unknown >/dev/null 2>&1; then \
		$(CARGO) build -p doku-checkout --no-default-features --target wasm32-unknown-unknown --quiet \
		&& echo "rust-wasm-check: the sans-IO core builds for wasm32-unknown-unknown"; \
	else \
		echo "rust-wasm-check: SKIPPED: the wasm32-unknown-unknown target could not be installed here"; \
	fi

$(PY_TOOLS)/bin/maturin:
	$(PYTHON) -m venv $(PY_TOOLS)
	$(PY_TOOLS)/bin/pip install --quiet --disable-pip-version-check maturin==1.16.0

# The abi3 wheel, built with the dev profile into the shared target dir.
python-wheel: $(PY_TOOLS)/bin/maturin
	rm -rf $(WHEELS)
	cd python && $(PY_TOOLS)/bin/maturin build --profile dev --features conformance --out $(WHEELS)
	ls $(WHEELS)/doku_checkout-*-cp39-abi3-*.whl

# A fresh venv with only the built wheel and the test dependencies, then pytest, beside a
# throwaway PostgreSQL and Redis (the Django + Celery shop tests; both started and stopped by
# tools/postgres/run.sh and tools/redis/run.sh).
python-test: python-wheel
	rm -rf $(PY_TEST)
	$(PYTHON) -m venv $(PY_TEST)
	$(PY_TEST)/bin/pip install --quiet --disable-pip-version-check $(WHEELS)/*.whl -r python/requirements-test.txt
	tools/postgres/run.sh tools/redis/run.sh sh -c 'cd python && $(PY_TEST)/bin/pytest tests -q -p no:cacheprovider'

node-deps:
	cd node && npm ci --no-audit --no-fund --loglevel=error

# The napi addon (dev profile) and its generated loader in node/native/.
node-build: node-deps
	cd node && npm run --silent build -- --features conformance

# The WebAssembly core (dev profile, with the conformance entry point) and its wasm-bindgen
# glue in node/wasm/: the edge export and the main entry's fallback. wasm-bindgen-cli must
# match the wasm-bindgen crate exactly; it is built once into build/wasm-tools.
WASM_TOOLS := $(BUILD)/wasm-tools
WASM_BINDGEN_VERSION := 0.2.130
WASM_BINDGEN := $(WASM_TOOLS)/bin/wasm-bindgen
$(WASM_BINDGEN):
	$(CARGO) install wasm-bindgen-cli --version =$(WASM_BINDGEN_VERSION) --root $(WASM_TOOLS) --quiet

node-wasm: $(WASM_BINDGEN)
	rustup target list --installed | grep -q '^wasm32-unknown-unknown$$' || rustup target add wasm32-unknown-unknown
	$(CARGO) build -p doku-checkout-wasm --target wasm32-unknown-unknown --features conformance --quiet
	rm -rf node/wasm
	$(WASM_BINDGEN) --target web --weak-refs --out-dir node/wasm --out-name doku_checkout_wasm \
		$(CARGO_TARGET_DIR)/wasm32-unknown-unknown/debug/doku_checkout_wasm.wasm
	mv node/wasm/doku_checkout_wasm.js node/wasm/doku_checkout_wasm.mjs
	mv node/wasm/doku_checkout_wasm.d.ts node/wasm/doku_checkout_wasm.d.mts
	node tools/wasm/inline.mjs node/wasm

# Deno, Bun, workerd (Miniflare) and Vercel's edge-runtime from npm, for the edge tests; binaryen
# for the release WebAssembly. Never shipped.
node-edge-tools:
	cd tools/edge && npm ci --no-audit --no-fund --loglevel=error

# The edge tests run the emulator as a process (the CLI, built by ffi-build). The store tests
# (doku-checkout/pg, /bullmq) run on a throwaway PostgreSQL and Redis, started and stopped here.
node-test: node-build node-wasm node-edge-tools ffi-build
	tools/postgres/run.sh tools/redis/run.sh sh -c 'cd node && node --test test/'

# The emulator's checkout page and dashboard in a real browser: Debian's chromium (installed
# here when missing: about 20 s and 300 MB from apt, as root) driven by playwright-core from
# the node package's dev dependencies. DOKU_SCREENSHOTS_DIR=docs/images refreshes the README's
# screenshots.
CHROMIUM ?= /usr/bin/chromium
browser-test: node-build
	@command -v $(CHROMIUM) >/dev/null || { \
		[ "$$(id -u)" = 0 ] || { echo "browser-test: $(CHROMIUM) is missing; install Debian's chromium (apt-get install chromium) or set CHROMIUM"; exit 1; }; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium fonts-dejavu-core >/dev/null; }
	@command -v $(CHROMIUM) >/dev/null || { echo "browser-test: $(CHROMIUM) is still missing after installing Debian's chromium"; exit 1; }
	cd node && CHROMIUM=$$(command -v $(CHROMIUM)) node --test browser-test/

# The uniffi library, the generator and the emulator CLI, with the features of rust-test so
# nothing recompiles.
ffi-build:
	$(CARGO) build -p doku-checkout-ffi -p uniffi-bindgen -p doku-checkout-cli $(TEST_FEATURES) --quiet

# Kotlin: Maven generates the bindings from the built library, compiles, and runs JUnit
# through Surefire with JNA loading the host .so.
kotlin-test: ffi-build
	cd bindings/kotlin && $(MVN) $(MVN_FLAGS) -Drepo.root=$(ROOT) test

# Swift: the committed sources are exactly what uniffi generates from the library now (one Swift
# module, DokuCheckout, holds both components' files; the C declarations are DokuCheckoutFFI), and
# carry no test-only entry point. swift-test then builds the package and runs its XCTest suite
# with Debian's Swift (a trixie chroot under build/ where the machine has none; about 1 minute
# and 2.6 GB the first time), plus a consumer package outside the repo (tools/swift/test.sh).
SWIFT_SRC := bindings/swift/Sources
SWIFT_FILES := DokuCheckout/DokuCheckout.swift DokuCheckout/DokuCheckoutCore.swift \
	DokuCheckoutFFI/include/DokuCheckoutFFI.h DokuCheckoutFFI/include/DokuCheckoutCoreFFI.h
swift-check: ffi-build
	rm -rf $(SWIFT_GEN)
	$(BINDGEN) generate $(FFI_LIB) --language swift --no-format --out-dir $(SWIFT_GEN)
	for f in $(SWIFT_FILES); do diff -u $(SWIFT_SRC)/$$f $(SWIFT_GEN)/$$(basename $$f) \
		|| { echo "swift-check: $(SWIFT_SRC)/$$f is stale: run make swift-generate"; exit 1; }; done
	! grep -n -i conformance $(SWIFT_SRC)/DokuCheckout/*.swift $(SWIFT_SRC)/DokuCheckoutFFI/include/*.h
	@echo "swift-check: the committed Swift sources are what uniffi generates now"

swift-test: swift-check
	tools/swift/test.sh

# Refresh the committed Swift sources after changing the FFI surface.
swift-generate: ffi-build
	rm -rf $(SWIFT_GEN)
	$(BINDGEN) generate $(FFI_LIB) --language swift --no-format --out-dir $(SWIFT_GEN)
	for f in $(SWIFT_FILES); do mkdir -p $$(dirname $(SWIFT_SRC)/$$f); cp $(SWIFT_GEN)/$$(basename $$f) $(SWIFT_SRC)/$$f; done

# Regenerate the shared vectors and scenarios (Python stdlib only); the diff must be empty.
vectors:
	python3 tests/vectors/generate.py
	python3 tests/scenarios/generate.py

# Release artifacts for Linux x86_64/aarch64, glibc 2.17+ and musl, into dist/ (not in
# `make test`; see tools/dist/build.sh). `make dist-check` installs each one afresh, outside
# the build tree, and runs the shared signing vectors with it (aarch64 under qemu-user).
dist:
	tools/dist/build.sh

dist-check:
	tools/dist/check.sh

bench: bench-emulator bench-rust bench-python bench-node bench-edge bench-kotlin bench-stores

# The emulator under load (about 2 minutes): a fresh release CLI as the server, wrk (Debian's
# package, installed when missing) and our own signed-request load generator as the clients.
bench-emulator:
	$(CARGO) build --release -p doku-checkout-cli --quiet
	command -v wrk >/dev/null 2>&1 || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null; }
	DOKU_CLI=$(CARGO_TARGET_DIR)/release/doku-checkout $(CARGO) bench -p doku-checkout-mock --bench load

# cancel-batch on each store (JSONL journal, SQLite, PostgreSQL; 1, 2 and 4 worker processes)
# against a release emulator, beside a throwaway PostgreSQL (about 3 minutes).
bench-stores:
	$(CARGO) build --release -p doku-checkout-cli --quiet
	DOKU_CLI=$(CARGO_TARGET_DIR)/release/doku-checkout tools/postgres/run.sh $(PYTHON) tools/bench/stores.py

# Mutation testing of the protocol core with cargo-mutants (not in `make test`: ~30 minutes on
# 2 cores for all the files below). Prints per-file figures; exits non-zero when a mutant
# survives. The per-mutant outcomes land in build/mutants/. MUTANT_FILES="timestamp" for one.
# cargo-mutants builds in its own copy of the tree with its own target dir: sharing ours would
# let a build of the real sources and a mutant's build overwrite each other's artifacts.
# MUTANT_TEST_ARGS="--lib --test vectors" runs only those tests per mutant (much faster; a
# mutant only other tests would catch then counts as missed).
MUTANTS := $(BUILD)/tools/bin/cargo-mutants
MUTANT_FILES ?= signing notification retry classify hygiene digest timestamp request_id headers credentials operations/* \
	error strict_json conformance config/options client/send client/transport/* \
	checkout_reading payment_bodies json_writer lifecycle
$(MUTANTS):
	$(CARGO) install --locked --quiet --root $(BUILD)/tools cargo-mutants@27.1.0

mutants: $(MUTANTS)
	status=0; env -u CARGO_TARGET_DIR $(MUTANTS) mutants --no-config --gitignore true -p doku-checkout --features conformance -j 2 -o $(BUILD)/mutants \
		$(foreach f,$(MUTANT_FILES),-f 'crates/doku-checkout/src/$(f).rs') $(if $(MUTANT_TEST_ARGS),-- $(MUTANT_TEST_ARGS)) || status=$$?; \
	$(PYTHON) tests/mutants-summary.py $(BUILD)/mutants/mutants.out/outcomes.json || status=2; \
	if [ $$status -eq 3 ]; then status=0; fi; exit $$status  # 3 alone: timeouts, which count as caught

# Fuzzing with cargo-fuzz on nightly (not in `make test`; the committed corpus is replayed by
# the doku-checkout-fuzz-targets test there). FUZZ_SECONDS per target, 9 targets;
# FUZZ_TARGETS="classify" for a subset.
CARGO_FUZZ := $(BUILD)/tools/bin/cargo-fuzz
FUZZ_SECONDS ?= 60
$(CARGO_FUZZ):
	$(CARGO) install --locked --quiet --root $(BUILD)/tools cargo-fuzz@0.13.2

fuzz: $(CARGO_FUZZ)
	rustup toolchain list | grep -q '^nightly' || rustup toolchain install nightly --profile minimal
	PATH=$(BUILD)/tools/bin:$$PATH CARGO_TARGET_DIR=$(ROOT)/target/fuzz FUZZ_SECONDS=$(FUZZ_SECONDS) FUZZ_TARGETS="$(FUZZ_TARGETS)" \
		FUZZ_WORK=$(BUILD)/fuzz fuzz/run.sh

bench-rust:
	$(CARGO) bench -p doku-checkout --bench sign -- --warm-up-time 1 --measurement-time 3
	$(CARGO) bench -p doku-checkout --bench cancel

# Python: a release wheel in its own venv, with httpx and aiohttp as the anchors, against a
# fresh release-built emulator per round.
bench-python: $(PY_TOOLS)/bin/maturin
	rm -rf $(BUILD)/py-bench $(BUILD)/wheels-release
	cd python && $(PY_TOOLS)/bin/maturin build --release --out $(BUILD)/wheels-release
	$(PYTHON) -m venv $(BUILD)/py-bench
	$(BUILD)/py-bench/bin/pip install --quiet --disable-pip-version-check $(BUILD)/wheels-release/*.whl -r python/requirements-bench.txt
	$(CARGO) build --release -p doku-checkout-cli --quiet
	cd python/benchmarks && DOKU_CLI=$(CARGO_TARGET_DIR)/release/doku-checkout $(BUILD)/py-bench/bin/python bench.py

# Node: a release addon, then perf_hooks timings (status GETs against undici's Pool and fetch
# on a fresh release-built emulator per round).
bench-node: node-deps
	cd node && npx napi build --platform --release --manifest-path ../crates/doku-checkout-node/Cargo.toml --output-dir native --no-js --dts index.d.ts --no-const-enum
	$(CARGO) build --release -p doku-checkout-cli --quiet
	cd node && DOKU_CLI=$(CARGO_TARGET_DIR)/release/doku-checkout node --expose-gc benchmarks/bench.mjs
	cd node && npm run --silent build -- --features conformance   # back to the dev addon the tests use

# doku-checkout/edge (about 2 minutes): the release WebAssembly (as `make dist` builds it) and
# the release addon, cold start, per-call cost and status GETs on a fresh release emulator.
bench-edge: node-deps node-edge-tools
	cd node && npx napi build --platform --release --manifest-path ../crates/doku-checkout-node/Cargo.toml --output-dir native --no-js --dts index.d.ts --no-const-enum
	DIST_PARTS=wasm tools/dist/build.sh
	rm -rf node/wasm && cp -r $(BUILD)/dist-wasm node/wasm
	$(CARGO) build --release -p doku-checkout-cli --quiet
	cd node && DOKU_CLI=$(CARGO_TARGET_DIR)/release/doku-checkout node benchmarks/edge.mjs
	cd node && npm run --silent build -- --features conformance   # back to the dev builds the tests use
	$(MAKE) node-wasm

# Kotlin: a release library, timed loop through JNA vs javax.crypto.Mac; cancel throughput
# (blocking and suspend) vs java.net.http on a fresh release-built emulator per round.
bench-kotlin: ffi-build
	$(CARGO) build --release -p doku-checkout-ffi -p doku-checkout-cli --quiet
	cd bindings/kotlin && $(MVN) $(MVN_FLAGS) -q -Drepo.root=$(ROOT) test-compile exec:exec@sign-bench exec:exec@cancel-bench
