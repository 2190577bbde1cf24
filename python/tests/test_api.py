"""The public functions and classes beyond the vectors."""
import datetime as dt
import os
import subprocess
import sys

import pytest

import doku_checkout as dc
from doku_checkout.testing import MockServer

SECRET = "SK-TEST-0123456789"


def test_format_timestamp_converts_wib_and_refuses_naive():
    wib = dt.timezone(dt.timedelta(hours=7))
    assert dc.format_timestamp(dt.datetime(2020, 9, 22, 8, 51, 0, tzinfo=wib)) == "2020-09-22T01:51:00Z"
    assert dc.format_timestamp(dt.datetime(2020, 9, 22, 1, 51, 0, 999999, tzinfo=dt.timezone.utc)) == "2020-09-22T01:51:00Z"
    with pytest.raises(dc.InvalidInputError):
        dc.format_timestamp(dt.datetime(2020, 9, 22, 8, 51, 0))


def test_body_may_be_str_or_bytes():
    args = dict(client_id="MCH-1", secret_key=SECRET, request_id="r", timestamp="2020-08-11T08:45:42Z", request_target="/x")
    assert dc.sign_request(body='{"a":"é"}', **args) == dc.sign_request(body='{"a":"é"}'.encode(), **args) == dc.sign_request(body=bytearray('{"a":"é"}'.encode()), **args)
    assert dc.compute_digest(b"") == "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU="
    assert len(dc.new_request_id()) == 36


def test_verify_notification_with_django_meta_and_parsed_body_refused():
    body = b'{"order":{"invoice_number":"INV-1"},"uuid":2225241122231523678107192241243041817037}'
    sig = dc.sign_request(client_id="MCH-1", secret_key=SECRET, request_id="n-1", timestamp="2020-08-11T08:45:42Z", request_target="/hook", body=body)
    meta = {"HTTP_CLIENT_ID": "MCH-1", "HTTP_REQUEST_ID": "n-1", "HTTP_REQUEST_TIMESTAMP": "2020-08-11T08:45:42Z", "HTTP_SIGNATURE": sig, "wsgi.input": object(), "CONTENT_LENGTH": "10"}
    sent = dt.datetime(2020, 8, 11, 8, 45, 42, tzinfo=dt.timezone.utc)
    parsed = dc.verify_notification(secret_key=SECRET, headers=meta, body=body, notification_path="/hook", now=sent)
    assert parsed["uuid"] == 2225241122231523678107192241243041817037  # exact, not a float
    with pytest.raises(dc.InvalidInputError):
        dc.verify_notification(secret_key=SECRET, headers=meta, body=parsed, notification_path="/hook", now=sent)
    with pytest.raises(dc.SignatureVerificationError) as info:
        later = sent + dt.timedelta(hours=1)
        dc.verify_notification(secret_key=SECRET, headers=meta, body=body, notification_path="/hook", tolerance=dt.timedelta(minutes=5), now=later)
    assert info.value.reason == "timestamp_out_of_tolerance"
    with pytest.raises(dc.SignatureVerificationError) as info:  # replay protection is on by default (24 h)
        dc.verify_notification(secret_key=SECRET, headers=meta, body=body, notification_path="/hook")
    assert info.value.reason == "timestamp_out_of_tolerance"


def test_repr_never_shows_the_secret():
    c = dc.Client("MCH-1", SECRET)
    a = dc.AsyncClient("MCH-1", SECRET, environment="production")
    for text in (repr(c), str(c), repr(a)):
        assert SECRET not in text and "***" in text
    assert "api.doku.com" in repr(a)


def test_pure_functions_never_start_the_runtime():
    code = (
        "import doku_checkout as dc\n"
        "from doku_checkout import _native\n"
        "dc.sign_request(client_id='M', secret_key='k', request_id='r', timestamp='2020-08-11T08:45:42Z', request_target='/x', body=b'{}')\n"
        "dc.Client('M', 'k')\n"
        "assert not _native.runtime_started()\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, cwd=os.path.dirname(__file__))


def test_create_status_cancel_and_typed_results():
    with MockServer() as doku:
        client = dc.Client(doku.client_id, SECRET, base_url=doku.url)
        created = client.create_checkout(
            invoice_number="INV-PY-1", amount=30000, payment_method_types=["QRIS"],
            customer={"name": "Budi", "email": "budi@example.com"}, line_items=[{"name": "Kopi", "price": 15000, "quantity": 2}],
            extra={"order": {"language": "ID"}},
        )
        assert created.payment_url.startswith(doku.url) and created.expires_at.endswith("Z")
        assert '"language":"ID"' in doku.requests()[0]["body"]
        assert client.order_status("INV-PY-1").status == "PENDING"
        result = client.cancel_order(invoice_number="INV-PY-1", original_request_id=created.request_id, note="changed")
        assert (result.order_status, result.replayed, result.http_status) == ("CANCELLED", False, 200)
        assert "CANCELLED" in result.raw_body and "replayed=False" in repr(result)
        assert client.order_status("INV-PY-1").status == "CANCELLED"
