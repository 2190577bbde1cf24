"""The same fields, under the same names, as every other language (tests/surface in make test)."""
import json

import doku_checkout as dc
from doku_checkout import _native

SURFACE = json.loads(_native._conformance("surface", "{}"))["ok"]


def public_fields(cls):
    return {name for name in dir(cls) if not name.startswith("_")}


def test_result_types_expose_exactly_the_core_fields():
    for cls in (dc.CancelOrderResult, dc.CreateCheckoutResult, dc.OrderStatusResult):
        assert public_fields(cls) == set(SURFACE[cls.__name__]), cls.__name__


def test_errors_expose_exactly_the_core_error_record():
    err = dc.OrderNotCancellableError("m", code="order_not_cancellable")
    assert {k for k in vars(err) if not k.startswith("_")} == set(SURFACE["ErrorDetails"])
    assert set(SURFACE["ErrorDetails"]) == {
        "code", "message", "http_status", "request_id", "retryable", "messages", "raw_body", "reason", "field"}


def test_the_old_names_still_work():
    assert dc.CancelResult is dc.CancelOrderResult and dc.StatusResult is dc.OrderStatusResult
    assert dc.CheckoutResult is dc.CreateCheckoutResult
