"""Test helpers: the DOKU emulator in-process, for your own test suite.

    from doku_checkout.testing import MockServer

    with MockServer(client_id="MCH-TEST", secret_key="SK-TEST") as doku:
        client = Client("MCH-TEST", "SK-TEST", base_url=doku.url)
        doku.add_order("INV-1", original_request_id="req-1")
        client.cancel_order(invoice_number="INV-1", original_request_id="req-1", note="test")

With pytest, the ``doku_mock`` fixture (registered automatically when the package is
installed) yields a fresh ``MockServer`` for each test.
"""
from __future__ import annotations

import json
from typing import Any, Dict, Iterator, List, Optional, Tuple, Union

import datetime as _dt

from ._native import NativeMockServer
from ._native import notification_body as _notification_body
from ._native import sign_notification as _sign_notification

__all__ = ["MockControlError", "MockServer", "doku_mock", "notification_body", "sign_notification"]

DEFAULT_CLIENT_ID = "MCH-TEST-0001"
DEFAULT_SECRET_KEY = "SK-TEST-0123456789"


def sign_notification(
    *,
    secret_key: str,
    client_id: str,
    body: Union[bytes, str],
    notification_path: str,
    request_id: Optional[str] = None,
    timestamp: Optional[Union[_dt.datetime, str]] = None,
) -> Dict[str, str]:
    """The headers DOKU would send with ``body`` to ``notification_path``, signed with
    ``secret_key``: pass them to Django's test client (``headers=``) or any HTTP client to
    test your notification endpoint. ``request_id`` defaults to a new UUID and ``timestamp``
    (an aware datetime or DOKU's text form) to now.
    """
    if isinstance(timestamp, _dt.datetime):
        from . import format_timestamp

        timestamp = format_timestamp(timestamp)
    pairs = _sign_notification(
        secret_key=secret_key, client_id=client_id, body=body, notification_path=notification_path,
        request_id=request_id, timestamp=timestamp,
    )
    return dict(pairs)


def notification_body(
    *,
    invoice_number: str,
    amount: int,
    original_request_id: str,
    channel: Optional[str] = None,
    status: str = "SUCCESS",
    timestamp: Optional[Union[_dt.datetime, str]] = None,
) -> str:
    """The JSON body DOKU sends about a payment on ``channel`` (``VIRTUAL_ACCOUNT_BCA`` when not
    given, ``ONLINE_TO_OFFLINE_ALFA``, ``CREDIT_CARD``, ``QRIS``...):
    ``service``, ``acquirer``, ``channel``, ``transaction``, ``order`` and the channel's own
    object, the same body the emulator sends. Sign it with :func:`sign_notification`.
    """
    if isinstance(amount, bool) or not isinstance(amount, int) or not 1 <= amount <= 999_999_999_999:
        from .errors import InvalidInputError

        raise InvalidInputError("amount is a whole number of rupiah, 1 to 999999999999", code="invalid_input", field="amount")
    if isinstance(timestamp, _dt.datetime):
        from . import format_timestamp

        timestamp = format_timestamp(timestamp)
    return _notification_body(
        invoice_number=invoice_number, amount=amount, original_request_id=original_request_id,
        channel=channel, status=status, timestamp=timestamp,
    )


class MockControlError(ValueError):
    """The emulator refused a control call (an unknown order, a state it cannot move from...)."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(f"{message} (HTTP {status})")
        self.status = status


class MockServer:
    """The DOKU Checkout emulator on a free 127.0.0.1 port.

    It checks headers and signatures like DOKU, keeps orders in memory, replays a repeated
    Request-Id with 409, and lets a test mark orders paid or expired, inject faults for the
    next requests, read the request log and send signed notifications.
    """

    def __init__(
        self,
        client_id: str = DEFAULT_CLIENT_ID,
        secret_key: str = DEFAULT_SECRET_KEY,
        *,
        port: int = 0,
        notification_url: Optional[str] = None,
    ) -> None:
        """``notification_url`` (loopback; a path means the emulator itself) receives a signed
        notification whenever an order is paid or a payment fails, retried like DOKU does."""
        self.client_id = client_id
        self.secret_key = secret_key
        self._native = NativeMockServer(client_id, secret_key, port, notification_url)
        self.url: str = self._native.url

    def __repr__(self) -> str:
        return f"MockServer(url={self.url!r}, client_id={self.client_id!r})"

    def __enter__(self) -> "MockServer":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    def close(self) -> None:
        """Stop the emulator."""
        self._native.close()

    def add_order(
        self,
        invoice_number: str,
        *,
        original_request_id: str,
        amount: int = 10000,
        payment_method: Optional[str] = None,
        state: str = "PENDING",
    ) -> None:
        """Add an order as if a checkout had been created with ``original_request_id``."""
        order = {
            "invoice_number": invoice_number,
            "original_request_id": original_request_id,
            "amount": amount,
            "payment_method": payment_method,
            "state": state,
        }
        self.setup(orders=[order])

    def setup(self, orders: List[Dict[str, Any]] = (), faults: List[Dict[str, Any]] = ()) -> None:
        """Add orders and queue faults given as dicts (the scenario file format)."""
        self._native.setup_json(json.dumps({"orders": list(orders), "faults": list(faults)}))

    def mark_paid(self, invoice_number: str) -> None:
        self._set_state(invoice_number, "PAID")

    def mark_expired(self, invoice_number: str) -> None:
        self._set_state(invoice_number, "EXPIRED")

    def _set_state(self, invoice_number: str, state: str) -> None:
        if not self._native.set_state(invoice_number, state):
            raise KeyError(f"the emulator has no order {invoice_number!r}")

    def order(self, invoice_number: str) -> Optional[Dict[str, Any]]:
        """The order as a dict (``state`` is PENDING, PAID, FAILED, EXPIRED, CANCELLED or REFUNDED), or None."""
        raw = self._native.order_json(invoice_number)
        return None if raw is None else json.loads(raw)

    def inject_fault(self, kind: str, *, count: int = 1, **params: Any) -> None:
        """Misbehave on the next ``count`` API requests.

        ``kind``: ``delay`` (ms=), ``delay_after`` (ms=; process, then answer late),
        ``reset_before``, ``reset_after``, ``status`` (status=, retry_after=),
        ``malformed_json``, ``bad_response_signature``.
        """
        self.setup(faults=[{"kind": kind, "count": count, **params}])

    def requests(self) -> List[Dict[str, Any]]:
        """Every API request received: method, path, request_id, headers, body,
        signature_valid, state_changed, status, fault."""
        return json.loads(self._native.log_json())

    def reset(self) -> None:
        self._native.reset()

    def send_notification(self, invoice_number: str, url: str) -> int:
        """POST a signed HTTP Notification for the order to a loopback ``url``; returns the status."""
        return self._native.send_notification(invoice_number, url)

    def control(self, method: str, path: str, body: Any = None) -> Tuple[int, Any]:
        """Any ``/_mock/`` control call (see the emulator's README): ``(status, answer)``."""
        text = None if body is None else json.dumps(body)
        status, answer = self._native.control(method, path, text)
        return status, json.loads(answer)

    def _ok(self, method: str, path: str, body: Any = None) -> Any:
        status, answer = self.control(method, path, body)
        if status >= 400:
            message = answer.get("message", [answer]) if isinstance(answer, dict) else [answer]
            raise MockControlError(status, "; ".join(str(m) for m in message))
        return answer

    def _order_path(self, invoice_number: str, action: str) -> str:
        from urllib.parse import quote

        return f"/_mock/orders/{quote(invoice_number, safe='')}/{action}"

    def pay(self, invoice_number: str, *, channel: Optional[str] = None) -> Dict[str, Any]:
        """The customer pays (on ``channel``, else the order's): notified automatically."""
        return self._ok("POST", self._order_path(invoice_number, "pay"), {"channel": channel} if channel else None)

    def fail(self, invoice_number: str, *, channel: Optional[str] = None) -> Dict[str, Any]:
        """A payment attempt fails (``FAILED``; the customer may still pay): notified automatically."""
        return self._ok("POST", self._order_path(invoice_number, "fail"), {"channel": channel} if channel else None)

    def refund(self, invoice_number: str) -> Dict[str, Any]:
        """A paid order is refunded (``REFUNDED``)."""
        return self._ok("POST", self._order_path(invoice_number, "refund"))

    def recover(self, invoice_number: str) -> Dict[str, Any]:
        """An expired order created with ``recover_abandoned_cart`` is open again (``ORDER_RECOVERED``)."""
        return self._ok("POST", self._order_path(invoice_number, "recover"))

    def set_notification_url(self, url: str) -> None:
        """Where paid and failed orders are notified (until :meth:`reset`)."""
        self._ok("POST", "/_mock/setup", {"notification_url": url})

    def clock(self) -> _dt.datetime:
        """The emulator's time (real time until a test moves it)."""
        return _dt.datetime.fromtimestamp(self._ok("GET", "/_mock/clock")["unix"], _dt.timezone.utc)

    def advance_clock(self, seconds: int) -> _dt.datetime:
        """Moves the emulator's time forward: orders expire, notification retries fall due."""
        return _dt.datetime.fromtimestamp(self._ok("POST", "/_mock/clock", {"advance_seconds": seconds})["unix"], _dt.timezone.utc)

    def set_clock(self, at: Union[_dt.datetime, str]) -> None:
        """Sets the emulator's time (an aware datetime or DOKU's text form)."""
        if isinstance(at, _dt.datetime):
            from . import format_timestamp

            at = format_timestamp(at)
        self._ok("POST", "/_mock/clock", {"set": at})

    def notifications(self, *, wait: bool = True) -> List[Dict[str, Any]]:
        """Every notification with its attempts (``after_seconds``, ``status``, ``headers``), its
        ``body`` and ``request_id``; with ``wait``, once no attempt is due or in flight."""
        if wait:
            return self._ok("POST", "/_mock/notifications/wait")
        return self._ok("GET", "/_mock/notifications")


try:  # the fixture exists only where pytest is installed
    import pytest

    @pytest.fixture
    def doku_mock() -> Iterator[MockServer]:
        """A fresh emulator per test, with the default test credentials."""
        with MockServer() as server:
            yield server
except ImportError:  # pragma: no cover
    pass
