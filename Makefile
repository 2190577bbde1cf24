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

PYTHON ?= python3
PY_TOOLS := $(BUILD)/py-tools
PY_TEST := $(BUILD)/py-test
WHEELS := $(BUILD)/wheels

.PHONY: demo test rust-fmt rust-clippy rust-test python-wheel python-test node-deps node-build node-test bench bench-rust bench-python vectors build

demo: build
	@$(CLI) demo

build:
	$(CARGO) build --workspace --quiet

test: rust-fmt rust-clippy rust-test python-test node-test
	@echo "make test: all suites passed"

rust-fmt:
	$(CARGO) fmt --all --check

rust-clippy:
	$(CARGO) clippy --workspace --all-targets --quiet -- -D warnings

rust-test:
	$(CARGO) test --workspace

$(PY_TOOLS)/bin/maturin:
	$(PYTHON) -m venv $(PY_TOOLS)
	$(PY_TOOLS)/bin/pip install --quiet --disable-pip-version-check maturin==1.16.0

# The abi3 wheel, built with the dev profile into the shared target dir.
python-wheel: $(PY_TOOLS)/bin/maturin
	rm -rf $(WHEELS)
	cd python && $(PY_TOOLS)/bin/maturin build --profile dev --out $(WHEELS)
	ls $(WHEELS)/doku_checkout-*-cp39-abi3-*.whl

# A fresh venv with only the built wheel and the test dependencies, then pytest.
python-test: python-wheel
	rm -rf $(PY_TEST)
	$(PYTHON) -m venv $(PY_TEST)
	$(PY_TEST)/bin/pip install --quiet --disable-pip-version-check $(WHEELS)/*.whl -r python/requirements-test.txt
	cd python && $(PY_TEST)/bin/pytest tests -q -p no:cacheprovider

node-deps:
	cd node && npm ci --no-audit --no-fund --loglevel=error

# The napi addon (dev profile) and its generated loader in node/native/.
node-build: node-deps
	cd node && npm run --silent build

node-test: node-build
	cd node && node --test test/

# Regenerate the shared vectors and scenarios (Python stdlib only); the diff must be empty.
vectors:
	python3 tests/vectors/generate.py
	python3 tests/scenarios/generate.py

bench: bench-rust

bench-rust:
	$(CARGO) bench -p doku-checkout --bench sign -- --warm-up-time 1 --measurement-time 3
	$(CARGO) bench -p doku-checkout --bench cancel
