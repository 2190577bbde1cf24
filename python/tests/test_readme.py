"""The Python examples of the repository README run as written."""
import json
import os
import pathlib
import re

import pytest

README = pathlib.Path(__file__).resolve().parents[2] / "README.md"


def python_blocks():
    text = README.read_text()
    section = text.split("## Python", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"```python\n(.*?)```", section, re.S)


def test_there_are_examples():
    assert len(python_blocks()) == 3


def test_cancel_and_status_example(capsys):
    exec(compile(python_blocks()[0], "README-python-0", "exec"), {})
    assert "order_not_cancellable 400 ['ORDER ALREADY PAID'] False" in capsys.readouterr().out


def test_django_example():
    django = pytest.importorskip("django")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "djangoapp.settings")
    django.setup()
    from django.test import RequestFactory

    import doku_checkout as dc

    ns = {}
    exec(compile(python_blocks()[1], "README-python-1", "exec"), ns)
    body = json.dumps({"transaction": {"status": "SUCCESS"}}).encode()
    ts = "2030-01-01T00:00:00Z"
    sig = dc.sign_request(client_id="MCH-1", secret_key="SK-TEST-0123456789", request_id="n-1", timestamp=ts, request_target="/hooks/doku", body=body)
    headers = {"HTTP_CLIENT_ID": "MCH-1", "HTTP_REQUEST_ID": "n-1", "HTTP_REQUEST_TIMESTAMP": ts, "HTTP_SIGNATURE": sig}
    ok = ns["doku_webhook"](RequestFactory().post("/hooks/doku", data=body, content_type="application/json", **headers))
    assert ok.status_code == 200
    forged = ns["doku_webhook"](RequestFactory().post("/hooks/doku", data=body + b" ", content_type="application/json", **headers))
    assert forged.status_code == 401


def test_pytest_fixture_example(doku_mock):
    ns = {}
    exec(compile(python_blocks()[2], "README-python-2", "exec"), ns)
    ns["test_cancel_unpaid_order"](doku_mock)
