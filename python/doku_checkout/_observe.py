"""Traces and logs of the library's own HTTP calls (the core does its HTTP in Rust, where
OpenTelemetry's instrumentation of ``requests``/``httpx`` sees nothing).

The native client calls :func:`start` as a call begins, on the caller's thread (so the caller's
current span, in sync and asyncio code alike, becomes the parent), logs each retry through
:func:`log_retry` as it happens, and hands the call's recorded attempts to
:meth:`CallTrace.finish` when it ends, on the thread that then holds the GIL. Nothing is set up
here: spans go to the application's tracer provider when one is configured
(``opentelemetry-api`` is an optional dependency), logs to the ``doku_checkout`` logger (a
WARNING per retry; a DEBUG line per attempt). No attribute, event or log line holds the secret
key, a signature or a body: only the operation, the invoice number, the Request-Id, the URL
template, statuses and stable error codes.
"""
from __future__ import annotations

import logging
import os
import sys
from typing import Any, Optional

__all__ = ["CallTrace", "log_retry", "start"]

logger = logging.getLogger("doku_checkout")

_TRACER_NAME = "doku_checkout"


# OpenTelemetry keeps the configured provider in `_TRACER_PROVIDER`; reading it is ~40 ns, where
# `get_tracer_provider()` costs over a microsecond while none is set (it consults os.environ each
# time). The public function stays the way in when the attribute is gone, or when a provider is
# named by OTEL_PYTHON_TRACER_PROVIDER (which only that function loads).
_PUBLIC_ONLY = "OTEL_PYTHON_TRACER_PROVIDER" in os.environ
_PUBLIC = object()  # "ask the public function" (the stored provider could not be read)
_cached: "tuple[Any, Any]" = (None, None)  # (provider, its tracer)


def _tracer() -> Any:
    """The application's tracer, or None when no tracer provider is configured (or OpenTelemetry
    was never imported: then nothing can have configured one)."""
    global _cached
    trace = sys.modules.get("opentelemetry.trace")
    if trace is None:
        return None
    provider = None if _PUBLIC_ONLY else getattr(trace, "_TRACER_PROVIDER", _PUBLIC)
    if provider is None:
        return None
    if provider is _PUBLIC:
        provider = trace.get_tracer_provider()
        if isinstance(provider, (trace.ProxyTracerProvider, trace.NoOpTracerProvider)):
            return None
    if _cached[0] is not provider:
        from . import __version__

        _cached = (provider, provider.get_tracer(_TRACER_NAME, __version__))
    return _cached[1]




def start(operation: str, invoice_number: Optional[str]) -> Optional["CallTrace"]:
    """A call's trace, or None when nobody listens beyond retry warnings (the native side logs
    those through :func:`log_retry` on its own)."""
    tracer = _tracer()
    debug = logger.isEnabledFor(logging.DEBUG)
    if tracer is None and not debug:
        return None
    return CallTrace(tracer, operation, invoice_number, debug)


def log_retry(operation: str, invoice_number: Optional[str], request_id: str, attempt: int, wait_ms: int, reason: str) -> None:
    """One WARNING per retry, as it happens (the caller's logging configuration decides where it goes)."""
    logger.warning(
        "DOKU %s%s: attempt %d failed (%s); retrying in %d ms with the same Request-Id %s",
        operation,
        f" for {invoice_number}" if invoice_number else "",
        attempt,
        reason,
        wait_ms,
        request_id,
        extra={"doku_operation": operation, "doku_invoice_number": invoice_number, "doku_request_id": request_id, "doku_attempt": attempt},
    )


class CallTrace:
    """One logical call: a span ``doku.<operation>`` started on the caller's thread (its current
    span is the parent), and, when the call is over, one CLIENT span per HTTP attempt under it
    (OpenTelemetry's HTTP client conventions) with the times the core recorded, and the DEBUG
    lines. Built at the end in one go: no GIL is taken while the call runs."""

    __slots__ = ("_context", "_debug", "_invoice", "_operation", "_span", "_tracer")

    def __init__(self, tracer: Any, operation: str, invoice_number: Optional[str], debug: bool) -> None:
        self._tracer = tracer
        self._operation = operation
        self._invoice = invoice_number
        self._debug = debug
        self._span: Any = None
        self._context: Any = None
        if tracer is not None:
            from opentelemetry import trace

            attributes = {"doku.operation": operation}
            if invoice_number:
                attributes["doku.invoice_number"] = invoice_number
            self._span = tracer.start_span(f"doku.{operation}", kind=trace.SpanKind.INTERNAL, attributes=attributes)
            self._context = trace.set_span_in_context(self._span)

    def finish(self, events: list, attempts: int, request_id: Optional[str], replayed: Optional[bool], error_code: Optional[str]) -> None:
        """The call is over. ``events``: ``("start", attempt, at_ns, request_id, method,
        url_template, host, port)``, ``("end", attempt, at_ns, status, error_type)`` and
        ``("retry", attempt, at_ns, wait_ms, reason)``, in order; ``error_code`` when it failed."""
        if self._debug:
            for e in events:
                logger.debug("DOKU %s: %s", self._operation, " ".join(str(x) for x in (e[0], e[1], *e[3:])))
        span = self._span
        if span is None:
            return
        from opentelemetry import trace

        open_attempt: Any = None
        for e in events:
            kind = e[0]
            if kind == "start":
                _, attempt, at, _rid, method, template, host, port = e
                attributes: dict = {"http.request.method": method, "url.template": template, "server.address": host, "server.port": port}
                if attempt > 1:
                    attributes["http.request.resend_count"] = attempt - 1
                open_attempt = self._tracer.start_span(
                    f"{method} {template}", context=self._context, kind=trace.SpanKind.CLIENT, attributes=attributes, start_time=at
                )
            elif kind == "end" and open_attempt is not None:
                _, _attempt, at, status, error_type = e
                if status is not None:
                    open_attempt.set_attribute("http.response.status_code", status)
                if error_type:
                    _fail(open_attempt, error_type)
                open_attempt.end(end_time=at)
                open_attempt = None
            elif kind == "retry":
                span.add_event("doku.retry", {"doku.attempt": e[1], "doku.wait_ms": e[3], "doku.reason": e[4]}, timestamp=e[2])
        if open_attempt is not None:  # cut off by the call's deadline
            _fail(open_attempt, "timeout")
            open_attempt.end()
        span.set_attribute("doku.attempts", attempts)
        if request_id:
            span.set_attribute("doku.request_id", request_id)
        if replayed is not None:
            span.set_attribute("doku.replayed", replayed)
        if error_code:
            _fail(span, error_code)
        span.end()


def _fail(span: Any, error_type: str) -> None:
    from opentelemetry.trace import Status, StatusCode

    span.set_attribute("error.type", error_type)
    span.set_status(Status(StatusCode.ERROR))
