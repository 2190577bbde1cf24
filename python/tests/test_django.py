"""A real Django test client posting a signed DOKU notification, then forged ones."""
import json
import os

import pytest

django = pytest.importorskip("django")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "djangoapp.settings")
django.setup()

from django.test import Client as DjangoClient  # noqa: E402
from django.test import override_settings  # noqa: E402

import doku_checkout as dc  # noqa: E402
from djangoapp import urls  # noqa: E402

SECRET = "SK-TEST-0123456789"
BODY = json.dumps({"order": {"invoice_number": "INV-DJ-1", "amount": 150000}, "transaction": {"status": "SUCCESS"}}, separators=(",", ":")).encode()


def signed_headers(body, path="/payments/notifications", secret=SECRET):
    ts = dc.format_timestamp(__import__("datetime").datetime.now(__import__("datetime").timezone.utc))
    sig = dc.sign_request(client_id="MCH-TEST-0001", secret_key=secret, request_id="notif-1", timestamp=ts, request_target=path, body=body)
    # Django's test client takes headers as WSGI environ keys, as a real server would deliver them.
    return {"HTTP_CLIENT_ID": "MCH-TEST-0001", "HTTP_REQUEST_ID": "notif-1", "HTTP_REQUEST_TIMESTAMP": ts, "HTTP_SIGNATURE": sig}


def test_signed_notification_reaches_the_view():
    urls.RECEIVED.clear()
    response = DjangoClient().post("/payments/notifications", data=BODY, content_type="application/json", **signed_headers(BODY))
    assert response.status_code == 200
    assert urls.RECEIVED == [json.loads(BODY)]


@pytest.mark.parametrize(
    "case",
    ["wrong-secret", "tampered-body", "other-path", "no-signature"],
)
def test_forged_notification_gets_401(case):
    urls.RECEIVED.clear()
    body, headers = BODY, signed_headers(BODY)
    if case == "wrong-secret":
        headers = signed_headers(BODY, secret="SK-ATTACKER")
    elif case == "tampered-body":
        body = BODY.replace(b"150000", b"1")
    elif case == "other-path":
        headers = signed_headers(BODY, path="/elsewhere")
    else:
        del headers["HTTP_SIGNATURE"]
    response = DjangoClient().post("/payments/notifications", data=body, content_type="application/json", **headers)
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "invalid_signature"
    assert set(response.json()["error"]) == {"code", "reason"}, "a short reason only, no details"
    assert urls.RECEIVED == []


from doku_checkout.testing import sign_notification  # noqa: E402


def post(path, body=BODY, *, secret=SECRET, client_id="MCH-TEST-0001", signed_path=None, **kw):
    headers = sign_notification(secret_key=secret, client_id=client_id, body=body, notification_path=signed_path or path, **kw)
    # enforce_csrf_checks: the decorator alone must make the view CSRF-exempt (DOKU sends no token).
    return DjangoClient(enforce_csrf_checks=True).post(path, data=body, content_type="application/json", headers=headers)


def test_a_genuine_notification_whose_body_is_not_json_gets_400():
    urls.RECEIVED.clear()
    body = b"not json"
    response = DjangoClient().post("/payments/notifications", data=body, content_type="application/json", **signed_headers(body))
    assert response.status_code == 400
    assert response.json() == {"error": {"code": "invalid_request", "reason": "body_not_json"}}
    assert urls.RECEIVED == []


def test_bare_decorator_csrf_exempt_with_the_test_helper():
    urls.RECEIVED.clear()
    assert post("/payments/notifications").status_code == 200
    assert urls.RECEIVED == [json.loads(BODY)]


def test_only_post_is_allowed():
    response = DjangoClient().get("/payments/notifications")
    assert response.status_code == 405 and response["Allow"] == "POST"


def test_async_views_are_awaited():
    urls.RECEIVED.clear()
    assert post("/async/notifications").status_code == 200
    assert urls.RECEIVED == [json.loads(BODY)]
    assert post("/async/notifications", secret="SK-ATTACKER").status_code == 401


def test_one_secret_per_client_id():
    urls.RECEIVED.clear()
    assert post("/tenants/notifications", secret="SK-TENANT-A-0123", client_id="MCH-A").status_code == 200
    assert post("/tenants/notifications", secret="SK-TENANT-B-0123", client_id="MCH-B").status_code == 200
    crossed = post("/tenants/notifications", secret="SK-TENANT-A-0123", client_id="MCH-B")
    assert crossed.status_code == 401
    unknown = post("/tenants/notifications", secret="SK-TENANT-A-0123", client_id="MCH-Z")
    assert unknown.status_code == 401 and unknown.json()["error"]["reason"] == "unknown_client_id"
    assert len(urls.RECEIVED) == 2


def test_notification_path_and_tolerance_options():
    # Behind a proxy DOKU calls /public/doku, which Django sees as /internal/doku.
    assert post("/internal/doku", signed_path="/public/doku").status_code == 200
    assert post("/internal/doku").status_code == 401
    old = __import__("datetime").datetime.now(__import__("datetime").timezone.utc) - __import__("datetime").timedelta(minutes=10)
    stale = post("/internal/doku", signed_path="/public/doku", timestamp=old)
    assert stale.status_code == 401 and stale.json()["error"]["reason"] == "timestamp_out_of_tolerance"


def test_replays_are_refused_by_default():
    old = __import__("datetime").datetime(2020, 8, 11, 8, 45, 42, tzinfo=__import__("datetime").timezone.utc)
    response = post("/payments/notifications", timestamp=old)
    assert response.status_code == 401 and response.json()["error"]["reason"] == "timestamp_out_of_tolerance"


@pytest.mark.parametrize("secret", [None, "", "   "])
def test_a_missing_secret_is_improperly_configured_and_the_system_check_says_so(secret):
    from django.core.checks import run_checks
    from django.core.exceptions import ImproperlyConfigured

    with override_settings(DOKU_SECRET_KEY=secret):
        with pytest.raises(ImproperlyConfigured):
            post("/payments/notifications")
        assert [m.id for m in run_checks()] == ["doku_checkout.E001"]
    assert run_checks() == []


def test_the_emulator_delivers_a_notification_to_a_live_server():
    """The emulator signs and sends like DOKU; the verification helper accepts it."""
    import http.server
    import threading

    from doku_checkout.testing import MockServer

    seen = {}

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_POST(self):
            raw = self.rfile.read(int(self.headers["Content-Length"]))
            try:
                seen["body"] = dc.verify_notification(secret_key=SECRET, headers=dict(self.headers), body=raw, notification_path=self.path)
                self.send_response(200)
            except dc.SignatureVerificationError:
                self.send_response(401)
            self.end_headers()

        def log_message(self, *args):
            pass

    server = http.server.HTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        with MockServer() as doku:
            doku.add_order("INV-N1", original_request_id="r-1", payment_method="VIRTUAL_ACCOUNT_BCA")
            doku.mark_paid("INV-N1")
            status = doku.send_notification("INV-N1", f"http://127.0.0.1:{server.server_port}/payments/notifications")
        assert status == 200
        assert seen["body"]["transaction"]["status"] == "SUCCESS"
    finally:
        server.shutdown()


def test_the_doku_mock_fixture_signs_with_its_own_secret(doku_mock):
    headers = sign_notification(secret_key=doku_mock.secret_key, client_id=doku_mock.client_id, body=b"{}", notification_path="/n")
    assert dc.verify_notification(secret_key=doku_mock.secret_key, headers=headers, body=b"{}", notification_path="/n") == {}


def test_durable_needs_a_sync_view():
    from django.core.exceptions import ImproperlyConfigured

    from doku_checkout.contrib.django import doku_notification

    async def view(request):
        return None

    with pytest.raises(ImproperlyConfigured, match="needs a sync view"):
        doku_notification(durable=True)(view)
