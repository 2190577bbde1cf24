"""DOKU Checkout for Python: cancel unpaid orders, create checkouts, check status, and
verify DOKU's HTTP Notifications. Signing and all protocol logic run in a Rust core.

>>> from doku_checkout import Client
>>> client = Client("BRN-...", "SK-...", environment="sandbox")      # doctest: +SKIP
>>> client.cancel_order(invoice_number="INV-1", original_request_id="...", note="changed")  # doctest: +SKIP
"""
from __future__ import annotations

import datetime as _dt
import json as _json
import math as _math
from typing import Any, Mapping, Optional, Union

from . import _native
from ._native import (
    AsyncClient,
    CancelOrderResult,
    Client,
    CreateCheckoutResult,
    OrderStatusResult,
    cancel_support,
    compute_digest,
    lifecycle_transition,
    new_request_id,
    order_lifecycle,
    sign_request,
    signing_string,
    verify_response,
)
from .errors import (
    ERROR_CLASSES,
    AuthenticationError,
    ConfigurationError,
    DokuError,
    DuplicateRequestError,
    InvalidInputError,
    InvalidRequestError,
    InvalidResponseError,
    NetworkError,
    OrderNotCancellableError,
    OrderNotFoundError,
    RateLimitError,
    RequestTimeoutError,
    ServerError,
    SignatureVerificationError,
)
from .notification import DokuNotification

__version__ = _native.__version__

# The names of 0.1 (the core's names are the same in every language now).
CancelResult = CancelOrderResult
CheckoutResult = CreateCheckoutResult
StatusResult = OrderStatusResult

__all__ = [
    "AsyncClient",
    "CancelOrderResult",
    "CancelResult",
    "CheckoutResult",
    "Client",
    "CreateCheckoutResult",
    "OrderStatusResult",
    "StatusResult",
    "cancel_support",
    "lifecycle_transition",
    "order_lifecycle",
    "compute_digest",
    "format_timestamp",
    "new_request_id",
    "sign_request",
    "signing_string",
    "verify_notification",
    "verify_response",
    "DokuNotification",
    # errors (doku_checkout.errors), written out: mypy --strict reads no `__all__ +=` form here
    "DokuError",
    "InvalidInputError",
    "AuthenticationError",
    "OrderNotFoundError",
    "OrderNotCancellableError",
    "InvalidRequestError",
    "DuplicateRequestError",
    "RateLimitError",
    "ServerError",
    "NetworkError",
    "RequestTimeoutError",
    "InvalidResponseError",
    "SignatureVerificationError",
    "ConfigurationError",
    "ERROR_CLASSES",
]

Body = Union[bytes, bytearray, str]


def _unix(value: Union[_dt.datetime, int, float], what: str) -> int:
    if isinstance(value, _dt.datetime):
        if value.tzinfo is None or value.utcoffset() is None:
            raise InvalidInputError(
                f"{what} is a naive datetime; pass an aware one (e.g. datetime.now(timezone.utc)) so it is not misread as UTC",
                code="invalid_input",
                field="timestamp",
            )
        return _math.floor(value.timestamp())
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, float) and _math.isfinite(value):
        return _math.floor(value)
    raise InvalidInputError(f"{what} must be a datetime or a Unix time", code="invalid_input", field="timestamp")


def format_timestamp(when: _dt.datetime) -> str:
    """An aware datetime as DOKU's ``Request-Timestamp`` (UTC, ``YYYY-MM-DDTHH:MM:SSZ``).

    Aware datetimes in any zone (e.g. WIB, UTC+7) are converted to UTC; naive ones are
    refused because their zone is unknown.
    """
    if not isinstance(when, _dt.datetime):
        raise InvalidInputError("format_timestamp needs a datetime", code="invalid_input", field="timestamp")
    return _native.format_unix_timestamp(_unix(when, "the datetime"))


def verify_notification(
    *,
    secret_key: str,
    headers: Mapping[str, Any],
    body: Body,
    notification_path: str,
    tolerance: Optional[Union[int, float, _dt.timedelta]] = None,
    now: Optional[Union[_dt.datetime, int, float]] = None,
) -> DokuNotification:
    """Verify a DOKU HTTP Notification and return its JSON body (a ``DokuNotification``).

    ``headers`` may be any mapping, including Django's ``request.headers`` or
    ``request.META``; ``body`` must be the raw bytes received (``request.body``), never
    re-serialised JSON. ``tolerance`` (seconds, or a ``timedelta``) is the replay window in
    either direction: 24 hours by default, twice DOKU's last retry (12 hours after the first
    attempt, with the original timestamp).
    Raises ``SignatureVerificationError`` (see its ``reason``) when it does not verify.
    """
    if isinstance(body, (dict, list)):
        raise InvalidInputError(
            "the body must be the raw bytes received (request.body), not parsed JSON",
            code="invalid_input",
            field="body",
        )
    if isinstance(tolerance, _dt.timedelta):
        tolerance = tolerance.total_seconds()
    bad = isinstance(tolerance, bool) or not isinstance(tolerance, (int, float, type(None)))
    if bad or (tolerance is not None and not (_math.isfinite(tolerance) and tolerance >= 0)):
        raise InvalidInputError("tolerance must be zero or more seconds", code="invalid_input", field="tolerance")
    tol = None if tolerance is None else int(tolerance)
    when = None if now is None else _unix(now, "now")
    _native.verify_notification_raw(
        secret_key=secret_key, headers=headers, body=body, notification_path=notification_path, tolerance=tol, now=when
    )
    parsed: DokuNotification = _json.loads(body)
    return parsed
