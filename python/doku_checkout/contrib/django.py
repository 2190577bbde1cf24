"""Verify DOKU HTTP Notifications in Django views.

    from doku_checkout.contrib.django import doku_notification

    @csrf_exempt
    @doku_notification()                       # settings.DOKU_SECRET_KEY, request.path
    def doku_webhook(request):
        order = request.doku_notification["order"]
        ...
        return HttpResponse(status=200)

A notification that does not verify gets a 401 JSON answer and never reaches the view.
The body is ``request.body`` (the raw bytes), so nothing can re-serialise it.
"""
from __future__ import annotations

import functools
import json
from typing import Any, Callable, Optional

from .. import verify_notification
from ..errors import DokuError

__all__ = ["doku_notification", "verify_request"]


def verify_request(request: Any, *, secret_key: Optional[str] = None, path: Optional[str] = None, tolerance: Optional[float] = None) -> dict:
    """Verify a Django ``HttpRequest`` as a DOKU notification and return its JSON body.

    ``secret_key`` defaults to ``settings.DOKU_SECRET_KEY``; ``path`` to ``request.path``
    (set it when a proxy rewrites paths: it must be the path DOKU calls).
    """
    if secret_key is None:
        from django.conf import settings

        secret_key = settings.DOKU_SECRET_KEY
    return verify_notification(
        secret_key=secret_key,
        headers=request.headers,
        body=request.body,
        notification_path=path or request.path,
        tolerance=tolerance,
    )


def doku_notification(*, secret_key: Optional[str] = None, path: Optional[str] = None, tolerance: Optional[float] = None) -> Callable:
    """View decorator: verify, set ``request.doku_notification``, or answer 401."""

    def decorate(view: Callable) -> Callable:
        @functools.wraps(view)
        def wrapper(request: Any, *args: Any, **kwargs: Any) -> Any:
            from django.http import HttpResponse

            try:
                request.doku_notification = verify_request(request, secret_key=secret_key, path=path, tolerance=tolerance)
            except DokuError as e:
                body = json.dumps({"error": {"code": e.code, "reason": e.reason, "message": e.message}})
                return HttpResponse(body, status=401, content_type="application/json")
            return view(request, *args, **kwargs)

        return wrapper

    return decorate
