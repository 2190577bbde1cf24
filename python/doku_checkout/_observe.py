"""Traces and logs of the library's own HTTP calls (the core does its HTTP in Rust, where
OpenTelemetry's instrumentation of ``requests``/``httpx`` sees nothing).

The native client calls :func:`start` as a call begins, on the caller's thread (so the caller's
current span, in sync and asyncio code alike, becomes the parent), and reports each attempt and
each wait to what it returns, from its own I/O threads, while holding the GIL. Nothing is set up
here: spans go to the application's tracer provider when one is configured
(``opentelemetry-api`` is an optional dependency), logs to the ``doku_checkout`` logger (a
WARNING per retry; a DEBUG line per attempt). No attribute, event or log line holds the secret
key, a signature or a body: only the operation, the invoice number, the Request-Id, the URL
template, statuses and stable error codes.
"""
from __future__ import annotations

import logging
import sys
from typing import Any, Optional

__all__ = ["CallTrace", "log_retry", "start"]

logger = logging.getLogger("doku_checkout")

_TRACER_NAME = "doku_checkout"


def _tracer() -> Any:
    """The application's tracer, or None when no tracer provider is configured (or OpenTelemetry
    was never imported: then nothing can have configured one)."""
    trace = sys.modules.get("opentelemetry.trace")
    if trace is None:
        return None
    provider = trace.get_tracer_provider()
    if isinstance(provider, (trace.ProxyTracerProvider, trace.NoOpTracerProvider)):
        return None
    from . import __version__

    return provider.get_tracer(_TRACER_NAME, __version__)


def start(operation: str, invoice_number: Optional[str]) -> Optional["CallTrace"]:
    """A call's trace, or None when nobody listens beyond retry warnings (the native side logs
    those through :func:`log_retry` on its own)."""
    tracer = _tracer()
    debug = logger.isEnabledFor(logging.DEBUG)
    if tracer is None and not debug:
        return None
    return CallTrace(tracer, operation, invoice_number, debug)


def log_retry(operation: str, invoice_number: Optional[str], request_id: str, attempt: int, wait_ms: int, reason: str) -> None:
    """One WARNING per retry (the caller's logging configuration decides where it goes)."""
    if logger.isEnabledFor(logging.WARNING):
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
    """One logical call: a span ``doku.<operation>`` with one CLIENT span per HTTP attempt under
    it (OpenTelemetry's HTTP client conventions), and the DEBUG lines."""

    __slots__ = ("_attempt", "_context", "_debug", "_invoice", "_operation", "_span", "_tracer")

    def __init__(self, tracer: Any, operation: str, invoice_number: Optional[str], debug: bool) -> None:
        self._tracer = tracer
        self._operation = operation
        self._invoice = invoice_number
        self._debug = debug
        self._attempt: Any = None
        self._span: Any = None
        self._context: Any = None
        if tracer is not None:
            from opentelemetry import trace

            attributes = {"doku.operation": operation}
            if invoice_number:
                attributes["doku.invoice_number"] = invoice_number
            # The caller's current context is the parent: this runs on the caller's thread.
            self._span = tracer.start_span(f"doku.{operation}", kind=trace.SpanKind.INTERNAL, attributes=attributes)
            self._context = trace.set_span_in_context(self._span)

    def attempt_started(self, attempt: int, request_id: str, method: str, url_template: str, host: str, port: int) -> None:
        if self._debug:
            logger.debug("DOKU %s: attempt %d, %s %s, Request-Id %s", self._operation, attempt, method, url_template, request_id)
        if self._tracer is None:
            return
        from opentelemetry import trace

        attributes: dict = {"http.request.method": method, "url.template": url_template, "server.address": host, "server.port": port}
        if attempt > 1:
            attributes["http.request.resend_count"] = attempt - 1
        self._attempt = self._tracer.start_span(f"{method} {url_template}", context=self._context, kind=trace.SpanKind.CLIENT, attributes=attributes)

    def attempt_ended(self, attempt: int, status: Optional[int], error_type: Optional[str]) -> None:
        if self._debug:
            logger.debug("DOKU %s: attempt %d ended: %s", self._operation, attempt, status if status is not None else error_type)
        span, self._attempt = self._attempt, None
        if span is None:
            return
        if status is not None:
            span.set_attribute("http.response.status_code", status)
        if error_type:
            _fail(span, error_type)
        span.end()

    def retrying(self, attempt: int, request_id: str, wait_ms: int, reason: str) -> None:
        log_retry(self._operation, self._invoice, request_id, attempt, wait_ms, reason)
        if self._span is not None:
            self._span.add_event("doku.retry", {"doku.attempt": attempt, "doku.wait_ms": wait_ms, "doku.reason": reason})

    def end(self, attempts: int, request_id: Optional[str], replayed: Optional[bool], error_code: Optional[str]) -> None:
        """The call is over (``error_code`` when it failed); an attempt still open was cut off
        by the call's deadline."""
        if self._attempt is not None:
            self.attempt_ended(attempts, None, "timeout")
        if self._debug:
            logger.debug("DOKU %s: %s after %d attempt(s)", self._operation, error_code or "done", attempts)
        span = self._span
        if span is None:
            return
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
