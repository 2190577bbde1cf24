"""Celery tasks for Django shops: ``cancel_order.delay(invoice_number, note)``.

The task cancels through ``doku_checkout.contrib.django.orders.cancel_order``: the order row is
claimed and the cancel's Request-Id stored before anything is sent, so every try of the task,
including one redelivered after its worker was killed (``acks_late`` with
``reject_on_worker_lost``), sends the same Request-Id and DOKU acts once. Only retryable errors
are retried (network, timeouts, 5xx, rate limits, another worker holding the order), with
backoff; a refusal (paid, expired, unknown invoice) ends the task with its error code; an
error no retry fixes (a wrong Secret Key) fails the task at once. Give the broker a visibility
timeout longer than the longest task (Redis: ``broker_transport_options``).
"""
from __future__ import annotations

from typing import Any, Dict

from celery import shared_task

from ..errors import DokuError

__all__ = ["cancel_order"]

#: Retries of one cancel before it is given up as failed (about 20 minutes of backoff).
MAX_RETRIES = 24

#: Refusals that end the task with their code in its result: DOKU's answer about the order, or
#: arguments no try can send. Any other error no retry fixes fails the task.
_REFUSALS = frozenset({"order_not_cancellable", "order_not_found", "invalid_input"})


def _backoff(retries: int) -> float:
    """Seconds before the next try: 1, 2, 4 … capped at 60."""
    return float(min(60, 2 ** min(retries, 6)))


@shared_task(bind=True, name="doku_checkout.cancel_order", acks_late=True, reject_on_worker_lost=True, max_retries=MAX_RETRIES)
def cancel_order(self: Any, invoice_number: str, note: str) -> Dict[str, Any]:
    """Cancel one order exactly once; returns ``{"invoice_number", "state", "request_id"}``,
    with ``"error"`` (the stable code) and ``"reason"`` when DOKU refused."""
    from .django.models import DokuOrder
    from .django.orders import cancel_order as cancel

    try:
        order = cancel(invoice_number, note)
    except DokuError as e:
        if e.retryable:
            raise self.retry(exc=e, countdown=_backoff(self.request.retries))
        if e.code not in _REFUSALS:
            raise  # a wrong key, a misconfigured client: the task fails, visibly, without retries
        order = DokuOrder.objects.filter(invoice_number=invoice_number).first()
        return {
            "invoice_number": invoice_number,
            "state": order.state if order else None,
            "request_id": order.cancel_request_id if order else None,
            "error": e.code,
            "reason": e.reason,
        }
    return {"invoice_number": invoice_number, "state": order.state, "request_id": order.cancel_request_id}
