"""The exception hierarchy: one class per stable code, with attributes, picklable."""
import json
import pickle

import pytest

import doku_checkout as dc
from doku_checkout import _native
from doku_checkout.testing import MockServer


def test_one_class_per_core_code():
    codes = json.loads(_native._conformance("error_codes", "{}"))["ok"]
    assert {c["code"]: c["class_name"] for c in codes} == {code: cls.__name__ for code, cls in dc.ERROR_CLASSES.items()}
    for cls in dc.ERROR_CLASSES.values():
        assert issubclass(cls, dc.DokuError)
    assert issubclass(dc.InvalidInputError, ValueError)


def test_invalid_input_is_a_value_error_with_a_field():
    with pytest.raises(ValueError) as info:
        dc.sign_request(client_id="MCH\r\n", secret_key="k", request_id="r", timestamp="2020-08-11T08:45:42Z", request_target="/x")
    assert isinstance(info.value, dc.InvalidInputError)
    assert info.value.field == "client_id" and info.value.retryable is False


def test_api_error_attributes_and_pickling():
    with MockServer() as doku:
        doku.add_order("INV-1", original_request_id="r-1", state="PAID")
        client = dc.Client(doku.client_id, "SK-TEST-0123456789", base_url=doku.url)
        with pytest.raises(dc.OrderNotCancellableError) as info:
            client.cancel_order(invoice_number="INV-1", original_request_id="r-1", note="n", request_id="rid-err-1")
    err = info.value
    assert (err.code, err.http_status, err.request_id, err.retryable) == ("order_not_cancellable", 400, "rid-err-1", False)
    assert err.messages == ["ORDER ALREADY PAID"]
    assert "ORDER ALREADY PAID" in err.raw_body
    assert "order_status" in str(err)  # the message says what to do
    again = pickle.loads(pickle.dumps(err))
    assert type(again) is dc.OrderNotCancellableError
    assert (again.code, again.http_status, again.request_id, again.messages, str(again)) == (err.code, err.http_status, err.request_id, err.messages, str(err))


def test_configuration_errors():
    with pytest.raises(dc.ConfigurationError):
        dc.Client("MCH-1", "SK-1", base_url="http://api.doku.com")
    with pytest.raises(dc.ConfigurationError):
        dc.Client("MCH-1", "SK-1", environment="staging")
    with pytest.raises(dc.ConfigurationError):
        dc.Client("MCH-1", "SK-1", timeout_ms=0)
    with pytest.raises(dc.ConfigurationError) as info:
        dc.Client("MCH-1", "SK-1", timeout=5)  # a misspelt option is refused, not ignored
    assert info.value.field == "options" and "timeout" in str(info.value)
    with pytest.raises(dc.ConfigurationError) as info:
        dc.Client("MCH-1", "SK-1", timeout_ms=2.5)  # never truncated
    assert info.value.field == "timeout_ms"
    with pytest.raises(dc.ConfigurationError) as info:
        dc.Client("MCH-1", "SK-SECRET-VALUE ")
    assert "SK-SECRET-VALUE" not in str(info.value)
