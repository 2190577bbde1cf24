"""Traces and logs of the library's own calls: OpenTelemetry spans under the caller's span (sync
and asyncio), HTTP client attributes per attempt, a WARNING per retry, and never a secret or a
body in any of it."""
import asyncio
import json
import logging
import os
import subprocess
import sys

import pytest
from opentelemetry import trace
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

import doku_checkout as dc
from doku_checkout.testing import MockServer

CLIENT_ID, SECRET = "MCH-OTEL-0001", "SK-OTEL-0123456789abcdef"
EXPORTER = InMemorySpanExporter()


@pytest.fixture(scope="module", autouse=True)
def tracer_provider():
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(EXPORTER))
    trace.set_tracer_provider(provider)  # once per process: later tests keep tracing, harmlessly
    yield provider


@pytest.fixture
def doku():
    with MockServer(client_id=CLIENT_ID, secret_key=SECRET) as server:
        EXPORTER.clear()
        yield server


def spans_named(prefix):
    return [s for s in EXPORTER.get_finished_spans() if s.name.startswith(prefix)]


def check_retried_cancel(parent, invoice):
    (call,) = spans_named("doku.cancel_order")
    assert call.parent is not None and call.parent.span_id == parent.get_span_context().span_id
    assert call.context.trace_id == parent.get_span_context().trace_id
    assert call.kind == trace.SpanKind.INTERNAL
    attempts = sorted((s for s in EXPORTER.get_finished_spans() if s.parent is not None and s.parent.span_id == call.context.span_id), key=lambda s: s.start_time)
    assert [s.name for s in attempts] == ["POST /checkout/v3/cancellations"] * 2
    first, second = (dict(s.attributes) for s in attempts)
    port = first["server.port"]
    assert first == {
        "http.request.method": "POST",
        "url.template": "/checkout/v3/cancellations",
        "server.address": "127.0.0.1",
        "server.port": port,
        "http.response.status_code": 503,
        "error.type": "server_error",
    }
    assert second == {
        "http.request.method": "POST",
        "url.template": "/checkout/v3/cancellations",
        "server.address": "127.0.0.1",
        "server.port": port,
        "http.request.resend_count": 1,
        "http.response.status_code": 200,
    }
    assert all(s.kind == trace.SpanKind.CLIENT for s in attempts)
    assert attempts[0].status.status_code == trace.StatusCode.ERROR and attempts[1].status.status_code == trace.StatusCode.UNSET
    assert attempts[0].end_time <= attempts[1].start_time and call.start_time <= attempts[0].start_time and attempts[1].end_time <= call.end_time
    assert dict(call.attributes) == {
        "doku.operation": "cancel_order",
        "doku.invoice_number": invoice,
        "doku.attempts": 2,
        "doku.request_id": f"rid-{invoice}",
        "doku.replayed": False,
    }
    assert [e.name for e in call.events] == ["doku.retry"]
    assert call.events[0].attributes["doku.reason"] == "HTTP 503"


def test_a_retried_cancel_is_one_call_span_with_two_attempt_spans_under_the_callers_span(doku, caplog):
    doku.add_order("INV-OT-1", original_request_id="co-1")
    doku.inject_fault("status", status=503)
    client = dc.Client(CLIENT_ID, SECRET, base_url=doku.url, initial_backoff_ms=5)
    tracer = trace.get_tracer("shop")
    with caplog.at_level(logging.WARNING, logger="doku_checkout"), tracer.start_as_current_span("checkout-view") as parent:
        client.cancel_order(invoice_number="INV-OT-1", original_request_id="co-1", note="n", request_id="rid-INV-OT-1")
    check_retried_cancel(parent, "INV-OT-1")
    (record,) = [r for r in caplog.records if r.name == "doku_checkout"]
    assert record.levelno == logging.WARNING
    assert "attempt 1 failed (HTTP 503)" in record.getMessage() and "rid-INV-OT-1" in record.getMessage()


def test_asyncio_calls_are_parented_to_the_span_current_in_their_task(doku):
    doku.add_order("INV-OT-2", original_request_id="co-2")
    doku.inject_fault("status", status=503)
    tracer = trace.get_tracer("shop")

    async def main():
        client = dc.AsyncClient(CLIENT_ID, SECRET, base_url=doku.url, initial_backoff_ms=5)
        with tracer.start_as_current_span("async-view") as parent:
            await client.cancel_order(invoice_number="INV-OT-2", original_request_id="co-2", note="n", request_id="rid-INV-OT-2")
        return parent

    parent = asyncio.run(main())
    check_retried_cancel(parent, "INV-OT-2")


def test_a_refused_cancel_records_its_error_type_and_a_status_check_its_template(doku):
    doku.add_order("INV-OT-3", original_request_id="co-3")
    doku.mark_paid("INV-OT-3")
    client = dc.Client(CLIENT_ID, SECRET, base_url=doku.url)
    with pytest.raises(dc.OrderNotCancellableError):
        client.cancel_by_invoice(invoice_number="INV-OT-3", note="n")
    (call,) = spans_named("doku.cancel_by_invoice")
    assert call.attributes["error.type"] == "order_not_cancellable"
    assert call.status.status_code == trace.StatusCode.ERROR
    (status_attempt,) = spans_named("GET ")
    assert status_attempt.name == "GET /orders/v1/status/{invoice_number}"
    assert status_attempt.attributes["http.response.status_code"] == 200
    assert "INV-OT-3" not in status_attempt.name


def test_no_span_event_or_attribute_holds_the_secret_a_signature_or_a_body(doku):
    doku.add_order("INV-OT-4", original_request_id="co-4")
    doku.inject_fault("status", status=503)
    client = dc.Client(CLIENT_ID, SECRET, base_url=doku.url, initial_backoff_ms=5)
    client.cancel_order(invoice_number="INV-OT-4", original_request_id="co-4", note="a private note", request_id="rid-OT-4")
    client.create_checkout(invoice_number="INV-OT-5", amount=10000)
    client.order_status("INV-OT-5")
    spans = EXPORTER.get_finished_spans()
    assert len(spans) == 7  # three call spans, four attempts
    text = json.dumps([[dict(s.attributes), [dict(e.attributes) for e in s.events], s.name] for s in spans], default=str)
    for forbidden in (SECRET, "HMACSHA256", "a private note", '"order"', "co-4"):
        assert forbidden not in text


def test_with_nothing_configured_no_trace_is_made_and_a_retry_still_reaches_the_log():
    script = """
import doku_checkout as dc, doku_checkout._observe as o
from doku_checkout.testing import MockServer
assert o.start("cancel_order", "X") is None
with MockServer(client_id="MCH-1", secret_key="SK-TEST-0123456789") as m:
    m.add_order("INV-1", original_request_id="co-1")
    m.inject_fault("status", status=503)
    c = dc.Client("MCH-1", "SK-TEST-0123456789", base_url=m.url, initial_backoff_ms=5)
    print(c.cancel_order(invoice_number="INV-1", original_request_id="co-1", note="n").order_status)
"""
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60, cwd=os.path.dirname(os.path.abspath(__file__)) + "/../..", env={**os.environ})
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "CANCELLED"
    assert "DOKU cancel_order for INV-1: attempt 1 failed (HTTP 503); retrying in" in out.stderr
    assert "SK-TEST" not in out.stderr
