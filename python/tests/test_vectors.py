"""Every case of every file in tests/vectors/ through the Python package."""
import datetime as dt
import hashlib
import json

import pytest

import doku_checkout as dc
from doku_checkout import _native
from conftest import VECTORS, body_from_spec, load_cases

CASES = load_cases(VECTORS, "cases")


def test_every_file_is_loaded():
    files = sorted(p.name for p in VECTORS.glob("*.json"))
    assert len(files) >= 8
    total = sum(json.loads((VECTORS / f).read_text())["number_of_cases"] for f in files)
    assert len(CASES) == total >= 40


def check_error(err, want):
    assert isinstance(err, dc.DokuError)
    assert isinstance(err, dc.ERROR_CLASSES[want["code"]])
    assert err.code == want["code"]
    for key in ("reason", "field", "retryable"):
        if key in want:
            assert getattr(err, key) == want[key], key


@pytest.mark.parametrize("operation,case", CASES)
def test_vector(operation, case):
    inp, expect = case["input"], case["expect"]
    run = globals()[f"run_{operation}"]
    if "error" in expect and operation not in ("classify",):
        with pytest.raises(dc.DokuError) as info:
            run(inp, expect)
        check_error(info.value, expect["error"])
    else:
        run(inp, expect)


def run_sign_request(inp, expect):
    body = body_from_spec(inp["body"])
    args = dict(client_id=inp["client_id"], request_id=inp["request_id"], timestamp=inp["timestamp"], request_target=inp["request_target"], body=body)
    text = dc.signing_string(**args)
    signature = dc.sign_request(secret_key=inp["secret_key"], **args)
    assert text == expect["string_to_sign"]
    assert signature == expect["signature"]
    assert (None if body is None else dc.compute_digest(body)) == expect["digest"]


def run_verify_notification(inp, expect):
    body = body_from_spec(inp["body"])
    headers = {name: value for name, value in inp["headers"]}
    result = dc.verify_notification(
        secret_key=inp["secret_key"], headers=headers, body=body, notification_path=inp["notification_path"],
        tolerance=inp["tolerance_seconds"], now=inp["now"],
    )
    assert hashlib.sha256(body).hexdigest() == expect["body_sha256"]
    assert result == json.loads(body)


def run_verify_response(inp, expect):
    dc.verify_response(
        secret_key=inp["secret_key"], client_id=inp["sent_client_id"], request_id=inp["sent_request_id"],
        request_target=inp["request_target"], headers=dict(inp["headers"]), body=body_from_spec(inp["body"]), with_digest=inp["with_digest"],
    )


def run_format_timestamp(inp, expect):
    when = dt.datetime.fromtimestamp(inp["unix"], tz=dt.timezone.utc)
    assert dc.format_timestamp(when) == expect["text"]
    wib = when.astimezone(dt.timezone(dt.timedelta(hours=7)))
    assert dc.format_timestamp(wib) == expect["text"]


def run_parse_timestamp(inp, expect):
    assert _native.parse_timestamp(inp["text"]) == expect["unix"]


def run_from_wib(inp, expect):
    assert _native.format_unix_timestamp(_native.from_wib(*inp["wib"])) == expect["text"]


def run_parse_wib_compact(inp, expect):
    assert _native.format_unix_timestamp(_native.parse_wib_compact(inp["wib_compact"])) == expect["text"]


def run_classify(inp, expect):
    ok, replayed, err = _native.classify(inp["http_status"], body_from_spec(inp["body"]) or b"")
    if "error" in expect:
        assert not ok
        check_error(err, expect["error"])
        assert err.http_status == inp["http_status"]
        assert err.raw_body.encode() == (body_from_spec(inp["body"]) or b"")
    else:
        assert ok and replayed == expect["replayed"]


def run_retry_decision(inp, expect):
    p, outcome = inp["policy"], inp["outcome"]
    delay = _native.retry_decision(
        max_retries=p["max_retries"], initial_backoff_ms=p["initial_backoff_ms"], max_backoff_ms=p["max_backoff_ms"],
        attempt=inp["attempt"], status=outcome.get("status"), transport=outcome.get("transport"),
        retry_after_seconds=inp["retry_after_seconds"], jitter=inp["jitter"],
    )
    assert delay == (expect["delay_ms"] if expect["retry"] else None)


def run_cancel_support(inp, expect):
    assert dc.cancel_support(inp["payment_method_type"]) == expect["support"]


def run_cancel_order_request(inp, expect):
    body = _native.cancel_order_body(inp["invoice_number"], inp["original_request_id"], inp["note"])
    assert body == body_from_spec(expect["body"])


def run_order_status_request(inp, expect):
    assert _native.order_status_path(inp["invoice_number"]) == expect["path"]
