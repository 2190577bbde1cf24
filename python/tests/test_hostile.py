"""Careless and hostile values through every public function (issue: hardening).

Each call either works or raises TypeError (a wrong type, Python's convention) or a DokuError
naming what was refused: never PanicException, OverflowError, UnicodeEncodeError or
AttributeError, and no error text ever holds the secret.
"""
import datetime as dt
import math

import pytest

import doku_checkout as dc

SECRET = "SK-HOSTILE-0123456789"
HOSTILE = [None, "", "\ud800", "x" * 100_000, 2**64, 2**200, -1, 1e300, math.nan, math.inf, b"\xff", [], {}, object(), True, SECRET, {"a": SECRET}, [SECRET]]
BODY = b'{"order":{"invoice_number":"INV-1"}}'
WHEN = dt.datetime(2020, 8, 11, 8, 45, 42, tzinfo=dt.timezone.utc)
CLIENT = dc.Client("MCH-1", SECRET, base_url="http://127.0.0.1:9", max_retries=0, timeout_ms=200, connect_timeout_ms=200)

CALLS = {
    "sign_request": (dc.sign_request, dict(client_id="MCH-1", secret_key=SECRET, request_id="r-1", timestamp="2020-08-11T08:45:42Z", request_target="/x", body=BODY)),
    "signing_string": (dc.signing_string, dict(client_id="MCH-1", request_id="r-1", timestamp="2020-08-11T08:45:42Z", request_target="/x", body=BODY)),
    "verify_notification": (dc.verify_notification, dict(secret_key=SECRET, headers={"Client-Id": "MCH-1"}, body=BODY, notification_path="/n", tolerance=300, now=WHEN)),
    "verify_response": (dc.verify_response, dict(secret_key=SECRET, client_id="MCH-1", request_id="r", request_target="/x", headers={}, body=BODY)),
    "Client": (dc.Client, dict(client_id="MCH-1", secret_key=SECRET, timeout_ms=1000, base_url="http://127.0.0.1:9", environment="sandbox", proxy=None)),
    "cancel_order": (CLIENT.cancel_order, dict(invoice_number="INV-1", original_request_id="r", note="n", request_id="rid")),
    "create_checkout": (CLIENT.create_checkout, dict(invoice_number="INV-1", amount=1000, customer={"name": "B"}, line_items=[{"name": "A", "price": 1000, "quantity": 1}], extra={"a": 1})),
    "order_status": (CLIENT.order_status, dict(invoice_number="INV-1")),
}
SINGLE = {"compute_digest": dc.compute_digest, "format_timestamp": dc.format_timestamp, "cancel_support": dc.cancel_support,
          "order_lifecycle": lambda v: dc.order_lifecycle(transaction_status=v), "lifecycle_transition": lambda v: dc.lifecycle_transition(v, transaction_status="SUCCESS")}

# A Request-Id is the caller's own key and errors report it by design: not a leak.
CASES = [pytest.param(name, key, value, id=f"{name}-{key}-{i}") for name, (_, kw) in CALLS.items() for key in kw for i, value in enumerate(HOSTILE)
         if not (key == "request_id" and value == SECRET)]
CASES += [pytest.param(name, None, value, id=f"{name}-{i}") for name in SINGLE for i, value in enumerate(HOSTILE)]


@pytest.mark.parametrize("name,key,value", CASES)
def test_hostile_value(name, key, value):
    try:
        if key is None:
            SINGLE[name](value)
        else:
            fn, kw = CALLS[name]
            fn(**{**kw, key: value})
    except (TypeError, dc.DokuError) as e:
        text = f"{e} {e!r}"
        assert SECRET not in text, text
    except BaseException as e:  # noqa: BLE001 - the point: nothing else may escape
        pytest.fail(f"{name}({key}={value!r:.40}) raised {type(e).__name__}: {e!s:.200}")


def test_the_regressions_of_the_hardening_issue():
    for options, field in [({"timeout_ms": 1e300}, "timeout_ms"), ({"timeout_ms": 2**64}, "timeout_ms"), ({"connect_timeout_ms": 2**64}, "connect_timeout_ms"),
                           ({"max_retries": -1}, "max_retries"), ({"max_retries": 10**6}, "max_retries"), ({"timeout": 30}, "options")]:
        with pytest.raises(dc.ConfigurationError) as info:
            dc.Client("MCH-1", SECRET, **options)
        assert info.value.field == field
    with pytest.raises(dc.InvalidInputError):
        CLIENT.cancel_order(invoice_number="INV\ud800", original_request_id="r", note="n")
    with pytest.raises(dc.InvalidInputError) as info:
        dc.verify_notification(secret_key=SECRET, headers={}, body=BODY, notification_path="/n", tolerance=math.nan)
    assert info.value.field == "tolerance"
    with pytest.raises(dc.InvalidInputError) as info:
        dc.verify_notification(secret_key=SECRET, headers=None, body=BODY, notification_path="/n")
    assert info.value.field == "headers"
    with pytest.raises(dc.InvalidInputError) as info:
        dc.verify_notification(secret_key=SECRET, headers={}, body=BODY, notification_path="/n", now=2**70)
    assert info.value.field == "now"


def _serve_once(respond):
    """A loopback server that answers one connection with respond(socket); returns its URL."""
    import socket
    import threading

    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(4)

    def run():
        conn, _ = listener.accept()
        with conn:
            conn.recv(65536)
            try:
                respond(conn)
            except OSError:
                pass  # the client hung up at its cap: that is the point
        listener.close()

    threading.Thread(target=run, daemon=True).start()
    return f"http://127.0.0.1:{listener.getsockname()[1]}"


def test_an_endless_body_ends_at_the_cap_not_in_memory():
    def endless(conn):
        conn.sendall(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n")
        chunk = b"10000\r\n" + b"a" * 0x10000 + b"\r\n"
        for _ in range(100_000):  # 6.5 GB if anybody read it all
            conn.sendall(chunk)

    client = dc.Client("MCH-1", SECRET, base_url=_serve_once(endless), max_retries=0, max_response_bytes=65536)
    with pytest.raises(dc.InvalidResponseError) as info:
        client.order_status("INV-1")
    assert info.value.reason == "response_too_large"
    assert len(info.value.raw_body) <= 65536


def test_environment_proxies_never_carry_plain_http_calls(tmp_path):
    import socket
    import subprocess
    import sys

    trap = socket.socket()
    trap.bind(("127.0.0.1", 0))
    trap.listen(8)
    trap.settimeout(0.5)
    proxy = f"http://127.0.0.1:{trap.getsockname()[1]}"
    code = (
        "import doku_checkout as dc\n"
        "from doku_checkout.testing import MockServer\n"
        "with MockServer() as doku:\n"
        "    doku.add_order('INV-P', original_request_id='r-P')\n"
        "    c = dc.Client(doku.client_id, 'SK-TEST-0123456789', base_url=doku.url)\n"
        "    assert c.cancel_order(invoice_number='INV-P', original_request_id='r-P', note='n').order_status == 'CANCELLED'\n"
    )
    env = {**__import__("os").environ, "HTTP_PROXY": proxy, "http_proxy": proxy, "ALL_PROXY": proxy, "all_proxy": proxy}
    subprocess.run([sys.executable, "-c", code], check=True, env=env, cwd=tmp_path, timeout=60)
    with pytest.raises(socket.timeout):
        trap.accept()  # nothing ever connected to the proxy
    trap.close()


def test_integers_beyond_64_bits_are_refused_not_sent_as_floats():
    with pytest.raises(dc.InvalidInputError) as info:
        CLIENT.create_checkout(invoice_number="INV-1", amount=1000, extra={"order": {"big": 2**70}})
    assert "64 bits" in str(info.value)
    with pytest.raises(dc.InvalidInputError) as info:
        CLIENT.create_checkout(invoice_number="INV-1", amount=2**70)
    assert info.value.field in ("amount", "request")
