#!/usr/bin/env python3
"""Writes tests/scenarios/*.json: cross-language end-to-end cases run against the emulator.

Kept as a generator so the files stay consistent; the JSON files are the source of truth
that every language's runner reads. Run: python3 tests/scenarios/generate.py
"""
import json
import pathlib

HERE = pathlib.Path(__file__).parent
FAST = {"max_retries": 2, "timeout_ms": 2000, "initial_backoff_ms": 10, "max_backoff_ms": 50}


def order(inv, rid=None, method="VIRTUAL_ACCOUNT_BCA", state="PENDING", amount=150000):
    return {"invoice_number": inv, "original_request_id": rid or f"orig-{inv}", "payment_method": method, "state": state, "amount": amount}


def cancel(inv, rid=None, note="Customer changed order", request_id=None):
    args = {"invoice_number": inv, "original_request_id": rid or f"orig-{inv}", "note": note}
    if request_id:
        args["request_id"] = request_id
    return {"op": "cancel_order", "args": args}


def scenario(sid, comment, steps, orders=(), faults=(), client=None, wire=None, final=None):
    return {"id": sid, "comment": comment, "client": {**FAST, **(client or {})}, "setup": {"orders": list(orders), "faults": list(faults)},
            "steps": steps, "wire": wire or {}, "final_states": final or {}}


def ok(**fields):
    return {"result": fields}


def err(code, **fields):
    return {"error": {"code": code, **fields}}


def write(name, description, scenarios):
    doc = {"schema": "doku-checkout-scenarios/1", "description": description, "client_id": "MCH-SCENARIO-0001",
           "secret_key": "SK-SCENARIO-0123456789", "number_of_scenarios": len(scenarios), "scenarios": scenarios}
    (HERE / name).write_text(json.dumps(doc, indent=2, ensure_ascii=False) + "\n")
    return len(scenarios)


cancel_cases = [
    scenario("cancel-success", "An unpaid VA order is cancelled", [{"call": cancel("INV-S1"), "expect": ok(http_status=200, replayed=False, order_status="CANCELLED", messages=["SUCCESS"])}],
             orders=[order("INV-S1")], wire={"requests": 1, "state_changes": 1, "all_signatures_valid": True}, final={"INV-S1": "CANCELLED"}),
    scenario("cancel-qris", "QRIS is cancellable", [{"call": cancel("INV-Q1"), "expect": ok(order_status="CANCELLED")}], orders=[order("INV-Q1", method="QRIS")], final={"INV-Q1": "CANCELLED"}),
    scenario("replayed-409", "The same cancel sent twice with one Request-Id: DOKU replays 409, the client reports a replayed success",
             [{"call": cancel("INV-R1", request_id="rid-replay-1"), "expect": ok(http_status=200, replayed=False)},
              {"call": cancel("INV-R1", request_id="rid-replay-1"), "expect": ok(http_status=409, replayed=True, request_id="rid-replay-1")}],
             orders=[order("INV-R1")], wire={"requests": 2, "same_request_id": True, "state_changes": 1}, final={"INV-R1": "CANCELLED"}),
    scenario("already-paid", "A paid order cannot be cancelled", [{"call": cancel("INV-P1"), "expect": err("order_not_cancellable", http_status=400, retryable=False, messages=["ORDER ALREADY PAID"])}],
             orders=[order("INV-P1", state="PAID")], wire={"requests": 1, "state_changes": 0}, final={"INV-P1": "PAID"}),
    scenario("expired", "An expired order cannot be cancelled", [{"call": cancel("INV-E1"), "expect": err("order_not_cancellable", messages=["ORDER ALREADY EXPIRED"])}],
             orders=[order("INV-E1", state="EXPIRED")], final={"INV-E1": "EXPIRED"}),
    scenario("already-cancelled", "A second cancel with a new Request-Id is refused", [{"call": cancel("INV-C1"), "expect": ok()}, {"call": cancel("INV-C1"), "expect": err("order_not_cancellable", messages=["ORDER ALREADY CANCELLED"])}],
             orders=[order("INV-C1")], wire={"requests": 2, "state_changes": 1}),
    scenario("card-channel", "Card payments cannot be cancelled", [{"call": cancel("INV-CC1"), "expect": err("order_not_cancellable", messages=["PAYMENT CHANNEL NOT SUPPORTED FOR CANCELLATION"])}],
             orders=[order("INV-CC1", method="CREDIT_CARD")], final={"INV-CC1": "PENDING"}),
    scenario("ewallet-channel", "E-wallet payments cannot be cancelled", [{"call": cancel("INV-EW1"), "expect": err("order_not_cancellable")}], orders=[order("INV-EW1", method="EMONEY_OVO")]),
    scenario("unknown-invoice", "404 for an invoice DOKU does not know", [{"call": cancel("INV-NOPE"), "expect": err("order_not_found", http_status=404, retryable=False)}]),
    scenario("wrong-original-request-id", "The original_request_id must be the create call's Request-Id", [{"call": cancel("INV-W1", rid="not-the-right-one"), "expect": err("invalid_request", http_status=400)}],
             orders=[order("INV-W1")], final={"INV-W1": "PENDING"}),
    scenario("duplicate-request-other-body", "A Request-Id re-used for a different cancel", [{"call": cancel("INV-D1", request_id="rid-dup-1"), "expect": ok()}, {"call": cancel("INV-D2", request_id="rid-dup-1"), "expect": err("duplicate_request", http_status=409)}],
             orders=[order("INV-D1"), order("INV-D2")], final={"INV-D1": "CANCELLED", "INV-D2": "PENDING"}),
    scenario("wrong-secret", "A wrong secret key: 401, nothing changes", [{"call": cancel("INV-A1"), "expect": err("authentication_failed", http_status=401, retryable=False)}],
             orders=[order("INV-A1")], client={"secret_key": "SK-WRONG-0000"}, wire={"requests": 1, "state_changes": 0, "all_signatures_valid": False}, final={"INV-A1": "PENDING"}),
    scenario("wrong-client-id", "A Client ID the emulator does not know", [{"call": cancel("INV-A2"), "expect": err("authentication_failed")}], orders=[order("INV-A2")], client={"client_id": "MCH-OTHER-9999"}),
    scenario("response-signature-verified", "Opt-in response signature verification accepts the emulator's signed answers",
             [{"call": cancel("INV-V1"), "expect": ok(order_status="CANCELLED")}], orders=[order("INV-V1")], client={"verify_response_signatures": True}),
    scenario("response-signature-forged", "Opt-in verification refuses a forged response signature", [{"call": cancel("INV-V2"), "expect": err("invalid_signature")}],
             orders=[order("INV-V2")], faults=[{"kind": "bad_response_signature", "count": 1}], client={"verify_response_signatures": True}),
]

resilience_cases = [
    scenario("retry-after-503", "Two 503s, then success: three attempts with one Request-Id", [{"call": cancel("INV-RT1"), "expect": ok(order_status="CANCELLED")}],
             orders=[order("INV-RT1")], faults=[{"kind": "status", "status": 503, "count": 2}], wire={"requests": 3, "same_request_id": True, "state_changes": 1}, final={"INV-RT1": "CANCELLED"}),
    scenario("retry-after-reset-before", "Connection reset before processing, then success", [{"call": cancel("INV-RT2"), "expect": ok(replayed=False)}],
             orders=[order("INV-RT2")], faults=[{"kind": "reset_before", "count": 1}], wire={"requests": 2, "same_request_id": True, "state_changes": 1}),
    scenario("retry-after-reset-after", "Reset after DOKU processed the cancel: the retry gets the 409 replay, reported as a replayed success", [{"call": cancel("INV-RT3"), "expect": ok(replayed=True, http_status=409)}],
             orders=[order("INV-RT3")], faults=[{"kind": "reset_after", "count": 1}], wire={"requests": 2, "same_request_id": True, "state_changes": 1}, final={"INV-RT3": "CANCELLED"}),
    scenario("retry-429-retry-after", "429 with Retry-After 0, then success", [{"call": cancel("INV-RT4"), "expect": ok()}],
             orders=[order("INV-RT4")], faults=[{"kind": "status", "status": 429, "retry_after": 0, "count": 1}], wire={"requests": 2, "same_request_id": True}),
    scenario("retry-502", "502 from a proxy, then success", [{"call": cancel("INV-RT5"), "expect": ok()}], orders=[order("INV-RT5")], faults=[{"kind": "status", "status": 502, "count": 1}], wire={"requests": 2, "same_request_id": True}),
    scenario("server-error-exhausted", "503 on every attempt: server_error after 1 + max_retries attempts", [{"call": cancel("INV-X1"), "expect": err("server_error", http_status=503, retryable=True)}],
             orders=[order("INV-X1")], faults=[{"kind": "status", "status": 503, "count": 3}], wire={"requests": 3, "same_request_id": True, "state_changes": 0}, final={"INV-X1": "PENDING"}),
    scenario("rate-limited-exhausted", "429 on every attempt", [{"call": cancel("INV-X2"), "expect": err("rate_limited", http_status=429, retryable=True)}],
             orders=[order("INV-X2")], faults=[{"kind": "status", "status": 429, "retry_after": 0, "count": 3}], wire={"requests": 3, "same_request_id": True}),
    scenario("reset-exhausted", "Resets on every attempt: network_error, retryable, nothing changed", [{"call": cancel("INV-X3"), "expect": err("network_error", retryable=True)}],
             orders=[order("INV-X3")], faults=[{"kind": "reset_before", "count": 3}], wire={"requests": 3, "same_request_id": True, "state_changes": 0}, final={"INV-X3": "PENDING"}),
    scenario("connection-refused", "Nothing listens: network_error without any request reaching the emulator", [{"call": cancel("INV-X4"), "expect": err("network_error", retryable=True)}],
             orders=[order("INV-X4")], client={"base_url": "http://127.0.0.1:1", "max_retries": 1}, wire={"requests": 0}),
    scenario("timeout-then-settle", "DOKU processed the cancel but answered too late: timeout (outcome unknown); calling again with the same Request-Id settles it as a replayed success",
             [{"call": cancel("INV-T1", request_id="rid-timeout-1"), "expect": err("timeout", retryable=True, request_id="rid-timeout-1")},
              {"call": cancel("INV-T1", request_id="rid-timeout-1"), "expect": ok(replayed=True, request_id="rid-timeout-1")}],
             orders=[order("INV-T1")], faults=[{"kind": "delay_after", "ms": 1500, "count": 1}], client={"max_retries": 0, "timeout_ms": 300},
             wire={"requests": 2, "same_request_id": True, "state_changes": 1}, final={"INV-T1": "CANCELLED"}),
    scenario("timeout-retried-in-call", "A timeout after processing, retried inside the same call: the retry's 409 replay settles it", [{"call": cancel("INV-T2"), "expect": ok(replayed=True)}],
             orders=[order("INV-T2")], faults=[{"kind": "delay_after", "ms": 1500, "count": 1}], client={"max_retries": 1, "timeout_ms": 300},
             wire={"requests": 2, "same_request_id": True, "state_changes": 1}),
    scenario("malformed-json", "200 with a body that is not JSON: invalid_response", [{"call": cancel("INV-M1"), "expect": err("invalid_response", http_status=200)}],
             orders=[order("INV-M1")], faults=[{"kind": "malformed_json", "count": 1}], wire={"requests": 1}),
]

validation_cases = [
    scenario(f"invalid-{name}", f"Invalid {field}: refused before anything is sent", [{"call": call, "expect": err("invalid_input", field=field, retryable=False)}], orders=[order("INV-V")], wire={"requests": 0})
    for name, field, call in [
        ("empty-invoice", "invoice_number", cancel("")),
        ("long-invoice", "invoice_number", cancel("I" * 65)),
        ("empty-original", "original_request_id", {"op": "cancel_order", "args": {"invoice_number": "INV-V", "original_request_id": "", "note": "n"}}),
        ("long-original", "original_request_id", {"op": "cancel_order", "args": {"invoice_number": "INV-V", "original_request_id": "r" * 129, "note": "n"}}),
        ("empty-note", "note", cancel("INV-V", note="")),
        ("long-note", "note", cancel("INV-V", note="n" * 256)),
        ("control-note", "note", cancel("INV-V", note="line\u0000break")),
        ("request-id-crlf", "request_id", cancel("INV-V", request_id="rid\r\nX-Evil: 1")),
        ("request-id-129", "request_id", cancel("INV-V", request_id="r" * 129)),
        ("status-empty", "invoice_number", {"op": "order_status", "args": {"invoice_number": ""}}),
        ("create-zero-amount", "amount", {"op": "create_checkout", "args": {"invoice_number": "INV-Z", "amount": 0}}),
    ]
] + [
    scenario("config-http-remote", "http for a non-loopback host is refused when the client is built", [{"call": cancel("INV-V"), "expect": err("config_error")}],
             client={"base_url": "http://api.doku.com"}, wire={"requests": 0}),
]

flow_cases = [
    scenario("create-then-cancel", "Create a checkout, keep its Request-Id, cancel with it, see CANCELLED in the status",
             [{"call": {"op": "create_checkout", "args": {"invoice_number": "INV-F1", "amount": 150000, "payment_method_types": ["VIRTUAL_ACCOUNT_BCA"], "payment_due_minutes": 60}},
               "expect": ok(http_status=200, has_payment_url=True, has_expiry=True)},
              {"call": {"op": "cancel_order", "args": {"invoice_number": "INV-F1", "original_request_id": {"from_step": 0, "field": "request_id"}, "note": "changed"}}, "expect": ok(order_status="CANCELLED")},
              {"call": {"op": "order_status", "args": {"invoice_number": "INV-F1"}}, "expect": ok(status="CANCELLED", http_status=200)}],
             wire={"requests": 3, "state_changes": 2, "all_signatures_valid": True}, final={"INV-F1": "CANCELLED"}),
    scenario("status-pending", "A new order is PENDING", [{"call": {"op": "order_status", "args": {"invoice_number": "INV-F2"}}, "expect": ok(status="PENDING")}], orders=[order("INV-F2")]),
    scenario("status-encoded-invoice", "Invoice numbers with spaces and slashes are percent-encoded and signed as sent",
             [{"call": {"op": "order_status", "args": {"invoice_number": "INV 7/8"}}, "expect": ok(status="PENDING")}], orders=[order("INV 7/8")],
             wire={"requests": 1, "all_signatures_valid": True, "paths": ["/orders/v1/status/INV%207%2F8"]}),
    scenario("status-unknown", "Status of an unknown invoice", [{"call": {"op": "order_status", "args": {"invoice_number": "INV-NONE"}}, "expect": err("order_not_found", http_status=404)}]),
    scenario("create-amount-mismatch", "Line items that do not add up are refused before sending",
             [{"call": {"op": "create_checkout", "args": {"invoice_number": "INV-F3", "amount": 100, "line_items": [{"name": "A", "price": 30, "quantity": 3}]}}, "expect": err("invalid_input", field="line_items")}], wire={"requests": 0}),
    scenario("create-duplicate-invoice", "DOKU refuses a second checkout with the same invoice number",
             [{"call": {"op": "create_checkout", "args": {"invoice_number": "INV-F4", "amount": 1000}}, "expect": ok()},
              {"call": {"op": "create_checkout", "args": {"invoice_number": "INV-F4", "amount": 1000}}, "expect": err("invalid_request", http_status=400)}]),
]

def control(method, path, body=None, status=200):
    step = {"control": {"method": method, "path": path}, "expect": {"status": status}}
    if body is not None:
        step["control"]["body"] = body
    return step


def notify_to(path):
    return control("POST", "/_mock/setup", {"notification_url": path})


def advance(seconds):
    return control("POST", "/_mock/clock", {"advance_seconds": seconds})


def notifications(*expected):
    return {"notifications": list(expected)}


DOKU_HEADERS = ["Client-Id", "Request-Id", "Request-Timestamp", "Signature"]


def delivery(inv, status, attempts, path, verified, delivered=True, given_up=False):
    return {"invoice_number": inv, "transaction_status": status, "path": path, "delivered": delivered, "given_up": given_up,
            "attempts": [{"after_seconds": a, "status": st} for a, st in attempts], "header_names": DOKU_HEADERS, "verified": verified}


def status_call(inv):
    return {"op": "order_status", "args": {"invoice_number": inv}}


SINK_OK = "/_mock/sink/200/payments/notifications"
SINK_FAIL = "/_mock/sink/500/payments/notifications"
VA_BCA = {"service": {"id": "VIRTUAL_ACCOUNT"}, "acquirer": {"id": "BCA"}, "channel": {"id": "VIRTUAL_ACCOUNT_BCA"},
          "order": {"invoice_number": "INV-L1", "amount": 150000}, "transaction": {"status": "SUCCESS", "original_request_id": "orig-INV-L1"}}

lifecycle_cases = [
    scenario("va-payment-notified", "A VA order paid: DOKU's notification reaches the merchant within a second, with DOKU's header names and a body that verifies, naming service, acquirer and channel; the status API agrees",
             [notify_to(SINK_OK),
              control("POST", "/_mock/orders/INV-L1/pay"),
              notifications(delivery("INV-L1", "SUCCESS", [(0, 200)], SINK_OK, {**VA_BCA, "virtual_account_info": {}, "virtual_account_payment": {}})),
              {"call": status_call("INV-L1"), "expect": ok(status="SUCCESS", transaction_status="SUCCESS", order_status="ORDER_GENERATED")}],
             orders=[order("INV-L1")], final={"INV-L1": "PAID"}),
    scenario("failing-endpoint-retried", "An endpoint answering 500 is retried at +30 min, +6 h and +12 h on the emulator's clock, then given up; nothing is sent early or after",
             [notify_to(SINK_FAIL),
              control("POST", "/_mock/orders/INV-L2/pay"),
              notifications(delivery("INV-L2", "SUCCESS", [(0, 500)], SINK_FAIL, {"transaction": {"status": "SUCCESS"}}, delivered=False)),
              advance(1790),
              notifications(delivery("INV-L2", "SUCCESS", [(0, 500)], SINK_FAIL, {}, delivered=False)),
              advance(10),
              notifications(delivery("INV-L2", "SUCCESS", [(0, 500), (1800, 500)], SINK_FAIL, {}, delivered=False)),
              advance(21600 - 1800),
              notifications(delivery("INV-L2", "SUCCESS", [(0, 500), (1800, 500), (21600, 500)], SINK_FAIL, {}, delivered=False)),
              advance(43200 - 21600),
              notifications(delivery("INV-L2", "SUCCESS", [(0, 500), (1800, 500), (21600, 500), (43200, 500)], SINK_FAIL, {"transaction": {"status": "SUCCESS"}}, delivered=False, given_up=True)),
              advance(86400),
              notifications(delivery("INV-L2", "SUCCESS", [(0, 500), (1800, 500), (21600, 500), (43200, 500)], SINK_FAIL, {}, delivered=False, given_up=True))],
             orders=[order("INV-L2")], final={"INV-L2": "PAID"}),
    scenario("expiry-without-notification", "An unpaid checkout expires at its due date on the emulator's clock: EXPIRED and ORDER_EXPIRED, no notification, and it can no longer be cancelled",
             [notify_to(SINK_OK),
              {"call": {"op": "create_checkout", "args": {"invoice_number": "INV-L3", "amount": 20000, "payment_due_minutes": 30}}, "expect": ok(http_status=200, has_expiry=True)},
              advance(1790),
              {"call": status_call("INV-L3"), "expect": ok(status="PENDING", order_status="ORDER_GENERATED")},
              advance(10),
              {"call": status_call("INV-L3"), "expect": ok(status="EXPIRED", transaction_status="EXPIRED", order_status="ORDER_EXPIRED")},
              notifications(),
              {"call": {"op": "cancel_order", "args": {"invoice_number": "INV-L3", "original_request_id": {"from_step": 1, "field": "request_id"}, "note": "stale"}},
               "expect": err("order_not_cancellable", messages=["ORDER ALREADY EXPIRED"])}],
             final={"INV-L3": "EXPIRED"}),
    scenario("failed-card-payment", "A declined card payment is notified as FAILED with the card's decline; DOKU does not call FAILED final, so the customer pays again and that is notified too",
             [notify_to(SINK_OK),
              control("POST", "/_mock/orders/INV-L4/fail"),
              {"call": status_call("INV-L4"), "expect": ok(status="FAILED", transaction_status="FAILED")},
              control("POST", "/_mock/orders/INV-L4/pay"),
              notifications(
                  delivery("INV-L4", "FAILED", [(0, 200)], SINK_OK, {"service": {"id": "CREDIT_CARD"}, "channel": {"id": "CREDIT_CARD"},
                           "transaction": {"status": "FAILED", "type": "SALE"}, "card_payment": {"response_code": "05"}}),
                  delivery("INV-L4", "SUCCESS", [(0, 200)], SINK_OK, {"transaction": {"status": "SUCCESS"}, "card_payment": {"response_code": "00"}}))],
             orders=[order("INV-L4", method="CREDIT_CARD")], final={"INV-L4": "PAID"}),
    scenario("recovered-cart", "An expired order created with recover_abandoned_cart is recovered: open again, order.status ORDER_RECOVERED, and cancellable",
             [control("POST", "/_mock/orders/INV-L5/recover"),
              {"call": status_call("INV-L5"), "expect": ok(status="PENDING", order_status="ORDER_RECOVERED")},
              {"call": cancel("INV-L5"), "expect": ok(order_status="CANCELLED")}],
             orders=[{**order("INV-L5", state="EXPIRED"), "recover_abandoned_cart": True}], final={"INV-L5": "CANCELLED"}),
    scenario("recover-refused", "An order created without recover_abandoned_cart cannot be recovered",
             [control("POST", "/_mock/orders/INV-L6/recover", status=409)], orders=[order("INV-L6", state="EXPIRED")], final={"INV-L6": "EXPIRED"}),
    scenario("refund-after-payment", "A paid order refunded reads REFUNDED and is not cancellable",
             [control("POST", "/_mock/orders/INV-L7/pay", {"channel": "EMONEY_OVO"}),
              control("POST", "/_mock/orders/INV-L7/refund"),
              {"call": status_call("INV-L7"), "expect": ok(status="REFUNDED")},
              {"call": cancel("INV-L7"), "expect": err("order_not_cancellable")}],
             orders=[order("INV-L7", method=None)], final={"INV-L7": "REFUNDED"}),
]

def by_invoice(inv, note="Customer changed order", request_id=None):
    args = {"invoice_number": inv, "note": note}
    if request_id:
        args["request_id"] = request_id
    return {"op": "cancel_by_invoice", "args": args}


def status_path(inv):
    return f"/orders/v1/status/{inv}"


CANCEL_PATH = "/checkout/v3/cancellations"
by_invoice_cases = [
    scenario("by-invoice-pending", "Cancel with the invoice number alone: the status answer gives the checkout's Request-Id, the cancel quotes it",
             [{"call": by_invoice("INV-B1"), "expect": ok(http_status=200, replayed=False, order_status="CANCELLED")}],
             orders=[order("INV-B1")], wire={"requests": 2, "state_changes": 1, "all_signatures_valid": True, "paths": [status_path("INV-B1"), CANCEL_PATH],
                                             "cancel_original_request_ids": ["orig-INV-B1"]}, final={"INV-B1": "CANCELLED"}),
] + [
    scenario(f"by-invoice-{state.lower()}", f"A {state} order is refused from its status, without a cancel being sent",
             [{"call": by_invoice(f"INV-B{state}"), "expect": err("order_not_cancellable", reason=reason, retryable=False, http_status=None)}],
             orders=[order(f"INV-B{state}", state=state)], wire={"requests": 1, "state_changes": 0, "paths": [status_path(f"INV-B{state}")]}, final={f"INV-B{state}": state})
    for state, reason in [("PAID", "order_paid"), ("EXPIRED", "order_expired"), ("CANCELLED", "order_cancelled"), ("REFUNDED", "order_refunded")]
] + [
    scenario("by-invoice-retry-replays", "A retry under the first call's Request-Id finds the order cancelled and sends the cancel again: DOKU replays its success",
             [{"call": by_invoice("INV-B2", request_id="rid-by-invoice-2"), "expect": ok(replayed=False, request_id="rid-by-invoice-2")},
              {"call": by_invoice("INV-B2", request_id="rid-by-invoice-2"), "expect": ok(replayed=True, http_status=409, request_id="rid-by-invoice-2")}],
             orders=[order("INV-B2")], wire={"requests": 4, "state_changes": 1, "paths": [status_path("INV-B2"), CANCEL_PATH] * 2}, final={"INV-B2": "CANCELLED"}),
    scenario("by-invoice-unknown", "An invoice DOKU does not know: the status API's order_not_found, nothing cancelled",
             [{"call": by_invoice("INV-B-NONE"), "expect": err("order_not_found", http_status=404)}], wire={"requests": 1, "paths": [status_path("INV-B-NONE")]}),
    scenario("by-invoice-status-retried", "A 503 on the status check is retried; the cancel follows",
             [{"call": by_invoice("INV-B3"), "expect": ok(order_status="CANCELLED")}], orders=[order("INV-B3")], faults=[{"kind": "status", "status": 503, "count": 1}],
             wire={"requests": 3, "state_changes": 1, "paths": [status_path("INV-B3")] * 2 + [CANCEL_PATH]}, final={"INV-B3": "CANCELLED"}),
    scenario("by-invoice-card", "A card order is open, so the cancel is sent, and DOKU refuses the channel",
             [{"call": by_invoice("INV-B4"), "expect": err("order_not_cancellable", messages=["PAYMENT CHANNEL NOT SUPPORTED FOR CANCELLATION"], http_status=400)}],
             orders=[order("INV-B4", method="CREDIT_CARD")], wire={"requests": 2, "state_changes": 0}, final={"INV-B4": "PENDING"}),
] + [
    scenario(f"by-invoice-invalid-{name}", f"Invalid {field}: refused before the status check", [{"call": call, "expect": err("invalid_input", field=field, retryable=False)}],
             orders=[order("INV-BV")], wire={"requests": 0})
    for name, field, call in [("empty-invoice", "invoice_number", by_invoice("")), ("long-invoice", "invoice_number", by_invoice("I" * 65)),
                              ("empty-note", "note", by_invoice("INV-BV", note="")), ("long-note", "note", by_invoice("INV-BV", note="n" * 256)),
                              ("request-id-crlf", "request_id", by_invoice("INV-BV", request_id="rid\r\nX-Evil: 1"))]
]

total = (write("cancel.json", "Cancel Order outcomes: success, replay and every refusal.", cancel_cases)
         + write("resilience.json", "Retries, timeouts and resets: one Request-Id across attempts, asserted from the emulator's log.", resilience_cases)
         + write("validation.json", "Invalid input never reaches the network.", validation_cases)
         + write("flows.json", "Create, cancel and status together.", flow_cases)
         + write("lifecycle.json", "Payments, failures, refunds, expiry and recovered carts on the emulator's clock, with DOKU's notifications and retry schedule.", lifecycle_cases)
         + write("by_invoice.json", "Cancel by invoice number alone: the status check, the refusal of final orders without a cancel, and the replay of a retried call.", by_invoice_cases))
print(f"wrote {total} scenarios")
