"""Verify DOKU HTTP Notifications in Django views.

    from doku_checkout.contrib.django import doku_notification

    @doku_notification                          # settings.DOKU_SECRET_KEY, request.path
    def doku_webhook(request):
        if request.doku_notification.get("transaction", {}).get("status") == "SUCCESS":
            ...
        return HttpResponse(status=200)

The decorator makes the view CSRF-exempt (DOKU cannot send a token), answers 405 to anything
but POST, and 401 with a short JSON reason to a notification that does not verify, before
the view runs. It works on sync and async views.

With ``durable=True`` (sync views; the app in ``INSTALLED_APPS``, migrated) each notification's
effects happen once across every process: its Request-Id is inserted into
``DokuNotificationReceipt`` (a unique index) in the same database transaction as the view, the
order's ``DokuOrder`` state is moved forward by the core's lifecycle rule in it too, and a
notification already received answers 200 without running the view again. A view that answers
an error (or raises) rolls all of it back, so DOKU's retry runs it again. ``secret_key`` may be a string or a callable
taking the notification's Client-Id and returning that merchant's secret (or ``None`` for an
unknown Client-Id: 401). Class-based views and DRF call ``verify_request`` instead. Add
``"doku_checkout.contrib.django"`` to ``INSTALLED_APPS`` for a system check of the settings.
"""
from __future__ import annotations

import functools
import inspect
import json
from typing import Any, Callable, Optional, TypeVar, Union, overload

from ... import verify_notification
from ...errors import DokuError
from ...notification import DokuNotification

__all__ = ["DokuNotification", "SecretKey", "doku_notification", "verify_request"]

SecretKey = Union[str, Callable[[str], Optional[str]]]
View = TypeVar("View", bound=Callable[..., Any])


class _Unknown(Exception):
    """The secret lookup knows no such Client-Id."""


def _configured_secret() -> str:
    from django.core.exceptions import ImproperlyConfigured

    from . import conf

    secret = conf.secret_key()
    if secret is None:
        raise ImproperlyConfigured(
            "settings.DOKU_CHECKOUT['SECRET_KEY'] (or settings.DOKU_SECRET_KEY) is missing or empty: set it to your DOKU Secret Key, or pass secret_key="
        )
    return secret


def _secret_for(request: Any, secret_key: Optional[SecretKey]) -> str:
    if secret_key is None:
        return _configured_secret()
    if callable(secret_key):
        found = secret_key(request.headers.get("Client-Id", ""))
        if not found:
            raise _Unknown()
        return found
    if not secret_key.strip():
        from django.core.exceptions import ImproperlyConfigured

        raise ImproperlyConfigured("doku_notification(secret_key=...) is empty")
    return secret_key


def verify_request(
    request: Any,
    *,
    secret_key: Optional[SecretKey] = None,
    notification_path: Optional[str] = None,
    tolerance: Optional[float] = None,
) -> DokuNotification:
    """Verify a Django ``HttpRequest`` as a DOKU notification and return its JSON body.

    ``secret_key`` defaults to ``settings.DOKU_SECRET_KEY`` (or is a callable of the
    Client-Id); ``notification_path`` to ``request.path`` (set it when a proxy rewrites paths:
    it must be the path DOKU calls); ``tolerance`` is the replay window (default 24 h).
    Raises ``SignatureVerificationError`` when it does not verify.
    """
    try:
        secret = _secret_for(request, secret_key)
    except _Unknown:
        from ...errors import SignatureVerificationError

        raise SignatureVerificationError("unknown Client-Id", code="invalid_signature", reason="unknown_client_id") from None
    return verify_notification(  # type: ignore[return-value]
        secret_key=secret,
        headers=request.headers,
        body=request.body,
        notification_path=notification_path or request.path,
        tolerance=tolerance,
    )


def _refusal(request: Any, secret_key: Optional[SecretKey], notification_path: Optional[str], tolerance: Optional[float]) -> Any:
    """The response that stops a request before the view, or None after setting the body."""
    from django.http import HttpResponse, HttpResponseNotAllowed

    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    try:
        request.doku_notification = verify_request(request, secret_key=secret_key, notification_path=notification_path, tolerance=tolerance)
    except DokuError as e:
        # Short on purpose: the caller may be an attacker probing the endpoint.
        body = json.dumps({"error": {"code": e.code, "reason": e.reason}})
        # 400 for a genuine but malformed notification (its body is not JSON), 401 for the rest.
        status = 400 if e.code == "invalid_request" else 401
        return HttpResponse(body, status=status, content_type="application/json")
    return None


#: The longest notification Request-Id stored (DOKU's Request-Ids are at most 128 characters).
_MAX_REQUEST_ID = 128


def _once(request: Any, view: Callable[..., Any], args: Any, kwargs: Any) -> Any:
    """Runs the view once per notification Request-Id, in one transaction with its receipt."""
    from django.db import IntegrityError, transaction
    from django.http import HttpResponse

    from django.apps import apps
    from django.core.exceptions import ImproperlyConfigured

    if not apps.is_installed("doku_checkout.contrib.django"):
        raise ImproperlyConfigured('doku_notification(durable=True) needs "doku_checkout.contrib.django" in INSTALLED_APPS (and migrate)')
    from ...errors import InvalidInputError
    from .models import DokuNotificationReceipt
    from .orders import apply_status

    notification = request.doku_notification
    request_id = request.headers.get("Request-Id", "")
    if not request_id or len(request_id) > _MAX_REQUEST_ID:
        body = json.dumps({"error": {"code": "invalid_request", "reason": "request_id_length"}})
        return HttpResponse(body, status=400, content_type="application/json")
    order = notification.get("order") if isinstance(notification, dict) else None
    order = order if isinstance(order, dict) else {}
    transaction_part = notification.get("transaction") if isinstance(notification, dict) else None
    transaction_part = transaction_part if isinstance(transaction_part, dict) else {}
    invoice = order.get("invoice_number") if isinstance(order.get("invoice_number"), str) else ""
    status = transaction_part.get("status") if isinstance(transaction_part.get("status"), str) else None
    order_status = order.get("status") if isinstance(order.get("status"), str) else None
    with transaction.atomic():
        try:
            with transaction.atomic():
                DokuNotificationReceipt.objects.create(
                    request_id=request_id,
                    client_id=request.headers.get("Client-Id", "")[:128],
                    invoice_number=invoice[:64],
                    transaction_status=(status or "")[:64],
                )
        except IntegrityError:
            # Received before (or by another process, now committed): its effects happened.
            return HttpResponse(status=200)
        if invoice and len(invoice) <= 64 and (status or order_status):
            try:
                apply_status(invoice, transaction_status=status, order_status=order_status)
            except InvalidInputError:
                pass  # a status no state can be read from (over-long, control characters): the view decides
        response = view(request, *args, **kwargs)
        if getattr(response, "status_code", 500) >= 300:
            transaction.set_rollback(True)  # not handled: DOKU's retry runs it again
        return response


def _decorate(
    view: View, secret_key: Optional[SecretKey], notification_path: Optional[str], tolerance: Optional[float], durable: bool = False
) -> View:
    if durable and inspect.iscoroutinefunction(view):
        from django.core.exceptions import ImproperlyConfigured

        raise ImproperlyConfigured(
            "doku_notification(durable=True) needs a sync view: the receipt and the view's effects share one database transaction"
        )
    if inspect.iscoroutinefunction(view):

        @functools.wraps(view)
        async def async_wrapper(request: Any, *args: Any, **kwargs: Any) -> Any:
            refused = _refusal(request, secret_key, notification_path, tolerance)
            return refused if refused is not None else await view(request, *args, **kwargs)

        wrapper: Any = async_wrapper
    else:

        @functools.wraps(view)
        def sync_wrapper(request: Any, *args: Any, **kwargs: Any) -> Any:
            refused = _refusal(request, secret_key, notification_path, tolerance)
            if refused is not None:
                return refused
            return _once(request, view, args, kwargs) if durable else view(request, *args, **kwargs)

        wrapper = sync_wrapper
    wrapper.csrf_exempt = True  # what django.views.decorators.csrf.csrf_exempt sets
    return wrapper  # type: ignore[no-any-return]


@overload
def doku_notification(view: View) -> View: ...
@overload
def doku_notification(
    *,
    secret_key: Optional[SecretKey] = None,
    notification_path: Optional[str] = None,
    tolerance: Optional[float] = None,
    durable: bool = False,
) -> Callable[[View], View]: ...
def doku_notification(
    view: Optional[View] = None,
    *,
    secret_key: Optional[SecretKey] = None,
    notification_path: Optional[str] = None,
    tolerance: Optional[float] = None,
    durable: bool = False,
) -> Any:
    """View decorator, bare (``@doku_notification``) or called with options: verify, set
    ``request.doku_notification``, or answer 401/405 before the view runs; ``durable=True``
    runs the view once per notification across every process (see the module docs)."""
    if view is not None:
        return _decorate(view, None, None, None)
    return lambda v: _decorate(v, secret_key, notification_path, tolerance, durable)
