"""The PEP 517 backend for doku-checkout's sdist: maturin, except that without Rust it stops
with one line saying so. (maturin alone would quietly download a ~1 GB Rust toolchain.)"""

import os
import shutil

import maturin
from maturin import (  # noqa: F401
    get_requires_for_build_sdist,
    prepare_metadata_for_build_editable,
    prepare_metadata_for_build_wheel,
)

NO_RUST = (
    "doku-checkout: no prebuilt wheel matches this platform, and building it from source needs Rust "
    "1.89 or later (`cargo` on PATH): install Rust from https://rustup.rs and retry, or use a platform "
    "with a prebuilt wheel (Linux x86_64/aarch64, glibc 2.17+ or musl; macOS; Windows x64)."
)


def _require_cargo():
    if not os.environ.get("CARGO") and shutil.which("cargo") is None:
        raise SystemExit(NO_RUST)


def get_requires_for_build_wheel(config_settings=None):
    _require_cargo()
    return maturin.get_requires_for_build_wheel(config_settings)


def get_requires_for_build_editable(config_settings=None):
    _require_cargo()
    return maturin.get_requires_for_build_editable(config_settings)


def build_wheel(wheel_directory, config_settings=None, metadata_directory=None):
    _require_cargo()
    return maturin.build_wheel(wheel_directory, config_settings, metadata_directory)


def build_editable(wheel_directory, config_settings=None, metadata_directory=None):
    _require_cargo()
    return maturin.build_editable(wheel_directory, config_settings, metadata_directory)


def build_sdist(sdist_directory, config_settings=None):
    _require_cargo()
    return maturin.build_sdist(sdist_directory, config_settings)
