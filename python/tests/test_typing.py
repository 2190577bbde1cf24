"""User code type-checks with `mypy --strict` against the installed package (stubs included),
and a type error in user code is caught (so the check can fail)."""
import json
import os
import pathlib
import subprocess
import sys

import pytest

HERE = pathlib.Path(__file__).parent / "typing"


def mypy(*files, cwd):
    pytest.importorskip("mypy")
    return subprocess.run([sys.executable, "-m", "mypy", "--strict", "--no-incremental", *map(str, files)], capture_output=True, text=True, cwd=cwd)


def test_user_code_is_clean_under_mypy_strict(tmp_path):
    result = mypy(HERE / "usage.py", cwd=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr


def test_user_code_is_clean_under_pyright_strict(tmp_path):
    pytest.importorskip("pyright")
    (tmp_path / "pyrightconfig.json").write_text(json.dumps({"typeCheckingMode": "strict", "venvPath": str(pathlib.Path(sys.prefix).parent), "venv": pathlib.Path(sys.prefix).name}))
    (tmp_path / "usage.py").write_text((HERE / "usage.py").read_text())
    # pyright's own npm package is fetched once into the repository's build dir (npm registry).
    env = {**os.environ, "PYRIGHT_PYTHON_CACHE_DIR": str(pathlib.Path(__file__).resolve().parents[2] / "build" / "pyright-cache")}
    result = subprocess.run([sys.executable, "-m", "pyright", "usage.py"], capture_output=True, text=True, cwd=tmp_path, env=env)
    assert result.returncode == 0, result.stdout + result.stderr


def test_a_type_error_in_user_code_is_reported(tmp_path):
    bad = tmp_path / "bad.py"
    bad.write_text("from doku_checkout import Client\nClient('MCH-1', 'SK', timeout_ms='5000')\nx: int = Client('M', 'S').order_status('I').status\n")
    result = mypy(bad, cwd=tmp_path)
    assert result.returncode != 0
    assert "bad.py:2" in result.stdout and "bad.py:3" in result.stdout, result.stdout
