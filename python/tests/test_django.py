"""A real Django test client posting a signed DOKU notification, then forged ones."""
import json
import os

import pytest

django = pytest.importorskip("django")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "djangoapp.settings")
django.setup()

from django.test import Client as DjangoClient  # noqa: E402

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
    assert urls.RECEIVED == []


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
