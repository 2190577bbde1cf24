"""Checkouts, cancels and status checks that keep ``DokuOrder`` right across many processes.

- ``create_checkout`` stores the checkout's Request-Id on the order **before** calling DOKU
  (in a savepoint of the caller's transaction; safe inside ``transaction.on_commit`` too), so a
  retry after an unknown outcome reuses it, and cancelling later never lacks it.
- ``cancel_order`` claims the order row (``select_for_update(skip_locked=True)``: a second worker
  on the same order gets ``CancelInProgress``, retryable), writes the cancel's Request-Id and
  commits **before** sending, then applies DOKU's answer through the core's lifecycle rule. A
  retry (a Celery task redelivered after its worker died) resends that same Request-Id, and DOKU
  replays its first answer instead of acting twice.
- ``apply_status`` moves an order forward only (``lifecycle_transition``): a late ``PENDING``
  after ``PAID`` changes nothing; final states that disagree are kept and recorded in
  ``anomaly``.
"""
from __future__ import annotations

from typing import Any, Optional, Tuple

from ... import CancelOrderResult, Client, CreateCheckoutResult, lifecycle_transition, new_request_id, order_lifecycle
from ...errors import DokuError, DuplicateRequestError, OrderNotCancellableError, OrderNotFoundError
from . import conf

__all__ = ["CancelInProgress", "apply_status", "cancel_order", "create_checkout", "refresh_status"]


class CancelInProgress(DokuError):
    """Another worker holds this order's row (it is cancelling it now): retry shortly."""

    code = "cancel_in_progress"

    def __init__(self, invoice_number: str) -> None:
        super().__init__(
            f"another worker is cancelling {invoice_number} right now; retry in a few seconds (the same Request-Id is reused)",
            retryable=True,
        )


# A cancel is pointless once an order reached one of these (CANCELLED is settled by DOKU's replay).
_NOT_CANCELLABLE = {"PAID": "order_paid", "EXPIRED": "order_expired", "REFUNDED": "order_refunded"}


def create_checkout(*, invoice_number: str, amount: int, request_id: Optional[str] = None, client: Optional[Client] = None, **fields: Any) -> Tuple[Any, CreateCheckoutResult]:
    """Create DOKU's checkout for ``invoice_number`` and keep its Request-Id on the ``DokuOrder``.

    The order row (and its Request-Id) is written first, in a savepoint of the caller's
    transaction; calling again for the same invoice reuses the stored Request-Id, so a retry
    after a timeout is DOKU's replay, not a second checkout. An invoice stored with another
    amount is refused (``ValueError``) before anything is sent.
    """
    from django.db import transaction

    from .models import DokuOrder

    with transaction.atomic():
        order, created = DokuOrder.objects.select_for_update().get_or_create(
            invoice_number=invoice_number, defaults={"amount": amount, "checkout_request_id": request_id or new_request_id()}
        )
        if not created and order.amount is not None and order.amount != amount:
            raise ValueError(f"{invoice_number} was created with amount {order.amount}, not {amount}: use a new invoice number")
        if not order.checkout_request_id:
            order.checkout_request_id = request_id or new_request_id()
            order.amount = amount
            order.save(update_fields=["checkout_request_id", "amount", "updated_at"])
        checkout_request_id = order.checkout_request_id
    result = (client or conf.client()).create_checkout(invoice_number=invoice_number, amount=amount, request_id=checkout_request_id, **fields)
    order.refresh_from_db()
    return order, result


def _claim(invoice_number: str, note: str) -> Tuple[str, str, str, str]:
    """Claim the row, give it its cancel Request-Id, commit: ``(state, checkout id, cancel id, note)``."""
    from django.db import transaction

    from .models import DokuOrder

    if transaction.get_connection().in_atomic_block:
        # Inside a transaction the Request-Id would only reach the database at its commit, after
        # the cancel was sent: a rollback would lose it, and a retry would send a second one.
        raise RuntimeError(
            "cancel_order runs outside a transaction (its Request-Id is committed before the cancel is sent): "
            "call it from transaction.on_commit(), a Celery task, or a view without ATOMIC_REQUESTS"
        )

    # An order the shop never recorded here (created before this library) gets its row now.
    DokuOrder.objects.get_or_create(invoice_number=invoice_number)
    with transaction.atomic():
        order = DokuOrder.objects.select_for_update(skip_locked=True).filter(invoice_number=invoice_number).first()
        if order is None:
            raise CancelInProgress(invoice_number)
        if (order.state == "CANCELLED" and not order.cancel_request_id) or order.state in _NOT_CANCELLABLE:
            return order.state, order.checkout_request_id, "", ""  # settled before: nothing to send
        if not order.cancel_request_id:
            order.cancel_request_id = new_request_id()
            order.cancel_note = note
            order.save(update_fields=["cancel_request_id", "cancel_note", "updated_at"])
        # The first note stays: the Request-Id was chosen for that body.
        return order.state, order.checkout_request_id, order.cancel_request_id, order.cancel_note


def cancel_order(invoice_number: str, note: str, *, client: Optional[Client] = None) -> Any:
    """Cancel an unpaid order exactly once, however many workers or retries call this.

    Returns the updated ``DokuOrder``. Raises ``CancelInProgress`` (retryable) when another
    worker holds the order, DOKU's typed errors otherwise: retryable ones (network, 5xx, rate
    limit) leave the Request-Id stored for the retry; a refusal (paid, expired) is applied to the
    order from DOKU's status answer before it is raised. Runs outside a transaction (the
    Request-Id is committed before the cancel is sent): ``RuntimeError`` inside one.
    """
    from .models import DokuOrder

    doku = client or conf.client()
    state, checkout_request_id, cancel_request_id, cancel_note = _claim(invoice_number, note)
    if state in _NOT_CANCELLABLE:
        raise OrderNotCancellableError(
            f"{invoice_number} is {state} here; it cannot be cancelled, and no cancel was sent",
            reason=_NOT_CANCELLABLE[state],
        )
    if not cancel_request_id:
        return DokuOrder.objects.get(invoice_number=invoice_number)
    try:
        if checkout_request_id:
            result: CancelOrderResult = doku.cancel_order(
                invoice_number=invoice_number, original_request_id=checkout_request_id, note=cancel_note, request_id=cancel_request_id
            )
        else:
            result = doku.cancel_by_invoice(invoice_number=invoice_number, note=cancel_note, request_id=cancel_request_id)
    except DuplicateRequestError:
        # The same Request-Id is in flight elsewhere (a redelivered task): DOKU is busy with it.
        order, _ = refresh_status(invoice_number, client=doku)
        if order.state == "CANCELLED":
            return order
        raise CancelInProgress(invoice_number) from None
    except (OrderNotCancellableError, OrderNotFoundError):
        # Learn where the order really is (paid, expired, cancelled elsewhere) before saying no.
        try:
            refresh_status(invoice_number, client=doku)
        except DokuError:
            pass
        raise
    # A cancel DOKU accepted (or replayed) leaves the order CANCELLED, whatever the body said.
    del result
    apply_status(invoice_number, transaction_status="CANCELLED")
    return DokuOrder.objects.get(invoice_number=invoice_number)


def apply_status(invoice_number: str, *, transaction_status: Optional[str] = None, order_status: Optional[str] = None) -> Tuple[Any, str]:
    """Apply what DOKU said of an order through the core's lifecycle rule, the row locked.

    Returns ``(order, outcome)``: ``apply``, ``unchanged`` (late news), ``anomaly`` (final
    states that disagree: kept, and recorded in ``order.anomaly``) or ``unrecognised``.
    """
    from django.db import transaction
    from django.utils import timezone

    from .models import DokuOrder

    DokuOrder.objects.get_or_create(invoice_number=invoice_number)
    with transaction.atomic():
        order = DokuOrder.objects.select_for_update().get(invoice_number=invoice_number)
        outcome, state = lifecycle_transition(order.state or None, transaction_status=transaction_status, order_status=order_status)
        fields = ["checked_at", "updated_at"]
        if outcome == "apply" and state is not None:
            order.state = state
            order.transaction_status = transaction_status or ""
            order.order_status = order_status or ""
            fields += ["state", "transaction_status", "order_status"]
        elif outcome == "anomaly":
            observed = order_lifecycle(transaction_status=transaction_status, order_status=order_status)
            order.anomaly = f"{order.state}->{observed}"[:160]
            fields.append("anomaly")
        order.checked_at = timezone.now()
        order.save(update_fields=fields)
        return order, outcome


def refresh_status(invoice_number: str, *, client: Optional[Client] = None) -> Tuple[Any, str]:
    """Ask DOKU's status API about an order and apply the answer (see ``apply_status``)."""
    status = (client or conf.client()).order_status(invoice_number)
    return apply_status(invoice_number, transaction_status=status.transaction_status, order_status=status.order_status)
