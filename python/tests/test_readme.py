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
    assert len(python_blocks()) == 4


def test_cancel_and_status_example(capsys):
    exec(compile(python_blocks()[0], "README-python-0", "exec"), {})
    assert "order_not_cancellable 400 ['ORDER ALREADY PAID'] False" in capsys.readouterr().out


def test_django_example_and_its_test_exactly_as_printed():
    django = pytest.importorskip("django")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "djangoapp.settings")
    django.setup()
    from django.conf import settings
    from django.test import Client
    from django.urls import clear_url_caches, path

    from djangoapp import urls

    view = {"__name__": "readme"}
    exec(compile(python_blocks()[1], "README-python-1", "exec"), view)
    urls.urlpatterns.append(path("hooks/doku", view["doku_webhook"]))
    clear_url_caches()
    try:
        test = {}
        exec(compile(python_blocks()[2], "README-python-2", "exec"), test)
        test["test_paid_notification"](settings)  # the README's own test of the README's view
        assert Client().post("/hooks/doku", data=b"{}", content_type="application/json").status_code == 401
    finally:
        urls.urlpatterns.pop()
        clear_url_caches()


def test_pytest_fixture_example(doku_mock):
    ns = {}
    exec(compile(python_blocks()[3], "README-python-3", "exec"), ns)
    ns["test_cancel_unpaid_order"](doku_mock)


def test_django_celery_section_shows_what_the_shop_tests_run():
    """The section's view is the test shop's view, verbatim (test_django_shop.py runs it), and its
    settings name what the code reads."""
    text = README.read_text()
    section = text.split("## Django + Celery", 1)[1].split("\n## ", 1)[0]
    settings_block, view_block = re.findall(r"```python\n(.*?)```", section, re.S)
    shop = pathlib.Path(__file__).parent / "djangoshop"
    assert view_block in (shop / "urls.py").read_text()
    assert '"doku_checkout.contrib.django"' in settings_block and '"CLIENT_ID"' in settings_block and '"SECRET_KEY"' in settings_block
    assert 'CELERY_IMPORTS = ["doku_checkout.contrib.celery"]' in settings_block
    assert 'CELERY_IMPORTS = ["doku_checkout.contrib.celery"]' in (shop / "settings.py").read_text()
    from doku_checkout.contrib.django import conf

    assert '"CLIENT_ID"' in pathlib.Path(conf.__file__).read_text() and '"SECRET_KEY"' in pathlib.Path(conf.__file__).read_text()


def test_observability_example_prints_the_call_span_and_its_two_attempts_and_logs_the_retry():
    import os
    import pathlib
    import subprocess
    import sys

    text = (pathlib.Path(__file__).resolve().parents[2] / "README.md").read_text()
    section = text.split("## Observability", 1)[1].split("\n## ", 1)[0]
    (block,) = [b.split("```", 1)[0] for b in section.split("```python\n")[1:]]
    here = pathlib.Path(__file__).resolve().parent
    out = subprocess.run([sys.executable, "-c", block], capture_output=True, text=True, timeout=60, cwd=here.parents[1], env={**os.environ})
    assert out.returncode == 0, out.stderr
    assert out.stdout.count('"name": "POST /checkout/v3/cancellations"') == 2
    assert '"name": "doku.cancel_order"' in out.stdout and '"http.request.resend_count": 1' in out.stdout
    assert "attempt 1 failed (HTTP 503); retrying" in out.stderr
