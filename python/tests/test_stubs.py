"""The .pyi stubs match the compiled module (mypy.stubtest)."""
import shutil
import subprocess
import sys

import pytest


def test_stubs_match_the_module(tmp_path):
    pytest.importorskip("mypy")
    result = subprocess.run(
        [sys.executable, "-m", "mypy.stubtest", "doku_checkout._native", "--ignore-missing-stub"],
        capture_output=True, text=True, cwd=tmp_path,
    )
    assert result.returncode == 0, result.stdout + result.stderr
