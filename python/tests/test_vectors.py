"""Every case of every file in tests/vectors/ through the Python package: the public API
where the operation is public, else the core's one conformance entry point."""
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
    assert len(files) >= 9
    total = sum(json.loads((VECTORS / f).read_text())["number_of_cases"] for f in files)
    assert len(CASES) == total >= 40


def check_error(err, want):
    assert isinstance(err, dc.DokuError)
    assert isinstance(err, dc.ERROR_CLASSES[want["code"]])
    assert err.code == want["code"]
    for key in ("reason", "field", "retryable"):
        if key in want:
            assert getattr(err, key) == want[key], key


def conformance(operation, inp):
    return json.loads(_native._conformance(operation, json.dumps(inp)))


@pytest.mark.parametrize("operation,case", CASES)
def test_vector(operation, case):
    inp, expect = case["input"], case["expect"]
    run = globals().get(f"run_{operation}")
    if run is None:  # not public in Python: the core decides, through the one test entry point
        out = conformance(operation, inp)
        if "error" in expect:
            assert "error" in out, out
            for key, value in expect["error"].items():
                assert out["error"][key] == value, key
        else:
            assert out == {"ok": expect}
    elif "error" in expect:
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


def run_order_lifecycle(inp, expect):
    state = dc.order_lifecycle(transaction_status=inp["transaction_status"], order_status=inp["order_status"])
    assert state == expect["state"]


def run_lifecycle_transition(inp, expect):
    observed = inp["observed"]
    outcome = dc.lifecycle_transition(inp["stored"], transaction_status=observed["transaction_status"], order_status=observed["order_status"])
    assert outcome == (expect["outcome"], expect["state"])


def run_cancel_support(inp, expect):
    assert dc.cancel_support(inp["payment_method_type"]) == expect["support"]


def run_client_config(inp, expect):
    """The public constructors refuse or accept; the settings in force come from the core."""
    for cls in (dc.Client, dc.AsyncClient):
        client = cls(inp["client_id"], inp["secret_key"], **inp["options"])
        assert expect["settings"]["base_url"] in repr(client)
    assert conformance("client_config", inp) == {"ok": expect["settings"]}
