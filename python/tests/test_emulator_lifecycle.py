"""The emulator as a merchant's tests use it: automatic notifications to a real HTTP server in
this process, the clock, and channel-true bodies."""
import http.server
import json
import threading

import pytest

import doku_checkout as dc
from doku_checkout.testing import MockControlError, MockServer, notification_body, sign_notification

SECRET = "SK-LIFECYCLE-0123456789"


class Shop:
    """A merchant's notification endpoint: records raw requests, answers the scripted statuses."""

    def __init__(self, answers=()):
        self.received = []
        self.answers = list(answers)
        shop = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                # Header names exactly as sent, not as http.server normalises them.
                shop.received.append({"path": self.path, "headers": list(self.headers.raw_items()), "body": body})
                status = shop.answers.pop(0) if shop.answers else 200
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/payments/notifications"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def shop():
    s = Shop()
    yield s
    s.close()


def test_a_paid_order_is_notified_to_the_shop_with_dokus_header_names(shop):
    with MockServer(secret_key=SECRET, notification_url=shop.url) as doku:
        doku.add_order("INV-PY-1", original_request_id="create-1", payment_method="ONLINE_TO_OFFLINE_ALFA", amount=25000)
        doku.pay("INV-PY-1")
        [delivery] = doku.notifications()
        assert delivery["delivered"] and [a["status"] for a in delivery["attempts"]] == [200]
        [got] = shop.received
        names = [name for name, _ in got["headers"]]
        for name in ("Client-Id", "Request-Id", "Request-Timestamp", "Signature"):
            assert name in names, names
        body = dc.verify_notification(secret_key=SECRET, headers=dict(got["headers"]), body=got["body"], notification_path="/payments/notifications")
        assert body["service"]["id"] == "ONLINE_TO_OFFLINE" and body["acquirer"]["id"] == "ALFA"
        assert body["online_to_offline_info"]["payment_code"]
        assert body["transaction"]["original_request_id"] == "create-1" and body["order"]["amount"] == 25000
        status = dc.Client(doku.client_id, SECRET, base_url=doku.url).order_status("INV-PY-1")
        assert (status.status, json.loads(status.raw_body)["channel"]["id"]) == ("SUCCESS", "ONLINE_TO_OFFLINE_ALFA")


def test_retries_follow_the_clock_with_one_request_id_then_stop():
    shop = Shop(answers=[503, 500, 200])
    try:
        with MockServer(secret_key=SECRET, notification_url=shop.url) as doku:
            doku.add_order("INV-PY-2", original_request_id="create-2")
            doku.pay("INV-PY-2")
            assert [a["status"] for a in doku.notifications()[0]["attempts"]] == [503]
            doku.advance_clock(1800)
            assert [a["status"] for a in doku.notifications()[0]["attempts"]] == [503, 500]
            doku.advance_clock(6 * 3600)
            [delivery] = doku.notifications()
            assert [a["after_seconds"] for a in delivery["attempts"]] == [0, 1800, 21600]
            assert delivery["delivered"] and delivery["next_attempt_at"] is None
            doku.advance_clock(86400)
            assert len(doku.notifications()[0]["attempts"]) == 3
            ids = {dict(r["headers"])["Request-Id"] for r in shop.received}
            assert len(shop.received) == 3 and len(ids) == 1, "one notification, one Request-Id"
    finally:
        shop.close()


def test_the_clock_expires_orders_and_bad_controls_are_typed():
    with MockServer(secret_key=SECRET) as doku:
        client = dc.Client(doku.client_id, SECRET, base_url=doku.url)
        created = client.create_checkout(invoice_number="INV-PY-3", amount=10000, payment_due_minutes=5)
        doku.advance_clock(301)
        status = client.order_status("INV-PY-3")
        assert (status.status, status.order_status) == ("EXPIRED", "ORDER_EXPIRED")
        assert doku.notifications() == []
        with pytest.raises(MockControlError) as info:
            doku.pay("INV-PY-3")
        assert info.value.status == 409
        with pytest.raises(MockControlError):
            doku.advance_clock(-5)
        with pytest.raises(MockControlError):
            doku.pay("INV-NONE")
        assert created.request_id


def test_a_notification_body_for_your_own_endpoint_tests():
    body = notification_body(invoice_number="INV-9", amount=150000, original_request_id="r-9", channel="VIRTUAL_ACCOUNT_BANK_MANDIRI")
    parsed = json.loads(body)
    assert (parsed["service"]["id"], parsed["acquirer"]["id"]) == ("VIRTUAL_ACCOUNT", "BANK_MANDIRI")
    assert parsed["virtual_account_payment"]["identifier"]
    headers = sign_notification(secret_key=SECRET, client_id="MCH-1", body=body, notification_path="/n")
    assert dc.verify_notification(secret_key=SECRET, headers=headers, body=body.encode(), notification_path="/n") == parsed
    with pytest.raises(dc.InvalidInputError) as info:
        notification_body(invoice_number="INV-9", amount=0, original_request_id="r")
    assert info.value.field == "amount"


def test_the_emulator_accepts_dokus_plugin_forms_and_refuses_a_fraction():
    with MockServer(secret_key=SECRET) as doku:
        def create(body):
            raw = json.dumps(body).encode()
            ts = dc.format_timestamp(doku.clock())
            rid = dc.new_request_id()
            sig = dc.sign_request(client_id=doku.client_id, secret_key=SECRET, request_id=rid, timestamp=ts, request_target="/checkout/v1/payment", body=raw)
            import urllib.error
            import urllib.request

            req = urllib.request.Request(doku.url + "/checkout/v1/payment", data=raw, method="POST", headers={
                "Client-Id": doku.client_id, "Request-Id": rid, "Request-Timestamp": ts, "Signature": sig, "Content-Type": "application/json"})
            try:
                with urllib.request.urlopen(req) as r:
                    return r.status, json.loads(r.read())
            except urllib.error.HTTPError as e:
                return e.code, json.loads(e.read())

        woo = {"order": {"amount": "150000.00", "invoice_number": "WC-1", "line_items": [{"name": "Kaos", "price": "75000.00", "quantity": 2}]},
               "payment": {"payment_due_date": "60"}}
        assert create(woo)[0] == 200
        assert create({"order": {"amount": "150000.50", "invoice_number": "WC-2"}}) == (400, {"message": ["INVALID PARAMETER: order.amount"]})
